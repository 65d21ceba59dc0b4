//! Incremental rebuilds for the preview: the [`Project`] and its outputs stay in memory, and a
//! change to some files re-runs only the stages and re-renders only the outputs it touches.
//!
//! The same stage functions as `build` do the work; this module only decides what to re-run:
//!
//! | change | re-rendered |
//! | --- | --- |
//! | a page's body | that page |
//! | a page's metadata (title, weight, tags, …) | the page, its translations, its section and siblings, taxonomy pages, feeds, sitemap; every page when tags change and a template shows all tags |
//! | a URL (slug, add, remove, rename, draft, aliases) or a section's metadata | every output; Markdown only where a link target moved |
//! | a template | the pages whose template uses it, the listings and site files |
//! | a stylesheet or script | everything (fingerprints change); the browser swaps stylesheets |
//! | UI strings, `site.yaml` | everything (`site.yaml` reloads the whole project) |

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::build::{BuildOptions, Project, render_markdown, timing};
use crate::config::CONFIG_FILE;
use crate::content::{self, CONTENT_DIR, Document, LoadOptions, SourceKind};
use crate::error::{Diagnostic, Diagnostics};
use crate::output::Outputs;
use crate::render::theme::SITE_TEMPLATES;
use crate::render::{Renderer, SharedViews, Theme, shared_views};
use crate::site::{GraphChange, NodeId};

/// What an update changed in the outputs, for the live-reload messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSummary {
    /// Output paths whose bytes changed or that are new.
    pub changed: Vec<String>,
    /// Output paths that no longer exist.
    pub removed: Vec<String>,
    /// Only stylesheets changed at the source: the browser can swap them without a reload.
    pub css_only: bool,
    /// How many pages were rendered again (for the terminal).
    pub rendered_pages: usize,
}

/// A site kept in memory: the project (every stage's result) and the rendered outputs.
pub struct Preview {
    pub project: Project,
    pub outputs: Outputs,
    views: Arc<SharedViews>,
    /// A previous update failed half-way: the next one renders everything.
    dirty: bool,
}

/// Which stages a set of changed files touches.
#[derive(Debug, Default)]
struct Plan {
    config: bool,
    templates: Vec<String>,
    i18n: bool,
    statics: bool,
    css_only: bool,
    /// Markdown sources (content-relative) to reload.
    documents: Vec<PathBuf>,
}

impl Preview {
    pub fn new(options: BuildOptions) -> Result<Preview, Diagnostics> {
        let project = Project::load(options)?;
        let views = Arc::new(shared_views(
            &project.site,
            &project.theme,
            &project.options.render,
        )?);
        let outputs = {
            let renderer = Renderer::with_views(
                &project.site,
                &project.theme,
                &project.theme.assets,
                &project.markdown,
                views.clone(),
            );
            let (outputs, diags) = renderer.render_all();
            if diags.has_errors() {
                return Err(diags.sorted());
            }
            outputs
        };
        Ok(Preview {
            project,
            outputs,
            views,
            dirty: false,
        })
    }

    pub fn root(&self) -> &Path {
        &self.project.options.root
    }

    /// Applies changed files (created, modified or deleted; paths relative to the root or absolute
    /// below it). On error the previous outputs stay and keep being served.
    pub fn apply(&mut self, changed: &[PathBuf]) -> Result<ChangeSummary, Diagnostics> {
        let plan = self.plan(changed);
        if plan.config {
            let fresh = Preview::new(self.project.options.clone())?;
            let mut summary = diff(&self.outputs, &fresh.outputs);
            summary.rendered_pages = fresh.project.site.nodes.len();
            *self = fresh;
            return Ok(summary);
        }
        let mut full = self.dirty;
        let mut nodes: HashSet<NodeId> = HashSet::new();
        // Theme changes re-render every listing and site file; metadata edits only some.
        let mut site_files = false;
        let mut listings = Listings::default();
        if !plan.templates.is_empty() || plan.i18n || plan.statics {
            let root = self.root().to_path_buf();
            let theme = Theme::load(&root, &self.project.config)?;
            // Pages link to static files and are checked against them: a file added or removed
            // re-checks every page, as a site.yaml change does.
            if !theme
                .static_files
                .keys()
                .eq(self.project.theme.static_files.keys())
            {
                let fresh = Preview::new(self.project.options.clone())?;
                let mut summary = diff(&self.outputs, &fresh.outputs);
                summary.rendered_pages = fresh.project.site.nodes.len();
                *self = fresh;
                return Ok(summary);
            }
            full |= plan.i18n || theme.assets.urls != self.project.theme.assets.urls;
            self.project.theme = theme;
            site_files = true;
        }
        if !plan.documents.is_empty() {
            match self.apply_documents(&plan.documents)? {
                DocChange::Structure => full = true,
                DocChange::Nodes(ids, touched) => {
                    nodes.extend(ids);
                    listings = touched;
                }
            }
        }
        if full {
            // After a failed update the views may predate the graph: rebuild them with everything.
            self.views = Arc::new(shared_views(
                &self.project.site,
                &self.project.theme,
                &self.project.options.render,
            )?);
        }
        timing("apply: graph, markdown, views");
        let renderer = Renderer::with_views(
            &self.project.site,
            &self.project.theme,
            &self.project.theme.assets,
            &self.project.markdown,
            self.views.clone(),
        );
        for template in &plan.templates {
            nodes.extend(renderer.template_users(template));
        }
        let (fresh, rendered_pages, diags) = if full {
            let (outputs, diags) = renderer.render_all();
            (outputs, self.project.site.nodes.len(), diags)
        } else {
            let tera = renderer.tera();
            let mut ids: Vec<NodeId> = nodes.into_iter().collect();
            ids.sort_unstable();
            let (pages, mut diags) = renderer.render_nodes(tera, &ids);
            let mut outputs = Outputs::default();
            for (path, bytes) in pages {
                outputs.insert(path, bytes);
            }
            if site_files {
                let (rest, d) = renderer.render_site_wide(tera);
                diags.extend(d);
                outputs.extend(rest);
            } else {
                let (terms, d) =
                    renderer.render_terms(tera, &renderer.terms_listing(&listings.terms_of));
                diags.extend(d);
                outputs.extend(terms);
                if listings.feeds {
                    for lang in self.project.config.langs() {
                        outputs
                            .insert(format!("{lang}/atom.xml"), renderer.feed(lang).into_bytes());
                    }
                }
                if listings.sitemap {
                    outputs.insert("sitemap.xml".into(), renderer.sitemap().into_bytes());
                }
            }
            (
                outputs,
                ids.len(),
                crate::render::dedupe_template_errors(diags),
            )
        };
        timing("apply: render");
        // Which files exist changes only with the structure or the theme (listings, assets).
        let expected = (full || site_files).then(|| renderer.output_paths());
        if diags.has_errors() {
            self.dirty = true;
            return Err(diags.sorted());
        }
        let mut summary = if full {
            let s = diff(&self.outputs, &fresh);
            self.outputs = fresh;
            s
        } else {
            let mut s = self.merge(fresh);
            // Files that no longer exist (an old fingerprinted stylesheet) disappear.
            let stale: Vec<String> = match &expected {
                Some(expected) => self
                    .outputs
                    .files
                    .keys()
                    .filter(|k| !expected.contains(*k))
                    .cloned()
                    .collect(),
                None => Vec::new(),
            };
            for path in stale {
                self.outputs.files.remove(&path);
                s.removed.push(path);
            }
            s
        };
        self.dirty = false;
        timing("apply: merge");
        summary.css_only = plan.css_only && !summary.changed.is_empty();
        summary.rendered_pages = rendered_pages;
        Ok(summary)
    }

    /// Replaces the given outputs; files no longer produced (a fingerprinted stylesheet) go.
    fn merge(&mut self, fresh: Outputs) -> ChangeSummary {
        let mut summary = ChangeSummary::default();
        for (path, bytes) in fresh.files {
            if self.outputs.files.get(&path) != Some(&bytes) {
                summary.changed.push(path.clone());
                self.outputs.files.insert(path, bytes);
            }
        }
        summary
    }

    fn plan(&self, changed: &[PathBuf]) -> Plan {
        let root = self.root();
        let config = &self.project.config;
        let theme_dir = Theme::theme_dir(config);
        let mut plan = Plan {
            css_only: true,
            ..Plan::default()
        };
        let mut documents: HashSet<PathBuf> = HashSet::new();
        for path in changed {
            let rel = path.strip_prefix(root).unwrap_or(path);
            let is_css = rel.extension().is_some_and(|e| e == "css");
            if rel == Path::new(CONFIG_FILE) {
                plan.config = true;
            } else if let Ok(t) = rel
                .strip_prefix(theme_dir.join("templates"))
                .or_else(|_| rel.strip_prefix(SITE_TEMPLATES))
            {
                plan.templates.push(t.to_string_lossy().replace('\\', "/"));
            } else if rel.starts_with(theme_dir.join("i18n")) {
                plan.i18n = true;
            } else if rel.starts_with(theme_dir.join("static"))
                || rel.starts_with(crate::render::theme::SITE_STATIC)
            {
                plan.statics = true;
                plan.css_only &= is_css;
                continue;
            } else if let Ok(c) = rel.strip_prefix(CONTENT_DIR) {
                match content::classify(config, c) {
                    Ok(SourceKind::Markdown { .. }) => {
                        documents.insert(c.to_path_buf());
                    }
                    Ok(SourceKind::Neutral { key }) => {
                        for lang in config.langs() {
                            documents.insert(key.source_path(lang));
                        }
                    }
                    // A directory created, moved or deleted as a whole: every document in it,
                    // on disk now or in the graph before.
                    Ok(SourceKind::Ignored)
                        if root.join(CONTENT_DIR).join(c).is_dir()
                            || self
                                .project
                                .site
                                .nodes
                                .iter()
                                .any(|n| n.doc.source.starts_with(c)) =>
                    {
                        documents.extend(
                            self.project
                                .site
                                .nodes
                                .iter()
                                .filter(|n| n.doc.source.starts_with(c))
                                .map(|n| n.doc.source.clone()),
                        );
                        let (on_disk, _, _) = content::discover(root, config);
                        documents.extend(
                            on_disk
                                .into_iter()
                                .map(|(p, _, _)| p)
                                .filter(|p| p.starts_with(c)),
                        );
                    }
                    // A file that is not content.
                    Ok(SourceKind::Ignored) => continue,
                    Err(_) => {
                        documents.insert(c.to_path_buf());
                    }
                }
            } else {
                continue;
            }
            plan.css_only = false;
        }
        plan.css_only &= plan.statics;
        plan.documents = documents.into_iter().collect();
        plan.documents.sort();
        plan
    }

    /// Reloads the given Markdown sources into the graph and re-renders their Markdown.
    fn apply_documents(&mut self, sources: &[PathBuf]) -> Result<DocChange, Diagnostics> {
        let root = self.root().to_path_buf();
        let opts = LoadOptions {
            drafts: self.project.options.drafts,
            strict: self.project.options.strict,
        };
        let config = self.project.config.clone();
        // 1. Load every changed document first: a content error changes nothing.
        let mut loaded: Vec<(PathBuf, Option<Document>)> = Vec::new();
        let mut diags = Diagnostics::new();
        for source in sources {
            if !root.join(CONTENT_DIR).join(source).is_file() {
                // A `.yaml` edit names every language's page; one that never existed is no change.
                if self.project.site.by_source.contains_key(source) {
                    loaded.push((source.clone(), None));
                }
                continue;
            }
            let (key, lang) = match content::classify(&config, source) {
                Ok(SourceKind::Markdown { key, lang }) => (key, lang),
                Ok(_) => continue,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            match content::load_document(&root, &config, source, &key, &lang, opts) {
                Ok((doc, _warnings)) => {
                    let keep = opts.drafts || !doc.meta.draft;
                    loaded.push((source.clone(), keep.then_some(doc)));
                }
                Err(e) => diags.extend(e),
            }
        }
        if diags.has_errors() {
            return Err(diags.sorted());
        }
        let site = &self.project.site;
        let in_place = site.applies_in_place(&loaded);
        // Old URLs are only needed to find what moved; an in-place edit moves nothing.
        let old_urls: HashMap<PathBuf, String> = if in_place {
            HashMap::new()
        } else {
            site.nodes
                .iter()
                .map(|n| (n.doc.source.clone(), n.url.clone()))
                .collect()
        };
        let old_docs: HashMap<PathBuf, Document> = loaded
            .iter()
            .filter_map(|(s, _)| {
                site.by_source
                    .get(s)
                    .map(|&id| (s.clone(), site.node(id).doc.clone()))
            })
            .collect();
        // 2. Update the graph, all changes at once.
        let graph_change = self.project.site.apply(loaded.clone())?;
        let site = &self.project.site;
        let moved: HashSet<PathBuf> = if graph_change == GraphChange::Structure {
            let new_urls: HashMap<&PathBuf, &String> =
                site.nodes.iter().map(|n| (&n.doc.source, &n.url)).collect();
            let mut moved: HashSet<PathBuf> = old_urls
                .iter()
                .filter(|(s, u)| new_urls.get(s) != Some(u))
                .map(|(s, _)| s.clone())
                .collect();
            moved.extend(
                new_urls
                    .keys()
                    .filter(|s| !old_urls.contains_key(**s))
                    .map(|s| (*s).clone()),
            );
            moved
        } else {
            HashSet::new()
        };
        timing("apply_documents: link");
        // 3. Markdown: the changed documents, and those linking to a moved one.
        for (source, doc) in &loaded {
            if doc.is_none() {
                self.project.markdown.remove(source);
            }
        }
        let mut to_render: Vec<NodeId> = loaded
            .iter()
            .filter_map(|(s, d)| d.as_ref().and(site.by_source.get(s).copied()))
            .collect();
        if !moved.is_empty() {
            for (source, rendered) in &self.project.markdown {
                if rendered.link_targets.iter().any(|t| moved.contains(t))
                    && let Some(&id) = site.by_source.get(source)
                {
                    to_render.push(id);
                }
            }
        }
        to_render.sort_unstable();
        to_render.dedup();
        let (rendered, mut md_diags) = render_markdown(site, &self.project.highlighter, &to_render);
        self.project.markdown.extend(rendered);
        md_diags.extend(self.project.check_anchor_links());
        if md_diags.has_errors() {
            self.dirty = true;
            return Err(md_diags.sorted());
        }
        timing("apply_documents: markdown");
        // 4. What to re-render.
        if graph_change == GraphChange::Structure {
            return Ok(DocChange::Structure);
        }
        let changed_meta: Vec<NodeId> = loaded
            .iter()
            .filter(|(s, d)| old_docs.get(s).map(|o| &o.meta) != d.as_ref().map(|d| &d.meta))
            .filter_map(|(s, _)| site.by_source.get(s).copied())
            .collect();
        if changed_meta.is_empty() {
            return Ok(DocChange::Nodes(to_render, Listings::default()));
        }
        // A section's title is in the breadcrumbs and listings of everything below it.
        if changed_meta.iter().any(|&id| site.node(id).is_section()) {
            return Ok(DocChange::Structure);
        }
        Arc::make_mut(&mut self.views).refresh(site, &changed_meta);
        let mut ids: HashSet<NodeId> = to_render.into_iter().collect();
        let mut dates_changed = false;
        for &id in &changed_meta {
            let node = site.node(id);
            ids.insert(id);
            ids.extend(node.translations.iter().copied());
            if let Some(p) = node.parent {
                ids.insert(p);
                ids.extend(site.node(p).pages.iter().copied());
            }
            let old = old_docs
                .get(&node.doc.source)
                .map(|o| o.meta.last_changed());
            dates_changed |= old != Some(node.doc.meta.last_changed());
        }
        let listings = Listings {
            terms_of: changed_meta,
            feeds: true,
            sitemap: dates_changed,
        };
        Ok(DocChange::Nodes(ids.into_iter().collect(), listings))
    }
}

/// Which listings and site files a metadata edit touches.
#[derive(Debug, Default)]
struct Listings {
    /// Term pages listing these nodes.
    terms_of: Vec<NodeId>,
    feeds: bool,
    /// The sitemap carries dates, not titles.
    sitemap: bool,
}

enum DocChange {
    /// URLs, sections or tags changed: render everything again.
    Structure,
    /// Re-render these nodes and listings.
    Nodes(Vec<NodeId>, Listings),
}

/// The difference between two output sets.
pub fn diff(old: &Outputs, new: &Outputs) -> ChangeSummary {
    let changed: Vec<String> = new
        .files
        .iter()
        .filter(|(k, v)| old.files.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    let removed: Vec<String> = old
        .files
        .keys()
        .filter(|k| !new.files.contains_key(*k))
        .cloned()
        .collect();
    ChangeSummary {
        changed,
        removed,
        css_only: false,
        rendered_pages: 0,
    }
}

/// Convenience for callers that only know absolute paths.
pub fn relative_to(root: &Path, path: &Path) -> Result<PathBuf, Diagnostic> {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .map_err(|_| Diagnostic::error(path, "outside the site root"))
}
