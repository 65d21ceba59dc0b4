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
    if let Some(at) = lone_cr(text) {
        return Err(lone_cr_error(file, text, at, first_line));
    }
    serde_yaml::from_str(text).map_err(|e| yaml_error(file, &e, first_line))
}

/// The byte offset of the first carriage return that is not part of a CRLF.
fn lone_cr(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    (0..bytes.len()).find(|&i| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
}

/// YAML reads a lone CR as a line break, every other stage (and this file's line numbers) only
/// LF: the two would disagree on every line after it, so it is an error where it stands.
fn lone_cr_error(file: &Path, text: &str, at: usize, first_line: usize) -> Diagnostic {
    let before = &text[..at];
    let line = before.matches('\n').count() + first_line;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Diagnostic::error(
        file,
        "a lone carriage return (CR, classic Mac OS) ends a line here; optout reads LF and CRLF line endings",
    )
    .at(line, column)
    .hint("save the file with LF (Unix) or CRLF (Windows) line endings")
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
    fn syntax_error_has_line() {
        let e = parse::<Doc>(Path::new("a.md"), "title: [x\n", 2).unwrap_err();
        assert!(e.line.is_some());
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
