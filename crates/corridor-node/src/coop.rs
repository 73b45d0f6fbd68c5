//! International cooperation in the node: the node's keys, the directory of partner
//! authorities, requests and their steps, and the packages that carry them between nodes.
//!
//! Everything is kept in the store's append-only cooperation log (partners, requests, steps,
//! every package sent and received, each log entry signed with the node's key) and, for
//! packages, as files in the node directory (`coop/out`, `coop/in`), so a package can be sent
//! again while a partner is down, or carried on a stick. A package is received once: its id is
//! written in the same transaction as what it brings, so a second delivery changes nothing and
//! gets the first receipt back.

mod answer;
mod attachments;
pub(crate) mod packages;
mod share;
#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::sync::Arc;

use corridor_coop::request::{Side, State};
use corridor_coop::{NodeKeys, PartnerKeys, Request, RequestType};
use corridor_policy::{Action, Subject};
use corridor_store::CoopRecord;
use serde::{Deserialize, Serialize};

pub use packages::{Delivery, DeliveryReport, MAX_PACKAGE_BYTES, MessageEntry, Receipt, Sender};
pub use share::{
    ConsentAsk, ConsentDecision, ConsentInput, ConsentView, Share, ShareInput, ShareView,
    SharedAlert,
};

use crate::{Node, NodeError, now};

impl From<corridor_coop::CoopError> for NodeError {
    fn from(e: corridor_coop::CoopError) -> NodeError {
        use corridor_coop::CoopError as E;
        match e {
            E::Invalid(m) | E::Refused(m) => NodeError::Invalid(m),
            E::Forbidden(m) => NodeError::Forbidden(m),
            E::Conflict(m) => NodeError::Conflict(m),
            E::Io(m) => NodeError::Io(m),
        }
    }
}

/// A partner in the directory, as the node keeps it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Partner {
    pub keys: PartnerKeys,
    pub name: String,
    /// Where its node takes packages (`https://…`); empty for a partner reached by file only.
    #[serde(default)]
    pub url: String,
    /// The request types it accepts.
    pub accepts: Vec<RequestType>,
    pub fingerprint: String,
    /// Who compared the fingerprint out of band, and when.
    pub verified_by: String,
    pub verified_at: String,
}

/// What a user gives to add a partner: its keys and the fingerprint they read with it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerInput {
    pub keys: PartnerKeys,
    pub name: String,
    #[serde(default)]
    pub url: String,
    pub accepts: Vec<RequestType>,
    /// The fingerprint as read out by the partner; must match the keys given.
    pub fingerprint: String,
}

/// What a user gives to draft a request.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestInput {
    pub reference: String,
    pub request_type: RequestType,
    pub urgency: corridor_coop::Urgency,
    pub requested: String,
    pub legal_basis: Vec<String>,
    #[serde(default)]
    pub subjects: Vec<String>,
    #[serde(default)]
    pub questions: Vec<String>,
    #[serde(default)]
    pub deadline: Option<String>,
    pub handling: corridor_coop::Dissemination,
    #[serde(default)]
    pub handling_note: Option<String>,
}

/// A file sent with a request (either way), kept under its SHA-256.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct AttachmentRecord {
    pub name: String,
    pub sha256: String,
    pub bytes: u64,
    /// The node that sent it.
    pub from: String,
    pub at: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct RequestView {
    #[serde(flatten)]
    pub request: Request,
    pub state: State,
    /// `outgoing` (we asked) or `incoming` (we are asked).
    pub direction: &'static str,
    pub partner: String,
    pub reminders: Vec<corridor_coop::request::Reminder>,
    pub content_hash: String,
    /// Files sent with the request, either way.
    pub files: Vec<AttachmentRecord>,
}

const KEYS_FILE: &str = "coop-keys.txt";

impl Node {
    fn coop_dir(&self) -> PathBuf {
        self.dir.join("coop")
    }

    /// Makes the node's cooperation keys under `node_id`, once; the public half is what
    /// partners add to their directory.
    pub fn coop_init(&self, node_id: &str) -> Result<PartnerKeys, NodeError> {
        let path = self.dir.join(KEYS_FILE);
        if path.exists() {
            let keys = self.coop_keys()?;
            if keys.node != node_id {
                return Err(NodeError::Conflict(format!(
                    "this node already cooperates as {}; its keys are in {}",
                    keys.node,
                    path.display()
                )));
            }
            return Ok(keys.public());
        }
        let keys = NodeKeys::generate(node_id)?;
        std::fs::create_dir_all(&self.dir).map_err(|e| NodeError::Io(e.to_string()))?;
        write_private(&path, keys.to_text().as_bytes())?;
        Ok(keys.public())
    }

    pub(crate) fn coop_keys(&self) -> Result<Arc<NodeKeys>, NodeError> {
        let path = self.dir.join(KEYS_FILE);
        let text = std::fs::read_to_string(&path).map_err(|_| {
            NodeError::Conflict(
                "this node has no cooperation keys yet: run `corridor coop init --node-id ID`"
                    .into(),
            )
        })?;
        Ok(Arc::new(NodeKeys::from_text(&text)?))
    }

    /// The node's id and public keys with their fingerprint, for partners.
    pub fn coop_identity(&self) -> Result<(PartnerKeys, String), NodeError> {
        let public = self.coop_keys()?.public();
        let fingerprint = public.fingerprint();
        Ok((public, fingerprint))
    }

    fn coop_log(&self, kind: &str, key: &str, body: &impl Serialize) -> Result<(), NodeError> {
        let mut store = self.store();
        let mut tx = store.begin()?;
        tx.append_coop(&record(kind, key, body)?)?;
        tx.commit()?;
        Ok(())
    }

    fn coop_records(&self, kind: &str, key: Option<&str>) -> Result<Vec<CoopRecord>, NodeError> {
        let mut store = self.store();
        let mut out = Vec::new();
        let mut after = 0;
        loop {
            let page = store.coop_records(kind, key, after, 1_000)?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            out.extend(page);
        }
        Ok(out)
    }

    /// Adds a partner (or new keys for one) after a user compared the fingerprint out of band.
    pub fn add_partner(
        &self,
        subject: &Subject,
        input: PartnerInput,
    ) -> Result<Partner, NodeError> {
        self.require(subject, Action::Cooperate)?;
        input.keys.check()?;
        let fingerprint = input.keys.fingerprint();
        let given: String = input
            .fingerprint
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_lowercase();
        if given != fingerprint.replace(' ', "") {
            self.audit_refusal(
                &subject.username,
                "coop partner",
                &input.keys.node,
                "fingerprint mismatch",
            );
            return Err(NodeError::Invalid(format!(
                "fingerprint: the keys given have fingerprint {fingerprint}, not the one read out: do not trust them"
            )));
        }
        if input.name.trim().is_empty() || input.name.len() > 200 {
            return Err(NodeError::Invalid("name: 1 to 200 characters".into()));
        }
        if !(input.url.is_empty()
            || input.url.starts_with("https://")
            || input.url.starts_with("http://127.0.0.1"))
        {
            return Err(NodeError::Invalid(
                "url: https:// (or http://127.0.0.1 for a test)".into(),
            ));
        }
        if self.coop_keys().is_ok_and(|k| k.node == input.keys.node) {
            return Err(NodeError::Invalid("keys: these are this node's own".into()));
        }
        let partner = Partner {
            keys: input.keys,
            name: input.name.trim().to_string(),
            url: input.url.trim_end_matches('/').to_string(),
            accepts: input.accepts,
            fingerprint,
            verified_by: subject.username.clone(),
            verified_at: now(),
        };
        self.coop_log("partner", &partner.keys.node, &partner)?;
        let mut store = self.store();
        self.audit(
            &mut **store,
            &subject.username,
            "coop partner",
            &partner.keys.node,
            None,
            "added",
        )?;
        Ok(partner)
    }

    /// The directory: the latest entry of each partner.
    pub fn partners(&self, subject: &Subject) -> Result<Vec<Partner>, NodeError> {
        self.require(subject, Action::Cooperate)?;
        self.partner_directory()
    }

    pub(crate) fn partner_directory(&self) -> Result<Vec<Partner>, NodeError> {
        let mut latest: std::collections::BTreeMap<String, Partner> = Default::default();
        for r in self.coop_records("partner", None)? {
            let p: Partner = parse(&r)?;
            latest.insert(p.keys.node.clone(), p);
        }
        Ok(latest.into_values().collect())
    }

    pub(crate) fn partner(&self, node: &str) -> Result<Partner, NodeError> {
        self.partner_directory()?
            .into_iter()
            .find(|p| p.keys.node == node)
            .ok_or_else(|| {
                NodeError::NotFound(format!("{node} is not in the directory of partners"))
            })
    }

    /// A request as kept: its content and its steps.
    pub(crate) fn stored_request(&self, id: &str) -> Result<Request, NodeError> {
        let content = self
            .coop_records("request", Some(id))?
            .into_iter()
            .next()
            .ok_or_else(|| NodeError::NotFound(format!("no request {id}")))?;
        let mut request: Request = parse(&content)?;
        for e in self.coop_records("event", Some(id))? {
            request.history.push(parse(&e)?);
        }
        Ok(request)
    }

    fn request_view(&self, request: Request, us: &str, today: &str) -> RequestView {
        let outgoing = request.requesting == us;
        let files = self
            .coop_records("attachment", Some(&request.id))
            .unwrap_or_default()
            .iter()
            .filter_map(|r| parse(r).ok())
            .collect();
        RequestView {
            files,
            state: request.state(),
            direction: if outgoing { "outgoing" } else { "incoming" },
            partner: if outgoing {
                request.requested.clone()
            } else {
                request.requesting.clone()
            },
            reminders: request.reminders(today),
            content_hash: request.content_hash(),
            request,
        }
    }

    /// Drafts a request to a partner in the directory.
    pub fn create_request(
        &self,
        subject: &Subject,
        input: RequestInput,
    ) -> Result<RequestView, NodeError> {
        self.require(subject, Action::Cooperate)?;
        let keys = self.coop_keys()?;
        let partner = self.partner(&input.requested)?;
        if !partner.accepts.contains(&input.request_type) {
            return Err(NodeError::Invalid(format!(
                "request_type: {} does not accept {} requests (it accepts: {})",
                partner.keys.node,
                input.request_type.as_str(),
                partner
                    .accepts
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let request = Request {
            id: format!("{}/{}", keys.node, input.reference.trim()),
            reference: input.reference.trim().to_string(),
            request_type: input.request_type,
            urgency: input.urgency,
            requesting: keys.node.clone(),
            requested: input.requested,
            legal_basis: input.legal_basis,
            subjects: input.subjects,
            questions: input.questions,
            deadline: input.deadline,
            handling: input.handling,
            handling_note: input.handling_note,
            attachments: Vec::new(),
            created_at: now(),
            history: Vec::new(),
        };
        request.check(&corridor_coop::legal_bases())?;
        self.coop_log("request", &request.id, &request)
            .map_err(|e| match e {
                NodeError::Store(corridor_store::StoreError::Conflict(_)) => NodeError::Conflict(
                    format!("reference: a request {} exists already", request.reference),
                ),
                other => other,
            })?;
        let mut store = self.store();
        self.audit(
            &mut **store,
            &subject.username,
            "coop request",
            &request.id,
            None,
            "drafted",
        )?;
        // The view reads the store again: a node may have a single connection.
        drop(store);
        Ok(self.request_view(request, &keys.node, &now()[..10]))
    }

    /// Requests this node sent or received, with their reminders as of today.
    pub fn coop_requests(&self, subject: &Subject) -> Result<Vec<RequestView>, NodeError> {
        self.require(subject, Action::Cooperate)?;
        let keys = self.coop_keys()?;
        let today = now()[..10].to_string();
        let mut out = Vec::new();
        for r in self.coop_records("request", None)? {
            let request = self.stored_request(&r.key)?;
            out.push(self.request_view(request, &keys.node, &today));
        }
        out.sort_by(|a, b| b.request.created_at.cmp(&a.request.created_at));
        Ok(out)
    }

    pub fn coop_request(&self, subject: &Subject, id: &str) -> Result<RequestView, NodeError> {
        self.require(subject, Action::Cooperate)?;
        let keys = self.coop_keys()?;
        Ok(self.request_view(self.stored_request(id)?, &keys.node, &now()[..10]))
    }

    /// Timeliness per partner and per type, and what is overdue.
    pub fn coop_timeliness(
        &self,
        subject: &Subject,
    ) -> Result<corridor_coop::Timeliness, NodeError> {
        let requests: Vec<Request> = self
            .coop_requests(subject)?
            .into_iter()
            .map(|v| v.request)
            .collect();
        let keys = self.coop_keys()?;
        Ok(corridor_coop::timeliness(
            &requests,
            &keys.node,
            &now()[..10],
        ))
    }

    /// Takes a step on a request (send, acknowledge, start, refuse, close…) and tells the
    /// partner in a package. Answers go through [`Node::answer_request`].
    pub fn request_step(
        &self,
        subject: &Subject,
        id: &str,
        to: State,
        note: Option<&str>,
    ) -> Result<RequestView, NodeError> {
        self.require(subject, Action::Cooperate)?;
        if matches!(to, State::Answered | State::PartiallyAnswered) {
            return Err(NodeError::Invalid(
                "state: answers carry their facts: use the answer action".into(),
            ));
        }
        if to == State::Received {
            return Err(NodeError::Invalid(
                "state: `received` is recorded by the node when a package arrives".into(),
            ));
        }
        let keys = self.coop_keys()?;
        let mut request = self.stored_request(id)?;
        let side = if request.requesting == keys.node {
            Side::Requesting
        } else {
            Side::Requested
        };
        let at = now();
        request.transition(to, side, &subject.username, &at, note)?;
        let event = request.history.last().expect("just added").clone();
        let partner = if side == Side::Requesting {
            &request.requested
        } else {
            &request.requesting
        };
        let partner = self.partner(partner)?;
        let body = if to == State::Sent {
            packages::Body::Request {
                request: strip_history(&request),
            }
        } else {
            packages::Body::Status {
                request_id: request.id.clone(),
                request_hash: request.content_hash(),
                event: event.clone(),
            }
        };
        self.send_package(
            &keys,
            &partner,
            &body,
            request.handling,
            Some(request.content_hash()),
            |tx| {
                tx.append_coop(&record("event", &request.id, &event)?)?;
                Ok(())
            },
        )?;
        let mut store = self.store();
        self.audit(
            &mut **store,
            &subject.username,
            "coop request",
            &request.id,
            note,
            to.as_str(),
        )?;
        drop(store);
        Ok(self.request_view(request, &keys.node, &at[..10]))
    }
}

fn strip_history(request: &Request) -> Request {
    let mut r = request.clone();
    r.history.clear();
    r
}

pub(crate) fn record(
    kind: &str,
    key: &str,
    body: &impl Serialize,
) -> Result<CoopRecord, NodeError> {
    Ok(CoopRecord {
        seq: 0,
        kind: kind.to_string(),
        key: key.to_string(),
        body: serde_json::to_string(body).map_err(|e| NodeError::Io(e.to_string()))?,
        at: now(),
    })
}

pub(crate) fn parse<T: for<'de> Deserialize<'de>>(r: &CoopRecord) -> Result<T, NodeError> {
    serde_json::from_str(&r.body).map_err(|e| {
        NodeError::Store(corridor_store::StoreError::Corrupt(format!(
            "cooperation log {}: {e}",
            r.seq
        )))
    })
}

/// Writes a secret readable by the node's user only.
fn write_private(path: &std::path::Path, bytes: &[u8]) -> Result<(), NodeError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| NodeError::Io(format!("{}: {e}", path.display())))?;
    file.write_all(bytes)
        .map_err(|e| NodeError::Io(e.to_string()))
}
