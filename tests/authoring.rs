//! Markdown as real authors write it: documentation HTML, comments, anchors copied from previews
//! and links copied from the browser. Every rule of the raw HTML and URL policy is checked on
//! a real site build.

mod common;

use common::Fixture;

const PAGE: &str = "content/about.de.md";

/// The minimal site with `content/about.de.md` replaced by `body` (front matter included).
fn about(body: &str) -> Fixture {
    let f = Fixture::new("minimal");
    f.write(PAGE, &format!("---\ntitle: Über uns\n---\n{body}"));
    f
}

#[test]
fn real_world_pages_build_clean_in_both_languages() {
    let f = Fixture::new("authoring");
    let build = f.build();
    build.ok();
    assert!(!build.stderr.contains("warning"), "{}", build.stderr);
    f.run(&["check"]).ok();

    let de = f.public("de/anleitungen/konto/index.html");
    // Documentation HTML passes: a table with keys, abbreviations and line breaks, a figure,
    // an anchor, a collapsible section with Markdown and highlighted code inside.
    for html in [
        "<td><kbd>Strg</kbd> + <kbd>,</kbd></td>",
        "öffnet die Einstellungen<br>in einem neuen Tab",
        r#"<abbr title="Datenschutz-Grundverordnung">DSGVO</abbr> Art. 21<sup>1</sup>"#,
        r#"<img src="/optout/bilder/einstellungen.png" alt="Der Einstellungsdialog mit dem Schalter »KI-Training«" width="640" height="400" loading="lazy" decoding="async">"#,
        r#"<figcaption>Der Dialog <span class="filename">Einstellungen</span> (Stand: <mark>Mai 2025</mark>)</figcaption>"#,
        r#"<a id="formular"></a>"#,
        "<details>\n<summary>Für Fortgeschrittene: per API</summary>",
        "<p>Mit <code>TODO</code> markierte Stellen füllen Sie selbst aus.</p>\n</details>",
        r#"<div class="hinweis">Wichtig: H<sub>2</sub>O ist kein Passwort.</div>"#,
    ] {
        assert!(de.contains(html), "missing {html}\n{de}");
    }
    // Highlighted code inside a page with raw HTML comes through the sanitizer untouched.
    assert!(
        de.contains(r#"<pre class="code"><code class="language-bash"><span class="hl-"#),
        "{de}"
    );
    assert!(de.contains("TODO: Token eintragen"), "{de}");
    assert!(!de.contains("optout-code-"), "{de}");
    // Heading ids as GitHub makes them: umlauts kept, punctuation and code punctuation dropped.
    for id in [
        r#"<h2 id="überblick">"#,
        r#"<h2 id="schritt-2-einstellungen-öffnen">"#,
        r#"<h2 id="configtoml-anpassen-mit--oder-format">"#,
    ] {
        assert!(de.contains(id), "missing {id}\n{de}");
    }
    // Links copied from the browser are rewritten for the subpath the site lives under.
    for href in [
        r#"<a href="/optout/en/guides/account/#overview">"#,
        r#"<a href="/optout/de/anleitungen/instagram/#vorher-pr%C3%BCfen">"#,
        r#"<a href="/optout/vorlage.pdf">"#,
    ] {
        assert!(de.contains(href), "missing {href}\n{de}");
    }
    let home = f.public("de/index.html");
    assert!(
        home.contains(r#"<a href="/optout/de/anleitungen/konto/">"#),
        "{home}"
    );
    assert!(
        home.contains(r#"<a href="/optout/de/anleitungen/instagram/#vorher-pr%C3%BCfen">"#),
        "{home}"
    );

    // Screenshots beside the page: the language's own variant, with its size; the first image
    // of the page loads at once, the others lazily. One file, one URL, for both languages.
    let tree = f.tree("public/media");
    let shared: Vec<&String> = tree.keys().filter(|k| k.starts_with("schalter.")).collect();
    assert_eq!(shared.len(), 1, "{tree:?}");
    let shared = format!("/optout/media/{}", shared[0]);
    let de_shot = tree
        .keys()
        .find(|k| k.starts_with("datenschutz.de."))
        .unwrap();
    assert!(
        de.contains(&format!(
            r#"<img src="/optout/media/{de_shot}" alt="Die Seite »Datenschutz« mit dem Schalter »KI-Training«" width="480" height="300" decoding="async">"#
        )),
        "{de}"
    );
    assert!(
        de.contains(&format!(
            r#"<img src="{shared}" alt="Schalter" width="120" height="60" loading="lazy" decoding="async">"#
        )),
        "{de}"
    );
    let en = f.public("en/guides/account/index.html");
    let en_shot = tree
        .keys()
        .find(|k| k.starts_with("datenschutz.en."))
        .unwrap();
    assert!(
        en.contains(&format!(
            r#"<img src="/optout/media/{en_shot}" alt="The “Privacy” page with the “AI training” switch" width="480" height="300" decoding="async">"#
        )),
        "{en}"
    );
    assert!(
        en.contains(&format!(
            r#"<img src="{shared}" alt="switch" title="the switch" width="120" height="60" loading="lazy" decoding="async">"#
        )),
        "{en}"
    );
    assert!(
        en.contains("<details open=\"\">\n<summary>Optional: check the result</summary>"),
        "{en}"
    );
    assert!(en.contains(r#"<span id="faq">Questions?</span>"#), "{en}");
    assert!(en.contains("<q>Use my data for AI</q>"), "{en}");
    assert!(
        en.contains(r#"href="/optout/de/anleitungen/konto/#%C3%BCberblick""#),
        "{en}"
    );

    // Comments are notes between editors: in no output file.
    for (path, bytes) in f.tree("public") {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("Notiz für die Redaktion"), "{path}");
        assert!(!text.contains("Note for editors"), "{path}");
        assert!(!text.contains("<!--"), "{path}");
    }
}

#[test]
fn details_kbd_and_comments() {
    let f = about(
        "<!-- Kommentar: nicht veröffentlichen -->\n\nDrücken Sie <kbd>Strg</kbd>+<kbd>C</kbd>.<!-- inline -->\n\n<details>\n<summary>Mehr dazu</summary>\n\nMit **Markdown** darin.\n\n</details>\n",
    );
    f.build().ok();
    let page = f.public("de/about/index.html");
    assert!(
        page.contains("<p>Drücken Sie <kbd>Strg</kbd>+<kbd>C</kbd>.</p>"),
        "{page}"
    );
    assert!(
        page.contains(
            "<details>\n<summary>Mehr dazu</summary>\n<p>Mit <strong>Markdown</strong> darin.</p>\n</details>"
        ),
        "{page}"
    );
    assert!(!page.contains("Kommentar"), "{page}");
    assert!(!page.contains("inline"), "{page}");
}

/// Every construct the sanitizer would have to remove is an error at its tag, with exit 1 and
/// nothing written; entity, case and whitespace tricks included.
#[test]
fn refused_html_and_urls_are_located_errors() {
    let f = about(concat!(
        "<script>alert(1)</script>\n",       // 4
        "\n",                                // 5
        "<style>p { color: red }</style>\n", // 6
        "\n",                                // 7
        "Ein <iframe src=\"https://example.com/\"></iframe> und <object data=\"x.swf\"></object>.\n", // 8
        "\n",                                                                                // 9
        "<form action=\"https://example.com/\"><input name=\"pw\"></form>\n",                // 10
        "\n",                                                                                // 11
        "Ein <b onclick=\"alert(1)\">Klick</b> und <span style=\"color:red\">rot</span>.\n", // 12
        "\n",                                                                                // 13
        "<a href=\"javascript:alert(1)\">a</a> <a href=\"JaVaScRiPt:alert(1)\">b</a> <a href=\"jav&#x61;script:alert(1)\">c</a> <a href=\" javascript:alert(1)\">d</a>\n", // 14
        "\n", // 15
        "<img src=\"data:image/png;base64,AAAA\" alt=\"x\"> <a href=\"vbscript:msgbox(1)\">e</a>\n", // 16
        "\n", // 17
        "[f](javascript:alert(1)) [g](JaVaScRiPt:alert(1)) [h](data:text/html,x) ![i](javascript:alert(1))\n", // 18
    ));
    let run = f.build();
    let run_ = "it runs code in the reader's browser";
    let embed = "it embeds another document, which can run code and track readers";
    let data = "it embeds a document or script that bypasses the site's checks";
    let expected = [
        format!("{PAGE}:4:1: error: `<script>` is not allowed in Markdown: {run_}"),
        format!(
            "{PAGE}:6:1: error: `<style>` is not allowed in Markdown: styles come from the theme, and the site's CSP forbids inline ones"
        ),
        format!("{PAGE}:8:5: error: `<iframe>` is not allowed in Markdown: {embed}"),
        format!("{PAGE}:8:54: error: `<object>` is not allowed in Markdown: {embed}"),
        format!(
            "{PAGE}:10:1: error: `<form>` is not allowed in Markdown: forms send data somewhere"
        ),
        format!(
            "{PAGE}:10:37: error: `<input>` is not allowed in Markdown: forms send data somewhere"
        ),
        format!(
            "{PAGE}:12:5: error: attribute `onclick` on `<b>` is not allowed: event handlers run code in the reader's browser"
        ),
        format!(
            "{PAGE}:12:41: error: attribute `style` on `<span>` is not allowed: the site's CSP forbids inline styles"
        ),
        format!("{PAGE}:14:1: error: `<a href>`: URL scheme `javascript:` is not allowed: {run_}"),
        format!("{PAGE}:14:37: error: `<a href>`: URL scheme `JaVaScRiPt:` is not allowed: {run_}"),
        format!("{PAGE}:14:73: error: `<a href>`: URL scheme `javascript:` is not allowed: {run_}"),
        format!(
            "{PAGE}:14:114: error: `<a href>`: URL scheme `javascript:` is not allowed: {run_}"
        ),
        format!("{PAGE}:16:1: error: `<img src>`: URL scheme `data:` is not allowed: {data}"),
        format!("{PAGE}:16:48: error: `<a href>`: URL scheme `vbscript:` is not allowed: {run_}"),
        format!("{PAGE}:18:1: error: link: URL scheme `javascript:` is not allowed: {run_}"),
        format!("{PAGE}:18:26: error: link: URL scheme `JaVaScRiPt:` is not allowed: {run_}"),
        format!("{PAGE}:18:51: error: link: URL scheme `data:` is not allowed: {data}"),
        format!("{PAGE}:18:73: error: image: URL scheme `javascript:` is not allowed: {run_}"),
    ];
    for line in &expected {
        run.fails_with(line);
    }
    run.fails_with("18 errors — nothing was written");
    assert!(
        run.stderr.contains(
            "hint: use a relative link, a `#fragment`, or an http(s):, mailto: or tel: URL"
        )
    );
    assert!(!f.exists("de/about/index.html"));
}

#[test]
fn heading_ids_follow_github_and_umlaut_anchors_resolve() {
    let f = about(concat!(
        "Zum [Überblick](#überblick), zur [Kopie](#%C3%BCberblick), zum [zweiten](#überblick-1) ",
        "und zum [eigenen](#eigene-id).\n\n",
        "## Überblick\n\n## Überblick\n\n## Straße & `Mutex<T>` {#eigene-id}\n\n## `Vec<T>` oder `&str`?\n",
    ));
    f.write(
        "content/_index.de.md",
        "---\ntitle: Start\n---\nSiehe [Überblick](@/about.md#überblick) und [Vec](about.de.md#vect-oder-str).\n",
    );
    f.build().ok();
    let page = f.public("de/about/index.html");
    for id in [
        r#"<h2 id="überblick">"#,
        r#"<h2 id="überblick-1">"#,
        r#"<h2 id="eigene-id">"#,
        r#"<h2 id="vect-oder-str">"#,
    ] {
        assert!(page.contains(id), "missing {id}\n{page}");
    }
    // The URL of the page keeps transliterating; only in-page ids keep umlauts.
    assert!(f.exists("de/about/index.html"));

    f.write(
        "content/_index.de.md",
        "---\ntitle: Start\n---\nSiehe [alt](@/about.md#uebersicht).\n",
    );
    f.build()
        .fails_with("content/_index.de.md:4:7: error: link to content/about.de.md#uebersicht, but that page has no such heading")
        .fails_with("#überblick");
}

#[test]
fn ids_in_raw_html_are_link_targets() {
    let f = about(
        "<a id=\"formular\"></a>\nDas Formular.\n\n<span id=\"fußnote\">Fußnote</span> und [zurück](#formular).\n",
    );
    f.write(
        "content/_index.de.md",
        "---\ntitle: Start\n---\nZum [Formular](about.de.md#formular) und zur [Fußnote](@/about.md#fußnote).\n",
    );
    f.build().ok();
    let home = f.public("de/index.html");
    assert!(home.contains(r#"href="/de/about/#formular""#), "{home}");

    f.write(
        "content/_index.de.md",
        "---\ntitle: Start\n---\nZum [Formular](about.de.md#formulare).\n",
    );
    f.build().fails_with("content/_index.de.md:4:5: error: link to content/about.de.md#formulare, but that page has no such heading");
    // A link in raw HTML to a missing id on the same page is an error like a Markdown one.
    f.write(
        PAGE,
        "---\ntitle: Über uns\n---\nText.\n\n<a href=\"#nirgends\">weg</a>\n",
    );
    f.build().fails_with(
        "content/about.de.md:6:1: error: link to #nirgends, but this page has no such heading or id",
    );
}

#[test]
fn todo_in_code_and_comments_is_content_only_the_scaffold_marker_is_a_placeholder() {
    let f = about(
        "<!-- TODO: Screenshot erneuern -->\n\nIm Code `TODO` und:\n\n```rust\n// TODO: entfernen\nfn main() {}\n```\n\n    TODO eingerückt\n",
    );
    let check = f.run(&["check"]);
    check.ok();
    assert!(!check.stderr.contains("placeholder"), "{}", check.stderr);
    f.build().ok();
    assert!(f.public("de/about/index.html").contains("TODO: entfernen"));

    f.write(
        PAGE,
        "---\ntitle: Über uns\n---\n1. TODO(optout): erster Schritt\n",
    );
    f.run(&["check"]).fails_with(
        "content/about.de.md:4:4: error: placeholder left: 1. TODO(optout): erster Schritt",
    );
}

#[test]
fn site_urls_are_checked_and_rewritten_under_a_subpath() {
    let f = Fixture::new("authoring");
    f.write(
        "content/guides/instagram.de.md",
        concat!(
            "---\ntitle: Instagram\nslug: instagram\n---\n",
            "[a](/de/anleitungen/konto/) [b](../konto/) [c](https://example.org/optout/de/anleitungen/konto/#formular) ",
            "[d](/optout/de/anleitungen/konto/) [e](/de/anleitungen/konto) [f](/vorlage.pdf) [g](/de/anleitungen/konto/index.html)\n\n",
            "<a href=\"/de/\">Start</a> ![Bild](/bilder/einstellungen.png) [Wurzel](/) [Feed](/de/atom.xml)\n\n## Vorher prüfen\n",
        ),
    );
    f.build().ok();
    let page = f.public("de/anleitungen/instagram/index.html");
    for href in [
        r#"<a href="/optout/de/anleitungen/konto/">a</a>"#,
        r#"<a href="/optout/de/anleitungen/konto/">b</a>"#,
        r#"<a href="/optout/de/anleitungen/konto/#formular">c</a>"#,
        r#"<a href="/optout/de/anleitungen/konto/">d</a>"#,
        r#"<a href="/optout/de/anleitungen/konto/">e</a>"#,
        r#"<a href="/optout/vorlage.pdf">f</a>"#,
        r#"<a href="/optout/de/anleitungen/konto/">g</a>"#,
        r#"<a href="/optout/de/">Start</a>"#,
        r#"<img src="/optout/bilder/einstellungen.png" alt="Bild""#,
        r#"<a href="/optout/">Wurzel</a>"#,
        r#"<a href="/optout/de/atom.xml">Feed</a>"#,
    ] {
        assert!(page.contains(href), "missing {href}\n{page}");
    }

    f.write(
        "content/guides/instagram.de.md",
        concat!(
            "---\ntitle: Instagram\nslug: instagram\n---\n",
            "Siehe [Instagramm](/de/anleitungen/instagramm/) und [PDF](/vorlage-alt.pdf).\n\n",
            "Und [weiter](../kontoo/), [dort](https://example.org/optout/en/nope/) oder [hier](/de/anleitungen/konto/#nirgends).\n\n## Vorher prüfen\n",
        ),
    );
    f.build()
        .fails_with("content/guides/instagram.de.md:5:7: error: link to /de/anleitungen/instagramm/, but the site has no such page or file")
        .fails_with("content/guides/instagram.de.md:5:53: error: link to /vorlage-alt.pdf, but the site has no such page or file")
        .fails_with("content/guides/instagram.de.md:7:5: error: link to /de/anleitungen/kontoo/, but the site has no such page or file")
        .fails_with("content/guides/instagram.de.md:7:27: error: link to /en/nope/, but the site has no such page or file")
        .fails_with("content/guides/instagram.de.md:7:76: error: link to content/guides/konto.de.md#nirgends, but that page has no such heading")
        .fails_with("5 errors — nothing was written");
}

/// The preview checks links to static files against the files there are now.
#[test]
fn preview_rechecks_links_when_static_files_come_and_go() {
    use optout::build::BuildOptions;
    use optout::rebuild::Preview;
    let f = Fixture::new("authoring");
    let options = BuildOptions {
        root: f.root().to_path_buf(),
        ..Default::default()
    };
    let mut preview = Preview::new(options).unwrap();
    f.remove("static/vorlage.pdf");
    let err = preview
        .apply_all(&["static/vorlage.pdf".into()])
        .expect_err("a link to a removed file is an error");
    assert!(
        err.to_string()
            .contains("content/_index.de.md:7:1: error: link to /vorlage.pdf, but the site has no such page or file"),
        "{err}"
    );
    f.write("static/vorlage.pdf", "%PDF-1.4\n");
    preview.apply_all(&["static/vorlage.pdf".into()]).unwrap();
    assert!(preview.outputs.files.contains_key("vorlage.pdf"));
}

/// Entities, whitespace and control characters do not hide a scheme, in Markdown or in HTML.
#[test]
fn url_tricks_are_refused() {
    let f = about(
        "[a](jav&#x61;script:alert(1)) [b](<java\tscript:alert(1)>) [c](&#x20;javascript:x) <a href=\"java&#9;script:x\">d</a>\n",
    );
    let run = f.build();
    let refused = "URL scheme `javascript:` is not allowed: it runs code in the reader's browser";
    for at in ["4:1: error: link", "4:31: error: link", "4:59: error: link"] {
        run.fails_with(&format!("{PAGE}:{at}: {refused}"));
    }
    run.fails_with(&format!("{PAGE}:4:83: error: `<a href>`: {refused}"))
        .fails_with("4 errors — nothing was written");
}
