//! Packages in and out: sealed into `coop/out` with a log entry in the same transaction as the
//! step they carry; received from bytes (HTTPS or a file), checked, and their contents written
//! with the receipt in one transaction, once; delivered with retries and backoff.

use std::io::{Read, Seek, SeekFrom};

use corridor_coop::request::{Event, Side};
use corridor_coop::{Dissemination, Header, Meta, NodeKeys, Request};
use corridor_store::WriteTx;
use serde::{Deserialize, Serialize};

use super::{Partner, parse, record};
use crate::sync::WireStatement;
use crate::{Node, NodeError, now};

/// Carries a package (the file at the path, streamed) to a URL and returns the answer's body
/// (the receipt's JSON), or why it could not.
pub type Sender<'a> = dyn Fn(&str, &std::path::Path) -> Result<String, String> + 'a;

/// What a package carries.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum Body {
    Request {
        request: Request,
    },
    Status {
        request_id: String,
        request_hash: String,
        event: Event,
    },
    Answer {
        request_id: String,
        request_hash: String,
        event: Event,
        statements: Vec<WireStatement>,
    },
    /// A file for a request; its bytes follow this line in the package body.
    Attachment {
        request_id: String,
        request_hash: String,
        name: String,
        sha256: String,
        bytes: u64,
    },
    /// Facts, a watchlist's entries or an alert, sent unasked.
    Share {
        share: Box<super::Share>,
        statements: Vec<WireStatement>,
    },
    /// May the asker pass on facts this node sent it under H1–H3?
    ConsentAsk {
        ask: super::ConsentAsk,
    },
    /// This node's answer to such a request.
    Consent {
        decision: super::ConsentDecision,
    },
}

impl Body {
    fn kind(&self) -> &'static str {
        match self {
            Body::Request { .. } => "request",
            Body::Status { .. } => "status",
            Body::Answer { .. } => "answer",
            Body::Attachment { .. } => "attachment",
            Body::Share { .. } => "share",
            Body::ConsentAsk { .. } => "consent_ask",
            Body::Consent { .. } => "consent",
        }
    }
}

/// One entry of the signed message log.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MessageEntry {
    /// `out` or `in`.
    pub direction: String,
    pub package_id: String,
    pub peer: String,
    pub kind: String,
    pub package_hash: String,
    /// queued, delivered, failed (out); received, duplicate, refused (in).
    pub outcome: String,
    #[serde(default)]
    pub detail: String,
    pub at: String,
    /// The node's signature over this entry with the signature empty.
    #[serde(default)]
    pub signature: String,
}

impl MessageEntry {
    fn signed(mut self, keys: &NodeKeys) -> MessageEntry {
        self.signature = String::new();
        let bytes = serde_json::to_vec(&self).expect("an entry serialises");
        self.signature = keys.sign(&bytes);
        self
    }
}

/// What a receiving node signs for a package it took: the sender keeps it as proof.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Receipt {
    pub package_id: String,
    pub package_hash: String,
    pub node: String,
    pub received_at: String,
    pub signature: String,
}

impl Receipt {
    fn signed_bytes(&self) -> Vec<u8> {
        let mut r = self.clone();
        r.signature = String::new();
        serde_json::to_vec(&r).expect("a receipt serialises")
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Delivery {
    pub package_id: String,
    pub peer: String,
    pub outcome: String,
    pub detail: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct DeliveryReport {
    pub delivered: usize,
    pub failed: usize,
    /// Waiting for their next try (backoff) or for a partner reached by file only.
    pub waiting: usize,
    pub deliveries: Vec<Delivery>,
}

/// The most a package may weigh on receipt.
pub const MAX_PACKAGE_BYTES: u64 = 512 * 1024 * 1024;
/// How long a package may wait to be opened.
const VALID_DAYS: i64 = 30;

pub(super) fn io(e: std::io::Error) -> NodeError {
    NodeError::Io(e.to_string())
}

/// Copies at most `limit + 1` bytes of `input` into a temporary file in `dir`, hashing them
/// on the way: the file, its SHA-256 (hex) and its length (above `limit` when too long).
pub(super) fn copy_hashed(
    input: &mut impl Read,
    limit: u64,
    dir: &std::path::Path,
) -> Result<(tempfile::NamedTempFile, String, u64), NodeError> {
    use sha2::Digest;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    let mut hasher = sha2::Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    let mut limited = input.take(limit + 1);
    loop {
        let n = limited.read(&mut buffer).map_err(io)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        std::io::Write::write_all(tmp.as_file_mut(), &buffer[..n]).map_err(io)?;
        total += n as u64;
    }
    Ok((tmp, hex::encode(hasher.finalize()), total))
}

impl Node {
    pub(super) fn coop_subdir(&self, name: &str) -> Result<std::path::PathBuf, NodeError> {
        let dir = self.coop_dir().join(name);
        std::fs::create_dir_all(&dir).map_err(io)?;
        Ok(dir)
    }

    /// Seals `body` for `partner` into `coop/out/ID.pkg` and logs it as queued, in one
    /// transaction with what `also` writes (the step it carries).
    pub(crate) fn send_package(
        &self,
        keys: &NodeKeys,
        partner: &Partner,
        body: &Body,
        handling: Dissemination,
        in_reply_to: Option<String>,
        also: impl FnOnce(&mut dyn WriteTx) -> Result<(), NodeError>,
    ) -> Result<Header, NodeError> {
        self.send_package_with(keys, partner, body, None, handling, in_reply_to, also)
    }

    /// As [`Node::send_package`], with `tail` (an attachment's bytes) streamed after the
    /// body's line: the package is sealed through temporary files, never held in memory.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn send_package_with(
        &self,
        keys: &NodeKeys,
        partner: &Partner,
        body: &Body,
        tail: Option<&mut dyn Read>,
        handling: Dissemination,
        in_reply_to: Option<String>,
        also: impl FnOnce(&mut dyn WriteTx) -> Result<(), NodeError>,
    ) -> Result<Header, NodeError> {
        let out_dir = self.coop_subdir("out")?;
        let created = now();
        let expires =
            corridor_model::types::format_unix_utc(crate::now_unix() + VALID_DAYS * 86_400);
        let meta = Meta {
            kind: body.kind().into(),
            created_at: created.clone(),
            expires_at: expires,
            in_reply_to,
            handling,
        };
        let mut json = serde_json::to_vec(body).map_err(|e| NodeError::Io(e.to_string()))?;
        json.push(b'\n');
        let mut empty = std::io::empty();
        let tail: &mut dyn Read = match tail {
            Some(t) => t,
            None => &mut empty,
        };
        let mut reader = (&json[..]).chain(tail);
        let mut scratch = tempfile::tempfile_in(&out_dir).map_err(io)?;
        let mut file = tempfile::NamedTempFile::new_in(&out_dir).map_err(io)?;
        let header = corridor_coop::seal(
            keys,
            &partner.keys,
            &meta,
            &mut reader,
            &mut scratch,
            file.as_file_mut(),
        )?;
        let path = out_dir.join(format!("{}.pkg", header.id));
        let entry = MessageEntry {
            direction: "out".into(),
            package_id: header.id.clone(),
            peer: partner.keys.node.clone(),
            kind: header.kind.clone(),
            package_hash: header.hash(),
            outcome: "queued".into(),
            detail: String::new(),
            at: created,
            signature: String::new(),
        }
        .signed(keys);
        let mut store = self.store();
        let mut tx = store.begin()?;
        also(&mut *tx)?;
        tx.append_coop(&record("message", &header.id, &entry)?)?;
        file.persist(&path)
            .map_err(|e| NodeError::Io(e.to_string()))?;
        if let Err(e) = tx.commit() {
            let _ = std::fs::remove_file(&path);
            return Err(e.into());
        }
        Ok(header)
    }

    /// A package to carry by hand: the bytes of `coop/out/ID.pkg`.
    pub fn export_package(
        &self,
        subject: &corridor_policy::Subject,
        id: &str,
    ) -> Result<Vec<u8>, NodeError> {
        self.require(subject, corridor_policy::Action::Cooperate)?;
        if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(NodeError::Invalid(
                "id: a package id is 32 hex digits".into(),
            ));
        }
        let path = self.coop_dir().join("out").join(format!("{id}.pkg"));
        std::fs::read(&path).map_err(|_| NodeError::NotFound(format!("no outgoing package {id}")))
    }

    /// The message log, newest last.
    pub fn coop_messages(
        &self,
        subject: &corridor_policy::Subject,
    ) -> Result<Vec<MessageEntry>, NodeError> {
        self.require(subject, corridor_policy::Action::Cooperate)?;
        self.coop_records("message", None)?
            .iter()
            .map(parse)
            .collect()
    }

    /// Takes a package from a partner (over HTTPS or from a file): checks it, writes what it
    /// brings with its receipt in one transaction, and returns the signed receipt. The same
    /// package again changes nothing and gets the same receipt; anything else wrong is refused
    /// with the reason and audited.
    pub fn receive_package(&self, input: &mut impl Read) -> Result<Receipt, NodeError> {
        let keys = self.coop_keys()?;
        let in_dir = self.coop_subdir("in")?;
        let mut file = tempfile::NamedTempFile::new_in(&in_dir).map_err(io)?;
        let copied = std::io::copy(&mut input.take(MAX_PACKAGE_BYTES + 1), file.as_file_mut())
            .map_err(io)?;
        if copied > MAX_PACKAGE_BYTES {
            return Err(NodeError::Invalid(format!(
                "package: larger than {MAX_PACKAGE_BYTES} bytes"
            )));
        }
        file.as_file_mut().seek(SeekFrom::Start(0)).map_err(io)?;
        let mut reader = std::io::BufReader::new(file.reopen().map_err(io)?);
        let header = corridor_coop::read_header(&mut reader).inspect_err(|e| {
            self.audit_refusal("node", "coop package", "unreadable", &e.to_string());
        })?;
        let refuse = |why: String| -> NodeError {
            self.audit_refusal(
                &header.from,
                "coop package",
                &format!("{} from {}", header.id, header.from),
                &why,
            );
            self.log_incoming(&keys, &header, "refused", &why);
            NodeError::Invalid(format!("package refused: {why}"))
        };
        let Ok(partner) = self.partner(&header.from) else {
            return Err(refuse(format!(
                "{} is not in this node's directory of partners",
                header.from
            )));
        };
        // The same package again: the first receipt, nothing doubled.
        if let Some(first) = self.coop_records("received", Some(&header.id))?.first() {
            let receipt: Receipt = parse(first)?;
            if receipt.package_hash == header.hash() {
                self.log_incoming(
                    &keys,
                    &header,
                    "duplicate",
                    "delivered again; the first receipt returned",
                );
                return Ok(receipt);
            }
            return Err(refuse(format!(
                "package {} was received before with other contents: a replay",
                header.id
            )));
        }
        // The body is decrypted into a file: its first line is the body proper, and an
        // attachment's bytes follow it; nothing of it is held in memory whole.
        let mut body_file = tempfile::NamedTempFile::new_in(&in_dir).map_err(io)?;
        corridor_coop::open(
            &keys,
            &header,
            &partner.keys,
            &|_| false,
            &now(),
            &mut reader,
            body_file.as_file_mut(),
        )
        .map_err(|e| {
            refuse(
                e.to_string()
                    .trim_start_matches("package refused: ")
                    .to_string(),
            )
        })?;
        let mut body_reader = std::io::BufReader::new(body_file.reopen().map_err(io)?);
        let mut line = Vec::new();
        std::io::BufRead::read_until(&mut body_reader, b'\n', &mut line).map_err(io)?;
        let body: Body = serde_json::from_slice(&line)
            .map_err(|e| refuse(format!("the body is not a package body: {e}")))?;
        // An attachment's bytes go to the node's attachments, checked against their hash.
        let stored_attachment = match &body {
            Body::Attachment { sha256, bytes, .. } => Some(
                self.store_attachment(&mut body_reader, sha256, *bytes)
                    .map_err(|e| refuse(e.to_string()))?,
            ),
            _ => None,
        };
        let _stored = stored_attachment;
        if body.kind() != header.kind {
            return Err(refuse(format!(
                "the header says {} but the body is a {}",
                header.kind,
                body.kind()
            )));
        }
        let receipt = {
            let mut r = Receipt {
                package_id: header.id.clone(),
                package_hash: header.hash(),
                node: keys.node.clone(),
                received_at: now(),
                signature: String::new(),
            };
            r.signature = keys.sign(&r.signed_bytes());
            r
        };
        // What the body refers to is read before the write begins: a node may have a single
        // store connection, which the transaction then holds; a refusal is written after it.
        match &body {
            Body::Share { share, statements } => {
                self.check_share(&keys, &header, share, statements)
            }
            other => self.check_consent_body(&keys, &header, other),
        }
        .map_err(|e| refuse(e.to_string()))?;
        let rescreen = matches!(&body, Body::Share { share, .. } if share.watchlist.is_some());
        let known = match &body {
            Body::Request { .. }
            | Body::Share { .. }
            | Body::ConsentAsk { .. }
            | Body::Consent { .. } => None,
            Body::Status {
                request_id,
                request_hash,
                ..
            }
            | Body::Answer {
                request_id,
                request_hash,
                ..
            }
            | Body::Attachment {
                request_id,
                request_hash,
                ..
            } => Some(
                self.party_request(&keys, &header, request_id, request_hash)
                    .map_err(|e| refuse(e.to_string()))?,
            ),
        };
        let applied = {
            let mut store = self.store();
            let mut tx = store.begin()?;
            match self.apply_body(&mut *tx, &keys, &header, body, known) {
                Err(e) => Err(e),
                Ok(what) => {
                    tx.append_coop(&record("received", &header.id, &receipt)?)?;
                    let entry = MessageEntry {
                        direction: "in".into(),
                        package_id: header.id.clone(),
                        peer: header.from.clone(),
                        kind: header.kind.clone(),
                        package_hash: header.hash(),
                        outcome: "received".into(),
                        detail: what.clone(),
                        at: receipt.received_at.clone(),
                        signature: String::new(),
                    }
                    .signed(&keys);
                    tx.append_coop(&record("message", &header.id, &entry)?)?;
                    tx.commit()?;
                    Ok(what)
                }
            }
        };
        let what = applied.map_err(|e| refuse(e.to_string()))?;
        drop(reader);
        let kept = in_dir.join(format!("{}.pkg", header.id));
        let _ = file.persist(&kept);
        if rescreen {
            // A partner's watchlist is screened against from the next crossing on.
            self.rebuild_screening()?;
        }
        let mut store = self.store();
        self.audit(
            &mut **store,
            &header.from,
            "coop package",
            &format!("{} from {}", header.id, header.from),
            None,
            &what,
        )?;
        Ok(receipt)
    }

    fn log_incoming(&self, keys: &NodeKeys, header: &Header, outcome: &str, detail: &str) {
        let entry = MessageEntry {
            direction: "in".into(),
            package_id: header.id.clone(),
            peer: header.from.clone(),
            kind: header.kind.clone(),
            package_hash: header.hash(),
            outcome: outcome.into(),
            detail: detail.into(),
            at: now(),
            signature: String::new(),
        }
        .signed(keys);
        if let Ok(r) = record("message", &header.id, &entry) {
            let mut store = self.store();
            if let Ok(mut tx) = store.begin() {
                let _ = tx.append_coop(&r);
                let _ = tx.commit();
            }
        }
    }

    /// Writes what a package brings; says what it did.
    fn apply_body(
        &self,
        tx: &mut dyn WriteTx,
        keys: &NodeKeys,
        header: &Header,
        body: Body,
        known: Option<Request>,
    ) -> Result<String, NodeError> {
        match body {
            Body::Request { request } => {
                if request.requested != keys.node || request.requesting != header.from {
                    return Err(NodeError::Invalid(format!(
                        "the request is from {} to {}, but the package is from {} to {}",
                        request.requesting, request.requested, header.from, keys.node
                    )));
                }
                if !request.history.is_empty() {
                    return Err(NodeError::Invalid(
                        "a request arrives without history".into(),
                    ));
                }
                request.check(&corridor_coop::legal_bases())?;
                let mut with_receipt = request.clone();
                with_receipt.transition(
                    corridor_coop::State::Sent,
                    Side::Requesting,
                    &header.from,
                    &header.created_at,
                    None,
                )?;
                let received_at = now().max(header.created_at.clone());
                with_receipt.transition(
                    corridor_coop::State::Received,
                    Side::Requested,
                    "node",
                    &received_at,
                    None,
                )?;
                tx.append_coop(&record("request", &request.id, &request)?)
                    .map_err(|e| match e {
                        corridor_store::StoreError::Conflict(_) => NodeError::Conflict(format!(
                            "request {} was received before",
                            request.id
                        )),
                        other => other.into(),
                    })?;
                for event in &with_receipt.history {
                    tx.append_coop(&record("event", &request.id, event)?)?;
                }
                Ok(format!("request {} received", request.id))
            }
            Body::Status {
                request_id, event, ..
            } => {
                let mut request = known
                    .clone()
                    .ok_or_else(|| NodeError::Invalid(format!("no request {request_id} here")))?;
                let side = if request.requesting == header.from {
                    Side::Requesting
                } else {
                    Side::Requested
                };
                let state = event.state;
                for event in self.step_from(&mut request, side, event)? {
                    tx.append_coop(&record("event", &request_id, &event)?)?;
                }
                Ok(format!("request {request_id}: {}", state.as_str()))
            }
            Body::Attachment {
                request_id,
                name,
                sha256,
                bytes,
                ..
            } => {
                known.ok_or_else(|| NodeError::Invalid(format!("no request {request_id} here")))?;
                let file = super::AttachmentRecord {
                    name: name.clone(),
                    sha256,
                    bytes,
                    from: header.from.clone(),
                    at: now(),
                };
                tx.append_coop(&record("attachment", &request_id, &file)?)?;
                Ok(format!("request {request_id}: file {name} ({bytes} bytes)"))
            }
            Body::Share { share, statements } => self.apply_share(tx, header, share, statements),
            Body::ConsentAsk { ask } => {
                tx.append_coop(&record("consent_ask", &ask.id, &ask)?)
                    .map_err(|e| match e {
                        corridor_store::StoreError::Conflict(_) => NodeError::Conflict(format!(
                            "request for consent {} was received before",
                            ask.id
                        )),
                        other => other.into(),
                    })?;
                Ok(format!(
                    "{} asks consent to pass {} to {}",
                    ask.asker, ask.dataset, ask.to
                ))
            }
            Body::Consent { decision } => {
                tx.append_coop(&record("consent", &decision.ask_id, &decision)?)?;
                Ok(format!(
                    "consent {} for {}",
                    if decision.granted {
                        "granted"
                    } else {
                        "refused"
                    },
                    decision.ask_id
                ))
            }
            Body::Answer {
                request_id,
                event,
                statements,
                ..
            } => {
                let mut request = known
                    .clone()
                    .ok_or_else(|| NodeError::Invalid(format!("no request {request_id} here")))?;
                if request.requested != header.from {
                    return Err(NodeError::Invalid(
                        "only the requested authority answers".into(),
                    ));
                }
                let state = event.state;
                if !matches!(
                    state,
                    corridor_coop::State::Answered | corridor_coop::State::PartiallyAnswered
                ) {
                    return Err(NodeError::Invalid(
                        "an answer is answered or partially_answered".into(),
                    ));
                }
                let events = self.step_from(&mut request, Side::Requested, event)?;
                let count = self.import_answer(tx, header, &request, statements)?;
                for event in events {
                    tx.append_coop(&record("event", &request_id, &event)?)?;
                }
                Ok(format!(
                    "request {request_id}: {} with {count} facts",
                    state.as_str()
                ))
            }
        }
    }

    /// A stored request both nodes are party to, checked against the hash the partner quotes.
    fn party_request(
        &self,
        keys: &NodeKeys,
        header: &Header,
        id: &str,
        hash: &str,
    ) -> Result<Request, NodeError> {
        let request = self
            .stored_request(id)
            .map_err(|_| NodeError::Invalid(format!("no request {id} here")))?;
        let parties = [&request.requesting, &request.requested];
        if !parties.contains(&&header.from) || !parties.contains(&&keys.node) {
            return Err(NodeError::Invalid(format!(
                "{} is not a party to request {id}",
                header.from
            )));
        }
        if request.content_hash() != hash {
            return Err(NodeError::Invalid(format!(
                "the package names request {id} with hash {hash}, but the request here has {}",
                request.content_hash()
            )));
        }
        Ok(request)
    }

    /// Applies a partner's step; its time is kept unless it is before the last step known
    /// here (clocks differ), in which case the step is dated at that last step. The requesting
    /// side never sees the partner's `received`: the partner's next step implies it.
    fn step_from(
        &self,
        request: &mut Request,
        side: Side,
        event: Event,
    ) -> Result<Vec<Event>, NodeError> {
        let last = request
            .history
            .last()
            .map(|e| e.at.clone())
            .unwrap_or_default();
        let at = event.at.clone().max(last);
        let mut added = Vec::new();
        if side == Side::Requested
            && request.state() == corridor_coop::State::Sent
            && event.state != corridor_coop::State::Received
        {
            let partner = request.requested.clone();
            request.transition(
                corridor_coop::State::Received,
                Side::Requested,
                &partner,
                &at,
                None,
            )?;
            added.push(request.history.last().expect("just added").clone());
        }
        request.transition(event.state, side, &event.by, &at, event.note.as_deref())?;
        added.push(request.history.last().expect("just added").clone());
        Ok(added)
    }

    /// Sends every queued package whose partner has an address and whose next try is due;
    /// `send` carries the bytes (HTTPS in the server and CLI) and returns the receipt's JSON.
    pub fn coop_deliver(&self, send: &Sender<'_>) -> Result<DeliveryReport, NodeError> {
        let keys = self.coop_keys()?;
        let mut report = DeliveryReport::default();
        // Packages in the order they were queued: a partner must get a request's steps in
        // the order they were taken, so one that cannot be delivered now holds back the later
        // ones to the same partner.
        let mut order: Vec<String> = Vec::new();
        let mut by_package: std::collections::HashMap<String, Vec<MessageEntry>> =
            Default::default();
        for r in self.coop_records("message", None)? {
            let m: MessageEntry = parse(&r)?;
            if m.direction == "out" {
                if !by_package.contains_key(&m.package_id) {
                    order.push(m.package_id.clone());
                }
                by_package.entry(m.package_id.clone()).or_default().push(m);
            }
        }
        let now_s = crate::now_unix();
        let mut held: std::collections::HashSet<String> = Default::default();
        for id in order {
            let entries = &by_package[&id];
            if entries.iter().any(|m| m.outcome == "delivered") {
                continue;
            }
            let first = &entries[0];
            if held.contains(&first.peer) {
                report.waiting += 1;
                continue;
            }
            let failures: Vec<&MessageEntry> =
                entries.iter().filter(|m| m.outcome == "failed").collect();
            let partner = self.partner(&first.peer)?;
            if partner.url.is_empty() {
                report.waiting += 1;
                continue;
            }
            if let Some(last) = failures.last() {
                let wait = (2i64 << failures.len().min(10)).min(3600);
                let last_s = corridor_model::types::parse_unix_utc(&last.at).unwrap_or(0);
                if now_s < last_s + wait {
                    report.waiting += 1;
                    held.insert(first.peer.clone());
                    continue;
                }
            }
            let package = self.coop_dir().join("out").join(format!("{id}.pkg"));
            let url = format!("{}/api/v1/coop/packages", partner.url);
            let outcome = match send(&url, &package) {
                Ok(text) => match serde_json::from_str::<Receipt>(&text) {
                    Ok(receipt)
                        if receipt.package_id == id
                            && receipt.package_hash == first.package_hash
                            && receipt.node == partner.keys.node
                            && partner
                                .keys
                                .verify(&receipt.signed_bytes(), &receipt.signature) =>
                    {
                        (
                            "delivered",
                            serde_json::to_string(&receipt).unwrap_or_default(),
                        )
                    }
                    Ok(_) => (
                        "failed",
                        "the receipt is not the partner's for this package".to_string(),
                    ),
                    Err(e) => ("failed", format!("no receipt in the answer: {e}")),
                },
                Err(e) => ("failed", e),
            };
            if outcome.0 == "delivered" {
                report.delivered += 1;
            } else {
                report.failed += 1;
                held.insert(first.peer.clone());
            }
            report.deliveries.push(Delivery {
                package_id: id.clone(),
                peer: first.peer.clone(),
                outcome: outcome.0.into(),
                detail: outcome.1.clone(),
            });
            let entry = MessageEntry {
                outcome: outcome.0.into(),
                detail: outcome.1,
                at: now(),
                signature: String::new(),
                ..first.clone()
            }
            .signed(&keys);
            let mut store = self.store();
            let mut tx = store.begin()?;
            tx.append_coop(&record("message", &id, &entry)?)?;
            tx.commit()?;
        }
        Ok(report)
    }
}
