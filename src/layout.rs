//! Where a site's sources live, and what a path below the site root is to the site.
//!
//! Every stage that looks for files (`content`, the theme, `build`'s output check), the preview's
//! rebuild and its file watcher ask [`Layout`], so they agree on what is a source and on which
//! files are an editor's leftovers.

use std::path::{Path, PathBuf};

pub use crate::config::CONFIG_FILE;
pub use crate::content::CONTENT_DIR;

/// Directory of the themes, one directory per theme.
pub const THEMES_DIR: &str = "themes";
/// The site's own templates, overriding the theme's file by file.
pub const SITE_TEMPLATES: &str = "templates";
/// The site's own static files, overriding the theme's file by file.
pub const SITE_STATIC: &str = "static";
/// Below a theme's directory: templates, UI strings, static files.
const THEME_TEMPLATES: &str = "templates";
const THEME_I18N: &str = "i18n";
const THEME_STATIC: &str = "static";

/// The directories below the root that sources live in (`site.yaml` is the one file beside them).
pub const SOURCE_DIRS: [&str; 4] = [CONTENT_DIR, THEMES_DIR, SITE_TEMPLATES, SITE_STATIC];

/// What a path (relative to the site root) is to the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `site.yaml`.
    Config,
    /// A Markdown file below `content/` (content-relative): a page or section in one language.
    Document(PathBuf),
    /// A `.yaml` beside the Markdown files (content-relative): language-neutral metadata.
    Metadata(PathBuf),
    /// Anything else below `content/` (content-relative): a directory, or a file that is not
    /// content.
    OtherContent(PathBuf),
    /// A template, by name (`page.html`, `partials/nav.html`), the theme's or the site's.
    Template(String),
    /// A theme's UI strings (`i18n/de.yaml`).
    UiStrings,
    /// A theme's static file, by output name.
    ThemeStatic(String),
    /// The site's own static file, by output name.
    SiteStatic(String),
    /// A source directory itself (`static`, `themes/default`), or a file at a theme's top:
    /// nothing the site reads by name; the watcher looks inside directories.
    Directory,
    /// A hidden file, an editor's backup, swap or temporary file: never part of the site.
    EditorLeftover,
    /// Not a source: the output directory, `.git`, another theme, a path outside the root.
    Outside,
}

impl Source {
    /// Whether the site is built from this path.
    pub fn is_source(&self) -> bool {
        !matches!(self, Source::EditorLeftover | Source::Outside)
    }
}

/// The layout of one site: where its sources are, for the theme it uses.
#[derive(Debug, Clone)]
pub struct Layout {
    /// `None`: every theme counts (the watcher, which must see `site.yaml` switch themes).
    theme: Option<String>,
}

impl Layout {
    /// The layout of a site that uses `theme`.
    pub fn new(theme: &str) -> Layout {
        Layout {
            theme: Some(theme.to_string()),
        }
    }

    /// A layout in which every theme's files are sources.
    pub fn any_theme() -> Layout {
        Layout { theme: None }
    }

    /// `themes/<theme>`.
    pub fn theme_dir(theme: &str) -> PathBuf {
        Path::new(THEMES_DIR).join(theme)
    }

    pub fn theme_templates(theme: &str) -> PathBuf {
        Self::theme_dir(theme).join(THEME_TEMPLATES)
    }

    pub fn theme_i18n(theme: &str) -> PathBuf {
        Self::theme_dir(theme).join(THEME_I18N)
    }

    pub fn theme_static(theme: &str) -> PathBuf {
        Self::theme_dir(theme).join(THEME_STATIC)
    }

    /// What `rel` (relative to the site root) is.
    pub fn classify(&self, rel: &Path) -> Source {
        if rel.is_absolute()
            || rel
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return Source::Outside;
        }
        let parts: Vec<&str> = match rel.iter().map(|c| c.to_str()).collect::<Option<Vec<_>>>() {
            Some(p) if !p.is_empty() => p,
            // A name that is not UTF-8 below content/ is content's to report.
            _ if rel.starts_with(CONTENT_DIR) => {
                return Source::OtherContent(
                    rel.strip_prefix(CONTENT_DIR).unwrap_or(rel).to_path_buf(),
                );
            }
            _ => return Source::Outside,
        };
        let first = parts[0];
        if parts.len() == 1 && first == CONFIG_FILE {
            return Source::Config;
        }
        if !SOURCE_DIRS.contains(&first) {
            return Source::Outside;
        }
        if parts.iter().any(|p| is_editor_leftover(p)) {
            return Source::EditorLeftover;
        }
        let rest = |n: usize| parts[n..].join("/");
        match first {
            CONTENT_DIR => {
                let c = PathBuf::from(rest(1));
                let name = parts[parts.len() - 1];
                if parts.len() == 1 {
                    Source::OtherContent(c)
                } else if name.ends_with(".md") {
                    Source::Document(c)
                } else if name.ends_with(".yaml") || name.ends_with(".yml") {
                    Source::Metadata(c)
                } else {
                    Source::OtherContent(c)
                }
            }
            SITE_TEMPLATES if parts.len() > 1 => Source::Template(rest(1)),
            SITE_STATIC if parts.len() > 1 => Source::SiteStatic(rest(1)),
            THEMES_DIR if parts.len() > 3 => {
                if self.theme.as_deref().is_some_and(|t| t != parts[1]) {
                    return Source::Outside;
                }
                match parts[2] {
                    THEME_TEMPLATES => Source::Template(rest(3)),
                    THEME_STATIC => Source::ThemeStatic(rest(3)),
                    THEME_I18N => Source::UiStrings,
                    _ => Source::Outside,
                }
            }
            _ if parts.len() <= 3 => Source::Directory,
            _ => Source::Outside,
        }
    }
}

/// A hidden file or directory, an editor's backup, swap or temporary file (vim, emacs, kate,
/// JetBrains, Chrome's file API): one rule for every stage and the watcher.
pub fn is_editor_leftover(name: &str) -> bool {
    name.starts_with(['.', '#'])
        || name.ends_with(['~', '#'])
        || [
            ".swp",
            ".swx",
            ".swo",
            ".tmp",
            ".crswap",
            ".kate-swp",
            "___jb_tmp___",
            "___jb_old___",
        ]
        .iter()
        .any(|s| name.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_every_kind_of_path() {
        let l = Layout::new("default");
        let c = |p: &str| l.classify(Path::new(p));
        assert_eq!(c("site.yaml"), Source::Config);
        assert_eq!(
            c("content/guides/facebook.de.md"),
            Source::Document("guides/facebook.de.md".into())
        );
        assert_eq!(
            c("content/guides/facebook.yaml"),
            Source::Metadata("guides/facebook.yaml".into())
        );
        assert_eq!(c("content/guides"), Source::OtherContent("guides".into()));
        assert_eq!(
            c("themes/default/templates/page.html"),
            Source::Template("page.html".into())
        );
        assert_eq!(
            c("templates/partials/nav.html"),
            Source::Template("partials/nav.html".into())
        );
        assert_eq!(c("themes/default/i18n/de.yaml"), Source::UiStrings);
        assert_eq!(
            c("themes/default/static/css/style.css"),
            Source::ThemeStatic("css/style.css".into())
        );
        assert_eq!(c("static/logo.svg"), Source::SiteStatic("logo.svg".into()));
        assert_eq!(c("themes/default"), Source::Directory);
        for leftover in [
            "content/.facebook.de.md.swp",
            "content/facebook.de.md~",
            "content/#facebook.de.md#",
            "content/.#facebook.de.md",
            "content/facebook.de.md.tmp",
            "content/.hidden/x.de.md",
            "themes/default/static/style.css___jb_tmp___",
        ] {
            assert_eq!(c(leftover), Source::EditorLeftover, "{leftover}");
        }
        for outside in [
            "site.yaml~",
            "public/index.html",
            ".git/HEAD",
            "site.yaml/x",
            "themes/other/templates/page.html",
            "../x",
            "/etc/passwd",
        ] {
            assert!(!c(outside).is_source(), "{outside}");
        }
        assert_eq!(
            Layout::any_theme().classify(Path::new("themes/other/templates/page.html")),
            Source::Template("page.html".into())
        );
    }
}
