//! Hostile input, as a pull request from a stranger could bring it: script through every field
//! that reaches HTML, paths that try to leave the site, and sizes and shapes meant to hang or
//! exhaust the build. Every case runs the real binary with a time and memory bound and checks the
//! exit code, that nothing panicked, and that `public/` is untouched on error (or that the output
//! is inert, where building is the documented behaviour). Error classes with a test elsewhere
//! (an unclosed front matter, a YAML alias bomb, a 50 MB page, a symlink loop, symlinked
//! directories, HTML in titles, JSON-LD escaping) are not repeated here.

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Fixture, Run};
use html5ever::tendril::TendrilSink;
use markup5ever_rcdom::{Handle, NodeData, RcDom};

/// A run of the real binary with its peak memory (VmHWM) and wall time.
struct Bounded {
    run: Run,
    peak_mb: u64,
    elapsed: Duration,
}

/// Runs `optout ARGS --root <fixture>` and fails the test when it takes longer than `max_secs`
/// or its resident memory ever exceeds `max_mb` (read from /proc while it runs).
#[track_caller]
fn bounded(f: &Fixture, args: &[&str], max_secs: u64, max_mb: u64) -> Bounded {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_optout"))
        .args(args)
        .arg("--root")
        .arg(f.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = pipe.read_to_end(&mut text);
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0;
    let status = loop {
        if let Ok(status) = std::fs::read_to_string(&status_file)
            && let Some(kb) = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak_kb = peak_kb.max(kb);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(max_secs) || peak_kb > max_mb * 1024 {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "optout {args:?} exceeded its bound: {:?}, {} MB (limits: {max_secs} s, {max_mb} MB)",
                start.elapsed(),
                peak_kb / 1024
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let run = Run {
        code: status.code().unwrap_or(-1),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    };
    assert!(
        !run.stderr.contains("panicked") && status.code().is_some(),
        "optout crashed ({status}):\n{}",
        run.stderr
    );
    Bounded {
        run,
        peak_mb: peak_kb / 1024,
        elapsed: start.elapsed(),
    }
}

/// The bilingual fixture, built once, so a failing build has a previous `public/` to keep.
fn built() -> (Fixture, BTreeMap<String, Vec<u8>>) {
    let f = Fixture::new("bilingual");
    f.build().ok();
    let before = f.tree("public");
    (f, before)
}

/// `edit` breaks the site: exit 1 with every needle in stderr, within the bounds, and `public/`
/// exactly as the previous build left it.
#[track_caller]
fn refused(edit: impl FnOnce(&Fixture), needles: &[&str]) -> Bounded {
    let (f, before) = built();
    edit(&f);
    let b = bounded(&f, &["build"], 60, 512);
    for needle in needles {
        b.run.fails_with(needle);
    }
    assert!(before == f.tree("public"), "a failed build changed public/");
    assert_no_staging_left(&f);
    b
}

/// `edit` is odd but valid: exit 0 within the bounds, and every page inert.
#[track_caller]
fn accepted(edit: impl FnOnce(&Fixture), max_secs: u64, max_mb: u64) -> (Fixture, Bounded) {
    let (f, _) = built();
    edit(&f);
    let b = bounded(&f, &["build"], max_secs, max_mb);
    b.run.ok();
    assert_site_inert(&f);
    assert_no_staging_left(&f);
    (f, b)
}

fn assert_no_staging_left(f: &Fixture) {
    let left: Vec<String> = std::fs::read_dir(f.root())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public"))
        .collect();
    assert!(left.is_empty(), "staging directories left: {left:?}");
}

/// The marker every payload carries: an element no template writes.
const MARK: &str = "x-pwn";

/// What a hostile field tries: end an attribute, an element, a comment and the JSON-LD block,
/// then add an element with an event handler and a script.
const PAYLOAD: &str = r#"PWN "'></title></script><!-- --><x-pwn onmouseover=alert(1)>x</x-pwn><script>alert(1)</script><img src=x onerror=alert(1)>"#;

/// Every output of the site is inert: checked on the parsed DOM of each HTML page, and on the
/// bytes of every file (feeds, sitemap, JSON).
#[track_caller]
fn assert_site_inert(f: &Fixture) {
    for (path, bytes) in f.tree("public") {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(&format!("<{MARK}")),
            "{path}: the marker element is in the file"
        );
        if path.ends_with(".html") {
            let problems = page_problems(&text);
            assert!(problems.is_empty(), "{path}: {problems:?}");
        }
    }
}

/// What would run in `page` (a whole HTML document) beyond the theme's own scripts: parsed with
/// html5ever's tree builder, as a browser would.
fn page_problems(page: &str) -> Vec<String> {
    let dom = html5ever::parse_document(RcDom::default(), Default::default()).one(page);
    let mut problems = Vec::new();
    let mut stack: Vec<Handle> = vec![dom.document.clone()];
    while let Some(node) = stack.pop() {
        if let NodeData::Element { name, attrs, .. } = &node.data {
            let element: &str = &name.local;
            let attrs = attrs.borrow();
            let attr = |n: &str| attrs.iter().find(|a| &*a.name.local == n);
            match element {
                MARK | "iframe" | "object" | "embed" | "form" | "base" | "frame" => {
                    problems.push(format!("<{element}>"));
                }
                "script" => {
                    let text = text_of(&node);
                    let json_ld = attr("type").is_some_and(|t| &*t.value == "application/ld+json");
                    if json_ld {
                        if let Err(e) = serde_json::from_str::<serde_json::Value>(&text) {
                            problems.push(format!("JSON-LD that does not parse ({e}): {text}"));
                        }
                    } else if !text.trim().is_empty() {
                        problems.push(format!("inline script: {text}"));
                    } else if let Some(src) = attr("src")
                        && src.value.contains(':')
                    {
                        problems.push(format!("script from elsewhere: {}", &*src.value));
                    }
                }
                _ => {}
            }
            for a in attrs.iter() {
                let n: &str = &a.name.local;
                if n.starts_with("on") {
                    problems.push(format!("<{element} {n}>"));
                }
                let url = matches!(
                    n,
                    "href" | "src" | "action" | "formaction" | "cite" | "content"
                );
                let value: String = a
                    .value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if url
                    && (value.starts_with("javascript:")
                        || value.starts_with("vbscript:")
                        || value.contains("url=javascript:"))
                {
                    problems.push(format!("<{element} {n}={}>", &*a.value));
                }
            }
        }
        stack.extend(node.children.borrow().iter().cloned());
    }
    problems
}

fn text_of(node: &Handle) -> String {
    let mut out = String::new();
    for child in node.children.borrow().iter() {
        if let NodeData::Text { contents } = &child.data {
            out.push_str(&contents.borrow());
        }
    }
    out
}

/// `PAYLOAD` as a single-quoted YAML scalar.
fn yaml(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Script in every field that reaches HTML: site title, description, menu and footer names,
/// page and section titles, descriptions, tags, the guide's operator, regions, source titles,
/// URL queries, headings, link text and titles, alt text and an i18n string. The site builds
/// (these are all legitimate text) and no page runs anything: every field is escaped for where
/// it lands, and the JSON-LD block still parses.
#[test]
fn script_through_every_field_stays_text() {
    let p = yaml(PAYLOAD);
    // In a Markdown body the payload is text, `<` escaped as Markdown escapes it (raw HTML is
    // the sanitizer's, with errors tested in tests/authoring.rs).
    let b = PAYLOAD.replace('<', "\\<");
    let (f, _) = accepted(
        |f| {
            let site = std::fs::read_to_string(f.root().join("site.yaml")).unwrap();
            let site = site
                .replace("title: Testseite", &format!("title: {p}"))
                .replace("description: Eine Testseite", &format!("description: {p}"))
                .replace(
                    "      - name: Anleitungen\n",
                    &format!("      - name: {p}\n"),
                )
                .replace(
                    "  en:\n",
                    &format!("    footer_menu:\n      - name: {p}\n        url: \"https://example.org/?q=%22%3E%3Cx-pwn%3E\"\n  en:\n"),
                );
            f.write("site.yaml", &site);
            f.write(
                "content/guides/_index.de.md",
                &format!("---\ntitle: {p}\ndescription: {p}\nslug: anleitungen\n---\n## {b}\n"),
            );
            f.write(
                "content/guides/facebook.de.md",
                &format!(
                    "---\ntitle: {p}\ndescription: {p}\ntags: [{p}, Meta]\n---\n## Schritte {{#schritte}}\n\n1. Melden Sie sich an: {b}\n\n[{b}](#schritte \"{q}\") ![{b}](bild.png \"{q}\")\n\n> {b}\n\n| {b} |\n|---|\n| `{PAYLOAD}` |\n",
                    q = PAYLOAD.replace('"', "&quot;")
                ),
            );
            f.write_bytes("content/guides/bild.png", &png(4, 2));
            let facts = std::fs::read_to_string(f.root().join("content/guides/facebook.yaml"))
                .unwrap()
                .replace(
                    "operator: Meta Platforms Ireland Limited",
                    &format!("operator: {p}"),
                )
                .replace("regions: [EU, EEA]", &format!("regions: [EU, {p}]"))
                .replace(
                    "title: \"Datenschutzbehörde Sachsen-Anhalt\"",
                    &format!("title: {p}"),
                )
                .replace("712876720715583\"", "712876720715583?x=%22%3E%3Cx-pwn%3E\"");
            f.write("content/guides/facebook.yaml", &facts);
            let i18n = std::fs::read_to_string(f.root().join("themes/default/i18n/de.yaml"))
                .unwrap()
                .replace(
                    "skip_to_content: \"Zum Inhalt springen\"",
                    &format!("skip_to_content: {p}"),
                )
                .replace("toc: \"Inhalt\"", &format!("toc: {p}"));
            f.write("themes/default/i18n/de.yaml", &i18n);
        },
        60,
        512,
    );
    // The payload reached the pages, as text.
    let guide = f.public("de/anleitungen/facebook/index.html");
    for expected in [
        "PWN &quot;&#39;&gt;&lt;/title&gt;&lt;/script&gt;",
        // Smart punctuation turns the quotes typographic; the rest stays as written.
        "alt=\"PWN „’&gt;&lt;/title&gt;&lt;/script&gt;",
    ] {
        assert!(guide.contains(expected), "{expected} not in the guide");
    }
    assert!(
        guide.contains("\\u003c/script\\u003e"),
        "the JSON-LD block carries the title escaped"
    );
    assert!(f.public("de/atom.xml").contains("PWN &quot;"));
}

/// A link in an attribute of raw HTML, a heading id and a `title` that spell out the placeholder
/// the sanitizer uses for code blocks cannot move a code block into an attribute.
#[test]
fn the_code_block_placeholder_cannot_be_forged() {
    let (f, _) = accepted(
        |f| {
            let mut body = String::from("---\ntitle: Code\n---\n");
            for n in 0..3 {
                body.push_str(&format!(
                    "<span title=\"\u{E000}optout-code-{n}\u{E001}<x-pwn>\">{n}</span> \u{E000}optout-code-{n}\u{E001}\n\n"
                ));
            }
            body.push_str("```rust\nlet a = \"<x-pwn>\";\n```\n\n```\nplain\n```\n");
            f.write("content/guides/code.de.md", &body);
        },
        60,
        512,
    );
    let page = f.public("de/anleitungen/code/index.html");
    let spans = page.matches("<span title=\"\u{E000}optout-code-").count();
    assert_eq!(spans, 3, "each title keeps its text: {page}");
    assert_eq!(page.matches("<pre class=\"code\">").count(), 2);
}

/// A PNG header with the given size: enough to read the size without decoding.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    b.extend(width.to_be_bytes());
    b.extend(height.to_be_bytes());
    b.extend(b"\x08\x02\0\0\0\0\0\0\0");
    b
}

/// Script through the URL fields: a guide's opt-out URL and a source URL must be web URLs.
#[test]
fn script_urls_in_metadata_are_errors() {
    refused(
        |f| {
            let facts = std::fs::read_to_string(f.root().join("content/guides/facebook.yaml"))
                .unwrap()
                .replace(
                    "\"https://www.facebook.com/help/contact/712876720715583\"",
                    "\"javascript:alert(1)//https://x\"",
                )
                .replace(
                    "\"https://datenschutz.sachsen-anhalt.de/landesbeauftragte/pressemitteilungen/pm-lfd-29042025\"",
                    "\" JaVaScRiPt:alert(1)\"",
                );
            f.write("content/guides/facebook.yaml", &facts);
        },
        &[
            "content/guides/facebook.yaml:7:1: error: `javascript:alert(1)//https://x` is not an https:// URL",
            "source URL ` JaVaScRiPt:alert(1)` is not an http(s) URL",
        ],
    );
    refused(
        |f| {
            let site = std::fs::read_to_string(f.root().join("site.yaml"))
                .unwrap()
                .replace(
                    "url: \"@/guides/_index.md\"",
                    "url: \"javascript:alert(1)\"",
                );
            f.write("site.yaml", &site);
        },
        &[
            "site.yaml: error: menu entry `Anleitungen` has URL `javascript:alert(1)`, which is neither `@/…`, `/…` nor https://",
        ],
    );
}

/// Slugs, aliases, links, images and template names that try to leave the site.
#[test]
fn paths_that_leave_the_site_are_errors() {
    refused(
        |f| {
            f.write(
                "content/guides/a.de.md",
                "---\ntitle: A\nslug: ../../x\n---\nx\n",
            );
            f.write("content/guides/b.de.md", "---\ntitle: B\nslug: /etc\naliases: [\"../../../x\", \"/../../y\", \"/de/%2e%2e/z/\"]\n---\nx\n");
        },
        &[
            "content/guides/a.de.md:3:1: error: slug `../../x` is not a URL slug",
            "content/guides/b.de.md:3:1: error: slug `/etc` is not a URL slug",
            "content/guides/b.de.md:4:1: error: alias `../../../x` must be a plain URL path starting with `/`",
            "content/guides/b.de.md:4:1: error: alias `/../../y` must be a plain URL path starting with `/`",
        ],
    );
    refused(
        |f| {
            f.write(
                "content/guides/c.de.md",
                "---\ntitle: C\n---\n![a](../../../../../etc/passwd.png) [b](@/../../x.pdf) [c](../../../../etc/hosts) <img src=\"../../../../../../etc/x.png\" alt=\"x\">\n",
            );
        },
        &[
            "content/guides/c.de.md:4:1: error: link to ../../../../../etc/passwd.png points outside content/",
            "content/guides/c.de.md:4:37: error: link to ../../x.pdf points outside content/",
            "content/guides/c.de.md:4:56: error: link to ../../../../etc/hosts climbs above the site root",
            "content/guides/c.de.md:4:83: error: link to ../../../../../../etc/x.png points outside content/",
        ],
    );
    refused(
        |f| {
            f.write(
                "content/guides/d.de.md",
                "---\ntitle: D\ntemplate: ../../../../../etc/passwd\n---\nx\n",
            );
        },
        &[
            "content/guides/d.de.md:3:1: error: template `../../../../../etc/passwd` leaves templates/",
        ],
    );
}

/// Two URLs that differ only in case are one file on case-insensitive hosts (macOS, Windows,
/// several object stores): whichever is uploaded last would replace the other.
#[test]
fn urls_that_differ_only_in_case_are_an_error() {
    refused(
        |f| {
            f.write(
                "content/guides/b.de.md",
                "---\ntitle: B\naliases: [\"/de/Alt/\", \"/de/alt/\", \"/DE/Anleitungen/Facebook/\"]\n---\nx\n",
            );
            f.write("static/Logo.txt", "a");
            f.write("static/logo.txt", "b");
        },
        &[
            "content/guides/b.de.md: error: `DE/Anleitungen/Facebook/index.html` and `de/anleitungen/facebook/index.html` (from content/guides/facebook.de.md) differ only in case",
            "content/guides/b.de.md: error: `de/alt/index.html` and `de/Alt/index.html` (from content/guides/b.de.md) differ only in case",
            "static/logo.txt: error: `logo.txt` and `Logo.txt` (from static/Logo.txt) differ only in case",
            "3 errors — nothing was written",
        ],
    );
}

/// Symbolic links to single files outside the site (a page, an image, a template) are refused
/// like the directories of `tests/errors.rs`: a build must never publish a file from elsewhere.
#[cfg(unix)]
#[test]
fn symlinked_files_out_of_the_site_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("page.de.md"),
        "---\ntitle: Geheim\n---\ntop secret\n",
    )
    .unwrap();
    std::fs::write(outside.path().join("shot.png"), png(2, 2)).unwrap();
    std::fs::write(outside.path().join("page.html"), "{{ now() }} top secret").unwrap();
    let b = refused(
        |f| {
            let link = |from: &str, to: &str| {
                std::os::unix::fs::symlink(outside.path().join(from), f.root().join(to)).unwrap()
            };
            link("page.de.md", "content/guides/geheim.de.md");
            link("shot.png", "content/guides/shot.png");
            std::fs::create_dir_all(f.root().join("templates")).unwrap();
            link("page.html", "templates/page.html");
        },
        &[
            "content/guides/geheim.de.md: error: symbolic link to outside the site",
            "content/guides/shot.png: error: symbolic link to outside the site",
            "templates/page.html: error: symbolic link to outside the site",
        ],
    );
    assert!(!b.run.stderr.contains("top secret"));
}

/// 10,000 levels of nesting in YAML (flow lists and maps) are an error, not a stack overflow.
#[test]
fn ten_thousand_levels_of_yaml_are_an_error() {
    let deep_list = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_map = format!("{}1{}", "{a: ".repeat(10_000), "}".repeat(10_000));
    let b = refused(
        |f| {
            f.write(
                "content/guides/a.de.md",
                &format!("---\ntitle: A\ntags: {deep_list}\n---\nx\n"),
            );
            f.write("content/guides/b.yaml", &format!("weight: {deep_map}\n"));
            f.write("content/guides/b.de.md", "---\ntitle: B\n---\nx\n");
        },
        &[
            "content/guides/a.de.md:3:135: error: `[` and `{` nested more than 128 levels deep",
            "content/guides/b.yaml:1:",
            "2 errors — nothing was written",
        ],
    );
    assert!(b.elapsed < Duration::from_secs(20), "{:?}", b.elapsed);
    // site.yaml too.
    refused(
        |f| {
            let site = std::fs::read_to_string(f.root().join("site.yaml")).unwrap();
            f.write("site.yaml", &format!("{site}theme: {deep_list}\n"));
        },
        &["site.yaml:"],
    );
}

/// 10,000 levels of Markdown quotes and lists, and of raw HTML, build in bounded time and
/// memory, and the page stays inert.
#[test]
fn ten_thousand_levels_of_markdown_build() {
    let quotes = format!("{}tief\n", "> ".repeat(10_000));
    let lists = format!("{}tief\n", "- ".repeat(10_000));
    let divs = format!(
        "{}tief{}\n",
        "<div>".repeat(10_000),
        "</div>".repeat(10_000)
    );
    let emphasis = format!("{}x{}\n", "*".repeat(10_000), "*".repeat(10_000));
    let links = format!("{}a{}\n", "[".repeat(10_000), "](#x)".repeat(10_000));
    accepted(
        |f| {
            for (name, body) in [
                ("quotes", &quotes),
                ("lists", &lists),
                ("divs", &divs),
                ("emphasis", &emphasis),
            ] {
                f.write(
                    &format!("content/guides/{name}.de.md"),
                    &format!("---\ntitle: {name}\n---\n## X {{#x}}\n\n{body}"),
                );
            }
            f.write(
                "content/guides/links.de.md",
                &format!("---\ntitle: links\n---\n## X {{#x}}\n\n{links}"),
            );
        },
        60,
        512,
    );
}

/// 100,000 headings on one page (most of them equal, which made the id numbering quadratic:
/// 585 s in a debug build before, 4 s after).
#[test]
fn a_hundred_thousand_headings_build_in_bounded_time() {
    let mut body = String::from("---\ntitle: Viele\n---\n");
    for i in 0..100_000 {
        body.push_str(&format!("{} Schritt {}\n\n", "#".repeat(2 + i % 3), i % 7));
    }
    let (f, b) = accepted(|f| f.write("content/guides/viele.de.md", &body), 90, 768);
    let page = f.public("de/anleitungen/viele/index.html");
    assert!(
        page.contains("id=\"schritt-0-14284\""),
        "the last `Schritt 0`"
    );
    eprintln!("100,000 headings: {:?}, peak {} MB", b.elapsed, b.peak_mb);
}

/// A 7 MB line (the file limit is 8 MB) renders in bounded time; a 10 MB line is a file over
/// the limit, in a page and in a `.yaml`.
#[test]
fn a_very_long_line() {
    let words = "Wort ".repeat(7 * 1024 * 1024 / 5);
    let (_, b) = accepted(
        |f| {
            f.write(
                "content/guides/lang.de.md",
                &format!("---\ntitle: Lang\n---\n{words}\n"),
            )
        },
        60,
        768,
    );
    eprintln!("7 MB line: {:?}, peak {} MB", b.elapsed, b.peak_mb);
    let ten = "x".repeat(10 * 1024 * 1024);
    refused(
        |f| {
            f.write(
                "content/guides/a.de.md",
                &format!("---\ntitle: A\n---\n{ten}\n"),
            );
            f.write("content/guides/b.yaml", &format!("weight: 1 # {ten}\n"));
            f.write("content/guides/b.de.md", "---\ntitle: B\n---\nx\n");
        },
        &[
            "content/guides/a.de.md: error: file is 10.5 MB; the limit is 8 MB",
            "content/guides/b.yaml: error: file is 10.5 MB; the limit is 8 MB",
        ],
    );
}

/// NUL bytes: in YAML an error at their line (YAML forbids control characters); in a Markdown
/// body replaced with U+FFFD, as CommonMark says, so no NUL reaches a page.
#[test]
fn nul_bytes() {
    refused(
        |f| f.write("content/guides/a.de.md", "---\ntitle: a\0b\n---\nx\n"),
        &["content/guides/a.de.md:2:1: error: control characters are not allowed"],
    );
    let (f, _) = accepted(
        |f| {
            f.write(
                "content/guides/a.de.md",
                "---\ntitle: \"a\\0b\"\n---\n## K {#k}\n\nNUL \0 im Text <b>\0</b> [x\0](#k) `\0`\n\n```\n\0\n```\n",
            )
        },
        60,
        512,
    );
    for (path, bytes) in f.tree("public") {
        assert!(!bytes.contains(&0), "{path} contains a NUL byte");
    }
    let page = f.public("de/anleitungen/a/index.html");
    assert!(page.contains("<h1>a\u{FFFD}b</h1>"), "{page}");
    assert!(page.contains("<code>\u{FFFD}\n</code>"), "{page}");
}

/// A byte order mark in a page, a `.yaml` and site.yaml, and CRLF line endings, build as if
/// they were not there; lone CR line endings (classic Mac OS) are named as the problem.
#[test]
fn bom_crlf_and_lone_cr() {
    let (f, _) = accepted(
        |f| {
            f.write(
                "content/guides/a.de.md",
                "\u{feff}---\r\ntitle: BOM\r\n---\r\n## Kopf\r\n\r\nText [k](#kopf)\r\n",
            );
            f.write(
                "content/guides/a.yaml",
                "\u{feff}weight: 3\r\ntags: [x]\r\n",
            );
            let site = std::fs::read_to_string(f.root().join("site.yaml")).unwrap();
            f.write(
                "site.yaml",
                &format!("\u{feff}{}", site.replace('\n', "\r\n")),
            );
        },
        60,
        512,
    );
    let page = f.public("de/anleitungen/a/index.html");
    assert!(page.contains("<h2 id=\"kopf\">"), "{page}");
    assert!(!page.contains('\u{feff}'));
    refused(
        |f| f.write("content/guides/a.de.md", "---\rtitle: Alt\r---\rText\r"),
        &[
            "content/guides/a.de.md:1:1: error: the lines end with a lone carriage return (CR, classic Mac OS)",
        ],
    );
}

/// A 200 MB image (a sparse file: a PNG header, then nothing) is refused before it is read, in
/// `content/` and in `static/`.
#[test]
fn a_200_mb_image_is_refused_without_reading_it() {
    let sparse = |f: &Fixture, rel: &str| {
        let path = f.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, png(4096, 4096)).unwrap();
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(200 * 1024 * 1024)
            .unwrap();
    };
    let b = refused(
        |f| {
            f.write(
                "content/guides/a.de.md",
                "---\ntitle: Bild\n---\n![Riesig](riesig.png)\n",
            );
            sparse(f, "content/guides/riesig.png");
            sparse(f, "static/riesig.png");
        },
        &[
            "content/guides/riesig.png: error: file is 209.7 MB, over the limit of 32 MB",
            "static/riesig.png: error: static file is 209.7 MB, over the limit of 32 MB",
        ],
    );
    assert!(b.peak_mb < 200, "the file was read: {} MB", b.peak_mb);
}
