//! The rules in force, and how they change: a user with `manage_risk` proposes a whole rule
//! file, a second user approves (or anyone refuses) it, every step audited. The rules in force
//! are the files shipped with Corridor, each replaced by its newest approved change. A file's
//! `approved_by` is filled in by the node from the two users who proposed and approved it, so
//! it cannot be typed; a profile must be reviewed within a year of its approval.

use std::collections::BTreeMap;
use std::sync::Arc;

use corridor_model::entity::live_statements;
use corridor_model::{HandlingCode, Provenance, Purpose, Statement};
use corridor_policy::{Action, Subject};
use corridor_risk::{Field, Indicator, RuleSet};
use corridor_store::Store;
use serde::{Deserialize, Serialize};

use crate::{Node, NodeError, now};

const CHANGE_SCHEMA: &str = "RiskRuleChange";
/// How far ahead a profile's review date may be set.
const MAX_REVIEW_DAYS: i64 = 366;

/// The rule files in force, where each came from, and the approvers of those changed here.
struct InForce {
    files: Vec<(String, String)>,
    from: BTreeMap<String, String>,
    approvals: BTreeMap<String, Vec<String>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleChangeInput {
    /// `indicators/<id>.yaml` or `profiles/<id>.yaml`.
    pub path: String,
    /// The whole file, without `approved_by`.
    pub text: String,
    /// Why the change.
    pub note: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct RuleChangeView {
    pub id: String,
    pub path: String,
    pub text: String,
    pub note: String,
    pub proposed_by: String,
    pub proposed_at: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
    pub refused_by: Option<String>,
    pub refused_at: Option<String>,
    pub decision_note: Option<String>,
    /// pending, approved or refused.
    pub state: &'static str,
}

/// A profile as its page shows it.
#[derive(Clone, Debug, Serialize)]
pub struct ProfileView {
    #[serde(flatten)]
    pub profile: corridor_risk::Profile,
    pub file: String,
    /// in_force, or expired (past its review date: it does not run until reviewed).
    pub status: &'static str,
    /// Days left before the review date (negative once past).
    pub days_to_review: i64,
    /// The change that put this version in force; none for a rule shipped with Corridor.
    pub change: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RulesView {
    pub profiles: Vec<ProfileView>,
    pub indicators: Vec<Indicator>,
    pub fields: BTreeMap<String, Field>,
    /// Every change, newest first.
    pub changes: Vec<RuleChangeView>,
}

fn change_view(id: &str, live: &[&Statement]) -> Option<RuleChangeView> {
    let first = |prop: &str| {
        live.iter()
            .find(|s| s.prop == prop)
            .map(|s| s.value.clone())
    };
    let approved_by = first("approvedBy");
    let refused_by = first("refusedBy");
    Some(RuleChangeView {
        id: id.to_string(),
        path: first("path")?,
        text: first("text")?,
        note: first("note").unwrap_or_default(),
        proposed_by: first("proposedBy").unwrap_or_default(),
        proposed_at: first("proposedAt").unwrap_or_default(),
        state: if approved_by.is_some() {
            "approved"
        } else if refused_by.is_some() {
            "refused"
        } else {
            "pending"
        },
        approved_by,
        approved_at: first("approvedAt"),
        refused_by,
        refused_at: first("refusedAt"),
        decision_note: first("decisionNote"),
    })
}

/// Days since 1970-01-01 of a YYYY-MM-DD date.
fn days(date: &str) -> Option<i64> {
    corridor_model::types::parse_unix_utc(date.get(0..10)?).map(|t| t / 86_400)
}

/// The approvers of a pending profile change, for checking it before a second user approves.
const PENDING: &str = "(second approval pending)";

fn check_path(path: &str) -> Result<&str, NodeError> {
    let stem = path
        .strip_prefix("indicators/")
        .or_else(|| path.strip_prefix("profiles/"))
        .and_then(|p| p.strip_suffix(".yaml"))
        .filter(|s| {
            !s.is_empty()
                && s.len() <= 80
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
    stem.ok_or_else(|| {
        NodeError::Invalid(format!(
            "path: {path:?} is not indicators/<id>.yaml or profiles/<id>.yaml (lower-case letters, digits and hyphens)"
        ))
    })
}

impl Node {
    /// Every change recorded, oldest first.
    fn rule_changes(&self, store: &mut dyn Store) -> Result<Vec<RuleChangeView>, NodeError> {
        let mut out = Vec::new();
        for id in crate::border::ids_of_schema(store, CHANGE_SCHEMA)? {
            let statements = store.entity_statements(&id)?;
            if let Some(v) = change_view(&id, &live_statements(&statements)) {
                out.push(v);
            }
        }
        out.sort_by(|a, b| a.proposed_at.cmp(&b.proposed_at).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    /// The files in force: shipped, each replaced by its newest approved change; with the
    /// change each came from, and the approvers of the files changed.
    fn files_in_force(&self, store: &mut dyn Store) -> Result<InForce, NodeError> {
        let mut files: BTreeMap<String, String> =
            corridor_risk::bundled_files().into_iter().collect();
        let mut from = BTreeMap::new();
        let mut approvals = BTreeMap::new();
        let mut approved: Vec<RuleChangeView> = self
            .rule_changes(store)?
            .into_iter()
            .filter(|c| c.state == "approved")
            .collect();
        approved.sort_by(|a, b| a.approved_at.cmp(&b.approved_at));
        for c in approved {
            let approver = c.approved_by.clone().unwrap_or_default();
            approvals.insert(c.path.clone(), vec![c.proposed_by.clone(), approver]);
            files.insert(c.path.clone(), c.text.clone());
            from.insert(c.path.clone(), c.id.clone());
        }
        Ok(InForce {
            files: files.into_iter().collect(),
            from,
            approvals,
        })
    }

    /// The rules in force (cached until a change is approved).
    pub(crate) fn risk_rules_in(&self, store: &mut dyn Store) -> Result<Arc<RuleSet>, NodeError> {
        if let Some(r) = self
            .risk
            .rules
            .read()
            .expect("no panics while held")
            .clone()
        {
            return Ok(r);
        }
        let f = self.files_in_force(store)?;
        let rules = RuleSet::load_approved(corridor_risk::FIELDS, &f.files, &f.approvals).map_err(
            |errors| {
                NodeError::Io(format!(
                    "the risk rules in force do not load: {}",
                    errors
                        .iter()
                        .map(|e| e.to_string())
                        .collect::<Vec<_>>()
                        .join("; ")
                ))
            },
        )?;
        let rules = Arc::new(rules);
        *self.risk.rules.write().expect("no panics while held") = Some(rules.clone());
        Ok(rules)
    }

    /// The rules in force with one file replaced (its approvers pending), checked: what a
    /// proposal would make.
    pub(crate) fn rules_with(
        &self,
        store: &mut dyn Store,
        path: &str,
        text: &str,
        proposer: &str,
    ) -> Result<RuleSet, NodeError> {
        let mut f = self.files_in_force(store)?;
        f.files.retain(|(p, _)| p != path);
        f.files.push((path.to_string(), text.to_string()));
        f.approvals.insert(
            path.to_string(),
            vec![proposer.to_string(), PENDING.to_string()],
        );
        RuleSet::load_approved(corridor_risk::FIELDS, &f.files, &f.approvals).map_err(|errors| {
            NodeError::Invalid(
                errors
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("\n"),
            )
        })
    }

    /// Profiles, indicators, the field catalogue and every change.
    pub fn risk_rules(&self, subject: &Subject) -> Result<RulesView, NodeError> {
        if self.require(subject, Action::ManageRisk).is_err() {
            self.require(subject, Action::DecideAlerts)?;
        }
        let mut store = self.store();
        let rules = self.risk_rules_in(&mut **store)?;
        let from = self.files_in_force(&mut **store)?.from;
        let today = days(&now()).unwrap_or(0);
        let profiles = rules
            .profiles
            .values()
            .map(|p| {
                let left = days(&p.review_by).map_or(0, |d| d - today);
                let file = rules.sources.get(&p.id).cloned().unwrap_or_default();
                ProfileView {
                    profile: p.clone(),
                    status: if left < 0 { "expired" } else { "in_force" },
                    days_to_review: left,
                    change: from.get(&file).cloned(),
                    file,
                }
            })
            .collect();
        let mut changes = self.rule_changes(&mut **store)?;
        changes.reverse();
        Ok(RulesView {
            profiles,
            indicators: rules.indicators.values().cloned().collect(),
            fields: rules.fields.clone(),
            changes,
        })
    }

    fn change_provenance(&self, subject: &Subject) -> Arc<Provenance> {
        Arc::new(Provenance {
            dataset: "risk-rules".into(),
            recorded_by: subject.username.clone(),
            recorded_at: now(),
            handling: HandlingCode::Restricted,
            purpose: Purpose::BorderManagement,
            reliability: corridor_model::SourceReliability::A,
            grade: corridor_model::InformationGrade::Known,
        })
    }

    fn write_change(
        &self,
        store: &mut dyn Store,
        id: &str,
        provenance: &Arc<Provenance>,
        facts: &[(&str, String)],
    ) -> Result<(), NodeError> {
        let mut statements = Vec::new();
        for (prop, value) in facts {
            let value = self.clean(CHANGE_SCHEMA, prop, value, prop)?;
            statements.push(Statement::assert(
                id,
                CHANGE_SCHEMA,
                prop,
                value,
                None,
                provenance.clone(),
            ));
        }
        let mut tx = store.begin()?;
        tx.write(&statements)?;
        tx.commit()?;
        Ok(())
    }

    /// Checks a proposed file against the rules in force; the problems name file, line and
    /// rule.
    fn check_proposal(
        &self,
        store: &mut dyn Store,
        input: &RuleChangeInput,
        proposer: &str,
    ) -> Result<RuleSet, NodeError> {
        let stem = check_path(&input.path)?;
        if input.text.len() > 64 * 1024 {
            return Err(NodeError::Invalid(format!(
                "text: {} bytes; a rule file has at most 64 KiB",
                input.text.len()
            )));
        }
        if input
            .text
            .lines()
            .any(|l| l.trim_start().starts_with("approved_by"))
        {
            return Err(NodeError::Invalid(format!(
                "{}: approved_by is filled in by the node from the users who propose and approve the change; leave it out",
                input.path
            )));
        }
        let is_profile = input.path.starts_with("profiles/");
        let set = self.rules_with(store, &input.path, &input.text, proposer)?;
        let in_force = self.risk_rules_in(store)?;
        let (id, version, before) = if is_profile {
            let Some(p) = set
                .profiles
                .values()
                .find(|p| set.sources.get(&p.id) == Some(&input.path))
            else {
                return Err(NodeError::Invalid(format!(
                    "{}: no profile in the file",
                    input.path
                )));
            };
            let today = days(&now()).unwrap_or(0);
            let review = days(&p.review_by).unwrap_or(0);
            if review - today > MAX_REVIEW_DAYS {
                return Err(NodeError::Invalid(format!(
                    "{}: review_by {} is more than a year ahead; a profile is reviewed at least once a year",
                    input.path, p.review_by
                )));
            }
            if review < today {
                return Err(NodeError::Invalid(format!(
                    "{}: review_by {} has passed",
                    input.path, p.review_by
                )));
            }
            (
                p.id.clone(),
                p.version,
                in_force.profiles.get(&p.id).map(|q| q.version),
            )
        } else {
            let Some(i) = set
                .indicators
                .values()
                .find(|i| set.sources.get(&i.id) == Some(&input.path))
            else {
                return Err(NodeError::Invalid(format!(
                    "{}: no indicator in the file",
                    input.path
                )));
            };
            (
                i.id.clone(),
                i.version,
                in_force.indicators.get(&i.id).map(|q| q.version),
            )
        };
        if id != stem {
            return Err(NodeError::Invalid(format!(
                "{}: the rule's id is {id:?}; the file must be named after it",
                input.path
            )));
        }
        if let Some(before) = before
            && version <= before
        {
            return Err(NodeError::Invalid(format!(
                "{}: version {version} is not after the version in force ({before}); a change takes a new version",
                input.path
            )));
        }
        Ok(set)
    }

    /// Records a proposed change; it runs only once a second user approves it.
    pub fn propose_risk_change(
        &self,
        subject: &Subject,
        input: RuleChangeInput,
    ) -> Result<RuleChangeView, NodeError> {
        self.require(subject, Action::ManageRisk)?;
        let note = input.note.trim();
        if !(3..=500).contains(&note.chars().count()) {
            return Err(NodeError::Invalid(
                "note: say why, in 3 to 500 characters".into(),
            ));
        }
        let mut store = self.store();
        if let Err(e) = self.check_proposal(&mut **store, &input, &subject.username) {
            self.audit(
                &mut **store,
                &subject.username,
                "propose_risk_change",
                &input.path,
                Some(note),
                &format!("refused: {}", e.to_string().lines().next().unwrap_or("")),
            )?;
            return Err(e);
        }
        let id = super::super::protection::new_id("risk-change")?;
        let provenance = self.change_provenance(subject);
        self.write_change(
            &mut **store,
            &id,
            &provenance,
            &[
                ("path", input.path.clone()),
                ("text", input.text.clone()),
                ("note", note.to_string()),
                ("proposedBy", subject.username.clone()),
                ("proposedAt", provenance.recorded_at.clone()),
            ],
        )?;
        self.audit(
            &mut **store,
            &subject.username,
            "propose_risk_change",
            &format!("{} ({id})", input.path),
            Some(note),
            "allowed: pending a second user's approval",
        )?;
        let statements = store.entity_statements(&id)?;
        change_view(&id, &live_statements(&statements))
            .ok_or_else(|| NodeError::Io("the change was not recorded".into()))
    }

    /// Approves (`approve`) or refuses a pending change. The proposer may refuse (withdraw)
    /// their own change but never approve it.
    pub fn decide_risk_change(
        &self,
        subject: &Subject,
        id: &str,
        approve: bool,
        note: &str,
    ) -> Result<RuleChangeView, NodeError> {
        self.require(subject, Action::ManageRisk)?;
        let note = note.trim();
        if !(3..=500).contains(&note.chars().count()) {
            return Err(NodeError::Invalid(
                "note: say why, in 3 to 500 characters".into(),
            ));
        }
        let mut store = self.store();
        let statements = store.entity_statements(id)?;
        let Some(change) = change_view(id, &live_statements(&statements)) else {
            return Err(NodeError::NotFound(format!("no risk rule change {id:?}")));
        };
        let action = if approve {
            "approve_risk_change"
        } else {
            "refuse_risk_change"
        };
        let refuse = |store: &mut dyn Store, e: NodeError| -> Result<RuleChangeView, NodeError> {
            self.audit(
                store,
                &subject.username,
                action,
                id,
                Some(note),
                &format!("refused: {e}"),
            )?;
            Err(e)
        };
        if change.state != "pending" {
            return refuse(
                &mut **store,
                NodeError::Conflict(format!("change {id} is already {}", change.state)),
            );
        }
        if approve && change.proposed_by == subject.username {
            return refuse(
                &mut **store,
                NodeError::Forbidden(
                    "a change needs a second user's approval: you proposed it".into(),
                ),
            );
        }
        let provenance = self.change_provenance(subject);
        if approve {
            // The rules may have moved on since the proposal: check it again.
            let input = RuleChangeInput {
                path: change.path.clone(),
                text: change.text.clone(),
                note: change.note.clone(),
            };
            if let Err(e) = self.check_proposal(&mut **store, &input, &change.proposed_by) {
                return refuse(&mut **store, e);
            }
            self.write_change(
                &mut **store,
                id,
                &provenance,
                &[
                    ("approvedBy", subject.username.clone()),
                    ("approvedAt", provenance.recorded_at.clone()),
                    ("decisionNote", note.to_string()),
                ],
            )?;
            *self.risk.rules.write().expect("no panics while held") = None;
        } else {
            self.write_change(
                &mut **store,
                id,
                &provenance,
                &[
                    ("refusedBy", subject.username.clone()),
                    ("refusedAt", provenance.recorded_at.clone()),
                    ("decisionNote", note.to_string()),
                ],
            )?;
        }
        self.audit(
            &mut **store,
            &subject.username,
            action,
            &format!("{} ({id})", change.path),
            Some(note),
            if approve {
                "allowed: in force"
            } else {
                "allowed: refused"
            },
        )?;
        let statements = store.entity_statements(id)?;
        change_view(id, &live_statements(&statements))
            .ok_or_else(|| NodeError::Io("the change was not recorded".into()))
    }

    /// A pending change's rule set, for its backtest before it goes live.
    pub(crate) fn rules_of_change(
        &self,
        store: &mut dyn Store,
        id: &str,
    ) -> Result<RuleSet, NodeError> {
        let statements = store.entity_statements(id)?;
        let Some(change) = change_view(id, &live_statements(&statements)) else {
            return Err(NodeError::NotFound(format!("no risk rule change {id:?}")));
        };
        self.rules_with(store, &change.path, &change.text, &change.proposed_by)
    }
}
