//! Search: a static index per language that the site's own script queries in the browser, with
//! nothing sent anywhere.
//!
//! Built here, an output of the render stage like the feeds: [`extract`] reads each rendered
//! body into sections (one per heading), [`words`] reduces their words to what is indexed (folded,
//! stemmed, German compounds split into their parts) and [`index`] writes the shards and excerpt
//! files. `themes/default/static/search.js` (a loader of a few hundred bytes on every page) imports
//! `search-engine.js` on first use, which folds the query as [`words::fold`] does and looks it
//! up. Without JavaScript, the search box is a link to [`page_url`], a list of every page.
//!
//! Why not Pagefind: see the README ("Search").

pub mod extract;
pub mod index;
pub mod words;

use std::collections::HashMap;
use std::path::Path;

use crate::config::Lang;
use crate::error::{Diagnostic, Diagnostics};
use crate::site::{NodeId, Site};
pub use extract::{PageText, page_text};
pub use index::{LangIndex, Layout};

/// Where the index files go, under the output directory: `search/de/s12.json`.
pub const SEARCH_DIR: &str = "search";
/// The file name of the page that lists every page of a language (`/de/search.html`). A page's
/// URL is a directory (`/de/suche/`), so only an alias can take this one: that is an error.
pub const SEARCH_PAGE: &str = "search.html";

/// `/de/search.html`: the page the search box links to without JavaScript.
pub fn page_url(lang: &Lang) -> String {
    format!("/{lang}/{SEARCH_PAGE}")
}

/// `search/de/meta.json`: what the client reads first (file layout, version, UI strings).
pub fn meta_path(lang: &Lang) -> String {
    format!("{SEARCH_DIR}/{lang}/meta.json")
}

/// `search/de/s12.json`.
pub fn shard_path(lang: &Lang, shard: usize) -> String {
    format!("{SEARCH_DIR}/{lang}/s{shard}.json")
}

/// `search/de/e3.json`.
pub fn excerpt_path(lang: &Lang, file: usize) -> String {
    format!("{SEARCH_DIR}/{lang}/e{file}.json")
}

/// The pages of a language in the order of the index (entry numbers count in it).
pub fn indexed_pages(site: &Site, lang: &Lang) -> Vec<NodeId> {
    (0..site.nodes.len())
        .filter(|&id| site.node(id).lang() == lang)
        .collect()
}

/// How a language's index is cut into files.
pub fn layout(site: &Site, lang: &Lang) -> Layout {
    Layout::for_pages(site.nodes.iter().filter(|n| n.lang() == lang).count())
}

/// Builds the index of `lang` from the pages' texts (a page missing from `texts` is indexed by
/// its title and description only).
pub fn build(site: &Site, lang: &Lang, texts: &HashMap<NodeId, PageText>) -> LangIndex {
    let ids = indexed_pages(site, lang);
    let empty = PageText::default();
    let pages: Vec<index::IndexedPage<'_>> = ids
        .iter()
        .map(|&id| {
            let node = site.node(id);
            let section = node
                .parent
                .filter(|&p| !site.node(p).is_home())
                .map_or("", |p| site.node(p).title());
            let boost = if node.doc.meta.guide.is_some() {
                1.5
            } else if node.is_section() {
                0.7
            } else {
                1.0
            };
            index::IndexedPage {
                title: node.title(),
                description: node.doc.meta.description.as_deref().unwrap_or_default(),
                section,
                url: site.config.path_url(&node.url),
                boost,
                text: texts.get(&id).unwrap_or(&empty),
            }
        })
        .collect();
    index::build(
        &pages,
        &words::Analyzer::for_lang(lang.as_str()),
        layout(site, lang),
    )
}

/// An alias at a language's search page, or a static file under `search/`, would be replaced
/// by the search outputs: both are errors.
pub fn check_paths(site: &Site) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for (alias, target) in site.aliases() {
        if site.config.langs().any(|l| page_url(l) == alias) {
            diags.push(
                Diagnostic::error(
                    site.node(target).doc.display_path(),
                    format!("alias {alias} is the address of the search page"),
                )
                .hint("choose another alias: every language's search.html lists its pages"),
            );
        }
    }
    let prefix = format!("{SEARCH_DIR}/");
    for file in &site.static_files {
        if file.starts_with(&prefix) {
            diags.push(
                Diagnostic::error(
                    Path::new(crate::layout::SITE_STATIC).join(file),
                    format!("{file} is where the search index is published"),
                )
                .hint(format!(
                    "`{SEARCH_DIR}/` is for the search index: move the static file"
                )),
            );
        }
    }
    diags
}
