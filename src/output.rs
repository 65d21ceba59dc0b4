//! Output stage: the set of generated files, and writing it atomically.
//!
//! The site is written into a fresh directory beside the output directory and swapped in at the
//! end, so a failed or interrupted build leaves the previous `public/` untouched and files that no
//! longer belong to the site disappear.

use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};

/// Output path (relative, `/`-separated: `de/anleitungen/index.html`) → bytes, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outputs {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Outputs {
    pub fn insert(&mut self, path: String, bytes: Vec<u8>) {
        self.files.insert(path, bytes);
    }

    pub fn extend(&mut self, other: Outputs) {
        self.files.extend(other.files);
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Where rendered files go: a staging directory (build), memory (preview) or nowhere (check).
pub trait Sink: Sync {
    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()>;
}

/// Keeps what it receives (the preview serves from memory).
#[derive(Default)]
pub struct Memory(std::sync::Mutex<Outputs>);

impl Memory {
    pub fn into_outputs(self) -> Outputs {
        self.0
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Sink for Memory {
    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        let mut outputs = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        outputs.insert(path.to_string(), bytes);
        Ok(())
    }
}

/// Counts what would be written and writes nothing (`optout check`).
#[derive(Default)]
pub struct Discard {
    pub files: std::sync::atomic::AtomicUsize,
    pub bytes: std::sync::atomic::AtomicUsize,
}

impl Sink for Discard {
    fn put(&self, _path: &str, bytes: Vec<u8>) -> io::Result<()> {
        use std::sync::atomic::Ordering::Relaxed;
        self.files.fetch_add(1, Relaxed);
        self.bytes.fetch_add(bytes.len(), Relaxed);
        Ok(())
    }
}

/// A fresh directory beside the output directory. Files are written into it as they are
/// rendered (so the site never has to fit in memory); [`Staging::commit`] swaps it in, and
/// dropping it without a commit deletes it, leaving the previous output untouched.
pub struct Staging {
    dir: tempfile::TempDir,
    target: PathBuf,
    counted: Discard,
}

impl Staging {
    pub fn new(target: &Path) -> io::Result<Staging> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        let name = target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("public");
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.new-"))
            .tempdir_in(parent)?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            counted: Discard::default(),
        })
    }

    pub fn files(&self) -> usize {
        self.counted
            .files
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn bytes(&self) -> usize {
        self.counted
            .bytes
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Replaces the target directory with the staged tree (one rename; the old tree is removed).
    pub fn commit(self) -> io::Result<()> {
        let staged = self.dir.keep();
        swap_in(&staged, &self.target)
    }
}

impl Sink for Staging {
    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        let rel = safe_relative(path).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("unsafe output path {path}"),
            )
        })?;
        let file = self.dir.path().join(rel);
        if let Some(parent) = file.parent() {
            // create_dir_all tolerates other threads creating the same directories.
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(file, &bytes)?;
        self.counted.put(path, bytes)
    }
}

fn swap_in(staged: &Path, dir: &Path) -> io::Result<()> {
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("public");
    if dir.exists() {
        let old = tempfile::Builder::new()
            .prefix(&format!(".{name}.old-"))
            .tempdir_in(parent)?
            .keep();
        // rename() onto an existing directory fails, so move the old tree aside first.
        std::fs::remove_dir(&old)?;
        std::fs::rename(dir, &old)?;
        if let Err(e) = std::fs::rename(staged, dir) {
            let _ = std::fs::rename(&old, dir);
            let _ = std::fs::remove_dir_all(staged);
            return Err(e);
        }
        let _ = std::fs::remove_dir_all(&old);
    } else {
        std::fs::rename(staged, dir)?;
    }
    Ok(())
}

/// A relative output path that cannot leave the output directory.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    let ok = !path.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)));
    ok.then(|| p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_old_tree_and_drops_stale_files() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        std::fs::create_dir_all(out.join("old")).unwrap();
        std::fs::write(out.join("old/stale.html"), "x").unwrap();
        let staging = Staging::new(&out).unwrap();
        staging.put("de/index.html", b"hallo".to_vec()).unwrap();
        staging.commit().unwrap();
        assert_eq!(std::fs::read(out.join("de/index.html")).unwrap(), b"hallo");
        assert!(!out.join("old").exists());
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging directories left behind");
    }

    #[test]
    fn refuses_paths_that_escape() {
        assert!(safe_relative("../x").is_none());
        assert!(safe_relative("/etc/x").is_none());
        assert!(safe_relative("a/b.html").is_some());
    }
}
