//! Protection and assistance in the node: registering intercepted or rescued migrants, one by
//! one or as a group from one event, screening their vulnerabilities, referring them with
//! their consent, following their return — all written as protection data (purpose and
//! handling `protection`), which the policy shows to protection roles only, on every path.
//!
//! - `registration.rs`: a registration (or a group's), drafts that lose nothing, impossible
//!   values refused by person and field, earlier registrations of the same person proposed
//!   with their reasons (identity management within protection data, never with enforcement's);
//! - `care.rs`: vulnerability screening, referrals, return plans, the case page and worklist;
//! - `rights.rs`: the person's rights — a copy of everything held, corrections, retention
//!   periods with an audited purge;
//! - `htcds_io.rs`: registrations to and from HTCDS v2 files;
//! - `disclosure.rs`: the one way protection data reaches another purpose — chosen facts, on
//!   consent or a written legal basis, audited, withdrawable;
//! - `conflicts.rs`: a fact corrected apart by two people (a field node offline and the national
//!   node) is shown with both values until a person chooses;
//! - `status.rs`: non-criminalisation — a person recorded as smuggled is not a suspect unless a
//!   named officer designates them one with a reason, audited, and shown on their page.

mod care;
mod case;
mod conflicts;
mod disclosure;
mod htcds_io;
mod index;
mod registration;
mod rights;
mod status;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use corridor_model::{HandlingCode, InformationGrade, Provenance, Purpose, SourceReliability};
use corridor_policy::Subject;

pub use care::{
    CaseSummary, CaseView, ReferralInput, ReferralStepInput, ReferralView, ReturnStepInput,
    ScreeningView,
};
pub use conflicts::{Conflict, ConflictValue, ResolveInput};
pub use disclosure::{DisclosureInput, DisclosureView};
pub use htcds_io::{HtcdsImport, MAX_HTCDS_BYTES};
pub(crate) use index::ProtectionIndex;
pub use registration::{
    DocumentInput, EventInput, FamilyInput, PersonInput, PossibleMatch, RegisteredPerson,
    RegistrationInput, RegistrationResult,
};
pub use rights::{
    AccessExport, CorrectionInput, ExportedRecord, RetentionLine, RetentionReport,
    RetentionSettings,
};
pub use status::{PersonStatusInput, StatusRecord, StatusView};

use crate::{Node, NodeError, now};

/// The dataset protection records are written under.
pub const PROTECTION_DATASET: &str = "protection-registration";

/// A random id with a prefix: `prot-person-3f9c…`.
pub(crate) fn new_id(prefix: &str) -> Result<String, NodeError> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| NodeError::Io(format!("no randomness: {e}")))?;
    Ok(format!("{prefix}-{}", hex::encode(bytes)))
}

impl Node {
    /// The label of what a protection officer records: protection purpose and handling, so
    /// that no enforcement role ever sees it.
    pub(crate) fn protection_provenance(&self, subject: &Subject) -> Arc<Provenance> {
        Arc::new(Provenance {
            dataset: PROTECTION_DATASET.into(),
            recorded_by: subject.username.clone(),
            recorded_at: now(),
            handling: HandlingCode::Protection,
            purpose: Purpose::Protection,
            reliability: SourceReliability::B,
            grade: InformationGrade::KnownToSource,
        })
    }

    /// Protection work needs the `assist` action; a refusal is audited (an enforcement user
    /// trying to reach protection data leaves a trace).
    pub(crate) fn require_assist(&self, subject: &Subject) -> Result<(), NodeError> {
        self.require(subject, corridor_policy::Action::Assist)
            .inspect_err(|e| {
                self.audit_refusal(
                    &subject.username,
                    "protection",
                    "protection data",
                    &e.to_string(),
                )
            })
    }

    /// A statement's value in its normal form, or an error naming `field`.
    pub(crate) fn protection_statement(
        &self,
        provenance: &Arc<Provenance>,
        entity: &str,
        schema: &str,
        prop: &str,
        raw: &str,
        field: &str,
    ) -> Result<corridor_model::Statement, NodeError> {
        let value = self.clean(schema, prop, raw, field)?;
        let original = (raw != value.as_str()).then(|| raw.to_string());
        Ok(corridor_model::Statement::assert(
            entity,
            schema,
            prop,
            value,
            original,
            provenance.clone(),
        ))
    }
}
