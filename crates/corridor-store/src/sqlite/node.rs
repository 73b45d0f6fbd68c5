//! The SQLite side of [`NodeStore`]: accounts, credentials, the audit log, links, statistics.

use rusqlite::{OptionalExtension, params};

use super::{SqliteStore, term_number};
use crate::node::{
    AuditRecord, CoopRecord, Credential, JudgementRecord, NodeStore, UserRecord, Visibility,
    WatchlistVersion,
};
use crate::{Result, Stats};

fn user_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<UserRecord> {
    let roles: String = r.get(2)?;
    Ok(UserRecord {
        username: r.get(0)?,
        display_name: r.get(1)?,
        roles: roles
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        password_hash: r.get(3)?,
        disabled: r.get(4)?,
        created_at: r.get(5)?,
    })
}

fn audit_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditRecord> {
    Ok(AuditRecord {
        seq: r.get::<_, i64>(0)? as u64,
        at: r.get(1)?,
        user: r.get(2)?,
        action: r.get(3)?,
        object: r.get(4)?,
        reason: r.get(5)?,
        outcome: r.get(6)?,
        prev_hash: r.get(7)?,
        hash: r.get(8)?,
    })
}

fn judgement_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<JudgementRecord> {
    Ok(JudgementRecord {
        seq: r.get::<_, i64>(0)? as u64,
        left_id: r.get(1)?,
        right_id: r.get(2)?,
        schema: r.get(3)?,
        judgement: r.get(4)?,
        user: r.get(5)?,
        at: r.get(6)?,
        note: r.get(7)?,
        undoes: r.get::<_, Option<i64>>(8)?.map(|v| v as u64),
    })
}

const JUDGEMENT_COLUMNS: &str =
    "seq, left_id, right_id, schema, judgement, username, at, note, undoes";

const USER_COLUMNS: &str = "username, display_name, roles, password_hash, disabled, created_at";
const AUDIT_COLUMNS: &str = "seq, at, username, action, object, reason, outcome, prev_hash, hash";

/// Fills the link index from statements written before it existed.
pub(super) const WATCHLIST_COLUMNS: &str =
    "list, version, dataset, imported_at, imported_by, source, sha256, entries, added, removed";

pub(super) fn watchlist_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<WatchlistVersion> {
    Ok(WatchlistVersion {
        list: r.get(0)?,
        version: r.get::<_, i64>(1)? as u64,
        dataset: r.get(2)?,
        imported_at: r.get(3)?,
        imported_by: r.get(4)?,
        source: r.get(5)?,
        sha256: r.get(6)?,
        entries: r.get::<_, i64>(7)? as u64,
        added: r.get::<_, i64>(8)? as u64,
        removed: r.get::<_, i64>(9)? as u64,
    })
}

/// Appends a cooperation log row in the caller's transaction.
pub(super) fn append_coop(tx: &rusqlite::Transaction<'_>, r: &CoopRecord) -> Result<()> {
    match tx.execute(
        "INSERT INTO coop_record (kind, key, body, at) VALUES (?1, ?2, ?3, ?4)",
        params![r.kind, r.key, r.body, r.at],
    ) {
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Err(crate::StoreError::Conflict(format!(
                "the cooperation log already has a {} {}",
                r.kind, r.key
            )))
        }
        other => other.map(|_| ()).map_err(Into::into),
    }
}

/// Writes a watchlist version and its members in the caller's transaction.
pub(super) fn record_watchlist_version(
    tx: &rusqlite::Transaction<'_>,
    mut v: WatchlistVersion,
    members: &[String],
) -> Result<WatchlistVersion> {
    let latest: i64 = tx.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM watchlist_version WHERE list = ?1",
        [&v.list],
        |r| r.get(0),
    )?;
    if v.version == 0 {
        v.version = latest as u64 + 1;
    } else if v.version as i64 <= latest {
        return Err(crate::StoreError::Conflict(format!(
            "watchlist {:?} already has version {latest}; version {} cannot follow it",
            v.list, v.version
        )));
    }
    {
        let mut insert = tx.prepare_cached(
            "INSERT OR IGNORE INTO watchlist_member (list, version, entity_id) VALUES (?1, ?2, ?3)",
        )?;
        for m in members {
            insert.execute(params![v.list, v.version as i64, m])?;
        }
    }
    let count = |sql: &str| -> Result<u64> {
        Ok(
            tx.query_row(sql, params![v.list, v.version as i64, latest], |r| {
                r.get::<_, i64>(0)
            })? as u64,
        )
    };
    v.entries = count(
        "SELECT COUNT(*) FROM watchlist_member WHERE list = ?1 AND version = ?2 AND ?3 IS NOT NULL",
    )?;
    v.added = count(
        "SELECT COUNT(*) FROM watchlist_member m WHERE m.list = ?1 AND m.version = ?2
           AND NOT EXISTS (SELECT 1 FROM watchlist_member p
                            WHERE p.list = ?1 AND p.version = ?3 AND p.entity_id = m.entity_id)",
    )?;
    v.removed = count(
        "SELECT COUNT(*) FROM watchlist_member p WHERE p.list = ?1 AND p.version = ?3
           AND NOT EXISTS (SELECT 1 FROM watchlist_member m
                            WHERE m.list = ?1 AND m.version = ?2 AND m.entity_id = p.entity_id)",
    )?;
    tx.execute(
        &format!(
            "INSERT INTO watchlist_version ({WATCHLIST_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        ),
        params![
            v.list,
            v.version as i64,
            v.dataset,
            v.imported_at,
            v.imported_by,
            v.source,
            v.sha256,
            v.entries as i64,
            v.added as i64,
            v.removed as i64
        ],
    )?;
    Ok(v)
}

pub(super) fn fill_link_index(
    tx: &rusqlite::Transaction<'_>,
    pairs: &[(String, String)],
) -> Result<()> {
    let mut q = tx.prepare(
        "INSERT OR IGNORE INTO link_index (target, source)
         SELECT value, entity_id FROM statement WHERE schema = ?1 AND prop = ?2 AND retracts IS NULL",
    )?;
    for (schema, prop) in pairs {
        q.execute(params![term_number(schema), term_number(prop)])?;
    }
    Ok(())
}

impl NodeStore for SqliteStore {
    fn incoming_links(&mut self, target: &str, limit: usize) -> Result<Vec<String>> {
        let mut q = self.conn.prepare_cached(
            "SELECT source FROM link_index WHERE target = ?1 ORDER BY source LIMIT ?2",
        )?;
        let rows = q.query_map(params![target, limit as i64], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn insert_user(&mut self, u: &UserRecord) -> Result<bool> {
        let n = self.conn.execute(
            &format!(
                "INSERT OR IGNORE INTO app_user ({USER_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
            ),
            params![
                u.username,
                u.display_name,
                u.roles.join(","),
                u.password_hash,
                u.disabled,
                u.created_at
            ],
        )?;
        Ok(n == 1)
    }

    fn update_user(&mut self, u: &UserRecord) -> Result<bool> {
        let n = self.conn.execute(
            "UPDATE app_user SET display_name = ?2, roles = ?3, password_hash = ?4, disabled = ?5 WHERE username = ?1",
            params![u.username, u.display_name, u.roles.join(","), u.password_hash, u.disabled],
        )?;
        Ok(n == 1)
    }

    fn user(&mut self, username: &str) -> Result<Option<UserRecord>> {
        let mut q = self.conn.prepare_cached(&format!(
            "SELECT {USER_COLUMNS} FROM app_user WHERE username = ?1"
        ))?;
        Ok(q.query_row([username], user_row).optional()?)
    }

    fn users(&mut self) -> Result<Vec<UserRecord>> {
        let mut q = self.conn.prepare(&format!(
            "SELECT {USER_COLUMNS} FROM app_user ORDER BY username"
        ))?;
        let rows = q.query_map([], user_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn insert_credential(&mut self, c: &Credential) -> Result<()> {
        self.conn.execute(
            "INSERT INTO credential (token_hash, kind, username, csrf_token, name, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![c.token_hash, c.kind, c.username, c.csrf_token, c.name, c.created_at, c.expires_at],
        )?;
        Ok(())
    }

    fn credential(&mut self, token_hash: &str) -> Result<Option<Credential>> {
        let mut q = self.conn.prepare_cached(
            "SELECT token_hash, kind, username, csrf_token, name, created_at, expires_at
               FROM credential WHERE token_hash = ?1",
        )?;
        Ok(q.query_row([token_hash], |r| {
            Ok(Credential {
                token_hash: r.get(0)?,
                kind: r.get(1)?,
                username: r.get(2)?,
                csrf_token: r.get(3)?,
                name: r.get(4)?,
                created_at: r.get(5)?,
                expires_at: r.get(6)?,
            })
        })
        .optional()?)
    }

    fn delete_credential(&mut self, token_hash: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM credential WHERE token_hash = ?1", [token_hash])?;
        Ok(())
    }

    fn append_audit(
        &mut self,
        entries: Vec<AuditRecord>,
        seal: &dyn Fn(&AuditRecord) -> String,
    ) -> Result<Vec<AuditRecord>> {
        // IMMEDIATE takes the write lock before reading the head, so two processes appending
        // at once queue instead of both extending the same head.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let head: Option<(i64, String)> = tx
            .query_row(
                "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (mut seq, mut prev) = head.unwrap_or((0, crate::GENESIS_HASH.to_string()));
        let mut appended = Vec::with_capacity(entries.len());
        {
            let mut insert = tx.prepare_cached(&format!(
                "INSERT INTO audit ({AUDIT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
            ))?;
            for mut entry in entries {
                seq += 1;
                entry.seq = seq as u64;
                entry.prev_hash = prev;
                entry.hash = seal(&entry);
                insert.execute(params![
                    entry.seq as i64,
                    entry.at,
                    entry.user,
                    entry.action,
                    entry.object,
                    entry.reason,
                    entry.outcome,
                    entry.prev_hash,
                    entry.hash
                ])?;
                prev = entry.hash.clone();
                appended.push(entry);
            }
        }
        tx.commit()?;
        Ok(appended)
    }

    fn audit_range(&mut self, from: u64, limit: usize) -> Result<Vec<AuditRecord>> {
        let mut q = self.conn.prepare_cached(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit WHERE seq >= ?1 ORDER BY seq LIMIT ?2"
        ))?;
        let rows = q.query_map(params![from as i64, limit as i64], audit_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn audit_recent(&mut self, before: Option<u64>, limit: usize) -> Result<Vec<AuditRecord>> {
        let mut q = self.conn.prepare_cached(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2"
        ))?;
        let before = before.map_or(i64::MAX, |b| b as i64);
        let rows = q.query_map(params![before, limit as i64], audit_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn append_judgement(&mut self, mut j: JudgementRecord) -> Result<JudgementRecord> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let last: i64 =
            tx.query_row("SELECT COALESCE(MAX(seq), 0) FROM er_judgement", [], |r| {
                r.get(0)
            })?;
        j.seq = last as u64 + 1;
        tx.execute(
            &format!(
                "INSERT INTO er_judgement ({JUDGEMENT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
            ),
            params![
                j.seq as i64,
                j.left_id,
                j.right_id,
                j.schema,
                j.judgement,
                j.user,
                j.at,
                j.note,
                j.undoes.map(|v| v as i64)
            ],
        )?;
        tx.commit()?;
        Ok(j)
    }

    fn judgements(&mut self, after: u64) -> Result<Vec<JudgementRecord>> {
        let mut q = self.conn.prepare_cached(&format!(
            "SELECT {JUDGEMENT_COLUMNS} FROM er_judgement WHERE seq > ?1 ORDER BY seq"
        ))?;
        let rows = q.query_map(params![after as i64], judgement_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn last_statement_seq(&mut self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM statement", [], |r| {
                r.get(0)
            })?)
    }

    fn changed_entities(&mut self, after: i64, limit: usize) -> Result<(Vec<String>, i64)> {
        let mut q = self.conn.prepare_cached(
            "SELECT entity_id, seq FROM statement WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let rows: Vec<(String, i64)> = q
            .query_map(params![after, limit as i64], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(crate::node::distinct_entities(rows, after))
    }

    fn entities_of_schema(
        &mut self,
        schema: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<String>> {
        let mut q = self.conn.prepare_cached(
            "SELECT entity_id FROM entity_schema WHERE schema = ?1 AND entity_id > ?2
              ORDER BY entity_id LIMIT ?3",
        )?;
        let rows = q.query_map(
            params![term_number(schema), after.unwrap_or(""), limit as i64],
            |r| r.get(0),
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn watchlist_versions(&mut self) -> Result<Vec<WatchlistVersion>> {
        let mut q = self.conn.prepare_cached(&format!(
            "SELECT {WATCHLIST_COLUMNS} FROM watchlist_version ORDER BY list, version"
        ))?;
        let rows = q.query_map([], watchlist_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn watchlist_members(&mut self, list: &str, version: u64) -> Result<Vec<String>> {
        let mut q = self.conn.prepare_cached(
            "SELECT entity_id FROM watchlist_member WHERE list = ?1 AND version = ?2 ORDER BY entity_id",
        )?;
        let rows = q.query_map(params![list, version as i64], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn coop_records(
        &mut self,
        kind: &str,
        key: Option<&str>,
        after: u64,
        limit: usize,
    ) -> Result<Vec<CoopRecord>> {
        let mut q = self.conn.prepare_cached(
            "SELECT seq, kind, key, body, at FROM coop_record
              WHERE kind = ?1 AND (?2 IS NULL OR key = ?2) AND seq > ?3 ORDER BY seq LIMIT ?4",
        )?;
        let rows = q.query_map(params![kind, key, after as i64, limit as i64], |r| {
            Ok(CoopRecord {
                seq: r.get::<_, i64>(0)? as u64,
                kind: r.get(1)?,
                key: r.get(2)?,
                body: r.get(3)?,
                at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn visibilities(&mut self) -> Result<Vec<Visibility>> {
        let mut q = self
            .conn
            .prepare("SELECT DISTINCT handling, purpose FROM provenance ORDER BY 1, 2")?;
        let rows = q.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn stats_for(&mut self, visible: &[Visibility]) -> Result<Stats> {
        let conn = &self.conn;
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS visible_provenance (id INTEGER PRIMARY KEY);
             DELETE FROM visible_provenance;",
        )?;
        {
            let mut q = conn.prepare(
                "INSERT INTO visible_provenance SELECT id FROM provenance WHERE handling = ?1 AND purpose = ?2",
            )?;
            for (handling, purpose) in visible {
                q.execute(params![handling, purpose])?;
            }
        }
        let mut stats = Stats::default();
        let filter = "s.provenance IN (SELECT id FROM visible_provenance)";
        let (statements, entities): (i64, i64) = conn.query_row(
            &format!(
                "SELECT COUNT(*), COUNT(DISTINCT s.entity_id) FROM statement s WHERE {filter}"
            ),
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        stats.statements = statements as u64;
        stats.entities = entities as u64;
        let mut q = conn.prepare(&format!(
            "SELECT t.text, COUNT(DISTINCT s.entity_id) FROM statement s JOIN term t ON t.id = s.schema
              WHERE {filter} GROUP BY t.text"
        ))?;
        for row in q.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (k, v) = row?;
            stats.entities_by_schema.insert(k, v as u64);
        }
        let mut q = conn.prepare(&format!(
            "SELECT p.dataset, COUNT(*) FROM statement s JOIN provenance p ON p.id = s.provenance
              WHERE {filter} GROUP BY p.dataset"
        ))?;
        for row in q.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (k, v) = row?;
            *stats.statements_by_dataset.entry(k).or_default() += v as u64;
        }
        Ok(stats)
    }
}
