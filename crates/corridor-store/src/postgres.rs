//! The PostgreSQL backend, for nodes that outgrow one file.
//!
//! Writes are staged in a temporary table through binary `COPY` (the fastest way into
//! PostgreSQL), then moved into `statement` with `ON CONFLICT DO NOTHING`, all inside the one
//! transaction the caller commits or drops.

use std::collections::HashMap;

use std::sync::Arc;

use corridor_model::{Model, Operation, Provenance, Statement};
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::Type;
use postgres::{Client, NoTls};

use crate::migrate::{CREATE_TABLE, POSTGRES};
use crate::{NameProps, Result, StatementRow, Stats, Store, StoreError, WriteSummary, WriteTx};

/// Statements buffered before one `COPY` round trip.
mod node;

const STAGE_ROWS: usize = 100_000;

pub struct PostgresStore {
    client: Client,
    location: String,
    names: NameProps,
}

/// The URL without its password, for messages and logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}{}", &url[..scheme_end + 3], &url[at..])
        }
        _ => url.to_string(),
    }
}

impl PostgresStore {
    pub fn create(url: &str, model: Arc<Model>) -> Result<PostgresStore> {
        let mut client = Client::connect(url, NoTls)?;
        let exists: bool = client
            .query_one("SELECT to_regclass('statement') IS NOT NULL", &[])?
            .get(0);
        if exists {
            return Err(StoreError::AlreadyInitialised(redact(url)));
        }
        let names = NameProps::new(model);
        migrate(&mut client, url, &names)?;
        Ok(PostgresStore {
            client,
            location: redact(url),
            names,
        })
    }

    pub fn open(url: &str, model: Arc<Model>) -> Result<PostgresStore> {
        let mut client = Client::connect(url, NoTls)?;
        let exists: bool = client
            .query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[])?
            .get(0);
        if !exists {
            return Err(StoreError::NotInitialised(redact(url)));
        }
        let names = NameProps::new(model);
        migrate(&mut client, url, &names)?;
        Ok(PostgresStore {
            client,
            location: redact(url),
            names,
        })
    }
}

fn migrate(client: &mut Client, url: &str, names: &NameProps) -> Result<()> {
    let mut tx = client.transaction()?;
    // One migrator at a time, even when two nodes start against the same database.
    tx.execute("SELECT pg_advisory_xact_lock(7250001)", &[])?;
    tx.batch_execute(CREATE_TABLE)?;
    let current: i32 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0)::int FROM schema_migrations",
            &[],
        )?
        .get(0);
    let latest = POSTGRES.last().map_or(0, |m| m.version);
    if current as u32 > latest {
        return Err(StoreError::TooNew {
            location: redact(url),
            version: current as u32,
        });
    }
    for m in POSTGRES.iter().filter(|m| m.version > current as u32) {
        tx.batch_execute(m.sql)?;
        if m.version == 2 {
            node::fill_link_index(&mut tx, &names.entity_props())?;
        }
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now()::text)",
            &[&(m.version as i32), &m.name],
        )?;
    }
    tx.commit()?;
    Ok(())
}

const SELECT_STATEMENTS: &str = "SELECT s.entity_id, s.id, s.schema, s.prop, s.value, s.original_value, s.retracts,
        p.dataset, p.recorded_by, p.recorded_at, p.handling, p.purpose, p.reliability, p.grade, s.seq
   FROM statement s JOIN provenance p ON p.id = s.provenance";

fn row_to_statement(row: &postgres::Row) -> Result<Statement> {
    let text = |i: usize| -> String { row.get(i) };
    StatementRow {
        entity_id: text(0),
        id: row.get(1),
        schema: text(2),
        prop: text(3),
        value: text(4),
        original_value: row.get(5),
        retracts: row.get(6),
        provenance: [
            text(7),
            text(8),
            text(9),
            text(10),
            text(11),
            text(12),
            text(13),
        ],
    }
    .into_statement()
}

impl Store for PostgresStore {
    fn begin(&mut self) -> Result<Box<dyn WriteTx + '_>> {
        let mut tx = self.client.transaction()?;
        tx.batch_execute(
            "CREATE TEMP TABLE statement_load (
                 ord BIGSERIAL, entity_id TEXT, id BYTEA, schema TEXT, prop TEXT, value TEXT,
                 original_value TEXT, retracts BYTEA, provenance BIGINT, name_lower TEXT,
                 link_target TEXT
             ) ON COMMIT DROP",
        )?;
        Ok(Box::new(PostgresTx {
            tx,
            names: &mut self.names,
            provenance_ids: HashMap::new(),
            pending: Vec::new(),
            summary: WriteSummary::default(),
        }))
    }

    fn statements_after(&mut self, after: i64, limit: usize) -> Result<Vec<(i64, Statement)>> {
        let rows = self.client.query(
            &format!("{SELECT_STATEMENTS} WHERE s.seq > $1 ORDER BY s.seq LIMIT $2"),
            &[&after, &(limit as i64)],
        )?;
        rows.iter()
            .map(|r| Ok((r.get::<_, i64>(14), row_to_statement(r)?)))
            .collect()
    }

    fn entity_statements(&mut self, entity_id: &str) -> Result<Vec<Statement>> {
        let rows = self.client.query(
            &format!("{SELECT_STATEMENTS} WHERE s.entity_id = $1 ORDER BY s.seq"),
            &[&entity_id],
        )?;
        rows.iter().map(row_to_statement).collect()
    }

    fn search_names(&mut self, query: &str, limit: usize) -> Result<Vec<String>> {
        // LIKE with the pattern's wildcards escaped: the trigram index serves it.
        let escaped = query
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let rows = self.client.query(
            "SELECT entity_id FROM name_index WHERE name LIKE '%' || $1 || '%'
              GROUP BY entity_id ORDER BY MIN(length(name)), entity_id LIMIT $2",
            &[&escaped, &(limit as i64)],
        )?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn scan_entities(&mut self, visit: &mut dyn FnMut(&[Statement]) -> Result<()>) -> Result<()> {
        use postgres::fallible_iterator::FallibleIterator;
        let params: [&str; 0] = [];
        let mut rows = self
            .client
            .query_raw(&format!("{SELECT_STATEMENTS} ORDER BY s.entity_id"), params)?;
        let mut grouper = crate::EntityGrouper::new(visit);
        while let Some(row) = rows.next()? {
            let statement = row_to_statement(&row)?;
            grouper.push(row.get(14), statement)?;
        }
        grouper.finish()?;
        Ok(())
    }

    fn stats(&mut self) -> Result<Stats> {
        let mut stats = Stats::default();
        let c = &mut self.client;
        stats.statements = c
            .query_one("SELECT COUNT(*) FROM statement", &[])?
            .get::<_, i64>(0) as u64;
        stats.entities = c
            .query_one("SELECT COUNT(DISTINCT entity_id) FROM statement", &[])?
            .get::<_, i64>(0) as u64;
        for r in c.query(
            "SELECT schema, COUNT(DISTINCT entity_id) FROM statement GROUP BY schema",
            &[],
        )? {
            stats
                .entities_by_schema
                .insert(r.get(0), r.get::<_, i64>(1) as u64);
        }
        for r in c.query(
            "SELECT p.dataset, COUNT(*) FROM statement s JOIN provenance p ON p.id = s.provenance GROUP BY p.dataset",
            &[],
        )? {
            *stats.statements_by_dataset.entry(r.get(0)).or_default() += r.get::<_, i64>(1) as u64;
        }
        Ok(stats)
    }

    fn location(&self) -> String {
        self.location.clone()
    }
}

struct PostgresTx<'a> {
    tx: postgres::Transaction<'a>,
    names: &'a mut NameProps,
    provenance_ids: HashMap<Provenance, i64>,
    /// Each statement with its provenance id and what it feeds: a lower-cased name for the
    /// name index, or the target of a link for the link index.
    pending: Vec<(Statement, i64, Option<String>, Option<String>)>,
    summary: WriteSummary,
}

impl PostgresTx<'_> {
    fn provenance_id(&mut self, p: &Arc<Provenance>) -> Result<i64> {
        if let Some(id) = self.provenance_ids.get(p.as_ref()) {
            return Ok(*id);
        }
        let key: [&(dyn postgres::types::ToSql + Sync); 7] = [
            &p.dataset,
            &p.recorded_by,
            &p.recorded_at,
            &p.handling.as_str(),
            &p.purpose.as_str(),
            &p.reliability.as_str(),
            &p.grade.as_str(),
        ];
        self.tx.execute(
            "INSERT INTO provenance (dataset, recorded_by, recorded_at, handling, purpose, reliability, grade)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            &key,
        )?;
        let id: i64 = self
            .tx
            .query_one(
                "SELECT id FROM provenance WHERE dataset = $1 AND recorded_by = $2 AND recorded_at = $3
                   AND handling = $4 AND purpose = $5 AND reliability = $6 AND grade = $7",
                &key,
            )?
            .get(0);
        self.provenance_ids.insert(p.as_ref().clone(), id);
        Ok(id)
    }

    /// Sends the buffered statements through `COPY` and moves them into place.
    fn flush(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let sink = self.tx.copy_in(
            "COPY statement_load (entity_id, id, schema, prop, value, original_value, retracts, provenance, name_lower, link_target)
             FROM STDIN (FORMAT binary)",
        )?;
        let types = [
            Type::TEXT,
            Type::BYTEA,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::BYTEA,
            Type::INT8,
            Type::TEXT,
            Type::TEXT,
        ];
        let mut writer = BinaryCopyInWriter::new(sink, &types);
        for (s, provenance, name_lower, link_target) in &self.pending {
            let id: &[u8] = s.id.as_bytes();
            let retracts: Option<&[u8]> = s.retracts.as_ref().map(|r| r.as_bytes().as_slice());
            writer.write(&[
                &s.entity_id,
                &id,
                &s.schema,
                &s.prop,
                &s.value,
                &s.original_value,
                &retracts,
                provenance,
                name_lower,
                link_target,
            ])?;
        }
        writer.finish()?;
        let staged = self.pending.len() as u64;
        self.pending.clear();
        let inserted = self.tx.execute(
            // Numbered in recording order (the inner query), inserted in key order (the outer
            // one): neighbouring keys share index pages, which halved the time of a bulk import.
            "INSERT INTO statement (entity_id, id, seq, schema, prop, value, original_value, retracts, provenance)
             SELECT entity_id, id, seq, schema, prop, value, original_value, retracts, provenance
               FROM (SELECT l.*, nextval('statement_seq') AS seq
                       FROM (SELECT * FROM statement_load ORDER BY ord) l) numbered
              ORDER BY entity_id, id
             ON CONFLICT DO NOTHING",
            &[],
        )?;
        self.tx.execute(
            "INSERT INTO name_index (name, entity_id)
             SELECT DISTINCT name_lower, entity_id FROM statement_load WHERE name_lower IS NOT NULL
             ON CONFLICT DO NOTHING",
            &[],
        )?;
        self.tx.execute(
            "INSERT INTO link_index (target, source)
             SELECT DISTINCT link_target, entity_id FROM statement_load WHERE link_target IS NOT NULL
             ON CONFLICT DO NOTHING",
            &[],
        )?;
        self.tx.execute(
            "INSERT INTO entity_schema (schema, entity_id)
             SELECT DISTINCT schema, entity_id FROM statement_load
             ON CONFLICT DO NOTHING",
            &[],
        )?;
        self.tx.batch_execute("TRUNCATE statement_load")?;
        self.summary.inserted += inserted;
        self.summary.already_present += staged - inserted;
        Ok(())
    }
}

impl WriteTx for PostgresTx<'_> {
    fn write(&mut self, statements: &[Statement]) -> Result<()> {
        for s in statements {
            let provenance = self.provenance_id(&s.provenance)?;
            let kind = self.names.kind(&s.schema, &s.prop);
            let assert = s.operation == Operation::Assert;
            let name_lower = (assert && kind.is_name).then(|| s.value.to_lowercase());
            let link_target = (assert && kind.is_entity).then(|| s.value.clone());
            self.pending
                .push((s.clone(), provenance, name_lower, link_target));
            if self.pending.len() >= STAGE_ROWS {
                self.flush()?;
            }
        }
        Ok(())
    }

    fn schemata_of(&mut self, ids: &[String]) -> Result<HashMap<String, Vec<String>>> {
        self.flush()?;
        let mut out: HashMap<String, Vec<String>> = HashMap::new();
        for row in self.tx.query(
            "SELECT DISTINCT entity_id, schema FROM statement WHERE entity_id = ANY($1)",
            &[&ids],
        )? {
            out.entry(row.get(0)).or_default().push(row.get(1));
        }
        Ok(out)
    }

    fn record_watchlist_version(
        &mut self,
        version: crate::WatchlistVersion,
        members: &[String],
    ) -> Result<crate::WatchlistVersion> {
        self.flush()?;
        node::record_watchlist_version(&mut self.tx, version, members)
    }

    fn append_coop(&mut self, record: &crate::CoopRecord) -> Result<()> {
        self.flush()?;
        node::append_coop(&mut self.tx, record)
    }

    fn purge_entities(&mut self, ids: &[String]) -> Result<u64> {
        self.flush()?;
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let gone = self
            .tx
            .execute("DELETE FROM statement WHERE entity_id = ANY($1)", &[&ids])?;
        self.tx
            .execute("DELETE FROM name_index WHERE entity_id = ANY($1)", &[&ids])?;
        self.tx
            .execute("DELETE FROM link_index WHERE source = ANY($1)", &[&ids])?;
        self.tx.execute(
            "DELETE FROM entity_schema WHERE entity_id = ANY($1)",
            &[&ids],
        )?;
        Ok(gone)
    }

    fn commit(mut self: Box<Self>) -> Result<WriteSummary> {
        self.flush()?;
        let PostgresTx { tx, summary, .. } = *self;
        tx.commit()?;
        Ok(summary)
    }
}

#[cfg(test)]
pub(crate) fn redact_for_test(url: &str) -> String {
    redact(url)
}
