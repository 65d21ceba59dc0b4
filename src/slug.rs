//! URL slugs: lowercase ASCII words joined by `-`, with German transliteration (ä → ae, ß → ss).

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
    use super::slugify;

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
