//! What a node keeps beside statements: user accounts, credentials, the audit log, and the
//! reverse index of links. The rules about them (password hashing, what a session may do, how
//! the audit chain is sealed) live in `corridor-node`; this module only stores and reads.

use crate::Result;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    pub username: String,
    pub display_name: String,
    pub roles: Vec<String>,
    /// An argon2id PHC string; never the password.
    pub password_hash: String,
    pub disabled: bool,
    pub created_at: String,
}

/// A browser session or a program's bearer token, found by the hash of its secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credential {
    pub token_hash: String,
    /// `session` or `token`.
    pub kind: String,
    pub username: String,
    pub csrf_token: String,
    pub name: String,
    pub created_at: String,
    pub expires_at: String,
}

/// One audit entry. `seq`, `prev_hash` and `hash` are set when it is appended.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct AuditRecord {
    pub seq: u64,
    pub at: String,
    pub user: String,
    pub action: String,
    pub object: String,
    pub reason: Option<String>,
    pub outcome: String,
    pub prev_hash: String,
    pub hash: String,
}

/// An analyst's judgement on a pair of entities. `seq` is set when it is appended.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct JudgementRecord {
    pub seq: u64,
    /// The pair in order: `left_id < right_id`.
    pub left_id: String,
    pub right_id: String,
    pub schema: String,
    /// `same`, `different`, `unsure`, or `withdrawn` (an undo of the row in `undoes`).
    pub judgement: String,
    pub user: String,
    pub at: String,
    pub note: Option<String>,
    pub undoes: Option<u64>,
}

/// One version of a watchlist: the entities one import of the list held.
#[derive(Clone, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct WatchlistVersion {
    pub list: String,
    pub version: u64,
    /// The dataset its entries' statements are recorded under.
    pub dataset: String,
    pub imported_at: String,
    pub imported_by: String,
    /// The file's name as given.
    pub source: String,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    pub entries: u64,
    /// Entries not in the version before, and entries of the version before not in this one.
    pub added: u64,
    pub removed: u64,
}

/// One row of the cooperation log (partners, requests, their steps, packages): the node
/// reads the JSON body; the store keeps the order (`seq`, set when appended) and refuses a
/// second `request` or `received` row with the same key.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CoopRecord {
    pub seq: u64,
    pub kind: String,
    pub key: String,
    pub body: String,
    pub at: String,
}

/// The hash the chain starts from.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Statements per handling code and purpose, for statistics that show only what the caller may
/// see: the caller keeps the pairs it may see and asks [`NodeStore::stats_for`] with them.
pub type Visibility = (String, String);

pub trait NodeStore {
    /// Entities with an entity-typed fact that points at `target`, at most `limit`.
    fn incoming_links(&mut self, target: &str, limit: usize) -> Result<Vec<String>>;

    /// Adds a user; false when the username is taken.
    fn insert_user(&mut self, user: &UserRecord) -> Result<bool>;
    /// Replaces a user's record; false when there is no such user.
    fn update_user(&mut self, user: &UserRecord) -> Result<bool>;
    fn user(&mut self, username: &str) -> Result<Option<UserRecord>>;
    fn users(&mut self) -> Result<Vec<UserRecord>>;

    fn insert_credential(&mut self, credential: &Credential) -> Result<()>;
    fn credential(&mut self, token_hash: &str) -> Result<Option<Credential>>;
    fn delete_credential(&mut self, token_hash: &str) -> Result<()>;

    /// Appends `entries`, in order, at the end of the chain in one transaction. `seal`
    /// receives each entry with `seq` and `prev_hash` set and returns its hash. Appends are
    /// serialised, also across processes sharing the store, so the chain never forks.
    fn append_audit(
        &mut self,
        entries: Vec<AuditRecord>,
        seal: &dyn Fn(&AuditRecord) -> String,
    ) -> Result<Vec<AuditRecord>>;
    /// Entries with `seq >= from`, oldest first, at most `limit`.
    fn audit_range(&mut self, from: u64, limit: usize) -> Result<Vec<AuditRecord>>;
    /// The latest entries (before `before` when given), newest first.
    fn audit_recent(&mut self, before: Option<u64>, limit: usize) -> Result<Vec<AuditRecord>>;

    /// Appends a judgement (judgements are never changed or removed) and returns it with its
    /// `seq`.
    fn append_judgement(&mut self, judgement: JudgementRecord) -> Result<JudgementRecord>;
    /// Judgements with `seq > after`, oldest first.
    fn judgements(&mut self, after: u64) -> Result<Vec<JudgementRecord>>;

    /// The highest statement sequence number (0 for an empty store).
    fn last_statement_seq(&mut self) -> Result<i64>;
    /// Entities with statements recorded after `after`, in recording order, at most `limit`
    /// statements looked at; and the sequence number to continue from.
    fn changed_entities(&mut self, after: i64, limit: usize) -> Result<(Vec<String>, i64)>;

    /// Entities that have statements of `schema`, in id order, after `after` when given, at
    /// most `limit`.
    fn entities_of_schema(
        &mut self,
        schema: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<String>>;

    /// Every version of every watchlist, by list and version.
    fn watchlist_versions(&mut self) -> Result<Vec<WatchlistVersion>>;
    /// The entity ids one version holds, in id order.
    fn watchlist_members(&mut self, list: &str, version: u64) -> Result<Vec<String>>;

    /// Cooperation log rows of `kind` (and `key` when given) with `seq > after`, oldest
    /// first, at most `limit`.
    fn coop_records(
        &mut self,
        kind: &str,
        key: Option<&str>,
        after: u64,
        limit: usize,
    ) -> Result<Vec<CoopRecord>>;

    /// The handling/purpose pairs that occur in the store.
    fn visibilities(&mut self) -> Result<Vec<Visibility>>;
    /// Counts over the statements whose handling/purpose pair is in `visible`.
    fn stats_for(&mut self, visible: &[Visibility]) -> Result<crate::Stats>;
}

/// Entity ids in first-seen order, and the last sequence number seen.
pub(crate) fn distinct_entities(rows: Vec<(String, i64)>, after: i64) -> (Vec<String>, i64) {
    let last = rows.last().map_or(after, |r| r.1);
    let mut seen = std::collections::HashSet::new();
    let ids = rows
        .into_iter()
        .filter_map(|(id, _)| seen.insert(id.clone()).then_some(id))
        .collect();
    (ids, last)
}
