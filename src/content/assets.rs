//! Files beside pages: every file under `content/` that is neither Markdown nor metadata (a
//! screenshot, a PDF) is an asset. Read here with the content, with the size of images, so the
//! Markdown stage can check links to them and the render stage can publish them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::{CONTENT_DIR, MAX_FILE_BYTES};
use crate::error::{Diagnostic, Diagnostics};

/// Extensions of images a page may show with `![alt](file)` or `<img>`.
pub const IMAGE_EXTENSIONS: [&str; 7] = ["png", "jpg", "jpeg", "gif", "webp", "avif", "svg"];

/// Files a browser runs as a document or script when opened from the site's origin: published
/// from `content/`, a pull request could put code on the site that no Markdown check has seen.
const REFUSED_EXTENSIONS: [&str; 7] = ["html", "htm", "xhtml", "js", "mjs", "xml", "xsl"];

/// Width and height in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageSize {
    pub width: u32,
    pub height: u32,
}

/// A file beside the pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// Path below `content/`: `guides/facebook/formular.de.png`.
    pub source: PathBuf,
    pub bytes: Arc<[u8]>,
    /// Images only: from the file's header (no decoding), or the `<svg>` element's attributes.
    pub size: Option<ImageSize>,
}

impl Asset {
    pub fn display_path(&self) -> PathBuf {
        Path::new(CONTENT_DIR).join(&self.source)
    }

    pub fn is_image(&self) -> bool {
        is_image(&self.source)
    }
}

/// Whether the file name has an image extension (case ignored).
pub fn is_image(path: &Path) -> bool {
    extension(path).is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.as_str()))
}

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

/// The size of an image file from its bytes (`None` for other files and unreadable images):
/// also for the images of `static/`, which pages show with `<img src="/bilder/x.png">`.
pub fn image_size(name: &Path, bytes: &[u8]) -> Option<ImageSize> {
    if !is_image(name) {
        return None;
    }
    if extension(name).as_deref() == Some("svg") {
        let text = std::str::from_utf8(bytes).ok()?;
        let (width, height) = crate::markdown::sanitize::check_svg(text).size?;
        return Some(ImageSize { width, height });
    }
    let s = imagesize::blob_size(bytes).ok()?;
    Some(ImageSize {
        width: u32::try_from(s.width).ok()?,
        height: u32::try_from(s.height).ok()?,
    })
}

/// Loads the assets (content-relative paths) in parallel; the problems of all of them at once.
pub fn load_assets(root: &Path, sources: &[PathBuf]) -> (Vec<Asset>, Diagnostics) {
    let results: Vec<Result<Asset, Diagnostic>> =
        sources.par_iter().map(|s| load_asset(root, s)).collect();
    let mut assets = Vec::with_capacity(results.len());
    let mut diags = Diagnostics::new();
    for r in results {
        match r {
            Ok(a) => assets.push(a),
            Err(d) => diags.push(d),
        }
    }
    (assets, diags)
}

/// Reads one asset: its bytes and, for an image, its size.
pub fn load_asset(root: &Path, source: &Path) -> Result<Asset, Diagnostic> {
    let display = Path::new(CONTENT_DIR).join(source);
    if let Some(ext) = extension(source).filter(|e| REFUSED_EXTENSIONS.contains(&e.as_str())) {
        return Err(Diagnostic::error(
            &display,
            format!("a `.{ext}` file cannot be published from content/: a browser would run it on the site's own origin"),
        )
        .hint("show code in a fenced code block, or link to where the file is published"));
    }
    let path = root.join(&display);
    let len = std::fs::metadata(&path)
        .map_err(|e| {
            Diagnostic::error(&display, format!("cannot read: {e}"))
                .hint("check that the file exists and that you may read it (permissions)")
        })?
        .len();
    if len > 4 * MAX_FILE_BYTES {
        return Err(Diagnostic::error(
            &display,
            format!(
                "file is {:.1} MB, over the limit of {} MB",
                len as f64 / 1e6,
                4 * MAX_FILE_BYTES / (1024 * 1024)
            ),
        )
        .hint("compress the image (a screenshot as PNG or WebP is rarely over 1 MB)"));
    }
    let bytes = std::fs::read(&path).map_err(|e| {
        Diagnostic::error(&display, format!("cannot read: {e}"))
            .hint("check that the file exists and that you may read it (permissions)")
    })?;
    let size = if !is_image(source) {
        None
    } else if extension(source).as_deref() == Some("svg") {
        let text = std::str::from_utf8(&bytes).map_err(|_| {
            Diagnostic::error(&display, "the SVG file is not valid UTF-8")
                .hint("save the drawing as UTF-8 (plain SVG)")
        })?;
        let svg = crate::markdown::sanitize::check_svg(text);
        if let Some(r) = svg.refusals.into_iter().next() {
            return Err(Diagnostic::error(&display, r.message).hint(r.hint));
        }
        svg.size.map(|(width, height)| ImageSize { width, height })
    } else {
        let s = imagesize::blob_size(&bytes).map_err(|e| {
            Diagnostic::error(&display, format!("cannot read the image's size: {e}")).hint(
                "the file may be damaged or not the format its extension says; export it again",
            )
        })?;
        Some(ImageSize {
            width: u32::try_from(s.width).unwrap_or(u32::MAX),
            height: u32::try_from(s.height).unwrap_or(u32::MAX),
        })
    };
    Ok(Asset {
        source: source.to_path_buf(),
        bytes: bytes.into(),
        size,
    })
}
