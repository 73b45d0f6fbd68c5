//! An entity is the fold of its statements: the live assertions, grouped by property.

use std::collections::{BTreeMap, HashSet};

use crate::schema::Model;
use crate::statement::{Operation, Statement, StatementId};

#[derive(Clone, Debug)]
pub struct Entity {
    pub id: String,
    pub schema: String,
    /// Live values per property, in the order first recorded; each with the statement(s) behind it.
    pub properties: BTreeMap<String, Vec<Statement>>,
}

impl Entity {
    /// Folds statements (oldest first) into an entity. Returns `None` when every statement is
    /// retracted. Fails when the statements name schemata that no single schema satisfies.
    pub fn fold(model: &Model, statements: &[Statement]) -> Result<Option<Entity>, String> {
        let live = live_statements(statements);
        let Some(first) = live.first().copied() else {
            return Ok(None);
        };
        let mut schema = first.schema.as_str();
        for s in &live {
            schema = model.common_schema(schema, &s.schema).ok_or_else(|| {
                format!(
                    "entity {} is recorded both as {} and as {}, which are unrelated types",
                    first.entity_id, schema, s.schema
                )
            })?;
        }
        let mut properties: BTreeMap<String, Vec<Statement>> = BTreeMap::new();
        for s in &live {
            properties
                .entry(s.prop.clone())
                .or_default()
                .push((*s).clone());
        }
        Ok(Some(Entity {
            id: first.entity_id.clone(),
            schema: schema.to_string(),
            properties,
        }))
    }

    /// Distinct values of a property, in order.
    pub fn values(&self, prop: &str) -> Vec<&str> {
        let mut seen = HashSet::new();
        self.properties
            .get(prop)
            .into_iter()
            .flatten()
            .map(|s| s.value.as_str())
            .filter(|v| seen.insert(*v))
            .collect()
    }

    /// A human label: the first value of the first caption property that has one.
    pub fn caption(&self, model: &Model) -> String {
        model
            .get(&self.schema)
            .into_iter()
            .flat_map(|s| s.caption.iter())
            .find_map(|p| self.values(p).first().map(|v| v.to_string()))
            .unwrap_or_else(|| self.id.clone())
    }
}

/// The assertions not withdrawn. Retractions always come after what they retract, so walking
/// from newest to oldest sees a retraction of a retraction before the retraction it cancels.
pub fn live_statements(statements: &[Statement]) -> Vec<&Statement> {
    let mut dead: HashSet<StatementId> = HashSet::new();
    let mut live = Vec::new();
    for s in statements.iter().rev() {
        if dead.contains(&s.id) {
            continue;
        }
        match s.operation {
            Operation::Retract => {
                if let Some(target) = s.retracts {
                    dead.insert(target);
                }
            }
            Operation::Assert => live.push(s),
        }
    }
    live.reverse();
    live
}
