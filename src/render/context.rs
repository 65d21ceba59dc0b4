//! What templates see. Shared views (page links, section listings, taxonomies, site) are built
//! once per graph and cloned into each page's context, so a sidebar listing a whole section costs
//! the same small objects on every page instead of a serialisation of full pages.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use crate::config::Lang;
use crate::content::meta::GuideMeta;
use crate::error::Diagnostic;
use crate::markdown::Rendered;
use crate::render::structured_data::{self, Crumb};
use crate::render::{Output, alternates};
use crate::site::{NodeId, Site};

/// How many of a section's first pages every page of it lists ("Mehr in diesem Bereich").
const SIBLINGS_FIRST: usize = 5;
/// How many neighbours on each side of the current page that list shows.
const SIBLINGS_AROUND: usize = 2;

/// "Today" for deadlines and review dates: the build date, or the day of `SOURCE_DATE_EPOCH`
/// (seconds since 1970, UTC) when it is set, so a build can be reproduced byte for byte.
pub fn today(source_date_epoch: Option<&str>) -> Result<NaiveDate, Diagnostic> {
    let Some(text) = source_date_epoch else {
        return Ok(chrono::Utc::now().date_naive());
    };
    text.trim()
        .parse::<i64>()
        .ok()
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .map(|t| t.date_naive())
        .ok_or_else(|| {
            Diagnostic::error(
                "SOURCE_DATE_EPOCH",
                format!("`{text}` is not a number of seconds since 1970-01-01"),
            )
            .hint("set it to a Unix timestamp such as `$(git log -1 --format=%ct)`, or unset it")
        })
}

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
    /// Per language: every guide's facts, grouped by section (`guides_overview` on home pages).
    pub overview: HashMap<Lang, TeraValue>,
    /// The date deadlines and reviews are measured against (see [`today`]).
    pub today: NaiveDate,
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
        today: NaiveDate,
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
            overview: overview(site, today),
            today,
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
        if ids.iter().any(|&id| site.node(id).doc.meta.guide.is_some()) {
            self.overview = overview(site, self.today);
        }
    }
}

/// The first directory below `content/` of a node (`guides`, `business`), empty for the root:
/// themes use it to mark and group pages by area.
fn area(site: &Site, id: NodeId) -> &str {
    let dir = &site.node(id).doc.key.dir;
    dir.split('/').next().unwrap_or_default()
}

/// What a guide's dates mean today: `days_left` until an upcoming deadline, whether it has
/// passed, and whether the guide is overdue for its review (with `days_overdue`).
fn guide_dates(g: &GuideMeta, today: NaiveDate) -> Map<String, Value> {
    let next_review = g.last_verified + chrono::Days::new(u64::from(g.review_every_days));
    let mut m = Map::new();
    m.insert("next_review".into(), json!(next_review.to_string()));
    m.insert("overdue".into(), json!(next_review < today));
    m.insert(
        "days_overdue".into(),
        json!((today - next_review).num_days().max(0)),
    );
    let deadline = g.opt_out.deadline;
    m.insert(
        "deadline_passed".into(),
        json!(deadline.is_some_and(|d| d < today)),
    );
    m.insert(
        "days_left".into(),
        deadline
            .filter(|&d| d >= today)
            .map_or(Value::Null, |d| json!((d - today).num_days())),
    );
    m
}

/// `guides_overview` of each language: `[{title, url, rows}]`, one group per section holding
/// guides (in reading order), rows with upcoming deadlines first (soonest first), then in the
/// section's order.
fn overview(site: &Site, today: NaiveDate) -> HashMap<Lang, TeraValue> {
    let mut sections: Vec<NodeId> = (0..site.nodes.len())
        .filter(|&id| {
            let n = site.node(id);
            n.is_section()
                && n.pages
                    .iter()
                    .any(|&p| site.node(p).doc.meta.guide.is_some())
        })
        .collect();
    sections.sort_by(|&a, &b| site.reading_order(a, b));
    let mut per_lang: HashMap<Lang, Vec<Value>> = site
        .config
        .langs()
        .map(|l| (l.clone(), Vec::new()))
        .collect();
    for s in sections {
        let section = site.node(s);
        let mut rows: Vec<(Option<NaiveDate>, Value)> = section
            .pages
            .iter()
            .filter_map(|&p| {
                let g = site.node(p).doc.meta.guide.as_ref()?;
                let upcoming = g.opt_out.deadline.filter(|&d| d >= today);
                Some((upcoming, overview_row(site, p, g, today)))
            })
            .collect();
        // Stable: guides without an upcoming deadline keep the section's order.
        rows.sort_by_key(|(upcoming, _)| (upcoming.is_none(), *upcoming));
        let group = json!({
            "title": section.doc.meta.title,
            "url": site.config.path_url(&section.url),
            "area": area(site, s),
            "rows": rows.into_iter().map(|(_, r)| r).collect::<Vec<_>>(),
        });
        per_lang
            .entry(section.lang().clone())
            .or_default()
            .push(group);
    }
    per_lang
        .into_iter()
        .map(|(l, groups)| (l, tv(&Value::Array(groups))))
        .collect()
}

fn overview_row(site: &Site, id: NodeId, g: &GuideMeta, today: NaiveDate) -> Value {
    let n = site.node(id);
    let oo = &g.opt_out;
    let mut row = json!({
        "title": n.doc.meta.title,
        "url": site.config.path_url(&n.url),
        "platform": g.platform,
        "method": oo.method,
        "confirmed": oo.url.is_some(),
        "requires_login": oo.requires_login,
        "retroactive": oo.retroactive,
        "deadline": oo.deadline.map(|d| d.to_string()),
        "last_verified": g.last_verified.to_string(),
    });
    if let Value::Object(m) = &mut row {
        m.extend(guide_dates(g, today));
    }
    row
}

/// What listings show of a page: `{title, description, url, weight, date, platform, area,
/// audience}`.
fn link_value(site: &Site, id: NodeId) -> Value {
    let n = site.node(id);
    let guide = n.doc.meta.guide.as_ref();
    json!({
        "title": n.doc.meta.title,
        "description": n.doc.meta.description,
        "url": site.config.path_url(&n.url),
        "weight": n.doc.meta.weight,
        "date": n.doc.meta.date.map(|d| d.to_string()),
        "platform": guide.map(|g| g.platform.clone()),
        "area": area(site, id),
        "audience": guide.map_or(Vec::new(), |g| g.audience.clone()),
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
            // Relative to `today` (the build date or SOURCE_DATE_EPOCH, see [`today`]).
            let mut dates = guide_dates(g, views.today);
            if let Some(Value::Object(oo)) = m.get_mut("opt_out") {
                for key in ["deadline_passed", "days_left"] {
                    if let Some(value) = dates.remove(key) {
                        oo.insert(key.into(), value);
                    }
                }
            }
            m.extend(dates);
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
        "area": area(site, id),
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
        if node.is_home() {
            ctx.insert_value(
                "guides_overview",
                views.overview.get(lang).cloned().unwrap_or_else(none),
            );
        }
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
        ctx.insert_value("siblings", siblings(site, views, id));
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
    ctx.insert("structured_data", &node_structured_data(site, body, id));
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

/// `siblings` of a page: `{pages, total}`, where `pages` holds the section's first pages and the
/// current page's neighbours, in order, with `null` where pages are left out. Listing all of a
/// large section on each of its pages would make every page grow with the section.
fn siblings(site: &Site, views: &SharedViews, id: NodeId) -> TeraValue {
    let Some(parent) = site.node(id).parent else {
        return TeraValue::none();
    };
    let pages = &site.node(parent).pages;
    let at = pages.iter().position(|&p| p == id).unwrap_or(0);
    let shown = |i: usize| i < SIBLINGS_FIRST || i.abs_diff(at) <= SIBLINGS_AROUND;
    let mut list: Vec<TeraValue> = Vec::new();
    for (i, &p) in pages.iter().enumerate() {
        if shown(i) {
            list.push(views.links[p].clone());
        } else if i == 0 || shown(i - 1) {
            list.push(TeraValue::none());
        }
    }
    let mut map = tera::Map::new();
    map.insert("pages".into(), list.as_slice().into());
    map.insert("complete".into(), (list.len() == pages.len()).into());
    map.insert("total".into(), pages.len().into());
    TeraValue::from(map)
}

/// The JSON-LD of a page or section: `BreadcrumbList`, plus `WebSite` on home pages and `HowTo`
/// on guides whose body has a numbered list.
fn node_structured_data(site: &Site, body: &Rendered, id: NodeId) -> String {
    let node = site.node(id);
    let cfg = &site.config;
    let crumbs: Vec<Crumb> = node
        .ancestors
        .iter()
        .chain(std::iter::once(&id))
        .map(|&a| Crumb {
            name: site.node(a).title(),
            permalink: cfg.permalink(&site.node(a).url),
        })
        .collect();
    let mut graph = vec![structured_data::breadcrumb_list(&crumbs)];
    let lang = node.lang().as_str();
    if node.is_home() {
        let l = cfg.language(node.lang());
        graph.push(structured_data::website(
            &l.title,
            &l.description,
            &cfg.permalink(&node.url),
            lang,
        ));
    }
    if let Some(g) = &node.doc.meta.guide {
        let steps = structured_data::first_ordered_list_items(&body.html);
        graph.extend(structured_data::how_to(
            node.title(),
            node.doc.meta.description.as_deref(),
            &cfg.permalink(&node.url),
            lang,
            &g.last_verified.to_string(),
            &steps,
        ));
    }
    structured_data::to_script_json(graph)
}

/// The JSON-LD of a page that is not a document (taxonomy and term lists): its breadcrumbs from
/// the home page of `lang`, given as `(title, root-relative URL)` after the home page.
pub fn listing_structured_data(site: &Site, lang: &Lang, trail: &[(&str, &str)]) -> String {
    let cfg = &site.config;
    let home = site.homes.get(lang).map(|&h| Crumb {
        name: site.node(h).title(),
        permalink: cfg.permalink(&site.node(h).url),
    });
    let crumbs: Vec<Crumb> = home
        .into_iter()
        .chain(trail.iter().map(|(name, url)| Crumb {
            name,
            permalink: cfg.permalink(url),
        }))
        .collect();
    structured_data::to_script_json(vec![structured_data::breadcrumb_list(&crumbs)])
}
