//! Names across scripts, made comparable.
//!
//! A name is split into parts; each part gets a Latin form (own tables for the Arabic-script
//! article and letters that generic romanisation loses, Burmese read syllable by syllable,
//! `any_ascii` for every other script) and a **consonant skeleton**: vowels dropped, digraphs
//! folded, doubled letters collapsed, a final h dropped.
//! "Mohammed", "Muhammad", "Mohamed" and محمد all become `mhmd`; "Hossain", "Hussain" and
//! হোসেন become `hsn`. A small table of known variants covers what skeletons cannot
//! (abbreviations such as "Mhd", "Abd al-" written "Abdul"). Parts are aligned without regard
//! to order, so family-name-first records meet the others.

use std::collections::HashMap;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;

/// One part of a name, prepared for comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// As written, lower-cased.
    pub written: String,
    /// Latin, ASCII, lower case.
    pub latin: String,
    /// The consonant skeleton of the Latin form.
    pub skeleton: String,
    /// A known-variant group, when the part is in the table.
    pub variant: Option<&'static str>,
    /// Whether the written form was in a non-Latin script.
    pub transliterated: bool,
    /// Hashes of `latin` and `skeleton` ([`text_key`]): parts are compared millions of times,
    /// and unequal hashes settle most comparisons without reading the text.
    pub latin_key: u64,
    pub skeleton_key: u64,
    /// The skeleton of the part's other reading, where its letters have one ([`other_reading`]),
    /// else empty; and its hash.
    pub other_reading: String,
    pub other_reading_key: u64,
}

/// A 64-bit FNV-1a hash of a part's text.
pub fn text_key(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Part {
    pub fn same_latin(&self, other: &Part) -> bool {
        self.latin_key == other.latin_key && self.latin == other.latin
    }

    /// Whether this part, read the other way its letters allow, has `other`'s consonants.
    pub fn reads_as(&self, other: &Part) -> bool {
        self.other_reading_key == other.skeleton_key
            && !self.other_reading.is_empty()
            && self.other_reading == other.skeleton
    }
}

/// What a match of two parts is, in words: [`PartMatch::describe`], and for the same
/// consonants reached through a part's other reading, which one.
pub fn describe_match(m: PartMatch, a: &Part, b: &Part) -> String {
    if m != PartMatch::Skeleton || a.skeleton == b.skeleton {
        return m.describe();
    }
    let (read, other) = if a.reads_as(b) {
        (a, b)
    } else if b.reads_as(a) {
        (b, a)
    } else {
        return m.describe();
    };
    // Which of its letters the reading needed: its q alone, its g alone (it has no q), or both.
    let how = if skeleton(&read.latin.replace('q', "gh")) == other.skeleton {
        "q read as gh"
    } else if !read.latin.contains('q') {
        "g read as j"
    } else {
        "q read as gh and g as j"
    };
    format!("same consonants, {how}")
}

/// The consonants of another reading of a Latin spelling, when it has one that changes them
/// (else empty): a q read as gh (ق is q in Arabic and gh in Persian: Sadeqi / Sadeghi, رقیه /
/// Roghayeh, where the skeleton reads q as k and gh as g), and a g not before h read as j
/// (ج is g in Egypt and Sudan: Gamal / Jamal, Naguib / Najib, Hegazi / Hijazi).
pub fn other_reading(latin: &str, own_skeleton: &str) -> String {
    let bytes = latin.as_bytes();
    let soft_g = |i: usize| bytes[i] == b'g' && bytes.get(i + 1) != Some(&b'h');
    if !(0..bytes.len()).any(|i| bytes[i] == b'q' || soft_g(i)) {
        return String::new();
    }
    let mut read = String::with_capacity(latin.len() + 2);
    for (i, &c) in bytes.iter().enumerate() {
        match c {
            b'q' => read.push_str("gh"),
            _ if soft_g(i) => read.push('j'),
            _ => read.push(c as char),
        }
    }
    let other = skeleton(&read);
    if other.len() < 2 || other == own_skeleton {
        return String::new();
    }
    other
}

/// The consonants of a spelling whose [`other_reading`] is this one (gh written q, j written
/// g), when they differ from its own (else empty): what a query looks up to find "Sadeqi" for
/// "Sadeghi" and "Gamila" for "Jamila".
pub fn read_back(latin: &str, own_skeleton: &str) -> String {
    if !(latin.contains('j') || latin.contains("gh")) {
        return String::new();
    }
    let back = skeleton(&latin.replace("gh", "q").replace('j', "g"));
    if back.len() < 2 || back == own_skeleton {
        return String::new();
    }
    back
}

/// A whole name, prepared.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Name {
    pub parts: Vec<Part>,
    /// All Latin parts joined without spaces, for names split differently ("Abdulrahman" /
    /// "Abdul Rahman").
    pub compact: String,
}

/// Particles that carry no identity on their own.
const PARTICLES: &[&str] = &[
    "al", "el", "bin", "ben", "ibn", "bint", "wuld", "ould", "de", "da", "di", "van", "von", "der",
    "del", "la",
    // Arabic script writes no short vowels: بن and بنت read bn and bnt, ولد vld (a و that
    // begins a word is a v).
    "le", "bn", "bnt", "wld", "vld",
];

/// Known variants that consonant skeletons do not bring together, by group
/// (`data/name-variants.yaml`): form → group. A form is in the first group that lists it.
pub(crate) static VARIANTS: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    let text = include_str!("../data/name-variants.yaml");
    let groups: Vec<(String, Vec<String>)> =
        serde_yaml_ng::from_str::<serde_yaml_ng::Mapping>(text)
            .expect("data/name-variants.yaml is checked by a test")
            .into_iter()
            .map(|(k, v)| {
                let group = k.as_str().expect("group names are text").to_string();
                let forms = serde_yaml_ng::from_value(v).expect("forms are a list of text");
                (group, forms)
            })
            .collect();
    let mut map = HashMap::new();
    // The forms as listed first; then as a Latin part is read before it is looked up (rn as
    // m, [`prepare`]: Fernandez, Thierno) and with each doubled letter written once (a key
    // pressed twice: Trawwally, Nnjie), where no listed form is already so written.
    let mut as_read = Vec::new();
    for (group, forms) in groups {
        // Read once, for the life of the process.
        let group: &'static str = Box::leak(group.into_boxed_str());
        for form in forms {
            let read = form.replace("rn", "m");
            as_read.push((single_letters(&read), group));
            as_read.push((read, group));
            map.entry(&*Box::leak(form.into_boxed_str()))
                .or_insert(group);
        }
    }
    for (form, group) in as_read {
        map.entry(&*Box::leak(form.into_boxed_str()))
            .or_insert(group);
    }
    map
});

/// The known-variant group of a Latin part: as written, or with its doubled letters once.
pub(crate) fn variant_of(latin: &str) -> Option<&'static str> {
    VARIANTS.get(latin).copied().or_else(|| {
        let doubled = latin.as_bytes().windows(2).any(|w| w[0] == w[1]);
        doubled
            .then(|| VARIANTS.get(single_letters(latin).as_str()).copied())
            .flatten()
    })
}

/// A word with each run of one letter written once (Hassan → Hasan).
fn single_letters(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// The Latin, ASCII, lower-case form of one written part.
fn latin_of(part: &str, persian: bool) -> (String, bool) {
    let transliterated = part
        .chars()
        .any(|c| c.is_alphabetic() && !c.is_ascii() && !is_latin(c));
    let mut out = String::new();
    if part == "الله" {
        // Not the article and a word of two letters: Allah (Abd Allah, Habib Allah).
        out.push_str("allah");
    } else if part.chars().any(crate::arabic::is_arabic_script) {
        out = crate::arabic::romanise(part, persian);
    } else if part.chars().any(crate::burmese::is_myanmar) {
        out = crate::burmese::romanise(part);
    } else if part.chars().any(crate::greek::is_greek) {
        out = crate::greek::romanise(part);
    } else {
        out = any_ascii::any_ascii(part);
        // Indic scripts romanise ch as c (চৌধুরী caudhuri, चन्द्र cndr), which Latin never
        // writes for that sound (Chowdhury, Chandra).
        if part.chars().any(|c| matches!(c as u32, 0x0900..=0x0DFF)) {
            out = c_as_ch(&out);
        }
    }
    let out: String = out
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    (out, transliterated)
}

/// Every c not already before an h written ch.
fn c_as_ch(latin: &str) -> String {
    let mut out = String::with_capacity(latin.len() + 2);
    let mut chars = latin.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == 'c' && chars.peek() != Some(&'h') {
            out.push('h');
        }
    }
    out
}

fn is_latin(c: char) -> bool {
    matches!(c as u32, 0x0041..=0x024F | 0x1E00..=0x1EFF)
}

fn consonantal_w_as_v(latin: &str) -> String {
    let bytes = latin.as_bytes();
    latin
        .char_indices()
        .map(|(i, c)| {
            // A final e after "vowel w" is silent (Sowe / Sow, Jawe / Jaw).
            let silent_e = bytes.get(i + 1) == Some(&b'e')
                && i + 2 == bytes.len()
                && i > 0
                && matches!(bytes[i - 1], b'a' | b'e' | b'i' | b'o' | b'u');
            let before_vowel = !silent_e
                && matches!(
                    bytes.get(i + 1),
                    Some(b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
                );
            if c == 'w' && before_vowel { 'v' } else { c }
        })
        .collect()
}

/// The two-letter spellings of one consonant, folded in this order by [`skeleton`].
const DIGRAPH_FOLDS: [(&str, &str); 11] = [
    // Persian ژ and Russian ж, written zh or j (Amirnezhad / Amirnejad, Zhukov / Jukov).
    ("zh", "j"),
    ("kh", "h"),
    ("gh", "g"),
    ("sh", "s"),
    ("ch", "s"),
    ("th", "t"),
    ("dh", "d"),
    ("ph", "f"),
    // The aspirated b of South Asian names is written with or without its h (Bhat / Butt).
    ("bh", "b"),
    ("dj", "j"),
    ("ck", "k"),
];

/// Vowels dropped (a leading one kept as a mark), digraphs folded, doubled letters collapsed,
/// a silent final h dropped.
pub fn skeleton(latin: &str) -> String {
    // A final h is not heard (Sanneh / Sane, Fatemeh / Fatima, and so in Arabic script, where
    // short vowels are not written: فاطمه / Fatema), unless it closes a digraph (Sheikh) or
    // the name is too short to stand without it (Shah, Miah).
    let without_h = latin
        .strip_suffix('h')
        .filter(|rest| rest.len() >= 3 && !rest.ends_with(['k', 'g', 's', 'c', 't', 'd', 'p']));
    if let Some(rest) = without_h {
        let shorter = skeleton(rest);
        if shorter.len() >= 2 {
            return shorter;
        }
    }
    // A w before a vowel is a consonant, and the same one as v (Walid / Valid in Arabic script
    // read with its consonantal waw, Naweed / Navid, Kowalski / Kovalski); elsewhere w is a
    // vowel (Mahmoud written Mahmwd) or silent (Kyaw) and is dropped below.
    let latin = consonantal_w_as_v(latin);
    // A doubled letter is one sound, before digraphs are read: "chh" is "ch" then h, not "c"
    // then "hh" (Chherif / Cherif).
    let mut s = single_letters(&latin);
    // Each in turn, so that one fold can make the next (skh → sh → s); a fold whose letters
    // are absent costs a scan, not a copy (this runs for every part compared).
    for (from, to) in DIGRAPH_FOLDS {
        if s.as_bytes().windows(2).any(|pair| pair == from.as_bytes()) {
            s = s.replace(from, to);
        }
    }
    if s.contains(['q', 'c']) {
        s = s.replace(['q', 'c'], "k");
    }
    if s.contains('x') {
        s = s.replace('x', "h");
    }
    if s.contains('w') {
        s.retain(|c| c != 'w');
    }
    // Vowels go, but a consonant heard twice with a vowel between stays twice: Aziz is not
    // Oz, nor Susan Sana. Only the same letter written side by side (after the digraphs above
    // became one letter) is one sound.
    let mut out = String::new();
    let mut before = None;
    for (i, ch) in s.chars().enumerate() {
        let vowel = matches!(ch, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
        let same_as_before = before == Some(ch);
        before = Some(ch);
        if vowel && i > 0 {
            continue;
        }
        let ch = if vowel { 'a' } else { ch };
        if same_as_before {
            continue;
        }
        out.push(ch);
    }
    out
}

/// Splits and prepares a name. Punctuation separates parts; particles are dropped; "Abdul
/// Rahman" written as one word is split like "Abd al-Rahman".
pub fn prepare(raw: &str) -> Name {
    let text: String = raw.nfkc().collect::<String>().to_lowercase();
    // Strip combining marks for Latin diacritics (é → e) while keeping other scripts intact.
    let text: String = text
        .nfd()
        .filter(|c| {
            !unicode_normalization::char::is_combining_mark(*c) || !is_latin_mark_context(*c)
        })
        .collect::<String>()
        .nfc()
        .collect();
    let persian = text.chars().any(crate::arabic::is_persian_letter);
    let mut parts = Vec::new();
    // Marks belong to their word: a virama or an asat (Bengali মোহাম্মদ, Burmese မိုဟာမက်) is
    // not a letter, and splitting on it cut one name in two and changed how it reads.
    let separates = |c: char| {
        !c.is_alphanumeric()
            && !unicode_normalization::char::is_combining_mark(c)
            && c != '\''
            && c != '`'
    };
    for token in text.split(separates) {
        let token = token.trim_matches(|c| c == '\'' || c == '`');
        if token.is_empty() {
            continue;
        }
        let (latin, transliterated) = latin_of(token, persian);
        let latin = if transliterated {
            latin
        } else {
            latin_habits(latin)
        };
        // An m read as rn by character recognition (Karnara, Harnid, Ibrahirna), folded in
        // every script that writes its vowels, so a true rn (Chernov, Чернов) still meets
        // itself; not where vowels go unwritten (Arabic رنا, Bengali রনি read rna, rni).
        let vowels_written = !transliterated
            || token
                .chars()
                .any(|c| matches!(c as u32, 0x0400..=0x052F) || crate::greek::is_greek(c));
        let latin = if vowels_written && latin.contains("rn") {
            latin.replace("rn", "m")
        } else {
            latin
        };
        if latin.is_empty() || PARTICLES.contains(&latin.as_str()) {
            continue;
        }
        for piece in crate::compound::split_compound(&latin) {
            let skeleton = skeleton(&piece);
            let variant = variant_of(&piece);
            let other = other_reading(&piece, &skeleton);
            parts.push(Part {
                written: token.to_string(),
                latin_key: text_key(&piece),
                skeleton_key: text_key(&skeleton),
                other_reading_key: text_key(&other),
                other_reading: other,
                latin: piece,
                skeleton,
                variant,
                transliterated,
            });
        }
    }
    let compact = parts
        .iter()
        .map(|p| p.skeleton.as_str())
        .collect::<String>();
    Name { parts, compact }
}

/// Combining marks are stripped everywhere except where they carry a letter's identity in
/// Indic and Arabic scripts; any_ascii handles those scripts from the composed form.
fn is_latin_mark_context(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F)
}

/// What a name written in Latin letters means despite how it was keyed or read: a digit in a
/// word is a letter misread by character recognition (A1hasan, 5abah, Wa1izoy: names hold no
/// digits), Burmese Hs is an s (Hsu / Su, where the script reads ဆ as s), and French ou before
/// a vowel at the end of a Maghrebi name is a w. Only for words
/// written in Latin: Arabic script romanised writes no short vowels, so حسین reads "hsyn".
fn latin_habits(latin: String) -> String {
    let latin = if latin.bytes().any(|b| b.is_ascii_digit())
        && latin.bytes().any(|b| b.is_ascii_alphabetic())
    {
        let bytes = latin.as_bytes();
        // A capital I read as 1 begins a word, mostly before a consonant (1brahim, 1raqi,
        // 1smail); inside a word, or before a vowel (1aila), it is an l.
        let initial_i = bytes[0] == b'1' && bytes.get(1).is_some_and(|b| !b"aeiouy".contains(b));
        latin
            .chars()
            .enumerate()
            .map(|(k, c)| match c {
                '0' => 'o',
                '1' if k == 0 && initial_i => 'i',
                '1' => 'l',
                '2' => 'z',
                '3' => 'e',
                '4' => 'a',
                '5' => 's',
                '6' | '9' => 'g',
                '7' => 't',
                '8' => 'b',
                c => c,
            })
            .collect()
    } else {
        latin
    };
    let latin = match latin.strip_prefix("hs") {
        Some(rest) if rest.starts_with(['a', 'e', 'i', 'o', 'u']) => format!("s{rest}"),
        _ => latin,
    };
    // French spelling writes w as ou before a vowel: the Maghrebi nisba -aoui is -awi
    // (Sahraoui / Sahrawi, Cherkaoui / Sharkawi), -ouane is -wan (Merouane / Marwan,
    // Redouane / Radwan), and a first aou is aw (Aouad / Awad, Aoun / Awn).
    let latin = match latin.strip_prefix("aou") {
        Some(rest) if !rest.is_empty() => format!("aw{rest}"),
        _ => latin,
    };
    if let Some(stem) = latin.strip_suffix("aoui") {
        format!("{stem}awi")
    } else if let Some(stem) = latin.strip_suffix("ouane")
        && !stem.is_empty()
    {
        format!("{stem}wan")
    } else {
        latin
    }
}

/// How alike two parts are, with the reason.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PartMatch {
    Exact,
    Variant,
    Skeleton,
    Fuzzy(f64),
    Initial,
}

impl PartMatch {
    pub fn score(self) -> f64 {
        match self {
            PartMatch::Exact => 1.0,
            PartMatch::Variant => 0.95,
            // Consonants alone also join different names (Hassan, Hussein): weaker evidence.
            PartMatch::Skeleton => 0.9,
            PartMatch::Initial => 0.6,
            PartMatch::Fuzzy(s) => s,
        }
    }

    pub fn describe(self) -> String {
        match self {
            PartMatch::Exact => "same".into(),
            PartMatch::Variant => "known variants".into(),
            PartMatch::Skeleton => "same consonants".into(),
            PartMatch::Initial => "initial".into(),
            PartMatch::Fuzzy(s) => format!("similar {s:.2}"),
        }
    }
}

pub fn compare_parts(a: &Part, b: &Part) -> Option<PartMatch> {
    if a.same_latin(b) {
        return Some(PartMatch::Exact);
    }
    if a.variant.is_some() && a.variant == b.variant {
        return Some(PartMatch::Variant);
    }
    if a.skeleton.len() >= 2 && a.skeleton_key == b.skeleton_key && a.skeleton == b.skeleton {
        return Some(PartMatch::Skeleton);
    }
    if a.reads_as(b) || b.reads_as(a) {
        return Some(PartMatch::Skeleton);
    }
    if (a.latin.len() == 1 && b.latin.starts_with(&a.latin))
        || (b.latin.len() == 1 && a.latin.starts_with(&b.latin))
    {
        return Some(PartMatch::Initial);
    }
    let mut jw = crate::similarity::jaro_winkler(&a.latin, &b.latin);
    if one_slip(a.latin.as_bytes(), b.latin.as_bytes()) {
        // Two letters swapped (Rsahed / Rashed, aKdijatou) or one misread (Mohammcd): a slip
        // of the hand or the scanner, nearer than Jaro-Winkler says of a short word.
        jw = jw.max(SLIP);
    }
    // Similar consonants rank below the same consonants: Mahmoudnia is not Mahmoud.
    let sk = if a.skeleton.len() >= 3 && b.skeleton.len() >= 3 {
        (crate::similarity::jaro_winkler(&a.skeleton, &b.skeleton) - 0.03).min(0.89)
    } else {
        0.0
    };
    let s = jw.max(sk);
    (s >= 0.8).then_some(PartMatch::Fuzzy(s))
}

/// How alike two parts one slip apart are ([`one_slip`]).
const SLIP: f64 = 0.93;

/// Whether two spellings of one length differ by two neighbouring letters swapped, or by one
/// letter that character recognition confuses with the other (c and e, i and l, u and v): one
/// edit apart ([`crate::similarity::within_one_bytes`]), of those kinds.
fn one_slip(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() || a.len() < 3 || !crate::similarity::within_one_bytes(a, b) {
        return false;
    }
    let mut differ = (0..a.len()).filter(|&k| a[k] != b[k]);
    match (differ.next(), differ.next()) {
        // One edit at one length with two differences: neighbours swapped.
        (Some(_), Some(_)) => true,
        (Some(k), None) => matches!(
            (a[k].min(b[k]), a[k].max(b[k])),
            (b'c', b'e') | (b'i', b'l') | (b'u', b'v')
        ),
        _ => false,
    }
}

/// The best one-to-one pairing of parts (greedy on the strongest pairs; names have few parts).
pub fn align(a: &Name, b: &Name) -> Vec<(usize, usize, PartMatch)> {
    align_by(
        a.parts.len(),
        b.parts.len(),
        |i, j| a.parts[i].same_latin(&b.parts[j]),
        |i, j| compare_parts(&a.parts[i], &b.parts[j]),
    )
}

/// [`align`] over parts known by position: `same(i, j)` says whether part `i` of the one and
/// `j` of the other are written alike in Latin, `compare(i, j)` how alike they are otherwise.
/// The resolution engine aligns parts by number this way, without reading the parts' text.
pub fn align_by(
    a_len: usize,
    b_len: usize,
    same: impl Fn(usize, usize) -> bool,
    mut compare: impl FnMut(usize, usize) -> Option<PartMatch>,
) -> Vec<(usize, usize, PartMatch)> {
    let mut out = Vec::with_capacity(a_len.min(b_len));
    if a_len <= 128 && b_len <= 128 {
        // Bit sets on the stack: names have a handful of parts, and this runs for every pair.
        let (mut used_a, mut used_b) = (0u128, 0u128);
        // Equal parts first, in order: nothing scores higher, so the greedy pairing takes them
        // before anything else, and the pairs they rule out need not be compared at all (the
        // parts of most candidate pairs are mostly equal).
        for i in 0..a_len {
            for j in 0..b_len {
                if used_b & (1 << j) == 0 && same(i, j) {
                    used_a |= 1 << i;
                    used_b |= 1 << j;
                    out.push((i, j, PartMatch::Exact));
                    break;
                }
            }
        }
        let mut candidates = Vec::new();
        for i in (0..a_len).filter(|i| used_a & (1 << i) == 0) {
            for j in (0..b_len).filter(|j| used_b & (1 << j) == 0) {
                if let Some(m) = compare(i, j) {
                    candidates.push((i, j, m));
                }
            }
        }
        sort_strongest_first(&mut candidates);
        for (i, j, m) in candidates {
            if used_a & (1 << i) == 0 && used_b & (1 << j) == 0 {
                used_a |= 1 << i;
                used_b |= 1 << j;
                out.push((i, j, m));
            }
        }
        return out;
    }
    let mut candidates = Vec::with_capacity(a_len * b_len);
    for i in 0..a_len {
        for j in 0..b_len {
            if let Some(m) = compare(i, j) {
                candidates.push((i, j, m));
            }
        }
    }
    sort_strongest_first(&mut candidates);
    let mut used_a = vec![false; a_len];
    let mut used_b = vec![false; b_len];
    for (i, j, m) in candidates {
        if !used_a[i] && !used_b[j] {
            used_a[i] = true;
            used_b[j] = true;
            out.push((i, j, m));
        }
    }
    out
}

/// Strongest match first, ties in order of the parts.
/// Two adjacent parts of one name that, joined, read as one part of the other name: the
/// same name written apart and joined (Mohammad Reza / Mohammadreza, Anna Maria / Annamaria,
/// O Brien / OBrien).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Joined {
    /// Whether the two parts are the first name's (`a`), the one part the second's.
    pub apart_in_a: bool,
    /// The two adjacent parts, in order.
    pub first: usize,
    pub second: usize,
    /// The part of the other name they read as.
    pub other: usize,
    pub matched: PartMatch,
}

/// The parts that [`align`] left unpaired, or paired only as alike (an initial, a similar
/// spelling: "O" with "OBrien", "Mir" with "Mirwais"), that pair once two adjacent ones are
/// joined. `a` and `b` give each name's part by position. Returns the joined pairs, and
/// `aligned` without the weak pairs they replace.
pub fn joined<'p>(
    a_len: usize,
    b_len: usize,
    a: impl Fn(usize) -> &'p Part,
    b: impl Fn(usize) -> &'p Part,
    aligned: Vec<(usize, usize, PartMatch)>,
) -> (Vec<Joined>, Vec<(usize, usize, PartMatch)>) {
    let mut out = Vec::new();
    // Pairs by a rule hold; pairs by likeness alone (a similar spelling, an initial) give way.
    let strong = |m: &PartMatch| !matches!(m, PartMatch::Fuzzy(_) | PartMatch::Initial);
    // Most names pair whole: nothing to join and nothing allocated (this runs for every name
    // on a screening short list).
    if a_len + b_len < 3 || aligned.iter().filter(|(_, _, m)| strong(m)).count() >= a_len.min(b_len)
    {
        return (out, aligned);
    }
    let mut free_a: Vec<bool> = vec![true; a_len];
    let mut free_b: Vec<bool> = vec![true; b_len];
    for (i, j, m) in &aligned {
        if strong(m) {
            free_a[*i] = false;
            free_b[*j] = false;
        }
    }
    for apart_in_a in [true, false] {
        let (two_len, one_len) = if apart_in_a {
            (a_len, b_len)
        } else {
            (b_len, a_len)
        };
        let part_two = |k: usize| if apart_in_a { a(k) } else { b(k) };
        let part_one = |k: usize| if apart_in_a { b(k) } else { a(k) };
        for first in 0..two_len.saturating_sub(1) {
            let second = first + 1;
            let (free_two, free_one) = if apart_in_a {
                (&free_a, &free_b)
            } else {
                (&free_b, &free_a)
            };
            if !free_two[first] || !free_two[second] || !free_one.contains(&true) {
                continue;
            }
            let together = format!("{}{}", part_two(first).latin, part_two(second).latin);
            let together_skeleton = skeleton(&together);
            let found = (0..one_len).filter(|&k| free_one[k]).find_map(|k| {
                let one = part_one(k);
                if one.latin == together {
                    Some((k, PartMatch::Exact))
                } else if together_skeleton.len() >= 3 && one.skeleton == together_skeleton {
                    Some((k, PartMatch::Skeleton))
                } else {
                    None
                }
            });
            if let Some((other, matched)) = found {
                if apart_in_a {
                    (free_a[first], free_a[second], free_b[other]) = (false, false, false);
                } else {
                    (free_b[first], free_b[second], free_a[other]) = (false, false, false);
                }
                out.push(Joined {
                    apart_in_a,
                    first,
                    second,
                    other,
                    matched,
                });
            }
        }
    }
    let in_a = |i: usize| {
        out.iter().any(|jn| {
            if jn.apart_in_a {
                i == jn.first || i == jn.second
            } else {
                i == jn.other
            }
        })
    };
    let in_b = |j: usize| {
        out.iter().any(|jn| {
            if jn.apart_in_a {
                j == jn.other
            } else {
                j == jn.first || j == jn.second
            }
        })
    };
    let kept = if out.is_empty() {
        aligned
    } else {
        aligned
            .into_iter()
            .filter(|(i, j, _)| !in_a(*i) && !in_b(*j))
            .collect()
    };
    (out, kept)
}

fn sort_strongest_first(candidates: &mut [(usize, usize, PartMatch)]) {
    candidates.sort_unstable_by(|x, y| {
        y.2.score()
            .total_cmp(&x.2.score())
            .then((x.0, x.1).cmp(&(y.0, y.1)))
    });
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod variant_table_tests {
    #[test]
    fn the_variant_table_is_well_formed() {
        let text = include_str!("../data/name-variants.yaml");
        let groups: std::collections::BTreeMap<String, Vec<String>> =
            serde_yaml_ng::from_str(text).expect("a map of group to forms");
        assert!(groups.len() > 50);
        for (group, forms) in &groups {
            assert!(
                forms.contains(group),
                "{group}: the group's own name is not a form"
            );
            for f in forms {
                assert!(
                    f.chars().all(|c| c.is_ascii_lowercase()),
                    "{group}: {f:?} is not lower-case Latin (forms are compared after romanisation)"
                );
            }
        }
        assert_eq!(super::VARIANTS.get("peggy"), Some(&"margaret"));
    }
}
