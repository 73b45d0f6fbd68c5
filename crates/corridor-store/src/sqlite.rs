//! The embedded backend: SQLite in WAL mode, one file `corridor.db` in the data directory.
//!
//! Bulk writes run inside one transaction with cached prepared statements; SQLite spills a large
//! transaction to the WAL, so memory stays flat, and a process killed mid-way leaves an
//! uncommitted WAL tail that SQLite discards on the next open.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use corridor_model::{Model, Operation, Provenance, Statement};
use rusqlite::{Connection, params};

use crate::FastHash;
use crate::migrate::{CREATE_TABLE, SQLITE};
use crate::{NameProps, Result, StatementRow, Stats, Store, StoreError, WriteSummary, WriteTx};

mod node;

pub const DB_FILE: &str = "corridor.db";

pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    names: NameProps,
}

impl SqliteStore {
    pub fn create(dir: &Path, model: Arc<Model>) -> Result<SqliteStore> {
        let path = dir.join(DB_FILE);
        if path.exists() {
            return Err(StoreError::AlreadyInitialised(path.display().to_string()));
        }
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Io(std::io::Error::new(
                e.kind(),
                format!("cannot create the data directory {}: {e}", dir.display()),
            ))
        })?;
        Self::connect(path, model)
    }

    pub fn open(dir: &Path, model: Arc<Model>) -> Result<SqliteStore> {
        let path = dir.join(DB_FILE);
        if !path.exists() {
            return Err(StoreError::NotInitialised(dir.display().to_string()));
        }
        Self::connect(path, model)
    }

    fn connect(path: PathBuf, model: Arc<Model>) -> Result<SqliteStore> {
        let mut conn = Connection::open(&path)?;
        // WAL: readers never block the writer. synchronous=NORMAL is durable at each commit
        // in WAL mode except against power loss on the last transactions. A large page cache
        // keeps bulk imports into a big store off the disk.
        // Foreign keys stay off: the only reference (statement → provenance) is written by this
        // store itself in the same transaction, and checking it on every insert was costly.
        // The page size only takes effect on a new file, before the first table exists.
        conn.execute_batch("PRAGMA page_size = 16384;")?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = OFF;
             PRAGMA cache_size = -1048576;
             PRAGMA temp_store = MEMORY;
             PRAGMA busy_timeout = 5000;",
        )?;
        let names = NameProps::new(model);
        migrate(&mut conn, &path, &names)?;
        Ok(SqliteStore { conn, path, names })
    }
}

fn migrate(conn: &mut Connection, path: &Path, names: &NameProps) -> Result<()> {
    let tx = conn.transaction()?;
    tx.execute_batch(CREATE_TABLE)?;
    let current: u32 = tx.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?;
    let latest = SQLITE.last().map_or(0, |m| m.version);
    if current > latest {
        return Err(StoreError::TooNew {
            location: path.display().to_string(),
            version: current,
        });
    }
    for m in SQLITE.iter().filter(|m| m.version > current) {
        tx.execute_batch(m.sql)?;
        if m.version == 2 {
            node::fill_link_index(&tx, &names.entity_props())?;
        }
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, datetime('now'))",
            params![m.version, m.name],
        )?;
    }
    tx.commit()?;
    Ok(())
}

const SELECT_STATEMENTS: &str = "SELECT s.entity_id, s.id, ts.text, tp.text, s.value, s.original_value, s.retracts,
        p.dataset, p.recorded_by, p.recorded_at, p.handling, p.purpose, p.reliability, p.grade, s.seq
   FROM statement s JOIN provenance p ON p.id = s.provenance
   JOIN term ts ON ts.id = s.schema JOIN term tp ON tp.id = s.prop";

/// The number a schema or property name is stored under: 32-bit FNV-1a of its UTF-8 bytes.
fn term_number(text: &str) -> i64 {
    let mut h: u32 = 0x811c_9dc5;
    for b in text.bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h as i64
}

fn row_to_statement(row: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Statement>> {
    let text = |i: usize| row.get::<_, String>(i);
    let columns = StatementRow {
        entity_id: text(0)?,
        id: row.get(1)?,
        schema: text(2)?,
        prop: text(3)?,
        value: text(4)?,
        original_value: row.get(5)?,
        retracts: row.get(6)?,
        provenance: [
            text(7)?,
            text(8)?,
            text(9)?,
            text(10)?,
            text(11)?,
            text(12)?,
            text(13)?,
        ],
    };
    Ok(columns.into_statement())
}

impl Store for SqliteStore {
    fn begin(&mut self) -> Result<Box<dyn WriteTx + '_>> {
        let tx = self.conn.transaction()?;
        let next_seq: i64 = tx.query_row(
            "SELECT value FROM counter WHERE name = 'statement_seq'",
            [],
            |r| r.get(0),
        )?;
        Ok(Box::new(SqliteTx {
            tx,
            listed: Default::default(),
            names: &mut self.names,
            provenance_cache: ProvenanceCache::default(),
            terms: TermCache::default(),
            next_seq,
            summary: WriteSummary::default(),
        }))
    }

    fn statements_after(&mut self, after: i64, limit: usize) -> Result<Vec<(i64, Statement)>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT_STATEMENTS} WHERE s.seq > ?1 ORDER BY s.seq LIMIT ?2"
        ))?;
        let mut out = Vec::new();
        let mut rows = stmt.query(params![after, limit as i64])?;
        while let Some(row) = rows.next()? {
            out.push((row.get::<_, i64>(14)?, row_to_statement(row)??));
        }
        Ok(out)
    }

    fn entity_statements(&mut self, entity_id: &str) -> Result<Vec<Statement>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT_STATEMENTS} WHERE s.entity_id = ?1 ORDER BY s.seq"
        ))?;
        let rows = stmt.query_map([entity_id], row_to_statement)?;
        rows.map(|r| r?).collect()
    }

    fn search_names(&mut self, query: &str, limit: usize) -> Result<Vec<String>> {
        let needle = query.to_lowercase();
        // The trigram index serves queries of three characters or more; a quoted FTS5 string
        // is matched as a plain substring (quotes inside are doubled).
        let mut stmt = if needle.chars().count() >= 3 {
            self.conn.prepare_cached(
                "SELECT entity_id FROM name_fts WHERE name_fts MATCH '\"' || replace(?1, '\"', '\"\"') || '\"'
                  GROUP BY entity_id ORDER BY MIN(length(name)), entity_id LIMIT ?2",
            )?
        } else {
            self.conn.prepare_cached(
                "SELECT entity_id FROM name_index WHERE instr(name, ?1) > 0 GROUP BY entity_id ORDER BY MIN(length(name)), entity_id LIMIT ?2",
            )?
        };
        let rows = stmt.query_map(params![needle, limit as i64], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn scan_entities(&mut self, visit: &mut dyn FnMut(&[Statement]) -> Result<()>) -> Result<()> {
        // Reads in primary-key order (entity, then id) so SQLite needs no sort; each entity's
        // statements are put back in recording order in memory.
        let mut stmt = self
            .conn
            .prepare(&format!("{SELECT_STATEMENTS} ORDER BY s.entity_id"))?;
        let mut rows = stmt.query([])?;
        let mut grouper = crate::EntityGrouper::new(visit);
        while let Some(row) = rows.next()? {
            let statement = row_to_statement(row)??;
            grouper.push(row.get(14)?, statement)?;
        }
        grouper.finish()?;
        Ok(())
    }

    fn stats(&mut self) -> Result<Stats> {
        let mut stats = Stats::default();
        let conn = &self.conn;
        stats.statements =
            conn.query_row("SELECT COUNT(*) FROM statement", [], |r| r.get::<_, i64>(0))? as u64;
        stats.entities =
            conn.query_row("SELECT COUNT(DISTINCT entity_id) FROM statement", [], |r| {
                r.get::<_, i64>(0)
            })? as u64;
        let mut q = conn
            .prepare("SELECT t.text, COUNT(DISTINCT s.entity_id) FROM statement s JOIN term t ON t.id = s.schema GROUP BY t.text")?;
        for row in q.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (k, v) = row?;
            stats.entities_by_schema.insert(k, v as u64);
        }
        let mut q = conn.prepare(
            "SELECT p.dataset, COUNT(*) FROM statement s JOIN provenance p ON p.id = s.provenance GROUP BY p.dataset",
        )?;
        for row in q.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (k, v) = row?;
            *stats.statements_by_dataset.entry(k).or_default() += v as u64;
        }
        Ok(stats)
    }

    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn checkpoint(&mut self) -> Result<u64> {
        // PASSIVE copies what no reader still needs and never waits; the row is
        // (busy, pages in the log, pages copied).
        let (log, copied): (i64, i64) =
            self.conn
                .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                    Ok((r.get(1)?, r.get(2)?))
                })?;
        Ok((log - copied).max(0) as u64)
    }
}

struct SqliteTx<'a> {
    tx: rusqlite::Transaction<'a>,
    /// Per schema term, the entities already listed in `entity_schema` by this transaction
    /// (keyed by schema first, so that a lookup borrows the entity id rather than copying it).
    listed: HashMap<i64, std::collections::HashSet<String, FastHash>, FastHash>,
    names: &'a mut NameProps,
    provenance_cache: ProvenanceCache,
    terms: TermCache,
    next_seq: i64,
    summary: WriteSummary,
}

/// Term numbers already written (or found) in this transaction.
#[derive(Default)]
struct TermCache {
    numbers: HashMap<String, i64, FastHash>,
}

impl TermCache {
    fn number(&mut self, tx: &rusqlite::Transaction<'_>, text: &str) -> Result<i64> {
        if let Some(n) = self.numbers.get(text) {
            return Ok(*n);
        }
        let n = term_number(text);
        tx.execute(
            "INSERT OR IGNORE INTO term (id, text) VALUES (?1, ?2)",
            params![n, text],
        )?;
        let stored: String =
            tx.query_row("SELECT text FROM term WHERE id = ?1", [n], |r| r.get(0))?;
        if stored != text {
            return Err(StoreError::Corrupt(format!(
                "names {stored:?} and {text:?} share the term number {n}; rename one of them"
            )));
        }
        self.numbers.insert(text.to_string(), n);
        Ok(n)
    }
}

/// Provenance rows already looked up in this transaction.
#[derive(Default)]
struct ProvenanceCache {
    ids: HashMap<Provenance, i64>,
    /// Consecutive statements of an import share one provenance allocation: compare pointers
    /// before hashing three strings.
    last: Option<(Arc<Provenance>, i64)>,
}

fn provenance_id(
    tx: &rusqlite::Transaction<'_>,
    cache: &mut ProvenanceCache,
    p: &Arc<Provenance>,
) -> Result<i64> {
    if let Some((last, id)) = &cache.last
        && Arc::ptr_eq(last, p)
    {
        return Ok(*id);
    }
    if let Some(id) = cache.ids.get(p.as_ref()) {
        cache.last = Some((p.clone(), *id));
        return Ok(*id);
    }
    let key = params![
        p.dataset,
        p.recorded_by,
        p.recorded_at,
        p.handling.as_str(),
        p.purpose.as_str(),
        p.reliability.as_str(),
        p.grade.as_str()
    ];
    tx.execute(
        "INSERT OR IGNORE INTO provenance (dataset, recorded_by, recorded_at, handling, purpose, reliability, grade)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        key,
    )?;
    let id: i64 = tx.query_row(
        "SELECT id FROM provenance WHERE dataset = ?1 AND recorded_by = ?2 AND recorded_at = ?3
           AND handling = ?4 AND purpose = ?5 AND reliability = ?6 AND grade = ?7",
        key,
        |r| r.get(0),
    )?;
    cache.ids.insert(p.as_ref().clone(), id);
    cache.last = Some((p.clone(), id));
    Ok(id)
}

impl WriteTx for SqliteTx<'_> {
    fn write(&mut self, statements: &[Statement]) -> Result<()> {
        // Prepared once per batch, not per statement: the statement cache is keyed by SQL text.
        let mut insert = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO statement
               (entity_id, id, seq, schema, prop, value, original_value, retracts, provenance)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        let mut name = self
            .tx
            .prepare_cached("INSERT OR IGNORE INTO name_index (name, entity_id) VALUES (?1, ?2)")?;
        let mut name_fts = self
            .tx
            .prepare_cached("INSERT INTO name_fts (name, entity_id) VALUES (?1, ?2)")?;
        let mut link = self
            .tx
            .prepare_cached("INSERT OR IGNORE INTO link_index (target, source) VALUES (?1, ?2)")?;
        let mut list = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO entity_schema (schema, entity_id) VALUES (?1, ?2)",
        )?;
        // Insert in key order: neighbouring keys share B-tree pages, so a sorted batch touches
        // far fewer pages than the same rows in file order. Recording order is kept in `seq`,
        // which is assigned from the position in the batch before sorting.
        let mut order: Vec<usize> = (0..statements.len()).collect();
        order.sort_unstable_by(|&a, &b| {
            let (x, y) = (&statements[a], &statements[b]);
            (x.entity_id.as_str(), x.id).cmp(&(y.entity_id.as_str(), y.id))
        });
        let base = self.next_seq;
        for i in order {
            let s = &statements[i];
            let provenance = provenance_id(&self.tx, &mut self.provenance_cache, &s.provenance)?;
            let schema = self.terms.number(&self.tx, &s.schema)?;
            let prop = self.terms.number(&self.tx, &s.prop)?;
            let changed = insert.execute(params![
                s.entity_id,
                s.id.as_bytes().as_slice(),
                base + 1 + i as i64,
                schema,
                prop,
                s.value,
                s.original_value,
                s.retracts.as_ref().map(|r| r.as_bytes().as_slice()),
                provenance,
            ])?;
            if changed == 0 {
                self.summary.already_present += 1;
                continue;
            }
            self.summary.inserted += 1;
            let listed = self.listed.entry(schema).or_default();
            if !listed.contains(s.entity_id.as_str()) {
                list.execute(params![schema, s.entity_id])?;
                listed.insert(s.entity_id.clone());
            }
            if s.operation == Operation::Assert {
                let kind = self.names.kind(&s.schema, &s.prop);
                if kind.is_name {
                    let lower = s.value.to_lowercase();
                    if name.execute(params![lower, s.entity_id])? == 1 {
                        name_fts.execute(params![lower, s.entity_id])?;
                    }
                } else if kind.is_entity {
                    link.execute(params![s.value, s.entity_id])?;
                }
            }
        }
        self.next_seq = base + statements.len() as i64;
        Ok(())
    }

    fn schemata_of(&mut self, ids: &[String]) -> Result<HashMap<String, Vec<String>>> {
        let mut out: HashMap<String, Vec<String>> = HashMap::new();
        let mut q = self
            .tx
            .prepare_cached(
                "SELECT DISTINCT t.text FROM statement s JOIN term t ON t.id = s.schema WHERE s.entity_id = ?1",
            )?;
        for id in ids {
            let schemata: Vec<String> = q
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            if !schemata.is_empty() {
                out.insert(id.clone(), schemata);
            }
        }
        Ok(out)
    }

    fn record_watchlist_version(
        &mut self,
        version: crate::WatchlistVersion,
        members: &[String],
    ) -> Result<crate::WatchlistVersion> {
        node::record_watchlist_version(&self.tx, version, members)
    }

    fn append_coop(&mut self, record: &crate::CoopRecord) -> Result<()> {
        node::append_coop(&self.tx, record)
    }

    fn purge_entities(&mut self, ids: &[String]) -> Result<u64> {
        let mut gone = 0u64;
        for id in ids {
            gone += self
                .tx
                .execute("DELETE FROM statement WHERE entity_id = ?1", [id])?
                as u64;
            self.tx
                .execute("DELETE FROM name_index WHERE entity_id = ?1", [id])?;
            self.tx
                .execute("DELETE FROM name_fts WHERE entity_id = ?1", [id])?;
            self.tx
                .execute("DELETE FROM link_index WHERE source = ?1", [id])?;
            self.tx
                .execute("DELETE FROM entity_schema WHERE entity_id = ?1", [id])?;
            for listed in self.listed.values_mut() {
                listed.remove(id.as_str());
            }
        }
        Ok(gone)
    }

    fn commit(self: Box<Self>) -> Result<WriteSummary> {
        let SqliteTx {
            tx,
            next_seq,
            summary,
            ..
        } = *self;
        tx.execute(
            "UPDATE counter SET value = ?1 WHERE name = 'statement_seq'",
            [next_seq],
        )?;
        tx.commit()?;
        Ok(summary)
    }
}

#[cfg(test)]
pub(crate) fn term_number_for_test(text: &str) -> i64 {
    term_number(text)
}
