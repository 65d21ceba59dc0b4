//! Site-wide files that are not templates: Atom feeds, sitemap, robots.txt, TDMRep, `_headers`.

use std::fmt::Write;

use serde_json::json;

use crate::config::Lang;
use crate::html::escape_html as xml;
use crate::render::{CSP_HEADER, Output, Renderer, alternates};
use crate::site::NodeId;

/// Feeds list the newest pages; older ones stay reachable through the site.
const FEED_ENTRIES: usize = 50;

impl Renderer<'_> {
    pub(super) fn feed(&self, lang: &Lang) -> String {
        let cfg = &self.site.config;
        let mut entries: Vec<NodeId> = (0..self.site.nodes.len())
            .filter(|&id| {
                let n = self.site.node(id);
                n.lang() == lang && !n.is_section() && n.doc.meta.last_changed().is_some()
            })
            .collect();
        let changed = |id: NodeId| self.site.node(id).doc.meta.last_changed();
        entries.sort_by(|&a, &b| {
            changed(b)
                .cmp(&changed(a))
                .then_with(|| self.site.reading_order(a, b))
        });
        entries.truncate(FEED_ENTRIES);
        let language = cfg.language(lang);
        let home = format!("/{lang}/");
        // The feed's date is that of its newest entry, never the build time: builds are reproducible.
        let updated = entries
            .first()
            .and_then(|&e| changed(e))
            .map(|d| d.to_string())
            .unwrap_or_else(|| "1970-01-01".into());
        let mut s = String::new();
        let _ = write!(
            s,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
            xml(lang.as_str())
        );
        let _ = writeln!(s, "  <title>{}</title>", xml(&language.title));
        if !language.description.is_empty() {
            let _ = writeln!(s, "  <subtitle>{}</subtitle>", xml(&language.description));
        }
        let _ = writeln!(
            s,
            "  <link href=\"{}\" rel=\"self\" type=\"application/atom+xml\"/>",
            xml(&cfg.permalink(&Output::Feed(lang.clone()).url(self.site)))
        );
        let _ = writeln!(
            s,
            "  <link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>",
            xml(&cfg.permalink(&home))
        );
        let _ = write!(
            s,
            "  <id>{}</id>\n  <updated>{updated}T00:00:00Z</updated>\n",
            xml(&cfg.permalink(&home))
        );
        for id in entries {
            let n = self.site.node(id);
            let link = cfg.permalink(&n.url);
            let date = changed(id).map(|d| d.to_string()).unwrap_or_default();
            let _ = write!(
                s,
                "  <entry>\n    <title>{}</title>\n    <link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>\n    <id>{}</id>\n    <updated>{date}T00:00:00Z</updated>\n",
                xml(n.title()),
                xml(&link),
                xml(&link)
            );
            if let Some(p) = n.doc.meta.date {
                let _ = writeln!(s, "    <published>{p}T00:00:00Z</published>");
            }
            let _ = writeln!(
                s,
                "    <author><name>{}</name></author>",
                xml(&language.title)
            );
            if let Some(d) = &n.doc.meta.description {
                let _ = writeln!(s, "    <summary>{}</summary>", xml(d));
            }
            s.push_str("  </entry>\n");
        }
        s.push_str("</feed>\n");
        s
    }

    /// Every page, taxonomy list, term page and the chooser, with the language versions its own
    /// `<link rel="alternate">` lists (from [`alternates`], as the pages get them).
    pub(super) fn sitemap(&self) -> String {
        let mut s = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
        );
        let site = self.site;
        let nodes = (0..site.nodes.len()).map(|id| {
            let date = site.node(id).doc.meta.last_changed();
            (Output::Page(id), date)
        });
        let listings = site.taxonomies.iter().enumerate().flat_map(|(t, tax)| {
            std::iter::once(Output::Taxonomy(t))
                .chain((0..tax.terms.len()).map(move |i| Output::Term(t, i)))
                .map(|o| (o, None))
        });
        let chooser = std::iter::once((Output::Chooser, None));
        for (output, date) in nodes.chain(listings).chain(chooser) {
            self.sitemap_entry(&mut s, &output, date);
        }
        s.push_str("</urlset>\n");
        s
    }

    fn sitemap_entry(&self, s: &mut String, output: &Output, date: Option<chrono::NaiveDate>) {
        let cfg = &self.site.config;
        let _ = write!(
            s,
            "  <url>\n    <loc>{}</loc>\n",
            xml(&cfg.permalink(&output.url(self.site)))
        );
        if let Some(d) = date {
            let _ = writeln!(s, "    <lastmod>{d}</lastmod>");
        }
        let versions = alternates::versions(self.site, output);
        // Exactly what the page's own `<link rel="alternate">` elements say.
        for (lang, url) in &versions.langs {
            let _ = writeln!(
                s,
                "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                xml(lang.as_str()),
                xml(&cfg.permalink(url))
            );
        }
        if let Some(url) = &versions.x_default {
            let _ = writeln!(
                s,
                "    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>",
                xml(&cfg.permalink(url))
            );
        }
        s.push_str("  </url>\n");
    }

    pub(super) fn robots(&self) -> String {
        let cfg = &self.site.config;
        let mut s = String::from(
            "# AI-training crawlers are not welcome (list from site.yaml, ai_policy.disallow_crawlers).\n",
        );
        for agent in &cfg.ai_policy.disallow_crawlers {
            // A user agent token is one line; anything else would inject rules.
            let agent: String = agent.chars().filter(|c| !c.is_control()).collect();
            let _ = write!(s, "User-agent: {agent}\nDisallow: /\n\n");
        }
        let _ = write!(
            s,
            "User-agent: *\nAllow: /\n\nSitemap: {}\n",
            cfg.permalink(&Output::Sitemap.url(self.site))
        );
        s
    }

    /// W3C TDM Reservation Protocol, file at `/.well-known/tdmrep.json`.
    pub(super) fn tdmrep(&self) -> String {
        let cfg = &self.site.config;
        let mut rule = json!({"location": format!("{}*", cfg.base_path), "tdm-reservation": 1});
        if let Some(policy) = &cfg.ai_policy.tdm_policy {
            rule["tdm-policy"] = json!(policy);
        }
        let mut s = serde_json::to_string_pretty(&json!([rule])).unwrap_or_else(|_| "[]".into());
        s.push('\n');
        s
    }

    /// Security headers for hosts that read a `_headers` file (Netlify, Cloudflare Pages).
    pub(super) fn headers(&self) -> String {
        let cfg = &self.site.config;
        let mut s = format!(
            "{}*\n  Content-Security-Policy: {CSP_HEADER}\n  Referrer-Policy: strict-origin-when-cross-origin\n  X-Content-Type-Options: nosniff\n  X-Frame-Options: DENY\n  Permissions-Policy: interest-cohort=(), browsing-topics=()\n",
            cfg.base_path
        );
        if cfg.ai_policy.tdm_reservation {
            s.push_str("  tdm-reservation: 1\n");
            if let Some(policy) = &cfg.ai_policy.tdm_policy {
                let _ = writeln!(s, "  tdm-policy: {}", policy.replace(['\n', '\r'], ""));
            }
        }
        for file in &self.theme.assets.fingerprinted {
            let _ = write!(
                s,
                "{}{file}\n  Cache-Control: public, max-age=31536000, immutable\n",
                cfg.base_path
            );
        }
        // Files beside pages carry their content hash in the name. Opened on their own (an SVG
        // in a new tab), they may not run anything: a sandbox with no sources but styles.
        let _ = write!(
            s,
            "{}{}/*
  Cache-Control: public, max-age=31536000, immutable
  Content-Security-Policy: {MEDIA_CSP}
",
            cfg.base_path,
            crate::site::MEDIA_DIR
        );
        s
    }
}

/// What a file under `media/` may do when opened on its own: show itself, nothing else.
pub const MEDIA_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; sandbox";
