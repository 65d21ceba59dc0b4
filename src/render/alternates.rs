//! Language versions of an output, for `hreflang`: the one place that decides them, for the
//! pages' `<link rel="alternate">`, their canonical URL and the sitemap.
//!
//! A page, a taxonomy list and a term page have a version in every language where the same
//! thing exists (the same document; the same taxonomy; a term of the same slug), itself
//! included, in configuration order, and the default language's version as `x-default`. The
//! home pages and the language chooser form one cluster whose `x-default` is the chooser.
//! Not-found pages, redirects and files are no language version of anything and have none.

use crate::config::Lang;
use crate::render::Output;
use crate::site::Site;

/// The `hreflang` cluster of an output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Versions {
    /// (language, root-relative URL) of every version, the output itself included, in
    /// configuration order.
    pub langs: Vec<(Lang, String)>,
    /// The root-relative URL for `x-default`: the language chooser for the home pages and the
    /// chooser itself, else the default language's version, if there is one.
    pub x_default: Option<String>,
}

/// The language versions of `output`; empty for outputs that have none.
pub fn versions(site: &Site, output: &Output) -> Versions {
    let homes = || -> Vec<(Lang, String)> {
        site.homes
            .values()
            .map(|&h| (site.node(h).lang().clone(), site.node(h).url.clone()))
            .collect()
    };
    let mut langs: Vec<(Lang, String)> = match output {
        Output::Page(id) if site.node(*id).is_home() => homes(),
        Output::Chooser => homes(),
        Output::Page(id) => {
            let node = site.node(*id);
            std::iter::once(*id)
                .chain(node.translations.iter().copied())
                .map(|v| (site.node(v).lang().clone(), site.node(v).url.clone()))
                .collect()
        }
        Output::Taxonomy(t) => {
            let name = &site.taxonomies[*t].name;
            site.taxonomies
                .iter()
                .filter(|x| &x.name == name)
                .map(|x| (x.lang.clone(), x.url.clone()))
                .collect()
        }
        Output::Term(t, i) => {
            let tax = &site.taxonomies[*t];
            let slug = &tax.terms[*i].slug;
            site.taxonomies
                .iter()
                .filter(|x| x.name == tax.name)
                .filter_map(|x| {
                    let term = x.terms.iter().find(|term| &term.slug == slug)?;
                    Some((x.lang.clone(), term.url.clone()))
                })
                .collect()
        }
        _ => Vec::new(),
    };
    langs.sort_by_key(|(l, _)| site.config.languages.get_index_of(l).unwrap_or(usize::MAX));
    let x_default = match output {
        // The chooser is the page for visitors of no particular language.
        Output::Chooser => Some(output.url(site)),
        Output::Page(id) if site.node(*id).is_home() => Some(Output::Chooser.url(site)),
        _ => langs
            .iter()
            .find(|(l, _)| *l == site.config.default_language)
            .map(|(_, url)| url.clone()),
    };
    Versions { langs, x_default }
}
