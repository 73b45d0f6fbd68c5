//! The PostgreSQL side of [`NodeStore`]: the same behaviour as SQLite's, in PostgreSQL's SQL.

use super::PostgresStore;
use crate::node::{
    AuditRecord, CoopRecord, Credential, JudgementRecord, NodeStore, UserRecord, Visibility,
    WatchlistVersion,
};
use crate::{Result, Stats};

const WATCHLIST_COLUMNS: &str =
    "list, version, dataset, imported_at, imported_by, source, sha256, entries, added, removed";

fn watchlist_row(r: &postgres::Row) -> WatchlistVersion {
    let n = |i: usize| r.get::<_, i64>(i) as u64;
    WatchlistVersion {
        list: r.get(0),
        version: n(1),
        dataset: r.get(2),
        imported_at: r.get(3),
        imported_by: r.get(4),
        source: r.get(5),
        sha256: r.get(6),
        entries: n(7),
        added: n(8),
        removed: n(9),
    }
}

/// Appends a cooperation log row in the caller's transaction. A duplicate `request` or
/// `received` key is looked for first: a failed statement would abort the whole transaction.
pub(super) fn append_coop(tx: &mut postgres::Transaction<'_>, r: &CoopRecord) -> Result<()> {
    if (r.kind == "request" || r.kind == "received")
        && tx
            .query_opt(
                "SELECT 1 FROM coop_record WHERE kind = $1 AND key = $2",
                &[&r.kind, &r.key],
            )?
            .is_some()
    {
        return Err(crate::StoreError::Conflict(format!(
            "the cooperation log already has a {} {}",
            r.kind, r.key
        )));
    }
    tx.execute(
        "INSERT INTO coop_record (kind, key, body, at) VALUES ($1, $2, $3, $4)",
        &[&r.kind, &r.key, &r.body, &r.at],
    )?;
    Ok(())
}

/// Writes a watchlist version and its members in the caller's transaction.
pub(super) fn record_watchlist_version(
    tx: &mut postgres::Transaction<'_>,
    mut v: WatchlistVersion,
    members: &[String],
) -> Result<WatchlistVersion> {
    let latest: i64 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0)::bigint FROM watchlist_version WHERE list = $1",
            &[&v.list],
        )?
        .get(0);
    if v.version == 0 {
        v.version = latest as u64 + 1;
    } else if v.version as i64 <= latest {
        return Err(crate::StoreError::Conflict(format!(
            "watchlist {:?} already has version {latest}; version {} cannot follow it",
            v.list, v.version
        )));
    }
    let version = v.version as i64;
    tx.execute(
        "INSERT INTO watchlist_member (list, version, entity_id)
         SELECT $1, $2, m FROM unnest($3::text[]) AS m ON CONFLICT DO NOTHING",
        &[&v.list, &version, &members],
    )?;
    let count = |tx: &mut postgres::Transaction<'_>, sql: &str| -> Result<u64> {
        Ok(tx
            .query_one(sql, &[&v.list, &version, &latest])?
            .get::<_, i64>(0) as u64)
    };
    v.entries = count(
        tx,
        "SELECT COUNT(*) FROM watchlist_member WHERE list = $1 AND version = $2 AND $3::bigint IS NOT NULL",
    )?;
    v.added = count(
        tx,
        "SELECT COUNT(*) FROM watchlist_member m WHERE m.list = $1 AND m.version = $2
           AND NOT EXISTS (SELECT 1 FROM watchlist_member p
                            WHERE p.list = $1 AND p.version = $3 AND p.entity_id = m.entity_id)",
    )?;
    v.removed = count(
        tx,
        "SELECT COUNT(*) FROM watchlist_member p WHERE p.list = $1 AND p.version = $3
           AND NOT EXISTS (SELECT 1 FROM watchlist_member m
                            WHERE m.list = $1 AND m.version = $2 AND m.entity_id = p.entity_id)",
    )?;
    tx.execute(
        &format!(
            "INSERT INTO watchlist_version ({WATCHLIST_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ),
        &[
            &v.list,
            &version,
            &v.dataset,
            &v.imported_at,
            &v.imported_by,
            &v.source,
            &v.sha256,
            &(v.entries as i64),
            &(v.added as i64),
            &(v.removed as i64),
        ],
    )?;
    Ok(v)
}

fn user_row(r: &postgres::Row) -> UserRecord {
    let roles: String = r.get(2);
    UserRecord {
        username: r.get(0),
        display_name: r.get(1),
        roles: roles
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        password_hash: r.get(3),
        disabled: r.get(4),
        created_at: r.get(5),
    }
}

fn judgement_row(r: &postgres::Row) -> JudgementRecord {
    JudgementRecord {
        seq: r.get::<_, i64>(0) as u64,
        left_id: r.get(1),
        right_id: r.get(2),
        schema: r.get(3),
        judgement: r.get(4),
        user: r.get(5),
        at: r.get(6),
        note: r.get(7),
        undoes: r.get::<_, Option<i64>>(8).map(|v| v as u64),
    }
}

const JUDGEMENT_COLUMNS: &str =
    "seq, left_id, right_id, schema, judgement, username, at, note, undoes";

fn audit_row(r: &postgres::Row) -> AuditRecord {
    AuditRecord {
        seq: r.get::<_, i64>(0) as u64,
        at: r.get(1),
        user: r.get(2),
        action: r.get(3),
        object: r.get(4),
        reason: r.get(5),
        outcome: r.get(6),
        prev_hash: r.get(7),
        hash: r.get(8),
    }
}

const USER_COLUMNS: &str = "username, display_name, roles, password_hash, disabled, created_at";
const AUDIT_COLUMNS: &str = "seq, at, username, action, object, reason, outcome, prev_hash, hash";

/// Fills the link index from statements written before it existed.
pub(super) fn fill_link_index(
    tx: &mut postgres::Transaction<'_>,
    pairs: &[(String, String)],
) -> Result<()> {
    let schemata: Vec<&str> = pairs.iter().map(|p| p.0.as_str()).collect();
    let props: Vec<&str> = pairs.iter().map(|p| p.1.as_str()).collect();
    tx.execute(
        "INSERT INTO link_index (target, source)
         SELECT s.value, s.entity_id FROM statement s
           JOIN unnest($1::text[], $2::text[]) AS e(schema, prop) ON e.schema = s.schema AND e.prop = s.prop
          WHERE s.retracts IS NULL
         ON CONFLICT DO NOTHING",
        &[&schemata, &props],
    )?;
    Ok(())
}

impl NodeStore for PostgresStore {
    fn incoming_links(&mut self, target: &str, limit: usize) -> Result<Vec<String>> {
        let rows = self.client.query(
            "SELECT source FROM link_index WHERE target = $1 ORDER BY source LIMIT $2",
            &[&target, &(limit as i64)],
        )?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn insert_user(&mut self, u: &UserRecord) -> Result<bool> {
        let n = self.client.execute(
            &format!(
                "INSERT INTO app_user ({USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING"
            ),
            &[&u.username, &u.display_name, &u.roles.join(","), &u.password_hash, &u.disabled, &u.created_at],
        )?;
        Ok(n == 1)
    }

    fn update_user(&mut self, u: &UserRecord) -> Result<bool> {
        let n = self.client.execute(
            "UPDATE app_user SET display_name = $2, roles = $3, password_hash = $4, disabled = $5 WHERE username = $1",
            &[&u.username, &u.display_name, &u.roles.join(","), &u.password_hash, &u.disabled],
        )?;
        Ok(n == 1)
    }

    fn user(&mut self, username: &str) -> Result<Option<UserRecord>> {
        let row = self.client.query_opt(
            &format!("SELECT {USER_COLUMNS} FROM app_user WHERE username = $1"),
            &[&username],
        )?;
        Ok(row.as_ref().map(user_row))
    }

    fn users(&mut self) -> Result<Vec<UserRecord>> {
        let rows = self.client.query(
            &format!("SELECT {USER_COLUMNS} FROM app_user ORDER BY username"),
            &[],
        )?;
        Ok(rows.iter().map(user_row).collect())
    }

    fn insert_credential(&mut self, c: &Credential) -> Result<()> {
        self.client.execute(
            "INSERT INTO credential (token_hash, kind, username, csrf_token, name, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[&c.token_hash, &c.kind, &c.username, &c.csrf_token, &c.name, &c.created_at, &c.expires_at],
        )?;
        Ok(())
    }

    fn credential(&mut self, token_hash: &str) -> Result<Option<Credential>> {
        let row = self.client.query_opt(
            "SELECT token_hash, kind, username, csrf_token, name, created_at, expires_at
               FROM credential WHERE token_hash = $1",
            &[&token_hash],
        )?;
        Ok(row.map(|r| Credential {
            token_hash: r.get(0),
            kind: r.get(1),
            username: r.get(2),
            csrf_token: r.get(3),
            name: r.get(4),
            created_at: r.get(5),
            expires_at: r.get(6),
        }))
    }

    fn delete_credential(&mut self, token_hash: &str) -> Result<()> {
        self.client.execute(
            "DELETE FROM credential WHERE token_hash = $1",
            &[&token_hash],
        )?;
        Ok(())
    }

    fn append_audit(
        &mut self,
        entries: Vec<AuditRecord>,
        seal: &dyn Fn(&AuditRecord) -> String,
    ) -> Result<Vec<AuditRecord>> {
        let mut tx = self.client.transaction()?;
        // One appender at a time across every node process sharing the database.
        tx.execute("SELECT pg_advisory_xact_lock(7250002)", &[])?;
        let head = tx.query_opt("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", &[])?;
        let (mut seq, mut prev) = head.map_or((0, crate::GENESIS_HASH.to_string()), |r| {
            (r.get::<_, i64>(0), r.get(1))
        });
        let insert = tx.prepare(&format!(
            "INSERT INTO audit ({AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ))?;
        let mut appended = Vec::with_capacity(entries.len());
        for mut entry in entries {
            seq += 1;
            entry.seq = seq as u64;
            entry.prev_hash = prev;
            entry.hash = seal(&entry);
            tx.execute(
                &insert,
                &[
                    &(entry.seq as i64),
                    &entry.at,
                    &entry.user,
                    &entry.action,
                    &entry.object,
                    &entry.reason,
                    &entry.outcome,
                    &entry.prev_hash,
                    &entry.hash,
                ],
            )?;
            prev = entry.hash.clone();
            appended.push(entry);
        }
        tx.commit()?;
        Ok(appended)
    }

    fn audit_range(&mut self, from: u64, limit: usize) -> Result<Vec<AuditRecord>> {
        let rows = self.client.query(
            &format!("SELECT {AUDIT_COLUMNS} FROM audit WHERE seq >= $1 ORDER BY seq LIMIT $2"),
            &[&(from as i64), &(limit as i64)],
        )?;
        Ok(rows.iter().map(audit_row).collect())
    }

    fn audit_recent(&mut self, before: Option<u64>, limit: usize) -> Result<Vec<AuditRecord>> {
        let before = before.map_or(i64::MAX, |b| b as i64);
        let rows = self.client.query(
            &format!("SELECT {AUDIT_COLUMNS} FROM audit WHERE seq < $1 ORDER BY seq DESC LIMIT $2"),
            &[&before, &(limit as i64)],
        )?;
        Ok(rows.iter().map(audit_row).collect())
    }

    fn append_judgement(&mut self, mut j: JudgementRecord) -> Result<JudgementRecord> {
        let mut tx = self.client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock(7250004)", &[])?;
        let last: i64 = tx
            .query_one(
                "SELECT COALESCE(MAX(seq), 0)::bigint FROM er_judgement",
                &[],
            )?
            .get(0);
        j.seq = last as u64 + 1;
        tx.execute(
            &format!(
                "INSERT INTO er_judgement ({JUDGEMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
            ),
            &[
                &(j.seq as i64),
                &j.left_id,
                &j.right_id,
                &j.schema,
                &j.judgement,
                &j.user,
                &j.at,
                &j.note,
                &j.undoes.map(|v| v as i64),
            ],
        )?;
        tx.commit()?;
        Ok(j)
    }

    fn judgements(&mut self, after: u64) -> Result<Vec<JudgementRecord>> {
        let rows = self.client.query(
            &format!("SELECT {JUDGEMENT_COLUMNS} FROM er_judgement WHERE seq > $1 ORDER BY seq"),
            &[&(after as i64)],
        )?;
        Ok(rows.iter().map(judgement_row).collect())
    }

    fn last_statement_seq(&mut self) -> Result<i64> {
        Ok(self
            .client
            .query_one("SELECT COALESCE(MAX(seq), 0)::bigint FROM statement", &[])?
            .get(0))
    }

    fn changed_entities(&mut self, after: i64, limit: usize) -> Result<(Vec<String>, i64)> {
        let rows = self.client.query(
            "SELECT entity_id, seq FROM statement WHERE seq > $1 ORDER BY seq LIMIT $2",
            &[&after, &(limit as i64)],
        )?;
        let rows = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        Ok(crate::node::distinct_entities(rows, after))
    }

    fn entities_of_schema(
        &mut self,
        schema: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<String>> {
        let rows = self.client.query(
            "SELECT entity_id FROM entity_schema WHERE schema = $1 AND entity_id > $2
              ORDER BY entity_id LIMIT $3",
            &[&schema, &after.unwrap_or(""), &(limit as i64)],
        )?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn coop_records(
        &mut self,
        kind: &str,
        key: Option<&str>,
        after: u64,
        limit: usize,
    ) -> Result<Vec<CoopRecord>> {
        let (after, limit) = (after as i64, limit as i64);
        let rows = self.client.query(
            "SELECT seq, kind, key, body, at FROM coop_record
              WHERE kind = $1 AND ($2::text IS NULL OR key = $2) AND seq > $3 ORDER BY seq LIMIT $4",
            &[&kind, &key as &(dyn postgres::types::ToSql + Sync), &after, &limit],
        )?;
        Ok(rows
            .iter()
            .map(|r| CoopRecord {
                seq: r.get::<_, i64>(0) as u64,
                kind: r.get(1),
                key: r.get(2),
                body: r.get(3),
                at: r.get(4),
            })
            .collect())
    }

    fn watchlist_versions(&mut self) -> Result<Vec<WatchlistVersion>> {
        let rows = self.client.query(
            &format!("SELECT {WATCHLIST_COLUMNS} FROM watchlist_version ORDER BY list, version"),
            &[],
        )?;
        Ok(rows.iter().map(watchlist_row).collect())
    }

    fn watchlist_members(&mut self, list: &str, version: u64) -> Result<Vec<String>> {
        let rows = self.client.query(
            "SELECT entity_id FROM watchlist_member WHERE list = $1 AND version = $2 ORDER BY entity_id",
            &[&list, &(version as i64)],
        )?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn visibilities(&mut self) -> Result<Vec<Visibility>> {
        let rows = self.client.query(
            "SELECT DISTINCT handling, purpose FROM provenance ORDER BY 1, 2",
            &[],
        )?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    fn stats_for(&mut self, visible: &[Visibility]) -> Result<Stats> {
        let handling: Vec<&str> = visible.iter().map(|v| v.0.as_str()).collect();
        let purpose: Vec<&str> = visible.iter().map(|v| v.1.as_str()).collect();
        let ids: Vec<i64> = self
            .client
            .query(
                "SELECT p.id FROM provenance p
                   JOIN unnest($1::text[], $2::text[]) AS v(handling, purpose)
                     ON v.handling = p.handling AND v.purpose = p.purpose",
                &[&handling, &purpose],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut stats = Stats::default();
        let row = self.client.query_one(
            "SELECT COUNT(*), COUNT(DISTINCT entity_id) FROM statement WHERE provenance = ANY($1)",
            &[&ids],
        )?;
        stats.statements = row.get::<_, i64>(0) as u64;
        stats.entities = row.get::<_, i64>(1) as u64;
        for r in self.client.query(
            "SELECT schema, COUNT(DISTINCT entity_id) FROM statement WHERE provenance = ANY($1) GROUP BY schema",
            &[&ids],
        )? {
            stats
                .entities_by_schema
                .insert(r.get(0), r.get::<_, i64>(1) as u64);
        }
        for r in self.client.query(
            "SELECT p.dataset, COUNT(*) FROM statement s JOIN provenance p ON p.id = s.provenance
              WHERE s.provenance = ANY($1) GROUP BY p.dataset",
            &[&ids],
        )? {
            *stats.statements_by_dataset.entry(r.get(0)).or_default() += r.get::<_, i64>(1) as u64;
        }
        Ok(stats)
    }
}
