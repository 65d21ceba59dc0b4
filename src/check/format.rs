//! How `check` shows what it found: for people (grouped by file, a summary line), as JSON
//! (a stable schema, version 1, documented in the README) and as GitHub workflow annotations.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::json;

use super::{CheckReport, Finding};
use crate::error::Severity;
use crate::report::{Terminal, count};

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Grouped by file, for people.
    #[default]
    Human,
    /// One JSON document on stdout (schema version 1).
    Json,
    /// GitHub Actions workflow commands on stdout (`::error file=…,line=…::…`).
    Github,
}

/// Exit code: 1 with errors, or with warnings under `--deny-warnings`; else 0.
pub fn exit_code(report: &CheckReport, deny_warnings: bool) -> u8 {
    u8::from(report.errors() > 0 || (deny_warnings && report.warnings() > 0))
}

/// ANSI colours, only where wanted (a terminal without `NO_COLOR`).
struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// Whether stderr gets colours: as the CLI's [`Terminal`] decides (a terminal or
/// `CLICOLOR_FORCE`, and never with `NO_COLOR`).
pub fn colours_wanted() -> bool {
    Terminal::default().colour()
}

/// The findings grouped by file (a blank line and the file's name before each group; every
/// finding keeps its full `file:line:column`, which editors and terminals open), the external
/// links, and a summary line.
pub fn human(report: &CheckReport, terminal: &Terminal, colour: bool) {
    let paint = Paint(colour);
    let mut by_file: BTreeMap<String, Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        by_file
            .entry(f.diagnostic.file.to_string_lossy().replace('\\', "/"))
            .or_default()
            .push(f);
    }
    for (file, findings) in &by_file {
        terminal.line(format!("\n{}", paint.wrap("1;4", file)));
        for f in findings {
            let d = &f.diagnostic;
            let level = match d.severity {
                Severity::Error => paint.wrap("31;1", "error"),
                Severity::Warning => paint.wrap("33;1", "warning"),
            };
            terminal.line(format!("{}: {level}: {}", d.location(), d.message));
            if let Some(hint) = &d.hint {
                terminal.line(paint.wrap("2", &format!("  hint: {hint}")));
            }
        }
    }
    if !report.external_links.is_empty() {
        let mut by_url: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for l in &report.external_links {
            let place = match l.line {
                Some(line) => format!("{}:{line}", l.file.display()),
                None => l.file.display().to_string(),
            };
            by_url.entry(&l.url).or_default().push(place);
        }
        let how = if report.fetched {
            "fetched"
        } else {
            "not fetched; `optout check --external` fetches them"
        };
        terminal.line(paint.wrap(
            "1",
            &format!("External links: {} ({how})", count(by_url.len(), "URL")),
        ));
        for (url, places) in by_url {
            terminal.line(format!("  {url}  {}", paint.wrap("2", &places.join(", "))));
        }
    }
    terminal.line(summary(report));
}

/// `Checked 24 pages (12 de, 12 en) in 41 ms: 1 error, 2 warnings; translations: 10 in step, …`
/// (`nothing to fix` when there is no finding).
pub fn summary(report: &CheckReport) -> String {
    let t = &report.translations;
    let mut line = if report.pages_per_lang.is_empty() {
        // The site did not load: there is nothing to count.
        "Check failed".to_string()
    } else {
        crate::report::pages_summary("Checked", &report.pages_per_lang, report.millis)
    };
    let found: Vec<String> = [(report.errors(), "error"), (report.warnings(), "warning")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, noun)| count(n, noun))
        .collect();
    if found.is_empty() {
        line.push_str(": nothing to fix");
    } else {
        let _ = write!(line, ": {}", found.join(", "));
    }
    if t.in_step + t.outdated + t.unmarked + t.missing > 0 {
        let _ = write!(
            line,
            "; translations: {} in step, {} outdated, {} not marked, {} missing",
            t.in_step, t.outdated, t.unmarked, t.missing
        );
    }
    line
}

/// The JSON document (schema version 1).
pub fn json(report: &CheckReport, deny_warnings: bool) -> String {
    let pages: serde_json::Map<String, serde_json::Value> = report
        .pages_per_lang
        .iter()
        .map(|(l, n)| (l.to_string(), json!(n)))
        .collect();
    let doc = json!({
        "version": 1,
        "ok": exit_code(report, deny_warnings) == 0,
        "summary": {
            "errors": report.errors(),
            "warnings": report.warnings(),
            "pages": pages,
            "translations": report.translations,
            "external_links": report.external_links.len(),
            "external_fetched": report.fetched,
        },
        "findings": report.findings,
        "external_links": report.external_links,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// GitHub Actions workflow commands, one per finding.
pub fn github(report: &CheckReport) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let d = &f.diagnostic;
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = vec![format!(
            "file={}",
            property(&d.file.to_string_lossy().replace('\\', "/"))
        )];
        if let Some(l) = d.line {
            props.push(format!("line={l}"));
        }
        if let Some(c) = d.column {
            props.push(format!("col={c}"));
        }
        let class = serde_json::to_value(f.class)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        props.push(format!("title={}", property(&format!("optout {class}"))));
        let mut message = d.message.clone();
        if let Some(hint) = &d.hint {
            message.push_str("\nhint: ");
            message.push_str(hint);
        }
        let _ = writeln!(out, "::{level} {}::{}", props.join(","), data(&message));
    }
    out
}

/// Escaping of a workflow command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a workflow command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}
