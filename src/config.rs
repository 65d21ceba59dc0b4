//! `site.yaml`: the site's configuration, parsed into typed values and validated once.

use std::fmt;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::error::{Diagnostic, Diagnostics};

pub const CONFIG_FILE: &str = "site.yaml";

/// A language code as used in file names (`facebook.de.md`) and URLs (`/de/`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Lang(pub String);

impl Lang {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    base_url: String,
    default_language: Lang,
    languages: IndexMap<Lang, LanguageConfig>,
    #[serde(default = "default_theme")]
    theme: String,
    #[serde(default = "default_output_dir")]
    output_dir: PathBuf,
    #[serde(default)]
    taxonomies: Vec<TaxonomyConfig>,
    #[serde(default = "default_review_days")]
    review_every_days: u32,
    #[serde(default)]
    ai_policy: AiPolicy,
    #[serde(default)]
    markdown: MarkdownConfig,
    #[serde(default)]
    translations: TranslationsConfig,
}

fn default_theme() -> String {
    "default".into()
}
fn default_output_dir() -> PathBuf {
    PathBuf::from("public")
}
fn default_review_days() -> u32 {
    90
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    pub name: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub menu: Vec<MenuEntry>,
    /// Links in every page's footer (imprint, privacy policy).
    #[serde(default)]
    pub footer_menu: Vec<MenuEntry>,
}

/// A menu entry; `url` is either a content reference (`@/guides/_index.md`) or a URL path.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MenuEntry {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyConfig {
    pub name: String,
    /// URL segment per language (`de: themen`); default: the name.
    #[serde(default)]
    pub slugs: IndexMap<Lang, String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AiPolicy {
    /// robots.txt user agents that get `Disallow: /`.
    #[serde(default)]
    pub disallow_crawlers: Vec<String>,
    /// Writes `/.well-known/tdmrep.json`, the `tdm-reservation` header and meta element.
    #[serde(default)]
    pub tdm_reservation: bool,
    /// URL of a TDM licensing policy (`tdm-policy`), optional.
    #[serde(default)]
    pub tdm_policy: Option<String>,
}

/// `markdown:` in site.yaml: how Markdown bodies are rendered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    #[serde(default)]
    pub raw_html: RawHtml,
}

/// What happens to HTML written inside Markdown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    /// Documentation HTML (`<details>`, `<kbd>`, tables, figures …) is passed; anything that could
    /// run code or load third-party content is an error. The policy is `markdown::sanitize`.
    #[default]
    Safe,
    /// Every tag is shown to readers as text.
    Escape,
}

/// `translations:` in site.yaml: how `optout check` treats translations whose original changed
/// since they were marked (`optout translations mark`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TranslationsConfig {
    #[serde(default)]
    pub outdated: FindingLevel,
}

/// Whether a finding fails `check` (`error`) or is reported only (`warning`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingLevel {
    #[default]
    Warning,
    Error,
}

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Absolute base URL, always ending in `/` (`https://example.org/optout/`).
    pub base_url: String,
    /// The path part of `base_url`, always starting and ending with `/` (`/optout/`).
    pub base_path: String,
    pub default_language: Lang,
    pub languages: IndexMap<Lang, LanguageConfig>,
    pub theme: String,
    pub output_dir: PathBuf,
    pub taxonomies: Vec<TaxonomyConfig>,
    pub review_every_days: u32,
    pub ai_policy: AiPolicy,
    pub markdown: MarkdownConfig,
    pub translations: TranslationsConfig,
    /// The text of site.yaml, for pointing later errors (menus, theme) at a line.
    pub source_text: String,
}

const EXAMPLE: &str = "base_url: https://example.org/\ndefault_language: de\nlanguages:\n  de: {name: Deutsch, title: Meine Seite}\n  en: {name: English, title: My site}";

impl Config {
    /// The site's folder: `explicit` (`--root`) as given; without it the current folder or the
    /// nearest parent with a `site.yaml`, so that optout works from `content/guides/` as git
    /// works from a subfolder. The path found is relative (`..`), as messages show it.
    pub fn find_root(explicit: Option<PathBuf>) -> Result<PathBuf, Diagnostic> {
        if let Some(root) = explicit {
            return Ok(root);
        }
        let cwd = std::env::current_dir().map_err(|e| {
            Diagnostic::error(".", format!("cannot read the current folder: {e}"))
                .hint("run optout from the site's folder, or pass --root DIR")
        })?;
        let mut relative = PathBuf::from(".");
        for dir in cwd.ancestors() {
            if dir.join(CONFIG_FILE).is_file() {
                return Ok(relative);
            }
            relative = if relative == Path::new(".") {
                PathBuf::from("..")
            } else {
                relative.join("..")
            };
        }
        Err(Diagnostic::error(
            CONFIG_FILE,
            "no site.yaml in this folder or any folder above it",
        )
        .hint(
            "run optout inside a site, pass --root DIR (-r), or create a new site with `optout init DIR`",
        ))
    }

    /// Reads and validates `<root>/site.yaml`.
    pub fn load(root: &Path) -> Result<Config, Diagnostics> {
        let path = root.join(CONFIG_FILE);
        let file = PathBuf::from(CONFIG_FILE);
        let text = match std::fs::read(&path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|_| {
                Diagnostic::error(&file, "site.yaml is not valid UTF-8").hint("save it as UTF-8")
            })?,
            Err(e) => {
                return Err(
                    Diagnostic::error(&file, format!("cannot read site.yaml: {e}"))
                        .hint(format!(
                            "run `optout init` for a complete new site, or create {} with at least:\n{EXAMPLE}",
                            path.display()
                        ))
                        .into(),
                );
            }
        };
        Self::parse(&text)
    }

    pub fn parse(text: &str) -> Result<Config, Diagnostics> {
        let file = PathBuf::from(CONFIG_FILE);
        let raw: RawConfig = crate::yaml::parse(&file, text, 1).map_err(|d| {
            let d = if d.message.starts_with("missing field") {
                d.hint(format!("a minimal site.yaml:\n{EXAMPLE}"))
            } else {
                d
            };
            Diagnostics::from(d)
        })?;
        Self::validate(raw, text)
    }

    fn validate(raw: RawConfig, text: &str) -> Result<Config, Diagnostics> {
        let file = PathBuf::from(CONFIG_FILE);
        let mut diags = Diagnostics::new();
        let line_of = |key: &str| key_line(text, key);

        let base_url = if raw.base_url.ends_with('/') {
            raw.base_url.clone()
        } else {
            format!("{}/", raw.base_url)
        };
        let base_path = match base_path_of(&base_url) {
            Some(p) => p,
            None => {
                diags.push(
                    Diagnostic::error(
                        &file,
                        format!("base_url `{}` is not an absolute http(s) URL", raw.base_url),
                    )
                    .at_line(line_of("base_url"))
                    .hint("write it like https://example.org/ or https://example.org/optout/"),
                );
                "/".into()
            }
        };
        if raw.languages.is_empty() {
            diags.push(
                Diagnostic::error(&file, "no languages configured")
                    .at_line(line_of("languages"))
                    .hint("add `languages:` with an entry per language, e.g. `de: {name: Deutsch, title: …}`"),
            );
        }
        for lang in raw.languages.keys() {
            if !is_lang_code(lang.as_str()) {
                diags.push(
                    Diagnostic::error(&file, format!("`{lang}` is not a language code"))
                        .at_line(line_of(lang.as_str()))
                        .hint("use a lowercase ISO 639-1 code such as `de` or `en`"),
                );
            }
        }
        if !raw.languages.contains_key(&raw.default_language) {
            diags.push(
                Diagnostic::error(
                    &file,
                    format!(
                        "default_language `{}` is not one of the configured languages",
                        raw.default_language
                    ),
                )
                .at_line(line_of("default_language"))
                .hint(format!(
                    "configured: {}",
                    raw.languages
                        .keys()
                        .map(Lang::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
        for tax in &raw.taxonomies {
            // Pages carry terms only in `tags`; another name would give empty listings.
            if tax.name != "tags" {
                diags.push(
                    Diagnostic::error(&file, format!("unknown taxonomy `{}`", tax.name))
                        .at_line(line_of("taxonomies"))
                        .hint("the supported taxonomy is `tags` (front matter key `tags`)"),
                );
            }
        }
        if raw.output_dir.as_os_str().is_empty()
            || raw
                .output_dir
                .components()
                .any(|c| matches!(c, std::path::Component::ParentDir))
        {
            diags.push(
                Diagnostic::error(&file, "output_dir must be a directory inside the site root")
                    .at_line(line_of("output_dir"))
                    .hint("use a relative folder without `..`, such as `output_dir: public`; `--output` may point anywhere"),
            );
        }
        if diags.has_errors() {
            return Err(diags.sorted());
        }
        // The default language comes first everywhere (menus, alternates, sitemaps).
        let mut languages = raw.languages;
        if let Some(i) = languages.get_index_of(&raw.default_language) {
            languages.move_index(i, 0);
        }
        Ok(Config {
            base_url,
            base_path,
            default_language: raw.default_language,
            languages,
            theme: raw.theme,
            output_dir: raw.output_dir,
            taxonomies: raw.taxonomies,
            review_every_days: raw.review_every_days,
            ai_policy: raw.ai_policy,
            markdown: raw.markdown,
            translations: raw.translations,
            source_text: text.to_string(),
        })
    }

    /// Replaces the base URL (the `--base-url` option).
    pub fn set_base_url(&mut self, url: &str) -> Result<(), Diagnostics> {
        let url = if url.ends_with('/') {
            url.to_string()
        } else {
            format!("{url}/")
        };
        match base_path_of(&url) {
            Some(path) => {
                self.base_path = path;
                self.base_url = url;
                Ok(())
            }
            None => Err(Diagnostic::error(
                "--base-url",
                format!("`{url}` is not an absolute http(s) URL"),
            )
            .hint("write it like https://example.org/optout/")
            .into()),
        }
    }

    pub fn langs(&self) -> impl Iterator<Item = &Lang> {
        self.languages.keys()
    }

    pub fn language(&self, lang: &Lang) -> &LanguageConfig {
        // Every Lang in the pipeline comes from file names validated against this map.
        &self.languages[lang]
    }

    pub fn is_language(&self, code: &str) -> bool {
        self.languages.keys().any(|l| l.as_str() == code)
    }

    /// `/optout/de/x/` from `/de/x/`.
    pub fn path_url(&self, root_relative: &str) -> String {
        format!(
            "{}{}",
            self.base_path,
            root_relative.trim_start_matches('/')
        )
    }

    /// `https://example.org/optout/de/x/` from `/de/x/`.
    pub fn permalink(&self, root_relative: &str) -> String {
        format!("{}{}", self.base_url, root_relative.trim_start_matches('/'))
    }
}

fn is_lang_code(s: &str) -> bool {
    (2..=3).contains(&s.len()) && s.chars().all(|c| c.is_ascii_lowercase())
}

/// The path of an absolute http(s) URL ending in `/`.
fn base_path_of(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let slash = rest.find('/')?;
    let host = &rest[..slash];
    if host.is_empty() || host.contains(['"', '<', '>', ' ', '\'']) {
        return None;
    }
    let path = &rest[slash..];
    if path.contains(['?', '#', '"', '<', '>', ' ', '\'']) {
        return None;
    }
    Some(path.to_string())
}

/// Line (1-based) where `key:` first appears, for errors found after parsing.
pub fn key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            t.starts_with(key) && t[key.len()..].trim_start().starts_with(':')
        })
        .map_or(1, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_from_subpath_url() {
        let c = Config::parse("base_url: https://example.org/optout\ndefault_language: de\nlanguages:\n  de: {name: Deutsch, title: T}\n").unwrap();
        assert_eq!(c.base_url, "https://example.org/optout/");
        assert_eq!(c.base_path, "/optout/");
        assert_eq!(c.path_url("/de/"), "/optout/de/");
    }

    #[test]
    fn unknown_key_is_an_error_with_suggestion() {
        let e = Config::parse("base_url: https://e.org/\ndefault_langauge: de\n").unwrap_err();
        let d = &e.0[0];
        assert_eq!(d.line, Some(2));
        assert_eq!(d.hint.as_deref(), Some("did you mean `default_language`?"));
    }

    #[test]
    fn only_the_tags_taxonomy_exists() {
        let e = Config::parse("base_url: https://e.org/\ndefault_language: de\nlanguages:\n  de: {name: D, title: T}\ntaxonomies:\n  - name: categories\n").unwrap_err();
        assert!(
            e.0[0].message.contains("unknown taxonomy `categories`"),
            "{e}"
        );
        assert_eq!(e.0[0].line, Some(5));
    }

    #[test]
    fn raw_html_defaults_to_safe_and_accepts_escape() {
        let base = "base_url: https://e.org/\ndefault_language: de\nlanguages:\n  de: {name: D, title: T}\n";
        assert_eq!(
            Config::parse(base).unwrap().markdown.raw_html,
            RawHtml::Safe
        );
        let c = Config::parse(&format!("{base}markdown:\n  raw_html: escape\n")).unwrap();
        assert_eq!(c.markdown.raw_html, RawHtml::Escape);
        let e = Config::parse(&format!("{base}markdown:\n  raw_html: allow\n")).unwrap_err();
        assert_eq!(e.0[0].line, Some(6), "{e}");
    }

    #[test]
    fn outdated_translations_are_warnings_unless_configured() {
        let base = "base_url: https://e.org/\ndefault_language: de\nlanguages:\n  de: {name: D, title: T}\n";
        let c = Config::parse(base).unwrap();
        assert_eq!(c.translations.outdated, FindingLevel::Warning);
        let c = Config::parse(&format!("{base}translations:\n  outdated: error\n")).unwrap();
        assert_eq!(c.translations.outdated, FindingLevel::Error);
        let e = Config::parse(&format!("{base}translations:\n  outdated: fatal\n")).unwrap_err();
        assert_eq!(e.0[0].line, Some(6), "{e}");
    }

    #[test]
    fn default_language_must_exist() {
        let e = Config::parse("base_url: https://e.org/\ndefault_language: fr\nlanguages:\n  de: {name: D, title: T}\n").unwrap_err();
        assert!(e.0[0].message.contains("default_language `fr`"));
        assert_eq!(e.0[0].line, Some(2));
    }
}
