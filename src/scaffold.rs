//! `optout new SECTION/NAME`: scaffolds a platform guide in every language, as a draft with
//! placeholders that `check --drafts` refuses until they are replaced.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::{CONTENT_DIR, PLACEHOLDER};
use crate::error::{Diagnostic, Diagnostics};

/// What `optout new` created, and where the preview will show it.
#[derive(Debug, Clone)]
pub struct Created {
    /// The files written, relative to the root.
    pub files: Vec<PathBuf>,
    /// The guide's path in the preview (`/de/anleitungen/tiktok/`), when the site builds.
    pub preview_path: Option<String>,
}

impl Created {
    /// What to do next: replace the placeholders, preview the draft, check it.
    pub fn next_steps(&self) -> String {
        let preview = match &self.preview_path {
            Some(path) => format!(" at http://127.0.0.1:1111{path}"),
            None => String::new(),
        };
        format!(
            "The guide is a draft: replace every {PLACEHOLDER}; `optout check -D` lists what is left.\n\
             Preview it with `optout serve -D`{preview}; remove `draft: true` to publish it."
        )
    }
}

/// Creates `content/SECTION/NAME.yaml` and `NAME.<lang>.md`.
pub fn new_guide(root: &Path, spec: &str) -> Result<Created, Diagnostics> {
    let config = Config::load(root)?;
    let spec = spec.trim_matches('/');
    let Some((section, name)) = spec.rsplit_once('/') else {
        return Err(no_section(root, &config, spec).into());
    };
    if name.is_empty()
        || crate::slug::slugify(name) != name
        || section
            .split('/')
            .any(|s| s == ".." || s == "." || s.is_empty())
    {
        return Err(Diagnostic::error(spec, "the name must be a slug such as `guides/tiktok`")
            .hint("use lowercase letters, digits and `-`; the part before the last `/` is the section folder")
            .into());
    }
    let dir = Path::new(CONTENT_DIR).join(section);
    if !root.join(&dir).is_dir() {
        return Err(Diagnostic::error(&dir, "the section folder does not exist")
            .hint(format!(
                "{}; or create {}/_index.{}.md (one per language) for a new section",
                sections_hint(root, &config, name),
                dir.display(),
                config.default_language
            ))
            .into());
    }
    let mut files = vec![(dir.join(format!("{name}.yaml")), neutral_template(name))];
    for lang in config.langs() {
        files.push((
            dir.join(format!("{name}.{lang}.md")),
            page_template(name, lang.as_str()),
        ));
    }
    let mut diags = Diagnostics::new();
    for (file, _) in &files {
        if root.join(file).exists() {
            diags.push(
                Diagnostic::error(file, "already exists")
                    .hint("pick another name or edit the existing guide"),
            );
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    for (file, text) in &files {
        std::fs::write(root.join(file), text).map_err(|e| {
            Diagnostics::from(
                Diagnostic::error(file, format!("cannot write: {e}"))
                    .hint("check that the section folder is writable"),
            )
        })?;
    }
    let source = Path::new(section).join(format!("{name}.{}.md", config.default_language));
    Ok(Created {
        files: files.into_iter().map(|(f, _)| f).collect(),
        preview_path: preview_path(root, &source),
    })
}

/// `optout new tiktok`: a guide belongs in a section; name them rather than guess one.
fn no_section(root: &Path, config: &Config, name: &str) -> Diagnostic {
    Diagnostic::error(name, "`optout new` needs a section: SECTION/NAME")
        .hint(sections_hint(root, config, name))
}

/// `write guides/tiktok (sections: business, guides)`.
fn sections_hint(root: &Path, config: &Config, name: &str) -> String {
    let sections = sections(root, config);
    match sections.first() {
        Some(first) => format!("write {first}/{name}; sections: {}", sections.join(", ")),
        None => format!(
            "no section yet: create content/guides/_index.{}.md, then write guides/{name}",
            config.default_language
        ),
    }
}

/// The section folders below content/ (those with an `_index.<default language>.md`), sorted,
/// `guides` first: it is where platform guides live.
pub fn sections(root: &Path, config: &Config) -> Vec<String> {
    let content = root.join(CONTENT_DIR);
    let index = format!("_index.{}.md", config.default_language);
    let mut found: Vec<String> = walkdir::WalkDir::new(&content)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir() && e.path().join(&index).is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(&content).ok()?;
            Some(rel.to_string_lossy().replace('\\', "/"))
        })
        .collect();
    found.sort_by_key(|s| (s != "guides", s.clone()));
    found
}

/// Where the preview serves the new guide (with drafts): its URL path under the base path.
fn preview_path(root: &Path, source: &Path) -> Option<String> {
    let options = crate::build::BuildOptions {
        root: root.to_path_buf(),
        drafts: true,
        ..Default::default()
    };
    let project = crate::build::Project::load_graph(options).ok()?;
    let node = project.site.nodes.iter().find(|n| n.doc.source == source)?;
    Some(project.config.path_url(&node.url))
}

fn neutral_template(name: &str) -> String {
    format!(
        "# Language-neutral facts of the {name} guide, shared by every translation.\n\
         platform: {name}\n\
         operator: \"{PLACEHOLDER}: legal entity that runs the platform in the EU\"\n\
         audience: [personal]\n\
         regions: [EU, EEA]\n\
         opt_out:\n  method: form          # form | setting | email | none | unknown\n  url: \"https://example.org/{PLACEHOLDER}\"\n  requires_login: true\n  retroactive: false\n\
         last_verified: 1970-01-01   # {PLACEHOLDER}: the date you checked the facts\n\
         draft: true\n\
         sources:\n  - title: \"{PLACEHOLDER}: title of the official page\"\n    url: \"https://example.org/{PLACEHOLDER}\"\n    date: 1970-01-01\n"
    )
}

fn page_template(name: &str, lang: &str) -> String {
    let p = PLACEHOLDER;
    let (title, steps) = if lang == "de" {
        (
            "Widerspruch gegen KI-Training",
            format!(
                "<!-- Screenshots: neben diese Datei legen, z. B. {name}/formular.de.png (eine Datei je Sprache) oder {name}/formular.png (für alle), und einbinden mit ![Was das Bild zeigt]({name}/formular.png) -->\n\n## So widersprechen Sie\n\n1. {p}: erster Schritt\n2. {p}: zweiter Schritt\n\n## Was der Widerspruch nicht abdeckt\n\n{p}\n"
            ),
        )
    } else {
        (
            "Objecting to AI training",
            format!(
                "<!-- Screenshots: save them beside this file, e.g. {name}/form.en.png (one per language) or {name}/form.png (shared), and show them with ![What the image shows]({name}/form.png) -->\n\n## How to object\n\n1. {p}: first step\n2. {p}: second step\n\n## What the objection does not cover\n\n{p}\n"
            ),
        )
    };
    format!(
        "---\ntitle: \"{PLACEHOLDER}: {name} – {title}\"\ndescription: \"{PLACEHOLDER}\"\nslug: {name}\ntags: []\n---\n\n{steps}"
    )
}
