//! Corridor's statement store: one trait, two real backends.
//!
//! - [`sqlite`]: the embedded default. One file in the node's data directory, WAL mode, zero
//!   set-up; serves a border post or a small agency.
//! - [`postgres`]: for a national node. Same tables, same behaviour, bulk writes through `COPY`.
//!
//! Both pass the same conformance suite (`tests.rs`), run against a real SQLite file and a real
//! PostgreSQL server. This is the only crate that speaks SQL.
//!
//! Key decisions:
//! - Statements are only ever added. A correction is a retraction statement; nothing here
//!   updates or deletes a statement.
//! - Writes go through a [`WriteTx`]: nothing is visible until [`WriteTx::commit`], and a
//!   transaction dropped without commit (an error, a killed process) leaves the store as it was.
//! - Asserted statements have content-derived ids, so writing the same fact twice stores it once.

mod migrate;
pub mod node;
pub mod postgres;
pub mod sqlite;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use corridor_model::{Model, Statement};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no Corridor store at {0}: run `corridor init` first (or pass --data)")]
    NotInitialised(String),
    #[error("a Corridor store already exists at {0}")]
    AlreadyInitialised(String),
    #[error("store at {location} needs migration {version} but was written by a newer Corridor")]
    TooNew { location: String, version: u32 },
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] ::postgres::Error),
    #[error("store data is inconsistent: {0}")]
    Corrupt(String),
    /// The write contradicts what is stored (a watchlist version number already taken).
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// An error raised by a caller's visitor (an exporter that could not write, say).
    #[error("{0}")]
    Visitor(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What a committed write did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteSummary {
    /// Statements stored for the first time.
    pub inserted: u64,
    /// Statements that were already in the store (same id) and were skipped.
    pub already_present: u64,
}

/// Counts for `corridor stats`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub statements: u64,
    pub entities: u64,
    /// Distinct entities per schema named in their statements.
    pub entities_by_schema: BTreeMap<String, u64>,
    /// Statements per source dataset.
    pub statements_by_dataset: BTreeMap<String, u64>,
}

pub use node::{
    AuditRecord, CoopRecord, Credential, GENESIS_HASH, JudgementRecord, NodeStore, UserRecord,
    Visibility, WatchlistVersion,
};

/// A store of statements, and of what a node keeps beside them ([`NodeStore`]). Reads see
/// committed data only. A store is one connection; a server opens several.
pub trait Store: NodeStore + Send {
    /// Starts a write. Statements written through it are committed together or not at all.
    fn begin(&mut self) -> Result<Box<dyn WriteTx + '_>>;

    /// Every statement about an entity (assertions and retractions), oldest first.
    fn entity_statements(&mut self, entity_id: &str) -> Result<Vec<Statement>>;

    /// Entity ids with a name containing `query` (case-insensitive), at most `limit`.
    fn search_names(&mut self, query: &str, limit: usize) -> Result<Vec<String>>;

    /// Visits every entity's statements, oldest first within an entity, entities in id order.
    /// Streams: memory holds one entity at a time.
    fn scan_entities(&mut self, visit: &mut dyn FnMut(&[Statement]) -> Result<()>) -> Result<()>;

    fn stats(&mut self) -> Result<Stats>;

    /// Statements recorded after sequence number `after`, in recording order, at most `limit`,
    /// each with its sequence number: what a node sends a partner that has seen up to `after`.
    fn statements_after(&mut self, after: i64, limit: usize) -> Result<Vec<(i64, Statement)>>;

    /// Where the store lives, for messages.
    fn location(&self) -> String;

    /// Moves what the write-ahead log holds into the database where that needs no waiting for
    /// readers or writers, and returns the log's pages left over. A node calls it from a
    /// thread of its own so that the commit that fills the log need not do it on a request's
    /// time. Stores without such a log do nothing.
    fn checkpoint(&mut self) -> Result<u64> {
        Ok(0)
    }
}

/// An open write. Dropping it without [`WriteTx::commit`] discards everything written.
pub trait WriteTx {
    /// Adds statements. Statements whose id is already stored are skipped.
    fn write(&mut self, statements: &[Statement]) -> Result<()>;

    /// The schemata that committed statements and this transaction's own statements give each
    /// of `ids`; ids with no statements are absent.
    fn schemata_of(&mut self, ids: &[String]) -> Result<HashMap<String, Vec<String>>>;

    /// Records a new version of a watchlist in this transaction: `members` are the entity ids
    /// it holds. A `version` of 0 takes the next number; another must be above the latest (a
    /// post mirroring its national node's numbers). `added` and `removed` are counted here.
    fn record_watchlist_version(
        &mut self,
        version: WatchlistVersion,
        members: &[String],
    ) -> Result<WatchlistVersion>;

    /// Appends a row to the cooperation log in this transaction; `Conflict` when a `request`
    /// or `received` row with that key is already there.
    fn append_coop(&mut self, record: &CoopRecord) -> Result<()>;

    /// Deletes every statement of `ids`, and their rows in the name, link and schema indexes:
    /// the one way data leaves the store, for retention periods that have run out. Returns how
    /// many statements went. The caller audits it.
    fn purge_entities(&mut self, ids: &[String]) -> Result<u64>;

    fn commit(self: Box<Self>) -> Result<WriteSummary>;
}

/// Where a store lives: a data directory (SQLite) or a `postgres://` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    Directory(PathBuf),
    Postgres(String),
}

impl Location {
    pub fn parse(s: &str) -> Location {
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Location::Postgres(s.to_string())
        } else {
            Location::Directory(PathBuf::from(s))
        }
    }
}

/// Creates a new store (runs all migrations). Fails if one is already there.
pub fn create(location: &Location, model: Arc<Model>) -> Result<Box<dyn Store>> {
    Ok(match location {
        Location::Directory(dir) => Box::new(sqlite::SqliteStore::create(dir, model)?),
        Location::Postgres(url) => Box::new(postgres::PostgresStore::create(url, model)?),
    })
}

/// Opens an existing store, applying any migrations a newer Corridor brings.
pub fn open(location: &Location, model: Arc<Model>) -> Result<Box<dyn Store>> {
    Ok(match location {
        Location::Directory(dir) => Box::new(sqlite::SqliteStore::open(dir, model)?),
        Location::Postgres(url) => Box::new(postgres::PostgresStore::open(url, model)?),
    })
}

/// A statement row as both backends read it (`SELECT_STATEMENTS` in each): texts and bytes,
/// turned into a [`Statement`] in one place so that both backends read the same way.
pub(crate) struct StatementRow {
    pub entity_id: String,
    pub id: Vec<u8>,
    pub schema: String,
    pub prop: String,
    pub value: String,
    pub original_value: Option<String>,
    pub retracts: Option<Vec<u8>>,
    /// dataset, recorded_by, recorded_at, handling, purpose, reliability, grade
    pub provenance: [String; 7],
}

impl StatementRow {
    pub(crate) fn into_statement(self) -> Result<Statement> {
        let [
            dataset,
            recorded_by,
            recorded_at,
            handling,
            purpose,
            reliability,
            grade,
        ] = self.provenance;
        let provenance = corridor_model::Provenance {
            dataset,
            recorded_by,
            recorded_at,
            handling: handling.parse().map_err(StoreError::Corrupt)?,
            purpose: purpose.parse().map_err(StoreError::Corrupt)?,
            reliability: reliability.parse().map_err(StoreError::Corrupt)?,
            grade: grade.parse().map_err(StoreError::Corrupt)?,
        };
        let retracts = self.retracts.as_deref().map(to_id).transpose()?;
        Ok(Statement {
            id: to_id(&self.id)?,
            entity_id: self.entity_id,
            schema: self.schema,
            prop: self.prop,
            value: self.value,
            original_value: self.original_value,
            operation: if retracts.is_some() {
                corridor_model::Operation::Retract
            } else {
                corridor_model::Operation::Assert
            },
            retracts,
            provenance: Arc::new(provenance),
        })
    }
}

pub(crate) fn to_id(bytes: &[u8]) -> Result<corridor_model::StatementId> {
    let arr: [u8; 16] = bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt(format!("statement id of {} bytes", bytes.len())))?;
    Ok(corridor_model::StatementId(arr))
}

/// Turns rows ordered by entity into one visit per entity, its statements in recording order.
/// Both backends read in key order (no sort in the database) and hand rows here.
pub(crate) struct EntityGrouper<'v> {
    batch: Vec<(i64, Statement)>,
    visit: &'v mut dyn FnMut(&[Statement]) -> Result<()>,
}

impl<'v> EntityGrouper<'v> {
    pub(crate) fn new(visit: &'v mut dyn FnMut(&[Statement]) -> Result<()>) -> Self {
        EntityGrouper {
            batch: Vec::new(),
            visit,
        }
    }

    pub(crate) fn push(&mut self, seq: i64, statement: Statement) -> Result<()> {
        if self
            .batch
            .last()
            .is_some_and(|(_, s)| s.entity_id != statement.entity_id)
        {
            self.flush()?;
        }
        self.batch.push((seq, statement));
        Ok(())
    }

    pub(crate) fn finish(mut self) -> Result<()> {
        self.flush()
    }

    fn flush(&mut self) -> Result<()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        self.batch.sort_by_key(|(seq, _)| *seq);
        let statements: Vec<Statement> = self.batch.drain(..).map(|(_, s)| s).collect();
        (self.visit)(&statements)
    }
}

/// What a property feeds besides the statement table: the name index (name-typed values) or
/// the link index (entity-typed values).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct PropKind {
    pub is_name: bool,
    pub is_entity: bool,
}

/// Decides which statements feed the name and link indexes, from the model.
/// The hash of the write path's caches, probed once or more per statement written.
pub(crate) type FastHash = foldhash::fast::RandomState;

pub(crate) struct NameProps {
    model: Arc<Model>,
    /// schema → property → kind. Nested so that lookups borrow `&str` and allocate nothing;
    /// read for every statement written, so hashed with foldhash.
    cache: HashMap<String, HashMap<String, PropKind, FastHash>, FastHash>,
}

impl NameProps {
    pub(crate) fn new(model: Arc<Model>) -> NameProps {
        NameProps {
            model,
            cache: HashMap::default(),
        }
    }

    pub(crate) fn kind(&mut self, schema: &str, prop: &str) -> PropKind {
        if let Some(v) = self.cache.get(schema).and_then(|props| props.get(prop)) {
            return *v;
        }
        let type_ = self
            .model
            .get(schema)
            .and_then(|s| s.property(prop))
            .map(|p| p.type_);
        let v = PropKind {
            is_name: type_ == Some(corridor_model::PropertyType::Name),
            is_entity: type_ == Some(corridor_model::PropertyType::Entity),
        };
        self.cache
            .entry(schema.to_string())
            .or_default()
            .insert(prop.to_string(), v);
        v
    }

    /// Every (schema, property) pair whose values are entity ids, for filling the link index
    /// from statements written before it existed.
    pub(crate) fn entity_props(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for schema in self.model.schemata() {
            for (name, p) in &schema.properties {
                if p.type_ == corridor_model::PropertyType::Entity {
                    out.push((schema.name.clone(), name.clone()));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
