//! Synchronisation between a border post and its national node, without HTTP (the server
//! carries it; `corridor-sync` is the post's client).
//!
//! Key decisions:
//! - What travels is statements, exactly as recorded (ids, values, provenance). Asserted
//!   statements have content ids and retractions ids of what they retract, who and when, so
//!   receiving the same batch twice stores it once: nothing lost (the sender's cursor moves only
//!   after a receipt), nothing doubled.
//! - The receiver trusts nothing: every id is recomputed from its content, every value checked
//!   against the model, every label checked against what the sending account may sync (a post
//!   cannot push intelligence or protection data), entity types against what is stored. One bad
//!   statement refuses the batch, named by its position; the store is left as it was.
//! - Clocks at posts may be wrong. The receiver compares the sender's clock with its own and
//!   flags statements recorded "in the future"; it keeps them as recorded (a post's record is
//!   evidence) and says so in the receipt and the audit log.
//! - Watchlists go down as whole versions with their numbers, through the same import as any
//!   list, so the post screens against exactly what the national node screens against.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use corridor_model::entity::live_statements;
use corridor_model::{HandlingCode, Operation, Provenance, Purpose, Statement, StatementId};
use corridor_policy::{Action, Subject};
use serde::{Deserialize, Serialize};

use crate::views::Gate;
use crate::{Node, NodeError};

/// How a node's synchronisation with its national node stands (a post's; `None` elsewhere).
#[derive(Clone, Debug, Default, Serialize)]
pub struct SyncStatus {
    pub national: String,
    /// `never` (not tried yet), `ok`, or `failing` (the link is down or refused).
    pub state: String,
    pub last_attempt: Option<String>,
    pub last_success: Option<String>,
    pub last_error: Option<String>,
    pub next_attempt: Option<String>,
    /// Statements recorded here since the last push that the national node acknowledged (an
    /// upper bound: some are not sent, such as mirrored lists).
    pub pending: i64,
    /// Statements pushed and acknowledged since this node started.
    pub pushed: u64,
    /// Watchlist versions held here, as `list v<version>`.
    pub watchlists: Vec<String>,
    pub clock_skew_seconds: Option<i64>,
    pub warnings: Vec<String>,
}

/// Which side of a node's records a synchronisation account carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SyncScope {
    /// Border management and law enforcement (a border post's account).
    #[default]
    Enforcement,
    /// Protection only (a protection field node's account).
    Protection,
}

/// Where a post has got to with its national node, kept in the node directory so that a
/// restart neither resends everything nor skips anything.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The local sequence number up to which the national node has acknowledged.
    pub push_after: i64,
    /// The national node's sequence number up to which its alerts have been pulled.
    pub pull_after: i64,
}

const CURSOR_FILE: &str = "sync-state.json";

impl Cursor {
    pub fn load(dir: &std::path::Path) -> Result<Cursor, NodeError> {
        match std::fs::read_to_string(dir.join(CURSOR_FILE)) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|e| NodeError::Io(format!("{}: {e}", dir.join(CURSOR_FILE).display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Cursor::default()),
            Err(e) => Err(NodeError::Io(format!(
                "{}: {e}",
                dir.join(CURSOR_FILE).display()
            ))),
        }
    }

    /// Written to a temporary file and renamed: a crash leaves the old cursor or the new one.
    pub fn save(&self, dir: &std::path::Path) -> Result<(), NodeError> {
        let tmp = dir.join(format!("{CURSOR_FILE}.tmp"));
        let text = serde_json::to_string(self).map_err(|e| NodeError::Io(e.to_string()))?;
        std::fs::write(&tmp, text)
            .and_then(|()| std::fs::rename(&tmp, dir.join(CURSOR_FILE)))
            .map_err(|e| NodeError::Io(format!("{}: {e}", dir.join(CURSOR_FILE).display())))
    }
}

/// Statements per request, either way.
pub const BATCH: usize = 2000;
/// How far a sender's clock may differ from the receiver's before the receipt says so.
pub const CLOCK_TOLERANCE_SECONDS: i64 = 300;

/// One statement on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireStatement {
    pub id: String,
    pub entity_id: String,
    pub schema: String,
    pub prop: String,
    pub value: String,
    #[serde(default)]
    pub original_value: Option<String>,
    pub operation: String,
    #[serde(default)]
    pub retracts: Option<String>,
    pub dataset: String,
    pub recorded_by: String,
    pub recorded_at: String,
    pub handling: String,
    pub purpose: String,
    pub reliability: String,
    pub grade: String,
}

impl From<&Statement> for WireStatement {
    fn from(s: &Statement) -> WireStatement {
        let p = &s.provenance;
        WireStatement {
            id: s.id.to_string(),
            entity_id: s.entity_id.clone(),
            schema: s.schema.clone(),
            prop: s.prop.clone(),
            value: s.value.clone(),
            original_value: s.original_value.clone(),
            operation: s.operation.as_str().to_string(),
            retracts: s.retracts.map(|r| r.to_string()),
            dataset: p.dataset.clone(),
            recorded_by: p.recorded_by.clone(),
            recorded_at: p.recorded_at.clone(),
            handling: p.handling.as_str().to_string(),
            purpose: p.purpose.as_str().to_string(),
            reliability: p.reliability.as_str().to_string(),
            grade: p.grade.as_str().to_string(),
        }
    }
}

impl WireStatement {
    /// Rebuilds the statement, checking everything a sender could get wrong or forge.
    pub(crate) fn into_statement(
        self,
        model: &corridor_model::Model,
        provenances: &mut HashMap<Provenance, Arc<Provenance>>,
    ) -> Result<Statement, String> {
        let schema = model
            .get(&self.schema)
            .ok_or_else(|| format!("schema: unknown {:?}", self.schema))?;
        let prop = schema
            .property(&self.prop)
            .ok_or_else(|| format!("prop: {} has no property {:?}", self.schema, self.prop))?;
        corridor_model::id::check_entity_id(&self.entity_id)
            .map_err(|e| format!("entity_id: {e}"))?;
        let operation: Operation = self
            .operation
            .parse()
            .map_err(|e| format!("operation: {e}"))?;
        let id: StatementId = self.id.parse().map_err(|e| format!("id: {e}"))?;
        let text = |field: &str, v: &str| -> Result<(), String> {
            if v.is_empty() || v.len() > 200 {
                Err(format!("{field}: 1 to 200 characters"))
            } else {
                Ok(())
            }
        };
        text("dataset", &self.dataset)?;
        text("recorded_by", &self.recorded_by)?;
        if corridor_model::types::parse_unix_utc(&self.recorded_at).is_none() {
            return Err(format!(
                "recorded_at: {:?} is not a moment",
                self.recorded_at
            ));
        }
        let provenance = Provenance {
            dataset: self.dataset,
            recorded_by: self.recorded_by,
            recorded_at: self.recorded_at,
            handling: self
                .handling
                .parse()
                .map_err(|e| format!("handling: {e}"))?,
            purpose: self.purpose.parse().map_err(|e| format!("purpose: {e}"))?,
            reliability: self
                .reliability
                .parse()
                .map_err(|e| format!("reliability: {e}"))?,
            grade: self.grade.parse().map_err(|e| format!("grade: {e}"))?,
        };
        let provenance = provenances
            .entry(provenance.clone())
            .or_insert_with(|| Arc::new(provenance))
            .clone();
        match operation {
            Operation::Assert => {
                let clean = prop
                    .clean(&self.value, Default::default())
                    .map_err(|e| format!("value: {e}"))?;
                if clean != self.value {
                    return Err(format!(
                        "value: {:?} is not in normal form ({clean:?})",
                        self.value
                    ));
                }
                let s = Statement::assert(
                    &self.entity_id,
                    &schema.name,
                    &prop.name,
                    self.value,
                    self.original_value,
                    provenance,
                );
                if s.id != id {
                    return Err("id: does not match the statement's content".into());
                }
                Ok(s)
            }
            Operation::Retract => {
                let target: StatementId = self
                    .retracts
                    .as_deref()
                    .ok_or("retracts: a retraction names what it retracts")?
                    .parse()
                    .map_err(|e| format!("retracts: {e}"))?;
                let expected = StatementId::for_retraction(
                    target,
                    &provenance.recorded_by,
                    &provenance.recorded_at,
                );
                if expected != id {
                    return Err("id: does not match the retraction's content".into());
                }
                Ok(Statement {
                    id,
                    entity_id: self.entity_id,
                    schema: schema.name.clone(),
                    prop: prop.name.clone(),
                    value: self.value,
                    original_value: None,
                    operation,
                    retracts: Some(target),
                    provenance,
                })
            }
        }
    }
}

/// A batch a post sends.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    /// The sending node's name, for the audit log.
    pub node: String,
    /// The sender's clock when it sent.
    pub sent_at: String,
    pub statements: Vec<WireStatement>,
}

/// What the receiver did with a batch.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Receipt {
    pub received: usize,
    pub inserted: u64,
    pub already_present: u64,
    /// Sender's clock minus the receiver's, in seconds.
    pub clock_skew_seconds: i64,
    pub warnings: Vec<String>,
}

/// Statements a node gives a partner: those after `after` that the partner may sync, and the
/// sequence number to continue from.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Page {
    pub statements: Vec<WireStatement>,
    pub last: i64,
    pub more: bool,
}

impl Node {
    /// How synchronisation stands, for the officers and administrators of a post.
    pub fn sync_status(&self, subject: &Subject) -> Result<Option<SyncStatus>, NodeError> {
        let allowed = [Action::Screen, Action::ReadAudit, Action::Sync]
            .into_iter()
            .any(|a| self.require(subject, a).is_ok());
        if !allowed {
            return Err(NodeError::Forbidden(
                "synchronisation status is for border roles and administrators".into(),
            ));
        }
        Ok(self.sync_state.lock().ok().and_then(|s| s.clone()))
    }

    /// Records how synchronisation stands (the post's client calls this after each round).
    pub fn set_sync_status(&self, status: SyncStatus) {
        if let Ok(mut slot) = self.sync_state.lock() {
            *slot = Some(status);
        }
    }

    /// Receives a batch from a partner: checked whole, written in one transaction.
    pub fn sync_receive(&self, subject: &Subject, batch: Batch) -> Result<Receipt, NodeError> {
        self.require(subject, Action::Sync)?;
        // Protection data is read only with a stated reason: synchronisation from the named
        // node is it (audited with the batch).
        let subject = &Subject {
            reason: Some(
                subject
                    .reason
                    .clone()
                    .unwrap_or_else(|| format!("synchronisation from {}", batch.node.trim())),
            ),
            ..subject.clone()
        };
        if batch.statements.len() > BATCH {
            return Err(NodeError::Invalid(format!(
                "statements: {} in one batch (at most {BATCH})",
                batch.statements.len()
            )));
        }
        let node_name = batch.node.trim();
        if node_name.is_empty() || node_name.len() > 100 {
            return Err(NodeError::Invalid("node: 1 to 100 characters".into()));
        }
        let now = crate::now_unix();
        let sent = corridor_model::types::parse_unix_utc(&batch.sent_at).ok_or_else(|| {
            NodeError::Invalid(format!("sent_at: {:?} is not a moment", batch.sent_at))
        })?;
        let mut receipt = Receipt {
            received: batch.statements.len(),
            clock_skew_seconds: sent - now,
            ..Default::default()
        };
        if receipt.clock_skew_seconds.abs() > CLOCK_TOLERANCE_SECONDS {
            receipt.warnings.push(format!(
                "the clock of {node_name} is {} {} this node's: times it records are as its clock read them",
                human_duration(receipt.clock_skew_seconds.abs()),
                if receipt.clock_skew_seconds > 0 { "ahead of" } else { "behind" }
            ));
        }
        let mut gate = Gate::new(&self.policy, subject, Action::Sync);
        let mut provenances = HashMap::new();
        let mut statements = Vec::with_capacity(batch.statements.len());
        let mut future = 0usize;
        for (i, wire) in batch.statements.into_iter().enumerate() {
            let s = wire
                .into_statement(&self.model, &mut provenances)
                .map_err(|e| NodeError::Invalid(format!("statements[{i}]: {e}")))?;
            if !gate.allows(&s) {
                return Err(NodeError::Forbidden(format!(
                    "statements[{i}]: {} data with handling {} may not be synchronised by this account",
                    s.provenance.purpose, s.provenance.handling
                )));
            }
            if corridor_model::types::parse_unix_utc(&s.provenance.recorded_at)
                .is_some_and(|t| t > now + CLOCK_TOLERANCE_SECONDS)
            {
                future += 1;
            }
            statements.push(s);
        }
        if future > 0 {
            receipt.warnings.push(format!(
                "{future} statements were recorded later than this node's clock reads now: their times come from a clock that is wrong"
            ));
        }
        let mut store = self.store();
        let mut tx = store.begin()?;
        // An entity must keep one type across nodes, as across imports.
        let mut by_entity: BTreeMap<&str, &str> = BTreeMap::new();
        for s in &statements {
            by_entity.entry(&s.entity_id).or_insert(&s.schema);
        }
        let ids: Vec<String> = by_entity.keys().map(|s| s.to_string()).collect();
        for chunk in ids.chunks(1000) {
            for (id, schemata) in tx.schemata_of(chunk)? {
                let incoming = by_entity[id.as_str()];
                if let Some(other) = schemata
                    .iter()
                    .find(|s| self.model.common_schema(s, incoming).is_none())
                {
                    return Err(NodeError::Conflict(format!(
                        "entity {id}: is a {other} here, the batch makes it a {incoming}"
                    )));
                }
            }
        }
        tx.write(&statements)?;
        let summary = tx.commit()?;
        receipt.inserted = summary.inserted;
        receipt.already_present = summary.already_present;
        self.audit(
            &mut **store,
            &subject.username,
            "sync_receive",
            &format!("node {node_name}"),
            None,
            &format!(
                "allowed: {} statements ({} new, {} already present); clock skew {} s{}",
                receipt.received,
                receipt.inserted,
                receipt.already_present,
                receipt.clock_skew_seconds,
                if receipt.warnings.is_empty() {
                    String::new()
                } else {
                    format!("; {}", receipt.warnings.join("; "))
                }
            ),
        )?;
        self.link_new_records(&mut **store);
        Ok(receipt)
    }

    /// Statements after `after` of the datasets named, that the partner may sync.
    pub fn sync_page(
        &self,
        subject: &Subject,
        after: i64,
        datasets: &[&str],
    ) -> Result<Page, NodeError> {
        self.require(subject, Action::Sync)?;
        let mut gate = Gate::new(&self.policy, subject, Action::Sync);
        let mut store = self.store();
        let rows = store.statements_after(after, BATCH * 5)?;
        let more = rows.len() == BATCH * 5;
        let last = rows.last().map_or(after, |r| r.0);
        let statements = rows
            .iter()
            .filter(|(_, s)| datasets.contains(&s.provenance.dataset.as_str()) && gate.allows(s))
            .map(|(_, s)| WireStatement::from(s))
            .collect();
        Ok(Page {
            statements,
            last,
            more,
        })
    }

    /// The latest version of every list, for a mirror to compare with its own.
    pub fn sync_watchlist_versions(
        &self,
        subject: &Subject,
    ) -> Result<Vec<corridor_store::WatchlistVersion>, NodeError> {
        self.require(subject, Action::Sync)?;
        let mut latest: BTreeMap<String, corridor_store::WatchlistVersion> = BTreeMap::new();
        for v in self.store().watchlist_versions()? {
            latest.insert(v.list.clone(), v);
        }
        Ok(latest.into_values().collect())
    }

    /// One version of a list as FtM JSON lines: its members with the list's own facts.
    pub fn sync_watchlist(
        &self,
        subject: &Subject,
        list: &str,
        version: u64,
    ) -> Result<String, NodeError> {
        self.require(subject, Action::Sync)?;
        crate::border::check_list_name(list)?;
        let mut store = self.store();
        let Some(v) = store
            .watchlist_versions()?
            .into_iter()
            .find(|v| v.list == list && v.version == version)
        else {
            return Err(NodeError::NotFound(format!(
                "watchlist {list:?} has no version {version}"
            )));
        };
        let mut gate = Gate::new(&self.policy, subject, Action::Sync);
        let mut out = String::new();
        for id in store.watchlist_members(list, version)? {
            let statements: Vec<Statement> = store
                .entity_statements(&id)?
                .into_iter()
                .filter(|s| s.provenance.dataset == v.dataset)
                .collect();
            let visible: Vec<Statement> = live_statements(&statements)
                .into_iter()
                .filter(|s| gate.allows(s))
                .cloned()
                .collect();
            if let Ok(Some(entity)) = corridor_model::Entity::fold(&self.model, &visible) {
                out.push_str(&corridor_formats::ftm::entity_to_ftm(&entity).to_string());
                out.push('\n');
            }
        }
        Ok(out)
    }

    /// The statements this node sends its national node: after `after`, recorded here (not
    /// the watchlists it mirrors), at most [`BATCH`].
    pub fn sync_outgoing(&self, after: i64) -> Result<Page, NodeError> {
        self.sync_outgoing_scoped(after, SyncScope::Enforcement)
    }

    /// A page of what this node sends: its own records but the mirrored watchlists, of one
    /// side only — a post's enforcement records to its border_post account, a protection field
    /// node's records to its protection_post account. Never both through one account.
    pub fn sync_outgoing_scoped(&self, after: i64, scope: SyncScope) -> Result<Page, NodeError> {
        let mut store = self.store();
        let rows = store.statements_after(after, BATCH)?;
        let more = rows.len() == BATCH;
        let last = rows.last().map_or(after, |r| r.0);
        let statements = rows
            .iter()
            .filter(|(_, s)| !s.provenance.dataset.starts_with("watchlist-"))
            .filter(|(_, s)| {
                let protection = s.provenance.purpose == Purpose::Protection
                    || s.provenance.handling == HandlingCode::Protection;
                protection == (scope == SyncScope::Protection)
            })
            .map(|(_, s)| WireStatement::from(s))
            .collect();
        Ok(Page {
            statements,
            last,
            more,
        })
    }

    /// Writes statements pulled from the national node (alerts and their decisions), checked
    /// as a receiver checks any batch.
    pub fn sync_store_pulled(&self, statements: Vec<WireStatement>) -> Result<u64, NodeError> {
        let mut provenances = HashMap::new();
        let mut checked = Vec::with_capacity(statements.len());
        for (i, wire) in statements.into_iter().enumerate() {
            checked.push(
                wire.into_statement(&self.model, &mut provenances)
                    .map_err(|e| NodeError::Invalid(format!("pulled statements[{i}]: {e}")))?,
            );
        }
        let mut store = self.store();
        let mut tx = store.begin()?;
        tx.write(&checked)?;
        let summary = tx.commit()?;
        self.link_new_records(&mut **store);
        Ok(summary.inserted)
    }
}

fn human_duration(seconds: i64) -> String {
    if seconds >= 7200 {
        format!("{} hours", seconds / 3600)
    } else if seconds >= 120 {
        format!("{} minutes", seconds / 60)
    } else {
        format!("{seconds} seconds")
    }
}

#[cfg(test)]
mod tests;
