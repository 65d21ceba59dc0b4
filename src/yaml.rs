//! Typed YAML parsing with located, helpful errors (used for site.yaml, front matter and `.yaml` metadata).

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::{Diagnostic, did_you_mean};

/// Parses `text` into `T`. `first_line` is the line of `text`'s first line in its file, so that
/// errors in front matter point at the line of the Markdown file, not of the YAML block.
pub fn parse<T: DeserializeOwned>(
    file: &Path,
    text: &str,
    first_line: usize,
) -> Result<T, Diagnostic> {
    // Windows editors save a byte order mark; in site.yaml it would be read as part of the
    // first key.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(at) = stray_line_break(text) {
        return Err(stray_line_break_error(file, text, at, first_line));
    }
    if let Some(at) = flow_too_deep(text) {
        let (line, column) = line_column(text, at, first_line);
        return Err(Diagnostic::error(
            file,
            format!("`[` and `{{` nested more than {MAX_FLOW_DEPTH} levels deep"),
        )
        .at(line, column)
        .hint("metadata needs a few levels at most; write the value out flat"));
    }
    serde_yaml::from_str(text).map_err(|e| {
        let diag = yaml_error(file, &e, first_line);
        explain(diag, text, first_line)
    })
}

/// Rewords the errors people make most in the words of the one who made them: a quote left
/// open (the YAML parser notices only lines later), text after a closing quote, a date not
/// written as YYYY-MM-DD.
fn explain(diag: Diagnostic, text: &str, first_line: usize) -> Diagnostic {
    let Some(line) = diag.line else { return diag };
    let lines: Vec<&str> = text.lines().collect();
    if is_syntax_error(&diag.message) {
        // The quote that causes the error is on the reported line or before it.
        let last = (line + 1).saturating_sub(first_line).min(lines.len());
        for (i, l) in lines[..last].iter().enumerate() {
            if let Some(problem) = quote_problem(l) {
                return problem.diagnostic(&diag.file, i + first_line, l);
            }
        }
    }
    let text_at = |l: usize| {
        l.checked_sub(first_line)
            .and_then(|i| lines.get(i))
            .copied()
    };
    if let Some(better) =
        text_at(line).and_then(|l| reword(&diag, l, line.checked_sub(1).and_then(text_at)))
    {
        return better;
    }
    if let Some((key, reason)) = diag.message.split_once(": ")
        && is_date_error(reason)
        && let Some(found) = line
            .checked_sub(first_line)
            .and_then(|i| lines.get(i))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| {
                v.split('#')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .trim_matches(['"', '\''])
            })
    {
        let key = key.rsplit('.').next().unwrap_or(key);
        let mut d = Diagnostic::error(
            &diag.file,
            format!("`{key}: {found}` is not a date in the format YYYY-MM-DD"),
        );
        d.line = diag.line;
        d.column = diag.column;
        return d.hint(match german_date(found) {
            Some(iso) => format!("write `{key}: {iso}` (year-month-day)"),
            None => format!("write the date as year-month-day, e.g. `{key}: 2026-11-29`"),
        });
    }
    diag
}

/// The YAML parser's words for a tab in the indentation, for `key: a: b` and for a line
/// indented under a key that has a value, in an editor's words.
fn reword(diag: &Diagnostic, line: &str, previous: Option<&str>) -> Option<Diagnostic> {
    let at = |d: Diagnostic| {
        let mut d = d;
        d.line = diag.line;
        d.column = diag.column;
        d
    };
    let key = line.split(':').next().unwrap_or("").trim();
    if diag.message.contains("cannot start any token") && line.contains('\t') {
        return Some(
            at(Diagnostic::error(
                &diag.file,
                "a tab in the indentation: YAML indents with spaces only",
            ))
            .hint("replace the tab with spaces (two per level)"),
        );
    }
    if !diag.message.contains("mapping values are not allowed") {
        return None;
    }
    let value = line.split_once(": ").map(|(_, v)| v.trim())?;
    if !key.is_empty() && !value.is_empty() && value.contains(": ") {
        return Some(
            at(Diagnostic::error(
                &diag.file,
                format!("`: ` inside the value of `{key}`"),
            ))
            .hint(format!("put the value in quotes: `{key}: \"{value}\"`")),
        );
    }
    let indent = |l: &str| l.len() - l.trim_start().len();
    if let Some(prev) = previous
        && indent(line) > indent(prev)
    {
        let mut d = at(Diagnostic::error(
            &diag.file,
            format!("`{key}` is indented further than the line before"),
        ))
        .hint("keys of the same level start in the same column; indent only below a key that ends with `:`");
        d.column = Some(1);
        return Some(d);
    }
    None
}

fn is_syntax_error(message: &str) -> bool {
    [
        "did not find expected",
        "while scanning a quoted scalar",
        "found unexpected end of stream",
        "while parsing",
    ]
    .iter()
    .any(|m| message.contains(m))
}

/// chrono's reasons for a date it could not read.
fn is_date_error(reason: &str) -> bool {
    [
        "input contains invalid characters",
        "premature end of input",
        "input is out of range",
        "trailing input",
        "input is not enough for unique date",
        "no possible date and time matching input",
    ]
    .contains(&reason)
}

/// `29.11.2026` (or `29.11.26`? no: only four-digit years) as `2026-11-29`.
fn german_date(text: &str) -> Option<String> {
    let mut parts = text.split(['.', '/']);
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 {
        return None;
    }
    let date = chrono::NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?;
    Some(date.to_string())
}

/// What is wrong with the quotes of a `key: "value"` line, if anything.
#[derive(Debug, PartialEq, Eq)]
enum QuoteProblem {
    /// The value opens a quote at this column (1-based) and the line does not close it.
    Unclosed { column: usize, quote: char },
    /// Text follows the closing quote at this column (1-based).
    TextAfter { column: usize, quote: char },
}

impl QuoteProblem {
    fn diagnostic(&self, file: &Path, line: usize, text: &str) -> Diagnostic {
        let key = text
            .split(':')
            .next()
            .unwrap_or("")
            .trim()
            .trim_start_matches("- ");
        match *self {
            QuoteProblem::Unclosed { column, quote } => Diagnostic::error(
                file,
                format!("the quote {quote} opened here is never closed"),
            )
            .at(line, column)
            .hint(format!(
                "end the value with {quote} on the same line, e.g. `{key}: {quote}…{quote}`"
            )),
            QuoteProblem::TextAfter { column, quote } => Diagnostic::error(
                file,
                format!("text after the closing quote {quote}"),
            )
            .at(line, column)
            .hint(format!(
                "put the whole value in quotes: `{key}: {quote}…{quote}`; a quote inside a value \
                 is written \\{quote} (or use „typographic“ quotes)"
            )),
        }
    }
}

/// Checks the value of a one-line `key: value` or `- value` for a quote that is not closed, or
/// for text after its closing quote. Block scalars and plain values have no quote problems.
fn quote_problem(line: &str) -> Option<QuoteProblem> {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') {
        return None;
    }
    // `key: value`, `- value` or `- key: value` (a list of mappings, such as `sources`).
    let item = trimmed
        .strip_prefix("- ")
        .map(|rest| line.len() - rest.len());
    let after_item = &line[item.unwrap_or(0)..];
    let starts_quoted = after_item.trim_start().starts_with(['"', '\'']);
    let value_start = match (item, after_item.find(": ")) {
        (Some(start), _) if starts_quoted => start,
        (start, Some(colon)) => start.unwrap_or(0) + colon + 2,
        (Some(start), None) => start,
        (None, None) => return None,
    };
    let value = &line[value_start..];
    let lead = value.len() - value.trim_start().len();
    let value = value.trim_start();
    let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let start = value_start + lead;
    let column = |byte: usize| line[..byte].chars().count() + 1;
    let mut chars = value.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
            continue;
        }
        if c == quote {
            // '' inside single quotes is an escaped quote.
            if quote == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                chars.next();
                continue;
            }
            let after = value[i + 1..].trim();
            if after.is_empty() || after.starts_with('#') {
                return None;
            }
            return Some(QuoteProblem::TextAfter {
                column: column(
                    start + i + 1 + (value[i + 1..].len() - value[i + 1..].trim_start().len()),
                ),
                quote,
            });
        }
    }
    Some(QuoteProblem::Unclosed {
        column: column(start),
        quote,
    })
}

/// Deeper flow collections (`[`, `{`) are refused before the YAML parser sees them: its scanner
/// does work for every open level at every token, so 40,000 levels took 3 s and the 8 MB a file
/// may hold would take hours (found by the `front_matter` fuzz target). serde_yaml refuses more
/// than 128 levels anyway, only after scanning all of them.
const MAX_FLOW_DEPTH: usize = 128;

/// The byte offset of the bracket that opens level [`MAX_FLOW_DEPTH`] + 1, skipping quoted
/// strings and comments. Brackets inside plain text count too, which can only make a text with
/// over a hundred `[` in a row an error.
fn flow_too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut previous = '\n';
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if comment {
            comment = c != '\n';
        } else if let Some(q) = quote {
            if q == '"' && c == '\\' {
                chars.next();
            } else if c == q {
                quote = None;
            }
        } else {
            match c {
                '"' | '\'' => quote = Some(c),
                '#' if previous.is_whitespace() => comment = true,
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Some(i);
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        previous = c;
    }
    None
}

/// Line (LF-counted, shifted by `first_line`) and column (in characters) of a byte offset.
fn line_column(text: &str, at: usize, first_line: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + first_line;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The byte offset of the first line break YAML sees and the other stages do not: a carriage
/// return that is not part of a CRLF, or NEL, LINE SEPARATOR or PARAGRAPH SEPARATOR (YAML 1.1
/// line breaks; word processors paste them invisibly).
fn stray_line_break(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    text.char_indices()
        .find(|&(i, c)| match c {
            '\r' => bytes.get(i + 1) != Some(&b'\n'),
            '\u{85}' | '\u{2028}' | '\u{2029}' => true,
            _ => false,
        })
        .map(|(i, _)| i)
}

/// YAML reads such a character as a line break, every other stage (and this file's line numbers)
/// only LF: the two would disagree on every line after it, so it is an error where it stands.
fn stray_line_break_error(file: &Path, text: &str, at: usize, first_line: usize) -> Diagnostic {
    let (line, column) = line_column(text, at, first_line);
    let diag = if text[at..].starts_with('\r') {
        Diagnostic::error(
            file,
            "a lone carriage return (CR, classic Mac OS) ends a line here; optout reads LF and CRLF line endings",
        )
        .hint("save the file with LF (Unix) or CRLF (Windows) line endings")
    } else {
        let c = text[at..].chars().next().unwrap_or(' ');
        Diagnostic::error(
            file,
            format!(
                "an invisible line break character (U+{:04X}) stands here; YAML would end the line at it, optout does not",
                c as u32
            ),
        )
        .hint("delete it (it often comes with text pasted from a word processor) or use a normal line break")
    };
    diag.at(line, column)
}

/// Turns a serde_yaml error into a diagnostic: location shifted into the file, the message stripped
/// of serde_yaml's own " at line X column Y", and a hint (with "did you mean" for unknown keys).
pub fn yaml_error(file: &Path, err: &serde_yaml::Error, first_line: usize) -> Diagnostic {
    let raw = err.to_string();
    let message = strip_location(&raw);
    let mut diag = Diagnostic::error(file, message.clone());
    if let Some(loc) = err.location() {
        diag = diag.at(loc.line() + first_line - 1, loc.column());
    } else {
        diag = diag.at_line(first_line);
    }
    diag.hint(hint_for(&message))
}

fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn hint_for(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (field, rest) = rest.split_once('`').unwrap_or((rest, ""));
        let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
        if let Some(best) = did_you_mean(field, &expected) {
            return format!("did you mean `{best}`?");
        }
        return format!("allowed keys here: {}", expected.join(", "));
    }
    if message.starts_with("missing field `") {
        return "add the key; see README.md (\"Front matter keys\" / \"site.yaml\") for its meaning"
            .into();
    }
    if message.contains("recursion limit") || message.contains("repetition limit") {
        return "YAML anchors/aliases expand too far; write the values out instead".into();
    }
    if message.contains("invalid type") || message.contains("invalid value") {
        return "check the value's type: strings in quotes, dates as YYYY-MM-DD, lists as [a, b]"
            .into();
    }
    "check the YAML syntax: `key: value`, two-space indentation, strings containing `: ` in quotes"
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        title: String,
        weight: Option<i64>,
    }

    #[test]
    fn unknown_key_suggests_closest() {
        let e = parse::<Doc>(Path::new("a.md"), "title: x\ntitel: y\n", 2).unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("unknown field `titel`"), "{}", e.message);
        assert_eq!(e.hint.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn an_unclosed_quote_is_reported_on_its_own_line() {
        let e = parse::<Doc>(Path::new("a.md"), "title: \"Beispiel\nweight: 3\n", 2).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.md:2:8: error: the quote \" opened here is never closed\n  hint: end the value with \" on the same line, e.g. `title: \"…\"`"
        );
        let e = parse::<Doc>(Path::new("a.md"), "title: \"Beispiel\" und so\n", 2).unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(19)));
        assert_eq!(e.message, "text after the closing quote \"");
        assert_eq!(quote_problem(r#"title: "a \" b""#), None);
        assert_eq!(quote_problem("title: 'it''s'"), None);
        assert_eq!(quote_problem("title: it's"), None);
        assert_eq!(quote_problem(r#"  - "x" # note"#), None);
        assert_eq!(
            quote_problem(r#"  - title: "Quelle"#),
            Some(QuoteProblem::Unclosed {
                column: 12,
                quote: '"'
            })
        );
        assert_eq!(
            quote_problem(r#"  - "Meta"#),
            Some(QuoteProblem::Unclosed {
                column: 5,
                quote: '"'
            })
        );
        assert_eq!(quote_problem(r#"  - url: "https://a.b/c""#), None);
    }

    #[test]
    fn colons_tabs_and_indentation_in_an_editors_words() {
        let e = parse::<Doc>(Path::new("a.md"), "title: Facebook: Widerspruch\n", 2).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.md:2:16: error: `: ` inside the value of `title`\n  hint: put the value in quotes: `title: \"Facebook: Widerspruch\"`"
        );
        let e = parse::<Doc>(Path::new("a.md"), "title: x\n  weight: 3\n", 2).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.md:3:1: error: `weight` is indented further than the line before\n  hint: keys of the same level start in the same column; indent only below a key that ends with `:`"
        );
        let e = parse::<serde_yaml::Value>(Path::new("a.md"), "tags:\n\t- a\n", 2).unwrap_err();
        assert_eq!(
            e.message,
            "a tab in the indentation: YAML indents with spaces only"
        );
        assert_eq!(e.line, Some(3));
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Dated {
        date: chrono::NaiveDate,
    }

    #[test]
    fn a_date_names_its_format_and_what_was_found() {
        let e = parse::<Dated>(Path::new("a.md"), "date: 29.11.2026\n", 5).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.md:5:7: error: `date: 29.11.2026` is not a date in the format YYYY-MM-DD\n  hint: write `date: 2026-11-29` (year-month-day)"
        );
        let e = parse::<Dated>(Path::new("a.md"), "date: \"Ende November\"\n", 1).unwrap_err();
        assert_eq!(
            e.hint.as_deref(),
            Some("write the date as year-month-day, e.g. `date: 2026-11-29`")
        );
    }

    #[test]
    fn syntax_error_has_line() {
        let e = parse::<Doc>(Path::new("a.md"), "title: [x\n", 2).unwrap_err();
        assert!(e.line.is_some());
    }

    #[test]
    fn deep_flow_nesting_is_refused_before_parsing() {
        let deep = format!(
            "title: x\ntags: {}{}\n",
            "[".repeat(40_000),
            "]".repeat(40_000)
        );
        let start = std::time::Instant::now();
        let e = parse::<Doc>(Path::new("a.md"), &deep, 2).unwrap_err();
        assert!(start.elapsed().as_millis() < 500, "{:?}", start.elapsed());
        assert_eq!((e.line, e.column), (Some(3), Some(135)));
        assert!(
            e.message.contains("nested more than 128 levels"),
            "{}",
            e.message
        );
        // Brackets in quotes and comments are text.
        let quoted = format!("title: \"{}\" # {}\n", "[".repeat(200), "{".repeat(200));
        assert!(parse::<Doc>(Path::new("a.md"), &quoted, 1).is_ok());
    }

    #[test]
    fn unicode_line_separators_are_errors_where_they_stand() {
        for c in ['\u{85}', '\u{2028}', '\u{2029}'] {
            let text = format!("title: x\nmenu: a{c} - b\nweight: [1,\n");
            let e = parse::<Doc>(Path::new("site.yaml"), &text, 1).unwrap_err();
            assert_eq!(
                (e.line, e.column),
                (Some(2), Some(8)),
                "{c:?}: {}",
                e.message
            );
            assert!(e.message.contains("invisible line break"), "{}", e.message);
        }
    }

    #[test]
    fn lone_cr_is_located_by_lf_lines() {
        let e = parse::<Doc>(Path::new("a.md"), "title: x\r\nweight: 1\n# a\rb\n", 2).unwrap_err();
        assert_eq!((e.line, e.column), (Some(4), Some(4)));
        assert!(e.message.contains("lone carriage return"), "{}", e.message);
    }

    #[test]
    fn alias_bomb_is_an_error_not_a_hang() {
        let mut y = String::from("a: &a [x,x,x,x,x,x,x,x,x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("a{}", i - 1)
            };
            y.push_str(&format!(
                "a{i}: &a{i} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
        }
        y.push_str("title: *a11\n");
        let r = parse::<serde_yaml::Value>(Path::new("a.md"), &y, 1);
        assert!(r.is_err());
    }
}
