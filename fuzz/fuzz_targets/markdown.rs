#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| optout_fuzz::markdown(data));
