//! What a synthetic release is made of, as data: the attributes, the hierarchy level each is
//! generalised to, its public domain and its parent in the tree (see [`crate::synth`]).

use serde::{Deserialize, Serialize};

use crate::SdcError;
use crate::hierarchy::Hierarchy;
use crate::synth::Attribute;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SynthSpec {
    pub dataset: String,
    pub epsilon: f64,
    pub attributes: Vec<SynthAttribute>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SynthAttribute {
    pub column: String,
    pub hierarchy: Hierarchy,
    #[serde(default)]
    pub level: usize,
    pub domain: Domain,
    #[serde(default)]
    pub parent: Option<String>,
}

/// A domain written out, or a public list by name.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Domain {
    Values(Vec<String>),
    Named(String),
}

/// Every domain holds this value: what a missing or out-of-domain value becomes.
pub const UNKNOWN: &str = "unknown";

impl Domain {
    fn values(&self, column: &str) -> Result<Vec<String>, SdcError> {
        let mut out: Vec<String> = match self {
            Domain::Values(v) => v.clone(),
            Domain::Named(name) if name == "m49_subregions" => {
                corridor_model::types::m49_subregions()
                    .into_iter()
                    .map(str::to_string)
                    .collect()
            }
            Domain::Named(name) if name == "m49_regions" => corridor_model::types::m49_regions()
                .into_iter()
                .map(str::to_string)
                .collect(),
            Domain::Named(name) if name == "age_groups" => {
                ["0-17", "18-59", "60+"].map(String::from).to_vec()
            }
            Domain::Named(name) if name == "age_bands_10" => (0..=120)
                .step_by(10)
                .map(|a| format!("{a}-{}", a + 9))
                .collect(),
            Domain::Named(name) => {
                let years = name.strip_prefix("years:").and_then(|r| {
                    let (from, to) = r.split_once('-')?;
                    Some((from.parse::<i32>().ok()?, to.parse::<i32>().ok()?))
                });
                match years {
                    Some((from, to)) if from <= to && to - from <= 200 => {
                        (from..=to).map(|y| y.to_string()).collect()
                    }
                    _ => {
                        return Err(SdcError::Invalid(format!(
                            "{column}: domain {name:?} is not a list nor one of m49_regions, m49_subregions, age_groups, age_bands_10, years:FROM-TO"
                        )));
                    }
                }
            }
        };
        if !out.iter().any(|v| v == UNKNOWN) {
            out.push(UNKNOWN.into());
        }
        Ok(out)
    }
}

impl SynthSpec {
    pub fn parse(file: &str, text: &str) -> Result<SynthSpec, SdcError> {
        let spec: SynthSpec =
            serde_yaml_ng::from_str(text).map_err(|e| SdcError::Invalid(format!("{file}: {e}")))?;
        if !(spec.epsilon > 0.0 && spec.epsilon <= 10.0) {
            return Err(SdcError::Invalid(format!(
                "{file}: epsilon: {} (above 0, at most 10)",
                spec.epsilon
            )));
        }
        spec.attributes(&[])
            .map_err(|e| SdcError::Invalid(format!("{file}: {e}")))?;
        Ok(spec)
    }

    /// The attributes with their domains; `header` (when not empty) must hold every column.
    pub fn attributes(&self, header: &[String]) -> Result<Vec<Attribute>, SdcError> {
        let mut out = Vec::new();
        for a in &self.attributes {
            if !header.is_empty() && !header.contains(&a.column) {
                return Err(SdcError::Invalid(format!(
                    "{}: no such column in the data",
                    a.column
                )));
            }
            if a.level >= a.hierarchy.levels() {
                return Err(SdcError::Invalid(format!(
                    "{}: level {} (this hierarchy has {})",
                    a.column,
                    a.level,
                    a.hierarchy.levels()
                )));
            }
            let parent = match &a.parent {
                None => None,
                Some(p) => Some(
                    self.attributes
                        .iter()
                        .position(|b| &b.column == p)
                        .ok_or_else(|| {
                            SdcError::Invalid(format!(
                                "{}: parent {p:?} is not an attribute",
                                a.column
                            ))
                        })?,
                ),
            };
            out.push(Attribute {
                name: a.column.clone(),
                domain: a.domain.values(&a.column)?,
                parent,
            });
        }
        Ok(out)
    }

    /// The table's rows coded into the domains, generalised first; values outside their
    /// domain become `unknown` (counted per column).
    pub fn encode(
        &self,
        attributes: &[Attribute],
        header: &[String],
        rows: &[Vec<String>],
    ) -> (Vec<Vec<usize>>, Vec<(String, usize)>) {
        let columns: Vec<usize> = self
            .attributes
            .iter()
            .map(|a| header.iter().position(|h| h == &a.column).unwrap_or(0))
            .collect();
        let mut outside = vec![0usize; attributes.len()];
        let coded = rows
            .iter()
            .map(|row| {
                self.attributes
                    .iter()
                    .enumerate()
                    .map(|(i, a)| {
                        let raw = row.get(columns[i]).map_or("", String::as_str);
                        let value = a.hierarchy.generalise(raw, a.level);
                        let domain = &attributes[i].domain;
                        domain.iter().position(|d| *d == value).unwrap_or_else(|| {
                            if !raw.is_empty() && value != UNKNOWN {
                                outside[i] += 1;
                            }
                            domain.iter().position(|d| d == UNKNOWN).unwrap_or(0)
                        })
                    })
                    .collect()
            })
            .collect();
        let outside = attributes
            .iter()
            .zip(outside)
            .map(|(a, n)| (a.name.clone(), n))
            .collect();
        (coded, outside)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "dataset: d\nepsilon: 1\nattributes:\n  - {column: nationality, hierarchy: country, level: 1, domain: m49_subregions}\n  - {column: age, hierarchy: age, level: 2, domain: age_bands_10, parent: nationality}\n  - {column: month, hierarchy: date, level: 3, domain: \"years:2020-2025\", parent: age}\n";

    #[test]
    fn domains_come_from_public_lists_and_values_are_coded_into_them() {
        let spec = SynthSpec::parse("s.yaml", SPEC).unwrap();
        let header: Vec<String> = ["nationality", "age", "month"].map(String::from).to_vec();
        let attrs = spec.attributes(&header).unwrap();
        assert!(attrs[0].domain.contains(&"Northern Africa".to_string()));
        assert_eq!(attrs[1].domain[2], "20-29");
        assert_eq!(
            attrs[2].domain,
            ["2020", "2021", "2022", "2023", "2024", "2025", "unknown"]
        );
        let rows = vec![
            vec!["er".to_string(), "24".into(), "2024-03".into()],
            vec!["".to_string(), "".into(), "1999-01".into()],
        ];
        let (coded, outside) = spec.encode(&attrs, &header, &rows);
        assert_eq!(attrs[0].domain[coded[0][0]], "Eastern Africa");
        assert_eq!(attrs[1].domain[coded[0][1]], "20-29");
        assert_eq!(attrs[2].domain[coded[0][2]], "2024");
        assert!(
            coded[1]
                .iter()
                .zip(&attrs)
                .all(|(c, a)| a.domain[*c] == "unknown")
        );
        assert_eq!(
            outside[2],
            ("month".to_string(), 1),
            "1999 is outside 2020-2025"
        );
    }

    #[test]
    fn a_bad_spec_is_refused_by_what_is_wrong() {
        let bad = |text: &str| SynthSpec::parse("s.yaml", text).unwrap_err().to_string();
        assert!(bad(&SPEC.replace("epsilon: 1", "epsilon: 0")).contains("epsilon"));
        assert!(bad(&SPEC.replace("years:2020-2025", "decades")).contains("decades"));
        assert!(bad(&SPEC.replace("parent: age", "parent: height")).contains("height"));
        assert!(bad(&SPEC.replace("level: 3", "level: 9")).contains("level 9"));
        assert!(bad(&format!("{SPEC}colour: red\n")).contains("colour"));
        let spec = SynthSpec::parse("s.yaml", SPEC).unwrap();
        assert!(
            spec.attributes(&["age".to_string()])
                .unwrap_err()
                .to_string()
                .contains("nationality")
        );
    }
}
