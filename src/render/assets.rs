//! Static files: copied from the theme's and the site's `static/` (the site wins); CSS and JS get
//! a content hash in their name (`style.3f2a1c9e.css`) so hosts can cache them forever.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::content::MAX_FILE_BYTES;
use crate::error::{Diagnostic, Diagnostics};

/// Generated stylesheet with the syntax-highlighting classes.
pub const SYNTAX_CSS: &str = "syntax.css";

#[derive(Debug, Clone, Default)]
pub struct Assets {
    /// Output path → bytes.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Logical path (`style.css`) → URL with base path (`/optout/style.3f2a1c9e.css`).
    pub urls: BTreeMap<String, String>,
    /// Output paths that carry a fingerprint (cacheable forever).
    pub fingerprinted: Vec<String>,
}

pub fn collect(
    root: &Path,
    config: &Config,
    static_files: &BTreeMap<String, std::path::PathBuf>,
) -> Result<Assets, Diagnostics> {
    let mut assets = Assets::default();
    let mut diags = Diagnostics::new();
    for (name, file) in static_files {
        match read_bytes(root, file) {
            Ok(bytes) => assets.add(config, name, bytes),
            Err(d) => diags.push(d),
        }
    }
    assets.add(
        config,
        SYNTAX_CSS,
        crate::markdown::highlight::stylesheet().into_bytes(),
    );
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(assets)
    }
}

fn read_bytes(root: &Path, file: &Path) -> Result<Vec<u8>, Diagnostic> {
    let abs = root.join(file);
    let len = std::fs::metadata(&abs).map(|m| m.len()).unwrap_or(0);
    if len > 4 * MAX_FILE_BYTES {
        return Err(Diagnostic::error(
            file,
            format!(
                "static file is {:.1} MB, over the limit of {} MB",
                len as f64 / 1e6,
                4 * MAX_FILE_BYTES / (1024 * 1024)
            ),
        ));
    }
    std::fs::read(&abs).map_err(|e| Diagnostic::error(file, format!("cannot read: {e}")))
}

impl Assets {
    fn add(&mut self, config: &Config, name: &str, bytes: Vec<u8>) {
        let out_name = if name.ends_with(".css") || name.ends_with(".js") {
            let fingerprinted = fingerprint(name, &bytes);
            self.fingerprinted.push(fingerprinted.clone());
            fingerprinted
        } else {
            name.to_string()
        };
        self.urls
            .insert(name.to_string(), config.path_url(&out_name));
        self.files.insert(out_name, bytes);
    }
}

/// `css/style.css` + bytes → `css/style.<first 10 hex digits of SHA-256>.css`.
pub fn fingerprint(name: &str, bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let hex: String = hash.iter().take(5).map(|b| format!("{b:02x}")).collect();
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hex}.{ext}"),
        None => format!("{name}.{hex}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_stable_and_content_dependent() {
        let a = fingerprint("css/style.css", b"body{}");
        assert_eq!(a, fingerprint("css/style.css", b"body{}"));
        assert_ne!(a, fingerprint("css/style.css", b"body{color:red}"));
        assert!(
            a.starts_with("css/style.")
                && a.ends_with(".css")
                && a.len() == "css/style..css".len() + 10
        );
    }
}
