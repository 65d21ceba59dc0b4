//! Syntax highlighting with syntect, as a few short CSS classes (no inline styles, so the CSP can
//! forbid them).
//!
//! syntect's own class output writes one nested `<span>` per scope with every scope atom as a
//! class (`<span class="hl-meta hl-function hl-python"><span class="hl-storage hl-type …">`): about
//! five times the bytes of the code itself, which made code blocks the largest part of a page.
//! Themes only ever colour a dozen kinds of token, so each token is mapped here to one of those
//! kinds (keyword, string, comment, …, the Pygments convention) and consecutive tokens of a kind
//! share one flat span. The colours live in [`STYLESHEET`], checked for contrast in both schemes.
//!
//! Highlighting dominates build time, so: the syntax set loads once, lazily, on the first code block;
//! and results are cached by (language, code), because the two translations of a page usually
//! carry the same code blocks.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use std::cell::RefCell;

use syntect::parsing::{ParseState, Scope, ScopeStack, ScopeStackOp, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// The kinds of token the stylesheet colours, by TextMate scope prefix. `None` marks scopes that
/// stay in the text colour even inside a coloured one (an operator or `${…}` inside a string).
/// The innermost scope of a token that matches an entry decides; among entries matching the same
/// scope, the longest prefix wins (`constant.character.escape` over `constant`).
const KINDS: &[(&str, Option<&str>)] = &[
    ("comment", Some("c")),
    ("string", Some("s")),
    ("markup.raw", Some("s")),
    ("constant.character.escape", Some("e")),
    ("constant.numeric", Some("n")),
    ("constant", Some("n")),
    ("variable.language", Some("n")),
    ("support.constant", Some("n")),
    ("keyword.operator", None),
    ("keyword", Some("k")),
    ("storage.type", Some("k")),
    ("storage.modifier", Some("k")),
    ("storage", Some("k")),
    ("entity.name.function", Some("f")),
    ("support.function", Some("f")),
    ("variable.function", Some("f")),
    ("entity.name.tag", Some("g")),
    ("entity.other.attribute-name", Some("a")),
    ("entity.name", Some("t")),
    ("entity.other.inherited-class", Some("t")),
    ("support.type", Some("t")),
    ("support.class", Some("t")),
    ("markup.heading", Some("h")),
    ("markup.bold", Some("b")),
    ("markup.italic", Some("i")),
    ("markup.inserted", Some("g")),
    ("markup.deleted", Some("d")),
    ("markup.underline.link", Some("a")),
    ("invalid", Some("d")),
    ("meta.embedded", None),
    ("source.embedded", None),
    ("punctuation.section.embedded", None),
];

/// The colours of the kinds above, light and dark, each at least 4.5:1 on the code background
/// (`--surface`: #f6f8fa light, #182029 dark; the contrast is in the comment of each line).
pub const STYLESHEET: &str =
    "/* optout: syntax highlighting (classes from src/markdown/highlight.rs) */
.hl-c{color:#57606a;font-style:italic} /* 6.0:1 */
.hl-k{color:#cf222e} /* 5.0:1 */
.hl-s,.hl-e{color:#0a3069} /* 12.0:1 */
.hl-e{font-weight:600}
.hl-n,.hl-a{color:#0550ae} /* 7.1:1 */
.hl-f{color:#8250df} /* 4.7:1 */
.hl-t{color:#953800} /* 6.9:1 */
.hl-g{color:#116329} /* 6.9:1 */
.hl-d{color:#82071e} /* 9.9:1 */
.hl-h{color:#0550ae;font-weight:700}
.hl-b{font-weight:700}
.hl-i{font-style:italic}
@media (prefers-color-scheme:dark){
.hl-c{color:#8b949e} /* 5.3:1 */
.hl-k{color:#ff7b72} /* 6.5:1 */
.hl-s,.hl-e{color:#a5d6ff} /* 10.7:1 */
.hl-n,.hl-a,.hl-h{color:#79c0ff} /* 8.5:1 */
.hl-f{color:#d2a8ff} /* 8.4:1 */
.hl-t{color:#ffa657} /* 8.5:1 */
.hl-g{color:#7ee787} /* 10.7:1 */
.hl-d{color:#ffa198} /* 8.5:1 */
}
@media print{.hl-c,.hl-k,.hl-s,.hl-e,.hl-n,.hl-a,.hl-f,.hl-t,.hl-g,.hl-d,.hl-h{color:#000}}
";

/// The stylesheet for the highlighting classes (`syntax.css`).
pub fn stylesheet() -> String {
    STYLESHEET.to_string()
}

fn kind_table() -> &'static [(Scope, Option<&'static str>)] {
    static TABLE: OnceLock<Vec<(Scope, Option<&'static str>)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        KINDS
            .iter()
            .filter_map(|(prefix, kind)| Scope::new(prefix).ok().map(|s| (s, *kind)))
            .collect()
    })
}

/// The kind of a token with this scope stack, if it is coloured.
fn kind_of(stack: &[Scope]) -> Option<&'static str> {
    let table = kind_table();
    for scope in stack.iter().rev() {
        let best = table
            .iter()
            .filter(|(prefix, _)| prefix.is_prefix_of(*scope))
            .max_by_key(|(prefix, _)| prefix.len());
        if let Some((_, kind)) = best {
            return *kind;
        }
    }
    None
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

/// Flat spans: text is appended under the kind current at that point; a span opens only when the
/// kind changes, so a run of tokens of one kind (and the spaces between them) shares one span.
#[derive(Default)]
struct FlatSpans {
    html: String,
    open: Option<&'static str>,
}

impl FlatSpans {
    fn push(&mut self, kind: Option<&'static str>, text: &str) {
        if text.is_empty() {
            return;
        }
        // Whitespace takes whatever span is open rather than closing and reopening it.
        let kind = if text.trim().is_empty() && self.open.is_some() {
            self.open
        } else {
            kind
        };
        if kind != self.open {
            if self.open.is_some() {
                self.html.push_str("</span>");
            }
            if let Some(k) = kind {
                self.html.push_str("<span class=\"hl-");
                self.html.push_str(k);
                self.html.push_str("\">");
            }
            self.open = kind;
        }
        self.html.push_str(&escape_html(text));
    }

    fn finish(mut self) -> String {
        if self.open.is_some() {
            self.html.push_str("</span>");
        }
        self.html
    }
}

fn highlight(lang: &str, code: &str) -> Option<String> {
    let set = syntaxes();
    let syntax = set.find_syntax_by_token(lang)?;
    // Syntaxes live in the static set: the address identifies one for the memo.
    let syntax_id = syntax as *const SyntaxReference as usize;
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut out = FlatSpans {
        html: String::with_capacity(code.len() * 2),
        open: None,
    };
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
        let mut done = 0;
        for (at, op) in &ops {
            // syntect reports byte offsets at char boundaries; guard anyway.
            let at = (*at).min(line.len());
            if at > done {
                out.push(kind_of(stack.as_slice()), line.get(done..at)?);
                done = at;
            }
            stack.apply(op).ok()?;
        }
        out.push(kind_of(stack.as_slice()), line.get(done..)?);
    }
    Some(out.finish())
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
    fn tokens_become_flat_spans_of_a_few_kinds() {
        let html = highlight("python", "def f(x):\n    return \"a\\n<b>\" + 1  # note\n").unwrap();
        // Whitespace joins the open span, so `public static` of one kind is one span.
        assert_eq!(
            html,
            "<span class=\"hl-k\">def </span><span class=\"hl-f\">f</span>(x):\n    \
             <span class=\"hl-k\">return </span><span class=\"hl-s\">&quot;a</span>\
             <span class=\"hl-e\">\\n</span><span class=\"hl-s\">&lt;b&gt;&quot; </span>+ \
             <span class=\"hl-n\">1  </span><span class=\"hl-c\"># note\n</span>"
        );
    }

    #[test]
    fn every_kind_has_a_colour_in_both_schemes() {
        for (_, kind) in KINDS {
            let Some(kind) = kind else { continue };
            let class = format!(".hl-{kind}");
            let (light, dark) = STYLESHEET
                .split_once("@media (prefers-color-scheme:dark)")
                .unwrap();
            assert!(light.contains(&class), "{class} has no light style");
            // Bold and italic carry no colour of their own.
            if !matches!(*kind, "b" | "i") {
                assert!(dark.contains(&class), "{class} has no dark colour");
            }
        }
    }

    #[test]
    fn unknown_language_is_escaped_plain_text() {
        let h = Highlighter::new();
        let html = h.code_block("nosuchlang", "<script>x</script>\n");
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<script>"));
    }
}
