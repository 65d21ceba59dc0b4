//! The whole pipeline: config → content → site graph → Markdown → render → write.
//!
//! [`Project`] holds every stage's result in memory. `build` and `check` load one and render it
//! once; the preview server keeps it and updates it. There is no second
//! code path.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::config::{Config, Lang};
use crate::content::{self, LoadOptions};
use crate::error::{Diagnostic, Diagnostics};
use crate::markdown::{self, Highlighter, Rendered};
use crate::output::{Discard, Outputs, Sink, Staging};
use crate::render::{RenderOptions, Renderer, Theme};
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
    /// Warnings of the last load or update (errors abort instead).
    pub warnings: Diagnostics,
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
}

impl BuildReport {
    /// `Built 24 pages (12 de, 12 en) in 41 ms`.
    pub fn summary(&self, verb: &str) -> String {
        let total: usize = self.pages_per_lang.iter().map(|(_, n)| n).sum();
        let per: Vec<String> = self
            .pages_per_lang
            .iter()
            .map(|(l, n)| format!("{n} {l}"))
            .collect();
        format!(
            "{verb} {total} pages ({}) in {} ms",
            per.join(", "),
            self.millis
        )
    }
}

impl Project {
    /// Runs every stage up to rendered Markdown. All problems are returned together.
    pub fn load(options: BuildOptions) -> Result<Project, Diagnostics> {
        let mut project = Project::load_graph(options)?;
        let ids: Vec<NodeId> = (0..project.site.nodes.len()).collect();
        let (markdown, mut diags) = render_markdown(&project.site, &project.highlighter, &ids);
        project.markdown = markdown;
        diags.extend(project.check_anchor_links());
        diags.extend(std::mem::take(&mut project.warnings));
        if diags.has_errors() {
            return Err(diags.sorted());
        }
        project.warnings = diags.sorted();
        Ok(project)
    }

    /// Runs the stages up to the site graph; Markdown is not rendered yet.
    pub fn load_graph(options: BuildOptions) -> Result<Project, Diagnostics> {
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
        let (theme, (docs, mut diags)) = rayon::join(
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
        let docs: Vec<_> = docs
            .into_iter()
            .filter(|d| options.drafts || !d.meta.draft)
            .collect();
        let site = match Site::new(config.clone(), docs) {
            Ok(s) => Some(s),
            Err(e) => {
                diags.extend(e);
                None
            }
        };
        let (Some(theme), Some(mut site), false) = (theme, site, diags.has_errors()) else {
            return Err(diags.sorted());
        };
        site.static_files = theme.static_files.keys().cloned().collect();
        timing("load, graph");
        if diags.has_errors() {
            return Err(diags.sorted());
        }
        Ok(Project {
            options,
            config,
            theme,
            site,
            markdown: HashMap::new(),
            highlighter: Highlighter::new(),
            warnings: diags.sorted(),
        })
    }

    pub fn renderer(&self) -> Result<Renderer<'_>, Diagnostics> {
        Renderer::new(
            &self.site,
            &self.theme,
            &self.theme.assets,
            &self.markdown,
            &self.options.render,
        )
    }

    /// Renders every output file.
    pub fn render_all(&self) -> Result<Outputs, Diagnostics> {
        let renderer = self.renderer()?;
        let (outputs, diags) = renderer.render_all();
        if diags.has_errors() {
            Err(diags.sorted())
        } else {
            Ok(outputs)
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
        let sources = [
            content::CONTENT_DIR,
            "themes",
            crate::render::theme::SITE_TEMPLATES,
            crate::render::theme::SITE_STATIC,
            crate::config::CONFIG_FILE,
        ];
        let clash = root.starts_with(&out) || sources.iter().any(|s| out.starts_with(root.join(s)));
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

/// Renders every page and site file into `sink` as it goes: Markdown and template per page in
/// one parallel pass, so no stage holds the whole site in memory. Anchor links are checked at the
/// end; with any error the caller discards what the sink received.
pub fn render_into(project: &Project, sink: &dyn Sink) -> Result<(), Diagnostics> {
    let renderer = project.renderer()?;
    let tera = renderer.tera();
    let site = &project.site;
    let bar = if project.options.progress && site.nodes.len() >= PROGRESS_MIN_PAGES {
        let bar = indicatif::ProgressBar::new(site.nodes.len() as u64);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} pages {elapsed}")
        {
            bar.set_style(style);
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let results: Vec<(PathBuf, Rendered, Diagnostics)> = (0..site.nodes.len())
        .into_par_iter()
        .map(|id| {
            bar.inc(1);
            let (mut rendered, mut diags) = markdown::render(site, id, &project.highlighter);
            if !diags.has_errors() {
                match renderer.render_node_with(tera, id, &rendered) {
                    Ok((path, bytes)) => {
                        if let Err(e) = sink.put(&path, &bytes) {
                            diags.push(write_error(&path, &e));
                        }
                    }
                    Err(d) => diags.push(d),
                }
            }
            // Keep what the link check needs, not the HTML.
            let rendered = Rendered {
                heading_ids: std::mem::take(&mut rendered.heading_ids),
                anchor_links: std::mem::take(&mut rendered.anchor_links),
                ..Rendered::default()
            };
            (site.node(id).doc.source.clone(), rendered, diags)
        })
        .collect();
    bar.finish_and_clear();
    timing("markdown and pages");
    let mut diags = Diagnostics::new();
    let mut facts = HashMap::with_capacity(results.len());
    for (source, rendered, d) in results {
        diags.extend(d);
        facts.insert(source, rendered);
    }
    diags.extend(check_anchor_links(&facts));
    let (listings, d) = renderer.render_taxonomies(tera);
    diags.extend(d);
    let (files, d) = renderer.render_site_files(tera);
    diags.extend(d);
    let diags = crate::render::dedupe_template_errors(diags);
    if diags.has_errors() {
        return Err(diags.sorted());
    }
    let rest = listings
        .files
        .iter()
        .chain(&files.files)
        .chain(&project.theme.assets.files);
    for (path, bytes) in rest {
        sink.put(path, bytes)
            .map_err(|e| Diagnostics::from(write_error(path, &e)))?;
    }
    timing("listings and site files");
    Ok(())
}

fn write_error(path: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(path, format!("cannot write: {e}")).hint("check the disk space and permissions of the output directory; the previous output is untouched")
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
    render_into(&project, &staging)?;
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
        warnings: project.warnings.clone(),
        output_dir: dir,
    })
}

/// `optout check`: every validation of `build`, rendering included, without writing.
pub fn check(mut options: BuildOptions) -> Result<BuildReport, Diagnostics> {
    let start = Instant::now();
    options.strict = true;
    let project = Project::load_graph(options)?;
    let sink = Discard::default();
    render_into(&project, &sink)?;
    Ok(BuildReport {
        pages_per_lang: project.pages_per_lang(),
        files: sink.files.load(std::sync::atomic::Ordering::Relaxed),
        bytes: sink.bytes.load(std::sync::atomic::Ordering::Relaxed),
        millis: start.elapsed().as_millis(),
        warnings: project.warnings.clone(),
        output_dir: project.output_dir(),
    })
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
                            link.target.display(),
                            link.fragment
                        ),
                    )
                    .at_line(link.line)
                    .hint(markdown::known_anchors(&target.heading_ids)),
                );
            }
        }
    }
    diags
}

/// With `OPTOUT_TIMINGS=1`, prints how long each stage took (for profiling builds and rebuilds).
pub(crate) fn timing(stage: &str) {
    use std::sync::{Mutex, OnceLock};
    static LAST: OnceLock<Option<Mutex<Instant>>> = OnceLock::new();
    let last =
        LAST.get_or_init(|| std::env::var_os("OPTOUT_TIMINGS").map(|_| Mutex::new(Instant::now())));
    if let Some(Ok(mut last)) = last.as_ref().map(Mutex::lock) {
        eprintln!(
            "[{:>8.2} ms] {stage}",
            last.elapsed().as_secs_f64() * 1000.0
        );
        *last = Instant::now();
    }
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
