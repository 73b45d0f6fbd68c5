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

    /// Appends `entry` at the end of the chain. `seal` receives the entry with `seq` and
    /// `prev_hash` set and returns its hash. Appends are serialised, also across processes
    /// sharing the store, so the chain never forks.
    fn append_audit(
        &mut self,
        entry: AuditRecord,
        seal: &dyn Fn(&AuditRecord) -> String,
    ) -> Result<AuditRecord>;
    /// Entries with `seq >= from`, oldest first, at most `limit`.
    fn audit_range(&mut self, from: u64, limit: usize) -> Result<Vec<AuditRecord>>;
    /// The latest entries (before `before` when given), newest first.
    fn audit_recent(&mut self, before: Option<u64>, limit: usize) -> Result<Vec<AuditRecord>>;

    /// The handling/purpose pairs that occur in the store.
    fn visibilities(&mut self) -> Result<Vec<Visibility>>;
    /// Counts over the statements whose handling/purpose pair is in `visible`.
    fn stats_for(&mut self, visible: &[Visibility]) -> Result<crate::Stats>;
}
