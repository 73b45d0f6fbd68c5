//! Incidents and dead and missing, grouped by year, route or month.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::incident::Incident;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    Year,
    Route,
    Month,
}

impl By {
    pub fn parse(s: &str) -> Result<By, String> {
        match s {
            "year" => Ok(By::Year),
            "route" => Ok(By::Route),
            "month" => Ok(By::Month),
            other => Err(format!("{other:?} is not one of year, route, month")),
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

/// One row per key, in key order; incidents without a route go under `undefined`.
pub fn summarise<'a>(incidents: impl IntoIterator<Item = &'a Incident>, by: By) -> Vec<Row> {
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    for i in incidents {
        let key = match by {
            By::Year => format!("{:04}", i.year),
            By::Month => format!("{:04}-{:02}", i.year, i.month),
            By::Route => i.route.unwrap_or("undefined").to_string(),
        };
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
    rows.into_values().collect()
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
