//! The index of one language, as the static files the client fetches.
//!
//! - Shards (`search/de/s12.json`): `{"f": {form: stem}, "p": {stem: [entry, score, …]}}`. A
//!   form (a folded word of the site, or a part of a compound) lives in the shard of its first two
//!   letters, a stem's postings in the shard of the stem's: a query word fetches one shard (two
//!   when its stem starts otherwise), and a word being typed finds every form it begins.
//! - Excerpts (`search/de/e3.json`): for a few pages each, `[title, section, url, [[heading,
//!   anchor, text], …]]`, fetched only for the results shown.
//!
//! An entry is one heading of one page, numbered `page * 64 + section`; [`TITLE_ENTRY`] stands
//! for the page's title and description, which count for the page as a whole. Scores are BM25
//! over entries, weighted by where the word is (title, heading, text) and by the kind of page
//! (a guide above a glossary mention), computed here so the client only adds them up.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use rayon::prelude::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::extract::PageText;
use super::words::{Analyzer, compound_parts, fold, fold_into, hyphen_pairs, tokens};

/// Sections a page is split into at most; later headings count for the last one.
pub const SECTIONS_PER_PAGE: usize = 64;
/// The entry of a page's title and description (the section number no heading gets).
pub const TITLE_ENTRY: usize = SECTIONS_PER_PAGE - 1;
/// The characters of a section's text kept for the excerpt.
pub const EXCERPT_CHARS: usize = 500;
/// Postings kept per stem, best first: on a site of thousands of pages a frequent word would
/// otherwise make its shard heavy, and the client shows a handful of results anyway.
pub const MAX_POSTINGS: usize = 300;

const TITLE_WEIGHT: f32 = 4.0;
const HEADING_WEIGHT: f32 = 3.0;
const TEXT_WEIGHT: f32 = 1.0;
/// A word of the title or description counts this much more than the same word in the text:
/// the page is about it. (A weight inside BM25's saturation would barely show.)
const TITLE_BOOST: f32 = 3.0;
/// A compound counts for its parts at this fraction of its weight.
const PART_WEIGHT: f32 = 0.5;
/// BM25 parameters.
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// One page as the index sees it.
pub struct IndexedPage<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// The title of the part of the site it belongs to ("Anleitungen"); empty at the top.
    pub section: &'a str,
    /// Its URL with the base path.
    pub url: String,
    /// How its matches rank against other pages': guides 1.5, listings 0.7, other pages 1.
    pub boost: f32,
    pub text: &'a PageText,
}

/// How a language's index is cut into files; known from the number of pages alone, so the list
/// of outputs is known before anything is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub shards: usize,
    pub pages_per_excerpt_file: usize,
    pub excerpt_files: usize,
}

impl Layout {
    /// 8 to 512 shards, about one per page; one page per excerpt file below 4,000 pages.
    pub fn for_pages(pages: usize) -> Layout {
        let shards = pages.next_power_of_two().clamp(8, 512);
        let per = (pages / 2000).max(1);
        Layout {
            shards,
            pages_per_excerpt_file: per,
            excerpt_files: pages.div_ceil(per),
        }
    }
}

/// The shard of a word: its first two characters (`search-engine.js` computes the same).
pub fn bucket(word: &str, shards: usize) -> usize {
    let mut cs = word.chars();
    let a = cs.next().map_or(0, |c| c as u32);
    let b = cs.next().map_or(0, |c| c as u32);
    ((a * 131 + b) % shards as u32) as usize
}

/// A language's index, serialised.
#[derive(Debug, Clone, Default)]
pub struct LangIndex {
    pub shards: Vec<String>,
    pub excerpts: Vec<String>,
    /// A hash of every file, for the client's cache (`s12.json?v=…`).
    pub version: String,
    /// Distinct forms (words and compound parts) the index knows.
    pub forms: usize,
}

/// Maps and sets with a fast hash: the keys are the site's own words, not attacker input that
/// could be chosen to collide (and a slow build is the worst that could happen).
type Map<K, V> = HashMap<K, V, ahash::RandomState>;
type Set<K> = HashSet<K, ahash::RandomState>;

/// One entry as (entry number, numbered forms with their weighted counts), before stemming.
type FormEntry = (usize, Vec<(u32, f32)>);

/// One entry as (entry number, numbered stems with their weight, length in weighted words).
type StemmedEntry = (usize, Vec<(u32, f32)>, f32);

pub fn build(pages: &[IndexedPage<'_>], analyzer: &Analyzer, layout: Layout) -> LangIndex {
    // 1. Every page's entries as numbered forms (folded words) with their weights. Chunks of
    //    pages number their forms on their own, in parallel, and are merged here: each word
    //    allocated once per chunk, not once per entry, which kept a 2 × 10,000 page site's
    //    index at hundreds of MB.
    let chunks: Vec<ChunkForms> = pages
        .par_chunks(PAGES_PER_CHUNK)
        .enumerate()
        .map(|(c, chunk)| chunk_forms(c * PAGES_PER_CHUNK, chunk, analyzer))
        .collect();
    let mut form_ids: Map<String, u32> = Map::default();
    let mut distinct: Vec<String> = Vec::new();
    let mut entry_forms: Vec<Vec<FormEntry>> = Vec::with_capacity(chunks.len());
    for chunk in chunks {
        let global: Vec<u32> = chunk
            .forms
            .into_iter()
            .map(|form| {
                let next = distinct.len() as u32;
                *form_ids.entry(form).or_insert_with_key(|form| {
                    distinct.push(form.clone());
                    next
                })
            })
            .collect();
        let mut entries = chunk.entries;
        for (_, forms) in &mut entries {
            for (form, _) in forms.iter_mut() {
                *form = global[*form as usize];
            }
        }
        entry_forms.push(entries);
    }
    drop(form_ids);
    // 2. Each distinct form once: its stem and, in German, its parts. Stems are numbered.
    let known: Set<&str> = distinct
        .iter()
        .map(String::as_str)
        .filter(|f| f.chars().count() >= 4 && f.chars().all(char::is_alphabetic))
        .collect();
    let analysed: Vec<Analysed> = distinct
        .par_iter()
        .map(|form| analyse(form, analyzer, &known))
        .collect();
    let mut stem_ids: Map<&str, u32> = Map::default();
    let mut stems: Vec<&str> = Vec::new();
    let mut form_terms: Vec<(u32, Vec<u32>)> = Vec::with_capacity(distinct.len());
    for a in &analysed {
        let own = intern(&a.stem, &mut stem_ids, &mut stems);
        let parts: Vec<u32> = a
            .parts
            .iter()
            .map(|(_, part_stem)| intern(part_stem, &mut stem_ids, &mut stems))
            .filter(|&id| id != own)
            .collect();
        form_terms.push((own, parts));
    }
    // 3. Entries as numbered stems with their weight; document frequencies.
    let entries: Vec<StemmedEntry> = entry_forms
        .par_iter()
        .flat_map_iter(|chunk| chunk.iter())
        .map(|(id, forms)| {
            let mut terms: Map<u32, f32> = Map::default();
            let mut length = 0.0;
            for &(form, weight) in forms {
                let (own, parts) = &form_terms[form as usize];
                *terms.entry(*own).or_default() += weight;
                length += weight;
                for part in parts {
                    *terms.entry(*part).or_default() += weight * PART_WEIGHT;
                }
            }
            (*id, terms.into_iter().collect(), length)
        })
        .collect();
    drop(entry_forms);
    let mut df = vec![0u32; stems.len()];
    for (_, terms, _) in &entries {
        for (stem, _) in terms {
            df[*stem as usize] += 1;
        }
    }
    let n = entries.len().max(1) as f32;
    let avg = entries.iter().map(|(_, _, l)| l).sum::<f32>() / n;
    // 4. Scored postings per stem, best first.
    let mut postings: Vec<Vec<(usize, u32)>> = vec![Vec::new(); stems.len()];
    for (id, terms, length) in &entries {
        let mut boost = pages[id / SECTIONS_PER_PAGE].boost;
        if id % SECTIONS_PER_PAGE == TITLE_ENTRY {
            boost *= TITLE_BOOST;
        }
        for &(stem, tf) in terms {
            let d = df[stem as usize] as f32;
            let idf = (1.0 + (n - d + 0.5) / (d + 0.5)).ln();
            let norm = tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * length / avg.max(1.0)));
            let score = (boost * idf * norm * 10.0).round().max(1.0) as u32;
            postings[stem as usize].push((*id, score));
        }
    }
    postings.par_iter_mut().for_each(|list| {
        list.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        list.truncate(MAX_POSTINGS);
    });
    let postings: Vec<(&str, &Vec<(usize, u32)>)> = stems.iter().copied().zip(&postings).collect();
    // 5. Forms and postings into their shards.
    let mut shard_forms: Vec<BTreeMap<&str, &str>> = vec![BTreeMap::new(); layout.shards];
    for (form, a) in distinct.iter().zip(&analysed) {
        shard_forms[bucket(form, layout.shards)].insert(form.as_str(), &a.stem);
        for (part, part_stem) in &a.parts {
            shard_forms[bucket(part, layout.shards)].insert(part, part_stem);
        }
    }
    let forms = shard_forms.iter().map(BTreeMap::len).sum();
    let mut shard_postings: Vec<BTreeMap<&str, Vec<usize>>> = vec![BTreeMap::new(); layout.shards];
    for (stem, list) in postings {
        let flat = list
            .iter()
            .flat_map(|&(id, score)| [id, score as usize])
            .collect();
        shard_postings[bucket(stem, layout.shards)].insert(stem, flat);
    }
    // Hyphenated pairs ("opt out") in the shard of their first word, only where there are any.
    let mut shard_pairs: Vec<BTreeSet<String>> = vec![BTreeSet::new(); layout.shards];
    for pair in site_hyphen_pairs(pages, analyzer) {
        let first = pair.split(' ').next().unwrap_or_default();
        shard_pairs[bucket(first, layout.shards)].insert(pair);
    }
    let shards: Vec<String> = shard_forms
        .par_iter()
        .zip(&shard_postings)
        .zip(&shard_pairs)
        .map(|((f, p), h)| {
            if h.is_empty() {
                to_json(&json!({"f": f, "p": p}))
            } else {
                to_json(&json!({"f": f, "p": p, "h": h}))
            }
        })
        .collect();
    let excerpts: Vec<String> = pages
        .par_chunks(layout.pages_per_excerpt_file)
        .map(|chunk| to_json(&Value::Array(chunk.iter().map(excerpt).collect())))
        .collect();
    let mut hash = Sha256::new();
    for file in shards.iter().chain(&excerpts) {
        hash.update(file.as_bytes());
        hash.update([0]);
    }
    let version: String = hash.finalize()[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    LangIndex {
        shards,
        excerpts,
        version,
        forms,
    }
}

/// Every pair of indexed words the site writes joined by a hyphen, folded: `opt-out` → `opt out`.
fn site_hyphen_pairs(pages: &[IndexedPage<'_>], analyzer: &Analyzer) -> Set<String> {
    pages
        .par_iter()
        .map(|page| {
            let mut pairs = Set::default();
            let texts = [page.title, page.description].into_iter().chain(
                page.text
                    .sections
                    .iter()
                    .flat_map(|s| [s.heading.as_str(), s.text.as_str()]),
            );
            for text in texts {
                for (first, second) in hyphen_pairs(text) {
                    let (first, second) = (fold(first), fold(second));
                    if analyzer.indexes(&first) && analyzer.indexes(&second) {
                        pairs.insert(format!("{first} {second}"));
                    }
                }
            }
            pairs
        })
        .reduce(Set::default, |mut all, page| {
            all.extend(page);
            all
        })
}

/// The number of `stem`, given on first sight.
fn intern<'s>(stem: &'s str, ids: &mut Map<&'s str, u32>, stems: &mut Vec<&'s str>) -> u32 {
    *ids.entry(stem).or_insert_with(|| {
        stems.push(stem);
        (stems.len() - 1) as u32
    })
}

/// A form's stem and its compound parts with theirs.
struct Analysed {
    stem: String,
    parts: Vec<(String, String)>,
}

fn analyse(form: &str, analyzer: &Analyzer, known: &Set<&str>) -> Analysed {
    let parts = if analyzer.splits_compounds() {
        compound_parts(form, known)
            .into_iter()
            .map(|p| {
                let s = analyzer.stem(&p);
                (p, s)
            })
            .collect()
    } else {
        Vec::new()
    };
    Analysed {
        stem: analyzer.stem(form),
        parts,
    }
}

/// Pages whose words are numbered together before the numbers are merged for the language.
const PAGES_PER_CHUNK: usize = 128;

/// The entries of a run of pages, their forms numbered within the run.
struct ChunkForms {
    /// The run's forms; a form's number is its place here.
    forms: Vec<String>,
    /// (entry number, numbered forms with their weighted counts).
    entries: Vec<FormEntry>,
}

/// The number [`FormNumbers`] gives a word that is not indexed.
const NOT_INDEXED: u32 = u32::MAX;

/// Numbers the folded forms of a run of pages.
#[derive(Default)]
struct FormNumbers {
    ids: Map<String, u32>,
    forms: Vec<String>,
    /// The fold buffer, reused for every word.
    folded: String,
}

/// The entries of the pages `chunk`, the first of which is page `first`.
fn chunk_forms(first: usize, chunk: &[IndexedPage<'_>], analyzer: &Analyzer) -> ChunkForms {
    let mut numbers = FormNumbers::default();
    let mut entries = Vec::new();
    for (i, page) in chunk.iter().enumerate() {
        for (entry, weights) in entry_forms(first + i, page, analyzer, &mut numbers) {
            entries.push((entry, weights.into_iter().collect()));
        }
    }
    ChunkForms {
        forms: numbers.forms,
        entries,
    }
}

/// The entries of page `p`: its title entry and one per section, as numbered forms.
fn entry_forms(
    p: usize,
    page: &IndexedPage<'_>,
    analyzer: &Analyzer,
    numbers: &mut FormNumbers,
) -> Vec<(usize, Map<u32, f32>)> {
    let base = p * SECTIONS_PER_PAGE;
    let mut title = Map::default();
    add_words(&mut title, page.title, TITLE_WEIGHT, analyzer, numbers);
    add_words(&mut title, page.description, TEXT_WEIGHT, analyzer, numbers);
    let mut out = vec![(base + TITLE_ENTRY, title)];
    for (i, section) in page.text.sections.iter().enumerate() {
        let slot = i.min(TITLE_ENTRY - 1);
        if slot < i {
            // Past the last slot: the text counts for the last section.
            if let Some((_, last)) = out.last_mut() {
                add_words(last, &section.heading, HEADING_WEIGHT, analyzer, numbers);
                add_words(last, &section.text, TEXT_WEIGHT, analyzer, numbers);
            }
            continue;
        }
        let mut forms = Map::default();
        add_words(
            &mut forms,
            &section.heading,
            HEADING_WEIGHT,
            analyzer,
            numbers,
        );
        add_words(&mut forms, &section.text, TEXT_WEIGHT, analyzer, numbers);
        out.push((base + slot, forms));
    }
    out
}

fn add_words(
    forms: &mut Map<u32, f32>,
    text: &str,
    weight: f32,
    analyzer: &Analyzer,
    numbers: &mut FormNumbers,
) {
    for word in tokens(text) {
        fold_into(word, &mut numbers.folded);
        let id = match numbers.ids.get(numbers.folded.as_str()) {
            Some(&NOT_INDEXED) => continue,
            Some(&id) => id,
            None if analyzer.indexes(&numbers.folded) => {
                let id = numbers.forms.len() as u32;
                numbers.forms.push(numbers.folded.clone());
                numbers.ids.insert(numbers.folded.clone(), id);
                id
            }
            None => {
                // A stop word or a single letter, remembered so it is judged once.
                numbers.ids.insert(numbers.folded.clone(), NOT_INDEXED);
                continue;
            }
        };
        *forms.entry(id).or_default() += weight;
    }
}

/// `value` as JSON with `<`, `>`, `&` and `"` inside strings written as `\u` escapes: the same
/// data to a JSON parser, and no markup (`<script>` from a title) in the file's bytes, should a
/// host ever serve it as HTML.
pub fn to_json(value: &Value) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, MarkupSafe);
    let _ = serde::Serialize::serialize(value, &mut ser);
    String::from_utf8(out).unwrap_or_default()
}

struct MarkupSafe;

impl serde_json::ser::Formatter for MarkupSafe {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut rest = fragment;
        while let Some(i) = rest.find(['<', '>', '&']) {
            writer.write_all(&rest.as_bytes()[..i])?;
            write!(writer, "\\u{:04x}", rest.as_bytes()[i])?;
            rest = &rest[i + 1..];
        }
        writer.write_all(rest.as_bytes())
    }

    fn write_char_escape<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        escape: serde_json::ser::CharEscape,
    ) -> std::io::Result<()> {
        match escape {
            serde_json::ser::CharEscape::Quote => writer.write_all(b"\\u0022"),
            other => serde_json::ser::CompactFormatter.write_char_escape(writer, other),
        }
    }
}

/// A page's excerpts: `[title, section, url, [[heading, anchor, text], …]]`, section `i` at `i`.
fn excerpt(page: &IndexedPage<'_>) -> Value {
    let sections: Vec<Value> = page
        .text
        .sections
        .iter()
        .take(TITLE_ENTRY)
        .map(|s| json!([s.heading, s.anchor, cut(&s.text, EXCERPT_CHARS)]))
        .collect();
    json!([page.title, page.section, page.url, sections])
}

/// At most `max` characters of `text`, ending at a word boundary, with `…` when cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let end = text.char_indices().nth(max).map_or(text.len(), |(i, _)| i);
    let head = &text[..end];
    let head = head.rfind(' ').map_or(head, |i| &head[..i]);
    format!("{head} …")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_grows_with_the_site() {
        assert_eq!(Layout::for_pages(35).shards, 64);
        assert_eq!(Layout::for_pages(1).shards, 8);
        let big = Layout::for_pages(10_000);
        assert_eq!(
            (big.shards, big.pages_per_excerpt_file, big.excerpt_files),
            (512, 5, 2000)
        );
    }

    #[test]
    fn bucket_uses_the_first_two_characters() {
        assert_eq!(bucket("formular", 64), bucket("fo", 64));
        assert_eq!(bucket("ä", 8), (('ä' as u32) * 131 % 8) as usize);
    }

    #[test]
    fn json_carries_no_markup_and_parses_back() {
        let value = json!({"t": "<script>\" onmouseover & \\"});
        let text = to_json(&value);
        assert!(
            !text.contains('<') && !text.contains('&') && !text.contains("\" on"),
            "{text}"
        );
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value);
    }

    #[test]
    fn hyphenated_pairs_of_indexed_words_sit_in_the_shard_of_their_first_word() {
        use super::super::extract::Section;
        let text = PageText {
            sections: vec![Section {
                text: "Use the opt-out form, or e-mail them.".into(),
                ..Section::default()
            }],
        };
        let page = IndexedPage {
            title: "Slack: workspace-wide opt-out",
            description: "",
            section: "",
            url: "/en/slack/".into(),
            boost: 1.0,
            text: &text,
        };
        let layout = Layout::for_pages(1);
        let index = build(&[page], &Analyzer::for_lang("en"), layout);
        let shard: Value =
            serde_json::from_str(&index.shards[bucket("opt", layout.shards)]).unwrap();
        assert_eq!(shard["h"], json!(["opt out"]), "{shard}");
        let shard: Value =
            serde_json::from_str(&index.shards[bucket("workspace", layout.shards)]).unwrap();
        assert_eq!(shard["h"], json!(["workspace wide"]), "{shard}");
        // `e` is too short to be indexed: no pair.
        assert!(index.shards.iter().all(|s| !s.contains("e mail")));
    }

    #[test]
    fn cut_ends_at_a_word() {
        assert_eq!(cut("eins zwei drei", 8), "eins …");
        assert_eq!(cut("kurz", 8), "kurz");
    }
}
