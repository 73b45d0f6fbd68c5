//! The simulator's reference data: corridors (`data/corridors.yaml`) and name pools by culture
//! (`data/names.yaml`), embedded and checked when loaded.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct Corridors {
    pub corridors: Vec<Corridor>,
}

#[derive(Debug, Deserialize)]
pub struct Corridor {
    pub id: String,
    pub name: String,
    pub mmp_route: String,
    pub nationalities: BTreeMap<String, f64>,
    pub legs: Vec<Leg>,
}

/// A place: name, ISO country, latitude, longitude.
#[derive(Debug, Clone, Deserialize)]
pub struct Place(pub String, pub String, pub f64, pub f64);

#[derive(Debug, Deserialize)]
pub struct Leg {
    pub from: Place,
    pub to: Place,
    pub mode: String,
    pub fee_usd: [u64; 2],
    pub days: [u64; 2],
    pub intercept: f64,
    pub death: f64,
}

#[derive(Debug)]
pub struct Names {
    /// Names are drawn with weight 1 / rank^frequency_exponent (see names.yaml).
    pub frequency_exponent: f64,
    pub cultures: BTreeMap<String, Culture>,
}

/// A name in its own script, then its Latin renderings, most common first.
pub type NameForms = Vec<String>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Culture {
    pub script: String,
    pub countries: Vec<String>,
    pub patronymic: bool,
    /// Chance a person carries a second given name (Mehmet Ali, José Luis).
    #[serde(default)]
    pub second_given: f64,
    /// Two family names, drawn apart (Hispanic: the father's, then the mother's).
    #[serde(default)]
    pub double_family: bool,
    /// How often this pool is drawn among the pools of a country (default 1).
    #[serde(default = "one")]
    pub weight: f64,
    pub male: Vec<NameForms>,
    pub female: Vec<NameForms>,
    pub family: Vec<NameForms>,
    /// Family names the culture makes from given names (Alizadeh, Abu Hassan, Yousafzai):
    /// added after the listed ones, so rarer, and ranked by their given name's rank.
    #[serde(default)]
    pub derived_family: Vec<Derivation>,
    /// Family names the culture builds from two parts (Öz + demir, Georg + opoulos, Petr +
    /// ović): each block joins every `first` with every `second`, form by form. They come
    /// after the listed and derived ones, the pair of ranks (i, j) ranked by (i + 1)(j + 1),
    /// so the long tail of a real population's family names is there without listing it.
    #[serde(default)]
    pub compound_family: Vec<Compound>,
    /// The last name is a forefather's given name, not a family name (Ethiopia, Eritrea,
    /// Somalia): the family pool is the male pool, ranked as it is, then the listed ones.
    #[serde(default)]
    pub family_from_given: bool,
    /// How a woman's family name is written where it takes a feminine form (Petrov →
    /// Petrova): the ending in the culture's script and in Latin, and what is added to each.
    #[serde(default)]
    pub feminine_family: Vec<Feminine>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feminine {
    /// The masculine ending: in the culture's script, then in Latin.
    pub ends: [String; 2],
    /// What a woman's form adds: in the culture's script, then in Latin.
    pub add: [String; 2],
    /// Whether the masculine ending is dropped before `add` (Greek Georgiadis → Georgiadou)
    /// rather than kept (Petrov → Petrova).
    #[serde(default)]
    pub replace: bool,
}

impl Culture {
    /// A woman's form of a family name, where the culture has one.
    pub fn feminine(&self, family: &NameForms) -> NameForms {
        let Some(rule) = self
            .feminine_family
            .iter()
            .find(|r| family[0].ends_with(r.ends[0].as_str()))
        else {
            return family.clone();
        };
        family
            .iter()
            .enumerate()
            .map(|(i, form)| {
                let (ends, add) = if i == 0 {
                    (&rule.ends[0], &rule.add[0])
                } else {
                    (&rule.ends[1], &rule.add[1])
                };
                if let Some(stem) = form.strip_suffix(ends.as_str()) {
                    let stem = if rule.replace { stem } else { form.as_str() };
                    format!("{stem}{add}")
                } else {
                    form.clone()
                }
            })
            .collect()
    }
}

/// How a family name is made from a given name: `prefix` and `suffix` each list the affix in
/// the culture's script first, then in the Latin renderings (one form stands for all).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Derivation {
    #[serde(default)]
    pub prefix: Vec<String>,
    #[serde(default)]
    pub suffix: Vec<String>,
}

impl Derivation {
    /// The family name made from `stem`, form by form.
    fn apply(&self, stem: &NameForms) -> NameForms {
        let at = form_at;
        let n = stem.len().max(self.prefix.len()).max(self.suffix.len());
        (0..n)
            .map(|i| {
                format!(
                    "{}{}{}",
                    at(&self.prefix, i),
                    at(stem, i),
                    at(&self.suffix, i)
                )
            })
            .collect()
    }
}

/// Two lists of name parts whose every pairing is a family name (see `compound_family`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Compound {
    pub first: Vec<NameForms>,
    pub second: Vec<NameForms>,
}

/// Form `i` of `forms`; where it has fewer, its most common Latin rendering stands in.
fn form_at(forms: &[String], i: usize) -> String {
    forms
        .get(i)
        .or_else(|| forms.get(1))
        .or_else(|| forms.first())
        .cloned()
        .unwrap_or_default()
}

fn one() -> f64 {
    1.0
}

pub fn corridors() -> Corridors {
    serde_yaml_ng::from_str(include_str!("../data/corridors.yaml"))
        .expect("data/corridors.yaml is checked by a test")
}

/// The name pools, one file per culture under `data/names/` (the file's stem is the culture's
/// id), and the settings shared by all in `data/names/_pools.yaml`.
const CULTURE_FILES: &[(&str, &str)] = &[
    ("arabic", include_str!("../data/names/arabic.yaml")),
    ("bengali", include_str!("../data/names/bengali.yaml")),
    ("burmese", include_str!("../data/names/burmese.yaml")),
    ("croatian", include_str!("../data/names/croatian.yaml")),
    ("english", include_str!("../data/names/english.yaml")),
    ("fula-mande", include_str!("../data/names/fula-mande.yaml")),
    ("geez", include_str!("../data/names/geez.yaml")),
    ("greek", include_str!("../data/names/greek.yaml")),
    ("hausa", include_str!("../data/names/hausa.yaml")),
    ("hispanic", include_str!("../data/names/hispanic.yaml")),
    ("hungarian", include_str!("../data/names/hungarian.yaml")),
    ("italian", include_str!("../data/names/italian.yaml")),
    ("malay", include_str!("../data/names/malay.yaml")),
    ("pashto", include_str!("../data/names/pashto.yaml")),
    ("persian", include_str!("../data/names/persian.yaml")),
    ("rohingya", include_str!("../data/names/rohingya.yaml")),
    ("serbian", include_str!("../data/names/serbian.yaml")),
    ("slavic", include_str!("../data/names/slavic.yaml")),
    ("somali", include_str!("../data/names/somali.yaml")),
    ("tigrinya", include_str!("../data/names/tigrinya.yaml")),
    ("turkish", include_str!("../data/names/turkish.yaml")),
    ("urdu", include_str!("../data/names/urdu.yaml")),
    (
        "west-african",
        include_str!("../data/names/west-african.yaml"),
    ),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PoolSettings {
    frequency_exponent: f64,
}

pub fn names() -> Names {
    let settings: PoolSettings = serde_yaml_ng::from_str(include_str!("../data/names/_pools.yaml"))
        .expect("data/names/_pools.yaml is checked by a test");
    let cultures = CULTURE_FILES
        .iter()
        .map(|(id, text)| {
            let mut culture: Culture = serde_yaml_ng::from_str(text)
                .unwrap_or_else(|e| panic!("data/names/{id}.yaml (checked by a test): {e}"));
            culture.derive_family_names();
            (id.to_string(), culture)
        })
        .collect();
    Names {
        frequency_exponent: settings.frequency_exponent,
        cultures,
    }
}

impl Culture {
    /// Appends the derived family names: for each given name (single words only, most common
    /// first), each derivation; names already listed are not repeated.
    fn derive_family_names(&mut self) {
        if self.family_from_given {
            let listed = std::mem::take(&mut self.family);
            self.family = self.male.clone();
            self.family.extend(listed);
        }
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        self.family.retain(|f| seen.insert(f[0].clone()));
        let mut derived = Vec::new();
        for stem in &self.male {
            if stem[0].contains(' ') {
                continue;
            }
            for d in &self.derived_family {
                let forms = d.apply(stem);
                if seen.insert(forms[0].clone()) {
                    derived.push(forms);
                }
            }
        }
        let mut compounds = Vec::new();
        for block in &self.compound_family {
            for (i, first) in block.first.iter().enumerate() {
                for (j, second) in block.second.iter().enumerate() {
                    let n = first.len().max(second.len());
                    let forms: NameForms = (0..n)
                        .map(|k| format!("{}{}", form_at(first, k), form_at(second, k)))
                        .collect();
                    compounds.push(((i + 1) * (j + 1), forms));
                }
            }
        }
        // Stable: blocks keep their order among equal ranks.
        compounds.sort_by_key(|(rank, _)| *rank);
        for (_, forms) in compounds {
            if seen.insert(forms[0].clone()) {
                derived.push(forms);
            }
        }
        self.family.extend(derived);
    }
}

impl Names {
    /// A culture whose names nationals of `country` carry; where several do (Afghans carry
    /// Dari or Pashto names, people from Myanmar Rohingya or Bamar ones), `pick` chooses among
    /// them by their weights.
    pub fn culture_of(&self, country: &str, pick: u64) -> Option<&Culture> {
        let matching: Vec<&Culture> = self
            .cultures
            .values()
            .filter(|c| c.countries.iter().any(|x| x == country))
            .collect();
        let total: f64 = matching.iter().map(|c| c.weight).sum();
        // `pick` is uniform over u64: its top 53 bits make a uniform fraction.
        let mut at = (pick >> 11) as f64 / (1u64 << 53) as f64 * total;
        for culture in &matching {
            if at < culture.weight {
                return Some(culture);
            }
            at -= culture.weight;
        }
        matching.last().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_pool_file_is_loaded() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/names");
        let on_disk: std::collections::BTreeSet<String> = std::fs::read_dir(dir)
            .expect("data/names")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter_map(|f| f.strip_suffix(".yaml").map(str::to_string))
            .filter(|f| !f.starts_with('_'))
            .collect();
        let loaded: std::collections::BTreeSet<String> =
            CULTURE_FILES.iter().map(|(id, _)| id.to_string()).collect();
        assert_eq!(
            on_disk, loaded,
            "list each data/names/*.yaml in CULTURE_FILES"
        );
    }

    #[test]
    fn corridors_are_real_places_with_sane_figures() {
        for c in corridors().corridors {
            assert!(!c.legs.is_empty(), "{}", c.id);
            for leg in &c.legs {
                for p in [&leg.from, &leg.to] {
                    assert!(
                        corridor_model::types::country_by_code(&p.1).is_some(),
                        "{}: country {}",
                        c.id,
                        p.1
                    );
                    assert!(
                        (-90.0..=90.0).contains(&p.2) && (-180.0..=180.0).contains(&p.3),
                        "{}: {}",
                        c.id,
                        p.0
                    );
                }
                assert!(leg.fee_usd[0] <= leg.fee_usd[1] && leg.days[0] <= leg.days[1]);
                assert!((0.0..0.2).contains(&leg.death) && (0.0..1.0).contains(&leg.intercept));
                assert!(["land", "sea", "air", "foot"].contains(&leg.mode.as_str()));
            }
        }
    }

    #[test]
    fn afghans_carry_dari_or_pashto_names() {
        let names = names();
        let mut rng = crate::rng::Rng::new(4);
        let scripts: std::collections::BTreeSet<&str> = (0..50)
            .filter_map(|_| names.culture_of("af", rng.next_u64()))
            .map(|c| c.script.as_str())
            .collect();
        assert_eq!(scripts.len(), 2, "{scripts:?}");
    }

    #[test]
    fn most_people_from_myanmar_on_the_bay_of_bengal_carry_rohingya_names() {
        let names = names();
        let mut rng = crate::rng::Rng::new(9);
        let n = 7000;
        let rohingya = (0..n)
            .filter(|_| {
                names
                    .culture_of("mm", rng.next_u64())
                    .map(|c| c.script.as_str())
                    == Some("Myanmar (Rohingya names)")
            })
            .count() as f64
            / n as f64;
        assert!((rohingya - 6.0 / 7.0).abs() < 0.02, "{rohingya}");
    }

    /// The share of a pool's draws that fall on its most common name.
    fn top_share(pool_len: usize, exponent: f64) -> f64 {
        1.0 / (1..=pool_len)
            .map(|rank| (rank as f64).powf(-exponent))
            .sum::<f64>()
    }

    /// Namesakes exist but do not dominate: in every culture, the commonest full name (the
    /// commonest given name, father's name where names chain, and family name, with no second
    /// given name) is carried by at most 1 % of the men. With pools of a dozen names it was
    /// 6 %: "Mehmet Kaya" was 3 % of a million-record simulation's Turks, and a screening
    /// query in that name could not be told from two thousand others.
    #[test]
    fn the_commonest_full_name_is_rare() {
        let names = names();
        let s = names.frequency_exponent;
        let mut report = Vec::new();
        for (id, c) in &names.cultures {
            let given = top_share(c.male.len(), s) * (1.0 - c.second_given);
            let father = if c.patronymic {
                top_share(c.male.len(), s)
            } else {
                1.0
            };
            let family = top_share(c.family.len(), s).powi(if c.double_family { 2 } else { 1 });
            let share = given * father * family;
            report.push((id.as_str(), share, c.male.len(), c.family.len()));
        }
        report.sort_by(|a, b| b.1.total_cmp(&a.1));
        eprintln!("{report:#?}");
        for (id, share, male, family) in report {
            assert!(
                share <= 0.01,
                "{id}: {:.2} % of the men carry the commonest name ({male} given names, \
                 {family} family names)",
                share * 100.0
            );
        }
    }

    #[test]
    fn every_corridor_nationality_has_a_name_pool() {
        let names = names();
        for c in corridors().corridors {
            for nat in c.nationalities.keys() {
                assert!(
                    names.culture_of(nat, 0).is_some(),
                    "{}: no names for {nat}",
                    c.id
                );
            }
        }
        for (id, culture) in &names.cultures {
            for pool in [&culture.male, &culture.female, &culture.family] {
                assert!(
                    pool.iter().all(|forms| forms.len() >= 2),
                    "{id}: a name without a Latin form"
                );
            }
        }
    }
}
