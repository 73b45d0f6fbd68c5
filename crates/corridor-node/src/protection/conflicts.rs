//! Edits made apart — at a field node with no link and at the national node — to the same
//! fact: each correction retracted the same value and recorded its own. Both stay; the case
//! page shows them side by side, and a person chooses, with a reason. Nothing is overwritten
//! silently (a known failing of field case-management tools).

use std::collections::HashMap;

use corridor_model::entity::live_statements;
use corridor_model::{Operation, Statement, StatementId};
use corridor_policy::{Action, Subject};
use serde::{Deserialize, Serialize};

use crate::views::Gate;
use crate::{Node, NodeError};

/// One value a side recorded.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ConflictValue {
    pub statement_id: String,
    pub value: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// A fact corrected differently by two or more people who did not know of each other.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Conflict {
    pub entity: String,
    pub schema: String,
    pub prop: String,
    /// The value they all replaced.
    pub replaced: String,
    pub values: Vec<ConflictValue>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolveInput {
    pub entity: String,
    /// The value kept: one of the conflict's statement ids.
    pub keep: String,
    pub reason: String,
}

/// The conflicts in one entity's statements (all of them, retracted ones included).
pub(crate) fn find_conflicts(statements: &[Statement]) -> Vec<Conflict> {
    let by_id: HashMap<StatementId, &Statement> = statements.iter().map(|s| (s.id, s)).collect();
    let live: Vec<&Statement> = live_statements(statements);
    let mut retractions: HashMap<StatementId, Vec<&Statement>> = HashMap::new();
    for s in statements {
        if s.operation == Operation::Retract
            && let Some(target) = s.retracts
        {
            retractions.entry(target).or_default().push(s);
        }
    }
    let mut out = Vec::new();
    for (target, rs) in retractions {
        let Some(old) = by_id.get(&target) else {
            continue;
        };
        // Each retraction's own new value: the assertion written with it (same author, same
        // moment) on the same property.
        let mut values: Vec<ConflictValue> = Vec::new();
        for r in &rs {
            for s in &live {
                if s.prop == old.prop
                    && s.provenance.recorded_by == r.provenance.recorded_by
                    && s.provenance.recorded_at == r.provenance.recorded_at
                    && !values.iter().any(|v| v.statement_id == s.id.to_string())
                {
                    values.push(ConflictValue {
                        statement_id: s.id.to_string(),
                        value: s.value.clone(),
                        recorded_by: s.provenance.recorded_by.clone(),
                        recorded_at: s.provenance.recorded_at.clone(),
                    });
                }
            }
        }
        if values.len() >= 2 {
            values.sort_by(|a, b| a.recorded_at.cmp(&b.recorded_at));
            out.push(Conflict {
                entity: old.entity_id.clone(),
                schema: old.schema.clone(),
                prop: old.prop.clone(),
                replaced: old.value.clone(),
                values,
            });
        }
    }
    out.sort_by(|a, b| (&a.entity, &a.prop).cmp(&(&b.entity, &b.prop)));
    out
}

impl Node {
    /// The conflicts in a person's records that the caller may see.
    pub(crate) fn person_conflicts(
        &self,
        subject: &Subject,
        records: &[String],
    ) -> Result<Vec<Conflict>, NodeError> {
        let mut store = self.store();
        let mut gate = Gate::new(&self.policy, subject, Action::Read);
        let mut out = Vec::new();
        for id in records {
            let statements: Vec<Statement> = store
                .entity_statements(id)?
                .into_iter()
                .filter(|s| gate.allows(s))
                .collect();
            out.extend(find_conflicts(&statements));
        }
        Ok(out)
    }

    /// Settles a conflict: the value kept stays, the others are retracted with the reason.
    pub fn resolve_conflict(
        &self,
        subject: &Subject,
        person: &str,
        input: ResolveInput,
    ) -> Result<Conflict, NodeError> {
        self.require_assist(subject)?;
        let reason = input.reason.trim();
        if reason.chars().count() < 5 || reason.chars().count() > 1000 {
            return Err(NodeError::Invalid(
                "reason: 5 to 1000 characters (why this value)".into(),
            ));
        }
        let reader = self.protection_reader(subject, reason);
        let records = self.case_records(&reader, person)?;
        if !records.contains(&input.entity) {
            return Err(NodeError::NotFound(format!(
                "entity: {} is not one of this person's records",
                input.entity
            )));
        }
        let conflicts = self.person_conflicts(&reader, std::slice::from_ref(&input.entity))?;
        let conflict = conflicts
            .into_iter()
            .find(|c| c.values.iter().any(|v| v.statement_id == input.keep))
            .ok_or_else(|| {
                NodeError::NotFound(format!(
                    "keep: {} is not a value in conflict on {}",
                    input.keep, input.entity
                ))
            })?;
        let provenance = self.protection_provenance(subject);
        let statements = self.store().entity_statements(&input.entity)?;
        let retractions: Vec<Statement> = statements
            .iter()
            .filter(|s| {
                conflict
                    .values
                    .iter()
                    .any(|v| v.statement_id == s.id.to_string() && v.statement_id != input.keep)
                    && s.operation == Operation::Assert
            })
            .map(|s| Statement::retract(s, provenance.clone()))
            .collect();
        let mut store = self.store();
        let mut tx = store.begin()?;
        tx.write(&retractions)?;
        tx.commit()?;
        let kept = conflict
            .values
            .iter()
            .find(|v| v.statement_id == input.keep)
            .map(|v| v.value.clone())
            .unwrap_or_default();
        self.audit(
            &mut **store,
            &subject.username,
            "protection conflict resolved",
            &format!("{} {}.{}", input.entity, conflict.schema, conflict.prop),
            Some(reason),
            &format!(
                "allowed: kept {kept:?}, {} other value(s) retracted",
                retractions.len()
            ),
        )?;
        Ok(conflict)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use corridor_model::{HandlingCode, InformationGrade, Provenance, Purpose, SourceReliability};

    use super::*;

    fn by(who: &str, at: &str) -> Arc<Provenance> {
        Arc::new(Provenance {
            dataset: "protection-registration".into(),
            recorded_by: who.into(),
            recorded_at: at.into(),
            handling: HandlingCode::Protection,
            purpose: Purpose::Protection,
            reliability: SourceReliability::B,
            grade: InformationGrade::KnownToSource,
        })
    }

    #[test]
    fn two_corrections_of_one_value_made_apart_are_a_conflict_and_one_is_not() {
        let first = Statement::assert(
            "p",
            "Person",
            "birthDate",
            "1994".into(),
            None,
            by("a", "2026-11-01T08:00:00Z"),
        );
        let field = by("field-officer", "2026-11-02T08:00:00Z");
        let national = by("national-officer", "2026-11-02T09:00:00Z");
        let mut statements = vec![
            first.clone(),
            Statement::retract(&first, field.clone()),
            Statement::assert("p", "Person", "birthDate", "1994-03-02".into(), None, field),
        ];
        assert!(
            find_conflicts(&statements).is_empty(),
            "one correction is no conflict"
        );
        statements.push(Statement::retract(&first, national.clone()));
        statements.push(Statement::assert(
            "p",
            "Person",
            "birthDate",
            "1995-03-02".into(),
            None,
            national,
        ));
        let found = find_conflicts(&statements);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].replaced, "1994");
        let values: Vec<&str> = found[0].values.iter().map(|v| v.value.as_str()).collect();
        assert_eq!(values, ["1994-03-02", "1995-03-02"]);
        // Settled: the loser retracted.
        let loser = statements[4].clone();
        statements.push(Statement::retract(
            &loser,
            by("settler", "2026-11-03T08:00:00Z"),
        ));
        assert!(find_conflicts(&statements).is_empty());
    }
}
