//! `optout check`: the editor's quality gate, on top of the pipeline like `serve`.
//!
//! It loads and renders the site with the build's own stages (every error `build` would report),
//! then adds the editorial findings that need the whole site or the outside world:
//! - [`translations`]: translations whose original changed since they were marked;
//! - [`freshness`]: guides due for review, deadlines passed without a note, placeholders;
//! - [`external`]: every external link and cited source, fetched only with `--external`,
//!   and the sources whose text changed since `sources.lock` recorded them.
//!
//! Findings are [`Diagnostic`]s with a class; [`format`] shows them for people, as JSON or as
//! GitHub workflow annotations. Nothing here parses content again: documents, bodies and links
//! come from the [`Project`](crate::build::Project).

pub mod external;
pub mod format;
pub mod freshness;
pub mod translations;

use std::path::Path;
use std::time::Instant;

use chrono::NaiveDate;
use serde::Serialize;

use crate::build::{BuildOptions, Project};
use crate::config::Lang;
use crate::error::{Diagnostic, Diagnostics};
use crate::output::Discard;

pub use external::{ExternalLink, HttpOptions};

#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub build: BuildOptions,
    /// Fetch every external link (`--external`); off by default, so `check` never needs a network.
    pub external: bool,
    /// Record the fetched state of the sources in `sources.lock` (`--update-lock`).
    pub update_lock: bool,
    /// The day reviews and deadlines are measured against (the CLI: today).
    pub today: NaiveDate,
    pub http: HttpOptions,
}

impl CheckOptions {
    pub fn new(build: BuildOptions, today: NaiveDate) -> CheckOptions {
        CheckOptions {
            build,
            external: false,
            update_lock: false,
            today,
            http: HttpOptions::default(),
        }
    }
}

/// What kind of finding a diagnostic is, for JSON and for filtering in CI. Stable names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// Anything `build` reports (syntax, links, templates, metadata).
    Build,
    /// A scaffold placeholder (`TODO(optout)`) left in a page.
    Placeholder,
    /// The original changed since the translation was marked.
    TranslationOutdated,
    /// A `translation_of` that names no existing original.
    TranslationMark,
    /// A page without its counterpart in another language.
    TranslationMissing,
    /// A guide past its `next_review`.
    ReviewOverdue,
    /// An opt-out deadline in the past that the guide's text does not mention.
    DeadlinePassed,
    /// An external link that does not answer, or answers with an error status.
    LinkDead,
    /// An external link that redirects elsewhere.
    LinkRedirect,
    /// A source whose visible text changed since `sources.lock` recorded it.
    SourceChanged,
    /// A source `sources.lock` does not know yet.
    SourceUnrecorded,
}

impl Class {
    /// Pipeline diagnostics: placeholders are told apart by their message.
    fn of_build(d: &Diagnostic) -> Class {
        if d.message.starts_with("placeholder left") {
            Class::Placeholder
        } else {
            Class::Build
        }
    }
}

/// One finding: a located diagnostic and its class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub class: Class,
    #[serde(flatten)]
    pub diagnostic: Diagnostic,
}

/// How the translations stand, for the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TranslationCounts {
    pub in_step: usize,
    pub outdated: usize,
    pub unmarked: usize,
    pub missing: usize,
}

/// Everything `check` found.
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    pub findings: Vec<Finding>,
    pub pages_per_lang: Vec<(Lang, usize)>,
    pub translations: TranslationCounts,
    /// Every external link and cited source, fetched or not.
    pub external_links: Vec<ExternalLink>,
    /// Whether the external links were fetched (`--external`).
    pub fetched: bool,
    pub millis: u128,
    /// Drafts not checked (without `--drafts`), content-relative.
    pub drafts_left_out: Vec<std::path::PathBuf>,
}

impl CheckReport {
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.diagnostic.is_error())
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.findings.len() - self.errors()
    }

    /// A report of a site that did not load: only the pipeline's errors.
    pub fn failed(diags: Diagnostics) -> CheckReport {
        let mut report = CheckReport::default();
        report.add_build(diags);
        report
    }

    fn add_build(&mut self, diags: Diagnostics) {
        for d in diags.0 {
            self.findings.push(Finding {
                class: Class::of_build(&d),
                diagnostic: d,
            });
        }
    }

    fn add(&mut self, class: Class, diags: Diagnostics) {
        for d in diags.0 {
            self.findings.push(Finding {
                class,
                diagnostic: d,
            });
        }
    }

    /// Sorted by file, line and column, errors first: the order people and CI see.
    fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            let (a, b) = (&a.diagnostic, &b.diagnostic);
            (&a.file, a.line, a.column, a.severity, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.severity, &b.message))
        });
        self.findings.dedup();
    }
}

/// Runs every check. A site that does not load is a report with its errors, never a panic.
pub fn run(options: CheckOptions) -> CheckReport {
    let start = Instant::now();
    let mut build = options.build.clone();
    build.strict = true;
    // A site whose Markdown has errors (a broken link) still gets its editorial findings: the
    // editor sees everything to fix at once. Only a site without a graph stops here.
    let (project, markdown_errors) = match Project::load_reporting(build) {
        Ok(loaded) => loaded,
        Err(diags) => {
            let mut report = CheckReport::failed(diags);
            report.sort();
            return report;
        }
    };
    let mut report = CheckReport {
        pages_per_lang: project.pages_per_lang(),
        drafts_left_out: project.drafts_left_out.clone(),
        ..CheckReport::default()
    };
    report.add_build(project.warnings.all());
    if markdown_errors.has_errors() {
        report.add_build(markdown_errors);
    } else {
        // Templates, feeds and site files render as in `build`, into nowhere.
        let rendered = match project.renderer() {
            Ok(renderer) => renderer.render_set(
                &project.outputs(),
                &project.stored_bodies(),
                &Discard::default(),
            ),
            Err(e) => e,
        };
        report.add_build(rendered);
    }
    crate::build::timing("check: build stages");

    let (drift, counts) = translations::findings(&project);
    report.translations = counts;
    report.add(Class::TranslationOutdated, drift.outdated);
    report.add(Class::TranslationMark, drift.marks);
    // A missing file that pages link to is already a build error about that file: one finding.
    let mut missing = drift.missing;
    missing.0.retain(|m| {
        !report.findings.iter().any(|f| {
            f.class == Class::Build && f.diagnostic.is_error() && f.diagnostic.file == m.file
        })
    });
    report.add(Class::TranslationMissing, missing);
    crate::build::timing("check: translations");
    let fresh = freshness::findings(&project, options.today);
    report.add(Class::ReviewOverdue, fresh.overdue);
    report.add(Class::DeadlinePassed, fresh.deadlines);

    report.external_links = external::links(&project);
    if options.external {
        report.fetched = true;
        let root = project.options.root.clone();
        let found = external::check(
            &root,
            &report.external_links,
            &options.http,
            options.update_lock,
        );
        report.add(Class::LinkDead, found.dead);
        report.add(Class::LinkRedirect, found.redirects);
        report.add(Class::SourceChanged, found.changed);
        report.add(Class::SourceUnrecorded, found.unrecorded);
        report.add_build(found.lock_errors);
    }
    report.sort();
    report.millis = start.elapsed().as_millis();
    report
}

/// The line of `key:` in a file below the root, for findings about a key; `None` when the file
/// cannot be read (the finding still names the file).
fn key_line_in(root: &Path, file: &Path, key: &str) -> Option<usize> {
    let text = crate::content::read_text(root, file).ok()?;
    text.lines()
        .any(|l| l.trim_start().starts_with(&format!("{key}:")))
        .then(|| crate::config::key_line(&text, key))
}
