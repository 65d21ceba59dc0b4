//! A broken site for each error class: a clear located error, exit code 1, nothing written.

mod common;
use common::Fixture;

/// Breaks the bilingual fixture with `edit`, builds, and checks the error and that public/ is untouched.
#[track_caller]
fn broken(edit: impl FnOnce(&Fixture), needles: &[&str]) -> String {
    let f = Fixture::new("bilingual");
    edit(&f);
    let run = f.build();
    for n in needles {
        run.fails_with(n);
    }
    assert!(
        !f.root().join("public").exists(),
        "a build with errors must write nothing"
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run.stderr.clone()
}

#[test]
fn malformed_yaml_points_at_the_markdown_line() {
    broken(
        |f| {
            f.write(
                "content/guides/facebook.de.md",
                "---\ntitle: \"Facebook\"\ntags: [a, b\n---\nBody\n",
            )
        },
        &["content/guides/facebook.de.md:4:"],
    );
}

#[test]
fn unknown_key_suggests_the_right_one() {
    let err = broken(
        |f| {
            f.write(
                "content/guides/facebook.de.md",
                "---\ntitle: Facebook\ndescripton: x\n---\n",
            )
        },
        &[
            "content/guides/facebook.de.md:3:1: error: unknown field `descripton`",
            "did you mean `description`?",
        ],
    );
    assert!(err.contains("1 error"), "{err}");
}

#[test]
fn missing_title() {
    broken(
        |f| f.write("content/guides/instagram.de.md", "---\nweight: 3\n---\n"),
        &["content/guides/instagram.de.md:2:1: error: missing `title`"],
    );
}

#[test]
fn markdown_without_language_suffix() {
    broken(
        |f| f.write("content/guides/tiktok.md", "---\ntitle: x\n---\n"),
        &[
            "content/guides/tiktok.md: error: Markdown file without a language suffix",
            "tiktok.de.md",
        ],
    );
}

#[test]
fn unconfigured_language_suffix() {
    broken(
        |f| f.write("content/guides/tiktok.fr.md", "---\ntitle: x\n---\n"),
        &["`fr` is not a configured language"],
    );
}

#[test]
fn non_utf8_file() {
    broken(
        |f| f.write_bytes("content/guides/tiktok.de.md", b"---\ntitle: caf\xe9\n---\n"),
        &["content/guides/tiktok.de.md:2:11: error: the file is not valid UTF-8"],
    );
}

#[test]
fn empty_file() {
    broken(
        |f| f.write("content/guides/tiktok.de.md", ""),
        &["content/guides/tiktok.de.md:1:1: error: the file is empty"],
    );
}

#[test]
fn unclosed_front_matter() {
    broken(
        |f| {
            f.write(
                "content/guides/tiktok.de.md",
                "---\ntitle: x\n\nBody without end\n",
            )
        },
        &["content/guides/tiktok.de.md:1:1: error: the front matter is not closed"],
    );
}

#[test]
fn yaml_alias_bomb() {
    let mut y = String::from(
        "---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 0..9 {
        let prev = if i == 0 {
            "a".to_string()
        } else {
            format!("a{}", i - 1)
        };
        y.push_str(&format!("a{i}: &a{i} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
    }
    y.push_str("title: x\n---\n");
    let start = std::time::Instant::now();
    broken(
        |f| f.write("content/guides/tiktok.de.md", &y),
        &["content/guides/tiktok.de.md:"],
    );
    assert!(
        start.elapsed().as_secs() < 20,
        "alias expansion must be bounded"
    );
}

#[test]
fn huge_file() {
    broken(
        |f| {
            let mut text = String::from("---\ntitle: big\n---\n");
            text.push_str(&"x".repeat(50 * 1024 * 1024));
            f.write("content/guides/big.de.md", &text);
        },
        &["content/guides/big.de.md: error: file is 52.4 MB; the limit is 8 MB"],
    );
}

#[cfg(unix)]
#[test]
fn symlink_loop() {
    broken(
        |f| std::os::unix::fs::symlink("..", f.root().join("content/guides/loop")).unwrap(),
        &["symbolic link loop"],
    );
}

#[test]
fn broken_internal_link_and_anchor() {
    let err = broken(
        |f| {
            f.write("content/guides/instagram.de.md",
        "---\ntitle: Instagram\n---\n## Eins\n\nSiehe [x](@/guides/nope.md).\n\n[y](facebook.de.md#nirgends) und [z](#fehlt)\n")
        },
        &[
            "content/guides/instagram.de.md:6:7: error: link to content/guides/nope.de.md which does not exist",
            "content/guides/instagram.de.md:8:1: error: link to content/guides/facebook.de.md#nirgends, but that page has no such heading",
            "content/guides/instagram.de.md:8:34: error: link to #fehlt",
        ],
    );
    assert!(
        err.contains("#schritte"),
        "hint lists the real headings: {err}"
    );
}

#[test]
fn duplicate_url_names_both_files() {
    broken(
        |f| {
            f.write(
                "content/guides/zwei.de.md",
                "---\ntitle: Zwei\nslug: facebook\n---\n",
            )
        },
        &[
            "content/guides/zwei.de.md: error: URL /de/anleitungen/facebook/ is also produced by content/guides/facebook.de.md",
        ],
    );
}

#[test]
fn key_in_both_yaml_and_markdown() {
    broken(
        |f| {
            f.write(
                "content/guides/facebook.de.md",
                "---\ntitle: Facebook\nweight: 3\n---\n",
            )
        },
        &[
            "content/guides/facebook.de.md:3:1: error: `weight` is set both here and in content/guides/facebook.yaml",
        ],
    );
}

#[test]
fn guide_without_sources_or_verification() {
    broken(
        |f| {
            let yaml =
                std::fs::read_to_string(f.root().join("content/guides/facebook.yaml")).unwrap();
            let cut = yaml
                .split("sources:")
                .next()
                .unwrap()
                .replace("last_verified: 2026-11-29\n", "");
            f.write("content/guides/facebook.yaml", &cut);
        },
        &[
            "content/guides/facebook.yaml:1:1: error: platform guide without `sources`",
            "platform guide without `last_verified`",
        ],
    );
}

#[test]
fn guide_with_bad_url() {
    broken(
        |f| {
            let yaml =
                std::fs::read_to_string(f.root().join("content/guides/facebook.yaml")).unwrap();
            f.write(
                "content/guides/facebook.yaml",
                &yaml.replace("https://www.facebook.com/help", "javascript:alert(1)//"),
            );
        },
        &["is not an https:// URL"],
    );
}

#[test]
fn template_error_names_template_and_line() {
    broken(
        |f| {
            f.write("templates/page.html", "{% extends \"base.html\" %}\n{% block content %}\n{{ page.title \n{% endblock %}\n")
        },
        &["templates/page.html:4:1: error: "],
    );
}

#[test]
fn template_render_error_is_reported_once() {
    let err = broken(
        |f| {
            f.write("templates/term.html", "{% extends \"base.html\" %}\n{% block main %}{{ no_such_variable.x }}{% endblock main %}\n")
        },
        &["templates/term.html:2:", "no_such_variable"],
    );
    assert_eq!(err.matches("no_such_variable").count(), 1, "{err}");
    assert!(err.contains("more pages"), "{err}");
}

#[test]
fn missing_ui_string() {
    broken(
        |f| {
            let p = f.root().join("themes/default/i18n/en.yaml");
            let text = std::fs::read_to_string(&p).unwrap();
            let first_key = text
                .lines()
                .find(|l| !l.starts_with('#') && l.contains(':'))
                .unwrap()
                .to_string();
            std::fs::write(&p, text.replace(&format!("{first_key}\n"), "")).unwrap();
        },
        &["themes/default/i18n/en.yaml: error: UI string `"],
    );
}

#[test]
fn missing_and_broken_site_yaml() {
    broken(
        |f| f.remove("site.yaml"),
        &["site.yaml: error: cannot read site.yaml", "base_url:"],
    );
    broken(
        |f| {
            f.write(
                "site.yaml",
                "base_url: https://e.org/\ndefault_langauge: de\n",
            )
        },
        &[
            "site.yaml:2:1: error: unknown field `default_langauge`",
            "did you mean `default_language`?",
        ],
    );
    broken(
        |f| {
            f.write(
                "site.yaml",
                "base_url: https://e.org/\nlanguages: {de: {name: D, title: T}}\n",
            )
        },
        &["missing field `default_language`"],
    );
}

#[test]
fn missing_home_and_missing_section() {
    broken(
        |f| f.remove("content/_index.en.md"),
        &["content/_index.en.md: error: the home page for `en` is missing"],
    );
    broken(
        |f| f.write("content/neu/seite.de.md", "---\ntitle: x\n---\n"),
        &[
            "content/neu/seite.de.md: error: no section for this page: content/neu/_index.de.md is missing",
        ],
    );
}

#[test]
fn every_error_is_reported_at_once_sorted() {
    let err = broken(
        |f| {
            f.write("content/guides/zz.de.md", "---\ntitel: x\n---\n");
            f.write("content/background/aa.de.md", "---\ntitle: [\n---\n");
            f.write("content/guides/x.md", "");
        },
        &["3 errors"],
    );
    let a = err.find("content/background/aa.de.md").unwrap();
    let x = err.find("content/guides/x.md").unwrap();
    let z = err.find("content/guides/zz.de.md").unwrap();
    assert!(a < x && x < z, "sorted by file: {err}");
}

#[test]
fn html_in_front_matter_is_escaped() {
    let f = Fixture::new("bilingual");
    f.write("content/guides/instagram.de.md", "---\ntitle: \"<script>alert(1)</script>\"\ndescription: \"\\\" onmouseover=\\\"x\"\ntags: [\"<b>\"]\n---\n## Schritte {#schritte}\n\nText.\n");
    f.build().ok();
    for (path, bytes) in f.tree("public") {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("<script>alert"), "{path}");
        assert!(!text.contains("\" onmouseover"), "{path}");
        assert!(!text.contains("<b>"), "{path}");
    }
    assert!(
        f.public("de/anleitungen/instagram/index.html")
            .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
}

/// `markdown.raw_html: escape` keeps the old behaviour: every tag is shown to readers as text.
#[test]
fn raw_html_escape_mode_shows_tags_as_text() {
    let f = Fixture::new("bilingual");
    let config = std::fs::read_to_string(f.root().join("site.yaml")).unwrap();
    f.write(
        "site.yaml",
        &format!("{config}markdown:\n  raw_html: escape\n"),
    );
    f.write("content/guides/instagram.de.md", "---\ntitle: Instagram\n---\n## Schritte {#schritte}\n\n<script>alert(2)</script>\n\n<img src=x onerror=alert(3)> und <kbd>Strg</kbd>\n");
    f.build().ok();
    let page = f.public("de/anleitungen/instagram/index.html");
    assert!(
        page.contains("&lt;script&gt;alert(2)&lt;/script&gt;"),
        "{page}"
    );
    assert!(
        page.contains("&lt;img src=x onerror=alert(3)&gt;"),
        "{page}"
    );
    assert!(page.contains("&lt;kbd&gt;Strg&lt;/kbd&gt;"), "{page}");
    for (path, bytes) in f.tree("public") {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("<script>alert"), "{path}");
        assert!(!text.contains("<img src=x"), "{path}");
    }
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_site_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "top secret").unwrap();
    std::fs::write(
        outside.path().join("page.de.md"),
        "---\ntitle: Geheim\n---\ntop secret\n",
    )
    .unwrap();
    broken(
        |f| {
            std::fs::create_dir_all(f.root().join("static")).unwrap();
            std::os::unix::fs::symlink(
                outside.path().join("secret.txt"),
                f.root().join("static/secret.txt"),
            )
            .unwrap();
            std::os::unix::fs::symlink(outside.path(), f.root().join("content/guides/outside"))
                .unwrap();
        },
        &[
            "static/secret.txt: error: symbolic link to outside the site",
            "content/guides/outside: error: symbolic link to outside the site",
        ],
    );
}

#[test]
fn output_directory_must_not_replace_the_sources() {
    for output in ["content", ".", "..", "themes/default", "content/guides/x"] {
        let f = Fixture::new("minimal");
        let run = f.run(&["build", "--output", output]);
        run.fails_with("the output directory would replace the site's own files");
        assert!(
            f.root().join("content/_index.de.md").exists(),
            "{output}: content must survive"
        );
    }
    let f = Fixture::new("minimal");
    f.run(&["build", "--output", "out/site"]).ok();
    assert!(f.root().join("out/site/de/index.html").exists());
}
