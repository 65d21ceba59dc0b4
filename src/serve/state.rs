//! The served site and what one rebuild does.
//!
//! [`SiteState`] is the only thing requests read: the [`Preview`] (every output in memory), the
//! errors of the last update and a generation counter. A rebuild holds the write lock while it
//! runs, so a request never sees a half-applied update; it waits the few milliseconds and gets
//! the new version. Nothing a rebuild does can end the watcher: content errors are values, and
//! a panic in the pipeline is caught and reported like one.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::sync::{RwLock, broadcast, watch};

use super::live::LiveEvent;
use crate::build::BuildOptions;
use crate::error::{Diagnostic, Diagnostics};
use crate::rebuild::{ChangeSummary, Preview};
use crate::report::{Terminal, count, pages_summary};

pub(crate) struct SiteState {
    /// `None` until the site has built once.
    pub preview: Option<Preview>,
    /// Errors of the last update; empty when it succeeded. While there are errors the last good
    /// version keeps being served and every browser shows them in an overlay.
    pub errors: Diagnostics,
    /// Counts updates that changed something; a browser that reconnects with another value
    /// knows it missed one.
    pub generation: u64,
    /// `/` or `/optout/`: where the site and the reserved `__optout/` files are served.
    pub base_path: String,
}

/// What the HTTP tasks and the watcher thread share.
pub(crate) struct Shared {
    pub site: RwLock<SiteState>,
    pub events: broadcast::Sender<Arc<LiveEvent>>,
    /// Distinguishes this server process from the previous one for reconnecting browsers.
    pub instance: String,
    stop: watch::Sender<bool>,
}

impl Shared {
    pub fn new(base_path: String) -> Self {
        let (events, _) = broadcast::channel(64);
        let (stop, _) = watch::channel(false);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        Shared {
            site: RwLock::new(SiteState {
                preview: None,
                errors: Diagnostics::new(),
                generation: 0,
                base_path,
            }),
            events,
            instance: format!("{:x}-{:x}", std::process::id(), nanos),
            stop,
        }
    }

    pub fn stop(&self) {
        self.stop.send_replace(true);
    }

    /// Resolves once [`Shared::stop`] was called.
    pub fn stopped(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut rx = self.stop.subscribe();
        async move {
            let _ = rx.wait_for(|s| *s).await;
        }
    }

    pub fn stop_receiver(&self) -> watch::Receiver<bool> {
        self.stop.subscribe()
    }

    pub fn base_path(&self) -> String {
        self.site.blocking_read().base_path.clone()
    }

    pub fn served_paths(&self) -> Vec<String> {
        let st = self.site.blocking_read();
        st.preview
            .as_ref()
            .map(|p| p.outputs.files.keys().cloned().collect())
            .unwrap_or_default()
    }

    pub fn generation(&self) -> u64 {
        self.site.blocking_read().generation
    }

    /// Whether a search index is still to be rebuilt after the last update.
    pub fn search_is_due(&self) -> bool {
        let st = self.site.blocking_read();
        st.preview.as_ref().is_some_and(Preview::search_is_due)
    }

    /// Sends to every connected browser; nobody listening is fine.
    fn send(&self, event: LiveEvent) {
        let _ = self.events.send(Arc::new(event));
    }
}

/// Builds the whole site; a panic becomes an error like any other.
pub(crate) fn build_fresh(options: &BuildOptions) -> (Option<Preview>, Diagnostics) {
    match catch_unwind(AssertUnwindSafe(|| Preview::new(options.clone()))) {
        Ok(Ok(p)) => (Some(p), Diagnostics::new()),
        Ok(Err(d)) => (None, d.sorted()),
        Err(panic) => (None, panic_diagnostic(panic, &[]).into()),
    }
}

fn panic_diagnostic(panic: Box<dyn std::any::Any + Send>, paths: &[PathBuf]) -> Diagnostic {
    let msg = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    let file = paths
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("site.yaml"));
    Diagnostic::error(file, format!("internal error while rebuilding: {msg}")).hint(
        "this is a bug in optout; the last good version stays served and the next change rebuilds the whole site",
    )
}

enum Outcome {
    /// An incremental update.
    Applied(ChangeSummary),
    /// The whole site was built anew (first success, recovery after a panic, new base path).
    Fresh(ChangeSummary),
    Failed(Diagnostics),
}

/// Runs rebuilds on the watcher thread and tells the terminal and the browsers about them.
pub(crate) struct Rebuilder {
    shared: Arc<Shared>,
    options: BuildOptions,
    terminal: Terminal,
    /// After a panic the in-memory site may be inconsistent: the next update starts afresh.
    needs_fresh: bool,
    /// Paths of failed updates. They are applied again with the next batch, so fixing another
    /// file cannot hide a file that is still broken, however the core treats a failed update.
    pending: Vec<PathBuf>,
    /// The warnings last printed, to say when they are unchanged instead of repeating them.
    last_warnings: Diagnostics,
    /// How many drafts were left out when it was last said, to say it again when that changes.
    last_drafts: usize,
}

impl Rebuilder {
    pub fn new(shared: Arc<Shared>, options: BuildOptions, terminal: Terminal) -> Self {
        Rebuilder {
            shared,
            options,
            terminal,
            needs_fresh: false,
            pending: Vec::new(),
            last_warnings: Diagnostics::new(),
            last_drafts: 0,
        }
    }

    /// Installs the result of the first build and prints it.
    pub fn install_initial(
        &mut self,
        preview: Option<Preview>,
        errors: Diagnostics,
        took: Duration,
    ) {
        let shared = self.shared.clone();
        let mut st = shared.site.blocking_write();
        match &preview {
            Some(p) => {
                let pages = p.project.pages_per_lang();
                self.terminal
                    .line(pages_summary("Built", &pages, took.as_millis()));
                self.report_warnings(&p.project.warnings.all());
                self.report_drafts(&p.project.drafts_left_out);
            }
            None => {
                self.terminal
                    .errors(&errors, "the preview shows them until they are fixed");
                // Fix the files and save: the whole site is built on the next change.
                self.pending.clear();
            }
        }
        st.preview = preview;
        st.errors = errors;
    }

    /// Applies one batch of changed source paths (relative to the root).
    pub fn rebuild(&mut self, paths: &[PathBuf]) {
        let started = Instant::now();
        let mut all: Vec<PathBuf> = self.pending.iter().chain(paths).cloned().collect();
        all.sort();
        all.dedup();
        let full = Preview::starts_over(&all);

        let shared = self.shared.clone();
        // A whole new build (site.yaml, recovery) takes seconds on a large site: do it before
        // taking the write lock, so the last good site is served meanwhile.
        let prebuilt = if full || self.needs_fresh || shared.site.blocking_read().preview.is_none()
        {
            Some(build_fresh(&self.options))
        } else {
            None
        };
        let mut guard = shared.site.blocking_write();
        let st = &mut *guard;
        let had_errors = !st.errors.is_empty();
        let mut outcome = match (&mut st.preview, prebuilt) {
            (_, Some(result)) => self.install_fresh(st, result),
            (Some(preview), None) => match catch_unwind(AssertUnwindSafe(|| preview.apply(&all))) {
                Ok(Ok(summary)) => Outcome::Applied(summary),
                Ok(Err(d)) => Outcome::Failed(d.sorted()),
                Err(panic) => {
                    self.needs_fresh = true;
                    Outcome::Failed(panic_diagnostic(panic, &all).into())
                }
            },
            _ => self.fresh(st),
        };
        // A new base path moves the reload script: build again with its new URL.
        if !matches!(outcome, Outcome::Failed(_)) {
            let new_base = st
                .preview
                .as_ref()
                .map(|p| p.project.config.base_path.clone())
                .unwrap_or_default();
            if new_base != st.base_path {
                st.base_path = new_base.clone();
                self.options.render.live_reload = Some(super::live_reload_url(&new_base));
                outcome = self.fresh(st);
            }
        }

        match outcome {
            Outcome::Applied(summary) => self.succeeded(st, summary, had_errors, full, started),
            // A fresh build may differ anywhere: every page reloads.
            Outcome::Fresh(summary) => self.succeeded(st, summary, true, full, started),
            Outcome::Failed(diags) => {
                self.pending = all;
                self.terminal.errors(
                    &diags,
                    if st.preview.is_some() {
                        "still serving the last good version"
                    } else {
                        "the site has not built yet"
                    },
                );
                self.shared.send(LiveEvent::error(&diags));
                st.errors = diags;
            }
        }
    }

    /// Whether an update left a search index to rebuild.
    pub fn search_is_due(&self) -> bool {
        self.shared.search_is_due()
    }

    /// Rebuilds the search index updates left due, once the pages are served and the browsers
    /// told (the watcher calls it when no change followed for a moment): under a read lock, so
    /// pages keep being served meanwhile (most of a second on a site of 10,000 pages per
    /// language), then swapped in under a short write lock. No page reloads for it: the search
    /// client asks for the index afresh on every first query.
    pub fn update_search(&mut self) {
        let shared = self.shared.clone();
        let rendered = {
            let st = shared.site.blocking_read();
            match &st.preview {
                Some(p) if p.search_is_due() => {
                    catch_unwind(AssertUnwindSafe(|| p.render_due_search()))
                }
                _ => return,
            }
        };
        match rendered {
            Ok(Ok(search)) => {
                let mut st = shared.site.blocking_write();
                if let Some(p) = st.preview.as_mut() {
                    p.install_search(search);
                }
            }
            Ok(Err(diags)) => {
                self.forget_due_search();
                self.terminal
                    .errors(&diags, "the search index stays as it was");
            }
            Err(panic) => {
                self.forget_due_search();
                self.needs_fresh = true;
                self.terminal.errors(
                    &panic_diagnostic(panic, &self.pending).into(),
                    "the next change builds the whole site",
                );
            }
        }
    }

    /// Once a rebuild of the index failed, it is not retried until the next update: the watcher
    /// would otherwise try again every time saves pause.
    fn forget_due_search(&self) {
        let mut st = self.shared.site.blocking_write();
        if let Some(p) = st.preview.as_mut() {
            p.forget_due_search();
        }
    }

    /// Builds the whole site and, on success, replaces the served one.
    fn fresh(&mut self, st: &mut SiteState) -> Outcome {
        let result = build_fresh(&self.options);
        self.install_fresh(st, result)
    }

    /// Replaces the served site with a whole new build, if it built.
    fn install_fresh(
        &mut self,
        st: &mut SiteState,
        (preview, errors): (Option<Preview>, Diagnostics),
    ) -> Outcome {
        match preview {
            Some(p) => {
                let summary = match &st.preview {
                    Some(old) => crate::rebuild::diff(&old.outputs, &p.outputs),
                    None => ChangeSummary {
                        changed: p.outputs.files.keys().cloned().collect(),
                        ..Default::default()
                    },
                };
                st.preview = Some(p);
                self.needs_fresh = false;
                Outcome::Fresh(summary)
            }
            None => Outcome::Failed(errors),
        }
    }

    fn succeeded(
        &mut self,
        st: &mut SiteState,
        summary: ChangeSummary,
        had_errors: bool,
        full: bool,
        started: Instant,
    ) {
        self.pending.clear();
        st.errors = Diagnostics::new();
        let changed_anything = !summary.changed.is_empty() || !summary.removed.is_empty();
        if changed_anything || had_errors {
            st.generation += 1;
        }
        let generation = st.generation;
        if had_errors {
            self.shared.send(LiveEvent::ok(generation));
        } else if !changed_anything {
            // Saved without a change (or a file nothing uses): nothing to tell the browsers.
        } else if summary.css_only {
            self.shared.send(LiveEvent::css(&summary, generation));
        } else {
            self.shared
                .send(LiveEvent::reload(&summary, full, generation));
        }
        self.terminal
            .line(rebuild_line(&summary, started.elapsed()));
        if let Some(p) = &st.preview {
            self.report_warnings(&p.project.warnings.all());
            self.report_drafts(&p.project.drafts_left_out);
        }
    }

    /// The drafts rule, said on start and again when a draft comes or goes (`optout new` while
    /// the preview runs): a page that is not served is never a silent 404.
    fn report_drafts(&mut self, drafts: &[PathBuf]) {
        if drafts.len() == self.last_drafts {
            return;
        }
        self.last_drafts = drafts.len();
        if let Some(line) = crate::report::drafts_left_out(drafts.len()) {
            self.terminal.line(line);
        }
    }

    /// Prints the warnings of the site as it is now: the list when it changed, else how many
    /// are still there.
    fn report_warnings(&mut self, warnings: &Diagnostics) {
        if *warnings != self.last_warnings {
            if warnings.is_empty() {
                self.terminal.line("No warnings left");
            }
            self.terminal.diagnostics(warnings);
            self.last_warnings = warnings.clone();
        } else if !warnings.is_empty() {
            self.terminal
                .line(format!("{} as before", count(warnings.len(), "warning")));
        }
    }
}

/// `Rebuilt 3 pages in 4 ms`, and how many output files changed when that says more.
pub(crate) fn rebuild_line(summary: &ChangeSummary, took: Duration) -> String {
    let changed_pages = summary
        .changed
        .iter()
        .filter(|p| p.ends_with(".html"))
        .count();
    let pages = summary.rendered_pages.max(changed_pages);
    let mut line = format!(
        "Rebuilt {} in {} ms",
        count(pages, "page"),
        took.as_millis()
    );
    let changed = summary.changed.len();
    let removed = summary.removed.len();
    let mut details = Vec::new();
    if changed != pages || removed > 0 {
        details.push(format!("{} changed", count(changed, "file")));
    }
    if removed > 0 {
        details.push(format!("{removed} removed"));
    }
    if !details.is_empty() {
        line.push_str(&format!(" ({})", details.join(", ")));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rebuild_line_counts_pages_and_files() {
        let s = ChangeSummary {
            changed: vec![
                "de/a/index.html".into(),
                "de/b/index.html".into(),
                "sitemap.xml".into(),
            ],
            removed: vec!["de/c/index.html".into()],
            css_only: false,
            rendered_pages: 2,
        };
        assert_eq!(
            rebuild_line(&s, Duration::from_millis(4)),
            "Rebuilt 2 pages in 4 ms (3 files changed, 1 removed)"
        );
        let one = ChangeSummary {
            changed: vec!["de/index.html".into()],
            rendered_pages: 1,
            ..Default::default()
        };
        assert_eq!(
            rebuild_line(&one, Duration::from_millis(3)),
            "Rebuilt 1 page in 3 ms"
        );
    }
}
