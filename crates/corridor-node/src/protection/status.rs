//! Non-criminalisation (Smuggling Protocol art. 5 and 16): a person recorded as the object of
//! smuggling, or as a possible victim of trafficking, is never a suspect by default. Only a
//! role that may designate (investigators) changes that, by name and with a reason; the change
//! is audited and the whole history is shown on the person's page. The node reads the status
//! in force on every path that proposes people to enforcement: network findings never name
//! such a person an organiser or a broker, and screening hits on them go to protection.

use std::collections::HashMap;
use std::sync::Arc;

use corridor_model::entity::live_statements;
use corridor_model::{HandlingCode, InformationGrade, Provenance, Purpose, SourceReliability};
use corridor_policy::{Action, Subject};
use corridor_store::Store;
use serde::{Deserialize, Serialize};

use super::new_id;
use crate::views::Gate;
use crate::{Node, NodeError, now};

pub(crate) const STATUS: &str = "PersonStatus";
const STATUSES: &[&str] = &[
    "object_of_smuggling",
    "possible_victim_of_trafficking",
    "suspect",
    "not_suspect",
];

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonStatusInput {
    /// object_of_smuggling, possible_victim_of_trafficking, suspect, not_suspect.
    pub status: String,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct StatusRecord {
    pub id: String,
    pub status: String,
    pub reason: String,
    pub decided_by: String,
    pub decided_at: String,
    /// protection or enforcement: who recorded it.
    pub recorded_for: &'static str,
    /// The record this one replaced.
    pub supersedes: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct StatusView {
    pub person: String,
    pub in_force: Option<StatusRecord>,
    /// Recorded as smuggled or as a possible victim and not designated a suspect since.
    pub protected: bool,
    /// Oldest first.
    pub history: Vec<StatusRecord>,
}

fn is_protective(status: &str) -> bool {
    matches!(
        status,
        "object_of_smuggling" | "possible_victim_of_trafficking"
    )
}

/// The status in force: the last of the history (put in order by [`order`]).
fn in_force(history: &[StatusRecord]) -> Option<StatusRecord> {
    history.last().cloned()
}

/// Orders a history: a record after the one it replaces, then by when it was decided.
fn order(history: &mut [StatusRecord]) {
    let by_id: HashMap<String, Option<String>> = history
        .iter()
        .map(|r| (r.id.clone(), r.supersedes.clone()))
        .collect();
    let depth = |id: &str| {
        let mut d = 0usize;
        let mut at = by_id.get(id).cloned().flatten();
        while let Some(prev) = at {
            d += 1;
            if d > by_id.len() {
                break; // a cycle cannot be written, but is not followed forever
            }
            at = by_id.get(&prev).cloned().flatten();
        }
        d
    };
    let depths: HashMap<String, usize> = history
        .iter()
        .map(|r| (r.id.clone(), depth(&r.id)))
        .collect();
    history.sort_by(|a, b| {
        depths[&a.id]
            .cmp(&depths[&b.id])
            .then(a.decided_at.cmp(&b.decided_at))
            .then(a.id.cmp(&b.id))
    });
}

impl Node {
    /// Every status record about `person`, oldest first; `gate` keeps those the caller may
    /// read (None: all, for the node's own routing).
    fn status_history(
        &self,
        person: &str,
        gate: Option<&mut Gate<'_>>,
    ) -> Result<Vec<StatusRecord>, NodeError> {
        let mut store = self.store();
        self.status_history_in(&mut **store, person, gate)
    }

    fn status_history_in(
        &self,
        store: &mut dyn Store,
        person: &str,
        mut gate: Option<&mut Gate<'_>>,
    ) -> Result<Vec<StatusRecord>, NodeError> {
        let index = self.protection_index_in(store)?;
        let mut out = Vec::new();
        for id in index.linked(person, STATUS) {
            let statements = store.entity_statements(&id)?;
            let live: Vec<_> = live_statements(&statements)
                .into_iter()
                .filter(|s| gate.as_mut().is_none_or(|g| g.allows(s)))
                .collect();
            let get = |prop: &str| {
                live.iter()
                    .find(|s| s.prop == prop)
                    .map(|s| s.value.clone())
                    .unwrap_or_default()
            };
            let Some(first) = live.first() else { continue };
            out.push(StatusRecord {
                id: id.clone(),
                status: get("status"),
                reason: get("reason"),
                decided_by: get("decidedBy"),
                decided_at: get("decidedAt"),
                recorded_for: if first.provenance.purpose == Purpose::Protection {
                    "protection"
                } else {
                    "enforcement"
                },
                supersedes: Some(get("supersedes")).filter(|s| !s.is_empty()),
            });
        }
        order(&mut out);
        Ok(out)
    }

    /// A person's status as the caller may see it.
    pub fn person_status(&self, subject: &Subject, person: &str) -> Result<StatusView, NodeError> {
        self.require(subject, Action::Read)?;
        let mut gate = Gate::new(&self.policy, subject, Action::Read);
        let history = self.status_history(person, Some(&mut gate))?;
        let in_force = in_force(&history);
        Ok(StatusView {
            person: person.to_string(),
            protected: in_force.as_ref().is_some_and(|s| is_protective(&s.status)),
            in_force,
            history,
        })
    }

    /// Whether the node must treat `person` as protected (whoever asks): the status in force,
    /// over every label, is smuggled or possible victim.
    #[cfg(test)]
    pub(crate) fn is_protected(&self, person: &str) -> Result<bool, NodeError> {
        let mut store = self.store();
        Ok(self.protected_in(&mut **store, person)?.is_some())
    }

    /// The protected record `person` is, or is resolved with (its status in force), with the
    /// caller's store connection.
    pub(crate) fn protected_in(
        &self,
        store: &mut dyn Store,
        person: &str,
    ) -> Result<Option<String>, NodeError> {
        let cluster = self.resolver.cluster_name(person);
        for (id, status) in self.protected_persons_in(store)? {
            if id == person || (cluster.is_some() && self.resolver.cluster_name(&id) == cluster) {
                return Ok(Some(status));
            }
        }
        Ok(None)
    }

    /// Every person the node must treat as protected, with the status in force.
    pub(crate) fn protected_persons(&self) -> Result<HashMap<String, String>, NodeError> {
        let mut store = self.store();
        self.protected_persons_in(&mut **store)
    }

    pub(crate) fn protected_persons_in(
        &self,
        store: &mut dyn Store,
    ) -> Result<HashMap<String, String>, NodeError> {
        let index = self.protection_index_in(store)?;
        let mut out = HashMap::new();
        for person in index.links.keys() {
            if index.linked(person, STATUS).is_empty() {
                continue;
            }
            let history = self.status_history_in(store, person, None)?;
            if let Some(s) = in_force(&history).filter(|s| is_protective(&s.status)) {
                out.insert(person.clone(), s.status);
            }
        }
        Ok(out)
    }

    /// Records a person's status. Designating a suspect (or lifting it) needs the `designate`
    /// action and a reason; recording someone as smuggled needs only `write` (or `assist`)
    /// and a reason. Every change is audited with the status it replaces.
    pub fn set_person_status(
        &self,
        subject: &Subject,
        person: &str,
        input: PersonStatusInput,
    ) -> Result<StatusView, NodeError> {
        if !STATUSES.contains(&input.status.as_str()) {
            return Err(NodeError::Invalid(format!(
                "status: {:?} is not one of {}",
                input.status,
                STATUSES.join(", ")
            )));
        }
        let designating = matches!(input.status.as_str(), "suspect" | "not_suspect");
        if designating {
            self.require(subject, Action::Designate)?;
        } else if self.require(subject, Action::Assist).is_err() {
            self.require(subject, Action::Write)?;
        }
        let reason = input.reason.trim();
        if reason.chars().count() < 10 || reason.chars().count() > 2000 {
            return Err(NodeError::Invalid(
                "reason: 10 to 2000 characters — why, on which facts".into(),
            ));
        }
        // The person must be one the caller can see.
        {
            let mut store = self.store();
            let statements = store.entity_statements(person)?;
            let mut gate = Gate::new(&self.policy, subject, Action::Read);
            if !live_statements(&statements).iter().any(|s| gate.allows(s)) {
                return Err(NodeError::NotFound(format!("no person {person}")));
            }
        }
        let before = self.status_history(person, None)?;
        let previous = in_force(&before);
        let protection_role = self.require(subject, Action::Assist).is_ok();
        let provenance = if protection_role {
            self.protection_provenance(subject)
        } else {
            // Border management, restricted: every enforcement role that meets the person
            // (a border officer included) reads the status that protects them.
            Arc::new(Provenance {
                dataset: "person-status".into(),
                recorded_by: subject.username.clone(),
                recorded_at: now(),
                handling: HandlingCode::Restricted,
                purpose: Purpose::BorderManagement,
                reliability: SourceReliability::B,
                grade: InformationGrade::KnownToSource,
            })
        };
        let id = new_id("status")?;
        let at = now();
        let mut out = Vec::new();
        let replaces = previous.as_ref().map(|p| p.id.clone()).unwrap_or_default();
        for (prop, value) in [
            ("person", person),
            ("status", input.status.as_str()),
            ("reason", reason),
            ("decidedBy", subject.username.as_str()),
            ("decidedAt", at.as_str()),
            ("supersedes", replaces.as_str()),
        ] {
            if value.is_empty() {
                continue;
            }
            out.push(self.protection_statement(&provenance, &id, STATUS, prop, value, prop)?);
        }
        let mut store = self.store();
        let mut tx = store.begin()?;
        tx.write(&out)?;
        tx.commit()?;
        let overrides = previous.as_ref().is_some_and(|p| is_protective(&p.status))
            && input.status == "suspect";
        self.audit(
            &mut **store,
            &subject.username,
            if overrides {
                "designate suspect (recorded as smuggled)"
            } else {
                "person status"
            },
            person,
            Some(reason),
            &format!(
                "{} (was {})",
                input.status,
                previous
                    .map(|p| p.status)
                    .unwrap_or_else(|| "none".to_string())
            ),
        )?;
        drop(store);
        if is_protective(&input.status) {
            self.route_open_alerts_to_protection(subject, person)?;
        }
        self.person_status(subject, person)
    }
}
