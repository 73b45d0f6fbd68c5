//! Registering a crossing: the traveller's document (read from the MRZ or typed), the person,
//! the vehicle and companions, written in one transaction; then the person is linked by entity
//! resolution and screened at once, and the officer gets the result with its reasons.

use std::sync::Arc;

use corridor_model::entity::live_statements;
use corridor_model::{HandlingCode, Provenance, Purpose, Statement};
use corridor_policy::{Action, Label, Object, Subject};
use serde::{Deserialize, Serialize};

use super::{AlertView, HitView, ScreenQuery};
use crate::resolution::ClusterView;
use crate::{Node, NodeError, now};

/// What an officer records at the crossing point.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CrossingInput {
    /// The machine-readable zone as read or pasted (2 or 3 lines); fills the fields below that
    /// are left empty.
    #[serde(default)]
    pub mrz: String,
    #[serde(default)]
    pub name: String,
    /// The name in other scripts or spellings (as written in the visa, say).
    #[serde(default)]
    pub other_names: Vec<String>,
    #[serde(default)]
    pub birth_date: String,
    #[serde(default)]
    pub nationality: String,
    #[serde(default)]
    pub sex: String,
    #[serde(default)]
    pub document_number: String,
    #[serde(default)]
    pub issuing_state: String,
    #[serde(default)]
    pub expiry_date: String,
    /// The crossing point's entity id (a new id records a new point under that name).
    pub point: String,
    /// entry, exit or transit.
    pub direction: String,
    /// When; default now. Refused when later than the node's clock allows.
    #[serde(default)]
    pub at: String,
    /// The vehicle's registration number.
    #[serde(default)]
    pub vehicle: String,
    /// Entity ids of the persons travelling with this one.
    #[serde(default)]
    pub companions: Vec<String>,
    /// Of those (or besides them), the ones the officer records as the traveller's family — a
    /// parent, guardian or relative: a child crossing with companions none of whom is known as
    /// family is referred to protection (risk indicator `separated-minor`).
    #[serde(default)]
    pub family: Vec<String>,
    #[serde(default)]
    pub travel_purpose: String,
}

/// What the officer sees after registering.
#[derive(Clone, Debug, Serialize)]
pub struct CrossingResult {
    pub crossing_id: String,
    pub person_id: String,
    pub document_id: Option<String>,
    pub mrz: Option<corridor_mrz::Mrz>,
    /// Things the officer should look at: an invalid or repaired MRZ, an expired document,
    /// typed fields that disagree with the MRZ.
    pub warnings: Vec<String>,
    pub hits: Vec<HitView>,
    /// Alerts raised or found again (a false positive decided before on the same data comes
    /// back with `suppressed`).
    pub alerts: Vec<AlertView>,
    /// The traveller's earlier crossings the officer may see, newest first.
    pub previous_crossings: Vec<String>,
    /// Records entity resolution links the traveller to (for roles that review resolution).
    pub linked: Option<ClusterView>,
    /// Risk profiles that hit, each with the indicators that fired on which facts and where
    /// the hit went (an enforcement alert, or a protection referral).
    pub risk: Vec<crate::risk::RiskHitView>,
    /// How long the risk evaluation took, facts included (microseconds).
    pub risk_micros: u64,
}

/// A crossing point, for the officer's choice.
#[derive(Clone, Debug, Serialize)]
pub struct PointView {
    pub id: String,
    pub name: String,
    pub country: Option<String>,
}

/// How far ahead of the node's clock a crossing time may be (a post's clock that runs fast).
const MAX_FUTURE_SECONDS: i64 = 300;

/// Fills empty fields from the MRZ and notes disagreements.
fn apply_mrz(input: &mut CrossingInput, mrz: &corridor_mrz::Mrz, warnings: &mut Vec<String>) {
    let mrz_name = format!("{} {}", mrz.given_names, mrz.surname)
        .trim()
        .to_string();
    let pairs: [(&mut String, String, &str); 6] = [
        (&mut input.name, mrz_name, "name"),
        (
            &mut input.birth_date,
            mrz.birth_date.clone().unwrap_or_default(),
            "birth_date",
        ),
        (
            &mut input.nationality,
            mrz.nationality.clone(),
            "nationality",
        ),
        (&mut input.sex, mrz.sex.clone(), "sex"),
        (
            &mut input.document_number,
            mrz.document_number.clone(),
            "document_number",
        ),
        (
            &mut input.issuing_state,
            mrz.issuing_state.clone(),
            "issuing_state",
        ),
    ];
    for (typed, read, field) in pairs {
        if read.is_empty() {
            continue;
        }
        // A country may be typed in any of its codes or its name ("de", "DEU", "Germany" for
        // the MRZ's "D"): only another country is a disagreement.
        let same = typed.trim().eq_ignore_ascii_case(&read)
            || matches!(field, "nationality" | "issuing_state")
                && corridor_model::types::same_country(typed, &read);
        if typed.trim().is_empty() {
            *typed = read;
        } else if !same && field != "name" {
            warnings.push(format!(
                "{field}: typed {:?} but the MRZ reads {read:?}",
                typed.trim()
            ));
        }
    }
    if input.expiry_date.trim().is_empty()
        && let Some(e) = &mrz.expiry_date
    {
        input.expiry_date = e.clone();
    }
}

impl Node {
    /// The crossing points the caller may see, by name.
    pub fn crossing_points(&self, subject: &Subject) -> Result<Vec<PointView>, NodeError> {
        self.require(subject, Action::Screen)?;
        let mut store = self.store();
        let mut gate = crate::views::Gate::new(&self.policy, subject, Action::Read);
        let mut out = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let ids = store.entities_of_schema("BorderCrossingPoint", after.as_deref(), 1000)?;
            let Some(last) = ids.last().cloned() else {
                break;
            };
            for id in ids {
                let statements = store.entity_statements(&id)?;
                let live: Vec<&Statement> = live_statements(&statements)
                    .into_iter()
                    .filter(|s| gate.allows(s))
                    .collect();
                let value = |prop: &str| {
                    live.iter()
                        .find(|s| s.prop == prop)
                        .map(|s| s.value.clone())
                };
                if let Some(name) = value("name") {
                    out.push(PointView {
                        id,
                        name,
                        country: value("country"),
                    });
                }
            }
            after = Some(last);
        }
        out.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
        Ok(out)
    }

    /// Registers a crossing, links the traveller and screens them; see the module comment.
    pub fn register_crossing(
        &self,
        subject: &Subject,
        mut input: CrossingInput,
    ) -> Result<CrossingResult, NodeError> {
        self.require(subject, Action::Screen)?;
        let label = Label {
            handling: HandlingCode::Restricted,
            purpose: Purpose::BorderManagement,
        };
        let d = self
            .policy
            .decide(subject, Action::Write, Object::Fact(label));
        if !d.allowed {
            return Err(NodeError::Forbidden(d.why));
        }
        let mut warnings = Vec::new();
        let now_unix = crate::now_unix();
        let mrz = if input.mrz.trim().is_empty() {
            None
        } else {
            if input.mrz.len() > 400 {
                return Err(NodeError::Invalid(format!(
                    "mrz: {} bytes; a machine-readable zone has at most 3 lines of 44",
                    input.mrz.len()
                )));
            }
            let today = corridor_model::types::format_unix_utc(now_unix);
            let options = corridor_mrz::Options {
                repair: true,
                today: corridor_mrz::Day::parse(&today[..10])
                    .ok_or_else(|| NodeError::Io(format!("clock reads {today}")))?,
            };
            let mrz = corridor_mrz::parse(&input.mrz, options);
            if mrz.format.is_none() {
                let why: Vec<String> = mrz
                    .errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect();
                return Err(NodeError::Invalid(format!(
                    "mrz: not a machine-readable zone ({})",
                    why.join("; ")
                )));
            }
            for e in &mrz.errors {
                warnings.push(format!("MRZ {}: {}", e.field, e.message));
            }
            for r in &mrz.repairs {
                warnings.push(format!(
                    "MRZ {}: read {:?}, repaired to {:?} (the check digit confirms it)",
                    r.field, r.read, r.repaired
                ));
            }
            apply_mrz(&mut input, &mrz, &mut warnings);
            Some(mrz)
        };
        let query = ScreenQuery {
            names: std::iter::once(input.name.clone())
                .chain(input.other_names.iter().cloned())
                .filter(|n| !n.trim().is_empty())
                .collect(),
            birth_date: input.birth_date.clone(),
            nationality: input.nationality.clone(),
            document_number: input.document_number.clone(),
        };
        query.check()?;
        let direction = input.direction.trim();
        if !["entry", "exit", "transit"].contains(&direction) {
            return Err(NodeError::Invalid(format!(
                "direction: {direction:?} is not one of entry, exit, transit"
            )));
        }
        let point = input.point.trim();
        corridor_model::id::check_entity_id(point)
            .map_err(|e| NodeError::Invalid(format!("point: {e}")))?;
        let at = if input.at.trim().is_empty() {
            corridor_model::types::format_unix_utc(now_unix)
        } else {
            let at = self.clean("Crossing", "date", &input.at, "at")?;
            if let Some(t) = corridor_model::types::parse_unix_utc(&at)
                && t > now_unix + MAX_FUTURE_SECONDS
            {
                return Err(NodeError::Invalid(format!(
                    "at: {at} is later than this node's clock ({}); check the clock",
                    corridor_model::types::format_unix_utc(now_unix)
                )));
            }
            at
        };
        if !input.expiry_date.is_empty() && input.expiry_date.as_str() < &at[..at.len().min(10)] {
            warnings.push(format!("document expired on {}", input.expiry_date));
        }

        let provenance = Arc::new(Provenance {
            dataset: "crossings".into(),
            recorded_by: subject.username.clone(),
            recorded_at: now(),
            handling: label.handling,
            purpose: label.purpose,
            reliability: corridor_model::SourceReliability::A,
            grade: corridor_model::InformationGrade::Known,
        });
        let mut writes = Vec::new();
        let doc = input.document_number.trim().to_uppercase();
        let state = input.issuing_state.trim().to_uppercase();
        let person_id = if doc.is_empty() {
            corridor_model::id::make_id(
                Some("traveller"),
                &[&input.name, &input.birth_date, &input.nationality],
            )
        } else {
            corridor_model::id::make_id(Some("traveller"), &[&state, &doc])
        };
        let fact = |writes: &mut Vec<Statement>,
                    id: &str,
                    schema: &str,
                    prop: &str,
                    raw: &str,
                    field: &str|
         -> Result<(), NodeError> {
            if raw.trim().is_empty() {
                return Ok(());
            }
            let value = self.clean(schema, prop, raw.trim(), field)?;
            let original = (value != raw.trim()).then(|| raw.trim().to_string());
            writes.push(Statement::assert(
                id,
                schema,
                prop,
                value,
                original,
                provenance.clone(),
            ));
            Ok(())
        };
        for name in &query.names {
            fact(&mut writes, &person_id, "Person", "name", name, "name")?;
        }
        fact(
            &mut writes,
            &person_id,
            "Person",
            "birthDate",
            &input.birth_date,
            "birth_date",
        )?;
        fact(
            &mut writes,
            &person_id,
            "Person",
            "nationality",
            &input.nationality,
            "nationality",
        )?;
        let gender = match input.sex.trim() {
            "M" | "m" => "male",
            "F" | "f" => "female",
            "X" | "x" | "<" => "other",
            other => other,
        };
        fact(&mut writes, &person_id, "Person", "gender", gender, "sex")?;
        fact(
            &mut writes,
            &person_id,
            "Person",
            "passportNumber",
            &doc,
            "document_number",
        )?;
        let document_id = (!doc.is_empty())
            .then(|| corridor_model::id::make_id(Some("document"), &[&state, &doc]));
        if let Some(document_id) = &document_id {
            fact(
                &mut writes,
                document_id,
                "Passport",
                "holder",
                &person_id,
                "document_number",
            )?;
            fact(
                &mut writes,
                document_id,
                "Passport",
                "number",
                &doc,
                "document_number",
            )?;
            fact(
                &mut writes,
                document_id,
                "Passport",
                "country",
                &state,
                "issuing_state",
            )?;
            fact(
                &mut writes,
                document_id,
                "Passport",
                "endDate",
                &input.expiry_date,
                "expiry_date",
            )?;
            if let Some(m) = &mrz {
                fact(
                    &mut writes,
                    document_id,
                    "Passport",
                    "type",
                    &m.document_type,
                    "mrz",
                )?;
            }
        }
        let crossing_id =
            corridor_model::id::make_id(Some("crossing"), &[&person_id, point, direction, &at]);
        let mut store = self.store();
        if store.entity_statements(point)?.is_empty() {
            fact(
                &mut writes,
                point,
                "BorderCrossingPoint",
                "name",
                point,
                "point",
            )?;
            warnings.push(format!(
                "point: {point:?} was not known; recorded as a new crossing point"
            ));
        }
        let c = crossing_id.as_str();
        fact(&mut writes, c, "Crossing", "traveller", &person_id, "name")?;
        fact(&mut writes, c, "Crossing", "point", point, "point")?;
        fact(
            &mut writes,
            c,
            "Crossing",
            "direction",
            direction,
            "direction",
        )?;
        fact(&mut writes, c, "Crossing", "date", &at, "at")?;
        fact(
            &mut writes,
            c,
            "Crossing",
            "travelPurpose",
            &input.travel_purpose,
            "travel_purpose",
        )?;
        fact(
            &mut writes,
            c,
            "Crossing",
            "officer",
            &subject.username,
            "officer",
        )?;
        if let Some(document_id) = &document_id {
            fact(
                &mut writes,
                c,
                "Crossing",
                "document",
                document_id,
                "document_number",
            )?;
        }
        if let Some(m) = &mrz {
            fact(
                &mut writes,
                c,
                "Crossing",
                "mrz",
                &m.lines.join("\n"),
                "mrz",
            )?;
        }
        let plate = input.vehicle.trim().to_uppercase();
        if !plate.is_empty() {
            let vehicle_id = corridor_model::id::make_id(Some("vehicle"), &[&plate]);
            fact(
                &mut writes,
                &vehicle_id,
                "Vehicle",
                "registrationNumber",
                &plate,
                "vehicle",
            )?;
            fact(
                &mut writes,
                c,
                "Crossing",
                "vehicle",
                &vehicle_id,
                "vehicle",
            )?;
        }
        for (field, list) in [("companions", &input.companions), ("family", &input.family)] {
            if list.len() > 50 {
                return Err(NodeError::Invalid(format!("{field}: at most 50")));
            }
        }
        // Family travels with the traveller: a relative not listed as a companion is one.
        let mut companions: Vec<String> = input
            .companions
            .iter()
            .map(|c| c.trim().to_string())
            .collect();
        for relative in &input.family {
            if !companions.iter().any(|c| c == relative.trim()) {
                companions.push(relative.trim().to_string());
            }
        }
        for (i, relative) in input.family.iter().enumerate() {
            let relative = relative.trim();
            corridor_model::id::check_entity_id(relative)
                .map_err(|e| NodeError::Invalid(format!("family[{i}]: {e}")))?;
            if relative == person_id {
                return Err(NodeError::Invalid(format!(
                    "family[{i}]: the traveller cannot be their own family"
                )));
            }
            let link = corridor_model::id::make_id(Some("family"), &[&person_id, relative]);
            for (prop, value) in [
                ("person", person_id.as_str()),
                ("relative", relative),
                ("relationship", "family, as recorded at the crossing"),
            ] {
                fact(
                    &mut writes,
                    &link,
                    "Family",
                    prop,
                    value,
                    &format!("family[{i}]"),
                )?;
            }
        }
        for (i, companion) in companions.iter().enumerate() {
            corridor_model::id::check_entity_id(companion.trim())
                .map_err(|e| NodeError::Invalid(format!("companions[{i}]: {e}")))?;
            fact(
                &mut writes,
                c,
                "Crossing",
                "companions",
                companion.trim(),
                &format!("companions[{i}]"),
            )?;
        }

        let mut tx = store.begin()?;
        tx.write(&writes)?;
        tx.commit()?;
        self.audit(
            &mut **store,
            &subject.username,
            "register_crossing",
            &format!("crossing {crossing_id}"),
            None,
            &format!("allowed: {direction} at {point}"),
        )?;
        self.link_new_records(&mut **store);
        let facts = query.facts();
        let hits = self.screen_facts(&mut **store, subject, &facts)?;
        let alerts = self.raise_alerts(
            &mut **store,
            subject,
            &person_id,
            &facts,
            &hits,
            Some(&crossing_id),
        )?;
        let at = crate::risk::AtCrossing {
            watchlist_hit: Some(hits.iter().any(|h| h.alert)),
            lost_or_stolen: Some(
                hits.iter()
                    .any(|h| crate::risk::lost_or_stolen_hit(&h.list, &h.reasons)),
            ),
            issuer_mismatch: Some(warnings.iter().any(|w| w.starts_with("issuing_state:"))),
            recorded_as_smuggled: Some(self.protected_in(&mut **store, &person_id)?.is_some()),
        };
        let (risk, risk_micros) =
            self.evaluate_crossing(&mut **store, subject, &crossing_id, &person_id, &at)?;
        if alerts.iter().any(|a| a.protection_relevant) {
            warnings.push(
                "the traveller is recorded as smuggled or as a possible victim: the hits go to protection, not to the enforcement alert queue (Smuggling Protocol art. 5)".into(),
            );
        }
        self.audit(
            &mut **store,
            &subject.username,
            "screen",
            &format!("crossing {crossing_id}"),
            None,
            &format!(
                "allowed: {} hits, {} alerts, {} risk hits",
                hits.len(),
                alerts.len(),
                risk.len()
            ),
        )?;
        let previous_crossings =
            self.previous_crossings(&mut **store, subject, &person_id, &crossing_id)?;
        let linked = self.cluster_view(&mut **store, subject, &person_id)?;
        Ok(CrossingResult {
            crossing_id,
            person_id,
            document_id,
            mrz,
            warnings,
            hits,
            alerts,
            previous_crossings,
            linked,
            risk,
            risk_micros,
        })
    }

    /// Cleans one value through the model; the error names the caller's field.
    pub(crate) fn clean(
        &self,
        schema: &str,
        prop: &str,
        raw: &str,
        field: &str,
    ) -> Result<String, NodeError> {
        let property = self
            .model
            .get(schema)
            .and_then(|s| s.property(prop))
            .ok_or_else(|| NodeError::Io(format!("model has no {schema}.{prop}")))?;
        property
            .clean(raw, Default::default())
            .map_err(|e| NodeError::Invalid(format!("{field}: {e}")))
    }

    /// The crossings of a person the caller may see, newest first, this one left out.
    fn previous_crossings(
        &self,
        store: &mut dyn corridor_store::Store,
        subject: &Subject,
        person_id: &str,
        this: &str,
    ) -> Result<Vec<String>, NodeError> {
        let mut gate = crate::views::Gate::new(&self.policy, subject, Action::Read);
        let mut found = Vec::new();
        for source in store.incoming_links(person_id, 200)? {
            if source == this {
                continue;
            }
            let statements = store.entity_statements(&source)?;
            let live: Vec<&Statement> = live_statements(&statements)
                .into_iter()
                .filter(|s| gate.allows(s) && s.schema == "Crossing")
                .collect();
            if let Some(date) = live.iter().find(|s| s.prop == "date") {
                found.push((date.value.clone(), source));
            }
        }
        found.sort();
        Ok(found.into_iter().rev().map(|(_, id)| id).collect())
    }
}
