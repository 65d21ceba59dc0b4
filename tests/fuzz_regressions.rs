//! The fuzz harness on stable Rust: every input a fuzz target ever crashed on, as a test of its
//! own, and the seed corpus through every target. The harness is the very file the cargo-fuzz
//! targets use (`fuzz/src/lib.rs`), so a regression here is a regression there.

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod harness;

use std::path::Path;

/// Runs every seed of `fuzz/seeds/<target>/` through the target.
fn seeds(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(target);
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let result = std::panic::catch_unwind(|| run(&data));
        assert!(result.is_ok(), "seed {} fails", path.display());
        count += 1;
    }
    assert!(count > 0, "no seeds in {}", dir.display());
}

#[test]
fn seed_corpus_passes_every_target() {
    seeds("front_matter", harness::front_matter);
    seeds("metadata_merge", harness::metadata_merge);
    seeds("site_config", harness::site_config);
    seeds("markdown", harness::markdown);
    seeds("sanitize", harness::sanitize);
    seeds("url_policy", harness::url_policy);
    seeds("slug", harness::slug);
    seeds("image_size", harness::image_size);
}

/// The invariant checker finds what it is there to find: a harness that passes everything would
/// prove nothing.
#[test]
fn the_live_code_check_sees_scripts_handlers_and_script_urls() {
    for (html, what) in [
        ("<script>alert(1)</script>", "<script>"),
        ("<p><img src=x onerror=alert(1)></p>", "onerror"),
        ("<a href=\" JaVa&#x09;script:alert(1)\">x</a>", "href"),
        (
            "<svg><a xlink:href=\"javascript:alert(1)\">x</a></svg>",
            "href",
        ),
        (
            "<svg><set attributeName=\"href\" to=\"javascript:alert(1)\"/></svg>",
            "to=",
        ),
        ("<table><td><iframe src=x></iframe>", "<iframe>"),
        ("<p title=\"x\">a</p><!-- <script> -->", ""),
        ("<pre>&lt;script&gt;alert(1)&lt;/script&gt;</pre>", ""),
    ] {
        let found = harness::live_code(html);
        if what.is_empty() {
            assert!(found.is_empty(), "{html}: {found:?}");
        } else {
            assert!(found.iter().any(|f| f.contains(what)), "{html}: {found:?}");
        }
    }
}

/// The Markdown target's site builds, and a body reaches the page with its links resolved:
/// otherwise the fuzzer would be testing nothing.
#[test]
fn the_markdown_target_renders_a_real_page() {
    let (page, diags) = harness::render_page(
        "## Überblick\n\n[Ziel](ziel.de.md#schritte) [oben](#überblick) ![Bild](bild.png) [V](/vorlage.pdf)\n",
        false,
    )
    .expect("the harness's site builds");
    assert!(!diags.has_errors(), "{diags:?}");
    assert!(
        page.html
            .contains("href=\"/sub/de/anleitungen/ziel/#schritte\""),
        "{}",
        page.html
    );
    assert!(page.html.contains("width=\"16\""), "{}", page.html);
    let (_, diags) = harness::render_page("[x](ziel.de.md#nirgends)\n", false).unwrap();
    assert!(diags.has_errors(), "a broken anchor is found");
    let (_, diags) =
        harness::render_page("<a href=\"javascript:alert(1)\">x</a>\n", false).unwrap();
    assert!(diags.has_errors(), "a refused URL is an error");
}

/// Found by the `markdown` target: a `{#custom id}` with a NUL in it (`{#custom\0.cls}`) became a
/// heading id with an invisible control character. Now an error at the heading.
#[test]
fn markdown_custom_heading_id_with_a_control_character() {
    harness::markdown(b"\0## B {#custom\0.cls}\n");
    let (_, diags) = harness::render_page("## B {#a\u{1}b}\n", false).unwrap();
    let message = &diags.0[0].message;
    assert_eq!(
        message,
        "heading id `a\\u{1}b` contains a control character"
    );
}

/// Found by the `sanitize` target, in the harness: `main0;&#x09;javascript:alert(1)` is a
/// relative URL (`;` cannot be part of a scheme), which the invariant took for a script URL
/// when it split every attribute at `;`. The URL policy and ammonia were right.
#[test]
fn sanitize_a_semicolon_before_javascript_is_a_relative_url() {
    harness::sanitize(b"<a href=\"main0;&#x09;javascript:alert(1)\">x</a><p style=\"x\" onclick=\"y\">z</p><!DOCTYPE html><title><p></title>");
    assert!(
        harness::live_code(
            "<svg><animate attributeName=\"href\" values=\"#a;javascript:alert(1)\"/></svg>"
        )
        .iter()
        .any(|f| f.contains("values"))
    );
}

/// Found by the `sanitize` target, in the harness: an SVG ending in a cut-off tag
/// (`<rc=x oner/sumrmo`) is no tag to a browser opening the file, but the invariant parsed it
/// inside a page wrapper that completed the tag. SVGs are now parsed as whole documents.
#[test]
fn sanitize_a_tag_cut_off_by_the_end_of_an_svg_is_no_tag() {
    harness::sanitize(
        b"<mlongderror=alert(1)>\n\n<a h) <img s<details><summary>Mehr<rc=x oner/sumrmo",
    );
}

/// Found by the `front_matter` target: lone carriage returns inside the front matter. YAML
/// counts them as line breaks, every other stage only LF, so the YAML error pointed at line 24
/// of a 6-line file. A lone CR in YAML is now an error at its own line.
#[test]
fn front_matter_lone_cr_inside_the_yaml() {
    let input: &[u8] = b"---\n#####rrrrrrrrr6-\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r---\ntst\n\r\r\r\r\r\r\n---\n";
    harness::front_matter(input);
}

/// Found by the `metadata_merge` target: the same, in a `.yaml` beside the page (line 12 of a
/// 10-line file).
#[test]
fn metadata_merge_lone_cr_in_the_yaml_file() {
    harness::metadata_merge(b"---\ntitle: Facebook\n---\nText\n\xffplatform: facebook\noperator: Meta PlatfoRms Ireland Limited\naudience: ['ersonal, b \"Datenschutzbeh\xc3\xb6rde Sachsen-Anhalt\"\n    url: \"https://datenschutz.sachsen-anhalt.de/landesbeauftragte/pressemitteilungen/pm-lfd402-92024\"\n    date: 2025-orm: facebook\noperator\r \r(((((((((((((((((((((((((((((((((((((((((ps://www.faceboo]\nopt_out:\n  method: form\n  url: \"https://www.facebook.com/help/contact04g29\n");
}

/// Found by the `sanitize` target: a tag whose name holds a NUL (which the tokenizer reads as
/// U+FFFD) is not found in the source, and the search cursor then moved one byte on, into
/// `Ą`: the next refusal's offset fell inside a character and its column was lost.
#[test]
fn sanitize_a_nul_in_a_tag_name_keeps_offsets_on_characters() {
    let input: &[u8] = b"\xc4\x84able><c\x01\x00\x00\x00\x00\x00\x00A\napble><c\x01\x00\x00aptyon><tr><t` sce><ti0-01>x</time>";
    harness::sanitize(input);
}

/// Found by the `sanitize` target, in the harness: `<portal>` in an SVG file is an SVG element
/// with an unknown name, inert in a file a browser reads as XML; the invariant counted it as
/// HTML. While looking at it: an SVG could set a link's target by animation
/// (`<set attributeName="href" to="javascript:…">`), which the SVG check now refuses.
#[test]
fn sanitize_html_element_names_in_an_svg_are_inert_and_href_animation_is_refused() {
    harness::sanitize(b"/sv\"g v\"g E><u><portal /nm>p><R\x18\x18\x18\x18\x18\x18\x18/&/t>d</tr><ko/t>d</main/tabar\x06\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdytime=2026-0d</tr></tabl2-01>e>");
    let svg = optout::markdown::sanitize::check_svg(
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><a><set attributeName=\"href\" to=\"javascript:alert(1)\"/><text>x</text></a></svg>",
    );
    assert_eq!(svg.refusals.len(), 1, "{:?}", svg.refusals);
}

/// Found by the `front_matter` target (a timeout): 3.8 KB of `{{{{ &a :{{{{…` in a front matter
/// took 0.65 s, and the YAML scanner's work grows with the square of the nesting (40,000 levels
/// of `[`: 3 s; the 8 MB a file may have: hours). Flow nesting over 128 levels is now refused
/// before the YAML parser runs.
#[test]
fn front_matter_deep_flow_nesting_is_refused_at_once() {
    let input = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/regressions/front_matter/timeout-4576cdd22532f2949d87c4958d7136b79bfbf404"),
    )
    .unwrap();
    let start = std::time::Instant::now();
    harness::front_matter(&input);
    let deep = format!("---\ntitle: x\ntags: {}\n---\n", "[".repeat(1_000_000));
    harness::front_matter(deep.as_bytes());
    assert!(
        start.elapsed() < std::time::Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}

/// Found by the `site_config` target: a PARAGRAPH SEPARATOR (U+2029) inside `site.yaml`. YAML
/// counts it (like NEL and LINE SEPARATOR) as a line break, every other stage only LF, so an
/// error pointed at line 71 of a 69-line file. These characters are now an error where they stand.
#[test]
fn site_config_a_unicode_paragraph_separator_is_located_where_it_stands() {
    let input = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/regressions/site_config/crash-d726d2f604a74950039600f8403229977a495b53"),
    )
    .unwrap();
    harness::site_config(&input);
    harness::site_config("base_url: https://example.org/\nmenu: a\u{2028} - b\n[".as_bytes());
}
