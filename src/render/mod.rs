//! Render stage: every [`Output`] of the site (pages, listings, feeds, sitemap, site-wide files,
//! static files) into a [`Sink`].
//!
//! Rendering an output is a pure function of the graph, the rendered Markdown, the theme and that
//! output, so any subset can be rendered again: [`Renderer::render_set`] is the one path `build`,
//! `check` and the preview take.

pub mod alternates;
pub mod assets;
pub mod context;
pub mod outputs;
mod site_files;
pub mod structured_data;
pub mod theme;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use serde_json::{Value, json};

use crate::config::Lang;
use crate::error::{Diagnostic, Diagnostics};
use crate::markdown::Rendered;
use crate::output::Sink;
use crate::search;
use crate::site::{NodeId, Site};
pub use assets::Assets;
pub use context::SharedViews;
pub use outputs::{Output, site_outputs};
pub use theme::Theme;

/// Content-Security-Policy of every generated page: nothing but the site's own files.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'";
/// The stylesheet of the search results, loaded by the search script when it opens.
pub const SEARCH_CSS: &str = "search.css";
/// The header version adds what a `<meta>` CSP cannot carry.
pub const CSP_HEADER: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// URL of the live-reload script (`serve` only; never in `build` output).
    pub live_reload: Option<String>,
}

/// Everything rendering needs, borrowed; cheap to create once the shared views are built.
pub struct Renderer<'a> {
    pub site: &'a Site,
    pub theme: &'a Theme,
    pub views: Arc<SharedViews>,
}

/// Where the pages' rendered Markdown comes from: the preview keeps every body in memory
/// ([`StoredBodies`]); the build renders each one on the way and keeps only its link facts.
pub trait Bodies: Sync {
    /// The rendered Markdown of node `id` and its problems; with an error the page is skipped.
    fn body(&self, id: NodeId) -> (Cow<'_, Rendered>, Diagnostics);
    /// Called once page `id` has been rendered with `body`.
    fn rendered(&self, _id: NodeId, _body: Cow<'_, Rendered>) {}
}

/// Bodies rendered before, by source path (the preview's [`Project::markdown`](crate::build::Project)).
pub struct StoredBodies<'a> {
    pub site: &'a Site,
    pub markdown: &'a HashMap<PathBuf, Rendered>,
}

impl Bodies for StoredBodies<'_> {
    fn body(&self, id: NodeId) -> (Cow<'_, Rendered>, Diagnostics) {
        let body = match self.markdown.get(&self.site.node(id).doc.source) {
            Some(r) => Cow::Borrowed(r),
            None => Cow::Owned(Rendered::default()),
        };
        (body, Diagnostics::new())
    }
}

/// Builds the views every page shares; they change only when metadata or structure changes.
pub fn shared_views(
    site: &Site,
    theme: &Theme,
    options: &RenderOptions,
) -> Result<SharedViews, Diagnostics> {
    let (menu, footer_menu) = resolve_menus(site)?;
    let live = options.live_reload.clone().unwrap_or_default();
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    let today = context::today(epoch.as_deref()).map_err(Diagnostics::from)?;
    Ok(SharedViews::new(
        site,
        &theme.i18n,
        CSP,
        &live,
        (&menu, &footer_menu),
        today,
    ))
}

impl<'a> Renderer<'a> {
    pub fn new(
        site: &'a Site,
        theme: &'a Theme,
        options: &RenderOptions,
    ) -> Result<Self, Diagnostics> {
        let views = Arc::new(shared_views(site, theme, options)?);
        Ok(Self::with_views(site, theme, views))
    }

    pub fn with_views(site: &'a Site, theme: &'a Theme, views: Arc<SharedViews>) -> Self {
        Renderer { site, theme, views }
    }

    /// The template a node renders with.
    pub fn node_template(&self, id: NodeId) -> String {
        let node = self.site.node(id);
        if let Some(t) = &node.doc.meta.template {
            return t.clone();
        }
        match (
            node.is_home(),
            node.is_section(),
            node.doc.meta.guide.is_some(),
        ) {
            (true, _, _) => "home.html",
            (_, true, _) => "section.html",
            (_, _, true) => "guide.html",
            _ => "page.html",
        }
        .to_string()
    }

    /// The template an output renders with, if it is rendered from one.
    pub fn output_template(&self, output: &Output) -> Option<String> {
        match output {
            Output::Page(id) => Some(self.node_template(*id)),
            Output::Taxonomy(_) => Some("taxonomy.html".into()),
            Output::Term(..) => Some("term.html".into()),
            Output::Chooser => Some("chooser.html".into()),
            Output::NotFound(_) | Output::RootNotFound => Some("404.html".into()),
            Output::Alias(..) => Some("alias.html".into()),
            Output::SearchPage(_) => Some("search.html".into()),
            _ => None,
        }
    }

    /// Whether `output`'s template is `template` or extends, includes or imports it.
    pub fn uses_template(&self, output: &Output, template: &str) -> bool {
        self.output_template(output)
            .is_some_and(|t| self.theme.template_family(&t).iter().any(|f| f == template))
    }

    /// Renders `set` into `sink`, in parallel. Problems are collected, a broken template once.
    /// The search index is built from every page of its language, so search outputs come last:
    /// from the texts of the pages rendered here, and the stored bodies of the others.
    pub fn render_set(&self, set: &[Output], bodies: &dyn Bodies, sink: &dyn Sink) -> Diagnostics {
        let tera = self.tera();
        let (indexed, rest): (Vec<&Output>, Vec<&Output>) =
            set.iter().partition(|o| o.needs_search_index());
        let texts = (!indexed.is_empty()).then(|| Mutex::new(HashMap::new()));
        let diags: Vec<Diagnostics> = rest
            .par_iter()
            .map(|output| self.render_one(tera, output, bodies, sink, texts.as_ref()))
            .collect();
        let mut all = Diagnostics::new();
        for d in diags {
            all.extend(d);
        }
        if let Some(texts) = texts {
            crate::build::timing("render: pages and files");
            let texts = texts.into_inner().unwrap_or_else(|p| p.into_inner());
            all.extend(self.render_search(&indexed, bodies, texts, sink));
            crate::build::timing("render: search index");
        }
        dedupe_template_errors(all)
    }

    /// Renders one output that is not built from the search index into `sink`; a page's text
    /// goes into `texts` on the way when the index is built too.
    fn render_one(
        &self,
        tera: &tera::Tera,
        output: &Output,
        bodies: &dyn Bodies,
        sink: &dyn Sink,
        texts: Option<&Mutex<HashMap<NodeId, search::PageText>>>,
    ) -> Diagnostics {
        let (bytes, mut diags) = match output {
            Output::Page(id) => {
                let (body, mut diags) = bodies.body(*id);
                if diags.has_errors() {
                    return diags;
                }
                let page = self.render_page(tera, *id, &body);
                if let Some(texts) = texts {
                    let text = search::page_text(&body.html);
                    texts
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .insert(*id, text);
                }
                bodies.rendered(*id, body);
                match page {
                    Ok(bytes) => (bytes, diags),
                    Err(d) => {
                        diags.push(d);
                        return diags;
                    }
                }
            }
            other => match self.render_output(tera, other) {
                Ok(bytes) => (bytes, Diagnostics::new()),
                Err(d) => return d.into(),
            },
        };
        let path = output.path(self.site);
        if let Err(e) = sink.put(&path, bytes) {
            diags.push(write_error(&path, &e));
        }
        diags
    }

    /// Builds the search index of each language in `set` and renders its files. Pages whose text
    /// is not in `texts` (not rendered in this set) are read from `bodies`.
    fn render_search(
        &self,
        set: &[&Output],
        bodies: &dyn Bodies,
        mut texts: HashMap<NodeId, search::PageText>,
        sink: &dyn Sink,
    ) -> Diagnostics {
        let langs: BTreeSet<&Lang> = set.iter().filter_map(|o| o.search_lang()).collect();
        let missing: Vec<NodeId> = langs
            .iter()
            .flat_map(|l| search::indexed_pages(self.site, l))
            .filter(|id| !texts.contains_key(id))
            .collect();
        let read: Vec<(NodeId, search::PageText)> = missing
            .par_iter()
            .filter_map(|&id| {
                let (body, diags) = bodies.body(id);
                // A page that does not render reports its own error; here it is left out.
                (!diags.has_errors()).then(|| (id, search::page_text(&body.html)))
            })
            .collect();
        texts.extend(read);
        let indexes: HashMap<&Lang, search::LangIndex> = langs
            .par_iter()
            .map(|l| (*l, search::build(self.site, l, &texts)))
            .collect();
        let diags: Vec<Diagnostics> = set
            .par_iter()
            .map(|output| {
                let Some(index) = output.search_lang().and_then(|l| indexes.get(l)) else {
                    return Diagnostics::new();
                };
                let bytes = match output {
                    Output::SearchMeta(lang) => self.search_meta(lang, index),
                    Output::SearchShard(_, i) => index.shards.get(*i).cloned(),
                    Output::SearchExcerpts(_, i) => index.excerpts.get(*i).cloned(),
                    _ => None,
                }
                .unwrap_or_default();
                let path = output.path(self.site);
                match sink.put(&path, bytes.into_bytes()) {
                    Ok(()) => Diagnostics::new(),
                    Err(e) => write_error(&path, &e).into(),
                }
            })
            .collect();
        let mut all = Diagnostics::new();
        for d in diags {
            all.extend(d);
        }
        all
    }

    /// `search/de/meta.json`: the index's layout and version, the other languages' indexes, the
    /// stylesheet of the results and the UI strings, so pages carry none of it.
    fn search_meta(&self, lang: &Lang, index: &search::LangIndex) -> Option<String> {
        let cfg = &self.site.config;
        let layout = search::layout(self.site, lang);
        let strings = self.theme.i18n.get(lang);
        let t = |key: &str| {
            strings
                .and_then(|s| s.get(key))
                .cloned()
                .unwrap_or_default()
        };
        let langs: Vec<Value> = cfg
            .langs()
            .map(|l| json!({"code": l, "name": cfg.language(l).name, "index": cfg.path_url(&format!("/{}/{l}/", search::SEARCH_DIR))}))
            .collect();
        let meta = json!({
            "v": index.version,
            "shards": layout.shards,
            "per": layout.pages_per_excerpt_file,
            "css": self.theme.assets.urls.get(SEARCH_CSS),
            "langs": langs,
            "t": {
                "label": t("search"),
                "one": t("search_result_one"),
                "many": t("search_result_many"),
                "none": t("search_none"),
                "other": t("search_other"),
                "all": t("search_all_pages"),
                "all_url": cfg.path_url(&search::page_url(lang)),
            },
        });
        Some(search::index::to_json(&meta))
    }

    /// The bytes of one output. A page rendered here has an empty body: pages get theirs in
    /// [`Renderer::render_set`].
    pub fn render_output(&self, tera: &tera::Tera, output: &Output) -> Result<Vec<u8>, Diagnostic> {
        // Outputs that are not documents: a template problem is reported for site.yaml.
        let template = self.output_template(output).unwrap_or_default();
        let html = |ctx: tera::Context| {
            self.render_template(tera, &template, ctx, Path::new(crate::config::CONFIG_FILE))
                .map(String::into_bytes)
        };
        let cfg = &self.site.config;
        match output {
            Output::Page(id) => self.render_page(tera, *id, &Rendered::default()),
            Output::Taxonomy(t) => html(self.taxonomy_context(*t)),
            Output::Term(t, i) => html(self.term_context(*t, *i)),
            Output::Feed(lang) => Ok(self.feed(lang).into_bytes()),
            Output::Sitemap => Ok(self.sitemap().into_bytes()),
            Output::Robots => Ok(self.robots().into_bytes()),
            Output::TdmRep => Ok(self.tdmrep().into_bytes()),
            Output::Headers => Ok(self.headers().into_bytes()),
            Output::Chooser => {
                let homes: Vec<(Lang, String, bool)> = cfg
                    .langs()
                    .map(|l| (l.clone(), format!("/{l}/"), true))
                    .collect();
                let url = output.url(self.site);
                html(self.base_context(&cfg.default_language, &url, output, &homes))
            }
            Output::NotFound(lang) => html(self.not_found_context(lang)),
            Output::RootNotFound => html(self.not_found_context(&cfg.default_language)),
            Output::Alias(_, target) => html(self.alias_context(output, *target)),
            Output::SearchPage(lang) => html(self.search_page_context(lang)),
            // Built from the index in `render_set`; alone, an output has no index to come from.
            Output::SearchMeta(_) | Output::SearchShard(..) | Output::SearchExcerpts(..) => {
                Ok(Vec::new())
            }
            Output::Static(path) => Ok(self
                .theme
                .assets
                .files
                .get(path)
                .cloned()
                .unwrap_or_default()),
            Output::Asset(path) => Ok(self
                .site
                .assets
                .bytes_at(path)
                .map(<[u8]>::to_vec)
                .unwrap_or_default()),
        }
    }

    /// Renders node `id` with its rendered Markdown `body`.
    fn render_page(
        &self,
        tera: &tera::Tera,
        id: NodeId,
        body: &Rendered,
    ) -> Result<Vec<u8>, Diagnostic> {
        let node = self.site.node(id);
        let template = self.node_template(id);
        if !self.theme.has_template(&template) {
            return Err(Diagnostic::error(
                node.doc.display_path(),
                format!("template `{template}` does not exist"),
            )
            .hint(format!(
                "create templates/{template} or themes/{}/templates/{template}",
                self.site.config.theme
            )));
        }
        let ctx = context::node_context(self.site, &self.views, body, id);
        let html = self.render_template(tera, &template, ctx, &node.doc.display_path())?;
        Ok(html.into_bytes())
    }

    pub fn render_template(
        &self,
        tera: &tera::Tera,
        template: &str,
        ctx: tera::Context,
        for_file: &Path,
    ) -> Result<String, Diagnostic> {
        tera.render(template, &ctx).map_err(|e| {
            let d = theme::template_error(&e, &self.theme.template_files);
            let hint = format!("while rendering {}", for_file.display());
            d.hint(hint)
        })
    }

    /// The theme's Tera instance, with its functions (`t`, `asset`, `date`) registered.
    pub fn tera(&self) -> &tera::Tera {
        &self.theme.tera
    }

    fn taxonomy_context(&self, t: usize) -> tera::Context {
        let tax = &self.site.taxonomies[t];
        let strings = self.theme.i18n.get(&tax.lang);
        let switcher = self.taxonomy_switcher(tax);
        let mut ctx = self.base_context(&tax.lang, &tax.url, &Output::Taxonomy(t), &switcher);
        let view = context::taxonomy_view(self.site, tax, strings);
        let title = view["title"].as_str().unwrap_or_default();
        let data = context::listing_structured_data(self.site, &tax.lang, &[(title, &tax.url)]);
        ctx.insert("structured_data", &data);
        ctx.insert("taxonomy", &view);
        ctx
    }

    fn term_context(&self, t: usize, i: usize) -> tera::Context {
        let tax = &self.site.taxonomies[t];
        let term = &tax.terms[i];
        let strings = self.theme.i18n.get(&tax.lang);
        // The same term in the other languages; where there is none, their list of terms.
        let switcher: Vec<(Lang, String, bool)> = self
            .site
            .taxonomies
            .iter()
            .filter(|x| x.name == tax.name)
            .map(
                |x| match x.terms.iter().find(|other| other.slug == term.slug) {
                    Some(other) => (x.lang.clone(), other.url.clone(), true),
                    None => (x.lang.clone(), x.url.clone(), false),
                },
            )
            .collect();
        let mut ctx = self.base_context(&tax.lang, &term.url, &Output::Term(t, i), &switcher);
        let view = context::taxonomy_view(self.site, tax, strings);
        let title = view["title"].as_str().unwrap_or_default();
        let trail = [
            (title, tax.url.as_str()),
            (term.name.as_str(), term.url.as_str()),
        ];
        let data = context::listing_structured_data(self.site, &tax.lang, &trail);
        ctx.insert("structured_data", &data);
        ctx.insert("taxonomy", &view);
        let mut term_view = tera::Map::new();
        term_view.insert("name".into(), term.name.as_str().into());
        term_view.insert("url".into(), self.site.config.path_url(&term.url).into());
        let pages: Vec<tera::Value> = term
            .pages
            .iter()
            .map(|&p| self.views.links[p].clone())
            .collect();
        term_view.insert("pages".into(), pages.as_slice().into());
        ctx.insert_value("term", tera::Value::from(term_view));
        ctx
    }

    fn not_found_context(&self, lang: &Lang) -> tera::Context {
        let switcher: Vec<(Lang, String, bool)> = self
            .site
            .config
            .langs()
            .map(|l| (l.clone(), Output::NotFound(l.clone()).url(self.site), true))
            .collect();
        let output = Output::NotFound(lang.clone());
        self.base_context(lang, &output.url(self.site), &output, &switcher)
    }

    /// The page of all pages of a language, by section: `search_groups` is a list of
    /// `{title, url, pages: [{title, url}]}`, the home's pages first, then each section's.
    fn search_page_context(&self, lang: &Lang) -> tera::Context {
        let cfg = &self.site.config;
        let switcher: Vec<(Lang, String, bool)> = cfg
            .langs()
            .map(|l| (l.clone(), search::page_url(l), true))
            .collect();
        let output = Output::SearchPage(lang.clone());
        let mut ctx = self.base_context(lang, &output.url(self.site), &output, &switcher);
        let mut groups = Vec::new();
        if let Some(&home) = self.site.homes.get(lang) {
            self.search_groups(home, &mut groups);
        }
        ctx.insert("search_groups", &groups);
        ctx
    }

    /// `section` and its pages, then each of its subsections the same way.
    fn search_groups(&self, section: NodeId, groups: &mut Vec<Value>) {
        let cfg = &self.site.config;
        let node = self.site.node(section);
        let link = |id: NodeId| {
            let n = self.site.node(id);
            json!({"title": n.title(), "url": cfg.path_url(&n.url)})
        };
        let pages: Vec<Value> = node.pages.iter().map(|&p| link(p)).collect();
        groups.push(json!({"title": node.title(), "url": cfg.path_url(&node.url), "pages": pages}));
        for &sub in &node.subsections {
            self.search_groups(sub, groups);
        }
    }

    fn alias_context(&self, output: &Output, target: NodeId) -> tera::Context {
        let node = self.site.node(target);
        let cfg = &self.site.config;
        let switcher = [(node.lang().clone(), node.url.clone(), true)];
        let mut ctx = self.base_context(node.lang(), &node.url, output, &switcher);
        ctx.insert(
            "alias",
            &json!({"target": cfg.path_url(&node.url), "permalink": cfg.permalink(&node.url)}),
        );
        ctx
    }

    /// The same taxonomy in every language.
    fn taxonomy_switcher(&self, tax: &crate::site::Taxonomy) -> Vec<(Lang, String, bool)> {
        self.site
            .taxonomies
            .iter()
            .filter(|t| t.name == tax.name)
            .map(|t| (t.lang.clone(), t.url.clone(), true))
            .collect()
    }

    /// Context for pages that are not documents (taxonomies, 404, chooser, aliases) at `url`.
    /// `switcher` lists the page's counterpart in each language, and whether it is the same
    /// thing there (else it is the nearest page that exists); `hreflang` versions come from
    /// [`alternates`], the one place that decides them.
    pub fn base_context(
        &self,
        lang: &Lang,
        url: &str,
        output: &Output,
        switcher: &[(Lang, String, bool)],
    ) -> tera::Context {
        let cfg = &self.site.config;
        let translations: Vec<Value> = switcher.iter().filter(|(l, _, _)| l != lang).map(|(l, u, exists)| json!({
            "lang": l, "lang_name": cfg.language(l).name, "url": cfg.path_url(u), "title": cfg.language(l).title, "exists": exists,
        })).collect();
        let (alternates, x_default) = context::alternates_view(self.site, output);
        let home = self.site.homes.get(lang).map(|&h| json!([{"title": self.site.node(h).title(), "url": cfg.path_url(&self.site.node(h).url)}])).unwrap_or(json!([]));
        let mut ctx = tera::Context::new();
        ctx.insert("lang", lang);
        ctx.insert_value(
            "site",
            self.views
                .site
                .get(lang)
                .cloned()
                .unwrap_or_else(tera::Value::none),
        );
        ctx.insert("page", &json!({"title": cfg.language(lang).title, "url": cfg.path_url(url), "permalink": cfg.permalink(url)}));
        ctx.insert_value("section", tera::Value::none());
        ctx.insert("translations", &translations);
        ctx.insert("alternates", &alternates);
        ctx.insert("x_default", &x_default);
        ctx.insert("breadcrumbs", &home);
        ctx.insert("structured_data", "");
        ctx.insert_value("prev", tera::Value::none());
        ctx.insert_value("next", tera::Value::none());
        ctx.insert_value(
            "site_taxonomies",
            self.views
                .taxonomies
                .get(lang)
                .cloned()
                .unwrap_or_else(tera::Value::none),
        );
        ctx
    }
}

pub(crate) mod functions;

/// Menu entries of every language with their `@/…` references resolved to URLs.
/// Menu entries per language, `(name, url)` with `@/…` references resolved.
pub type Menu = HashMap<Lang, Vec<(String, String)>>;

/// The main menu and the footer menu of every language.
fn resolve_menus(site: &Site) -> Result<(Menu, Menu), Diagnostics> {
    let main = resolve_menu(site, |l| &l.menu);
    let footer = resolve_menu(site, |l| &l.footer_menu);
    match (main, footer) {
        (Ok(main), Ok(footer)) => Ok((main, footer)),
        (main, footer) => {
            let mut diags = Diagnostics::new();
            diags.extend(main.err().unwrap_or_default());
            diags.extend(footer.err().unwrap_or_default());
            Err(diags)
        }
    }
}

fn resolve_menu(
    site: &Site,
    entries_of: impl Fn(&crate::config::LanguageConfig) -> &Vec<crate::config::MenuEntry>,
) -> Result<Menu, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut menus = HashMap::new();
    let text = &site.config.source_text;
    for (lang, cfg) in &site.config.languages {
        let mut entries = Vec::new();
        for entry in entries_of(cfg) {
            let url = match crate::site::links::classify(&entry.url) {
                crate::site::links::LinkKind::Internal {
                    path,
                    content_root: true,
                    ..
                } => match crate::site::links::resolve(site, Path::new(""), lang, path, true) {
                    Ok(id) => site.config.path_url(&site.node(id).url),
                    Err(reason) => {
                        diags.push(Diagnostic::error("site.yaml", format!("menu entry `{}`: {reason}", entry.name))
                                .at_line(crate::config::key_line(text, &entry.name))
                                .hint("menu URLs are `@/section/_index.md`, `@/page.md` or a path like `/de/`"));
                        continue;
                    }
                },
                crate::site::links::LinkKind::External => entry.url.clone(),
                _ if entry.url.starts_with('/') => site.config.path_url(&entry.url),
                _ => {
                    diags.push(Diagnostic::error("site.yaml", format!("menu entry `{}` has URL `{}`, which is neither `@/…`, `/…` nor https://", entry.name, entry.url))
                        .hint("use `@/guides/_index.md` to link a section"));
                    continue;
                }
            };
            entries.push((entry.name.clone(), url));
        }
        menus.insert(lang.clone(), entries);
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(menus)
    }
}

/// A write that failed, as a diagnostic (the sink is a staging directory: nothing is lost).
pub fn write_error(path: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(path, format!("cannot write: {e}")).hint("check the disk space and permissions of the output directory; the previous output is untouched")
}

/// A broken template fails on every page that uses it; report it once, naming how many pages.
pub fn dedupe_template_errors(diags: Diagnostics) -> Diagnostics {
    let mut seen: BTreeMap<(PathBuf, Option<usize>, String), (Diagnostic, usize)> = BTreeMap::new();
    let mut rest = Diagnostics::new();
    for d in diags.0 {
        if d.hint
            .as_deref()
            .is_some_and(|h| h.starts_with("while rendering"))
        {
            let key = (d.file.clone(), d.line, d.message.clone());
            seen.entry(key)
                .and_modify(|(_, n)| *n += 1)
                .or_insert((d, 1));
        } else {
            rest.push(d);
        }
    }
    for (_, (mut d, n)) in seen {
        if n > 1 {
            d.hint = d.hint.map(|h| format!("{h} (and {} more pages)", n - 1));
        }
        rest.push(d);
    }
    rest
}
