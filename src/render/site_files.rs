//! Site-wide outputs: Atom feeds, sitemap, robots.txt, TDMRep, `_headers`, the language chooser,
//! 404 pages and alias redirects.

use std::fmt::Write;
use std::path::Path;

use serde_json::json;

use crate::config::Lang;
use crate::error::Diagnostics;
use crate::markdown::highlight::escape_html as xml;
use crate::output::Outputs;
use crate::render::{CSP_HEADER, Renderer, output_path};
use crate::site::NodeId;

/// Feeds list the newest pages; older ones stay reachable through the site.
const FEED_ENTRIES: usize = 50;

impl Renderer<'_> {
    pub fn render_site_files(&self, tera: &tera::Tera) -> (Outputs, Diagnostics) {
        let mut out = Outputs::default();
        let mut diags = Diagnostics::new();
        for lang in self.site.config.langs() {
            out.insert(format!("{lang}/atom.xml"), self.feed(lang).into_bytes());
        }
        out.insert("sitemap.xml".into(), self.sitemap().into_bytes());
        out.insert("robots.txt".into(), self.robots().into_bytes());
        if self.site.config.ai_policy.tdm_reservation {
            out.insert(".well-known/tdmrep.json".into(), self.tdmrep().into_bytes());
        }
        out.insert("_headers".into(), self.headers().into_bytes());
        let mut render = |path: String, template: &str, ctx: tera::Context| match self
            .render_template(tera, template, ctx, Path::new("site.yaml"))
        {
            Ok(html) => out.insert(path, html.into_bytes()),
            Err(d) => diags.push(d),
        };
        let cfg = &self.site.config;
        let homes: Vec<(Lang, String)> =
            cfg.langs().map(|l| (l.clone(), format!("/{l}/"))).collect();
        render(
            "index.html".into(),
            "chooser.html",
            self.base_context(&cfg.default_language, "/", homes),
        );
        for lang in cfg.langs() {
            let not_found: Vec<(Lang, String)> = cfg
                .langs()
                .map(|l| (l.clone(), format!("/{l}/404.html")))
                .collect();
            let ctx = self.base_context(lang, &format!("/{lang}/404.html"), not_found.clone());
            if *lang == cfg.default_language {
                render("404.html".into(), "404.html", ctx.clone());
            }
            render(format!("{lang}/404.html"), "404.html", ctx);
        }
        for (alias, target) in self.site.aliases() {
            let node = self.site.node(target);
            let mut ctx = self.base_context(
                node.lang(),
                &node.url,
                vec![(node.lang().clone(), node.url.clone())],
            );
            ctx.insert(
                "alias",
                &json!({"target": cfg.path_url(&node.url), "permalink": cfg.permalink(&node.url)}),
            );
            render(output_path(&alias), "alias.html", ctx);
        }
        (out, diags)
    }

    /// The path of every output the site has now, without rendering anything: what the preview
    /// keeps when it re-renders only part of the site. Mirrors `render_all`.
    pub fn output_paths(&self) -> std::collections::BTreeSet<String> {
        let cfg = &self.site.config;
        let mut paths: std::collections::BTreeSet<String> = self
            .site
            .nodes
            .iter()
            .map(|n| output_path(&n.url))
            .collect();
        for tax in &self.site.taxonomies {
            paths.insert(output_path(&tax.url));
            paths.extend(tax.terms.iter().map(|t| output_path(&t.url)));
        }
        for lang in cfg.langs() {
            paths.insert(format!("{lang}/atom.xml"));
            paths.insert(format!("{lang}/404.html"));
        }
        for file in [
            "sitemap.xml",
            "robots.txt",
            "_headers",
            "index.html",
            "404.html",
        ] {
            paths.insert(file.to_string());
        }
        if cfg.ai_policy.tdm_reservation {
            paths.insert(".well-known/tdmrep.json".into());
        }
        paths.extend(
            self.site
                .aliases()
                .into_iter()
                .map(|(alias, _)| output_path(&alias)),
        );
        paths.extend(self.assets.files.keys().cloned());
        paths
    }

    pub fn feed(&self, lang: &Lang) -> String {
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
            xml(&cfg.permalink(&format!("{home}atom.xml")))
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

    pub fn sitemap(&self) -> String {
        let cfg = &self.site.config;
        let mut s = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
        );
        for (id, n) in self.site.nodes.iter().enumerate() {
            let _ = write!(
                s,
                "  <url>\n    <loc>{}</loc>\n",
                xml(&cfg.permalink(&n.url))
            );
            if let Some(d) = n.doc.meta.last_changed() {
                let _ = writeln!(s, "    <lastmod>{d}</lastmod>");
            }
            if !n.translations.is_empty() {
                let mut versions: Vec<NodeId> = n.translations.clone();
                versions.push(id);
                versions.sort_by_key(|&v| cfg.languages.get_index_of(self.site.node(v).lang()));
                for v in &versions {
                    let t = self.site.node(*v);
                    let _ = writeln!(
                        s,
                        "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                        xml(t.lang().as_str()),
                        xml(&cfg.permalink(&t.url))
                    );
                }
                if let Some(d) = versions
                    .iter()
                    .map(|&v| self.site.node(v))
                    .find(|t| *t.lang() == cfg.default_language)
                {
                    let _ = writeln!(
                        s,
                        "    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>",
                        xml(&cfg.permalink(&d.url))
                    );
                }
            }
            s.push_str("  </url>\n");
        }
        for tax in &self.site.taxonomies {
            let _ = write!(
                s,
                "  <url>\n    <loc>{}</loc>\n  </url>\n",
                xml(&cfg.permalink(&tax.url))
            );
            for term in &tax.terms {
                let _ = write!(
                    s,
                    "  <url>\n    <loc>{}</loc>\n  </url>\n",
                    xml(&cfg.permalink(&term.url))
                );
            }
        }
        s.push_str("</urlset>\n");
        s
    }

    fn robots(&self) -> String {
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
            cfg.permalink("/sitemap.xml")
        );
        s
    }

    /// W3C TDM Reservation Protocol, file at `/.well-known/tdmrep.json`.
    fn tdmrep(&self) -> String {
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
    fn headers(&self) -> String {
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
        for file in &self.assets.fingerprinted {
            let _ = write!(
                s,
                "{}{file}\n  Cache-Control: public, max-age=31536000, immutable\n",
                cfg.base_path
            );
        }
        s
    }
}
