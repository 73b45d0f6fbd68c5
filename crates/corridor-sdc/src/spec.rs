//! What a release may contain: every column of the dataset classified, or nothing leaves.
//!
//! ```yaml
//! dataset: protection-registrations
//! columns:
//!   person_id: person                      # the privacy unit; never released
//!   name: direct_identifier                # never released
//!   age: {quasi_identifier: age}
//!   nationality: {quasi_identifier: country}
//!   registered: {quasi_identifier: date}
//!   disembarked_at: {quasi_identifier: point}
//!   referral: sensitive
//!   notes: free_text                       # never released
//!   row: technical                         # never released
//! k: 11
//! l: 2
//! max_suppression: 0.1
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::SdcError;
use crate::hierarchy::Hierarchy;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", try_from = "RawClass")]
pub enum Class {
    /// Whose row it is: counts once however many rows they have; never released.
    Person,
    DirectIdentifier,
    QuasiIdentifier(Hierarchy),
    Sensitive,
    FreeText,
    Technical,
}

/// A class as written: a word, or `{quasi_identifier: <hierarchy>}`.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawClass {
    Word(String),
    Quasi { quasi_identifier: Hierarchy },
}

impl TryFrom<RawClass> for Class {
    type Error = String;

    fn try_from(raw: RawClass) -> Result<Class, String> {
        match raw {
            RawClass::Quasi { quasi_identifier } => Ok(Class::QuasiIdentifier(quasi_identifier)),
            RawClass::Word(w) => match w.as_str() {
                "person" => Ok(Class::Person),
                "direct_identifier" => Ok(Class::DirectIdentifier),
                "sensitive" => Ok(Class::Sensitive),
                "free_text" => Ok(Class::FreeText),
                "technical" => Ok(Class::Technical),
                other => Err(format!(
                    "{other:?} is not a class (person, direct_identifier, {{quasi_identifier: age|date|country|point|category}}, sensitive, free_text, technical)"
                )),
            },
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseSpec {
    pub dataset: String,
    pub columns: BTreeMap<String, Class>,
    pub k: usize,
    #[serde(default = "one")]
    pub l: usize,
    #[serde(default = "tenth")]
    pub max_suppression: f64,
}

fn one() -> usize {
    1
}

fn tenth() -> f64 {
    0.1
}

/// Where each classified column is in a dataset.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub person: usize,
    pub quasi: Vec<(usize, String, Hierarchy)>,
    pub sensitive: Vec<(usize, String)>,
    /// Columns that never leave, with their class.
    pub dropped: Vec<(String, Class)>,
}

fn looks_like_url(v: &str) -> bool {
    let v = v.trim().to_lowercase();
    v.starts_with("http://") || v.starts_with("https://") || v.starts_with("www.")
}

fn looks_like_point(v: &str) -> bool {
    v.split_once(',').is_some_and(|(a, o)| {
        let (a, o) = (a.trim(), o.trim());
        a.contains('.') && o.contains('.') && a.parse::<f64>().is_ok() && o.parse::<f64>().is_ok()
    })
}

impl ReleaseSpec {
    pub fn parse(file: &str, text: &str) -> Result<ReleaseSpec, SdcError> {
        let spec: ReleaseSpec =
            serde_yaml_ng::from_str(text).map_err(|e| SdcError::Invalid(format!("{file}: {e}")))?;
        let bad = |m: String| SdcError::Invalid(format!("{file}: {m}"));
        if spec.k < 2 {
            return Err(bad(format!("k: {} protects no one (at least 2)", spec.k)));
        }
        if spec.l < 1 {
            return Err(bad("l: at least 1".into()));
        }
        if !(0.0..=1.0).contains(&spec.max_suppression) {
            return Err(bad("max_suppression: a share, 0 to 1".into()));
        }
        let persons = spec
            .columns
            .values()
            .filter(|c| **c == Class::Person)
            .count();
        if persons != 1 {
            return Err(bad(format!(
                "columns: exactly one column is the person (the privacy unit), not {persons}"
            )));
        }
        if !spec
            .columns
            .values()
            .any(|c| matches!(c, Class::QuasiIdentifier(_)))
        {
            return Err(bad(
                "columns: no quasi-identifier; nothing to generalise".into()
            ));
        }
        Ok(spec)
    }

    /// Checks a dataset against the specification: every column classified (a release fails
    /// closed), every classified column present, and no URL or exact coordinate in a column
    /// that would leave as it is.
    pub fn plan(&self, header: &[String], rows: &[Vec<String>]) -> Result<Plan, SdcError> {
        let unclassified: Vec<&String> = header
            .iter()
            .filter(|h| !self.columns.contains_key(h.as_str()))
            .collect();
        if !unclassified.is_empty() {
            return Err(SdcError::Invalid(format!(
                "columns not classified: {}: a release fails closed (classify each as person, direct_identifier, quasi_identifier, sensitive, free_text or technical)",
                unclassified
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let missing: Vec<&String> = self
            .columns
            .keys()
            .filter(|c| !header.contains(c))
            .collect();
        if !missing.is_empty() {
            return Err(SdcError::Invalid(format!(
                "columns classified but not in the data: {}",
                missing
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let mut plan = Plan {
            person: 0,
            quasi: vec![],
            sensitive: vec![],
            dropped: vec![],
        };
        for (i, name) in header.iter().enumerate() {
            match self.columns[name] {
                Class::Person => {
                    plan.person = i;
                    plan.dropped.push((name.clone(), Class::Person));
                }
                Class::QuasiIdentifier(h) => plan.quasi.push((i, name.clone(), h)),
                Class::Sensitive => plan.sensitive.push((i, name.clone())),
                other => plan.dropped.push((name.clone(), other)),
            }
        }
        // What leaves as it is must not carry a source URL or an exact point.
        let leaving: Vec<(usize, &String)> = plan
            .sensitive
            .iter()
            .map(|(i, n)| (*i, n))
            .chain(
                plan.quasi
                    .iter()
                    .filter(|(_, _, h)| *h != Hierarchy::Point)
                    .map(|(i, n, _)| (*i, n)),
            )
            .collect();
        for (line, row) in rows.iter().enumerate() {
            for (i, name) in &leaving {
                let v = row.get(*i).map(String::as_str).unwrap_or("");
                if looks_like_url(v) {
                    return Err(SdcError::Invalid(format!(
                        "row {}: {name}: a source URL would leave unprotected; classify the column as technical or free_text",
                        line + 1
                    )));
                }
                if looks_like_point(v) {
                    return Err(SdcError::Invalid(format!(
                        "row {}: {name}: exact coordinates would leave unprotected; classify the column as quasi_identifier: point",
                        line + 1
                    )));
                }
            }
        }
        Ok(plan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "dataset: d\ncolumns:\n  id: person\n  name: direct_identifier\n  age: {quasi_identifier: age}\n  referral: sensitive\n  notes: free_text\nk: 11\nl: 2\n";

    fn header(cols: &[&str]) -> Vec<String> {
        cols.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn a_release_fails_closed_and_nothing_identifying_leaves() {
        let spec = ReleaseSpec::parse("s.yaml", SPEC).unwrap();
        let cols = header(&["id", "name", "age", "referral", "notes"]);
        let plan = spec.plan(&cols, &[]).unwrap();
        assert_eq!(plan.person, 0);
        assert_eq!(plan.quasi, [(2, "age".to_string(), Hierarchy::Age)]);
        assert_eq!(plan.dropped.len(), 3);
        let e = spec
            .plan(
                &header(&["id", "name", "age", "referral", "notes", "phone"]),
                &[],
            )
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("columns not classified: phone: a release fails closed"),
            "{e}"
        );
        let rows = vec![vec![
            "p1".into(),
            "A".into(),
            "30".into(),
            "https://news.example/a".into(),
            "".into(),
        ]];
        assert!(
            spec.plan(&cols, &rows)
                .unwrap_err()
                .to_string()
                .contains("source URL")
        );
        let rows = vec![vec![
            "p1".into(),
            "A".into(),
            "30".into(),
            "35.51,12.61".into(),
            "".into(),
        ]];
        assert!(
            spec.plan(&cols, &rows)
                .unwrap_err()
                .to_string()
                .contains("exact coordinates")
        );
        for (bad, why) in [
            (SPEC.replace("k: 11", "k: 1"), "protects no one"),
            (
                SPEC.replace("  id: person\n", ""),
                "exactly one column is the person",
            ),
            (
                SPEC.replace(
                    "age: {quasi_identifier: age}",
                    "age: {quasi_identifier: shoe_size}",
                ),
                "s.yaml",
            ),
        ] {
            let e = ReleaseSpec::parse("s.yaml", &bad).unwrap_err().to_string();
            assert!(e.contains(why), "{why}: {e}");
        }
    }
}
