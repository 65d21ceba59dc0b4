//! Splitting a Markdown file into its YAML front matter and its body, keeping line numbers.

use std::path::Path;

use crate::error::Diagnostic;

/// A Markdown file split at its `---` fences. Line numbers are 1-based and count in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// Line of the first YAML line (the line after the opening `---`).
    pub yaml_line: usize,
    pub body: &'a str,
    /// Line of the first body line.
    pub body_line: usize,
}

pub fn split<'a>(file: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end_matches('\n').contains('\r') && !first.ends_with("\r\n") {
        // Classic Mac OS line endings: to every tool here the whole file is one line.
        return Err(Diagnostic::error(
            file,
            "the lines end with a lone carriage return (CR, classic Mac OS); optout reads LF and CRLF line endings",
        )
        .at(1, 1)
        .hint("save the file with LF (Unix) or CRLF (Windows) line endings"));
    }
    if first.trim_end() != "---" {
        let what = if text.trim().is_empty() {
            "the file is empty"
        } else {
            "the file does not start with front matter"
        };
        return Err(Diagnostic::error(
            file,
            format!("{what}; every page needs a front matter block with a title"),
        )
        .at(1, 1)
        .hint("start the file with:\n---\ntitle: \"…\"\n---"));
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    for (line, l) in (2..).zip(lines) {
        let trimmed = l.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let body_start = offset + l.len();
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[body_start..],
                body_line: line + 1,
            });
        }
        offset += l.len();
    }
    Err(Diagnostic::error(
        file,
        "the front matter is not closed: no line `---` after the opening one",
    )
    .at(1, 1)
    .hint("end the front matter with a line containing only `---`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_counts_lines() {
        let s = split(Path::new("a.md"), "---\ntitle: x\n---\n# Hi\n").unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!(s.body, "# Hi\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn crlf_and_bom() {
        let s = split(Path::new("a.md"), "\u{feff}---\r\ntitle: x\r\n---\r\nBody").unwrap();
        assert_eq!(s.yaml, "title: x\r\n");
        assert_eq!(s.body, "Body");
    }

    #[test]
    fn lone_cr_line_endings_are_named() {
        let e = split(Path::new("a.md"), "---\rtitle: x\r---\rBody\r").unwrap_err();
        assert!(e.message.contains("lone carriage return"), "{}", e.message);
        // CRLF, and a CR inside a later line, are fine.
        assert!(split(Path::new("a.md"), "---\r\ntitle: x\r\n---\r\nA\rB").is_ok());
    }

    #[test]
    fn unclosed_and_missing() {
        assert!(
            split(Path::new("a.md"), "---\ntitle: x\n")
                .unwrap_err()
                .message
                .contains("not closed")
        );
        assert!(
            split(Path::new("a.md"), "")
                .unwrap_err()
                .message
                .contains("empty")
        );
        assert!(
            split(Path::new("a.md"), "# no fm")
                .unwrap_err()
                .message
                .contains("does not start")
        );
    }
}
