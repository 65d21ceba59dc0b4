//! Everything the site writes, as values.
//!
//! [`site_outputs`] lists every [`Output`] of a site; [`Output::path`] says where it goes and
//! [`Renderer::render_output`](super::Renderer::render_output) makes its bytes. `build`, `check`,
//! the preview's first build and its incremental updates all render a set of these into a
//! [`Sink`](crate::output::Sink), so a file name is written down once, here.

use crate::config::Lang;
use crate::render::Assets;
use crate::search;
use crate::site::{NodeId, Site};

/// One file of the built site.
///
/// Where do I add a new output? Add a variant here, its file in [`Output::path`], its line in
/// [`site_outputs`], its renderer in `Renderer::render_output` (`render/mod.rs`, and its template
/// in `Renderer::output_template` if it has one), and the changes that touch it in
/// `rebuild::affected`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Output {
    /// A page, section or home page: `de/anleitungen/facebook/index.html`.
    Page(NodeId),
    /// The list of every term of a taxonomy in one language (index into `Site::taxonomies`):
    /// `de/themen/index.html`.
    Taxonomy(usize),
    /// The pages of one term, as (taxonomy index, term index): `de/themen/meta/index.html`.
    Term(usize, usize),
    /// The Atom feed of a language: `de/atom.xml`.
    Feed(Lang),
    /// `sitemap.xml`, every page with its language versions.
    Sitemap,
    /// `robots.txt`, with the AI crawlers of `ai_policy.disallow_crawlers`.
    Robots,
    /// `.well-known/tdmrep.json` (W3C TDM Reservation Protocol), with `ai_policy.tdm_reservation`.
    TdmRep,
    /// `_headers`: security and cache headers for Netlify and Cloudflare Pages.
    Headers,
    /// `index.html`, the language chooser.
    Chooser,
    /// `de/404.html`, the not-found page of a language.
    NotFound(Lang),
    /// `404.html`, the default language's not-found page where hosts look for it.
    RootNotFound,
    /// A redirect page for an `aliases` entry: (alias URL, the node it redirects to).
    Alias(String, NodeId),
    /// A file from `static/` under its output path (CSS and JS fingerprinted).
    Static(String),
    /// A file beside the pages (`content/guides/formular.de.png`) under its output path,
    /// `media/formular.de.3f2a1c9e4b.png`: published once, however many pages show it.
    Asset(String),
    /// The page listing every page of a language, where the search box leads without
    /// JavaScript: `de/search.html`.
    SearchPage(Lang),
    /// What the search client reads first about a language's index (file layout, version, UI
    /// strings): `search/de/meta.json`.
    SearchMeta(Lang),
    /// One shard of a language's search index (words, stems, scored entries):
    /// `search/de/s12.json`.
    SearchShard(Lang, usize),
    /// The excerpts of a few pages of a language, shown with search results: `search/de/e3.json`.
    SearchExcerpts(Lang, usize),
}

/// File name of the feed in each language's directory.
pub const FEED_FILE: &str = "atom.xml";
/// File name of the not-found page, at the root and in each language's directory.
pub const NOT_FOUND_FILE: &str = "404.html";
/// The headers file hosts read (and the preview applies).
pub const HEADERS_FILE: &str = "_headers";

impl Output {
    /// Where the output is written, relative to the output directory, `/`-separated.
    pub fn path(&self, site: &Site) -> String {
        match self {
            Output::Page(_)
            | Output::Taxonomy(_)
            | Output::Term(..)
            | Output::Alias(..)
            | Output::SearchPage(_) => page_path(&self.url(site)),
            Output::Feed(lang) => format!("{lang}/{FEED_FILE}"),
            Output::Sitemap => "sitemap.xml".into(),
            Output::Robots => "robots.txt".into(),
            Output::TdmRep => ".well-known/tdmrep.json".into(),
            Output::Headers => HEADERS_FILE.into(),
            Output::Chooser => page_path("/"),
            Output::NotFound(lang) => format!("{lang}/{NOT_FOUND_FILE}"),
            Output::RootNotFound => NOT_FOUND_FILE.into(),
            Output::Static(path) | Output::Asset(path) => path.clone(),
            Output::SearchMeta(lang) => search::meta_path(lang),
            Output::SearchShard(lang, i) => search::shard_path(lang, *i),
            Output::SearchExcerpts(lang, i) => search::excerpt_path(lang, *i),
        }
    }

    /// The root-relative URL (without base path) the output is reached at: `/de/anleitungen/`
    /// for pages, `/de/atom.xml` for files.
    pub fn url(&self, site: &Site) -> String {
        match self {
            Output::Page(id) => site.node(*id).url.clone(),
            Output::Taxonomy(t) => site.taxonomies[*t].url.clone(),
            Output::Term(t, i) => site.taxonomies[*t].terms[*i].url.clone(),
            Output::Alias(alias, _) => alias.clone(),
            Output::Chooser => "/".into(),
            Output::SearchPage(lang) => search::page_url(lang),
            _ => format!("/{}", self.path(site)),
        }
    }

    /// A page of a language (as opposed to a site-wide file); the preview counts them.
    pub fn is_page(&self) -> bool {
        matches!(self, Output::Page(_))
    }

    /// Rendered from the search index, which is built from every page of its language.
    pub fn needs_search_index(&self) -> bool {
        matches!(
            self,
            Output::SearchMeta(_) | Output::SearchShard(..) | Output::SearchExcerpts(..)
        )
    }

    /// The language of a search output.
    pub fn search_lang(&self) -> Option<&Lang> {
        match self {
            Output::SearchPage(l)
            | Output::SearchMeta(l)
            | Output::SearchShard(l, _)
            | Output::SearchExcerpts(l, _) => Some(l),
            _ => None,
        }
    }
}

/// The search outputs of a language: its page of all pages, the index's meta file, shards and
/// excerpt files.
pub fn search_outputs(site: &Site, lang: &Lang) -> Vec<Output> {
    let layout = search::layout(site, lang);
    let mut out = vec![
        Output::SearchPage(lang.clone()),
        Output::SearchMeta(lang.clone()),
    ];
    out.extend((0..layout.shards).map(|i| Output::SearchShard(lang.clone(), i)));
    out.extend((0..layout.excerpt_files).map(|i| Output::SearchExcerpts(lang.clone(), i)));
    out
}

/// Every output of the site, pages first.
pub fn site_outputs(site: &Site, assets: &Assets) -> Vec<Output> {
    let mut out: Vec<Output> = (0..site.nodes.len()).map(Output::Page).collect();
    for (t, tax) in site.taxonomies.iter().enumerate() {
        out.push(Output::Taxonomy(t));
        out.extend((0..tax.terms.len()).map(|i| Output::Term(t, i)));
    }
    out.extend(site.config.langs().cloned().map(Output::Feed));
    out.extend([Output::Sitemap, Output::Robots]);
    if site.config.ai_policy.tdm_reservation {
        out.push(Output::TdmRep);
    }
    out.extend([Output::Headers, Output::Chooser, Output::RootNotFound]);
    out.extend(site.config.langs().cloned().map(Output::NotFound));
    out.extend(
        site.aliases()
            .into_iter()
            .map(|(alias, target)| Output::Alias(alias, target)),
    );
    out.extend(assets.files.keys().cloned().map(Output::Static));
    out.extend(site.assets.paths().cloned().map(Output::Asset));
    for lang in site.config.langs() {
        out.extend(search_outputs(site, lang));
    }
    out
}

/// `/de/anleitungen/` → `de/anleitungen/index.html`; `/de/alt.html` stays a file.
pub fn page_path(url: &str) -> String {
    let trimmed = url.trim_start_matches('/');
    if trimmed.is_empty() {
        "index.html".into()
    } else if trimmed.ends_with(".html") {
        trimmed.to_string()
    } else if trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        format!("{trimmed}/index.html")
    }
}
