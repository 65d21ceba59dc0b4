//! optout: a static site generator for bilingual opt-out guides.
//!
//! The pipeline runs one way, one module per stage:
//! [`config`] (site.yaml) → [`content`] (discover, front matter, typed metadata) → [`site`] (the
//! graph: URLs, sections, translations, taxonomies) → [`markdown`] (bodies to HTML) → [`render`]
//! (templates, feeds, sitemap, robots.txt) → [`output`] (atomic write). [`build`] runs the whole
//! pipeline; `serve` and `check` reuse the same stages.

pub mod build;
pub mod check;
pub mod config;
pub mod content;
pub mod error;
pub mod html;
pub mod init;
pub mod layout;
pub mod markdown;
pub mod output;
pub mod rebuild;
pub mod render;
pub mod report;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod slug;
pub mod yaml;
