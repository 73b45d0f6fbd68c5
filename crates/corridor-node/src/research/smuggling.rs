//! What the smuggling itself costs and how it is done, from the node's law-enforcement facts:
//! fees per person by route, leg or service, and modus-operandi frequencies — counted only as
//! far as the caller's role may read the facts, every query audited.

use corridor_model::Statement;
use corridor_model::entity::live_statements;
use corridor_policy::{Action, Subject};

use crate::views::Gate;
use crate::{Node, NodeError};

/// The least payments a fee figure is computed from; fewer and only the count is shown.
pub const MIN_FEE_PAYMENTS: usize = 11;

impl Node {
    /// Calls `each` with the live facts the caller may count of every entity of `schema`.
    fn each_visible(
        &self,
        subject: &Subject,
        schema: &str,
        mut each: impl FnMut(&[&Statement]),
    ) -> Result<(), NodeError> {
        self.require(subject, Action::Statistics)?;
        let mut store = self.store();
        let mut gate = Gate::new(&self.policy, subject, Action::Statistics);
        let mut after: Option<String> = None;
        loop {
            let ids = store.entities_of_schema(schema, after.as_deref(), 2000)?;
            let Some(last) = ids.last().cloned() else {
                return Ok(());
            };
            for id in ids {
                let statements = store.entity_statements(&id)?;
                let live: Vec<&Statement> = live_statements(&statements)
                    .into_iter()
                    .filter(|s| gate.allows(s))
                    .collect();
                if !live.is_empty() {
                    each(&live);
                }
            }
            after = Some(last);
        }
    }

    /// Every smuggling fee the caller may count, per person in US dollars.
    pub fn fees(&self, subject: &Subject) -> Result<Vec<corridor_research::fees::Fee>, NodeError> {
        let mut out = Vec::new();
        self.each_visible(subject, "SmugglingFee", |live| {
            let get = |p: &str| live.iter().find(|s| s.prop == p).map(|s| s.value.as_str());
            // Per person: the source's amount in dollars, or the whole amount over persons.
            let persons = get("persons")
                .and_then(|p| p.parse::<f64>().ok())
                .unwrap_or(1.0)
                .max(1.0);
            let usd = get("amountUsd")
                .and_then(|a| a.parse::<f64>().ok())
                .or_else(|| {
                    let amount = get("amount")?;
                    amount
                        .strip_suffix(" USD")
                        .and_then(|a| a.trim().parse::<f64>().ok())
                        .map(|a| a / persons)
                });
            let (Some(usd), Some(date)) = (usd, get("date")) else {
                return;
            };
            let Ok(year) = date.get(..4).unwrap_or("").parse() else {
                return;
            };
            out.push(corridor_research::fees::Fee {
                route: get("routeName")
                    .and_then(corridor_research::routes::route)
                    .map(|r| r.code.as_str()),
                leg: get("leg").unwrap_or("unknown").to_string(),
                service: get("service").unwrap_or("unknown").to_string(),
                year,
                usd,
            });
        })?;
        Ok(out)
    }

    /// Modus-operandi frequencies of the smuggling incidents the caller may count, by `route`,
    /// `leg` or `all`. Audited.
    pub fn modus_operandi(
        &self,
        subject: &Subject,
        by: &str,
    ) -> Result<Vec<corridor_research::modus::ModusRow>, NodeError> {
        let mut incidents = Vec::new();
        self.each_visible(subject, "SmugglingIncident", |live| {
            let get = |p: &str| live.iter().find(|s| s.prop == p).map(|s| s.value.as_str());
            incidents.push(corridor_research::modus::Smuggling {
                route: get("routeName")
                    .and_then(corridor_research::routes::route)
                    .map(|r| r.code.as_str()),
                leg: get("leg").unwrap_or("unknown").to_string(),
                modus: live
                    .iter()
                    .filter(|s| s.prop == "modusOperandi")
                    .map(|s| s.value.clone())
                    .collect(),
                migrants: get("migrantsCount").and_then(|m| m.parse().ok()),
            });
        })?;
        let rows = corridor_research::modus::frequencies(&incidents, by)
            .map_err(|e| NodeError::Invalid(format!("by: {e}")))?;
        let mut store = self.store();
        self.audit(
            &mut **store,
            &subject.username,
            "statistics",
            &format!("modus operandi by {by}"),
            subject.reason.as_deref(),
            &format!("allowed: {} incidents", incidents.len()),
        )?;
        Ok(rows)
    }

    /// Fees by route, leg or service: median, quartiles and trend where there are enough
    /// payments ([`MIN_FEE_PAYMENTS`]), the count alone elsewhere. Audited.
    pub fn fee_summary(
        &self,
        subject: &Subject,
        by: &str,
    ) -> Result<Vec<corridor_research::fees::FeeRow>, NodeError> {
        let fees = self.fees(subject)?;
        let rows = corridor_research::fees::summarise(&fees, by, MIN_FEE_PAYMENTS)
            .map_err(|e| NodeError::Invalid(format!("by: {e}")))?;
        let mut store = self.store();
        self.audit(
            &mut **store,
            &subject.username,
            "statistics",
            &format!("fees by {by}"),
            subject.reason.as_deref(),
            &format!("allowed: {} payments in {} groups", fees.len(), rows.len()),
        )?;
        Ok(rows)
    }
}

#[cfg(test)]
mod fee_tests {
    use std::sync::Arc;

    use corridor_model::{
        HandlingCode, InformationGrade, Model, Provenance, Purpose, SourceReliability, Statement,
    };
    use corridor_policy::Subject;
    use corridor_store::Location;

    use crate::Node;

    fn who(role: &str) -> Subject {
        Subject {
            username: format!("{role}-user"),
            roles: vec![role.into()],
            reason: Some("fee trends".into()),
        }
    }

    /// Fees as a money-transfer source holds them: confidential law-enforcement facts.
    fn node_with_fees() -> (Node, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let model = Arc::new(Model::builtin().unwrap());
        let location = Location::Directory(dir.path().join("store"));
        corridor_store::create(&location, model.clone()).unwrap();
        let node = Node::open(&location, &dir.path().join("node"), model, 1).unwrap();
        let p = Arc::new(Provenance {
            dataset: "transfers".into(),
            recorded_by: "loader".into(),
            recorded_at: "2026-01-01T08:00:00Z".into(),
            handling: HandlingCode::Confidential,
            purpose: Purpose::LawEnforcement,
            reliability: SourceReliability::B,
            grade: InformationGrade::KnownToSource,
        });
        let mut out = Vec::new();
        let mut fee = |id: String, props: &[(&str, String)]| {
            for (prop, value) in props {
                out.push(Statement::assert(
                    &id,
                    "SmugglingFee",
                    prop,
                    value.clone(),
                    None,
                    p.clone(),
                ));
            }
        };
        // 24 sea crossings on the Central Mediterranean: 1000 USD a person in 2024, 1200 in
        // 2025, the whole amount paid for two persons (the node divides it).
        for i in 0..24 {
            let (year, per_person) = if i < 12 { (2024, 1000) } else { (2025, 1200) };
            fee(
                format!("fee-cm-{i}"),
                &[
                    ("amount", format!("{} USD", per_person * 2)),
                    ("persons", "2".into()),
                    ("service", "sea_crossing".into()),
                    ("routeName", "Central Mediterranean".into()),
                    ("leg", "Zuwara → Lampedusa".into()),
                    ("date", format!("{year}-05-{:02}", 1 + i % 28)),
                ],
            );
        }
        // Three payments on another route: too few for a figure.
        for i in 0..3 {
            fee(
                format!("fee-wb-{i}"),
                &[
                    ("amountUsd", "3000".into()),
                    ("service", "leg".into()),
                    ("routeName", "Western Balkans".into()),
                    ("leg", "Athens → Skopje".into()),
                    ("date", "2025-02-01".into()),
                ],
            );
        }
        // No amount in dollars and no date: not counted.
        fee(
            "fee-bad".into(),
            &[("amount", "500 EUR".into()), ("date", "2025-01-01".into())],
        );
        fee("fee-undated".into(), &[("amountUsd", "900".into())]);
        // Smuggling incidents: three by boat, one on foot, one with no modus recorded.
        for (i, modus, migrants) in [
            (0, "boat_unseaworthy", "40"),
            (1, "boat_unseaworthy", "35"),
            (2, "boat_unseaworthy", ""),
            (3, "on_foot_guided", "6"),
            (4, "", "9"),
        ] {
            for (prop, value) in [
                ("name", format!("Smuggling {i}")),
                ("routeName", "Central Mediterranean".into()),
                ("modusOperandi", modus.to_string()),
                ("migrantsCount", migrants.to_string()),
            ] {
                if !value.is_empty() {
                    out.push(Statement::assert(
                        &format!("smuggling-{i}"),
                        "SmugglingIncident",
                        prop,
                        value,
                        None,
                        p.clone(),
                    ));
                }
            }
        }
        {
            let mut store = node.store();
            let mut tx = store.begin().unwrap();
            tx.write(&out).unwrap();
            tx.commit().unwrap();
        }
        (node, dir)
    }

    #[test]
    fn fees_by_route_per_person_with_trend_and_small_groups_counted_only() {
        let (node, _dir) = node_with_fees();
        let rows = node.fee_summary(&who("analyst"), "route").unwrap();
        let central = rows
            .iter()
            .find(|r| r.key == "central-mediterranean")
            .expect("the Central Mediterranean by its route code");
        assert_eq!(central.payments, 24);
        assert_eq!(central.median, Some(1100.0), "per person, not per payment");
        assert_eq!((central.q1, central.q3), (Some(1000.0), Some(1200.0)));
        assert_eq!(central.trend_usd_per_year, Some(200.0));
        let balkans = rows.iter().find(|r| r.key == "western-balkans").unwrap();
        assert_eq!(balkans.payments, 3);
        assert_eq!(balkans.median, None, "3 payments: the count only");
        assert!(
            rows.iter().all(|r| r.payments <= 24),
            "unusable fees skipped"
        );
        let by_service = node.fee_summary(&who("analyst"), "service").unwrap();
        assert!(
            by_service
                .iter()
                .any(|r| r.key == "sea_crossing" && r.payments == 24)
        );
        assert!(node.fee_summary(&who("analyst"), "colour").is_err());
    }

    #[test]
    fn modus_operandi_frequencies_with_migrants_and_unknown_kept() {
        let (node, _dir) = node_with_fees();
        let rows = node.modus_operandi(&who("analyst"), "route").unwrap();
        let got: Vec<(&str, &str, usize, u64)> = rows
            .iter()
            .map(|r| {
                (
                    r.key.as_str(),
                    r.modus_operandi.as_str(),
                    r.incidents,
                    r.migrants,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("central-mediterranean", "boat_unseaworthy", 3, 75),
                ("central-mediterranean", "on_foot_guided", 1, 6),
                ("central-mediterranean", "unknown", 1, 9),
            ]
        );
        assert!((rows[0].share - 0.6).abs() < 1e-12);
        assert!(node.modus_operandi(&who("analyst"), "colour").is_err());
        assert!(
            node.modus_operandi(&who("researcher"), "all")
                .unwrap()
                .is_empty(),
            "confidential incidents stay out of a researcher's counts"
        );
    }

    #[test]
    fn fees_count_only_what_the_role_may_see() {
        let (node, _dir) = node_with_fees();
        // Researchers see public law-enforcement facts only: confidential fees stay out.
        let rows = node.fee_summary(&who("researcher"), "route").unwrap();
        assert!(rows.is_empty(), "{rows:?}");
        assert!(node.fee_summary(&who("border_post"), "route").is_err());
    }
}
