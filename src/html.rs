//! HTML escaping: the one function every stage uses for text that reaches HTML or XML
//! (templates' autoescape, feeds and sitemap, code blocks, heading ids, the preview's error page).

/// `s` with `&<>"'` escaped (and NUL replaced), safe in element content and in quoted attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    escape_html_into(s, &mut out);
    out
}

/// Appends `s` with `&<>"'` escaped. Runs of ordinary text are copied whole: escaping is on the
/// path of every template variable.
pub fn escape_html_into(s: &str, out: &mut String) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let replacement = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            // What a browser reads a NUL as (HTML and CommonMark replace it); a page with raw NULs
            // is invalid, and some tools cut text at the first one.
            b'\0' => "\u{FFFD}",
            _ => continue,
        };
        // The special characters are ASCII, so `i` is always a char boundary.
        out.push_str(&s[start..i]);
        out.push_str(replacement);
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes_and_keeps_the_rest() {
        assert_eq!(
            escape_html("<a href=\"x\">Straße & 'Ü'</a>"),
            "&lt;a href=&quot;x&quot;&gt;Straße &amp; &#39;Ü&#39;&lt;/a&gt;"
        );
        assert_eq!(escape_html("»Anführung«"), "»Anführung«");
        assert_eq!(escape_html("a\0b"), "a\u{FFFD}b");
    }
}
