//! What reaches the terminal. Stages never print; `main.rs` and the preview server hand their
//! results to a [`Terminal`], which decides in one place what is shown (`--quiet`, `--verbose`),
//! how it is worded (summaries, warnings, errors) and whether it is coloured, and lets tests
//! read what a person would have seen.
//!
//! Colour: messages are written with [`anstyle`] styles, and [`anstream`] removes them unless
//! stderr is a terminal; `NO_COLOR` (no-color.org) turns them off, `CLICOLOR_FORCE` on even in
//! a pipe.

use std::fmt::Display;
use std::sync::{Arc, Mutex};

use anstyle::{AnsiColor, Style};

use crate::config::Lang;
use crate::error::{Diagnostic, Diagnostics, Severity};

/// How much the command line says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Verbosity {
    /// `--quiet`: errors only.
    Quiet,
    /// Summaries, warnings and errors.
    #[default]
    Normal,
    /// `--verbose`: also the details (where the site was found, which drafts were left out).
    Verbose,
}

/// Where messages for the person running optout go.
#[derive(Debug, Clone)]
pub enum Terminal {
    /// Standard error (the CLI), saying as much as the verbosity allows.
    Stderr(Verbosity),
    /// Nowhere (tests that do not care).
    Quiet,
    /// Into a buffer, without colour (tests that read the messages).
    Capture(Arc<Mutex<String>>),
}

impl Default for Terminal {
    fn default() -> Self {
        Terminal::Stderr(Verbosity::Normal)
    }
}

/// Styles of the parts of a message; shown only where colour is wanted.
pub mod style {
    use super::*;

    pub const ERROR: Style = AnsiColor::Red.on_default().bold();
    pub const WARNING: Style = AnsiColor::Yellow.on_default().bold();
    pub const HINT: Style = Style::new().dimmed();
    pub const FILE: Style = Style::new().bold().underline();
    pub const STRONG: Style = Style::new().bold();
    pub const DONE: Style = AnsiColor::Green.on_default().bold();
}

/// `text` in `style` (ANSI escapes; the terminal removes them where colour is not wanted).
pub fn paint(style: Style, text: impl Display) -> String {
    format!("{style}{text}{style:#}")
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
        matches!(self, Terminal::Quiet | Terminal::Stderr(Verbosity::Quiet))
    }

    fn verbosity(&self) -> Verbosity {
        match self {
            Terminal::Stderr(v) => *v,
            Terminal::Quiet => Verbosity::Quiet,
            Terminal::Capture(_) => Verbosity::Normal,
        }
    }

    /// Whether styled text shows as colour here: stderr is a terminal (or `CLICOLOR_FORCE` is
    /// set) and `NO_COLOR` is not.
    pub fn colour(&self) -> bool {
        match self {
            Terminal::Stderr(_) => {
                anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never
            }
            _ => false,
        }
    }

    /// Writes one message whatever the verbosity; a newline is added.
    fn write(&self, text: &str) {
        match self {
            Terminal::Stderr(_) => anstream::eprintln!("{text}"),
            Terminal::Quiet => {}
            Terminal::Capture(buf) => {
                if let Ok(mut b) = buf.lock() {
                    b.push_str(&anstream::adapter::strip_str(text).to_string());
                    b.push('\n');
                }
            }
        }
    }

    /// A summary or other information (not with `--quiet`).
    pub fn line(&self, text: impl Display) {
        if self.verbosity() >= Verbosity::Normal {
            self.write(&text.to_string());
        }
    }

    /// A detail shown only with `--verbose`.
    pub fn detail(&self, text: impl Display) {
        if self.verbosity() >= Verbosity::Verbose {
            self.write(&paint(style::HINT, text));
        }
    }

    /// A problem that must be seen even with `--quiet` (the preview cannot start, …).
    pub fn problem(&self, text: impl Display) {
        if !matches!(self, Terminal::Quiet) {
            self.write(&text.to_string());
        }
    }

    /// Diagnostics as `file:line:column: level: message` with their hints, one after another;
    /// warnings are left out with `--quiet`.
    pub fn diagnostics(&self, diags: &Diagnostics) {
        for d in &diags.0 {
            if d.is_error() {
                self.problem(styled(d));
            } else {
                self.line(styled(d));
            }
        }
    }

    /// The errors, then `3 errors — {consequence}`.
    pub fn errors(&self, diags: &Diagnostics, consequence: &str) {
        self.diagnostics(diags);
        self.problem(format!(
            "{} — {consequence}",
            paint(style::ERROR, count(diags.errors().count(), "error"))
        ));
    }
}

/// A diagnostic as [`Diagnostic`]'s `Display` writes it, with its level and hint styled.
pub fn styled(d: &Diagnostic) -> String {
    let level = match d.severity {
        Severity::Error => paint(style::ERROR, "error"),
        Severity::Warning => paint(style::WARNING, "warning"),
    };
    let mut text = format!("{}: {level}: {}", d.location(), d.message);
    if let Some(hint) = &d.hint {
        text.push('\n');
        text.push_str(&paint(style::HINT, format!("  hint: {hint}")));
    }
    text
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

/// The drafts rule, told once per command: `2 drafts left out; add --drafts (-D) to include
/// them` (nothing when there are none).
pub fn drafts_left_out(n: usize) -> Option<String> {
    (n > 0).then(|| {
        format!(
            "{} left out; add --drafts (-D) to include {}",
            count(n, "draft"),
            if n == 1 { "it" } else { "them" }
        )
    })
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

    #[test]
    fn drafts_line() {
        assert_eq!(drafts_left_out(0), None);
        assert_eq!(
            drafts_left_out(1).as_deref(),
            Some("1 draft left out; add --drafts (-D) to include it")
        );
        assert_eq!(
            drafts_left_out(3).as_deref(),
            Some("3 drafts left out; add --drafts (-D) to include them")
        );
    }

    #[test]
    fn quiet_keeps_errors_only_and_verbose_adds_details() {
        let diags = Diagnostics(vec![
            Diagnostic::error("a.md", "broken"),
            Diagnostic::warning("b.md", "odd"),
        ]);
        let capture = Terminal::capture();
        capture.diagnostics(&diags);
        capture.detail("only with -v");
        assert_eq!(
            capture.captured(),
            "a.md: error: broken\nb.md: warning: odd\n"
        );
        assert!(Terminal::Stderr(Verbosity::Quiet).is_quiet());
        assert!(Verbosity::Quiet < Verbosity::Normal && Verbosity::Normal < Verbosity::Verbose);
    }
}
