//! Structured data for search engines: JSON-LD (`BreadcrumbList` on every page, `HowTo` on
//! guides, `WebSite` on the home pages), written into `<script type="application/ld+json">`.
//!
//! A JSON-LD block is data, not script: browsers never execute it, so the site's CSP (no
//! `'unsafe-inline'`) does not block it. What must never happen is that text from a title ends the
//! block early (`</script>`) or opens an HTML comment (`<!--`): [`to_script_json`] writes `<`, `>`
//! and `&` as JSON `\u` escapes, which parse to the same strings.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use serde_json::{Value, json};

/// One crumb: the page's title and its absolute URL.
pub struct Crumb<'a> {
    pub name: &'a str,
    pub permalink: String,
}

/// `BreadcrumbList` from the home page down to and including the current page.
pub fn breadcrumb_list(crumbs: &[Crumb<'_>]) -> Value {
    let items: Vec<Value> = crumbs
        .iter()
        .enumerate()
        .map(|(i, c)| {
            json!({"@type": "ListItem", "position": i + 1, "name": c.name, "item": c.permalink})
        })
        .collect();
    json!({"@type": "BreadcrumbList", "itemListElement": items})
}

/// `WebSite` for a language's home page.
pub fn website(name: &str, description: &str, url: &str, lang: &str) -> Value {
    let mut v = json!({"@type": "WebSite", "name": name, "url": url, "inLanguage": lang});
    if !description.is_empty() {
        v["description"] = json!(description);
    }
    v
}

/// `HowTo` for a guide: its steps are the items of the body's first numbered list. `None` when
/// the body has no numbered list (a `HowTo` without steps is invalid).
pub fn how_to(
    name: &str,
    description: Option<&str>,
    permalink: &str,
    lang: &str,
    last_verified: &str,
    steps: &[String],
) -> Option<Value> {
    if steps.is_empty() {
        return None;
    }
    let step: Vec<Value> = steps
        .iter()
        .enumerate()
        .map(|(i, text)| json!({"@type": "HowToStep", "position": i + 1, "text": text}))
        .collect();
    let mut v = json!({
        "@type": "HowTo",
        "name": name,
        "url": permalink,
        "inLanguage": lang,
        "dateModified": last_verified,
        "step": step,
    });
    if let Some(d) = description.filter(|d| !d.is_empty()) {
        v["description"] = json!(d);
    }
    Some(v)
}

/// The `@graph` of `items` as the text of a `<script type="application/ld+json">` element:
/// `<`, `>` and `&` escaped so that no content can end the element or start a comment.
pub fn to_script_json(items: Vec<Value>) -> String {
    let doc = json!({"@context": "https://schema.org", "@graph": items});
    let text = doc.to_string();
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            // Outside strings JSON has none of these characters, so escaping them is exact.
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

/// The plain text of each item of the first numbered list (`<ol>`) in rendered `html`, with
/// nested lists left out and whitespace collapsed. Read with html5ever's tokenizer, so entities
/// are decoded as a browser would.
pub fn first_ordered_list_items(html: &str) -> Vec<String> {
    if !html.contains("<ol") {
        return Vec::new();
    }
    let sink = StepSink::default();
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let state = tokenizer.sink.state.into_inner();
    state
        .items
        .into_iter()
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty())
        .collect()
}

/// Elements whose boundaries separate words in an item's text.
const BLOCKS: [&str; 12] = [
    "p",
    "br",
    "div",
    "pre",
    "blockquote",
    "table",
    "tr",
    "td",
    "th",
    "h3",
    "h4",
    "dd",
];

#[derive(Default)]
struct StepSink {
    state: RefCell<StepState>,
}

#[derive(Default)]
struct StepState {
    /// Depth of lists (`ol`, `ul`) inside the first `ol`, which is depth 1; 0 before it.
    depth: usize,
    items: Vec<String>,
    done: bool,
}

impl TokenSink for StepSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut st = self.state.borrow_mut();
        if st.done {
            return TokenSinkResult::Continue;
        }
        match token {
            Token::TagToken(tag) => {
                let name: &str = &tag.name;
                let list = name == "ol" || name == "ul";
                match tag.kind {
                    TagKind::StartTag if st.depth == 0 && name == "ol" => st.depth = 1,
                    TagKind::StartTag if st.depth == 0 => {}
                    TagKind::StartTag if list => st.depth += 1,
                    TagKind::StartTag if name == "li" && st.depth == 1 => {
                        st.items.push(String::new())
                    }
                    TagKind::EndTag if name == "ol" && st.depth == 1 => st.done = true,
                    TagKind::EndTag if list && st.depth > 1 => st.depth -= 1,
                    // Block boundaries inside an item separate words; inline tags do not.
                    _ if st.depth == 1 && BLOCKS.contains(&name) => {
                        if let Some(item) = st.items.last_mut() {
                            item.push(' ');
                        }
                    }
                    _ => {}
                }
            }
            Token::CharacterTokens(text) if st.depth == 1 => {
                if let Some(item) = st.items.last_mut() {
                    item.push_str(&text);
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_the_first_ordered_lists_items_without_nested_lists() {
        let html = "<p>x</p><ul><li>not a step</li></ul><ol>\n<li>Melden Sie sich <strong>an</strong>.</li>\n<li>Öffnen Sie das <a href=\"https://e.x/\">Formular</a> &amp; senden Sie es ab.<ul><li>nested</li></ul></li>\n</ol><ol><li>second list</li></ol>";
        assert_eq!(
            first_ordered_list_items(html),
            vec![
                "Melden Sie sich an.".to_string(),
                "Öffnen Sie das Formular & senden Sie es ab.".to_string()
            ]
        );
    }

    #[test]
    fn no_ordered_list_no_steps_no_how_to() {
        assert!(first_ordered_list_items("<ul><li>a</li></ul>").is_empty());
        assert!(how_to("t", None, "https://e.x/", "de", "2026-01-01", &[]).is_none());
    }

    #[test]
    fn script_json_cannot_end_the_element_and_parses_back() {
        let title = "Evil </script><script>alert(1)</script> <!-- & -->";
        let text = to_script_json(vec![website(title, "", "https://e.x/", "de")]);
        assert!(!text.contains('<') && !text.contains('>'));
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["@graph"][0]["name"], title);
    }
}
