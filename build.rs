//! Rebuilds optout when the default theme changes: `optout init` copies the theme compiled into
//! the binary (`src/init.rs`), and the macro that embeds it does not tell Cargo which files it read.

fn main() {
    println!("cargo:rerun-if-changed=themes/default");
    println!("cargo:rerun-if-changed=build.rs");
}
