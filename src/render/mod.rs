//! Render stage: templates, listings, feeds, sitemap and the site-wide files, as a set of outputs.
//!
//! Rendering a page is a pure function of the graph, the rendered Markdown, the theme and that
//! page, so any subset of pages can be re-rendered; [`Renderer::node_template`] and
//! [`Renderer::template_users`] tell the preview which outputs a change touches.

pub mod assets;
pub mod context;
mod site_files;
pub mod theme;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{Value, json};

use crate::config::Lang;
use crate::error::{Diagnostic, Diagnostics};
use crate::markdown::Rendered;
use crate::output::Outputs;
use crate::site::{NodeId, Site};
pub use assets::Assets;
pub use context::SharedViews;
pub use theme::Theme;

/// Content-Security-Policy of every generated page: nothing but the site's own files.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'";
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
    pub assets: &'a Assets,
    pub markdown: &'a HashMap<PathBuf, Rendered>,
    pub views: Arc<SharedViews>,
}

/// Builds the views every page shares; they change only when metadata or structure changes.
pub fn shared_views(
    site: &Site,
    theme: &Theme,
    options: &RenderOptions,
) -> Result<SharedViews, Diagnostics> {
    let (menu, footer_menu) = resolve_menus(site)?;
    let live = options.live_reload.clone().unwrap_or_default();
    Ok(SharedViews::new(
        site,
        &theme.i18n,
        CSP,
        &live,
        (&menu, &footer_menu),
    ))
}

impl<'a> Renderer<'a> {
    pub fn new(
        site: &'a Site,
        theme: &'a Theme,
        assets: &'a Assets,
        markdown: &'a HashMap<PathBuf, Rendered>,
        options: &RenderOptions,
    ) -> Result<Self, Diagnostics> {
        let views = Arc::new(shared_views(site, theme, options)?);
        Ok(Self::with_views(site, theme, assets, markdown, views))
    }

    pub fn with_views(
        site: &'a Site,
        theme: &'a Theme,
        assets: &'a Assets,
        markdown: &'a HashMap<PathBuf, Rendered>,
        views: Arc<SharedViews>,
    ) -> Self {
        Renderer {
            site,
            theme,
            assets,
            markdown,
            views,
        }
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

    /// Nodes whose template (or a template it extends or includes) is `template`.
    pub fn template_users(&self, template: &str) -> Vec<NodeId> {
        (0..self.site.nodes.len())
            .filter(|&id| {
                self.theme
                    .template_family(&self.node_template(id))
                    .iter()
                    .any(|t| t == template)
            })
            .collect()
    }

    /// Renders the given nodes in parallel; errors are collected, one per template problem.
    pub fn render_nodes(
        &self,
        tera: &tera::Tera,
        ids: &[NodeId],
    ) -> (Vec<(String, Vec<u8>)>, Diagnostics) {
        let results: Vec<Result<(String, Vec<u8>), Diagnostic>> = ids
            .par_iter()
            .map(|&id| self.render_node(tera, id))
            .collect();
        collect_results(results)
    }

    pub fn render_node(
        &self,
        tera: &tera::Tera,
        id: NodeId,
    ) -> Result<(String, Vec<u8>), Diagnostic> {
        let empty = Rendered::default();
        let body = self
            .markdown
            .get(&self.site.node(id).doc.source)
            .unwrap_or(&empty);
        self.render_node_with(tera, id, body)
    }

    /// Renders node `id` with its rendered Markdown `body` (the streaming build holds no map).
    pub fn render_node_with(
        &self,
        tera: &tera::Tera,
        id: NodeId,
        body: &Rendered,
    ) -> Result<(String, Vec<u8>), Diagnostic> {
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
        Ok((output_path(&node.url), html.into_bytes()))
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

    /// Every output of the site.
    pub fn render_all(&self) -> (Outputs, Diagnostics) {
        let tera = self.tera();
        let ids: Vec<NodeId> = (0..self.site.nodes.len()).collect();
        let (pages, mut diags) = self.render_nodes(tera, &ids);
        let mut outputs = Outputs::default();
        for (path, bytes) in pages {
            outputs.insert(path, bytes);
        }
        let (rest, d) = self.render_site_wide(tera);
        diags.extend(d);
        outputs.extend(rest);
        (outputs, dedupe_template_errors(diags))
    }

    /// Everything that is not a page: taxonomy listings, site files and static assets.
    pub fn render_site_wide(&self, tera: &tera::Tera) -> (Outputs, Diagnostics) {
        let (mut outputs, mut diags) = self.render_taxonomies(tera);
        let (files, d) = self.render_site_files(tera);
        diags.extend(d);
        outputs.extend(files);
        for (path, bytes) in &self.assets.files {
            outputs.insert(path.clone(), bytes.clone());
        }
        (outputs, diags)
    }

    /// Term lists and term pages of every taxonomy.
    pub fn render_taxonomies(&self, tera: &tera::Tera) -> (Outputs, Diagnostics) {
        let all: Vec<(usize, usize)> = self
            .site
            .taxonomies
            .iter()
            .enumerate()
            .flat_map(|(t, tax)| (0..tax.terms.len()).map(move |i| (t, i)))
            .collect();
        let (mut outputs, mut diags) = self.render_terms(tera, &all);
        for tax in &self.site.taxonomies {
            let strings = self.theme.i18n.get(&tax.lang);
            let mut ctx = self.base_context(&tax.lang, &tax.url, self.taxonomy_translations(tax));
            ctx.insert("taxonomy", &context::taxonomy_view(self.site, tax, strings));
            match self.render_template(tera, "taxonomy.html", ctx, Path::new("site.yaml")) {
                Ok(html) => outputs.insert(output_path(&tax.url), html.into_bytes()),
                Err(d) => diags.push(d),
            }
        }
        (outputs, diags)
    }

    /// The pages of the given terms, as (taxonomy index, term index) pairs.
    pub fn render_terms(
        &self,
        tera: &tera::Tera,
        terms: &[(usize, usize)],
    ) -> (Outputs, Diagnostics) {
        let mut outputs = Outputs::default();
        let mut diags = Diagnostics::new();
        for &(t, i) in terms {
            let tax = &self.site.taxonomies[t];
            let term = &tax.terms[i];
            let strings = self.theme.i18n.get(&tax.lang);
            let mut ctx = self.base_context(&tax.lang, &term.url, self.taxonomy_translations(tax));
            ctx.insert("taxonomy", &context::taxonomy_view(self.site, tax, strings));
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
            match self.render_template(tera, "term.html", ctx, Path::new("site.yaml")) {
                Ok(html) => outputs.insert(output_path(&term.url), html.into_bytes()),
                Err(d) => diags.push(d),
            }
        }
        (outputs, diags)
    }

    /// (taxonomy index, term index) of every term that lists one of `ids`.
    pub fn terms_listing(&self, ids: &[NodeId]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (t, tax) in self.site.taxonomies.iter().enumerate() {
            for (i, term) in tax.terms.iter().enumerate() {
                if term.pages.iter().any(|p| ids.contains(p)) {
                    out.push((t, i));
                }
            }
        }
        out
    }

    fn taxonomy_translations(&self, tax: &crate::site::Taxonomy) -> Vec<(Lang, String)> {
        self.site
            .taxonomies
            .iter()
            .filter(|t| t.name == tax.name)
            .map(|t| (t.lang.clone(), t.url.clone()))
            .collect()
    }

    /// Context for pages that are not documents (taxonomies, 404, chooser, aliases).
    /// `versions` are the root-relative URLs of this page in each language.
    pub fn base_context(
        &self,
        lang: &Lang,
        url: &str,
        versions: Vec<(Lang, String)>,
    ) -> tera::Context {
        let cfg = &self.site.config;
        let translations: Vec<Value> = versions.iter().filter(|(l, _)| l != lang).map(|(l, u)| json!({
            "lang": l, "lang_name": cfg.language(l).name, "url": cfg.path_url(u), "title": cfg.language(l).title, "exists": true,
        })).collect();
        let alternates: Vec<Value> = versions
            .iter()
            .map(|(l, u)| json!({"lang": l, "permalink": cfg.permalink(u)}))
            .collect();
        let x_default = versions
            .iter()
            .find(|(l, _)| *l == cfg.default_language)
            .map(|(_, u)| json!(cfg.permalink(u)))
            .unwrap_or(Value::Null);
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

/// `/de/anleitungen/` → `de/anleitungen/index.html`; `/de/alt.html` stays a file.
pub fn output_path(url: &str) -> String {
    let trimmed = url.trim_start_matches('/');
    if trimmed.is_empty() {
        "index.html".into()
    } else if trimmed.ends_with(".html") {
        trimmed.to_string()
    } else {
        format!(
            "{}index.html",
            if trimmed.ends_with('/') {
                trimmed.to_string()
            } else {
                format!("{trimmed}/")
            }
        )
    }
}

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

fn collect_results(
    results: Vec<Result<(String, Vec<u8>), Diagnostic>>,
) -> (Vec<(String, Vec<u8>)>, Diagnostics) {
    let mut out = Vec::with_capacity(results.len());
    let mut diags = Diagnostics::new();
    for r in results {
        match r {
            Ok(x) => out.push(x),
            Err(d) => diags.push(d),
        }
    }
    (out, diags)
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
