//! The whole pipeline: config → content → site graph → Markdown → render → write.
//!
//! [`Project`] holds every stage's result in memory. `build` and `check` load one and render it
//! once; the preview server keeps it and updates it. There is no second
//! code path.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use rayon::prelude::*;

use crate::config::{Config, Lang};
use crate::content::{self, LoadOptions};
use crate::error::{Diagnostic, Diagnostics};
use crate::layout;
use crate::markdown::{self, Highlighter, Rendered};
use crate::output::{Discard, Memory, Outputs, Sink, Staging};
use crate::render::{Bodies, Output, RenderOptions, Renderer, StoredBodies, Theme, site_outputs};
use crate::site::{NodeId, Site};

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Output directory; default: `output_dir` from site.yaml, under the root.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// `check`: scaffold placeholders are errors.
    pub strict: bool,
    pub render: RenderOptions,
    /// Show a progress bar on stderr (the CLI sets it for large sites on a terminal).
    pub progress: bool,
}

/// Sites smaller than this build too fast for a progress bar to be anything but flicker.
pub const PROGRESS_MIN_PAGES: usize = 2_000;

/// Everything known about the site, stage by stage.
pub struct Project {
    pub options: BuildOptions,
    pub config: Config,
    pub theme: Theme,
    pub site: Site,
    /// Rendered bodies by source path (content-relative).
    pub markdown: HashMap<PathBuf, Rendered>,
    pub highlighter: Highlighter,
    /// Warnings of the current state (errors abort instead).
    pub warnings: Warnings,
    /// Errors found while loading that leave the graph whole (placeholders in `check`): the
    /// later stages still run, and these are reported with their problems.
    pub deferred: Diagnostics,
    /// Drafts not built (without `--drafts`), content-relative.
    pub drafts_left_out: Vec<PathBuf>,
}

/// The warnings of the sources as they are now, by file, so an update replaces exactly those of
/// the files it loaded again and the preview reports the current state.
#[derive(Debug, Clone, Default)]
pub struct Warnings {
    /// Found while loading (placeholders left, …), by the file they point at.
    loaded: HashMap<PathBuf, Diagnostics>,
    /// Found while rendering Markdown, by the file they point at.
    markdown: HashMap<PathBuf, Diagnostics>,
    /// Assets no page uses, as of the last rendered Markdown.
    pub unused_assets: Diagnostics,
}

impl Warnings {
    fn from_loading(diags: Diagnostics) -> Warnings {
        let mut w = Warnings::default();
        add_by_file(&mut w.loaded, diags);
        w
    }

    /// All of them, sorted.
    pub fn all(&self) -> Diagnostics {
        let mut all = Diagnostics::new();
        for d in self.loaded.values().chain(self.markdown.values()) {
            all.extend(d.clone());
        }
        all.extend(self.unused_assets.clone());
        all.sorted()
    }

    /// `sources` (content-relative) were loaded again with these warnings: a source's own file
    /// and, where it still exists, the metadata file it reads.
    pub fn replace_loaded(
        &mut self,
        root: &Path,
        config: &Config,
        sources: &[PathBuf],
        new: Diagnostics,
    ) {
        for source in sources {
            let file = Path::new(content::CONTENT_DIR).join(source);
            if root.join(&file).is_file()
                && let Ok(content::SourceKind::Markdown { key, .. }) =
                    content::classify(config, source)
            {
                self.loaded
                    .remove(&Path::new(content::CONTENT_DIR).join(key.neutral_path()));
            }
            self.loaded.remove(&file);
        }
        add_by_file(&mut self.loaded, new);
    }

    /// The Markdown of `sources` (content-relative) was rendered again with these warnings.
    pub fn replace_markdown<'a>(
        &mut self,
        sources: impl Iterator<Item = &'a PathBuf>,
        new: Diagnostics,
    ) {
        for source in sources {
            self.markdown
                .remove(&Path::new(content::CONTENT_DIR).join(source));
        }
        add_by_file(
            &mut self.markdown,
            Diagnostics(new.warnings().cloned().collect()),
        );
    }
}

fn add_by_file(map: &mut HashMap<PathBuf, Diagnostics>, diags: Diagnostics) {
    for d in diags.0 {
        map.entry(d.file.clone()).or_default().push(d);
    }
}

/// What a build did, for the summary line.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub pages_per_lang: Vec<(Lang, usize)>,
    pub files: usize,
    pub bytes: usize,
    pub millis: u128,
    pub warnings: Diagnostics,
    pub output_dir: PathBuf,
    /// Drafts not built (without `--drafts`), content-relative.
    pub drafts_left_out: Vec<PathBuf>,
}

impl BuildReport {
    /// `Built 24 pages (12 de, 12 en) in 41 ms`.
    pub fn summary(&self, verb: &str) -> String {
        crate::report::pages_summary(verb, &self.pages_per_lang, self.millis)
    }
}

impl Project {
    /// Runs every stage up to rendered Markdown. All problems are returned together.
    pub fn load(options: BuildOptions) -> Result<Project, Diagnostics> {
        let (project, mut errors) = Project::load_reporting(options)?;
        if errors.has_errors() {
            errors.extend(project.warnings.all());
            return Err(errors.sorted());
        }
        Ok(project)
    }

    /// Like [`Project::load`], but a site whose graph loads comes back even when its Markdown has
    /// errors (broken links, anchors), with those diagnostics beside it, so that `check` can
    /// report the editorial findings of the whole site together with them. Without errors the
    /// diagnostics are empty (the Markdown warnings are in `warnings`).
    pub fn load_reporting(options: BuildOptions) -> Result<(Project, Diagnostics), Diagnostics> {
        let mut project = Project::load_graph(options)?;
        let ids: Vec<NodeId> = (0..project.site.nodes.len()).collect();
        let (markdown, mut diags) = render_markdown(&project.site, &project.highlighter, &ids);
        project.markdown = markdown;
        diags.extend(project.check_anchor_links());
        diags.extend(project.deferred.clone());
        project.warnings.unused_assets = unused_assets(&project.site, &project.markdown);
        if diags.has_errors() {
            return Ok((project, diags));
        }
        add_by_file(&mut project.warnings.markdown, diags);
        Ok((project, Diagnostics::new()))
    }

    /// Keeps [`Project::drafts_left_out`] current after `loaded` sources (content-relative) were
    /// loaded again: `None` is a draft left out, or a file that is gone.
    pub fn update_drafts(&mut self, loaded: &[(PathBuf, Option<content::Document>)]) {
        let content = self.options.root.join(content::CONTENT_DIR);
        for (source, doc) in loaded {
            self.drafts_left_out.retain(|s| s != source);
            if doc.is_none() && content.join(source).is_file() {
                self.drafts_left_out.push(source.clone());
            }
        }
        self.drafts_left_out.sort();
    }

    /// Runs the stages up to the site graph; Markdown is not rendered yet.
    pub fn load_graph(options: BuildOptions) -> Result<Project, Diagnostics> {
        start_timing();
        let root = options.root.clone();
        let mut config = Config::load(&root)?;
        if let Some(url) = &options.base_url {
            config.set_base_url(url)?;
        }
        let load_opts = LoadOptions {
            drafts: options.drafts,
            strict: options.strict,
        };
        // Theme and content are independent: report the problems of both at once.
        let (theme, (loaded, mut diags)) = rayon::join(
            || Theme::load(&root, &config),
            || content::load_all(&root, &config, load_opts),
        );
        let theme = match theme {
            Ok(t) => Some(t),
            Err(e) => {
                diags.extend(e);
                None
            }
        };
        let site = match Site::new(config.clone(), loaded.docs) {
            Ok(s) => Some(s),
            Err(e) => {
                diags.extend(e);
                None
            }
        };
        let (Some(theme), Some(mut site), false) = (theme, site, diags.has_errors()) else {
            // Placeholders are reported with the problems that stop the build here too.
            diags.extend(loaded.deferred);
            return Err(diags.sorted());
        };
        site.static_files = theme.static_files.keys().cloned().collect();
        site.static_image_sizes = static_image_sizes(&theme);
        site.assets = crate::site::AssetIndex::new(loaded.assets);
        if let Some(clash) = site
            .assets
            .paths()
            .find(|p| theme.assets.files.contains_key(*p))
        {
            return Err(Diagnostic::error(
                Path::new(layout::SITE_STATIC).join(clash),
                format!("{clash} is also where a file beside the pages is published"),
            )
            .hint(format!(
                "`{}/` is for files from content/: move the static file",
                crate::site::MEDIA_DIR
            ))
            .into());
        }
        let mut clashes = crate::search::check_paths(&site);
        clashes.extend(case_collisions(&site, &theme));
        if clashes.has_errors() {
            return Err(clashes.sorted());
        }
        timing("load, graph");
        Ok(Project {
            options,
            config,
            theme,
            site,
            markdown: HashMap::new(),
            highlighter: Highlighter::new(),
            warnings: Warnings::from_loading(diags),
            deferred: loaded.deferred,
            drafts_left_out: loaded.drafts_left_out,
        })
    }

    pub fn renderer(&self) -> Result<Renderer<'_>, Diagnostics> {
        Renderer::new(&self.site, &self.theme, &self.options.render)
    }

    /// Every output of the site as it is now.
    pub fn outputs(&self) -> Vec<Output> {
        site_outputs(&self.site, &self.theme.assets)
    }

    /// Renders every output into memory, with the Markdown rendered by [`Project::load`].
    pub fn render_all(&self) -> Result<Outputs, Diagnostics> {
        let renderer = self.renderer()?;
        let sink = Memory::default();
        let diags = renderer.render_set(&self.outputs(), &self.stored_bodies(), &sink);
        if diags.has_errors() {
            Err(diags.sorted())
        } else {
            Ok(sink.into_outputs())
        }
    }

    /// The bodies [`Project::load`] rendered.
    pub fn stored_bodies(&self) -> StoredBodies<'_> {
        StoredBodies {
            site: &self.site,
            markdown: &self.markdown,
        }
    }

    /// Links to `page#fragment` whose fragment is not a heading of that page.
    pub fn check_anchor_links(&self) -> Diagnostics {
        check_anchor_links(&self.markdown)
    }

    pub fn output_dir(&self) -> PathBuf {
        match &self.options.output {
            Some(o) if o.is_absolute() => o.clone(),
            Some(o) => self.options.root.join(o),
            None => self.options.root.join(&self.config.output_dir),
        }
    }

    /// The output directory replaces whatever is there, so it must not be (or contain) the site's
    /// sources: `--output content` would otherwise swap the content away.
    pub fn check_output_dir(&self) -> Result<PathBuf, Diagnostics> {
        let dir = self.output_dir();
        let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let out = normalize(&absolute(&dir));
        let root = normalize(&absolute(&self.options.root));
        let sources = layout::SOURCE_DIRS.iter().chain([&layout::CONFIG_FILE]);
        let clash =
            root.starts_with(&out) || sources.into_iter().any(|s| out.starts_with(root.join(s)));
        if clash {
            return Err(Diagnostic::error(
                &dir,
                "the output directory would replace the site's own files",
            )
            .hint("pick a directory of its own, such as `public` (it is replaced on every build)")
            .into());
        }
        Ok(dir)
    }

    pub fn pages_per_lang(&self) -> Vec<(Lang, usize)> {
        self.config
            .langs()
            .map(|l| {
                (
                    l.clone(),
                    self.site.nodes.iter().filter(|n| n.lang() == l).count(),
                )
            })
            .collect()
    }
}

/// Renders the bodies of `ids` in parallel.
pub fn render_markdown(
    site: &Site,
    highlighter: &Highlighter,
    ids: &[NodeId],
) -> (HashMap<PathBuf, Rendered>, Diagnostics) {
    let results: Vec<(PathBuf, Rendered, Diagnostics)> = ids
        .par_iter()
        .map(|&id| {
            let (r, d) = markdown::render(site, id, highlighter);
            (site.node(id).doc.source.clone(), r, d)
        })
        .collect();
    let mut map = HashMap::with_capacity(results.len());
    let mut diags = Diagnostics::new();
    for (source, r, d) in results {
        map.insert(source, r);
        diags.extend(d);
    }
    (map, diags)
}

/// Renders every output into `sink` as it goes: Markdown and template per page in one parallel
/// pass, so no stage holds the whole site in memory. Anchor links are checked at the end; with
/// any error the caller discards what the sink received. Returns the warnings.
pub fn render_into(project: &Project, sink: &dyn Sink) -> Result<Diagnostics, Diagnostics> {
    let renderer = project.renderer()?;
    let site = &project.site;
    let bodies = StreamedBodies {
        site,
        highlighter: &project.highlighter,
        bar: progress_bar(project.options.progress, site.nodes.len()),
        facts: Mutex::new(HashMap::with_capacity(site.nodes.len())),
    };
    let mut diags = renderer.render_set(&project.outputs(), &bodies, sink);
    bodies.bar.finish_and_clear();
    let facts = bodies.facts.into_inner().unwrap_or_else(|p| p.into_inner());
    diags.extend(check_anchor_links(&facts));
    diags.extend(unused_assets(site, &facts));
    // Placeholders (`check`) are reported with every other problem, never instead of them.
    diags.extend(project.deferred.clone());
    timing("render");
    if diags.has_errors() {
        Err(diags.sorted())
    } else {
        Ok(diags)
    }
}

fn progress_bar(wanted: bool, pages: usize) -> indicatif::ProgressBar {
    if !wanted || pages < PROGRESS_MIN_PAGES {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(pages as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} pages {elapsed}")
    {
        bar.set_style(style);
    }
    bar
}

/// The build's page bodies: rendered when the page is, and dropped after it but for what the
/// anchor-link check needs.
struct StreamedBodies<'a> {
    site: &'a Site,
    highlighter: &'a Highlighter,
    bar: indicatif::ProgressBar,
    facts: Mutex<HashMap<PathBuf, Rendered>>,
}

impl Bodies for StreamedBodies<'_> {
    fn body(&self, id: NodeId) -> (Cow<'_, Rendered>, Diagnostics) {
        self.bar.inc(1);
        let (rendered, diags) = markdown::render(self.site, id, self.highlighter);
        if diags.has_errors() {
            self.rendered(id, Cow::Owned(rendered.clone()));
        }
        (Cow::Owned(rendered), diags)
    }

    fn rendered(&self, id: NodeId, body: Cow<'_, Rendered>) {
        let mut body = body.into_owned();
        let facts = Rendered {
            heading_ids: std::mem::take(&mut body.heading_ids),
            anchor_links: std::mem::take(&mut body.anchor_links),
            assets: std::mem::take(&mut body.assets),
            ..Rendered::default()
        };
        let source = self.site.node(id).doc.source.clone();
        let mut all = self.facts.lock().unwrap_or_else(|p| p.into_inner());
        all.insert(source, facts);
    }
}

/// Output paths that differ only in case (`/de/Alt/` and `/de/alt/`, `static/Logo.png` and
/// `static/logo.png`) are one file on case-insensitive file systems and hosts (macOS, Windows,
/// several object stores): one would silently replace the other, depending on upload order.
fn case_collisions(site: &Site, theme: &Theme) -> Diagnostics {
    let mut outputs = site_outputs(site, &theme.assets);
    outputs.sort();
    let mut first: HashMap<String, (String, PathBuf)> = HashMap::new();
    let mut diags = Diagnostics::new();
    for output in outputs {
        let path = output.path(site);
        let source = match &output {
            Output::Page(id) | Output::Alias(_, id) => site.node(*id).doc.display_path(),
            Output::Static(p) => theme
                .static_files
                .get(p)
                .cloned()
                .unwrap_or_else(|| Path::new(layout::SITE_STATIC).join(p)),
            Output::Asset(p) => site
                .assets
                .iter()
                .find(|a| &a.path == p)
                .map_or_else(|| PathBuf::from(p), |a| a.file.display_path()),
            _ => PathBuf::from(layout::CONFIG_FILE),
        };
        match first.entry(path.to_lowercase()) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert((path, source));
            }
            std::collections::hash_map::Entry::Occupied(o) if o.get().0 != path => {
                let (other_path, other_source) = o.get();
                diags.push(
                    Diagnostic::error(
                        &source,
                        format!(
                            "`{path}` and `{other_path}` (from {}) differ only in case: on case-insensitive hosts and file systems they are one file, and one would replace the other",
                            other_source.display()
                        ),
                    )
                    .hint("spell both the same, or rename one; URLs are best all lowercase"),
                );
            }
            std::collections::hash_map::Entry::Occupied(_) => {}
        }
    }
    diags
}

/// `optout build`: everything, written atomically; nothing is written when there is an error.
pub fn build(options: BuildOptions) -> Result<BuildReport, Diagnostics> {
    let start = Instant::now();
    let project = Project::load_graph(options)?;
    let dir = project.check_output_dir()?;
    let staging = Staging::new(&dir).map_err(|e| {
        Diagnostics::from(
            Diagnostic::error(&dir, format!("cannot create the output directory: {e}"))
                .hint("check that the output directory's parent is writable"),
        )
    })?;
    // On error `staging` is dropped, which deletes it: the previous output stays as it was.
    let render_warnings = render_into(&project, &staging)?;
    let (files, bytes) = (staging.files(), staging.bytes());
    staging.commit().map_err(|e| {
        Diagnostics::from(
            Diagnostic::error(&dir, format!("cannot replace the output directory: {e}")).hint(
                "check the permissions of the output directory; the previous output is untouched",
            ),
        )
    })?;
    timing("write");
    Ok(BuildReport {
        pages_per_lang: project.pages_per_lang(),
        files,
        bytes,
        millis: start.elapsed().as_millis(),
        warnings: with(project.warnings.all(), render_warnings),
        output_dir: dir,
        drafts_left_out: project.drafts_left_out,
    })
}

/// `optout check`: every validation of `build`, rendering included, without writing.
pub fn check(mut options: BuildOptions) -> Result<BuildReport, Diagnostics> {
    let start = Instant::now();
    options.strict = true;
    let project = Project::load_graph(options)?;
    let sink = Discard::default();
    let render_warnings = render_into(&project, &sink)?;
    Ok(BuildReport {
        pages_per_lang: project.pages_per_lang(),
        files: sink.files.load(std::sync::atomic::Ordering::Relaxed),
        bytes: sink.bytes.load(std::sync::atomic::Ordering::Relaxed),
        millis: start.elapsed().as_millis(),
        warnings: with(project.warnings.all(), render_warnings),
        output_dir: project.output_dir(),
        drafts_left_out: project.drafts_left_out,
    })
}

fn with(mut a: Diagnostics, b: Diagnostics) -> Diagnostics {
    a.extend(b);
    a.sorted()
}

/// Links to `page#fragment` whose fragment is not a heading of that page.
pub fn check_anchor_links(markdown: &HashMap<PathBuf, Rendered>) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for (source, rendered) in markdown {
        for link in &rendered.anchor_links {
            let Some(target) = markdown.get(&link.target) else {
                continue;
            };
            if !target.heading_ids.contains(&link.fragment) {
                diags.push(
                    Diagnostic::error(
                        Path::new(content::CONTENT_DIR).join(source),
                        format!(
                            "link to {}#{}, but that page has no such heading",
                            Path::new(content::CONTENT_DIR).join(&link.target).display(),
                            link.fragment
                        ),
                    )
                    .at(link.line, link.column)
                    .hint(markdown::anchor_hint(&link.fragment, &target.heading_ids)),
                );
            }
        }
    }
    diags
}

/// The sizes of the theme's and the site's static images, by output path.
pub fn static_image_sizes(theme: &Theme) -> HashMap<String, content::ImageSize> {
    theme
        .static_files
        .keys()
        .filter_map(|name| {
            let bytes = theme.assets.files.get(name)?;
            let size = content::assets::image_size(Path::new(name), bytes)?;
            Some((name.clone(), size))
        })
        .collect()
}

/// A warning for every asset that no rendered page uses: a screenshot left behind after an
/// edit, or a link with a typo that found another file.
pub fn unused_assets(site: &Site, markdown: &HashMap<PathBuf, Rendered>) -> Diagnostics {
    let used: std::collections::HashSet<&PathBuf> =
        markdown.values().flat_map(|r| &r.assets).collect();
    let mut diags = Diagnostics::new();
    for asset in site.assets.iter() {
        if !used.contains(&asset.file.source) {
            diags.push(
                Diagnostic::warning(asset.file.display_path(), "no page uses this file")
                    .hint("link it from a page (`![what it shows](file.png)` beside the page), or delete it"),
            );
        }
    }
    diags
}

/// With `OPTOUT_TIMINGS=1`, prints how long each stage took (for profiling builds and rebuilds).
pub(crate) fn timing(stage: &str) {
    if let Some(Ok(mut last)) = timing_clock().as_ref().map(Mutex::lock) {
        eprintln!(
            "[{:>8.2} ms] {stage}",
            last.elapsed().as_secs_f64() * 1000.0
        );
        *last = Instant::now();
    }
}

/// Starts the clock of [`timing`], so the first stage's line counts from here rather than
/// from its own end.
pub(crate) fn start_timing() {
    timing_clock();
}

fn timing_clock() -> &'static Option<Mutex<Instant>> {
    static LAST: OnceLock<Option<Mutex<Instant>>> = OnceLock::new();
    LAST.get_or_init(|| std::env::var_os("OPTOUT_TIMINGS").map(|_| Mutex::new(Instant::now())))
}

/// Removes `.` and `..` from an absolute path without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}
