//! What leaves the store for a user: search hits, entity pages, statistics, exports — each
//! statement passed through the policy first — and the writes users make. Reads of
//! non-public facts and every write are audited.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use corridor_model::{
    HandlingCode, Operation, PropertyType, Provenance, Purpose, Statement, entity::live_statements,
};
use corridor_policy::{Action, Decision, Label, Object, Policy, Subject};
use corridor_store::Store;
use serde::Serialize;

use crate::{Node, NodeError, now};

/// Asks the policy once per label: a page has thousands of statements but a handful of labels.
pub(crate) struct Gate<'a> {
    policy: &'a Policy,
    subject: &'a Subject,
    action: Action,
    decisions: HashMap<(HandlingCode, Purpose), Decision>,
}

impl<'a> Gate<'a> {
    pub(crate) fn new(policy: &'a Policy, subject: &'a Subject, action: Action) -> Gate<'a> {
        Gate {
            policy,
            subject,
            action,
            decisions: HashMap::new(),
        }
    }

    fn decide(&mut self, s: &Statement) -> &Decision {
        let key = (s.provenance.handling, s.provenance.purpose);
        self.decisions.entry(key).or_insert_with(|| {
            self.policy.decide(
                self.subject,
                self.action,
                Object::Fact(Label {
                    handling: key.0,
                    purpose: key.1,
                }),
            )
        })
    }

    pub(crate) fn allows(&mut self, s: &Statement) -> bool {
        self.decide(s).allowed
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct FactView {
    pub statement_id: String,
    pub prop: String,
    pub value: String,
    pub original_value: Option<String>,
    pub dataset: String,
    pub recorded_by: String,
    pub recorded_at: String,
    pub handling: &'static str,
    pub purpose: &'static str,
    pub reliability: &'static str,
    pub grade: &'static str,
}

impl From<&Statement> for FactView {
    fn from(s: &Statement) -> FactView {
        let p = &s.provenance;
        FactView {
            statement_id: s.id.to_string(),
            prop: s.prop.clone(),
            value: s.value.clone(),
            original_value: s.original_value.clone(),
            dataset: p.dataset.clone(),
            recorded_by: p.recorded_by.clone(),
            recorded_at: p.recorded_at.clone(),
            handling: p.handling.as_str(),
            purpose: p.purpose.as_str(),
            reliability: p.reliability.as_str(),
            grade: p.grade.as_str(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct HistoryItem {
    pub statement_id: String,
    pub operation: &'static str,
    pub prop: String,
    pub value: String,
    pub retracts: Option<String>,
    pub recorded_by: String,
    pub recorded_at: String,
    pub dataset: String,
    pub handling: &'static str,
}

impl From<&Statement> for HistoryItem {
    fn from(s: &Statement) -> HistoryItem {
        HistoryItem {
            statement_id: s.id.to_string(),
            operation: s.operation.as_str(),
            prop: s.prop.clone(),
            value: s.source_value().to_string(),
            retracts: s.retracts.map(|r| r.to_string()),
            recorded_by: s.provenance.recorded_by.clone(),
            recorded_at: s.provenance.recorded_at.clone(),
            dataset: s.provenance.dataset.clone(),
            handling: s.provenance.handling.as_str(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct LinkView {
    pub id: String,
    pub schema: String,
    pub caption: String,
    pub prop: String,
    pub direction: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct EntityView {
    pub id: String,
    pub schema: String,
    pub caption: String,
    pub properties: BTreeMap<String, Vec<FactView>>,
    pub labels: BTreeMap<String, String>,
    pub types: BTreeMap<String, String>,
    pub history: Vec<HistoryItem>,
    pub links: Vec<LinkView>,
    /// Facts held back until the caller states a reason.
    pub withheld: usize,
    /// The records entity resolution holds to be the same (those the caller may see), with
    /// the links that hold them together.
    pub same_as: Option<crate::resolution::ClusterView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Hit {
    pub id: String,
    pub schema: String,
    pub caption: String,
    pub names: Vec<String>,
    pub datasets: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SearchView {
    pub query: String,
    pub results: Vec<Hit>,
    /// Entities whose matching names are held back until the caller states a reason.
    pub withheld: usize,
}

/// A new fact from a user.
#[derive(Clone, Debug)]
pub struct NewFact {
    pub schema: String,
    pub prop: String,
    pub value: String,
    pub handling: String,
    pub purpose: String,
    pub reason: String,
}

pub const MAX_LINKS: usize = 100;

/// The schema and caption of the facts a caller may see, or `None` when none are live.
pub(crate) fn describe(node: &Node, id: &str, live: &[&Statement]) -> Option<(String, String)> {
    let first = live.first()?;
    let mut schema = first.schema.as_str();
    for s in live {
        schema = node
            .model
            .common_schema(schema, &s.schema)
            .unwrap_or(schema);
    }
    let caption = node
        .model
        .get(schema)
        .into_iter()
        .flat_map(|s| s.caption.iter())
        .find_map(|p| live.iter().find(|s| &s.prop == p).map(|s| s.value.clone()))
        .unwrap_or_else(|| id.to_string());
    Some((schema.to_string(), caption))
}

fn highest_handling(statements: &[&Statement]) -> HandlingCode {
    statements
        .iter()
        .map(|s| s.provenance.handling)
        .max()
        .unwrap_or(HandlingCode::Public)
}

/// The reason a write gives, trimmed: required, 3 to 500 characters.
fn write_reason(reason: &str) -> Result<&str, NodeError> {
    let reason = reason.trim();
    if (3..=500).contains(&reason.chars().count()) {
        Ok(reason)
    } else {
        Err(NodeError::Invalid(
            "reason: say why, in 3 to 500 characters".into(),
        ))
    }
}

fn check_reason(reason: Option<&str>) -> Result<(), NodeError> {
    if let Some(r) = reason
        && r.chars().count() > 500
    {
        return Err(NodeError::Invalid("reason: at most 500 characters".into()));
    }
    Ok(())
}

/// What the audit log says about a write.
struct Audited<'a> {
    action: &'static str,
    object: String,
    reason: &'a str,
    outcome: String,
}

impl Node {
    /// Writes one statement in its own transaction, then its audit entry.
    fn write_audited(
        &self,
        store: &mut dyn Store,
        subject: &Subject,
        statement: &Statement,
        audit: Audited<'_>,
    ) -> Result<(), NodeError> {
        let mut tx = store.begin()?;
        tx.write(std::slice::from_ref(statement))?;
        tx.commit()?;
        self.audit(
            store,
            &subject.username,
            audit.action,
            &audit.object,
            Some(audit.reason),
            &audit.outcome,
        )?;
        Ok(())
    }

    /// The live facts the caller may take `action` on.
    pub(crate) fn visible_facts<'s>(
        &self,
        subject: &Subject,
        action: Action,
        statements: &'s [Statement],
    ) -> Vec<&'s Statement> {
        let mut gate = Gate::new(&self.policy, subject, action);
        live_statements(statements)
            .into_iter()
            .filter(|s| gate.allows(s))
            .collect()
    }

    /// The live facts of `id` the caller may read, and how many were withheld for a reason.
    fn visible_live<'s>(
        &self,
        gate: &mut Gate<'_>,
        statements: &'s [Statement],
    ) -> (Vec<&'s Statement>, usize) {
        let mut withheld = 0;
        let mut shown = Vec::new();
        for s in live_statements(statements) {
            let d = gate.decide(s);
            if d.allowed {
                shown.push(s);
            } else if d.needs_reason {
                withheld += 1;
            }
        }
        (shown, withheld)
    }

    pub fn entity(&self, subject: &Subject, id: &str) -> Result<EntityView, NodeError> {
        check_reason(subject.reason.as_deref())?;
        if id.is_empty() || id.len() > 200 {
            return Err(NodeError::Invalid("id: 1 to 200 characters".into()));
        }
        let mut store = self.store();
        let statements = store.entity_statements(id)?;
        let mut gate = Gate::new(&self.policy, subject, Action::Read);
        let (live, withheld) = self.visible_live(&mut gate, &statements);
        let visible: Vec<&Statement> = statements.iter().filter(|s| gate.allows(s)).collect();
        let reason = subject.reason.as_deref();
        if visible.is_empty() {
            if !statements.is_empty() {
                let why = if withheld > 0 {
                    "reason required"
                } else {
                    "not permitted"
                };
                self.audit(
                    &mut **store,
                    &subject.username,
                    "read",
                    &format!("entity {id}"),
                    reason,
                    &format!("refused: {why}"),
                )?;
            }
            return Err(if withheld > 0 {
                NodeError::ReasonRequired(
                    "this entity's facts are confidential: state a reason for reading them".into(),
                )
            } else {
                NodeError::NotFound(format!("no entity {id:?} that you may see"))
            });
        }
        let (schema, caption) = describe(self, id, &live)
            .unwrap_or_else(|| (visible[0].schema.clone(), id.to_string()));
        let schema_def = self.model.get(&schema);
        let mut properties: BTreeMap<String, Vec<FactView>> = BTreeMap::new();
        let mut labels = BTreeMap::new();
        let mut types = BTreeMap::new();
        for s in &live {
            properties
                .entry(s.prop.clone())
                .or_default()
                .push(FactView::from(*s));
            if let Some(p) = schema_def.and_then(|d| d.property(&s.prop)) {
                labels.insert(s.prop.clone(), p.label.clone());
                types.insert(s.prop.clone(), p.type_.name().to_string());
            }
        }
        let history = visible.iter().map(|s| HistoryItem::from(*s)).collect();
        let links = self.links(&mut **store, &mut gate, id, &live)?;
        let same_as = self.cluster_view(&mut **store, subject, id)?;
        if highest_handling(&visible) != HandlingCode::Public {
            self.audit(
                &mut **store,
                &subject.username,
                "read",
                &format!("entity {id}"),
                reason,
                &format!(
                    "allowed: {} facts shown, {withheld} withheld",
                    visible.len()
                ),
            )?;
        }
        Ok(EntityView {
            id: id.to_string(),
            schema,
            caption,
            properties,
            labels,
            types,
            history,
            links,
            withheld,
            same_as,
        })
    }

    /// Entities this one points at and entities pointing at it, each only if the caller may
    /// see something of it.
    fn links(
        &self,
        store: &mut dyn Store,
        gate: &mut Gate<'_>,
        id: &str,
        live: &[&Statement],
    ) -> Result<Vec<LinkView>, NodeError> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let entity_typed = |s: &Statement| {
            self.model
                .get(&s.schema)
                .and_then(|d| d.property(&s.prop))
                .is_some_and(|p| p.type_ == PropertyType::Entity)
        };
        for s in live.iter().filter(|s| entity_typed(s)) {
            if out.len() >= MAX_LINKS || !seen.insert((s.value.clone(), "outgoing")) {
                continue;
            }
            let statements = store.entity_statements(&s.value)?;
            let (other, _) = self.visible_live(gate, &statements);
            if let Some((schema, caption)) = describe(self, &s.value, &other) {
                out.push(LinkView {
                    id: s.value.clone(),
                    schema,
                    caption,
                    prop: s.prop.clone(),
                    direction: "outgoing",
                });
            }
        }
        for source in store.incoming_links(id, MAX_LINKS)? {
            let statements = store.entity_statements(&source)?;
            let (other, _) = self.visible_live(gate, &statements);
            // The link itself must be a fact the caller may see.
            let Some(pointing) = other.iter().find(|s| s.value == id && entity_typed(s)) else {
                continue;
            };
            let prop = pointing.prop.clone();
            if let Some((schema, caption)) = describe(self, &source, &other) {
                out.push(LinkView {
                    id: source,
                    schema,
                    caption,
                    prop,
                    direction: "incoming",
                });
            }
        }
        Ok(out)
    }

    pub fn search(
        &self,
        subject: &Subject,
        query: &str,
        limit: usize,
    ) -> Result<SearchView, NodeError> {
        check_reason(subject.reason.as_deref())?;
        let query = query.trim();
        if query.is_empty() || query.chars().count() > 200 {
            return Err(NodeError::Invalid("q: 1 to 200 characters".into()));
        }
        if !(1..=100).contains(&limit) {
            return Err(NodeError::Invalid("limit: between 1 and 100".into()));
        }
        self.require(subject, Action::Search)?;
        let needle = query.to_lowercase();
        let mut store = self.store();
        let mut gate = Gate::new(&self.policy, subject, Action::Search);
        let mut results = Vec::new();
        let mut withheld = 0;
        let mut highest = HandlingCode::Public;
        // Over-fetch: some candidates will be names the caller may not see.
        for id in store.search_names(&needle, (limit * 5).min(500))? {
            if results.len() >= limit {
                break;
            }
            let statements = store.entity_statements(&id)?;
            let (live, held) = self.visible_live(&mut gate, &statements);
            let names: Vec<String> = live
                .iter()
                .filter(|s| self.is_name(s) && s.value.to_lowercase().contains(&needle))
                .map(|s| s.value.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            if names.is_empty() {
                withheld += usize::from(held > 0);
                continue;
            }
            highest = highest.max(highest_handling(&live));
            let (schema, caption) = describe(self, &id, &live).expect("has live names");
            let datasets: BTreeSet<String> =
                live.iter().map(|s| s.provenance.dataset.clone()).collect();
            results.push(Hit {
                id,
                schema,
                caption,
                names,
                datasets: datasets.into_iter().collect(),
            });
        }
        if highest != HandlingCode::Public {
            self.audit(
                &mut **store,
                &subject.username,
                "search",
                &format!("names containing {query:?}"),
                subject.reason.as_deref(),
                &format!("allowed: {} hits, {withheld} withheld", results.len()),
            )?;
        }
        Ok(SearchView {
            query: query.to_string(),
            results,
            withheld,
        })
    }

    fn is_name(&self, s: &Statement) -> bool {
        self.model
            .get(&s.schema)
            .and_then(|d| d.property(&s.prop))
            .is_some_and(|p| p.type_ == PropertyType::Name)
    }

    /// Counts over the facts the caller may see. Counts show no content, so facts that need a
    /// reason to read are counted without one; protection data stays out for enforcement roles.
    pub fn stats(&self, subject: &Subject) -> Result<corridor_store::Stats, NodeError> {
        self.require(subject, Action::Statistics)?;
        let mut store = self.store();
        let visible: Vec<corridor_store::Visibility> = store
            .visibilities()?
            .into_iter()
            .filter(|(h, p)| {
                let (Ok(handling), Ok(purpose)) = (h.parse(), p.parse()) else {
                    return false;
                };
                let d = self.policy.decide(
                    subject,
                    Action::Statistics,
                    Object::Fact(Label { handling, purpose }),
                );
                d.allowed || d.needs_reason
            })
            .collect();
        Ok(store.stats_for(&visible)?)
    }

    /// Writes every entity the caller may export as FtM JSON lines, with only the facts the
    /// caller may export; returns how many entities were written.
    pub fn export_ftm(
        &self,
        subject: &Subject,
        out: &mut dyn std::io::Write,
    ) -> Result<u64, NodeError> {
        check_reason(subject.reason.as_deref())?;
        self.require(subject, Action::Export)?;
        let mut store = self.store();
        let mut gate = Gate::new(&self.policy, subject, Action::Export);
        let mut count = 0;
        let mut withheld = 0u64;
        store.scan_entities(&mut |statements| {
            let kept: Vec<Statement> = statements
                .iter()
                .filter(|s| {
                    let ok = gate.allows(s);
                    withheld += u64::from(!ok);
                    ok
                })
                .cloned()
                .collect();
            if let Ok(Some(entity)) = corridor_model::Entity::fold(&self.model, &kept) {
                let line = corridor_formats::ftm::entity_to_ftm(&entity);
                serde_json::to_writer(&mut *out, &line)
                    .map_err(|e| corridor_store::StoreError::Visitor(e.to_string()))?;
                out.write_all(b"\n")
                    .map_err(|e| corridor_store::StoreError::Visitor(e.to_string()))?;
                count += 1;
            }
            Ok(())
        })?;
        self.audit(
            &mut **store,
            &subject.username,
            "export",
            "entities as FtM",
            subject.reason.as_deref(),
            &format!("allowed: {count} entities, {withheld} facts left out"),
        )?;
        Ok(count)
    }

    /// Records a new fact by a user, with its label; the user's roles must cover the label.
    pub fn assert_fact(
        &self,
        subject: &Subject,
        id: &str,
        fact: NewFact,
    ) -> Result<FactView, NodeError> {
        corridor_model::id::check_entity_id(id)
            .map_err(|e| NodeError::Invalid(format!("id: {e}")))?;
        let reason = write_reason(&fact.reason)?;
        let handling: HandlingCode = fact
            .handling
            .parse()
            .map_err(|e| NodeError::Invalid(format!("handling: {e}")))?;
        let purpose: Purpose = fact
            .purpose
            .parse()
            .map_err(|e| NodeError::Invalid(format!("purpose: {e}")))?;
        let d = self.policy.decide(
            subject,
            Action::Write,
            Object::Fact(Label { handling, purpose }),
        );
        if !d.allowed {
            self.audit_refusal(&subject.username, "write", &format!("entity {id}"), &d.why);
            return Err(NodeError::Forbidden(d.why));
        }
        let schema = self
            .model
            .schema(&fact.schema)
            .map_err(|e| NodeError::Invalid(format!("schema: {e}")))?;
        let prop = schema.property(&fact.prop).ok_or_else(|| {
            NodeError::Invalid(format!(
                "prop: {} has no property {:?}",
                schema.name, fact.prop
            ))
        })?;
        let value = prop
            .clean(&fact.value, Default::default())
            .map_err(|e| NodeError::Invalid(format!("value: {e}")))?;
        let original = (value != fact.value).then(|| fact.value.clone());
        let mut store = self.store();
        let existing = store.entity_statements(id)?;
        if let Some(other) = existing
            .iter()
            .find(|s| self.model.common_schema(&s.schema, &schema.name).is_none())
        {
            return Err(NodeError::Conflict(format!(
                "schema: entity {id} is a {}, not a {}",
                other.schema, schema.name
            )));
        }
        let provenance = Arc::new(Provenance {
            dataset: "workbench".into(),
            recorded_by: subject.username.clone(),
            recorded_at: now(),
            handling,
            purpose,
            reliability: corridor_model::SourceReliability::X,
            grade: corridor_model::InformationGrade::Unknown,
        });
        let statement =
            Statement::assert(id, &schema.name, &fact.prop, value, original, provenance);
        let audit = Audited {
            action: "write",
            object: format!("entity {id} {}", fact.prop),
            reason,
            outcome: format!("allowed: statement {}", statement.id),
        };
        self.write_audited(&mut **store, subject, &statement, audit)?;
        self.link_new_records(&mut **store);
        Ok(FactView::from(&statement))
    }

    /// Withdraws a fact the caller may see and write; the retraction keeps the fact's label.
    pub fn retract(
        &self,
        subject: &Subject,
        id: &str,
        statement_id: &str,
        reason: &str,
    ) -> Result<HistoryItem, NodeError> {
        let reason = write_reason(reason)?;
        let target_id: corridor_model::StatementId = statement_id
            .parse()
            .map_err(|e| NodeError::Invalid(format!("statement_id: {e}")))?;
        let mut store = self.store();
        let statements = store.entity_statements(id)?;
        // Reading the fact to withdraw it: the stated reason counts.
        let reader = Subject {
            reason: Some(reason.to_string()),
            ..subject.clone()
        };
        let mut read = Gate::new(&self.policy, &reader, Action::Read);
        let (live, _) = self.visible_live(&mut read, &statements);
        let Some(target) = live.iter().find(|s| s.id == target_id) else {
            return Err(NodeError::NotFound(format!(
                "entity {id:?} has no live fact {statement_id} that you may see"
            )));
        };
        let label = Label {
            handling: target.provenance.handling,
            purpose: target.provenance.purpose,
        };
        let d = self
            .policy
            .decide(subject, Action::Write, Object::Fact(label));
        if !d.allowed || target.operation != Operation::Assert {
            self.audit_refusal(
                &subject.username,
                "retract",
                &format!("entity {id}"),
                &d.why,
            );
            return Err(NodeError::Forbidden(d.why));
        }
        let mut provenance = (*target.provenance).clone();
        provenance.recorded_by = subject.username.clone();
        provenance.recorded_at = now();
        let retraction = Statement::retract(target, Arc::new(provenance));
        let audit = Audited {
            action: "retract",
            object: format!("entity {id} {}", target.prop),
            reason,
            outcome: format!("allowed: statement {} retracted", target.id),
        };
        self.write_audited(&mut **store, subject, &retraction, audit)?;
        self.link_new_records(&mut **store);
        Ok(HistoryItem::from(&retraction))
    }
}
