//! Incremental rebuilds for the preview: the [`Project`] and its outputs stay in memory, and a
//! change to some files re-runs only the stages and re-renders only the outputs it touches.
//!
//! An update has three steps, kept apart:
//! 1. what the changed files are ([`Preview::sources`]);
//! 2. applying them to the project with the stages' own loaders (theme, [`content::reload`], the
//!    graph, Markdown), which says what changed as a [`Change`];
//! 3. [`affected`], a pure function, turns the [`Change`] into the set of [`Output`]s to render.
//!
//! | change | re-rendered |
//! | --- | --- |
//! | a page's body | that page, and its translations marked against it (their outdated notice); the search index of its language (shards and that page's excerpts) |
//! | a page's metadata (title, weight, dates, …) | the page, its translations, its section and siblings, the term pages listing it, feeds, the search index (shards and that page's excerpts) and search page of its language; the sitemap when a date changed |
//! | a URL (slug, add, remove, rename, draft, tags, aliases) or a section's metadata | every output; Markdown only where a link target moved |
//! | a template | the outputs whose template uses it, the listings and site files |
//! | a file beside the pages (add, change, remove) | the files under `media/`, and the pages that show or link to it (or could: `formular.png` and `formular.de.png`) |
//! | a static file | the listings and site files; everything when a fingerprint changes (the browser swaps stylesheets) |
//! | UI strings, `site.yaml` | everything (`site.yaml` reloads the whole project) |

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::build::{BuildOptions, Project, render_markdown, timing, unused_assets};
use crate::content::{self, Asset, Document, LoadOptions, SourceKind};
use crate::error::Diagnostics;
use crate::layout::{CONTENT_DIR, Layout, Source};
use crate::output::{Memory, Outputs};
use crate::render::{Output, Renderer, SharedViews, Theme, shared_views};
use crate::site::{GraphChange, NodeId, Site};

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

/// What an update changed in the project, found while applying it: the input of [`affected`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    /// Any output may differ: URLs, sections or tags moved, a section's metadata (breadcrumbs and
    /// listings everywhere below it), UI strings or a fingerprint changed, or the previous
    /// update failed half-way.
    pub everything: bool,
    /// The theme was loaded again (a template or static file): listings and site files.
    pub theme: bool,
    /// Templates that changed, by name: the outputs that use them.
    pub templates: Vec<String>,
    /// Nodes whose Markdown was rendered again (their body changed, or a link target moved).
    pub bodies: Vec<NodeId>,
    /// Pages whose metadata changed where they are (title, weight, dates; not their URL or tags).
    pub metadata: Vec<NodeId>,
    /// One of [`Change::metadata`]'s dates changed: the sitemap carries dates.
    pub dates: bool,
    /// A file beside the pages came, changed or went: the published assets (the pages that
    /// show it are in [`Change::bodies`]).
    pub assets: bool,
}

/// The outputs a change touches, in the order of `all` (every output of the site after the
/// change). Pure: nothing is loaded or rendered; `uses_template` says whether an output's
/// template is, extends or includes a template.
pub fn affected(
    site: &Site,
    all: &[Output],
    change: &Change,
    uses_template: impl Fn(&Output, &str) -> bool,
) -> Vec<Output> {
    if change.everything {
        return all.to_vec();
    }
    let mut pages: HashSet<NodeId> = change.bodies.iter().copied().collect();
    // A marked translation compares itself with its original for the "may be out of date"
    // notice: an edit of the original's body re-renders it.
    for &id in &change.bodies {
        let node = site.node(id);
        pages.extend(node.translations.iter().copied().filter(|&t| {
            let mark = site.node(t).doc.meta.translation_of.as_ref();
            mark.is_some_and(|m| m.original == *node.lang())
        }));
    }
    for &id in &change.metadata {
        let node = site.node(id);
        pages.insert(id);
        // The language switcher of the translations shows the title.
        pages.extend(node.translations.iter().copied());
        // The section lists it; siblings show it as prev/next.
        if let Some(p) = node.parent {
            pages.insert(p);
            pages.extend(site.node(p).pages.iter().copied());
        }
        // The home pages' overview shows every guide's facts.
        if node.doc.meta.guide.is_some() {
            pages.extend(site.homes.values().copied());
        }
    }
    let listed = |t: usize, i: usize| {
        site.taxonomies[t].terms[i]
            .pages
            .iter()
            .any(|p| change.metadata.contains(p))
    };
    // The search index of a language holds its pages' text and titles: its shards change (the
    // scores of every word depend on all pages), and the excerpt files of the changed pages.
    let changed = change.bodies.iter().chain(&change.metadata);
    let searched: HashSet<&crate::config::Lang> =
        changed.clone().map(|&id| site.node(id).lang()).collect();
    let excerpts: HashSet<(&crate::config::Lang, usize)> = changed
        .map(|&id| {
            let lang = site.node(id).lang();
            let at = crate::search::indexed_pages(site, lang)
                .iter()
                .position(|&p| p == id)
                .unwrap_or_default();
            (
                lang,
                at / crate::search::layout(site, lang).pages_per_excerpt_file,
            )
        })
        .collect();
    all.iter()
        .filter(|o| match o {
            Output::Page(id) => {
                pages.contains(id) || change.templates.iter().any(|t| uses_template(o, t))
            }
            Output::Asset(_) if change.assets => true,
            _ if change.theme => true,
            Output::Term(t, i) => listed(*t, *i),
            Output::Feed(_) => !change.metadata.is_empty(),
            Output::Sitemap => change.dates,
            Output::SearchPage(lang) => change
                .metadata
                .iter()
                .any(|&id| site.node(id).lang() == lang),
            Output::SearchExcerpts(lang, i) => excerpts.contains(&(lang, *i)),
            o if o.needs_search_index() => o.search_lang().is_some_and(|l| searched.contains(l)),
            _ => false,
        })
        .cloned()
        .collect()
}

/// A site kept in memory: the project (every stage's result) and the rendered outputs.
pub struct Preview {
    pub project: Project,
    pub outputs: Outputs,
    views: Arc<SharedViews>,
    /// A previous update failed half-way: the next one renders everything.
    dirty: bool,
    /// Search outputs an update left for [`Preview::render_due_search`]: rebuilding a language's
    /// index takes most of a second on a site of 10,000 pages per language, and the changed page
    /// should not wait for it.
    search_due: Vec<Output>,
}

/// What a set of changed files is, by the source layout.
#[derive(Debug, Default)]
struct Sources {
    templates: Vec<String>,
    i18n: bool,
    statics: bool,
    css_only: bool,
    /// Markdown sources (content-relative) to reload.
    documents: Vec<PathBuf>,
    /// Files beside the pages (content-relative) to load again, or that are gone.
    assets: Vec<PathBuf>,
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
            let renderer = Renderer::with_views(&project.site, &project.theme, views.clone());
            let sink = Memory::default();
            let diags = renderer.render_set(&project.outputs(), &project.stored_bodies(), &sink);
            if diags.has_errors() {
                return Err(diags.sorted());
            }
            sink.into_outputs()
        };
        Ok(Preview {
            project,
            outputs,
            views,
            dirty: false,
            search_due: Vec::new(),
        })
    }

    pub fn root(&self) -> &Path {
        &self.project.options.root
    }

    /// Whether these changed files (relative to the root) make a whole new project: `site.yaml`
    /// changes everything, down to where the theme and content are. The server asks before an
    /// update, to build outside its lock.
    pub fn starts_over(changed: &[PathBuf]) -> bool {
        let layout = Layout::any_theme();
        changed.iter().any(|p| layout.classify(p) == Source::Config)
    }

    /// Applies changed files (created, modified or deleted; paths relative to the root or absolute
    /// below it), pages first: the search index they touch is left due, for
    /// [`Preview::render_due_search`] (or [`Preview::apply_all`]). On error the previous outputs
    /// stay and keep being served.
    pub fn apply(&mut self, changed: &[PathBuf]) -> Result<ChangeSummary, Diagnostics> {
        let root = self.root().to_path_buf();
        let relative: Vec<PathBuf> = changed
            .iter()
            .map(|p| p.strip_prefix(&root).unwrap_or(p).to_path_buf())
            .collect();
        if Preview::starts_over(&relative) {
            return self.start_over();
        }
        let sources = self.sources(&relative);
        let Some(change) = self.update(&sources)? else {
            // Pages link to static files and are checked against them: a file added or removed
            // re-checks every page, as a site.yaml change does.
            return self.start_over();
        };
        timing("apply: graph, markdown, views");
        let renderer =
            Renderer::with_views(&self.project.site, &self.project.theme, self.views.clone());
        let all = self.project.outputs();
        let (search, set): (Vec<Output>, Vec<Output>) =
            affected(&self.project.site, &all, &change, |o, t| {
                renderer.uses_template(o, t)
            })
            .into_iter()
            .partition(Output::needs_search_index);
        for output in search {
            if !self.search_due.contains(&output) {
                self.search_due.push(output);
            }
        }
        let sink = Memory::default();
        let diags = renderer.render_set(&set, &self.project.stored_bodies(), &sink);
        timing("apply: render");
        if diags.has_errors() {
            self.dirty = true;
            return Err(diags.sorted());
        }
        let mut summary = self.merge(sink.into_outputs());
        // Which files exist changes only with the structure, the theme or the files beside pages.
        if change.everything || change.theme || change.assets {
            let expected: HashSet<String> =
                all.iter().map(|o| o.path(&self.project.site)).collect();
            let stale: Vec<String> = self
                .outputs
                .files
                .keys()
                .filter(|k| !expected.contains(*k))
                .cloned()
                .collect();
            for path in stale {
                self.outputs.files.remove(&path);
                summary.removed.push(path);
            }
        }
        self.dirty = false;
        timing("apply: merge");
        summary.css_only = sources.css_only && !summary.changed.is_empty();
        summary.rendered_pages = set.iter().filter(|o| o.is_page()).count();
        Ok(summary)
    }

    /// [`Preview::apply`] and the search index it leaves due, in one step.
    pub fn apply_all(&mut self, changed: &[PathBuf]) -> Result<ChangeSummary, Diagnostics> {
        let mut summary = self.apply(changed)?;
        if self.search_is_due() {
            let search = self.render_due_search()?;
            let more = self.install_search(search);
            summary.changed.extend(more.changed);
        }
        Ok(summary)
    }

    /// Whether an update left search outputs to render.
    pub fn search_is_due(&self) -> bool {
        !self.search_due.is_empty()
    }

    /// Renders the search outputs left due. It only reads, so the preview can go on serving
    /// (under a read lock) while a large index is rebuilt; [`Preview::install_search`] then
    /// puts the files in place.
    pub fn render_due_search(&self) -> Result<Outputs, Diagnostics> {
        let renderer =
            Renderer::with_views(&self.project.site, &self.project.theme, self.views.clone());
        // A later update may have changed how many files an index has.
        let current: HashSet<Output> = self.project.outputs().into_iter().collect();
        let due: Vec<Output> = self
            .search_due
            .iter()
            .filter(|o| current.contains(o))
            .cloned()
            .collect();
        let sink = Memory::default();
        let diags = renderer.render_set(&due, &self.project.stored_bodies(), &sink);
        timing("apply: search index");
        if diags.has_errors() {
            return Err(diags.sorted());
        }
        Ok(sink.into_outputs())
    }

    /// Gives up the search outputs left due (they failed to render): the served index stays as
    /// it was until the next update makes them due again.
    pub fn forget_due_search(&mut self) {
        self.search_due.clear();
    }

    /// Puts search outputs from [`Preview::render_due_search`] in place; nothing is due after.
    pub fn install_search(&mut self, search: Outputs) -> ChangeSummary {
        self.search_due.clear();
        self.merge(search)
    }

    /// Loads the whole project again, as a first build does, and says which outputs differ.
    fn start_over(&mut self) -> Result<ChangeSummary, Diagnostics> {
        let fresh = Preview::new(self.project.options.clone())?;
        let mut summary = diff(&self.outputs, &fresh.outputs);
        summary.rendered_pages = fresh.project.site.nodes.len();
        *self = fresh;
        Ok(summary)
    }

    /// Replaces the given outputs, noting which ones differ.
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

    /// Brings the project up to date with `sources` and says what changed. Everything is loaded
    /// before anything is replaced, so a file that does not load changes nothing.
    /// `None`: the set of static files changed, and every page's links must be checked again.
    fn update(&mut self, sources: &Sources) -> Result<Option<Change>, Diagnostics> {
        let root = self.root().to_path_buf();
        let opts = LoadOptions {
            drafts: self.project.options.drafts,
            strict: self.project.options.strict,
        };
        let (mut loaded, diags) =
            content::reload(&root, &self.project.config, &sources.documents, opts);
        if diags.has_errors() {
            return Err(diags.sorted());
        }
        self.project.update_drafts(&loaded);
        // A `.yaml` edit names every language's page; one that never existed is no change.
        let site = &self.project.site;
        loaded.retain(|(s, d)| d.is_some() || site.by_source.contains_key(s));
        let assets = self.load_assets(&sources.assets)?;
        let theme = if !sources.templates.is_empty() || sources.i18n || sources.statics {
            Some(Theme::load(&root, &self.project.config)?)
        } else {
            None
        };

        let mut change = Change {
            everything: self.dirty || sources.i18n,
            templates: sources.templates.clone(),
            ..Change::default()
        };
        if let Some(theme) = theme {
            if !theme
                .static_files
                .keys()
                .eq(self.project.theme.static_files.keys())
            {
                return Ok(None);
            }
            // Pages carry the sizes of the static images they show.
            let sizes = crate::build::static_image_sizes(&theme);
            if sizes != self.project.site.static_image_sizes {
                return Ok(None);
            }
            change.everything |= theme.assets.urls != self.project.theme.assets.urls;
            change.theme = true;
            self.project.theme = theme;
            // The documents below may still fail: then the next update renders everything.
            self.dirty = true;
        }
        if !assets.is_empty() {
            self.apply_assets(assets, &mut change)?;
        }
        let reloaded: Vec<PathBuf> = loaded.iter().map(|(s, _)| s.clone()).collect();
        if !loaded.is_empty() {
            self.apply_documents(loaded, &mut change)?;
        }
        if change.assets || !reloaded.is_empty() {
            self.project.warnings.unused_assets =
                unused_assets(&self.project.site, &self.project.markdown);
        }
        let project = &mut self.project;
        project
            .warnings
            .replace_loaded(&project.options.root, &project.config, &reloaded, diags);
        if change.everything {
            // After a failed update the views may predate the graph: rebuild them with everything.
            self.views = Arc::new(shared_views(
                &self.project.site,
                &self.project.theme,
                &self.project.options.render,
            )?);
        } else if !change.metadata.is_empty() {
            Arc::make_mut(&mut self.views).refresh(&self.project.site, &change.metadata);
        }
        Ok(Some(change))
    }

    /// What the changed files are, by the [`Layout`]: templates, UI strings, static files, and
    /// the Markdown sources to load again.
    fn sources(&self, changed: &[PathBuf]) -> Sources {
        let root = self.root();
        let config = &self.project.config;
        let layout = Layout::new(&config.theme);
        let mut sources = Sources {
            css_only: true,
            ..Sources::default()
        };
        let mut documents: BTreeSet<PathBuf> = BTreeSet::new();
        let mut assets: BTreeSet<PathBuf> = BTreeSet::new();
        for rel in changed {
            match layout.classify(rel) {
                Source::Template(name) => sources.templates.push(name),
                Source::UiStrings => sources.i18n = true,
                Source::ThemeStatic(name) | Source::SiteStatic(name) => {
                    sources.statics = true;
                    sources.css_only &= name.ends_with(".css");
                    continue;
                }
                Source::Document(c) => {
                    documents.insert(c);
                }
                Source::Metadata(c) => match content::classify(config, &c) {
                    Ok(SourceKind::Neutral { key }) => {
                        documents.extend(config.langs().map(|l| key.source_path(l)));
                    }
                    _ => continue,
                },
                Source::OtherContent(c) => {
                    // A file beside the pages, or a directory created, moved or deleted as a
                    // whole: every document and asset in it, on disk now or in the graph before.
                    let before = documents.len() + assets.len();
                    let site = &self.project.site;
                    let in_graph = site.nodes.iter().filter(|n| n.doc.source.starts_with(&c));
                    documents.extend(in_graph.map(|n| n.doc.source.clone()));
                    assets.extend(site.assets.sources().filter(|s| s.starts_with(&c)).cloned());
                    let on_disk = root.join(CONTENT_DIR).join(&c);
                    if on_disk.is_dir() {
                        let (found, _) = content::discover(root, config);
                        documents.extend(
                            found
                                .markdown
                                .into_iter()
                                .map(|(p, _, _)| p)
                                .filter(|p| p.starts_with(&c)),
                        );
                        assets.extend(found.assets.into_iter().filter(|p| p.starts_with(&c)));
                    } else if on_disk.is_file()
                        && content::classify(config, &c) == Ok(SourceKind::Asset)
                    {
                        assets.insert(c);
                    }
                    if documents.len() + assets.len() == before {
                        // A file that is not content.
                        continue;
                    }
                }
                Source::Config | Source::Directory | Source::EditorLeftover | Source::Outside => {
                    continue;
                }
            }
            sources.css_only = false;
        }
        sources.css_only &= sources.statics;
        sources.documents = documents.into_iter().collect();
        sources.assets = assets.into_iter().collect();
        sources
    }

    /// Loads the changed files beside the pages (`None`: gone).
    fn load_assets(
        &self,
        changed: &[PathBuf],
    ) -> Result<Vec<(PathBuf, Option<Asset>)>, Diagnostics> {
        let root = self.root();
        let config = &self.project.config;
        let (on_disk, gone): (Vec<PathBuf>, Vec<PathBuf>) =
            changed.iter().cloned().partition(|c| {
                root.join(CONTENT_DIR).join(c).is_file()
                    && content::classify(config, c) == Ok(SourceKind::Asset)
            });
        let (loaded, diags) = content::assets::load_assets(root, &on_disk);
        if diags.has_errors() {
            return Err(diags.sorted());
        }
        let mut all: Vec<(PathBuf, Option<Asset>)> = loaded
            .into_iter()
            .map(|a| (a.source.clone(), Some(a)))
            .collect();
        all.extend(gone.into_iter().map(|g| (g, None)));
        Ok(all)
    }

    /// Puts changed assets into the graph and renders the Markdown of every page that shows or
    /// links to one of them (or could: a page that asked for `formular.de.png` when only
    /// `formular.png` existed) again.
    fn apply_assets(
        &mut self,
        loaded: Vec<(PathBuf, Option<Asset>)>,
        change: &mut Change,
    ) -> Result<(), Diagnostics> {
        let mut changed: HashSet<PathBuf> = HashSet::new();
        for (source, asset) in loaded {
            if self.project.site.assets.replace(&source, asset) {
                changed.insert(source);
            }
        }
        if changed.is_empty() {
            return Ok(());
        }
        change.assets = true;
        self.dirty = true;
        let site = &self.project.site;
        let mut ids: Vec<NodeId> = self
            .project
            .markdown
            .iter()
            .filter(|(_, r)| r.asset_refs.iter().any(|a| changed.contains(a)))
            .filter_map(|(s, _)| site.by_source.get(s).copied())
            .collect();
        ids.sort_unstable();
        let (rendered, mut diags) = render_markdown(site, &self.project.highlighter, &ids);
        self.project.markdown.extend(rendered);
        diags.extend(self.project.check_anchor_links());
        if diags.has_errors() {
            return Err(diags.sorted());
        }
        let sources: Vec<PathBuf> = ids
            .iter()
            .map(|&id| site.node(id).doc.source.clone())
            .collect();
        self.project
            .warnings
            .replace_markdown(sources.iter(), diags);
        change.bodies.extend(ids);
        Ok(())
    }

    /// Puts reloaded documents into the graph and renders their Markdown again; notes in
    /// `change` which outputs that touches.
    fn apply_documents(
        &mut self,
        loaded: Vec<(PathBuf, Option<Document>)>,
        change: &mut Change,
    ) -> Result<(), Diagnostics> {
        let site = &self.project.site;
        // Old URLs are only needed to find what moved; an in-place edit moves nothing.
        let old_urls: HashMap<PathBuf, String> = if site.applies_in_place(&loaded) {
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
        // The graph, all changes at once; on error it stays as it was.
        let graph_change = self.project.site.apply(loaded.clone())?;
        self.dirty = true;
        timing("apply_documents: link");
        let site = &self.project.site;
        let moved = if graph_change == GraphChange::Structure {
            moved_sources(&old_urls, site)
        } else {
            HashSet::new()
        };
        for (source, doc) in &loaded {
            if doc.is_none() {
                self.project.markdown.remove(source);
            }
        }
        let to_render = markdown_to_render(site, &loaded, &moved, &self.project.markdown);
        let (rendered, mut diags) = render_markdown(site, &self.project.highlighter, &to_render);
        self.project.markdown.extend(rendered);
        diags.extend(self.project.check_anchor_links());
        if diags.has_errors() {
            return Err(diags.sorted());
        }
        let rendered_sources: Vec<PathBuf> = to_render
            .iter()
            .map(|&id| site.node(id).doc.source.clone())
            .collect();
        let gone = loaded.iter().filter(|(_, d)| d.is_none()).map(|(s, _)| s);
        self.project
            .warnings
            .replace_markdown(rendered_sources.iter().chain(gone), diags);
        timing("apply_documents: markdown");
        change.bodies.extend(to_render);
        change.bodies.sort_unstable();
        change.bodies.dedup();
        describe_documents(change, graph_change, site, &loaded, &old_docs);
        Ok(())
    }
}

/// Sources whose URL changed or that are new, from the URLs before a re-link.
fn moved_sources(old_urls: &HashMap<PathBuf, String>, site: &Site) -> HashSet<PathBuf> {
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
}

/// Whose Markdown is rendered again: the reloaded documents, and those linking to a moved one.
fn markdown_to_render(
    site: &Site,
    loaded: &[(PathBuf, Option<Document>)],
    moved: &HashSet<PathBuf>,
    markdown: &HashMap<PathBuf, crate::markdown::Rendered>,
) -> Vec<NodeId> {
    let mut ids: Vec<NodeId> = loaded
        .iter()
        .filter_map(|(s, d)| d.as_ref().and(site.by_source.get(s).copied()))
        .collect();
    if !moved.is_empty() {
        for (source, rendered) in markdown {
            if rendered.link_targets.iter().any(|t| moved.contains(t))
                && let Some(&id) = site.by_source.get(source)
            {
                ids.push(id);
            }
        }
    }
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// What reloaded documents changed, for [`affected`]: everything after a re-link or a
/// section's new metadata, else the pages whose metadata changed and whether a date did.
fn describe_documents(
    change: &mut Change,
    graph_change: GraphChange,
    site: &Site,
    loaded: &[(PathBuf, Option<Document>)],
    old_docs: &HashMap<PathBuf, Document>,
) {
    if graph_change == GraphChange::Structure {
        change.everything = true;
        return;
    }
    let metadata: Vec<NodeId> = loaded
        .iter()
        .filter(|(s, d)| old_docs.get(s).map(|o| &o.meta) != d.as_ref().map(|d| &d.meta))
        .filter_map(|(s, _)| site.by_source.get(s).copied())
        .collect();
    // A section's title is in the breadcrumbs and listings of everything below it.
    if metadata.iter().any(|&id| site.node(id).is_section()) {
        change.everything = true;
        return;
    }
    change.dates = metadata.iter().any(|&id| {
        let node = site.node(id);
        old_docs
            .get(&node.doc.source)
            .map(|o| o.meta.last_changed())
            != Some(node.doc.meta.last_changed())
    });
    change.metadata = metadata;
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
