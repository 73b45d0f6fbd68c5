//! Burmese script into Latin, as names are romanised in Myanmar (Aung, Hlaing, Kyaw, Htun):
//! syllable by syllable, an initial consonant with its medials, a vowel (or the inherent a), a
//! final consonant killed by the asat. Generic romanisation reads the signs one by one and
//! gives "ean" for အောင် (Aung). Rohingya names of Arabic origin written in this script
//! (ဟူစိန် Hussain, ခါတွန် Khatun) come out near enough their Latin spellings to be compared.

/// Whether a character is in the Myanmar block.
pub(crate) fn is_myanmar(c: char) -> bool {
    matches!(c as u32, 0x1000..=0x109F)
}

/// The Latin of a consonant at the start of a syllable.
fn initial(c: char) -> Option<&'static str> {
    Some(match c {
        'က' => "k",
        'ခ' => "kh",
        'ဂ' | 'ဃ' => "g",
        'င' => "ng",
        'စ' | 'ဆ' => "s",
        'ဇ' | 'ဈ' => "z",
        'ည' | 'ဉ' => "ny",
        'ဋ' | 'တ' => "t",
        'ဌ' | 'ထ' => "ht",
        'ဍ' | 'ဎ' | 'ဒ' | 'ဓ' => "d",
        'ဏ' | 'န' => "n",
        'ပ' => "p",
        'ဖ' => "ph",
        'ဗ' | 'ဘ' => "b",
        'မ' => "m",
        'ယ' => "y",
        // In names of Arabic origin ရ writes an r (Rafiq, Nurul).
        'ရ' => "r",
        'လ' | 'ဠ' => "l",
        'ဝ' => "w",
        'သ' => "th",
        'ဟ' => "h",
        // The vowel carrier: the syllable is its vowel alone.
        'အ' => "",
        _ => return None,
    })
}

/// A consonant killed by the asat (or stacked under the next one): the syllable's coda.
fn coda(c: char) -> &'static str {
    match c {
        'က' | 'ခ' => "k",
        'ဂ' => "g",
        'င' => "ng",
        'စ' | 'ဆ' => "t",
        'ဇ' => "z",
        'ည' | 'ဉ' => "n",
        'တ' | 'ထ' | 'ဋ' | 'ဍ' => "t",
        'ဒ' => "d",
        'န' | 'ဏ' => "n",
        'ပ' | 'ဖ' | 'ဘ' => "p",
        // Burmese closes syllables only with k, t, p, n, ng, m; a final ဗ, ဒ, ဇ or ဂ writes a
        // name from another language, as that language says it (အာယူဗ် Ayub, ဟာဖိဇ် Hafiz).
        'ဗ' => "b",
        'မ' => "m",
        'ယ' => "y",
        'လ' => "l",
        'ရ' => "r",
        'သ' => "t",
        _ => "",
    }
}

/// A vowel and a coda as a syllable's rhyme, with the spellings Myanmar uses for names.
fn rhyme(vowel: &str, coda: &str, rounded: bool) -> String {
    let v = match (vowel, coda) {
        ("", "") if rounded => "wa",
        ("", "") => "a",
        ("", "n" | "m") if rounded => "u",
        ("", "t") if rounded => "u",
        ("", "ng") => "i",
        // -က် after the inherent vowel is heard -et (ထက် Htet, မက် in Mohamed).
        ("", "k") => "e",
        ("", _) => "a",
        ("aw", "ng" | "k") => "au",
        ("o", "ng" | "k") => "ai",
        ("i", "n" | "m" | "k" | "t" | "p") => "ei",
        ("u", "ng") => "ou",
        (v, _) => v,
    };
    // After a bare i, a final ng is written n (Min, Khin, Win); after a diphthong it stays
    // (Aung, Hlaing).
    let coda = match (v, coda) {
        ("i", "ng") => "n",
        ("e", "k") if vowel.is_empty() => "t",
        _ => coda,
    };
    let w = if rounded && !vowel.is_empty() {
        "w"
    } else {
        ""
    };
    format!("{w}{v}{coda}")
}

/// The Latin of one Burmese word.
pub(crate) fn romanise(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let independent = match c {
            'ဣ' | 'ဤ' => Some("i"),
            'ဥ' | 'ဦ' => Some("u"),
            'ဧ' => Some("e"),
            'ဩ' | 'ဪ' => Some("aw"),
            _ => None,
        };
        let Some(onset) = independent.map(|_| "").or_else(|| initial(c)) else {
            // Latin letters in a mixed word are kept as they are; tones, Burmese digits and
            // anything else unknown say nothing of the name.
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            }
            i += 1;
            continue;
        };
        i += 1;
        // Medials: ျ ြ (y), ွ (w, rounding the vowel), ှ (breathed: hl, hm, hn).
        let (mut medial, mut rounded, mut breathed) = (String::new(), false, false);
        while let Some(&m) = chars.get(i) {
            match m {
                'ျ' | 'ြ' => medial.push('y'),
                'ွ' => rounded = true,
                'ှ' => breathed = true,
                _ => break,
            }
            i += 1;
        }
        // Vowel signs, in the order Unicode stores them after the consonant.
        let mut vowel = independent.unwrap_or("").to_string();
        while let Some(&v) = chars.get(i) {
            let sign = match v {
                'ါ' | 'ာ' => "a",
                'ိ' | 'ီ' => "i",
                'ု' | 'ူ' => "u",
                'ေ' => "e",
                'ဲ' => "e",
                'ံ' => "n",
                'း' | '့' => "",
                _ => break,
            };
            vowel = match (vowel.as_str(), sign) {
                ("e", "a") => "aw".into(),
                ("i", "u") => "o".into(),
                (_, "n") => format!("{vowel}n"),
                _ => format!("{vowel}{sign}"),
            };
            i += 1;
        }
        // A consonant followed by the asat or the stacking sign closes this syllable. The dot
        // below may stand between them: normalisation orders it before the asat (သန့်, Thant).
        let mut final_ = "";
        let mut creaky = false;
        let dot = usize::from(chars.get(i + 1) == Some(&'့'));
        if let (Some(&f), Some(&k)) = (chars.get(i), chars.get(i + 1 + dot))
            && initial(f).is_some()
            && (k == '်' || k == '္')
        {
            // A stacked consonant doubles the next one in names from other languages
            // (အစ္စလာမ် Islam, ဆဗ္ဗီရ် Sabbir): it keeps its own sound, where it is one letter.
            final_ = match initial(f) {
                Some(own) if k == '္' && own.len() == 1 => own,
                _ => coda(f),
            };
            // A final ည or ယ is heard as a vowel (ကြည် Kyi, နွယ် Nwe).
            match f {
                'ည' => (vowel, final_) = ("i".to_string(), ""),
                'ယ' => (vowel, final_) = ("e".to_string(), ""),
                _ => {}
            }
            i += 2 + dot;
            creaky = dot == 1;
            // Tone marks after the coda.
            while let Some(&tone @ ('း' | '့')) = chars.get(i) {
                creaky |= tone == '့';
                i += 1;
            }
        }
        if breathed {
            out.push('h');
        }
        // ချ is written ch (Chan, Cho) and ဂျ j (Jamal); other medial y's are kept (Kyaw).
        match (onset, medial.as_str()) {
            ("kh", "y") => out.push_str("ch"),
            ("g", "y") => out.push('j'),
            _ => {
                out.push_str(onset);
                out.push_str(&medial);
            }
        }
        // အေး alone is written Aye.
        if onset.is_empty() && independent.is_none() && vowel == "e" && final_.is_empty() {
            out.push_str("aye");
        } else if onset == "h" && medial.is_empty() && vowel.is_empty() && final_ == "k" {
            // ဟက် writes Haque (Hoque, Haq), not a Burmese -et.
            out.push_str("ak");
        } else {
            out.push_str(&rhyme(&vowel, final_, rounded));
        }
        // A nasal final in the creaky tone is written with a t (သန့် Thant, မြင့် Myint).
        if creaky && matches!(final_, "n" | "ng" | "m") {
            out.push('t');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::romanise;

    #[test]
    fn names_come_out_as_myanmar_romanises_them() {
        for (burmese, latin) in [
            ("အောင်", "aung"),
            ("လှိုင်", "hlaing"),
            ("ကျော်", "kyaw"),
            ("ဇော်", "zaw"),
            ("မင်း", "min"),
            ("ခင်", "khin"),
            ("မြ", "mya"),
            ("ထွန်း", "htun"),
            ("ဝင်း", "win"),
            ("ဟူစိန်", "husein"),
            ("ခါတွန်", "khatun"),
            ("နူရုလ်", "nurul"),
            ("ဥလ္လာ", "ulla"),
            ("ဟာဆီနာ", "hasina"),
            ("သန့်", "thant"),
            ("မြင့်", "myint"),
            ("ချို", "cho"),
            ("ကြည်", "kyi"),
            ("နွယ်", "nwe"),
            ("ဂျမာလ်", "jamal"),
            ("ထက်", "htet"),
            ("ဟက်", "hak"),
            ("အေး", "aye"),
            ("အာယူဗ်", "ayub"),
            ("အစ္စလာမ်", "assalam"),
            ("ဆဗ္ဗီရ်", "sabbir"),
        ] {
            assert_eq!(romanise(burmese), latin, "{burmese}");
        }
    }

    #[test]
    fn latin_letters_in_a_mixed_word_are_kept() {
        assert_eq!(romanise("Aungအောင်"), "aungaung");
        assert_eq!(romanise("ဝင်း2"), "win2");
    }

    #[test]
    fn anything_is_read_without_panicking() {
        for text in ["်", "္", "ျ", "ေ", "ါ့း", "က္", "အ်", "ဿ", "၁၂၃"]
        {
            let _ = romanise(text);
        }
    }
}
