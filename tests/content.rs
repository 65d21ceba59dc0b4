//! The shipped site: it passes `check`, every guide is complete in both languages, and every
//! external URL of a guide comes from the sourced fact sheet.

use std::path::PathBuf;

use optout::build::{BuildOptions, Project};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shipped() -> Project {
    Project::load(BuildOptions {
        root: repo(),
        strict: true,
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("the shipped site does not load:\n{e}"))
}

#[test]
fn shipped_site_passes_check_without_warnings() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_optout"))
        .args(["check", "--root"])
        .arg(repo())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[test]
fn every_page_exists_in_every_language() {
    let project = shipped();
    let langs: Vec<_> = project.config.langs().cloned().collect();
    for node in &project.site.nodes {
        for lang in &langs {
            assert!(
                project.site.find(&node.doc.key, lang).is_some(),
                "{} has no {lang} version",
                node.doc.display_path().display()
            );
        }
    }
}

#[test]
fn every_guide_is_complete_and_sourced() {
    let project = shipped();
    let guides: Vec<_> = project
        .site
        .nodes
        .iter()
        .filter(|n| n.doc.meta.guide.is_some())
        .collect();
    let platforms: std::collections::BTreeSet<&str> = guides
        .iter()
        .map(|n| n.doc.meta.guide.as_ref().unwrap().platform.as_str())
        .collect();
    for required in [
        "facebook",
        "instagram",
        "linkedin",
        "whatsapp",
        "threads",
        "x",
    ] {
        assert!(platforms.contains(required), "no guide for {required}");
    }
    for node in guides {
        let g = node.doc.meta.guide.as_ref().unwrap();
        let file = node.doc.display_path();
        assert!(!g.sources.is_empty(), "{}: no sources", file.display());
        assert!(
            !g.regions.is_empty() && !g.audience.is_empty(),
            "{}",
            file.display()
        );
        assert!(
            node.doc.meta.description.is_some(),
            "{}: no description",
            file.display()
        );
        assert!(
            node.doc.body.contains("## "),
            "{}: no sections",
            file.display()
        );
        // Guides are language-neutral facts in one .yaml: the translations cannot diverge.
        let yaml = repo().join("content").join(node.doc.key.neutral_path());
        assert!(
            yaml.is_file(),
            "{}: facts belong in {}",
            file.display(),
            yaml.display()
        );
        for t in &node.translations {
            assert_eq!(project.site.node(*t).doc.meta.guide.as_ref(), Some(g));
        }
    }
}

/// The fact sheet lives beside the repository (`../shared/facts/facts.md`) on every machine of
/// the project, CI included.
fn fact_sheet() -> String {
    let path = repo().join("../shared/facts/facts.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_guide_url_comes_from_the_fact_sheet() {
    let facts = fact_sheet();
    let project = shipped();
    for node in project.site.nodes.iter() {
        let file = node.doc.display_path();
        let mut urls: Vec<String> = Vec::new();
        if let Some(g) = &node.doc.meta.guide {
            urls.extend(g.sources.iter().map(|s| s.url.clone()));
            urls.extend(
                g.opt_out
                    .url
                    .iter()
                    .map(|u| u.trim_start_matches("mailto:").to_string()),
            );
        }
        urls.extend(
            project.markdown[&node.doc.source]
                .external_links
                .iter()
                .map(|l| l.url.trim_start_matches("mailto:").to_string()),
        );
        for url in urls {
            assert!(
                facts.contains(&url),
                "{}: {url} is not in the fact sheet",
                file.display()
            );
        }
    }
}

#[test]
fn guides_carry_the_fact_sheets_verification_date() {
    let facts = fact_sheet();
    let project = shipped();
    for node in &project.site.nodes {
        if let Some(g) = &node.doc.meta.guide {
            let day = g.last_verified.format("%-d %b %Y").to_string();
            assert!(
                facts.contains(&format!("Compiled: **{day}**")),
                "{}: last_verified {} is not the fact sheet's date",
                node.doc.display_path().display(),
                g.last_verified
            );
        }
    }
}
