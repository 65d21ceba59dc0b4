//! URL slugs: lowercase ASCII words joined by `-`, with German transliteration (ä → ae, ß → ss);
//! and heading ids, which follow the convention of the previews editors copy anchors from.

/// `Übersicht & Straße` → `uebersicht-strasse`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        let mapped: &str = match c {
            'ä' | 'Ä' => "ae",
            'ö' | 'Ö' => "oe",
            'ü' | 'Ü' => "ue",
            'ß' | 'ẞ' => "ss",
            _ => "",
        };
        let mut push = |s: &str| {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push_str(s);
        };
        if !mapped.is_empty() {
            push(mapped);
        } else if c.is_ascii_alphanumeric() {
            push(&c.to_ascii_lowercase().to_string());
        } else if let Some(base) = fold_accent(c) {
            push(base);
        } else {
            pending_dash = true;
        }
    }
    out
}

/// The id of a heading, as GitHub, GitLab and mdBook make it, so an anchor copied from a Markdown
/// preview works here too: letters of any script kept and lower-cased (`Überblick` → `überblick`),
/// digits, `_` and `-` kept, every space a `-` (no collapsing: `a + b` → `a--b`), everything else
/// dropped. Unlike [`slugify`], nothing is transliterated: ids are not URL paths.
pub fn heading_id(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            out.extend(c.to_lowercase());
        } else if c == ' ' {
            out.push('-');
        }
    }
    out
}

/// Common Latin letters with diacritics, folded to their base letter (é → e).
fn fold_accent(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Å' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'Ç' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ø' => "o",
        'œ' | 'Œ' => "oe",
        'ù' | 'ú' | 'û' | 'Ù' | 'Ú' | 'Û' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::{heading_id, slugify};

    #[test]
    fn heading_ids_keep_letters_of_every_script() {
        assert_eq!(heading_id("Überblick"), "überblick");
        assert_eq!(
            heading_id("Vergleichen der Schätzung mit der Geheimzahl"),
            "vergleichen-der-schätzung-mit-der-geheimzahl"
        );
        assert_eq!(heading_id("Straße & Öl"), "straße--öl");
        assert_eq!(heading_id("Ελληνικά"), "ελληνικά");
    }

    #[test]
    fn heading_ids_drop_punctuation_like_github() {
        // Code in a heading is part of its text: `+` and `format!` lose their punctuation.
        assert_eq!(
            heading_id("Concatenating with + or format!"),
            "concatenating-with--or-format"
        );
        assert_eq!(
            heading_id("Shared access to Mutex<T>"),
            "shared-access-to-mutext"
        );
        assert_eq!(heading_id("„X & Grok“ – 2025!"), "x--grok--2025");
        assert_eq!(
            heading_id("snake_case and kebab-case"),
            "snake_case-and-kebab-case"
        );
    }

    #[test]
    fn german_transliteration() {
        assert_eq!(
            slugify("Übersicht für Unternehmen"),
            "uebersicht-fuer-unternehmen"
        );
        assert_eq!(slugify("Straße"), "strasse");
        assert_eq!(slugify("Schön Öl"), "schoen-oel");
    }

    #[test]
    fn punctuation_collapses() {
        assert_eq!(slugify("  „X & Grok“ – 2025!  "), "x-grok-2025");
        assert_eq!(slugify("Café"), "cafe");
        assert_eq!(slugify("---"), "");
    }
}
