//! A protected person's care: vulnerability screenings with the needs and referrals they
//! suggest, referrals moved on with consent and followed to their due dates, the steps of a
//! voluntary return (the case page and worklist that bring them together: case.rs).

use std::sync::Arc;

use corridor_model::entity::live_statements;
use corridor_model::{Provenance, Statement};
use corridor_policy::{Action, Subject};
use corridor_protection::avrr::{Plan, Step, StepStatus};
use corridor_protection::referral::{self, Consent, ConsentRecord, ReferralState, Service};
use corridor_protection::vulnerability::{Priority, Screening};
use corridor_protection::{Assessment, Rules};
use serde::{Deserialize, Serialize};

use super::new_id;
use super::status::StatusView;
use crate::views::Gate;
use crate::{Node, NodeError, now};

pub(super) const SCREENING: &str = "VulnerabilityScreening";
pub(super) const REFERRAL: &str = "Referral";
const RETURN: &str = "ReturnPlan";

#[derive(Clone, Debug, Serialize)]
pub struct ScreeningView {
    pub id: String,
    pub person: String,
    pub date: String,
    pub screened_by: String,
    pub answers: Option<Screening>,
    pub needs: serde_json::Value,
    pub suggested_referrals: serde_json::Value,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferralInput {
    pub person: String,
    pub service: Service,
    /// The organisation referred to, by name.
    #[serde(default)]
    pub provider: String,
    pub due_date: String,
    pub consent: Consent,
    pub sharing_consent: Consent,
    #[serde(default)]
    pub legal_basis: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// Why (from a screening's suggestion, say).
    #[serde(default)]
    pub reasons: Vec<String>,
    /// Send it at once (needs consent).
    #[serde(default)]
    pub send: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferralStepInput {
    pub status: ReferralState,
    #[serde(default)]
    pub note: Option<String>,
    /// A new answer from the person, recorded with the step.
    #[serde(default)]
    pub consent: Option<Consent>,
    #[serde(default)]
    pub sharing_consent: Option<Consent>,
    #[serde(default)]
    pub legal_basis: Option<String>,
}

/// One change of a referral, kept in its `steps`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ReferralStep {
    pub status: ReferralState,
    pub by: String,
    pub at: String,
    #[serde(default)]
    pub note: Option<String>,
    pub consent: ConsentRecord,
}

#[derive(Clone, Debug, Serialize)]
pub struct ReferralView {
    pub id: String,
    pub person: String,
    pub service: Service,
    pub provider: Option<String>,
    pub due_date: String,
    pub status: ReferralState,
    pub consent: ConsentRecord,
    pub reasons: Vec<String>,
    pub steps: Vec<ReferralStep>,
    /// Open past its due date.
    pub overdue: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnStepInput {
    pub step: Step,
    pub status: StepStatus,
    #[serde(default)]
    pub note: Option<String>,
    /// The country of return (ISO code), once known.
    #[serde(default)]
    pub destination: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ReturnRecord {
    pub step: Step,
    pub status: StepStatus,
    pub by: String,
    pub at: String,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ReturnView {
    pub id: String,
    pub destination: Option<String>,
    pub plan: Plan,
    pub records: Vec<ReturnRecord>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RegistrationView {
    pub id: String,
    pub number: String,
    pub date: String,
    pub place: String,
    pub registered_by: String,
    pub status: String,
    pub missing: Vec<String>,
    pub event: Option<String>,
    pub fields: std::collections::BTreeMap<String, Vec<String>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FamilyLink {
    pub relative: String,
    pub caption: Option<String>,
    pub relationship: String,
}

/// Everything protection holds on one person.
#[derive(Clone, Debug, Serialize)]
pub struct CaseView {
    pub person: String,
    pub caption: String,
    pub facts: std::collections::BTreeMap<String, Vec<String>>,
    /// The statement id of each value in `facts`, in the same order (for corrections).
    pub fact_ids: std::collections::BTreeMap<String, Vec<String>>,
    pub registrations: Vec<RegistrationView>,
    pub screenings: Vec<ScreeningView>,
    pub referrals: Vec<ReferralView>,
    pub return_plan: Option<ReturnView>,
    pub family: Vec<FamilyLink>,
    pub status: StatusView,
    /// Facts corrected apart by two people, until someone chooses.
    pub conflicts: Vec<super::Conflict>,
    /// Facts given to another purpose, on consent or a legal basis.
    pub disclosures: Vec<super::DisclosureView>,
}

/// A line of the worklist.
#[derive(Clone, Debug, Serialize)]
pub struct CaseSummary {
    pub person: String,
    pub caption: String,
    pub registered: String,
    pub place: String,
    pub draft: bool,
    pub open_referrals: usize,
    pub overdue_referrals: usize,
    pub next_due: Option<String>,
    /// The most pressing need found in the latest screening.
    pub top_priority: Option<Priority>,
}

pub(super) fn json_err(e: serde_json::Error) -> NodeError {
    NodeError::Io(e.to_string())
}

/// The relationship seen from the other side: the mother's child, the child's parent. One not
/// known here is said as it was recorded, with its direction.
pub(super) fn inverse_relationship(recorded: &str) -> String {
    let r = recorded.trim().to_lowercase();
    let inverse = match r.as_str() {
        "mother" | "father" | "parent" => "child",
        "son" | "daughter" | "child" => "parent",
        "husband" | "wife" | "spouse" | "partner" => "spouse",
        "brother" | "sister" | "sibling" => "sibling",
        "grandmother" | "grandfather" | "grandparent" => "grandchild",
        "grandson" | "granddaughter" | "grandchild" => "grandparent",
        "uncle" | "aunt" => "nephew or niece",
        "nephew" | "niece" => "uncle or aunt",
        "cousin" => "cousin",
        "guardian" => "ward",
        "ward" => "guardian",
        _ => return format!("has them as {recorded}"),
    };
    inverse.to_string()
}

/// An organisation's name as part of an id: ASCII letters and digits, runs of anything else
/// as one `-` (a name with none of them gets its hash).
pub(super) fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out: String = out.trim_end_matches('-').chars().take(60).collect();
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        use sha2::Digest;
        hex::encode(&sha2::Sha256::digest(name.as_bytes())[..8])
    } else {
        out
    }
}

fn to_json<T: Serialize>(value: &T) -> Result<String, NodeError> {
    serde_json::to_string(value).map_err(json_err)
}

pub(super) fn values(live: &[&Statement], prop: &str) -> Vec<String> {
    live.iter()
        .filter(|s| s.prop == prop)
        .map(|s| s.value.clone())
        .collect()
}

pub(super) fn first(live: &[&Statement], prop: &str) -> String {
    values(live, prop).into_iter().next().unwrap_or_default()
}

impl Node {
    /// The caller, with the reason protection work reads under when none is given.
    pub(crate) fn protection_reader(&self, subject: &Subject, why: &str) -> Subject {
        Subject {
            reason: Some(subject.reason.clone().unwrap_or_else(|| why.to_string())),
            ..subject.clone()
        }
    }

    /// A registered person the caller may work on, or NotFound.
    pub(super) fn known_person(
        &self,
        subject: &Subject,
        person: &str,
    ) -> Result<String, NodeError> {
        self.require_assist(subject)?;
        let reader = self.protection_reader(subject, "protection case work");
        self.registered_persons(&reader)?
            .get(person)
            .cloned()
            .ok_or_else(|| NodeError::NotFound(format!("person: no registered person {person}")))
    }

    fn write_protection(&self, statements: &[Statement]) -> Result<(), NodeError> {
        let mut store = self.store();
        let mut tx = store.begin()?;
        tx.write(statements)?;
        tx.commit()?;
        Ok(())
    }

    pub(crate) fn screening_statements(
        &self,
        subject: &Subject,
        provenance: &Arc<Provenance>,
        person: &str,
        registration: Option<&str>,
        screening: &Screening,
        assessment: &Assessment,
    ) -> Result<Vec<Statement>, NodeError> {
        let id = new_id("prot-screening")?;
        let mut out = Vec::new();
        let mut push = |prop: &str, value: &str| -> Result<(), NodeError> {
            out.push(self.protection_statement(provenance, &id, SCREENING, prop, value, prop)?);
            Ok(())
        };
        push("person", person)?;
        if let Some(r) = registration {
            push("registration", r)?;
        }
        push("date", &now()[..10])?;
        push("screenedBy", &subject.username)?;
        push("answers", &to_json(screening)?)?;
        push("needs", &to_json(&assessment.needs)?)?;
        push("suggestedReferrals", &to_json(&assessment.referrals)?)?;
        push("rulesVersion", &assessment.rules_version.to_string())?;
        Ok(out)
    }

    /// Screens a registered person's vulnerabilities: the needs and suggested referrals, with
    /// their reasons, recorded with the answers.
    pub fn screen_vulnerability(
        &self,
        subject: &Subject,
        person: &str,
        screening: Screening,
    ) -> Result<Assessment, NodeError> {
        self.known_person(subject, person)?;
        let assessment = Rules::builtin()
            .assess(&screening, &now()[..10])
            .map_err(|e| NodeError::Invalid(e.to_string()))?;
        let provenance = self.protection_provenance(subject);
        let out =
            self.screening_statements(subject, &provenance, person, None, &screening, &assessment)?;
        self.write_protection(&out)?;
        let mut store = self.store();
        self.audit(
            &mut **store,
            &subject.username,
            "protection screening",
            person,
            None,
            &format!(
                "{} needs, {} referrals suggested",
                assessment.needs.len(),
                assessment.referrals.len()
            ),
        )?;
        Ok(assessment)
    }

    /// Records a referral; sends it at once when asked and consent allows.
    pub fn create_referral(
        &self,
        subject: &Subject,
        input: ReferralInput,
    ) -> Result<ReferralView, NodeError> {
        self.known_person(subject, &input.person)?;
        let today = now()[..10].to_string();
        match corridor_model::types::PartialDate::parse_iso(&input.due_date) {
            Ok(d) if d.precision >= corridor_model::types::DatePrecision::Day => {
                if input.due_date[..10] < today[..] {
                    return Err(NodeError::Invalid(format!(
                        "due_date: {} is already past",
                        input.due_date
                    )));
                }
            }
            _ => {
                return Err(NodeError::Invalid("due_date: a day, YYYY-MM-DD".into()));
            }
        }
        for (field, text, max) in [
            ("provider", Some(input.provider.as_str()), 200),
            ("note", input.note.as_deref(), 2000),
            ("legal_basis", input.legal_basis.as_deref(), 500),
        ] {
            if text.is_some_and(|t| t.chars().count() > max) {
                return Err(NodeError::Invalid(format!(
                    "{field}: at most {max} characters"
                )));
            }
        }
        let consent = ConsentRecord {
            referral: Some(input.consent),
            sharing: Some(input.sharing_consent),
            legal_basis: input.legal_basis.clone().filter(|b| !b.trim().is_empty()),
        };
        let mut steps = vec![ReferralStep {
            status: ReferralState::Proposed,
            by: subject.username.clone(),
            at: now(),
            note: input.note.clone(),
            consent: consent.clone(),
        }];
        if input.send {
            referral::transition(
                input.service,
                ReferralState::Proposed,
                ReferralState::Sent,
                &consent,
            )
            .map_err(|e| {
                self.audit_refusal(
                    &subject.username,
                    "protection referral",
                    &input.person,
                    &e.to_string(),
                );
                NodeError::Invalid(e.to_string())
            })?;
            steps.push(ReferralStep {
                status: ReferralState::Sent,
                by: subject.username.clone(),
                at: now(),
                note: None,
                consent: consent.clone(),
            });
        }
        let provenance = self.protection_provenance(subject);
        let id = new_id("prot-referral")?;
        let mut out = Vec::new();
        let mut push = |entity: &str,
                        schema: &str,
                        prop: &str,
                        value: &str|
         -> Result<(), NodeError> {
            out.push(self.protection_statement(&provenance, entity, schema, prop, value, prop)?);
            Ok(())
        };
        push(&id, REFERRAL, "person", &input.person)?;
        push(&id, REFERRAL, "service", input.service.as_str())?;
        push(&id, REFERRAL, "dueDate", &input.due_date)?;
        push(&id, REFERRAL, "startDate", &today)?;
        push(&id, REFERRAL, "consent", input.consent.as_str())?;
        push(
            &id,
            REFERRAL,
            "sharingConsent",
            input.sharing_consent.as_str(),
        )?;
        if let Some(b) = &consent.legal_basis {
            push(&id, REFERRAL, "legalBasis", b)?;
        }
        if !input.reasons.is_empty() {
            push(
                &id,
                REFERRAL,
                "reasons",
                &serde_json::to_string(&input.reasons).map_err(json_err)?,
            )?;
        }
        if !input.provider.trim().is_empty() {
            let org = format!("prot-org-{}", slug(&input.provider));
            push(&org, "Organization", "name", input.provider.trim())?;
            push(&id, REFERRAL, "provider", &org)?;
        }
        for step in &steps {
            push(
                &id,
                REFERRAL,
                "steps",
                &serde_json::to_string(step).map_err(json_err)?,
            )?;
        }
        self.write_protection(&out)?;
        let mut store = self.store();
        self.audit(
            &mut **store,
            &subject.username,
            "protection referral",
            &id,
            input.note.as_deref(),
            &format!(
                "{} for {} ({}), consent {} / sharing {}",
                input.service.as_str(),
                input.person,
                steps
                    .last()
                    .map(|s| s.status.as_str())
                    .unwrap_or("proposed"),
                input.consent.as_str(),
                input.sharing_consent.as_str()
            ),
        )?;
        drop(store);
        self.referral(subject, &id)
    }

    /// A referral as the caller may see it.
    pub fn referral(&self, subject: &Subject, id: &str) -> Result<ReferralView, NodeError> {
        self.require_assist(subject)?;
        let reader = self.protection_reader(subject, "protection case work");
        let mut store = self.store();
        let statements = store.entity_statements(id)?;
        let mut gate = Gate::new(&self.policy, &reader, Action::Read);
        let live: Vec<&Statement> = live_statements(&statements)
            .into_iter()
            .filter(|s| gate.allows(s) && s.schema == REFERRAL)
            .collect();
        if live.is_empty() {
            return Err(NodeError::NotFound(format!("no referral {id}")));
        }
        let mut steps: Vec<ReferralStep> = values(&live, "steps")
            .iter()
            .filter_map(|v| serde_json::from_str(v).ok())
            .collect();
        steps.sort_by(|a, b| a.at.cmp(&b.at));
        let provider_id = first(&live, "provider");
        let provider = if provider_id.is_empty() {
            None
        } else {
            let p = store.entity_statements(&provider_id)?;
            live_statements(&p)
                .iter()
                .find(|s| s.prop == "name" && gate.allows(s))
                .map(|s| s.value.clone())
        };
        let status = steps
            .last()
            .map(|s| s.status)
            .unwrap_or(ReferralState::Proposed);
        let due_date = first(&live, "dueDate");
        let open = !matches!(
            status,
            ReferralState::Completed | ReferralState::Declined | ReferralState::Closed
        );
        Ok(ReferralView {
            id: id.to_string(),
            person: first(&live, "person"),
            service: Service::parse(&first(&live, "service")).unwrap_or(Service::Other),
            provider,
            overdue: open && !due_date.is_empty() && due_date[..] < now()[..10],
            due_date,
            status,
            consent: steps.last().map(|s| s.consent.clone()).unwrap_or_default(),
            reasons: values(&live, "reasons")
                .first()
                .and_then(|v| serde_json::from_str(v).ok())
                .unwrap_or_default(),
            steps,
        })
    }

    /// Moves a referral on; sending needs consent (checked with any new answer given here).
    pub fn referral_step(
        &self,
        subject: &Subject,
        id: &str,
        input: ReferralStepInput,
    ) -> Result<ReferralView, NodeError> {
        let view = self.referral(subject, id)?;
        let mut consent = view.consent.clone();
        if let Some(c) = input.consent {
            consent.referral = Some(c);
        }
        if let Some(c) = input.sharing_consent {
            consent.sharing = Some(c);
        }
        if let Some(b) = input.legal_basis.filter(|b| !b.trim().is_empty()) {
            consent.legal_basis = Some(b);
        }
        if input
            .note
            .as_ref()
            .is_some_and(|n| n.chars().count() > 2000)
        {
            return Err(NodeError::Invalid("note: at most 2000 characters".into()));
        }
        referral::transition(view.service, view.status, input.status, &consent).map_err(|e| {
            self.audit_refusal(&subject.username, "protection referral", id, &e.to_string());
            NodeError::Invalid(e.to_string())
        })?;
        let step = ReferralStep {
            status: input.status,
            by: subject.username.clone(),
            at: now().max(view.steps.last().map(|s| s.at.clone()).unwrap_or_default()),
            note: input.note.clone(),
            consent,
        };
        let provenance = self.protection_provenance(subject);
        let statement = self.protection_statement(
            &provenance,
            id,
            REFERRAL,
            "steps",
            &serde_json::to_string(&step).map_err(json_err)?,
            "steps",
        )?;
        self.write_protection(&[statement])?;
        let mut store = self.store();
        self.audit(
            &mut **store,
            &subject.username,
            "protection referral",
            id,
            input.note.as_deref(),
            &format!("{} -> {}", view.status.as_str(), input.status.as_str()),
        )?;
        drop(store);
        self.referral(subject, id)
    }

    /// Takes a step of a person's voluntary return (the plan is made on the first).
    pub fn return_step(
        &self,
        subject: &Subject,
        person: &str,
        input: ReturnStepInput,
    ) -> Result<ReturnView, NodeError> {
        self.known_person(subject, person)?;
        let current = self.return_plan(subject, person)?;
        let mut plan = current.as_ref().map(|c| c.plan.clone()).unwrap_or_default();
        plan.set(input.step, input.status).map_err(|e| {
            self.audit_refusal(
                &subject.username,
                "protection return",
                person,
                &e.to_string(),
            );
            NodeError::Invalid(e.to_string())
        })?;
        let id = match &current {
            Some(c) => c.id.clone(),
            None => new_id("prot-return")?,
        };
        let record = ReturnRecord {
            step: input.step,
            status: input.status,
            by: subject.username.clone(),
            at: now(),
            note: input.note.clone(),
        };
        let provenance = self.protection_provenance(subject);
        let mut out = Vec::new();
        if current.is_none() {
            out.push(self.protection_statement(
                &provenance,
                &id,
                RETURN,
                "person",
                person,
                "person",
            )?);
        }
        if let Some(d) = &input.destination {
            out.push(self.protection_statement(
                &provenance,
                &id,
                RETURN,
                "destination",
                d,
                "destination",
            )?);
        }
        out.push(self.protection_statement(
            &provenance,
            &id,
            RETURN,
            "steps",
            &serde_json::to_string(&record).map_err(json_err)?,
            "steps",
        )?);
        self.write_protection(&out)?;
        let mut store = self.store();
        self.audit(
            &mut **store,
            &subject.username,
            "protection return",
            person,
            input.note.as_deref(),
            &format!("{}: {}", input.step.as_str(), input.status.as_str()),
        )?;
        drop(store);
        Ok(self
            .return_plan(subject, person)?
            .expect("the plan was just written"))
    }

    pub(super) fn return_plan(
        &self,
        subject: &Subject,
        person: &str,
    ) -> Result<Option<ReturnView>, NodeError> {
        let reader = self.protection_reader(subject, "protection case work");
        let index = self.protection_index()?;
        let Some(id) = index.linked(person, RETURN).into_iter().next() else {
            return Ok(None);
        };
        let mut store = self.store();
        let statements = store.entity_statements(&id)?;
        let mut gate = Gate::new(&self.policy, &reader, Action::Read);
        let live: Vec<&Statement> = live_statements(&statements)
            .into_iter()
            .filter(|s| gate.allows(s))
            .collect();
        let mut records: Vec<ReturnRecord> = values(&live, "steps")
            .iter()
            .filter_map(|v| serde_json::from_str(v).ok())
            .collect();
        records.sort_by(|a, b| a.at.cmp(&b.at));
        let mut plan = Plan::default();
        for r in &records {
            // Replayed as recorded; each was checked when it was taken.
            let _ = plan.set(r.step, r.status);
        }
        let destination = first(&live, "destination");
        Ok(Some(ReturnView {
            id,
            destination: (!destination.is_empty()).then_some(destination),
            plan,
            records,
        }))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn organisation_names_make_valid_ids() {
        assert_eq!(
            super::slug("Anti-trafficking helpline (numero verde)"),
            "anti-trafficking-helpline-numero-verde"
        );
        assert_eq!(
            super::slug("  Croix-Rouge — Lampedusa  "),
            "croix-rouge-lampedusa"
        );
        assert_eq!(super::slug("الهلال الأحمر").len(), 16);
    }

    #[test]
    fn a_family_link_reads_the_other_way_from_the_relative() {
        assert_eq!(super::inverse_relationship("Mother"), "child");
        assert_eq!(super::inverse_relationship("wife"), "spouse");
        assert_eq!(
            super::inverse_relationship("godmother"),
            "has them as godmother"
        );
    }
}
