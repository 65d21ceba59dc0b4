//! Site stage: the graph of all documents — URLs, sections, translations, order, taxonomies.
//!
//! The graph is cheap to rebuild from the documents (no Markdown is rendered here), so the preview
//! server keeps the documents in memory and re-links them after every change; everything derived
//! (URLs, listings, neighbours) is recomputed in one pass and stays consistent with a full build.

pub mod assets;
pub mod links;
mod taxonomy;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;

use crate::config::{Config, Lang};
use crate::content::{DocKey, DocKind, Document};
use crate::error::{Diagnostic, Diagnostics};
pub use assets::{AssetIndex, MEDIA_DIR, PublishedAsset};
pub use taxonomy::{Taxonomy, Term};

/// Index of a node in [`Site::nodes`]. Valid only for the graph it came from: caches that outlive
/// a re-link key by source path instead.
pub type NodeId = usize;

/// A page or section (or home page) in the graph.
#[derive(Debug, Clone)]
pub struct Node {
    pub doc: Document,
    /// Root-relative URL without base path, always ending in `/`: `/de/anleitungen/facebook/`.
    pub url: String,
    /// The section this node belongs to (for a section: its parent); `None` for home pages.
    pub parent: Option<NodeId>,
    /// Sections only: their pages in reading order (weight, then title).
    pub pages: Vec<NodeId>,
    /// Sections only: their direct subsections in reading order.
    pub subsections: Vec<NodeId>,
    /// The same document in the other languages, in configuration order.
    pub translations: Vec<NodeId>,
    /// Home page first, down to the parent.
    pub ancestors: Vec<NodeId>,
    pub prev: Option<NodeId>,
    pub next: Option<NodeId>,
}

impl Node {
    pub fn is_section(&self) -> bool {
        self.doc.kind == DocKind::Section
    }
    pub fn is_home(&self) -> bool {
        self.is_section() && self.doc.key.dir.is_empty()
    }
    pub fn lang(&self) -> &Lang {
        &self.doc.lang
    }
    pub fn title(&self) -> &str {
        &self.doc.meta.title
    }
}

#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    /// Sorted by source path, so ids and every listing are reproducible.
    pub nodes: Vec<Node>,
    pub homes: IndexMap<Lang, NodeId>,
    pub by_source: HashMap<PathBuf, NodeId>,
    pub by_key: HashMap<(DocKey, Lang), NodeId>,
    /// Per language, in configuration order.
    pub taxonomies: Vec<Taxonomy>,
    /// Each node's position in reading order (weight, then title, then source path): computed once
    /// per link, so sorting a listing compares two integers.
    rank: Vec<usize>,
    /// Files the site publishes as they are (`static/` of the site and the theme), as paths
    /// without a leading `/` (`vorlage.pdf`): links to them are checked like links to pages.
    pub static_files: std::collections::BTreeSet<String>,
    /// Files beside the pages (screenshots, PDFs), published under `media/`.
    pub assets: AssetIndex,
    /// Sizes of the images among [`Site::static_files`], by the same path: a page that shows
    /// one with `<img src="/bilder/x.png">` gets its `width` and `height` too.
    pub static_image_sizes: HashMap<String, crate::content::ImageSize>,
    /// Every URL of the site, built on first use by the link checker; reset when URLs change.
    pub(crate) url_index: std::sync::OnceLock<links::UrlIndex>,
}

impl Site {
    /// Builds the graph. Problems that make a URL ambiguous or a page unreachable are errors.
    pub fn new(config: Config, mut docs: Vec<Document>) -> Result<Site, Diagnostics> {
        docs.sort_by(|a, b| a.source.cmp(&b.source));
        let nodes = docs.into_iter().map(blank_node).collect();
        let mut site = Site {
            config,
            nodes,
            homes: IndexMap::new(),
            by_source: HashMap::new(),
            by_key: HashMap::new(),
            taxonomies: Vec::new(),
            rank: Vec::new(),
            static_files: Default::default(),
            assets: AssetIndex::default(),
            static_image_sizes: HashMap::new(),
            url_index: Default::default(),
        };
        site.link()?;
        Ok(site)
    }

    /// Replaces, adds (`Some` for a new source) or removes (`None`) documents and re-links once,
    /// so a change that is only consistent as a whole (a section moved with its pages) works.
    /// On error the graph is left as it was, so the preview keeps serving the last good site.
    pub fn apply(
        &mut self,
        changes: Vec<(PathBuf, Option<Document>)>,
    ) -> Result<GraphChange, Diagnostics> {
        if let Some(kind) = self.apply_in_place(&changes) {
            return Ok(kind);
        }
        let changed: std::collections::HashSet<PathBuf> =
            changes.iter().map(|(s, _)| s.clone()).collect();
        let (removed, mut kept): (Vec<Node>, Vec<Node>) = std::mem::take(&mut self.nodes)
            .into_iter()
            .partition(|n| changed.contains(&n.doc.source));
        kept.extend(changes.into_iter().filter_map(|(_, d)| d).map(blank_node));
        kept.sort_by(|a, b| a.doc.source.cmp(&b.doc.source));
        self.nodes = kept;
        match self.link() {
            Ok(()) => Ok(GraphChange::Structure),
            Err(e) => {
                let mut restored: Vec<Node> = std::mem::take(&mut self.nodes)
                    .into_iter()
                    .filter(|n| !changed.contains(&n.doc.source))
                    .collect();
                restored.extend(removed);
                restored.sort_by(|a, b| a.doc.source.cmp(&b.doc.source));
                self.nodes = restored;
                // The previous state linked before, so it links again.
                let _ = self.link();
                Err(e)
            }
        }
    }

    /// Edits that leave every URL, section and tag as it was replace the documents where they
    /// are: nothing to re-link (a body edit) or only the reading order (a new title or weight).
    /// That is what keeps a save in the preview in the millisecond range on a large site.
    fn apply_in_place(&mut self, changes: &[(PathBuf, Option<Document>)]) -> Option<GraphChange> {
        let positions = self.in_place_positions(changes)?;
        let mut kind = GraphChange::None;
        for (&i, (_, doc)) in positions.iter().zip(changes) {
            let Some(doc) = doc else { continue };
            let old = &self.nodes[i].doc.meta;
            if old.title != doc.meta.title || old.weight != doc.meta.weight {
                kind = GraphChange::Order;
            }
            self.nodes[i].doc = doc.clone();
        }
        if kind == GraphChange::Order {
            self.rank_nodes();
            self.order_children();
            let rank = &self.rank;
            for tax in &mut self.taxonomies {
                for term in &mut tax.terms {
                    term.pages.sort_by_key(|&p| rank[p]);
                }
            }
        }
        Some(kind)
    }

    /// Whether [`Site::apply`] can take these changes without re-linking the graph.
    pub fn applies_in_place(&self, changes: &[(PathBuf, Option<Document>)]) -> bool {
        self.in_place_positions(changes).is_some()
    }

    fn in_place_positions(&self, changes: &[(PathBuf, Option<Document>)]) -> Option<Vec<usize>> {
        let mut positions = Vec::with_capacity(changes.len());
        for (source, doc) in changes {
            let doc = doc.as_ref()?;
            let i = self
                .nodes
                .binary_search_by(|n| n.doc.source.as_path().cmp(source))
                .ok()?;
            let (old, new) = (&self.nodes[i].doc.meta, &doc.meta);
            let same_place = old.slug == new.slug
                && old.tags == new.tags
                && old.aliases == new.aliases
                && old.draft == new.draft;
            if !same_place {
                return None;
            }
            positions.push(i);
        }
        Some(positions)
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    pub fn find(&self, key: &DocKey, lang: &Lang) -> Option<NodeId> {
        self.by_key.get(&(key.clone(), lang.clone())).copied()
    }

    fn link(&mut self) -> Result<(), Diagnostics> {
        self.url_index = Default::default();
        let mut diags = Diagnostics::new();
        self.index(&mut diags);
        self.attach_parents(&mut diags);
        if diags.has_errors() {
            return Err(diags.sorted());
        }
        self.compute_urls();
        self.rank_nodes();
        self.order_children();
        self.taxonomies = taxonomy::collect(self, &mut diags);
        self.check_url_collisions(&mut diags);
        if diags.has_errors() {
            Err(diags.sorted())
        } else {
            Ok(())
        }
    }

    fn index(&mut self, diags: &mut Diagnostics) {
        self.by_source.clear();
        self.by_key.clear();
        self.homes.clear();
        for (id, node) in self.nodes.iter().enumerate() {
            self.by_source.insert(node.doc.source.clone(), id);
            self.by_key
                .insert((node.doc.key.clone(), node.doc.lang.clone()), id);
            if node.is_home() {
                self.homes.insert(node.doc.lang.clone(), id);
            }
        }
        let langs: Vec<Lang> = self.config.langs().cloned().collect();
        for lang in &langs {
            if !self.homes.contains_key(lang) {
                diags.push(
                    Diagnostic::error(
                        Path::new("content").join(format!("_index.{lang}.md")),
                        format!("the home page for `{lang}` is missing"),
                    )
                    .hint(format!(
                        "create content/_index.{lang}.md with `title:` in its front matter"
                    )),
                );
            }
        }
        self.homes.sort_by(|a, _, b, _| {
            let pos = |l: &Lang| langs.iter().position(|x| x == l);
            pos(a).cmp(&pos(b))
        });
        for id in 0..self.nodes.len() {
            let node = &self.nodes[id];
            let translations = langs
                .iter()
                .filter(|l| *l != node.lang())
                .filter_map(|l| self.by_key.get(&(node.doc.key.clone(), l.clone())).copied())
                .collect();
            self.nodes[id].translations = translations;
        }
    }

    fn attach_parents(&mut self, diags: &mut Diagnostics) {
        for id in 0..self.nodes.len() {
            self.nodes[id].parent = None;
            let node = &self.nodes[id];
            let Some(parent_key) = node.doc.key.parent_section() else {
                continue;
            };
            match self.find(&parent_key, node.lang()) {
                Some(p) => self.nodes[id].parent = Some(p),
                None => diags.push(Diagnostic::error(node.doc.display_path(), format!(
                    "no section for this {}: {} is missing",
                    if node.is_section() { "section" } else { "page" },
                    Path::new("content").join(parent_key.source_path(node.lang())).display()))
                    .hint("every directory needs an _index.<lang>.md per language with at least a `title`")),
            }
        }
        for id in 0..self.nodes.len() {
            let mut ancestors = Vec::new();
            let mut cur = self.nodes[id].parent;
            while let Some(p) = cur {
                if ancestors.len() > 64 {
                    break;
                }
                ancestors.push(p);
                cur = self.nodes[p].parent;
            }
            ancestors.reverse();
            self.nodes[id].ancestors = ancestors;
        }
    }

    fn compute_urls(&mut self) {
        // Parents come before children once sorted by depth.
        let mut order: Vec<NodeId> = (0..self.nodes.len()).collect();
        order.sort_by_key(|&id| self.nodes[id].ancestors.len());
        for id in order {
            let node = &self.nodes[id];
            let url = match node.parent {
                None => format!("/{}/", node.lang()),
                Some(p) => {
                    let last = if node.is_section() {
                        node.doc.key.dir.rsplit('/').next().unwrap_or("")
                    } else {
                        node.doc.key.name.as_str()
                    };
                    let slug = node
                        .doc
                        .meta
                        .slug
                        .clone()
                        .unwrap_or_else(|| crate::slug::slugify(last));
                    let slug = if slug.is_empty() {
                        "page".to_string()
                    } else {
                        slug
                    };
                    format!("{}{}/", self.nodes[p].url, slug)
                }
            };
            self.nodes[id].url = url;
        }
    }

    fn order_children(&mut self) {
        for node in &mut self.nodes {
            node.pages.clear();
            node.subsections.clear();
            node.prev = None;
            node.next = None;
        }
        for id in 0..self.nodes.len() {
            if let Some(p) = self.nodes[id].parent {
                if self.nodes[id].is_section() {
                    self.nodes[p].subsections.push(id);
                } else {
                    self.nodes[p].pages.push(id);
                }
            }
        }
        for p in 0..self.nodes.len() {
            let mut pages = std::mem::take(&mut self.nodes[p].pages);
            pages.sort_by(|&a, &b| self.reading_order(a, b));
            let mut subsections = std::mem::take(&mut self.nodes[p].subsections);
            subsections.sort_by(|&a, &b| self.reading_order(a, b));
            for (i, &id) in pages.iter().enumerate() {
                self.nodes[id].prev = i.checked_sub(1).map(|j| pages[j]);
                self.nodes[id].next = pages.get(i + 1).copied();
            }
            self.nodes[p].pages = pages;
            self.nodes[p].subsections = subsections;
        }
    }

    /// Weight ascending, then title (case-insensitive), then source path: total and stable.
    pub fn reading_order(&self, a: NodeId, b: NodeId) -> std::cmp::Ordering {
        self.rank[a].cmp(&self.rank[b])
    }

    fn rank_nodes(&mut self) {
        // Nodes are sorted by source path, so the id breaks ties by path.
        let mut order: Vec<(i64, String, NodeId)> = self
            .nodes
            .iter()
            .enumerate()
            .map(|(id, n)| (n.doc.meta.weight, n.doc.meta.title.to_lowercase(), id))
            .collect();
        order.sort_unstable();
        let mut rank = vec![0; self.nodes.len()];
        for (position, (_, _, id)) in order.into_iter().enumerate() {
            rank[id] = position;
        }
        self.rank = rank;
    }

    fn check_url_collisions(&self, diags: &mut Diagnostics) {
        let mut seen: HashMap<String, PathBuf> = HashMap::new();
        let mut claim = |url: &str, owner: PathBuf, diags: &mut Diagnostics| {
            if let Some(first) = seen.get(url) {
                diags.push(
                    Diagnostic::error(
                        &owner,
                        format!("URL {url} is also produced by {}", first.display()),
                    )
                    .hint("give one of them a different `slug`"),
                );
            }
            // First owner wins so the message names the earlier file (sorted by path).
            seen.entry(url.to_string()).or_insert(owner);
        };
        for node in &self.nodes {
            claim(&node.url, node.doc.display_path(), diags);
        }
        for tax in &self.taxonomies {
            claim(&tax.url, PathBuf::from("site.yaml"), diags);
        }
        for node in &self.nodes {
            for alias in &node.doc.meta.aliases {
                let alias = normalize_alias(alias);
                claim_alias(&seen, &alias, node, diags);
            }
        }
    }

    /// Every alias with the node it redirects to.
    pub fn aliases(&self) -> Vec<(String, NodeId)> {
        let mut out: Vec<(String, NodeId)> = self
            .nodes
            .iter()
            .enumerate()
            .flat_map(|(id, n)| {
                n.doc
                    .meta
                    .aliases
                    .iter()
                    .map(move |a| (normalize_alias(a), id))
            })
            .collect();
        out.sort();
        out.dedup_by(|a, b| a.0 == b.0);
        out
    }

    /// Where a missing translation's link goes: the nearest ancestor section that exists in `lang`.
    pub fn fallback_in(&self, id: NodeId, lang: &Lang) -> NodeId {
        let node = &self.nodes[id];
        let mut key = node.doc.key.parent_section();
        while let Some(k) = key {
            if let Some(found) = self.find(&k, lang) {
                return found;
            }
            key = k.parent_section();
        }
        self.homes.get(lang).copied().unwrap_or(id)
    }
}

/// What an update did to the graph, so the preview knows what to re-render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphChange {
    /// Same URLs, order and tags: only the changed documents' own data differs.
    None,
    /// Same URLs and tags, but a title or weight changed: listings may be in a new order.
    Order,
    /// URLs, sections, tags or aliases changed: everything was re-linked.
    Structure,
}

fn blank_node(doc: Document) -> Node {
    Node {
        doc,
        url: String::new(),
        parent: None,
        pages: Vec::new(),
        subsections: Vec::new(),
        translations: Vec::new(),
        ancestors: Vec::new(),
        prev: None,
        next: None,
    }
}

fn claim_alias(seen: &HashMap<String, PathBuf>, alias: &str, node: &Node, diags: &mut Diagnostics) {
    if let Some(owner) = seen.get(alias) {
        diags.push(
            Diagnostic::error(
                node.doc.display_path(),
                format!("alias {alias} is already the URL of {}", owner.display()),
            )
            .hint("remove the alias; a redirect would hide that page"),
        );
    }
}

/// `/de/alt` → `/de/alt/`; aliases ending in `.html` are kept as files.
pub fn normalize_alias(alias: &str) -> String {
    if alias.ends_with('/') || alias.ends_with(".html") {
        alias.to_string()
    } else {
        format!("{alias}/")
    }
}
