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
    /// A lock on the staging directory while this build writes it, so that another build's
    /// cleanup of leftovers passes it by; the system drops it when the process dies.
    _in_use: Option<std::fs::File>,
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
        remove_leftovers(parent, name);
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.new-"))
            .tempdir_in(parent)?;
        let in_use = std::fs::File::open(dir.path())
            .ok()
            .filter(|f| f.try_lock().is_ok());
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            counted: Discard::default(),
            _in_use: in_use,
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

/// Staging and old trees of builds that were killed (`kill -9`, power loss) before they could
/// clean up: `.public.new-*` and `.public.old-*` beside the output directory. A staging
/// directory another running build holds locked is left alone; `public/` is never touched.
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefixes = [format!(".{name}.new-"), format!(".{name}.old-")];
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        let in_use = || {
            std::fs::File::open(entry.path())
                .is_ok_and(|f| matches!(f.try_lock(), Err(std::fs::TryLockError::WouldBlock)))
        };
        if prefixes.iter().any(|p| file_name.starts_with(p.as_str()))
            && entry.file_type().is_ok_and(|t| t.is_dir())
            && !in_use()
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Puts the staged tree in place of `dir`. Where the system can swap two directories in one
/// step (Linux, macOS), there is no moment without a complete `dir`, even if the process is
/// killed in between; elsewhere the old tree is moved aside first, which leaves a window of two
/// renames.
fn swap_in(staged: &Path, dir: &Path) -> io::Result<()> {
    if !dir.exists() {
        return std::fs::rename(staged, dir);
    }
    #[cfg(any(target_os = "linux", target_os = "macos"))]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, staged, CWD, dir, RenameFlags::EXCHANGE) {
            Ok(()) => {
                // `staged` now holds the previous tree.
                let _ = std::fs::remove_dir_all(staged);
                return Ok(());
            }
            // File systems without the exchange (some network and FUSE ones) take the
            // two-rename path below.
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(e.into()),
        }
    }
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("public");
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
    fn leftovers_of_killed_builds_are_removed_and_the_swap_keeps_a_complete_tree() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        std::fs::create_dir_all(out.join("de")).unwrap();
        std::fs::write(out.join("de/index.html"), "alt").unwrap();
        for stray in [".public.new-abc/de", ".public.old-def"] {
            std::fs::create_dir_all(tmp.path().join(stray)).unwrap();
        }
        std::fs::create_dir_all(tmp.path().join(".other.new-x")).unwrap();
        let staging = Staging::new(&out).unwrap();
        let names = |dir: &Path| -> Vec<String> {
            let mut v: Vec<String> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        let present = names(tmp.path());
        assert_eq!(present.len(), 3, "{present:?}");
        assert!(present.contains(&".other.new-x".to_string()), "not ours");
        staging.put("de/index.html", b"neu".to_vec()).unwrap();
        staging.commit().unwrap();
        assert_eq!(std::fs::read(out.join("de/index.html")).unwrap(), b"neu");
        assert_eq!(names(tmp.path()), [".other.new-x", "public"]);
    }

    #[test]
    fn a_running_build_keeps_its_staging_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let first = Staging::new(&out).unwrap();
        first.put("a.html", b"erste".to_vec()).unwrap();
        let second = Staging::new(&out).unwrap();
        second.put("a.html", b"zweite".to_vec()).unwrap();
        first.commit().unwrap();
        second.commit().unwrap();
        assert_eq!(std::fs::read(out.join("a.html")).unwrap(), b"zweite");
    }

    #[test]
    fn refuses_paths_that_escape() {
        assert!(safe_relative("../x").is_none());
        assert!(safe_relative("/etc/x").is_none());
        assert!(safe_relative("a/b.html").is_some());
    }
}
