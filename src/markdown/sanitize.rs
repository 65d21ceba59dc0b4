//! What HTML and which URLs may pass from Markdown into a page: the one place that decides it.
//!
//! Content may come from an untrusted pull request, so with `markdown.raw_html: safe` raw HTML is
//! read with html5ever's spec-compliant tokenizer (the one browsers' parsing algorithm is written
//! down as) and checked against an allow-list of documentation HTML. Anything the allow-list does
//! not cover is an **error** pointing at the tag, never silently stripped: an editor learns why,
//! and a hostile change fails the build. What passes is written out again from the parsed tokens
//! (attribute values re-escaped, comments dropped). As defence in depth, the whole body of a page
//! that had raw HTML is then run through ammonia with the same allow-list; pages without raw
//! HTML skip both steps and pay nothing.
//!
//! Link destinations, in Markdown (`[x](…)`, `![x](…)`) and in HTML (`href`, `src`, `cite`), follow
//! one URL policy: [`check_url`].

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use crate::html::escape_html_into;

/// URL schemes a link or image may use; every other scheme (`javascript:`, `data:`, `vbscript:`,
/// `file:` …) is refused. Relative URLs and `#fragments` need no scheme.
pub const URL_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// Elements an editor may write, with the attributes each may carry besides [`GLOBAL_ATTRIBUTES`].
/// All of them only structure or mark up text: none can run code, submit data or embed another
/// document. Styling is by class only (the site's CSP forbids inline styles).
const ELEMENTS: &[(&str, &[&str])] = &[
    ("a", &["href", "name"]),
    ("abbr", &[]),
    ("b", &[]),
    ("blockquote", &["cite"]),
    ("br", &[]),
    ("caption", &[]),
    ("cite", &[]),
    ("code", &[]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
    ("dd", &[]),
    ("del", &["cite", "datetime"]),
    ("details", &["open"]),
    ("dfn", &[]),
    ("div", &[]),
    ("dl", &[]),
    ("dt", &[]),
    ("em", &[]),
    ("figcaption", &[]),
    ("figure", &[]),
    ("h1", &[]),
    ("h2", &[]),
    ("h3", &[]),
    ("h4", &[]),
    ("h5", &[]),
    ("h6", &[]),
    ("hr", &[]),
    ("i", &[]),
    (
        "img",
        &["src", "alt", "width", "height", "loading", "decoding"],
    ),
    ("ins", &["cite", "datetime"]),
    ("kbd", &[]),
    ("li", &["value"]),
    ("mark", &[]),
    ("ol", &["start", "reversed", "type"]),
    ("p", &[]),
    ("pre", &[]),
    ("q", &["cite"]),
    ("rp", &[]),
    ("rt", &[]),
    ("ruby", &[]),
    ("s", &[]),
    ("samp", &[]),
    ("small", &[]),
    ("span", &[]),
    ("strong", &[]),
    ("sub", &[]),
    ("summary", &[]),
    ("sup", &[]),
    ("table", &[]),
    ("tbody", &[]),
    ("td", &["colspan", "rowspan", "headers"]),
    ("tfoot", &[]),
    ("th", &["colspan", "rowspan", "headers", "scope", "abbr"]),
    ("thead", &[]),
    ("time", &["datetime"]),
    ("tr", &[]),
    ("u", &[]),
    ("ul", &[]),
    ("var", &[]),
    ("wbr", &[]),
];

/// Attributes every allowed element may carry. `id` makes the element a link target.
const GLOBAL_ATTRIBUTES: &[&str] = &["id", "class", "title", "lang", "dir"];

/// Attributes whose value is a URL, checked with [`check_url`].
const URL_ATTRIBUTES: &[&str] = &["href", "src", "cite"];

/// Elements without an end tag: written as `<br>`, never `<br/>`.
const VOID_ELEMENTS: &[&str] = &["br", "col", "hr", "img", "wbr"];

/// A refusal: what is wrong and what to do instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub message: String,
    pub hint: String,
}

/// Checks a link or image destination against the URL policy: relative, `#fragment`, or one of
/// [`URL_SCHEMES`]. The scheme is read the way a browser's URL parser reads it (tabs and newlines
/// removed, leading spaces and control characters trimmed, case ignored), so `JaVaScRiPt:`,
/// `java\tscript:` and ` javascript:` are refused like `javascript:`. Entities are already decoded
/// by the Markdown and HTML parsers when a destination gets here.
pub fn check_url(url: &str) -> Result<(), Refusal> {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    // Everything before the first `:` is a scheme unless a `/`, `?` or `#` comes first (then the
    // colon is part of a relative path, query or fragment).
    let Some(colon) = cleaned.find(':') else {
        return Ok(());
    };
    if cleaned[..colon].contains(['/', '?', '#']) {
        return Ok(());
    }
    let scheme = cleaned[..colon].to_ascii_lowercase();
    if URL_SCHEMES.contains(&scheme.as_str()) {
        return Ok(());
    }
    let why = match scheme.as_str() {
        "javascript" | "vbscript" => "it runs code in the reader's browser",
        "data" => "it embeds a document or script that bypasses the site's checks",
        _ => "only web, mail and phone links are allowed",
    };
    Err(Refusal {
        message: format!(
            "URL scheme `{}:` is not allowed: {why}",
            display_scheme(&cleaned[..colon])
        ),
        hint: "use a relative link, a `#fragment`, or an http(s):, mailto: or tel: URL".into(),
    })
}

/// The scheme as written, shortened and with control characters made visible, for messages.
fn display_scheme(s: &str) -> String {
    s.chars().take(24).flat_map(char::escape_debug).collect()
}

/// Raw HTML from a Markdown body after the policy was applied.
#[derive(Debug, Default)]
pub struct CleanHtml {
    /// The HTML to emit: allowed tags re-serialized from the parsed tokens, text escaped,
    /// comments dropped. Meaningless if `refusals` is not empty.
    pub html: String,
    /// `id` (and `<a name>`) values: link targets like heading ids.
    pub ids: Vec<String>,
    /// What the policy refuses, with the byte offset in the input of the tag it is about.
    pub refusals: Vec<(usize, Refusal)>,
}

/// What the caller adds to the policy: link checking and image sizes live with the caller.
pub trait RawHtmlHooks {
    /// Called for every URL attribute that passed the URL policy, with the element, the
    /// attribute, the value and the byte offset of the tag: returns a replacement (a site URL
    /// rewritten for the base path) or `None` to keep the value.
    fn url(&mut self, element: &str, attribute: &str, value: &str, at: usize) -> Option<String>;

    /// Called at the end of every allowed start tag with the attributes it kept (after
    /// [`RawHtmlHooks::url`]): attributes to add (`width`, `loading` on `<img>`) and a refusal.
    fn finish_tag(&mut self, _element: &str, _attributes: &[(&str, &str)]) -> FinishTag {
        FinishTag::default()
    }
}

/// What [`RawHtmlHooks::finish_tag`] adds to a start tag.
#[derive(Debug, Default)]
pub struct FinishTag {
    pub attributes: Vec<(&'static str, String)>,
    pub refusal: Option<Refusal>,
}

/// A closure is a URL hook that adds nothing to tags.
impl<F: FnMut(&str, &str, &str, usize) -> Option<String>> RawHtmlHooks for F {
    fn url(&mut self, element: &str, attribute: &str, value: &str, at: usize) -> Option<String> {
        self(element, attribute, value, at)
    }
}

pub type UrlHook<'h> = dyn RawHtmlHooks + 'h;

/// Tokenizes `src` (a run of raw HTML from Markdown) and applies the policy to it.
pub fn clean_raw_html(src: &str, url_hook: &mut UrlHook<'_>) -> CleanHtml {
    let sink = PolicySink {
        src,
        state: RefCell::new(SinkState::default()),
        url_hook: RefCell::new(url_hook),
    };
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(src));
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.state.into_inner().out
}

struct PolicySink<'a, 'h> {
    src: &'a str,
    state: RefCell<SinkState>,
    url_hook: RefCell<&'a mut UrlHook<'h>>,
}

#[derive(Default)]
struct SinkState {
    out: CleanHtml,
    /// Where to look for the next tag's `<`: tokens arrive in source order.
    cursor: usize,
}

impl TokenSink for PolicySink<'_, '_> {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut st = self.state.borrow_mut();
        let st = &mut *st;
        match token {
            Token::TagToken(tag) => {
                let name: &str = &tag.name;
                let at = self.find_tag(st.cursor, name, tag.kind == TagKind::EndTag);
                // Past the tag's `<` (one byte, so a char boundary). When the search found no
                // `<` (the tokenizer's name differs from the source: a NUL in it is U+FFFD),
                // `at` is where the search started, which may be just before a multi-byte
                // character: stay there.
                if self.src.as_bytes().get(at) == Some(&b'<') {
                    st.cursor = at + 1;
                }
                match tag.kind {
                    TagKind::StartTag => {
                        let mut hook = self.url_hook.borrow_mut();
                        write_start_tag(name, &tag.attrs, at, &mut st.out, &mut **hook);
                        return raw_text_state(name);
                    }
                    TagKind::EndTag => {
                        if allowed_element(name).is_some() && !VOID_ELEMENTS.contains(&name) {
                            st.out.html.push_str("</");
                            st.out.html.push_str(name);
                            st.out.html.push('>');
                        }
                    }
                }
            }
            Token::CharacterTokens(text) => escape_html_into(&text, &mut st.out.html),
            Token::CommentToken(_) => {
                // Comments are notes between editors: never published. Skip past its source so
                // a tag named inside it is not taken for the next tag's location.
                st.cursor = self.end_of_comment(st.cursor);
            }
            Token::DoctypeToken(_) => {
                let at = self
                    .src
                    .get(st.cursor..)
                    .and_then(|rest| rest.find("<!"))
                    .map_or(st.cursor, |i| st.cursor + i);
                st.out.refusals.push((
                    at,
                    Refusal {
                        message: "`<!DOCTYPE>` is not allowed in a Markdown body".into(),
                        hint: "a page body is a fragment: remove the doctype".into(),
                    },
                ));
                st.cursor = self.end_of_comment(st.cursor);
            }
            Token::NullCharacterToken | Token::EOFToken | Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }
}

impl PolicySink<'_, '_> {
    /// The byte offset of the `<` that starts the tag `name`, for the error location. Only the
    /// location depends on this search; what a tag *is* comes from the tokenizer.
    fn find_tag(&self, from: usize, name: &str, end: bool) -> usize {
        let bytes = self.src.as_bytes();
        let mut i = from.min(bytes.len());
        while let Some(off) = self.src.get(i..).and_then(|s| s.find('<')) {
            let start = i + off;
            let mut j = start + 1;
            if end && bytes.get(j) == Some(&b'/') {
                j += 1;
            }
            let matches = self
                .src
                .get(j..j + name.len())
                .is_some_and(|s| s.eq_ignore_ascii_case(name));
            if matches {
                return start;
            }
            i = start + 1;
        }
        from.min(bytes.len())
    }
}

impl PolicySink<'_, '_> {
    fn end_of_comment(&self, from: usize) -> usize {
        let Some(rest) = self.src.get(from..) else {
            return from;
        };
        let Some(open) = rest.find('<') else {
            return from;
        };
        let close = if rest[open..].starts_with("<!--") {
            rest[open + 4..].find("-->").map(|i| open + 4 + i + 3)
        } else {
            rest[open..].find('>').map(|i| open + i + 1)
        };
        from + close.unwrap_or(rest.len())
    }
}

/// Elements whose content the HTML tokenizer reads as plain text, as a browser would.
fn raw_text_state(name: &str) -> TokenSinkResult<()> {
    match name {
        "title" | "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
        "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
            TokenSinkResult::RawData(RawKind::Rawtext)
        }
        "script" => TokenSinkResult::RawData(RawKind::ScriptData),
        "plaintext" => TokenSinkResult::Plaintext,
        _ => TokenSinkResult::Continue,
    }
}

fn allowed_element(name: &str) -> Option<&'static [&'static str]> {
    ELEMENTS
        .binary_search_by(|(n, _)| n.cmp(&name))
        .ok()
        .map(|i| ELEMENTS[i].1)
}

fn write_start_tag(
    name: &str,
    attrs: &[html5ever::Attribute],
    at: usize,
    out: &mut CleanHtml,
    url_hook: &mut UrlHook<'_>,
) {
    let Some(own) = allowed_element(name) else {
        out.refusals.push((at, refused_element(name)));
        return;
    };
    out.html.push('<');
    out.html.push_str(name);
    let mut kept: Vec<(&str, String)> = Vec::with_capacity(attrs.len());
    for attr in attrs {
        let attr_name: &str = &attr.name.local;
        let value: &str = &attr.value;
        if !(GLOBAL_ATTRIBUTES.contains(&attr_name) || own.contains(&attr_name)) {
            out.refusals.push((at, refused_attribute(name, attr_name)));
            continue;
        }
        if URL_ATTRIBUTES.contains(&attr_name)
            && let Err(r) = check_url(value)
        {
            out.refusals.push((
                at,
                Refusal {
                    message: format!("`<{name} {attr_name}>`: {}", r.message),
                    hint: r.hint,
                },
            ));
            continue;
        }
        let rewritten = if URL_ATTRIBUTES.contains(&attr_name) {
            url_hook.url(name, attr_name, value, at)
        } else {
            None
        };
        let value = rewritten.as_deref().unwrap_or(value);
        if attr_name == "id" || (name == "a" && attr_name == "name") {
            out.ids.push(value.to_string());
        }
        kept.push((attr_name, value.to_string()));
    }
    let kept_refs: Vec<(&str, &str)> = kept.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let finish = url_hook.finish_tag(name, &kept_refs);
    if let Some(r) = finish.refusal {
        out.refusals.push((at, r));
    }
    let added = finish.attributes.iter().map(|(n, v)| (*n, v.as_str()));
    for (attr_name, value) in kept_refs.iter().copied().chain(added) {
        out.html.push(' ');
        out.html.push_str(attr_name);
        out.html.push_str("=\"");
        escape_html_into(value, &mut out.html);
        out.html.push('"');
    }
    out.html.push('>');
}

/// An SVG file beside the pages, as far as publishing it is concerned.
#[derive(Debug, Default)]
pub struct SvgCheck {
    /// Width and height from the `<svg>` element: `width`/`height` in pixels, else the
    /// `viewBox`.
    pub size: Option<(u32, u32)>,
    /// What would run code when the file is opened on its own (an `<img>` never runs it, but
    /// the file is published on the site's origin): scripts, event handlers, embedded HTML,
    /// `javascript:` links.
    pub refusals: Vec<Refusal>,
}

/// Reads an SVG with the HTML tokenizer (the tags and attributes are what matters here) and
/// finds its size and anything that could run code.
pub fn check_svg(text: &str) -> SvgCheck {
    struct Sink(RefCell<SvgCheck>, RefCell<bool>);
    impl TokenSink for Sink {
        type Handle = ();
        fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
            let Token::TagToken(tag) = token else {
                return TokenSinkResult::Continue;
            };
            if tag.kind == TagKind::EndTag {
                return TokenSinkResult::Continue;
            }
            let mut check = self.0.borrow_mut();
            let name: &str = &tag.name;
            if matches!(
                name,
                "script" | "foreignobject" | "iframe" | "embed" | "object"
            ) {
                check.refusals.push(Refusal {
                    message: format!("the SVG contains `<{name}>`, which can run code"),
                    hint: "export the drawing again as plain SVG (Inkscape: \"Optimized SVG\"), or as PNG".into(),
                });
            }
            // `<set attributeName="href" to="javascript:…">` changes a link after every check
            // of the link itself: animating a link target is refused outright.
            let animates_href = tag.attrs.iter().any(|a| {
                &*a.name.local == "attributename"
                    && a.value.trim().to_ascii_lowercase().ends_with("href")
            });
            if animates_href {
                check.refusals.push(Refusal {
                    message: format!(
                        "the SVG's `<{name}>` animates a link target, which can run code"
                    ),
                    hint: "remove the animation, or export the drawing again as PNG".into(),
                });
            }
            for attr in &tag.attrs {
                let attr_name: &str = &attr.name.local;
                let href = attr_name == "href" || attr_name.ends_with(":href");
                if attr_name.starts_with("on") || (href && check_url(&attr.value).is_err()) {
                    check.refusals.push(Refusal {
                        message: format!(
                            "the SVG's `<{name}>` has `{attr_name}`, which can run code"
                        ),
                        hint: "remove the attribute, or export the drawing again as PNG".into(),
                    });
                }
            }
            let mut first = self.1.borrow_mut();
            if name == "svg" && tag.kind == TagKind::StartTag && !*first {
                *first = true;
                let attr = |n: &str| {
                    tag.attrs
                        .iter()
                        .find(|a| &*a.name.local == n)
                        .map(|a| a.value.to_string())
                };
                let pixels = |v: Option<String>| {
                    v.and_then(|v| {
                        let v = v.trim().trim_end_matches("px");
                        v.parse::<f64>().ok().filter(|n| *n > 0.0)
                    })
                };
                let from_box = attr("viewbox").and_then(|b| {
                    let n: Vec<f64> = b
                        .split([' ', ','])
                        .filter(|s| !s.is_empty())
                        .filter_map(|s| s.parse().ok())
                        .collect();
                    (n.len() == 4 && n[2] > 0.0 && n[3] > 0.0).then(|| (n[2], n[3]))
                });
                let size = match (pixels(attr("width")), pixels(attr("height"))) {
                    (Some(w), Some(h)) => Some((w, h)),
                    _ => from_box,
                };
                check.size = size.map(|(w, h)| (w.round() as u32, h.round() as u32));
            }
            TokenSinkResult::Continue
        }
    }
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(text));
    let tokenizer = Tokenizer::new(
        Sink(RefCell::default(), RefCell::new(false)),
        TokenizerOpts::default(),
    );
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.into_inner()
}

fn refused_element(name: &str) -> Refusal {
    let (why, hint) = match name {
        "script" | "noscript" => (
            "it runs code in the reader's browser",
            "describe the step in text; the site ships no third-party code",
        ),
        "style" | "link" => (
            "styles come from the theme, and the site's CSP forbids inline ones",
            "use a class on a `<span>` or `<div>` and style it in the theme",
        ),
        "iframe" | "object" | "embed" | "frame" | "frameset" | "portal" => (
            "it embeds another document, which can run code and track readers",
            "link to the page instead: [title](https://…)",
        ),
        "form" | "input" | "button" | "select" | "textarea" | "option" => (
            "forms send data somewhere",
            "link to the platform's own form instead",
        ),
        "base" | "meta" => (
            "it changes how the whole page loads",
            "remove it; the theme sets what the page needs",
        ),
        "svg" | "math" => (
            "inline SVG and MathML can carry scripts and event handlers",
            "save the drawing as a file and use ![alt text](drawing.svg)",
        ),
        _ => (
            "it is not in the list of HTML that `raw_html: safe` passes",
            "see the README's Markdown section for the allowed elements, or write it in Markdown",
        ),
    };
    Refusal {
        message: format!("`<{name}>` is not allowed in Markdown: {why}"),
        hint: hint.into(),
    }
}

fn refused_attribute(element: &str, attr: &str) -> Refusal {
    let (why, hint) = if attr.starts_with("on") {
        (
            "event handlers run code in the reader's browser",
            "remove the attribute; the site ships no inline scripts",
        )
    } else if attr == "style" {
        (
            "the site's CSP forbids inline styles",
            "use a `class` and style it in the theme",
        )
    } else {
        (
            "it is not in the list of attributes that `raw_html: safe` passes",
            "allowed everywhere: id, class, title, lang, dir; see the README for per-element ones",
        )
    };
    Refusal {
        message: format!("attribute `{attr}` on `<{element}>` is not allowed: {why}"),
        hint: hint.into(),
    }
}

/// The last line of defence: the whole rendered body of a page that contained raw HTML, run
/// through ammonia with the editor allow-list plus what the Markdown renderer itself writes.
/// After the checks above this changes nothing but whitespace and quoting; it is there so that a
/// gap in them cannot put script into a page.
pub fn defend(body_html: &str) -> String {
    DEFENCE.clean(body_html).to_string()
}

static DEFENCE: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut tags: HashSet<&'static str> = ELEMENTS.iter().map(|(n, _)| *n).collect();
    // The renderer's own markup: task-list checkboxes, footnotes, highlighted code.
    tags.extend(["input", "section", "nav"]);
    let mut attributes: HashMap<&'static str, HashSet<&'static str>> = ELEMENTS
        .iter()
        .map(|(n, a)| (*n, a.iter().copied().collect()))
        .collect();
    let mut add = |tag: &'static str, attrs: &[&'static str]| {
        attributes.entry(tag).or_default().extend(attrs);
    };
    // Heading anchors (`<a class="anchor" aria-hidden="true" tabindex="-1">`), table alignment,
    // task lists.
    add("a", &["aria-hidden", "tabindex"]);
    add("th", &["style"]);
    add("td", &["style"]);
    add("input", &["type", "checked", "disabled", "aria-label"]);
    let mut input_values = HashMap::new();
    input_values.insert("type", HashSet::from(["checkbox"]));
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(tags)
        .tag_attributes(attributes)
        .tag_attribute_values(HashMap::from([("input", input_values)]))
        .generic_attributes(GLOBAL_ATTRIBUTES.iter().copied().collect())
        .url_schemes(URL_SCHEMES.iter().copied().collect())
        .link_rel(None)
        .strip_comments(true)
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            // pulldown-cmark aligns table columns with `style="text-align: …"`; nothing else.
            ("th" | "td", "style") => matches!(
                value,
                "text-align: left" | "text-align: center" | "text-align: right"
            )
            .then(|| value.into()),
            _ => Some(value.into()),
        });
    builder
});

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(src: &str) -> CleanHtml {
        clean_raw_html(src, &mut |_: &str, _: &str, _: &str, _: usize| None)
    }

    #[test]
    fn svg_size_and_scripts() {
        let ok = check_svg(
            r#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 80.4"><a href="https://example.org/"><rect/></a></svg>"#,
        );
        assert_eq!(ok.size, Some((120, 80)));
        assert!(ok.refusals.is_empty());
        let sized = check_svg(r#"<svg width="64px" height="32" viewBox="0 0 1 1"></svg>"#);
        assert_eq!(sized.size, Some((64, 32)));
        for bad in [
            "<svg><script>alert(1)</script></svg>",
            "<svg onload=\"alert(1)\"></svg>",
            "<svg><a xlink:href=\"javascript:alert(1)\">x</a></svg>",
            "<svg><foreignObject><p>x</p></foreignObject></svg>",
            "<svg><a><set attributeName=\"href\" to=\"javascript:alert(1)\"/>x</a></svg>",
            "<svg><a><animate attributeName=\"xlink:href\" values=\"#a;javascript:alert(1)\"/>x</a></svg>",
        ] {
            assert_eq!(check_svg(bad).refusals.len(), 1, "{bad}");
        }
    }

    #[test]
    fn elements_are_sorted_for_binary_search() {
        assert!(ELEMENTS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn url_policy() {
        for ok in [
            "../a/",
            "/de/x/",
            "#top",
            "bild.png",
            "https://example.org/",
            "HTTP://example.org",
            "mailto:a@b.de",
            "tel:+49301234",
            "a/b:c",
            "?q=a:b",
            "",
        ] {
            assert!(check_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "\u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
        ] {
            assert!(check_url(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn allowed_html_is_reserialized_and_comments_dropped() {
        let c = clean("<details open><summary>Mehr</summary><!-- Notiz: TODO --></details>");
        assert!(c.refusals.is_empty());
        assert_eq!(
            c.html,
            "<details open=\"\"><summary>Mehr</summary></details>"
        );
        let c = clean("<a id=\"ziel\" href='x.html'>a &amp; b</a><br/>");
        assert_eq!(c.html, "<a id=\"ziel\" href=\"x.html\">a &amp; b</a><br>");
        assert_eq!(c.ids, ["ziel"]);
    }

    #[test]
    fn refusals_point_at_the_tag() {
        let c = clean("<p>ok</p>\n<SCRIPT>alert('<p>')</SCRIPT> <img src=x onerror=alert(1)>");
        let offsets: Vec<usize> = c.refusals.iter().map(|(o, _)| *o).collect();
        assert_eq!(offsets, [10, 40]);
        assert!(c.refusals[0].1.message.contains("`<script>`"));
        assert!(c.refusals[1].1.message.contains("`onerror`"));
    }

    #[test]
    fn entity_tricks_in_urls_are_decoded_before_the_check() {
        let c = clean("<a href=\"jav&#x61;script&colon;alert(1)\">x</a>");
        assert_eq!(c.refusals.len(), 1, "{:?}", c.refusals);
        let c = clean("<a href=\"&#x20;&#x09;javascript:alert(1)\">x</a>");
        assert_eq!(c.refusals.len(), 1, "{:?}", c.refusals);
    }

    #[test]
    fn malformed_and_multibyte_input_never_panics() {
        for src in [
            "<",
            "<ä",
            "<!DOCTYPE html><!doctype x>ü",
            "<!-- unterminated ü",
            "<a href=\"ü",
            "</ä></>",
            "<img src=x alt=\"Ünïcödé\"><script>\u{0}",
            "ü<b>ö</b>ä<!---->ß<?php x ?><![CDATA[y]]>",
        ] {
            let c = clean(src);
            for (offset, _) in &c.refusals {
                assert!(src.is_char_boundary(*offset), "{src:?}: {offset}");
            }
        }
        let c = clean("ä<!DOCTYPE html>");
        assert_eq!(c.refusals[0].0, 2);
    }

    #[test]
    fn defence_keeps_what_the_renderer_writes() {
        let body = "<h2 id=\"a\"><a class=\"anchor\" href=\"#a\" aria-hidden=\"true\" tabindex=\"-1\">#</a>A</h2>\n<table><thead><tr><th style=\"text-align: left\">x</th></tr></thead></table>\n<pre class=\"code\"><code class=\"language-rust\"><span class=\"source\">fn</span></code></pre>\n";
        assert_eq!(defend(body), body);
        assert_eq!(
            defend("<p onclick=\"x()\">a<script>b</script></p>"),
            "<p>a</p>"
        );
    }
}
