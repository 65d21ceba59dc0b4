//! Files beside pages: screenshots and PDFs under `content/`, published once under a content
//! hash, checked like links, with the size of every image in the page.

mod common;

use std::path::PathBuf;

use common::Fixture;
use optout::build::{BuildOptions, Project};
use optout::rebuild::Preview;

/// A PNG header with the given size: enough for the size to be read without decoding.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    b.extend(width.to_be_bytes());
    b.extend(height.to_be_bytes());
    b.extend(b"\x08\x02\0\0\0\0\0\0\0");
    b
}

/// The minimal site with a page `content/guides/…` per language.
fn guide(de_body: &str, en_body: &str) -> Fixture {
    let f = Fixture::new("minimal");
    f.write(
        "content/guides/_index.de.md",
        "---\ntitle: Anleitungen\n---\n",
    );
    f.write("content/guides/_index.en.md", "---\ntitle: Guides\n---\n");
    f.write(
        "content/guides/formular.de.md",
        &format!("---\ntitle: Formular\n---\n{de_body}"),
    );
    f.write(
        "content/guides/formular.en.md",
        &format!("---\ntitle: Form\n---\n{en_body}"),
    );
    f
}

fn media(f: &Fixture) -> Vec<String> {
    f.tree("public/media").into_keys().collect()
}

#[test]
fn an_image_beside_a_page_is_published_once_with_its_size_in_both_languages() {
    let f = guide(
        "Text.\n\n![Das Formular](bilder/formular.png)\n\n![Noch einmal](bilder/formular.png)\n",
        "![The form](bilder/formular.png)\n\n[PDF](vorlage.pdf#page=2)\n",
    );
    f.write_bytes("content/guides/bilder/formular.png", &png(800, 600));
    f.write_bytes("content/guides/vorlage.pdf", b"%PDF-1.4 x");
    let run = f.build();
    run.ok();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let files = media(&f);
    assert_eq!(files.len(), 2, "{files:?}");
    let image = files.iter().find(|p| p.starts_with("formular.")).unwrap();
    assert!(image.ends_with(".png") && image.len() == "formular..png".len() + 10);
    let de = f.public("de/guides/formular/index.html");
    assert!(
        de.contains(&format!(
            r#"<img src="/media/{image}" alt="Das Formular" width="800" height="600" decoding="async">"#
        )),
        "{de}"
    );
    assert!(
        de.contains(&format!(
            r#"<img src="/media/{image}" alt="Noch einmal" width="800" height="600" loading="lazy" decoding="async">"#
        )),
        "{de}"
    );
    let en = f.public("en/guides/formular/index.html");
    assert!(
        en.contains(&format!(r#"src="/media/{image}" alt="The form""#)),
        "{en}"
    );
    let pdf = files.iter().find(|p| p.starts_with("vorlage.")).unwrap();
    assert!(
        en.contains(&format!(r#"<a href="/media/{pdf}#page=2">PDF</a>"#)),
        "{en}"
    );
    assert_eq!(
        std::fs::read(f.root().join("public/media").join(pdf)).unwrap(),
        b"%PDF-1.4 x"
    );
    // Hosts may cache them forever; opened on their own they may run nothing.
    let headers = f.public("_headers");
    assert!(
        headers.contains("/media/*\n  Cache-Control: public, max-age=31536000, immutable\n  Content-Security-Policy: default-src 'none'"),
        "{headers}"
    );
    // Reproducible: a second build writes the same bytes.
    let first = f.tree("public");
    f.build().ok();
    assert_eq!(first, f.tree("public"));
}

#[test]
fn the_language_variant_is_picked_by_the_page_language() {
    let f = guide("![Formular](formular.png)\n", "![Form](formular.png)\n");
    f.write_bytes("content/guides/formular.de.png", &png(10, 20));
    f.write_bytes("content/guides/formular.en.png", &png(30, 40));
    f.build().ok();
    let de = f.public("de/guides/formular/index.html");
    let en = f.public("en/guides/formular/index.html");
    assert!(
        de.contains(r#"width="10" height="20""#) && de.contains("/media/formular.de."),
        "{de}"
    );
    assert!(
        en.contains(r#"width="30" height="40""#) && en.contains("/media/formular.en."),
        "{en}"
    );
    // Without an English variant, the English page takes the shared file.
    f.remove("content/guides/formular.en.png");
    f.write_bytes("content/guides/formular.png", &png(50, 60));
    f.build().ok();
    let en = f.public("en/guides/formular/index.html");
    assert!(en.contains(r#"width="50" height="60""#), "{en}");
}

#[test]
fn a_missing_image_is_an_error_at_its_place() {
    let f = guide("Text.\n\nSiehe ![Formular](bilder/fehlt.png).\n", "x\n");
    f.build().fails_with(
        "content/guides/formular.de.md:6:7: error: link to content/guides/bilder/fehlt.png, which does not exist",
    ).fails_with("hint: save the file as content/guides/bilder/fehlt.png (or fehlt.de.png for this language only)");
    assert!(!f.exists("index.html"), "nothing is written");
    // A link to a missing file, in raw HTML too.
    let f = guide(
        "[PDF](vorlage.pdf)\n\n<img src=\"weg.svg\" alt=\"x\">\n",
        "x\n",
    );
    let run = f.run(&["check"]);
    run.fails_with("content/guides/formular.de.md:4:1: error: link to content/guides/vorlage.pdf, which does not exist");
    run.fails_with("content/guides/formular.de.md:6:1: error: link to content/guides/weg.svg, which does not exist");
}

#[test]
fn an_image_without_alt_text_is_an_error() {
    let f = guide(
        "![](formular.png)\n\n<img src=\"formular.png\">\n",
        "![ ](formular.png)\n",
    );
    f.write_bytes("content/guides/formular.png", &png(1, 1));
    let run = f.build();
    run.fails_with("content/guides/formular.de.md:4:1: error: image without alt text");
    run.fails_with("content/guides/formular.de.md:6:1: error: image without alt text");
    run.fails_with("content/guides/formular.en.md:4:1: error: image without alt text");
}

#[test]
fn a_remote_image_is_an_error_with_a_hint_to_download_it() {
    let f = guide(
        "![Logo](https://cdn.example.com/logo.png)\n\n<img src=\"//tracker.example.net/p.gif\" alt=\"p\">\n",
        "x\n",
    );
    let run = f.build();
    run.fails_with("content/guides/formular.de.md:4:1: error: image from another site (cdn.example.com): every reader's browser would request it there");
    run.fails_with("hint: download the file, save it beside the page");
    run.fails_with(
        "content/guides/formular.de.md:6:1: error: image from another site (tracker.example.net)",
    );
}

#[test]
fn an_unused_asset_is_a_warning_in_check_and_build() {
    let f = guide("Text.\n", "Text.\n");
    f.write_bytes("content/guides/alt.png", &png(1, 1));
    let check = f.run(&["check"]);
    check.ok();
    assert!(
        check
            .stderr
            .contains("content/guides/alt.png: warning: no page uses this file"),
        "{}",
        check.stderr
    );
    let build = f.build();
    build.ok();
    assert!(
        build.stderr.contains("no page uses this file"),
        "{}",
        build.stderr
    );
}

#[test]
fn files_that_would_run_on_the_site_are_refused() {
    let f = guide("Text.\n", "Text.\n");
    f.write("content/guides/evil.svg", "<svg onload=\"alert(1)\"></svg>");
    f.write("content/guides/seite.html", "<script>alert(1)</script>");
    let run = f.build();
    run.fails_with(
        "content/guides/evil.svg: error: the SVG's `<svg>` has `onload`, which can run code",
    );
    run.fails_with(
        "content/guides/seite.html: error: a `.html` file cannot be published from content/",
    );
}

#[test]
fn svg_is_sized_and_served_as_an_image() {
    let f = guide("![Skizze](skizze.svg)\n", "![Sketch](skizze.svg)\n");
    f.write(
        "content/guides/skizze.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 300 150\"><rect width=\"10\" height=\"10\"/></svg>",
    );
    f.build().ok();
    let de = f.public("de/guides/formular/index.html");
    assert!(de.contains(r#"width="300" height="150""#), "{de}");
    // The preview serves it as an image, sandboxed by the `_headers` rule for `media/`.
    let server = optout::serve::start(optout::serve::ServeOptions {
        root: f.root().to_path_buf(),
        port: 0,
        terminal: optout::report::Terminal::Quiet,
        ..Default::default()
    })
    .expect("server starts");
    let svg = server
        .served_paths()
        .into_iter()
        .find(|k| k.starts_with("media/skizze.") && k.ends_with(".svg"))
        .unwrap();
    assert_eq!(optout::serve::content_type(&svg), "image/svg+xml");
    let response = http_get(server.addr(), &format!("/{svg}"));
    let head = response.to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{response}");
    assert!(
        head.contains("\r\ncontent-type: image/svg+xml\r\n"),
        "{response}"
    );
    assert!(
        head.contains("\r\ncontent-security-policy: default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; sandbox\r\n"),
        "{response}"
    );
}

/// A plain HTTP/1.1 GET; the whole response as text.
fn http_get(addr: std::net::SocketAddr, target: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn a_placeholder_does_not_hide_a_broken_link_in_check() {
    let f = guide(
        "1. TODO(optout): erster Schritt\n\n[weg](weg.de.md) und ![Bild](fehlt.png)\n",
        "x\n",
    );
    let run = f.run(&["check"]);
    run.fails_with("content/guides/formular.de.md:4:4: error: placeholder left");
    run.fails_with("content/guides/formular.de.md:6:1: error: link to content/guides/weg.de.md which does not exist");
    run.fails_with("content/guides/formular.de.md:6:22: error: link to content/guides/fehlt.png, which does not exist");
    // `build` treats placeholders as warnings, and still writes nothing with a broken link.
    f.build().fails_with("link to content/guides/weg.de.md");
}

fn options(f: &Fixture) -> BuildOptions {
    BuildOptions {
        root: f.root().to_path_buf(),
        ..Default::default()
    }
}

/// Applies `changed` and asserts the preview's outputs equal a fresh build's.
#[track_caller]
fn step(f: &Fixture, preview: &mut Preview, changed: &[&str]) -> optout::rebuild::ChangeSummary {
    let paths: Vec<PathBuf> = changed.iter().map(PathBuf::from).collect();
    let summary = preview
        .apply_all(&paths)
        .unwrap_or_else(|e| panic!("apply {changed:?} failed:\n{e}"));
    let fresh = Project::load(options(f)).unwrap().render_all().unwrap();
    assert_eq!(
        preview.outputs.files.keys().collect::<Vec<_>>(),
        fresh.files.keys().collect::<Vec<_>>(),
        "output paths differ after {changed:?}"
    );
    for (path, bytes) in &fresh.files {
        assert!(
            preview.outputs.files[path] == *bytes,
            "{path} differs after {changed:?}"
        );
    }
    summary
}

#[test]
fn the_preview_picks_up_added_changed_and_removed_assets() {
    let f = guide("![Formular](formular.png)\n", "Text.\n");
    f.write_bytes("content/guides/formular.png", &png(10, 10));
    let mut preview = Preview::new(options(&f)).unwrap();

    // Changed: a new URL and size on the one page that shows it; the old file is gone.
    f.write_bytes("content/guides/formular.png", &png(20, 10));
    let s = step(&f, &mut preview, &["content/guides/formular.png"]);
    assert_eq!(s.rendered_pages, 1, "{s:?}");
    assert_eq!(s.removed.len(), 1, "{s:?}");
    assert!(
        s.changed
            .contains(&"de/guides/formular/index.html".to_string())
    );

    // Added: a German variant takes over on the German page.
    f.write_bytes("content/guides/formular.de.png", &png(30, 10));
    let s = step(&f, &mut preview, &["content/guides/formular.de.png"]);
    assert_eq!(s.rendered_pages, 1, "{s:?}");
    let de =
        String::from_utf8(preview.outputs.files["de/guides/formular/index.html"].clone()).unwrap();
    assert!(de.contains(r#"width="30""#), "{de}");
    // The shared file is now unused: a warning.
    assert!(
        preview
            .project
            .warnings
            .all()
            .0
            .iter()
            .any(|d| d.message.contains("no page uses"))
    );

    // Removed: the page falls back to the shared file.
    f.remove("content/guides/formular.de.png");
    step(&f, &mut preview, &["content/guides/formular.de.png"]);

    // Removed while a page shows it: an error, and the last good site stays.
    f.remove("content/guides/formular.png");
    let err = preview
        .apply_all(&[PathBuf::from("content/guides/formular.png")])
        .unwrap_err();
    assert!(err.to_string().contains("which does not exist"), "{err}");
    f.write_bytes("content/guides/formular.png", &png(40, 10));
    step(&f, &mut preview, &["content/guides/formular.png"]);
}

#[test]
fn images_from_static_get_their_size_too() {
    let f = guide(
        "![Logo](/bilder/logo.png)\n\n<img src=\"/bilder/logo.png\" alt=\"Logo\">\n",
        "Text.\n",
    );
    f.write_bytes("static/bilder/logo.png", &png(64, 32));
    f.build().ok();
    let de = f.public("de/guides/formular/index.html");
    assert!(
        de.contains(
            r#"<img src="/bilder/logo.png" alt="Logo" width="64" height="32" decoding="async">"#
        ),
        "{de}"
    );
    assert!(
        de.contains(r#"<img src="/bilder/logo.png" alt="Logo" width="64" height="32" loading="lazy" decoding="async">"#),
        "{de}"
    );
}

#[test]
fn a_placeholder_is_reported_with_an_error_that_stops_loading() {
    let f = guide("1. TODO(optout): erster Schritt\n", "x\n");
    f.write(
        "content/guides/kaputt.de.md",
        "---\ntitle: Kaputt\ndescripton: x\n---\n",
    );
    let run = f.run(&["check"]);
    run.fails_with("content/guides/formular.de.md:4:4: error: placeholder left");
    run.fails_with("content/guides/kaputt.de.md:3:1: error: unknown field `descripton`");
}
