//! The theme: Tera templates (theme's, overridden file by file by the site's `templates/`),
//! UI strings per language, and the static files to copy.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::config::{Config, Lang};
use crate::content::read_text;
use crate::error::{Diagnostic, Diagnostics};
use crate::layout::{Layout, SITE_STATIC, SITE_TEMPLATES, is_editor_leftover};
use crate::render::{Assets, functions};

/// Templates, UI strings and static files, loaded and checked once.
pub struct Theme {
    pub tera: tera::Tera,
    /// Template name → file it came from (relative to the root), for error messages.
    pub template_files: BTreeMap<String, PathBuf>,
    /// Template name → source text, for working out which templates use what.
    pub template_sources: BTreeMap<String, String>,
    pub i18n: HashMap<Lang, BTreeMap<String, String>>,
    /// Output path (`style.css`, `img/logo.svg`) → file (relative to the root); the site's win.
    pub static_files: BTreeMap<String, PathBuf>,
    /// The static files as they are written, fingerprinted.
    pub assets: Assets,
}

impl Theme {
    pub fn load(root: &Path, config: &Config) -> Result<Theme, Diagnostics> {
        let theme_dir = Layout::theme_dir(&config.theme);
        let mut diags = Diagnostics::new();
        if !root.join(&theme_dir).is_dir() {
            return Err(Diagnostic::error(
                "site.yaml",
                format!(
                    "theme `{}` not found: {} does not exist",
                    config.theme,
                    theme_dir.display()
                ),
            )
            .at_line(crate::config::key_line(&config.source_text, "theme"))
            .hint("set `theme: default` or create the theme directory")
            .into());
        }
        let template_files = layered_files(
            root,
            &Layout::theme_templates(&config.theme),
            Path::new(SITE_TEMPLATES),
            &mut diags,
        );
        let mut template_sources = BTreeMap::new();
        for (name, file) in &template_files {
            match read_text(root, file) {
                Ok(text) => {
                    template_sources.insert(name.clone(), text);
                }
                Err(d) => diags.push(d),
            }
        }
        let i18n = load_i18n(root, config, &Layout::theme_i18n(&config.theme), &mut diags);
        let static_files = layered_files(
            root,
            &Layout::theme_static(&config.theme),
            Path::new(SITE_STATIC),
            &mut diags,
        );
        let mut tera = tera::Tera::default();
        // Autoescape everything we render, whatever the file extension.
        tera.autoescape_on(vec![".html", ".htm", ".xml", ""]);
        // Tera's default also escapes `/`, which bloats every URL; quotes and `<>&` are what matter.
        tera.set_escape_fn(escape_into);
        let assets = match crate::render::assets::collect(root, config, &static_files) {
            Ok(a) => a,
            Err(e) => {
                diags.extend(e);
                Assets::default()
            }
        };
        // Tera checks at load time that every function a template calls exists.
        tera.register_function(
            "t",
            functions::translate(i18n.clone(), config.default_language.clone()),
        );
        tera.register_function("asset", functions::asset(assets.urls.clone()));
        tera.register_function("date", functions::date());
        let templates: Vec<(&str, &str)> = template_sources
            .iter()
            .map(|(n, s)| (n.as_str(), s.as_str()))
            .collect();
        if let Err(e) = tera.add_raw_templates(templates) {
            diags.push(template_error(&e, &template_files));
        }
        if diags.has_errors() {
            return Err(diags.sorted());
        }
        Ok(Theme {
            assets,
            tera,
            template_files,
            template_sources,
            i18n,
            static_files,
        })
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.template_sources.contains_key(name)
    }

    /// Names of the templates `name` extends, includes or imports, itself included.
    pub fn template_family(&self, name: &str) -> Vec<String> {
        let mut out = vec![name.to_string()];
        let mut i = 0;
        while i < out.len() {
            if let Some(src) = self.template_sources.get(&out[i]) {
                for dep in referenced_templates(src) {
                    if !out.contains(&dep) {
                        out.push(dep);
                    }
                }
            }
            i += 1;
        }
        out
    }
}

/// `{% extends "base.html" %}`, `{% include "x.html" %}`, `{% import "macros.html" as m %}`.
fn referenced_templates(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    for keyword in ["extends", "include", "import"] {
        for (i, _) in src.match_indices(keyword) {
            let rest = src[i + keyword.len()..].trim_start();
            if let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'')
                && let Some(end) = rest[1..].find(q)
            {
                out.push(rest[1..1 + end].to_string());
            }
        }
    }
    out
}

/// The theme's files, then the site's of the same name on top: the site wins, file by file.
fn layered_files(
    root: &Path,
    theme: &Path,
    site: &Path,
    diags: &mut Diagnostics,
) -> BTreeMap<String, PathBuf> {
    let mut files = BTreeMap::new();
    collect_files(root, theme, &mut files, diags);
    collect_files(root, site, &mut files, diags);
    files
}

fn collect_files(
    root: &Path,
    dir: &Path,
    out: &mut BTreeMap<String, PathBuf>,
    diags: &mut Diagnostics,
) {
    let abs = root.join(dir);
    if !abs.is_dir() {
        return;
    }
    for file in crate::content::site_files(root, dir, diags) {
        let Ok(rel) = file.strip_prefix(&abs) else {
            continue;
        };
        let name = rel.to_string_lossy().replace('\\', "/");
        if name.split('/').any(is_editor_leftover) {
            continue;
        }
        out.insert(name, dir.join(rel));
    }
}

fn load_i18n(
    root: &Path,
    config: &Config,
    i18n_dir: &Path,
    diags: &mut Diagnostics,
) -> HashMap<Lang, BTreeMap<String, String>> {
    let mut i18n = HashMap::new();
    for lang in config.langs() {
        let file = i18n_dir.join(format!("{lang}.yaml"));
        if !root.join(&file).is_file() {
            diags.push(
                Diagnostic::error(&file, format!("UI strings for `{lang}` are missing"))
                    .hint("copy the file of another language and translate its values"),
            );
            continue;
        }
        match read_text(root, &file)
            .and_then(|t| crate::yaml::parse::<BTreeMap<String, String>>(&file, &t, 1))
        {
            Ok(map) => {
                i18n.insert(lang.clone(), map);
            }
            Err(d) => diags.push(d),
        }
    }
    // Every key must exist in every language.
    let langs: Vec<&Lang> = config.langs().filter(|l| i18n.contains_key(*l)).collect();
    for lang in &langs {
        for other in &langs {
            for key in i18n[*other].keys() {
                if !i18n[*lang].contains_key(key) {
                    diags.push(
                        Diagnostic::error(
                            i18n_dir.join(format!("{lang}.yaml")),
                            format!("UI string `{key}` is missing (it is in {other}.yaml)"),
                        )
                        .hint(format!("add `{key}: \"…\"` translated into `{lang}`")),
                    );
                }
            }
        }
    }
    i18n
}

fn escape_into(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    if !text
        .bytes()
        .any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'' | b'\0'))
    {
        return out.write_all(text.as_bytes());
    }
    out.write_all(crate::html::escape_html(text).as_bytes())
}

/// A Tera error as a diagnostic naming the template file and, where Tera reports it, the line.
pub fn template_error(err: &tera::Error, files: &BTreeMap<String, PathBuf>) -> Diagnostic {
    let hint = "fix the template; Tera's syntax: https://keats.github.io/tera/";
    if let tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) =
        err.kind()
    {
        let file = files
            .get(report.filename())
            .cloned()
            .unwrap_or_else(|| PathBuf::from(report.filename()));
        let span = report.span();
        return Diagnostic::error(file, one_line(report.message()))
            .at(span.start_line.max(1), span.start_col + 1)
            .hint(hint);
    }
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    // Tera reports several problems as one message with `--> name.html:line:col` markers.
    if let Some((name, line, col)) = report_marker(&message)
        && let Some(file) = files.get(&name)
    {
        return Diagnostic::error(file, one_line(&message))
            .at(line, col + 1)
            .hint(hint);
    }
    // Otherwise the template at fault is the first one the message names.
    let file = files
        .iter()
        .find(|(name, _)| message.contains(&format!("'{name}'")))
        .map(|(_, f)| f.clone())
        .unwrap_or_else(|| PathBuf::from("templates"));
    Diagnostic::error(file, one_line(&message)).hint(hint)
}

/// `--> home.html:2:10` → (`home.html`, 2, 10).
fn report_marker(message: &str) -> Option<(String, usize, usize)> {
    let rest = &message[message.find("--> ")? + 4..];
    let token = rest.split_whitespace().next()?;
    let mut parts = token.rsplitn(3, ':');
    let col = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    Some((parts.next()?.to_string(), line, col))
}

fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_referenced_templates() {
        let refs = referenced_templates(
            "{% extends \"base.html\" %}{% import 'macros.html' as m %}{% include \"x.html\" %}",
        );
        assert_eq!(refs, vec!["base.html", "x.html", "macros.html"]);
    }

    #[test]
    fn parse_error_has_template_and_line() {
        let mut tera = tera::Tera::default();
        let err = tera
            .add_raw_templates(vec![("page.html", "<p>\n{{ page.title </p>")])
            .unwrap_err();
        let mut files = BTreeMap::new();
        files.insert(
            "page.html".to_string(),
            PathBuf::from("themes/t/templates/page.html"),
        );
        let d = template_error(&err, &files);
        assert_eq!(d.file, PathBuf::from("themes/t/templates/page.html"));
        assert_eq!(d.line, Some(2), "{d}");
    }
}
