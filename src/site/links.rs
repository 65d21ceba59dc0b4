//! Internal links: `@/guides/facebook.md`, `../guides/facebook.de.md#anchor` → the target's URL.

use std::path::{Component, Path, PathBuf};

use crate::config::Lang;
use crate::content::DocKey;
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
    /// Root-relative or other URL paths, left as they are.
    Other,
}

pub fn classify(dest: &str) -> LinkKind<'_> {
    if let Some(anchor) = dest.strip_prefix('#') {
        return LinkKind::SamePage(anchor);
    }
    if dest.contains("://") || dest.starts_with("mailto:") || dest.starts_with("tel:") {
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
    LinkKind::Other
}

/// Resolves an internal link from the document at `from` (content-relative source path).
/// `@/x/y.md` is the page in `lang`; `x/y.en.md` names the language itself.
pub fn resolve(
    site: &Site,
    from: &Path,
    lang: &Lang,
    path: &str,
    content_root: bool,
) -> Result<NodeId, String> {
    let joined = if content_root {
        PathBuf::from(path)
    } else {
        from.parent().unwrap_or(Path::new("")).join(path)
    };
    let normal = normalize(&joined).ok_or_else(|| format!("`{path}` points outside content/"))?;
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
    site.find(&key, &target_lang).ok_or_else(|| {
        format!(
            "link to {} which does not exist",
            Path::new("content")
                .join(key.source_path(&target_lang))
                .display()
        )
    })
}

/// Removes `.` and `..` without touching the file system; `None` if it climbs above the root.
fn normalize(path: &Path) -> Option<PathBuf> {
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
            classify("@/guides/facebook.md#x"),
            LinkKind::Internal {
                path: "guides/facebook.md",
                fragment: Some("x"),
                content_root: true
            }
        );
        assert_eq!(
            classify("../a.de.md"),
            LinkKind::Internal {
                path: "../a.de.md",
                fragment: None,
                content_root: false
            }
        );
        assert_eq!(classify("https://x.org/a.md"), LinkKind::External);
        assert_eq!(classify("#top"), LinkKind::SamePage("top"));
        assert_eq!(classify("/de/"), LinkKind::Other);
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
