//! `optout new SECTION/NAME`: scaffolds a platform guide in every language, with placeholders that
//! `check` refuses until they are replaced.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::{CONTENT_DIR, PLACEHOLDER};
use crate::error::{Diagnostic, Diagnostics};

/// Creates `content/SECTION/NAME.yaml` and `NAME.<lang>.md`; returns the files written.
pub fn new_guide(root: &Path, spec: &str) -> Result<Vec<PathBuf>, Diagnostics> {
    let config = Config::load(root)?;
    let spec = spec.trim_matches('/');
    let (section, name) = spec.rsplit_once('/').unwrap_or(("", spec));
    if name.is_empty()
        || crate::slug::slugify(name) != name
        || section.split('/').any(|s| s == "..")
    {
        return Err(Diagnostic::error(spec, "the name must be a slug such as `guides/tiktok`")
            .hint("use lowercase letters, digits and `-`; the part before the last `/` is the section directory")
            .into());
    }
    let dir = Path::new(CONTENT_DIR).join(section);
    if !root.join(&dir).is_dir() {
        return Err(
            Diagnostic::error(&dir, "the section directory does not exist")
                .hint(format!(
                    "create {}/_index.<lang>.md first, or pick an existing section",
                    dir.display()
                ))
                .into(),
        );
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
            Diagnostics::from(Diagnostic::error(file, format!("cannot write: {e}")))
        })?;
    }
    Ok(files.into_iter().map(|(f, _)| f).collect())
}

fn neutral_template(name: &str) -> String {
    format!(
        "# Language-neutral facts of the {name} guide, shared by every translation.\n\
         platform: {name}\n\
         operator: \"{PLACEHOLDER}: legal entity that runs the platform in the EU\"\n\
         audience: [personal]\n\
         regions: [EU, EEA]\n\
         opt_out:\n  method: form          # form | setting | email | none\n  url: \"https://example.org/{PLACEHOLDER}\"\n  requires_login: true\n  retroactive: false\n\
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
