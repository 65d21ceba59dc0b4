//! Translation drift: which version of its original a translation was made from.
//!
//! A translation records a [`TranslationMark`] of its original (`translation_of` in its front
//! matter); comparing it with the original's current [`Fingerprint`] says whether the original
//! changed since, and which of its parts. Pure functions of documents, so `check`, the
//! `translations` command and the page's "may be out of date" notice all agree without git.
//!
//! What counts as a change: the title, the description and the body's blocks (headings,
//! paragraphs, lists, tables, code …), each compared with its whitespace collapsed. Re-wrapping
//! a paragraph, trailing spaces, blank lines and every other front matter key are not changes.

use std::ops::Range;

use chrono::NaiveDate;
use pulldown_cmark::{Event, Options, Parser, Tag};
use sha2::{Digest, Sha256};

use crate::content::Document;
use crate::content::meta::TranslationMark;

/// One part of a document, as the fingerprint sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// `t` title, `d` description, `h` heading, `p` any other block.
    pub kind: char,
    pub hash: u16,
    /// Byte range in the document's body (empty for the title and description).
    pub range: Range<usize>,
}

/// The original's state: a hash over all its parts, and one per part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    pub hash: String,
    pub blocks: Vec<Block>,
}

impl Fingerprint {
    /// The mark a translation of this document made today carries.
    pub fn mark(&self, original: &Document, today: NaiveDate) -> TranslationMark {
        TranslationMark {
            original: original.lang.clone(),
            marked: today,
            hash: self.hash.clone(),
            blocks: self.blocks.iter().map(|b| (b.kind, b.hash)).collect(),
        }
    }
}

/// Block structure only; inline options (smart punctuation) do not move block boundaries.
fn block_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// The fingerprint of a document's title, description and body.
pub fn fingerprint(doc: &Document) -> Fingerprint {
    let mut whole = Sha256::new();
    let mut blocks = Vec::new();
    let mut add = |kind: char, text: &str, range: Range<usize>| {
        let normal = normalise(text);
        if normal.is_empty() {
            return;
        }
        let digest = Sha256::new()
            .chain_update([kind as u8])
            .chain_update(normal.as_bytes())
            .finalize();
        whole.update(digest);
        blocks.push(Block {
            kind,
            hash: u16::from_be_bytes([digest[0], digest[1]]),
            range,
        });
    };
    add('t', &doc.meta.title, 0..0);
    add('d', doc.meta.description.as_deref().unwrap_or(""), 0..0);
    for (kind, range) in body_blocks(&doc.body) {
        add(kind, &doc.body[range.clone()], range);
    }
    let digest = whole.finalize();
    let hash = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    Fingerprint { hash, blocks }
}

/// Whitespace collapsed to single spaces: re-wrapping or re-indenting is not a change.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The top-level blocks of a Markdown body, by pulldown-cmark (the parser the Markdown stage
/// uses), with their kind and byte range.
fn body_blocks(body: &str) -> Vec<(char, Range<usize>)> {
    let mut blocks = Vec::new();
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(body, block_options()).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    let kind = if matches!(tag, Tag::Heading { .. }) {
                        'h'
                    } else {
                        'p'
                    };
                    blocks.push((kind, range));
                }
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            // A leaf block without a start tag (a rule, a lone HTML line).
            _ if depth == 0 => blocks.push(('p', range)),
            _ => {}
        }
    }
    blocks
}

/// How a translation stands against its original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    InStep,
    Outdated(Changes),
}

/// What changed in the original since the mark.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// The original's blocks that are new or changed since the mark.
    pub changed: Vec<Block>,
    /// How many blocks of each kind the mark had that are gone now (`t`, `d`, `h`, `p`).
    pub removed: Vec<(char, usize)>,
}

/// Compares the original's fingerprint with a translation's mark.
pub fn compare(original: &Fingerprint, mark: &TranslationMark) -> Drift {
    if original.hash == mark.hash {
        return Drift::InStep;
    }
    // Multisets of (kind, hash): a block whose hash the mark does not have is new or changed.
    let mut old: Vec<(char, u16)> = mark.blocks.clone();
    let mut changes = Changes::default();
    for block in &original.blocks {
        match old.iter().position(|&b| b == (block.kind, block.hash)) {
            Some(i) => {
                old.swap_remove(i);
            }
            None => changes.changed.push(block.clone()),
        }
    }
    // A changed block is one gone and one new: only what is gone beyond that was removed.
    for kind in ['t', 'd', 'h', 'p'] {
        let gone = old.iter().filter(|(k, _)| *k == kind).count();
        let new = changes.changed.iter().filter(|b| b.kind == kind).count();
        let n = gone.saturating_sub(new);
        if n > 0 {
            changes.removed.push((kind, n));
        }
    }
    Drift::Outdated(changes)
}

/// A short summary of the changes for a person: `the title; heading »Fristen« (line 12);
/// 2 paragraphs under »Schritt für Schritt« (lines 15, 19); 1 paragraph removed`. A
/// "paragraph" is any block that is not a heading: a paragraph, list, table or code block.
pub fn summarise(original: &Document, fp: &Fingerprint, changes: &Changes) -> String {
    let line_of =
        |offset: usize| original.body_line + original.body[..offset].matches('\n').count();
    let heading_text = |range: &Range<usize>| {
        let text = original.body[range.clone()].trim_start_matches('#');
        let text = text.split(" {#").next().unwrap_or(text);
        let text = normalise(text.trim_end_matches('#'));
        shorten(&text, 40)
    };
    let mut parts: Vec<String> = Vec::new();
    // Blocks other than headings are grouped under the heading they follow.
    let mut group: Option<(String, Vec<usize>)> = None;
    let flush = |group: &mut Option<(String, Vec<usize>)>, parts: &mut Vec<String>| {
        if let Some((under, lines)) = group.take() {
            let n = lines.len();
            let what = if n == 1 {
                "1 paragraph"
            } else {
                &format!("{n} paragraphs")
            };
            let lines: Vec<String> = lines.iter().map(usize::to_string).collect();
            let where_ = if under.is_empty() {
                String::new()
            } else {
                format!(" under »{under}«")
            };
            let l = if n == 1 { "line" } else { "lines" };
            parts.push(format!("{what}{where_} ({l} {})", lines.join(", ")));
        }
    };
    for block in &changes.changed {
        match block.kind {
            't' => parts.push("the title".into()),
            'd' => parts.push("the description".into()),
            'h' => {
                flush(&mut group, &mut parts);
                parts.push(format!(
                    "heading »{}« (line {})",
                    heading_text(&block.range),
                    line_of(block.range.start)
                ));
            }
            _ => {
                let under = fp
                    .blocks
                    .iter()
                    .rev()
                    .find(|b| b.kind == 'h' && b.range.start < block.range.start)
                    .map(|h| heading_text(&h.range))
                    .unwrap_or_default();
                match &mut group {
                    Some((g, lines)) if *g == under => lines.push(line_of(block.range.start)),
                    _ => {
                        flush(&mut group, &mut parts);
                        group = Some((under, vec![line_of(block.range.start)]));
                    }
                }
            }
        }
    }
    flush(&mut group, &mut parts);
    for (kind, n) in &changes.removed {
        let noun = match kind {
            't' => "title",
            'd' => "description",
            'h' => "heading",
            _ => "paragraph",
        };
        parts.push(format!(
            "{n} {noun}{} removed",
            if *n == 1 { "" } else { "s" }
        ));
    }
    if parts.is_empty() {
        // Only the order of the parts changed.
        parts.push("the order of its parts".into());
    }
    parts.join("; ")
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Lang;
    use crate::content::{DocKey, DocKind, PageMeta};

    fn doc(title: &str, body: &str) -> Document {
        Document {
            source: "guides/x.de.md".into(),
            key: DocKey {
                dir: "guides".into(),
                name: "x".into(),
            },
            lang: Lang("de".into()),
            kind: DocKind::Page,
            meta: PageMeta {
                title: title.into(),
                description: Some("Beschreibung".into()),
                slug: None,
                date: None,
                updated: None,
                draft: false,
                weight: 0,
                tags: vec![],
                aliases: vec![],
                template: None,
                toc: true,
                guide: None,
                translation_of: None,
            },
            body: body.into(),
            body_line: 5,
        }
    }

    const BODY: &str = "## Schritte\n\nErster Absatz mit Text.\n\n- eins\n- zwei\n\n## Fristen\n\nZweiter Absatz.\n";

    fn marked(d: &Document) -> TranslationMark {
        let day = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        fingerprint(d).mark(d, day)
    }

    #[test]
    fn the_mark_round_trips_through_its_text() {
        let d = doc("Titel", BODY);
        let mark = marked(&d);
        assert_eq!(mark.blocks.len(), 2 + 5);
        let text = mark.to_string();
        assert!(text.starts_with("de 2026-12-05 "), "{text}");
        assert_eq!(TranslationMark::parse(&text), Some(mark));
        for bad in [
            "",
            "de",
            "de 2026-12-05",
            "de 2026-13-05 0123456789ab",
            "de 2026-12-05 0123",
            "de 2026-12-05 0123456789ab x1234",
            "de 2026-12-05 0123456789ab p12",
        ] {
            assert_eq!(TranslationMark::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn whitespace_is_not_a_change() {
        let d = doc("Titel", BODY);
        let mark = marked(&d);
        let rewrapped = doc(
            " Titel ",
            "## Schritte  \n\n\n\nErster Absatz\n   mit Text.   \n\n-   eins\n-   zwei\n\n## Fristen\n\nZweiter Absatz.",
        );
        assert_eq!(compare(&fingerprint(&rewrapped), &mark), Drift::InStep);
    }

    #[test]
    fn removed_parts_are_counted() {
        let d = doc("Titel", BODY);
        let mark = marked(&d);
        let shorter = doc("Titel", "## Schritte\n\nErster Absatz mit Text.\n");
        let fp = fingerprint(&shorter);
        let Drift::Outdated(changes) = compare(&fp, &mark) else {
            panic!("not outdated");
        };
        assert_eq!(
            summarise(&shorter, &fp, &changes),
            "1 heading removed; 2 paragraphs removed"
        );
    }

    #[test]
    fn a_changed_paragraph_is_named_with_its_heading_and_line() {
        let d = doc("Titel", BODY);
        let mark = marked(&d);
        let edited = doc(
            "Titel",
            &BODY.replace("Zweiter Absatz.", "Zweiter, neuer Absatz."),
        );
        let fp = fingerprint(&edited);
        let Drift::Outdated(changes) = compare(&fp, &mark) else {
            panic!("not outdated");
        };
        assert_eq!(
            summarise(&edited, &fp, &changes),
            "1 paragraph under »Fristen« (line 14)"
        );
        let retitled = doc(
            "Neuer Titel",
            &BODY.replace("## Fristen", "## Fristen 2026"),
        );
        let fp = fingerprint(&retitled);
        let Drift::Outdated(changes) = compare(&fp, &mark) else {
            panic!("not outdated");
        };
        assert_eq!(
            summarise(&retitled, &fp, &changes),
            "the title; heading »Fristen 2026« (line 12)"
        );
    }
}
