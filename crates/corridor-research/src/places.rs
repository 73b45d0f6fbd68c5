//! Countries as sources write them — ISO alpha-2 or alpha-3 codes, English short names, the UN
//! statistical names ("Iran (Islamic Republic of)") — normalised to ISO 3166-1 alpha-2 through
//! the model's code list and `data/un-country-names.tsv`. Words that mean "not known" are not
//! countries, and are said so rather than guessed.

use std::collections::HashMap;
use std::sync::LazyLock;

use corridor_model::types::PropertyType;

static UN_NAMES: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    include_str!("../data/un-country-names.tsv")
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .map(|(name, code)| (name.to_lowercase(), code.to_lowercase()))
        .collect()
});

/// Values that say the country is not known (or is many): no country, and no error.
const UNKNOWN: &[&str] = &[
    "",
    "unknown",
    "mixed",
    "mixed/unknown",
    "unk",
    "ooo",
    "oos",
    "n/a",
    "uncategorized",
];

/// Stateless persons (Frontex's code): a status, not a country.
const STATELESS: &[&str] = &["stl", "xxa"];

/// Origins some agencies report that are not ISO 3166 countries, kept as they are reported
/// (Panama counts Tibetans apart): code, then the label kept.
const OTHER_ORIGINS: &[(&str, &str)] = &[("tib", "Tibet (as reported)")];

/// What a country cell says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// ISO 3166-1 alpha-2, lower case (the model's normal form).
    Country(String),
    Stateless,
    /// An origin an agency reports that is not an ISO country.
    Other(&'static str),
    Unknown,
}

/// One country cell. `Err` names the value when it is no country the code lists know.
pub fn place(raw: &str) -> Result<Place, String> {
    let value = raw.trim();
    let key = value.to_lowercase();
    if UNKNOWN.contains(&key.as_str()) {
        return Ok(Place::Unknown);
    }
    if STATELESS.contains(&key.as_str()) {
        return Ok(Place::Stateless);
    }
    if let Some((_, label)) = OTHER_ORIGINS.iter().find(|(c, _)| *c == key) {
        return Ok(Place::Other(label));
    }
    if let Some(code) = UN_NAMES.get(&key) {
        return Ok(Place::Country(code.clone()));
    }
    PropertyType::Country
        .clean(value, Default::default())
        .map(Place::Country)
        .map_err(|_| format!("{value:?} is not a country of ISO 3166 or the UN's list"))
}

/// A cell that may hold several countries ("Afghanistan,Syrian Arab Republic"): the countries,
/// and whether some were unknown.
pub fn places(raw: &str) -> Result<(Vec<String>, bool), String> {
    let mut out = Vec::new();
    let mut unknown = false;
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match place(part)? {
            Place::Country(c) => {
                if !out.contains(&c) {
                    out.push(c);
                }
            }
            Place::Stateless | Place::Other(_) | Place::Unknown => unknown = true,
        }
    }
    if raw.trim().is_empty() {
        unknown = true;
    }
    Ok((out, unknown))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_names_and_un_names_become_iso_codes_and_unknown_is_no_country() {
        assert_eq!(place("GTM"), Ok(Place::Country("gt".into())));
        assert_eq!(place("Guatemala"), Ok(Place::Country("gt".into())));
        assert_eq!(
            place("Iran (Islamic Republic of)"),
            Ok(Place::Country("ir".into()))
        );
        assert_eq!(place("Türkiye"), Ok(Place::Country("tr".into())));
        assert_eq!(
            place("NA"),
            Ok(Place::Country("na".into())),
            "Namibia is not missing"
        );
        assert_eq!(place("Unknown"), Ok(Place::Unknown));
        assert_eq!(place("STL"), Ok(Place::Stateless));
        assert!(place("Atlantis").unwrap_err().contains("Atlantis"));
        assert_eq!(
            places("Afghanistan,Syrian Arab Republic"),
            Ok((vec!["af".into(), "sy".into()], false))
        );
        assert_eq!(places("Mixed"), Ok((vec![], true)));
    }
}
