//! Files beside pages in the graph: where each is published, and which file a link written on a
//! page means (`formular.png` on a German page is `formular.de.png` when there is one).
//!
//! Every asset is published once, at `/media/<name>.<hash>.<ext>`: the name is the file's,
//! slugified, the hash the first 10 hex digits of the SHA-256 of its bytes. A changed file gets
//! a new URL, so hosts can cache every file under `/media/` forever (`_headers` says so), and two
//! pages or languages that show the same file share one URL and one download.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::config::{Config, Lang};
use crate::content::Asset;

/// The directory below the output root that assets are published in.
pub const MEDIA_DIR: &str = "media";

/// An asset and where it is published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedAsset {
    pub file: Asset,
    /// Output path: `media/formular.de.3f2a1c9e4b.png`.
    pub path: String,
}

/// Every asset of the site, by source and by output path.
#[derive(Debug, Clone, Default)]
pub struct AssetIndex {
    by_source: BTreeMap<PathBuf, PublishedAsset>,
    /// Output path → the sources published there (identical bytes under the same name).
    by_path: BTreeMap<String, Vec<PathBuf>>,
}

/// Which asset a link means, and every file that would have answered it: a page is rendered
/// again when one of them comes, changes or goes.
#[derive(Debug)]
pub struct AssetLookup<'a> {
    pub found: Option<&'a PublishedAsset>,
    pub candidates: Vec<PathBuf>,
}

impl AssetIndex {
    pub fn new(assets: Vec<Asset>) -> AssetIndex {
        let mut index = AssetIndex::default();
        for a in assets {
            index.replace(&a.source.clone(), Some(a));
        }
        index
    }

    /// Adds, replaces (`Some`) or removes (`None`) the asset at `source`; returns whether what
    /// is published changed.
    pub fn replace(&mut self, source: &Path, asset: Option<Asset>) -> bool {
        let new = asset.map(|file| PublishedAsset {
            path: published_path(&file),
            file,
        });
        let old = match &new {
            Some(n) => self.by_source.insert(source.to_path_buf(), n.clone()),
            None => self.by_source.remove(source),
        };
        if let Some(old) = &old
            && let Some(sources) = self.by_path.get_mut(&old.path)
        {
            sources.retain(|s| s != source);
            if sources.is_empty() {
                self.by_path.remove(&old.path);
            }
        }
        if let Some(n) = &new {
            let sources = self.by_path.entry(n.path.clone()).or_default();
            sources.push(source.to_path_buf());
            sources.sort();
        }
        old != new
    }

    pub fn get(&self, source: &Path) -> Option<&PublishedAsset> {
        self.by_source.get(source)
    }

    pub fn iter(&self) -> impl Iterator<Item = &PublishedAsset> {
        self.by_source.values()
    }

    pub fn sources(&self) -> impl Iterator<Item = &PathBuf> {
        self.by_source.keys()
    }

    /// Every output path, once.
    pub fn paths(&self) -> impl Iterator<Item = &String> {
        self.by_path.keys()
    }

    /// The bytes published at an output path.
    pub fn bytes_at(&self, path: &str) -> Option<&[u8]> {
        let source = self.by_path.get(path)?.first()?;
        self.by_source.get(source).map(|a| &*a.file.bytes)
    }

    /// The asset `path` (as written in a link, percent-decoded) means on a page in `lang` whose
    /// source is in `dir` (content-relative; empty for `@/…` links): `formular.png` is
    /// `formular.<lang>.png` when there is one, else `formular.png`. `None` when the path climbs
    /// out of `content/`.
    pub fn lookup(
        &self,
        config: &Config,
        dir: &Path,
        path: &str,
        lang: &Lang,
    ) -> Option<AssetLookup<'_>> {
        let joined = crate::site::links::normalize(&dir.join(path))?;
        let mut candidates = Vec::with_capacity(2);
        if let Some(variant) = language_variant(config, &joined, lang) {
            candidates.push(variant);
        }
        candidates.push(joined);
        let found = candidates.iter().find_map(|c| self.by_source.get(c));
        Some(AssetLookup { found, candidates })
    }
}

/// `formular.png` → `formular.de.png`; `None` when the name already names a language or has no
/// extension.
fn language_variant(config: &Config, path: &Path, lang: &Lang) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let (stem, ext) = name.rsplit_once('.')?;
    if stem.is_empty()
        || stem
            .rsplit_once('.')
            .is_some_and(|(_, l)| config.is_language(l))
    {
        return None;
    }
    Some(path.with_file_name(format!("{stem}.{lang}.{ext}")))
}

/// `guides/Mein Formular.DE.PNG` → `media/mein-formular-de.<hash>.png`.
fn published_path(asset: &Asset) -> String {
    let name = asset
        .source
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("");
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    // Keep `.de` of a language variant readable: slugify each dot-separated part.
    let stem: Vec<String> = stem
        .split('.')
        .map(crate::slug::slugify)
        .filter(|s| !s.is_empty())
        .collect();
    let stem = if stem.is_empty() {
        "file".to_string()
    } else {
        stem.join(".")
    };
    let ext: String = ext
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    let hash = Sha256::digest(&asset.bytes[..]);
    let hex: String = hash.iter().take(5).map(|b| format!("{b:02x}")).collect();
    if ext.is_empty() {
        format!("{MEDIA_DIR}/{stem}.{hex}")
    } else {
        format!("{MEDIA_DIR}/{stem}.{hex}.{ext}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn asset(source: &str, bytes: &[u8]) -> Asset {
        Asset {
            source: source.into(),
            bytes: Arc::from(bytes),
            size: None,
        }
    }

    #[test]
    fn published_once_under_a_content_hash() {
        let a = published_path(&asset("guides/Mein Formular.de.PNG", b"x"));
        assert!(a.starts_with("media/mein-formular.de."), "{a}");
        assert!(a.ends_with(".png") && a.len() == "media/mein-formular.de..png".len() + 10);
        assert_ne!(
            a,
            published_path(&asset("guides/Mein Formular.de.PNG", b"y"))
        );
        let mut index = AssetIndex::new(vec![asset("a/x.png", b"1"), asset("b/x.png", b"1")]);
        assert_eq!(index.paths().count(), 1);
        assert!(!index.replace(Path::new("a/x.png"), Some(asset("a/x.png", b"1"))));
        assert!(index.replace(Path::new("a/x.png"), Some(asset("a/x.png", b"2"))));
        assert_eq!(index.paths().count(), 2);
        assert!(index.replace(Path::new("b/x.png"), None));
        assert_eq!(index.paths().count(), 1);
        assert_eq!(
            index.bytes_at(index.paths().next().unwrap()),
            Some(&b"2"[..])
        );
    }
}
