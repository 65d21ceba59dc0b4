//! Markdown stage: renders a document's body to HTML with pulldown-cmark — heading ids and anchors,
//! a table of contents, language-aware quotes, highlighted code and resolved internal links.
//!
//! Rendering needs the site graph (to turn `@/guides/facebook.md` into a URL) but nothing else,
//! so any subset of documents can be re-rendered on its own.

pub mod highlight;

use std::collections::HashSet;
use std::path::PathBuf;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

pub use highlight::Highlighter;
use highlight::escape_html;

use crate::error::{Diagnostic, Diagnostics};
use crate::site::links::{self, LinkKind};
use crate::site::{NodeId, Site};

/// A document's rendered body and what was learnt while rendering it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub heading_ids: HashSet<String>,
    pub word_count: usize,
    /// Links to other documents with a `#fragment`, checked once every document is rendered.
    pub anchor_links: Vec<AnchorLink>,
    /// Source paths this body links to: when one of their URLs changes, this body is re-rendered.
    pub link_targets: Vec<PathBuf>,
    pub external_links: Vec<ExternalLink>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchorLink {
    pub target: PathBuf,
    pub fragment: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalLink {
    pub url: String,
    pub line: usize,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Renders the body of node `id`. Broken links are errors located in the Markdown file.
pub fn render(site: &Site, id: NodeId, highlighter: &Highlighter) -> (Rendered, Diagnostics) {
    let node = site.node(id);
    let doc = &node.doc;
    let file = doc.display_path();
    let line_index = LineIndex::new(&doc.body, doc.body_line);
    let german = doc.lang.as_str() == "de";
    let mut out = Rendered::default();
    let mut diags = Diagnostics::new();
    let mut events: Vec<Event> = Vec::new();
    let mut same_page_anchors: Vec<(String, usize)> = Vec::new();
    let mut heading: Option<(HeadingLevel, Option<String>, Vec<Event>)> = None;
    let mut code: Option<(String, String)> = None;
    let mut headings: Vec<(u8, String, String)> = Vec::new();

    for (event, range) in Parser::new_ext(&doc.body, options()).into_offset_iter() {
        let line = line_index.line(range.start);
        if let Some((_, text)) = &mut code {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, text) = code.take().unwrap_or_default();
                    events.push(Event::Html(CowStr::from(
                        highlighter.code_block(&lang, &text).to_string(),
                    )));
                }
                _ => {}
            }
            continue;
        }
        let event = match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split([' ', ',', '{']).next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
                continue;
            }
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some((level, id.map(|s| s.to_string()), Vec::new()));
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, custom_id, inner)) = heading.take() {
                    let title = plain_text(&inner);
                    let id = unique_id(
                        custom_id.unwrap_or_else(|| crate::slug::slugify(&title)),
                        &out.heading_ids,
                    );
                    out.heading_ids.insert(id.clone());
                    let n = level as u8;
                    events.push(Event::Html(CowStr::from(format!(
                        "<h{n} id=\"{id}\"><a class=\"anchor\" href=\"#{id}\" aria-hidden=\"true\" tabindex=\"-1\">#</a>",
                        id = escape_html(&id)
                    ))));
                    events.extend(inner);
                    events.push(Event::Html(CowStr::from(format!("</h{n}>\n"))));
                    headings.push((n, id, title));
                }
                continue;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id: link_id,
            }) => {
                let dest = rewrite_link(
                    site,
                    id,
                    &dest_url,
                    line,
                    &file,
                    &mut out,
                    &mut same_page_anchors,
                    &mut diags,
                );
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: dest.map(CowStr::from).unwrap_or(dest_url),
                    title,
                    id: link_id,
                })
            }
            Event::Text(t) => {
                out.word_count += t.split_whitespace().count();
                // Only quotes that smart punctuation made from `"` become German ones; „…“ typed
                // by the editor stay as they are (“ is the German closing quote).
                let from_ascii_quote = doc
                    .body
                    .get(range.clone())
                    .is_some_and(|src| src.contains('"'));
                if german && from_ascii_quote {
                    Event::Text(CowStr::from(german_quotes(&t)))
                } else {
                    Event::Text(t)
                }
            }
            // Raw HTML is shown as text: content may come from untrusted pull requests.
            Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
            other => other,
        };
        match &mut heading {
            Some((_, _, inner)) => inner.push(event),
            None => events.push(event),
        }
    }
    for (anchor, line) in same_page_anchors {
        if !out.heading_ids.contains(&anchor) {
            diags.push(
                Diagnostic::error(
                    &file,
                    format!("link to #{anchor}, but this page has no such heading"),
                )
                .at_line(line)
                .hint(known_anchors(&out.heading_ids)),
            );
        }
    }
    out.toc = build_toc(&headings);
    let mut html = String::with_capacity(doc.body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    out.html = html;
    (out, diags)
}

#[allow(clippy::too_many_arguments)]
fn rewrite_link(
    site: &Site,
    id: NodeId,
    dest: &str,
    line: usize,
    file: &std::path::Path,
    out: &mut Rendered,
    same_page: &mut Vec<(String, usize)>,
    diags: &mut Diagnostics,
) -> Option<String> {
    let node = site.node(id);
    match links::classify(dest) {
        LinkKind::Internal {
            path,
            fragment,
            content_root,
        } => match links::resolve(site, &node.doc.source, node.lang(), path, content_root) {
            Ok(target) => {
                let target_node = site.node(target);
                out.link_targets.push(target_node.doc.source.clone());
                let mut url = site.config.path_url(&target_node.url);
                if let Some(f) = fragment.filter(|f| !f.is_empty()) {
                    if target == id {
                        same_page.push((f.to_string(), line));
                    } else {
                        out.anchor_links.push(AnchorLink {
                            target: target_node.doc.source.clone(),
                            fragment: f.to_string(),
                            line,
                        });
                    }
                    url.push('#');
                    url.push_str(f);
                }
                Some(url)
            }
            Err(reason) => {
                diags.push(Diagnostic::error(file, reason).at_line(line)
                        .hint("link to a source file: `@/section/page.md` (same language) or a relative `page.de.md`"));
                None
            }
        },
        LinkKind::SamePage(anchor) => {
            if !anchor.is_empty() {
                same_page.push((anchor.to_string(), line));
            }
            None
        }
        LinkKind::External => {
            out.external_links.push(ExternalLink {
                url: dest.to_string(),
                line,
            });
            None
        }
        LinkKind::Other => None,
    }
}

pub fn known_anchors(ids: &HashSet<String>) -> String {
    let mut ids: Vec<&String> = ids.iter().collect();
    ids.sort();
    if ids.is_empty() {
        "the page has no headings".into()
    } else {
        format!(
            "headings on that page: {}",
            ids.iter()
                .map(|i| format!("#{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// German quotation marks: pulldown-cmark's smart punctuation produces English “…”; German wants „…“.
/// Single quotes stay: ’ is also the German apostrophe.
fn german_quotes(text: &str) -> String {
    text.replace('“', "„").replace('”', "“")
}

fn plain_text(events: &[Event]) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s.trim().to_string()
}

fn unique_id(base: String, taken: &HashSet<String>) -> String {
    let base = if base.is_empty() {
        "section".to_string()
    } else {
        base
    };
    if !taken.contains(&base) {
        return base;
    }
    (1..)
        .map(|i| format!("{base}-{i}"))
        .find(|c| !taken.contains(c))
        .unwrap_or(base)
}

/// Nests headings h2–h4 into a tree; deeper levels attach to the nearest shallower heading.
fn build_toc(headings: &[(u8, String, String)]) -> Vec<TocEntry> {
    fn insert(list: &mut Vec<TocEntry>, entry: TocEntry) {
        match list.last_mut() {
            Some(last) if last.level < entry.level => insert(&mut last.children, entry),
            _ => list.push(entry),
        }
    }
    let mut toc = Vec::new();
    for (level, id, title) in headings.iter().filter(|(l, _, _)| (2..=4).contains(l)) {
        insert(
            &mut toc,
            TocEntry {
                level: *level,
                id: id.clone(),
                title: title.clone(),
                children: Vec::new(),
            },
        );
    }
    toc
}

/// Maps byte offsets in the body to line numbers in the file.
struct LineIndex {
    starts: Vec<usize>,
    first_line: usize,
}

impl LineIndex {
    fn new(text: &str, first_line: usize) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts, first_line }
    }

    fn line(&self, offset: usize) -> usize {
        let i = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        i + self.first_line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_quotes_replace_english_smart_quotes() {
        assert_eq!(german_quotes("“Hallo” sagt’s"), "„Hallo“ sagt’s");
    }

    #[test]
    fn toc_nests() {
        let toc = build_toc(&[
            (2, "a".into(), "A".into()),
            (3, "b".into(), "B".into()),
            (2, "c".into(), "C".into()),
        ]);
        assert_eq!(toc.len(), 2);
        assert_eq!(toc[0].children[0].id, "b");
    }

    #[test]
    fn unique_ids_get_suffixes() {
        let mut taken = HashSet::new();
        taken.insert("a".to_string());
        assert_eq!(unique_id("a".into(), &taken), "a-1");
    }

    #[test]
    fn line_index_counts_from_body_start() {
        let idx = LineIndex::new("a\nb\nc", 5);
        assert_eq!(idx.line(0), 5);
        assert_eq!(idx.line(2), 6);
        assert_eq!(idx.line(4), 7);
    }
}
