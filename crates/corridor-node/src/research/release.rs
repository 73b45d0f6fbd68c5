//! Releases that expose no one: protection data as k-anonymous microdata, and incidents as
//! tables with small cells suppressed — each with a manifest that says what went in, how, and
//! what was lost.

use std::collections::BTreeMap;

use corridor_model::entity::live_statements;
use corridor_model::{Purpose, Statement};
use corridor_policy::{Action, Subject};
use corridor_sdc::spec::ReleaseSpec;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::views::Gate;
use crate::{Node, NodeError, now};

/// The built-in specification of the protection release (data, not code).
pub const PROTECTION_RELEASE: &str = include_str!("protection-release.yaml");

/// What a release says about itself.
#[derive(Clone, Debug, Serialize)]
pub struct Manifest {
    pub dataset: String,
    /// SHA-256 of the table the release was made from (its header and rows, as CSV).
    pub input_sha256: String,
    pub input_rows: usize,
    pub configuration: serde_json::Value,
    pub code_version: String,
    pub method: String,
    pub parameters: serde_json::Value,
    /// ε spent (0 for k-anonymity and suppression).
    pub privacy_spent: f64,
    pub suppressed: serde_json::Value,
    pub information_loss: serde_json::Value,
    /// Columns that never left, with their class.
    pub withheld_columns: Vec<String>,
    pub generated_at: String,
    pub generated_by: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Release {
    pub manifest: Manifest,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

pub(super) fn csv_of(header: &[String], rows: &[Vec<String>]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(header);
    for r in rows {
        let _ = w.write_record(r);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

impl Release {
    /// The released rows as CSV.
    pub fn csv(&self) -> String {
        csv_of(&self.header, &self.rows)
    }
}

/// Whole years between a birth date and a day (both ISO, the birth date of any precision).
fn age_on(birth: &str, day: &str) -> Option<u32> {
    let by: i32 = birth.get(..4)?.parse().ok()?;
    let dy: i32 = day.get(..4)?.parse().ok()?;
    // A birth date of the year only is taken at mid-year.
    let part = |d: &str, from: usize, default: u32| -> u32 {
        d.get(from..from + 2)
            .and_then(|m| m.parse().ok())
            .unwrap_or(default)
    };
    let (bm, bd) = (part(birth, 5, 7), part(birth, 8, 1));
    let (dm, dd) = (part(day, 5, 7), part(day, 8, 1));
    let age = dy - by - i32::from((dm, dd) < (bm, bd));
    (0..=120).contains(&age).then_some(age as u32)
}

impl Node {
    /// The protection table a release is made from: one row per referral of every person held
    /// as protection data (a person without a referral: one row, service "none").
    pub(super) fn protection_table(
        &self,
        subject: &Subject,
    ) -> Result<(Vec<String>, Vec<Vec<String>>), NodeError> {
        let header: Vec<String> = [
            "person_id",
            "name",
            "passport",
            "age",
            "sex",
            "nationality",
            "month",
            "service",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut store = self.store();
        let mut gate = Gate::new(&self.policy, subject, Action::Export);
        let mut rows = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let ids = store.entities_of_schema("Person", after.as_deref(), 2000)?;
            let Some(last) = ids.last().cloned() else {
                break;
            };
            for id in ids {
                let statements = store.entity_statements(&id)?;
                let live: Vec<&Statement> = live_statements(&statements)
                    .into_iter()
                    .filter(|s| s.provenance.purpose == Purpose::Protection && gate.allows(s))
                    .collect();
                if live.is_empty() {
                    continue;
                }
                let get = |p: &str| {
                    live.iter()
                        .find(|s| s.prop == p)
                        .map(|s| s.value.clone())
                        .unwrap_or_default()
                };
                let birth = get("birthDate");
                let mut referrals = Vec::new();
                for r in store.incoming_links(&id, 100)? {
                    let st = store.entity_statements(&r)?;
                    let rl: Vec<&Statement> = live_statements(&st)
                        .into_iter()
                        .filter(|s| s.schema == "Referral" && gate.allows(s))
                        .collect();
                    let service = rl
                        .iter()
                        .find(|s| s.prop == "service")
                        .map(|s| s.value.clone());
                    let start = rl
                        .iter()
                        .find(|s| s.prop == "startDate")
                        .map(|s| s.value.clone());
                    if let Some(service) = service {
                        referrals.push((service, start.unwrap_or_default()));
                    }
                }
                if referrals.is_empty() {
                    referrals.push(("none".to_string(), String::new()));
                }
                for (service, start) in referrals {
                    let day = if start.is_empty() {
                        now()[..10].to_string()
                    } else {
                        start.clone()
                    };
                    rows.push(vec![
                        id.clone(),
                        get("name"),
                        get("passportNumber"),
                        age_on(&birth, &day)
                            .map(|a| a.to_string())
                            .unwrap_or_default(),
                        get("gender"),
                        get("nationality"),
                        start.get(..7).unwrap_or("").to_string(),
                        service,
                    ]);
                }
            }
            after = Some(last);
        }
        Ok((header, rows))
    }

    /// Protection data as k-anonymous microdata (`spec_text`: the built-in specification when
    /// None). For protection roles with export; audited; the manifest says what was lost.
    pub fn release_protection_microdata(
        &self,
        subject: &Subject,
        spec_text: Option<&str>,
    ) -> Result<Release, NodeError> {
        self.require_assist(subject)?;
        self.require(subject, Action::Export)?;
        let spec = ReleaseSpec::parse(
            "release specification",
            spec_text.unwrap_or(PROTECTION_RELEASE),
        )
        .map_err(|e| NodeError::Invalid(e.to_string()))?;
        let reader = self.protection_reader(subject, "statistical release");
        let (header, rows) = self.protection_table(&reader)?;
        let plan = spec
            .plan(&header, &rows)
            .map_err(|e| NodeError::Invalid(e.to_string()))?;
        let result =
            corridor_sdc::kanon::anonymise(&plan, &rows, spec.k, spec.l, spec.max_suppression)
                .map_err(|e| NodeError::Invalid(e.to_string()))?;
        let manifest = Manifest {
            dataset: spec.dataset.clone(),
            input_sha256: hex::encode(Sha256::digest(csv_of(&header, &rows).as_bytes())),
            input_rows: rows.len(),
            configuration: serde_json::to_value(&spec).unwrap_or_default(),
            code_version: format!("corridor {}", env!("CARGO_PKG_VERSION")),
            method: "k-anonymity with distinct l-diversity: full-domain generalisation by the least information loss, then suppression of the persons in classes still too small".into(),
            parameters: serde_json::json!({"k": spec.k, "l": spec.l, "max_suppression": spec.max_suppression,
                "levels": result.levels.iter().map(|(c, l)| (c.clone(), *l)).collect::<BTreeMap<_, _>>()}),
            privacy_spent: 0.0,
            suppressed: serde_json::json!({"persons": result.suppressed_persons, "rows": result.suppressed_rows,
                "share_of_persons": result.suppressed_persons as f64 / result.persons.max(1) as f64}),
            information_loss: serde_json::json!({"generalisation": result.generalisation_loss, "total": result.information_loss,
                "classes": result.classes, "smallest_class": result.smallest_class,
                "lattice_nodes": result.lattice_nodes, "evaluated_nodes": result.evaluated_nodes}),
            withheld_columns: plan.dropped.iter().map(|(c, _)| c.clone()).collect(),
            generated_at: now(),
            generated_by: subject.username.clone(),
        };
        let mut store = self.store();
        self.audit(
            &mut **store,
            &subject.username,
            "statistical release",
            &spec.dataset,
            reader.reason.as_deref(),
            &format!(
                "allowed: {} rows released of {}, {} persons suppressed, input {}",
                result.rows.len(),
                rows.len(),
                result.suppressed_persons,
                &manifest.input_sha256[..16]
            ),
        )?;
        Ok(Release {
            manifest,
            header: result.header,
            rows: result.rows,
        })
    }

    /// Incidents as a table (rows by `row_key`, columns by `column_key`: year, route, month or
    /// cause), small cells hidden and complementary cells hidden after them.
    pub fn release_incident_table(
        &self,
        subject: &Subject,
        dataset: Option<&str>,
        row_key: &str,
        column_key: &str,
        threshold: u64,
    ) -> Result<(corridor_sdc::cells::SuppressedTable, Manifest), NodeError> {
        if !(2..=100).contains(&threshold) {
            return Err(NodeError::Invalid("threshold: 2 to 100".into()));
        }
        let key_of =
            |key: &str, i: &corridor_research::Incident| -> Result<Vec<String>, NodeError> {
                Ok(match key {
                    "year" => vec![format!("{:04}", i.year)],
                    "month" => vec![format!("{:04}-{:02}", i.year, i.month)],
                    "route" => vec![i.route.unwrap_or("undefined").to_string()],
                    "cause" if i.causes.is_empty() => vec!["Mixed or unknown".into()],
                    "cause" => i.causes.clone(),
                    "region" => vec![
                        i.country
                            .as_deref()
                            .and_then(corridor_model::types::m49_area)
                            .map_or("unknown", |a| a.region.as_str())
                            .to_string(),
                    ],
                    other => {
                        return Err(NodeError::Invalid(format!(
                            "{other:?} is not one of year, month, route, cause, region"
                        )));
                    }
                })
            };
        let incidents = self.incidents(subject, dataset)?;
        let mut counts: BTreeMap<(String, String), u64> = BTreeMap::new();
        for i in &incidents {
            for r in key_of(row_key, i)? {
                for c in key_of(column_key, i)? {
                    *counts.entry((r.clone(), c)).or_insert(0) += 1;
                }
            }
        }
        let rows: Vec<String> = counts
            .keys()
            .map(|(r, _)| r.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let cols: Vec<String> = counts
            .keys()
            .map(|(_, c)| c.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let matrix: Vec<Vec<u64>> = rows
            .iter()
            .map(|r| {
                cols.iter()
                    .map(|c| counts.get(&(r.clone(), c.clone())).copied().unwrap_or(0))
                    .collect()
            })
            .collect();
        let input = serde_json::to_string(&matrix).unwrap_or_default();
        let table = corridor_sdc::cells::suppress(rows, cols, &matrix, threshold);
        let manifest = Manifest {
            dataset: dataset.unwrap_or("all incidents").to_string(),
            input_sha256: hex::encode(Sha256::digest(input.as_bytes())),
            input_rows: incidents.len(),
            configuration: serde_json::json!({"rows": row_key, "columns": column_key, "threshold": threshold}),
            code_version: format!("corridor {}", env!("CARGO_PKG_VERSION")),
            method: "incident counts; primary suppression of counts from 1 to threshold - 1, then complementary suppression until no row or column has a single hidden cell".into(),
            parameters: serde_json::json!({"threshold": threshold}),
            privacy_spent: 0.0,
            suppressed: serde_json::json!({"primary": table.primary, "secondary": table.secondary}),
            information_loss: serde_json::json!({"hidden_cells": table.primary + table.secondary,
                "cells": table.rows.len() * table.columns.len()}),
            withheld_columns: vec![],
            generated_at: now(),
            generated_by: subject.username.clone(),
        };
        let mut store = self.store();
        self.audit(
            &mut **store,
            &subject.username,
            "statistical release",
            &format!("incidents by {row_key} and {column_key}"),
            subject.reason.as_deref(),
            &format!("allowed: {} cells hidden", table.primary + table.secondary),
        )?;
        Ok((table, manifest))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ages_are_whole_years_on_the_day() {
        assert_eq!(super::age_on("2000-05-10", "2025-05-09"), Some(24));
        assert_eq!(super::age_on("2000-05-10", "2025-05-10"), Some(25));
        assert_eq!(
            super::age_on("1990", "2025-05-10"),
            Some(34),
            "a year alone: mid-year"
        );
        assert_eq!(super::age_on("", "2025-05-10"), None);
    }
}

#[cfg(test)]
pub(super) mod release_tests {
    use std::collections::HashMap;
    use std::sync::Arc;

    use corridor_model::{
        HandlingCode, InformationGrade, Model, Provenance, Purpose, SourceReliability, Statement,
    };
    use corridor_policy::Subject;
    use corridor_store::Location;

    use crate::{Node, NodeError};

    pub(crate) fn who(role: &str) -> Subject {
        Subject {
            username: format!("{role}-user"),
            roles: vec![role.into()],
            reason: Some("annual statistics".into()),
        }
    }

    /// 600 protected persons with referrals, as a protection service would hold them.
    pub(crate) fn node_with_protection_data() -> (Node, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let model = Arc::new(Model::builtin().unwrap());
        let location = Location::Directory(dir.path().join("store"));
        corridor_store::create(&location, model.clone()).unwrap();
        let node = Node::open(&location, &dir.path().join("node"), model, 1).unwrap();
        let p = Arc::new(Provenance {
            dataset: "protection".into(),
            recorded_by: "loader".into(),
            recorded_at: "2025-06-01T08:00:00Z".into(),
            handling: HandlingCode::Protection,
            purpose: Purpose::Protection,
            reliability: SourceReliability::B,
            grade: InformationGrade::KnownToSource,
        });
        let countries = ["er", "sy", "sd", "af", "gn", "ml"];
        let services = ["asylum", "medical", "shelter", "child_protection", "avrr"];
        let mut out = Vec::new();
        let mut seed: u64 = 11;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            seed >> 33
        };
        for i in 0..600 {
            let id = format!("prot-p-{i}");
            let born = format!("{}-{:02}-15", 1960 + next() % 50, 1 + next() % 12);
            for (prop, value) in [
                ("name", format!("Person {i}")),
                ("passportNumber", format!("P{i:07}")),
                ("birthDate", born),
                (
                    "gender",
                    if next() % 3 == 0 { "female" } else { "male" }.to_string(),
                ),
                ("nationality", countries[(next() % 6) as usize].to_string()),
            ] {
                out.push(Statement::assert(
                    &id,
                    "Person",
                    prop,
                    value,
                    None,
                    p.clone(),
                ));
            }
            let r = format!("ref-{i}");
            out.push(Statement::assert(
                &r,
                "Referral",
                "person",
                id.clone(),
                None,
                p.clone(),
            ));
            out.push(Statement::assert(
                &r,
                "Referral",
                "service",
                services[(next() % 5) as usize].into(),
                None,
                p.clone(),
            ));
            out.push(Statement::assert(
                &r,
                "Referral",
                "startDate",
                format!("2025-{:02}-10", 1 + next() % 6),
                None,
                p.clone(),
            ));
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
    fn protection_microdata_leave_k_anonymous_with_their_manifest() {
        let (node, _dir) = node_with_protection_data();
        let officer = who("protection_officer");
        let release = node.release_protection_microdata(&officer, None).unwrap();
        let m = &release.manifest;
        assert_eq!(m.input_rows, 600);
        assert_eq!(m.input_sha256.len(), 64);
        assert!(m.withheld_columns.contains(&"name".to_string()));
        assert!(m.withheld_columns.contains(&"passport".to_string()));
        let share = m.suppressed["share_of_persons"].as_f64().unwrap();
        assert!(share < 0.10, "suppressed {share}");
        assert_eq!(
            release.header,
            ["age", "sex", "nationality", "month", "service"]
        );
        // No class of fewer than 11 persons, none without 2 services.
        let mut classes: HashMap<Vec<String>, (usize, std::collections::HashSet<String>)> =
            HashMap::new();
        for row in &release.rows {
            let e = classes.entry(row[..4].to_vec()).or_default();
            e.0 += 1;
            e.1.insert(row[4].clone());
        }
        assert!(
            classes.values().all(|(n, s)| *n >= 11 && s.len() >= 2),
            "{classes:?}"
        );
        // Nobody's name or passport left.
        let text = release.csv();
        assert!(!text.contains("Person 1") && !text.contains("P0000001"));
        // Enforcement cannot release protection data; a spec that forgets a column fails closed.
        assert!(matches!(
            node.release_protection_microdata(&who("analyst"), None),
            Err(NodeError::Forbidden(_))
        ));
        let forgetful = super::PROTECTION_RELEASE.replace("  passport: direct_identifier\n", "");
        let e = node
            .release_protection_microdata(&officer, Some(&forgetful))
            .unwrap_err()
            .to_string();
        assert!(e.contains("columns not classified: passport"), "{e}");
    }
}

/// A differentially private histogram of incidents, with what it cost and what is left.
#[derive(Clone, Debug, Serialize)]
pub struct DpAnswer {
    pub dataset: String,
    pub by: String,
    pub rows: Vec<DpRow>,
    pub epsilon: f64,
    pub mechanism: String,
    pub budget: f64,
    pub remaining: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct DpRow {
    pub key: String,
    /// Rounded to a whole count, never below 0 (post-processing costs nothing).
    pub value: f64,
    pub interval95: f64,
}

/// The first year of the public year domain of DP answers (the Missing Migrants Project's).
pub(crate) const FIRST_PUBLIC_YEAR: i32 = 2014;

/// The privacy budget of each dataset, kept beside the node's store.
const LEDGER_FILE: &str = "research-ledger.json";
/// ε a dataset may spend in all, unless its ledger says otherwise.
pub const DEFAULT_BUDGET: f64 = 1.0;
static LEDGER_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl Node {
    fn ledgers(&self) -> Result<BTreeMap<String, corridor_sdc::ledger::Ledger>, NodeError> {
        match std::fs::read_to_string(self.dir.join(LEDGER_FILE)) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|e| NodeError::Io(format!("{LEDGER_FILE}: {e}"))),
            Err(_) => Ok(BTreeMap::new()),
        }
    }

    /// Every dataset's budget and what was spent on it.
    pub fn privacy_ledgers(
        &self,
        subject: &Subject,
    ) -> Result<BTreeMap<String, corridor_sdc::ledger::Ledger>, NodeError> {
        self.require(subject, Action::Statistics)?;
        self.ledgers()
    }

    /// Charges `epsilon` to the dataset's budget and writes the ledger down before anything is
    /// answered: the query that would overspend is refused (and audited) and spends nothing.
    pub(crate) fn charge_budget(
        &self,
        subject: &Subject,
        dataset: &str,
        query: &str,
        epsilon: f64,
    ) -> Result<corridor_sdc::ledger::Ledger, NodeError> {
        let _guard = LEDGER_LOCK
            .lock()
            .map_err(|_| NodeError::Io("ledger lock".into()))?;
        let mut ledgers = self.ledgers()?;
        let mut ledger = match ledgers.remove(dataset) {
            Some(l) => l,
            None => corridor_sdc::ledger::Ledger::new(dataset, DEFAULT_BUDGET)
                .map_err(|e| NodeError::Invalid(e.to_string()))?,
        };
        ledger
            .charge(query, epsilon, &subject.username, &now())
            .map_err(|e| {
                self.audit_refusal(&subject.username, "dp query", dataset, &e.to_string());
                NodeError::Forbidden(e.to_string())
            })?;
        ledgers.insert(dataset.to_string(), ledger.clone());
        let text =
            serde_json::to_string_pretty(&ledgers).map_err(|e| NodeError::Io(e.to_string()))?;
        let tmp = self.dir.join(format!("{LEDGER_FILE}.tmp"));
        std::fs::write(&tmp, text).map_err(|e| NodeError::Io(e.to_string()))?;
        std::fs::rename(&tmp, self.dir.join(LEDGER_FILE))
            .map_err(|e| NodeError::Io(e.to_string()))?;
        Ok(ledger)
    }

    /// Incidents by year, route, month or cause with discrete Laplace noise, charged to the
    /// dataset's budget first: the query that would overspend is refused and nothing is
    /// answered.
    pub fn dp_incident_histogram(
        &self,
        subject: &Subject,
        dataset: &str,
        by: corridor_research::summary::By,
        by_name: &str,
        epsilon: f64,
    ) -> Result<DpAnswer, NodeError> {
        self.require(subject, Action::Statistics)?;
        let incidents = self.incidents(subject, Some(dataset))?;
        if incidents.is_empty() {
            return Err(NodeError::NotFound(format!(
                "dataset: no incidents in {dataset}"
            )));
        }
        // Each incident changes at most `sensitivity` counts by one, a bound that is public.
        let (counts, sensitivity) = corridor_research::summary::bounded_counts(&incidents, by);
        let sensitivity = f64::from(sensitivity);
        let ledger = self.charge_budget(
            subject,
            dataset,
            &format!("incidents by {by_name}"),
            epsilon,
        )?;
        let scale_epsilon = epsilon / sensitivity;
        // Every key of the public domain, a zero where the data has none: which keys appear
        // must not tell who is in the data.
        let this_year: i32 = now()[..4].parse().unwrap_or(2100);
        let mut out = Vec::new();
        for key in corridor_research::summary::public_keys(by, FIRST_PUBLIC_YEAR, this_year) {
            let noisy =
                corridor_sdc::dp::count(counts.get(&key).copied().unwrap_or(0), scale_epsilon)
                    .map_err(|e| NodeError::Invalid(e.to_string()))?;
            out.push(DpRow {
                key,
                value: noisy.value.max(0.0).round(),
                interval95: noisy.interval95,
            });
        }
        let answer = DpAnswer {
            dataset: dataset.to_string(),
            by: by_name.to_string(),
            rows: out,
            epsilon,
            mechanism: format!(
                "discrete Laplace, sensitivity {sensitivity}{}; every key of the public domain (years from {FIRST_PUBLIC_YEAR})",
                if by == corridor_research::summary::By::Cause {
                    format!(
                        " (an incident counts under at most its first {} causes)",
                        corridor_research::summary::DP_CAUSES_PER_INCIDENT
                    )
                } else {
                    String::new()
                }
            ),
            budget: ledger.budget,
            remaining: ledger.remaining(),
        };
        let mut store = self.store();
        self.audit(
            &mut **store,
            &subject.username,
            "dp query",
            dataset,
            subject.reason.as_deref(),
            &format!(
                "allowed: incidents by {by_name}, ε {epsilon}, {:.3} left",
                answer.remaining
            ),
        )?;
        Ok(answer)
    }
}
