//! Batch evaluation over the history, the backtest of a rule set against a simulated world's
//! ground truth, and the disparity report: who is hit how often, and how often rightly, by
//! nationality, sex and age band.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use corridor_policy::{Action, Subject};
use corridor_risk::{Facts, HitKind, RuleSet};
use corridor_store::Store;
use serde::Serialize;

use super::facts::{self, AtCrossing};
use super::{RISK_ALERT_SCHEMA, RiskAlertView};
use crate::{Node, NodeError};

/// A group is flagged when its alert rate is at least this many times the rate of all.
const RATE_RATIO_FLAG: f64 = 1.25;
/// … and it has at least this many alerts (fewer say nothing).
const MIN_ALERTS: usize = 5;
/// A group whose precision is this far below the precision of all is flagged too.
const PRECISION_GAP_FLAG: f64 = 0.2;
const MIN_REVIEWED: usize = 5;

/// One evaluated crossing.
pub(crate) struct Evaluated {
    pub crossing: String,
    pub traveller: String,
    pub facts: Facts,
    pub hits: Vec<corridor_risk::Hit>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct DisparityGroup {
    /// nationality, sex or age_band.
    pub dimension: String,
    pub group: String,
    pub crossings: usize,
    pub alerts: usize,
    pub alert_rate: f64,
    /// The group's alert rate over the rate of all crossings.
    pub rate_ratio: f64,
    /// Alerts reviewed (decided, or known from the truth in a backtest).
    pub reviewed: usize,
    pub confirmed: usize,
    pub precision: Option<f64>,
    /// Why the group is flagged, when it is.
    pub flag: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Disparity {
    pub crossings: usize,
    pub alerts: usize,
    pub alert_rate: f64,
    pub reviewed: usize,
    pub precision: Option<f64>,
    pub groups: Vec<DisparityGroup>,
    /// How a group is flagged, in words.
    pub rule: String,
}

/// One crossing's row in a disparity count.
pub(crate) struct Row {
    pub nationality: Option<String>,
    pub sex: Option<String>,
    pub age: Option<i64>,
    pub alerted: bool,
    /// Whether the alert proved right, when it was reviewed.
    pub confirmed: Option<bool>,
}

fn age_band(age: i64) -> &'static str {
    match age {
        ..=17 => "0-17",
        18..=29 => "18-29",
        30..=44 => "30-44",
        45..=59 => "45-59",
        _ => "60+",
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

pub(crate) fn disparity(rows: &[Row]) -> Disparity {
    let alerts = rows.iter().filter(|r| r.alerted).count();
    let reviewed = rows.iter().filter(|r| r.confirmed.is_some()).count();
    let confirmed = rows.iter().filter(|r| r.confirmed == Some(true)).count();
    let rate = ratio(alerts, rows.len());
    let precision = (reviewed > 0).then(|| ratio(confirmed, reviewed));
    let mut groups: BTreeMap<(String, String), Vec<&Row>> = BTreeMap::new();
    for r in rows {
        let keys = [
            ("nationality", r.nationality.clone()),
            ("sex", r.sex.clone()),
            ("age_band", r.age.map(|a| age_band(a).to_string())),
        ];
        for (dim, key) in keys {
            let key = key.unwrap_or_else(|| "unknown".into());
            groups.entry((dim.to_string(), key)).or_default().push(r);
        }
    }
    let mut out = Vec::new();
    for ((dimension, group), rs) in groups {
        let a = rs.iter().filter(|r| r.alerted).count();
        let rv = rs.iter().filter(|r| r.confirmed.is_some()).count();
        let c = rs.iter().filter(|r| r.confirmed == Some(true)).count();
        let alert_rate = ratio(a, rs.len());
        let rate_ratio = if rate > 0.0 { alert_rate / rate } else { 0.0 };
        let p = (rv > 0).then(|| ratio(c, rv));
        let mut flag = None;
        if a >= MIN_ALERTS && rate_ratio >= RATE_RATIO_FLAG {
            // Precision beside the rate: a reviewer weighs whether the rate follows what the
            // alerts proved, or the group itself.
            let proved = match (p, precision) {
                (Some(p), Some(all)) => format!(
                    "; {:.0}% of its reviewed alerts proved right, against {:.0}% for all",
                    p * 100.0,
                    all * 100.0
                ),
                _ => "; none of its alerts reviewed yet".to_string(),
            };
            flag = Some(format!(
                "hit {rate_ratio:.2} times as often as all travellers ({:.1} against {:.1} per 1,000 crossings){proved}",
                alert_rate * 1000.0,
                rate * 1000.0
            ));
        }
        if let (Some(p), Some(all)) = (p, precision)
            && rv >= MIN_REVIEWED
            && all - p >= PRECISION_GAP_FLAG
        {
            let why = format!(
                "its alerts prove right less often ({:.0}% against {:.0}% for all)",
                p * 100.0,
                all * 100.0
            );
            flag = Some(match flag {
                Some(f) => format!("{f}; {why}"),
                None => why,
            });
        }
        out.push(DisparityGroup {
            dimension,
            group,
            crossings: rs.len(),
            alerts: a,
            alert_rate,
            rate_ratio,
            reviewed: rv,
            confirmed: c,
            precision: p,
            flag,
        });
    }
    Disparity {
        crossings: rows.len(),
        alerts,
        alert_rate: rate,
        reviewed,
        precision,
        groups: out,
        rule: format!(
            "a group is flagged when it has at least {MIN_ALERTS} alerts and is hit at least {RATE_RATIO_FLAG} times as often as all travellers, or when at least {MIN_REVIEWED} of its alerts were reviewed and their precision is {PRECISION_GAP_FLAG} or more below that of all"
        ),
    }
}

fn text_fact(facts: &Facts, field: &str) -> Option<String> {
    facts
        .get(field)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

/// One crossing's facts, as batch evaluation computed them.
#[derive(Clone, Debug, Serialize)]
pub struct CrossingFacts {
    pub crossing: String,
    pub traveller: String,
    pub facts: Facts,
    pub profiles_hit: Vec<String>,
}

/// A profile's figures in a backtest.
#[derive(Clone, Debug, Serialize)]
pub struct BacktestProfile {
    pub profile: String,
    pub version: u32,
    pub kind: HitKind,
    /// Crossings whose traveller is of the class the profile looks for (perpetrators for a
    /// perpetrator profile, smuggled persons for a protection profile).
    pub positives: usize,
    pub hits: usize,
    pub true_hits: usize,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub alerts_per_1000: f64,
    /// Hits and precision by nationality, sex and age band, with the truth as review.
    pub disparity: Disparity,
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Backtest {
    pub world: String,
    pub crossings: usize,
    /// Crossings whose traveller the truth does not know (left out of the figures).
    pub unknown: usize,
    pub profiles: Vec<BacktestProfile>,
    /// Indicators that never fire, or fire on (almost) every crossing.
    pub warnings: Vec<String>,
    /// Mean evaluation time per crossing, facts included (microseconds).
    pub micros_per_crossing: f64,
}

/// What the truth says a person record is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Truth {
    Perpetrator,
    Smuggled,
    Regular,
}

fn read_truth(dir: &Path) -> Result<HashMap<String, Truth>, NodeError> {
    // The simulator's truth tables (crates/corridor-sim/OUTPUT.md), each checked by its header
    // so that a wrong file is named rather than read as the wrong columns.
    let read = |name: &str, header: &str| -> Result<Vec<Vec<String>>, NodeError> {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| NodeError::Invalid(format!("{}: {e}", path.display())))?;
        let mut lines = text.lines();
        let first = lines.next().unwrap_or("");
        if first.trim_end() != header {
            return Err(NodeError::Invalid(format!(
                "{}: line 1: expected the header {header:?}, found {:?}: not a simulator truth table",
                path.display(),
                first.chars().take(80).collect::<String>()
            )));
        }
        Ok(lines
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect())
    };
    let perpetrators: HashSet<String> =
        read("networks.csv", "person_id,network_id,role,corridor,scope")?
            .into_iter()
            .filter_map(|r| r.first().cloned())
            .collect();
    let smuggled: HashSet<String> =
        read("groups.csv", "person_id,group_id,corridor,outcome,attempts")?
            .into_iter()
            .filter_map(|r| r.first().cloned())
            .collect();
    let mut out = HashMap::new();
    for r in read("records.csv", "record_id,dataset,true_id,kind")? {
        let (Some(record), Some(true_id)) = (r.first(), r.get(2)) else {
            continue;
        };
        let t = if perpetrators.contains(true_id) {
            Truth::Perpetrator
        } else if smuggled.contains(true_id) {
            Truth::Smuggled
        } else {
            Truth::Regular
        };
        out.insert(record.clone(), t);
    }
    Ok(out)
}

impl Node {
    /// Evaluates `rules` on every crossing of the history, oldest first, with the profiles in
    /// force on `today` (YYYY-MM-DD; a backtest passes "0000-00-00", asking what every profile
    /// would do, expired or not).
    pub(crate) fn evaluate_history(
        &self,
        store: &mut dyn Store,
        rules: Option<&RuleSet>,
        today: &str,
    ) -> Result<(Vec<Evaluated>, f64), NodeError> {
        let protected: HashSet<String> = self
            .protected_persons_in(store)?
            .into_keys()
            .map(|p| self.resolver.cluster_name(&p).unwrap_or(p))
            .collect();
        let started = std::time::Instant::now();
        let out = self.with_risk(store, |store, look, in_force| {
            let rules = rules.unwrap_or(in_force);
            let mut ids: Vec<(&str, i64)> = look
                .history
                .crossings
                .iter()
                .map(|(id, c)| (id.as_str(), c.unix))
                .collect();
            ids.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(b.0)));
            let mut out = Vec::with_capacity(ids.len());
            for (id, _) in ids {
                let c = &look.history.crossings[id];
                let key = self
                    .resolver
                    .cluster_name(&c.traveller)
                    .unwrap_or_else(|| c.traveller.clone());
                let at = AtCrossing {
                    recorded_as_smuggled: Some(protected.contains(&key)),
                    ..Default::default()
                };
                if let Some(facts) = facts::crossing_facts(look, store, id, &at)? {
                    let hits = corridor_risk::evaluate(rules, &facts, today);
                    out.push(Evaluated {
                        crossing: id.to_string(),
                        traveller: c.traveller.clone(),
                        facts,
                        hits,
                    });
                }
            }
            Ok(out)
        })?;
        let micros = started.elapsed().as_micros() as f64 / out.len().max(1) as f64;
        Ok((out, micros))
    }

    /// Every crossing's facts, oldest first, with the hits of the rules in force: what batch
    /// evaluation sees (for a rule author, and for the benchmark's anchor).
    pub fn risk_history_facts(&self, subject: &Subject) -> Result<Vec<CrossingFacts>, NodeError> {
        self.require(subject, Action::ManageRisk)?;
        let mut store = self.store();
        let (evaluated, _) = self.evaluate_history(&mut **store, None, &crate::now()[..10])?;
        self.audit(
            &mut **store,
            &subject.username,
            "risk_history_facts",
            "crossings",
            subject.reason.as_deref(),
            &format!("allowed: {} crossings", evaluated.len()),
        )?;
        Ok(evaluated
            .into_iter()
            .map(|e| CrossingFacts {
                crossing: e.crossing,
                traveller: e.traveller,
                facts: e.facts,
                profiles_hit: e.hits.into_iter().map(|h| h.profile).collect(),
            })
            .collect())
    }

    /// Evaluates the rules in force over the whole history and raises the alerts a crossing
    /// desk would have raised (the same crossing and profile version is the same alert).
    pub fn risk_run_history(&self, subject: &Subject) -> Result<(usize, usize), NodeError> {
        self.require(subject, Action::ManageRisk)?;
        let mut store = self.store();
        let (evaluated, _) = self.evaluate_history(&mut **store, None, &crate::now()[..10])?;
        let mut raised = 0;
        for e in &evaluated {
            if e.hits.is_empty() {
                continue;
            }
            let protected =
                e.facts.get("traveller.recorded_as_smuggled") == Some(&serde_json::json!(true));
            raised += self
                .raise_risk_alerts(
                    &mut **store,
                    subject,
                    &e.traveller,
                    &e.crossing,
                    e.hits.clone(),
                    protected,
                )?
                .len();
        }
        self.audit(
            &mut **store,
            &subject.username,
            "risk_run_history",
            "risk profiles in force",
            None,
            &format!(
                "allowed: {} crossings evaluated, {raised} hits",
                evaluated.len()
            ),
        )?;
        Ok((evaluated.len(), raised))
    }

    /// Where the demo's simulated world keeps its truth.
    pub fn demo_truth_dir(&self) -> std::path::PathBuf {
        let here = self.dir.join("demo-world").join("truth");
        if here.is_dir() {
            here
        } else {
            std::env::temp_dir()
                .join("corridor-demo-world")
                .join("truth")
        }
    }

    /// Backtests the rules in force (or a pending change's) on the history against the truth
    /// of the simulated world it was loaded from: precision, recall and alerts per 1,000
    /// crossings of each profile, its disparity figures, and warnings for rules that never
    /// or always fire.
    pub fn risk_backtest(
        &self,
        subject: &Subject,
        change: Option<&str>,
        truth_dir: &Path,
    ) -> Result<Backtest, NodeError> {
        self.require(subject, Action::ManageRisk)?;
        let mut store = self.store();
        let rules = match change {
            Some(id) => Some(self.rules_of_change(&mut **store, id)?),
            None => None,
        };
        let truth = read_truth(truth_dir)?;
        let in_force = self.risk_rules_in(&mut **store)?;
        let rules_used = rules.as_ref().unwrap_or(&in_force);
        let (evaluated, micros) =
            self.evaluate_history(&mut **store, rules.as_ref(), "0000-00-00")?;
        let known: Vec<(&Evaluated, Truth)> = evaluated
            .iter()
            .filter_map(|e| truth.get(&e.traveller).map(|t| (e, *t)))
            .collect();
        let n = known.len();
        let mut profiles = Vec::new();
        for p in rules_used.profiles.values() {
            let kind = match p.kind {
                corridor_risk::rules::ProfileKind::Perpetrator => HitKind::PossiblePerpetrator,
                corridor_risk::rules::ProfileKind::Protection => HitKind::PossibleSmuggledPerson,
            };
            let wanted = if kind == HitKind::PossiblePerpetrator {
                Truth::Perpetrator
            } else {
                Truth::Smuggled
            };
            let mut rows = Vec::with_capacity(n);
            let (mut hits, mut true_hits, mut positives) = (0, 0, 0);
            for (e, t) in &known {
                let hit = e.hits.iter().any(|h| h.profile == p.id);
                positives += usize::from(*t == wanted);
                hits += usize::from(hit);
                true_hits += usize::from(hit && *t == wanted);
                rows.push(Row {
                    nationality: text_fact(&e.facts, "traveller.nationality"),
                    sex: text_fact(&e.facts, "traveller.sex"),
                    age: e.facts.get("traveller.age").and_then(|a| a.as_i64()),
                    alerted: hit,
                    confirmed: hit.then_some(*t == wanted),
                });
            }
            let mut warnings = Vec::new();
            if hits == 0 {
                warnings.push(format!("never fired on {n} crossings"));
            } else if hits * 100 >= n * 95 {
                warnings.push(format!(
                    "fired on {hits} of {n} crossings: it does not discriminate"
                ));
            }
            profiles.push(BacktestProfile {
                profile: p.id.clone(),
                version: p.version,
                kind,
                positives,
                hits,
                true_hits,
                precision: (hits > 0).then(|| ratio(true_hits, hits)),
                recall: (positives > 0).then(|| ratio(true_hits, positives)),
                alerts_per_1000: ratio(hits, n) * 1000.0,
                disparity: disparity(&rows),
                warnings,
            });
        }
        let mut warnings = Vec::new();
        for i in rules_used.indicators.values() {
            let fired = evaluated
                .iter()
                .filter(|e| corridor_risk::eval::fires(i, &e.facts).is_some())
                .count();
            if fired == 0 {
                warnings.push(format!(
                    "indicator {}: never fired on {} crossings",
                    i.id,
                    evaluated.len()
                ));
            } else if fired * 100 >= evaluated.len() * 95 {
                warnings.push(format!(
                    "indicator {}: fired on {fired} of {} crossings: it does not discriminate",
                    i.id,
                    evaluated.len()
                ));
            }
        }
        self.audit(
            &mut **store,
            &subject.username,
            "risk_backtest",
            change.unwrap_or("risk profiles in force"),
            None,
            &format!("allowed: {} crossings", evaluated.len()),
        )?;
        Ok(Backtest {
            world: truth_dir.display().to_string(),
            crossings: n,
            unknown: evaluated.len() - n,
            profiles,
            warnings,
            micros_per_crossing: micros,
        })
    }

    /// Alert rates and precision (from reviewed alerts) by nationality, sex and age band, over
    /// every crossing the history holds and the enforcement alerts raised on them.
    pub fn risk_disparity(&self, subject: &Subject) -> Result<Disparity, NodeError> {
        self.require(subject, Action::ManageRisk)?;
        let mut store = self.store();
        // Enforcement alerts only: protection referrals are not the subject of this report,
        // and the caller may not read them.
        let mut by_crossing: HashMap<String, Option<bool>> = HashMap::new();
        for id in crate::border::ids_of_schema(&mut **store, RISK_ALERT_SCHEMA)? {
            let statements = store.entity_statements(&id)?;
            let live: Vec<&corridor_model::Statement> =
                corridor_model::entity::live_statements(&statements)
                    .into_iter()
                    .filter(|s| s.provenance.purpose != corridor_model::Purpose::Protection)
                    .collect();
            if let Some(v) = RiskAlertView::from_live(&id, &live)
                && let Some(c) = v.crossing_id
            {
                let confirmed = v
                    .decision
                    .filter(|_| v.conflict.is_empty())
                    .map(|d| d.decision == "true_match");
                let slot = by_crossing.entry(c).or_insert(None);
                if confirmed.is_some() {
                    *slot = confirmed;
                }
            }
        }
        let rows = self.with_risk(&mut **store, |store, look, _| {
            let mut rows = Vec::new();
            for (id, c) in &look.history.crossings {
                let statements = store.entity_statements(&c.traveller)?;
                let live = corridor_model::entity::live_statements(&statements);
                let get = |prop: &str| {
                    live.iter()
                        .find(|s| {
                            s.prop == prop
                                && s.provenance.purpose != corridor_model::Purpose::Protection
                        })
                        .map(|s| s.value.clone())
                };
                let alert = by_crossing.get(id);
                rows.push(Row {
                    nationality: get("nationality"),
                    sex: get("gender"),
                    age: get("birthDate").and_then(|b| {
                        let y: i64 = b.get(0..4)?.parse().ok()?;
                        let oy: i64 = c.at.get(0..4)?.parse().ok()?;
                        Some(oy - y)
                    }),
                    alerted: alert.is_some(),
                    confirmed: alert.copied().flatten(),
                });
            }
            Ok(rows)
        })?;
        self.audit(
            &mut **store,
            &subject.username,
            "risk_disparity",
            "risk alerts",
            None,
            &format!("allowed: {} crossings", rows.len()),
        )?;
        Ok(disparity(&rows))
    }
}
