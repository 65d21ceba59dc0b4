//! The theme: Tera templates (theme's, overridden file by file by the site's `templates/`),
//! UI strings per language, and the static files to copy.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::config::{Config, Lang};
use crate::content::read_text;
use crate::error::{Diagnostic, Diagnostics};

pub const SITE_TEMPLATES: &str = "templates";
pub const SITE_STATIC: &str = "static";

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
}

impl Theme {
    pub fn theme_dir(config: &Config) -> PathBuf {
        Path::new("themes").join(&config.theme)
    }

    pub fn load(root: &Path, config: &Config) -> Result<Theme, Diagnostics> {
        let theme_dir = Self::theme_dir(config);
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
            .at_line(crate::config::key_line("", "theme"))
            .hint("set `theme: default` or create the theme directory")
            .into());
        }
        let mut template_files = BTreeMap::new();
        collect_files(
            root,
            &theme_dir.join("templates"),
            &mut template_files,
            &mut diags,
        );
        collect_files(
            root,
            Path::new(SITE_TEMPLATES),
            &mut template_files,
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
        let mut tera = tera::Tera::default();
        // Autoescape everything we render, whatever the file extension.
        tera.autoescape_on(vec![".html", ".htm", ".xml", ""]);
        // Tera's default also escapes `/`, which bloats every URL; quotes and `<>&` are what matter.
        tera.set_escape_fn(crate::markdown::highlight::escape_html);
        let templates: Vec<(&str, &str)> = template_sources
            .iter()
            .map(|(n, s)| (n.as_str(), s.as_str()))
            .collect();
        if let Err(e) = tera.add_raw_templates(templates) {
            diags.push(template_error(&e, &template_files));
        }
        let i18n = load_i18n(root, config, &theme_dir, &mut diags);
        let mut static_files = BTreeMap::new();
        collect_files(
            root,
            &theme_dir.join("static"),
            &mut static_files,
            &mut diags,
        );
        collect_files(root, Path::new(SITE_STATIC), &mut static_files, &mut diags);
        if diags.has_errors() {
            return Err(diags.sorted());
        }
        Ok(Theme {
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
            if let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
                if let Some(end) = rest[1..].find(q) {
                    out.push(rest[1..1 + end].to_string());
                }
            }
        }
    }
    out
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
    for entry in walkdir::WalkDir::new(&abs)
        .follow_links(true)
        .sort_by_file_name()
    {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let Ok(rel) = e.path().strip_prefix(&abs) else {
                    continue;
                };
                let name = rel.to_string_lossy().replace('\\', "/");
                if name.split('/').any(|part| part.starts_with('.')) || name.ends_with('~') {
                    continue;
                }
                out.insert(name, dir.join(rel));
            }
            Ok(_) => {}
            Err(e) => diags.push(
                Diagnostic::error(dir, format!("cannot read: {e}"))
                    .hint("remove the link loop or fix the permissions"),
            ),
        }
    }
}

fn load_i18n(
    root: &Path,
    config: &Config,
    theme_dir: &Path,
    diags: &mut Diagnostics,
) -> HashMap<Lang, BTreeMap<String, String>> {
    let mut i18n = HashMap::new();
    for lang in config.langs() {
        let file = theme_dir.join("i18n").join(format!("{lang}.yaml"));
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
                            theme_dir.join("i18n").join(format!("{lang}.yaml")),
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

/// A Tera error as a diagnostic naming the template file and, where Tera reports it, the line.
pub fn template_error(err: &tera::Error, files: &BTreeMap<String, PathBuf>) -> Diagnostic {
    let mut chain = vec![err.to_string()];
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    let full = chain.join(": ");
    // The template at fault: where Tera says the error happened, else the one it names first.
    let named = |text: &str, marker: &str| -> Option<String> {
        let i = text.find(marker)? + marker.len();
        let end = text[i..].find('\'')?;
        Some(text[i..i + end].to_string())
    };
    let template = named(&full, "error happened in '").or_else(|| {
        files
            .keys()
            .find(|name| full.contains(&format!("'{name}'")))
            .cloned()
    });
    let file = template
        .as_ref()
        .and_then(|t| files.get(t))
        .cloned()
        .unwrap_or_else(|| PathBuf::from("templates"));
    // "Failed to render 'x.html'" only repeats the file; the causes say what is wrong.
    let causes: Vec<String> = if chain.len() > 1 {
        chain[1..].to_vec()
    } else {
        chain.clone()
    };
    let message = causes
        .iter()
        .map(|c| match c.find(" while rendering '") {
            Some(i) => c[..i].to_string(),
            None => c.clone(),
        })
        .collect::<Vec<_>>()
        .join(": ");
    let mut d = Diagnostic::error(file, one_line(&message));
    if let Some((line, col)) = tera_position(&full) {
        d = d.at(line, col);
    }
    d.hint("fix the template; Tera's syntax: https://keats.github.io/tera/docs/")
}

fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('|') && *l != "=")
        .collect::<Vec<_>>()
        .join(" ")
}

/// Tera (pest) parse errors contain ` --> 3:5`.
fn tera_position(message: &str) -> Option<(usize, usize)> {
    let i = message.find("--> ")?;
    let rest = &message[i + 4..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ':'))
        .unwrap_or(rest.len());
    let (l, c) = rest[..end].split_once(':')?;
    Some((l.parse().ok()?, c.parse().ok()?))
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
