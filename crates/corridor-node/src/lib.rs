//! The node's services, without HTTP: accounts and sessions, policy-gated reads and writes,
//! and the tamper-evident audit log. The HTTP server and the command line both call these, so
//! what a user may see is decided the same way on every path.
//!
//! Key decisions:
//! - Every read goes through [`views`], which asks the policy about each statement before it
//!   leaves the store; no caller gets a store handle that returns unfiltered facts to a user.
//! - Every write and every read of non-public data appends an audit entry, in the store, under
//!   the same lock as every other appender (see [`audit`]).
//! - Store work is blocking; the server runs it on its blocking pool. A [`Pool`] holds a few
//!   store connections, handed out one per request.

pub mod accounts;
pub mod audit;
pub mod border;
pub mod coop;
pub mod network;
mod pool;
pub mod protection;
pub mod research;
pub mod resolution;
pub mod risk;
pub mod sync;
pub mod users;
pub mod views;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use corridor_model::Model;
use corridor_policy::{Policy, Subject};
use corridor_store::{AuditRecord, Location, Store, StoreError};

pub use pool::{Pool, PoolGuard};

#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// The caller's input is wrong; the message names the field and the rule.
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    /// Also the answer when the thing exists but the caller may not see any of it.
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    ReasonRequired(String),
    #[error("{0}")]
    RateLimited(String),
    #[error("{0}")]
    Conflict(String),
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Io(String),
}

/// Seconds since the Unix epoch, now.
pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

pub fn now() -> String {
    corridor_model::types::format_unix_utc(now_unix())
}

pub struct Node {
    pub model: Arc<Model>,
    pub policy: Policy,
    pub pool: Pool,
    pub auditor: audit::Auditor,
    pub limiter: accounts::LoginLimiter,
    /// Where the node keeps its key and the signed audit head, apart from the store.
    pub dir: PathBuf,
    /// Entity resolution: idle until [`Node::start_resolution`] (or a test's build).
    pub resolver: Arc<resolution::Resolver>,
    /// Watchlist screening: its index is built on first use and after each list import.
    pub screening: border::Screening,
    /// Network analysis: an index of who is linked to whom, rebuilt as the store grows.
    pub network: network::Network,
    /// Risk profiles: the rules in force and the history they are evaluated on.
    pub risk: risk::Risk,
    /// Persons registered by protection, for proposing earlier registrations of a person.
    identities: std::sync::Mutex<Option<Arc<protection::ProtectionIndex>>>,
    /// A post's synchronisation with its national node, as its client last reported it.
    sync_state: std::sync::Mutex<Option<sync::SyncStatus>>,
    location: Location,
}

impl Node {
    /// Opens a node on an existing store with `connections` store connections; `dir` holds the
    /// node's key and audit checkpoints.
    pub fn open(
        location: &Location,
        dir: &Path,
        model: Arc<Model>,
        connections: usize,
    ) -> Result<Node, NodeError> {
        let resolver = Arc::new(resolution::Resolver::new(&model)?);
        let network = network::Network::new(&model);
        Ok(Node {
            pool: Pool::open(location, model.clone(), connections)?,
            model,
            policy: Policy::builtin(),
            auditor: audit::Auditor::open(dir)?,
            limiter: accounts::LoginLimiter::new(Duration::from_secs(15 * 60)),
            dir: dir.to_path_buf(),
            resolver,
            screening: border::Screening::new(),
            network,
            risk: risk::Risk::new(),
            identities: std::sync::Mutex::new(None),
            sync_state: std::sync::Mutex::new(None),
            location: location.clone(),
        })
    }

    /// Starts entity resolution in the background: a full run, then new records linked as
    /// they are written (looked for every `interval`, and at once after the node's own writes).
    pub fn start_resolution(&self, interval: Duration) {
        self.resolver
            .start(self.location.clone(), self.model.clone(), interval);
    }

    /// Checkpoints the store's write-ahead log every `interval` on a thread and connection of
    /// its own. Without it, the commit that fills the log copies it into the database and
    /// syncs the file while every request waiting for its audit entry waits too (10-25 ms
    /// about once a second under load); the store's own checkpoints stay on as the fallback.
    pub fn start_checkpoints(&self, interval: Duration) -> Result<(), NodeError> {
        // PostgreSQL checkpoints on its own server; a connection here would only idle.
        if matches!(self.location, Location::Postgres(_)) {
            return Ok(());
        }
        let mut store = self.dedicated_store()?;
        std::thread::Builder::new()
            .name("checkpoints".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(interval);
                    // A checkpoint that fails (a reader holds old pages, the disk is full) is
                    // tried again; meanwhile commits checkpoint as they would without this.
                    let _ = store.checkpoint();
                }
            })
            .map_err(|e| NodeError::Io(format!("cannot start the checkpoint thread: {e}")))?;
        Ok(())
    }

    /// Runs resolution now, on this thread (tests, and commands that wait for it).
    pub fn build_resolution(&self) -> Result<(), NodeError> {
        let mut store = self.store();
        self.resolver.build(&mut **store)
    }

    /// Links the records written since resolution last looked. A failure here does not undo
    /// the write that came before it: the background follower tries again.
    pub fn link_new_records(&self, store: &mut dyn Store) {
        let _ = self.resolver.follow(store);
    }

    /// A connection outside the pool, for a background thread or a bulk scan.
    pub(crate) fn dedicated_store(&self) -> Result<Box<dyn Store>, NodeError> {
        Ok(corridor_store::open(&self.location, self.model.clone())?)
    }

    pub fn store(&self) -> PoolGuard<'_> {
        self.pool.get()
    }

    /// Appends one audit entry.
    pub fn audit(
        &self,
        store: &mut dyn Store,
        user: &str,
        action: &str,
        object: &str,
        reason: Option<&str>,
        outcome: &str,
    ) -> Result<AuditRecord, NodeError> {
        self.auditor.record(
            store,
            AuditRecord {
                at: now(),
                user: user.to_string(),
                action: action.to_string(),
                object: object.to_string(),
                reason: reason.map(str::to_string),
                outcome: outcome.to_string(),
                ..Default::default()
            },
        )
    }

    /// Audits an attempt the caller could not make (a forged token, a request without its
    /// CSRF token, a malformed body), so that probing leaves a trace.
    pub fn audit_refusal(&self, user: &str, action: &str, object: &str, why: &str) {
        let mut store = self.store();
        // A refusal that cannot be audited is still refused; the error is not the caller's.
        let _ = self.audit(
            &mut **store,
            user,
            action,
            object,
            None,
            &format!("refused: {why}"),
        );
    }

    pub fn verify_audit(&self) -> Result<audit::VerifyReport, NodeError> {
        self.auditor.flush()?;
        let mut store = self.store();
        audit::verify(&mut **store, &self.dir, &self.auditor.verifying_key())
    }

    pub fn audit_recent(
        &self,
        subject: &Subject,
        before: Option<u64>,
        limit: usize,
    ) -> Result<Vec<AuditRecord>, NodeError> {
        self.require(subject, corridor_policy::Action::ReadAudit)?;
        let mut store = self.store();
        Ok(store.audit_recent(before, limit.clamp(1, 1000))?)
    }

    /// Refuses unless one of the subject's roles may take a node-wide action.
    pub fn require(
        &self,
        subject: &Subject,
        action: corridor_policy::Action,
    ) -> Result<(), NodeError> {
        let d = self
            .policy
            .decide(subject, action, corridor_policy::Object::Node);
        if d.allowed {
            Ok(())
        } else {
            Err(NodeError::Forbidden(d.why))
        }
    }
}

#[cfg(test)]
mod tests;
