//! Differentially private statistics of incidents beyond counts: the sum, mean or a quantile
//! of a count each incident carries (dead and missing, survivors), clamped to a public range,
//! overall or per route or year. The privacy unit is the incident; groups are disjoint and
//! come from public lists (the route list; the years since the Missing Migrants Project began),
//! never from the data, so a group's presence reveals nothing and each group is answered at
//! the full ε (parallel composition).

use corridor_policy::{Action, Subject};
use corridor_research::Incident;
use serde::Deserialize;

use super::release::{DpAnswer, DpRow, FIRST_PUBLIC_YEAR as FIRST_YEAR};
use crate::{Node, NodeError, now};

/// What to compute; the bounds are public and part of the query.
#[derive(Clone, Debug, Deserialize)]
pub struct DpStatistic {
    /// `sum`, `mean` or `quantile`.
    pub statistic: String,
    /// `dead_and_missing` or `survivors`.
    pub value: String,
    #[serde(default)]
    pub lower: f64,
    pub upper: f64,
    /// For a quantile: 0 to 1 (0.5 the median).
    #[serde(default)]
    pub q: Option<f64>,
    /// `all` (default), `route` or `year`.
    #[serde(default)]
    pub by: Option<String>,
}

impl Node {
    /// A differentially private statistic of a dataset's incidents, ε charged first.
    pub fn dp_incident_statistic(
        &self,
        subject: &Subject,
        dataset: &str,
        query: &DpStatistic,
        epsilon: f64,
    ) -> Result<DpAnswer, NodeError> {
        self.require(subject, Action::Statistics)?;
        let invalid = |m: String| Err(NodeError::Invalid(m));
        let value_of: fn(&Incident) -> Option<u32> = match query.value.as_str() {
            "dead_and_missing" => Incident::dead_and_missing,
            "survivors" => |i| i.survivors,
            other => {
                return invalid(format!(
                    "value: {other:?} is not one of dead_and_missing, survivors"
                ));
            }
        };
        if !(query.lower.is_finite() && query.upper.is_finite() && query.lower < query.upper) {
            return invalid(
                "upper: a number above lower (the public range values are clamped to)".into(),
            );
        }
        if query.statistic == "quantile" && !query.q.is_some_and(|q| (0.0..=1.0).contains(&q)) {
            return invalid("q: a quantile needs q from 0 to 1".into());
        }
        if !["sum", "mean", "quantile"].contains(&query.statistic.as_str()) {
            return invalid(format!(
                "statistic: {:?} is not one of sum, mean, quantile (counts: by histogram)",
                query.statistic
            ));
        }
        let by = query.by.as_deref().unwrap_or("all");
        let this_year: i32 = now()[..4].parse().unwrap_or(2100);
        let groups: Vec<String> = match by {
            "all" => vec!["all".into()],
            "route" => corridor_research::routes::all()
                .iter()
                .map(|r| r.code.clone())
                .collect(),
            "year" => (FIRST_YEAR..=this_year).map(|y| y.to_string()).collect(),
            other => return invalid(format!("by: {other:?} is not one of all, route, year")),
        };
        let incidents = self.incidents(subject, Some(dataset))?;
        if incidents.is_empty() {
            return Err(NodeError::NotFound(format!(
                "dataset: no incidents in {dataset}"
            )));
        }
        let group_of = |i: &Incident| -> String {
            match by {
                "route" => i.route.unwrap_or("undefined").to_string(),
                "year" => i.year.to_string(),
                _ => "all".into(),
            }
        };
        let ledger = self.charge_budget(
            subject,
            dataset,
            &format!("{} of {} by {by}", query.statistic, query.value),
            epsilon,
        )?;
        let mut rows = Vec::with_capacity(groups.len());
        let mut mechanism = "";
        for g in groups {
            let values: Vec<f64> = incidents
                .iter()
                .filter(|i| group_of(i) == g)
                .filter_map(|i| value_of(i).map(f64::from))
                .collect();
            let noisy = match query.statistic.as_str() {
                "sum" => corridor_sdc::dp::sum(&values, query.lower, query.upper, epsilon),
                "mean" => corridor_sdc::dp::mean(&values, query.lower, query.upper, epsilon),
                _ => corridor_sdc::dp::quantile(
                    &values,
                    query.q.unwrap_or(0.5),
                    query.lower,
                    query.upper,
                    epsilon,
                ),
            }
            .map_err(|e| NodeError::Invalid(e.to_string()))?;
            mechanism = noisy.mechanism;
            rows.push(DpRow {
                key: g,
                value: (noisy.value * 10.0).round() / 10.0,
                interval95: noisy.interval95,
            });
        }
        let mut store = self.store();
        self.audit(
            &mut **store,
            &subject.username,
            "dp query",
            dataset,
            subject.reason.as_deref(),
            &format!(
                "allowed: {} of {} by {by}, ε {epsilon}, {:.3} left",
                query.statistic,
                query.value,
                ledger.remaining()
            ),
        )?;
        Ok(DpAnswer {
            dataset: dataset.to_string(),
            by: by.to_string(),
            rows,
            epsilon,
            mechanism: format!(
                "{mechanism}; values clamped to [{}, {}]; groups from public lists, each at ε (disjoint)",
                query.lower, query.upper
            ),
            budget: ledger.budget,
            remaining: ledger.remaining(),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use corridor_model::Model;
    use corridor_policy::Subject;
    use corridor_store::Location;

    use super::DpStatistic;
    use crate::{Node, NodeError};

    fn node_with_incidents() -> (Node, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let model = Arc::new(Model::builtin().unwrap());
        let location = Location::Directory(dir.path().join("store"));
        corridor_store::create(&location, model.clone()).unwrap();
        let node = Node::open(&location, &dir.path().join("node"), model, 1).unwrap();
        // 400 incidents on the Central Mediterranean with 1 to 20 dead (mean 10.5, median
        // 10.5), 200 in the Western Mediterranean with 3 each.
        let mut csv =
            String::from("date,month,type,route,geo,dead,cause,surv,nat,location,lon,lat\n");
        for i in 0..600 {
            let (route, dead) = if i < 400 {
                ("Central Mediterranean Route", 1 + i % 20)
            } else {
                ("Western Mediterranean Route", 3)
            };
            csv.push_str(&format!(
                "2024-{:02}-{:02},2024-01-01,Incident,{route},ITA,{dead},Drowning,,ERI,off the coast {i},12.6,35.5\n",
                1 + i % 12,
                1 + i % 28
            ));
        }
        let analyst = Subject {
            username: "analyst-user".into(),
            roles: vec!["analyst".into()],
            reason: None,
        };
        node.import_research(&analyst, "mmp", "mmp.csv", csv.as_bytes())
            .unwrap();
        (node, dir)
    }

    fn query(statistic: &str, by: Option<&str>, q: Option<f64>) -> DpStatistic {
        DpStatistic {
            statistic: statistic.into(),
            value: "dead_and_missing".into(),
            lower: 0.0,
            upper: 50.0,
            q,
            by: by.map(str::to_string),
        }
    }

    #[test]
    fn sums_means_and_medians_are_near_the_truth_with_their_interval_and_budget() {
        let (node, _dir) = node_with_incidents();
        let researcher = Subject {
            username: "researcher-user".into(),
            roles: vec!["researcher".into()],
            reason: None,
        };
        let d = "mmp-iom-cleaned";
        // Mean over all: (400 × 10.5 + 200 × 3) / 600 = 8.
        let mean = node
            .dp_incident_statistic(&researcher, d, &query("mean", None, None), 0.3)
            .unwrap();
        assert_eq!(mean.rows.len(), 1);
        // The noise is drawn from the system's randomness (as it must be): the test allows three
        // times the 95% interval (wrong about once in 10,000 runs) and checks the interval is
        // tight enough to mean something.
        let m = &mean.rows[0];
        assert!(m.interval95 < 5.0, "{m:?}");
        assert!((m.value - 8.0).abs() < 3.0 * m.interval95, "{m:?}");
        // Per route: every route of the public list answers, the empty ones too.
        let sums = node
            .dp_incident_statistic(&researcher, d, &query("sum", Some("route"), None), 0.3)
            .unwrap();
        assert_eq!(sums.rows.len(), corridor_research::routes::all().len());
        let central = sums
            .rows
            .iter()
            .find(|r| r.key == "central-mediterranean")
            .unwrap();
        assert!(
            (central.value - 4200.0).abs() < 3.0 * central.interval95,
            "{central:?}"
        );
        let median = node
            .dp_incident_statistic(&researcher, d, &query("quantile", None, Some(0.5)), 0.3)
            .unwrap();
        // Sorted: 200 threes, then the 1..20 of the Central Mediterranean: the 300th value is
        // within the first half of those, about 5 or 6.
        assert!(
            (2.0..=12.0).contains(&median.rows[0].value),
            "{:?}",
            median.rows
        );
        assert!((median.remaining - 0.1).abs() < 1e-9);
        assert!(matches!(
            node.dp_incident_statistic(&researcher, d, &query("mean", None, None), 0.3),
            Err(NodeError::Forbidden(_))
        ));
        // Bad queries are named and spend nothing.
        let mut bad = query("mean", None, None);
        bad.upper = -1.0;
        assert!(
            matches!(node.dp_incident_statistic(&researcher, d, &bad, 0.05), Err(NodeError::Invalid(m)) if m.starts_with("upper"))
        );
        assert!(
            matches!(node.dp_incident_statistic(&researcher, d, &query("quantile", None, None), 0.05), Err(NodeError::Invalid(m)) if m.starts_with("q"))
        );
        assert!(
            matches!(node.dp_incident_statistic(&researcher, d, &query("max", None, None), 0.05), Err(NodeError::Invalid(m)) if m.starts_with("statistic"))
        );
        assert!(
            matches!(node.dp_incident_statistic(&researcher, d, &query("sum", Some("cause"), None), 0.05), Err(NodeError::Invalid(m)) if m.starts_with("by"))
        );
        let left = node.privacy_ledgers(&researcher).unwrap()[d].remaining();
        assert!((left - 0.1).abs() < 1e-9, "{left}");
    }
}
