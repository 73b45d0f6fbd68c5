//! Screening alerts: raised from hits at or above the alert threshold, listed for review,
//! decided (true match or false positive) by a named officer with a note.

use std::sync::Arc;

use corridor_model::entity::live_statements;
use corridor_model::{Provenance, Statement};
use corridor_policy::{Action, Subject};
use corridor_store::Store;
use serde::Serialize;

use super::{HitView, ScreenedFacts};
use crate::views::Gate;
use crate::{Node, NodeError, now};

pub const ALERT_SCHEMA: &str = "ScreeningAlert";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    TrueMatch,
    FalsePositive,
}

impl std::str::FromStr for Decision {
    type Err = NodeError;
    fn from_str(s: &str) -> Result<Decision, NodeError> {
        match s {
            "true_match" => Ok(Decision::TrueMatch),
            "false_positive" => Ok(Decision::FalsePositive),
            other => Err(NodeError::Invalid(format!(
                "decision: {other:?} is not one of true_match, false_positive"
            ))),
        }
    }
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::TrueMatch => "true_match",
            Decision::FalsePositive => "false_positive",
        }
    }
}

/// An alert as a caller sees it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct AlertView {
    pub id: String,
    pub subject_id: String,
    pub subject_caption: Option<String>,
    pub entry_id: String,
    pub entry_caption: Option<String>,
    pub list: String,
    pub list_version: Option<u64>,
    pub score: Option<f64>,
    pub reasons: Vec<String>,
    pub raised_at: String,
    pub raised_by: String,
    /// Every crossing at which it fired.
    pub crossings: Vec<String>,
    /// The decision in force: the latest that no later decision superseded.
    pub decision: Option<DecisionRecord>,
    /// Every decision, oldest first.
    pub history: Vec<DecisionRecord>,
    /// Decisions taken apart (at a post while offline, say) that disagree, none knowing of
    /// the other: shown, never silently resolved. A new decision settles them.
    pub conflict: Vec<DecisionRecord>,
    /// Set in a screening result: this hit was decided a false positive before, on the same
    /// data, so it is not raised again.
    pub suppressed: bool,
    /// Raised on a person recorded as smuggled or as a possible victim: it goes to protection
    /// (labelled protection data), never to the enforcement alert queue.
    pub protection_relevant: bool,
}

/// One decision on an alert.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct DecisionRecord {
    /// Random, so two decisions never collide (clocks at posts may be wrong).
    pub id: String,
    pub decision: String,
    pub by: String,
    pub at: String,
    pub note: String,
    /// The ids of the decisions in force (more than one: a conflict it settles) when this
    /// one was taken.
    #[serde(default)]
    pub supersedes: Vec<String>,
}

impl DecisionRecord {
    /// A new decision that supersedes the one in force, or settles a conflict by superseding
    /// every decision in it. Its id is random, so two decisions never collide.
    pub(crate) fn next(
        decision: Decision,
        subject: &Subject,
        at: &str,
        note: &str,
        in_force: Option<&DecisionRecord>,
        conflict: &[DecisionRecord],
    ) -> Result<DecisionRecord, NodeError> {
        let mut nonce = [0u8; 8];
        getrandom::fill(&mut nonce).map_err(|e| NodeError::Io(e.to_string()))?;
        Ok(DecisionRecord {
            id: hex::encode(nonce),
            decision: decision.as_str().to_string(),
            by: subject.username.clone(),
            at: at.to_string(),
            note: note.to_string(),
            supersedes: if conflict.is_empty() {
                in_force.iter().map(|d| d.id.clone()).collect()
            } else {
                conflict.iter().map(|d| d.id.clone()).collect()
            },
        })
    }
}

/// Every id of an entity of `schema`, in id order (paged through the store).
pub(crate) fn ids_of_schema(store: &mut dyn Store, schema: &str) -> Result<Vec<String>, NodeError> {
    let mut out: Vec<String> = Vec::new();
    loop {
        let page = store.entities_of_schema(schema, out.last().map(String::as_str), 1000)?;
        if page.is_empty() {
            return Ok(out);
        }
        out.extend(page);
    }
}

/// The decision in force and the conflicting ones: the heads are the decisions no other
/// supersedes; if they disagree, that is a conflict.
pub(crate) fn settle(history: &[DecisionRecord]) -> (Option<DecisionRecord>, Vec<DecisionRecord>) {
    let heads: Vec<&DecisionRecord> = history
        .iter()
        .filter(|d| !history.iter().any(|later| later.supersedes.contains(&d.id)))
        .collect();
    let latest = heads
        .iter()
        .max_by(|a, b| a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id)))
        .map(|d| (*d).clone());
    let disagree = heads
        .iter()
        .any(|h| Some(&h.decision) != latest.as_ref().map(|l| &l.decision));
    let conflict = if disagree {
        heads.into_iter().cloned().collect()
    } else {
        vec![]
    };
    (latest, conflict)
}

impl AlertView {
    fn from_live(id: &str, live: &[&Statement]) -> Option<AlertView> {
        let first = |prop: &str| {
            live.iter()
                .find(|s| s.prop == prop)
                .map(|s| s.value.clone())
        };
        let all = |prop: &str| -> Vec<String> {
            live.iter()
                .filter(|s| s.prop == prop)
                .map(|s| s.value.clone())
                .collect()
        };
        let subject_id = first("subject")?;
        let protection_relevant = live
            .first()
            .is_some_and(|s| s.provenance.purpose == corridor_model::Purpose::Protection);
        let mut history: Vec<DecisionRecord> = all("decisions")
            .iter()
            .filter_map(|v| serde_json::from_str(v).ok())
            .collect();
        history.sort_by(|a, b| a.at.cmp(&b.at));
        let (decision, conflict) = settle(&history);
        Some(AlertView {
            id: id.to_string(),
            protection_relevant,
            subject_id,
            entry_id: first("entry").unwrap_or_default(),
            list: first("watchlist").unwrap_or_default(),
            list_version: first("listVersion")
                .and_then(|v| v.parse::<f64>().ok())
                .map(|v| v as u64),
            score: first("score").and_then(|v| v.parse().ok()),
            reasons: first("reasons")
                .and_then(|r| serde_json::from_str(&r).ok())
                .unwrap_or_default(),
            raised_at: first("raisedAt").unwrap_or_default(),
            raised_by: first("raisedBy").unwrap_or_default(),
            crossings: all("crossing"),
            decision,
            history,
            conflict,
            ..Default::default()
        })
    }
}

/// Which alerts to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertFilter {
    Open,
    Decided,
    All,
}

/// What a queue orders and filters an alert by.
pub(crate) struct Queued {
    pub id: String,
    pub raised_at: String,
    pub decided: bool,
    pub conflicted: bool,
}

impl Queued {
    pub(crate) fn of(
        id: &str,
        raised_at: &str,
        decision: &Option<DecisionRecord>,
        conflict: &[DecisionRecord],
    ) -> Queued {
        Queued {
            id: id.to_string(),
            raised_at: raised_at.to_string(),
            decided: decision.is_some(),
            conflicted: !conflict.is_empty(),
        }
    }
}

impl AlertFilter {
    /// Whether an alert with a decision in force (`decided`) and conflicting decisions
    /// (`conflicted`) is listed: a conflict keeps an alert open.
    pub fn keeps(self, decided: bool, conflicted: bool) -> bool {
        match self {
            AlertFilter::Open => !decided || conflicted,
            AlertFilter::Decided => decided && !conflicted,
            AlertFilter::All => true,
        }
    }
}

impl std::str::FromStr for AlertFilter {
    type Err = NodeError;
    fn from_str(s: &str) -> Result<AlertFilter, NodeError> {
        match s {
            "open" => Ok(AlertFilter::Open),
            "decided" => Ok(AlertFilter::Decided),
            "all" => Ok(AlertFilter::All),
            other => Err(NodeError::Invalid(format!(
                "status: {other:?} is not one of open, decided, all"
            ))),
        }
    }
}

impl Node {
    pub(crate) fn border_alert_provenance(
        &self,
        subject: &Subject,
    ) -> Result<Arc<Provenance>, NodeError> {
        let s = &self.screening.settings;
        let parse =
            |what: &str, e: String| NodeError::Io(format!("border/screening.yaml: {what}: {e}"));
        Ok(Arc::new(Provenance {
            dataset: s.alerts_dataset.clone(),
            recorded_by: subject.username.clone(),
            recorded_at: now(),
            handling: s
                .alerts_handling
                .parse()
                .map_err(|e| parse("alerts_handling", e))?,
            purpose: s
                .alerts_purpose
                .parse()
                .map_err(|e| parse("alerts_purpose", e))?,
            reliability: corridor_model::SourceReliability::X,
            grade: corridor_model::InformationGrade::Unknown,
        }))
    }

    /// The label of alerts routed to protection: protection data, in a dataset of its own (so
    /// that an enforcement alert moved to protection gets new statements, not the same ones).
    pub(crate) fn protection_alert_provenance(&self, subject: &Subject) -> Arc<Provenance> {
        let mut p = (*self.protection_provenance(subject)).clone();
        p.dataset = format!("{}-protection", self.screening.settings.alerts_dataset);
        Arc::new(p)
    }

    /// Moves the open alerts raised on `person` before they were recorded as smuggled to
    /// protection: their enforcement facts are retracted and written again as protection data.
    /// Decided alerts stay where they were decided. Returns how many moved.
    pub(crate) fn route_open_alerts_to_protection(
        &self,
        subject: &Subject,
        person: &str,
    ) -> Result<usize, NodeError> {
        let mut store = self.store();
        let provenance = self.protection_alert_provenance(subject);
        let mut moved = 0;
        let mut out = Vec::new();
        for id in store.incoming_links(person, 1000)? {
            let statements = store.entity_statements(&id)?;
            let live = live_statements(&statements);
            let Some(view) = AlertView::from_live(&id, &live) else {
                continue;
            };
            if view.protection_relevant
                || view.decision.is_some()
                || view.subject_id != person
                || live.iter().any(|s| s.schema != ALERT_SCHEMA)
            {
                continue;
            }
            for s in &live {
                out.push(Statement::retract(s, {
                    let mut p = (*s.provenance).clone();
                    p.recorded_by = subject.username.clone();
                    p.recorded_at = provenance.recorded_at.clone();
                    Arc::new(p)
                }));
                out.push(Statement::assert(
                    &s.entity_id,
                    &s.schema,
                    &s.prop,
                    s.value.clone(),
                    s.original_value.clone(),
                    provenance.clone(),
                ));
            }
            moved += 1;
        }
        if moved > 0 {
            let mut tx = store.begin()?;
            tx.write(&out)?;
            tx.commit()?;
            self.audit(
                &mut **store,
                &subject.username,
                "alerts routed to protection",
                person,
                None,
                &format!("allowed: {moved} open alerts moved (person recorded as smuggled)"),
            )?;
        }
        Ok(moved)
    }

    /// Raises an alert for each hit at or above the threshold, unless the same person and
    /// entry with the same data were decided a false positive; an alert already raised on the
    /// same data is returned as it is (with this crossing added). Written in the caller's
    /// transaction-less store as one write.
    pub(crate) fn raise_alerts(
        &self,
        store: &mut dyn Store,
        subject: &Subject,
        person_id: &str,
        person: &ScreenedFacts,
        hits: &[HitView],
        crossing: Option<&str>,
    ) -> Result<Vec<AlertView>, NodeError> {
        // A hit on a person recorded as smuggled routes to protection: the alert is written as
        // protection data, which no enforcement role reads.
        let provenance = if self.protected_in(store, person_id)?.is_some() {
            self.protection_alert_provenance(subject)
        } else {
            self.border_alert_provenance(subject)?
        };
        let mut statements = Vec::new();
        let mut out = Vec::new();
        let person_fp = person.fingerprint();
        for hit in hits.iter().filter(|h| h.alert) {
            let id = corridor_model::id::make_id(
                Some("alert"),
                &[
                    person_id,
                    &hit.list,
                    &hit.entry_id,
                    &person_fp,
                    &hit.entry_fingerprint,
                ],
            );
            let existing = store.entity_statements(&id)?;
            let live = live_statements(&existing);
            // Values in the model's normal form, as every writer stores them (a receiving node
            // checks that they are).
            let assert = |prop: &str, value: String| -> Result<Statement, NodeError> {
                let value = self.clean(ALERT_SCHEMA, prop, &value, prop)?;
                Ok(Statement::assert(
                    &id,
                    ALERT_SCHEMA,
                    prop,
                    value,
                    None,
                    provenance.clone(),
                ))
            };
            if let Some(mut view) = AlertView::from_live(&id, &live) {
                if let Some(c) = crossing
                    && !view.crossings.iter().any(|x| x == c)
                {
                    statements.push(assert("crossing", c.to_string())?);
                    view.crossings.push(c.to_string());
                }
                view.suppressed = view
                    .decision
                    .as_ref()
                    .is_some_and(|d| d.decision == "false_positive");
                view.subject_caption = None;
                view.entry_caption = hit.entry_caption.clone();
                out.push(view);
                continue;
            }
            let reasons = serde_json::to_string(&hit.reasons).unwrap_or_else(|_| "[]".into());
            let mut facts = vec![
                assert("subject", person_id.to_string())?,
                assert("entry", hit.entry_id.clone())?,
                assert("watchlist", hit.list.clone())?,
                assert("listVersion", hit.list_version.to_string())?,
                assert("score", format!("{:.3}", hit.score))?,
                assert("reasons", reasons)?,
                assert("fingerprint", person_fp.clone())?,
                assert("raisedAt", provenance.recorded_at.clone())?,
                assert("raisedBy", subject.username.clone())?,
            ];
            if let Some(c) = crossing {
                facts.push(assert("crossing", c.to_string())?);
            }
            let live: Vec<&Statement> = facts.iter().collect();
            let mut view = AlertView::from_live(&id, &live).expect("subject is set");
            view.entry_caption = hit.entry_caption.clone();
            statements.extend(facts);
            out.push(view);
        }
        if !statements.is_empty() {
            let mut tx = store.begin()?;
            tx.write(&statements)?;
            tx.commit()?;
        }
        Ok(out)
    }

    /// The alerts the caller may see, newest first, at most `limit`.
    pub fn alerts(
        &self,
        subject: &Subject,
        filter: AlertFilter,
        limit: usize,
    ) -> Result<Vec<AlertView>, NodeError> {
        // Protection roles see the alerts routed to protection (the gate keeps only those).
        if self.require(subject, Action::DecideAlerts).is_err()
            && self.require(subject, Action::Screen).is_err()
        {
            self.require(subject, Action::Assist)?;
        }
        self.alert_queue(
            subject,
            ALERT_SCHEMA,
            "screening alerts",
            filter,
            limit,
            |node, store, gate, id| {
                let view = node.alert_view(store, gate, id)?;
                Ok(view.map(|v| {
                    let key = Queued::of(&v.id, &v.raised_at, &v.decision, &v.conflict);
                    (key, v)
                }))
            },
        )
    }

    /// An alert queue: every entity of `schema` the caller may see as `view` makes it, kept by
    /// `filter`, newest first, at most `limit`; the read is audited as `what`.
    pub(crate) fn alert_queue<V>(
        &self,
        subject: &Subject,
        schema: &str,
        what: &str,
        filter: AlertFilter,
        limit: usize,
        view: impl Fn(
            &Node,
            &mut dyn Store,
            &mut Gate<'_>,
            &str,
        ) -> Result<Option<(Queued, V)>, NodeError>,
    ) -> Result<Vec<V>, NodeError> {
        let mut store = self.store();
        let mut gate = Gate::new(&self.policy, subject, Action::Read);
        let mut out = Vec::new();
        for id in ids_of_schema(&mut **store, schema)? {
            if let Some((key, v)) = view(self, &mut **store, &mut gate, &id)?
                && filter.keeps(key.decided, key.conflicted)
            {
                out.push((key, v));
            }
        }
        out.sort_by(|(a, _), (b, _)| b.raised_at.cmp(&a.raised_at).then_with(|| a.id.cmp(&b.id)));
        out.truncate(limit.clamp(1, 1000));
        self.audit(
            &mut **store,
            &subject.username,
            "read",
            what,
            subject.reason.as_deref(),
            &format!("allowed: {} alerts", out.len()),
        )?;
        Ok(out.into_iter().map(|(_, v)| v).collect())
    }

    pub(crate) fn alert_view(
        &self,
        store: &mut dyn Store,
        gate: &mut Gate<'_>,
        id: &str,
    ) -> Result<Option<AlertView>, NodeError> {
        let statements = store.entity_statements(id)?;
        let live: Vec<&Statement> = live_statements(&statements)
            .into_iter()
            .filter(|s| gate.allows(s))
            .collect();
        let Some(mut view) = AlertView::from_live(id, &live) else {
            return Ok(None);
        };
        for (target, caption) in [
            (view.subject_id.clone(), &mut view.subject_caption),
            (view.entry_id.clone(), &mut view.entry_caption),
        ] {
            let statements = store.entity_statements(&target)?;
            let visible: Vec<&Statement> = live_statements(&statements)
                .into_iter()
                .filter(|s| gate.allows(s))
                .collect();
            *caption = crate::views::describe(self, &target, &visible).map(|d| d.1);
        }
        Ok(Some(view))
    }

    /// Records an officer's decision on an alert; it supersedes the decision in force (and
    /// settles a conflict). Decisions are only added, so history shows each and who took it.
    pub fn decide_alert(
        &self,
        subject: &Subject,
        id: &str,
        decision: Decision,
        note: &str,
    ) -> Result<AlertView, NodeError> {
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
        let statements = store.entity_statements(id)?;
        let mut gate = Gate::new(&self.policy, subject, Action::Read);
        let visible: Vec<&Statement> = live_statements(&statements)
            .into_iter()
            .filter(|s| gate.allows(s))
            .collect();
        let Some(before) = AlertView::from_live(id, &visible)
            .filter(|_| visible.iter().all(|s| s.schema == ALERT_SCHEMA))
        else {
            return Err(NodeError::NotFound(format!("no alert {id:?}")));
        };
        // A decision is labelled as its alert is: protection's stay protection's.
        let provenance = if before.protection_relevant {
            self.protection_alert_provenance(subject)
        } else {
            self.border_alert_provenance(subject)?
        };
        let record = DecisionRecord::next(
            decision,
            subject,
            &provenance.recorded_at,
            note,
            before.decision.as_ref(),
            &before.conflict,
        )?;
        let value = serde_json::to_string(&record).map_err(|e| NodeError::Io(e.to_string()))?;
        let value = self.clean(ALERT_SCHEMA, "decisions", &value, "decision")?;
        let statement = Statement::assert(id, ALERT_SCHEMA, "decisions", value, None, provenance);
        let mut tx = store.begin()?;
        tx.write(&[statement])?;
        tx.commit()?;
        self.audit(
            &mut **store,
            &subject.username,
            "decide_alert",
            &format!("alert {id}"),
            Some(note),
            &format!("allowed: {}", decision.as_str()),
        )?;
        let mut gate = Gate::new(&self.policy, subject, Action::Read);
        self.alert_view(&mut **store, &mut gate, id)?
            .ok_or_else(|| NodeError::NotFound(format!("no alert {id:?}")))
    }
}
