//! End-to-end builds of fixture sites: files, URLs, HTML and exit codes.

mod common;
use common::Fixture;

#[test]
fn minimal_site_builds_every_output() {
    let f = Fixture::new("minimal");
    let run = f.build();
    run.ok();
    assert!(
        run.stderr.contains("Built 3 pages (2 de, 1 en) in"),
        "{}",
        run.stderr
    );
    for file in [
        "index.html",
        "404.html",
        "de/index.html",
        "en/index.html",
        "de/about/index.html",
        "de/404.html",
        "en/404.html",
        "sitemap.xml",
        "robots.txt",
        "de/atom.xml",
        "en/atom.xml",
        "_headers",
    ] {
        assert!(f.exists(file), "missing {file}");
    }
    let page = f.public("de/about/index.html");
    assert!(page.contains("<html lang=\"de\""));
    assert!(page.contains("Ein „Test“."), "German quotes: {page}");
}

#[test]
fn localized_slugs_translations_and_switcher() {
    let f = Fixture::new("bilingual");
    f.build().ok();
    let de = f.public("de/anleitungen/facebook/index.html");
    let en = f.public("en/guides/facebook/index.html");
    // Alternates and canonical.
    assert!(
        de.contains(
            r#"<link rel="canonical" href="https://example.org/de/anleitungen/facebook/">"#
        ),
        "{de}"
    );
    assert!(de.contains(r#"hreflang="en" href="https://example.org/en/guides/facebook/""#));
    assert!(
        de.contains(r#"hreflang="x-default" href="https://example.org/de/anleitungen/facebook/""#)
    );
    // The switcher lands on the counterpart, not the home page.
    assert!(
        de.contains(r#"href="/en/guides/facebook/" hreflang="en""#),
        "{de}"
    );
    assert!(
        en.contains(r#"href="/de/anleitungen/facebook/" hreflang="de""#),
        "{en}"
    );
    // Language-neutral metadata from facebook.yaml reaches both languages.
    for page in [&de, &en] {
        assert!(page.contains("https://www.facebook.com/help/contact/712876720715583"));
        assert!(page.contains("Meta Platforms Ireland Limited"));
    }
    // Instagram has no English version: the switcher says so and links the English section.
    let insta = f.public("de/anleitungen/instagram/index.html");
    assert!(insta.contains(r#"href="/en/guides/""#), "{insta}");
    assert!(!insta.contains(r#"hreflang="en" href="https://example.org/en/guides/instagram/"#));
    // Heading ids keep umlauts (as GitHub's do) while URLs transliterate; a section with only a
    // German page.
    let recht = f.public("de/hintergrund/rechtslage/index.html");
    assert!(recht.contains(r#"id="übersicht""#), "{recht}");
}

#[test]
fn markdown_links_quotes_and_code() {
    let f = Fixture::new("bilingual");
    f.build().ok();
    let de = f.public("de/anleitungen/facebook/index.html");
    assert!(
        de.contains(r#"<a href="/de/anleitungen/instagram/#schritte">Instagram</a>"#),
        "{de}"
    );
    assert!(de.contains(r##"<a href="#schritte">oben</a>"##));
    assert!(de.contains("das „Formular“"), "German smart quotes");
    assert!(
        de.contains("<code>\"code\"</code>"),
        "inline code untouched"
    );
    assert!(de.contains(r#"<pre class="code"><code class="language-rust">"#));
    assert!(de.contains("class=\"hl-"), "highlighted with classes");
    assert!(!de.contains("style=\""), "no inline styles (CSP)");
    let en = f.public("en/guides/facebook/index.html");
    assert!(en.contains("the “form”"), "English smart quotes: {en}");
    let home = f.public("de/index.html");
    assert!(home.contains(r#"href="/de/anleitungen/facebook/""#));
    assert!(
        home.contains(r#"href="/de/hintergrund/""#),
        "relative link to a section"
    );
    let css = f
        .tree("public")
        .into_keys()
        .find(|k| k.starts_with("syntax.") && k.ends_with(".css"))
        .expect("syntax css");
    assert!(de.contains(&format!("href=\"/{css}\"")));
}

#[test]
fn a_source_title_in_the_other_language_carries_its_lang() {
    let f = Fixture::new("bilingual");
    f.build().ok();
    let link = r#"rel="noopener noreferrer" lang="de" hreflang="de">Datenschutzbehörde Sachsen-Anhalt</a>"#;
    assert!(f.public("en/guides/facebook/index.html").contains(link));
    // On the German page the title is in the page's language: no attribute.
    let de = f.public("de/anleitungen/facebook/index.html");
    assert!(
        de.contains(r#"rel="noopener noreferrer">Datenschutzbehörde Sachsen-Anhalt</a>"#),
        "{de}"
    );
    // Whatever reaches the attribute is a language tag.
    let yaml = "content/guides/facebook.yaml";
    let text = std::fs::read_to_string(f.root().join(yaml)).unwrap();
    f.write(
        yaml,
        &text.replace("lang: de", "lang: \"de\\\" onmouseover=x\""),
    );
    f.build()
        .fails_with("source `lang: de\" onmouseover=x` is not a language tag");
}

#[test]
fn site_files_practise_the_ai_policy() {
    let f = Fixture::new("bilingual");
    f.build().ok();
    let robots = f.public("robots.txt");
    assert!(robots.contains("User-agent: GPTBot\nDisallow: /"));
    assert!(robots.contains("User-agent: CCBot\nDisallow: /"));
    assert!(robots.contains("Sitemap: https://example.org/sitemap.xml"));
    let tdm: serde_json::Value =
        serde_json::from_str(&f.public(".well-known/tdmrep.json")).unwrap();
    assert_eq!(tdm[0]["tdm-reservation"], 1);
    let headers = f.public("_headers");
    assert!(headers.contains("Content-Security-Policy: default-src 'none'"));
    assert!(headers.contains("X-Content-Type-Options: nosniff"));
    assert!(headers.contains("Referrer-Policy: strict-origin-when-cross-origin"));
    assert!(headers.contains("tdm-reservation: 1"));
    assert!(headers.contains("immutable"));
    let page = f.public("de/index.html");
    assert!(page.contains(r#"<meta name="tdm-reservation" content="1">"#));
    assert!(page.contains(r#"http-equiv="Content-Security-Policy""#));
    let sitemap = f.public("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/de/anleitungen/facebook/</loc>"));
    assert!(sitemap.contains(r#"<xhtml:link rel="alternate" hreflang="en" href="https://example.org/en/guides/facebook/"/>"#));
    let feed = f.public("de/atom.xml");
    assert!(feed.contains("<title>Facebook: Widerspruch</title>"));
    // The feed's date is its newest entry's: here the guide's verification date, not the build time.
    let head = feed.split("<entry>").next().unwrap();
    assert!(
        head.contains("<updated>2026-11-29T00:00:00Z</updated>"),
        "{feed}"
    );
    // Newest first: the guide (verified 2026-11-29) before the dated page (2025-05-23).
    let guide = feed.find("Facebook: Widerspruch").unwrap();
    let dated = feed.find("Rechtslage für Unternehmen").unwrap();
    assert!(guide < dated, "{feed}");
    assert!(feed.contains("<published>2025-05-23T00:00:00Z</published>"));
    assert!(sitemap.contains("<lastmod>2026-11-29</lastmod>"));
    let chooser = f.public("index.html");
    assert!(chooser.contains(r#"href="/de/""#) && chooser.contains(r#"href="/en/""#));
    assert!(chooser.contains("x-default"));
    let alias = f.public("de/alt/instagram/index.html");
    assert!(
        alias.contains(r#"url=/de/anleitungen/instagram/"#),
        "{alias}"
    );
    assert!(f.exists("de/themen/meta/index.html") && f.exists("en/topics/form/index.html"));
}

#[test]
fn no_third_party_requests() {
    let f = Fixture::new("bilingual");
    f.build().ok();
    for (path, bytes) in f.tree("public") {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for attr in ["src=\"http", "src=\"//"] {
            assert!(!html.contains(attr), "{path} loads a third-party resource");
        }
        for line in html
            .lines()
            .filter(|l| l.contains("<link") && l.contains("href=\"http"))
        {
            assert!(
                line.contains("rel=\"canonical\"") || line.contains("rel=\"alternate\""),
                "{path}: {line}"
            );
        }
        assert!(!html.contains("<script>"), "{path} has an inline script");
    }
}

#[test]
fn base_url_with_subpath() {
    let f = Fixture::new("bilingual");
    f.run(&["build", "--base-url", "https://example.org/optout"])
        .ok();
    let de = f.public("de/anleitungen/facebook/index.html");
    assert!(de.contains(r#"href="https://example.org/optout/de/anleitungen/facebook/""#));
    assert!(de.contains(r#"href="/optout/en/guides/facebook/""#));
    assert!(de.contains(r#"href="/optout/style."#));
    assert!(de.contains(r#"<a href="/optout/de/anleitungen/instagram/#schritte">"#));
    for (path, bytes) in f.tree("public") {
        let text = String::from_utf8_lossy(&bytes);
        for bad in ["href=\"/de/", "href=\"/en/", "src=\"/s", "url=/de/"] {
            assert!(!text.contains(bad), "{path} has an un-prefixed link {bad}");
        }
    }
    assert!(
        f.public("sitemap.xml")
            .contains("<loc>https://example.org/optout/de/</loc>")
    );
    assert!(
        f.public("robots.txt")
            .contains("Sitemap: https://example.org/optout/sitemap.xml")
    );
    assert!(f.public("_headers").starts_with("/optout/*"));
}

#[test]
fn builds_are_reproducible() {
    let f = Fixture::new("bilingual");
    f.build().ok();
    let first = f.tree("public");
    f.build().ok();
    assert_eq!(first, f.tree("public"));
}

#[test]
fn failed_build_keeps_previous_output_and_stale_files_disappear() {
    let f = Fixture::new("bilingual");
    f.build().ok();
    let before = f.tree("public");
    f.write(
        "content/guides/facebook.de.md",
        "---\ntitle: [broken\n---\n",
    );
    f.build().fails_with("content/guides/facebook.de.md:2");
    assert_eq!(
        before,
        f.tree("public"),
        "a failed build must not touch public/"
    );
    f.remove("content/guides/facebook.de.md");
    f.write(
        "content/guides/instagram.de.md",
        "---\ntitle: Instagram\n---\nText\n",
    );
    f.write("content/_index.de.md", "---\ntitle: Start\n---\nHallo\n");
    f.build().ok();
    assert!(
        !f.exists("de/anleitungen/facebook/index.html"),
        "removed page must disappear"
    );
    assert!(
        !f.exists("de/alt/instagram/index.html"),
        "removed alias must disappear"
    );
    let leftovers: Vec<_> = std::fs::read_dir(f.root())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".public"))
        .collect();
    assert!(leftovers.is_empty(), "staging directories left behind");
}

#[test]
fn output_option_and_drafts() {
    let f = Fixture::new("minimal");
    f.write(
        "content/draft.de.md",
        "---\ntitle: Entwurf\ndraft: true\n---\n",
    );
    f.run(&["build", "--output", "out"]).ok();
    assert!(f.root().join("out/de/index.html").exists());
    assert!(!f.root().join("out/de/draft/index.html").exists());
    f.run(&["build", "--drafts"]).ok();
    assert!(f.exists("de/draft/index.html"));
}

#[test]
fn usage_errors_exit_2() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_optout"))
        .args(["build", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_optout"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("build"));
}

#[test]
fn scaffold_creates_guide_that_check_rejects_until_edited() {
    let f = Fixture::new("bilingual");
    let run = f.run(&["new", "guides/tiktok"]);
    run.ok();
    for file in [
        "content/guides/tiktok.yaml",
        "content/guides/tiktok.de.md",
        "content/guides/tiktok.en.md",
    ] {
        assert!(f.root().join(file).exists(), "{file}");
    }
    // The scaffold is a draft with placeholders: build skips it, check names every placeholder.
    f.build().ok();
    let check = f.run(&["check", "--drafts"]);
    check.fails_with("content/guides/tiktok.de.md:2:");
    assert!(check.stderr.contains("placeholder"));
    assert!(check.stderr.contains("content/guides/tiktok.yaml:"));
    f.run(&["new", "guides/tiktok"])
        .fails_with("already exists");
}

#[test]
fn typed_german_quotes_survive_and_ascii_quotes_become_german() {
    let f = Fixture::new("minimal");
    f.write(
        "content/about.de.md",
        "---\ntitle: Über „uns“\n---\nEin „Test“ und ein \"zweiter\" – `\"code\"`.\n",
    );
    f.build().ok();
    let page = f.public("de/about/index.html");
    assert!(
        page.contains("Ein „Test“ und ein „zweiter“ – <code>\"code\"</code>."),
        "{page}"
    );
    assert!(page.contains("<h1>Über „uns“</h1>"), "{page}");
}

#[test]
fn markdown_extensions_and_headings() {
    let f = Fixture::new("minimal");
    f.write("content/about.de.md", "---\ntitle: Über uns\n---\n## Tabelle {#eigene-id}\n\n| A | B |\n| - | - |\n| 1 | 2 |\n\n- [x] erledigt\n- [ ] offen\n\n~~alt~~ und Fußnote[^1].\n\n[^1]: Die Fußnote.\n\n## Tabelle\n\n## Tabelle\n\n```unbekannt\n<b>fett</b>\n```\n");
    f.build().ok();
    let page = f.public("de/about/index.html");
    assert!(
        page.contains("<table>") && page.contains("<td>1</td>"),
        "{page}"
    );
    assert!(
        page.contains(r#"<input type="checkbox" checked disabled aria-label="erledigt">"#)
            && page.contains(r#"<input type="checkbox" disabled aria-label="offen">"#),
        "task list"
    );
    assert!(page.contains("<del>alt</del>"), "strikethrough");
    assert!(page.contains("footnote-definition"), "footnotes");
    assert!(page.contains(r#"<h2 id="eigene-id">"#), "custom heading id");
    assert!(
        page.contains(r#"<h2 id="tabelle">"#) && page.contains(r#"<h2 id="tabelle-1">"#),
        "unique ids"
    );
    assert!(
        page.contains(r##"href="#eigene-id""##),
        "table of contents links the headings"
    );
    assert!(
        page.contains("&lt;b&gt;fett&lt;/b&gt;"),
        "unknown language is escaped text"
    );
}

// ------------------------------------------------------------------ hreflang over the whole output

/// `(rel, hreflang, href)` of every `<link>` of a page.
fn link_tags(html: &str) -> Vec<(String, Option<String>, String)> {
    let mut out = Vec::new();
    for tag in html.split("<link ").skip(1) {
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        let attr = |name: &str| {
            let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
            Some(tag[start..start + tag[start..].find('"')?].to_string())
        };
        if let (Some(rel), Some(href)) = (attr("rel"), attr("href")) {
            out.push((rel, attr("hreflang"), href));
        }
    }
    out
}

type Cluster = std::collections::BTreeMap<String, String>;

/// hreflang → href of a page's `<link rel="alternate" hreflang=…>`.
fn hreflang_cluster(html: &str) -> Cluster {
    link_tags(html)
        .into_iter()
        .filter(|(rel, _, _)| rel == "alternate")
        .filter_map(|(_, lang, href)| Some((lang?, href)))
        .collect()
}

#[test]
fn hreflang_alternates_are_reciprocal_self_referencing_and_in_the_sitemap() {
    let f = Fixture::new("bilingual");
    f.build().ok();
    let base = "https://example.org/";
    let tree = f.tree("public");
    let file_of = |url: &str| -> String {
        let rel = url
            .strip_prefix(base)
            .unwrap_or_else(|| panic!("{url} is not on the site"));
        if rel.is_empty() || rel.ends_with('/') {
            format!("{rel}index.html")
        } else {
            rel.to_string()
        }
    };
    let mut clusters: std::collections::BTreeMap<String, Cluster> = Default::default();
    let mut checked_terms = 0;
    for (path, bytes) in &tree {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        let cluster = hreflang_cluster(&html);
        if html.contains(r#"<meta name="robots" content="noindex">"#) {
            assert!(
                cluster.is_empty(),
                "{path}: a page kept out of the index declares {cluster:?}"
            );
            continue;
        }
        let own = format!("{base}{}", path.strip_suffix("index.html").unwrap_or(path));
        let canonical: Vec<String> = link_tags(&html)
            .into_iter()
            .filter(|(rel, _, _)| rel == "canonical")
            .map(|(_, _, href)| href)
            .collect();
        assert_eq!(canonical, std::slice::from_ref(&own), "{path}: canonical");
        assert!(!cluster.is_empty(), "{path} declares no language versions");
        assert!(
            cluster.values().any(|h| *h == own),
            "{path} is not in its own cluster {cluster:?}"
        );
        let lang = html
            .split("<html lang=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap();
        if cluster.get("x-default") != Some(&own) {
            assert_eq!(
                cluster.get(lang),
                Some(&own),
                "{path}: hreflang={lang} must be the page itself"
            );
        }
        for href in cluster.values() {
            let other = tree
                .get(&file_of(href))
                .unwrap_or_else(|| panic!("{path}: {href} does not exist"));
            assert_eq!(
                hreflang_cluster(&String::from_utf8_lossy(other)),
                cluster,
                "{path} and {href} do not declare the same versions"
            );
        }
        if path.starts_with("de/themen/") && path != "de/themen/index.html" {
            checked_terms += 1;
        }
        clusters.insert(own, cluster);
    }
    // A term in both languages points to the same term, not to the list of terms.
    let meta = hreflang_cluster(&f.public("de/themen/meta/index.html"));
    assert_eq!(meta["de"], "https://example.org/de/themen/meta/");
    assert_eq!(meta["en"], "https://example.org/en/topics/meta/");
    assert!(checked_terms > 1);

    // The sitemap lists every indexable page with exactly the versions the page declares.
    let sitemap = f.public("sitemap.xml");
    let mut listed = std::collections::BTreeSet::new();
    for entry in sitemap.split("<url>").skip(1) {
        let loc = entry
            .split("<loc>")
            .nth(1)
            .unwrap()
            .split("</loc>")
            .next()
            .unwrap();
        let declared: Cluster = entry
            .split("<xhtml:link ")
            .skip(1)
            .map(|l| {
                let attr = |n: &str| {
                    l.split(&format!("{n}=\""))
                        .nth(1)
                        .unwrap()
                        .split('"')
                        .next()
                        .unwrap()
                        .to_string()
                };
                (attr("hreflang"), attr("href"))
            })
            .collect();
        let page = clusters
            .get(loc)
            .unwrap_or_else(|| panic!("sitemap lists {loc}, which is no indexable page"));
        assert_eq!(&declared, page, "sitemap and page disagree on {loc}");
        listed.insert(loc.to_string());
    }
    let pages: std::collections::BTreeSet<String> = clusters.keys().cloned().collect();
    assert_eq!(listed, pages, "indexable pages and the sitemap differ");
}

/// Builds `f` with `SOURCE_DATE_EPOCH` set to `epoch` (the "today" of deadlines and reviews).
fn build_on(f: &Fixture, epoch: &str) -> common::Run {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_optout"))
        .args(["build", "--root"])
        .arg(f.root())
        .env("SOURCE_DATE_EPOCH", epoch)
        .output()
        .unwrap();
    common::Run::from(out)
}

/// 2025-05-16, ten days before the fixture's Facebook deadline (2025-05-26).
const TEN_DAYS_BEFORE_DEADLINE: &str = "1747353600";
/// 2027-04-01: the fixture's Facebook guide (verified 2026-11-29, every 90 days) is overdue.
const AFTER_NEXT_REVIEW: &str = "1806537600";

/// The parsed JSON of the page's `<script type="application/ld+json">` block.
fn json_ld(html: &str) -> serde_json::Value {
    let start = html
        .find(r#"<script type="application/ld+json">"#)
        .expect("a JSON-LD block")
        + r#"<script type="application/ld+json">"#.len();
    // The block ends at the first `</script>`: a title must not be able to end it earlier.
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap_or_else(|e| panic!("{e}: {}", &html[start..end]))
}

fn graph_item<'a>(ld: &'a serde_json::Value, kind: &str) -> &'a serde_json::Value {
    ld["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["@type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {ld}"))
}

#[test]
fn json_ld_is_escaped_inside_its_script_element_and_describes_the_page() {
    let f = Fixture::new("bilingual");
    let title = r#"Facebook </script><script>alert(1)</script> <!-- & "Widerspruch""#;
    let page = std::fs::read_to_string(f.root().join("content/guides/facebook.de.md")).unwrap();
    let page = page.replacen(
        r#"title: "Facebook: Widerspruch""#,
        &format!("title: '{title}'"),
        1,
    );
    f.write("content/guides/facebook.de.md", &page);
    build_on(&f, TEN_DAYS_BEFORE_DEADLINE).ok();

    let html = f.public("de/anleitungen/facebook/index.html");
    assert!(
        !html.contains("<script>alert(1)"),
        "the title ended an element"
    );
    let ld = json_ld(&html);
    assert_eq!(ld["@context"], "https://schema.org");
    let crumbs = graph_item(&ld, "BreadcrumbList")["itemListElement"]
        .as_array()
        .unwrap();
    assert_eq!(crumbs.len(), 3, "home, section, page: {crumbs:?}");
    assert_eq!(crumbs[2]["name"], title);
    assert_eq!(
        crumbs[2]["item"],
        "https://example.org/de/anleitungen/facebook/"
    );
    let how_to = graph_item(&ld, "HowTo");
    assert_eq!(how_to["name"], title);
    let steps: Vec<&str> = how_to["step"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    assert_eq!(steps.len(), 2, "{steps:?}");
    assert_eq!(steps[0], "Melden Sie sich an.");
    assert!(steps[1].starts_with("Öffnen Sie das"), "{steps:?}");

    // The home pages are a WebSite; listings carry their breadcrumbs too.
    let home = json_ld(&f.public("en/index.html"));
    assert_eq!(graph_item(&home, "WebSite")["name"], "Test site");
    assert_eq!(graph_item(&home, "WebSite")["inLanguage"], "en");
    let term = json_ld(&f.public("de/themen/meta/index.html"));
    let crumbs = graph_item(&term, "BreadcrumbList")["itemListElement"]
        .as_array()
        .unwrap();
    assert_eq!(crumbs.last().unwrap()["name"], "Meta");
    // No JSON-LD where a page is not meant to be indexed.
    assert!(!f.public("de/404.html").contains("application/ld+json"));
}

#[test]
fn deadlines_count_down_and_overdue_reviews_show_from_source_date_epoch() {
    let f = Fixture::new("bilingual");
    // A guide without a deadline that comes first in the section's order: in the home's overview
    // the guide with an upcoming deadline still comes first.
    f.write(
        "content/guides/tiktok.yaml",
        "platform: tiktok\naudience: [personal]\nregions: [EU]\nopt_out:\n  method: unknown\nlast_verified: 2026-11-29\nweight: 1\nsources:\n  - {title: \"TikTok\", url: \"https://www.tiktok.com/legal\"}\n",
    );
    f.write(
        "content/guides/tiktok.de.md",
        "---\ntitle: \"TikTok\"\n---\nText.\n",
    );
    build_on(&f, TEN_DAYS_BEFORE_DEADLINE).ok();
    let guide = f.public("de/anleitungen/facebook/index.html");
    assert!(guide.contains("noch 10 Tage"), "{guide}");
    assert!(!guide.contains("(abgelaufen)"));
    assert!(!guide.contains("Prüfung überfällig"));
    assert!(
        f.public("en/guides/facebook/index.html")
            .contains("10 days left")
    );
    let home = f.public("de/index.html");
    let overview = &home[home.find(r#"class="overview""#).expect("overview")..];
    let facebook = overview.find("/de/anleitungen/facebook/").unwrap();
    let tiktok = overview.find("/de/anleitungen/tiktok/").unwrap();
    assert!(facebook < tiktok, "the upcoming deadline comes first");
    assert!(overview.contains("noch 10 Tage"));
    // Two entries lead each audience to its path.
    assert!(home.contains(r#"class="entry entry-personal"><a href="/de/anleitungen/""#));

    build_on(&f, AFTER_NEXT_REVIEW).ok();
    let guide = f.public("de/anleitungen/facebook/index.html");
    assert!(guide.contains("(abgelaufen)"));
    assert!(!guide.contains("noch "), "no countdown after the deadline");
    assert!(guide.contains(r#"class="opt-out-overdue""#), "{guide}");
    assert!(guide.contains("Prüfung überfällig"));

    let run = build_on(&f, "yesterday");
    run.fails_with("SOURCE_DATE_EPOCH");
    assert!(run.stderr.contains("`yesterday`"), "{}", run.stderr);
}

#[test]
fn a_page_lists_its_sections_first_pages_and_neighbours_not_all_siblings() {
    let f = Fixture::new("bilingual");
    for i in 1..=20 {
        f.write(
            &format!("content/background/p{i:02}.de.md"),
            &format!("---\ntitle: \"Seite {i:02}\"\nweight: {i}\n---\nText.\n"),
        );
    }
    f.build().ok();
    let html = f.public("de/hintergrund/p10/index.html");
    let aside = &html[html.find(r#"class="section-pages""#).unwrap()..];
    let aside = &aside[..aside.find("</aside>").unwrap()];
    for shown in ["Seite 01", "Seite 04", "Seite 08", "Seite 12"] {
        assert!(aside.contains(shown), "{shown} missing: {aside}");
    }
    for hidden in ["Seite 06", "Seite 15", "Seite 20"] {
        assert!(!aside.contains(hidden), "{hidden} listed: {aside}");
    }
    assert!(aside.contains(r#"<span aria-current="page">Seite 10</span>"#));
    assert!(aside.contains(r#"href="/de/hintergrund/">Alle Seiten dieses Bereichs (21)"#));
    // A short section is listed whole, without the link.
    let short = f.public("de/anleitungen/facebook/index.html");
    assert!(!short.contains("Alle Seiten dieses Bereichs"));
}
