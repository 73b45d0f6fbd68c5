//! Schemata as data: one YAML file per entity type, loaded and checked at start-up.
//!
//! The layout follows FollowTheMoney (`extends`, `abstract`, `edge` with `source` and `target`,
//! `featured`, `required`, `caption`, `properties` with a `type` and, for references, a `range`)
//! so that FtM's 71 schemata are kept name for name under `schema/ftm/` and Corridor's own
//! domain schemata sit beside them under `schema/corridor/`. Loading resolves inheritance and
//! refuses a model with a broken reference, naming the file and the reference.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use crate::types::{CleanHints, PropertyType, ValueError};

include!(concat!(env!("OUT_DIR"), "/schema_files.rs"));

#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("schema file {file}: {message}")]
    Syntax { file: String, message: String },
    #[error("schema file {file}: {message}")]
    Reference { file: String, message: String },
}

/// The YAML shape of one schema file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemaFile {
    name: String,
    label: Option<String>,
    description: Option<String>,
    #[serde(default)]
    extends: Vec<String>,
    #[serde(default, rename = "abstract")]
    is_abstract: bool,
    #[serde(default)]
    matchable: bool,
    edge: Option<EdgeFile>,
    #[serde(default)]
    featured: Vec<String>,
    #[serde(default)]
    required: Vec<String>,
    #[serde(default)]
    caption: Vec<String>,
    #[serde(default)]
    properties: BTreeMap<String, PropertyFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EdgeFile {
    source: String,
    target: String,
    label: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PropertyFile {
    #[serde(rename = "type")]
    type_name: String,
    label: Option<String>,
    description: Option<String>,
    range: Option<String>,
    #[serde(default)]
    values: Vec<String>,
    /// A protected characteristic (nationality, ethnicity, religion, sex, age): risk profiles
    /// may never rest on these alone.
    #[serde(default)]
    protected: bool,
}

#[derive(Clone, Debug)]
pub struct Edge {
    pub source: String,
    pub target: String,
    pub label: String,
}

#[derive(Clone, Debug)]
pub struct Property {
    pub name: String,
    pub label: String,
    pub description: Option<String>,
    pub type_: PropertyType,
    /// For entity references: the schema the referenced entity must be (or descend from).
    pub range: Option<String>,
    /// For enumerations: the allowed values, in their canonical spelling.
    pub values: Vec<String>,
    pub protected: bool,
    /// The schema that declares this property (an ancestor, for inherited ones).
    pub declared_in: String,
}

impl Property {
    /// Validates and normalises one raw value of this property.
    pub fn clean(&self, raw: &str, hints: CleanHints<'_>) -> Result<String, ValueError> {
        let value = self.type_.clean(raw, hints)?;
        if self.type_ == PropertyType::Enum {
            return self
                .values
                .iter()
                .find(|v| v.eq_ignore_ascii_case(&value))
                .cloned()
                .ok_or_else(|| ValueError {
                    type_name: "enum",
                    value: crate::types::shorten(raw),
                    message: format!(
                        "{value:?} is not one of the values of {}: {}",
                        self.name,
                        self.values.join(", ")
                    ),
                });
        }
        Ok(value)
    }
}

#[derive(Clone, Debug)]
pub struct Schema {
    pub name: String,
    pub label: String,
    pub description: Option<String>,
    /// Direct parents, as written in the file.
    pub extends: Vec<String>,
    /// This schema and every ancestor, nearest first.
    pub lineage: Vec<String>,
    pub is_abstract: bool,
    pub matchable: bool,
    pub edge: Option<Edge>,
    pub featured: Vec<String>,
    pub required: Vec<String>,
    pub caption: Vec<String>,
    /// Own and inherited properties by name.
    pub properties: BTreeMap<String, Property>,
    /// `ftm/…` or `corridor/…`: where the file lives, i.e. whose schema it is.
    pub file: String,
}

impl Schema {
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties.get(name)
    }

    pub fn is_a(&self, other: &str) -> bool {
        self.lineage.iter().any(|s| s == other)
    }
}

/// All schemata, resolved. Cheap to share (`Arc<Model>`); built once at start-up.
#[derive(Debug)]
pub struct Model {
    schemata: HashMap<String, Schema>,
}

impl Model {
    /// The schemata shipped with Corridor (FollowTheMoney's and the domain's own).
    pub fn builtin() -> Result<Model, SchemaError> {
        Model::from_sources(SCHEMA_FILES.iter().map(|(f, t)| (*f, *t)))
    }

    /// Builds a model from `(file name, YAML text)` pairs; the file name must be `Name.yaml`.
    pub fn from_sources<'a>(
        sources: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Model, SchemaError> {
        let mut files: BTreeMap<String, (String, SchemaFile)> = BTreeMap::new();
        for (file, text) in sources {
            let parsed: SchemaFile =
                serde_yaml_ng::from_str(text).map_err(|e| SchemaError::Syntax {
                    file: file.to_string(),
                    message: e.to_string(),
                })?;
            let stem = file
                .rsplit('/')
                .next()
                .unwrap_or(file)
                .trim_end_matches(".yaml");
            if stem != parsed.name {
                return Err(SchemaError::Syntax {
                    file: file.to_string(),
                    message: format!(
                        "declares schema {:?} but the file must be named after it",
                        parsed.name
                    ),
                });
            }
            if let Some((other, _)) = files.get(&parsed.name) {
                return Err(SchemaError::Syntax {
                    file: file.to_string(),
                    message: format!("schema {} is already defined in {other}", parsed.name),
                });
            }
            files.insert(parsed.name.clone(), (file.to_string(), parsed));
        }
        let mut schemata = HashMap::new();
        for name in files.keys() {
            let schema = resolve(name, &files, &mut Vec::new())?;
            schemata.insert(name.clone(), schema);
        }
        let model = Model { schemata };
        model.check_references(&files)?;
        Ok(model)
    }

    pub fn get(&self, name: &str) -> Option<&Schema> {
        self.schemata.get(name)
    }

    /// Like [`Model::get`] but with an error message that lists what would have been valid.
    pub fn schema(&self, name: &str) -> Result<&Schema, String> {
        self.get(name).ok_or_else(|| {
            let mut near: Vec<&str> = self
                .schemata
                .keys()
                .filter(|k| {
                    k.eq_ignore_ascii_case(name)
                        || k.to_lowercase()
                            .starts_with(&name.to_lowercase()[..name.len().min(3)])
                })
                .map(String::as_str)
                .collect();
            near.sort();
            if near.is_empty() {
                format!("unknown entity type {name:?}")
            } else {
                format!(
                    "unknown entity type {name:?} (did you mean {}?)",
                    near.join(", ")
                )
            }
        })
    }

    pub fn schemata(&self) -> impl Iterator<Item = &Schema> {
        self.schemata.values()
    }

    /// `true` when an entity of schema `name` may stand where `range` is expected.
    pub fn is_a(&self, name: &str, range: &str) -> bool {
        self.get(name).is_some_and(|s| s.is_a(range))
    }

    /// The schema an entity has when its statements name both `a` and `b`: the more specific of
    /// the two when one descends from the other, else `None` (the statements contradict).
    pub fn common_schema<'a>(&self, a: &'a str, b: &'a str) -> Option<&'a str> {
        if self.is_a(a, b) {
            Some(a)
        } else if self.is_a(b, a) {
            Some(b)
        } else {
            None
        }
    }

    fn check_references(
        &self,
        files: &BTreeMap<String, (String, SchemaFile)>,
    ) -> Result<(), SchemaError> {
        for (name, (file, raw)) in files {
            let schema = &self.schemata[name];
            let fail = |message: String| {
                Err(SchemaError::Reference {
                    file: file.clone(),
                    message,
                })
            };
            for (prop_name, prop) in &raw.properties {
                if let Some(range) = &prop.range
                    && !self.schemata.contains_key(range)
                {
                    return fail(format!(
                        "property {prop_name} has range {range:?}, which is not a schema"
                    ));
                }
            }
            for (list, names) in [
                ("featured", &schema.featured),
                ("required", &schema.required),
                ("caption", &schema.caption),
            ] {
                if let Some(missing) = names.iter().find(|p| !schema.properties.contains_key(*p)) {
                    return fail(format!(
                        "{list} names {missing:?}, which is not a property of {name}"
                    ));
                }
            }
            if let Some(edge) = &schema.edge {
                for end in [&edge.source, &edge.target] {
                    match schema.properties.get(end) {
                        Some(p) if p.type_ == PropertyType::Entity => {}
                        Some(_) => {
                            return fail(format!("edge end {end:?} is not an entity reference"));
                        }
                        None => {
                            return fail(format!("edge end {end:?} is not a property of {name}"));
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// Resolves one schema: its lineage and its own plus inherited properties.
fn resolve(
    name: &str,
    files: &BTreeMap<String, (String, SchemaFile)>,
    stack: &mut Vec<String>,
) -> Result<Schema, SchemaError> {
    let (file, raw) = &files[name];
    if stack.iter().any(|s| s == name) {
        return Err(SchemaError::Reference {
            file: file.clone(),
            message: format!("inheritance cycle: {} -> {name}", stack.join(" -> ")),
        });
    }
    stack.push(name.to_string());
    let mut lineage = vec![name.to_string()];
    let mut properties: BTreeMap<String, Property> = BTreeMap::new();
    for parent in &raw.extends {
        if !files.contains_key(parent) {
            return Err(SchemaError::Reference {
                file: file.clone(),
                message: format!("extends {parent:?}, which is not a schema"),
            });
        }
        let resolved = resolve(parent, files, stack)?;
        for ancestor in resolved.lineage {
            if !lineage.contains(&ancestor) {
                lineage.push(ancestor);
            }
        }
        for (k, p) in resolved.properties {
            properties.entry(k).or_insert(p);
        }
    }
    stack.pop();
    for (prop_name, p) in &raw.properties {
        let type_ =
            PropertyType::from_name(&p.type_name).ok_or_else(|| SchemaError::Reference {
                file: file.clone(),
                message: format!(
                    "property {prop_name} has unknown type {:?} (known: {})",
                    p.type_name,
                    PropertyType::all()
                        .map(PropertyType::name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })?;
        let fail = |message: String| SchemaError::Reference {
            file: file.clone(),
            message,
        };
        if (type_ == PropertyType::Entity) != p.range.is_some() {
            return Err(fail(format!(
                "property {prop_name}: a range is needed for, and only for, entity references"
            )));
        }
        if (type_ == PropertyType::Enum) == p.values.is_empty() {
            return Err(fail(format!(
                "property {prop_name}: values are needed for, and only for, enumerations"
            )));
        }
        if let Some(inherited) = properties.get(prop_name)
            && inherited.type_ != type_
        {
            return Err(fail(format!(
                "property {prop_name} is {} here but {} in {}",
                type_, inherited.type_, inherited.declared_in
            )));
        }
        properties.insert(
            prop_name.clone(),
            Property {
                name: prop_name.clone(),
                label: p.label.clone().unwrap_or_else(|| humanise(prop_name)),
                description: p.description.clone(),
                type_,
                range: p.range.clone(),
                values: p.values.clone(),
                protected: p.protected,
                declared_in: name.to_string(),
            },
        );
    }
    Ok(Schema {
        name: name.to_string(),
        label: raw.label.clone().unwrap_or_else(|| humanise(name)),
        description: raw.description.clone(),
        extends: raw.extends.clone(),
        lineage,
        is_abstract: raw.is_abstract,
        matchable: raw.matchable,
        edge: raw.edge.as_ref().map(|e| Edge {
            source: e.source.clone(),
            target: e.target.clone(),
            label: e.label.clone().unwrap_or_else(|| "linked to".into()),
        }),
        featured: raw.featured.clone(),
        required: raw.required.clone(),
        caption: raw.caption.clone(),
        properties,
        file: file.clone(),
    })
}

/// `birthDate` → `Birth date`, `BorderCrossingPoint` → `Border crossing point`.
fn humanise(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else if i == 0 {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests;
