//! `optout check` and `optout translations`: one fixture site per finding class, asserting the
//! finding, its location and the exit code; external links against a local HTTP server.

mod common;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDate;
use common::Fixture;
use optout::build::BuildOptions;
use optout::check::{self, CheckOptions, CheckReport, Class, HttpOptions};

const EN: &str = "content/guides/facebook.en.md";
const DE: &str = "content/guides/facebook.de.md";

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn options(f: &Fixture, today: &str) -> CheckOptions {
    CheckOptions::new(
        BuildOptions {
            root: f.root().to_path_buf(),
            ..Default::default()
        },
        day(today),
    )
}

fn run(f: &Fixture) -> CheckReport {
    check::run(options(f, "2026-12-05"))
}

/// The findings of one class as `file:line: message`.
fn of(report: &CheckReport, class: Class) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| f.class == class)
        .map(|f| format!("{}: {}", f.diagnostic.location(), f.diagnostic.message))
        .collect()
}

fn hints(report: &CheckReport, class: Class) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| f.class == class)
        .filter_map(|f| f.diagnostic.hint.clone())
        .collect()
}

fn read(f: &Fixture, rel: &str) -> String {
    std::fs::read_to_string(f.root().join(rel)).unwrap()
}

fn edit(f: &Fixture, rel: &str, from: &str, to: &str) {
    let text = read(f, rel);
    assert!(text.contains(from), "{rel} lacks {from:?}");
    f.write(rel, &text.replacen(from, to, 1));
}

// ------------------------------------------------------------------------------- translations

#[test]
fn marking_writes_one_line_and_keeps_everything_else() {
    let f = Fixture::new("bilingual");
    let before = read(&f, EN);
    f.run(&["translations", "mark", EN]).ok();
    let after = read(&f, EN);
    let lines: Vec<&str> = after.lines().collect();
    assert!(
        lines[5].starts_with("translation_of: \"de 20") && lines[6] == "---",
        "{after}"
    );
    // Everything but the new line is byte for byte as before.
    let without: Vec<&str> = after
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("translation_of:"))
        .collect();
    assert_eq!(without.concat(), before);
    // Marking again changes nothing; after an edit of the original it replaces the one line.
    let again = f.run(&["translations", "mark", EN]);
    again.ok();
    assert!(
        again.stderr.contains("1 translation already in step"),
        "{}",
        again.stderr
    );
    assert_eq!(read(&f, EN), after);
    edit(
        &f,
        DE,
        "1. Melden Sie sich an.",
        "1. Melden Sie sich zuerst an.",
    );
    f.run(&["translations", "mark", EN]).ok();
    let remarked = read(&f, EN);
    assert_eq!(remarked.matches("translation_of:").count(), 1, "{remarked}");
    assert_ne!(remarked, after);
    // The original is not a translation.
    f.run(&["translations", "mark", DE])
        .fails_with("this page is the original (de), not a translation");
}

#[test]
fn marking_keeps_windows_line_endings() {
    let f = Fixture::new("bilingual");
    let crlf = read(&f, EN).replace('\n', "\r\n");
    f.write(EN, &crlf);
    f.run(&["translations", "mark", EN]).ok();
    let after = read(&f, EN);
    assert!(after.contains("\r\ntranslation_of: \"de "), "{after:?}");
    assert_eq!(after.matches('\n').count(), after.matches("\r\n").count());
}

#[test]
fn an_outdated_translation_is_reported_with_what_changed_until_marked_again() {
    let f = Fixture::new("bilingual");
    f.run(&["translations", "mark", "--all"]).ok();
    let report = run(&f);
    assert_eq!(
        of(&report, Class::TranslationOutdated),
        Vec::<String>::new()
    );
    assert_eq!(report.translations.outdated, 0);
    assert!(
        report.translations.in_step >= 3,
        "{:?}",
        report.translations
    );

    edit(&f, DE, "Siehe [Instagram]", "Lesen Sie auch [Instagram]");
    let report = run(&f);
    assert_eq!(
        of(&report, Class::TranslationOutdated),
        [format!(
            "{EN}:6:1: translation may be out of date: {DE} changed since this translation was marked on {}",
            chrono::Local::now().date_naive()
        )]
    );
    let hint = &hints(&report, Class::TranslationOutdated)[0];
    assert!(
        hint.starts_with(
            "changed in the original: 1 paragraph under »Was nicht abgedeckt ist« (line 13);"
        ),
        "{hint}"
    );
    assert_eq!(report.translations.outdated, 1);
    // A warning by default: exit 0, unless warnings are denied.
    let cli = f.run(&["check"]);
    cli.ok();
    assert!(
        cli.stderr.contains(&format!(
            "{EN}:6:1: warning: translation may be out of date"
        )),
        "{}",
        cli.stderr
    );
    assert_eq!(f.run(&["check", "--deny-warnings"]).code, 1);
    // The status table says so.
    let table = f.run(&["translations"]);
    table.ok();
    let row = table
        .stdout
        .lines()
        .find(|l| l.starts_with("guides/facebook "))
        .unwrap();
    assert!(
        row.contains("de → en") && row.contains("outdated since"),
        "{}",
        table.stdout
    );

    // An error where site.yaml says so.
    let config = read(&f, "site.yaml");
    f.write(
        "site.yaml",
        &format!("{config}translations:\n  outdated: error\n"),
    );
    f.run(&["check"])
        .fails_with(&format!("{EN}:6:1: error: translation may be out of date"));

    // Marked again: in step.
    f.run(&["translations", "mark", EN]).ok();
    f.run(&["check"]).ok();
    assert_eq!(
        of(&run(&f), Class::TranslationOutdated),
        Vec::<String>::new()
    );
}

#[test]
fn whitespace_and_other_front_matter_are_not_drift() {
    let f = Fixture::new("bilingual");
    f.run(&["translations", "mark", "--all"]).ok();
    // Re-wrapped lines, extra blank lines, trailing spaces, a new tag and weight.
    edit(
        &f,
        DE,
        "2. Öffnen Sie das \"Formular\".",
        "2. Öffnen   Sie das\n   \"Formular\".   \n\n",
    );
    edit(
        &f,
        DE,
        "tags: [Meta, Formular]",
        "tags: [Meta, Formular, Neu]\ntoc: false",
    );
    edit(
        &f,
        DE,
        "## Was nicht abgedeckt ist",
        "##   Was nicht abgedeckt ist  ",
    );
    let report = run(&f);
    assert_eq!(
        of(&report, Class::TranslationOutdated),
        Vec::<String>::new()
    );
    // The description is part of what is translated.
    edit(
        &f,
        DE,
        "So widersprechen Sie bei Facebook",
        "So widersprechen Sie jetzt bei Facebook",
    );
    let report = run(&f);
    assert_eq!(hints(&report, Class::TranslationOutdated).len(), 1);
    assert!(hints(&report, Class::TranslationOutdated)[0].contains("the description"));
}

#[test]
fn the_status_table_lists_missing_and_unmarked_translations() {
    let f = Fixture::new("bilingual");
    let out = f.run(&["translations"]);
    out.ok();
    assert!(out.stdout.starts_with("page"), "{}", out.stdout);
    // instagram exists only in German.
    let row = out
        .stdout
        .lines()
        .find(|l| l.starts_with("guides/instagram "))
        .unwrap();
    assert!(row.ends_with("missing"), "{row}");
    let row = out
        .stdout
        .lines()
        .find(|l| l.starts_with("guides/facebook "))
        .unwrap();
    assert!(row.ends_with("not marked"), "{row}");
    f.run(&["translations", "mark", "--all"]).ok();
    let out = f.run(&["translations"]);
    let row = out
        .stdout
        .lines()
        .find(|l| l.starts_with("guides/facebook "))
        .unwrap();
    assert!(row.contains("ok (marked 20"), "{row}");
}

#[test]
fn an_english_original_is_named_in_the_mark() {
    let f = Fixture::new("bilingual");
    f.run(&["translations", "mark", DE, "--from", "en"]).ok();
    assert!(read(&f, DE).contains("translation_of: \"en 20"));
    edit(&f, EN, "1. Log in.", "1. Log in first.");
    let report = run(&f);
    let found = of(&report, Class::TranslationOutdated);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with(&format!("{DE}:")), "{found:?}");
}

#[test]
fn a_broken_mark_is_an_error_at_its_line() {
    let f = Fixture::new("bilingual");
    edit(
        &f,
        EN,
        "slug: facebook",
        "slug: facebook\ntranslation_of: \"de gestern\"",
    );
    f.run(&["check"]).fails_with(&format!("{EN}:5:"));
}

// --------------------------------------------------------------------------- the site's notice

#[test]
fn an_outdated_translation_shows_a_notice_linking_the_original() {
    let f = Fixture::new("bilingual");
    f.run(&["translations", "mark", "--all"]).ok();
    f.build().ok();
    assert!(
        !f.public("en/guides/facebook/index.html")
            .contains("outdated-notice")
    );
    edit(&f, DE, "Siehe [Instagram]", "Lesen Sie auch [Instagram]");
    edit(
        &f,
        DE,
        "tags: [Meta, Formular]",
        "tags: [Meta, Formular]\nupdated: 2099-01-02",
    );
    f.build().ok();
    let en = f.public("en/guides/facebook/index.html");
    assert!(
        en.contains(r#"<p class="outdated-notice" role="note">This translation may be out of date: <a href="/de/anleitungen/facebook/">the German original</a> was changed on <time datetime="2099-01-02">2 January 2099</time>.</p>"#),
        "{en}"
    );
    // The original itself shows nothing.
    assert!(
        !f.public("de/anleitungen/facebook/index.html")
            .contains("outdated-notice")
    );
    f.run(&["translations", "mark", EN]).ok();
    f.build().ok();
    assert!(
        !f.public("en/guides/facebook/index.html")
            .contains("outdated-notice")
    );
}

#[test]
fn an_outdated_section_translation_shows_the_notice_too() {
    let f = Fixture::new("bilingual");
    f.run(&["translations", "mark", "--all"]).ok();
    edit(
        &f,
        "content/guides/_index.de.md",
        "Alle Anleitungen.",
        "Alle Anleitungen, nach Plattform geordnet.",
    );
    f.build().ok();
    let en = f.public("en/guides/index.html");
    assert!(
        en.contains(r#"<p class="outdated-notice" role="note">This translation may be out of date: <a href="/de/anleitungen/">the German original</a> has changed since it was translated.</p>"#),
        "{en}"
    );
    assert!(
        !f.public("de/anleitungen/index.html")
            .contains("outdated-notice")
    );
}

#[test]
fn the_preview_updates_the_notice_when_the_original_changes() {
    use optout::rebuild::Preview;
    let f = Fixture::new("bilingual");
    f.run(&["translations", "mark", "--all"]).ok();
    let mut preview = Preview::new(BuildOptions {
        root: f.root().to_path_buf(),
        ..Default::default()
    })
    .unwrap();
    let page = "en/guides/facebook/index.html";
    let html = |p: &Preview| String::from_utf8(p.outputs.files[page].clone()).unwrap();
    assert!(!html(&preview).contains("outdated-notice"));
    // A body edit of the original: the translation's page is re-rendered with the notice.
    edit(&f, DE, "Siehe [Instagram]", "Lesen Sie auch [Instagram]");
    let summary = preview.apply_all(&[PathBuf::from(DE)]).unwrap();
    assert!(summary.changed.contains(&page.to_string()), "{summary:?}");
    assert!(html(&preview).contains("German original</a> has changed since it was translated."));
    // Reverted: the notice goes.
    edit(&f, DE, "Lesen Sie auch [Instagram]", "Siehe [Instagram]");
    preview.apply_all(&[PathBuf::from(DE)]).unwrap();
    assert!(!html(&preview).contains("outdated-notice"));
}

#[test]
fn the_plan_of_an_original_body_edit_includes_its_marked_translation() {
    use optout::build::Project;
    use optout::rebuild::{Change, affected};
    let f = Fixture::new("bilingual");
    let plan = |f: &Fixture| {
        let project = Project::load_graph(BuildOptions {
            root: f.root().to_path_buf(),
            ..Default::default()
        })
        .unwrap();
        let renderer = project.renderer().unwrap();
        let id = project.site.by_source[&PathBuf::from("guides/facebook.de.md")];
        let change = Change {
            bodies: vec![id],
            ..Change::default()
        };
        let mut paths: Vec<String> =
            affected(&project.site, &project.outputs(), &change, |o, t| {
                renderer.uses_template(o, t)
            })
            .iter()
            .map(|o| o.path(&project.site))
            // The search index of the language is updated too (tests/search.rs).
            .filter(|p| !p.starts_with("search/"))
            .collect();
        paths.sort();
        paths
    };
    // Unmarked: only the page itself.
    assert_eq!(plan(&f), ["de/anleitungen/facebook/index.html"]);
    f.run(&["translations", "mark", "--all"]).ok();
    assert_eq!(
        plan(&f),
        [
            "de/anleitungen/facebook/index.html",
            "en/guides/facebook/index.html"
        ]
    );
}

// ----------------------------------------------------------------------------------- freshness

#[test]
fn an_overdue_guide_is_reported_with_its_days() {
    let f = Fixture::new("bilingual");
    // last_verified 2026-11-29, every 90 days: due 2027-02-27.
    let report = check::run(options(&f, "2027-02-27"));
    assert_eq!(of(&report, Class::ReviewOverdue), Vec::<String>::new());
    let report = check::run(options(&f, "2027-03-04"));
    assert_eq!(
        of(&report, Class::ReviewOverdue),
        [
            "content/guides/facebook.yaml:11:1: review overdue by 5 days: last verified 2026-11-29, due 2027-02-27 (every 90 days)"
        ]
    );
    assert_eq!(report.errors(), 0);
}

#[test]
fn a_broken_link_does_not_hide_the_editorial_findings() {
    let f = Fixture::new("bilingual");
    edit(
        &f,
        DE,
        "Siehe [Instagram]",
        "Siehe [Tiktok](tiktok.de.md) und [Instagram]",
    );
    let report = check::run(options(&f, "2027-03-04"));
    let build: Vec<String> = of(&report, Class::Build);
    assert!(
        build.iter().any(|m| m.contains("tiktok.de.md")),
        "the broken link is reported: {build:?}"
    );
    assert_eq!(
        of(&report, Class::ReviewOverdue),
        [
            "content/guides/facebook.yaml:11:1: review overdue by 5 days: last verified 2026-11-29, due 2027-02-27 (every 90 days)"
        ]
    );
    assert_eq!(of(&report, Class::DeadlinePassed).len(), 2);
    assert!(report.errors() >= 1);
}

#[test]
fn a_passed_deadline_needs_a_note_in_every_language() {
    let f = Fixture::new("bilingual");
    // The fixture's deadline (2025-05-26) has passed and neither text mentions it.
    let report = run(&f);
    assert_eq!(
        of(&report, Class::DeadlinePassed),
        [
            format!(
                "content/guides/facebook.yaml:10:1: the opt-out deadline 2025-05-26 has passed, but {DE} does not say so"
            ),
            format!(
                "content/guides/facebook.yaml:10:1: the opt-out deadline 2025-05-26 has passed, but {EN} does not say so"
            ),
        ]
    );
    edit(
        &f,
        DE,
        "## Was nicht",
        "Die Frist vom 26. Mai 2025 ist abgelaufen.\n\n## Was nicht",
    );
    edit(
        &f,
        EN,
        "1. Log in.",
        "The deadline of 26 May 2025 has passed.\n\n1. Log in.",
    );
    assert_eq!(of(&run(&f), Class::DeadlinePassed), Vec::<String>::new());
    // Before the deadline there is nothing to note.
    let early = check::run(options(&f, "2025-05-01"));
    assert_eq!(of(&early, Class::DeadlinePassed), Vec::<String>::new());
}

// ------------------------------------------------------------------------------------ output

#[test]
fn json_output_has_the_documented_schema() {
    let f = Fixture::new("bilingual");
    edit(&f, DE, "1. Melden Sie sich an.", "1. TODO(optout): Schritt");
    let out = f.run(&["check", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["summary"]["errors"], 1);
    let placeholder = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["class"] == "placeholder")
        .unwrap();
    assert_eq!(placeholder["severity"], "error");
    assert_eq!(placeholder["file"], DE);
    assert_eq!(placeholder["line"], 8);
    assert_eq!(placeholder["column"], 4);
    assert!(
        placeholder["message"]
            .as_str()
            .unwrap()
            .starts_with("placeholder left")
    );
    assert!(out.stderr.is_empty(), "{}", out.stderr);

    // Every external link, with its place, without fetching.
    edit(&f, DE, "1. TODO(optout): Schritt", "1. Melden Sie sich an.");
    let out = f.run(&["check", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["summary"]["warnings"], 4);
    assert_eq!(doc["summary"]["pages"]["de"], 6);
    assert_eq!(doc["summary"]["external_fetched"], false);
    let links = doc["external_links"].as_array().unwrap();
    assert!(
        links.iter().any(|l| l["url"] == "https://datenschutz.sachsen-anhalt.de/landesbeauftragte/pressemitteilungen/pm-lfd-29042025"
            && l["file"] == "content/guides/facebook.yaml"
            && l["line"] == 16
            && l["source"] == true),
        "{links:?}"
    );
}

#[test]
fn github_output_is_workflow_annotations() {
    let f = Fixture::new("bilingual");
    f.run(&["translations", "mark", "--all"]).ok();
    edit(&f, DE, "Siehe [Instagram]", "Lesen Sie auch [Instagram]");
    let out = f.run(&["check", "--format", "github"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let line = out
        .stdout
        .lines()
        .find(|l| l.contains("translation-outdated"))
        .unwrap();
    assert!(
        line.starts_with(&format!("::warning file={EN},line=6,col=1,title=optout translation-outdated::translation may be out of date: {DE} changed since")),
        "{line}"
    );
    assert!(line.contains("%0Ahint: changed in the original"), "{line}");
    assert!(
        out.stdout.lines().all(|l| l.starts_with("::")),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("Checked "), "{}", out.stderr);
}

#[test]
fn human_output_is_grouped_by_file_with_a_summary_and_no_colours_off_a_terminal() {
    let f = Fixture::new("bilingual");
    let out = f.run(&["check"]);
    out.ok();
    assert!(out.stderr.contains("\ncontent/guides/facebook.yaml\ncontent/guides/facebook.yaml:10:1: warning: the opt-out deadline"), "{}", out.stderr);
    assert!(!out.stderr.contains('\x1b'), "{}", out.stderr);
    assert!(out.stderr.contains("External links: "), "{}", out.stderr);
    let last = out.stderr.lines().last().unwrap();
    assert!(
        last.starts_with("Checked ")
            && last.ends_with("translations: 0 in step, 0 outdated, 4 not marked, 2 missing")
            && last.contains(" ms: 4 warnings;"),
        "{last}"
    );
}

// ---------------------------------------------------------------------------- external links

/// Fixture pages on 127.0.0.1: stable, changing text, 404, redirect, slow, hanging.
fn serve_fixture_pages() -> (String, Arc<Mutex<String>>) {
    use axum::Router;
    use axum::http::StatusCode;
    use axum::response::{Html, Redirect};
    use axum::routing::get;
    let text = Arc::new(Mutex::new("Erste Fassung".to_string()));
    let shared = text.clone();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let app = Router::new()
                .route("/ok", get(|| async { Html("<html><head><title>T</title><script>var x</script></head><body><p>Stabil</p></body></html>") }))
                .route(
                    "/changing",
                    get(move || {
                        let t = shared.lock().unwrap().clone();
                        async move { Html(format!("<main><p>{t}</p></main>")) }
                    }),
                )
                .route("/missing", get(|| async { (StatusCode::NOT_FOUND, "gone") }))
                .route("/moved", get(|| async { Redirect::permanent("/ok") }))
                .route(
                    "/slow",
                    get(|| async {
                        tokio::time::sleep(Duration::from_millis(300)).await;
                        Html("<p>langsam</p>")
                    }),
                )
                .route(
                    "/hang",
                    get(|| async {
                        tokio::time::sleep(Duration::from_secs(30)).await;
                        "late"
                    }),
                );
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    (format!("http://{addr}"), text)
}

/// The fixture with every external URL on the local server: tests never reach the internet.
fn external_site(base: &str) -> Fixture {
    let f = Fixture::new("bilingual");
    let yaml = read(&f, "content/guides/facebook.yaml");
    let kept = yaml.split("sources:").next().unwrap();
    let kept = kept.replace(
        "https://www.facebook.com/help/contact/712876720715583",
        &format!("{base}/ok"),
    );
    f.write(
        "content/guides/facebook.yaml",
        &format!(
            "{kept}sources:\n  - {{title: Stabil, url: \"{base}/ok\"}}\n  - {{title: Wechselnd, url: \"{base}/changing\"}}\n  - {{title: Weg, url: \"{base}/missing\"}}\n  - {{title: Langsam, url: \"{base}/slow\"}}\n"
        ),
    );
    edit(
        &f,
        DE,
        "Inline `\"code\"` bleibt.",
        &format!("Inline `\"code\"` bleibt. [Umzug]({base}/moved) und [hängt]({base}/hang)."),
    );
    edit(
        &f,
        EN,
        "1. Log in.",
        &format!("1. Log in ([changing]({base}/changing))."),
    );
    f
}

fn external(f: &Fixture, update: bool) -> CheckReport {
    let mut o = options(f, "2026-12-05");
    o.external = true;
    o.update_lock = update;
    o.http = HttpOptions {
        timeout: Duration::from_secs(1),
        retries: 1,
        retry_pause: Duration::from_millis(10),
        concurrency: 4,
        per_host_delay: Duration::from_millis(5),
        proxy_from_env: false,
        ..HttpOptions::default()
    };
    check::run(o)
}

#[test]
fn external_links_dead_redirected_slow_timed_out_and_changed_sources() {
    let (base, text) = serve_fixture_pages();
    let f = external_site(&base);

    // Without a lock: dead links and redirects, and one note that nothing is recorded yet.
    let report = external(&f, false);
    let mut dead = of(&report, Class::LinkDead);
    dead.sort();
    assert_eq!(
        dead,
        [
            format!("{DE}:19: dead link: {base}/hang does not answer: no answer within 1 s"),
            format!(
                "content/guides/facebook.yaml:17: dead link: {base}/missing answers 404 Not Found"
            ),
        ]
    );
    assert_eq!(
        of(&report, Class::LinkRedirect),
        [format!("{DE}:19: {base}/moved redirects to {base}/ok")]
    );
    assert_eq!(
        of(&report, Class::SourceUnrecorded),
        ["sources.lock: no sources.lock yet: 6 external URLs not recorded"]
    );
    assert!(report.errors() == 2, "{:?}", report.findings);

    // Recorded: sorted by URL, with status, final URL, text hash and who cites it.
    external(&f, true);
    let lock = read(&f, "sources.lock");
    let ok = lock.find(&format!("{base}/ok:")).unwrap();
    let changing = lock.find(&format!("{base}/changing:")).unwrap();
    assert!(changing < ok, "{lock}");
    assert!(
        lock.contains(&format!(
            "  {base}/moved:\n    status: 200\n    final_url: {base}/ok\n    text: "
        )),
        "{lock}"
    );
    assert!(lock.contains("    status: 404\n"), "{lock}");
    assert!(lock.contains("    error: no answer within 1 s\n"), "{lock}");
    assert!(
        lock.contains(&format!(
            "  {base}/changing:\n    status: 200\n    final_url: {base}/changing\n    text: "
        )),
        "{lock}"
    );
    assert!(
        lock.contains(&format!(
            "    cited_by:\n    - {EN}\n    - content/guides/facebook.yaml\n"
        )),
        "{lock}"
    );

    // Nothing changed: no finding about sources.
    let report = external(&f, false);
    assert_eq!(of(&report, Class::SourceChanged), Vec::<String>::new());
    assert_eq!(of(&report, Class::SourceUnrecorded), Vec::<String>::new());

    // The platform rewrites its page: every place citing it is told, with the others.
    *text.lock().unwrap() = "Zweite Fassung".into();
    let report = external(&f, false);
    let mut changed = of(&report, Class::SourceChanged);
    changed.sort();
    let message = format!(
        "source changed since sources.lock recorded it: {base}/changing (its text changed)"
    );
    assert_eq!(
        changed,
        [
            format!("{EN}:9: {message}"),
            format!("content/guides/facebook.yaml:16: {message}"),
        ]
    );
    let hint = hints(&report, Class::SourceChanged).join("\n");
    assert!(hint.contains(&format!("also cited by {EN}")), "{hint}");
    // Accepted: reported no more.
    external(&f, true);
    assert_eq!(
        of(&external(&f, false), Class::SourceChanged),
        Vec::<String>::new()
    );
}

#[test]
fn check_never_fetches_without_external() {
    // A URL nobody answers: listed, never requested, no finding.
    let f = external_site("http://127.0.0.1:9");
    let report = run(&f);
    assert!(!report.fetched);
    assert!(
        report
            .external_links
            .iter()
            .any(|l| l.url == "http://127.0.0.1:9/missing")
    );
    assert_eq!(of(&report, Class::LinkDead), Vec::<String>::new());
}
