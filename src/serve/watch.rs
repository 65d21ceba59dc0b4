//! File events to lists of changed source paths.
//!
//! Editors do not simply write a file: they write a temporary file and rename it over the old
//! one, rename the old one to a backup (`x~`) first, probe the directory with a file called
//! `4913` (vim), keep swap files (`.x.swp`); `git checkout` changes hundreds of files in one go.
//! So events are not interpreted one by one. They are collected until the file system has been
//! quiet for a few milliseconds, and then every path named is looked at once, as it is now:
//! - a file that exists has changed (or is new);
//! - a path that is gone was deleted if it was a known source file, and a directory that is gone
//!   takes every known file below it along (`mv content/guides elsewhere` names only the folder);
//! - a path that is gone and was never known was a temporary file: nothing happened;
//! - a directory that appeared (created or renamed in) brings all its files, and is watched anew.
//!
//! Hidden files and editor backups never reach the rebuild at all.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{Event, EventKind, RecursiveMode, Watcher};

use super::ServeOptions;
use super::state::Rebuilder;

use crate::layout::{CONFIG_FILE, Layout, SOURCE_DIRS as WATCHED_DIRS};

enum Msg {
    Fs(notify::Result<Event>),
    Stop,
}

/// The thread that owns the watcher and runs the rebuilds.
pub(crate) struct WatchThread {
    tx: mpsc::Sender<Msg>,
    thread: Option<JoinHandle<()>>,
}

impl WatchThread {
    pub fn start(
        root: &Path,
        options: &ServeOptions,
        rebuilder: Rebuilder,
    ) -> notify::Result<Self> {
        let (tx, rx) = mpsc::channel();
        let fs_tx = tx.clone();
        let mut watcher = notify::recommended_watcher(move |res| {
            let _ = fs_tx.send(Msg::Fs(res));
        })?;
        // The root itself only for site.yaml and for watched directories that appear later.
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        for dir in WATCHED_DIRS {
            let path = root.join(dir);
            if path.is_dir() {
                watcher.watch(&path, RecursiveMode::Recursive)?;
            }
        }
        let tracker = Tracker::scan(root);
        let (quiet, max_batch) = (options.debounce, options.max_batch);
        let thread = std::thread::Builder::new()
            .name("optout-watch".into())
            .spawn(move || run(watcher, rx, tracker, rebuilder, quiet, max_batch))
            .map_err(notify::Error::io)?;
        Ok(WatchThread {
            tx,
            thread: Some(thread),
        })
    }

    /// Ends the thread after the rebuild it may be running.
    pub fn stop(mut self) {
        let _ = self.tx.send(Msg::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// How long the files must stay untouched after an update before the search index it left due
/// is rebuilt.
const SEARCH_AFTER: Duration = Duration::from_millis(100);

fn run(
    mut watcher: notify::RecommendedWatcher,
    rx: mpsc::Receiver<Msg>,
    mut tracker: Tracker,
    mut rebuilder: Rebuilder,
    quiet: Duration,
    max_batch: Duration,
) {
    loop {
        let mut batch = Batch::default();
        // The search index waits until saves pause: a page saved right after another is
        // served without waiting for the index of the one before.
        let next = if rebuilder.search_is_due() {
            match rx.recv_timeout(SEARCH_AFTER) {
                Ok(msg) => msg,
                Err(RecvTimeoutError::Timeout) => {
                    rebuilder.update_search();
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return,
            }
        } else {
            match rx.recv() {
                Ok(msg) => msg,
                Err(_) => return,
            }
        };
        match next {
            Msg::Fs(ev) => batch.add(ev),
            Msg::Stop => return,
        }
        let first = Instant::now();
        loop {
            let left = max_batch.saturating_sub(first.elapsed());
            if left.is_zero() {
                break;
            }
            match rx.recv_timeout(quiet.min(left)) {
                Ok(Msg::Fs(ev)) => batch.add(ev),
                Ok(Msg::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                Err(RecvTimeoutError::Timeout) => break,
            }
        }
        let changed = tracker.resolve(&batch, &mut watcher);
        if !changed.is_empty() {
            rebuilder.rebuild(&changed);
        }
    }
}

/// The paths named by one burst of events.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    pub paths: BTreeSet<PathBuf>,
    /// Paths that were created, removed or renamed (as opposed to written to).
    pub structural: BTreeSet<PathBuf>,
    /// The kernel dropped events (queue overflow) or the watcher failed: look at everything.
    pub rescan: bool,
}

impl Batch {
    pub fn add(&mut self, event: notify::Result<Event>) {
        let event = match event {
            Ok(e) => e,
            Err(_) => {
                self.rescan = true;
                return;
            }
        };
        if event.need_rescan() {
            self.rescan = true;
        }
        match event.kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => {}
            EventKind::Access(_) => return,
            _ => {}
        }
        let structural = matches!(
            event.kind,
            EventKind::Create(_)
                | EventKind::Remove(_)
                | EventKind::Modify(ModifyKind::Name(_))
                | EventKind::Any
                | EventKind::Other
        );
        for p in event.paths {
            if structural {
                self.structural.insert(p.clone());
            }
            self.paths.insert(p);
        }
    }
}

/// The source files known to exist, relative to the root.
pub(crate) struct Tracker {
    root: PathBuf,
    known: BTreeSet<PathBuf>,
}

impl Tracker {
    pub fn scan(root: &Path) -> Self {
        let mut t = Tracker {
            root: root.to_path_buf(),
            known: BTreeSet::new(),
        };
        if root.join(CONFIG_FILE).is_file() {
            t.known.insert(PathBuf::from(CONFIG_FILE));
        }
        for dir in WATCHED_DIRS {
            let files = t.files_below(&root.join(dir));
            t.known.extend(files);
        }
        t
    }

    /// Relative paths of the source files below `abs` (hidden files and backups left out).
    fn files_below(&self, abs: &Path) -> Vec<PathBuf> {
        walkdir::WalkDir::new(abs)
            .follow_links(true)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .filter_map(|e| {
                e.path()
                    .strip_prefix(&self.root)
                    .ok()
                    .map(Path::to_path_buf)
            })
            .filter(|rel| is_source(rel))
            .collect()
    }

    /// The changed source paths of a batch, sorted; see the module comment.
    pub fn resolve(&mut self, batch: &Batch, watcher: &mut impl Watcher) -> Vec<PathBuf> {
        let mut out = BTreeSet::new();
        if batch.rescan {
            let before = std::mem::take(&mut self.known);
            *self = Tracker::scan(&self.root);
            for dir in WATCHED_DIRS {
                let path = self.root.join(dir);
                if path.is_dir() {
                    let _ = watcher.watch(&path, RecursiveMode::Recursive);
                }
            }
            out.extend(before);
            out.extend(self.known.iter().cloned());
            return out.into_iter().collect();
        }
        for abs in &batch.paths {
            let Ok(rel) = abs.strip_prefix(&self.root) else {
                continue;
            };
            if !is_source(rel) {
                continue;
            }
            match std::fs::metadata(abs) {
                Ok(m) if m.is_file() => {
                    self.known.insert(rel.to_path_buf());
                    out.insert(rel.to_path_buf());
                }
                Ok(m) if m.is_dir() => {
                    if batch.structural.contains(abs) {
                        // New, or renamed in: (re)register it, so events below it carry its
                        // current path, and take all its files.
                        let _ = watcher.watch(abs, RecursiveMode::Recursive);
                        for f in self.files_below(abs) {
                            self.known.insert(f.clone());
                            out.insert(f);
                        }
                    }
                }
                _ => {
                    if self.known.remove(rel) {
                        out.insert(rel.to_path_buf());
                    }
                    let below: Vec<PathBuf> = self
                        .known
                        .range(rel.to_path_buf()..)
                        .take_while(|k| k.starts_with(rel))
                        .cloned()
                        .collect();
                    for k in below {
                        self.known.remove(&k);
                        out.insert(k);
                    }
                }
            }
        }
        out.into_iter().collect()
    }
}

/// A path the site is built from (by [`Layout`], for any theme: `site.yaml` may switch themes).
pub(crate) fn is_source(rel: &Path) -> bool {
    Layout::any_theme().classify(rel).is_source()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_and_editor_leftovers() {
        for p in [
            "site.yaml",
            "content/guides/facebook.de.md",
            "themes/default/templates/page.html",
            "static/x.css",
            "templates/page.html",
        ] {
            assert!(is_source(Path::new(p)), "{p}");
        }
        for p in [
            "site.yaml~",
            "public/index.html",
            ".git/HEAD",
            "content/.facebook.de.md.swp",
            "content/facebook.de.md~",
            "content/#facebook.de.md#",
            "content/.#facebook.de.md",
            "content/facebook.de.md.tmp",
            "content/.hidden/x.md",
            "themes/default/static/style.css___jb_tmp___",
            "site.yaml/x",
        ] {
            assert!(!is_source(Path::new(p)), "{p}");
        }
    }

    struct NoWatcher;
    impl Watcher for NoWatcher {
        fn new<F: notify::EventHandler>(_: F, _: notify::Config) -> notify::Result<Self> {
            Ok(NoWatcher)
        }
        fn watch(&mut self, _: &Path, _: RecursiveMode) -> notify::Result<()> {
            Ok(())
        }
        fn unwatch(&mut self, _: &Path) -> notify::Result<()> {
            Ok(())
        }
        fn kind() -> notify::WatcherKind {
            notify::WatcherKind::NullWatcher
        }
    }

    #[test]
    fn temp_files_vanish_and_folders_take_their_files_along() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("content/guides")).unwrap();
        std::fs::write(root.join("content/guides/a.de.md"), "a").unwrap();
        std::fs::write(root.join("content/guides/b.de.md"), "b").unwrap();
        std::fs::write(root.join("content/c.de.md"), "c").unwrap();
        let mut t = Tracker::scan(root);
        let mut w = NoWatcher;

        // A temporary file that was created and renamed away within the burst: nothing.
        let mut batch = Batch::default();
        batch.paths.insert(root.join("content/guides/sed3xYz"));
        batch.paths.insert(root.join("content/guides/a.de.md"));
        assert_eq!(
            t.resolve(&batch, &mut w),
            vec![PathBuf::from("content/guides/a.de.md")]
        );

        // The folder moves: its files are gone, the new folder's files are new.
        std::fs::rename(root.join("content/guides"), root.join("content/howto")).unwrap();
        let mut batch = Batch::default();
        for p in ["content/guides", "content/howto"] {
            batch.paths.insert(root.join(p));
            batch.structural.insert(root.join(p));
        }
        assert_eq!(
            t.resolve(&batch, &mut w),
            [
                "content/guides/a.de.md",
                "content/guides/b.de.md",
                "content/howto/a.de.md",
                "content/howto/b.de.md"
            ]
            .map(PathBuf::from)
        );
        // `content/c.de.md` sorts after `content/guides…` and was not touched.
        assert!(t.known.contains(Path::new("content/c.de.md")));
    }
}
