//! Syntax highlighting with syntect, as CSS classes (no inline styles, so the CSP can forbid them).
//!
//! Highlighting dominates build time, so: the syntax set loads once, lazily, on the first code block;
//! and results are cached by (language, code), because the two translations of a page usually
//! carry the same code blocks.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use std::cell::RefCell;

use syntect::html::{ClassStyle, css_for_theme_with_class_style, line_tokens_to_classed_spans};
use syntect::parsing::{ParseState, ScopeStack, ScopeStackOp, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };
const LIGHT_THEME: &str = "InspiredGitHub";
const DARK_THEME: &str = "base16-ocean.dark";

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// A highlighter with a cache; one per build (or per preview session), shared across threads.
///
/// A block is usually needed twice (once per translation), so an entry is dropped when it is
/// used again: the cache holds only blocks waiting for their second use, not the whole site.
#[derive(Default)]
pub struct Highlighter {
    cache: Mutex<HashMap<(String, String), Arc<str>>>,
}

impl Highlighter {
    pub fn new() -> Self {
        Self::default()
    }

    /// The complete `<pre>` element for a fenced code block.
    pub fn code_block(&self, lang: &str, code: &str) -> Arc<str> {
        let key = (lang.to_string(), code.to_string());
        if let Some(hit) = self.cache.lock().ok().and_then(|mut c| c.remove(&key)) {
            return hit;
        }
        let html: Arc<str> = Arc::from(render_block(lang, code));
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(key, html.clone());
        }
        html
    }
}

fn render_block(lang: &str, code: &str) -> String {
    let lang_class = crate::slug::slugify(lang);
    if !lang.is_empty()
        && let Some(inner) = highlight(lang, code)
    {
        return format!(
            "<pre class=\"code\"><code class=\"language-{lang_class}\">{inner}</code></pre>\n"
        );
    }
    let class = if lang_class.is_empty() {
        String::new()
    } else {
        format!(" class=\"language-{lang_class}\"")
    };
    format!(
        "<pre class=\"code\"><code{class}>{}</code></pre>\n",
        escape_html(code)
    )
}

fn highlight(lang: &str, code: &str) -> Option<String> {
    let set = syntaxes();
    let syntax = set.find_syntax_by_token(lang)?;
    // Syntaxes live in the static set: the address identifies one for the memo.
    let syntax_id = syntax as *const SyntaxReference as usize;
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut html = String::with_capacity(code.len() * 4);
    let mut open_spans: isize = 0;
    for line in LinesWithEndings::from(code) {
        let ops = match LINE_MEMO.with(|m| m.borrow().get(syntax_id, line, &state)) {
            Some((ops, after)) => {
                state = after;
                ops
            }
            None => {
                let before = state.clone();
                let ops = state.parse_line(line, set).ok()?;
                LINE_MEMO.with(|m| m.borrow_mut().insert(syntax_id, line, before, &ops, &state));
                ops
            }
        };
        let (spans, delta) =
            line_tokens_to_classed_spans(line, &ops, CLASS_STYLE, &mut stack).ok()?;
        open_spans += delta;
        html.push_str(&spans);
    }
    for _ in 0..open_spans {
        html.push_str("</span>");
    }
    Some(html)
}

type Ops = Vec<(usize, ScopeStackOp)>;

/// A line parsed once: the state before, what it parsed to, and the state after.
type Parsed = (ParseState, Ops, ParseState);

/// Parsing a line depends only on the line and the parser state before it, and documentation
/// repeats lines (`fn main() {`, `set -euo pipefail`, `}`) across many blocks. So each thread
/// remembers, per (syntax, line), the states it has parsed the line in and the result; a hit is
/// exact (the whole state is compared), never an approximation.
#[derive(Default)]
struct LineMemo {
    lines: HashMap<(usize, Box<str>), Vec<Parsed>>,
    entries: usize,
}

/// Bounds the memo of a long-running preview; a build of 20,000 pages stays well below it.
const LINE_MEMO_MAX: usize = 200_000;

thread_local! {
    static LINE_MEMO: RefCell<LineMemo> = RefCell::new(LineMemo::default());
}

impl LineMemo {
    fn get(&self, syntax: usize, line: &str, state: &ParseState) -> Option<(Ops, ParseState)> {
        let seen = self.lines.get(&(syntax, Box::from(line)))?;
        seen.iter()
            .find(|(before, _, _)| before == state)
            .map(|(_, ops, after)| (ops.clone(), after.clone()))
    }

    fn insert(
        &mut self,
        syntax: usize,
        line: &str,
        before: ParseState,
        ops: &Ops,
        after: &ParseState,
    ) {
        if self.entries >= LINE_MEMO_MAX {
            self.lines.clear();
            self.entries = 0;
        }
        let seen = self.lines.entry((syntax, Box::from(line))).or_default();
        // A line seen in many different states is not worth remembering in more.
        if seen.len() < 8 {
            seen.push((before, ops.clone(), after.clone()));
            self.entries += 1;
        }
    }
}

/// The stylesheet for the highlighting classes: a light theme, and a dark one for dark mode.
pub fn stylesheet() -> String {
    let themes = syntect::highlighting::ThemeSet::load_defaults();
    let mut css = String::from("/* Generated by optout from syntect's themes. */\n");
    if let Some(light) = themes.themes.get(LIGHT_THEME) {
        css.push_str(&css_for_theme_with_class_style(light, CLASS_STYLE).unwrap_or_default());
    }
    if let Some(dark) = themes.themes.get(DARK_THEME) {
        css.push_str("@media (prefers-color-scheme: dark) {\n");
        css.push_str(&css_for_theme_with_class_style(dark, CLASS_STYLE).unwrap_or_default());
        css.push_str("}\n");
    }
    css
}

use crate::html::escape_html;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_language_gets_classes_not_styles() {
        let h = Highlighter::new();
        let html = h.code_block("rust", "fn main() {}\n");
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(!html.contains("style="));
    }

    #[test]
    fn memoised_lines_give_the_same_html_as_a_fresh_parse() {
        // The same lines in different states: inside a string, a comment, and plain code.
        let blocks = [
            "let a = 1;\n}\nlet b = \"x\";\n",
            "/* comment\nlet a = 1;\n}\n*/\nlet a = 1;\n",
            "let s = \"\nlet a = 1;\n\";\n}\n",
        ];
        let first: Vec<String> = blocks
            .iter()
            .map(|b| highlight("rust", b).unwrap())
            .collect();
        // Fresh threads have empty memos: their results are computed from scratch.
        for (b, expected) in blocks.iter().zip(&first) {
            let b = b.to_string();
            let fresh = std::thread::spawn(move || highlight("rust", &b).unwrap())
                .join()
                .unwrap();
            assert_eq!(&fresh, expected);
        }
        assert_ne!(
            first[0], first[2],
            "state-dependent lines must not be confused"
        );
    }

    #[test]
    fn unknown_language_is_escaped_plain_text() {
        let h = Highlighter::new();
        let html = h.code_block("nosuchlang", "<script>x</script>\n");
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<script>"));
    }
}
