//! Internal links: `@/guides/facebook.md`, `../guides/facebook.de.md#anchor` → the target's URL;
//! and links written as the site's own URLs (`/de/anleitungen/instagram/`, `../instagram/`,
//! `https://<base_url>/…`, `/vorlage.pdf`), checked against every URL the site publishes.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use crate::config::Lang;
use crate::content::{CONTENT_DIR, DocKey};
use crate::error::Diagnostic;
use crate::site::{NodeId, Site};

/// What a link destination in Markdown is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkKind<'a> {
    /// A link to a source file, to be resolved against the graph.
    Internal {
        path: &'a str,
        fragment: Option<&'a str>,
        content_root: bool,
    },
    /// `#anchor` on the same page.
    SamePage(&'a str),
    /// `https://…`, `mailto:` and other schemes: collected for `check`.
    External,
    /// A URL of this site: root-relative (`/de/x/`), or absolute under `base_url` (then `path` is
    /// the part after it, with a leading `/`).
    SiteUrl {
        path: String,
        query: Option<&'a str>,
        fragment: Option<&'a str>,
    },
    /// A URL path relative to the page's own URL (`../instagram/`).
    RelativeUrl {
        path: &'a str,
        query: Option<&'a str>,
        fragment: Option<&'a str>,
    },
}

/// What `dest` is, without knowing the site's address (menus in site.yaml).
pub fn classify(dest: &str) -> LinkKind<'_> {
    classify_on(dest, None)
}

/// What `dest` is, for a page of a site published under `base_url`.
pub fn classify_on<'a>(dest: &'a str, base_url: Option<&str>) -> LinkKind<'a> {
    if let Some(anchor) = dest.strip_prefix('#') {
        return LinkKind::SamePage(anchor);
    }
    let (rest, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    let (path_part, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    if let Some(own) = base_url.and_then(|b| strip_prefix_ignore_case(path_part, b)) {
        return LinkKind::SiteUrl {
            path: format!("/{own}"),
            query,
            fragment,
        };
    }
    if dest.contains("://")
        || dest.starts_with("//")
        || dest.starts_with("mailto:")
        || dest.starts_with("tel:")
    {
        return LinkKind::External;
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    if let Some(rest) = path.strip_prefix("@/") {
        return LinkKind::Internal {
            path: rest,
            fragment,
            content_root: true,
        };
    }
    if path.ends_with(".md") && !path.starts_with('/') {
        return LinkKind::Internal {
            path,
            fragment,
            content_root: false,
        };
    }
    if path_part.starts_with('/') {
        return LinkKind::SiteUrl {
            path: path_part.to_string(),
            query,
            fragment,
        };
    }
    LinkKind::RelativeUrl {
        path: path_part,
        query,
        fragment,
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// What a URL of the site is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlTarget {
    /// A page or section (an alias counts as its target).
    Node(NodeId),
    /// A taxonomy listing, a feed, the sitemap or a static file.
    File,
}

/// Every URL path the site publishes (`/de/x/`, `/de/themen/meta/`, `/vorlage.pdf`) → what is there.
#[derive(Debug, Clone, Default)]
pub struct UrlIndex(HashMap<String, UrlTarget>);

impl UrlIndex {
    fn build(site: &Site) -> UrlIndex {
        let mut map = HashMap::with_capacity(site.nodes.len() * 2);
        for (id, node) in site.nodes.iter().enumerate() {
            map.insert(node.url.clone(), UrlTarget::Node(id));
        }
        for (alias, id) in site.aliases() {
            map.entry(alias).or_insert(UrlTarget::Node(id));
        }
        for tax in &site.taxonomies {
            map.insert(tax.url.clone(), UrlTarget::File);
            for term in &tax.terms {
                map.insert(term.url.clone(), UrlTarget::File);
            }
        }
        // Files the render stage writes besides pages (see `render::site_files`).
        for lang in site.config.langs() {
            map.insert(format!("/{lang}/atom.xml"), UrlTarget::File);
            map.insert(format!("/{lang}/404.html"), UrlTarget::File);
        }
        for file in ["/", "/404.html", "/sitemap.xml", "/robots.txt"] {
            map.insert(file.to_string(), UrlTarget::File);
        }
        if site.config.ai_policy.tdm_reservation {
            map.insert("/.well-known/tdmrep.json".into(), UrlTarget::File);
        }
        for file in &site.static_files {
            map.insert(format!("/{file}"), UrlTarget::File);
        }
        UrlIndex(map)
    }

    /// The target of a root-relative path; `/x`, `/x/index.html` and `/x/` are the same page.
    fn find(&self, path: &str) -> Option<(&str, UrlTarget)> {
        let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        let trimmed = decoded.strip_suffix("index.html").unwrap_or(&decoded);
        let with_slash = format!("{}/", trimmed.trim_end_matches('/'));
        [decoded.as_ref(), trimmed, with_slash.as_str()]
            .into_iter()
            .find_map(|p| self.0.get_key_value(p))
            .map(|(k, v)| (k.as_str(), *v))
    }
}

/// A site URL resolved against the graph: the canonical root-relative path and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteTarget {
    pub path: String,
    pub target: UrlTarget,
}

/// Resolves a root-relative URL path (`/de/anleitungen/instagram/`) of this site. A path copied
/// with the subpath of `base_url` in front (`/optout/de/…`) is accepted as well.
pub fn resolve_url(site: &Site, path: &str) -> Result<SiteTarget, String> {
    let index = site.url_index.get_or_init(|| UrlIndex::build(site));
    let base = &site.config.base_path;
    let candidates = std::iter::once(path).chain(
        (base.len() > 1)
            .then(|| path.strip_prefix(base.trim_end_matches('/')))
            .flatten(),
    );
    for candidate in candidates {
        if let Some((found, target)) = index.find(candidate) {
            return Ok(SiteTarget {
                path: found.to_string(),
                target,
            });
        }
    }
    Err(format!(
        "link to {path}, but the site has no such page or file"
    ))
}

/// Resolves `relative` against the URL of the page it is written on, as a browser would.
pub fn join_url(page_url: &str, relative: &str) -> Option<String> {
    let dir = match page_url.rfind('/') {
        Some(i) => &page_url[..=i],
        None => "/",
    };
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    let trailing = relative.is_empty() || relative.ends_with('/') || relative.ends_with("/.");
    for seg in relative.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = String::from("/");
    out.push_str(&parts.join("/"));
    if (trailing || relative.is_empty()) && !out.ends_with('/') {
        out.push('/');
    }
    Some(out)
}

/// Why an internal link leads nowhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unresolved {
    /// The page exists, but not in the link's language: one finding about the missing file
    /// (the same diagnostic from every link to it, so it is reported once), never one error
    /// per link.
    MissingTranslation(Diagnostic),
    /// Anything else, reported where the link is.
    Broken { message: String, hint: String },
}

impl std::fmt::Display for Unresolved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unresolved::MissingTranslation(d) => write!(f, "{}: {}", d.location(), d.message),
            Unresolved::Broken { message, .. } => f.write_str(message),
        }
    }
}

/// How internal links are written, for hints.
const LINK_SYNTAX: &str =
    "link to a source file: `@/section/page.md` (same language) or a relative `page.de.md`";

/// Resolves an internal link from the document at `from` (content-relative source path).
/// `@/x/y.md` is the page in `lang`; `x/y.en.md` names the language itself.
pub fn resolve(
    site: &Site,
    from: &Path,
    lang: &Lang,
    path: &str,
    content_root: bool,
) -> Result<NodeId, Unresolved> {
    let joined = if content_root {
        PathBuf::from(path)
    } else {
        from.parent().unwrap_or(Path::new("")).join(path)
    };
    let normal = normalize(&joined).ok_or_else(|| Unresolved::Broken {
        message: format!("`{path}` points outside content/"),
        hint: LINK_SYNTAX.into(),
    })?;
    let file = normal.file_name().and_then(|f| f.to_str()).unwrap_or("");
    let stem = file.strip_suffix(".md").unwrap_or(file);
    let (name, target_lang) = match stem.rsplit_once('.') {
        Some((n, l)) if site.config.is_language(l) => (n, Lang(l.to_string())),
        _ => (stem, lang.clone()),
    };
    let dir = normal
        .parent()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let key = DocKey {
        dir,
        name: name.to_string(),
    };
    site.find(&key, &target_lang)
        .ok_or_else(|| unresolved(site, &key, &target_lang, path, content_root))
}

/// Why `key` in `lang` is not there: a missing translation, or a name that is not in the site
/// (with the closest name that is).
fn unresolved(
    site: &Site,
    key: &DocKey,
    lang: &Lang,
    written: &str,
    content_root: bool,
) -> Unresolved {
    let missing = Path::new(CONTENT_DIR).join(key.source_path(lang));
    if let Some(original) = site
        .config
        .langs()
        .find_map(|l| site.find(key, l))
        .map(|id| site.node(id))
    {
        let language = &site.config.language(lang).name;
        return Unresolved::MissingTranslation(
            Diagnostic::error(
                &missing,
                format!(
                    "{} is missing, and pages in {language} link to it",
                    key.source_path(lang)
                        .file_name()
                        .map(|f| f.to_string_lossy().into_owned())
                        .unwrap_or_default()
                ),
            )
            .hint(format!(
                "create it (translate {}), or restore it with `git checkout -- {}`, or remove the links to it",
                original.doc.display_path().display(),
                missing.display()
            )),
        );
    }
    let hint = match suggestion(site, key, lang) {
        Some(better) => {
            let file = written.rsplit('/').next().unwrap_or(written);
            let prefix = &written[..written.len() - file.len()];
            let (prefix, file) = if better.dir == key.dir {
                (
                    prefix.to_string(),
                    file.replacen(&key.name, &better.name, 1),
                )
            } else {
                let dir = if better.dir.is_empty() {
                    String::new()
                } else {
                    format!("{}/", better.dir)
                };
                (
                    format!("@/{dir}"),
                    file.replacen(&key.name, &better.name, 1),
                )
            };
            let at = if content_root && better.dir == key.dir {
                "@/"
            } else {
                ""
            };
            format!("did you mean `{at}{prefix}{file}`?")
        }
        None => LINK_SYNTAX.into(),
    };
    Unresolved::Broken {
        message: format!("link to {} which does not exist", missing.display()),
        hint,
    }
}

/// The page in `lang` whose name is closest to `key`'s: in the same folder first, else the
/// same name in another folder.
fn suggestion(site: &Site, key: &DocKey, lang: &Lang) -> Option<DocKey> {
    let in_lang = || {
        site.nodes
            .iter()
            .filter(|n| n.lang() == lang)
            .map(|n| &n.doc.key)
    };
    let names: Vec<&str> = in_lang()
        .filter(|k| k.dir == key.dir)
        .map(|k| k.name.as_str())
        .collect();
    if let Some(best) = crate::error::did_you_mean(&key.name, &names) {
        return Some(DocKey {
            dir: key.dir.clone(),
            name: best.to_string(),
        });
    }
    in_lang().find(|k| k.name == key.name).cloned()
}

/// Removes `.` and `..` without touching the file system; `None` if it climbs above the root.
pub(crate) fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_destinations() {
        assert_eq!(
            classify_on("@/guides/facebook.md#x", Some(BASE)),
            LinkKind::Internal {
                path: "guides/facebook.md",
                fragment: Some("x"),
                content_root: true
            }
        );
        assert_eq!(
            classify_on("../a.de.md", Some(BASE)),
            LinkKind::Internal {
                path: "../a.de.md",
                fragment: None,
                content_root: false
            }
        );
        assert_eq!(
            classify_on("https://x.org/a.md", Some(BASE)),
            LinkKind::External
        );
        assert_eq!(classify_on("#top", Some(BASE)), LinkKind::SamePage("top"));
        assert_eq!(
            classify_on("/de/?q=1#x", Some(BASE)),
            LinkKind::SiteUrl {
                path: "/de/".into(),
                query: Some("q=1"),
                fragment: Some("x")
            }
        );
        assert_eq!(
            classify_on("HTTPS://example.org/optout/de/a/", Some(BASE)),
            LinkKind::SiteUrl {
                path: "/de/a/".into(),
                query: None,
                fragment: None
            }
        );
        assert_eq!(
            classify_on("../b/", Some(BASE)),
            LinkKind::RelativeUrl {
                path: "../b/",
                query: None,
                fragment: None
            }
        );
    }

    const BASE: &str = "https://example.org/optout/";

    #[test]
    fn joins_relative_urls_like_a_browser() {
        assert_eq!(
            join_url("/de/a/facebook/", "../instagram/").as_deref(),
            Some("/de/a/instagram/")
        );
        assert_eq!(
            join_url("/de/a/", "b/c.pdf").as_deref(),
            Some("/de/a/b/c.pdf")
        );
        assert_eq!(join_url("/de/", "../../x/"), None);
    }

    #[test]
    fn normalize_refuses_escape() {
        assert_eq!(
            normalize(Path::new("a/../b.md")),
            Some(PathBuf::from("b.md"))
        );
        assert_eq!(normalize(Path::new("../b.md")), None);
    }
}
