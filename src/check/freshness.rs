//! Guides that may no longer be true: past their review date, or past an opt-out deadline that
//! their text does not mention. (Placeholders left by `optout new` are the content stage's
//! errors in `check`.)
//!
//! A deadline counts as noted when the text of every language version names its date (as the
//! site writes dates: `26. Mai 2025`, `26 May 2025`, or `2025-05-26`) and says it has passed
//! (`abgelaufen`, `verstrichen`, `vorbei`; `passed`, `expired`, `over`).

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::build::Project;
use crate::content::{CONTENT_DIR, GuideMeta};
use crate::error::{Diagnostic, Diagnostics};
use crate::render::functions::localized;

/// Words that say a deadline has passed, per language; other languages use the English ones.
fn passed_words(lang: &str) -> &'static [&'static str] {
    match lang {
        "de" => &["abgelaufen", "verstrichen", "vorbei"],
        _ => &["passed", "expired", "over"],
    }
}

#[derive(Debug, Default)]
pub struct Findings {
    pub overdue: Diagnostics,
    pub deadlines: Diagnostics,
}

pub fn findings(project: &Project, today: NaiveDate) -> Findings {
    let site = &project.site;
    let root = &project.options.root;
    let mut found = Findings::default();
    // One finding per guide, not per language: the facts live in the shared `.yaml`.
    let mut seen = std::collections::HashSet::new();
    for node in &site.nodes {
        let Some(guide) = &node.doc.meta.guide else {
            continue;
        };
        if !seen.insert(&node.doc.key) {
            continue;
        }
        let neutral = PathBuf::from(CONTENT_DIR).join(node.doc.key.neutral_path());
        let file = if root.join(&neutral).is_file() {
            neutral
        } else {
            node.doc.display_path()
        };
        let at = |d: Diagnostic, key: &str| match super::key_line_in(root, &file, key) {
            Some(line) => d.at(line, 1),
            None => d,
        };
        if let Some(d) = overdue(guide, today, &file) {
            found.overdue.push(at(d, "last_verified"));
        }
        let Some(deadline) = guide.opt_out.deadline.filter(|d| *d < today) else {
            continue;
        };
        let versions = site
            .config
            .langs()
            .filter_map(|l| site.find(&node.doc.key, l))
            .map(|id| &site.node(id).doc);
        for doc in versions {
            if !notes_deadline(&doc.body, deadline, doc.lang.as_str()) {
                found.deadlines.push(at(
                    Diagnostic::warning(
                        &file,
                        format!(
                            "the opt-out deadline {deadline} has passed, but {} does not say so",
                            doc.display_path().display()
                        ),
                    ),
                    "deadline",
                )
                .hint(format!(
                    "add a note to the text with the date (»{}«) saying it has passed ({}), and what objecting still does",
                    localized(deadline, doc.lang.as_str()),
                    passed_words(doc.lang.as_str()).join(", ")
                )));
            }
        }
    }
    found
}

/// `next_review` = `last_verified` + `review_every_days`, as the guide page shows it.
fn overdue(guide: &GuideMeta, today: NaiveDate, file: &std::path::Path) -> Option<Diagnostic> {
    let next = guide.last_verified + chrono::Days::new(u64::from(guide.review_every_days));
    let days = (today - next).num_days();
    (days > 0).then(|| {
        Diagnostic::warning(
            file,
            format!(
                "review overdue by {}: last verified {}, due {next} (every {} days)",
                crate::report::count(days as usize, "day"),
                guide.last_verified,
                guide.review_every_days
            ),
        )
        .hint(format!(
            "check the facts against the sources, then set `last_verified: {today}`"
        ))
    })
}

/// Whether a body names the deadline's date and says it has passed.
fn notes_deadline(body: &str, deadline: NaiveDate, lang: &str) -> bool {
    let lower = body.to_lowercase();
    let dates = [
        localized(deadline, lang),
        localized(deadline, "en"),
        deadline.to_string(),
    ];
    dates.iter().any(|d| lower.contains(&d.to_lowercase()))
        && passed_words(lang)
            .iter()
            .chain(passed_words("en"))
            .any(|w| lower.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_names_the_date_and_says_it_passed() {
        let day = NaiveDate::from_ymd_opt(2025, 5, 26).unwrap();
        assert!(notes_deadline(
            "Die Frist vom 26. Mai 2025 ist abgelaufen.",
            day,
            "de"
        ));
        assert!(notes_deadline(
            "The deadline of 26 May 2025 has passed.",
            day,
            "en"
        ));
        assert!(!notes_deadline("Frist: 26. Mai 2025.", day, "de"));
        assert!(!notes_deadline("Die Frist ist abgelaufen.", day, "de"));
    }
}
