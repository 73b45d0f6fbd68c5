//! Incidents and dead and missing, grouped by year, route or month.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::incident::Incident;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    Year,
    Route,
    Month,
    /// Each cause an incident names (an incident with two causes counts under both).
    Cause,
    /// The UN M49 region of the country of the incident (`unknown` without one).
    Region,
}

impl By {
    pub fn parse(s: &str) -> Result<By, String> {
        match s {
            "year" => Ok(By::Year),
            "route" => Ok(By::Route),
            "month" => Ok(By::Month),
            "cause" => Ok(By::Cause),
            "region" => Ok(By::Region),
            other => Err(format!(
                "{other:?} is not one of year, route, month, cause, region"
            )),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Row {
    pub key: String,
    pub incidents: u64,
    pub dead_and_missing: u64,
    /// Incidents whose dead and missing is not known (counted as incidents, not in the sum).
    pub unknown_count: u64,
    pub survivors: u64,
}

/// Every key a summary by `by` can have, from public lists — never from the data — so that a
/// published table (a DP histogram above all) says nothing by which keys it shows: years and
/// months from `first_year` to `last_year`, the route list, the project's causes, M49 regions.
pub fn public_keys(by: By, first_year: i32, last_year: i32) -> Vec<String> {
    match by {
        By::Year => (first_year..=last_year)
            .map(|y| format!("{y:04}"))
            .collect(),
        By::Month => (first_year..=last_year)
            .flat_map(|y| (1..=12).map(move |m| format!("{y:04}-{m:02}")))
            .collect(),
        By::Route => crate::routes::all()
            .iter()
            .map(|r| r.code.clone())
            .collect(),
        By::Cause => crate::mmp::CAUSES.iter().map(|c| c.to_string()).collect(),
        By::Region => corridor_model::types::m49_regions()
            .into_iter()
            .map(str::to_string)
            .chain(["unknown".to_string()])
            .collect(),
    }
}

/// One row per key, in key order; incidents without a route go under `undefined`.
pub fn summarise<'a>(incidents: impl IntoIterator<Item = &'a Incident>, by: By) -> Vec<Row> {
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    for i in incidents {
        let keys: Vec<String> = match by {
            By::Year => vec![format!("{:04}", i.year)],
            By::Month => vec![format!("{:04}-{:02}", i.year, i.month)],
            By::Route => vec![i.route.unwrap_or("undefined").to_string()],
            By::Cause => causes_of(i, usize::MAX),
            By::Region => vec![
                i.country
                    .as_deref()
                    .and_then(corridor_model::types::m49_area)
                    .map_or("unknown", |a| a.region.as_str())
                    .to_string(),
            ],
        };
        for key in keys {
            let row = rows.entry(key.clone()).or_insert_with(|| Row {
                key,
                ..Default::default()
            });
            row.incidents += 1;
            match i.dead_and_missing() {
                Some(n) => row.dead_and_missing += u64::from(n),
                None => row.unknown_count += 1,
            }
            row.survivors += u64::from(i.survivors.unwrap_or(0));
        }
    }
    rows.into_values().collect()
}

/// The most causes one incident counts under in a differentially private histogram by cause.
/// The bound is public, so the noise does not depend on the data: an incident then changes
/// at most this many counts by one each (the sensitivity). In the Missing Migrants Project's
/// files 53 of 32,688 incidents name two causes and 2 name three; those count under their
/// first two.
pub const DP_CAUSES_PER_INCIDENT: usize = 2;

/// An incident's causes, each once and at most `at_most` of them, in the order given; "Mixed or
/// unknown" when it names none.
pub fn causes_of(i: &Incident, at_most: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in &i.causes {
        if out.len() == at_most {
            break;
        }
        if !out.contains(c) {
            out.push(c.clone());
        }
    }
    if out.is_empty() {
        out.push("Mixed or unknown".to_string());
    }
    out
}

/// Incidents per key for a differentially private histogram, and its sensitivity: how many
/// counts one incident can change. It is 1 but by cause, where each incident counts under at
/// most [`DP_CAUSES_PER_INCIDENT`] of its causes — a bound that is public, never read off the
/// data (the most causes any incident names would tell a reader of the noise about that one
/// incident).
pub fn bounded_counts<'a>(
    incidents: impl IntoIterator<Item = &'a Incident>,
    by: By,
) -> (BTreeMap<String, u64>, u32) {
    if by != By::Cause {
        let rows = summarise(incidents, by);
        return (rows.into_iter().map(|r| (r.key, r.incidents)).collect(), 1);
    }
    let mut counts = BTreeMap::new();
    for i in incidents {
        for c in causes_of(i, DP_CAUSES_PER_INCIDENT) {
            *counts.entry(c).or_insert(0) += 1;
        }
    }
    (counts, DP_CAUSES_PER_INCIDENT as u32)
}

/// CSV whose first columns are `KEY,incidents,dead_and_missing`.
pub fn to_csv(rows: &[Row], key: &str) -> String {
    let mut out = format!("{key},incidents,dead_and_missing,dead_and_missing_unknown,survivors\n");
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{}\n",
            r.key, r.incidents, r.dead_and_missing, r.unknown_count, r.survivors
        ));
    }
    out
}

/// Dead and missing on a route in a year, beside the crossings detected on it that year when
/// an agency counts them: a rate per 1,000 detections where both are known.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RouteYear {
    pub route: String,
    pub year: i32,
    pub incidents: u64,
    pub dead_and_missing: u64,
    pub detections: Option<u64>,
    pub per_1000_detections: Option<f64>,
}

/// Every route and year with incidents or detections, in route then year order.
pub fn route_years<'a>(
    incidents: impl IntoIterator<Item = &'a Incident>,
    detections: &[(String, i32, u64)],
) -> Vec<RouteYear> {
    let mut rows: BTreeMap<(String, i32), RouteYear> = BTreeMap::new();
    fn slot<'m>(
        rows: &'m mut BTreeMap<(String, i32), RouteYear>,
        route: &str,
        year: i32,
    ) -> &'m mut RouteYear {
        rows.entry((route.to_string(), year))
            .or_insert_with(|| RouteYear {
                route: route.to_string(),
                year,
                incidents: 0,
                dead_and_missing: 0,
                detections: None,
                per_1000_detections: None,
            })
    }
    for i in incidents {
        let r = slot(&mut rows, i.route.unwrap_or("undefined"), i.year);
        r.incidents += 1;
        r.dead_and_missing += u64::from(i.dead_and_missing().unwrap_or(0));
    }
    for (route, year, n) in detections {
        *slot(&mut rows, route, *year).detections.get_or_insert(0) += n;
    }
    for r in rows.values_mut() {
        r.per_1000_detections = r
            .detections
            .filter(|d| *d > 0)
            .map(|d| (r.dead_and_missing as f64 * 1000.0 / d as f64 * 100.0).round() / 100.0);
    }
    rows.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident(year: i32, route: &'static str, dead: u32, causes: &[&str]) -> Incident {
        Incident {
            year,
            month: 1,
            route: Some(route),
            dead_and_missing: Some(dead),
            causes: causes.iter().map(|c| c.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn a_dp_histogram_by_cause_bounds_each_incident_publicly() {
        let one = [incident(2016, "central-mediterranean", 1, &["Drowning"])];
        let three = [incident(
            2016,
            "central-mediterranean",
            1,
            &["Drowning", "Drowning", "Violence", "Accidental death"],
        )];
        let (counts_one, sensitivity_one) = bounded_counts(&one, By::Cause);
        let (counts_three, sensitivity_three) = bounded_counts(&three, By::Cause);
        // The same sensitivity whatever the data holds: the noise says nothing of it.
        assert_eq!(sensitivity_one, sensitivity_three);
        assert_eq!(sensitivity_one as usize, DP_CAUSES_PER_INCIDENT);
        // A cause named twice counts once, and no incident counts under more keys than the
        // sensitivity allows.
        assert_eq!(counts_one["Drowning"], 1);
        assert_eq!(counts_three["Drowning"], 1);
        assert_eq!(
            counts_three.values().sum::<u64>(),
            DP_CAUSES_PER_INCIDENT as u64
        );
        assert!(!counts_three.contains_key("Accidental death"));
        // Exact summaries keep every cause, each once.
        let exact = summarise(&three, By::Cause);
        assert_eq!(exact.len(), 3);
        assert!(exact.iter().all(|r| r.incidents == 1));
        // Other keys: one count per incident.
        assert_eq!(
            bounded_counts(&three, By::Year),
            ([("2016".to_string(), 1)].into(), 1)
        );
    }

    #[test]
    fn public_keys_come_from_lists_not_data() {
        assert_eq!(public_keys(By::Year, 2014, 2016), ["2014", "2015", "2016"]);
        assert_eq!(public_keys(By::Month, 2014, 2015).len(), 24);
        assert!(public_keys(By::Route, 2014, 2014).contains(&"central-mediterranean".to_string()));
        assert_eq!(
            public_keys(By::Cause, 2014, 2014).len(),
            crate::mmp::CAUSES.len()
        );
        let regions = public_keys(By::Region, 2014, 2014);
        assert!(
            regions.contains(&"Africa".to_string()) && regions.contains(&"unknown".to_string())
        );
    }

    #[test]
    fn causes_count_each_and_rates_need_both_sides() {
        let all = [
            incident(2016, "central-mediterranean", 10, &["Drowning", "Violence"]),
            incident(2016, "central-mediterranean", 5, &["Drowning"]),
            incident(2017, "asia-pacific", 2, &[]),
        ];
        let by_cause = summarise(&all, By::Cause);
        let drowning = by_cause.iter().find(|r| r.key == "Drowning").unwrap();
        assert_eq!((drowning.incidents, drowning.dead_and_missing), (2, 15));
        assert!(by_cause.iter().any(|r| r.key == "Mixed or unknown"));
        let mut located = all.clone();
        located[0].country = Some("ly".into());
        let by_region = summarise(&located, By::Region);
        assert_eq!(by_region[0].key, "Africa");
        assert_eq!(by_region[1].key, "unknown");
        let rows = route_years(&all, &[("central-mediterranean".into(), 2016, 5_000)]);
        let med = &rows[1];
        assert_eq!(
            (med.route.as_str(), med.year, med.dead_and_missing),
            ("central-mediterranean", 2016, 15)
        );
        assert_eq!(med.per_1000_detections, Some(3.0));
        assert_eq!(
            rows[0].per_1000_detections, None,
            "no detections counted on that route"
        );
        assert_eq!(
            to_csv(&summarise(&all, By::Year), "year")
                .lines()
                .next()
                .unwrap(),
            "year,incidents,dead_and_missing,dead_and_missing_unknown,survivors"
        );
    }
}
