//! The tamper-evident audit log.
//!
//! Every entry's hash covers its fields and the previous entry's hash, so editing, deleting or
//! reordering entries breaks the chain at the first changed entry. Cutting off the tail keeps a
//! valid chain, so the head is also written apart from the log: after every append the node
//! signs `(seq, hash)` of the head with its Ed25519 key into `audit-head.json`, and every
//! [`CHECKPOINT_EVERY`] entries it appends one to `audit-checkpoints.jsonl`. A log shorter than
//! a signed head, or whose entry differs from one, has been cut or rewritten.
//!
//! Whoever holds the node's key and files can rewrite both; keep the node directory (or at
//! least its key) where the database administrators cannot write.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, mpsc};

use corridor_store::{AuditRecord, Store};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::NodeError;

pub const HEAD_FILE: &str = "audit-head.json";
pub const CHECKPOINTS_FILE: &str = "audit-checkpoints.jsonl";
pub const KEY_FILE: &str = "node-signing.key";
pub const CHECKPOINT_EVERY: u64 = 100;

/// The hash of an entry: SHA-256 over its fields and the previous hash, as a JSON array so
/// that no field can bleed into the next.
pub fn seal(entry: &AuditRecord) -> String {
    let fields = serde_json::json!([
        entry.seq,
        entry.at,
        entry.user,
        entry.action,
        entry.object,
        entry.reason,
        entry.outcome,
        entry.prev_hash,
    ]);
    hex::encode(Sha256::digest(fields.to_string().as_bytes()))
}

/// A signed statement that the log had entry `seq` with hash `hash`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: u64,
    pub hash: String,
    pub at: String,
    pub signature: String,
}

fn signed_text(seq: u64, hash: &str) -> String {
    format!("corridor-audit-head\n{seq}\n{hash}")
}

/// The node's signing key, made on first use and kept in the node directory (mode 0600).
pub fn load_or_create_key(dir: &Path) -> Result<SigningKey, NodeError> {
    let path = dir.join(KEY_FILE);
    if path.exists() {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| NodeError::Io(format!("cannot read {}: {e}", path.display())))?;
        let bytes: [u8; 32] = hex::decode(text.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| NodeError::Io(format!("{} is not a node key", path.display())))?;
        return Ok(SigningKey::from_bytes(&bytes));
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| NodeError::Io(format!("cannot create {}: {e}", dir.display())))?;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| NodeError::Io(format!("no randomness: {e}")))?;
    write_private(&path, hex::encode(bytes).as_bytes())?;
    Ok(SigningKey::from_bytes(&bytes))
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), NodeError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options
        .open(path)
        .map_err(|e| NodeError::Io(format!("cannot write {}: {e}", path.display())))?;
    f.write_all(bytes)
        .map_err(|e| NodeError::Io(format!("cannot write {}: {e}", path.display())))
}

/// Appends entries and keeps the signed head and checkpoints beside the log.
pub struct Auditor {
    key: SigningKey,
    /// Entries waiting to be written, and the outcome of those written. Appends from this
    /// process queue here rather than in SQLite's busy handler, which sleeps in milliseconds
    /// and made read latency spike under load.
    queue: Mutex<Queue>,
    written: Condvar,
    head: HeadWriter,
}

/// Group commit: whoever finds no writer at work writes everything waiting in one transaction
/// and signs one head, so a busy node commits (and invalidates its readers' caches) once per
/// group rather than once per request — and every caller still returns only once its own
/// entry is in the log.
#[derive(Default)]
struct Queue {
    next_ticket: u64,
    waiting: Vec<(u64, AuditRecord)>,
    writing: bool,
    outcomes: HashMap<u64, Result<AuditRecord, String>>,
}

/// The writer's turn: when it ends — also by a panic — the group's outcomes are published and
/// the next caller may write.
struct WriterTurn<'a> {
    auditor: &'a Auditor,
    tickets: Vec<u64>,
    written: Option<Result<Vec<AuditRecord>, NodeError>>,
}

impl Drop for WriterTurn<'_> {
    fn drop(&mut self) {
        let mut queue = self.auditor.queue.lock().unwrap_or_else(|e| e.into_inner());
        queue.writing = false;
        let tickets = std::mem::take(&mut self.tickets);
        match self.written.take() {
            Some(Ok(entries)) => queue
                .outcomes
                .extend(tickets.into_iter().zip(entries.into_iter().map(Ok))),
            failed => {
                let why = match failed {
                    Some(Err(e)) => e.to_string(),
                    _ => "the writer stopped".to_string(),
                };
                let message = format!("the audit log could not be written: {why}");
                queue
                    .outcomes
                    .extend(tickets.into_iter().map(|t| (t, Err(message.clone()))));
            }
        }
        self.auditor.written.notify_all();
    }
}

impl Auditor {
    pub fn open(dir: &Path) -> Result<Auditor, NodeError> {
        Ok(Auditor {
            key: load_or_create_key(dir)?,
            queue: Mutex::new(Queue::default()),
            written: Condvar::new(),
            head: HeadWriter::start(dir)?,
        })
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    /// Appends one entry and signs the new head; returns once the entry is in the log.
    pub fn record(
        &self,
        store: &mut dyn Store,
        entry: AuditRecord,
    ) -> Result<AuditRecord, NodeError> {
        let lock = || self.queue.lock().unwrap_or_else(|e| e.into_inner());
        let mut queue = lock();
        let ticket = queue.next_ticket;
        queue.next_ticket += 1;
        queue.waiting.push((ticket, entry));
        loop {
            if let Some(outcome) = queue.outcomes.remove(&ticket) {
                return outcome.map_err(NodeError::Io);
            }
            if queue.writing {
                queue = self.written.wait(queue).unwrap_or_else(|e| e.into_inner());
                continue;
            }
            queue.writing = true;
            let group = std::mem::take(&mut queue.waiting);
            drop(queue);
            let (tickets, entries): (Vec<u64>, Vec<AuditRecord>) = group.into_iter().unzip();
            let mut turn = WriterTurn {
                auditor: self,
                tickets,
                written: None,
            };
            turn.written = Some(self.write(store, entries));
            drop(turn);
            queue = lock();
        }
    }

    /// Writes a group of entries and hands the signed head, and any checkpoints they reach, to
    /// the head's writer.
    fn write(
        &self,
        store: &mut dyn Store,
        entries: Vec<AuditRecord>,
    ) -> Result<Vec<AuditRecord>, NodeError> {
        self.head.check()?;
        let entries = store.append_audit(entries, &seal)?;
        let Some(last) = entries.last() else {
            return Ok(entries);
        };
        self.head.send(Signed {
            head: self.sign(last),
            checkpoints: entries
                .iter()
                .filter(|e| e.seq % CHECKPOINT_EVERY == 0)
                .map(|e| self.sign(e))
                .collect(),
        });
        Ok(entries)
    }

    /// Returns once the signed head covers every entry this process has written.
    pub fn flush(&self) -> Result<(), NodeError> {
        self.head.flush()
    }

    fn sign(&self, entry: &AuditRecord) -> Checkpoint {
        let signature = self
            .key
            .sign(signed_text(entry.seq, &entry.hash).as_bytes());
        Checkpoint {
            seq: entry.seq,
            hash: entry.hash.clone(),
            at: entry.at.clone(),
            signature: hex::encode(signature.to_bytes()),
        }
    }
}

/// A signed head and the checkpoints reached since the last.
struct Signed {
    head: Checkpoint,
    checkpoints: Vec<Checkpoint>,
}

/// Writes the signed head and checkpoints on a thread of its own. Replacing a file can stall
/// for a hundred milliseconds when the file system commits its journal; done by the group's
/// writer, that stall held up every request waiting for its audit entry. The head follows the
/// log by at most the groups in flight — as after a crash between commit and head, which the
/// verifier has always allowed: a log *longer* than its head is intact, a shorter one is cut.
struct HeadWriter {
    dir: PathBuf,
    sender: Mutex<Option<mpsc::Sender<Signed>>>,
    state: Arc<(Mutex<HeadState>, Condvar)>,
    /// Held while the files are written: the thread and a retry before an append both write
    /// through the same temporary file.
    files: Arc<Mutex<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

#[derive(Default)]
struct HeadState {
    sent: u64,
    written: u64,
    /// Why the last head could not be written, and that head.
    failed: Option<(String, Checkpoint)>,
}

impl HeadWriter {
    fn start(dir: &Path) -> Result<HeadWriter, NodeError> {
        let (sender, received) = mpsc::channel::<Signed>();
        let state = Arc::new((Mutex::new(HeadState::default()), Condvar::new()));
        let shared = state.clone();
        let files = Arc::new(Mutex::new(()));
        let thread_files = files.clone();
        let thread_dir = dir.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("audit-head".into())
            .spawn(move || {
                while let Ok(first) = received.recv() {
                    // Everything sent meanwhile: every checkpoint, but only the newest head.
                    let group: Vec<Signed> =
                        std::iter::once(first).chain(received.try_iter()).collect();
                    let Some(newest) = group.last().map(|s| s.head.clone()) else {
                        continue;
                    };
                    let outcome = {
                        let _files = thread_files.lock().unwrap_or_else(|e| e.into_inner());
                        write_head(&thread_dir, &group)
                    };
                    let (lock, done) = &*shared;
                    let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
                    match outcome {
                        Ok(()) => {
                            state.written = state.written.max(newest.seq);
                            state.failed = None;
                        }
                        Err(e) => state.failed = Some((e.to_string(), newest)),
                    }
                    done.notify_all();
                }
            })
            .map_err(|e| NodeError::Io(format!("cannot start the audit head writer: {e}")))?;
        Ok(HeadWriter {
            dir: dir.to_path_buf(),
            sender: Mutex::new(Some(sender)),
            state,
            files,
            thread: Some(thread),
        })
    }

    /// A head that could not be written is tried again before the next append, which fails
    /// if it still cannot be: the log goes on only where its tail can be checked.
    fn check(&self) -> Result<(), NodeError> {
        let (lock, done) = &*self.state;
        let Some((_, head)) = lock
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .failed
            .clone()
        else {
            return Ok(());
        };
        {
            // The files first, then the state, in the thread's order.
            let _files = self.files.lock().unwrap_or_else(|e| e.into_inner());
            let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
            // The thread may have written a newer head meanwhile: never put an older one back.
            if state.written < head.seq {
                let again = Signed {
                    head: head.clone(),
                    checkpoints: Vec::new(),
                };
                write_head(&self.dir, std::slice::from_ref(&again))?;
                state.written = head.seq;
            }
            state.failed = None;
        }
        done.notify_all();
        Ok(())
    }

    fn send(&self, signed: Signed) {
        let seq = signed.head.seq;
        {
            let mut state = self.state.0.lock().unwrap_or_else(|e| e.into_inner());
            state.sent = state.sent.max(seq);
        }
        if let Some(sender) = &*self.sender.lock().unwrap_or_else(|e| e.into_inner()) {
            let _ = sender.send(signed);
        }
    }

    fn flush(&self) -> Result<(), NodeError> {
        let (lock, done) = &*self.state;
        let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
        while state.written < state.sent && state.failed.is_none() {
            state = done.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        match &state.failed {
            Some((why, _)) => Err(NodeError::Io(why.clone())),
            None => Ok(()),
        }
    }
}

impl Drop for HeadWriter {
    /// The last head is written before the node closes.
    fn drop(&mut self) {
        self.sender.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Appends the group's checkpoints and replaces the head with its newest.
fn write_head(dir: &Path, group: &[Signed]) -> Result<(), NodeError> {
    let text = |c: &Checkpoint| serde_json::to_string(c).expect("plain struct");
    let reached: Vec<&Checkpoint> = group.iter().flat_map(|s| &s.checkpoints).collect();
    if !reached.is_empty() {
        let path = dir.join(CHECKPOINTS_FILE);
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&path)
            .map_err(|e| NodeError::Io(format!("cannot write {}: {e}", path.display())))?;
        for c in reached {
            writeln!(f, "{}", text(c))
                .map_err(|e| NodeError::Io(format!("cannot write {}: {e}", path.display())))?;
        }
    }
    let Some(newest) = group.last() else {
        return Ok(());
    };
    let head = dir.join(HEAD_FILE);
    let tmp = dir.join(format!("{HEAD_FILE}.{}", std::process::id()));
    std::fs::write(&tmp, text(&newest.head))
        .and_then(|_| std::fs::rename(&tmp, &head))
        .map_err(|e| NodeError::Io(format!("cannot write {}: {e}", head.display())))
}

/// The first problem found, if any.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Broken {
    pub seq: u64,
    pub problem: String,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct VerifyReport {
    pub ok: bool,
    pub entries: u64,
    pub checkpoints: u64,
    pub first_broken: Option<Broken>,
}

/// Walks the whole chain, then checks it against every signed checkpoint and the signed head.
pub fn verify(
    store: &mut dyn Store,
    dir: &Path,
    key: &VerifyingKey,
) -> Result<VerifyReport, NodeError> {
    let mut expected_seq = 1;
    let mut prev = corridor_store::GENESIS_HASH.to_string();
    let mut hashes: Vec<String> = Vec::new();
    let broken = |seq: u64, problem: String, entries: u64| VerifyReport {
        ok: false,
        entries,
        checkpoints: 0,
        first_broken: Some(Broken { seq, problem }),
    };
    loop {
        let page = store.audit_range(expected_seq, 10_000)?;
        if page.is_empty() {
            break;
        }
        for e in page {
            let n = hashes.len() as u64;
            if e.seq != expected_seq {
                return Ok(broken(
                    expected_seq,
                    format!(
                        "entry {expected_seq} is missing: the log goes from entry {} to entry {} (deleted)",
                        expected_seq - 1,
                        e.seq
                    ),
                    n,
                ));
            }
            if e.prev_hash != prev {
                return Ok(broken(
                    e.seq,
                    format!(
                        "entry {} does not follow entry {}: its previous hash differs (entries removed, inserted or reordered)",
                        e.seq,
                        e.seq - 1
                    ),
                    n,
                ));
            }
            if seal(&e) != e.hash {
                return Ok(broken(
                    e.seq,
                    format!(
                        "entry {} does not match its hash: its contents were changed",
                        e.seq
                    ),
                    n,
                ));
            }
            prev = e.hash.clone();
            hashes.push(e.hash);
            expected_seq += 1;
        }
    }
    let entries = hashes.len() as u64;
    let mut checkpoints = read_checkpoints(dir)?;
    let head = dir.join(HEAD_FILE);
    if head.exists() {
        let text = std::fs::read_to_string(&head)
            .map_err(|e| NodeError::Io(format!("cannot read {}: {e}", head.display())))?;
        let c: Checkpoint = serde_json::from_str(&text)
            .map_err(|e| NodeError::Io(format!("{} is not a signed head: {e}", head.display())))?;
        checkpoints.push(c);
    }
    let total = checkpoints.len() as u64;
    for c in &checkpoints {
        let signature = hex::decode(&c.signature)
            .ok()
            .and_then(|b| <[u8; 64]>::try_from(b).ok())
            .map(|b| Signature::from_bytes(&b));
        let valid = signature.is_some_and(|s| {
            key.verify(signed_text(c.seq, &c.hash).as_bytes(), &s)
                .is_ok()
        });
        if !valid {
            return Ok(broken(
                c.seq,
                format!(
                    "the checkpoint of entry {} is not signed by this node's key (forged)",
                    c.seq
                ),
                entries,
            ));
        }
        if c.seq > entries {
            return Ok(broken(
                entries + 1,
                format!(
                    "the log ends at entry {entries}, but entry {} was signed on {} (entries cut off the end)",
                    c.seq, c.at
                ),
                entries,
            ));
        }
        if c.seq > 0 && hashes[(c.seq - 1) as usize] != c.hash {
            return Ok(broken(
                c.seq,
                format!(
                    "entry {} differs from the one signed on {} (the log was rewritten)",
                    c.seq, c.at
                ),
                entries,
            ));
        }
    }
    Ok(VerifyReport {
        ok: true,
        entries,
        checkpoints: total,
        first_broken: None,
    })
}

fn read_checkpoints(dir: &Path) -> Result<Vec<Checkpoint>, NodeError> {
    let path = dir.join(CHECKPOINTS_FILE);
    if !path.exists() {
        return Ok(Vec::new());
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| NodeError::Io(format!("cannot read {}: {e}", path.display())))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| {
                NodeError::Io(format!(
                    "{} line {}: not a checkpoint: {e}",
                    path.display(),
                    i + 1
                ))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_head_is_not_put_back_over_a_newer_one() {
        let dir = tempfile::tempdir().unwrap();
        let auditor = Auditor::open(dir.path()).unwrap();
        let old = Checkpoint {
            seq: 3,
            hash: "h3".into(),
            at: "2026-12-01T08:00:00Z".into(),
            signature: String::new(),
        };
        {
            let mut state = auditor.head.state.0.lock().unwrap();
            state.failed = Some(("disk full".into(), old));
            state.written = 5;
        }
        // Writing the old head again would fail here; it must not be tried.
        std::fs::create_dir(dir.path().join(HEAD_FILE)).unwrap();
        auditor.head.check().unwrap();
        assert!(auditor.head.state.0.lock().unwrap().failed.is_none());
    }

    #[test]
    fn a_writer_that_stops_half_way_fails_its_group_and_lets_the_next_write() {
        let dir = tempfile::tempdir().unwrap();
        let auditor = Auditor::open(dir.path()).unwrap();
        auditor.queue.lock().unwrap().writing = true;
        // The turn ends without an outcome, as when the writer panics in the store.
        drop(WriterTurn {
            auditor: &auditor,
            tickets: vec![7, 8],
            written: None,
        });
        let queue = auditor.queue.lock().unwrap();
        assert!(!queue.writing, "the next caller may write");
        for ticket in [7, 8] {
            let outcome = queue
                .outcomes
                .get(&ticket)
                .expect("every waiter hears back");
            assert!(outcome.as_ref().unwrap_err().contains("the writer stopped"));
        }
    }
}
