//! The one way protection data reaches another purpose: a protection officer gives chosen facts
//! of a person to law enforcement or border management on the person's consent or a legal
//! basis, written down. The facts given are copied onto a record of their own, labelled for the
//! receiving purpose (so that purpose reads them and nothing else of the person, and never the
//! protection record's id); the disclosure is kept with the protection record and audited;
//! withdrawing it purges that record, history and all, so nothing given stays readable.

use std::sync::Arc;

use corridor_model::entity::live_statements;
use corridor_model::{HandlingCode, Provenance, Purpose, Statement};
use corridor_policy::{Action, Subject};
use serde::{Deserialize, Serialize};

use super::new_id;
use crate::{Node, NodeError, now};

pub(crate) const DISCLOSURE: &str = "Disclosure";
const DISCLOSED_DATASET: &str = "disclosed-by-protection";

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisclosureInput {
    /// border_management or law_enforcement.
    pub to: String,
    /// consent or legal_basis.
    pub basis: String,
    /// The consent as the person gave it, or the legal basis with its article.
    pub basis_text: String,
    /// Who receives it (a unit, an authority).
    pub recipient: String,
    /// The person's facts to give, by property (name, birthDate, nationality…).
    pub props: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DisclosureView {
    pub id: String,
    pub person: String,
    pub to: String,
    pub basis: String,
    pub basis_text: String,
    pub recipient: String,
    pub disclosed_by: String,
    pub at: String,
    /// The properties given.
    pub props: Vec<String>,
    /// The record the receiving purpose reads (gone once withdrawn).
    pub copy: String,
    pub withdrawn: Option<String>,
}

impl Node {
    /// Gives chosen facts of a registered person to another purpose, on consent or a legal basis.
    pub fn disclose(
        &self,
        subject: &Subject,
        person: &str,
        input: DisclosureInput,
    ) -> Result<DisclosureView, NodeError> {
        self.require_assist(subject)?;
        let to: Purpose = match input.to.as_str() {
            "law_enforcement" => Purpose::LawEnforcement,
            "border_management" => Purpose::BorderManagement,
            other => {
                return Err(NodeError::Invalid(format!(
                    "to: {other:?} is not one of law_enforcement, border_management"
                )));
            }
        };
        if !["consent", "legal_basis"].contains(&input.basis.as_str()) {
            return Err(NodeError::Invalid(format!(
                "basis: {:?} is not one of consent, legal_basis",
                input.basis
            )));
        }
        let text = input.basis_text.trim();
        if text.chars().count() < 10 || text.chars().count() > 2000 {
            return Err(NodeError::Invalid(
                "basis_text: 10 to 2000 characters — the consent as given, or the law and article"
                    .into(),
            ));
        }
        let recipient = input.recipient.trim();
        if recipient.is_empty() || recipient.chars().count() > 200 {
            return Err(NodeError::Invalid("recipient: 1 to 200 characters".into()));
        }
        if input.props.is_empty() || input.props.len() > 20 {
            return Err(NodeError::Invalid("props: 1 to 20 properties".into()));
        }
        let reader = self.protection_reader(subject, &format!("disclosure to {recipient}"));
        self.case_records(&reader, person)?;
        let statements = self.store().entity_statements(person)?;
        let live = live_statements(&statements);
        let given = Arc::new(Provenance {
            dataset: DISCLOSED_DATASET.into(),
            recorded_by: subject.username.clone(),
            recorded_at: now(),
            handling: HandlingCode::Restricted,
            purpose: to,
            reliability: corridor_model::SourceReliability::B,
            grade: corridor_model::InformationGrade::KnownToSource,
        });
        let id = new_id("prot-disclosure")?;
        let copy = format!("{id}-person");
        let mut copies = Vec::new();
        for prop in &input.props {
            let found: Vec<&&Statement> = live
                .iter()
                .filter(|s| &s.prop == prop && s.provenance.purpose == Purpose::Protection)
                .collect();
            if found.is_empty() {
                return Err(NodeError::Invalid(format!(
                    "props: the person has no {prop} to give"
                )));
            }
            for s in found {
                copies.push(Statement::assert(
                    &copy,
                    &s.schema,
                    &s.prop,
                    s.value.clone(),
                    s.original_value.clone(),
                    given.clone(),
                ));
            }
        }
        let provenance = self.protection_provenance(subject);
        let given = copies.len();
        let mut out = copies;
        for (prop, value) in [
            ("person", person.to_string()),
            ("toPurpose", to.to_string()),
            ("basis", input.basis.clone()),
            ("basisText", text.to_string()),
            ("recipient", recipient.to_string()),
            (
                "facts",
                serde_json::to_string(&input.props).map_err(|e| NodeError::Io(e.to_string()))?,
            ),
            ("copy", copy.clone()),
            ("disclosedBy", subject.username.clone()),
            ("date", now()[..10].to_string()),
        ] {
            out.push(self.protection_statement(
                &provenance,
                &id,
                DISCLOSURE,
                prop,
                &value,
                prop,
            )?);
        }
        let mut store = self.store();
        let mut tx = store.begin()?;
        tx.write(&out)?;
        tx.commit()?;
        self.audit(
            &mut **store,
            &subject.username,
            "protection disclosure",
            person,
            Some(text),
            &format!(
                "allowed: {given} facts ({}) to {recipient} for {} on {}, as record {copy}",
                input.props.join(", "),
                to,
                input.basis
            ),
        )?;
        drop(store);
        self.disclosure(&reader, &id)
    }

    /// Withdraws a disclosure (consent withdrawn, say): the record given is purged.
    pub fn withdraw_disclosure(
        &self,
        subject: &Subject,
        id: &str,
        reason: &str,
    ) -> Result<DisclosureView, NodeError> {
        self.require_assist(subject)?;
        let reason = reason.trim();
        if reason.chars().count() < 5 || reason.chars().count() > 1000 {
            return Err(NodeError::Invalid("reason: 5 to 1000 characters".into()));
        }
        let reader = self.protection_reader(subject, reason);
        let view = self.disclosure(&reader, id)?;
        if view.withdrawn.is_some() {
            return Err(NodeError::Conflict(format!(
                "disclosure {id} was withdrawn before"
            )));
        }
        let provenance = self.protection_provenance(subject);
        let withdrawn =
            self.protection_statement(&provenance, id, DISCLOSURE, "withdrawn", reason, "reason")?;
        let mut store = self.store();
        let mut tx = store.begin()?;
        let gone = tx.purge_entities(std::slice::from_ref(&view.copy))?;
        tx.write(&[withdrawn])?;
        tx.commit()?;
        self.audit(
            &mut **store,
            &subject.username,
            "protection disclosure withdrawn",
            &view.person,
            Some(reason),
            &format!(
                "allowed: record {} purged ({gone} facts) from {}",
                view.copy, view.to
            ),
        )?;
        drop(store);
        self.disclosure(&reader, id)
    }

    pub(crate) fn disclosure(
        &self,
        reader: &Subject,
        id: &str,
    ) -> Result<DisclosureView, NodeError> {
        let statements = self.store().entity_statements(id)?;
        let visible = self.visible_facts(reader, Action::Read, &statements);
        let get = |prop: &str| {
            visible
                .iter()
                .find(|s| s.prop == prop && s.schema == DISCLOSURE)
                .map(|s| s.value.clone())
        };
        let person =
            get("person").ok_or_else(|| NodeError::NotFound(format!("no disclosure {id}")))?;
        Ok(DisclosureView {
            id: id.to_string(),
            person,
            to: get("toPurpose").unwrap_or_default(),
            basis: get("basis").unwrap_or_default(),
            basis_text: get("basisText").unwrap_or_default(),
            recipient: get("recipient").unwrap_or_default(),
            disclosed_by: get("disclosedBy").unwrap_or_default(),
            at: get("date").unwrap_or_default(),
            props: get("facts")
                .and_then(|f| serde_json::from_str(&f).ok())
                .unwrap_or_default(),
            copy: get("copy").unwrap_or_default(),
            withdrawn: get("withdrawn"),
        })
    }
}
