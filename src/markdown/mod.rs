//! Markdown stage: renders a document's body to HTML with pulldown-cmark — heading ids and anchors,
//! a table of contents, language-aware quotes, highlighted code, checked raw HTML and resolved
//! internal links.
//!
//! Rendering needs the site graph (to turn `@/guides/facebook.md` into a URL) but nothing else,
//! so any subset of documents can be re-rendered on its own. What HTML and which URLs may pass is
//! decided in one place, [`sanitize`].

pub mod highlight;
pub mod sanitize;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::html::escape_html;
pub use highlight::Highlighter;

use crate::config::RawHtml;
use crate::error::{Diagnostic, Diagnostics};
use crate::site::links::{self, LinkKind, UrlTarget};
use crate::site::{NodeId, Site};

/// A document's rendered body and what was learnt while rendering it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Every id a `#fragment` may point at: headings (with `{#custom}` ids) and `id`s in raw HTML.
    pub heading_ids: HashSet<String>,
    pub word_count: usize,
    /// Links to other documents with a `#fragment`, checked once every document is rendered.
    pub anchor_links: Vec<AnchorLink>,
    /// Source paths this body links to: when one of their URLs changes, this body is re-rendered.
    pub link_targets: Vec<PathBuf>,
    pub external_links: Vec<ExternalLink>,
    /// Assets (content-relative) this body links to or shows.
    pub assets: Vec<PathBuf>,
    /// Every asset path a link on this body could have meant (`formular.de.png` and
    /// `formular.png`), found or not: when one comes, changes or goes, the body is rendered again.
    pub asset_refs: Vec<PathBuf>,
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
    pub column: usize,
}

/// Line and column (1-based) of a link in its file.
pub type Place = (usize, usize);

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

/// Renders the body of node `id`. Broken links and refused HTML or URLs are errors located in
/// the Markdown file.
pub fn render(site: &Site, id: NodeId, highlighter: &Highlighter) -> (Rendered, Diagnostics) {
    let node = site.node(id);
    let doc = &node.doc;
    let file = doc.display_path();
    let lines = LineIndex::new(&doc.body, doc.body_line);
    let german = doc.lang.as_str() == "de";
    let policy = site.config.markdown.raw_html;
    let mut out = Rendered::default();
    let mut diags = Diagnostics::new();
    let mut events: Vec<Event> = Vec::new();
    let mut same_page_anchors: Vec<(String, Place)> = Vec::new();
    let mut heading: Option<(HeadingLevel, Option<String>, Vec<Event>)> = None;
    let mut code: Option<(String, String)> = None;
    let mut html_block: Option<RawHtmlRun> = None;
    let mut headings: Vec<(u8, String, String)> = Vec::new();
    let mut next_suffix: HashMap<String, usize> = HashMap::new();
    let mut passed_raw_html = false;
    // A Markdown image being read: its target and the events of its alt text.
    let mut image: Option<PendingImage> = None;
    // Positions in `events` of highlighted code blocks (trusted HTML built from escaped text).
    let mut code_blocks: Vec<usize> = Vec::new();
    let ctx = LinkContext {
        site,
        id,
        file: &file,
        lines: &lines,
        images: std::cell::Cell::new(0),
    };

    for (event, range) in Parser::new_ext(&doc.body, options()).into_offset_iter() {
        if let Some((_, text)) = &mut code {
            match event {
                // CommonMark replaces NUL with U+FFFD everywhere; pulldown-cmark leaves it in
                // code, and the highlighter would pass it through.
                Event::Text(t) => text.push_str(&t.replace('\0', "\u{FFFD}")),
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, text) = code.take().unwrap_or_default();
                    code_blocks.push(events.len());
                    events.push(Event::Html(CowStr::from(
                        highlighter.code_block(&lang, &text).to_string(),
                    )));
                }
                _ => {}
            }
            continue;
        }
        if let Some(run) = &mut html_block {
            match event {
                Event::Html(h) => run.push(&h, range.start),
                Event::End(TagEnd::HtmlBlock) => {
                    let run = html_block.take().unwrap_or_default();
                    let html = raw_html(
                        policy,
                        &run,
                        &ctx,
                        &mut out,
                        &mut same_page_anchors,
                        &mut diags,
                    );
                    passed_raw_html |= policy == RawHtml::Safe && html.contains('<');
                    events.push(match policy {
                        RawHtml::Safe => Event::Html(CowStr::from(html)),
                        RawHtml::Escape => Event::Text(CowStr::from(run.text)),
                    });
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
            Event::Start(Tag::HtmlBlock) => {
                html_block = Some(RawHtmlRun::default());
                continue;
            }
            Event::Start(Tag::Heading { level, id, .. }) => {
                if let Some(custom) = id.as_deref().filter(|i| i.chars().any(char::is_control)) {
                    diags.push(ctx.error(
                        range.start,
                        format!(
                            "heading id `{}` contains a control character",
                            custom.escape_debug()
                        ),
                        "write the id with letters, digits, `-` and `_`: `## Schritte {#schritte}`",
                    ));
                }
                heading = Some((level, id.map(|s| s.to_string()), Vec::new()));
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, custom_id, inner)) = heading.take() {
                    let title = plain_text(&inner);
                    let id = unique_id(
                        custom_id.unwrap_or_else(|| crate::slug::heading_id(&title)),
                        &out.heading_ids,
                        &mut next_suffix,
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
                let dest = ctx.link(
                    &dest_url,
                    range.start,
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
            // An image in an image's alt text is only text there.
            Event::Start(Tag::Image { .. }) if image.is_some() => {
                if let Some(pending) = &mut image {
                    pending.depth += 1;
                }
                continue;
            }
            Event::End(TagEnd::Image) if image.as_ref().is_some_and(|i| i.depth > 0) => {
                if let Some(pending) = &mut image {
                    pending.depth -= 1;
                }
                continue;
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let target = ctx.image(&dest_url, range.start, &mut out, &mut diags);
                image = Some(PendingImage {
                    target,
                    title: title.to_string(),
                    offset: range.start,
                    alt: Vec::new(),
                    depth: 0,
                });
                continue;
            }
            Event::End(TagEnd::Image) => {
                let Some(pending) = image.take() else {
                    continue;
                };
                let alt = plain_text(&pending.alt);
                if alt.is_empty() {
                    diags.push(ctx.error(
                        pending.offset,
                        "image without alt text".into(),
                        "describe what the image shows for readers who cannot see it: `![Das Formular mit dem Feld »E-Mail«](formular.png)`",
                    ));
                }
                Event::InlineHtml(CowStr::from(ctx.img_tag(
                    &pending.target,
                    &alt,
                    &pending.title,
                )))
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
            // pulldown-cmark's checkbox has no accessible name (WCAG 4.1.2): name its state.
            Event::TaskListMarker(done) => {
                Event::InlineHtml(CowStr::from(task_checkbox(done, german)))
            }
            Event::InlineHtml(h) | Event::Html(h) => {
                let mut run = RawHtmlRun::default();
                run.push(&h, range.start);
                let html = raw_html(
                    policy,
                    &run,
                    &ctx,
                    &mut out,
                    &mut same_page_anchors,
                    &mut diags,
                );
                passed_raw_html |= policy == RawHtml::Safe && html.contains('<');
                match policy {
                    RawHtml::Safe => Event::InlineHtml(CowStr::from(html)),
                    RawHtml::Escape => Event::Text(h),
                }
            }
            other => other,
        };
        if let Some(pending) = &mut image {
            pending.alt.push(event);
            continue;
        }
        match &mut heading {
            Some((_, _, inner)) => inner.push(event),
            None => events.push(event),
        }
    }
    for (anchor, (line, column)) in same_page_anchors {
        if !out.heading_ids.contains(&anchor) {
            diags.push(
                Diagnostic::error(
                    &file,
                    format!("link to #{anchor}, but this page has no such heading or id"),
                )
                .at(line, column)
                .hint(anchor_hint(&anchor, &out.heading_ids)),
            );
        }
    }
    out.toc = build_toc(&headings);
    out.html = if passed_raw_html {
        defend_body(events, &code_blocks, doc.body.len())
    } else {
        // pulldown-cmark's own escaped output with checked URLs: no second parse to pay for.
        let mut html = String::with_capacity(doc.body.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        html
    };
    (out, diags)
}

/// A Markdown image whose alt text is being read.
struct PendingImage<'a> {
    target: ImageTarget,
    title: String,
    offset: usize,
    alt: Vec<Event<'a>>,
    /// Images nested in the alt text (shown as their text only).
    depth: usize,
}

/// Where an image's `src` points, and its size when it is a file of the site.
#[derive(Debug, Default, Clone)]
pub struct ImageTarget {
    /// The `src` to write: rewritten for the site's base path; `None` keeps the source's.
    pub src: Option<String>,
    /// The source's `src`, for when it is not rewritten.
    pub written: String,
    pub size: Option<crate::content::ImageSize>,
}

/// Defence in depth for a body that carried raw HTML: the whole body goes through the sanitizer,
/// except highlighted code blocks, which are HTML we built from escaped text and by far the
/// largest part of most pages; they stand in as markers and are put back afterwards.
///
/// The markers carry a random number: an editor who writes a marker's text (in a `title`, say)
/// would otherwise decide where a code block's HTML lands, even inside an attribute, and break
/// the page around it. The number never reaches the output, so the bytes stay reproducible.
fn defend_body(mut events: Vec<Event>, code_blocks: &[usize], body_len: usize) -> String {
    let nonce = {
        use std::hash::{BuildHasher, Hasher};
        std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish()
    };
    let mut code_html = Vec::with_capacity(code_blocks.len());
    for (n, &i) in code_blocks.iter().enumerate() {
        let marker = Event::Html(CowStr::from(code_marker(nonce, n)));
        code_html.push(std::mem::replace(&mut events[i], marker));
    }
    let mut html = String::with_capacity(body_len * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    let mut clean = sanitize::defend(&html);
    for (n, code) in code_html.into_iter().enumerate() {
        if let Event::Html(code) = code {
            clean = clean.replacen(&code_marker(nonce, n), &code, 1);
        }
    }
    clean
}

/// A placeholder the sanitizer keeps as text: private-use characters around a number no editor
/// can know.
fn code_marker(nonce: u64, n: usize) -> String {
    format!("\u{E000}optout-code-{nonce:016x}-{n}\u{E001}")
}

/// Consecutive raw HTML from the Markdown source, with where each piece came from: a block of
/// HTML arrives line by line, and inside a list or quote the lines are not contiguous.
#[derive(Debug, Default)]
struct RawHtmlRun {
    text: String,
    /// (offset in `text`, offset in the body) for each piece.
    pieces: Vec<(usize, usize)>,
}

impl RawHtmlRun {
    fn push(&mut self, piece: &str, body_offset: usize) {
        self.pieces.push((self.text.len(), body_offset));
        self.text.push_str(piece);
    }

    fn body_offset(&self, offset: usize) -> usize {
        let i = self.pieces.partition_point(|(start, _)| *start <= offset);
        match i.checked_sub(1).and_then(|i| self.pieces.get(i)) {
            Some((start, body)) => body + (offset - start),
            None => offset,
        }
    }
}

/// Applies the raw HTML policy to a run: refusals become located errors, ids become link targets.
/// Returns the HTML to emit (`safe`); with `escape` the caller shows the source as text.
fn raw_html(
    policy: RawHtml,
    run: &RawHtmlRun,
    ctx: &LinkContext,
    out: &mut Rendered,
    same_page: &mut Vec<(String, Place)>,
    diags: &mut Diagnostics,
) -> String {
    if policy == RawHtml::Escape {
        return String::new();
    }
    // Links in HTML are checked and rewritten like Markdown links, located at their tag.
    let mut hooks = HtmlHooks {
        run,
        ctx,
        out: &mut *out,
        same_page,
        diags: &mut *diags,
        image: None,
    };
    let clean = sanitize::clean_raw_html(&run.text, &mut hooks);
    for (offset, refusal) in clean.refusals {
        let (line, column) = ctx
            .lines
            .line_column(&ctx.site.node(ctx.id).doc.body, run.body_offset(offset));
        diags.push(
            Diagnostic::error(ctx.file, refusal.message)
                .at(line, column)
                .hint(refusal.hint),
        );
    }
    out.heading_ids.extend(clean.ids);
    clean.html
}

/// Checks and rewrites the links and images of raw HTML as [`LinkContext`] does Markdown's.
struct HtmlHooks<'r, 'c> {
    run: &'r RawHtmlRun,
    ctx: &'r LinkContext<'c>,
    out: &'r mut Rendered,
    same_page: &'r mut Vec<(String, Place)>,
    diags: &'r mut Diagnostics,
    /// The `src` of the `<img>` being read.
    image: Option<ImageTarget>,
}

impl sanitize::RawHtmlHooks for HtmlHooks<'_, '_> {
    fn url(&mut self, element: &str, attribute: &str, url: &str, at: usize) -> Option<String> {
        let offset = self.run.body_offset(at);
        match (element, attribute) {
            ("a", "href") => self
                .ctx
                .link(url, offset, self.out, self.same_page, self.diags),
            ("img", "src") => {
                let target = self.ctx.image(url, offset, self.out, self.diags);
                let src = target.src.clone();
                self.image = Some(target);
                src
            }
            _ => None,
        }
    }

    fn finish_tag(&mut self, element: &str, attributes: &[(&str, &str)]) -> sanitize::FinishTag {
        if element != "img" {
            return sanitize::FinishTag::default();
        }
        let target = self.image.take().unwrap_or_default();
        let has = |name: &str| attributes.iter().any(|(n, _)| *n == name);
        let alt = attributes
            .iter()
            .find(|(n, _)| *n == "alt")
            .map_or("", |(_, v)| v.trim());
        let refusal = alt.is_empty().then(|| sanitize::Refusal {
            message: "image without alt text".into(),
            hint: "describe what the image shows for readers who cannot see it: `alt=\"Das Formular mit dem Feld »E-Mail«\"`".into(),
        });
        let mut added = Vec::new();
        // The author's own size wins (a screenshot at half its pixels for sharp text).
        if let Some(size) = target.size.filter(|_| !has("width") && !has("height")) {
            added.push(("width", size.width.to_string()));
            added.push(("height", size.height.to_string()));
        }
        let (loading, decoding) = self.ctx.next_image();
        if let Some(l) = loading.filter(|_| !has("loading")) {
            added.push(("loading", l.to_string()));
        }
        if !has("decoding") {
            added.push(("decoding", decoding.to_string()));
        }
        sanitize::FinishTag {
            attributes: added,
            refusal,
        }
    }
}

/// What resolving a link needs to know about the page it is on.
struct LinkContext<'a> {
    site: &'a Site,
    id: NodeId,
    file: &'a std::path::Path,
    lines: &'a LineIndex,
    /// Images so far on the page: the first one is above the fold and loads at once.
    images: std::cell::Cell<usize>,
}

impl LinkContext<'_> {
    fn error(&self, offset: usize, message: String, hint: &str) -> Diagnostic {
        let (line, column) = self
            .lines
            .line_column(&self.site.node(self.id).doc.body, offset);
        Diagnostic::error(self.file, message)
            .at(line, column)
            .hint(hint)
    }

    /// Checks a Markdown link and returns its new destination, if it changes.
    fn link(
        &self,
        dest: &str,
        offset: usize,
        out: &mut Rendered,
        same_page: &mut Vec<(String, Place)>,
        diags: &mut Diagnostics,
    ) -> Option<String> {
        if let Err(r) = sanitize::check_url(dest) {
            diags.push(self.error(offset, format!("link: {}", r.message), &r.hint));
            return Some("#".into());
        }
        let site = self.site;
        let node = site.node(self.id);
        let place = self.lines.line_column(&node.doc.body, offset);
        match links::classify_on(dest, Some(&site.config.base_url)) {
            LinkKind::Internal {
                path,
                fragment,
                content_root: true,
            } if !path.ends_with(".md") => self
                .asset(path, true, offset, out, diags)
                .map(|(url, _)| with_suffix(url, None, fragment)),
            LinkKind::Internal {
                path,
                fragment,
                content_root,
            } => match links::resolve(site, &node.doc.source, node.lang(), path, content_root) {
                Ok(target) => Some(self.to_node(target, None, fragment, place, out, same_page)),
                Err(links::Unresolved::MissingTranslation(finding)) => {
                    diags.push(finding);
                    None
                }
                Err(links::Unresolved::Broken { message, hint }) => {
                    diags.push(self.error(offset, message, &hint));
                    None
                }
            },
            LinkKind::SamePage(anchor) => {
                if !anchor.is_empty() {
                    same_page.push((decode_fragment(anchor), place));
                }
                None
            }
            LinkKind::External => {
                out.external_links.push(ExternalLink {
                    url: dest.to_string(),
                    line: place.0,
                });
                None
            }
            LinkKind::SiteUrl {
                path,
                query,
                fragment,
            } => self.site_url(&path, query, fragment, offset, out, same_page, diags),
            LinkKind::RelativeUrl {
                path,
                query,
                fragment,
            } => {
                let Some(joined) = links::join_url(&node.url, path) else {
                    diags.push(self.error(
                        offset,
                        format!("link to {path} climbs above the site root"),
                        "remove a `../`, or link to the source file: `@/section/page.md`",
                    ));
                    return None;
                };
                // A file name (`vorlage.pdf`) is a file beside the page, like in every Markdown
                // preview; a static file reached by a relative URL still works.
                if looks_like_file(path) && links::resolve_url(site, &joined).is_err() {
                    return self
                        .asset(path, false, offset, out, diags)
                        .map(|(url, _)| with_suffix(url, query, fragment));
                }
                self.site_url(&joined, query, fragment, offset, out, same_page, diags)
            }
        }
    }

    /// A link to a URL of this site: checked against the graph and rewritten to the canonical
    /// path under `base_url`, so it keeps working when the site lives in a subdirectory.
    #[allow(clippy::too_many_arguments)]
    fn site_url(
        &self,
        path: &str,
        query: Option<&str>,
        fragment: Option<&str>,
        offset: usize,
        out: &mut Rendered,
        same_page: &mut Vec<(String, Place)>,
        diags: &mut Diagnostics,
    ) -> Option<String> {
        let place = self
            .lines
            .line_column(&self.site.node(self.id).doc.body, offset);
        match links::resolve_url(self.site, path) {
            Ok(found) => match found.target {
                UrlTarget::Node(target) => {
                    Some(self.to_node(target, query, fragment, place, out, same_page))
                }
                UrlTarget::File => Some(with_suffix(
                    self.site.config.path_url(&found.path),
                    query,
                    fragment,
                )),
            },
            Err(reason) => {
                diags.push(self.error(
                    offset,
                    reason,
                    "copy the address from the built site, or link to the source file: `@/section/page.md`; files go into static/",
                ));
                None
            }
        }
    }

    /// The URL of node `target`; a `#fragment` is remembered for the anchor check.
    fn to_node(
        &self,
        target: NodeId,
        query: Option<&str>,
        fragment: Option<&str>,
        (line, column): Place,
        out: &mut Rendered,
        same_page: &mut Vec<(String, Place)>,
    ) -> String {
        let target_node = self.site.node(target);
        out.link_targets.push(target_node.doc.source.clone());
        let fragment = fragment.filter(|f| !f.is_empty());
        if let Some(f) = fragment {
            if target == self.id {
                same_page.push((decode_fragment(f), (line, column)));
            } else {
                out.anchor_links.push(AnchorLink {
                    target: target_node.doc.source.clone(),
                    fragment: decode_fragment(f),
                    line,
                    column,
                });
            }
        }
        with_suffix(self.site.config.path_url(&target_node.url), query, fragment)
    }

    /// Checks an image source: a file beside the page (with its size), a file of the site;
    /// never another site, which the reader's browser would have to ask for the image.
    fn image(
        &self,
        dest: &str,
        offset: usize,
        out: &mut Rendered,
        diags: &mut Diagnostics,
    ) -> ImageTarget {
        let mut target = ImageTarget {
            written: dest.to_string(),
            ..ImageTarget::default()
        };
        if let Err(r) = sanitize::check_url(dest) {
            diags.push(self.error(offset, format!("image: {}", r.message), &r.hint));
            target.src = Some(String::new());
            return target;
        }
        let file_of = |path: &str, from_root: bool, out: &mut Rendered, diags: &mut Diagnostics| {
            self.asset(path, from_root, offset, out, diags)
        };
        match links::classify_on(dest, Some(&self.site.config.base_url)) {
            LinkKind::SiteUrl {
                path,
                query,
                fragment,
            } => {
                target.src =
                    self.site_url(&path, query, fragment, offset, out, &mut Vec::new(), diags);
                target.size = self.static_size(&path);
            }
            LinkKind::External => {
                let host = dest
                    .split_once("//")
                    .map_or(dest, |(_, rest)| rest.split('/').next().unwrap_or(rest));
                diags.push(self.error(
                    offset,
                    format!("image from another site ({host}): every reader's browser would request it there"),
                    "download the file, save it beside the page (content/…/bild.png) and write ![what it shows](bild.png)",
                ));
            }
            LinkKind::RelativeUrl { path, .. } => {
                let joined = links::join_url(&self.site.node(self.id).url, path);
                match joined.and_then(|j| links::resolve_url(self.site, &j).ok()) {
                    Some(found) => {
                        target.size = self.static_size(&found.path);
                        target.src = Some(self.site.config.path_url(&found.path));
                    }
                    None => {
                        if let Some((url, size)) = file_of(path, false, out, diags) {
                            target.src = Some(url);
                            target.size = size;
                        }
                    }
                }
            }
            LinkKind::Internal {
                path,
                content_root: true,
                ..
            } if !path.ends_with(".md") => {
                if let Some((url, size)) = file_of(path, true, out, diags) {
                    target.src = Some(url);
                    target.size = size;
                }
            }
            LinkKind::Internal { path, .. } => diags.push(self.error(
                offset,
                format!("image: {path} is a page, not an image file"),
                "show an image file: ![what it shows](bild.png)",
            )),
            LinkKind::SamePage(_) => {}
        }
        target
    }

    /// The file beside the pages a link means: its URL under the base path and its size. A
    /// missing file is an error at the link.
    fn asset(
        &self,
        path: &str,
        from_root: bool,
        offset: usize,
        out: &mut Rendered,
        diags: &mut Diagnostics,
    ) -> Option<(String, Option<crate::content::ImageSize>)> {
        let node = self.site.node(self.id);
        let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        let dir = if from_root {
            std::path::Path::new("")
        } else {
            node.doc.source.parent().unwrap_or(std::path::Path::new(""))
        };
        let Some(lookup) = self
            .site
            .assets
            .lookup(&self.site.config, dir, &decoded, node.lang())
        else {
            diags.push(self.error(
                offset,
                format!("link to {path} points outside content/"),
                "put the file beside the page and link it by its name: [Vorlage](vorlage.pdf)",
            ));
            return None;
        };
        out.asset_refs.extend(lookup.candidates.iter().cloned());
        let Some(found) = lookup.found else {
            let wanted = lookup.candidates.last().cloned().unwrap_or_default();
            let shown = std::path::Path::new(crate::content::CONTENT_DIR).join(&wanted);
            let variants = match lookup
                .candidates
                .first()
                .filter(|_| lookup.candidates.len() > 1)
            {
                Some(v) => format!(
                    " (or {} for this language only)",
                    v.file_name()
                        .map(|n| n.to_string_lossy())
                        .unwrap_or_default()
                ),
                None => String::new(),
            };
            diags.push(self.error(
                offset,
                format!("link to {}, which does not exist", shown.display()),
                &format!(
                    "save the file as {}{variants}, or correct the name",
                    shown.display()
                ),
            ));
            return None;
        };
        out.assets.push(found.file.source.clone());
        Some((self.site.config.path_url(&found.path), found.file.size))
    }

    /// The size of a static image (`/bilder/x.png`, also under the base path) a page shows.
    fn static_size(&self, path: &str) -> Option<crate::content::ImageSize> {
        let found = links::resolve_url(self.site, path).ok()?;
        let name = found.path.trim_start_matches('/');
        self.site.static_image_sizes.get(name).copied()
    }

    /// `loading` and `decoding` of the next image on the page: the first one is above the fold
    /// and loads at once; the others wait until the reader scrolls near them.
    fn next_image(&self) -> (Option<&'static str>, &'static str) {
        let n = self.images.get();
        self.images.set(n + 1);
        ((n > 0).then_some("lazy"), "async")
    }

    /// A Markdown image as HTML: size, lazy loading and async decoding added.
    fn img_tag(&self, target: &ImageTarget, alt: &str, title: &str) -> String {
        let src = target.src.as_deref().unwrap_or(&target.written);
        let mut tag = String::with_capacity(src.len() + alt.len() + 80);
        tag.push_str("<img src=\"");
        crate::html::escape_html_into(src, &mut tag);
        tag.push_str("\" alt=\"");
        crate::html::escape_html_into(alt, &mut tag);
        tag.push('"');
        if !title.is_empty() {
            tag.push_str(" title=\"");
            crate::html::escape_html_into(title, &mut tag);
            tag.push('"');
        }
        if let Some(size) = target.size {
            use std::fmt::Write;
            let _ = write!(tag, " width=\"{}\" height=\"{}\"", size.width, size.height);
        }
        let (loading, decoding) = self.next_image();
        if let Some(l) = loading {
            tag.push_str(" loading=\"");
            tag.push_str(l);
            tag.push('"');
        }
        tag.push_str(" decoding=\"");
        tag.push_str(decoding);
        tag.push_str("\">");
        tag
    }
}

fn with_suffix(mut url: String, query: Option<&str>, fragment: Option<&str>) -> String {
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    if let Some(f) = fragment.filter(|f| !f.is_empty()) {
        url.push('#');
        url.push_str(f);
    }
    url
}

/// The id a `#fragment` names: a browser's address bar shows `#%C3%BCberblick` for `#überblick`.
fn decode_fragment(fragment: &str) -> String {
    percent_encoding::percent_decode_str(fragment)
        .decode_utf8_lossy()
        .into_owned()
}

/// `bild.png`, `docs/vorlage.pdf`: a file name rather than a page URL (`../instagram/`, `x.html`).
fn looks_like_file(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or("");
    last.contains('.') && !last.ends_with(".html") && last != "." && last != ".."
}

/// "did you mean #schritt-fuer-schritt?" for a misspelt anchor, else the ids the page has.
pub fn anchor_hint(anchor: &str, ids: &HashSet<String>) -> String {
    let candidates: Vec<&str> = ids.iter().map(String::as_str).collect();
    match crate::error::did_you_mean(anchor, &candidates) {
        Some(best) => format!("did you mean #{best}? {}", known_anchors(ids)),
        None => known_anchors(ids),
    }
}

pub fn known_anchors(ids: &HashSet<String>) -> String {
    let mut ids: Vec<&String> = ids.iter().collect();
    ids.sort();
    if ids.is_empty() {
        "the page has no headings or ids".into()
    } else {
        format!(
            "ids on that page: {}",
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

fn unique_id(
    base: String,
    taken: &HashSet<String>,
    next_suffix: &mut HashMap<String, usize>,
) -> String {
    let base = if base.is_empty() {
        "section".to_string()
    } else {
        base
    };
    if !taken.contains(&base) {
        return base;
    }
    // Each base remembers the first suffix not tried yet: the suffixes below it are taken for
    // good, so the result is the same as counting from 1, without counting from 1 again for the
    // hundredth `## Beispiel` (which made a page of many equal headings quadratic).
    let suffix = next_suffix.entry(base.clone()).or_insert(1);
    loop {
        let candidate = format!("{base}-{suffix}");
        *suffix += 1;
        if !taken.contains(&candidate) {
            return candidate;
        }
    }
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

    #[cfg(test)]
    fn line(&self, offset: usize) -> usize {
        self.index(offset) + self.first_line
    }

    /// Line and column (1-based, in characters) of byte `offset` in `text`.
    fn line_column(&self, text: &str, offset: usize) -> (usize, usize) {
        let i = self.index(offset);
        let start = self.starts.get(i).copied().unwrap_or(0);
        let column = text
            .get(start..offset.min(text.len()))
            .map_or(1, |s| s.chars().count() + 1);
        (i + self.first_line, column)
    }

    fn index(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }
}

/// A task list's checkbox, read-only like pulldown-cmark's, with its state as accessible name.
fn task_checkbox(done: bool, german: bool) -> &'static str {
    match (done, german) {
        (true, true) => r#"<input type="checkbox" checked disabled aria-label="erledigt"> "#,
        (false, true) => r#"<input type="checkbox" disabled aria-label="offen"> "#,
        (true, false) => r#"<input type="checkbox" checked disabled aria-label="done"> "#,
        (false, false) => r#"<input type="checkbox" disabled aria-label="open"> "#,
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
        let mut next = HashMap::new();
        assert_eq!(unique_id("a".into(), &taken, &mut next), "a-1");
        taken.insert("a-1".to_string());
        taken.insert("a-3".to_string());
        assert_eq!(unique_id("a".into(), &taken, &mut next), "a-2");
        taken.insert("a-2".to_string());
        assert_eq!(unique_id("a".into(), &taken, &mut next), "a-4");
    }

    #[test]
    fn line_index_counts_from_body_start() {
        let idx = LineIndex::new("a\nb\nc", 5);
        assert_eq!(idx.line(0), 5);
        assert_eq!(idx.line(2), 6);
        assert_eq!(idx.line(4), 7);
    }
}
