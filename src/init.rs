//! `optout init [DIR]`: a new bilingual site that builds and checks clean at once: `site.yaml`,
//! the home pages, a guides section with one example guide in German and English (with sources
//! and `last_verified`), and the default theme. The theme is compiled into the binary, so an
//! installed `optout` needs no checkout of this repository.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use include_dir::{Dir, include_dir};

use crate::config::CONFIG_FILE;
use crate::content::CONTENT_DIR;
use crate::error::{Diagnostic, Diagnostics};

/// `themes/default` as it was when optout was compiled (`build.rs` rebuilds on every change).
static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Where the theme goes in the new site.
const THEME_DIR: &str = "themes/default";

/// Creates the site in `dir` (created if missing) and returns the files written, relative to
/// `dir`. Refuses a folder that already holds a site, so nothing is ever overwritten. `today`
/// is the example guide's `last_verified`, so the new site is not due for review.
pub fn new_site(dir: &Path, today: NaiveDate) -> Result<Vec<PathBuf>, Diagnostics> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = skeleton(today)
        .into_iter()
        .map(|(path, text)| (PathBuf::from(path), text.into_bytes()))
        .collect();
    theme_files(&DEFAULT_THEME, &mut files);

    let taken: Vec<&str> = [CONFIG_FILE, CONTENT_DIR, THEME_DIR]
        .into_iter()
        .filter(|p| dir.join(p).exists())
        .collect();
    if !taken.is_empty() {
        let file = if dir == Path::new(".") {
            PathBuf::from(taken[0])
        } else {
            dir.join(taken[0])
        };
        return Err(Diagnostic::error(
            file,
            format!(
                "{} already holds a site ({} exists)",
                dir.display(),
                taken.join(", ")
            ),
        )
        .hint("pick a new or empty folder: `optout init my-site`")
        .into());
    }
    for (rel, bytes) in &files {
        let path = dir.join(rel);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, bytes));
        if let Err(e) = written {
            return Err(Diagnostic::error(&path, format!("cannot write: {e}"))
                .hint("check that the folder is writable")
                .into());
        }
    }
    // The English pages are translations of the German ones as written: record that, so the
    // new site's `optout translations` starts in step.
    let options = crate::build::BuildOptions {
        root: dir.to_path_buf(),
        ..Default::default()
    };
    crate::check::translations::mark(options, crate::check::translations::MarkWhat::All, today)?;
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

/// Every file of the embedded theme, below `themes/default/`.
fn theme_files(dir: &Dir<'static>, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    for file in dir.files() {
        out.push((
            Path::new(THEME_DIR).join(file.path()),
            file.contents().to_vec(),
        ));
    }
    for sub in dir.dirs() {
        theme_files(sub, out);
    }
}

/// The site's own sources: configuration and content.
fn skeleton(today: NaiveDate) -> Vec<(&'static str, String)> {
    vec![
        (CONFIG_FILE, SITE_YAML.to_string()),
        ("content/_index.de.md", HOME_DE.to_string()),
        ("content/_index.en.md", HOME_EN.to_string()),
        ("content/guides/_index.de.md", GUIDES_DE.to_string()),
        ("content/guides/_index.en.md", GUIDES_EN.to_string()),
        (
            "content/guides/beispiel.yaml",
            EXAMPLE_YAML.replace("{today}", &today.to_string()),
        ),
        ("content/guides/beispiel.de.md", EXAMPLE_DE.to_string()),
        ("content/guides/beispiel.en.md", EXAMPLE_EN.to_string()),
    ]
}

const SITE_YAML: &str = "\
# The site's configuration; every key is explained in optout's README (\"site.yaml\").
# Replace base_url with the address the site will be published at.
base_url: https://example.org/
default_language: de
review_every_days: 90

languages:
  de:
    name: Deutsch
    title: Meine Opt-out-Seite
    description: Wie Sie der Nutzung Ihrer Beiträge für KI-Training widersprechen.
    menu:
      - name: Anleitungen
        url: \"@/guides/_index.md\"
  en:
    name: English
    title: My opt-out site
    description: How to object to your posts being used for AI training.
    menu:
      - name: Guides
        url: \"@/guides/_index.md\"

taxonomies:
  - name: tags
    slugs: {de: themen, en: topics}

ai_policy:
  disallow_crawlers: [GPTBot, CCBot, Google-Extended]
  tdm_reservation: true
";

const HOME_DE: &str = "\
---
title: Widersprechen Sie dem KI-Training
description: Anleitungen, wie Sie der Nutzung Ihrer Beiträge für KI-Training widersprechen.
---

Willkommen! Diese Seite wurde mit `optout init` angelegt. Beginnen Sie mit der
[Beispielanleitung](@/guides/beispiel.md) oder mit [allen Anleitungen](@/guides/_index.md).
";

const HOME_EN: &str = "\
---
title: Object to AI training
description: Guides to objecting to your posts being used for AI training.
---

Welcome! This site was created with `optout init`. Start with the
[example guide](@/guides/beispiel.md) or with [all guides](@/guides/_index.md).
";

const GUIDES_DE: &str = "\
---
title: Anleitungen
description: Plattform für Plattform, wie Sie widersprechen.
slug: anleitungen
weight: 10
---

Für jede Plattform eine Anleitung. Eine neue legen Sie mit `optout new guides/NAME` an.
";

const GUIDES_EN: &str = "\
---
title: Guides
description: Platform by platform, how to object.
slug: guides
weight: 10
---

One guide per platform. Add one with `optout new guides/NAME`.
";

const EXAMPLE_YAML: &str = "\
# Language-neutral facts of the guide, shared by beispiel.de.md and beispiel.en.md.
platform: beispiel
operator: Beispiel GmbH
audience: [personal]
regions: [EU, EEA]
opt_out:
  method: form            # form | setting | email | none | unknown
  url: \"https://example.org/widerspruch\"
  requires_login: true
  retroactive: false
last_verified: {today}   # the day you last checked the facts (YYYY-MM-DD)
sources:
  - title: \"Beispiel GmbH: Datenschutzhinweise\"
    url: \"https://example.org/datenschutz\"
";

const EXAMPLE_DE: &str = "\
---
title: \"Beispiel: Widerspruch gegen KI-Training\"
description: \"So widersprechen Sie bei Beispiel in zwei Schritten.\"
slug: beispiel
tags: [Formular]
---

Diese Anleitung zeigt, wie eine Anleitung aufgebaut ist. Die Fakten (Formular, Quellen,
`last_verified`) stehen in `beispiel.yaml` und gelten für beide Sprachen.

## So widersprechen Sie

1. Melden Sie sich bei Beispiel an.
2. Öffnen Sie das Formular und senden Sie es ab.

## Was der Widerspruch nicht abdeckt

Er wirkt nur für die Zukunft.
";

const EXAMPLE_EN: &str = "\
---
title: \"Example: objecting to AI training\"
description: \"How to object on Example in two steps.\"
slug: example
tags: [form]
---

This guide shows how a guide is built. The facts (form, sources, `last_verified`) are in
`beispiel.yaml` and apply to both languages.

## How to object

1. Log in to Example.
2. Open the form and send it.

## What the objection does not cover

It works only for the future.
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_theme_is_embedded() {
        assert!(DEFAULT_THEME.get_file("templates/base.html").is_some());
        let mut files = Vec::new();
        theme_files(&DEFAULT_THEME, &mut files);
        assert!(
            files.contains(&(
                PathBuf::from("themes/default/templates/base.html"),
                DEFAULT_THEME
                    .get_file("templates/base.html")
                    .map(|f| f.contents().to_vec())
                    .unwrap_or_default()
            ))
        );
    }
}
