//! What protection work looks up by person: every registered person with a caption and the
//! forms screening compares (to propose earlier registrations), and every record that names a
//! person — registrations, screenings, referrals, return plans, family links, statuses.
//!
//! Built in one pass over those schemata the first time; after that, kept up to date from the
//! statements written since: the records and registered persons they touch are read again,
//! nothing else (the node's other writes — crossings at every post, alerts, imports — change
//! nothing here, and cost only their reading). Only the screening index of the registered
//! persons' forms is built anew when a person's forms change, from memory.

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

const REGISTRATION: &str = "ProtectionRegistration";

/// A record the index follows: its id and its schema.
type Record = (String, &'static str);

#[derive(Default)]
pub(crate) struct ProtectionIndex {
    /// The store's statement sequence up to which the index is known to be current.
    current_at: AtomicI64,
    /// Registered persons (id, caption), by id: an order that does not depend on when or how
    /// the index was brought up to date.
    pub persons: Vec<(String, String)>,
    pub watchlist: Option<corridor_screen::Watchlist>,
    /// The person (index into `persons`) of each form in `watchlist`.
    pub form_person: Vec<usize>,
    /// Person id → the (schema, entity id) of every record that names them, in the order of
    /// [`LINKED`] then by id.
    pub links: HashMap<String, Vec<(&'static str, String)>>,
    /// Record id → the persons it names (what it added to `links`, to take back when it is
    /// read again).
    named_by: HashMap<String, Vec<String>>,
    /// Registered person → caption and the forms screening compares.
    people: HashMap<String, Person>,
}

#[derive(Clone)]
struct Person {
    caption: String,
    forms: Vec<corridor_screen::Person>,
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

    /// A copy to bring up to date (the screening index is built again by [`Self::finish`]).
    fn to_update(&self) -> ProtectionIndex {
        ProtectionIndex {
            links: self.links.clone(),
            named_by: self.named_by.clone(),
            people: self.people.clone(),
            ..ProtectionIndex::default()
        }
    }

    /// Reads record `id` of `schema` again: what it named before is taken back, what it names
    /// now is added.
    fn apply_record(
        &mut self,
        store: &mut dyn Store,
        id: &str,
        schema: &'static str,
    ) -> Result<(), NodeError> {
        for person in self.named_by.remove(id).unwrap_or_default() {
            if let Some(list) = self.links.get_mut(&person) {
                list.retain(|(_, e)| e != id);
                if list.is_empty() {
                    self.links.remove(&person);
                }
            }
        }
        let mut named = Vec::new();
        for s in live_statements(&store.entity_statements(id)?) {
            if !LINKED.contains(&(schema, s.prop.as_str())) {
                continue;
            }
            let list = self.links.entry(s.value.clone()).or_default();
            list.push((schema, id.to_string()));
            list.sort_by(|a, b| {
                schema_rank(a.0)
                    .cmp(&schema_rank(b.0))
                    .then_with(|| a.1.cmp(&b.1))
            });
            named.push(s.value.clone());
        }
        if !named.is_empty() {
            self.named_by.insert(id.to_string(), named);
        }
        Ok(())
    }

    /// Registered persons: those a registration names.
    fn registered(&self) -> impl Iterator<Item = &String> {
        self.links
            .iter()
            .filter(|(_, l)| l.iter().any(|(s, _)| *s == REGISTRATION))
            .map(|(p, _)| p)
    }

    /// Reads the registered persons in `changed` again, and those not read yet; forgets those
    /// no longer registered; builds the screening index of everyone's forms.
    fn finish(
        mut self,
        store: &mut dyn Store,
        changed: &HashSet<String>,
        seq: i64,
    ) -> Result<ProtectionIndex, NodeError> {
        let mut registered: Vec<String> = self.registered().cloned().collect();
        registered.sort();
        let keep: HashSet<&String> = registered.iter().collect();
        self.people.retain(|p, _| keep.contains(p));
        for id in &registered {
            if changed.contains(id) || !self.people.contains_key(id) {
                let person = read_person(store, id)?;
                self.people.insert(id.clone(), person);
            }
        }
        let mut forms = Vec::new();
        let mut form_person = Vec::new();
        let mut persons = Vec::with_capacity(registered.len());
        for (slot, id) in registered.into_iter().enumerate() {
            let person = &self.people[&id];
            for form in &person.forms {
                forms.push(corridor_screen::Person {
                    id: forms.len().to_string(),
                    ..form.clone()
                });
                form_person.push(slot);
            }
            persons.push((id, person.caption.clone()));
        }
        self.watchlist = (!forms.is_empty()).then(|| corridor_screen::Watchlist::build(&forms));
        self.form_person = form_person;
        self.persons = persons;
        self.current_at = AtomicI64::new(seq);
        Ok(self)
    }
}

/// Where a schema stands in [`LINKED`]: a person's links are kept in that order.
fn schema_rank(schema: &str) -> usize {
    LINKED
        .iter()
        .position(|(s, _)| *s == schema)
        .unwrap_or(LINKED.len())
}

/// The schema of [`LINKED`] with this name, as the index keeps it.
fn linked_schema(name: &str) -> Option<&'static str> {
    LINKED.iter().map(|(s, _)| *s).find(|s| *s == name)
}

/// A registered person's caption and forms: each name and alias with the birth date,
/// nationality and document, as screening compares them.
fn read_person(store: &mut dyn Store, id: &str) -> Result<Person, NodeError> {
    let statements = store.entity_statements(id)?;
    let live = live_statements(&statements);
    let all = |prop: &str| -> Vec<String> {
        live.iter()
            .filter(|s| s.prop == prop)
            .map(|s| s.value.clone())
            .collect()
    };
    let names: Vec<String> = all("name").into_iter().chain(all("alias")).collect();
    let caption = names.first().cloned().unwrap_or_else(|| id.to_string());
    let birth = all("birthDate").first().cloned().unwrap_or_default();
    let nationality = all("nationality").first().cloned().unwrap_or_default();
    let document = all("passportNumber")
        .into_iter()
        .chain(all("idNumber"))
        .next()
        .unwrap_or_default();
    let forms = names
        .iter()
        .map(|name| corridor_screen::Person {
            id: String::new(),
            name: name.clone(),
            birth_date: birth.clone(),
            nationality: nationality.clone(),
            document_number: document.clone(),
        })
        .filter(|form| corridor_screen::check(form).is_ok())
        .collect();
    Ok(Person { caption, forms })
}

impl Node {
    /// The index as of now.
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
        let index = match held {
            Some(index) => {
                let at = index.current_at.load(Ordering::Acquire);
                if at >= seq {
                    return Ok(index);
                }
                let (records, persons) = touched_since(store, &index, at)?;
                if records.is_empty() && persons.is_empty() {
                    index.current_at.fetch_max(seq, Ordering::AcqRel);
                    return Ok(index);
                }
                let mut update = index.to_update();
                for (id, schema) in &records {
                    update.apply_record(store, id, schema)?;
                }
                Arc::new(update.finish(store, &persons, seq)?)
            }
            None => Arc::new(build(store, seq)?),
        };
        if let Ok(mut slot) = self.identities.lock() {
            *slot = Some(index.clone());
        }
        Ok(index)
    }
}

/// What was written after `after` that the index follows: the records of [`LINKED`] schemata
/// touched (each once, with its schema), and the registered persons touched (their names,
/// birth date and documents are what registrations are compared by). Reads the statements
/// since, in pages.
fn touched_since(
    store: &mut dyn Store,
    index: &ProtectionIndex,
    mut after: i64,
) -> Result<(Vec<Record>, HashSet<String>), NodeError> {
    let mut records: Vec<Record> = Vec::new();
    let mut seen = HashSet::new();
    let mut persons = HashSet::new();
    loop {
        let page = store.statements_after(after, 10_000)?;
        let Some(&(last, _)) = page.last() else {
            break;
        };
        for (_, s) in &page {
            if let Some(schema) = linked_schema(&s.schema) {
                if seen.insert(s.entity_id.clone()) {
                    records.push((s.entity_id.clone(), schema));
                }
            } else if index.people.contains_key(&s.entity_id) {
                persons.insert(s.entity_id.clone());
            }
        }
        after = last;
    }
    Ok((records, persons))
}

/// The index from scratch: every record of the [`LINKED`] schemata, then every registered
/// person.
fn build(store: &mut dyn Store, seq: i64) -> Result<ProtectionIndex, NodeError> {
    let mut index = ProtectionIndex::default();
    let mut schemata: Vec<&'static str> = LINKED.iter().map(|(s, _)| *s).collect();
    schemata.dedup();
    for schema in schemata {
        let mut after: Option<String> = None;
        loop {
            let page = store.entities_of_schema(schema, after.as_deref(), 1000)?;
            let Some(last) = page.last().cloned() else {
                break;
            };
            for id in page {
                index.apply_record(store, &id, schema)?;
            }
            after = Some(last);
        }
    }
    index.finish(store, &HashSet::new(), seq)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use corridor_model::Statement;

    use super::super::tests::{boat, node, officer, person, write_as_enforcement};
    use super::super::{FamilyInput, ProtectionIndex};
    use super::build;

    /// The index as a build from scratch would make it now.
    fn from_scratch(node: &crate::Node) -> ProtectionIndex {
        let mut store = node.store();
        let seq = store.last_statement_seq().unwrap();
        build(&mut **store, seq).unwrap()
    }

    fn assert_same(kept: &ProtectionIndex, scratch: &ProtectionIndex) {
        assert_eq!(kept.persons, scratch.persons);
        assert_eq!(kept.links, scratch.links);
        assert_eq!(kept.form_person, scratch.form_person);
        assert_eq!(
            kept.watchlist.as_ref().map(|w| w.len()),
            scratch.watchlist.as_ref().map(|w| w.len())
        );
    }

    #[test]
    fn an_index_kept_up_to_date_is_the_index_built_from_scratch() {
        let (node, _dir) = node();
        let mut first = vec![
            person("0", "Selam", "Tesfay"),
            person("1", "Yonas", "Tesfay"),
            person("2", "Abel", "Haile"),
        ];
        first[1].family = vec![FamilyInput {
            relative: "0".into(),
            relationship: "mother".into(),
        }];
        let registered = node.register_migrants(&officer(), boat(first)).unwrap();
        let mother = registered.persons[0].person_id.clone();
        assert_same(&node.protection_index().unwrap(), &from_scratch(&node));
        // A second boat, a registered person's new alias written by another service, and the
        // node's other work.
        node.register_migrants(&officer(), boat(vec![person("0", "Hagos", "Kidane")]))
            .unwrap();
        write_as_enforcement(&node, &mother, "Person", "alias", "Selam Tesfaye");
        write_as_enforcement(&node, "int-7", "Interception", "date", "2026-11-02");
        let kept = node.protection_index().unwrap();
        assert_same(&kept, &from_scratch(&node));
        assert!(kept.persons.iter().any(|(p, _)| p == &mother));
        // A family link taken back: the mother's case no longer names it.
        let family = kept.linked(&mother, "Family");
        assert_eq!(family.len(), 1);
        {
            let mut store = node.store();
            let live = store.entity_statements(&family[0]).unwrap();
            let retractions: Vec<Statement> = live
                .iter()
                .map(|s| Statement::retract(s, s.provenance.clone()))
                .collect();
            let mut tx = store.begin().unwrap();
            tx.write(&retractions).unwrap();
            tx.commit().unwrap();
        }
        let after = node.protection_index().unwrap();
        assert!(!Arc::ptr_eq(&kept, &after));
        assert!(after.linked(&mother, "Family").is_empty());
        assert_same(&after, &from_scratch(&node));
    }
}
