//! What templates see. Shared views (page links, section listings, taxonomies, site) are built
//! once per graph and cloned into each page's context, so a sidebar listing a whole section costs
//! the same small objects on every page instead of a serialisation of full pages.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::config::Lang;
use crate::markdown::Rendered;
use crate::render::{Output, alternates};
use crate::site::{NodeId, Site};

/// Template values are Tera's reference-counted `Value`s: cloning one into a page's context is a
/// pointer copy, however many pages a section lists.
#[derive(Clone)]
pub struct SharedViews {
    /// Per node: `{title, description, url, weight, date, platform}`.
    pub links: Vec<TeraValue>,
    /// Per section node: the section without its content, with `pages` and `subsections`.
    pub sections: HashMap<NodeId, Value>,
    pub sections_tera: HashMap<NodeId, TeraValue>,
    /// Per language: the `site` object.
    pub site: HashMap<Lang, TeraValue>,
    /// Per language: taxonomy name → `{name, title, url, terms}`.
    pub taxonomies: HashMap<Lang, TeraValue>,
}

type TeraValue = tera::Value;

fn tv(v: &Value) -> TeraValue {
    TeraValue::from_serializable(v)
}

impl SharedViews {
    pub fn new(
        site: &Site,
        i18n: &HashMap<Lang, std::collections::BTreeMap<String, String>>,
        csp: &str,
        live_reload: &str,
        (menu_urls, footer_urls): (&super::Menu, &super::Menu),
    ) -> Self {
        let links: Vec<Value> = (0..site.nodes.len())
            .map(|id| link_value(site, id))
            .collect();
        let mut sections = HashMap::new();
        for (id, n) in site
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.is_section())
        {
            sections.insert(id, section_value(site, n, &|p| links[p].clone()));
        }
        let languages: Vec<Value> = site.config.languages.iter().map(|(code, l)| json!({
            "code": code, "name": l.name, "title": l.title, "url": site.config.path_url(&format!("/{code}/")),
        })).collect();
        let mut site_views = HashMap::new();
        let mut taxonomies = HashMap::new();
        for (code, l) in &site.config.languages {
            let entries = |menu: &super::Menu| -> Vec<Value> {
                menu.get(code)
                    .into_iter()
                    .flatten()
                    .map(|(name, url)| json!({"name": name, "url": url}))
                    .collect()
            };
            let (menu, footer_menu) = (entries(menu_urls), entries(footer_urls));
            site_views.insert(
                code.clone(),
                json!({
                    "title": l.title,
                    "description": l.description,
                    "base_url": site.config.base_url,
                    "base_path": site.config.base_path,
                    "default_language": site.config.default_language,
                    "languages": languages,
                    "menu": menu,
                    "footer_menu": footer_menu,
                    "csp": csp,
                    "live_reload": live_reload,
                }),
            );
            let mut map = Map::new();
            for tax in site.taxonomies.iter().filter(|t| &t.lang == code) {
                map.insert(tax.name.clone(), taxonomy_view(site, tax, i18n.get(code)));
            }
            taxonomies.insert(code.clone(), Value::Object(map));
        }
        SharedViews {
            links: links.iter().map(tv).collect(),
            sections_tera: sections.iter().map(|(k, v)| (*k, tv(v))).collect(),
            sections,
            site: site_views.iter().map(|(k, v)| (k.clone(), tv(v))).collect(),
            taxonomies: taxonomies.iter().map(|(k, v)| (k.clone(), tv(v))).collect(),
        }
    }
}

impl SharedViews {
    /// Brings the views up to date after the metadata (not the URLs) of `ids` changed: their
    /// links, and the listings of their sections. Node ids must be those of the current graph.
    pub fn refresh(&mut self, site: &Site, ids: &[NodeId]) {
        let mut parents = std::collections::BTreeSet::new();
        for &id in ids {
            self.links[id] = tv(&link_value(site, id));
            parents.extend(site.node(id).parent);
            if site.node(id).is_section() {
                parents.insert(id);
            }
        }
        for p in parents {
            let value = section_value(site, site.node(p), &|child| link_value(site, child));
            self.sections_tera.insert(p, tv(&value));
            self.sections.insert(p, value);
        }
    }
}

/// What listings show of a page: `{title, description, url, weight, date, platform}`.
fn link_value(site: &Site, id: NodeId) -> Value {
    let n = site.node(id);
    json!({
        "title": n.doc.meta.title,
        "description": n.doc.meta.description,
        "url": site.config.path_url(&n.url),
        "weight": n.doc.meta.weight,
        "date": n.doc.meta.date.map(|d| d.to_string()),
        "platform": n.doc.meta.guide.as_ref().map(|g| g.platform.clone()),
    })
}

fn section_value(site: &Site, n: &crate::site::Node, link: &dyn Fn(NodeId) -> Value) -> Value {
    json!({
        "title": n.doc.meta.title,
        "description": n.doc.meta.description,
        "url": site.config.path_url(&n.url),
        "permalink": site.config.permalink(&n.url),
        "pages": n.pages.iter().map(|&p| link(p)).collect::<Vec<_>>(),
        "subsections": n.subsections.iter().map(|&p| link(p)).collect::<Vec<_>>(),
    })
}

pub fn taxonomy_view(
    site: &Site,
    tax: &crate::site::Taxonomy,
    strings: Option<&std::collections::BTreeMap<String, String>>,
) -> Value {
    let title = strings
        .and_then(|s| s.get(&format!("taxonomy_{}", tax.name)))
        .cloned()
        .unwrap_or_else(|| tax.name.clone());
    json!({
        "name": tax.name,
        "title": title,
        "url": site.config.path_url(&tax.url),
        "terms": tax.terms.iter().map(|t| json!({"name": t.name, "url": site.config.path_url(&t.url), "count": t.pages.len()})).collect::<Vec<_>>(),
    })
}

/// The full context of one page or section.
pub fn node_context(
    site: &Site,
    views: &SharedViews,
    body: &Rendered,
    id: NodeId,
) -> tera::Context {
    let node = site.node(id);
    let lang = node.lang();
    let meta = &node.doc.meta;
    let tags: Vec<Value> = meta
        .tags
        .iter()
        .map(|t| {
            let slug = crate::slug::slugify(t);
            let url = site
                .taxonomies
                .iter()
                .find(|x| &x.lang == lang && x.name == "tags")
                .and_then(|x| x.terms.iter().find(|term| term.slug == slug))
                .map(|term| site.config.path_url(&term.url));
            json!({"name": t, "url": url})
        })
        .collect();
    let guide = meta.guide.as_ref().map(|g| {
        let mut v = serde_json::to_value(g).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut v {
            let next = g.last_verified + chrono::Days::new(u64::from(g.review_every_days));
            m.insert("next_review".into(), json!(next.to_string()));
            // Past relative to the last check, not to the build, so builds stay reproducible.
            let passed = g.opt_out.deadline.is_some_and(|d| d < g.last_verified);
            if let Some(Value::Object(oo)) = m.get_mut("opt_out") {
                oo.insert("deadline_passed".into(), json!(passed));
            }
            // A source dated by month shows the month only ("Mai 2025"), never an invented day.
            if let Some(Value::Array(sources)) = m.get_mut("sources") {
                for (view, date) in sources.iter_mut().zip(g.sources.iter().map(|s| s.date)) {
                    let Some(date) = date else { continue };
                    let day = crate::render::functions::localized(date.first_day(), lang.as_str());
                    let text = if date.has_day() {
                        day
                    } else {
                        // `localized` writes "1. Mai 2025" / "1 May 2025": drop the day.
                        day.split_once(' ')
                            .map_or(day.clone(), |(_, month)| month.to_string())
                    };
                    if let Value::Object(view) = view {
                        view.insert("date_text".into(), json!(text));
                    }
                }
            }
        }
        v
    });
    let words = body.word_count;
    let page = json!({
        "title": meta.title,
        "description": meta.description,
        "url": site.config.path_url(&node.url),
        "permalink": site.config.permalink(&node.url),
        "toc": body.toc,
        "show_toc": meta.toc && !body.toc.is_empty(),
        "date": meta.date.map(|d| d.to_string()),
        "updated": meta.updated.map(|d| d.to_string()),
        "tags": tags,
        "word_count": words,
        "reading_minutes": words.div_ceil(200).max(1),
        "guide": guide,
        "platform": meta.guide.as_ref().map(|g| g.platform.clone()),
    });
    let none = TeraValue::none;
    let mut ctx = tera::Context::new();
    ctx.insert("lang", lang);
    ctx.insert_value("site", views.site.get(lang).cloned().unwrap_or_else(none));
    if node.is_section() {
        // A section's own page carries its content; only sections pay for converting their list.
        let mut section = views.sections.get(&id).cloned().unwrap_or(Value::Null);
        if let (Value::Object(s), Value::Object(p)) = (&mut section, &page) {
            s.insert("content".into(), json!(body.html));
            for key in [
                "toc",
                "show_toc",
                "date",
                "updated",
                "tags",
                "word_count",
                "reading_minutes",
            ] {
                if let Some(v) = p.get(key) {
                    s.insert(key.into(), v.clone());
                }
            }
        }
        ctx.insert("section", &section);
        ctx.insert_value("page", none());
    } else {
        // The content is the one large value: moved into Tera's map once, not via serde_json.
        let mut page = TeraValue::from_serializable(&page)
            .into_map()
            .unwrap_or_default();
        page.insert("content".into(), TeraValue::safe_string(&body.html));
        ctx.insert_value("page", TeraValue::from(page));
        let section = node
            .parent
            .and_then(|p| views.sections_tera.get(&p))
            .cloned()
            .unwrap_or_else(none);
        ctx.insert_value("section", section);
    }
    ctx.insert("translations", &translations(site, id));
    ctx.insert("outdated", &outdated_view(site, id));
    let (alternates, x_default) = alternates_view(site, &Output::Page(id));
    ctx.insert("alternates", &alternates);
    ctx.insert("x_default", &x_default);
    let breadcrumbs: Vec<Value> = node.ancestors.iter().map(|&a| {
        json!({"title": site.node(a).title(), "url": site.config.path_url(&site.node(a).url)})
    }).collect();
    ctx.insert("breadcrumbs", &breadcrumbs);
    ctx.insert_value(
        "prev",
        node.prev
            .map(|p| views.links[p].clone())
            .unwrap_or_else(none),
    );
    ctx.insert_value(
        "next",
        node.next
            .map(|p| views.links[p].clone())
            .unwrap_or_else(none),
    );
    ctx.insert_value(
        "site_taxonomies",
        views.taxonomies.get(lang).cloned().unwrap_or_else(none),
    );
    ctx
}

/// The language switcher: the counterpart where it exists, else the nearest section that does.
fn translations(site: &Site, id: NodeId) -> Value {
    let node = site.node(id);
    let list: Vec<Value> = site.config.languages.iter().filter(|(l, _)| *l != node.lang()).map(|(l, cfg)| {
        match node.translations.iter().find(|&&t| site.node(t).lang() == l) {
            Some(&t) => json!({"lang": l, "lang_name": cfg.name, "url": site.config.path_url(&site.node(t).url), "title": site.node(t).title(), "exists": true}),
            None => {
                let f = site.fallback_in(id, l);
                json!({"lang": l, "lang_name": cfg.name, "url": site.config.path_url(&site.node(f).url), "title": site.node(f).title(), "exists": false})
            }
        }
    }).collect();
    Value::Array(list)
}

/// `{lang, lang_name, url, title, updated}` of the original of a translation that changed since
/// the translation was marked (`translation_of`); null on every other page. `updated` is the
/// original's `updated` (or `date`) when it lies after the mark, else null.
fn outdated_view(site: &Site, id: NodeId) -> Value {
    use crate::content::drift::{Drift, compare, fingerprint};
    let node = site.node(id);
    let Some(mark) = &node.doc.meta.translation_of else {
        return Value::Null;
    };
    let Some(original) = site
        .find(&node.doc.key, &mark.original)
        .filter(|&o| o != id)
    else {
        return Value::Null;
    };
    let doc = &site.node(original).doc;
    if compare(&fingerprint(doc), mark) == Drift::InStep {
        return Value::Null;
    }
    let updated = doc
        .meta
        .updated
        .or(doc.meta.date)
        .filter(|d| *d > mark.marked);
    json!({
        "lang": mark.original,
        "lang_name": site.config.language(&mark.original).name,
        "url": site.config.path_url(&site.node(original).url),
        "title": doc.meta.title,
        "updated": updated.map(|d| d.to_string()),
    })
}

/// `alternates` (`[{lang, permalink}]`) and `x_default` (a permalink or null) of an output.
pub fn alternates_view(site: &Site, output: &Output) -> (Value, Value) {
    let versions = alternates::versions(site, output);
    let list: Vec<Value> = versions
        .langs
        .iter()
        .map(|(l, u)| json!({"lang": l, "permalink": site.config.permalink(u)}))
        .collect();
    let x_default = versions
        .x_default
        .map(|u| json!(site.config.permalink(&u)))
        .unwrap_or(Value::Null);
    (Value::Array(list), x_default)
}
