//! Content stage: discovers `content/`, reads each Markdown file with its optional language-neutral
//! `.yaml`, and turns them into typed [`Document`]s. Nothing here knows about URLs or templates.

pub mod assets;
pub mod drift;
pub mod front_matter;
pub mod meta;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::{Config, Lang};
use crate::error::{Diagnostic, Diagnostics};
pub use assets::{Asset, ImageSize};
pub use meta::{
    Audience, Certainty, DocKind, GuideMeta, OptOut, OptOutMethod, PageMeta, Source, SourceDate,
    TranslationMark,
};
use meta::{MetaText, RawMeta};

pub const CONTENT_DIR: &str = "content";
/// Larger files are refused: no guide is that long, and it protects the preview server's memory.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;
/// Marker the scaffold (`optout new`) leaves in placeholders; `check` refuses it. It is specific
/// on purpose: a plain `TODO` is content (a code sample, a note in an HTML comment), only the
/// scaffold's own marker is a placeholder.
pub const PLACEHOLDER: &str = "TODO(optout)";

/// Pairs translations: `guides/facebook.de.md` and `guides/facebook.en.md` share a key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocKey {
    /// Directory below `content/`, `/`-separated, empty for the root.
    pub dir: String,
    /// File name without language and extension; `_index` for sections.
    pub name: String,
}

impl DocKey {
    pub fn is_section(&self) -> bool {
        self.name == "_index"
    }

    /// The key of the section that contains this document (for a section: its parent).
    pub fn parent_section(&self) -> Option<DocKey> {
        if self.is_section() {
            if self.dir.is_empty() {
                return None;
            }
            let parent = self.dir.rsplit_once('/').map_or("", |(p, _)| p);
            Some(DocKey {
                dir: parent.to_string(),
                name: "_index".into(),
            })
        } else {
            Some(DocKey {
                dir: self.dir.clone(),
                name: "_index".into(),
            })
        }
    }

    /// The source path for a language: `guides/facebook.de.md`.
    pub fn source_path(&self, lang: &Lang) -> PathBuf {
        let file = format!("{}.{}.md", self.name, lang);
        if self.dir.is_empty() {
            PathBuf::from(file)
        } else {
            Path::new(&self.dir).join(file)
        }
    }

    /// The language-neutral metadata file: `guides/facebook.yaml`.
    pub fn neutral_path(&self) -> PathBuf {
        let file = format!("{}.yaml", self.name);
        if self.dir.is_empty() {
            PathBuf::from(file)
        } else {
            Path::new(&self.dir).join(file)
        }
    }
}

/// A parsed Markdown file: typed metadata plus the body, not yet rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Path below `content/`, e.g. `guides/facebook.de.md`.
    pub source: PathBuf,
    pub key: DocKey,
    pub lang: Lang,
    pub kind: DocKind,
    pub meta: PageMeta,
    pub body: String,
    /// Line of the body's first line in the file, for locating Markdown errors.
    pub body_line: usize,
}

impl Document {
    /// Path relative to the site root, as diagnostics show it.
    pub fn display_path(&self) -> PathBuf {
        Path::new(CONTENT_DIR).join(&self.source)
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    pub drafts: bool,
    /// `check`: placeholders left by the scaffold are errors, not warnings.
    pub strict: bool,
}

/// What a file name under `content/` means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceKind {
    Markdown {
        key: DocKey,
        lang: Lang,
    },
    Neutral {
        key: DocKey,
    },
    /// Any other file: a screenshot, a PDF, published for the pages that link to it.
    Asset,
    /// Editor backups, hidden files and other files that are not content.
    Ignored,
}

/// Classifies a content-relative path; a Markdown file without a known language is an error.
pub fn classify(config: &Config, rel: &Path) -> Result<SourceKind, Diagnostic> {
    let display = Path::new(CONTENT_DIR).join(rel);
    let Some(file_name) = rel.file_name().and_then(|n| n.to_str()) else {
        return Err(Diagnostic::error(&display, "file name is not valid UTF-8")
            .hint("rename the file using UTF-8 characters"));
    };
    if rel
        .iter()
        .any(|c| c.to_str().is_some_and(crate::layout::is_editor_leftover))
    {
        return Ok(SourceKind::Ignored);
    }
    let dir = match rel.parent().map(|p| p.to_str()) {
        Some(Some(d)) => d.replace('\\', "/"),
        _ => {
            return Err(
                Diagnostic::error(&display, "directory name is not valid UTF-8")
                    .hint("rename the folder using UTF-8 characters"),
            );
        }
    };
    if let Some(stem) = file_name
        .strip_suffix(".yaml")
        .or_else(|| file_name.strip_suffix(".yml"))
    {
        return Ok(SourceKind::Neutral {
            key: DocKey {
                dir,
                name: stem.to_string(),
            },
        });
    }
    let Some(stem) = file_name.strip_suffix(".md") else {
        return Ok(SourceKind::Asset);
    };
    let langs: Vec<&str> = config.langs().map(Lang::as_str).collect();
    match stem.rsplit_once('.') {
        Some((name, lang)) if config.is_language(lang) && !name.is_empty() => {
            Ok(SourceKind::Markdown {
                key: DocKey {
                    dir,
                    name: name.to_string(),
                },
                lang: Lang(lang.to_string()),
            })
        }
        Some((_, lang)) if lang.len() == 2 => Err(Diagnostic::error(
            &display,
            format!("`{lang}` is not a configured language"),
        )
        .hint(format!(
            "configured languages: {}; add `{lang}` to site.yaml or rename the file",
            langs.join(", ")
        ))),
        _ => Err(
            Diagnostic::error(&display, "Markdown file without a language suffix").hint(format!(
                "rename it to `{stem}.{}.md` (one file per language: {})",
                langs[0],
                langs
                    .iter()
                    .map(|l| format!("{stem}.{l}.md"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        ),
    }
}

/// What is under `content/`, sorted by path: the Markdown files, the keys of the metadata files
/// and the assets (content-relative).
#[derive(Debug, Default)]
pub struct Discovered {
    pub markdown: Vec<(PathBuf, DocKey, Lang)>,
    pub neutral: Vec<DocKey>,
    pub assets: Vec<PathBuf>,
}

/// Every file under `content/`, sorted, and the problems found while walking.
pub fn discover(root: &Path, config: &Config) -> (Discovered, Diagnostics) {
    let content = root.join(CONTENT_DIR);
    let mut diags = Diagnostics::new();
    let mut found = Discovered::default();
    if !content.is_dir() {
        diags.push(
            Diagnostic::error(CONTENT_DIR, "no content/ directory")
                .hint("create content/_index.de.md (and one per language) for the home pages"),
        );
        return (found, diags);
    }
    for file in site_files(root, Path::new(CONTENT_DIR), &mut diags) {
        let Ok(rel) = file.strip_prefix(&content) else {
            continue;
        };
        match classify(config, rel) {
            Ok(SourceKind::Markdown { key, lang }) => {
                found.markdown.push((rel.to_path_buf(), key, lang))
            }
            Ok(SourceKind::Neutral { key }) => found.neutral.push(key),
            Ok(SourceKind::Asset) => found.assets.push(rel.to_path_buf()),
            Ok(SourceKind::Ignored) => {}
            Err(d) => diags.push(d),
        }
    }
    (found, diags)
}

/// Every file below `root/dir`, sorted by name, following symbolic links that stay inside the site.
/// Link loops, unreadable entries and links out of the site become diagnostics: the site may be
/// built from an untrusted pull request, and a link to `/etc/passwd` must not end up published.
pub fn site_files(root: &Path, dir: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut walk = walkdir::WalkDir::new(root.join(dir))
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walk.next() {
        let relative = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_path_buf();
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(relative).unwrap_or_else(|| dir.to_path_buf());
                let msg = if e.loop_ancestor().is_some() {
                    "symbolic link loop".to_string()
                } else {
                    format!("cannot read: {e}")
                };
                diags.push(
                    Diagnostic::error(path, msg).hint("remove the link or fix the permissions"),
                );
                continue;
            }
        };
        if entry.path_is_symlink() && !inside_root(root, entry.path()) {
            diags.push(
                Diagnostic::error(relative(entry.path()), "symbolic link to outside the site")
                    .hint("copy the file into the site instead"),
            );
            if entry.file_type().is_dir() {
                walk.skip_current_dir();
            }
            continue;
        }
        if entry.file_type().is_file() {
            files.push(entry.into_path());
        }
    }
    files
}

/// Whether `path` (after following symbolic links) lies inside `root`. The site may be built from
/// an untrusted pull request: a link to `/etc/passwd` must not end up published.
pub fn inside_root(root: &Path, path: &Path) -> bool {
    match (root.canonicalize(), path.canonicalize()) {
        (Ok(root), Ok(path)) => path.starts_with(root),
        _ => false,
    }
}

/// Everything under `content/`, loaded.
#[derive(Debug, Default)]
pub struct Loaded {
    pub docs: Vec<Document>,
    pub assets: Vec<Asset>,
    /// Errors that leave the documents whole (placeholders left, in `check`): the later stages
    /// still run, so their problems are reported with these. Not in `diags`.
    pub deferred: Diagnostics,
    /// Drafts left out (without `--drafts`), content-relative: the CLI says how many, so a
    /// page that does not appear is never a mystery.
    pub drafts_left_out: Vec<PathBuf>,
}

/// Loads all documents and assets; drafts are left out unless `opts.drafts`. Documents that
/// failed are left out too; their errors are in the diagnostics, with the warnings.
pub fn load_all(root: &Path, config: &Config, opts: LoadOptions) -> (Loaded, Diagnostics) {
    let (found, mut diags) = discover(root, config);
    let (results, (assets, asset_diags)) = rayon::join(
        || {
            found
                .markdown
                .par_iter()
                .map(|(rel, key, lang)| load_published(root, config, rel, key, lang, opts))
                .collect::<Vec<Result<(Option<Document>, Diagnostics), Diagnostics>>>()
        },
        || assets::load_assets(root, &found.assets),
    );
    diags.extend(asset_diags);
    let mut loaded = Loaded {
        docs: Vec::with_capacity(results.len()),
        assets,
        deferred: Diagnostics::new(),
        drafts_left_out: Vec::new(),
    };
    for ((rel, _, _), r) in found.markdown.iter().zip(results) {
        match r {
            Ok((None, _)) => loaded.drafts_left_out.push(rel.clone()),
            Ok((doc, notes)) => {
                for d in notes.0 {
                    if d.is_error() {
                        loaded.deferred.push(d);
                    } else {
                        diags.push(d);
                    }
                }
                loaded.docs.extend(doc);
            }
            Err(e) => diags.extend(e),
        }
    }
    for key in found.neutral {
        if !found.markdown.iter().any(|(_, k, _)| *k == key) {
            diags.push(orphan_metadata(&key));
        }
    }
    (loaded, diags)
}

/// Loads the given Markdown sources (content-relative) again, exactly as [`load_all`] would
/// load them now: per source the document, or `None` when it is gone or a draft left out; and
/// the problems, warnings included. A `.yaml` whose page is gone is an error here too.
pub fn reload(
    root: &Path,
    config: &Config,
    sources: &[PathBuf],
    opts: LoadOptions,
) -> (Vec<(PathBuf, Option<Document>)>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut loaded = Vec::new();
    let mut keys = Vec::new();
    for source in sources {
        let (key, lang) = match classify(config, source) {
            Ok(SourceKind::Markdown { key, lang }) => (key, lang),
            Ok(_) => continue,
            Err(d) => {
                // A file that is gone needs no valid name.
                if root.join(CONTENT_DIR).join(source).is_file() {
                    diags.push(d);
                }
                continue;
            }
        };
        if !keys.contains(&key) {
            keys.push(key.clone());
        }
        if !root.join(CONTENT_DIR).join(source).is_file() {
            loaded.push((source.clone(), None));
            continue;
        }
        match load_published(root, config, source, &key, &lang, opts) {
            Ok((doc, warnings)) => {
                diags.extend(warnings);
                loaded.push((source.clone(), doc));
            }
            Err(e) => diags.extend(e),
        }
    }
    for key in keys {
        let has_page = config
            .langs()
            .any(|l| root.join(CONTENT_DIR).join(key.source_path(l)).is_file());
        if !has_page && root.join(CONTENT_DIR).join(key.neutral_path()).is_file() {
            diags.push(orphan_metadata(&key));
        }
    }
    (loaded, diags)
}

/// One document as the site publishes it: `None` for a draft unless drafts are built. A draft
/// left out is left out of the reports too: its placeholders and warnings are reported with
/// `--drafts`, which is when it is built.
fn load_published(
    root: &Path,
    config: &Config,
    rel: &Path,
    key: &DocKey,
    lang: &Lang,
    opts: LoadOptions,
) -> Result<(Option<Document>, Diagnostics), Diagnostics> {
    let (doc, warnings) = load_document(root, config, rel, key, lang, opts)?;
    if opts.drafts || !doc.meta.draft {
        Ok((Some(doc), warnings))
    } else {
        Ok((None, Diagnostics::new()))
    }
}

fn orphan_metadata(key: &DocKey) -> Diagnostic {
    Diagnostic::error(
        Path::new(CONTENT_DIR).join(key.neutral_path()),
        "metadata file without a Markdown page",
    )
    .hint(format!(
        "create {}.<lang>.md beside it, or delete it",
        key.name
    ))
}

/// Reads a file under the site root with the size and UTF-8 checks every input gets.
pub fn read_text(root: &Path, rel_to_root: &Path) -> Result<String, Diagnostic> {
    let path = root.join(rel_to_root);
    let meta = std::fs::metadata(&path).map_err(|e| {
        Diagnostic::error(rel_to_root, format!("cannot read: {e}"))
            .hint("check that the file exists and that you may read it (permissions)")
    })?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(Diagnostic::error(
            rel_to_root,
            format!(
                "file is {:.1} MB; the limit is {} MB",
                meta.len() as f64 / 1e6,
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        )
        .hint("split it into several pages; large media belong in static/"));
    }
    let bytes = std::fs::read(&path).map_err(|e| {
        Diagnostic::error(rel_to_root, format!("cannot read: {e}"))
            .hint("check that the file exists and that you may read it (permissions)")
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = valid.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        Diagnostic::error(rel_to_root, "the file is not valid UTF-8")
            .at(line, column)
            .hint("save the file as UTF-8 (most editors: \"Save with encoding\")")
    })
}

/// Loads one Markdown file and merges its language-neutral `.yaml`, if there is one.
pub fn load_document(
    root: &Path,
    config: &Config,
    rel: &Path,
    key: &DocKey,
    lang: &Lang,
    opts: LoadOptions,
) -> Result<(Document, Diagnostics), Diagnostics> {
    let display = Path::new(CONTENT_DIR).join(rel);
    let text = read_text(root, &display)?;
    let neutral_display = Path::new(CONTENT_DIR).join(key.neutral_path());
    let neutral_source = if root.join(&neutral_display).is_file() {
        Some(read_text(root, &neutral_display)?)
    } else {
        None
    };
    parse_document(
        config,
        rel,
        key,
        lang,
        &text,
        neutral_source.as_deref(),
        opts,
    )
}

/// The part of [`load_document`] after reading: a Markdown file's text and the text of its
/// language-neutral `.yaml` (if there is one) to a [`Document`]. Public so that the fuzz
/// targets drive exactly the loader `build` uses, without a file system.
pub fn parse_document(
    config: &Config,
    rel: &Path,
    key: &DocKey,
    lang: &Lang,
    text: &str,
    neutral_source: Option<&str>,
    opts: LoadOptions,
) -> Result<(Document, Diagnostics), Diagnostics> {
    let display = Path::new(CONTENT_DIR).join(rel);
    let split = front_matter::split(&display, text)?;
    let md_text = MetaText {
        file: &display,
        text: split.yaml,
        first_line: split.yaml_line,
    };
    let md_raw = parse_raw(&md_text)?;

    let neutral_display = Path::new(CONTENT_DIR).join(key.neutral_path());
    let neutral_text = neutral_source.map(|t| MetaText {
        file: &neutral_display,
        text: t,
        first_line: 1,
    });
    let neutral_raw = match &neutral_text {
        Some(t) => Some((parse_raw(t)?, t)),
        None => None,
    };
    let kind = if key.is_section() {
        DocKind::Section
    } else {
        DocKind::Page
    };
    let merged = meta::merge(md_raw, &md_text, neutral_raw)?;
    let mut texts = vec![&md_text];
    if let Some(t) = &neutral_text {
        texts.push(t);
    }
    let page_meta = meta::validate(merged, kind, &texts, config.review_every_days)?;

    let mut notes = placeholders(&display, text, opts.strict);
    if let Some(t) = neutral_source {
        notes.extend(placeholders(&neutral_display, t, opts.strict));
    }
    let doc = Document {
        source: rel.to_path_buf(),
        key: key.clone(),
        lang: lang.clone(),
        kind,
        meta: page_meta,
        body: split.body.to_string(),
        body_line: split.body_line,
    };
    // Placeholder errors (`check`) leave the document whole: the caller decides whether they
    // stop the build, so that they never hide the problems of later stages.
    Ok((doc, notes))
}

fn parse_raw(t: &MetaText) -> Result<RawMeta, Diagnostic> {
    if t.text.trim().is_empty() {
        return Ok(RawMeta::default());
    }
    crate::yaml::parse(t.file, t.text, t.first_line)
}

/// Lines still holding the scaffold's placeholder marker.
fn placeholders(file: &Path, text: &str, strict: bool) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(col) = line.find(PLACEHOLDER) {
            let msg = format!("placeholder left: {}", line.trim());
            let d = if strict {
                Diagnostic::error(file, msg)
            } else {
                Diagnostic::warning(file, msg)
            };
            diags.push(
                d.at(i + 1, col + 1)
                    .hint("replace the placeholder with the real text"),
            );
        }
    }
    diags
}
