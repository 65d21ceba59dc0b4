//! Translations and their originals: the status of every pair, the `check` findings for
//! outdated ones, and `optout translations mark`, which records that a translation is in step.
//!
//! Which language is the original: the default language (`de`), unless a translation's mark
//! names another (`optout translations mark PAGE --from en` writes such a mark).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use super::TranslationCounts;
use crate::build::{BuildOptions, Project};
use crate::config::{FindingLevel, Lang};
use crate::content::drift::{self, Drift, Fingerprint};
use crate::content::{CONTENT_DIR, DocKey, TranslationMark, front_matter};
use crate::error::{Diagnostic, Diagnostics};
use crate::site::{NodeId, Site};

/// How one translation stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Status {
    /// Marked, and the original has not changed since.
    Ok { marked: NaiveDate },
    /// The original changed since the mark: what changed, for people.
    Outdated {
        marked: NaiveDate,
        /// The original's `updated` (or `date`) where it has one: when it says it changed.
        original_updated: Option<NaiveDate>,
        changes: String,
    },
    /// Never marked with `optout translations mark`.
    Unmarked,
    /// The page has no translation in this language.
    Missing,
}

/// One row of `optout translations`: a page, its original and one of its languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// `guides/facebook` (the section index: `guides/_index`).
    pub page: String,
    pub original: Lang,
    pub lang: Lang,
    /// The original's file, relative to the root.
    pub original_file: PathBuf,
    /// The translation's file (absent when missing).
    pub file: Option<PathBuf>,
    #[serde(flatten)]
    pub status: Status,
}

/// The original of a document key: the language a mark names, else the default language.
fn original_lang(site: &Site, key: &DocKey) -> Lang {
    site.config
        .langs()
        .filter_map(|l| site.find(key, l))
        .find_map(|id| site.node(id).doc.meta.translation_of.as_ref())
        .map(|m| m.original.clone())
        .filter(|l| site.config.is_language(l.as_str()))
        .unwrap_or_else(|| site.config.default_language.clone())
}

/// Every translation of every page whose original exists, sorted by page and language.
pub fn rows(site: &Site) -> Vec<Row> {
    let mut keys: Vec<&DocKey> = site
        .nodes
        .iter()
        .map(|n| &n.doc.key)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    keys.sort();
    keys.par_iter()
        .flat_map_iter(|key| key_rows(site, key))
        .collect()
}

fn key_rows(site: &Site, key: &DocKey) -> Vec<Row> {
    let original = original_lang(site, key);
    let Some(original_id) = site.find(key, &original) else {
        return Vec::new();
    };
    let original_doc = &site.node(original_id).doc;
    // Computed once per original, and only when a translation has a mark to compare.
    let mut fingerprint: Option<Fingerprint> = None;
    let page = format!(
        "{}{}",
        if key.dir.is_empty() {
            String::new()
        } else {
            format!("{}/", key.dir)
        },
        key.name
    );
    let mut rows = Vec::new();
    for lang in site.config.langs().filter(|l| **l != original) {
        let id = site.find(key, lang);
        let status = match id.map(|id| &site.node(id).doc) {
            None => Status::Missing,
            Some(doc) => match &doc.meta.translation_of {
                None => Status::Unmarked,
                Some(mark) => {
                    let fp = fingerprint.get_or_insert_with(|| drift::fingerprint(original_doc));
                    match drift::compare(fp, mark) {
                        Drift::InStep => Status::Ok {
                            marked: mark.marked,
                        },
                        Drift::Outdated(changes) => Status::Outdated {
                            marked: mark.marked,
                            original_updated: original_doc.meta.updated.or(original_doc.meta.date),
                            changes: drift::summarise(original_doc, fp, &changes),
                        },
                    }
                }
            },
        };
        rows.push(Row {
            page: page.clone(),
            original: original.clone(),
            lang: lang.clone(),
            original_file: original_doc.display_path(),
            file: id.map(|id| site.node(id).doc.display_path()),
            status,
        });
    }
    rows
}

/// What `check` reports about translations.
#[derive(Debug, Default)]
pub struct Findings {
    pub outdated: Diagnostics,
    /// Marks that name a language without an original page.
    pub marks: Diagnostics,
    /// Pages without a counterpart in a language. (One that pages link to is an error of the
    /// build already: then `check` does not get here.)
    pub missing: Diagnostics,
}

pub fn findings(project: &Project) -> (Findings, TranslationCounts) {
    let site = &project.site;
    let root = &project.options.root;
    let mut found = Findings::default();
    let mut counts = TranslationCounts::default();
    for row in rows(site) {
        match &row.status {
            Status::Ok { .. } => counts.in_step += 1,
            Status::Unmarked => counts.unmarked += 1,
            Status::Missing => {
                counts.missing += 1;
                found.missing.push(missing_translation(site, &row));
            }
            Status::Outdated {
                marked, changes, ..
            } => {
                counts.outdated += 1;
                let Some(file) = &row.file else { continue };
                let message = format!(
                    "translation may be out of date: {} changed since this translation was marked on {marked}",
                    row.original_file.display()
                );
                let d = match site.config.translations.outdated {
                    FindingLevel::Warning => Diagnostic::warning(file, message),
                    FindingLevel::Error => Diagnostic::error(file, message),
                };
                let d = match super::key_line_in(root, file, "translation_of") {
                    Some(line) => d.at(line, 1),
                    None => d,
                };
                found.outdated.push(d.hint(format!(
                    "changed in the original: {changes}; bring this translation up to date, then run `optout translations mark {}`",
                    file.display()
                )));
            }
        }
    }
    // A mark whose original is gone (renamed, a language removed) compares with nothing.
    for node in &site.nodes {
        let Some(mark) = &node.doc.meta.translation_of else {
            continue;
        };
        if site.find(&node.doc.key, &mark.original).is_none() || mark.original == *node.lang() {
            let file = node.doc.display_path();
            let line = super::key_line_in(root, &file, "translation_of").unwrap_or(1);
            found.marks.push(
                Diagnostic::warning(
                    &file,
                    format!(
                        "`translation_of` names the {} original, but there is no {}",
                        mark.original,
                        node.doc.key.source_path(&mark.original).display()
                    ),
                )
                .at(line, 1)
                .hint("remove `translation_of`, or mark the page again against its original with `optout translations mark`"),
            );
        }
    }
    (found, counts)
}

/// `content/guides/instagram.en.md: warning: instagram.en.md is missing …`.
fn missing_translation(site: &Site, row: &Row) -> Diagnostic {
    let file = Path::new(CONTENT_DIR).join(format!("{}.{}.md", row.page, row.lang));
    let name = file
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    Diagnostic::warning(
        &file,
        format!(
            "{name} is missing: the {} site has no counterpart of {}",
            site.config.language(&row.lang).name,
            row.original_file.display()
        ),
    )
    .hint(format!(
        "create it (translate {}), or leave it out on purpose: readers in {} do not see this page",
        row.original_file.display(),
        site.config.language(&row.lang).name
    ))
}

/// What `optout translations mark` did to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Marked {
    /// A new or changed mark was written.
    Written(PathBuf),
    /// The mark was already up to date; the file is untouched.
    Unchanged(PathBuf),
}

/// Which translations to mark.
#[derive(Debug, Clone)]
pub enum MarkWhat {
    /// Every translation whose original exists.
    All,
    /// One page (a path to its `.md` file), against the original in `from` or the default
    /// language.
    Page { path: PathBuf, from: Option<Lang> },
}

/// `optout translations mark`: records in each translation's front matter the state of its
/// original, so `check` can tell when the original changes. Everything else in the file stays
/// byte for byte as it was. Drafts are marked too.
pub fn mark(
    options: BuildOptions,
    what: MarkWhat,
    today: NaiveDate,
) -> Result<Vec<Marked>, Diagnostics> {
    let root = options.root.clone();
    let project = Project::load_graph(BuildOptions {
        drafts: true,
        ..options
    })?;
    let site = &project.site;
    let targets: Vec<(NodeId, NodeId)> = match what {
        MarkWhat::All => site
            .nodes
            .iter()
            .enumerate()
            .filter_map(|(id, n)| {
                let original = original_lang(site, &n.doc.key);
                let original = match &n.doc.meta.translation_of {
                    Some(m) if site.find(&n.doc.key, &m.original).is_some() => m.original.clone(),
                    _ => original,
                };
                let oid = site.find(&n.doc.key, &original)?;
                (oid != id).then_some((id, oid))
            })
            .collect(),
        MarkWhat::Page { path, from } => vec![page_target(&root, site, &path, from)?],
    };
    let mut done = Vec::new();
    let mut diags = Diagnostics::new();
    for (id, original) in targets {
        let doc = &site.node(id).doc;
        let fp = drift::fingerprint(&site.node(original).doc);
        let file = doc.display_path();
        let in_step = doc.meta.translation_of.as_ref().is_some_and(|m| {
            m.original == site.node(original).doc.lang && drift::compare(&fp, m) == Drift::InStep
        });
        if in_step {
            done.push(Marked::Unchanged(file));
            continue;
        }
        match write_mark(&root, &file, &fp.mark(&site.node(original).doc, today)) {
            Ok(()) => done.push(Marked::Written(file)),
            Err(d) => diags.push(d),
        }
    }
    if diags.has_errors() {
        return Err(diags.sorted());
    }
    Ok(done)
}

/// The translation a `PAGE` argument names, and its original.
fn page_target(
    root: &Path,
    site: &Site,
    path: &Path,
    from: Option<Lang>,
) -> Result<(NodeId, NodeId), Diagnostics> {
    // `content/guides/x.en.md`, `guides/x.en.md`, or a path below the root given from elsewhere.
    let rel = path.strip_prefix(root).unwrap_or(path);
    let rel = rel.strip_prefix(CONTENT_DIR).unwrap_or(rel);
    let Some(&id) = site.by_source.get(rel) else {
        return Err(Diagnostic::error(path, "not a page of this site")
            .hint("name a translation's Markdown file, e.g. content/guides/facebook.en.md")
            .into());
    };
    let node = site.node(id);
    let original = from.unwrap_or_else(|| original_lang(site, &node.doc.key));
    if !site.config.is_language(original.as_str()) {
        let langs: Vec<&str> = site.config.langs().map(Lang::as_str).collect();
        return Err(Diagnostic::error(
            "--from",
            format!("`{original}` is not a configured language"),
        )
        .hint(format!("configured languages: {}", langs.join(", ")))
        .into());
    }
    if original == *node.lang() {
        return Err(Diagnostic::error(
            node.doc.display_path(),
            format!("this page is the original ({original}), not a translation"),
        )
        .hint("mark its translations instead, or name the language it was translated from with `--from LANG`")
        .into());
    }
    match site.find(&node.doc.key, &original) {
        Some(oid) => Ok((id, oid)),
        None => Err(Diagnostic::error(
            node.doc.display_path(),
            format!(
                "there is no original to mark against: {} does not exist",
                node.doc.key.source_path(&original).display()
            ),
        )
        .hint("create the original first, or name another language with `--from LANG`")
        .into()),
    }
}

/// Writes `translation_of: "…"` into the front matter of `file` (relative to the root):
/// replaces the line where there is one, else adds it as the last key. Nothing else changes.
pub fn write_mark(root: &Path, file: &Path, mark: &TranslationMark) -> Result<(), Diagnostic> {
    let text = crate::content::read_text(root, file)?;
    let updated = with_mark(file, &text, mark)?;
    let path = root.join(file);
    let dir = path.parent().unwrap_or(root);
    let write = || -> std::io::Result<()> {
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        std::io::Write::write_all(&mut tmp, updated.as_bytes())?;
        if let Ok(meta) = std::fs::metadata(&path) {
            tmp.as_file().set_permissions(meta.permissions())?;
        }
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(())
    };
    write().map_err(|e| {
        Diagnostic::error(file, format!("cannot write the mark: {e}"))
            .hint("check that the file and its directory are writable")
    })
}

/// The text of a Markdown file with its mark set.
pub fn with_mark(file: &Path, text: &str, mark: &TranslationMark) -> Result<String, Diagnostic> {
    let split = front_matter::split(file, text)?;
    let yaml_start = split.yaml.as_ptr() as usize - text.as_ptr() as usize;
    let yaml_end = yaml_start + split.yaml.len();
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let line = format!("translation_of: \"{mark}\"{newline}");
    // The existing key's line, and any indented lines that continue its value.
    let mut offset = yaml_start;
    let mut found: Option<(usize, usize)> = None;
    for l in split.yaml.split_inclusive('\n') {
        match &mut found {
            None if l.starts_with("translation_of:") => found = Some((offset, offset + l.len())),
            Some((_, end)) if l.starts_with([' ', '\t']) => *end = offset + l.len(),
            _ => {}
        }
        if found.is_some() && !l.starts_with("translation_of:") && !l.starts_with([' ', '\t']) {
            break;
        }
        offset += l.len();
    }
    let (from, to) = found.unwrap_or((yaml_end, yaml_end));
    Ok(format!("{}{line}{}", &text[..from], &text[to..]))
}

/// The status table of `optout translations`: page, languages, status; aligned columns.
pub fn table(rows: &[Row]) -> String {
    let cells: Vec<[String; 3]> = rows
        .iter()
        .map(|r| {
            let status = match &r.status {
                Status::Ok { marked } => format!("ok (marked {marked})"),
                Status::Unmarked => "not marked".to_string(),
                Status::Missing => "missing".to_string(),
                Status::Outdated {
                    marked,
                    original_updated,
                    changes,
                } => {
                    let updated = original_updated
                        .filter(|u| u > marked)
                        .map(|u| format!(", original updated {u}"))
                        .unwrap_or_default();
                    format!("outdated since {marked}{updated}: {changes}")
                }
            };
            [
                r.page.clone(),
                format!("{} → {}", r.original, r.lang),
                status,
            ]
        })
        .collect();
    let header = [
        "page".to_string(),
        "languages".to_string(),
        "status".to_string(),
    ];
    let width = |i: usize| {
        cells
            .iter()
            .chain([&header])
            .map(|c| c[i].chars().count())
            .max()
            .unwrap_or(0)
    };
    let (w0, w1) = (width(0), width(1));
    let mut out = String::new();
    for c in [&header].into_iter().chain(&cells) {
        let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w - s.chars().count()));
        out.push_str(&format!(
            "{}  {}  {}\n",
            pad(&c[0], w0),
            pad(&c[1], w1),
            c[2]
        ));
    }
    out
}
