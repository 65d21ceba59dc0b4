//! The command line as an editor meets it: `init`, finding the site from a subfolder, short
//! flags, `--quiet`/`--verbose`, colours, completions, the drafts rule, and the exact wording of
//! the messages editors see most.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Fixture, Run};

fn optout(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_optout"));
    cmd.args(args).current_dir(dir);
    for var in ["NO_COLOR", "CLICOLOR_FORCE", "CLICOLOR"] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    Run::from(cmd.output().unwrap())
}

/// `Built 6 pages (3 de, 3 en) in 41 ms` → `… in _ ms`, so whole outputs compare exactly.
fn no_timing(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        match line
            .split_once(" in ")
            .filter(|(_, rest)| rest.contains(" ms"))
        {
            Some((head, rest)) => {
                let after = rest.split_once(" ms").map_or("", |(_, a)| a);
                out.push_str(&format!("{head} in _ ms{after}\n"));
            }
            None => out.push_str(&format!("{line}\n")),
        }
    }
    out
}

// ----------------------------------------------------------------------------------- init

#[test]
fn init_creates_a_site_that_builds_and_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let run = optout(dir.path(), &["init", "meine-seite"], &[]);
    run.ok();
    assert!(
        run.stderr
            .starts_with("Created a new site in meine-seite ("),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("Preview it with `cd meine-seite && optout serve` (http://127.0.0.1:1111/)"),
        "{}",
        run.stderr
    );
    let site = dir.path().join("meine-seite");
    for file in [
        "site.yaml",
        "content/_index.de.md",
        "content/_index.en.md",
        "content/guides/beispiel.yaml",
        "content/guides/beispiel.de.md",
        "content/guides/beispiel.en.md",
        "themes/default/templates/base.html",
        "themes/default/i18n/de.yaml",
    ] {
        assert!(site.join(file).is_file(), "{file}");
    }
    let yaml = std::fs::read_to_string(site.join("content/guides/beispiel.yaml")).unwrap();
    assert!(yaml.contains("last_verified: 20") && yaml.contains("sources:"));

    optout(&site, &["build"], &[]).ok();
    assert!(
        site.join("public/de/anleitungen/beispiel/index.html")
            .is_file()
    );
    assert!(site.join("public/en/guides/example/index.html").is_file());
    let check = optout(&site, &["check", "--deny-warnings"], &[]);
    check.ok();
    let summary = no_timing(check.stderr.lines().last().unwrap());
    assert_eq!(
        summary,
        "Checked 6 pages (3 de, 3 en) in _ ms: nothing to fix; translations: 3 in step, 0 outdated, 0 not marked, 0 missing\n"
    );
}

#[test]
fn init_never_overwrites_a_site() {
    let f = Fixture::new("minimal");
    let before = std::fs::read(f.root().join("site.yaml")).unwrap();
    let run = optout(f.root(), &["init"], &[]);
    assert_eq!(
        run.stderr,
        "site.yaml: error: . already holds a site (site.yaml, content, themes/default exists)\n  \
         hint: pick a new or empty folder: `optout init my-site`\n1 error — nothing was written\n"
    );
    assert_eq!(run.code, 1);
    assert_eq!(std::fs::read(f.root().join("site.yaml")).unwrap(), before);
}

// --------------------------------------------------------------------- finding the site, flags

#[test]
fn running_from_content_finds_the_site() {
    let f = Fixture::new("bilingual");
    let guides = f.root().join("content/guides");
    let run = optout(&guides, &["build"], &[]);
    run.ok();
    assert!(
        run.stderr.trim_end().ends_with("→ ../../public"),
        "{}",
        run.stderr
    );
    assert!(f.exists("de/anleitungen/facebook/index.html"));
    assert!(!guides.join("public").exists());
    // With --verbose it says where it found the site.
    let run = optout(&guides, &["check", "-v"], &[]);
    assert!(
        run.stderr.starts_with("site found in ../..\n"),
        "{}",
        run.stderr
    );
    // A page named from a subfolder is the file there.
    let mark = optout(&guides, &["translations", "mark", "facebook.en.md"], &[]);
    mark.ok();
    assert_eq!(mark.stderr, "marked content/guides/facebook.en.md\n");
    // `new` from a subfolder writes into the site, not beside the current folder.
    optout(&guides, &["new", "guides/tiktok"], &[]).ok();
    assert!(guides.join("tiktok.de.md").is_file());
}

#[test]
fn an_explicit_root_is_used_as_given_and_no_site_is_a_clear_error() {
    let f = Fixture::new("bilingual");
    let run = optout(&f.root().join("content"), &["build", "-r", "."], &[]);
    run.fails_with("site.yaml: error: cannot read site.yaml");
    let nowhere = tempfile::tempdir().unwrap();
    let run = optout(nowhere.path(), &["check"], &[]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "site.yaml: error: no site.yaml in this folder or any folder above it\n  \
         hint: run optout inside a site, pass --root DIR (-r), or create a new site with `optout init DIR`\n\
         1 error — nothing was done\n"
    );
}

#[test]
fn short_flags_work() {
    let f = Fixture::new("bilingual");
    optout(
        f.root(),
        &["build", "-o", "out", "-u", "https://example.org/sub/", "-D"],
        &[],
    )
    .ok();
    let page =
        std::fs::read_to_string(f.root().join("out/de/anleitungen/facebook/index.html")).unwrap();
    assert!(
        page.contains(r#"href="https://example.org/sub/de/anleitungen/facebook/""#),
        "{page}"
    );
    let elsewhere = tempfile::tempdir().unwrap();
    let root = f.root().to_str().unwrap();
    optout(elsewhere.path(), &["check", "-r", root, "-D", "-q"], &[]).ok();
    optout(elsewhere.path(), &["translations", "-r", root], &[]).ok();
    optout(
        elsewhere.path(),
        &["translations", "mark", "--all", "-r", root],
        &[],
    )
    .ok();
    let help = optout(elsewhere.path(), &["serve", "--help"], &[]);
    for flag in [
        "-r, --root <DIR>",
        "-p, --port <PORT>",
        "-b, --bind <BIND>",
        "-D, --drafts",
        "-O, --open",
    ] {
        assert!(help.stdout.contains(flag), "{flag}: {}", help.stdout);
    }
    for command in ["build", "check", "new", "translations"] {
        let help = optout(elsewhere.path(), &[command, "--help"], &[]);
        assert!(
            help.stdout.contains("-r, --root <DIR>")
                && help
                    .stdout
                    .contains("The site's folder, the one with site.yaml"),
            "{command}: {}",
            help.stdout
        );
    }
}

#[test]
fn quiet_prints_errors_only_and_verbose_names_the_drafts() {
    let f = Fixture::new("bilingual");
    f.run(&["new", "guides/tiktok"]).ok();
    let quiet = f.run(&["build", "-q"]);
    quiet.ok();
    assert_eq!(quiet.stderr, "");
    let verbose = f.run(&["build", "--verbose"]);
    assert!(
        verbose.stderr.contains(
            "2 drafts left out; add --drafts (-D) to include them\n  draft: content/guides/tiktok.de.md\n  draft: content/guides/tiktok.en.md\n"
        ),
        "{}",
        verbose.stderr
    );
    f.write("content/guides/facebook.de.md", "---\ntitle: [\n---\n");
    let quiet = f.run(&["build", "-q"]);
    quiet.fails_with("content/guides/facebook.de.md:2:");
    quiet.fails_with("1 error — nothing was written");
}

// ----------------------------------------------------------------------------------- colour

#[test]
fn colour_follows_no_color_and_clicolor_force() {
    let f = Fixture::new("bilingual");
    f.write("content/guides/facebook.de.md", "---\ntitle: [\n---\n");
    let root = f.root().to_str().unwrap();
    let args = ["build", "-r", root];
    // Not a terminal: plain text.
    let plain = optout(f.root(), &args, &[]);
    assert!(!plain.stderr.contains('\x1b'), "{}", plain.stderr);
    // CLICOLOR_FORCE: coloured even in a pipe.
    let forced = optout(f.root(), &args, &[("CLICOLOR_FORCE", "1")]);
    assert!(
        forced.stderr.contains("\x1b[1m\x1b[31merror\x1b[0m"),
        "{:?}",
        forced.stderr
    );
    // NO_COLOR wins.
    let no = optout(
        f.root(),
        &args,
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
    );
    assert!(!no.stderr.contains('\x1b'), "{:?}", no.stderr);
    assert_eq!(no.stderr, plain.stderr);
    // `check` colours the same way.
    let check = optout(f.root(), &["check", "-r", root], &[("CLICOLOR_FORCE", "1")]);
    assert!(check.stderr.contains("\x1b["), "{:?}", check.stderr);
    let check = optout(
        f.root(),
        &["check", "-r", root],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
    );
    assert!(!check.stderr.contains('\x1b'), "{:?}", check.stderr);
}

// ------------------------------------------------------------------------------ completions

#[test]
fn completions_generate_for_bash_zsh_and_fish() {
    let dir = tempfile::tempdir().unwrap();
    for (shell, marker) in [
        ("bash", "complete -F _optout"),
        ("zsh", "#compdef optout"),
        ("fish", "complete -c optout"),
    ] {
        let run = optout(dir.path(), &["completions", shell], &[]);
        run.ok();
        assert!(run.stdout.contains(marker), "{shell}: {}", run.stdout);
        for word in ["init", "serve", "drafts", "root"] {
            assert!(run.stdout.contains(word), "{shell} lacks {word}");
        }
    }
    let run = optout(dir.path(), &["completions", "tcsh"], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

// ----------------------------------------------------------------------------- drafts rule

#[test]
fn drafts_are_skipped_everywhere_without_the_flag_and_reported_with_it() {
    let f = Fixture::new("bilingual");
    let new = f.run(&["new", "guides/tiktok"]);
    new.ok();
    assert_eq!(
        new.stderr,
        "created content/guides/tiktok.yaml\ncreated content/guides/tiktok.de.md\ncreated content/guides/tiktok.en.md\n\
         The guide is a draft: replace every TODO(optout); `optout check -D` lists what is left.\n\
         Preview it with `optout serve -D` at http://127.0.0.1:1111/de/anleitungen/tiktok/; remove `draft: true` to publish it.\n"
    );

    // build: the draft is not built and its placeholders are not reported; one line says so.
    let build = f.build();
    build.ok();
    assert!(!build.stderr.contains("placeholder"), "{}", build.stderr);
    assert!(
        build
            .stderr
            .contains("2 drafts left out; add --drafts (-D) to include them\nBuilt "),
        "{}",
        build.stderr
    );
    assert!(!f.exists("de/anleitungen/tiktok/index.html"));

    // check: the same; it passes.
    let check = f.run(&["check"]);
    check.ok();
    assert!(!check.stderr.contains("placeholder"), "{}", check.stderr);
    assert!(
        check
            .stderr
            .starts_with("2 drafts left out; add --drafts (-D) to include them\n"),
        "{}",
        check.stderr
    );

    // With --drafts: built, and every placeholder reported (errors in check).
    let build = f.run(&["build", "-D"]);
    build.ok();
    assert!(
        build
            .stderr
            .contains("content/guides/tiktok.de.md:2:9: warning: placeholder left"),
        "{}",
        build.stderr
    );
    assert!(!build.stderr.contains("drafts left out"));
    assert!(f.exists("de/anleitungen/tiktok/index.html"));
    let check = f.run(&["check", "-D"]);
    check.fails_with("content/guides/tiktok.de.md:2:9: error: placeholder left");
    assert!(
        !check.stderr.contains("nothing was written"),
        "{}",
        check.stderr
    );
}

#[test]
fn serve_tells_how_many_drafts_it_hides_and_drafts_are_never_claimed_without_the_flag() {
    use optout::report::Terminal;
    let f = Fixture::new("bilingual");
    f.run(&["new", "guides/tiktok"]).ok();
    let start = |drafts: bool| {
        let terminal = Terminal::capture();
        let server = optout::serve::start(optout::serve::ServeOptions {
            root: f.root().to_path_buf(),
            port: 0,
            bind: "0.0.0.0".parse().unwrap(),
            drafts,
            terminal: terminal.clone(),
            ..Default::default()
        })
        .unwrap();
        let url = server.url();
        drop(server);
        (terminal.captured(), url)
    };
    let (hidden, url) = start(false);
    assert_eq!(
        no_timing(&hidden),
        format!(
            "warning: listening on 0.0.0.0 — the preview is reachable from other machines on the network\n  \
             hint: leave out --bind to serve on 127.0.0.1 only\n\
             Built 10 pages (6 de, 4 en) in _ ms\n\
             2 drafts left out; add --drafts (-D) to include them\n\
             Serving {url} — press Ctrl+C to stop\n"
        )
    );
    let (shown, _) = start(true);
    assert!(
        shown.starts_with(
            "warning: listening on 0.0.0.0 — the preview (drafts included) is reachable"
        ),
        "{shown}"
    );
    assert!(!shown.contains("drafts left out"), "{shown}");
}

#[test]
fn new_without_a_section_names_the_sections() {
    let f = Fixture::new("bilingual");
    let run = f.run(&["new", "tiktok"]);
    assert_eq!(
        run.stderr,
        "tiktok: error: `optout new` needs a section: SECTION/NAME\n  \
         hint: write guides/tiktok; sections: guides, background\n\
         1 error — nothing was written\n"
    );
    assert_eq!(run.code, 1);
    assert!(!f.root().join("content/tiktok.de.md").exists());
    let run = f.run(&["new", "anleitungen/tiktok"]);
    run.fails_with("content/anleitungen: error: the section folder does not exist\n  hint: write guides/tiktok; sections: guides, background; or create content/anleitungen/_index.de.md (one per language) for a new section");
}

// -------------------------------------------------------------------------------- messages

#[test]
fn a_date_names_its_format_and_what_was_found() {
    let f = Fixture::new("bilingual");
    f.write(
        "content/guides/instagram.de.md",
        "---\ntitle: Instagram\ndate: 29.11.2026\n---\nText\n",
    );
    assert_eq!(
        f.build().stderr,
        "content/guides/instagram.de.md:3:7: error: `date: 29.11.2026` is not a date in the format YYYY-MM-DD\n  \
         hint: write `date: 2026-11-29` (year-month-day)\n1 error — nothing was written\n"
    );
}

#[test]
fn an_unclosed_quote_is_reported_on_its_line() {
    let f = Fixture::new("bilingual");
    f.write(
        "content/guides/instagram.de.md",
        "---\ntitle: \"Instagram\ndescription: \"Widerspruch\"\n---\nText\n",
    );
    assert_eq!(
        f.build().stderr,
        "content/guides/instagram.de.md:2:8: error: the quote \" opened here is never closed\n  \
         hint: end the value with \" on the same line, e.g. `title: \"…\"`\n1 error — nothing was written\n"
    );
}

#[test]
fn a_colon_in_a_title_asks_for_quotes() {
    let f = Fixture::new("bilingual");
    f.write(
        "content/guides/instagram.de.md",
        "---\ntitle: Instagram: Widerspruch\n---\nText\n",
    );
    assert_eq!(
        f.build().stderr,
        "content/guides/instagram.de.md:2:17: error: `: ` inside the value of `title`\n  \
         hint: put the value in quotes: `title: \"Instagram: Widerspruch\"`\n1 error — nothing was written\n"
    );
}

#[test]
fn misspelt_files_and_anchors_get_did_you_mean_with_their_column() {
    let f = Fixture::new("bilingual");
    f.write(
        "content/guides/neu.de.md",
        "---\ntitle: Neu\n---\n## Schritt für Schritt\n\nSiehe [Facebook](facebokk.de.md), [dort](@/guides/facebok.md#schritte)\nund [oben](#schritt-fur-schritt).\n",
    );
    assert_eq!(
        f.build().stderr,
        "content/guides/neu.de.md:6:7: error: link to content/guides/facebokk.de.md which does not exist\n  \
         hint: did you mean `facebook.de.md`?\n\
         content/guides/neu.de.md:6:35: error: link to content/guides/facebok.de.md which does not exist\n  \
         hint: did you mean `@/guides/facebook.md`?\n\
         content/guides/neu.de.md:7:5: error: link to #schritt-fur-schritt, but this page has no such heading or id\n  \
         hint: did you mean #schritt-für-schritt? ids on that page: #schritt-für-schritt\n\
         3 errors — nothing was written\n"
    );
    f.write(
        "content/guides/neu.de.md",
        "---\ntitle: Neu\n---\nSiehe [Facebook](facebook.de.md#schrite).\n",
    );
    assert_eq!(
        f.build().stderr,
        "content/guides/neu.de.md:4:7: error: link to content/guides/facebook.de.md#schrite, but that page has no such heading\n  \
         hint: did you mean #schritte? ids on that page: #schritte, #was-nicht-abgedeckt-ist\n\
         1 error — nothing was written\n"
    );
}

#[test]
fn a_deleted_translation_is_one_finding_about_the_missing_file() {
    let f = Fixture::new("bilingual");
    f.remove("content/guides/facebook.en.md");
    f.write(
        "content/guides/_index.en.md",
        "---\ntitle: Guides\nweight: 10\n---\n[One](@/guides/facebook.md), [two](facebook.en.md), [three](@/guides/facebook.md#steps).\n",
    );
    let run = f.build();
    assert_eq!(
        run.stderr,
        "content/guides/facebook.en.md: error: facebook.en.md is missing, and pages in English link to it\n  \
         hint: create it (translate content/guides/facebook.de.md), or restore it with \
         `git checkout -- content/guides/facebook.en.md`, or remove the links to it\n\
         1 error — nothing was written\n"
    );
    // `check` says the same, once.
    let check = f.run(&["check"]);
    assert_eq!(check.code, 1);
    assert_eq!(check.stderr.matches("facebook.en.md is missing").count(), 1);
}

#[test]
fn a_page_without_counterpart_that_nothing_links_to_is_a_warning_in_check() {
    let f = Fixture::new("bilingual");
    let run = f.run(&["check"]);
    run.ok();
    assert!(
        run.stderr.contains(
            "content/guides/instagram.en.md: warning: instagram.en.md is missing: the English site has no counterpart of content/guides/instagram.de.md\n  \
             hint: create it (translate content/guides/instagram.de.md), or leave it out on purpose: readers in English do not see this page\n"
        ),
        "{}",
        run.stderr
    );
    let json = f.run(&["check", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let missing: Vec<&serde_json::Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["class"] == "translation-missing")
        .collect();
    assert_eq!(missing.len(), 2, "{missing:?}");
    assert_eq!(missing[0]["severity"], "warning");
}

#[test]
fn serve_says_when_a_new_guide_is_a_draft_it_does_not_show() {
    use optout::report::Terminal;
    let f = Fixture::new("bilingual");
    let terminal = Terminal::capture();
    let server = optout::serve::start(optout::serve::ServeOptions {
        root: f.root().to_path_buf(),
        port: 0,
        terminal: terminal.clone(),
        ..Default::default()
    })
    .unwrap();
    assert!(!terminal.captured().contains("draft"));
    f.run(&["new", "guides/tiktok"]).ok();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !terminal.captured().contains("drafts left out") {
        assert!(
            std::time::Instant::now() < deadline,
            "no word about the draft: {}",
            terminal.captured()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(
        terminal
            .captured()
            .contains("\n2 drafts left out; add --drafts (-D) to include them\n"),
        "{}",
        terminal.captured()
    );
    assert!(!terminal.captured().contains("placeholder"));
    server.shutdown();
}
