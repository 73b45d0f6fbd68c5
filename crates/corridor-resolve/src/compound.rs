//! One written word that is two name parts: Abdulrahman as Abd al-Rahman, the names of Allah
//! joined or apart (Rahmatullah / Rahmat Ullah), Ethiopian names built on Gebre-, Wolde- and
//! the like, and the Arabic article joined to a nisba (Albaghdadi). The words that decide
//! where Ben, Bou, Del and the article are split off are data (`data/joined-forms.yaml`).

use std::collections::HashSet;
use std::sync::LazyLock;

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
            && (is_known_name(rest) || rest.starts_with("abd") || FORMS.after_ben.contains(rest))
        {
            return split_compound(rest);
        }
    }
    // Maghrebi Bou for Abu, joined (Bouzid for Abu Zaid, Bouabdallah for Abu Abd Allah); the
    // rest split as written alone. A name of two letters after it is not taken (Bouba is not
    // Abu Ba).
    if let Some(rest) = latin.strip_prefix("bou")
        && rest.len() >= 3
        && (is_known_name(rest) || FORMS.after_bou.contains(rest))
    {
        let mut parts = vec!["abu".to_string()];
        parts.extend(split_compound(rest));
        return parts;
    }
    // Spanish and Filipino family names with their article joined (Delvalle, Delacruz).
    for article in ["dela", "delos", "del"] {
        if let Some(rest) = latin.strip_prefix(article)
            && FORMS.after_del.contains(rest)
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
            && !FORMS
                .not_article
                .iter()
                .any(|n| latin.starts_with(n.as_str()))
            && !FORMS.not_article_whole.contains(latin)
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

/// The word lists of `data/joined-forms.yaml`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct JoinedForms {
    after_ben: HashSet<String>,
    after_bou: HashSet<String>,
    after_del: HashSet<String>,
    not_article: Vec<String>,
    not_article_whole: HashSet<String>,
}

static FORMS: LazyLock<JoinedForms> = LazyLock::new(|| {
    serde_yaml_ng::from_str(include_str!("../data/joined-forms.yaml"))
        .expect("data/joined-forms.yaml is checked by a test")
});

#[cfg(test)]
mod tests {
    #[test]
    fn the_joined_forms_file_is_well_formed() {
        let forms = &*super::FORMS;
        let all = forms
            .after_ben
            .iter()
            .chain(&forms.after_bou)
            .chain(&forms.after_del)
            .chain(&forms.not_article)
            .chain(&forms.not_article_whole);
        for word in all {
            assert!(
                !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase()),
                "{word:?}: lower-case ASCII letters only"
            );
        }
        assert!(forms.not_article.contains(&"albert".to_string()));
        assert!(forms.after_ben.contains("salem"));
    }
}
