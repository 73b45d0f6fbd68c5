//! The person's rights over what protection holds on them: a copy of all of it (an access
//! request), correction of a fact with the reason kept beside it, and retention periods after
//! which everything is purged — with the purge itself audited, never silent.

use std::collections::BTreeSet;

use corridor_model::Statement;
use corridor_model::entity::live_statements;
use corridor_policy::{Action, Subject};
use serde::{Deserialize, Serialize};

use super::index::LINKED;
use crate::views::{FactView, Gate};
use crate::{Node, NodeError, now};

/// How long protection records are kept: data, not code.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionSettings {
    /// Years after the person's last activity (a registration, a screening, a referral step,
    /// a return step) after which their records are purged.
    pub keep_years: u32,
    /// A person with an open referral or a return under way is kept until it closes.
    pub keep_open_cases: bool,
}

impl RetentionSettings {
    pub fn builtin() -> RetentionSettings {
        serde_yaml_ng::from_str(include_str!("retention.yaml"))
            .expect("protection/retention.yaml is checked by a test")
    }
}

/// One record in an access export, with every fact and its provenance.
#[derive(Clone, Debug, Serialize)]
pub struct ExportedRecord {
    pub entity: String,
    pub schema: String,
    pub facts: Vec<FactView>,
}

/// Everything protection holds on a person, for the person.
#[derive(Clone, Debug, Serialize)]
pub struct AccessExport {
    pub person: String,
    pub generated_at: String,
    pub generated_by: String,
    /// What the export covers, in words the person can read.
    pub scope: String,
    pub records: Vec<ExportedRecord>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectionInput {
    /// The record the fact is on (the person, or one of their registrations…).
    pub entity: String,
    /// The fact to correct.
    pub statement_id: String,
    pub value: String,
    pub reason: String,
}

/// A person whose retention has run out, or will.
#[derive(Clone, Debug, Serialize)]
pub struct RetentionLine {
    pub person: String,
    pub last_activity: String,
    pub purge_after: String,
    /// Kept past the date: an open referral or a return under way.
    pub held: Option<String>,
    pub records: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct RetentionReport {
    pub today: String,
    pub keep_years: u32,
    /// Due now (purged by a purge).
    pub due: Vec<RetentionLine>,
    /// Past their date but held.
    pub held: Vec<RetentionLine>,
    pub purged_persons: usize,
    pub purged_statements: u64,
}

impl Node {
    /// The person's records (the person and every record naming them), for a caller who may
    /// work on the person.
    pub(crate) fn case_records(
        &self,
        subject: &Subject,
        person: &str,
    ) -> Result<Vec<String>, NodeError> {
        self.known_person_for_rights(subject, person)?;
        self.person_records(person)
    }

    /// Every record that names `person` (and the person), deduplicated.
    fn person_records(&self, person: &str) -> Result<Vec<String>, NodeError> {
        let index = self.protection_index()?;
        let mut ids = BTreeSet::new();
        ids.insert(person.to_string());
        for (schema, _) in LINKED {
            ids.extend(index.linked(person, schema));
        }
        Ok(ids.into_iter().collect())
    }

    /// A copy of everything protection holds on a person, each fact with its provenance, for
    /// an access request. Audited.
    pub fn access_export(
        &self,
        subject: &Subject,
        person: &str,
    ) -> Result<AccessExport, NodeError> {
        self.known_person_for_rights(subject, person)?;
        let reader = Subject {
            reason: Some(
                subject
                    .reason
                    .clone()
                    .unwrap_or_else(|| format!("access request of {person}")),
            ),
            ..subject.clone()
        };
        let ids = self.person_records(person)?;
        let mut store = self.store();
        let mut gate = Gate::new(&self.policy, &reader, Action::Export);
        let mut records = Vec::new();
        for id in ids {
            let statements = store.entity_statements(&id)?;
            let facts: Vec<FactView> = live_statements(&statements)
                .into_iter()
                .filter(|s| gate.allows(s))
                .map(FactView::from)
                .collect();
            if let Some(schema) = statements.first().map(|s| s.schema.clone())
                && !facts.is_empty()
            {
                records.push(ExportedRecord {
                    entity: id,
                    schema,
                    facts,
                });
            }
        }
        self.audit(
            &mut **store,
            &subject.username,
            "protection access export",
            person,
            reader.reason.as_deref(),
            &format!("allowed: {} records", records.len()),
        )?;
        Ok(AccessExport {
            person: person.to_string(),
            generated_at: now(),
            generated_by: subject.username.clone(),
            scope: "every record the protection service holds on this person: registrations, screenings, referrals, return steps, family links and status, each fact with who recorded it and when".into(),
            records,
        })
    }

    fn known_person_for_rights(&self, subject: &Subject, person: &str) -> Result<(), NodeError> {
        self.require_assist(subject)?;
        let reader = Subject {
            reason: Some(
                subject
                    .reason
                    .clone()
                    .unwrap_or_else(|| "person's rights".into()),
            ),
            ..subject.clone()
        };
        if self.registered_persons(&reader)?.contains_key(person) {
            Ok(())
        } else {
            Err(NodeError::NotFound(format!(
                "person: no registered person {person}"
            )))
        }
    }

    /// Corrects one fact of a person's records: the old value is retracted and the new one
    /// recorded in one transaction, both with the reason; history keeps both.
    pub fn correct_fact(
        &self,
        subject: &Subject,
        person: &str,
        input: CorrectionInput,
    ) -> Result<Vec<FactView>, NodeError> {
        self.known_person_for_rights(subject, person)?;
        let reason = input.reason.trim();
        if reason.chars().count() < 5 || reason.chars().count() > 1000 {
            return Err(NodeError::Invalid(
                "reason: 5 to 1000 characters (what the person said, which document)".into(),
            ));
        }
        if !self.person_records(person)?.contains(&input.entity) {
            return Err(NodeError::NotFound(format!(
                "entity: {} is not one of this person's records",
                input.entity
            )));
        }
        let statements = self.store().entity_statements(&input.entity)?;
        let reader = Subject {
            reason: Some(reason.to_string()),
            ..subject.clone()
        };
        let mut gate = Gate::new(&self.policy, &reader, Action::Write);
        let old: &Statement = live_statements(&statements)
            .into_iter()
            .find(|s| s.id.to_string() == input.statement_id && gate.allows(s))
            .ok_or_else(|| {
                NodeError::NotFound(format!(
                    "statement_id: no current fact {} on {}",
                    input.statement_id, input.entity
                ))
            })?;
        if matches!(
            old.prop.as_str(),
            "person" | "steps" | "decisions" | "status" | "supersedes"
        ) {
            return Err(NodeError::Invalid(format!(
                "{}: not corrected by hand (it is changed by its own action)",
                old.prop
            )));
        }
        let provenance = self.protection_provenance(subject);
        let new = self.protection_statement(
            &provenance,
            &input.entity,
            &old.schema,
            &old.prop,
            input.value.trim(),
            "value",
        )?;
        if new.value == old.value {
            return Err(NodeError::Invalid(
                "value: the same as the current one".into(),
            ));
        }
        let retraction = Statement::retract(old, provenance.clone());
        let mut store = self.store();
        let mut tx = store.begin()?;
        tx.write(&[retraction, new.clone()])?;
        tx.commit()?;
        self.audit(
            &mut **store,
            &subject.username,
            "protection correction",
            &format!("{} {}.{}", input.entity, old.schema, old.prop),
            Some(reason),
            "allowed: corrected",
        )?;
        Ok(vec![FactView::from(old), FactView::from(&new)])
    }

    /// Who is due for purging, and who is held past their date and why.
    pub fn retention_report(&self, subject: &Subject) -> Result<RetentionReport, NodeError> {
        self.require_assist(subject)?;
        let settings = RetentionSettings::builtin();
        let today = now()[..10].to_string();
        let index = self.protection_index()?;
        let (mut due, mut held) = (Vec::new(), Vec::new());
        for (person, _) in &index.persons {
            let ids = self.person_records(person)?;
            let mut last = String::new();
            let mut open: Option<String> = None;
            let mut retain_until = String::new();
            {
                let mut store = self.store();
                for id in &ids {
                    let statements = store.entity_statements(id)?;
                    for s in live_statements(&statements) {
                        // The last activity: when anything about the person was recorded.
                        let day = s.provenance.recorded_at.get(..10).unwrap_or("");
                        if day > last.as_str() {
                            last = day.to_string();
                        }
                        if s.prop == "retainUntil" && s.value > retain_until {
                            retain_until = s.value.clone();
                        }
                    }
                }
            }
            if settings.keep_open_cases {
                for id in index.linked(person, "Referral") {
                    let r = self.referral(&self.protection_reader(subject, "retention"), &id)?;
                    if !matches!(
                        r.status,
                        corridor_protection::ReferralState::Completed
                            | corridor_protection::ReferralState::Declined
                            | corridor_protection::ReferralState::Closed
                    ) {
                        open = Some(format!("open {} referral", r.service.as_str()));
                    }
                }
            }
            let year: i32 = last.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0);
            let mut purge_after = format!(
                "{:04}{}",
                year + settings.keep_years as i32,
                last.get(4..).unwrap_or("")
            );
            if retain_until > purge_after {
                purge_after = retain_until.clone();
            }
            if purge_after.as_str() >= today.as_str() {
                continue;
            }
            let line = RetentionLine {
                person: person.clone(),
                last_activity: last,
                purge_after,
                held: open.clone(),
                records: ids.len(),
            };
            if open.is_some() {
                held.push(line);
            } else {
                due.push(line);
            }
        }
        Ok(RetentionReport {
            today,
            keep_years: settings.keep_years,
            due,
            held,
            purged_persons: 0,
            purged_statements: 0,
        })
    }

    /// Purges every person whose retention has run out: all their protection records, in one
    /// transaction, audited with who, how many and which ids (random ids, no names).
    pub fn purge_expired(&self, subject: &Subject) -> Result<RetentionReport, NodeError> {
        let mut report = self.retention_report(subject)?;
        if report.due.is_empty() {
            return Ok(report);
        }
        let mut ids = Vec::new();
        for line in &report.due {
            ids.extend(self.person_records(&line.person)?);
        }
        // Only protection's own facts go: anything another purpose wrote on the same record
        // (an enforcement status, say) is not this service's to delete, and is written back in
        // the same transaction, in its order.
        let mut store = self.store();
        let mut kept: Vec<Statement> = Vec::new();
        for id in &ids {
            kept.extend(
                store
                    .entity_statements(id)?
                    .into_iter()
                    .filter(|s| s.provenance.purpose != corridor_model::Purpose::Protection),
            );
        }
        let purge = ids;
        let mut tx = store.begin()?;
        let gone = tx.purge_entities(&purge)? - kept.len() as u64;
        tx.write(&kept)?;
        tx.commit()?;
        let persons: Vec<&str> = report.due.iter().map(|l| l.person.as_str()).collect();
        self.audit(
            &mut **store,
            &subject.username,
            "protection purge",
            &persons.join(","),
            Some(&format!(
                "retention of {} years after the last activity ran out",
                report.keep_years
            )),
            &format!(
                "allowed: {} persons, {} records, {gone} statements deleted",
                persons.len(),
                purge.len()
            ),
        )?;
        drop(store);
        // The store's sequence does not move on a delete: the index is rebuilt by hand.
        if let Ok(mut slot) = self.identities.lock() {
            *slot = None;
        }
        report.purged_persons = persons.len();
        report.purged_statements = gone;
        Ok(report)
    }
}
