//! What reaches the terminal. Stages never print; `main.rs` and the preview server hand their
//! results to a [`Terminal`], which decides the wording of summaries, warnings and errors in one
//! place (and lets tests read what a person would have seen).

use std::fmt::Display;
use std::sync::{Arc, Mutex};

use crate::config::Lang;
use crate::error::Diagnostics;

/// Where messages for the person running optout go.
#[derive(Debug, Clone, Default)]
pub enum Terminal {
    /// Standard error (the CLI).
    #[default]
    Stderr,
    /// Nowhere (tests that do not care).
    Quiet,
    /// Into a buffer (tests that read the messages).
    Capture(Arc<Mutex<String>>),
}

impl Terminal {
    /// A terminal that records what it is told; read it with [`Terminal::captured`].
    pub fn capture() -> Terminal {
        Terminal::Capture(Arc::new(Mutex::new(String::new())))
    }

    /// Everything a [`Terminal::capture`] recorded so far (empty for the others).
    pub fn captured(&self) -> String {
        match self {
            Terminal::Capture(buf) => buf.lock().map(|b| b.clone()).unwrap_or_default(),
            _ => String::new(),
        }
    }

    pub fn is_quiet(&self) -> bool {
        matches!(self, Terminal::Quiet)
    }

    /// One message; a newline is added.
    pub fn line(&self, text: impl Display) {
        match self {
            Terminal::Stderr => eprintln!("{text}"),
            Terminal::Quiet => {}
            Terminal::Capture(buf) => {
                if let Ok(mut b) = buf.lock() {
                    b.push_str(&format!("{text}\n"));
                }
            }
        }
    }

    /// Diagnostics as `file:line:column: level: message` with their hints, one after another.
    pub fn diagnostics(&self, diags: &Diagnostics) {
        for d in &diags.0 {
            self.line(d);
        }
    }

    /// The errors, then `3 errors — {consequence}`.
    pub fn errors(&self, diags: &Diagnostics, consequence: &str) {
        self.diagnostics(diags);
        self.line(format!(
            "{} — {consequence}",
            count(diags.errors().count(), "error")
        ));
    }
}

/// `1 page`, `2 pages`.
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// `Built 24 pages (12 de, 12 en) in 41 ms`.
pub fn pages_summary(verb: &str, pages_per_lang: &[(Lang, usize)], millis: u128) -> String {
    let total: usize = pages_per_lang.iter().map(|(_, n)| n).sum();
    let per: Vec<String> = pages_per_lang
        .iter()
        .map(|(l, n)| format!("{n} {l}"))
        .collect();
    format!("{verb} {total} pages ({}) in {millis} ms", per.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_and_counts() {
        let per = [(Lang("de".into()), 12), (Lang("en".into()), 1)];
        assert_eq!(
            pages_summary("Built", &per, 41),
            "Built 13 pages (12 de, 1 en) in 41 ms"
        );
        assert_eq!(count(1, "error"), "1 error");
        assert_eq!(count(2, "error"), "2 errors");
        let t = Terminal::capture();
        t.errors(
            &crate::error::Diagnostic::error("site.yaml", "broken").into(),
            "nothing was written",
        );
        assert_eq!(
            t.captured(),
            "site.yaml: error: broken\n1 error — nothing was written\n"
        );
    }
}
