//! What the node remembers for risk evaluation, kept in memory and brought up to date from the
//! statement log: every crossing (traveller, point, time, vehicle, companions, MRZ), the
//! vehicles and vessels seen in interceptions, the persons known as facilitators, who holds
//! which phone number, the fees paid, the crossings at which a screening alert fired, and who
//! is recorded as whose family.
//!
//! A full read at first use, then only the statements written since (the entities they touch
//! are read again whole, so corrections and retractions are honoured). Protection data is never
//! read here: a risk fact must not rest on what a migrant told a protection officer.

use std::collections::{HashMap, HashSet};

use corridor_model::entity::live_statements;
use corridor_model::{Purpose, Statement};
use corridor_store::Store;

use crate::NodeError;

/// The schemata the history follows.
const FOLLOWED: &[&str] = &[
    "Crossing",
    "Interception",
    "SmugglingFee",
    "PhoneNumber",
    "Person",
    "ScreeningAlert",
    "BorderCrossingPoint",
    "Family",
];

#[derive(Clone, Debug, Default)]
pub(crate) struct CrossingRecord {
    pub traveller: String,
    pub point: String,
    pub direction: String,
    pub at: String,
    pub unix: i64,
    pub vehicle: Option<String>,
    pub companions: Vec<String>,
    pub mrz: Option<String>,
    /// The travel document, as the officer typed it (its country is the issuing state typed).
    pub document: Option<String>,
}

#[derive(Default)]
pub(crate) struct History {
    /// The last statement sequence number applied.
    pub seq: i64,
    pub crossings: HashMap<String, CrossingRecord>,
    /// Person record → crossings where it is the traveller.
    pub by_traveller: HashMap<String, Vec<String>>,
    /// Vehicle → crossings made in it.
    pub by_vehicle: HashMap<String, Vec<String>>,
    /// Vehicles and vessels named in an interception.
    pub intercepted: HashSet<String>,
    /// Person records named as facilitators: suspects of an interception, recipients of a
    /// smuggling fee. (Designated suspects are read from their status when evaluating.)
    pub facilitators: HashSet<String>,
    /// Person record → phone numbers on it (its own property, or a PhoneNumber it uses).
    pub phones_of: HashMap<String, HashSet<String>>,
    /// Phone number → person records that carry it.
    pub holders: HashMap<String, HashSet<String>>,
    /// Payer record → persons each fee it paid was for.
    pub fees_paid: HashMap<String, Vec<f64>>,
    /// Crossings at which a screening alert fired.
    pub alerted_crossings: HashSet<String>,
    /// Crossings at which an alert matched the document on a lost or stolen documents list
    /// ([`super::facts::lost_or_stolen_hit`]).
    pub lost_or_stolen_crossings: HashSet<String>,
    /// Crossing point → its type (land, sea, air…).
    pub point_types: HashMap<String, String>,
    /// Crossing point → the route code it lies on.
    pub point_routes: HashMap<String, String>,
    /// Person record → the person records family links (FtM `Family`, either way) name as its
    /// relatives, each with how many links do (one link taken back leaves the others).
    pub relatives: HashMap<String, HashMap<String, u32>>,
    /// Per entity, what it contributed (to take it back when the entity is read again).
    contributed: HashMap<String, Contribution>,
}

#[derive(Clone, Default)]
struct Contribution {
    phones: Vec<(String, String)>,
    fee: Option<(String, usize)>,
    /// The two persons a family link joins.
    family: Option<(String, String)>,
}

fn values<'a>(live: &'a [&Statement], prop: &str) -> impl Iterator<Item = &'a str> {
    live.iter()
        .filter(move |s| s.prop == prop)
        .map(|s| s.value.as_str())
}

fn first(live: &[&Statement], prop: &str) -> Option<String> {
    values(live, prop).next().map(str::to_string)
}

impl History {
    /// Reads what was written since the last call (everything, the first time).
    pub fn follow(&mut self, store: &mut dyn Store) -> Result<usize, NodeError> {
        let mut touched: Vec<String> = Vec::new();
        let mut seen = HashSet::new();
        loop {
            let batch = store.statements_after(self.seq, 20_000)?;
            let Some(&(last, _)) = batch.last() else {
                break;
            };
            for (_, s) in &batch {
                if FOLLOWED.contains(&s.schema.as_str()) && seen.insert(s.entity_id.clone()) {
                    touched.push(s.entity_id.clone());
                }
            }
            self.seq = last;
        }
        for id in &touched {
            let statements = store.entity_statements(id)?;
            let live: Vec<&Statement> = live_statements(&statements)
                .into_iter()
                .filter(|s| s.provenance.purpose != Purpose::Protection)
                .collect();
            self.apply(id, &live);
        }
        Ok(touched.len())
    }

    fn forget(&mut self, id: &str) {
        if let Some(old) = self.crossings.remove(id) {
            if let Some(list) = self.by_traveller.get_mut(&old.traveller) {
                list.retain(|c| c != id);
            }
            if let Some(v) = &old.vehicle
                && let Some(list) = self.by_vehicle.get_mut(v)
            {
                list.retain(|c| c != id);
            }
        }
        if let Some(old) = self.contributed.remove(id) {
            for (person, number) in old.phones {
                if let Some(h) = self.holders.get_mut(&number) {
                    h.remove(&person);
                }
                if let Some(p) = self.phones_of.get_mut(&person) {
                    p.remove(&number);
                }
            }
            if let Some((payer, i)) = old.fee
                && let Some(list) = self.fees_paid.get_mut(&payer)
                && i < list.len()
            {
                list[i] = 0.0;
            }
            if let Some((a, b)) = old.family {
                for (x, y) in [(&a, &b), (&b, &a)] {
                    if let Some(r) = self.relatives.get_mut(x)
                        && let Some(links) = r.get_mut(y)
                    {
                        *links -= 1;
                        if *links == 0 {
                            r.remove(y);
                        }
                    }
                }
            }
        }
    }

    fn phone(&mut self, contribution: &mut Contribution, person: &str, number: &str) {
        self.phones_of
            .entry(person.to_string())
            .or_default()
            .insert(number.to_string());
        self.holders
            .entry(number.to_string())
            .or_default()
            .insert(person.to_string());
        contribution
            .phones
            .push((person.to_string(), number.to_string()));
    }

    /// Takes in one entity as it now stands.
    fn apply(&mut self, id: &str, live: &[&Statement]) {
        self.forget(id);
        let Some(schema) = live.first().map(|s| s.schema.clone()) else {
            return;
        };
        let mut contribution = Contribution::default();
        match schema.as_str() {
            "Crossing" => {
                let (Some(traveller), Some(at)) = (first(live, "traveller"), first(live, "date"))
                else {
                    return;
                };
                let record = CrossingRecord {
                    unix: corridor_model::types::parse_unix_utc(&at).unwrap_or(0),
                    at,
                    point: first(live, "point").unwrap_or_default(),
                    direction: first(live, "direction").unwrap_or_default(),
                    vehicle: first(live, "vehicle"),
                    companions: values(live, "companions").map(str::to_string).collect(),
                    mrz: first(live, "mrz"),
                    document: first(live, "document"),
                    traveller,
                };
                self.by_traveller
                    .entry(record.traveller.clone())
                    .or_default()
                    .push(id.to_string());
                if let Some(v) = &record.vehicle {
                    self.by_vehicle
                        .entry(v.clone())
                        .or_default()
                        .push(id.to_string());
                }
                self.crossings.insert(id.to_string(), record);
            }
            "Interception" => {
                for v in values(live, "vehicle").chain(values(live, "vessel")) {
                    self.intercepted.insert(v.to_string());
                }
                for s in values(live, "suspects") {
                    self.facilitators.insert(s.to_string());
                }
            }
            "SmugglingFee" => {
                for r in values(live, "recipient") {
                    self.facilitators.insert(r.to_string());
                }
                if let Some(payer) = first(live, "payer") {
                    let persons = first(live, "persons")
                        .and_then(|p| p.parse::<f64>().ok())
                        .unwrap_or(1.0);
                    let list = self.fees_paid.entry(payer.clone()).or_default();
                    list.push(persons);
                    contribution.fee = Some((payer, list.len() - 1));
                }
            }
            "PhoneNumber" => {
                let numbers: Vec<String> = values(live, "number").map(str::to_string).collect();
                let users: Vec<String> = values(live, "user").map(str::to_string).collect();
                for user in &users {
                    for number in &numbers {
                        self.phone(&mut contribution, user, number);
                    }
                }
            }
            "Person" => {
                let numbers: Vec<String> = values(live, "phone").map(str::to_string).collect();
                for number in &numbers {
                    self.phone(&mut contribution, id, number);
                }
            }
            "ScreeningAlert" => {
                let reasons: Vec<String> = first(live, "reasons")
                    .and_then(|r| serde_json::from_str(&r).ok())
                    .unwrap_or_default();
                let lost = super::facts::lost_or_stolen_hit(
                    &first(live, "watchlist").unwrap_or_default(),
                    &reasons,
                );
                for c in values(live, "crossing") {
                    self.alerted_crossings.insert(c.to_string());
                    if lost {
                        self.lost_or_stolen_crossings.insert(c.to_string());
                    }
                }
            }
            "Family" => {
                if let (Some(person), Some(relative)) =
                    (first(live, "person"), first(live, "relative"))
                    && person != relative
                {
                    for (x, y) in [(&person, &relative), (&relative, &person)] {
                        *self
                            .relatives
                            .entry(x.clone())
                            .or_default()
                            .entry(y.clone())
                            .or_default() += 1;
                    }
                    contribution.family = Some((person, relative));
                }
            }
            "BorderCrossingPoint" => {
                if let Some(t) = first(live, "pointType") {
                    self.point_types.insert(id.to_string(), t);
                }
                if let Some(route) =
                    first(live, "route").and_then(|r| corridor_research::routes::route(&r))
                {
                    self.point_routes.insert(id.to_string(), route.code.clone());
                }
            }
            _ => {}
        }
        self.contributed.insert(id.to_string(), contribution);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use corridor_model::{HandlingCode, InformationGrade, Provenance, Purpose, Statement};

    use super::History;

    fn family(id: &str, person: &str, relative: &str) -> Vec<Statement> {
        let provenance = Arc::new(Provenance {
            dataset: "crossings".into(),
            recorded_by: "officer".into(),
            recorded_at: "2026-12-01T08:00:00Z".into(),
            handling: HandlingCode::Restricted,
            purpose: Purpose::BorderManagement,
            reliability: corridor_model::SourceReliability::A,
            grade: InformationGrade::Known,
        });
        [("person", person), ("relative", relative)]
            .into_iter()
            .map(|(p, v)| Statement::assert(id, "Family", p, v.into(), None, provenance.clone()))
            .collect()
    }

    #[test]
    fn a_family_link_taken_back_leaves_the_others_between_the_same_persons() {
        let mut history = History::default();
        let (first, second) = (
            family("f1", "child", "mother"),
            family("f2", "mother", "child"),
        );
        history.apply("f1", &first.iter().collect::<Vec<_>>());
        history.apply("f2", &second.iter().collect::<Vec<_>>());
        assert!(history.relatives["child"].contains_key("mother"));
        // The first link is retracted: read again, it holds nothing.
        history.apply("f1", &[]);
        assert!(history.relatives["child"].contains_key("mother"));
        assert!(history.relatives["mother"].contains_key("child"));
        history.apply("f2", &[]);
        assert!(!history.relatives["child"].contains_key("mother"));
        assert!(!history.relatives["mother"].contains_key("child"));
    }
}
