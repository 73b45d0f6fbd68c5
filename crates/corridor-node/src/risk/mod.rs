//! Risk profiles in the node: a crossing's facts worked out from the history, evaluated in the
//! same request as screening, and each hit routed by its kind — a possible perpetrator to the
//! enforcement alert queue, a possible smuggled person to protection (written as protection
//! data, which no enforcement role reads). A perpetrator hit on a person recorded as smuggled
//! goes to protection too (Smuggling Protocol art. 5).
//!
//! - `history`: what the evaluation remembers, followed from the statement log;
//! - `facts`: one crossing's facts;
//! - `rules_store`: the rules in force, and changes proposed, approved by a second user, audited;
//! - `report`: batch evaluation over history, backtests against a simulated world's truth,
//!   and the disparity report.

mod facts;
mod history;
mod report;
mod rules_store;
#[cfg(test)]
mod tests;

use std::sync::{Arc, Mutex, RwLock};

use corridor_model::entity::live_statements;
use corridor_model::{Provenance, Statement};
use corridor_policy::{Action, Subject};
use corridor_risk::{Hit, HitKind, RuleSet};
use corridor_store::Store;
use serde::Serialize;

use crate::border::{AlertFilter, Decision, DecisionRecord, Queued};
use crate::views::Gate;
use crate::{Node, NodeError, now};

pub(crate) use facts::{AtCrossing, lost_or_stolen_hit};
pub use report::{Backtest, BacktestProfile, CrossingFacts, Disparity, DisparityGroup};
pub use rules_store::{ProfileView, RuleChangeInput, RuleChangeView, RulesView};

pub const RISK_ALERT_SCHEMA: &str = "RiskAlert";

/// The node's risk evaluation: the rules in force and the history.
pub struct Risk {
    rules: RwLock<Option<Arc<RuleSet>>>,
    history: Mutex<history::History>,
}

impl Risk {
    pub fn new() -> Risk {
        Risk {
            rules: RwLock::new(None),
            history: Mutex::new(history::History::default()),
        }
    }
}

impl Default for Risk {
    fn default() -> Self {
        Self::new()
    }
}

/// A hit as the officer sees it at the crossing: the profile, its kind, the score and the
/// indicators that fired on which facts, and where it went.
#[derive(Clone, Debug, Serialize)]
pub struct RiskHitView {
    pub alert_id: String,
    #[serde(flatten)]
    pub hit: Hit,
    /// `enforcement_alert` or `protection_referral`.
    pub routed_to: &'static str,
    /// Why it went where it went, when that is not its kind's default.
    pub routing_note: Option<String>,
}

/// A risk alert in the queue.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RiskAlertView {
    pub id: String,
    pub subject_id: String,
    pub subject_caption: Option<String>,
    /// The name recorded on a protection referral.
    pub traveller_name: Option<String>,
    pub crossing_id: Option<String>,
    pub profile: String,
    pub profile_version: Option<u64>,
    pub kind: String,
    pub score: Option<f64>,
    pub threshold: Option<f64>,
    /// The indicators that fired, each with its conditions and the facts they held on.
    pub explanation: serde_json::Value,
    pub raised_at: String,
    pub raised_by: String,
    pub decision: Option<DecisionRecord>,
    pub history: Vec<DecisionRecord>,
    pub conflict: Vec<DecisionRecord>,
    /// Written as protection data: a referral for protection screening.
    pub protection: bool,
}

impl RiskAlertView {
    fn from_live(id: &str, live: &[&Statement]) -> Option<RiskAlertView> {
        if live.iter().any(|s| s.schema != RISK_ALERT_SCHEMA) {
            return None;
        }
        let first = |prop: &str| {
            live.iter()
                .find(|s| s.prop == prop)
                .map(|s| s.value.clone())
        };
        let mut history: Vec<DecisionRecord> = live
            .iter()
            .filter(|s| s.prop == "decisions")
            .filter_map(|s| serde_json::from_str(&s.value).ok())
            .collect();
        history.sort_by(|a, b| a.at.cmp(&b.at));
        let (decision, conflict) = crate::border::alerts_settle(&history);
        Some(RiskAlertView {
            id: id.to_string(),
            subject_id: first("subject")?,
            subject_caption: None,
            traveller_name: first("travellerName"),
            crossing_id: first("crossing"),
            profile: first("profile")?,
            profile_version: first("profileVersion")
                .and_then(|v| v.parse::<f64>().ok())
                .map(|v| v as u64),
            kind: first("kind").unwrap_or_default(),
            score: first("score").and_then(|v| v.parse().ok()),
            threshold: first("threshold").and_then(|v| v.parse().ok()),
            explanation: first("explanation")
                .and_then(|e| serde_json::from_str(&e).ok())
                .unwrap_or(serde_json::Value::Null),
            raised_at: first("raisedAt").unwrap_or_default(),
            raised_by: first("raisedBy").unwrap_or_default(),
            decision,
            history,
            conflict,
            protection: live
                .first()
                .is_some_and(|s| s.provenance.purpose == corridor_model::Purpose::Protection),
        })
    }
}

fn kind_name(kind: HitKind) -> &'static str {
    match kind {
        HitKind::PossiblePerpetrator => "possible_perpetrator",
        HitKind::PossibleSmuggledPerson => "possible_smuggled_person",
    }
}

impl Node {
    /// Brings the history up to date and runs `f` on it with the rules in force.
    pub(crate) fn with_risk<T>(
        &self,
        store: &mut dyn Store,
        f: impl FnOnce(&mut dyn Store, &facts::Lookup<'_>, &RuleSet) -> Result<T, NodeError>,
    ) -> Result<T, NodeError> {
        let rules = self.risk_rules_in(store)?;
        let mut history = self.risk.history.lock().expect("no panics while held");
        history.follow(store)?;
        let look = facts::Lookup {
            history: &history,
            resolver: &self.resolver,
        };
        f(store, &look, &rules)
    }

    /// Evaluates the rules in force on a crossing just registered and routes each hit; called
    /// by [`Node::register_crossing`] in the same request as screening.
    pub(crate) fn evaluate_crossing(
        &self,
        store: &mut dyn Store,
        subject: &Subject,
        crossing_id: &str,
        person_id: &str,
        at: &AtCrossing,
    ) -> Result<(Vec<RiskHitView>, u64), NodeError> {
        let started = std::time::Instant::now();
        let today = now();
        let hits = self.with_risk(store, |store, look, rules| {
            let Some(facts) = facts::crossing_facts(look, store, crossing_id, at)? else {
                return Ok(Vec::new());
            };
            Ok(corridor_risk::evaluate(rules, &facts, &today[..10]))
        })?;
        let micros = started.elapsed().as_micros() as u64;
        let protected = at.recorded_as_smuggled.unwrap_or(false);
        let views =
            self.raise_risk_alerts(store, subject, person_id, crossing_id, hits, protected)?;
        Ok((views, micros))
    }

    fn risk_provenance(
        &self,
        subject: &Subject,
        protection: bool,
    ) -> Result<Arc<Provenance>, NodeError> {
        if protection {
            let mut p = (*self.protection_provenance(subject)).clone();
            p.dataset = "risk-referrals".into();
            return Ok(Arc::new(p));
        }
        let mut p = (*self.border_alert_provenance(subject)?).clone();
        p.dataset = "risk-alerts".into();
        Ok(Arc::new(p))
    }

    /// Writes one alert per hit (the same crossing and profile version is the same alert).
    pub(crate) fn raise_risk_alerts(
        &self,
        store: &mut dyn Store,
        subject: &Subject,
        person_id: &str,
        crossing_id: &str,
        hits: Vec<Hit>,
        protected: bool,
    ) -> Result<Vec<RiskHitView>, NodeError> {
        let mut statements = Vec::new();
        let mut out = Vec::new();
        let name = store
            .entity_statements(person_id)?
            .iter()
            .find(|s| s.prop == "name" && s.operation == corridor_model::Operation::Assert)
            .map(|s| s.value.clone());
        for hit in hits {
            let to_protection = hit.kind == HitKind::PossibleSmuggledPerson || protected;
            let routing_note = (hit.kind == HitKind::PossiblePerpetrator && protected).then(|| {
                "the traveller is recorded as smuggled or as a possible victim: a perpetrator profile's hit goes to protection, not to the enforcement queue (Smuggling Protocol art. 5)".to_string()
            });
            let provenance = self.risk_provenance(subject, to_protection)?;
            let id = corridor_model::id::make_id(
                Some("risk"),
                &[crossing_id, &hit.profile, &hit.version.to_string()],
            );
            if store.entity_statements(&id)?.is_empty() {
                let explanation = serde_json::to_string(&hit.indicators)
                    .map_err(|e| NodeError::Io(e.to_string()))?;
                let facts = [
                    ("subject", person_id.to_string()),
                    ("crossing", crossing_id.to_string()),
                    ("profile", hit.profile.clone()),
                    ("profileVersion", hit.version.to_string()),
                    ("kind", kind_name(hit.kind).to_string()),
                    ("score", format!("{}", hit.score)),
                    ("threshold", format!("{}", hit.threshold)),
                    ("explanation", explanation),
                    ("raisedAt", provenance.recorded_at.clone()),
                    ("raisedBy", subject.username.clone()),
                ];
                let mut facts = facts.to_vec();
                if to_protection && let Some(n) = &name {
                    facts.push(("travellerName", n.clone()));
                }
                for (prop, value) in facts {
                    let value = self.clean(RISK_ALERT_SCHEMA, prop, &value, prop)?;
                    statements.push(Statement::assert(
                        &id,
                        RISK_ALERT_SCHEMA,
                        prop,
                        value,
                        None,
                        provenance.clone(),
                    ));
                }
            }
            out.push(RiskHitView {
                alert_id: id,
                hit,
                routed_to: if to_protection {
                    "protection_referral"
                } else {
                    "enforcement_alert"
                },
                routing_note,
            });
        }
        if !statements.is_empty() {
            let mut tx = store.begin()?;
            tx.write(&statements)?;
            tx.commit()?;
        }
        Ok(out)
    }

    /// The risk alerts the caller may see, newest first: enforcement roles see the enforcement
    /// queue, protection roles the referrals (the policy keeps each to its own).
    pub fn risk_alerts(
        &self,
        subject: &Subject,
        filter: AlertFilter,
        limit: usize,
    ) -> Result<Vec<RiskAlertView>, NodeError> {
        if self.require(subject, Action::DecideAlerts).is_err() {
            self.require(subject, Action::Assist)?;
        }
        self.alert_queue(
            subject,
            RISK_ALERT_SCHEMA,
            "risk alerts",
            filter,
            limit,
            |node, store, gate, id| {
                let view = node.risk_alert_view(store, gate, id)?;
                Ok(view.map(|v| {
                    let key = Queued::of(&v.id, &v.raised_at, &v.decision, &v.conflict);
                    (key, v)
                }))
            },
        )
    }

    fn risk_alert_view(
        &self,
        store: &mut dyn Store,
        gate: &mut Gate<'_>,
        id: &str,
    ) -> Result<Option<RiskAlertView>, NodeError> {
        let statements = store.entity_statements(id)?;
        let live: Vec<&Statement> = live_statements(&statements)
            .into_iter()
            .filter(|s| gate.allows(s))
            .collect();
        let Some(mut view) = RiskAlertView::from_live(id, &live) else {
            return Ok(None);
        };
        let statements = store.entity_statements(&view.subject_id)?;
        let visible: Vec<&Statement> = live_statements(&statements)
            .into_iter()
            .filter(|s| gate.allows(s))
            .collect();
        view.subject_caption = crate::views::describe(self, &view.subject_id, &visible)
            .map(|d| d.1)
            .or_else(|| view.traveller_name.clone());
        Ok(Some(view))
    }

    /// Records a decision on a risk alert: `true_match` (confirmed) or `false_positive`
    /// (unfounded), with a note; decisions are only added, and feed the disparity report's
    /// precision.
    pub fn decide_risk_alert(
        &self,
        subject: &Subject,
        id: &str,
        decision: Decision,
        note: &str,
    ) -> Result<RiskAlertView, NodeError> {
        if self.require(subject, Action::Assist).is_err() {
            self.require(subject, Action::DecideAlerts)?;
        }
        let note = note.trim();
        if !(3..=500).contains(&note.chars().count()) {
            return Err(NodeError::Invalid(
                "note: say why, in 3 to 500 characters".into(),
            ));
        }
        let mut store = self.store();
        let mut gate = Gate::new(&self.policy, subject, Action::Read);
        let Some(before) = self.risk_alert_view(&mut **store, &mut gate, id)? else {
            return Err(NodeError::NotFound(format!("no risk alert {id:?}")));
        };
        let provenance = self.risk_provenance(subject, before.protection)?;
        let record = DecisionRecord::next(
            decision,
            subject,
            &provenance.recorded_at,
            note,
            before.decision.as_ref(),
            &before.conflict,
        )?;
        let value = serde_json::to_string(&record).map_err(|e| NodeError::Io(e.to_string()))?;
        let value = self.clean(RISK_ALERT_SCHEMA, "decisions", &value, "decision")?;
        let statement =
            Statement::assert(id, RISK_ALERT_SCHEMA, "decisions", value, None, provenance);
        let mut tx = store.begin()?;
        tx.write(&[statement])?;
        tx.commit()?;
        self.audit(
            &mut **store,
            &subject.username,
            "decide_risk_alert",
            &format!("risk alert {id}"),
            Some(note),
            &format!("allowed: {}", decision.as_str()),
        )?;
        let mut gate = Gate::new(&self.policy, subject, Action::Read);
        self.risk_alert_view(&mut **store, &mut gate, id)?
            .ok_or_else(|| NodeError::NotFound(format!("no risk alert {id:?}")))
    }
}
