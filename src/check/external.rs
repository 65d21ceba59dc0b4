//! External links and cited sources: listed on every `check`, fetched with `--external`.
//!
//! Every `http(s)` link in a body and every guide's `sources` and `opt_out.url` is fetched once
//! (ureq with rustls): a few hosts at a time, one request at a time per host with a pause
//! between them, a timeout per request, retries with a growing pause for timeouts, 429 and 5xx,
//! redirects followed by hand so each hop is seen, and a user agent that says what is asking.
//!
//! `sources.lock` (YAML at the site root, sorted by URL) records each URL's status, final URL
//! and a hash of its visible text (the page's text without tags, scripts and styles, read with
//! ammonia's html5ever parser, whitespace collapsed; other content types: the bytes). The next
//! `--external` run reports every source whose text, status or final URL differs, with the
//! pages that cite it; `--update-lock` records the new state.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::build::Project;
use crate::content::CONTENT_DIR;
use crate::error::{Diagnostic, Diagnostics};

/// The lock file, at the site root.
pub const LOCK_FILE: &str = "sources.lock";

/// One place an external URL is cited.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ExternalLink {
    /// File relative to the site root (the `.md` of a body link, the `.yaml` of a guide's source).
    pub file: PathBuf,
    pub line: Option<usize>,
    pub url: String,
    /// Cited in a guide's `sources` (rather than linked from a body or `opt_out.url`).
    pub source: bool,
}

fn is_http(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// Every external link of the site, sorted by file and line; from the Markdown stage's link
/// list and the guides' metadata, never from a second parse.
pub fn links(project: &Project) -> Vec<ExternalLink> {
    let root = &project.options.root;
    let mut out = BTreeSet::new();
    for (source, rendered) in &project.markdown {
        let file = Path::new(CONTENT_DIR).join(source);
        for link in rendered.external_links.iter().filter(|l| is_http(&l.url)) {
            out.insert(ExternalLink {
                file: file.clone(),
                line: Some(link.line),
                url: link.url.clone(),
                source: false,
            });
        }
    }
    let mut seen = BTreeSet::new();
    for node in &project.site.nodes {
        let Some(guide) = &node.doc.meta.guide else {
            continue;
        };
        if !seen.insert(&node.doc.key) {
            continue;
        }
        let neutral = Path::new(CONTENT_DIR).join(node.doc.key.neutral_path());
        let file = if root.join(&neutral).is_file() {
            neutral
        } else {
            node.doc.display_path()
        };
        let text = crate::content::read_text(root, &file).unwrap_or_default();
        let line_of = |url: &str| text.lines().position(|l| l.contains(url)).map(|i| i + 1);
        let cited = guide.sources.iter().map(|s| (&s.url, true));
        let opt_out = guide.opt_out.url.iter().map(|u| (u, false));
        for (url, source) in cited.chain(opt_out).filter(|(u, _)| is_http(u)) {
            out.insert(ExternalLink {
                file: file.clone(),
                line: line_of(url),
                url: url.clone(),
                source,
            });
        }
    }
    out.into_iter().collect()
}

/// How `--external` fetches.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// For one request, connection to last byte.
    pub timeout: Duration,
    /// Further attempts after a timeout, a network error, 429 or a 5xx status.
    pub retries: u32,
    /// Pause before the first retry; doubled for each further one.
    pub retry_pause: Duration,
    /// Hosts fetched at the same time.
    pub concurrency: usize,
    /// Pause between two requests to the same host.
    pub per_host_delay: Duration,
    pub user_agent: String,
    /// Use `HTTP(S)_PROXY` from the environment.
    pub proxy_from_env: bool,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            timeout: Duration::from_secs(20),
            retries: 2,
            retry_pause: Duration::from_secs(1),
            concurrency: 8,
            per_host_delay: Duration::from_millis(500),
            user_agent: format!(
                "optout/{} (link checker of a static site; fetches the pages it cites, once per run)",
                env!("CARGO_PKG_VERSION")
            ),
            proxy_from_env: true,
        }
    }
}

/// Redirect hops followed before giving up.
const MAX_HOPS: usize = 10;
/// Bytes read of a response; larger pages are hashed by what fits.
const MAX_BODY: u64 = 10 * 1024 * 1024;

/// What one URL answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockEntry {
    /// The final status; absent when there was no answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    pub final_url: String,
    /// 16 hex digits of SHA-256 over the visible text (HTML) or the bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Why there was no answer (timeout, DNS, TLS …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The files citing it, for people reading the lock.
    #[serde(default)]
    pub cited_by: Vec<PathBuf>,
}

/// `sources.lock`: URL → entry, sorted, so a diff shows exactly the sources that changed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    pub sources: BTreeMap<String, LockEntry>,
}

/// What `--external` found.
#[derive(Debug, Default)]
pub struct Findings {
    pub dead: Diagnostics,
    pub redirects: Diagnostics,
    pub changed: Diagnostics,
    pub unrecorded: Diagnostics,
    /// A lock file that cannot be read or written.
    pub lock_errors: Diagnostics,
}

/// Fetches every URL of `links` and compares with (or, with `update`, writes) the lock file.
pub fn check(root: &Path, links: &[ExternalLink], http: &HttpOptions, update: bool) -> Findings {
    let mut found = Findings::default();
    let lock_path = Path::new(LOCK_FILE);
    let old = match read_lock(root) {
        Ok(lock) => lock,
        Err(d) => {
            found.lock_errors.push(d);
            return found;
        }
    };
    let urls: BTreeSet<&str> = links.iter().map(|l| l.url.as_str()).collect();
    let fetched = fetch_all(&urls, http);
    let mut citing: BTreeMap<&str, Vec<&ExternalLink>> = BTreeMap::new();
    for link in links {
        citing.entry(&link.url).or_default().push(link);
    }
    for (url, sites) in &citing {
        let Some(now) = fetched.get(*url) else {
            continue;
        };
        let located = |d: Diagnostic, link: &ExternalLink| match link.line {
            Some(l) => d.at_line(l),
            None => d,
        };
        for link in sites {
            if let Some(message) = dead(url, now) {
                found.dead.push(located(
                    Diagnostic::error(&link.file, message)
                        .hint("find where the page moved (or an archived copy) and link that"),
                    link,
                ));
            } else if now.final_url != *url {
                found.redirects.push(located(
                    Diagnostic::warning(
                        &link.file,
                        format!("{url} redirects to {}", now.final_url),
                    )
                    .hint("link the final address, so readers and this check need no detour"),
                    link,
                ));
            }
        }
        if update {
            continue;
        }
        let others = |except: &ExternalLink| -> String {
            let files: BTreeSet<String> = sites
                .iter()
                .filter(|l| l.file != except.file)
                .map(|l| l.file.display().to_string())
                .collect();
            if files.is_empty() {
                String::new()
            } else {
                format!(
                    "; also cited by {}",
                    files.into_iter().collect::<Vec<_>>().join(", ")
                )
            }
        };
        match old.as_ref().map(|l| l.sources.get(*url)) {
            // No lock at all: one finding below, not one per source.
            None => {}
            Some(None) => {
                for link in sites {
                    found.unrecorded.push(located(
                        Diagnostic::warning(&link.file, format!("{url} is not in {LOCK_FILE} yet"))
                            .hint("run `optout check --external --update-lock` to record it"),
                        link,
                    ));
                }
            }
            Some(Some(before)) => {
                let Some(what) = difference(before, now) else {
                    continue;
                };
                for link in sites {
                    found.changed.push(located(
                        Diagnostic::warning(
                            &link.file,
                            format!("source changed since {LOCK_FILE} recorded it: {url} ({what})"),
                        )
                        .hint(format!(
                            "re-check what this page says against the source{}; then run `optout check --external --update-lock`",
                            others(link)
                        )),
                        link,
                    ));
                }
            }
        }
    }
    if update {
        let mut lock = Lock::default();
        for (url, sites) in &citing {
            if let Some(now) = fetched.get(*url) {
                let mut entry = now.clone();
                let files: BTreeSet<PathBuf> = sites.iter().map(|l| l.file.clone()).collect();
                entry.cited_by = files.into_iter().collect();
                lock.sources.insert(url.to_string(), entry);
            }
        }
        if let Err(d) = write_lock(root, &lock) {
            found.lock_errors.push(d);
        }
    } else if old.is_none() && !citing.is_empty() {
        found.unrecorded.push(
            Diagnostic::warning(
                lock_path,
                format!(
                    "no {LOCK_FILE} yet: {} not recorded",
                    crate::report::count(citing.len(), "external URL")
                ),
            )
            .hint("run `optout check --external --update-lock` to record their state; later runs report every source that changed"),
        );
    }
    found
}

/// Why a link is dead (an error status or no answer), or `None`.
fn dead(url: &str, now: &LockEntry) -> Option<String> {
    Some(match (now.status, &now.error) {
        (Some(s), _) if s >= 400 => format!("dead link: {url} answers {s}{}", reason(s)),
        (None, Some(e)) => format!("dead link: {url} does not answer: {e}"),
        (None, None) => format!("dead link: {url} does not answer"),
        _ => return None,
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        404 => " Not Found",
        410 => " Gone",
        403 => " Forbidden",
        401 => " Unauthorized",
        429 => " Too Many Requests",
        500 => " Internal Server Error",
        502 => " Bad Gateway",
        503 => " Service Unavailable",
        _ => "",
    }
}

/// What differs between the recorded and the current state, for people; `None` if nothing.
fn difference(before: &LockEntry, now: &LockEntry) -> Option<String> {
    let mut what = Vec::new();
    if before.status != now.status {
        let show = |s: Option<u16>| s.map_or("no answer".to_string(), |s| s.to_string());
        what.push(format!(
            "status {} → {}",
            show(before.status),
            show(now.status)
        ));
    }
    if before.final_url != now.final_url {
        what.push(format!("now ends at {}", now.final_url));
    }
    if before.text.is_some() && now.text.is_some() && before.text != now.text {
        what.push("its text changed".into());
    }
    (!what.is_empty()).then(|| what.join(", "))
}

fn read_lock(root: &Path) -> Result<Option<Lock>, Diagnostic> {
    let file = Path::new(LOCK_FILE);
    if !root.join(file).is_file() {
        return Ok(None);
    }
    let text = crate::content::read_text(root, file)?;
    crate::yaml::parse(file, &text, 1).map(Some).map_err(|d| {
        d.hint("the lock is written by `optout check --external --update-lock`: delete it and run that to write it again")
    })
}

fn write_lock(root: &Path, lock: &Lock) -> Result<(), Diagnostic> {
    let yaml = serde_yaml::to_string(lock)
        .map_err(|e| Diagnostic::error(LOCK_FILE, format!("cannot write: {e}")))?;
    let text = format!(
        "# Written by `optout check --external --update-lock`: for every external URL the site\n# cites, its status, final URL and a hash of its visible text. Keep it in the repository.\n{yaml}"
    );
    let write = || -> std::io::Result<()> {
        let mut tmp = tempfile::NamedTempFile::new_in(root)?;
        std::io::Write::write_all(&mut tmp, text.as_bytes())?;
        tmp.persist(root.join(LOCK_FILE)).map_err(|e| e.error)?;
        Ok(())
    };
    write().map_err(|e| {
        Diagnostic::error(LOCK_FILE, format!("cannot write: {e}"))
            .hint("check that the site root is writable")
    })
}

// ------------------------------------------------------------------------------------ fetching

/// `https://example.org:8080/x` → `example.org:8080`.
fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    &rest[..end]
}

/// Fetches every URL: hosts in parallel (at most `concurrency`), each host's URLs one after
/// another with a pause between them.
fn fetch_all(urls: &BTreeSet<&str>, http: &HttpOptions) -> HashMap<String, LockEntry> {
    let mut by_host: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for url in urls {
        by_host.entry(host(url)).or_default().push(url);
    }
    let queue = Mutex::new(by_host.into_values().collect::<Vec<_>>());
    let results = Mutex::new(HashMap::new());
    let agent = agent(http);
    let workers = http.concurrency.max(1).min(urls.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let next = queue.lock().map(|mut q| q.pop()).unwrap_or(None);
                    let Some(urls) = next else { break };
                    for (i, url) in urls.into_iter().enumerate() {
                        if i > 0 {
                            std::thread::sleep(http.per_host_delay);
                        }
                        let entry = fetch(&agent, url, http);
                        if let Ok(mut r) = results.lock() {
                            r.insert(url.to_string(), entry);
                        }
                    }
                }
            });
        }
    });
    results.into_inner().unwrap_or_default()
}

fn agent(http: &HttpOptions) -> ureq::Agent {
    let mut config = ureq::Agent::config_builder()
        .timeout_global(Some(http.timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .user_agent(http.user_agent.as_str());
    if !http.proxy_from_env {
        config = config.proxy(None);
    }
    config.build().into()
}

/// One URL, following redirects by hand.
fn fetch(agent: &ureq::Agent, url: &str, http: &HttpOptions) -> LockEntry {
    let mut current = url.to_string();
    for _ in 0..MAX_HOPS {
        let mut response = match request(agent, &current, http) {
            Ok(r) => r,
            Err(e) => {
                return LockEntry {
                    status: None,
                    final_url: current,
                    text: None,
                    error: Some(e),
                    cited_by: Vec::new(),
                };
            }
        };
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(str::to_string);
        if let (300..=399, Some(location)) = (status, location) {
            current = join(&current, &location);
            continue;
        }
        let html = response
            .headers()
            .get("content-type")
            .and_then(|c| c.to_str().ok())
            .is_some_and(|c| c.contains("html"));
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec();
        let (text, error) = match body {
            Ok(bytes) => (Some(text_hash(&bytes, html)), None),
            Err(e) => (None, Some(e.to_string())),
        };
        return LockEntry {
            status: Some(status),
            final_url: current,
            text,
            error,
            cited_by: Vec::new(),
        };
    }
    LockEntry {
        status: None,
        final_url: current,
        text: None,
        error: Some(format!("more than {MAX_HOPS} redirects")),
        cited_by: Vec::new(),
    }
}

/// One request with retries for what may pass: no answer, 429 and 5xx.
fn request(
    agent: &ureq::Agent,
    url: &str,
    http: &HttpOptions,
) -> Result<ureq::http::Response<ureq::Body>, String> {
    let mut pause = http.retry_pause;
    let mut attempt = 0;
    loop {
        let result = agent.get(url).call();
        let retry = match &result {
            Ok(r) => r.status().as_u16() == 429 || r.status().is_server_error(),
            Err(_) => true,
        };
        if !retry || attempt >= http.retries {
            return result.map_err(|e| match e {
                ureq::Error::Timeout(_) => {
                    format!("no answer within {} s", http.timeout.as_secs_f32())
                }
                other => other.to_string(),
            });
        }
        attempt += 1;
        std::thread::sleep(pause);
        pause *= 2;
    }
}

/// A `Location` against the URL that sent it.
fn join(base: &str, location: &str) -> String {
    if is_http(location) {
        return location.to_string();
    }
    let scheme = base.split_once("://").map_or("https", |(s, _)| s);
    if let Some(rest) = location.strip_prefix("//") {
        return format!("{scheme}://{rest}");
    }
    let origin = format!("{scheme}://{}", host(base));
    if location.starts_with('/') {
        return format!("{origin}{location}");
    }
    let path = &base[origin.len().min(base.len())..];
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    format!("{origin}{dir}/{location}")
}

/// 16 hex digits of SHA-256 over the visible text of an HTML page (tags, scripts and styles
/// removed by a real HTML parser, whitespace collapsed), or over the bytes of anything else.
pub fn text_hash(bytes: &[u8], html: bool) -> String {
    let digest = if html {
        let page = String::from_utf8_lossy(bytes);
        let text = ammonia::Builder::empty()
            .clean_content_tags(["script", "style", "noscript", "template", "title"].into())
            .clean(&page)
            .to_string();
        let words: Vec<&str> = text.split_whitespace().collect();
        Sha256::digest(words.join(" ").as_bytes())
    } else {
        Sha256::digest(bytes)
    };
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_text_ignores_markup_scripts_and_whitespace() {
        let a = text_hash(
            b"<html><head><style>p{}</style><script>var t=1</script></head><body><p>Hallo   Welt</p></body></html>",
            true,
        );
        let b = text_hash(
            b"<html><body><div class=x><p>Hallo\nWelt</p></div><script>var t=2</script></body></html>",
            true,
        );
        assert_eq!(a, b);
        assert_ne!(a, text_hash(b"<p>Hallo Welt!</p>", true));
    }

    #[test]
    fn locations_resolve_against_their_url() {
        assert_eq!(join("https://a.org/x/y", "/z"), "https://a.org/z");
        assert_eq!(join("https://a.org/x/y?q", "z"), "https://a.org/x/z");
        assert_eq!(
            join("http://a.org:81/x", "https://b.org/"),
            "https://b.org/"
        );
        assert_eq!(join("http://a.org/x", "//b.org/y"), "http://b.org/y");
        assert_eq!(host("https://a.org:81/x?y"), "a.org:81");
    }
}
