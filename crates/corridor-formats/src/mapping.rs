//! Mapping files: how the columns of a CSV become entities, properties and links.
//!
//! ```yaml
//! dataset: crossings-ras-ajdir          # source name recorded on every statement
//! handling: restricted                  # optional defaults for provenance
//! purpose: border_management
//! entities:
//!   traveller:
//!     schema: Person
//!     keys: [passport_no, nationality]  # id = SHA-1 of these values (or id_column: a column with ids)
//!     properties:
//!       name: {column: full_name}
//!       birthDate: {column: dob, format: "%d.%m.%Y"}
//!       nationality: {column: nationality}
//!       phone: {column: phone, country_column: nationality}
//!   crossing:
//!     schema: Crossing
//!     keys: [crossing_ref]
//!     properties:
//!       traveller: {entity: traveller}   # a link to another entity of the same row
//!       point: {literal: bcp-ras-ajdir}
//!       direction: {column: dir}
//!       date: {column: time}
//! ```
//!
//! As in FollowTheMoney mappings, ids are derived from key columns, so importing the same rows
//! again yields the same entities. A mapping is checked against the model when loaded and
//! against the file's header before the first row is read.

use std::collections::BTreeMap;

use corridor_model::{
    HandlingCode, InformationGrade, Model, PropertyType, Purpose, SourceReliability,
};
use serde::Deserialize;

use crate::error::ImportError;
use crate::options::ProvenanceDefaults;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    dataset: Option<String>,
    handling: Option<String>,
    purpose: Option<String>,
    reliability: Option<String>,
    grade: Option<String>,
    entities: BTreeMap<String, EntityFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntityFile {
    schema: String,
    #[serde(default)]
    keys: Vec<String>,
    key_literal: Option<String>,
    id_column: Option<String>,
    handling: Option<String>,
    purpose: Option<String>,
    #[serde(default)]
    properties: BTreeMap<String, ValueFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ValueFile {
    column: Option<String>,
    #[serde(default)]
    columns: Vec<String>,
    literal: Option<String>,
    entity: Option<String>,
    split: Option<String>,
    format: Option<String>,
    country: Option<String>,
    country_column: Option<String>,
}

/// A mapping checked against the model; columns are still names.
#[derive(Debug)]
pub struct Mapping {
    pub file: String,
    pub dataset: Option<String>,
    pub(crate) defaults: ProvenanceDefaults,
    pub entities: Vec<EntityMapping>,
}

#[derive(Debug)]
pub struct EntityMapping {
    pub name: String,
    pub schema: String,
    pub id: IdRule,
    pub handling: Option<HandlingCode>,
    pub purpose: Option<Purpose>,
    pub properties: Vec<PropertyMapping>,
}

#[derive(Debug)]
pub enum IdRule {
    Keys { seed: String, columns: Vec<String> },
    Column(String),
}

#[derive(Debug)]
pub struct PropertyMapping {
    pub prop: String,
    pub source: ValueSource,
    pub split: Option<String>,
    pub format: Option<String>,
    pub country: Option<String>,
    pub country_column: Option<String>,
}

#[derive(Debug)]
pub enum ValueSource {
    Columns(Vec<String>),
    Literal(String),
    Entity(String),
}

fn parse_code<T: std::str::FromStr<Err = String>>(
    v: &Option<String>,
    file: &str,
    what: &str,
) -> Result<Option<T>, ImportError> {
    v.as_deref()
        .map(|s| s.parse::<T>())
        .transpose()
        .map_err(|e| ImportError::Mapping {
            file: file.into(),
            message: format!("{what}: {e}"),
        })
}

impl Mapping {
    pub fn parse(file: &str, text: &str, model: &Model) -> Result<Mapping, ImportError> {
        let fail = |message: String| ImportError::Mapping {
            file: file.to_string(),
            message,
        };
        let raw: MappingFile = serde_yaml_ng::from_str(text).map_err(|e| fail(e.to_string()))?;
        if raw.entities.is_empty() {
            return Err(fail(
                "maps no entities: add at least one under `entities:`".into(),
            ));
        }
        let defaults = ProvenanceDefaults {
            handling: parse_code(&raw.handling, file, "handling")?,
            purpose: parse_code(&raw.purpose, file, "purpose")?,
            reliability: parse_code::<SourceReliability>(&raw.reliability, file, "reliability")?,
            grade: parse_code::<InformationGrade>(&raw.grade, file, "grade")?,
        };
        let mut entities = Vec::new();
        for (name, e) in &raw.entities {
            let at = |m: String| fail(format!("entity {name}: {m}"));
            let schema = model.schema(&e.schema).map_err(&at)?;
            if schema.is_abstract {
                return Err(at(format!(
                    "{} is an abstract type; use one of its descendants",
                    schema.name
                )));
            }
            let id = match (&e.id_column, e.keys.is_empty()) {
                (Some(c), true) => IdRule::Column(c.clone()),
                (None, false) => IdRule::Keys {
                    seed: e.key_literal.clone().unwrap_or_else(|| schema.name.clone()),
                    columns: e.keys.clone(),
                },
                _ => return Err(at(
                    "give either `keys` (columns to derive the id from) or `id_column`, not both"
                        .into(),
                )),
            };
            let mut properties = Vec::new();
            for (prop_name, v) in &e.properties {
                let prop = schema.property(prop_name).ok_or_else(|| {
                    at(format!(
                        "{prop_name:?} is not a property of {} (see its schema file)",
                        schema.name
                    ))
                })?;
                let mut columns = v.columns.clone();
                columns.extend(v.column.clone());
                let sources = [!columns.is_empty(), v.literal.is_some(), v.entity.is_some()];
                if sources.iter().filter(|s| **s).count() != 1 {
                    return Err(at(format!(
                        "property {prop_name}: give exactly one of column(s), literal or entity"
                    )));
                }
                let source = if let Some(target) = &v.entity {
                    let other = raw
                        .entities
                        .get(target)
                        .ok_or_else(|| at(format!("property {prop_name} links to {target:?}, which this mapping does not define")))?;
                    let range = prop.range.as_deref().ok_or_else(|| {
                        at(format!(
                            "property {prop_name} is {}, not a link to an entity",
                            prop.type_
                        ))
                    })?;
                    if !model.is_a(&other.schema, range) {
                        return Err(at(format!(
                            "property {prop_name} must link to a {range}, but {target} is a {}",
                            other.schema
                        )));
                    }
                    ValueSource::Entity(target.clone())
                } else if let Some(lit) = &v.literal {
                    prop.clean(lit, Default::default())
                        .map_err(|e| at(format!("property {prop_name}: literal {e}")))?;
                    ValueSource::Literal(lit.clone())
                } else {
                    ValueSource::Columns(columns)
                };
                if v.format.is_some() && prop.type_ != PropertyType::Date {
                    return Err(at(format!(
                        "property {prop_name}: `format` applies only to dates"
                    )));
                }
                properties.push(PropertyMapping {
                    prop: prop_name.clone(),
                    source,
                    split: v.split.clone(),
                    format: v.format.clone(),
                    country: v.country.clone(),
                    country_column: v.country_column.clone(),
                });
            }
            for required in &schema.required {
                if !properties.iter().any(|p| &p.prop == required) {
                    return Err(at(format!(
                        "{} requires {required:?}, which the mapping does not map",
                        schema.name
                    )));
                }
            }
            entities.push(EntityMapping {
                name: name.clone(),
                schema: schema.name.clone(),
                id,
                handling: parse_code(&e.handling, file, &format!("entity {name}: handling"))?,
                purpose: parse_code(&e.purpose, file, &format!("entity {name}: purpose"))?,
                properties,
            });
        }
        Ok(Mapping {
            file: file.to_string(),
            dataset: raw.dataset,
            defaults,
            entities,
        })
    }

    /// Every column the mapping reads.
    pub fn columns(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for e in &self.entities {
            match &e.id {
                IdRule::Keys { columns, .. } => out.extend(columns.iter().map(String::as_str)),
                IdRule::Column(c) => out.push(c.as_str()),
            }
            for p in &e.properties {
                if let ValueSource::Columns(cols) = &p.source {
                    out.extend(cols.iter().map(String::as_str));
                }
                out.extend(p.country_column.as_deref());
            }
        }
        out.sort();
        out.dedup();
        out
    }
}
