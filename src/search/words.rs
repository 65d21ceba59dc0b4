//! Words as the search index and its client see them: tokens, folding, stems and the parts of
//! German compounds.
//!
//! The client (`search-engine.js`) repeats [`fold`] and [`tokens`] exactly, and nothing else: it
//! looks a query word up among the folded forms the index lists, which carry their stem. So a
//! stemmer exists once, here, and the browser downloads none.

use std::collections::HashSet;
use std::hash::BuildHasher;

use rust_stemmers::{Algorithm, Stemmer};

/// Words shorter than this (in characters) are not indexed, but for numbers ("5", "9309").
pub const MIN_WORD_CHARS: usize = 2;

/// The words of `text`: runs of letters and digits. `KI-Trainings` is `KI` and `Trainings`.
pub fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The words on either side of each hyphen between two words: `opt-out` gives (`opt`, `out`),
/// `KI-Trainings` (`KI`, `Trainings`). The client reads two query words that the site writes as
/// one hyphenated word as one concept: "opt out" should not count twice against "LinkedIn".
pub fn hyphen_pairs(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.match_indices(['-', '\u{2011}'])
        .filter_map(move |(i, hyphen)| {
            let before = &text[..i];
            let after = &text[i + hyphen.len()..];
            let start = before
                .char_indices()
                .rev()
                .find(|(_, c)| !c.is_alphanumeric())
                .map_or(0, |(j, c)| j + c.len_utf8());
            let end = after
                .find(|c: char| !c.is_alphanumeric())
                .unwrap_or(after.len());
            let (first, second) = (&before[start..], &after[..end]);
            (!first.is_empty() && !second.is_empty()).then_some((first, second))
        })
}

/// Lower case, with `ä ö ü ß` written `ae oe ue ss`: `Löschung` and `Loeschung` are both
/// `loeschung`, `Straße` and `Strasse` both `strasse`.
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 2);
    fold_into(word, &mut out);
    out
}

/// [`fold`] into `out` (cleared first), so indexing a page allocates per new word only.
pub fn fold_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        // Most words of both languages: lower case byte by byte, no Unicode tables.
        out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        return;
    }
    for c in word.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            c => out.push(c),
        }
    }
}

/// How one language's words are reduced to what the index stores.
pub struct Analyzer {
    stemmer: Option<Stemmer>,
    /// Sorted, for a binary search per word.
    stop: Vec<&'static str>,
    /// The language writes compounds as one word (German): index them by their parts too.
    compounds: bool,
}

impl Analyzer {
    /// The analyzer of a language by its code (`de`, `en`, …); a language without a Snowball
    /// stemmer is indexed by its folded words.
    pub fn for_lang(code: &str) -> Analyzer {
        let base = code.split(['-', '_']).next().unwrap_or(code);
        let algorithm = match base {
            "de" => Some(Algorithm::German),
            "en" => Some(Algorithm::English),
            "fr" => Some(Algorithm::French),
            "es" => Some(Algorithm::Spanish),
            "it" => Some(Algorithm::Italian),
            "nl" => Some(Algorithm::Dutch),
            "pt" => Some(Algorithm::Portuguese),
            "sv" => Some(Algorithm::Swedish),
            "da" => Some(Algorithm::Danish),
            "no" | "nb" | "nn" => Some(Algorithm::Norwegian),
            "fi" => Some(Algorithm::Finnish),
            _ => None,
        };
        let stop: &[&str] = match base {
            "de" => GERMAN_STOP,
            "en" => ENGLISH_STOP,
            _ => &[],
        };
        Analyzer {
            stemmer: algorithm.map(Stemmer::create),
            stop: sorted_stop_words(stop),
            compounds: base == "de",
        }
    }

    /// Whether a folded word is indexed at all: not a stop word, not a single letter.
    pub fn indexes(&self, folded: &str) -> bool {
        let short =
            folded.chars().count() < MIN_WORD_CHARS && !folded.chars().all(|c| c.is_ascii_digit());
        !short && self.stop.binary_search(&folded).is_err()
    }

    /// The stem of a folded word: `widerspruchs` → `widerspruch`, `objected` → `object`.
    pub fn stem(&self, folded: &str) -> String {
        match &self.stemmer {
            Some(s) => s.stem(folded).into_owned(),
            None => folded.to_string(),
        }
    }

    /// Whether compounds of this language are split (German).
    pub fn splits_compounds(&self) -> bool {
        self.compounds
    }
}

fn sorted_stop_words(words: &[&'static str]) -> Vec<&'static str> {
    let mut sorted = words.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    sorted
}

/// Letters a German compound puts between its parts (Fugenelemente): `Widerspruch·s·formular`.
const JOINERS: [&str; 5] = ["es", "en", "s", "n", ""];
/// Parts shorter than this are not split off: `Ei`, `Rat` would match far too much.
const MIN_PART_CHARS: usize = 4;
/// What is left beside a known word counts as a part from this length on.
const MIN_FRAGMENT_CHARS: usize = 5;
/// Words shorter than this are not compounds worth splitting.
const MIN_COMPOUND_CHARS: usize = 2 * MIN_PART_CHARS;

/// The parts of a folded German compound that `known` (the folded words of the site) contains,
/// and what is left beside a known part: `widerspruchsformular` → `widerspruch`, `formular`;
/// `hochspannungsnetzgeraet` → `hochspannung`, `netzgeraet`, `geraet` (when the site uses those
/// words). The word itself is never one of its parts.
pub fn compound_parts<S: BuildHasher>(word: &str, known: &HashSet<&str, S>) -> Vec<String> {
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let n = chars.len();
    let mut parts: Vec<String> = Vec::new();
    if n < MIN_COMPOUND_CHARS || !word.chars().all(char::is_alphabetic) {
        return parts;
    }
    let mut add = |p: &str| {
        if p.chars().count() >= MIN_PART_CHARS && p != word && !parts.iter().any(|q| q == p) {
            parts.push(p.to_string());
        }
    };
    for (i, &(at, _)) in chars
        .iter()
        .enumerate()
        .take(n - MIN_PART_CHARS + 1)
        .skip(MIN_PART_CHARS - 1)
    {
        let (head, tail) = word.split_at(at);
        // A known word ends the compound: `…formular`. What comes before it, without its
        // joining letters, is a part too (`widerspruchs` → `widerspruch`).
        if known.contains(tail) && n - i >= MIN_PART_CHARS {
            add(tail);
            let stripped = JOINERS
                .iter()
                .filter_map(|j| head.strip_suffix(j))
                .find(|h| known.contains(*h));
            match stripped {
                Some(h) => add(h),
                None if i >= MIN_PART_CHARS => add(head),
                None => {}
            }
        }
        // A known word starts it: `widerspruch…`. The rest after a joint is a part when the site
        // knows it; else the rest after a joint the site writes with that word (`widerspruchs`),
        // when it is long enough to be a word of its own: `datenschutz|beauftragte`.
        if i >= MIN_PART_CHARS && known.contains(head) {
            add(head);
            let known_rest = JOINERS
                .iter()
                .filter_map(|j| tail.strip_prefix(j))
                .find(|rest| known.contains(*rest));
            match known_rest {
                Some(rest) => add(rest),
                None => {
                    let joint = JOINERS
                        .iter()
                        .find(|j| j.is_empty() || known.contains(format!("{head}{j}").as_str()))
                        .copied()
                        .unwrap_or_default();
                    let rest = &tail[joint.len()..];
                    if rest.chars().count() >= MIN_FRAGMENT_CHARS {
                        add(rest);
                    }
                }
            }
        }
    }
    parts
}

/// Frequent German words that say nothing about a page (folded).
const GERMAN_STOP: &[&str] = &[
    "aber", "als", "am", "an", "auch", "auf", "aus", "bei", "bis", "da", "das", "dass", "dem",
    "den", "der", "des", "die", "dies", "diese", "dieser", "doch", "du", "ein", "eine", "einem",
    "einen", "einer", "eines", "er", "es", "fuer", "hat", "ihr", "ihre", "ihren", "im", "in",
    "ist", "ja", "kann", "man", "mit", "nach", "nicht", "noch", "nur", "ob", "oder", "sich", "sie",
    "sind", "so", "um", "und", "uns", "vom", "von", "vor", "war", "was", "wenn", "wer", "werden",
    "wie", "wir", "wird", "wo", "zu", "zum", "zur",
];

/// Frequent English words that say nothing about a page.
const ENGLISH_STOP: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "do", "does", "for", "from",
    "has", "have", "how", "if", "in", "is", "it", "its", "of", "on", "or", "so", "that", "the",
    "their", "them", "there", "these", "they", "this", "to", "was", "we", "were", "what", "when",
    "which", "who", "will", "with", "you", "your",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_writes_umlauts_and_sharp_s_out() {
        assert_eq!(fold("Löschung"), "loeschung");
        assert_eq!(fold("LOESCHUNG"), "loeschung");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("ÜBER"), "ueber");
    }

    #[test]
    fn tokens_split_at_hyphens_and_punctuation() {
        let words: Vec<&str> = tokens("KI-Trainings, „Widerspruch“ (Art. 21)!").collect();
        assert_eq!(words, ["KI", "Trainings", "Widerspruch", "Art", "21"]);
    }

    #[test]
    fn hyphen_pairs_are_the_words_beside_each_hyphen() {
        let pairs: Vec<(&str, &str)> =
            hyphen_pairs("Opt-out, KI-Trainings-Daten - und E‑Mail; -x y-").collect();
        assert_eq!(
            pairs,
            [
                ("Opt", "out"),
                ("KI", "Trainings"),
                ("Trainings", "Daten"),
                ("E", "Mail")
            ]
        );
    }

    #[test]
    fn stems_meet_across_inflections() {
        let de = Analyzer::for_lang("de");
        assert_eq!(de.stem("widerspruchs"), de.stem("widerspruch"));
        assert_eq!(de.stem(&fold("Löschungen")), de.stem(&fold("Loeschung")));
        let en = Analyzer::for_lang("en");
        assert_eq!(en.stem("objected"), en.stem("object"));
        assert!(!en.indexes("the") && en.indexes("opt") && en.indexes("5"));
    }

    #[test]
    fn compounds_split_at_known_words_and_joints() {
        let known: HashSet<&str> = ["widerspruch", "formular", "netzgeraet", "hochspannung"]
            .into_iter()
            .collect();
        let parts = compound_parts("widerspruchsformular", &known);
        assert!(parts.contains(&"formular".to_string()), "{parts:?}");
        assert!(parts.contains(&"widerspruch".to_string()), "{parts:?}");
        let parts = compound_parts("hochspannungsnetzgeraet", &known);
        assert!(parts.contains(&"netzgeraet".to_string()), "{parts:?}");
        assert!(parts.contains(&"hochspannung".to_string()), "{parts:?}");
        assert!(compound_parts("formular", &known).is_empty());
        // What follows a known word is a part even when the site never writes it alone; a
        // joint the site writes with the word is left out.
        let known: HashSet<&str> = ["datenschutz", "widerspruch", "widerspruchs"]
            .into_iter()
            .collect();
        let parts = compound_parts("datenschutzbeauftragte", &known);
        assert!(parts.contains(&"beauftragte".to_string()), "{parts:?}");
        let parts = compound_parts("widerspruchsfrist", &known);
        assert!(parts.contains(&"frist".to_string()), "{parts:?}");
        assert!(!parts.contains(&"sfrist".to_string()), "{parts:?}");
        assert!(compound_parts("widerspruch2025", &known).is_empty());
    }
}
