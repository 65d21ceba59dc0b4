//! Taxonomies (tags): per language, the terms and the pages that carry them.

use std::collections::BTreeMap;

use crate::config::Lang;
use crate::error::{Diagnostic, Diagnostics};
use crate::site::{NodeId, Site};

#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub name: String,
    pub lang: Lang,
    /// Root-relative URL of the term list: `/de/themen/`.
    pub url: String,
    /// Sorted by slug.
    pub terms: Vec<Term>,
}

#[derive(Debug, Clone)]
pub struct Term {
    /// The spelling first seen (in source path order).
    pub name: String,
    pub slug: String,
    pub url: String,
    /// In reading order.
    pub pages: Vec<NodeId>,
}

pub fn collect(site: &Site, diags: &mut Diagnostics) -> Vec<Taxonomy> {
    let mut out = Vec::new();
    for lang in site.config.langs() {
        for tax in &site.config.taxonomies {
            let segment = tax
                .slugs
                .get(lang)
                .cloned()
                .unwrap_or_else(|| tax.name.clone());
            let url = format!("/{lang}/{segment}/");
            let mut terms: BTreeMap<String, Term> = BTreeMap::new();
            for (id, node) in site.nodes.iter().enumerate() {
                if node.lang() != lang || tax.name != "tags" {
                    continue;
                }
                for tag in &node.doc.meta.tags {
                    let slug = crate::slug::slugify(tag);
                    if slug.is_empty() {
                        diags.push(
                            Diagnostic::error(
                                node.doc.display_path(),
                                format!("tag `{tag}` has no letters or digits"),
                            )
                            .hint("use a word as tag"),
                        );
                        continue;
                    }
                    let term = terms.entry(slug.clone()).or_insert_with(|| Term {
                        name: tag.clone(),
                        url: format!("{url}{slug}/"),
                        slug,
                        pages: Vec::new(),
                    });
                    if !term.pages.contains(&id) {
                        term.pages.push(id);
                    }
                }
            }
            let mut terms: Vec<Term> = terms.into_values().collect();
            for term in &mut terms {
                term.pages.sort_by(|&a, &b| site.reading_order(a, b));
            }
            out.push(Taxonomy {
                name: tax.name.clone(),
                lang: lang.clone(),
                url,
                terms,
            });
        }
    }
    out
}
