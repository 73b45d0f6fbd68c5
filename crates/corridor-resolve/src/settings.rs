//! The linkage model as one settings file: the id column, the comparisons (each a kind with
//! ordered levels over some columns), the blocking rules and the thresholds. Checked against
//! the input's columns before anything runs; without a file, settings are proposed from the
//! column names.
//!
//! ```yaml
//! unique_id: rec_id
//! comparisons:
//!   - {name: name, kind: name, columns: [given_name, surname]}
//!   - {name: dob, kind: date, columns: [date_of_birth]}
//!   - {name: ssn, kind: identifier, columns: [soc_sec_id]}
//! blocking:                 # a pair is compared when it shares all keys of one rule
//!   - [name_pair:name]
//!   - [name_part:name, birth_year:dob]
//!   - [value:ssn]
//! thresholds: {match: 0.9, review: 0.5}
//! ```

use serde::{Deserialize, Serialize};

use crate::ResolveError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Person or organisation names, in any script (see `names.rs`).
    Name,
    /// Dates with partial precision and the usual errors.
    Date,
    /// Document, account or phone numbers: exact, OCR-confusable, different.
    Identifier,
    /// Free text (addresses, places): exact, Jaro-Winkler bands.
    Text,
    /// Codes (sex, nationality, postcode): same or different.
    Exact,
}

impl Kind {
    /// The kind as written in settings.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Name => "name",
            Kind::Date => "date",
            Kind::Identifier => "identifier",
            Kind::Text => "text",
            Kind::Exact => "exact",
        }
    }

    pub fn levels(self) -> &'static [&'static str] {
        match self {
            Kind::Name => crate::compare::NAME_LEVELS,
            Kind::Date => crate::values::DATE_LEVELS,
            Kind::Identifier => crate::values::IDENTIFIER_LEVELS,
            Kind::Text => crate::values::TEXT_LEVELS,
            Kind::Exact => crate::values::EXACT_LEVELS,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Comparison {
    pub name: String,
    pub kind: Kind,
    /// Columns read (joined with a space; a name may come in given name and surname columns).
    pub columns: Vec<String>,
    /// Adjust the weight of exact agreement by how common the value is (a rare name says more
    /// than "Mohammed"). Default: on for names, identifiers and exact fields.
    #[serde(default)]
    pub term_frequency: Option<bool>,
}

impl Comparison {
    pub fn uses_term_frequency(&self) -> bool {
        self.term_frequency
            .unwrap_or(matches!(self.kind, Kind::Name | Kind::Exact))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Pairs at or above this probability are links and may join clusters.
    #[serde(rename = "match")]
    pub link: f64,
    /// Pairs at or above this probability are written out (for review below `match`).
    pub review: f64,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            link: 0.9,
            review: 0.5,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub unique_id: String,
    pub comparisons: Vec<Comparison>,
    /// Each rule is a list of keys (`kind:comparison`); see [`KeyKind`].
    pub blocking: Vec<Vec<String>>,
    #[serde(default)]
    pub thresholds: Thresholds,
    /// Blocks with more records than this are skipped as generic (a shared placeholder date,
    /// the commonest name): they would make many pairs and little evidence.
    #[serde(default = "default_max_block")]
    pub max_block: usize,
    /// The same cap for rules made only of identifier values (a document or phone number):
    /// records sharing one are few people written many ways — a frequent traveller's
    /// renderings across sources can number hundreds — unless it is a placeholder.
    #[serde(default = "default_max_identifier_block")]
    pub max_identifier_block: usize,
    /// In a block skipped as generic, every record is still compared with this many of the
    /// block's records that stand for the most records (identical records collapse onto one):
    /// a frequent traveller's main renderings, which his sparse records written in another
    /// script or order would otherwise meet nowhere. Linear in the block's size; 0 turns it off.
    /// Unset: 8, or `max_block` if that is smaller (see [`Settings::heads`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generic_block_heads: Option<usize>,
    /// Random pairs drawn to estimate how often non-matches agree (u).
    #[serde(default = "default_u_pairs")]
    pub u_sample_pairs: usize,
    #[serde(default = "default_em_iterations")]
    pub em_iterations: usize,
    /// In clustering, the evidence assumed for a pair that was never compared (bits).
    #[serde(default = "default_missing_bits")]
    pub unscored_pair_bits: f64,
    /// In clustering, the average evidence (bits) over all cross pairs two clusters need to
    /// merge; a link above the match threshold only proposes the merge.
    #[serde(default = "default_average_bits")]
    pub cluster_average_bits: f64,
    #[serde(default)]
    pub seed: u64,
}

fn default_max_block() -> usize {
    500
}
fn default_max_identifier_block() -> usize {
    1000
}
const DEFAULT_GENERIC_BLOCK_HEADS: usize = 8;
fn default_u_pairs() -> usize {
    200_000
}
fn default_em_iterations() -> usize {
    25
}
fn default_average_bits() -> f64 {
    -0.5
}
fn default_missing_bits() -> f64 {
    -1.0
}

/// What a blocking key is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// Each name part (its consonant skeleton, or known-variant group).
    NamePart,
    /// Each pair of name parts, in either order.
    NamePair,
    /// The whole date.
    Date,
    /// The date with day and month in sorted order: swaps meet.
    DateSwap,
    /// The year of the date.
    BirthYear,
    /// The comparison's value (identifiers OCR-folded, text lower-cased).
    Value,
    /// The first three characters of the value.
    Prefix3,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub kind: KeyKind,
    pub comparison: usize,
}

impl Settings {
    /// How many heaviest records of a generic block everyone in it meets
    /// (`generic_block_heads`).
    pub fn heads(&self) -> usize {
        self.generic_block_heads
            .unwrap_or(DEFAULT_GENERIC_BLOCK_HEADS.min(self.max_block))
    }

    /// The largest block a rule compares (see `max_block` and `max_identifier_block`).
    pub fn block_cap(&self, rule: &[Key]) -> usize {
        let identifiers_only = rule.iter().all(|k| {
            k.kind == KeyKind::Value && self.comparisons[k.comparison].kind == Kind::Identifier
        });
        if identifiers_only {
            self.max_identifier_block.max(self.max_block)
        } else {
            self.max_block
        }
    }

    pub fn parse(file: &str, text: &str) -> Result<Settings, ResolveError> {
        serde_yaml_ng::from_str(text).map_err(|e| ResolveError::Settings(format!("{file}: {e}")))
    }

    pub fn to_yaml(&self) -> String {
        serde_yaml_ng::to_string(self).expect("plain data")
    }

    /// Checks the settings against themselves and the input's columns; the error names the
    /// comparison, rule or column.
    pub fn check(&self, columns: &[String]) -> Result<(), ResolveError> {
        let bad = |m: String| Err(ResolveError::Settings(m));
        if !columns.contains(&self.unique_id) {
            return bad(format!(
                "unique_id: the input has no column {:?} (columns: {})",
                self.unique_id,
                columns.join(", ")
            ));
        }
        if self.comparisons.is_empty() || self.comparisons.len() > 16 {
            return bad(format!(
                "comparisons: between 1 and 16 are supported, not {}",
                self.comparisons.len()
            ));
        }
        let mut names = std::collections::HashSet::new();
        for c in &self.comparisons {
            if !names.insert(c.name.as_str()) {
                return bad(format!("comparisons: {:?} is named twice", c.name));
            }
            if c.columns.is_empty() {
                return bad(format!("comparison {:?}: no columns", c.name));
            }
            if let Some(col) = c.columns.iter().find(|col| !columns.contains(col)) {
                return bad(format!(
                    "comparison {:?}: the input has no column {col:?} (columns: {})",
                    c.name,
                    columns.join(", ")
                ));
            }
        }
        if self.blocking.len() > 16 {
            return bad(format!(
                "blocking: at most 16 rules, not {}",
                self.blocking.len()
            ));
        }
        if self.blocking.is_empty() {
            return bad(
                "blocking: at least one rule is needed (comparing every pair does not scale)"
                    .into(),
            );
        }
        for rule in &self.blocking {
            if rule.is_empty() {
                return bad("blocking: an empty rule would compare every pair".into());
            }
            for key in rule {
                self.key(key)?;
            }
        }
        let t = self.thresholds;
        if !(0.0 < t.review && t.review <= t.link && t.link < 1.0) {
            return bad(format!(
                "thresholds: need 0 < review ({}) <= match ({}) < 1",
                t.review, t.link
            ));
        }
        if self.max_block < 2 {
            return bad("max_block: at least 2".into());
        }
        if let Some(heads) = self.generic_block_heads.filter(|h| *h > self.max_block) {
            return bad(format!(
                "generic_block_heads ({heads}) is above max_block ({}): a generic block would be compared in full",
                self.max_block
            ));
        }
        Ok(())
    }

    /// Reads a blocking key such as `name_part:name`.
    pub fn key(&self, text: &str) -> Result<Key, ResolveError> {
        let (kind, comparison) = text.split_once(':').ok_or_else(|| {
            ResolveError::Settings(format!(
                "blocking key {text:?}: write it as kind:comparison, e.g. name_part:name"
            ))
        })?;
        let index = self
            .comparisons
            .iter()
            .position(|c| c.name == comparison)
            .ok_or_else(|| {
                ResolveError::Settings(format!(
                    "blocking key {text:?}: no comparison named {comparison:?}"
                ))
            })?;
        let c = &self.comparisons[index];
        let kind = match (kind, c.kind) {
            ("name_part", Kind::Name) => KeyKind::NamePart,
            ("name_pair", Kind::Name) => KeyKind::NamePair,
            ("date", Kind::Date) => KeyKind::Date,
            ("date_swap", Kind::Date) => KeyKind::DateSwap,
            ("birth_year", Kind::Date) => KeyKind::BirthYear,
            ("value", _) => KeyKind::Value,
            ("prefix3", _) => KeyKind::Prefix3,
            (k, kind) => {
                return Err(ResolveError::Settings(format!(
                    "blocking key {text:?}: {k:?} does not apply to a {kind:?} comparison (name: name_part, name_pair; date: date, date_swap, birth_year; any: value, prefix3)"
                )));
            }
        };
        Ok(Key {
            kind,
            comparison: index,
        })
    }

    /// Settings proposed from column names, and a line per choice saying why.
    pub fn propose(columns: &[String]) -> Result<(Settings, Vec<String>), ResolveError> {
        let lower: Vec<String> = columns.iter().map(|c| c.to_lowercase()).collect();
        let find = |names: &[&str]| -> Vec<String> {
            columns
                .iter()
                .zip(&lower)
                .filter(|(_, l)| names.contains(&l.as_str()))
                .map(|(c, _)| c.clone())
                .collect()
        };
        let mut why = Vec::new();
        let unique_id = find(&["unique_id", "id", "rec_id", "record_id", "recid"])
            .into_iter()
            .next()
            .ok_or_else(|| {
                ResolveError::Settings(format!(
                    "no id column: name one unique_id, id, rec_id or record_id, or give --settings (columns: {})",
                    columns.join(", ")
                ))
            })?;
        why.push(format!("unique id: {unique_id}"));
        let mut comparisons = Vec::new();
        let mut add = |name: &str, kind: Kind, cols: Vec<String>, why: &mut Vec<String>| {
            if !cols.is_empty() && !comparisons.iter().any(|c: &Comparison| c.name == name) {
                why.push(format!(
                    "{name}: {kind:?} comparison of {}",
                    cols.join(" + ")
                ));
                comparisons.push(Comparison {
                    name: name.into(),
                    kind,
                    columns: cols,
                    term_frequency: None,
                });
            }
        };
        let full = find(&["full_name", "name", "fullname", "person_name"]);
        let parts = [
            find(&["given_name", "first_name", "firstname", "forename", "given"]),
            find(&["middle_name", "father_name", "patronymic"]),
            find(&["surname", "last_name", "lastname", "family_name"]),
        ]
        .concat();
        if !full.is_empty() {
            add("name", Kind::Name, full[..1].to_vec(), &mut why);
        } else {
            add("name", Kind::Name, parts, &mut why);
        }
        add(
            "dob",
            Kind::Date,
            find(&["dob", "date_of_birth", "birth_date", "birthdate"]),
            &mut why,
        );
        for (i, col) in find(&[
            "passport",
            "passport_number",
            "passport_no",
            "document_number",
            "soc_sec_id",
            "ssn",
            "national_id",
            "id_number",
            "phone",
            "phone_number",
        ])
        .into_iter()
        .enumerate()
        {
            add(
                &format!("id{}", i + 1),
                Kind::Identifier,
                vec![col],
                &mut why,
            );
        }
        for col in find(&[
            "gender",
            "sex",
            "nationality",
            "country",
            "postcode",
            "state",
            "citizenship",
        ]) {
            add(
                &col.to_lowercase(),
                Kind::Exact,
                vec![col.clone()],
                &mut why,
            );
        }
        for col in find(&[
            "address",
            "address_1",
            "address_2",
            "suburb",
            "city",
            "birth_place",
            "place_of_birth",
            "occupation",
            "street_number",
        ]) {
            add(&col.to_lowercase(), Kind::Text, vec![col.clone()], &mut why);
        }
        if !comparisons.iter().any(|c| c.kind == Kind::Name) {
            return Err(ResolveError::Settings(format!(
                "no name column found to compare (looked for full_name, name, given_name, first_name, surname, last_name): give --settings (columns: {})",
                columns.join(", ")
            )));
        }
        let mut blocking = vec![vec!["name_pair:name".to_string()]];
        if comparisons.iter().any(|c| c.name == "dob") {
            blocking.push(vec!["name_part:name".into(), "birth_year:dob".into()]);
            blocking.push(vec!["date_swap:dob".into(), "prefix3:name".into()]);
        }
        for c in comparisons.iter().filter(|c| c.kind == Kind::Identifier) {
            blocking.push(vec![format!("value:{}", c.name)]);
        }
        why.push(format!(
            "blocking: {}",
            blocking
                .iter()
                .map(|r| r.join(" + "))
                .collect::<Vec<_>>()
                .join("; ")
        ));
        let settings = Settings {
            unique_id,
            comparisons,
            blocking,
            thresholds: Thresholds::default(),
            max_block: default_max_block(),
            max_identifier_block: default_max_identifier_block(),
            generic_block_heads: None,
            u_sample_pairs: default_u_pairs(),
            em_iterations: default_em_iterations(),
            unscored_pair_bits: default_missing_bits(),
            cluster_average_bits: default_average_bits(),
            seed: 0,
        };
        settings.check(columns)?;
        Ok((settings, why))
    }
}
