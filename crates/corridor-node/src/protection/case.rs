//! The case page and the worklist: everything protection holds on a person, brought together
//! from registrations, screenings, referrals, the return plan, family links and the status.

use corridor_model::Statement;
use corridor_model::entity::live_statements;
use corridor_policy::{Action, Subject};
use corridor_protection::referral::ReferralState;
use corridor_protection::vulnerability::Priority;

use super::care::*;
use crate::views::Gate;
use crate::{Node, NodeError};

impl Node {
    /// Everything protection holds on a person: registrations, screenings, referrals, the
    /// return plan, family links, the status. Reading it is audited.
    pub fn protection_case(&self, subject: &Subject, person: &str) -> Result<CaseView, NodeError> {
        let caption = self.known_person(subject, person)?;
        let reader = self.protection_reader(subject, "protection case work");
        let index = self.protection_index()?;
        let mut gate = Gate::new(&self.policy, &reader, Action::Read);
        let mut store = self.store();
        let mut read = |id: &str| -> Result<Vec<Statement>, NodeError> {
            Ok(store
                .entity_statements(id)?
                .into_iter()
                .filter(|s| gate.allows(s))
                .collect())
        };
        let person_statements = read(person)?;
        let live = live_statements(&person_statements);
        let mut facts = std::collections::BTreeMap::new();
        let mut fact_ids = std::collections::BTreeMap::new();
        for s in &live {
            facts
                .entry(s.prop.clone())
                .or_insert_with(Vec::new)
                .push(s.value.clone());
            fact_ids
                .entry(s.prop.clone())
                .or_insert_with(Vec::new)
                .push(s.id.to_string());
        }
        let mut registrations = Vec::new();
        for id in index.linked(person, "ProtectionRegistration") {
            let statements = read(&id)?;
            let live = live_statements(&statements);
            let mut fields = std::collections::BTreeMap::new();
            for s in &live {
                if ![
                    "person",
                    "registrationNumber",
                    "registrationDate",
                    "place",
                    "registeredBy",
                    "status",
                    "missing",
                    "event",
                ]
                .contains(&s.prop.as_str())
                {
                    fields
                        .entry(s.prop.clone())
                        .or_insert_with(Vec::new)
                        .push(s.value.clone());
                }
            }
            let event = first(&live, "event");
            registrations.push(RegistrationView {
                id: id.clone(),
                number: first(&live, "registrationNumber"),
                date: first(&live, "registrationDate"),
                place: first(&live, "place"),
                registered_by: first(&live, "registeredBy"),
                status: first(&live, "status"),
                missing: values(&live, "missing"),
                event: (!event.is_empty()).then_some(event),
                fields,
            });
        }
        registrations.sort_by(|a, b| a.date.cmp(&b.date));
        let mut screenings = Vec::new();
        for id in index.linked(person, SCREENING) {
            let statements = read(&id)?;
            let live = live_statements(&statements);
            let parse = |prop: &str| -> serde_json::Value {
                serde_json::from_str(&first(&live, prop)).unwrap_or(serde_json::Value::Null)
            };
            screenings.push(ScreeningView {
                id: id.clone(),
                person: person.to_string(),
                date: first(&live, "date"),
                screened_by: first(&live, "screenedBy"),
                answers: serde_json::from_str(&first(&live, "answers")).ok(),
                needs: parse("needs"),
                suggested_referrals: parse("suggestedReferrals"),
            });
        }
        screenings.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
        let mut family = Vec::new();
        for id in index.linked(person, "Family") {
            let statements = read(&id)?;
            let live = live_statements(&statements);
            // Recorded as "relative is <relationship> of person": from the relative's side the
            // link reads the other way.
            let (a, b) = (first(&live, "person"), first(&live, "relative"));
            let recorded = first(&live, "relationship");
            let (relative, relationship) = if a == person {
                (b, recorded)
            } else {
                (a, inverse_relationship(&recorded))
            };
            if relative.is_empty() {
                continue;
            }
            let caption = index
                .persons
                .iter()
                .find(|(p, _)| *p == relative)
                .map(|(_, c)| c.clone());
            family.push(FamilyLink {
                relative,
                caption,
                relationship,
            });
        }
        drop(store);
        let mut referrals = Vec::new();
        for id in index.linked(person, REFERRAL) {
            referrals.push(self.referral(subject, &id)?);
        }
        referrals.sort_by(|a, b| a.due_date.cmp(&b.due_date));
        let return_plan = self.return_plan(subject, person)?;
        let status = self.person_status(&reader, person)?;
        let records = self.case_records(&reader, person)?;
        let conflicts = self.person_conflicts(&reader, &records)?;
        let disclosures = index
            .linked(person, "Disclosure")
            .iter()
            .map(|id| self.disclosure(&reader, id))
            .collect::<Result<Vec<_>, _>>()?;
        let mut store = self.store();
        self.audit(
            &mut **store,
            &subject.username,
            "read",
            &format!("protection case {person}"),
            reader.reason.as_deref(),
            "allowed",
        )?;
        Ok(CaseView {
            person: person.to_string(),
            caption,
            facts,
            fact_ids,
            registrations,
            screenings,
            referrals,
            return_plan,
            family,
            status,
            conflicts,
            disclosures,
        })
    }

    /// The protection worklist: every registered person with drafts, open and overdue
    /// referrals and the next due date; overdue first, then the nearest due date.
    pub fn protection_cases(&self, subject: &Subject) -> Result<Vec<CaseSummary>, NodeError> {
        self.require_assist(subject)?;
        let reader = self.protection_reader(subject, "protection worklist");
        if !self.may_read_protection(&reader) {
            return Err(NodeError::Forbidden(
                "protection data is for protection roles".into(),
            ));
        }
        let index = self.protection_index()?;
        let mut out = Vec::new();
        for (person, caption) in &index.persons {
            let mut registered = String::new();
            let mut place = String::new();
            let mut draft = false;
            {
                let mut store = self.store();
                for id in index.linked(person, "ProtectionRegistration") {
                    let statements = store.entity_statements(&id)?;
                    let live = live_statements(&statements);
                    let date = first(&live, "registrationDate");
                    if date >= registered {
                        registered = date;
                        place = first(&live, "place");
                    }
                    draft |= first(&live, "status") == "draft";
                }
            }
            let mut open = 0;
            let mut overdue = 0;
            let mut next_due: Option<String> = None;
            for id in index.linked(person, REFERRAL) {
                let r = self.referral(subject, &id)?;
                if matches!(
                    r.status,
                    ReferralState::Completed | ReferralState::Declined | ReferralState::Closed
                ) {
                    continue;
                }
                open += 1;
                overdue += usize::from(r.overdue);
                if next_due.as_ref().is_none_or(|d| r.due_date < *d) {
                    next_due = Some(r.due_date.clone());
                }
            }
            let top_priority = {
                let mut store = self.store();
                let mut best: Option<(String, Option<Priority>)> = None;
                for id in index.linked(person, SCREENING) {
                    let statements = store.entity_statements(&id)?;
                    let live = live_statements(&statements);
                    let date = first(&live, "date");
                    let needs: Vec<serde_json::Value> =
                        serde_json::from_str(&first(&live, "needs")).unwrap_or_default();
                    let p = needs
                        .iter()
                        .filter_map(|n| n["priority"].as_str())
                        .filter_map(|p| Priority::parse(p).ok())
                        .min();
                    if best.as_ref().is_none_or(|(d, _)| date >= *d) {
                        best = Some((date, p));
                    }
                }
                best.and_then(|(_, p)| p)
            };
            out.push(CaseSummary {
                person: person.clone(),
                caption: caption.clone(),
                registered,
                place,
                draft,
                open_referrals: open,
                overdue_referrals: overdue,
                next_due,
                top_priority,
            });
        }
        out.sort_by(|a, b| {
            b.overdue_referrals
                .cmp(&a.overdue_referrals)
                .then_with(|| {
                    let rank = |p: Option<Priority>| p.map_or(9, |p| p as u8);
                    rank(a.top_priority).cmp(&rank(b.top_priority))
                })
                .then_with(|| a.next_due.cmp(&b.next_due))
                .then_with(|| b.registered.cmp(&a.registered))
        });
        let mut store = self.store();
        self.audit(
            &mut **store,
            &subject.username,
            "read",
            "protection worklist",
            reader.reason.as_deref(),
            &format!("allowed: {} persons", out.len()),
        )?;
        Ok(out)
    }
}
