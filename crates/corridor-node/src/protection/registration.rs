//! Registering intercepted or rescued migrants: one person, or a group from one event (a boat,
//! a truck) with the family links between them. A registration that lacks something is kept
//! as a draft and says what is missing; one with an impossible value is refused whole, naming
//! each person and field, and writes nothing. Earlier registrations of the same person are
//! proposed with their reasons; the officer says "same person" and the new registration joins
//! the earlier person instead of making a duplicate.

use std::collections::{HashMap, HashSet};

use corridor_model::{Statement, types::PartialDate};
use corridor_policy::{Action, Subject};
use corridor_protection::vulnerability::{Accompaniment, AgeAssessment, Screening};
use corridor_protection::{Assessment, Rules, age, htcds};
use serde::{Deserialize, Serialize};

use super::new_id;
use crate::{Node, NodeError, now};

pub(crate) const REGISTRATION: &str = "ProtectionRegistration";
const MAX_PERSONS: usize = 200;
/// Scores from which an earlier registration is proposed as the same person.
const MATCH_FROM: f64 = 0.75;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistrationInput {
    /// Where the registration takes place (a port, a reception centre).
    pub place: String,
    /// The day of registration; today when left out.
    #[serde(default)]
    pub date: Option<String>,
    /// The interception or rescue the persons come from.
    #[serde(default)]
    pub event: Option<EventInput>,
    pub persons: Vec<PersonInput>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    /// An event registered before, to add persons to.
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: String,
    /// sea, land, air, inland.
    #[serde(default)]
    pub area: Option<String>,
    /// disembarked, returned, rescued, detained, released, transferred, unknown.
    #[serde(default)]
    pub outcome: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    /// The row's key in this registration, for family links between rows ("1", "2"…).
    #[serde(default, rename = "ref")]
    pub row: Option<String>,
    /// An earlier registered person this one is (identity management).
    #[serde(default)]
    pub same_as: Option<String>,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub middle_name: String,
    #[serde(default)]
    pub second_name: String,
    /// The name in other scripts or spellings.
    #[serde(default)]
    pub other_names: Vec<String>,
    #[serde(default)]
    pub birthdate: String,
    #[serde(default)]
    pub age_claimed: Option<u32>,
    /// HTCDS `prs_Gender`.
    #[serde(default)]
    pub gender: String,
    #[serde(default)]
    pub citizenship: Vec<String>,
    #[serde(default)]
    pub primary_language: String,
    /// HTCDS `prs_MaritalStatus`.
    #[serde(default)]
    pub marital_status: String,
    #[serde(default)]
    pub number_of_children: Option<u32>,
    #[serde(default)]
    pub mobile_phone: String,
    #[serde(default)]
    pub documents: Vec<DocumentInput>,
    #[serde(default)]
    pub family: Vec<FamilyInput>,
    #[serde(default)]
    pub accompaniment: Option<Accompaniment>,
    #[serde(default)]
    pub age_assessment: Option<AgeAssessment>,
    /// HTCDS `vic_AgreementToManagePersonalData`: yes, no, not_asked.
    #[serde(default)]
    pub agreement_to_manage_personal_data: Option<String>,
    /// A vulnerability screening taken at registration.
    #[serde(default)]
    pub screening: Option<Screening>,
    #[serde(default)]
    pub notes: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentInput {
    /// passport, id_card, other.
    pub kind: String,
    pub number: String,
    #[serde(default)]
    pub country: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyInput {
    /// Another row's `ref`, or an earlier registered person's id.
    pub relative: String,
    /// mother, father, child, spouse, sibling, other…
    pub relationship: String,
}

/// An earlier registered person who may be this one, and why.
#[derive(Clone, Debug, Serialize)]
pub struct PossibleMatch {
    pub person_id: String,
    pub caption: String,
    pub score: f64,
    pub reasons: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RegisteredPerson {
    pub index: usize,
    #[serde(rename = "ref")]
    pub row: Option<String>,
    pub person_id: String,
    pub registration_id: String,
    pub registration_number: String,
    /// draft or complete.
    pub status: &'static str,
    pub missing: Vec<String>,
    /// Earlier registrations that may be the same person (none when `same_as` was given).
    pub possible_matches: Vec<PossibleMatch>,
    pub assessment: Option<Assessment>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RegistrationResult {
    pub event: Option<String>,
    pub persons: Vec<RegisteredPerson>,
}

fn check_len(errors: &mut Vec<String>, field: String, value: &str, max: usize) {
    if value.chars().count() > max {
        errors.push(format!("{field}: at most {max} characters"));
    }
    if value.chars().any(|c| c.is_control() && c != '\n') {
        errors.push(format!("{field}: control characters"));
    }
}

impl PersonInput {
    fn full_name(&self) -> String {
        [&self.first_name, &self.middle_name, &self.second_name]
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// What a complete registration still needs.
    fn missing(&self) -> Vec<String> {
        let mut missing = Vec::new();
        if self.full_name().is_empty() {
            missing.push("name".to_string());
        }
        if self.birthdate.trim().is_empty() && self.age_claimed.is_none() {
            missing.push("birthdate or age".into());
        }
        if self.gender.trim().is_empty() {
            missing.push("gender".into());
        }
        if self.citizenship.is_empty() {
            missing.push("citizenship".into());
        }
        if self.agreement_to_manage_personal_data.is_none() {
            missing.push("agreement to manage personal data".into());
        }
        missing
    }

    /// The vulnerability screening with the registration's own answers filled in.
    fn screening(&self) -> Option<Screening> {
        let mut s = self.screening.clone()?;
        if s.birth_date.is_none() && !self.birthdate.trim().is_empty() {
            s.birth_date = Some(self.birthdate.trim().to_string());
        }
        s.age_claimed = s.age_claimed.or(self.age_claimed);
        s.accompaniment = s.accompaniment.or(self.accompaniment);
        s.age_assessment = s.age_assessment.or(self.age_assessment);
        Some(s)
    }
}

impl Node {
    /// Registers one person or a group. Everything is written in one transaction, or nothing.
    pub fn register_migrants(
        &self,
        subject: &Subject,
        input: RegistrationInput,
    ) -> Result<RegistrationResult, NodeError> {
        self.register_up_to(subject, input, MAX_PERSONS)
    }

    /// As [`Node::register_migrants`], with room for `max` persons (a file's import).
    pub(crate) fn register_up_to(
        &self,
        subject: &Subject,
        input: RegistrationInput,
        max: usize,
    ) -> Result<RegistrationResult, NodeError> {
        self.require_assist(subject)?;
        let today = now()[..10].to_string();
        let mut errors = Vec::new();
        if input.place.trim().is_empty() {
            errors.push("place: where the registration takes place".to_string());
        }
        check_len(&mut errors, "place".into(), &input.place, 200);
        let date = input.date.clone().unwrap_or_else(|| today.clone());
        match PartialDate::parse_iso(&date) {
            Ok(d) if d.to_string()[..] > today[..] => {
                errors.push(format!("date: {date} is after today"))
            }
            Ok(_) => {}
            Err(e) => errors.push(format!("date: {e}")),
        }
        if input.persons.is_empty() || input.persons.len() > max {
            errors.push(format!("persons: 1 to {max} in one registration"));
        }
        let rows: HashMap<&str, usize> = input
            .persons
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.row.as_deref().map(|r| (r, i)))
            .collect();
        // Finding earlier registrations of the same person reads protection data: the purpose
        // is this registration, stated and audited.
        let reader = Subject {
            reason: Some(subject.reason.clone().unwrap_or_else(|| {
                format!("identity check at registration, {}", input.place.trim())
            })),
            ..subject.clone()
        };
        let known = self.registered_persons(&reader)?;
        let rules = Rules::builtin();
        let mut assessments = Vec::new();
        for (i, p) in input.persons.iter().enumerate() {
            let at = |field: &str| format!("persons[{i}].{field}");
            for (field, value, max) in [
                ("first_name", &p.first_name, 100),
                ("middle_name", &p.middle_name, 100),
                ("second_name", &p.second_name, 100),
                ("primary_language", &p.primary_language, 3),
                ("mobile_phone", &p.mobile_phone, 40),
                ("notes", &p.notes, 4000),
            ] {
                check_len(&mut errors, at(field), value, max);
            }
            for n in &p.other_names {
                check_len(&mut errors, at("other_names"), n, 200);
            }
            if !p.birthdate.trim().is_empty()
                && let Err(e) = age::age_range(&p.birthdate, &date)
            {
                let e = e.to_string();
                errors.push(format!(
                    "{}: {}",
                    at("birthdate"),
                    e.trim_start_matches("birth_date: ")
                ));
            }
            if let Some(a) = p.age_claimed
                && let Err(e) = age::check_claimed(a)
            {
                let e = e.to_string();
                errors.push(format!(
                    "{}: {}",
                    at("age_claimed"),
                    e.trim_start_matches("age_claimed: ")
                ));
            }
            if let (Ok(range), Some(claimed)) = (age::age_range(&p.birthdate, &date), p.age_claimed)
                && claimed <= age::MAX_AGE
                && (claimed + 1 < range.min || claimed > range.max + 1)
            {
                errors.push(format!(
                    "{}: {claimed} does not fit the birthdate {} (age {})",
                    at("age_claimed"),
                    p.birthdate,
                    range.describe()
                ));
            }
            if !p.gender.is_empty()
                && let Err(e) = htcds::check(&at("gender"), &p.gender, htcds::GENDER)
            {
                errors.push(e.to_string());
            }
            if !p.marital_status.is_empty()
                && let Err(e) = htcds::check(
                    &at("marital_status"),
                    &p.marital_status,
                    htcds::MARITAL_STATUS,
                )
            {
                errors.push(e.to_string());
            }
            if let Some(a) = &p.agreement_to_manage_personal_data
                && !["yes", "no", "not_asked"].contains(&a.as_str())
            {
                errors.push(format!(
                    "{}: {a:?} is not one of yes, no, not_asked",
                    at("agreement_to_manage_personal_data")
                ));
            }
            if p.number_of_children.is_some_and(|n| n > 30) {
                errors.push(format!("{}: more than 30", at("number_of_children")));
            }
            for c in &p.citizenship {
                if let Err(e) = self.clean("Person", "nationality", c, &at("citizenship")) {
                    errors.push(e.to_string());
                }
            }
            if !p.primary_language.is_empty()
                && let Err(e) = self.clean(
                    REGISTRATION,
                    "primaryLanguage",
                    &p.primary_language,
                    &at("primary_language"),
                )
            {
                errors.push(e.to_string());
            }
            for (j, d) in p.documents.iter().enumerate() {
                if !["passport", "id_card", "other"].contains(&d.kind.as_str()) {
                    errors.push(format!(
                        "{}: {:?} is not one of passport, id_card, other",
                        at(&format!("documents[{j}].kind")),
                        d.kind
                    ));
                }
                if d.number.trim().is_empty() || d.number.chars().count() > 40 {
                    errors.push(format!(
                        "{}: 1 to 40 characters",
                        at(&format!("documents[{j}].number"))
                    ));
                }
            }
            for (j, f) in p.family.iter().enumerate() {
                let ok = rows.get(f.relative.as_str()).is_some_and(|r| *r != i)
                    || known.contains_key(&f.relative);
                if !ok {
                    errors.push(format!(
                        "{}: {:?} is neither another person of this registration (their ref) nor a person registered before",
                        at(&format!("family[{j}].relative")),
                        f.relative
                    ));
                }
                if f.relationship.trim().is_empty() || f.relationship.chars().count() > 50 {
                    errors.push(format!(
                        "{}: 1 to 50 characters",
                        at(&format!("family[{j}].relationship"))
                    ));
                }
            }
            if let Some(id) = &p.same_as
                && !known.contains_key(id)
            {
                errors.push(format!("{}: no registered person {id}", at("same_as")));
            }
            match p.screening().map(|s| rules.assess(&s, &date)) {
                Some(Err(e)) => errors.push(format!("{}: {e}", at("screening"))),
                Some(Ok(a)) => assessments.push(Some(a)),
                None => assessments.push(None),
            }
        }
        if !errors.is_empty() {
            self.audit_refusal(
                &subject.username,
                "protection register",
                &format!("{} persons", input.persons.len()),
                &errors.join("; "),
            );
            return Err(NodeError::Invalid(errors.join("; ")));
        }
        self.write_registration(subject, &reader, input, &date, assessments)
    }

    fn write_registration(
        &self,
        subject: &Subject,
        reader: &Subject,
        input: RegistrationInput,
        date: &str,
        assessments: Vec<Option<Assessment>>,
    ) -> Result<RegistrationResult, NodeError> {
        let provenance = self.protection_provenance(subject);
        let st = |entity: &str, schema: &str, prop: &str, raw: &str, field: &str| {
            self.protection_statement(&provenance, entity, schema, prop, raw, field)
        };
        let mut out: Vec<Statement> = Vec::new();
        let event_id = match &input.event {
            Some(EventInput { id: Some(id), .. }) => Some(id.clone()),
            Some(e) => {
                let id = new_id("prot-event")?;
                let name = if e.name.trim().is_empty() {
                    format!("{} {date}", input.place.trim())
                } else {
                    e.name.trim().to_string()
                };
                out.push(st(&id, "Interception", "name", &name, "event.name")?);
                out.push(st(&id, "Interception", "date", date, "date")?);
                if let Some(a) = &e.area {
                    out.push(st(&id, "Interception", "area", a, "event.area")?);
                }
                if let Some(o) = &e.outcome {
                    out.push(st(&id, "Interception", "outcome", o, "event.outcome")?);
                }
                Some(id)
            }
            None => None,
        };
        let ids: Vec<String> = input
            .persons
            .iter()
            .map(|p| match &p.same_as {
                Some(id) => Ok(id.clone()),
                None => new_id("prot-person"),
            })
            .collect::<Result<_, _>>()?;
        let by_row: HashMap<&str, &str> = input
            .persons
            .iter()
            .zip(&ids)
            .filter_map(|(p, id)| p.row.as_deref().map(|r| (r, id.as_str())))
            .collect();
        let matches = self.possible_matches(reader, &input.persons)?;
        let mut registered = Vec::new();
        for (i, ((p, person), assessment)) in
            input.persons.iter().zip(&ids).zip(assessments).enumerate()
        {
            let at = |field: &str| format!("persons[{i}].{field}");
            let name = p.full_name();
            if !name.is_empty() {
                out.push(st(person, "Person", "name", &name, &at("name"))?);
            }
            for (prop, value, field) in [
                ("firstName", &p.first_name, "first_name"),
                ("middleName", &p.middle_name, "middle_name"),
                ("lastName", &p.second_name, "second_name"),
                ("birthDate", &p.birthdate, "birthdate"),
                ("phone", &p.mobile_phone, "mobile_phone"),
            ] {
                if !value.trim().is_empty() {
                    out.push(st(person, "Person", prop, value.trim(), &at(field))?);
                }
            }
            for n in p.other_names.iter().filter(|n| !n.trim().is_empty()) {
                out.push(st(person, "Person", "alias", n.trim(), &at("other_names"))?);
            }
            if let Some(g) = htcds::ftm_gender(&p.gender) {
                out.push(st(person, "Person", "gender", g, &at("gender"))?);
            }
            for c in &p.citizenship {
                out.push(st(person, "Person", "nationality", c, &at("citizenship"))?);
            }
            for d in &p.documents {
                let prop = if d.kind == "passport" {
                    "passportNumber"
                } else {
                    "idNumber"
                };
                out.push(st(
                    person,
                    "Person",
                    prop,
                    d.number.trim(),
                    &at("documents"),
                )?);
            }
            let registration = new_id("prot-reg")?;
            let number = format!(
                "R-{}-{}",
                date.replace('-', ""),
                &registration[registration.len() - 6..]
            );
            let missing = p.missing();
            let status = if missing.is_empty() {
                "complete"
            } else {
                "draft"
            };
            let r = |prop: &str, value: &str, field: &str| {
                st(&registration, REGISTRATION, prop, value, &at(field))
            };
            out.push(r("registrationNumber", &number, "registration_number")?);
            out.push(r("person", person, "person")?);
            out.push(r("registrationDate", date, "date")?);
            out.push(r("place", input.place.trim(), "place")?);
            out.push(r("registeredBy", &subject.username, "registered_by")?);
            out.push(r("status", status, "status")?);
            for m in &missing {
                out.push(r("missing", m, "missing")?);
            }
            if let Some(e) = &event_id {
                out.push(r("event", e, "event")?);
                out.push(st(e, "Interception", "persons", person, "event.persons")?);
            }
            for (prop, value, field) in [
                ("gender", p.gender.as_str(), "gender"),
                ("maritalStatus", p.marital_status.as_str(), "marital_status"),
                (
                    "primaryLanguage",
                    p.primary_language.as_str(),
                    "primary_language",
                ),
                ("notes", p.notes.as_str(), "notes"),
                (
                    "agreementToManagePersonalData",
                    p.agreement_to_manage_personal_data.as_deref().unwrap_or(""),
                    "agreement_to_manage_personal_data",
                ),
                (
                    "accompaniment",
                    p.accompaniment.map(|a| a.as_str()).unwrap_or(""),
                    "accompaniment",
                ),
                (
                    "ageAssessment",
                    p.age_assessment.map(|a| a.as_str()).unwrap_or(""),
                    "age_assessment",
                ),
            ] {
                if !value.trim().is_empty() {
                    out.push(r(prop, value.trim(), field)?);
                }
            }
            if let Some(a) = p.age_claimed {
                out.push(r("ageClaimed", &a.to_string(), "age_claimed")?);
            }
            if let Some(n) = p.number_of_children {
                out.push(r("numberOfChildren", &n.to_string(), "number_of_children")?);
            }
            for f in &p.family {
                let relative = by_row
                    .get(f.relative.as_str())
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| f.relative.clone());
                let link = new_id("prot-family")?;
                out.push(st(&link, "Family", "person", person, &at("family"))?);
                out.push(st(&link, "Family", "relative", &relative, &at("family"))?);
                out.push(st(
                    &link,
                    "Family",
                    "relationship",
                    f.relationship.trim(),
                    &at("family"),
                )?);
            }
            // Recorded as smuggled: the person is not a suspect (Smuggling Protocol art. 5).
            let status_id = new_id("prot-status")?;
            out.push(st(&status_id, "PersonStatus", "person", person, "status")?);
            out.push(st(
                &status_id,
                "PersonStatus",
                "status",
                "object_of_smuggling",
                "status",
            )?);
            out.push(st(
                &status_id,
                "PersonStatus",
                "reason",
                &format!("registered by protection at {}", input.place.trim()),
                "status",
            )?);
            out.push(st(
                &status_id,
                "PersonStatus",
                "decidedBy",
                &subject.username,
                "status",
            )?);
            out.push(st(
                &status_id,
                "PersonStatus",
                "decidedAt",
                &now(),
                "status",
            )?);
            if let (Some(a), Some(s)) = (&assessment, p.screening()) {
                out.extend(self.screening_statements(
                    subject,
                    &provenance,
                    person,
                    Some(&registration),
                    &s,
                    a,
                )?);
            }
            registered.push(RegisteredPerson {
                index: i,
                row: p.row.clone(),
                person_id: person.clone(),
                registration_id: registration,
                registration_number: number,
                status,
                missing,
                possible_matches: if p.same_as.is_some() {
                    vec![]
                } else {
                    matches[i].clone()
                },
                assessment,
            });
        }
        let mut store = self.store();
        let mut tx = store.begin()?;
        tx.write(&out)?;
        tx.commit()?;
        let drafts = registered.iter().filter(|r| r.status == "draft").count();
        self.audit(
            &mut **store,
            &subject.username,
            "protection register",
            &event_id
                .clone()
                .unwrap_or_else(|| registered[0].registration_id.clone()),
            None,
            &format!(
                "{} persons registered ({drafts} drafts, {} joined to an earlier registration)",
                registered.len(),
                input.persons.iter().filter(|p| p.same_as.is_some()).count()
            ),
        )?;
        Ok(RegistrationResult {
            event: event_id,
            persons: registered,
        })
    }

    /// Earlier registrations that may be each of `persons`, with reasons, before registering
    /// them (the form shows them; the officer ticks "same person", which sets `same_as`).
    pub fn registration_candidates(
        &self,
        subject: &Subject,
        place: &str,
        persons: &[PersonInput],
    ) -> Result<Vec<Vec<PossibleMatch>>, NodeError> {
        self.require_assist(subject)?;
        if persons.len() > MAX_PERSONS {
            return Err(NodeError::Invalid(format!(
                "persons: at most {MAX_PERSONS}"
            )));
        }
        let reader =
            Subject {
                reason: Some(subject.reason.clone().unwrap_or_else(|| {
                    format!("identity check at registration, {}", place.trim())
                })),
                ..subject.clone()
            };
        let found = self.possible_matches(&reader, persons)?;
        let mut store = self.store();
        self.audit(
            &mut **store,
            &subject.username,
            "read",
            "earlier registrations",
            reader.reason.as_deref(),
            &format!(
                "allowed: {} persons checked, {} with possible earlier registrations",
                persons.len(),
                found.iter().filter(|f| !f.is_empty()).count()
            ),
        )?;
        Ok(found)
    }

    /// Persons registered by protection (id → caption), for a caller who may read protection
    /// data (every registration is labelled so); empty for anyone else.
    pub(crate) fn registered_persons(
        &self,
        subject: &Subject,
    ) -> Result<HashMap<String, String>, NodeError> {
        if !self.may_read_protection(subject) {
            return Ok(HashMap::new());
        }
        let index = self.protection_index()?;
        Ok(index.persons.iter().cloned().collect())
    }

    pub(crate) fn may_read_protection(&self, subject: &Subject) -> bool {
        self.policy
            .decide(
                subject,
                Action::Read,
                corridor_policy::Object::Fact(corridor_policy::Label {
                    handling: corridor_model::HandlingCode::Protection,
                    purpose: corridor_model::Purpose::Protection,
                }),
            )
            .allowed
    }

    /// For each person to register, earlier registrations that may be them, with reasons.
    fn possible_matches(
        &self,
        subject: &Subject,
        persons: &[PersonInput],
    ) -> Result<Vec<Vec<PossibleMatch>>, NodeError> {
        let visible = self.registered_persons(subject)?;
        let index = self.protection_index()?;
        let Some(watchlist) = &index.watchlist else {
            return Ok(vec![vec![]; persons.len()]);
        };
        let mut out = Vec::new();
        for p in persons {
            let mut found: Vec<PossibleMatch> = Vec::new();
            let mut seen = HashSet::new();
            let names: Vec<String> = std::iter::once(p.full_name())
                .chain(p.other_names.iter().cloned())
                .filter(|n| !n.trim().is_empty())
                .collect();
            for name in names {
                let query = corridor_screen::Person {
                    id: String::new(),
                    name,
                    birth_date: p.birthdate.trim().to_string(),
                    nationality: p.citizenship.first().cloned().unwrap_or_default(),
                    document_number: p
                        .documents
                        .first()
                        .map(|d| d.number.trim().to_string())
                        .unwrap_or_default(),
                };
                if corridor_screen::check(&query).is_err() {
                    continue;
                }
                for hit in watchlist.screen(&query, 5) {
                    let Ok(form) = hit.entry_id.parse::<usize>() else {
                        continue;
                    };
                    let (person, caption) = &index.persons[index.form_person[form]];
                    if hit.score < MATCH_FROM
                        || !visible.contains_key(person)
                        || !seen.insert(person.clone())
                    {
                        continue;
                    }
                    found.push(PossibleMatch {
                        person_id: person.clone(),
                        caption: caption.clone(),
                        score: (hit.score * 1000.0).round() / 1000.0,
                        reasons: hit.reasons.clone(),
                    });
                }
            }
            found.sort_by(|a, b| b.score.total_cmp(&a.score));
            found.truncate(5);
            out.push(found);
        }
        Ok(out)
    }
}
