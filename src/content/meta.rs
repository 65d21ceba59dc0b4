//! Typed page metadata: the front matter of a `.md` file merged with its language-neutral `.yaml`.

use std::path::Path;

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

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
    /// A translation's record of the original it was made from, written by
    /// `optout translations mark`; parsed into a [`TranslationMark`] by [`validate`], which
    /// can point at its line.
    pub translation_of: Option<String>,
}

/// `translation_of: "de 2026-12-05 3f2a1c9e0b7d t9a1f d02bc h77e1 p4c1d"`: the language of the
/// original, the day the translation was marked as in step with it, a hash of the original's
/// normalised title, description and body, and one short hash per part of it (`t` title, `d`
/// description, `h` heading, `p` any other block), so `check` can say which parts changed since.
/// Written by `optout translations mark`; editors never type it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranslationMark {
    pub original: crate::config::Lang,
    pub marked: NaiveDate,
    /// 12 hex digits.
    pub hash: String,
    /// Kind letter and 4 hex digits each, in the original's order.
    pub blocks: Vec<(char, u16)>,
}

impl TranslationMark {
    pub const FORMAT: &str =
        "`LANG YYYY-MM-DD HASH BLOCKS…`, as `optout translations mark` writes it";

    pub fn parse(text: &str) -> Option<TranslationMark> {
        let mut words = text.split_whitespace();
        let original = words.next()?;
        let marked = NaiveDate::parse_from_str(words.next()?, "%Y-%m-%d").ok()?;
        let hash = words.next()?;
        let valid_lang =
            (2..=3).contains(&original.len()) && original.bytes().all(|b| b.is_ascii_lowercase());
        if !valid_lang || hash.len() != 12 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let blocks = words
            .map(|w| {
                let kind = w.chars().next().filter(|k| "tdhp".contains(*k))?;
                let hex = w.get(1..).filter(|h| h.len() == 4)?;
                Some((kind, u16::from_str_radix(hex, 16).ok()?))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(TranslationMark {
            original: crate::config::Lang(original.to_string()),
            marked,
            hash: hash.to_ascii_lowercase(),
            blocks,
        })
    }
}

impl fmt::Display for TranslationMark {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} {} {}", self.original, self.marked, self.hash)?;
        for (kind, hash) in &self.blocks {
            write!(f, " {kind}{hash:04x}")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    Personal,
    Business,
}

/// How a reader objects, as far as the sources say. Four reader-facing states come from this and
/// `OptOut::url`: a form, setting or e-mail route with a confirmed address (`url` set); the same
/// without a confirmed address or menu path (`url` absent); `Unknown`, where it is unclear whether
/// any procedure exists; and `None`, where the sources say there is none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptOutMethod {
    Form,
    Setting,
    Email,
    None,
    Unknown,
}

/// A yes/no fact the sources may leave open (`true`, `false` or `unknown` in YAML). A reader must
/// see "unclear" where the sources are unsure, never a flat "no".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Certainty {
    Yes,
    No,
    Unknown,
}

impl Certainty {
    /// The value templates see: `"yes"`, `"no"` or `"unknown"`. Strings rather than booleans so that
    /// a template cannot mistake "unknown" for either answer with a bare `{% if %}`.
    pub fn as_str(self) -> &'static str {
        match self {
            Certainty::Yes => "yes",
            Certainty::No => "no",
            Certainty::Unknown => "unknown",
        }
    }
}

impl Serialize for Certainty {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Certainty {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Certainty;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`true`, `false` or `unknown`")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Certainty, E> {
                Ok(if v { Certainty::Yes } else { Certainty::No })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Certainty, E> {
                match v {
                    "unknown" => Ok(Certainty::Unknown),
                    other => Err(E::custom(format!(
                        "`{other}` is not `true`, `false` or `unknown`"
                    ))),
                }
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptOut {
    pub method: OptOutMethod,
    /// Only an address the sources confirm; the page shows a button only where it is set.
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub requires_login: Option<Certainty>,
    #[serde(default)]
    pub retroactive: Option<Certainty>,
    #[serde(default)]
    pub deadline: Option<NaiveDate>,
}

impl OptOut {
    /// Whether a procedure exists but its address or menu path is not confirmed.
    pub fn unconfirmed(&self) -> bool {
        self.url.is_none()
            && matches!(
                self.method,
                OptOutMethod::Form | OptOutMethod::Setting | OptOutMethod::Email
            )
    }
}

/// The date of a source as precise as the source itself: a month (`2025-05`) or a day
/// (`2025-05-21`). A page shows exactly what was given, so a month never becomes "1 May".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceDate {
    Month { year: i32, month: u32 },
    Day(NaiveDate),
}

impl SourceDate {
    /// The two formats, for error messages.
    pub const FORMATS: &str = "`YYYY-MM` (a month) or `YYYY-MM-DD` (a day)";

    pub fn parse(text: &str) -> Option<SourceDate> {
        let text = text.trim();
        if text.len() == "2025-05-21".len() {
            return NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .map(SourceDate::Day);
        }
        // chrono cannot parse a date without a day, so parse the month as its first day.
        let (year, month) = text.split_once('-')?;
        if year.len() != 4
            || month.len() != 2
            || !text.bytes().all(|b| b.is_ascii_digit() || b == b'-')
        {
            return None;
        }
        let (year, month) = (year.parse().ok()?, month.parse().ok()?);
        NaiveDate::from_ymd_opt(year, month, 1)?;
        Some(SourceDate::Month { year, month })
    }

    /// The first day the date covers (for sorting and comparing).
    pub fn first_day(self) -> NaiveDate {
        match self {
            SourceDate::Day(d) => d,
            SourceDate::Month { year, month } => {
                NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
            }
        }
    }

    pub fn has_day(self) -> bool {
        matches!(self, SourceDate::Day(_))
    }
}

impl fmt::Display for SourceDate {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            SourceDate::Day(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            SourceDate::Month { year, month } => write!(f, "{year:04}-{month:02}"),
        }
    }
}

impl From<NaiveDate> for SourceDate {
    fn from(d: NaiveDate) -> Self {
        SourceDate::Day(d)
    }
}

impl Serialize for SourceDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SourceDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = SourceDate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "a date: {}", SourceDate::FORMATS)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<SourceDate, E> {
                SourceDate::parse(v).ok_or_else(|| {
                    E::custom(format!(
                        "`{v}` is not a source date; use {}",
                        SourceDate::FORMATS
                    ))
                })
            }
            // An unquoted `2025` reaches us as a number: name the formats rather than the type.
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<SourceDate, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<SourceDate, E> {
                self.visit_str(&v.to_string())
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    pub url: String,
    /// `None` for an undated source ("n.d."): better no date than an invented one.
    #[serde(default)]
    pub date: Option<SourceDate>,
    /// The language of the title (and the page it cites), e.g. `en`: a title in another language
    /// than the page gets `lang`, so screen readers pronounce it right (WCAG 3.1.2).
    #[serde(default)]
    pub lang: Option<String>,
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
    /// Set on a translation marked with `optout translations mark`.
    pub translation_of: Option<TranslationMark>,
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
    // A mark belongs to one language's text; the neutral file is shared by all of them.
    if yaml.translation_of.is_some() {
        diags.push(
            yaml_text
                .error("translation_of", "`translation_of` in a language-neutral file")
                .hint("it belongs in the translation's .md file; `optout translations mark` writes it there"),
        );
    }
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
    if let Some(template) = &raw.template
        && (template.starts_with(['/', '\\'])
            || template
                .split(['/', '\\'])
                .any(|part| part == ".." || part == "."))
    {
        // Templates are looked up by name among those the theme registered, so this could not
        // read a file anyway; say so instead of suggesting to create `templates/../x`.
        diags.push(
            error_at("template", format!("template `{template}` leaves templates/"))
                .hint("name a template file inside templates/ or the theme's templates/, e.g. `page.html`"),
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
    let translation_of = raw.translation_of.as_deref().and_then(|text| {
        let mark = TranslationMark::parse(text);
        if mark.is_none() {
            diags.push(
                error_at(
                    "translation_of",
                    format!("`{text}` is not a translation mark"),
                )
                .hint(format!(
                    "expected {}; run `optout translations mark` on this page again",
                    TranslationMark::FORMAT
                )),
            );
        }
        mark
    });
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
        translation_of,
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
            "`opt_out: {method: form, url: \"https://…\", requires_login: true, retroactive: unknown}`",
        );
    }
    if raw.last_verified.is_none() {
        missing("last_verified", "`last_verified: 2026-11-29`");
    }
    if raw.sources.as_ref().is_none_or(Vec::is_empty) {
        missing(
            "sources",
            "`sources: [{title: \"…\", url: \"https://…\", date: 2025-05}]` (date: YYYY-MM or YYYY-MM-DD)",
        );
    }
    if let Some(opt_out) = &raw.opt_out {
        match (&opt_out.url, opt_out.method) {
            // Without a confirmed address the box says the route exists and points to the text.
            (None, _) => {}
            (Some(url), method @ (OptOutMethod::None | OptOutMethod::Unknown)) => diags.push(
                error_at(
                    "url",
                    format!(
                        "`opt_out.url` `{url}` with `method: {}`",
                        if method == OptOutMethod::None {
                            "none"
                        } else {
                            "unknown"
                        }
                    ),
                )
                .hint(
                    "a confirmed address means a procedure exists: use `method: form`, `setting` \
                     or `email`; or remove `url` if there is no procedure or it is unclear",
                ),
            ),
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
        if let Some(lang) = &source.lang
            && !is_language_tag(lang)
        {
            diags.push(
                error_at(
                    "lang",
                    format!("source `lang: {lang}` is not a language tag"),
                )
                .hint("use a tag like `de`, `en`, `fr` or `pt-BR`"),
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

/// An absolute web address: the site-wide URL policy ([`check_url`](crate::markdown::sanitize::check_url),
/// the one Markdown links follow) and, stricter for front matter, `http(s)://` with a host.
/// A BCP 47 language tag in its common shape: a 2-3 letter language, then subtags of 2-8
/// letters or digits (`en`, `de-CH`, `pt-BR`, `zh-Hant`). It reaches a `lang` attribute.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let lang_ok = parts
        .next()
        .is_some_and(|l| (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_alphabetic()));
    lang_ok
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn is_web_url(url: &str) -> bool {
    crate::markdown::sanitize::check_url(url).is_ok()
        && (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() > "https://".len()
        && !url.contains([' ', '"', '<', '>'])
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    const GUIDE: &str =
        "platform: x\naudience: [personal]\nregions: [EU]\nlast_verified: 2026-12-05\n";

    /// Parses and validates a guide's `.yaml` as the loader does; the title comes from the `.md`.
    fn guide(extra: &str) -> Result<GuideMeta, Diagnostics> {
        let text = format!("{GUIDE}{extra}");
        let file = Path::new("guides/x.yaml");
        let mut raw: RawMeta = crate::yaml::parse(file, &text, 1).map_err(Diagnostics::from)?;
        raw.title = Some("X".into());
        let meta = MetaText {
            file,
            text: &text,
            first_line: 1,
        };
        validate(raw, DocKind::Page, &[&meta], 90).map(|m| m.guide.expect("a guide"))
    }

    fn yaml_error(extra: &str) -> Diagnostic {
        let text = format!("{GUIDE}{extra}");
        crate::yaml::parse::<RawMeta>(Path::new("guides/x.yaml"), &text, 1)
            .expect_err("the YAML must be refused")
    }

    const SOURCE_MONTH: &str =
        "sources:\n  - {title: T, url: \"https://example.org/\", date: 2025-05}\n";

    #[test]
    fn source_dates_keep_their_precision() {
        let g = guide(&format!("opt_out: {{method: none}}\n{SOURCE_MONTH}")).unwrap();
        let date = g.sources[0].date.unwrap();
        assert_eq!(
            date,
            SourceDate::Month {
                year: 2025,
                month: 5
            }
        );
        assert!(!date.has_day());
        assert_eq!(date.to_string(), "2025-05");
        assert_eq!(
            date.first_day(),
            NaiveDate::from_ymd_opt(2025, 5, 1).unwrap()
        );
        assert_eq!(
            serde_json::to_value(g.sources[0].clone()).unwrap()["date"],
            "2025-05"
        );

        let undated = guide(
            "opt_out: {method: none}\nsources:\n  - {title: T, url: \"https://example.org/\"}\n",
        )
        .unwrap();
        assert_eq!(undated.sources[0].date, None);

        let day = SourceDate::parse("2025-05-21").unwrap();
        assert!(day.has_day());
        assert_eq!(day.to_string(), "2025-05-21");
    }

    #[test]
    fn a_bad_source_date_names_both_formats_and_its_line() {
        for bad in [
            "2025-5",
            "2025-13",
            "2025-02-30",
            "May 2025",
            "2025",
            "25-05",
        ] {
            let e = yaml_error(&format!(
                "opt_out: {{method: none}}\nsources:\n  - title: T\n    url: \"https://example.org/\"\n    date: {bad}\n"
            ));
            assert!(
                e.message.contains("YYYY-MM") && e.message.contains("YYYY-MM-DD"),
                "{bad}: {}",
                e.message
            );
            assert_eq!(e.line, Some(9), "{bad}: {e:?}");
        }
    }

    #[test]
    fn yes_no_facts_may_be_unknown() {
        let g = guide(&format!(
            "opt_out: {{method: setting, requires_login: true, retroactive: unknown}}\n{SOURCE_MONTH}"
        ))
        .unwrap();
        assert_eq!(g.opt_out.requires_login, Some(Certainty::Yes));
        assert_eq!(g.opt_out.retroactive, Some(Certainty::Unknown));
        let view = serde_json::to_value(&g.opt_out).unwrap();
        assert_eq!(view["retroactive"], "unknown");
        assert_eq!(view["requires_login"], "yes");

        let g = guide(&format!(
            "opt_out: {{method: form, retroactive: false}}\n{SOURCE_MONTH}"
        ))
        .unwrap();
        assert_eq!(g.opt_out.retroactive, Some(Certainty::No));
        assert_eq!(g.opt_out.requires_login, None);

        let e = yaml_error(&format!(
            "opt_out: {{method: form, retroactive: maybe}}\n{SOURCE_MONTH}"
        ));
        assert!(
            e.message.contains("`maybe`") && e.message.contains("`unknown`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn a_procedure_without_confirmed_address_is_valid() {
        for method in ["form", "setting", "email"] {
            let g = guide(&format!("opt_out: {{method: {method}}}\n{SOURCE_MONTH}")).unwrap();
            assert!(g.opt_out.unconfirmed(), "{method}");
        }
        let g = guide(&format!(
            "opt_out: {{method: form, url: \"https://example.org/form\"}}\n{SOURCE_MONTH}"
        ))
        .unwrap();
        assert!(!g.opt_out.unconfirmed());
        let g = guide(&format!("opt_out: {{method: unknown}}\n{SOURCE_MONTH}")).unwrap();
        assert_eq!(g.opt_out.method, OptOutMethod::Unknown);
        assert!(!g.opt_out.unconfirmed());
    }

    #[test]
    fn an_address_with_no_procedure_is_an_error_at_its_line() {
        for method in ["none", "unknown"] {
            let e = guide(&format!(
                "opt_out:\n  method: {method}\n  url: \"https://example.org/form\"\n{SOURCE_MONTH}"
            ))
            .unwrap_err();
            let d = e.errors().next().unwrap();
            assert!(
                d.message.contains(&format!("method: {method}")),
                "{}",
                d.message
            );
            assert_eq!(d.line, Some(7), "{d:?}");
            assert!(
                d.hint.as_deref().unwrap_or("").contains("method: form"),
                "{d:?}"
            );
        }
    }
}
