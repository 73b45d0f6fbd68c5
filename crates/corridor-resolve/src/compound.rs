//! One written word that is two name parts: Abdulrahman as Abd al-Rahman, the names of Allah
//! joined or apart (Rahmatullah / Rahmat Ullah), Ethiopian names built on Gebre-, Wolde- and
//! the like, and the Arabic article joined to a nisba (Albaghdadi).

/// "abdulrahman" → ["abd", "rahman"]; "abdurrahman" → ["abd", "rahman"]; "abdul" → ["abd"];
/// "alsayed" → ["sayed"] (the article written joined, as transfer clerks often do).
pub(crate) fn split_compound(latin: &str) -> Vec<String> {
    const ABD: &[&str] = &[
        "abdul", "abdel", "abdal", "abdoul", "abdou", "abdur", "abdar", "abdu", "abdi", "abdool",
        // Somali writes the ʿayn: Cabdi, Cabdullahi.
        "cabdul", "cabdi", "cabdu",
    ];
    if ABD.contains(&latin) {
        return vec!["abd".into()];
    }
    // The article before Abd (Alabdullah, Elabdelkader): the rest is split as written alone.
    if let Some(rest) = latin
        .strip_prefix("al")
        .or_else(|| latin.strip_prefix("el"))
        && rest.starts_with("abd")
        && rest.len() >= 4
    {
        return split_compound(rest);
    }
    // "Son of" joined to the name after it, as Maghrebi family names are written (Benomar,
    // Benabdallah, Bensalem for Ben Omar, Ben Abdallah, Ben Salem): split where what follows is
    // a name, so Benjamin and Bennett stay whole.
    for son_of in ["ben", "bin"] {
        if let Some(rest) = latin.strip_prefix(son_of)
            && rest.len() >= 3
            && (is_known_name(rest) || rest.starts_with("abd") || AFTER_BEN.contains(&rest))
        {
            return split_compound(rest);
        }
    }
    // Maghrebi Bou for Abu, joined (Bouzid for Abu Zaid, Bouabdallah for Abu Abd Allah); the
    // rest split as written alone. A name of two letters after it is not taken (Bouba is not
    // Abu Ba).
    if let Some(rest) = latin.strip_prefix("bou")
        && rest.len() >= 3
        && (is_known_name(rest) || AFTER_BOU.contains(&rest))
    {
        let mut parts = vec!["abu".to_string()];
        parts.extend(split_compound(rest));
        return parts;
    }
    // Spanish and Filipino family names with their article joined (Delvalle, Delacruz).
    for article in ["dela", "delos", "del"] {
        if let Some(rest) = latin.strip_prefix(article)
            && AFTER_DEL.contains(&rest)
        {
            return vec![rest.to_string()];
        }
    }
    if let Some(parts) = split_allah(latin, ABD) {
        return parts;
    }
    // Ethiopian and Eritrean names built on "servant of", "son of", "gift of" and the like,
    // written joined or apart: Gebremichael / Gebre Michael, Woldemariam / Wolde Mariam.
    const ETHIOPIC_PREFIXES: &[&str] = &[
        "gebre", "ghebre", "gabre", "wolde", "welde", "habte", "haile", "hayle", "tekle", "tecle",
        "kidane", "tesfa", "tesfai", "zere",
    ];
    for prefix in ETHIOPIC_PREFIXES {
        if let Some(rest) = latin.strip_prefix(prefix)
            && rest.len() >= 4
        {
            return vec![prefix.to_string(), rest.to_string()];
        }
    }
    for prefix in ABD {
        if let Some(rest) = latin.strip_prefix(prefix)
            && rest.len() >= 3
        {
            return vec!["abd".into(), rest.to_string()];
        }
    }
    for article in ["al", "el"] {
        if let Some(rest) = latin.strip_prefix(article)
            && (rest.len() >= 4 || rest.len() == 3 && is_known_name(rest))
            && !NOT_ARTICLE.iter().any(|n| latin.starts_with(n))
            && !NOT_ARTICLE_WHOLE.contains(&latin)
        {
            return vec![rest.to_string()];
        }
    }
    vec![latin.to_string()]
}

/// A name in the known-variant table (Ali, Omar, Ahmed): what follows an article or "son of"
/// written joined to it.
fn is_known_name(latin: &str) -> bool {
    crate::names::variant_of(latin).is_some()
}

/// Names written joined to Bou (Abu) that the variant table does not list.
const AFTER_BOU: &[&str] = &["zid", "zaid", "zeid", "azza", "abdallah", "bakr", "medien"];

/// Family names written with Del, De la or De los joined before them.
const AFTER_DEL: &[&str] = &[
    "valle", "rio", "campo", "castillo", "carmen", "toro", "monte", "pilar", "prado", "pozo",
    "rosario", "cruz", "rosa", "torre", "fuente", "vega", "paz", "garza", "pena", "santos",
    "reyes", "angeles",
];

/// Names that Maghrebi family names join to Ben and that the variant table does not list.
const AFTER_BEN: &[&str] = &[
    "salem", "salah", "saleh", "said", "aissa", "amor", "ammar", "hamida", "mansour", "slimane",
    "khalifa", "jelloun", "moussa", "miloud", "rabah", "aziz", "chikh", "cheikh", "youssef",
    "brahim", "hassine", "yahia", "nasser", "hamouda", "ayed", "amara", "ahmed",
];

/// The names that end in Allah (Abdullah, Rahmatullah, Zabihullah), however they are spelled
/// and whether the two words are joined or not, split as "Abd Allah" is: the stem, then
/// "allah". The endings without an h (Abdalla, Cipolla) are taken only after Abd, and Ulla
/// after a stem of three letters.
fn split_allah(latin: &str, abd: &[&str]) -> Option<Vec<String>> {
    const ALONE: &[&str] = &["allah", "ullah", "ollah", "ellah", "ulla", "llah", "allh"];
    if ALONE.contains(&latin) {
        return Some(vec!["allah".into()]);
    }
    // Fula and Mande forms of Abdullah.
    const WEST_AFRICAN: &[&str] = &["abdoulaye", "abdoulie", "ablaye", "abdulai", "abdoulahi"];
    if WEST_AFRICAN.contains(&latin) {
        return Some(vec!["abd".into(), "allah".into()]);
    }
    const ENDINGS: &[(&str, bool)] = &[
        // Somali writes the long vowel doubled (Cabdullaahi).
        ("ullaahi", true),
        ("ullahi", true),
        ("allahi", true),
        ("ullah", true),
        ("ollah", true),
        ("allah", true),
        ("ellah", true),
        ("ullha", true),
        ("allh", true),
        ("llah", true),
        ("ulla", true),
        ("olla", false),
        ("alla", false),
        ("ella", false),
    ];
    for (ending, after_any_stem) in ENDINGS {
        let Some(stem) = latin.strip_suffix(ending) else {
            continue;
        };
        let is_abd = stem == "abd" || abd.contains(&stem);
        if is_abd {
            return Some(vec!["abd".into(), "allah".into()]);
        }
        if *after_any_stem && stem.len() >= 3 {
            return Some(vec![stem.to_string(), "allah".into()]);
        }
    }
    None
}

/// Names that begin with "al" or "el" without an article. Listed as whole beginnings
/// (Albert, Alemayehu, Alessandro, Elmira), not two letters after the article: Albaghdadi,
/// Almasri, Elmasry and Altamimi are the article joined to a nisba.
const NOT_ARTICLE: &[&str] = &[
    "alan", "alain", "albert", "alem", "aless", "albin", "albrecht", "alden", "aleks", "alex",
    "alec", "alejandr", "alena", "alfons", "alfred", "ali", "alice", "alin", "alis", "all",
    "almir", "alois", "alon", "alph", "alp", "alva", "alvar", "alvin", "alvaro", "ela", "elb",
    "eld", "elen", "eleo", "elf", "eli", "ell", "elmar", "elmed", "elmer", "elmin", "elmir",
    "elmo", "elo", "elsb", "elsp", "elv", "ely",
];

/// Whole names that begin like an article and a name (Elsa, Aldous), where the beginning alone
/// would also hold the article joined to one (Elsayed, Elsaid, Aldossari).
/// Alma, Almaz and Alban likewise, where Almasri, Almalki and Albanna are the article.
const NOT_ARTICLE_WHOLE: &[&str] = &[
    "elsa", "else", "elsie", "elsy", "elmas", "elmaz", "alsa", "aldous", "aldona", "alma", "almas",
    "almaz", "alban", "albana", "albane", "albania",
];
