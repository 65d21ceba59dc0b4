//! Incremental rebuilds: after every kind of change, the in-memory site equals a fresh full build.

mod common;
use std::path::PathBuf;

use common::Fixture;
use optout::build::{BuildOptions, Project};
use optout::rebuild::Preview;

fn options(f: &Fixture) -> BuildOptions {
    BuildOptions {
        root: f.root().to_path_buf(),
        ..Default::default()
    }
}

/// Applies `changed` and asserts the preview's outputs are byte-identical to a fresh build.
#[track_caller]
fn step(f: &Fixture, preview: &mut Preview, changed: &[&str]) -> optout::rebuild::ChangeSummary {
    let paths: Vec<PathBuf> = changed.iter().map(PathBuf::from).collect();
    let summary = preview
        .apply_all(&paths)
        .unwrap_or_else(|e| panic!("apply {changed:?} failed:\n{e}"));
    let fresh = Project::load(options(f)).unwrap().render_all().unwrap();
    let ours: Vec<&String> = preview.outputs.files.keys().collect();
    let theirs: Vec<&String> = fresh.files.keys().collect();
    assert_eq!(ours, theirs, "output paths differ after {changed:?}");
    for (path, bytes) in &fresh.files {
        assert!(
            preview.outputs.files[path] == *bytes,
            "{path} differs after {changed:?}"
        );
    }
    summary
}

#[test]
fn every_kind_of_change_matches_a_full_build() {
    let f = Fixture::new("bilingual");
    let mut preview = Preview::new(options(&f)).unwrap();

    // Body only: one page is rendered again.
    f.write("content/guides/facebook.en.md", "---\ntitle: \"Facebook: objection\"\ndescription: \"How to object on Facebook\"\nslug: facebook\ntags: [Meta, form]\n---\n## Step by step {#steps}\n\nNew text.\n");
    let s = step(&f, &mut preview, &["content/guides/facebook.en.md"]);
    assert_eq!(s.rendered_pages, 1);
    let pages: Vec<&String> = s
        .changed
        .iter()
        .filter(|p| !p.starts_with("search/"))
        .collect();
    assert_eq!(pages, ["en/guides/facebook/index.html"]);
    assert!(
        s.changed.contains(&"search/en/meta.json".to_string()),
        "{s:?}"
    );

    // Title: the page, its translation's switcher, the section listing and siblings, feeds.
    let de = std::fs::read_to_string(f.root().join("content/guides/facebook.de.md")).unwrap();
    f.write(
        "content/guides/facebook.de.md",
        &de.replace(
            "title: \"Facebook: Widerspruch\"",
            "title: \"Facebook: Neuer Titel\"",
        ),
    );
    let s = step(&f, &mut preview, &["content/guides/facebook.de.md"]);
    assert!(s.rendered_pages < 10, "{s:?}");
    assert!(
        s.changed
            .contains(&"de/anleitungen/instagram/index.html".to_string()),
        "sibling lists the new title: {s:?}"
    );

    // Weight reorders the section (prev/next, listings); a date changes feeds and the sitemap.
    let de = std::fs::read_to_string(f.root().join("content/guides/instagram.de.md")).unwrap();
    f.write(
        "content/guides/instagram.de.md",
        &de.replace("weight: 20", "weight: 1"),
    );
    step(&f, &mut preview, &["content/guides/instagram.de.md"]);
    let de = std::fs::read_to_string(f.root().join("content/guides/instagram.de.md")).unwrap();
    f.write(
        "content/guides/instagram.de.md",
        &de.replace("weight: 1", "weight: 1\ndate: 2026-01-02"),
    );
    let s = step(&f, &mut preview, &["content/guides/instagram.de.md"]);
    assert!(
        s.changed.contains(&"sitemap.xml".to_string())
            && s.changed.contains(&"de/atom.xml".to_string()),
        "{s:?}"
    );

    // Tags: taxonomy pages appear and disappear.
    let de = std::fs::read_to_string(f.root().join("content/guides/facebook.de.md")).unwrap();
    f.write(
        "content/guides/facebook.de.md",
        &de.replace("tags: [Meta, Formular]", "tags: [Meta, Neu]"),
    );
    step(&f, &mut preview, &["content/guides/facebook.de.md"]);
    assert!(preview.outputs.get("de/themen/neu/index.html").is_some());

    // Language-neutral metadata: both translations.
    let yaml = std::fs::read_to_string(f.root().join("content/guides/facebook.yaml")).unwrap();
    f.write(
        "content/guides/facebook.yaml",
        &yaml.replace(
            "operator: Meta Platforms Ireland Limited",
            "operator: Meta Platforms Ireland Ltd.",
        ),
    );
    step(&f, &mut preview, &["content/guides/facebook.yaml"]);

    // Add a page, then rename it (old URL disappears), then delete it.
    f.write(
        "content/guides/tiktok.de.md",
        "---\ntitle: TikTok\nweight: 5\n---\nText mit [Link](facebook.de.md).\n",
    );
    step(&f, &mut preview, &["content/guides/tiktok.de.md"]);
    assert!(
        preview
            .outputs
            .get("de/anleitungen/tiktok/index.html")
            .is_some()
    );
    std::fs::rename(
        f.root().join("content/guides/tiktok.de.md"),
        f.root().join("content/guides/tiktok-neu.de.md"),
    )
    .unwrap();
    step(
        &f,
        &mut preview,
        &[
            "content/guides/tiktok.de.md",
            "content/guides/tiktok-neu.de.md",
        ],
    );
    assert!(
        preview
            .outputs
            .get("de/anleitungen/tiktok/index.html")
            .is_none()
    );
    f.remove("content/guides/tiktok-neu.de.md");
    step(&f, &mut preview, &["content/guides/tiktok-neu.de.md"]);

    // A slug change moves a page: pages linking to it get the new URL.
    let de = std::fs::read_to_string(f.root().join("content/guides/facebook.de.md")).unwrap();
    f.write(
        "content/guides/facebook.de.md",
        &de.replace("tags:", "slug: fb\ntags:"),
    );
    step(&f, &mut preview, &["content/guides/facebook.de.md"]);
    assert!(
        String::from_utf8_lossy(preview.outputs.get("de/index.html").unwrap())
            .contains("/de/anleitungen/fb/")
    );

    // A section's title (breadcrumbs everywhere below it).
    f.write(
        "content/guides/_index.de.md",
        "---\ntitle: Alle Anleitungen\nslug: anleitungen\nweight: 10\n---\nText.\n",
    );
    step(&f, &mut preview, &["content/guides/_index.de.md"]);

    // A template, a stylesheet, UI strings.
    let page_tpl =
        std::fs::read_to_string(f.root().join("themes/default/templates/page.html")).unwrap();
    f.write(
        "templates/page.html",
        &page_tpl.replacen("<article", "<!-- site override --><article", 1),
    );
    let s = step(&f, &mut preview, &["templates/page.html"]);
    assert!(
        s.changed.iter().all(|p| !p.contains("/themen/")),
        "term pages do not use page.html: {s:?}"
    );
    f.write(
        "templates/term.html",
        "{% extends \"base.html\" %}{% block main %}<p>{{ term.name }}</p>{% endblock main %}\n",
    );
    step(&f, &mut preview, &["templates/term.html"]);
    let css = std::fs::read_to_string(f.root().join("themes/default/static/style.css")).unwrap();
    f.write(
        "themes/default/static/style.css",
        &format!("{css}\n.x{{color:red}}\n"),
    );
    let s = step(&f, &mut preview, &["themes/default/static/style.css"]);
    assert!(s.css_only, "{s:?}");
    let de_ui = std::fs::read_to_string(f.root().join("themes/default/i18n/de.yaml")).unwrap();
    f.write(
        "themes/default/i18n/de.yaml",
        &format!("{de_ui}\nextra_key: \"x\"\n"),
    );
    let en_ui = std::fs::read_to_string(f.root().join("themes/default/i18n/en.yaml")).unwrap();
    f.write(
        "themes/default/i18n/en.yaml",
        &format!("{en_ui}\nextra_key: \"x\"\n"),
    );
    step(
        &f,
        &mut preview,
        &["themes/default/i18n/de.yaml", "themes/default/i18n/en.yaml"],
    );

    // site.yaml: everything.
    let cfg = std::fs::read_to_string(f.root().join("site.yaml")).unwrap();
    f.write(
        "site.yaml",
        &cfg.replace("title: Testseite", "title: Neue Testseite"),
    );
    step(&f, &mut preview, &["site.yaml"]);
}

#[test]
fn an_error_keeps_the_last_good_site_and_a_fix_recovers() {
    let f = Fixture::new("bilingual");
    let mut preview = Preview::new(options(&f)).unwrap();
    let before = preview.outputs.clone();
    f.write(
        "content/guides/facebook.de.md",
        "---\ntitle: [kaputt\n---\n",
    );
    let err = preview
        .apply_all(&[PathBuf::from("content/guides/facebook.de.md")])
        .unwrap_err();
    assert!(
        err.to_string().contains("content/guides/facebook.de.md:2"),
        "{err}"
    );
    assert_eq!(before, preview.outputs);
    // A broken link is found after the graph changed; the fix must still give a full, correct site.
    f.write(
        "content/guides/facebook.de.md",
        "---\ntitle: Facebook\n---\n[x](@/nope.md)\n",
    );
    assert!(
        preview
            .apply_all(&[PathBuf::from("content/guides/facebook.de.md")])
            .is_err()
    );
    f.write(
        "content/guides/facebook.de.md",
        "---\ntitle: Facebook\n---\n## Schritte {#schritte}\n",
    );
    step(&f, &mut preview, &["content/guides/facebook.de.md"]);
}

#[test]
fn every_output_has_a_file_of_its_own() {
    let f = Fixture::new("bilingual");
    let project = Project::load(options(&f)).unwrap();
    let outputs = project.render_all().unwrap();
    let listed: Vec<String> = project
        .outputs()
        .iter()
        .map(|o| o.path(&project.site))
        .collect();
    let unique: std::collections::BTreeSet<&String> = listed.iter().collect();
    assert_eq!(unique.len(), listed.len(), "two outputs share a path");
    let rendered: std::collections::BTreeSet<&String> = outputs.files.keys().collect();
    assert_eq!(rendered, unique);
}

#[test]
fn moving_and_deleting_whole_directories() {
    let f = Fixture::new("bilingual");
    let mut preview = Preview::new(options(&f)).unwrap();
    // A new section arrives as one directory (git checkout, a move from elsewhere).
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("neu")).unwrap();
    std::fs::write(
        tmp.path().join("neu/_index.de.md"),
        "---\ntitle: Neu\n---\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("neu/seite.de.md"),
        "---\ntitle: Seite\n---\nText\n",
    )
    .unwrap();
    std::fs::rename(tmp.path().join("neu"), f.root().join("content/neu")).unwrap();
    step(&f, &mut preview, &["content/neu"]);
    assert!(preview.outputs.get("de/neu/seite/index.html").is_some());
    // The section is removed as a whole.
    std::fs::rename(f.root().join("content/neu"), tmp.path().join("weg")).unwrap();
    step(&f, &mut preview, &["content/neu"]);
    assert!(preview.outputs.get("de/neu/seite/index.html").is_none());
}

#[test]
fn streaming_build_writes_exactly_the_in_memory_outputs() {
    let f = Fixture::new("bilingual");
    f.build().ok();
    let written = f.tree("public");
    let in_memory = Project::load(options(&f)).unwrap().render_all().unwrap();
    assert_eq!(written, in_memory.files);
}

// ------------------------------------------------------------------ the plan, without rendering

use optout::rebuild::{Change, affected};
use optout::render::Output;

/// The graph of the fixture (no Markdown, no templates rendered) and the plan for `change`, as
/// output paths.
fn planned(project: &Project, change: &Change) -> Vec<String> {
    let renderer = project.renderer().unwrap();
    let all = project.outputs();
    let mut paths: Vec<String> = affected(&project.site, &all, change, |o, t| {
        renderer.uses_template(o, t)
    })
    .iter()
    .map(|o| o.path(&project.site))
    .collect();
    paths.sort();
    paths
}

/// [`planned`] without the search index of the changed pages' language, which a content change
/// always updates (tested in tests/search.rs).
fn planned_pages(project: &Project, change: &Change) -> Vec<String> {
    let mut plan = planned(project, change);
    plan.retain(|p| !p.starts_with("search/"));
    plan
}

fn node(project: &Project, source: &str) -> usize {
    project.site.by_source[&PathBuf::from(source)]
}

#[test]
fn plan_of_a_body_edit_is_that_page() {
    let f = Fixture::new("bilingual");
    let project = Project::load_graph(options(&f)).unwrap();
    let id = node(&project, "guides/facebook.en.md");
    let change = Change {
        bodies: vec![id],
        ..Change::default()
    };
    assert_eq!(
        planned_pages(&project, &change),
        ["en/guides/facebook/index.html"]
    );
}

#[test]
fn plan_of_a_metadata_edit_is_its_neighbourhood_and_listings() {
    let f = Fixture::new("bilingual");
    let project = Project::load_graph(options(&f)).unwrap();
    let id = node(&project, "guides/facebook.de.md");
    let change = Change {
        bodies: vec![id],
        metadata: vec![id],
        ..Change::default()
    };
    let plan = planned(&project, &change);
    for expected in [
        "de/anleitungen/facebook/index.html",
        "en/guides/facebook/index.html",
        "de/anleitungen/index.html",
        "de/anleitungen/instagram/index.html",
        "de/themen/meta/index.html",
        "de/atom.xml",
        "en/atom.xml",
        // The home pages' overview of every guide.
        "de/index.html",
        "en/index.html",
    ] {
        assert!(
            plan.contains(&expected.to_string()),
            "{expected} in {plan:?}"
        );
    }
    for not_expected in ["sitemap.xml", "robots.txt", "de/themen/index.html"] {
        assert!(
            !plan.contains(&not_expected.to_string()),
            "{not_expected} in {plan:?}"
        );
    }
    // A new date is in the sitemap too.
    let dated = Change {
        dates: true,
        ..change
    };
    assert!(planned(&project, &dated).contains(&"sitemap.xml".to_string()));
}

#[test]
fn plan_of_a_template_or_static_file_is_its_users_and_the_site_files() {
    let f = Fixture::new("bilingual");
    let project = Project::load_graph(options(&f)).unwrap();
    let all: Vec<Output> = project.outputs();
    let site_wide: Vec<String> = {
        let mut v: Vec<String> = all
            .iter()
            .filter(|o| !o.is_page())
            .map(|o| o.path(&project.site))
            .collect();
        v.sort();
        v
    };
    // A stylesheet whose fingerprint did not change: listings and site files, no page.
    let statics = Change {
        theme: true,
        ..Change::default()
    };
    assert_eq!(planned(&project, &statics), site_wide);
    // term.html: no page uses it.
    let term = Change {
        theme: true,
        templates: vec!["term.html".into()],
        ..Change::default()
    };
    assert_eq!(planned(&project, &term), site_wide);
    // guide.html: the guides, not the sections or other pages.
    let guide = Change {
        theme: true,
        templates: vec!["guide.html".into()],
        ..Change::default()
    };
    let plan = planned(&project, &guide);
    assert!(plan.contains(&"de/anleitungen/facebook/index.html".to_string()));
    assert!(!plan.contains(&"de/anleitungen/index.html".to_string()));
    assert!(
        !plan.contains(&"de/hintergrund/rechtslage/index.html".to_string()),
        "{plan:?}"
    );
    // base.html: every output rendered from a template.
    let base = Change {
        theme: true,
        templates: vec!["base.html".into()],
        ..Change::default()
    };
    assert_eq!(
        planned(&project, &base).len(),
        all.len(),
        "every output: pages use base.html"
    );
}

#[test]
fn plan_of_a_structural_change_is_everything() {
    let f = Fixture::new("bilingual");
    let project = Project::load_graph(options(&f)).unwrap();
    let change = Change {
        everything: true,
        ..Change::default()
    };
    assert_eq!(planned(&project, &change).len(), project.outputs().len());
}

#[test]
fn updates_load_like_build_drafts_orphans_and_warnings() {
    let f = Fixture::new("bilingual");
    let mut preview = Preview::new(options(&f)).unwrap();
    assert!(preview.project.warnings.all().is_empty());

    // A placeholder is a warning of the current state, and gone once fixed.
    let en = std::fs::read_to_string(f.root().join("content/guides/facebook.en.md")).unwrap();
    f.write(
        "content/guides/facebook.en.md",
        &format!("{en}\nTODO(optout): more\n"),
    );
    step(&f, &mut preview, &["content/guides/facebook.en.md"]);
    let warnings = preview.project.warnings.all();
    assert_eq!(warnings.len(), 1, "{warnings}");
    assert!(
        warnings
            .to_string()
            .contains("content/guides/facebook.en.md"),
        "{warnings}"
    );
    f.write("content/guides/facebook.en.md", &en);
    step(&f, &mut preview, &["content/guides/facebook.en.md"]);
    assert!(preview.project.warnings.all().is_empty());

    // A draft leaves the site, as in `build`.
    f.write(
        "content/background/rechtslage.de.md",
        "---\ntitle: Rechtslage\ndraft: true\n---\nText\n",
    );
    step(&f, &mut preview, &["content/background/rechtslage.de.md"]);
    assert!(
        !preview
            .outputs
            .files
            .keys()
            .any(|k| k.contains("rechtslage"))
    );

    // A metadata file without a page is an error, as in `build`.
    f.write("content/guides/tiktok.yaml", "platform: tiktok\n");
    let err = preview
        .apply_all(&[PathBuf::from("content/guides/tiktok.yaml")])
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("content/guides/tiktok.yaml: error: metadata file without a Markdown page"),
        "{err}"
    );
    let built = f.build();
    assert_eq!(built.code, 1);
    assert!(
        built
            .stderr
            .contains("metadata file without a Markdown page"),
        "{}",
        built.stderr
    );
}

#[test]
fn plan_of_an_asset_change_is_the_media_files_and_the_pages_showing_it() {
    let f = Fixture::new("bilingual");
    f.write_bytes("content/guides/formular.pdf", b"%PDF-1.4");
    let project = Project::load_graph(options(&f)).unwrap();
    let id = node(&project, "guides/facebook.de.md");
    let change = Change {
        bodies: vec![id],
        assets: true,
        ..Change::default()
    };
    let plan = planned_pages(&project, &change);
    let media: Vec<&String> = plan.iter().filter(|p| p.starts_with("media/")).collect();
    assert_eq!(media.len(), 1, "{plan:?}");
    assert!(media[0].starts_with("media/formular.") && media[0].ends_with(".pdf"));
    assert_eq!(plan.len(), 2, "{plan:?}");
    assert!(plan.contains(&"de/anleitungen/facebook/index.html".to_string()));
    // A body edit alone publishes no file again.
    let body_only = Change {
        bodies: vec![id],
        ..Change::default()
    };
    assert!(
        !planned(&project, &body_only)
            .iter()
            .any(|p| p.starts_with("media/"))
    );
}
