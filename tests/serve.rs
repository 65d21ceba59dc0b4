//! `optout serve` end to end: a real server on an ephemeral port, a fixture site in a temporary
//! directory, real file edits, plain HTTP/1.1 over TcpStream and the live-reload event stream.
//! Every wait has a timeout, so a broken server fails the test instead of hanging it.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use optout::build::BuildOptions;
use optout::render::RenderOptions;
use optout::report::Terminal;
use optout::serve::{ServeOptions, ServerHandle};

const WAIT: Duration = Duration::from_secs(10);
const LIVE_TAG: &str = "/__optout/live.js";

// ------------------------------------------------------------------ fixture

const SITE_YAML: &str = "# SECRET-MARKER-site-yaml
base_url: https://optout.example.org/
default_language: de
theme: default
languages:
  de:
    name: Deutsch
    title: optout
    description: Testseite
    menu:
      - name: Anleitungen
        url: \"@/guides/_index.md\"
  en:
    name: English
    title: optout
    description: Test site
    menu:
      - name: Guides
        url: \"@/guides/_index.md\"
taxonomies:
  - name: tags
    slugs:
      de: themen
      en: topics
";

fn page(title: &str, body: &str) -> String {
    format!("---\ntitle: {title}\n---\n\n{body}\n")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A small bilingual site with the shipped theme.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default"),
        &root.join("themes/default"),
    );
    write(root, "site.yaml", SITE_YAML);
    write(root, "content/_index.de.md", &page("Startseite", "Hallo."));
    write(root, "content/_index.en.md", &page("Home", "Hello."));
    write(
        root,
        "content/guides/_index.de.md",
        "---\ntitle: Anleitungen\nslug: anleitungen\n---\n\nAlle Anleitungen.\n",
    );
    write(
        root,
        "content/guides/_index.en.md",
        "---\ntitle: Guides\nslug: guides\n---\n\nAll guides.\n",
    );
    write(
        root,
        "content/guides/alpha.de.md",
        "---\ntitle: Alpha\ndate: 2026-01-02\ntags: [Datenschutz]\n---\n\nAlpha-Text eins.\n\n## Abschnitt\n\nMehr.\n",
    );
    write(
        root,
        "content/guides/alpha.en.md",
        "---\ntitle: Alpha EN\ndate: 2026-01-02\ntags: [Datenschutz]\n---\n\nAlpha text one.\n",
    );
    write(
        root,
        "content/guides/beta.de.md",
        &page("Beta", "Beta-Text, siehe [Alpha](alpha.de.md)."),
    );
    dir
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn serve(root: &Path) -> ServerHandle {
    optout::serve::start(ServeOptions {
        root: root.to_path_buf(),
        port: 0,
        terminal: Terminal::Quiet,
        ..Default::default()
    })
    .expect("server starts")
}

fn build_options(root: &Path) -> BuildOptions {
    BuildOptions {
        root: std::fs::canonicalize(root).unwrap(),
        render: RenderOptions {
            live_reload: Some(LIVE_TAG.into()),
        },
        ..Default::default()
    }
}

// ------------------------------------------------------------------ HTTP

#[derive(Debug)]
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One request on a fresh connection; the target is sent exactly as given.
fn request(addr: SocketAddr, method: &str, target: &str, extra: &[(&str, &str)]) -> Resp {
    let mut s = TcpStream::connect_timeout(&addr, WAIT).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    s.set_write_timeout(Some(WAIT)).unwrap();
    let mut req = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (n, v) in extra {
        req.push_str(&format!("{n}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)
        .expect("response within the timeout");
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response head");
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Resp {
        status,
        headers,
        body: buf[split + 4..].to_vec(),
    }
}

fn get(addr: SocketAddr, target: &str) -> Resp {
    request(addr, "GET", target, &[])
}

/// Polls until `f` holds; panics with `what` after the timeout.
fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < WAIT, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn wait_generation(server: &ServerHandle, after: u64) -> u64 {
    wait_until("a rebuild", || server.generation() > after);
    server.generation()
}

// ------------------------------------------------------------------ Server-Sent Events

/// A live-reload connection, read with a chunked-transfer decoder.
struct Events {
    reader: BufReader<TcpStream>,
    text: String,
}

impl Events {
    fn connect(addr: SocketAddr) -> Events {
        let mut s = TcpStream::connect_timeout(&addr, WAIT).unwrap();
        s.write_all(
            format!(
                "GET /__optout/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
            )
            .as_bytes(),
        )
        .unwrap();
        s.set_read_timeout(Some(WAIT)).unwrap();
        let mut reader = BufReader::new(s);
        let mut head = String::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" || line.is_empty() {
                break;
            }
            head.push_str(&line);
        }
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(
            head.to_ascii_lowercase().contains("text/event-stream"),
            "{head}"
        );
        Events {
            reader,
            text: String::new(),
        }
    }

    /// The next event (name, data), keep-alive comments skipped.
    fn next(&mut self, deadline: Instant) -> Option<(String, String)> {
        loop {
            if let Some(end) = self.text.find("\n\n") {
                let block: String = self.text.drain(..end + 2).collect();
                let mut name = String::new();
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        name = v.trim().to_string();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.strip_prefix(' ').unwrap_or(v));
                    }
                }
                if !name.is_empty() || !data.is_empty() {
                    return Some((name, data));
                }
                continue;
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            self.reader
                .get_ref()
                .set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .unwrap();
            let mut size = String::new();
            if self.reader.read_line(&mut size).is_err() || size.is_empty() {
                return None;
            }
            let n = usize::from_str_radix(size.trim(), 16).expect("chunk size");
            let mut chunk = vec![0; n + 2];
            self.reader.read_exact(&mut chunk).ok()?;
            self.text.push_str(&String::from_utf8_lossy(&chunk[..n]));
        }
    }

    /// Skips events until one named `name` whose data satisfies `pred`; returns its data.
    fn expect(
        &mut self,
        name: &str,
        pred: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let deadline = Instant::now() + WAIT;
        let mut seen = Vec::new();
        while let Some((n, d)) = self.next(deadline) {
            let v: serde_json::Value = serde_json::from_str(&d).unwrap_or(serde_json::Value::Null);
            if n == name && pred(&v) {
                return v;
            }
            seen.push((n, d));
        }
        panic!("no `{name}` event within {WAIT:?}; got {seen:?}");
    }
}

fn lists(v: &serde_json::Value, key: &str, path: &str) -> bool {
    v[key]
        .as_array()
        .is_some_and(|a| a.iter().any(|p| p == path))
}

// ------------------------------------------------------------------ tests

#[test]
fn serves_exactly_the_preview_outputs() {
    let site = fixture();
    let server = serve(site.path());
    let addr = server.addr();
    let preview = optout::rebuild::Preview::new(build_options(site.path())).unwrap();
    assert!(preview.outputs.files.len() > 10);
    for (key, bytes) in &preview.outputs.files {
        let r = get(addr, &format!("/{key}"));
        assert_eq!(r.status, 200, "/{key}");
        assert!(r.body == *bytes, "/{key} differs from the preview's output");
    }
    let mut served = server.served_paths();
    served.sort();
    assert_eq!(
        served,
        preview.outputs.files.keys().cloned().collect::<Vec<_>>()
    );

    // `/` and directories serve their index.html; every page carries the reload script.
    let home = get(addr, "/");
    assert_eq!(home.body, preview.outputs.files["index.html"]);
    let section = get(addr, "/de/anleitungen/");
    assert_eq!(
        section.body,
        preview.outputs.files["de/anleitungen/index.html"]
    );
    assert!(
        section
            .text()
            .contains(&format!("<script src=\"{LIVE_TAG}\" defer></script>"))
    );
}

#[test]
fn http_semantics() {
    let site = fixture();
    let server = serve(site.path());
    let addr = server.addr();

    // MIME types.
    let css_key = server
        .served_paths()
        .into_iter()
        .find(|k| k.starts_with("style.") && k.ends_with(".css"))
        .unwrap();
    for (target, mime) in [
        ("/de/anleitungen/", "text/html; charset=utf-8"),
        (&format!("/{css_key}") as &str, "text/css; charset=utf-8"),
        ("/de/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/favicon.svg", "image/svg+xml"),
        ("/__optout/live.js", "text/javascript; charset=utf-8"),
        ("/__optout/overlay.css", "text/css; charset=utf-8"),
    ] {
        let r = get(addr, target);
        assert_eq!(r.status, 200, "{target}");
        assert_eq!(r.header("content-type"), Some(mime), "{target}");
    }

    // The site's security headers, and revalidation instead of caching.
    let page = get(addr, "/de/anleitungen/alpha/");
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("connect-src 'self'"),
        "{csp}"
    );
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("cache-control"), Some("no-cache"));
    let asset = get(addr, &format!("/{css_key}"));
    assert_eq!(
        asset.header("cache-control"),
        Some("no-cache"),
        "never `immutable` in the preview"
    );

    // ETag → 304.
    let etag = page.header("etag").unwrap().to_string();
    let again = request(
        addr,
        "GET",
        "/de/anleitungen/alpha/",
        &[("If-None-Match", &etag)],
    );
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    let other = request(
        addr,
        "GET",
        "/de/anleitungen/alpha/",
        &[("If-None-Match", "\"nope\"")],
    );
    assert_eq!(other.status, 200);

    // HEAD: the headers of GET, no body.
    let head = request(addr, "HEAD", "/de/anleitungen/alpha/", &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("content-length"),
        Some(page.body.len().to_string().as_str())
    );
    assert_eq!(head.header("etag"), Some(etag.as_str()));

    // A directory without its slash redirects, keeping the query.
    let r = get(addr, "/de/anleitungen");
    assert!(r.status == 301 || r.status == 308, "{}", r.status);
    assert_eq!(r.header("location"), Some("/de/anleitungen/"));
    assert_eq!(
        get(addr, "/de/anleitungen/alpha?x=1").header("location"),
        Some("/de/anleitungen/alpha/?x=1")
    );

    // Unknown paths: the 404 page of the language, or the default one.
    let nf = get(addr, "/de/gibt-es-nicht/");
    assert_eq!(nf.status, 404);
    assert_eq!(nf.body, get(addr, "/de/404.html").body);
    let nf_en = get(addr, "/en/missing");
    assert_eq!(nf_en.status, 404);
    assert_eq!(nf_en.body, get(addr, "/en/404.html").body);
    let nf_root = get(addr, "/nothing-here.png");
    assert_eq!(nf_root.status, 404);
    assert_eq!(nf_root.body, get(addr, "/404.html").body);
    assert!(nf_root.header("content-security-policy").is_some());

    assert_eq!(request(addr, "POST", "/", &[]).status, 405);
}

#[test]
fn path_traversal_never_leaves_the_site() {
    let site = fixture();
    // Things outside the served set: a secret beside the site, symlinks pointing at it.
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "SECRET-MARKER-outside").unwrap();
    std::os::unix::fs::symlink(outside.path(), site.path().join("leak")).unwrap();
    std::os::unix::fs::symlink(outside.path(), site.path().join("content/leak")).unwrap();
    let server = serve(site.path());
    let addr = server.addr();
    for target in [
        "/site.yaml",
        "/../site.yaml",
        "/%2e%2e/site.yaml",
        "/%2E%2E/site.yaml",
        "/%252e%252e/site.yaml",
        "/..\\site.yaml",
        "/..%5csite.yaml",
        "/de/..%2f..%2fsite.yaml",
        "/de/%2e%2e/%2e%2e/site.yaml",
        "/de/../../site.yaml",
        "//site.yaml",
        "/.%2e/site.yaml",
        "/content/guides/alpha.de.md",
        "/leak/secret.txt",
        "/content/leak/secret.txt",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    ] {
        let r = get(addr, target);
        let text = r.text();
        assert_ne!(r.status, 200, "{target} answered 200");
        assert!(!text.contains("SECRET-MARKER"), "{target} leaked a file");
        assert!(!text.contains("root:x:0:0"), "{target} leaked /etc/passwd");
    }
}

#[test]
fn an_edit_changes_the_page_and_sends_reload() {
    let site = fixture();
    let server = serve(site.path());
    let addr = server.addr();
    let mut events = Events::connect(addr);
    events.expect("hello", |_| true);

    let before = get(addr, "/de/anleitungen/alpha/").text();
    assert!(before.contains("Alpha-Text eins"));
    let path = site.path().join("content/guides/alpha.de.md");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("Alpha-Text eins", "Alpha-Text zwei");
    std::fs::write(&path, text).unwrap();

    events.expect("reload", |v| {
        lists(v, "changed", "de/anleitungen/alpha/index.html")
    });
    let after = get(addr, "/de/anleitungen/alpha/").text();
    assert!(after.contains("Alpha-Text zwei"), "{after}");
    assert!(!after.contains("Alpha-Text eins"));
}

#[test]
fn broken_front_matter_shows_the_error_and_fixing_it_recovers() {
    let site = fixture();
    let server = serve(site.path());
    let addr = server.addr();
    let mut events = Events::connect(addr);
    events.expect("hello", |_| true);
    let good = get(addr, "/de/anleitungen/alpha/").body;

    let path = site.path().join("content/guides/alpha.de.md");
    std::fs::write(&path, "---\ntitle: Alpha\ndate: [kaputt\n---\n\nText.\n").unwrap();
    let errors = events.expect("error", |v| v.as_array().is_some_and(|a| !a.is_empty()));
    let first = &errors[0];
    assert_eq!(first["file"], "content/guides/alpha.de.md", "{errors}");
    assert!(first["line"].as_u64().is_some_and(|l| l >= 1), "{errors}");
    assert!(first["message"].as_str().is_some_and(|m| !m.is_empty()));

    // The last good version stays served; a page opened now learns about the error at once.
    assert_eq!(get(addr, "/de/anleitungen/alpha/").body, good);
    let mut late = Events::connect(addr);
    late.expect("hello", |_| true);
    late.expect("error", |v| v[0]["file"] == "content/guides/alpha.de.md");

    std::fs::write(&path, "---\ntitle: Alpha repariert\n---\n\nWieder gut.\n").unwrap();
    events.expect("ok", |_| true);
    let fixed = get(addr, "/de/anleitungen/alpha/").text();
    assert!(fixed.contains("Wieder gut."), "{fixed}");
    assert!(fixed.contains("Alpha repariert"));
}

#[test]
fn a_site_that_never_built_serves_an_error_page_until_fixed() {
    let site = fixture();
    let path = site.path().join("content/guides/beta.de.md");
    std::fs::write(&path, "---\ntitle: Beta\nunknown_key: 1\n---\n\nText.\n").unwrap();
    let server = serve(site.path());
    let addr = server.addr();
    let r = get(addr, "/de/anleitungen/");
    assert_eq!(r.status, 500);
    let text = r.text();
    assert!(text.contains("content/guides/beta.de.md"), "{text}");
    assert!(
        text.contains("/__optout/live.js"),
        "the error page reloads by itself"
    );
    assert!(r.header("content-security-policy").is_some());
    let mut events = Events::connect(addr);
    events.expect("hello", |_| true);
    events.expect("error", |v| v[0]["file"] == "content/guides/beta.de.md");

    std::fs::write(&path, page("Beta", "Jetzt geht es.")).unwrap();
    events.expect("ok", |_| true);
    let ok = get(addr, "/de/anleitungen/beta/");
    assert_eq!(ok.status, 200);
    assert!(ok.text().contains("Jetzt geht es."));
}

#[test]
fn add_rename_and_delete_pages() {
    let site = fixture();
    let server = serve(site.path());
    let addr = server.addr();
    let root = site.path();
    assert_eq!(get(addr, "/de/anleitungen/gamma/").status, 404);

    write(
        root,
        "content/guides/gamma.de.md",
        &page("Gamma", "Neu hier."),
    );
    wait_until("the new page", || {
        get(addr, "/de/anleitungen/gamma/").status == 200
    });
    assert!(
        get(addr, "/de/anleitungen/").text().contains("Gamma"),
        "the section lists it"
    );

    std::fs::rename(
        root.join("content/guides/gamma.de.md"),
        root.join("content/guides/delta.de.md"),
    )
    .unwrap();
    wait_until("the renamed page", || {
        get(addr, "/de/anleitungen/delta/").status == 200
    });
    assert_eq!(
        get(addr, "/de/anleitungen/gamma/").status,
        404,
        "the old URL is gone"
    );
    assert!(
        get(addr, "/de/anleitungen/delta/")
            .text()
            .contains("Neu hier.")
    );

    std::fs::remove_file(root.join("content/guides/delta.de.md")).unwrap();
    wait_until("the deleted page to disappear", || {
        get(addr, "/de/anleitungen/delta/").status == 404
    });
    assert!(!get(addr, "/de/anleitungen/").text().contains("Gamma"));
}

#[test]
fn editors_save_patterns_and_bursts() {
    let site = fixture();
    let server = serve(site.path());
    let addr = server.addr();
    let dir = site.path().join("content/guides");
    let target = dir.join("alpha.de.md");
    let body = |s: &str| format!("---\ntitle: Alpha\n---\n\n{s}\n");

    // Write a temporary file, rename it over the original (most editors, `sed -i`).
    std::fs::write(
        dir.join(".alpha.de.md.tmp.4711"),
        body("Atomar gespeichert."),
    )
    .unwrap();
    std::fs::rename(dir.join(".alpha.de.md.tmp.4711"), &target).unwrap();
    wait_until("the atomic save", || {
        get(addr, "/de/anleitungen/alpha/")
            .text()
            .contains("Atomar gespeichert.")
    });

    // vim: probe file 4913, rename the original to a backup, write anew, drop the backup.
    let g = server.generation();
    std::fs::write(dir.join("4913"), "").unwrap();
    std::fs::remove_file(dir.join("4913")).unwrap();
    std::fs::rename(&target, dir.join("alpha.de.md~")).unwrap();
    std::fs::write(dir.join(".alpha.de.md.swp"), "swap").unwrap();
    std::fs::write(&target, body("Mit vim gespeichert.")).unwrap();
    std::fs::remove_file(dir.join("alpha.de.md~")).unwrap();
    wait_until("the vim save", || {
        get(addr, "/de/anleitungen/alpha/")
            .text()
            .contains("Mit vim gespeichert.")
    });
    let g = wait_generation(&server, g);
    std::fs::remove_file(dir.join(".alpha.de.md.swp")).unwrap();

    // A checkout: a hundred new pages in one go, all served once it settles.
    for i in 0..100 {
        write(
            site.path(),
            &format!("content/guides/bulk{i:03}.de.md"),
            &page(&format!("Bulk {i}"), "Viele."),
        );
    }
    wait_until("a hundred new pages", || {
        (0..100).all(|i| {
            server
                .served_paths()
                .contains(&format!("de/anleitungen/bulk{i:03}/index.html"))
        })
    });
    assert!(server.generation() > g);
    assert_eq!(get(addr, "/de/anleitungen/bulk099/").status, 200);
    // No error was left behind by the temporary files.
    let mut events = Events::connect(addr);
    let deadline = Instant::now() + Duration::from_millis(300);
    let (name, _) = events.next(deadline).unwrap();
    assert_eq!(name, "hello");
    assert!(events.next(deadline).is_none(), "no error pending");
}

#[test]
fn after_many_changes_the_served_site_equals_a_fresh_build() {
    let site = fixture();
    let root = site.path();
    let server = serve(root);
    let addr = server.addr();
    let mut g = server.generation();
    let steps: Vec<Box<dyn Fn()>> = vec![
        Box::new(|| {
            write(
                root,
                "content/guides/alpha.de.md",
                "---\ntitle: Alpha neu\ndate: 2026-02-03\ntags: [Datenschutz, KI]\n---\n\nNeuer Text.\n",
            )
        }),
        Box::new(|| write(root, "content/guides/gamma.de.md", &page("Gamma", "Neu."))),
        Box::new(|| {
            write(
                root,
                "content/guides/gamma.en.md",
                &page("Gamma EN", "New."),
            )
        }),
        Box::new(|| {
            std::fs::rename(
                root.join("content/guides/gamma.de.md"),
                root.join("content/guides/delta.de.md"),
            )
            .unwrap()
        }),
        Box::new(|| std::fs::remove_file(root.join("content/guides/beta.de.md")).unwrap()),
        Box::new(|| {
            write(
                root,
                "content/guides/alpha.en.md",
                "---\ntitle: Alpha EN\nslug: alpha-english\n---\n\nRenamed slug.\n",
            )
        }),
        Box::new(|| {
            let p = root.join("themes/default/templates/page.html");
            let t = std::fs::read_to_string(&p).unwrap();
            let edited = t.replacen(
                "{%- block main %}",
                "{%- block main %}<!-- template edited -->",
                1,
            );
            assert_ne!(edited, t, "page.html has a main block");
            std::fs::write(&p, edited).unwrap();
        }),
        Box::new(|| {
            let p = root.join("themes/default/static/style.css");
            let t = std::fs::read_to_string(&p).unwrap();
            std::fs::write(&p, format!("{t}\n.edited {{ color: red; }}\n")).unwrap();
        }),
        Box::new(|| {
            write(
                root,
                "site.yaml",
                &SITE_YAML.replace("description: Testseite", "description: Geänderte Testseite"),
            )
        }),
        Box::new(|| {
            write(
                root,
                "content/faq/_index.de.md",
                "---\ntitle: FAQ\n---\n\nFragen.\n",
            )
        }),
        Box::new(|| write(root, "content/faq/one.de.md", &page("Eins", "Antwort."))),
    ];
    for (i, step) in steps.iter().enumerate() {
        step();
        wait_until(&format!("the rebuild after step {i}"), || {
            server.generation() > g && !server.search_is_due()
        });
        g = server.generation();
    }
    let out = tempfile::tempdir().unwrap();
    let mut options = build_options(root);
    options.output = Some(out.path().join("public"));
    optout::build::build(options).expect("the edited site builds");
    let mut built = BTreeMap::new();
    collect(
        &out.path().join("public"),
        &out.path().join("public"),
        &mut built,
    );

    let mut served = server.served_paths();
    served.sort();
    assert_eq!(
        served,
        built.keys().cloned().collect::<Vec<_>>(),
        "same set of files"
    );
    for (key, bytes) in &built {
        let r = get(addr, &format!("/{key}"));
        assert_eq!(r.status, 200, "/{key}");
        assert!(r.body == *bytes, "/{key} differs from a fresh build");
    }
    assert!(
        get(addr, "/de/anleitungen/alpha/")
            .text()
            .contains("template edited")
    );
}

#[test]
fn moving_a_section_folder_away_removes_its_pages() {
    let site = fixture();
    let root = site.path();
    write(
        root,
        "content/faq/_index.de.md",
        "---\ntitle: FAQ\n---\n\nFragen.\n",
    );
    write(root, "content/faq/one.de.md", &page("Eins", "Antwort."));
    let server = serve(root);
    let addr = server.addr();
    assert_eq!(get(addr, "/de/faq/one/").status, 200);
    // The watcher sees only the folder's name; it reports every file that was below it.
    std::fs::rename(root.join("content/faq"), root.join("faq-moved-out")).unwrap();
    wait_until("the moved folder's pages to disappear", || {
        get(addr, "/de/faq/one/").status == 404
    });
    assert_eq!(get(addr, "/de/faq/").status, 404);
    // And back in: the folder's files are new again.
    std::fs::rename(root.join("faq-moved-out"), root.join("content/faq")).unwrap();
    wait_until("the folder's pages to come back", || {
        get(addr, "/de/faq/one/").status == 200
    });
}

fn collect(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path: PathBuf = entry.unwrap().path();
        if path.is_dir() {
            collect(base, &path, out);
        } else {
            let key = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(key, std::fs::read(&path).unwrap());
        }
    }
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let site = fixture();
    let server = serve(site.path());
    let port = server.addr().port();
    let err = optout::serve::start(ServeOptions {
        root: site.path().to_path_buf(),
        port,
        terminal: Terminal::Quiet,
        ..Default::default()
    })
    .err()
    .expect("the second server cannot bind");
    let msg = err.to_string();
    assert!(msg.contains("already in use"), "{msg}");
    assert!(msg.contains(&format!("--port {}", port + 1)), "{msg}");

    // The CLI: the same message, exit code 1.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_optout"))
        .args(["serve", "--root"])
        .arg(site.path())
        .args(["--port", &port.to_string()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("already in use") && stderr.contains("--port"),
        "{stderr}"
    );
}

#[test]
fn css_edit_sends_an_event_and_serves_the_new_stylesheet() {
    let site = fixture();
    let server = serve(site.path());
    let addr = server.addr();
    let mut events = Events::connect(addr);
    events.expect("hello", |_| true);
    let p = site.path().join("themes/default/static/style.css");
    let t = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, format!("{t}\n.swapped {{ color: blue; }}\n")).unwrap();
    // `css` when the core says only stylesheets changed; a reload of every page otherwise.
    let deadline = Instant::now() + WAIT;
    let mut got = None;
    while let Some((name, data)) = events.next(deadline) {
        if name == "css" || name == "reload" {
            got = Some((name, data));
            break;
        }
    }
    let (name, _) = got.expect("an event for the stylesheet change");
    assert!(name == "css" || name == "reload");
    let page = get(addr, "/de/").text();
    let href = page
        .split("<link rel=\"stylesheet\" href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let css = get(addr, &href);
    assert_eq!(css.status, 200);
    assert!(
        css.text().contains(".swapped"),
        "the page links the new stylesheet"
    );
}

#[test]
fn a_site_yaml_change_rebuilds_everything_and_a_broken_one_keeps_serving() {
    let site = fixture();
    let server = serve(site.path());
    let addr = server.addr();
    let mut events = Events::connect(addr);
    events.expect("hello", |_| true);
    assert!(get(addr, "/de/").text().contains("Testseite"));

    write(
        site.path(),
        "site.yaml",
        &SITE_YAML.replace("description: Testseite", "description: Neue Beschreibung"),
    );
    events.expect("ok", |_| true);
    let after = get(addr, "/de/").text();
    assert!(after.contains("Neue Beschreibung"), "{after}");

    // A broken site.yaml is an error in the overlay; the last good site stays served.
    write(
        site.path(),
        "site.yaml",
        &SITE_YAML.replace("default_language: de", "default_langauge: de"),
    );
    events.expect("error", |v| v.to_string().contains("default_language"));
    assert!(get(addr, "/de/").text().contains("Neue Beschreibung"));
    write(site.path(), "site.yaml", SITE_YAML);
    events.expect("ok", |_| true);
    assert!(get(addr, "/de/").text().contains("Testseite"));
}

#[test]
fn the_terminal_shows_the_warnings_of_the_current_state() {
    let site = fixture();
    let beta = site.path().join("content/guides/beta.de.md");
    let original = std::fs::read_to_string(&beta).unwrap();
    std::fs::write(
        &beta,
        format!("{original}\nTODO(optout): erster Platzhalter\n"),
    )
    .unwrap();
    let terminal = Terminal::capture();
    let server = optout::serve::start(ServeOptions {
        root: site.path().to_path_buf(),
        port: 0,
        terminal: terminal.clone(),
        ..Default::default()
    })
    .expect("server starts");
    let first = terminal.captured();
    assert!(first.contains("erster Platzhalter"), "{first}");

    // The placeholder moves: the new one is reported, the old one is not repeated.
    let g = server.generation();
    std::fs::write(
        &beta,
        format!("{original}\nTODO(optout): zweiter Platzhalter\n"),
    )
    .unwrap();
    wait_generation(&server, g);
    wait_until("the new warning", || {
        terminal.captured()[first.len()..].contains("zweiter Platzhalter")
    });
    let after_edit = terminal.captured()[first.len()..].to_string();
    assert!(after_edit.contains("Rebuilt 1 page"), "{after_edit}");
    assert!(
        after_edit.contains("content/guides/beta.de.md:")
            && after_edit.contains("warning: placeholder left: TODO(optout): zweiter Platzhalter"),
        "{after_edit}"
    );
    assert!(!after_edit.contains("erster"), "{after_edit}");

    // An edit elsewhere: the warning is still there, and said so without the list.
    let g = server.generation();
    let alpha = site.path().join("content/guides/alpha.de.md");
    let text = std::fs::read_to_string(&alpha).unwrap();
    std::fs::write(&alpha, text.replace("Alpha-Text eins", "Alpha-Text drei")).unwrap();
    wait_generation(&server, g);
    let seen = first.len() + after_edit.len();
    wait_until("the report", || {
        terminal.captured()[seen..].contains("as before")
    });
    assert!(terminal.captured()[seen..].contains("1 warning as before"));

    // Fixed: the terminal says so.
    let g = server.generation();
    std::fs::write(&beta, &original).unwrap();
    wait_generation(&server, g);
    wait_until("no warnings", || {
        terminal.captured().contains("No warnings left")
    });
    server.shutdown();
}
