//! A crossing's facts, as `corridor-risk`'s field catalogue names them, worked out from the
//! history (crossings, vehicles, interceptions, fees, phones), entity resolution (a traveller is
//! every record resolved with it) and what the officer's request itself found (screening hits,
//! the MRZ as read). The same code serves the crossing desk and batch evaluation, so a backtest
//! measures what would run live.

use std::collections::{BTreeSet, HashSet};

use corridor_model::Statement;
use corridor_model::entity::live_statements;
use corridor_risk::Facts;
use corridor_store::Store;
use serde_json::{Value, json};

use super::history::{CrossingRecord, History};
use crate::NodeError;
use crate::resolution::Resolver;

const DAY: i64 = 86_400;
/// Travellers who pass the same point in the same vehicle within this many seconds travel
/// together.
const TOGETHER: i64 = 2 * 3600;

/// What the officer's request found that the store does not hold yet.
#[derive(Clone, Debug, Default)]
pub(crate) struct AtCrossing {
    pub watchlist_hit: Option<bool>,
    pub lost_or_stolen: Option<bool>,
    pub issuer_mismatch: Option<bool>,
    pub recorded_as_smuggled: Option<bool>,
}

/// Whether a watchlist hit says the document is reported lost or stolen: a hit on a lost or
/// stolen documents list (by its name, as INTERPOL's SLTD and national lists are called) that
/// its document number found. The crossing desk asks it of its hits, batch evaluation of the
/// alerts they left.
pub(crate) fn lost_or_stolen_hit(list: &str, reasons: &[String]) -> bool {
    let list = list.to_lowercase();
    (list.contains("lost") || list.contains("stolen") || list.contains("sltd"))
        && corridor_screen::same_document(reasons)
}

pub(crate) struct Lookup<'a> {
    pub history: &'a History,
    pub resolver: &'a Resolver,
}

impl Lookup<'_> {
    fn key(&self, id: &str) -> String {
        self.resolver
            .cluster_name(id)
            .unwrap_or_else(|| id.to_string())
    }

    fn is_facilitator(&self, members: &[String]) -> bool {
        members
            .iter()
            .any(|m| self.history.facilitators.contains(m))
    }

    /// The crossings of a traveller (every record resolved with it).
    fn crossings_of<'h>(&'h self, members: &[String]) -> Vec<(&'h str, &'h CrossingRecord)> {
        let mut out = Vec::new();
        for m in members {
            for c in self.history.by_traveller.get(m).into_iter().flatten() {
                if let Some(r) = self.history.crossings.get(c) {
                    out.push((c.as_str(), r));
                }
            }
        }
        out
    }

    /// Who crossed with a crossing's traveller: the companions recorded, and the travellers of
    /// the same vehicle at the same point within two hours.
    fn co_travellers(&self, id: &str, c: &CrossingRecord) -> Vec<String> {
        let mut out: Vec<String> = c.companions.clone();
        if let Some(v) = &c.vehicle {
            for other in self.history.by_vehicle.get(v).into_iter().flatten() {
                if other == id {
                    continue;
                }
                if let Some(o) = self.history.crossings.get(other)
                    && o.point == c.point
                    && (o.unix - c.unix).abs() <= TOGETHER
                    && o.traveller != c.traveller
                {
                    out.push(o.traveller.clone());
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Trips a vehicle made in the `days` before `c` (travellers crossing together are one).
    fn vehicle_trips(&self, vehicle: &str, c: &CrossingRecord, days: i64) -> usize {
        let mut trips: BTreeSet<(String, i64)> = BTreeSet::new();
        for other in self.history.by_vehicle.get(vehicle).into_iter().flatten() {
            if let Some(o) = self.history.crossings.get(other)
                && o.unix < c.unix - TOGETHER
                && o.unix >= c.unix - days * DAY
            {
                trips.insert((o.point.clone(), o.unix / TOGETHER));
            }
        }
        trips.len()
    }
}

/// Whole years from a birth date (YYYY, YYYY-MM or YYYY-MM-DD) to a day (YYYY-MM-DD…).
fn age(birth: &str, on: &str) -> Option<i64> {
    let y: i64 = birth.get(0..4)?.parse().ok()?;
    let oy: i64 = on.get(0..4)?.parse().ok()?;
    let md = birth.get(5..10).unwrap_or("01-01");
    let omd = on.get(5..10)?;
    Some(oy - y - i64::from(omd < md))
}

/// The facts of one crossing; `None` when the history does not hold it.
pub(crate) fn crossing_facts(
    look: &Lookup<'_>,
    store: &mut dyn Store,
    crossing_id: &str,
    at: &AtCrossing,
) -> Result<Option<Facts>, NodeError> {
    let Some(c) = look.history.crossings.get(crossing_id) else {
        return Ok(None);
    };
    let mut facts = Facts::new();
    let mut set = |k: &str, v: Value| {
        facts.insert(k.to_string(), v);
    };
    set("crossing.direction", json!(c.direction));
    if let Some(t) = look.history.point_types.get(&c.point) {
        set("crossing.point_type", json!(t));
    }
    if let Some(r) = look.history.point_routes.get(&c.point) {
        set("crossing.route", json!(r));
    }

    // The traveller as the document shows them.
    let statements = store.entity_statements(&c.traveller)?;
    let live: Vec<&Statement> = live_statements(&statements)
        .into_iter()
        .filter(|s| s.provenance.purpose != corridor_model::Purpose::Protection)
        .collect();
    let value = |prop: &str| {
        live.iter()
            .find(|s| s.prop == prop)
            .map(|s| s.value.clone())
    };
    if let Some(n) = value("nationality") {
        set("traveller.nationality", json!(n));
    }
    if let Some(g) = value("gender") {
        set("traveller.sex", json!(g));
    }
    let years = value("birthDate").and_then(|b| age(&b, &c.at));
    if let Some(a) = years {
        set("traveller.age", json!(a));
    }

    // History, through every record resolved with the traveller.
    let members = look.resolver.cluster_members(&c.traveller);
    let own: HashSet<&str> = members.iter().map(String::as_str).collect();
    let mine = look.crossings_of(&members);
    let earlier: Vec<&(&str, &CrossingRecord)> = mine
        .iter()
        .filter(|(id, r)| *id != crossing_id && r.unix < c.unix)
        .collect();
    set("traveller.first_crossing", json!(earlier.is_empty()));
    let window = c.unix - 90 * DAY;
    set(
        "traveller.crossings_90d",
        json!(earlier.iter().filter(|(_, r)| r.unix >= window).count()),
    );
    let mut companions: HashSet<String> = HashSet::new();
    for (id, r) in &mine {
        if r.unix >= window && r.unix <= c.unix {
            for p in look.co_travellers(id, r) {
                if !own.contains(p.as_str()) {
                    companions.insert(look.key(&p));
                }
            }
        }
    }
    set("traveller.companions_90d", json!(companions.len()));
    let here = look.co_travellers(crossing_id, c);
    set("crossing.group_size", json!(here.len() + 1));
    if let Some(a) = years {
        set(
            "traveller.unaccompanied_minor",
            json!(a < 18 && c.companions.is_empty()),
        );
        // A child with companions none of whom is recorded as family: a separated child, whose
        // relationship to the adults the officer verifies (a referral, not a suspicion).
        let family: HashSet<String> = members
            .iter()
            .filter_map(|m| look.history.relatives.get(m))
            .flat_map(|r| r.keys())
            .map(|r| look.key(r))
            .collect();
        let with_family = c.companions.iter().any(|p| family.contains(&look.key(p)));
        set(
            "traveller.separated_minor",
            json!(a < 18 && !c.companions.is_empty() && !with_family),
        );
    }
    let hit = at
        .watchlist_hit
        .unwrap_or_else(|| look.history.alerted_crossings.contains(crossing_id));
    set("traveller.watchlist_hit", json!(hit));
    if let Some(s) = at.recorded_as_smuggled {
        set("traveller.recorded_as_smuggled", json!(s));
    }

    // The document.
    let mut issuer_mismatch = at.issuer_mismatch;
    if let Some(text) = &c.mrz {
        let today = corridor_mrz::Day::parse(c.at.get(0..10).unwrap_or(""));
        if let Some(today) = today {
            let mrz = corridor_mrz::parse(
                text,
                corridor_mrz::Options {
                    repair: false,
                    today,
                },
            );
            set("document.mrz_check_failed", json!(!mrz.valid));
            if let Some(e) = &mrz.expiry_date {
                set("document.expired", json!(e.as_str() < &c.at[..10]));
            }
            // Without the desk's request (batch evaluation), the issuing state the officer
            // typed is the document's country, filled from the MRZ when none was typed.
            if issuer_mismatch.is_none()
                && !mrz.issuing_state.is_empty()
                && let Some(document) = &c.document
            {
                let statements = store.entity_statements(document)?;
                issuer_mismatch = live_statements(&statements)
                    .into_iter()
                    .find(|s| s.prop == "country")
                    .map(|s| !corridor_model::types::same_country(&s.value, &mrz.issuing_state));
            }
        }
    }
    if let Some(m) = issuer_mismatch {
        set("document.issuer_mismatch", json!(m));
    }
    let lost = at
        .lost_or_stolen
        .unwrap_or_else(|| look.history.lost_or_stolen_crossings.contains(crossing_id));
    set("document.reported_lost_or_stolen", json!(lost));

    // The network: facilitators, their phones, fees.
    set(
        "network.known_facilitator",
        json!(look.is_facilitator(&members)),
    );
    let mut shared = false;
    'phones: for m in &members {
        for number in look.history.phones_of.get(m).into_iter().flatten() {
            for holder in look.history.holders.get(number).into_iter().flatten() {
                if own.contains(holder.as_str()) {
                    continue;
                }
                let theirs = look.resolver.cluster_members(holder);
                if !theirs.iter().any(|t| own.contains(t.as_str())) && look.is_facilitator(&theirs)
                {
                    shared = true;
                    break 'phones;
                }
            }
        }
    }
    set("network.phone_shared_with_facilitator", json!(shared));
    let with_facilitator = here.iter().any(|p| {
        let theirs = look.resolver.cluster_members(p);
        !theirs.iter().any(|t| own.contains(t.as_str())) && look.is_facilitator(&theirs)
    });
    set(
        "network.travelling_with_facilitator",
        json!(with_facilitator),
    );
    let mut paid_for = 0.0f64;
    for p in here.iter().chain(std::iter::once(&c.traveller)) {
        for m in look.resolver.cluster_members(p) {
            for n in look.history.fees_paid.get(&m).into_iter().flatten() {
                paid_for = paid_for.max(*n);
            }
        }
    }
    set("network.paid_by_account_of_group", json!(paid_for));

    // The vehicle.
    if let Some(v) = &c.vehicle {
        let vehicles = look.resolver.cluster_members(v);
        set(
            "vehicle.seen_in_interception",
            json!(
                vehicles
                    .iter()
                    .any(|v| look.history.intercepted.contains(v))
            ),
        );
        set(
            "vehicle.crossings_30d",
            json!(
                vehicles
                    .iter()
                    .map(|v| look.vehicle_trips(v, c, 30))
                    .sum::<usize>()
            ),
        );
        set("vehicle.passengers", json!(here.len() + 1));
    }
    Ok(Some(facts))
}

#[cfg(test)]
mod tests {
    #[test]
    fn age_counts_whole_years() {
        assert_eq!(super::age("2008-06-15", "2026-06-14"), Some(17));
        assert_eq!(super::age("2008-06-15", "2026-06-15T10:00:00"), Some(18));
        assert_eq!(super::age("2008", "2026-01-01"), Some(18));
        assert_eq!(super::age("x", "2026-01-01"), None);
    }
}
