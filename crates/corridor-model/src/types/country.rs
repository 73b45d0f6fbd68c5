//! Countries: ISO 3166-1 alpha-2 and alpha-3, UN M49 numeric codes, English names, the ICAO
//! Doc 9303 codes found in machine-readable zones, and FollowTheMoney's extra territories.
//!
//! The normal form is FollowTheMoney's: lowercase alpha-2 (`de`), or for areas and statuses that
//! have no ISO code, the lowercase code of their own list (`xxa` for a stateless person,
//! `gb-sct`). `NA` is Namibia, never "not available": blanks are handled by the importers.

use std::collections::HashMap;
use std::sync::LazyLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CountryKind {
    Iso,
    Icao,
    Ftm,
}

#[derive(Clone, Debug)]
pub struct Country {
    /// The normal form stored as the value.
    pub code: String,
    pub alpha3: Option<String>,
    pub name: String,
    pub kind: CountryKind,
}

struct Table {
    by_code: HashMap<String, Country>,
    /// Every accepted spelling (lowercased) → normal code.
    lookup: HashMap<String, String>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut by_code = HashMap::new();
    let mut lookup = HashMap::new();
    for line in data_lines(include_str!("../../data/countries.tsv")) {
        let [a2, a3, numeric, name] = fields::<4>(line);
        let code = a2.to_ascii_lowercase();
        for spelling in [a2, a3, numeric, name] {
            lookup.insert(spelling.to_lowercase(), code.clone());
        }
        by_code.insert(
            code.clone(),
            Country {
                code,
                alpha3: Some(a3.to_string()),
                name: name.to_string(),
                kind: CountryKind::Iso,
            },
        );
    }
    for line in data_lines(include_str!("../../data/country-extras.tsv")) {
        let [code, kind, maps_to, name] = fields::<4>(line);
        let normal = if maps_to == "-" {
            code.to_ascii_lowercase()
        } else {
            maps_to.to_string()
        };
        lookup.insert(code.to_lowercase(), normal.clone());
        if maps_to == "-" {
            let kind = if kind == "icao" {
                CountryKind::Icao
            } else {
                CountryKind::Ftm
            };
            let alpha3 = (kind == CountryKind::Icao).then(|| code.to_string());
            by_code.entry(normal.clone()).or_insert(Country {
                code: normal,
                alpha3,
                name: name.to_string(),
                kind,
            });
        }
    }
    Table { by_code, lookup }
});

pub(super) fn data_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn fields<const N: usize>(line: &str) -> [&str; N] {
    let mut out = [""; N];
    for (slot, part) in out.iter_mut().zip(line.split('\t')) {
        *slot = part;
    }
    out
}

/// The country an ICAO Doc 9303 machine-readable zone names with `code`: an ISO 3166-1
/// alpha-3 code or one of ICAO's own (D for Germany, XXA stateless, UTO for specimens…),
/// upper case, padded with `<` to three characters.
pub fn mrz_country(code: &str) -> Option<&'static Country> {
    let key = code.trim_end_matches('<');
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_uppercase()) {
        return None;
    }
    let normal = TABLE.lookup.get(&key.to_lowercase())?;
    let country = TABLE.by_code.get(normal)?;
    // Three-letter codes, and Germany's one letter: not alpha-2 codes or names.
    (key.len() == 3 || key == "D").then_some(country)
}

/// The country with this normal code, if any.
pub fn country_by_code(code: &str) -> Option<&'static Country> {
    TABLE.by_code.get(code)
}

/// A country's UN M49 area: its sub-region and region names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct M49Area {
    pub subregion: String,
    pub region: String,
}

/// UN M49 areas by ISO alpha-2 (lower case), from data/m49.tsv (generated from the CLDR by
/// tools/m49_from_cldr.py): a public code list, never derived from data.
static M49: LazyLock<HashMap<String, M49Area>> = LazyLock::new(|| {
    data_lines(include_str!("../../data/m49.tsv"))
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.len() == 5).then(|| {
                (
                    f[0].to_lowercase(),
                    M49Area {
                        subregion: f[2].to_string(),
                        region: f[4].to_string(),
                    },
                )
            })
        })
        .collect()
});

/// Every UN M49 sub-region, sorted: a public domain for releases.
pub fn m49_subregions() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = M49.values().map(|a| a.subregion.as_str()).collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// Every UN M49 region, sorted.
pub fn m49_regions() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = M49.values().map(|a| a.region.as_str()).collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// The UN M49 sub-region and region of a country's code (any case).
pub fn m49_area(code: &str) -> Option<&'static M49Area> {
    M49.get(&code.to_lowercase())
}

/// Whether two spellings name the same country ("ly", "LBY" and "Libya"; an MRZ's "D" and
/// "de"); false when either is no known country.
pub fn same_country(a: &str, b: &str) -> bool {
    matches!(
        (clean_country(a.trim()), clean_country(b.trim())),
        (Ok(x), Ok(y)) if x == y
    )
}

pub(crate) fn clean_country(s: &str) -> Result<String, String> {
    // MRZ nationality fields pad short codes with '<' ("D<<").
    let key = s.trim_end_matches('<').to_lowercase();
    TABLE.lookup.get(&key).cloned().ok_or_else(|| {
        format!("{s:?} is not a known country: use an ISO 3166-1 alpha-2 or alpha-3 code, an ICAO code or an English name")
    })
}
