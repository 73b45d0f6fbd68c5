//! The reviewer's side of resolution: the queue, a pair side by side with its evidence (as
//! the reviewer may see it), judgements and their undoing, and the cluster on an entity page.

use corridor_policy::{Action, Subject};
use corridor_resolve::incremental::{Index, Record, Verdict, pair_key};
use corridor_store::{JudgementRecord, Store};
use serde::Serialize;

use super::{State, Status, fold};
use crate::views::EntityView;
use crate::{Node, NodeError, now};

/// How the queue is ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueOrder {
    /// Most probable first.
    Strongest,
    /// Nearest the match threshold first: where a reviewer's judgement changes most.
    Uncertain,
}

impl std::str::FromStr for QueueOrder {
    type Err = NodeError;
    fn from_str(s: &str) -> Result<QueueOrder, NodeError> {
        match s {
            "strongest" => Ok(QueueOrder::Strongest),
            "uncertain" => Ok(QueueOrder::Uncertain),
            other => Err(NodeError::Invalid(format!(
                "order: strongest or uncertain, not {other:?}"
            ))),
        }
    }
}

/// An entity as the queue lists it.
#[derive(Clone, Debug, Serialize)]
pub struct Side {
    pub id: String,
    pub caption: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct QueueItem {
    pub schema: String,
    pub left: Side,
    pub right: Side,
    /// The engine's probability from the facts it holds.
    pub probability: f64,
    /// Whether the engine has put the two in one cluster.
    pub linked: bool,
    pub judgement: Option<&'static str>,
}

#[derive(Clone, Debug, Serialize)]
pub struct QueueView {
    pub status: Status,
    pub items: Vec<QueueItem>,
    /// Open proposals in the queue the caller may see, before paging.
    pub total: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct EvidenceView {
    pub comparison: String,
    /// The comparison's kind (name, date, identifier, text, exact): with `level`, a key a
    /// client can translate the level by.
    pub kind: &'static str,
    pub level: usize,
    pub level_label: String,
    pub bits: f64,
    pub frequency_bits: f64,
    pub detail: String,
    pub left_value: String,
    pub right_value: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct JudgementView {
    pub seq: u64,
    pub judgement: String,
    pub user: String,
    pub at: String,
    pub note: Option<String>,
    pub undoes: Option<u64>,
}

impl From<&JudgementRecord> for JudgementView {
    fn from(j: &JudgementRecord) -> JudgementView {
        JudgementView {
            seq: j.seq,
            judgement: j.judgement.clone(),
            user: j.user.clone(),
            at: j.at.clone(),
            note: j.note.clone(),
            undoes: j.undoes,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct PairView {
    pub schema: String,
    pub left: EntityView,
    pub right: EntityView,
    /// From the facts the caller may see.
    pub probability: f64,
    /// The prior plus the evidence.
    pub bits: f64,
    /// The odds, in bits, that two records picked at random are one entity: where the
    /// evidence starts from.
    pub prior_bits: f64,
    /// Identical records: the same by definition, whatever the evidence adds up to.
    pub identical: bool,
    pub evidence: Vec<EvidenceView>,
    pub linked: bool,
    /// The judgement in force, if any.
    pub judgement: Option<&'static str>,
    /// Every judgement of the pair, oldest first.
    pub history: Vec<JudgementView>,
}

/// A cluster as an entity page shows it: the members the caller may see, and the links that
/// hold them together.
#[derive(Clone, Debug, Serialize)]
pub struct ClusterView {
    pub cluster: String,
    pub members: Vec<Side>,
    pub links: Vec<ClusterLinkView>,
    pub weakest: Option<ClusterLinkView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ClusterLinkView {
    pub a: String,
    pub b: String,
    pub probability: f64,
    pub judged: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct PartStatus {
    pub schema: String,
    pub records: usize,
    pub open_proposals: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct ResolutionStatus {
    pub status: Status,
    pub parts: Vec<PartStatus>,
    pub judgements: usize,
}

impl Node {
    /// The entity's live facts the caller may read, with its schema and caption; None when the
    /// caller may see nothing of it.
    fn visible_side(
        &self,
        store: &mut dyn Store,
        subject: &Subject,
        id: &str,
    ) -> Result<Option<Side>, NodeError> {
        let statements = store.entity_statements(id)?;
        let visible = self.visible_facts(subject, Action::Read, &statements);
        Ok(
            crate::views::describe(self, id, &visible).map(|(_, caption)| Side {
                id: id.to_string(),
                caption,
            }),
        )
    }

    pub fn resolution_status(&self, subject: &Subject) -> Result<ResolutionStatus, NodeError> {
        self.require(subject, Action::Review)?;
        let state = self.resolver.state.read().expect("no panics while held");
        Ok(ResolutionStatus {
            status: state.status.clone(),
            parts: state
                .parts
                .iter()
                .map(|p| PartStatus {
                    schema: p.spec.name().to_string(),
                    records: p.index.as_ref().map_or(p.waiting.len(), Index::len),
                    open_proposals: p.index.as_ref().map_or(0, |i| i.proposals(false).len()),
                })
                .collect(),
            judgements: state.judgements.len(),
        })
    }

    /// The review queue: open proposals the caller may see both sides of, strongest first.
    pub fn review_queue(
        &self,
        subject: &Subject,
        schema: Option<&str>,
        include_unsure: bool,
        order: QueueOrder,
        offset: usize,
        limit: usize,
    ) -> Result<QueueView, NodeError> {
        self.require(subject, Action::Review)?;
        let limit = limit.clamp(1, 200);
        // Each proposal with its kind and how far it is from that kind's match threshold, in
        // bits of evidence: the nearer, the harder the engine's call.
        let proposals: Vec<(String, f64, corridor_resolve::incremental::Proposal)> = {
            let state = self.resolver.state.read().expect("no panics while held");
            state
                .parts
                .iter()
                .filter(|p| schema.is_none_or(|s| p.spec.schemata.iter().any(|x| x == s)))
                .filter_map(|p| {
                    let link = corridor_resolve::logit_bits(p.spec.settings.thresholds.link);
                    p.index
                        .as_ref()
                        .map(|i| (p.spec.name().to_string(), link, i))
                })
                .flat_map(|(name, link, i)| {
                    i.proposals(include_unsure).into_iter().map(move |p| {
                        let distance =
                            (corridor_resolve::logit_bits(p.probability.clamp(1e-12, 1.0 - 1e-12))
                                - link)
                                .abs();
                        (name.clone(), distance, p)
                    })
                })
                .collect()
        };
        let mut proposals = proposals;
        match order {
            QueueOrder::Strongest => {
                proposals.sort_by(|a, b| b.2.probability.total_cmp(&a.2.probability))
            }
            // The engine's hardest calls first: pairs nearest the match threshold.
            QueueOrder::Uncertain => proposals.sort_by(|a, b| a.1.total_cmp(&b.1)),
        }
        let mut store = self.store();
        let mut items = Vec::new();
        let mut total = 0;
        for (schema, _, p) in proposals {
            let Some(left) = self.visible_side(&mut **store, subject, &p.left)? else {
                continue;
            };
            let Some(right) = self.visible_side(&mut **store, subject, &p.right)? else {
                continue;
            };
            total += 1;
            if total > offset && items.len() < limit {
                let judgement = self.current_verdict(&p.left, &p.right).map(Verdict::as_str);
                items.push(QueueItem {
                    schema,
                    left,
                    right,
                    probability: p.probability,
                    linked: p.linked,
                    judgement,
                });
            }
        }
        Ok(QueueView {
            status: self.resolver.status(),
            items,
            total,
        })
    }

    fn current_verdict(&self, a: &str, b: &str) -> Option<Verdict> {
        let state = self.resolver.state.read().expect("no panics while held");
        state
            .verdicts
            .get(&pair_key(a, b))
            .and_then(|s| s.last())
            .map(|x| x.1)
    }

    /// A pair side by side with its evidence, as the caller may see it.
    pub fn review_pair(&self, subject: &Subject, a: &str, b: &str) -> Result<PairView, NodeError> {
        self.require(subject, Action::Review)?;
        let (a, b) = pair_key(a, b);
        if a == b {
            return Err(NodeError::Invalid(
                "left and right: two different entities".into(),
            ));
        }
        let left = self.entity(subject, &a)?;
        let right = self.entity(subject, &b)?;
        let state = self.resolver.state.read().expect("no panics while held");
        let k = match (state.part_of.get(&a), state.part_of.get(&b)) {
            (Some(x), Some(y)) if x == y => *x,
            _ => {
                return Err(NodeError::NotFound(format!(
                    "{a} and {b} are not resolved together (not entities of one kind, or not yet resolved)"
                )));
            }
        };
        let part = &state.parts[k];
        let index = part.index.as_ref().ok_or_else(|| {
            NodeError::NotFound(format!("{} is not resolved yet", part.spec.name()))
        })?;
        let as_seen = |view: &EntityView| Record {
            id: view.id.clone(),
            values: view
                .properties
                .iter()
                .filter_map(|(prop, facts)| {
                    facts
                        .iter()
                        .find(|f| f.purpose != "protection")
                        .map(|f| (prop.clone(), f.value.clone()))
                })
                .collect(),
        };
        let (ra, rb) = (as_seen(&left), as_seen(&right));
        let scored = index
            .explain(&ra, &rb)
            .map_err(|e| NodeError::Invalid(e.to_string()))?;
        let settings = index.settings();
        let value = |r: &Record, columns: &[String]| {
            columns
                .iter()
                .filter_map(|c| r.values.get(c))
                .cloned()
                .collect::<Vec<_>>()
                .join(" ")
        };
        let evidence = settings
            .comparisons
            .iter()
            .zip(&scored.evidence)
            .map(|(c, e)| EvidenceView {
                comparison: c.name.clone(),
                kind: c.kind.as_str(),
                level: e.level,
                level_label: c.kind.levels()[e.level].to_string(),
                bits: e.bits,
                frequency_bits: e.tf_bits,
                detail: e.detail.clone(),
                left_value: value(&ra, &c.columns),
                right_value: value(&rb, &c.columns),
            })
            .collect();
        let linked = index
            .cluster_of(&a)
            .is_some_and(|(_, members)| members.contains(&b));
        let judgement = state
            .verdicts
            .get(&(a.clone(), b.clone()))
            .and_then(|s| s.last())
            .map(|x| x.1.as_str());
        let mut history: Vec<JudgementView> = state
            .judgements
            .values()
            .filter(|j| j.left_id == a && j.right_id == b)
            .map(JudgementView::from)
            .collect();
        history.sort_by_key(|j| j.seq);
        Ok(PairView {
            schema: part.spec.name().to_string(),
            left,
            right,
            probability: scored.probability,
            bits: scored.bits,
            prior_bits: scored.prior_bits,
            identical: scored.identical,
            evidence,
            linked,
            judgement,
            history,
        })
    }

    /// Records a judgement on a pair and applies it. A `same` that would join records judged
    /// different is refused (and nothing is recorded).
    pub fn judge(
        &self,
        subject: &Subject,
        a: &str,
        b: &str,
        judgement: &str,
        note: Option<&str>,
    ) -> Result<JudgementView, NodeError> {
        self.require(subject, Action::Review)?;
        let verdict = Verdict::parse(judgement).ok_or_else(|| {
            NodeError::Invalid(format!(
                "judgement: {judgement:?} is not one of same, different, unsure"
            ))
        })?;
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > 1000) {
            return Err(NodeError::Invalid("note: at most 1000 characters".into()));
        }
        let (a, b) = pair_key(a, b);
        if a == b {
            return Err(NodeError::Invalid(
                "left and right: two different entities".into(),
            ));
        }
        let mut store = self.store();
        // The caller judges only what it may see.
        for id in [&a, &b] {
            if self.visible_side(&mut **store, subject, id)?.is_none() {
                return Err(NodeError::NotFound(format!(
                    "no entity {id:?} that you may see"
                )));
            }
        }
        let mut state = self.resolver.state.write().expect("no panics while held");
        self.resolver
            .changes
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let k = part_for(&state, &a, &b)?;
        let index = state.parts[k].index.as_mut().expect("checked by part_for");
        let previous = index.verdict(&a, &b);
        index
            .judge(&a, &b, verdict)
            .map_err(|e| NodeError::Conflict(e.to_string()))?;
        let record = JudgementRecord {
            left_id: a.clone(),
            right_id: b.clone(),
            schema: state.parts[k].spec.name().to_string(),
            judgement: verdict.as_str().to_string(),
            user: subject.username.clone(),
            at: now(),
            note: note.map(str::to_string),
            undoes: None,
            seq: 0,
        };
        let stored = keep_judgement(&mut **store, &mut state, k, record, previous)?;
        drop(state);
        self.audit(
            &mut **store,
            &subject.username,
            "judge",
            &format!("pair {a} {b}"),
            note,
            &format!("recorded: {} (judgement {})", verdict.as_str(), stored.seq),
        )?;
        Ok(JudgementView::from(&stored))
    }

    /// Undoes a judgement: the pair goes back to the judgement before it (or to none), and
    /// its records are re-clustered. Only the judgement in force of a pair can be undone.
    pub fn undo_judgement(&self, subject: &Subject, seq: u64) -> Result<JudgementView, NodeError> {
        self.require(subject, Action::Review)?;
        let mut store = self.store();
        let target = {
            let state = self.resolver.state.read().expect("no panics while held");
            state.judgements.get(&seq).cloned()
        };
        let target = target.ok_or_else(|| NodeError::NotFound(format!("no judgement {seq}")))?;
        let (a, b) = (target.left_id.clone(), target.right_id.clone());
        // Only a judgement on records the caller may see exists for the caller; checked before
        // anything that would name them.
        for id in [&a, &b] {
            if self.visible_side(&mut **store, subject, id)?.is_none() {
                return Err(NodeError::NotFound(format!("no judgement {seq}")));
            }
        }
        if target.judgement == "withdrawn" {
            return Err(NodeError::Invalid(format!(
                "judgement {seq} is itself an undo; judge the pair again instead"
            )));
        }
        let stack = {
            let state = self.resolver.state.read().expect("no panics while held");
            state
                .verdicts
                .get(&(a.clone(), b.clone()))
                .cloned()
                .unwrap_or_default()
        };
        if stack.last().map(|x| x.0) != Some(seq) {
            return Err(NodeError::Conflict(format!(
                "judgement {seq} is not the one in force for {a} and {b} (undone already, or judged again since)"
            )));
        }
        let mut state = self.resolver.state.write().expect("no panics while held");
        self.resolver
            .changes
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if state.verdicts.get(&(a.clone(), b.clone())) != Some(&stack) {
            return Err(NodeError::Conflict(format!(
                "the pair {a} {b} was judged meanwhile; look again"
            )));
        }
        let restored = stack.len().checked_sub(2).map(|i| stack[i].1);
        let k = part_for(&state, &a, &b)?;
        let index = state.parts[k].index.as_mut().expect("checked by part_for");
        match restored {
            Some(v) => index
                .judge(&a, &b, v)
                .map_err(|e| NodeError::Conflict(format!("cannot undo judgement {seq}: {e}")))?,
            None => index.withdraw(&a, &b),
        }
        let record = JudgementRecord {
            left_id: a.clone(),
            right_id: b.clone(),
            schema: target.schema.clone(),
            judgement: "withdrawn".into(),
            user: subject.username.clone(),
            at: now(),
            note: None,
            undoes: Some(seq),
            seq: 0,
        };
        let in_force = stack.last().map(|x| x.1);
        let stored = keep_judgement(&mut **store, &mut state, k, record, in_force)?;
        drop(state);
        self.audit(
            &mut **store,
            &subject.username,
            "judge",
            &format!("pair {a} {b}"),
            None,
            &format!("undone: judgement {seq} (judgement {})", stored.seq),
        )?;
        Ok(JudgementView::from(&stored))
    }

    /// The cluster an entity is in, as the caller may see it; None when it is alone.
    pub(crate) fn cluster_view(
        &self,
        store: &mut dyn Store,
        subject: &Subject,
        id: &str,
    ) -> Result<Option<ClusterView>, NodeError> {
        // Who is the same as whom is derived from facts of every handling the resolver reads
        // (confidential intelligence included): it is shown to the roles that review it.
        if self.require(subject, Action::Review).is_err() {
            return Ok(None);
        }
        let explanation = {
            let state = self.resolver.state.read().expect("no panics while held");
            let Some(k) = state.part_of.get(id) else {
                return Ok(None);
            };
            let Some(index) = state.parts[*k].index.as_ref() else {
                return Ok(None);
            };
            match index.explain_cluster(id) {
                Some(e) if e.members.len() > 1 => e,
                _ => return Ok(None),
            }
        };
        // Members the caller may not see are left out, and not counted: a count would say
        // that hidden records exist.
        let mut members = Vec::new();
        for m in &explanation.members {
            if let Some(side) = self.visible_side(store, subject, m)? {
                members.push(side);
            }
        }
        let shown: std::collections::HashSet<&str> =
            members.iter().map(|m| m.id.as_str()).collect();
        let view = |l: &corridor_resolve::incremental::ClusterLink| ClusterLinkView {
            a: l.a.clone(),
            b: l.b.clone(),
            probability: l.probability,
            judged: l.judged,
        };
        let links: Vec<ClusterLinkView> = explanation
            .links
            .iter()
            .filter(|l| shown.contains(l.a.as_str()) && shown.contains(l.b.as_str()))
            .map(view)
            .collect();
        let weakest = explanation
            .weakest
            .as_ref()
            .filter(|l| shown.contains(l.a.as_str()) && shown.contains(l.b.as_str()))
            .map(view);
        if members.len() < 2 {
            return Ok(None);
        }
        Ok(Some(ClusterView {
            cluster: explanation.cluster,
            members,
            links,
            weakest,
        }))
    }
}

/// Stores a judgement the index already applied, and notes it in the state; if the store
/// refuses it, the index is put back to `restore` (the verdict in force before), so index and
/// store never disagree.
fn keep_judgement(
    store: &mut dyn Store,
    state: &mut State,
    k: usize,
    record: JudgementRecord,
    restore: Option<Verdict>,
) -> Result<JudgementRecord, NodeError> {
    let (a, b) = (record.left_id.clone(), record.right_id.clone());
    let stored = match store.append_judgement(record) {
        Ok(r) => r,
        Err(e) => {
            let index = state.parts[k].index.as_mut().expect("checked by part_for");
            match restore {
                Some(v) => {
                    let _ = index.judge(&a, &b, v);
                }
                None => index.withdraw(&a, &b),
            }
            return Err(e.into());
        }
    };
    fold(&mut state.verdicts, &stored);
    state.judgements.insert(stored.seq, stored.clone());
    Ok(stored)
}

/// The part holding both entities of a pair, with its index built.
fn part_for(state: &State, a: &str, b: &str) -> Result<usize, NodeError> {
    match (state.part_of.get(a), state.part_of.get(b)) {
        (Some(x), Some(y)) if x == y && state.parts[*x].index.is_some() => Ok(*x),
        (Some(x), Some(y)) if x == y => Err(NodeError::Conflict(format!(
            "{} is not resolved yet",
            state.parts[*x].spec.name()
        ))),
        (Some(_), Some(_)) => Err(NodeError::Invalid(format!(
            "{a} and {b} are entities of different kinds"
        ))),
        _ => Err(NodeError::NotFound(format!(
            "{a} and {b} are not both resolved (yet): is resolution ready?"
        ))),
    }
}
