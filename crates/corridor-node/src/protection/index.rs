//! What protection work looks up by person: every registered person with a caption and the
//! forms screening compares (to propose earlier registrations), and every record that names a
//! person — registrations, screenings, referrals, return plans, family links, statuses. Built
//! in one pass over those schemata, again when a statement written since touches one of them or
//! a person they name: the node's other writes (crossings at every post, alerts, the audit) only
//! move the point up to which it is known to be current.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use corridor_model::entity::live_statements;
use corridor_store::Store;

use crate::{Node, NodeError};

/// The schemata that name a person, and the property that does.
pub(crate) const LINKED: &[(&str, &str)] = &[
    ("ProtectionRegistration", "person"),
    ("VulnerabilityScreening", "person"),
    ("Referral", "person"),
    ("ReturnPlan", "person"),
    ("Family", "person"),
    ("Family", "relative"),
    ("PersonStatus", "person"),
    ("Disclosure", "person"),
];

#[derive(Default)]
pub(crate) struct ProtectionIndex {
    /// The store's statement sequence up to which the index is known to be current.
    current_at: AtomicI64,
    /// Registered persons (id, caption), in order of first registration.
    pub persons: Vec<(String, String)>,
    pub watchlist: Option<corridor_screen::Watchlist>,
    /// The person (index into `persons`) of each form in `watchlist`.
    pub form_person: Vec<usize>,
    /// Person id → the (schema, entity id) of every record that names them.
    pub links: HashMap<String, Vec<(&'static str, String)>>,
}

impl ProtectionIndex {
    pub fn linked(&self, person: &str, schema: &str) -> Vec<String> {
        self.links
            .get(person)
            .map(|v| {
                v.iter()
                    .filter(|(s, _)| *s == schema)
                    .map(|(_, id)| id.clone())
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Node {
    /// The index as of now: rebuilt when the store has grown since it was built.
    pub(crate) fn protection_index(&self) -> Result<Arc<ProtectionIndex>, NodeError> {
        let mut store = self.store();
        self.protection_index_in(&mut **store)
    }

    /// The same, with the caller's store connection (a node may have only one).
    pub(crate) fn protection_index_in(
        &self,
        store: &mut dyn Store,
    ) -> Result<Arc<ProtectionIndex>, NodeError> {
        let seq = store.last_statement_seq()?;
        let held = self.identities.lock().ok().and_then(|slot| slot.clone());
        if let Some(index) = held {
            let at = index.current_at.load(Ordering::Acquire);
            if at == seq {
                return Ok(index);
            }
            if at < seq && !touches_protection(store, &index, at)? {
                index.current_at.fetch_max(seq, Ordering::AcqRel);
                return Ok(index);
            }
        }
        let index = Arc::new(build(store, seq)?);
        if let Ok(mut slot) = self.identities.lock() {
            *slot = Some(index.clone());
        }
        Ok(index)
    }
}

/// Whether a statement written after `after` is on a record the index follows (a schema of
/// [`LINKED`]) or on a person such a record names (their names, birth date and documents are
/// what registrations are compared by). Reads the statements since, in pages.
fn touches_protection(
    store: &mut dyn Store,
    index: &ProtectionIndex,
    mut after: i64,
) -> Result<bool, NodeError> {
    loop {
        let page = store.statements_after(after, 10_000)?;
        let Some(&(last, _)) = page.last() else {
            return Ok(false);
        };
        if page.iter().any(|(_, s)| {
            LINKED.iter().any(|(schema, _)| *schema == s.schema)
                || index.links.contains_key(&s.entity_id)
        }) {
            return Ok(true);
        }
        after = last;
    }
}

fn build(store: &mut dyn Store, seq: i64) -> Result<ProtectionIndex, NodeError> {
    let mut links: HashMap<String, Vec<(&'static str, String)>> = HashMap::new();
    let mut person_ids = Vec::new();
    let mut seen = HashSet::new();
    let schemata: Vec<&'static str> = {
        let mut s: Vec<&'static str> = LINKED.iter().map(|(s, _)| *s).collect();
        s.dedup();
        s
    };
    for schema in schemata {
        let mut after: Option<String> = None;
        loop {
            let page = store.entities_of_schema(schema, after.as_deref(), 1000)?;
            let Some(last) = page.last().cloned() else {
                break;
            };
            for id in page {
                for s in live_statements(&store.entity_statements(&id)?) {
                    if !LINKED.contains(&(schema, s.prop.as_str())) {
                        continue;
                    }
                    links
                        .entry(s.value.clone())
                        .or_default()
                        .push((schema, id.clone()));
                    if schema == "ProtectionRegistration" && seen.insert(s.value.clone()) {
                        person_ids.push(s.value.clone());
                    }
                }
            }
            after = Some(last);
        }
    }
    let mut persons = Vec::new();
    let mut forms = Vec::new();
    let mut form_person = Vec::new();
    for id in person_ids {
        let statements = store.entity_statements(&id)?;
        let live = live_statements(&statements);
        let all = |prop: &str| -> Vec<String> {
            live.iter()
                .filter(|s| s.prop == prop)
                .map(|s| s.value.clone())
                .collect()
        };
        let names: Vec<String> = all("name").into_iter().chain(all("alias")).collect();
        let caption = names.first().cloned().unwrap_or_else(|| id.clone());
        let slot = persons.len();
        let birth = all("birthDate").first().cloned().unwrap_or_default();
        let nationality = all("nationality").first().cloned().unwrap_or_default();
        let document = all("passportNumber")
            .into_iter()
            .chain(all("idNumber"))
            .next()
            .unwrap_or_default();
        for name in &names {
            let form = corridor_screen::Person {
                id: forms.len().to_string(),
                name: name.clone(),
                birth_date: birth.clone(),
                nationality: nationality.clone(),
                document_number: document.clone(),
            };
            if corridor_screen::check(&form).is_ok() {
                forms.push(form);
                form_person.push(slot);
            }
        }
        persons.push((id, caption));
    }
    Ok(ProtectionIndex {
        current_at: AtomicI64::new(seq),
        watchlist: (!forms.is_empty()).then(|| corridor_screen::Watchlist::build(&forms)),
        persons,
        form_person,
        links,
    })
}
