//! HTTP: a request path to one of the site's outputs, with the headers a browser needs to
//! always show the current version.
//!
//! Only keys of the in-memory [`Outputs`] map are ever served; there is no file system access
//! for site files at all, so no path (`..`, percent-encoded or double-encoded dots, backslashes,
//! symlinks in the sources) can reach anything outside the site. Paths are still normalised
//! strictly, and anything odd is a 404.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;
use sha2::{Digest, Sha256};

use super::RESERVED_DIR;
use super::live::{self, LIVE_JS, OVERLAY_CSS};
use super::state::{Shared, SiteState};
use crate::html::escape_html;
use crate::output::Outputs;
use crate::render::outputs::{FEED_FILE, HEADERS_FILE, NOT_FOUND_FILE, page_path};

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(handle).with_state(shared)
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    req: HeaderMap,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut r = plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD are served\n",
        );
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    // Waits while a rebuild runs: a request never sees half an update.
    let st = shared.site.read().await;
    let path = uri.path();
    if let Some(name) = reserved(path, &st.base_path) {
        let security = fallback_security_headers();
        return match name {
            "live.js" => file_response("live.js", LIVE_JS.as_bytes(), &req, security),
            "overlay.css" => file_response("overlay.css", OVERLAY_CSS.as_bytes(), &req, security),
            "events" => live::events(&shared, &st),
            _ => plain(StatusCode::NOT_FOUND, "not found\n"),
        };
    }
    let Some(preview) = &st.preview else {
        return not_built(&st, path);
    };
    let outputs = &preview.outputs;
    let security = security_headers(outputs, path);
    match resolve(outputs, &st.base_path, path) {
        Resolved::File(key) => {
            let bytes = outputs.get(&key).unwrap_or_default();
            file_response(&key, bytes, &req, security)
        }
        Resolved::Redirect(mut location) => {
            if let Some(q) = uri.query() {
                location.push('?');
                location.push_str(q);
            }
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::PERMANENT_REDIRECT;
            if let Ok(v) = HeaderValue::from_str(&location) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            // Permanent for the site, but a preview's URLs change: never cache the redirect.
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            add_headers(&mut r, security);
            r
        }
        Resolved::NotFound(page) => {
            let body = page.and_then(|p| outputs.get(&p).map(<[u8]>::to_vec));
            let mut r = match body {
                Some(b) => html(StatusCode::NOT_FOUND, b),
                None => plain(StatusCode::NOT_FOUND, "not found\n"),
            };
            add_headers(&mut r, security);
            r
        }
    }
}

/// What a request path names.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// An output path (a key of the map).
    File(String),
    /// A directory asked for without its trailing slash: the location to send the browser to.
    Redirect(String),
    /// Nothing; the 404 page to show, if the site has one.
    NotFound(Option<String>),
}

/// `/de/anleitungen/` → `de/anleitungen/index.html`; `/de/anleitungen` → a redirect; anything
/// that is not exactly a key of `outputs` after one percent-decoding is not found.
pub(crate) fn resolve(outputs: &Outputs, base_path: &str, raw: &str) -> Resolved {
    let Some(rel) = raw.strip_prefix(base_path) else {
        // `/optout` for the base path `/optout/`.
        if raw == base_path.trim_end_matches('/') && !raw.is_empty() {
            return Resolved::Redirect(base_path.to_string());
        }
        return Resolved::NotFound(not_found_page(outputs, ""));
    };
    let Some(decoded) = normalise(rel) else {
        return Resolved::NotFound(not_found_page(outputs, ""));
    };
    let key = if decoded.is_empty() || decoded.ends_with('/') {
        page_path(&decoded)
    } else {
        decoded.clone()
    };
    if outputs.files.contains_key(&key) {
        return Resolved::File(key);
    }
    if !decoded.is_empty()
        && !decoded.ends_with('/')
        && outputs.files.contains_key(&page_path(&decoded))
    {
        return Resolved::Redirect(format!("{raw}/"));
    }
    Resolved::NotFound(not_found_page(outputs, &decoded))
}

/// Decodes a base-relative path once and refuses anything that is not a plain relative path:
/// dot segments, empty segments (`//`), backslashes, control characters, invalid UTF-8.
/// Output keys never contain any of these, so nothing legitimate is refused.
fn normalise(rel: &str) -> Option<String> {
    let decoded = percent_decode_str(rel).decode_utf8().ok()?;
    if decoded.contains(['\\', '\0']) || decoded.chars().any(char::is_control) {
        return None;
    }
    let segments: Vec<&str> = decoded.split('/').collect();
    let last = segments.len() - 1;
    for (i, s) in segments.iter().enumerate() {
        if *s == "." || *s == ".." || (s.is_empty() && i != last) {
            return None;
        }
    }
    Some(decoded.into_owned())
}

/// `<lang>/404.html` when the path starts with a language that has one, else `404.html`.
fn not_found_page(outputs: &Outputs, decoded: &str) -> Option<String> {
    let first = decoded.split('/').next().unwrap_or("");
    let localized = format!("{first}/{NOT_FOUND_FILE}");
    if !first.is_empty() && outputs.files.contains_key(&localized) {
        Some(localized)
    } else if outputs.files.contains_key(NOT_FOUND_FILE) {
        Some(NOT_FOUND_FILE.into())
    } else {
        None
    }
}

/// `__optout/…` below the base path (or the root, whatever the base path).
fn reserved<'a>(path: &'a str, base_path: &str) -> Option<&'a str> {
    let dir = format!("{RESERVED_DIR}/");
    path.strip_prefix(base_path)
        .and_then(|r| r.strip_prefix(dir.as_str()))
        .or_else(|| {
            path.strip_prefix('/')
                .and_then(|r| r.strip_prefix(dir.as_str()))
        })
}

/// A file with its validator: 304 when the browser's copy is current.
fn file_response(
    key: &str,
    bytes: &[u8],
    req: &HeaderMap,
    security: Vec<(HeaderName, HeaderValue)>,
) -> Response {
    let tag = etag(bytes);
    let mut r = if not_modified(req, &tag) {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        let mut r = Response::new(Body::from(bytes.to_vec()));
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(content_type(key)),
        );
        r
    };
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&tag) {
        h.insert(header::ETAG, v);
    }
    // Revalidate every time: the ETag makes that a cheap 304.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    add_headers(&mut r, security);
    r
}

/// A strong validator: the first 128 bits of the SHA-256 of the bytes.
pub(crate) fn etag(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

fn not_modified(req: &HeaderMap, tag: &str) -> bool {
    req.get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|t| t == "*" || t.trim_start_matches("W/") == tag)
}

/// MIME type by file name; text types say UTF-8, which is what the site is written in.
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name == FEED_FILE || name.ends_with(".atom") {
        return "application/atom+xml; charset=utf-8";
    }
    if name == HEADERS_FILE || name == "_redirects" {
        return "text/plain; charset=utf-8";
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" | "xsl" => "application/xml; charset=utf-8",
        "rss" => "application/rss+xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        _ => "application/octet-stream",
    }
}

/// The headers the site's own `_headers` file gives this path (CSP, nosniff, …), so the
/// preview enforces what production enforces. Cache-Control is the preview's own (no-cache),
/// never the production `immutable`.
fn security_headers(outputs: &Outputs, path: &str) -> Vec<(HeaderName, HeaderValue)> {
    match outputs
        .get(HEADERS_FILE)
        .and_then(|b| std::str::from_utf8(b).ok())
    {
        Some(text) => parse_headers_file(text, path),
        None => fallback_security_headers(),
    }
}

/// The `_headers` format (Netlify, Cloudflare Pages): an unindented URL pattern (`/*` matches
/// a prefix), then indented `Name: value` lines that apply to it.
pub(crate) fn parse_headers_file(text: &str, path: &str) -> Vec<(HeaderName, HeaderValue)> {
    let mut out = Vec::new();
    let mut applies = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            applies = match trimmed.strip_suffix('*') {
                Some(prefix) => path.starts_with(prefix),
                None => trimmed == path,
            };
            continue;
        }
        let Some((name, value)) = trimmed.split_once(':') else {
            continue;
        };
        if !applies || name.trim().eq_ignore_ascii_case("cache-control") {
            continue;
        }
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.trim().as_bytes()),
            HeaderValue::from_str(value.trim()),
        ) {
            out.push((n, v));
        }
    }
    out
}

/// For responses without a site (the reserved files, the error page before the first build).
fn fallback_security_headers() -> Vec<(HeaderName, HeaderValue)> {
    vec![
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(crate::render::CSP_HEADER),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
    ]
}

fn add_headers(r: &mut Response, headers: Vec<(HeaderName, HeaderValue)>) {
    let h = r.headers_mut();
    for (n, v) in headers {
        h.append(n, v);
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut r = (status, text).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

fn html(status: StatusCode, body: Vec<u8>) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

/// Before the first successful build: pages get a page listing the errors (with the reload
/// script, so the first successful rebuild replaces it); other files are not there yet.
fn not_built(st: &SiteState, path: &str) -> Response {
    let last = path.rsplit('/').next().unwrap_or("");
    let is_page = last.is_empty() || last.ends_with(".html") || !last.contains('.');
    let mut r = if is_page {
        html(
            StatusCode::INTERNAL_SERVER_ERROR,
            error_page(st).into_bytes(),
        )
    } else {
        plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "the site has not built yet: see the errors in the terminal\n",
        )
    };
    add_headers(&mut r, fallback_security_headers());
    r
}

fn error_page(st: &SiteState) -> String {
    let dir = format!("{}{RESERVED_DIR}/", st.base_path);
    let mut items = String::new();
    for d in &st.errors.0 {
        items.push_str(&format!(
            "<li><code>{}</code>: {}<br>{}</li>\n",
            escape_html(&d.location()),
            escape_html(&d.message),
            d.hint
                .as_deref()
                .map(|h| format!("hint: {}", escape_html(h)))
                .unwrap_or_default()
        ));
    }
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>The site does not build – optout serve</title>\n<link rel=\"stylesheet\" href=\"{dir}overlay.css\">\n<script src=\"{dir}live.js\" defer></script>\n</head>\n<body class=\"optout-error-page\">\n<main>\n<h1>The site does not build</h1>\n<p>Fix the files below and save; this page reloads by itself.</p>\n<ol>\n{items}</ol>\n</main>\n</body>\n</html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outputs(keys: &[&str]) -> Outputs {
        let mut o = Outputs::default();
        for k in keys {
            o.insert(k.to_string(), k.as_bytes().to_vec());
        }
        o
    }

    #[test]
    fn resolves_pages_redirects_and_404s() {
        let o = outputs(&[
            "index.html",
            "404.html",
            "de/404.html",
            "de/x/index.html",
            "style.1.css",
        ]);
        assert_eq!(resolve(&o, "/", "/"), Resolved::File("index.html".into()));
        assert_eq!(
            resolve(&o, "/", "/de/x/"),
            Resolved::File("de/x/index.html".into())
        );
        assert_eq!(
            resolve(&o, "/", "/style.1.css"),
            Resolved::File("style.1.css".into())
        );
        assert_eq!(
            resolve(&o, "/", "/de/x"),
            Resolved::Redirect("/de/x/".into())
        );
        assert_eq!(
            resolve(&o, "/", "/de/nope/"),
            Resolved::NotFound(Some("de/404.html".into()))
        );
        assert_eq!(
            resolve(&o, "/", "/fr/nope/"),
            Resolved::NotFound(Some("404.html".into()))
        );
        assert_eq!(
            resolve(&o, "/", "/%64e/x/"),
            Resolved::File("de/x/index.html".into())
        );
    }

    #[test]
    fn refuses_every_escape() {
        let o = outputs(&["index.html", "site.yaml", "de/x/index.html"]);
        for p in [
            "/../site.yaml",
            "/%2e%2e/site.yaml",
            "/%2E%2E/site.yaml",
            "/%252e%252e/site.yaml",
            "/..%5csite.yaml",
            "/de/..%2f..%2fsite.yaml",
            "/de/x/../../site.yaml",
            "/./site.yaml",
            "//site.yaml",
            "/de//x/",
            "/%00/x",
        ] {
            assert!(
                matches!(resolve(&o, "/", p), Resolved::NotFound(_)),
                "{p} must not resolve"
            );
        }
    }

    #[test]
    fn base_path_is_respected() {
        let o = outputs(&["index.html", "de/index.html"]);
        assert_eq!(
            resolve(&o, "/optout/", "/optout/de/"),
            Resolved::File("de/index.html".into())
        );
        assert_eq!(
            resolve(&o, "/optout/", "/optout"),
            Resolved::Redirect("/optout/".into())
        );
        assert!(matches!(
            resolve(&o, "/optout/", "/de/"),
            Resolved::NotFound(_)
        ));
        assert_eq!(
            reserved("/optout/__optout/live.js", "/optout/"),
            Some("live.js")
        );
        assert_eq!(reserved("/__optout/events", "/optout/"), Some("events"));
        assert_eq!(reserved("/de/", "/"), None);
    }

    #[test]
    fn mime_types() {
        assert_eq!(
            content_type("de/atom.xml"),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(
            content_type("sitemap.xml"),
            "application/xml; charset=utf-8"
        );
        assert_eq!(content_type("de/index.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("style.16072786db.css"),
            "text/css; charset=utf-8"
        );
        assert_eq!(content_type("fonts/a.WOFF2"), "font/woff2");
        assert_eq!(content_type(".well-known/tdmrep.json"), "application/json");
        assert_eq!(content_type("_headers"), "text/plain; charset=utf-8");
        assert_eq!(content_type("blob"), "application/octet-stream");
    }

    #[test]
    fn headers_file_rules_apply_by_pattern() {
        let text = "/*\n  Content-Security-Policy: default-src 'none'\n  X-Frame-Options: DENY\n/style.1.css\n  Cache-Control: public, max-age=31536000, immutable\n  X-Extra: 1\n";
        let h = parse_headers_file(text, "/style.1.css");
        let names: Vec<&str> = h.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["content-security-policy", "x-frame-options", "x-extra"]
        );
        assert_eq!(parse_headers_file(text, "/de/").len(), 2);
    }

    #[test]
    fn etags_and_revalidation() {
        let tag = etag(b"hello");
        assert_eq!(tag.len(), 34);
        let mut req = HeaderMap::new();
        req.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_str(&format!("\"x\", W/{tag}")).unwrap(),
        );
        assert!(not_modified(&req, &tag));
        assert!(!not_modified(&req, &etag(b"other")));
    }
}
