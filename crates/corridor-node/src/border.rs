//! Border management in the node: watchlists and their versions, screening, crossings and the
//! alerts screening raises.
//!
//! Key decisions:
//! - A watchlist version is the set of entities one import of the list held (store tables,
//!   append-only); the entries' facts are ordinary statements with their provenance. Screening
//!   reads the latest version of each list only, so an entry dropped from a list stops hitting
//!   while its history stays.
//! - The screening index (corridor-screen) is built in memory from those entries when the node
//!   starts and again after each import. It knows nothing of callers: what a caller sees of a
//!   hit's entry passes the policy like any read. Protection data never enters it.
//! - Alerts are entities (`ScreeningAlert`) written as statements, so they carry provenance,
//!   history and audit like any fact and travel between nodes with the same synchronisation.
//!   An alert's id is derived from the person, the entry and the data both had: screening the
//!   same data again finds the same alert and its decision (a false positive is not raised
//!   again), and changed data raises a new one.

mod alerts;
mod crossings;
#[cfg(test)]
mod tests;

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, RwLock};

use corridor_model::entity::live_statements;
use corridor_model::{Operation, PropertyType, Purpose, Statement};
use corridor_policy::{Action, Subject};
use corridor_screen::Person;
use corridor_store::{Store, WatchlistVersion};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::views::Gate;
use crate::{Node, NodeError};

pub use alerts::{AlertFilter, AlertView, Decision, DecisionRecord};
pub(crate) use alerts::{Queued, ids_of_schema, settle as alerts_settle};
pub use crossings::{CrossingInput, CrossingResult, PointView};

/// The mapping of a CSV watchlist in the screening shape (`id,name,birth_date,nationality,
/// document_number`), for lists given without a mapping of their own.
pub const WATCHLIST_CSV_MAPPING: &str = include_str!("../border/watchlist-csv.mapping.yaml");

/// `border/screening.yaml`: thresholds and where alerts are recorded.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScreeningSettings {
    pub alert_threshold: f64,
    pub show_threshold: f64,
    pub top: usize,
    pub max_forms_per_entry: usize,
    pub alerts_dataset: String,
    pub alerts_handling: String,
    pub alerts_purpose: String,
}

impl ScreeningSettings {
    pub fn builtin() -> ScreeningSettings {
        let text = include_str!("../border/screening.yaml");
        let s: ScreeningSettings =
            serde_yaml_ng::from_str(text).unwrap_or_else(|e| panic!("border/screening.yaml: {e}"));
        assert!(
            0.0 < s.show_threshold && s.show_threshold <= s.alert_threshold,
            "border/screening.yaml: 0 < show_threshold <= alert_threshold"
        );
        s
    }
}

/// One watchlist entry as the index holds it.
#[derive(Clone, Debug)]
struct Entry {
    entity_id: String,
    list: String,
    version: u64,
    /// A hash of the facts screening read: a change makes alerts on it new.
    fingerprint: String,
}

/// The in-memory screening index over the latest version of every list.
pub struct ScreenIndex {
    watchlist: corridor_screen::Watchlist,
    /// For each indexed form (a name with a document), the entry it belongs to.
    form_entry: Vec<usize>,
    entries: Vec<Entry>,
    pub versions: Vec<WatchlistVersion>,
}

/// Screening state: the index, rebuilt when the lists change.
pub struct Screening {
    pub settings: ScreeningSettings,
    index: RwLock<Option<Arc<ScreenIndex>>>,
}

impl Screening {
    pub fn new() -> Screening {
        Screening {
            settings: ScreeningSettings::builtin(),
            index: RwLock::new(None),
        }
    }

    fn current(&self) -> Option<Arc<ScreenIndex>> {
        self.index.read().ok().and_then(|g| g.clone())
    }

    /// Builds the index from the store and puts it in place.
    pub fn rebuild(
        &self,
        store: &mut dyn Store,
        model: &corridor_model::Model,
    ) -> Result<Arc<ScreenIndex>, NodeError> {
        let index = Arc::new(build_index(
            store,
            model,
            self.settings.max_forms_per_entry,
        )?);
        if let Ok(mut slot) = self.index.write() {
            *slot = Some(index.clone());
        }
        Ok(index)
    }
}

impl Default for Screening {
    fn default() -> Self {
        Screening::new()
    }
}

/// The facts of an entity screening reads: names, birth dates, nationalities, documents.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ScreenedFacts {
    pub names: Vec<String>,
    pub birth_dates: Vec<String>,
    pub nationalities: Vec<String>,
    pub documents: Vec<String>,
}

impl ScreenedFacts {
    /// Reads them from live statements that are not protection data.
    pub(crate) fn from_statements(model: &corridor_model::Model, live: &[&Statement]) -> Self {
        let mut f = ScreenedFacts::default();
        let (mut first, mut last) = (Vec::new(), Vec::new());
        for s in live {
            if s.operation != Operation::Assert || is_protection(s) {
                continue;
            }
            let kind = model
                .get(&s.schema)
                .and_then(|sc| sc.property(&s.prop))
                .map(|p| p.type_);
            let value = s.value.clone();
            match (s.prop.as_str(), kind) {
                (_, Some(PropertyType::Name)) => f.names.push(value),
                ("firstName" | "givenName", _) => first.push(value),
                ("lastName" | "surname", _) => last.push(value),
                ("birthDate", _) => f.birth_dates.push(value),
                ("nationality" | "citizenship", _) => f.nationalities.push(value),
                ("passportNumber" | "idNumber" | "number", _) => f.documents.push(value),
                _ => {}
            }
        }
        if f.names.is_empty()
            && let (Some(a), Some(b)) = (first.first(), last.first())
        {
            f.names.push(format!("{a} {b}"));
        }
        for v in [
            &mut f.names,
            &mut f.birth_dates,
            &mut f.nationalities,
            &mut f.documents,
        ] {
            let set: BTreeSet<String> = v.drain(..).collect();
            v.extend(set);
        }
        f
    }

    fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        for group in [
            &self.names,
            &self.birth_dates,
            &self.nationalities,
            &self.documents,
        ] {
            for v in group {
                h.update(v.as_bytes());
                h.update([0]);
            }
            h.update([1]);
        }
        hex::encode(&h.finalize()[..16])
    }

    /// The forms screening indexes or queries: each name with each document (or none), the
    /// first birth date and nationality.
    fn forms(&self, id: &str, max: usize) -> Vec<Person> {
        let dob = self.birth_dates.first().cloned().unwrap_or_default();
        let nat = self.nationalities.first().cloned().unwrap_or_default();
        let docs: Vec<String> = if self.documents.is_empty() {
            vec![String::new()]
        } else {
            self.documents.clone()
        };
        let names: Vec<String> = if self.names.is_empty() {
            vec![String::new()]
        } else {
            self.names.clone()
        };
        let mut out = Vec::new();
        for name in &names {
            for doc in &docs {
                if out.len() < max {
                    out.push(Person {
                        id: id.to_string(),
                        name: name.clone(),
                        birth_date: dob.clone(),
                        nationality: nat.clone(),
                        document_number: doc.clone(),
                    });
                }
            }
        }
        out
    }
}

fn is_protection(s: &Statement) -> bool {
    s.provenance.purpose == Purpose::Protection
        || s.provenance.handling == corridor_model::HandlingCode::Protection
}

fn build_index(
    store: &mut dyn Store,
    model: &corridor_model::Model,
    max_forms: usize,
) -> Result<ScreenIndex, NodeError> {
    let versions = store.watchlist_versions()?;
    let mut latest: HashMap<&str, &WatchlistVersion> = HashMap::new();
    for v in &versions {
        let slot = latest.entry(v.list.as_str()).or_insert(v);
        if v.version > slot.version {
            *slot = v;
        }
    }
    let mut entries = Vec::new();
    let mut forms = Vec::new();
    let mut form_entry = Vec::new();
    let mut lists: Vec<&&WatchlistVersion> = latest.values().collect();
    lists.sort_by(|a, b| a.list.cmp(&b.list));
    for v in lists {
        for id in store.watchlist_members(&v.list, v.version)? {
            let statements = store.entity_statements(&id)?;
            let live = live_statements(&statements);
            let facts = ScreenedFacts::from_statements(model, &live);
            if facts.names.is_empty() && facts.documents.is_empty() {
                continue;
            }
            let entry = entries.len();
            for mut form in facts.forms(&id, max_forms) {
                form.id = forms.len().to_string();
                // An entry's own malformed field (a 400-character name) is left out of the
                // index rather than failing every screening.
                if corridor_screen::check(&form).is_ok() {
                    forms.push(form);
                    form_entry.push(entry);
                }
            }
            entries.push(Entry {
                entity_id: id,
                list: v.list.clone(),
                version: v.version,
                fingerprint: facts.fingerprint(),
            });
        }
    }
    Ok(ScreenIndex {
        watchlist: corridor_screen::Watchlist::build(&forms),
        form_entry,
        entries,
        versions: latest.into_values().cloned().collect(),
    })
}

/// A person to screen.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScreenQuery {
    #[serde(default)]
    pub names: Vec<String>,
    #[serde(default)]
    pub birth_date: String,
    #[serde(default)]
    pub nationality: String,
    #[serde(default)]
    pub document_number: String,
}

impl ScreenQuery {
    pub(crate) fn facts(&self) -> ScreenedFacts {
        let clean = |v: &str| -> Vec<String> {
            let v = v.trim();
            if v.is_empty() {
                vec![]
            } else {
                vec![v.to_string()]
            }
        };
        ScreenedFacts {
            names: self
                .names
                .iter()
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty())
                .collect(),
            birth_dates: clean(&self.birth_date),
            nationalities: clean(&self.nationality),
            documents: clean(&self.document_number),
        }
    }

    /// Refuses what cannot be screened, naming the field.
    pub fn check(&self) -> Result<(), NodeError> {
        if self.names.len() > 20 {
            return Err(NodeError::Invalid("names: at most 20".into()));
        }
        for (i, name) in self.names.iter().enumerate() {
            let chars = name.chars().count();
            if chars > corridor_screen::MAX_NAME_CHARS {
                return Err(NodeError::Invalid(format!(
                    "names[{i}]: {chars} characters (at most {})",
                    corridor_screen::MAX_NAME_CHARS
                )));
            }
            if !name.trim().is_empty() && !name.chars().any(char::is_alphabetic) {
                return Err(NodeError::Invalid(format!(
                    "names[{i}]: {name:?} has no letters (fillers, digits or symbols only)"
                )));
            }
        }
        let facts = self.facts();
        if facts.names.is_empty() && facts.documents.is_empty() {
            return Err(NodeError::Invalid(
                "names: give a name or a document number to screen".into(),
            ));
        }
        for form in facts.forms("query", 1) {
            corridor_screen::check(&form).map_err(NodeError::Invalid)?;
        }
        Ok(())
    }
}

/// One hit as a caller sees it.
#[derive(Clone, Debug, Serialize)]
pub struct HitView {
    pub entry_id: String,
    pub list: String,
    pub list_version: u64,
    pub score: f64,
    pub rank: usize,
    pub reasons: Vec<String>,
    /// Whether the score reaches the alert threshold.
    pub alert: bool,
    /// The entry's facts the caller may see (empty when none).
    pub entry_caption: Option<String>,
    pub entry_names: Vec<String>,
    pub entry_birth_dates: Vec<String>,
    pub entry_nationalities: Vec<String>,
    #[serde(skip)]
    pub(crate) entry_fingerprint: String,
}

/// The lists screening uses now.
#[derive(Clone, Debug, Serialize)]
pub struct WatchlistsView {
    pub lists: Vec<WatchlistVersion>,
    /// Every version of every list, newest first.
    pub history: Vec<WatchlistVersion>,
    pub indexed_entries: usize,
}

/// A watchlist file to import.
pub struct WatchlistImport<'a> {
    pub list: &'a str,
    pub file_name: &'a str,
    pub bytes: &'a [u8],
    /// A CSV mapping (YAML text); `None` reads FtM JSON lines.
    pub mapping: Option<&'a str>,
    /// A mirror's version number (from its national node); `None` takes the next.
    pub version: Option<u64>,
    pub handling: Option<corridor_model::HandlingCode>,
    pub purpose: Option<Purpose>,
}

impl<'a> WatchlistImport<'a> {
    /// FtM JSON lines, the next version number, the default label (restricted, border
    /// management); set the other fields to change that.
    pub fn new(list: &'a str, file_name: &'a str, bytes: &'a [u8]) -> WatchlistImport<'a> {
        WatchlistImport {
            list,
            file_name,
            bytes,
            mapping: None,
            version: None,
            handling: None,
            purpose: None,
        }
    }
}

/// What an import did.
#[derive(Clone, Debug, Serialize)]
pub struct ImportedVersion {
    pub version: WatchlistVersion,
    pub records: u64,
    pub statements_inserted: u64,
}

const EMPTY_LIST: &str = "no entries (a version must list at least one; nothing was imported)";

/// A list name: letters, digits, `-` and `_`, 1 to 64 characters.
pub fn check_list_name(list: &str) -> Result<(), NodeError> {
    let ok = (1..=64).contains(&list.len())
        && list
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(NodeError::Invalid(format!(
            "list: {list:?} must be 1 to 64 letters, digits, '-' or '_'"
        )))
    }
}

impl Node {
    /// Rebuilds the screening index on a connection of its own, closed afterwards: a scan of
    /// every list entry fills a connection's page cache, and SQLite then walks that cache's
    /// whole table each time another connection's commit makes it stale — on every request,
    /// had the scan borrowed a pooled connection.
    pub fn rebuild_screening(&self) -> Result<Arc<ScreenIndex>, NodeError> {
        let mut store = self.dedicated_store()?;
        self.screening.rebuild(&mut *store, &self.model)
    }

    /// The screening index, built on first use.
    /// The screening index, built on first use (with the caller's store connection: the
    /// pool may have only one).
    pub(crate) fn screen_index(
        &self,
        store: &mut dyn Store,
    ) -> Result<Arc<ScreenIndex>, NodeError> {
        if let Some(index) = self.screening.current() {
            return Ok(index);
        }
        self.screening.rebuild(store, &self.model)
    }

    pub fn watchlists(&self, subject: &Subject) -> Result<WatchlistsView, NodeError> {
        if self.require(subject, Action::Screen).is_err() {
            self.require(subject, Action::ManageWatchlists)?;
        }
        let mut store = self.store();
        let index = self.screen_index(&mut **store)?;
        let mut history = store.watchlist_versions()?;
        history.reverse();
        let mut lists = index.versions.clone();
        lists.sort_by(|a, b| a.list.cmp(&b.list));
        Ok(WatchlistsView {
            lists,
            history,
            indexed_entries: index.entries.len(),
        })
    }

    /// Imports a new version of a list: the file's entities are written under the dataset
    /// `watchlist-<list>`, and the version (which entities the list now holds) in the same
    /// transaction. A bad row fails the whole import; then nothing changes.
    pub fn import_watchlist(
        &self,
        subject: &Subject,
        import: WatchlistImport<'_>,
    ) -> Result<ImportedVersion, NodeError> {
        if import.version.is_some() {
            self.require(subject, Action::Sync)?;
        } else {
            self.require(subject, Action::ManageWatchlists)?;
        }
        check_list_name(import.list)?;
        if !(1..=200).contains(&import.file_name.chars().count()) {
            return Err(NodeError::Invalid(
                "file: a name of 1 to 200 characters".into(),
            ));
        }
        let sha256 = hex::encode(Sha256::digest(import.bytes));
        let now = crate::now();
        let dataset = format!("watchlist-{}", import.list);
        let mut recorded: Option<WatchlistVersion> = None;
        let mut before_commit = |tx: &mut dyn corridor_store::WriteTx,
                                 ids: &BTreeSet<String>|
         -> Result<(), corridor_store::StoreError> {
            // An empty file would be a version that lists nobody: every entry would silently
            // stop being screened. It is refused, and the import with it.
            if ids.is_empty() {
                return Err(corridor_store::StoreError::Visitor(EMPTY_LIST.into()));
            }
            let members: Vec<String> = ids.iter().cloned().collect();
            let v = tx.record_watchlist_version(
                WatchlistVersion {
                    list: import.list.to_string(),
                    version: import.version.unwrap_or(0),
                    dataset: dataset.clone(),
                    imported_at: now.clone(),
                    imported_by: subject.username.clone(),
                    source: import.file_name.to_string(),
                    sha256: sha256.clone(),
                    ..Default::default()
                },
                &members,
            )?;
            recorded = Some(v);
            Ok(())
        };
        let mut options = corridor_formats::ImportOptions::new(&subject.username, &now);
        options.dataset = Some(dataset.clone());
        options.handling = Some(
            import
                .handling
                .unwrap_or(corridor_model::HandlingCode::Restricted),
        );
        options.purpose = Some(import.purpose.unwrap_or(Purpose::BorderManagement));
        if options.purpose == Some(Purpose::Protection) {
            return Err(NodeError::Invalid(
                "purpose: a watchlist is never protection data".into(),
            ));
        }
        options.before_commit = Some(&mut before_commit);
        let mut store = self.store();
        let result = match import.mapping {
            Some(text) => corridor_formats::mapping::Mapping::parse("mapping", text, &self.model)
                .and_then(|mapping| {
                    corridor_formats::csv_import::import_csv(
                        &mut **store,
                        &self.model,
                        &mapping,
                        import.file_name,
                        import.bytes,
                        &mut options,
                    )
                }),
            None => corridor_formats::ftm::import_ftm(
                &mut **store,
                &self.model,
                import.file_name,
                import.bytes,
                &mut options,
            ),
        };
        drop(options);
        let report = match result {
            Ok(report) => report,
            Err(corridor_formats::ImportError::Store(corridor_store::StoreError::Conflict(m))) => {
                return Err(NodeError::Conflict(m));
            }
            Err(corridor_formats::ImportError::Store(corridor_store::StoreError::Visitor(m)))
                if m == EMPTY_LIST =>
            {
                return Err(NodeError::Invalid(format!("{}: {m}", import.file_name)));
            }
            Err(e) => return Err(NodeError::Invalid(e.to_string())),
        };
        let Some(version) = recorded else {
            return Err(NodeError::Invalid(format!(
                "{}: no entries",
                import.file_name
            )));
        };
        self.audit(
            &mut **store,
            &subject.username,
            "import_watchlist",
            &format!("watchlist {} version {}", version.list, version.version),
            None,
            &format!(
                "allowed: {} entries ({} added, {} removed), sha256 {}",
                version.entries, version.added, version.removed, version.sha256
            ),
        )?;
        self.link_new_records(&mut **store);
        store.renew();
        drop(store);
        self.rebuild_screening()?;
        Ok(ImportedVersion {
            version,
            records: report.records,
            statements_inserted: report.statements_inserted,
        })
    }

    /// Screens a person against the latest version of every list: ranked hits with their
    /// reasons, merged per entry (the best of its names and documents).
    pub fn screen(
        &self,
        subject: &Subject,
        query: &ScreenQuery,
    ) -> Result<Vec<HitView>, NodeError> {
        self.require(subject, Action::Screen)?;
        query.check()?;
        // No store connection is held while the engine ranks: requests waiting for a
        // connection (their login, their hit views) need not wait for screening too.
        let index = match self.screening.current() {
            Some(index) => index,
            None => self.screen_index(&mut **self.store())?,
        };
        let ranked = self.rank_hits(&index, &query.facts());
        let mut store = self.store();
        let hits = self.hit_views(&mut **store, subject, &index, ranked)?;
        self.audit(
            &mut **store,
            &subject.username,
            "screen",
            "watchlists",
            subject.reason.as_deref(),
            &format!("allowed: {} hits", hits.len()),
        )?;
        Ok(hits)
    }

    /// Screening without the permission check or the audit entry (the caller does both).
    pub(crate) fn screen_facts(
        &self,
        store: &mut dyn Store,
        subject: &Subject,
        facts: &ScreenedFacts,
    ) -> Result<Vec<HitView>, NodeError> {
        let index = self.screen_index(store)?;
        let ranked = self.rank_hits(&index, facts);
        self.hit_views(store, subject, &index, ranked)
    }

    /// The engine's hits for every form of the facts, merged per entry, above the threshold
    /// shown, best first. Needs no store.
    fn rank_hits(
        &self,
        index: &ScreenIndex,
        facts: &ScreenedFacts,
    ) -> Vec<(usize, corridor_screen::Hit)> {
        let settings = &self.screening.settings;
        let mut best: HashMap<usize, corridor_screen::Hit> = HashMap::new();
        for form in facts.forms("query", settings.max_forms_per_entry) {
            // A few more than shown: an entry with several names or documents can take several
            // places before the merge by entry.
            for hit in index
                .watchlist
                .screen(&form, settings.top + settings.top / 2)
            {
                let Some(entry) = hit
                    .entry_id
                    .parse::<usize>()
                    .ok()
                    .and_then(|f| index.form_entry.get(f))
                else {
                    continue;
                };
                let slot = best.entry(*entry).or_insert_with(|| hit.clone());
                if hit.score > slot.score {
                    *slot = hit;
                }
            }
        }
        let mut ranked: Vec<(usize, corridor_screen::Hit)> = best
            .into_iter()
            .filter(|(_, h)| h.score >= settings.show_threshold || document_match(h))
            .collect();
        ranked.sort_by(|a, b| {
            b.1.score.total_cmp(&a.1.score).then_with(|| {
                index.entries[a.0]
                    .entity_id
                    .cmp(&index.entries[b.0].entity_id)
            })
        });
        ranked.truncate(settings.top);
        ranked
    }

    /// What the subject may see of each ranked entry, read from the store.
    fn hit_views(
        &self,
        store: &mut dyn Store,
        subject: &Subject,
        index: &ScreenIndex,
        ranked: Vec<(usize, corridor_screen::Hit)>,
    ) -> Result<Vec<HitView>, NodeError> {
        let settings = &self.screening.settings;
        let mut gate = Gate::new(&self.policy, subject, Action::Read);
        let mut out = Vec::new();
        for (rank, (entry, hit)) in ranked.into_iter().enumerate() {
            let e = &index.entries[entry];
            let statements = store.entity_statements(&e.entity_id)?;
            let visible: Vec<&Statement> = live_statements(&statements)
                .into_iter()
                .filter(|s| gate.allows(s))
                .collect();
            let seen = ScreenedFacts::from_statements(&self.model, &visible);
            let caption = crate::views::describe(self, &e.entity_id, &visible).map(|d| d.1);
            let alert = hit.score >= settings.alert_threshold || document_match(&hit);
            out.push(HitView {
                entry_id: e.entity_id.clone(),
                list: e.list.clone(),
                list_version: e.version,
                score: (hit.score * 1000.0).round() / 1000.0,
                rank: rank + 1,
                reasons: hit.reasons,
                alert,
                entry_caption: caption,
                entry_names: seen.names,
                entry_birth_dates: seen.birth_dates,
                entry_nationalities: seen.nationalities,
                entry_fingerprint: e.fingerprint.clone(),
            });
        }
        Ok(out)
    }
}

/// The same document number is a hit on its own, whatever the names say: that is what lists
/// of lost and stolen documents are for.
fn document_match(hit: &corridor_screen::Hit) -> bool {
    corridor_screen::same_document(&hit.reasons)
}
