//! Typed page metadata: the front matter of a `.md` file merged with its language-neutral `.yaml`.

use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::config::key_line;
use crate::error::{Diagnostic, Diagnostics};

/// What a `.md` front matter or a `.yaml` metadata file may contain. Every field is optional here;
/// required fields are checked after merging, so the error can say which file should hold them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    pub title: Option<String>,
    pub description: Option<String>,
    pub slug: Option<String>,
    pub date: Option<NaiveDate>,
    pub updated: Option<NaiveDate>,
    pub draft: Option<bool>,
    pub weight: Option<i64>,
    pub tags: Option<Vec<String>>,
    pub aliases: Option<Vec<String>>,
    pub template: Option<String>,
    pub toc: Option<bool>,
    pub platform: Option<String>,
    pub operator: Option<String>,
    pub audience: Option<Vec<Audience>>,
    pub regions: Option<Vec<String>>,
    pub opt_out: Option<OptOut>,
    pub last_verified: Option<NaiveDate>,
    pub review_every_days: Option<u32>,
    pub sources: Option<Vec<Source>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    Personal,
    Business,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptOutMethod {
    Form,
    Setting,
    Email,
    None,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptOut {
    pub method: OptOutMethod,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub requires_login: Option<bool>,
    #[serde(default)]
    pub retroactive: Option<bool>,
    #[serde(default)]
    pub deadline: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    pub url: String,
    pub date: NaiveDate,
}

/// The metadata of a page or section after merging and validation.
#[derive(Debug, Clone, PartialEq)]
pub struct PageMeta {
    pub title: String,
    pub description: Option<String>,
    pub slug: Option<String>,
    pub date: Option<NaiveDate>,
    pub updated: Option<NaiveDate>,
    pub draft: bool,
    pub weight: i64,
    pub tags: Vec<String>,
    pub aliases: Vec<String>,
    pub template: Option<String>,
    pub toc: bool,
    pub guide: Option<GuideMeta>,
}

impl PageMeta {
    /// When the page last changed in substance: `updated`, else `date`; for a guide, its
    /// `last_verified` if later (re-checked facts are news for feed readers). Used by feeds and
    /// the sitemap; never the build time, so builds stay reproducible.
    pub fn last_changed(&self) -> Option<NaiveDate> {
        let written = self.updated.or(self.date);
        let verified = self.guide.as_ref().map(|g| g.last_verified);
        written.max(verified)
    }
}

/// Domain metadata of a platform guide.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GuideMeta {
    pub platform: String,
    /// `None` where no source names the legal entity; the page then says so.
    pub operator: Option<String>,
    pub audience: Vec<Audience>,
    pub regions: Vec<String>,
    pub opt_out: OptOut,
    pub last_verified: NaiveDate,
    pub review_every_days: u32,
    pub sources: Vec<Source>,
}

/// The raw text a `RawMeta` came from, for pointing errors at the key's line.
pub struct MetaText<'a> {
    pub file: &'a Path,
    pub text: &'a str,
    pub first_line: usize,
}

impl MetaText<'_> {
    fn line_of(&self, key: &str) -> usize {
        if self.text.lines().any(|l| l.trim_start().starts_with(key)) {
            key_line(self.text, key) + self.first_line - 1
        } else {
            self.first_line
        }
    }

    fn error(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.file, message).at(self.line_of(key), 1)
    }
}

/// Merges the `.md` front matter with the optional `.yaml` file; a key set in both is an error.
pub fn merge(
    md: RawMeta,
    md_text: &MetaText,
    neutral: Option<(RawMeta, &MetaText)>,
) -> Result<RawMeta, Diagnostics> {
    let Some((yaml, yaml_text)) = neutral else {
        return Ok(md);
    };
    let mut diags = Diagnostics::new();
    let mut out = md;
    macro_rules! take {
        ($($field:ident),*) => {$(
            match (&out.$field, yaml.$field) {
                (Some(_), Some(_)) => diags.push(
                    md_text.error(stringify!($field), format!(
                        "`{}` is set both here and in {}", stringify!($field), yaml_text.file.display()))
                        .hint("language-neutral facts belong in the .yaml file only; remove the key from one of them"),
                ),
                (None, Some(v)) => out.$field = Some(v),
                _ => {}
            }
        )*};
    }
    take!(
        title,
        description,
        slug,
        date,
        updated,
        draft,
        weight,
        tags,
        aliases,
        template,
        toc,
        platform,
        operator,
        audience,
        regions,
        opt_out,
        last_verified,
        review_every_days,
        sources
    );
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(out)
    }
}

/// Which kind of document the metadata belongs to; sections cannot be guides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Page,
    Section,
}

/// Checks required fields and the guide metadata; `texts` are searched for the line of a key.
pub fn validate(
    raw: RawMeta,
    kind: DocKind,
    texts: &[&MetaText],
    default_review_days: u32,
) -> Result<PageMeta, Diagnostics> {
    let mut diags = Diagnostics::new();
    let md = texts[0];
    let error_at = |key: &str, msg: String| -> Diagnostic {
        let t: &MetaText = texts
            .iter()
            .copied()
            .find(|t| {
                t.text
                    .lines()
                    .any(|l| l.trim_start().starts_with(&format!("{key}:")))
            })
            .unwrap_or(md);
        t.error(key, msg)
    };
    let title = match raw.title.clone() {
        Some(t) if !t.trim().is_empty() => t,
        _ => {
            diags.push(
                md.error("title", "missing `title`")
                    .hint("add `title: \"…\"` to the front matter"),
            );
            String::new()
        }
    };
    if let Some(slug) = &raw.slug
        && crate::slug::slugify(slug) != *slug
    {
        diags.push(
            error_at("slug", format!("slug `{slug}` is not a URL slug")).hint(format!(
                "use lowercase letters, digits and `-`, e.g. `{}`",
                crate::slug::slugify(slug)
            )),
        );
    }
    for alias in raw.aliases.iter().flatten() {
        if !alias.starts_with('/')
            || alias.contains("..")
            || alias.contains(['"', '<', '>', '\\', '?', '#'])
        {
            diags.push(
                error_at(
                    "aliases",
                    format!("alias `{alias}` must be a plain URL path starting with `/`"),
                )
                .hint("for example `/de/alte-adresse/`"),
            );
        }
    }
    let guide_keys_used = raw.operator.is_some()
        || raw.audience.is_some()
        || raw.regions.is_some()
        || raw.opt_out.is_some()
        || raw.last_verified.is_some()
        || raw.sources.is_some()
        || raw.review_every_days.is_some();
    let guide = match (&raw.platform, kind) {
        (Some(_), DocKind::Section) => {
            diags.push(
                error_at("platform", "a section cannot be a platform guide".into())
                    .hint("move the guide metadata to a page such as guides/NAME.yaml"),
            );
            None
        }
        (Some(platform), DocKind::Page) => validate_guide(
            platform.clone(),
            &raw,
            default_review_days,
            &error_at,
            &mut diags,
        ),
        (None, _) if guide_keys_used => {
            diags.push(
                md.error(
                    "platform",
                    "guide metadata (operator, opt_out, sources, …) without `platform`",
                )
                .hint("add `platform: <key>` to the .yaml file, or remove the guide keys"),
            );
            None
        }
        (None, _) => None,
    };
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(PageMeta {
        title,
        description: raw.description,
        slug: raw.slug,
        date: raw.date,
        updated: raw.updated,
        draft: raw.draft.unwrap_or(false),
        weight: raw.weight.unwrap_or(0),
        tags: raw.tags.unwrap_or_default(),
        aliases: raw.aliases.unwrap_or_default(),
        template: raw.template,
        toc: raw.toc.unwrap_or(true),
        guide,
    })
}

fn validate_guide(
    platform: String,
    raw: &RawMeta,
    default_review_days: u32,
    error_at: &dyn Fn(&str, String) -> Diagnostic,
    diags: &mut Diagnostics,
) -> Option<GuideMeta> {
    let mut missing = |key: &str, example: &str| {
        diags.push(
            error_at("platform", format!("platform guide without `{key}`"))
                .hint(format!("add to the guide's .yaml file: {example}")),
        );
    };
    if raw.audience.as_ref().is_none_or(Vec::is_empty) {
        missing("audience", "`audience: [personal, business]`");
    }
    if raw.regions.as_ref().is_none_or(Vec::is_empty) {
        missing("regions", "`regions: [EU, EEA]`");
    }
    if raw.opt_out.is_none() {
        missing(
            "opt_out",
            "`opt_out: {method: form, url: \"https://…\", requires_login: true, retroactive: false}`",
        );
    }
    if raw.last_verified.is_none() {
        missing("last_verified", "`last_verified: 2026-11-29`");
    }
    if raw.sources.as_ref().is_none_or(Vec::is_empty) {
        missing(
            "sources",
            "`sources: [{title: \"…\", url: \"https://…\", date: 2025-05-21}]`",
        );
    }
    if let Some(opt_out) = &raw.opt_out {
        match (&opt_out.url, opt_out.method) {
            (None, OptOutMethod::None) => {}
            (None, _) => {
                diags.push(error_at("opt_out", "`opt_out.url` is missing".into()).hint(
                    "link the official form or setting; only `method: none` goes without a URL",
                ))
            }
            (Some(url), OptOutMethod::Email) if url.starts_with("mailto:") => {}
            (Some(url), _) if !is_web_url(url) => diags.push(
                error_at("url", format!("`{url}` is not an https:// URL")).hint(
                    "use the full address of the official page (mailto: only with `method: email`)",
                ),
            ),
            _ => {}
        }
    }
    for source in raw.sources.iter().flatten() {
        if !is_web_url(&source.url) {
            diags.push(
                error_at(
                    "url",
                    format!("source URL `{}` is not an http(s) URL", source.url),
                )
                .hint("sources must link a public page"),
            );
        }
    }
    Some(GuideMeta {
        platform,
        operator: raw.operator.clone(),
        audience: raw.audience.clone()?,
        regions: raw.regions.clone()?,
        opt_out: raw.opt_out.clone()?,
        last_verified: raw.last_verified?,
        review_every_days: raw.review_every_days.unwrap_or(default_review_days),
        sources: raw.sources.clone()?,
    })
}

fn is_web_url(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() > "https://".len()
        && !url.contains([' ', '"', '<', '>'])
}
