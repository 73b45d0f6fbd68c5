//! The shapes of rule files: the field catalogue, indicators and profiles.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::RuleError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Bool,
    Number,
    Text,
    Set,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    #[serde(rename = "type")]
    pub kind: FieldType,
    #[serde(default)]
    pub protected: bool,
    pub about: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Catalogue {
    fields: BTreeMap<String, Field>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    IsTrue,
    IsFalse,
    Eq,
    Ne,
    In,
    Gte,
    Gt,
    Lte,
    Lt,
    Contains,
    Exists,
}

/// One test of one field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub field: String,
    pub op: Op,
    #[serde(default)]
    pub value: Option<serde_json::Value>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    #[serde(default)]
    pub positive: Vec<BTreeMap<String, serde_json::Value>>,
    #[serde(default)]
    pub negative: Vec<BTreeMap<String, serde_json::Value>>,
}

/// A sign, with why it means something: all of its `all` conditions and, when there are any,
/// at least one of its `any` conditions.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub rationale: String,
    #[serde(default)]
    pub all: Vec<Condition>,
    #[serde(default)]
    pub any: Vec<Condition>,
    pub weight: f64,
    #[serde(default)]
    pub examples: Examples,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfileKind {
    /// A possible perpetrator: an enforcement alert.
    Perpetrator,
    /// A possibly smuggled person or victim: a protection referral, never an alert.
    Protection,
}

/// Indicators combined: a hit when the weights of those that fire reach the threshold.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub kind: ProfileKind,
    pub indicators: Vec<String>,
    pub threshold: f64,
    /// After this day (YYYY-MM-DD) the profile no longer runs until it is reviewed.
    pub review_by: String,
    /// Who approved this version: two different users. A node fills it in from the users who
    /// proposed and approved the change ([`RuleSet::load_approved`]).
    #[serde(default)]
    pub approved_by: Vec<String>,
}

/// Every rule, checked.
#[derive(Clone, Debug)]
pub struct RuleSet {
    pub fields: BTreeMap<String, Field>,
    pub indicators: BTreeMap<String, Indicator>,
    pub profiles: BTreeMap<String, Profile>,
    /// The file each rule came from.
    pub sources: BTreeMap<String, String>,
}

/// The line (1-based) of the first line of `text` containing `needle`, or 1.
pub(crate) fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or(1, |i| i + 1)
}

impl RuleSet {
    /// Loads the catalogue and the rule files (path, text): an indicator's file sits under
    /// `indicators/`, a profile's under `profiles/`. Every problem of every file is returned.
    pub fn load(fields_text: &str, files: &[(String, String)]) -> Result<RuleSet, Vec<RuleError>> {
        Self::load_approved(fields_text, files, &BTreeMap::new())
    }

    /// As [`RuleSet::load`], with the approvers of some profile files (by path) recorded
    /// elsewhere — a node's approvals — rather than typed in the file; such a file may not name
    /// approvers itself.
    pub fn load_approved(
        fields_text: &str,
        files: &[(String, String)],
        approvals: &BTreeMap<String, Vec<String>>,
    ) -> Result<RuleSet, Vec<RuleError>> {
        let fields = serde_yaml_ng::from_str::<Catalogue>(fields_text)
            .map_err(|e| {
                vec![RuleError {
                    file: "fields.yaml".into(),
                    line: e.location().map_or(0, |l| l.line()),
                    rule: "fields".into(),
                    message: e.to_string(),
                }]
            })?
            .fields;
        let mut set = RuleSet {
            fields,
            indicators: BTreeMap::new(),
            profiles: BTreeMap::new(),
            sources: BTreeMap::new(),
        };
        let mut errors = Vec::new();
        for (path, text) in files {
            let unreadable = |e: serde_yaml_ng::Error| RuleError {
                file: path.clone(),
                line: e.location().map_or(0, |l| l.line()),
                rule: "?".into(),
                message: e.to_string(),
            };
            let id = if path.contains("profiles/") {
                match serde_yaml_ng::from_str::<Profile>(text) {
                    Ok(mut p) => {
                        if let Some(approvers) = approvals.get(path) {
                            if !p.approved_by.is_empty() {
                                errors.push(RuleError {
                                    file: path.clone(),
                                    line: line_of(text, "approved_by"),
                                    rule: p.id.clone(),
                                    message: "approved_by is filled in from the approvals recorded; leave it out".into(),
                                });
                            }
                            p.approved_by = approvers.clone();
                        }
                        let id = p.id.clone();
                        if set.profiles.insert(id.clone(), p).is_some() {
                            errors.push(duplicate(path, text, &id));
                        }
                        id
                    }
                    Err(e) => {
                        errors.push(unreadable(e));
                        continue;
                    }
                }
            } else if path.contains("indicators/") {
                match serde_yaml_ng::from_str::<Indicator>(text) {
                    Ok(i) => {
                        let id = i.id.clone();
                        if set.indicators.insert(id.clone(), i).is_some() {
                            errors.push(duplicate(path, text, &id));
                        }
                        id
                    }
                    Err(e) => {
                        errors.push(unreadable(e));
                        continue;
                    }
                }
            } else {
                errors.push(RuleError {
                    file: path.clone(),
                    line: 0,
                    rule: "?".into(),
                    message: "a rule file lives under indicators/ or profiles/".into(),
                });
                continue;
            };
            set.sources.insert(id, path.clone());
        }
        let texts: BTreeMap<&str, &str> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        errors.extend(crate::check::check(&set, &texts));
        if errors.is_empty() {
            Ok(set)
        } else {
            Err(errors)
        }
    }
}

fn duplicate(path: &str, text: &str, id: &str) -> RuleError {
    RuleError {
        file: path.into(),
        line: line_of(text, "id:"),
        rule: id.into(),
        message: "another rule has this id".into(),
    }
}
