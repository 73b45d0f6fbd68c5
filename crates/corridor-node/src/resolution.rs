//! Entity resolution inside a node: who is who across the node's sources.
//!
//! - **What is resolved**: persons, organisations, vehicles and vessels, phone numbers and
//!   accounts, each with its settings as data (`resolution/*.yaml`). A record is an entity's
//!   live facts, **protection data left out**: purpose separation holds here too, so a
//!   protection registration never links to, or lends evidence to, an enforcement record.
//! - **How**: a full run at start (`Index::build`), then every entity written since — by the
//!   API, an import, another process — is linked incrementally as the node follows the store's
//!   recording order.
//! - **Judgements are data**: appended to the store with user and time, never changed; the
//!   latest judgement of a pair holds; an undo is a new row. The index applies them at once,
//!   and a rebuild honours them, so a re-run never overrides an analyst.
//! - **What a reviewer sees**: a pair is shown only when the reviewer may see both entities, and
//!   its evidence is recomputed from the facts the reviewer may see, never from hidden ones.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use corridor_model::{HandlingCode, Purpose, Statement, entity::live_statements};
use corridor_resolve::incremental::{Index, Record, Verdict};
use corridor_resolve::{Settings, Table};
use corridor_store::{JudgementRecord, Store};
use serde::{Deserialize, Serialize};

use crate::NodeError;

/// One kind of entity the node resolves.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Schemata resolved together (a Vessel is compared with Vehicles).
    pub schemata: Vec<String>,
    pub settings: Settings,
}

impl Spec {
    /// The name the spec goes by: its first schema.
    pub fn name(&self) -> &str {
        &self.schemata[0]
    }
}

const SPEC_FILES: &[(&str, &str)] = &[
    ("Person.yaml", include_str!("../resolution/Person.yaml")),
    (
        "Organization.yaml",
        include_str!("../resolution/Organization.yaml"),
    ),
    ("Vehicle.yaml", include_str!("../resolution/Vehicle.yaml")),
    (
        "PhoneNumber.yaml",
        include_str!("../resolution/PhoneNumber.yaml"),
    ),
    (
        "BankAccount.yaml",
        include_str!("../resolution/BankAccount.yaml"),
    ),
];

/// The built-in specs, checked: each schema known, each settings column a property of it.
pub fn builtin_specs(model: &corridor_model::Model) -> Result<Vec<Spec>, String> {
    let mut out: Vec<Spec> = Vec::new();
    for (file, text) in SPEC_FILES {
        let spec: Spec = serde_yaml_ng::from_str(text).map_err(|e| format!("{file}: {e}"))?;
        if spec.schemata.is_empty() {
            return Err(format!("{file}: schemata: name at least one"));
        }
        let mut columns: Vec<String> = vec![spec.settings.unique_id.clone()];
        for c in &spec.settings.comparisons {
            columns.extend(c.columns.iter().cloned());
            if let Some(p) = c.columns.iter().find(|p| {
                !spec
                    .schemata
                    .iter()
                    .any(|s| model.get(s).is_some_and(|d| d.property(p).is_some()))
            }) {
                return Err(format!(
                    "{file}: comparison {:?}: no schema of {:?} has a property {p:?}",
                    c.name, spec.schemata
                ));
            }
        }
        spec.settings
            .check(&columns)
            .map_err(|e| format!("{file}: {e}"))?;
        if let Some(s) = spec.schemata.iter().find(|s| model.get(s).is_none()) {
            return Err(format!("{file}: unknown schema {s:?}"));
        }
        if let Some(s) = spec
            .schemata
            .iter()
            .find(|s| out.iter().any(|o| o.schemata.contains(s)))
        {
            return Err(format!("{file}: schema {s:?} is resolved by another file"));
        }
        out.push(spec);
    }
    Ok(out)
}

/// Facts that may be used for resolution: not protection data.
fn usable(s: &Statement) -> bool {
    s.provenance.purpose != Purpose::Protection && s.provenance.handling != HandlingCode::Protection
}

/// An entity's record for `spec` from the given live facts: the first value of each property
/// the settings read. None when the entity is not of the spec's schemata or has no values.
fn record_of(spec: &Spec, id: &str, live: &[&Statement]) -> Option<Record> {
    if !live.iter().any(|s| spec.schemata.contains(&s.schema)) {
        return None;
    }
    let mut values: HashMap<String, String> = HashMap::new();
    for c in &spec.settings.comparisons {
        for prop in &c.columns {
            if values.contains_key(prop) {
                continue;
            }
            if let Some(s) = live.iter().find(|s| &s.prop == prop) {
                values.insert(prop.clone(), s.value.clone());
            }
        }
    }
    if values.is_empty() {
        return None;
    }
    Some(Record {
        id: id.to_string(),
        values,
    })
}

/// Where resolution stands.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Status {
    /// Not started (a node opened by a command that does not resolve).
    Idle,
    Building {
        message: String,
    },
    Ready,
    Failed {
        message: String,
    },
}

/// One spec's part of the resolution state.
struct Part {
    spec: Spec,
    index: Option<Index>,
    /// Records seen while there were too few to build an index.
    waiting: Vec<Record>,
}

struct State {
    status: Status,
    parts: Vec<Part>,
    /// Which part holds each entity.
    part_of: HashMap<String, usize>,
    /// The statement sequence number linked up to.
    followed: i64,
    /// Per pair, its judgements in force, latest last (an undo pops).
    verdicts: HashMap<(String, String), Vec<(u64, Verdict)>>,
    /// Every judgement, by seq.
    judgements: HashMap<u64, JudgementRecord>,
}

/// The fewest records an index is built from.
const MIN_RECORDS: usize = 2;

pub struct Resolver {
    specs: Vec<Spec>,
    state: RwLock<State>,
    /// Bumped whenever clusters may have changed, so that what is built on them (the network)
    /// knows to rebuild.
    pub(crate) changes: std::sync::atomic::AtomicU64,
}

/// Applies one judgement row to the per-pair stacks; returns the pair's verdict in force.
fn fold(
    verdicts: &mut HashMap<(String, String), Vec<(u64, Verdict)>>,
    j: &JudgementRecord,
) -> Option<Verdict> {
    let stack = verdicts
        .entry((j.left_id.clone(), j.right_id.clone()))
        .or_default();
    match Verdict::parse(&j.judgement) {
        Some(v) => stack.push((j.seq, v)),
        None => {
            if stack.last().map(|x| x.0) == j.undoes {
                stack.pop();
            }
        }
    }
    stack.last().map(|x| x.1)
}

impl Resolver {
    pub fn new(model: &corridor_model::Model) -> Result<Resolver, NodeError> {
        let specs = builtin_specs(model).map_err(NodeError::Invalid)?;
        Ok(Resolver {
            state: RwLock::new(State {
                status: Status::Idle,
                parts: Vec::new(),
                part_of: HashMap::new(),
                followed: 0,
                verdicts: HashMap::new(),
                judgements: HashMap::new(),
            }),
            specs,
            changes: Default::default(),
        })
    }

    /// Changes to the clusters so far (a full run, records linked, judgements).
    pub fn version(&self) -> u64 {
        self.changes.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The name of the cluster a record was resolved into with others (its first record);
    /// `None` when it stands alone or resolution has not run.
    pub fn cluster_name(&self, id: &str) -> Option<String> {
        let state = self.state.read().expect("no panics while held");
        let &k = state.part_of.get(id)?;
        let (name, members) = state.parts[k].index.as_ref()?.cluster_of(id)?;
        (members.len() > 1).then_some(name)
    }

    /// Every record resolved with `id`, itself included (just `id` when it stands alone or
    /// resolution has not run).
    pub fn cluster_members(&self, id: &str) -> Vec<String> {
        let state = self.state.read().expect("no panics while held");
        state
            .part_of
            .get(id)
            .and_then(|&k| state.parts[k].index.as_ref()?.cluster_of(id))
            .map_or_else(|| vec![id.to_string()], |(_, members)| members)
    }

    pub fn status(&self) -> Status {
        self.state
            .read()
            .expect("no panics while held")
            .status
            .clone()
    }

    fn set_status(&self, status: Status) {
        self.state.write().expect("no panics while held").status = status;
    }

    /// A full run over the store, judgements honoured; replaces the state when done (reads
    /// are served from the old state meanwhile).
    pub fn build(&self, store: &mut dyn Store) -> Result<(), NodeError> {
        self.set_status(Status::Building {
            message: "reading entities".into(),
        });
        let result = self.build_inner(store);
        if let Err(e) = &result {
            self.set_status(Status::Failed {
                message: e.to_string(),
            });
        }
        result
    }

    fn build_inner(&self, store: &mut dyn Store) -> Result<(), NodeError> {
        let followed = store.last_statement_seq()?;
        let mut rows: Vec<Vec<Record>> = vec![Vec::new(); self.specs.len()];
        store.scan_entities(&mut |statements| {
            let usable: Vec<Statement> = statements.iter().filter(|s| usable(s)).cloned().collect();
            let live = live_statements(&usable);
            let Some(first) = live.first() else {
                return Ok(());
            };
            let id = first.entity_id.clone();
            for (k, spec) in self.specs.iter().enumerate() {
                if let Some(r) = record_of(spec, &id, &live) {
                    rows[k].push(r);
                    break;
                }
            }
            Ok(())
        })?;
        let judgements = store.judgements(0)?;
        let mut verdicts = HashMap::new();
        for j in &judgements {
            fold(&mut verdicts, j);
        }
        let in_force: Vec<(String, String, Verdict)> = verdicts
            .iter()
            .filter_map(
                |((a, b), stack): (&(String, String), &Vec<(u64, Verdict)>)| {
                    stack.last().map(|(_, v)| (a.clone(), b.clone(), *v))
                },
            )
            .collect();
        let mut parts = Vec::new();
        let mut part_of = HashMap::new();
        for (k, (spec, records)) in self.specs.iter().zip(rows).enumerate() {
            self.set_status(Status::Building {
                message: format!("resolving {} records of {}", records.len(), spec.name()),
            });
            for r in &records {
                part_of.insert(r.id.clone(), k);
            }
            let mut part = Part {
                spec: spec.clone(),
                index: None,
                waiting: Vec::new(),
            };
            if records.len() >= MIN_RECORDS {
                part.index = Some(build_index(spec, &records, &in_force)?);
            } else {
                part.waiting = records;
            }
            parts.push(part);
        }
        let mut state = self.state.write().expect("no panics while held");
        self.changes
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        *state = State {
            status: Status::Ready,
            parts,
            part_of,
            followed,
            verdicts,
            judgements: judgements.into_iter().map(|j| (j.seq, j)).collect(),
        };
        Ok(())
    }

    /// Links every entity written since the last look. Returns how many were linked.
    pub fn follow(&self, store: &mut dyn Store) -> Result<usize, NodeError> {
        if !matches!(self.status(), Status::Ready) {
            return Ok(0);
        }
        let mut linked = 0;
        loop {
            let from = self.state.read().expect("no panics while held").followed;
            let (ids, last) = store.changed_entities(from, 10_000)?;
            if last == from {
                return Ok(linked);
            }
            let mut records = Vec::new();
            for id in &ids {
                let statements = store.entity_statements(id)?;
                let usable: Vec<Statement> = statements.into_iter().filter(usable).collect();
                let live = live_statements(&usable);
                for (k, spec) in self.specs.iter().enumerate() {
                    if let Some(r) = record_of(spec, id, &live) {
                        records.push((k, r));
                        break;
                    }
                }
            }
            let mut state = self.state.write().expect("no panics while held");
            self.changes
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let in_force: Vec<(String, String, Verdict)> = in_force(&state.verdicts);
            for (k, record) in records {
                state.part_of.insert(record.id.clone(), k);
                let part = &mut state.parts[k];
                match &mut part.index {
                    Some(index) => {
                        // A record the engine refuses (a 10,000-character name) stays out of
                        // resolution; the write itself has already been checked and kept.
                        if index.link(&record).is_ok() {
                            linked += 1;
                        }
                    }
                    None => {
                        part.waiting.retain(|r| r.id != record.id);
                        part.waiting.push(record);
                        if part.waiting.len() >= MIN_RECORDS {
                            part.index = Some(build_index(&part.spec, &part.waiting, &in_force)?);
                            linked += part.waiting.len();
                            part.waiting.clear();
                        }
                    }
                }
            }
            state.followed = last;
        }
    }

    /// Starts the node's resolution on its own thread and store connection: a full run, then
    /// following the store every `interval`.
    pub fn start(
        self: &Arc<Self>,
        location: corridor_store::Location,
        model: Arc<corridor_model::Model>,
        interval: std::time::Duration,
    ) {
        let resolver = self.clone();
        std::thread::Builder::new()
            .name("resolution".into())
            .spawn(move || {
                let mut store = match corridor_store::open(&location, model) {
                    Ok(s) => s,
                    Err(e) => {
                        resolver.set_status(Status::Failed {
                            message: format!("opening the store: {e}"),
                        });
                        return;
                    }
                };
                if resolver.build(&mut *store).is_err() {
                    return;
                }
                loop {
                    std::thread::sleep(interval);
                    // A failed look is tried again at the next interval.
                    let _ = resolver.follow(&mut *store);
                }
            })
            .expect("a thread can be started");
    }
}

fn in_force(
    verdicts: &HashMap<(String, String), Vec<(u64, Verdict)>>,
) -> Vec<(String, String, Verdict)> {
    verdicts
        .iter()
        .filter_map(|((a, b), stack)| stack.last().map(|(_, v)| (a.clone(), b.clone(), *v)))
        .collect()
}

fn build_index(
    spec: &Spec,
    records: &[Record],
    judgements: &[(String, String, Verdict)],
) -> Result<Index, NodeError> {
    let columns: Vec<String> = std::iter::once(spec.settings.unique_id.clone())
        .chain(
            spec.settings
                .comparisons
                .iter()
                .flat_map(|c| c.columns.iter().cloned()),
        )
        .collect();
    let mut unique: Vec<String> = Vec::new();
    for c in columns {
        if !unique.contains(&c) {
            unique.push(c);
        }
    }
    let table = Table {
        name: spec.name().to_string(),
        columns: unique.clone(),
        rows: records
            .iter()
            .map(|r| {
                unique
                    .iter()
                    .map(|c| {
                        if *c == spec.settings.unique_id {
                            r.id.clone()
                        } else {
                            // Values too long to compare are left out of the record.
                            r.values
                                .get(c)
                                .filter(|v| v.chars().count() <= corridor_resolve::MAX_VALUE_CHARS)
                                .cloned()
                                .unwrap_or_default()
                        }
                    })
                    .collect()
            })
            .collect(),
    };
    let ids: std::collections::HashSet<&str> = records.iter().map(|r| r.id.as_str()).collect();
    let judgements: Vec<(String, String, Verdict)> = judgements
        .iter()
        .filter(|(a, b, _)| ids.contains(a.as_str()) && ids.contains(b.as_str()))
        .cloned()
        .collect();
    Index::build(&spec.settings, &table, &judgements, &mut |_| {})
        .map(|(index, _)| index)
        .map_err(|e| NodeError::Invalid(format!("resolving {}: {e}", spec.name())))
}

mod review;
pub use review::*;

#[cfg(test)]
mod tests;
