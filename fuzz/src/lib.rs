//! The fuzz harness: one function per target, each feeding arbitrary bytes to one stage of the
//! pipeline and panicking when an invariant breaks. The cargo-fuzz targets in `fuzz_targets/` call
//! these functions; `tests/fuzz_regressions.rs` includes this file as a module and runs every
//! crashing input found so far and the seed corpus through the same functions on stable Rust.
//!
//! Invariants, beyond "does not panic":
//! - the same input gives the same bytes (every stage is run twice, on fresh values, so a
//!   `HashMap`'s random order would show);
//! - rendered HTML of any input that builds has no live `<script>`, event-handler attribute or
//!   `javascript:`/`vbscript:`/`data:` URL, and no element that embeds or submits: checked by
//!   parsing it with html5ever's tree builder, as a browser would;
//! - a URL the URL policy accepts has an allowed scheme by the WHATWG URL parser too;
//! - slugs are lowercase ASCII words joined by `-` (so never `/`, `..` or control characters),
//!   heading ids have no `/`, `.` or control characters;
//! - every diagnostic points into the file it names.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use html5ever::tendril::TendrilSink;
use markup5ever_rcdom::{Handle, NodeData, RcDom};
use optout::config::{Config, Lang};
use optout::content::{self, Asset, DocKey, ImageSize, LoadOptions};
use optout::error::Diagnostics;
use optout::markdown::{self, Highlighter, Rendered};
use optout::site::Site;

/// Splits a fuzz input in two texts at the first `0xFF` byte, which never occurs in UTF-8: the
/// mutator can change both halves and the border. `None` when a half is not UTF-8.
fn two_texts(data: &[u8]) -> Option<(&str, Option<&str>)> {
    match data.iter().position(|&b| b == 0xFF) {
        Some(i) => Some((
            std::str::from_utf8(&data[..i]).ok()?,
            Some(std::str::from_utf8(&data[i + 1..]).ok()?),
        )),
        None => Some((std::str::from_utf8(data).ok()?, None)),
    }
}

const SITE_YAML: &str = "base_url: https://example.org/sub/
default_language: de
languages:
  de: {name: Deutsch, title: Testseite}
  en: {name: English, title: Test site}
taxonomies: [{name: tags}]
";

static CONFIG: LazyLock<Config> =
    LazyLock::new(|| Config::parse(SITE_YAML).expect("the harness's site.yaml is valid"));

fn key_of(rel: &str) -> (DocKey, Lang) {
    let (dir, file) = rel.rsplit_once('/').unwrap_or(("", rel));
    let mut parts = file.rsplitn(3, '.');
    let (_md, lang, name) = (parts.next(), parts.next(), parts.next());
    let key = DocKey {
        dir: dir.to_string(),
        name: name.unwrap_or_default().to_string(),
    };
    (key, Lang(lang.unwrap_or_default().to_string()))
}

/// `content::parse_document` for a file at `rel`, as `build` loads it.
fn parse(
    rel: &str,
    text: &str,
    neutral: Option<&str>,
) -> Result<(content::Document, Diagnostics), Diagnostics> {
    let (key, lang) = key_of(rel);
    content::parse_document(
        &CONFIG,
        Path::new(rel),
        &key,
        &lang,
        text,
        neutral,
        LoadOptions::default(),
    )
}

/// Every diagnostic names a line that exists in the file it names (or the line after the last,
/// where a missing end is reported).
#[track_caller]
fn located_in(diags: &Diagnostics, files: &[(&str, &str)]) {
    for d in &diags.0 {
        let Some(line) = d.line else { continue };
        let file = d.file.to_string_lossy();
        let Some((_, text)) = files.iter().find(|(name, _)| file.ends_with(name)) else {
            continue;
        };
        let lines = text.split('\n').count();
        assert!(
            line >= 1 && line <= lines + 1,
            "{file}:{line}: beyond the file's {lines} lines: {}",
            d.message
        );
        if let Some(column) = d.column {
            assert!(column >= 1, "{file}:{line}:{column}: column 0");
        }
    }
}

fn result_text<T: std::fmt::Debug>(r: &Result<T, Diagnostics>) -> String {
    format!("{r:?}")
}

/// Front matter splitting and typed metadata of one `.md` file.
pub fn front_matter(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let first = parse("guides/seite.de.md", text, None);
    assert_eq!(
        result_text(&first),
        result_text(&parse("guides/seite.de.md", text, None))
    );
    match &first {
        Ok((doc, notes)) => {
            located_in(notes, &[("seite.de.md", text)]);
            if let Some(slug) = &doc.meta.slug {
                assert_slug(slug);
            }
            // The body is the end of the file, and its first line is where the file says.
            let start = text.len() - doc.body.len();
            assert!(text.ends_with(&doc.body));
            let line = text[..start].matches('\n').count() + 1;
            // A lone `\r` ends no line for the splitter; counting `\n` is the file's own view.
            assert!(
                doc.body.is_empty() || doc.body_line == line,
                "body_line {} but the body starts on line {line}",
                doc.body_line
            );
        }
        Err(diags) => {
            assert!(diags.has_errors(), "an Err without an error");
            located_in(diags, &[("seite.de.md", text)]);
        }
    }
}

/// The `.yaml` merge: a Markdown file (before the first `0xFF`) with its language-neutral
/// `.yaml` (after it).
pub fn metadata_merge(data: &[u8]) {
    let Some((md, yaml)) = two_texts(data) else {
        return;
    };
    let yaml = yaml.unwrap_or("");
    let first = parse("guides/seite.de.md", md, Some(yaml));
    assert_eq!(
        result_text(&first),
        result_text(&parse("guides/seite.de.md", md, Some(yaml)))
    );
    let files = [("seite.de.md", md), ("seite.yaml", yaml)];
    match &first {
        Ok((doc, notes)) => {
            located_in(notes, &files);
            if let Some(slug) = &doc.meta.slug {
                assert_slug(slug);
            }
        }
        Err(diags) => {
            assert!(diags.has_errors(), "an Err without an error");
            located_in(diags, &files);
        }
    }
}

/// site.yaml.
pub fn site_config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let first = Config::parse(text);
    assert_eq!(result_text(&first), result_text(&Config::parse(text)));
    match &first {
        Ok(config) => {
            assert!(config.base_url.ends_with('/'), "{}", config.base_url);
            assert!(
                config.base_path.starts_with('/') && config.base_path.ends_with('/'),
                "{}",
                config.base_path
            );
            assert_eq!(
                config.langs().next(),
                Some(&config.default_language),
                "the default language comes first"
            );
            for lang in config.langs() {
                assert!(
                    !lang.as_str().is_empty()
                        && lang.as_str().bytes().all(|b| b.is_ascii_lowercase()),
                    "language code {lang:?}"
                );
            }
        }
        Err(diags) => {
            assert!(diags.has_errors(), "an Err without an error");
            located_in(diags, &[("site.yaml", text)]);
        }
    }
}

/// The page every fuzzed body may link to: headings, a custom id, an id in raw HTML.
const TARGET_PAGE: &str =
    "---\ntitle: Ziel\n---\n## Überblick\n\n## Schritte {#schritte}\n\n<span id=\"roh\"></span>\n";

/// A one-pixel PNG's header: enough for the asset index and the image size.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x08\x08\x02\0\0\0";

/// A site around the fuzzed body: two homes, a target page, an image beside the pages and a
/// static file, so that every link form of the README resolves somewhere.
fn site_with(body_page: &str, raw_html_escape: bool) -> Option<Site> {
    let mut config = CONFIG.clone();
    if raw_html_escape {
        config.markdown.raw_html = optout::config::RawHtml::Escape;
    }
    let docs = [
        ("_index.de.md", "---\ntitle: Start\n---\n"),
        ("_index.en.md", "---\ntitle: Home\n---\n"),
        (
            "guides/_index.de.md",
            "---\ntitle: Anleitungen\nslug: anleitungen\n---\n",
        ),
        ("guides/ziel.de.md", TARGET_PAGE),
        ("guides/seite.de.md", body_page),
    ];
    let mut loaded = Vec::new();
    for (rel, text) in docs {
        let (doc, _) = parse(rel, text, None).ok()?;
        loaded.push(doc);
    }
    let mut site = Site::new(config, loaded).ok()?;
    site.static_files.insert("vorlage.pdf".into());
    site.assets = optout::site::assets::AssetIndex::new(vec![Asset {
        source: PathBuf::from("guides/bild.png"),
        bytes: Arc::from(PNG),
        size: Some(ImageSize {
            width: 16,
            height: 8,
        }),
    }]);
    Some(site)
}

fn render_all(site: &Site) -> (HashMap<PathBuf, Rendered>, Diagnostics) {
    let highlighter = Highlighter::new();
    let mut rendered = HashMap::new();
    let mut diags = Diagnostics::new();
    for (id, node) in site.nodes.iter().enumerate() {
        let (r, d) = markdown::render(site, id, &highlighter);
        diags.extend(d);
        rendered.insert(node.doc.source.clone(), r);
    }
    diags.extend(optout::build::check_anchor_links(&rendered));
    (rendered, diags)
}

/// The fuzzed body rendered on its page of [`site_with`]: the HTML and every diagnostic of the
/// site (anchor links included). `None` if the site around it does not build.
pub fn render_page(body: &str, raw_html_escape: bool) -> Option<(Rendered, Diagnostics)> {
    let page = format!("---\ntitle: Fuzz\n---\n{body}");
    let site = site_with(&page, raw_html_escape)?;
    let (mut rendered, diags) = render_all(&site);
    Some((rendered.remove(Path::new("guides/seite.de.md"))?, diags))
}

/// Markdown rendering with link and anchor resolution. The first byte chooses the raw HTML
/// policy (`safe` or `escape`); the rest is the body of a page with a valid front matter.
pub fn markdown(data: &[u8]) {
    let Some((&flags, body)) = data.split_first() else {
        return;
    };
    let Ok(body) = std::str::from_utf8(body) else {
        return;
    };
    let escape = flags & 1 == 1;
    let (rendered, diags) = render_page(body, escape).expect("the harness's site builds");
    // A fresh site and highlighter: nothing may depend on hash order or on what ran before.
    let (again, diags_again) = render_page(body, escape).expect("the harness's site builds");
    assert_eq!(
        rendered.html, again.html,
        "the same body rendered to different HTML"
    );
    assert_eq!(
        format!("{:?}", diags.clone().sorted()),
        format!("{:?}", diags_again.sorted())
    );
    let page = format!("---\ntitle: Fuzz\n---\n{body}");
    located_in(&diags, &[("seite.de.md", &page)]);
    for entry in flatten_toc(&rendered.toc) {
        // `{#custom}` ids are the editor's (`{#v1.2}` is fine); they may not hide characters.
        if entry.id.chars().any(char::is_control) {
            assert!(diags.has_errors(), "heading id {:?} passed", entry.id);
        }
    }
    if escape || !diags.has_errors() {
        // With `escape` nothing the editor wrote becomes a tag, errors or not.
        assert_no_live_code(&rendered.html);
    }
}

fn flatten_toc(toc: &[markdown::TocEntry]) -> Vec<&markdown::TocEntry> {
    let mut out = Vec::new();
    let mut stack: Vec<&markdown::TocEntry> = toc.iter().rev().collect();
    while let Some(e) = stack.pop() {
        out.push(e);
        stack.extend(e.children.iter().rev());
    }
    out
}

/// The HTML sanitizer: raw HTML through the policy (`clean_raw_html`) and through the last line
/// of defence (`defend`).
pub fn sanitize(data: &[u8]) {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let mut urls = Vec::new();
    let clean =
        markdown::sanitize::clean_raw_html(src, &mut |_: &str, _: &str, value: &str, _: usize| {
            urls.push(value.to_string());
            None
        });
    for (offset, _) in &clean.refusals {
        assert!(
            *offset <= src.len() && src.is_char_boundary(*offset),
            "refusal offset {offset} is not a character boundary"
        );
    }
    for url in &urls {
        assert_allowed_by_browser(url);
    }
    if clean.refusals.is_empty() {
        assert_no_live_code(&clean.html);
        // Written out from parsed tokens: reading it again gives the same HTML.
        let again = markdown::sanitize::clean_raw_html(
            &clean.html,
            &mut |_: &str, _: &str, _: &str, _: usize| None,
        );
        assert!(again.refusals.is_empty(), "{:?}", again.refusals);
    }
    let defended = markdown::sanitize::defend(src);
    assert_no_live_code(&defended);
    assert_eq!(defended, markdown::sanitize::defend(src));
    let svg = markdown::sanitize::check_svg(src);
    if svg.refusals.is_empty() {
        // An SVG published as a file must not run code when opened on its own either.
        assert_no_live_code_in_svg(src);
    }
}

/// The URL policy against the WHATWG URL parser: what `check_url` accepts has an allowed scheme
/// (or none) however the browser reads it.
pub fn url_policy(data: &[u8]) {
    let Ok(url) = std::str::from_utf8(data) else {
        return;
    };
    let verdict = markdown::sanitize::check_url(url);
    assert_eq!(verdict, markdown::sanitize::check_url(url));
    if verdict.is_ok() {
        assert_allowed_by_browser(url);
    }
    // The classification the link checker starts from must not panic either.
    let _ = optout::site::links::classify_on(url, Some("https://example.org/sub/"));
    let _ = optout::site::links::join_url("/de/anleitungen/seite/", url);
}

/// `slugify` and `heading_id`.
pub fn slug(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let slug = optout::slug::slugify(text);
    assert_slug(&slug);
    assert_eq!(optout::slug::slugify(&slug), slug, "slugify is idempotent");
    assert_eq!(slug, optout::slug::slugify(text));
    let id = optout::slug::heading_id(text);
    assert_heading_id(&id, text);
    assert_eq!(id, optout::slug::heading_id(text));
}

/// Image size reading: the first byte picks the file name's extension, the rest is the file.
pub fn image_size(data: &[u8]) {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    const NAMES: [&str; 8] = [
        "a.png", "a.jpg", "a.jpeg", "a.gif", "a.webp", "a.avif", "a.svg", "a.pdf",
    ];
    let name = Path::new(NAMES[pick as usize % NAMES.len()]);
    let size = content::assets::image_size(name, bytes);
    assert_eq!(size, content::assets::image_size(name, bytes));
}

/// A slug is empty or lowercase ASCII words joined by single `-`: no `/`, `.`, control
/// characters or anything else a path or URL would read.
#[track_caller]
pub fn assert_slug(slug: &str) {
    assert!(
        slug.split('-').all(|w| !w.is_empty()
            && w.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
            || slug.is_empty(),
        "not a slug: {slug:?}"
    );
}

#[track_caller]
fn assert_heading_id(id: &str, title: &str) {
    assert!(
        !id.chars()
            .any(|c| c == '/' || c == '.' || c.is_control() || c.is_whitespace()),
        "heading id {id:?} of {title:?}"
    );
}

/// What would run code, embed a document or submit data in `html` (a page body), found with a
/// real HTML parser: the body is parsed in a page's `<main>`, as the templates place it.
pub fn live_code(html: &str) -> Vec<String> {
    live_code_in_document(&format!(
        "<!DOCTYPE html><html><head><title>x</title></head><body><main>{html}</main></body></html>"
    ))
}

/// [`live_code`] of a whole document, as a browser opens a file: a tag cut off by the end of
/// the file is no tag.
fn live_code_in_document(page: &str) -> Vec<String> {
    let dom = html5ever::parse_document(RcDom::default(), Default::default()).one(page);
    let mut found = Vec::new();
    let mut stack: Vec<Handle> = vec![dom.document.clone()];
    while let Some(node) = stack.pop() {
        if let NodeData::Element {
            name,
            attrs,
            template_contents,
            ..
        } = &node.data
        {
            let element = name.local.to_ascii_lowercase();
            if matches!(
                element.as_str(),
                "script"
                    | "iframe"
                    | "frame"
                    | "frameset"
                    | "object"
                    | "embed"
                    | "applet"
                    | "base"
                    | "meta"
                    | "link"
                    | "style"
                    | "form"
                    | "portal"
                    | "svg"
                    | "math"
                    | "foreignobject"
            ) {
                found.push(format!("<{element}>"));
            }
            let attrs = attrs.borrow();
            let attr = |wanted: &str| {
                attrs
                    .iter()
                    .find(|a| (*a.name.local).eq_ignore_ascii_case(wanted))
                    .map(|a| a.value.to_string())
            };
            // SVG animation can set an `href` to a `javascript:` URL after any check of the
            // attribute itself: `<set attributeName="href" to="javascript:…">`.
            let animates_href = attr("attributename")
                .is_some_and(|a| a.to_ascii_lowercase().trim().ends_with("href"));
            for attr in attrs.iter() {
                let attr_name = attr.name.local.to_ascii_lowercase();
                if attr_name.starts_with("on") {
                    found.push(format!("<{element} {attr_name}>"));
                }
                let url_valued = is_url_attribute(&attr_name)
                    || animates_href && matches!(attr_name.as_str(), "to" | "from" | "values");
                // `values` of an animation is a `;`-separated list; every other value is one URL.
                let mut urls = attr
                    .value
                    .split(if &*attr_name == "values" { ';' } else { '\0' });
                if url_valued && urls.any(runs_code) {
                    found.push(format!("<{element} {attr_name}={:?}>", &*attr.value));
                }
            }
            if let Some(t) = template_contents.borrow().as_ref() {
                stack.push(t.clone());
            }
        }
        stack.extend(node.children.borrow().iter().cloned());
    }
    found
}

fn is_url_attribute(name: &str) -> bool {
    matches!(
        name,
        "href"
            | "src"
            | "action"
            | "formaction"
            | "data"
            | "poster"
            | "background"
            | "cite"
            | "srcset"
            | "ping"
            | "manifest"
            | "codebase"
            | "longdesc"
            | "lowsrc"
            | "dynsrc"
            | "xlink:href"
    )
}

/// Whether a browser would run or embed the URL: a `javascript:`, `vbscript:` or `data:` scheme
/// as the WHATWG URL parser reads it (leading spaces and control characters stripped, tabs and
/// newlines removed, case ignored).
fn runs_code(url: &str) -> bool {
    scheme_of(url).is_some_and(|s| matches!(s.as_str(), "javascript" | "vbscript" | "data"))
}

fn scheme_of(url: &str) -> Option<String> {
    ammonia::url::Url::parse(url)
        .ok()
        .map(|u| u.scheme().to_string())
}

#[track_caller]
fn assert_allowed_by_browser(url: &str) {
    if let Some(scheme) = scheme_of(url) {
        assert!(
            optout::markdown::sanitize::URL_SCHEMES.contains(&scheme.as_str()),
            "the URL policy passed {url:?}, a `{scheme}:` URL to a browser"
        );
    }
}

#[track_caller]
pub fn assert_no_live_code(html: &str) {
    let found = live_code(html);
    assert!(found.is_empty(), "live code {found:?} in {html:?}");
}

/// An SVG the asset check passed: no script, handler or `javascript:` link when a browser opens
/// it as a document. Parsed as HTML with the SVG inline, which reads the same elements and
/// attributes as the XML parser for what matters here.
fn assert_no_live_code_in_svg(src: &str) {
    let found: Vec<String> = live_code_in_document(src)
        .into_iter()
        // In an SVG file (XML) every element is an SVG one: an HTML element name means nothing
        // there. What runs is script, handlers, script URLs and HTML inside `<foreignObject>`.
        .filter(|f| {
            !matches!(
                f.as_str(),
                "<svg>"
                    | "<math>"
                    | "<style>"
                    | "<link>"
                    | "<form>"
                    | "<meta>"
                    | "<base>"
                    | "<portal>"
                    | "<frame>"
                    | "<frameset>"
                    | "<applet>"
            )
        })
        .collect();
    assert!(
        found.is_empty(),
        "the SVG check passed {found:?} in {src:?}"
    );
}
