//! Greek script into Latin as Greek passports write it (ELOT 743): the digraphs read as one
//! sound. Generic romanisation reads letter by letter, so ου came out "oy" (Georgiou as
//! "georgioy"), ευ "ey" (Evangelos as "eyaggelos") and γγ "gg" (Evangelos again, where the
//! passport has "ng").

/// Whether a character is Greek (the basic and the extended block).
pub(crate) fn is_greek(c: char) -> bool {
    matches!(c as u32, 0x0370..=0x03FF | 0x1F00..=0x1FFF)
}

/// One Greek word in lower-case Latin letters.
pub(crate) fn romanise(word: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    // Accents go; a diaeresis stays as a mark that a vowel is not part of a digraph (Νικολαΐδης:
    // a-i, not the ai of Αικατερίνη, which reads the same in Latin; ευ against εϋ matters).
    let mut letters: Vec<(char, bool)> = Vec::new();
    for c in word.to_lowercase().nfd() {
        if c == '\u{0308}' {
            if let Some(last) = letters.last_mut() {
                last.1 = true;
            }
        } else if !unicode_normalization::char::is_combining_mark(c) {
            letters.push((c, false));
        }
    }
    let mut out = String::with_capacity(word.len() * 2);
    let mut i = 0;
    while i < letters.len() {
        let (c, _) = letters[i];
        let (next, next_apart) = letters.get(i + 1).copied().unwrap_or((' ', false));
        let first = i == 0;
        let pair = match (c, next) {
            ('ο', 'υ') if !next_apart => Some("ou"),
            ('α', 'υ') if !next_apart => Some("av"),
            ('ε', 'υ') if !next_apart => Some("ev"),
            ('η', 'υ') if !next_apart => Some("iv"),
            ('γ', 'γ') => Some("ng"),
            ('γ', 'ξ') => Some("nx"),
            ('γ', 'χ') => Some("nch"),
            ('μ', 'π') if first => Some("b"),
            ('ν', 'τ') if first => Some("d"),
            _ => None,
        };
        if let Some(latin) = pair {
            out.push_str(latin);
            i += 2;
            continue;
        }
        let single = match c {
            'α' => "a",
            'β' => "v",
            'γ' => "g",
            'δ' => "d",
            'ε' => "e",
            'ζ' => "z",
            'η' => "i",
            'θ' => "th",
            'ι' => "i",
            'κ' => "k",
            'λ' => "l",
            'μ' => "m",
            'ν' => "n",
            'ξ' => "x",
            'ο' => "o",
            'π' => "p",
            'ρ' => "r",
            'σ' | 'ς' | 'ϲ' => "s",
            'τ' => "t",
            'υ' => "y",
            'φ' => "f",
            'χ' => "ch",
            'ψ' => "ps",
            'ω' => "o",
            _ => "",
        };
        if single.is_empty() {
            out.push_str(&any_ascii::any_ascii(&c.to_string()));
        } else {
            out.push_str(single);
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::romanise;

    #[test]
    fn names_read_as_greek_passports_write_them() {
        for (greek, latin) in [
            ("Ευάγγελος", "evangelos"),
            ("Γεωργίου", "georgiou"),
            ("Παπαδόπουλος", "papadopoulos"),
            ("Σταύρος", "stavros"),
            ("Ευστάθιος", "evstathios"),
            ("Μπακογιάννης", "bakogiannis"),
            ("Ντόρα", "dora"),
            ("Νικολαΐδης", "nikolaidis"),
            ("Χατζηπέτρου", "chatzipetrou"),
            ("Ψαρράς", "psarras"),
        ] {
            assert_eq!(romanise(greek), latin, "{greek}");
        }
    }

    #[test]
    fn stray_signs_do_not_panic() {
        for odd in ["\u{0308}", "ϋ", "υυυ", "μ", "ΐΰ", "ᾳ", "Ω\u{0301}\u{0308}"] {
            let _ = romanise(odd);
        }
    }
}
