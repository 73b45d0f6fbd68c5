//! What a node sends without being asked, and consent to pass things on.
//!
//! A share carries facts about entities (spontaneous information, the Smuggling Protocol's
//! art. 10), a watchlist's entries for the partner to screen its crossings against, or a
//! screening alert with the traveller's facts. Facts a node received under H1–H3 go no
//! further unless the partner that sent them consents: the node asks, the partner decides,
//! and the decision travels back in a package.

use std::collections::{BTreeSet, HashSet};

use corridor_coop::{Dissemination, Header, NodeKeys, check_text};
use corridor_policy::{Action, Subject};
use corridor_store::{WatchlistVersion, WriteTx};
use serde::{Deserialize, Serialize};

use super::answer::received_under;
use super::packages::Body;
use super::{parse, record};
use crate::sync::WireStatement;
use crate::views::Gate;
use crate::{Node, NodeError, now};

/// What a user gives to share: one of entities, a watchlist or an alert.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareInput {
    pub to: String,
    pub reference: String,
    pub handling: Dissemination,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub entities: Vec<String>,
    /// A watchlist of this node: its latest version's entries.
    #[serde(default)]
    pub watchlist: Option<String>,
    /// A screening alert's id: the alert and the traveller's facts.
    #[serde(default)]
    pub alert: Option<String>,
}

/// A screening alert as it travels: what fired, where, and what was decided.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SharedAlert {
    pub id: String,
    pub list: String,
    pub entry_id: String,
    pub entry_caption: Option<String>,
    pub subject_id: String,
    pub subject_caption: Option<String>,
    pub score: Option<f64>,
    pub reasons: Vec<String>,
    pub raised_at: String,
    pub crossings: Vec<String>,
    pub decision: Option<String>,
}

/// A share as both nodes keep it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Share {
    /// `<sender>/<reference>`.
    pub id: String,
    pub reference: String,
    pub from: String,
    pub to: String,
    pub handling: Dissemination,
    #[serde(default)]
    pub note: Option<String>,
    pub shared_by: String,
    pub shared_at: String,
    pub entities: Vec<String>,
    pub facts: usize,
    #[serde(default)]
    pub watchlist: Option<String>,
    #[serde(default)]
    pub alert: Option<SharedAlert>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ShareView {
    #[serde(flatten)]
    pub share: Share,
    /// `outgoing` or `incoming`.
    pub direction: &'static str,
    pub partner: String,
    /// Where the receiving node records its facts.
    pub dataset: String,
    /// The list the receiving node screens a shared watchlist's entries as.
    pub list_here: Option<String>,
}

/// A node asks the partner that sent it facts under H1–H3 whether it may pass them on.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ConsentAsk {
    /// `<asker>/<random>`.
    pub id: String,
    pub asker: String,
    /// The partner the facts came from, who decides.
    pub origin: String,
    /// The dataset the facts are recorded under at the asker (`coop/<origin>/…/<code>`).
    pub dataset: String,
    /// Who they would go to.
    pub to: String,
    #[serde(default)]
    pub note: Option<String>,
    pub asked_by: String,
    pub asked_at: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ConsentDecision {
    pub ask_id: String,
    pub granted: bool,
    #[serde(default)]
    pub note: Option<String>,
    pub by: String,
    pub at: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ConsentView {
    #[serde(flatten)]
    pub ask: ConsentAsk,
    /// `outgoing` (we asked) or `incoming` (we decide).
    pub direction: &'static str,
    /// The decision in force: the latest.
    pub decision: Option<ConsentDecision>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentInput {
    pub dataset: String,
    pub to: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// The dataset a share's facts are recorded under at the receiver.
pub(crate) fn share_dataset(from: &str, reference: &str, handling: Dissemination) -> String {
    format!("coop/{from}/shared-{reference}/{}", handling.as_str())
}

/// The list a partner's shared watchlist is screened as: the partner's id before its name.
pub(crate) fn received_list(from: &str, list: &str) -> String {
    format!("{}-{list}", from.replace('.', "-"))
}

/// The most facts one package of facts carries.
pub(crate) const MAX_FACTS: usize = 50_000;
/// The most entities one answer or share names.
const MAX_ENTITIES: usize = 500;
/// The most entries a shared watchlist carries.
const MAX_LIST_ENTRIES: usize = 10_000;

fn check_note(note: &Option<String>) -> Result<(), NodeError> {
    if let Some(n) = note {
        check_text("note", n, 2_000)?;
    }
    Ok(())
}

impl Node {
    /// The live facts about `entities` that `subject` may export to `to`: facts this node
    /// received from another partner under H1–H3 go only with that partner's consent. An
    /// entity with nothing exportable is an error when `strict`, skipped otherwise. Returns
    /// the facts and how many were left out as not exportable by this user.
    pub(crate) fn onward_facts(
        &self,
        subject: &Subject,
        entities: &[String],
        to: &str,
        strict: bool,
    ) -> Result<(Vec<WireStatement>, usize), NodeError> {
        let consented = self.consents_granted(to)?;
        let mut wire = Vec::new();
        let mut withheld = 0usize;
        let mut store = self.store();
        for entity in entities {
            let statements = store.entity_statements(entity)?;
            let visible = self.visible_facts(subject, Action::Export, &statements);
            if visible.is_empty() {
                if strict {
                    return Err(NodeError::NotFound(format!("entities: no entity {entity}")));
                }
                continue;
            }
            withheld += corridor_model::entity::live_statements(&statements).len() - visible.len();
            for s in visible {
                if let Some((origin, code)) = received_under(&s.provenance.dataset)
                    && code != Dissemination::H0
                    && origin != to
                    && !consented.contains(&s.provenance.dataset)
                {
                    return Err(NodeError::Forbidden(format!(
                        "entities: {entity} holds facts received from {origin} under {} ({}, dataset {}): they may not be passed on to {to} without {origin}'s consent (ask for it: POST /api/v1/coop/consents)",
                        code.as_str(),
                        s.prop,
                        s.provenance.dataset
                    )));
                }
                wire.push(WireStatement::from(s));
            }
            if wire.len() > MAX_FACTS {
                return Err(NodeError::Invalid(format!(
                    "a package carries at most {MAX_FACTS} facts"
                )));
            }
        }
        Ok((wire, withheld))
    }

    /// The datasets whose origin consented to their going to `to`.
    fn consents_granted(&self, to: &str) -> Result<HashSet<String>, NodeError> {
        Ok(self
            .consents_all()?
            .into_iter()
            .filter(|c| {
                c.direction == "outgoing"
                    && c.ask.to == to
                    && c.decision.as_ref().is_some_and(|d| d.granted)
            })
            .map(|c| c.ask.dataset)
            .collect())
    }

    /// Shares facts, a watchlist or an alert with a partner, unasked.
    pub fn share(&self, subject: &Subject, input: ShareInput) -> Result<ShareView, NodeError> {
        self.require(subject, Action::Cooperate)?;
        self.require(subject, Action::Export)?;
        let keys = self.coop_keys()?;
        let partner = self.partner(&input.to)?;
        check_text("reference", &input.reference, 100)?;
        if input.reference.contains('/') {
            return Err(NodeError::Invalid(
                "reference: no `/` (it is part of the share's id)".into(),
            ));
        }
        check_note(&input.note)?;
        let given = [
            !input.entities.is_empty(),
            input.watchlist.is_some(),
            input.alert.is_some(),
        ];
        if given.iter().filter(|g| **g).count() != 1 {
            return Err(NodeError::Invalid(
                "give one of entities, watchlist or alert".into(),
            ));
        }
        let id = format!("{}/{}", keys.node, input.reference.trim());
        if !self.coop_records("share", Some(&id))?.is_empty() {
            return Err(NodeError::Conflict(format!(
                "reference: a share {} exists already",
                input.reference.trim()
            )));
        }
        let mut alert = None;
        let (entities, strict) = if let Some(list) = &input.watchlist {
            crate::border::check_list_name(list)?;
            if received_list(&keys.node, list).len() > 64 {
                return Err(NodeError::Invalid(format!(
                    "watchlist: {list:?} is too long to be named {:?} at the partner (64 characters at most)",
                    received_list(&keys.node, list)
                )));
            }
            (self.latest_list_members(list)?, false)
        } else if let Some(alert_id) = &input.alert {
            let shared = self.alert_to_share(subject, alert_id)?;
            let subject_id = shared.subject_id.clone();
            alert = Some(shared);
            (vec![subject_id], true)
        } else {
            if input.entities.len() > MAX_ENTITIES {
                return Err(NodeError::Invalid(format!(
                    "entities: at most {MAX_ENTITIES}"
                )));
            }
            (input.entities.clone(), true)
        };
        let (statements, withheld) = self.onward_facts(subject, &entities, &input.to, strict)?;
        if statements.is_empty() {
            return Err(NodeError::Invalid(
                "nothing to share: no fact you may export".into(),
            ));
        }
        let sent: BTreeSet<String> = statements.iter().map(|s| s.entity_id.clone()).collect();
        let share = Share {
            id: id.clone(),
            reference: input.reference.trim().to_string(),
            from: keys.node.clone(),
            to: partner.keys.node.clone(),
            handling: input.handling,
            note: input.note.clone(),
            shared_by: subject.username.clone(),
            shared_at: now(),
            entities: sent.into_iter().collect(),
            facts: statements.len(),
            watchlist: input.watchlist.clone(),
            alert,
        };
        let body = Body::Share {
            share: Box::new(share.clone()),
            statements,
        };
        self.send_package(&keys, &partner, &body, input.handling, None, |tx| {
            tx.append_coop(&record("share", &id, &share)?)
                .map_err(|e| match e {
                    corridor_store::StoreError::Conflict(_) => {
                        NodeError::Conflict(format!("reference: a share {id} exists already"))
                    }
                    other => other.into(),
                })?;
            Ok(())
        })?;
        let mut store = self.store();
        self.audit(
            &mut **store,
            &subject.username,
            "coop share",
            &id,
            input.note.as_deref(),
            &format!(
                "to {}: {} facts about {} entities ({withheld} not exportable left out)",
                share.to,
                share.facts,
                share.entities.len()
            ),
        )?;
        drop(store);
        Ok(self.share_view(share, &keys.node))
    }

    fn latest_list_members(&self, list: &str) -> Result<Vec<String>, NodeError> {
        let mut store = self.store();
        let latest = store
            .watchlist_versions()?
            .into_iter()
            .filter(|v| v.list == list)
            .max_by_key(|v| v.version)
            .ok_or_else(|| NodeError::NotFound(format!("watchlist: no list {list}")))?;
        let members = store.watchlist_members(list, latest.version)?;
        if members.len() > MAX_LIST_ENTRIES {
            return Err(NodeError::Invalid(format!(
                "watchlist: {list} has {} entries; a share carries at most {MAX_LIST_ENTRIES}",
                members.len()
            )));
        }
        Ok(members)
    }

    fn alert_to_share(&self, subject: &Subject, id: &str) -> Result<SharedAlert, NodeError> {
        if id.is_empty() || id.len() > 200 {
            return Err(NodeError::Invalid("alert: 1 to 200 characters".into()));
        }
        let mut store = self.store();
        let mut gate = Gate::new(&self.policy, subject, Action::Export);
        let view = self
            .alert_view(&mut **store, &mut gate, id)?
            .ok_or_else(|| NodeError::NotFound(format!("alert: no alert {id}")))?;
        Ok(SharedAlert {
            id: view.id,
            list: view.list,
            entry_id: view.entry_id,
            entry_caption: view.entry_caption,
            subject_id: view.subject_id,
            subject_caption: view.subject_caption,
            score: view.score,
            reasons: view.reasons,
            raised_at: view.raised_at,
            crossings: view.crossings,
            decision: view.decision.map(|d| d.decision),
        })
    }

    fn share_view(&self, share: Share, us: &str) -> ShareView {
        let outgoing = share.from == us;
        ShareView {
            dataset: share_dataset(&share.from, &share.reference, share.handling),
            list_here: share
                .watchlist
                .as_ref()
                .map(|l| received_list(&share.from, l)),
            direction: if outgoing { "outgoing" } else { "incoming" },
            partner: if outgoing {
                share.to.clone()
            } else {
                share.from.clone()
            },
            share,
        }
    }

    /// Shares sent and received, newest first.
    pub fn shares(&self, subject: &Subject) -> Result<Vec<ShareView>, NodeError> {
        self.require(subject, Action::Cooperate)?;
        let keys = self.coop_keys()?;
        let mut out = Vec::new();
        for r in self.coop_records("share", None)? {
            out.push(self.share_view(parse(&r)?, &keys.node));
        }
        out.sort_by(|a, b| b.share.shared_at.cmp(&a.share.shared_at));
        Ok(out)
    }

    /// Checks a received share against its package before anything is written.
    pub(crate) fn check_share(
        &self,
        keys: &NodeKeys,
        header: &Header,
        share: &Share,
        statements: &[WireStatement],
    ) -> Result<(), NodeError> {
        if share.from != header.from || share.to != keys.node {
            return Err(NodeError::Invalid(format!(
                "the share is from {} to {}, but the package is from {} to {}",
                share.from, share.to, header.from, keys.node
            )));
        }
        if share.id != format!("{}/{}", share.from, share.reference)
            || share.reference.contains('/')
        {
            return Err(NodeError::Invalid(format!(
                "share id {} does not match its sender and reference",
                share.id
            )));
        }
        if share.handling != header.handling {
            return Err(NodeError::Invalid(format!(
                "the share says {} but its package {}",
                share.handling.as_str(),
                header.handling.as_str()
            )));
        }
        if statements.is_empty() || statements.len() > MAX_FACTS {
            return Err(NodeError::Invalid(format!(
                "a share carries 1 to {MAX_FACTS} facts"
            )));
        }
        if let Some(list) = &share.watchlist {
            crate::border::check_list_name(&received_list(&share.from, list))?;
        }
        Ok(())
    }

    /// Writes a received share: its facts under the share's dataset, a shared watchlist as a
    /// new version of the partner's list here, and the share itself.
    pub(crate) fn apply_share(
        &self,
        tx: &mut dyn WriteTx,
        header: &Header,
        share: Box<Share>,
        statements: Vec<WireStatement>,
    ) -> Result<String, NodeError> {
        let dataset = share_dataset(&share.from, &share.reference, share.handling);
        let count = self.import_facts(tx, header, &dataset, statements)?;
        let mut what = format!("share {}: {count} facts", share.id);
        if let Some(list) = &share.watchlist {
            let name = received_list(&share.from, list);
            let v = tx.record_watchlist_version(
                WatchlistVersion {
                    list: name.clone(),
                    version: 0,
                    dataset: dataset.clone(),
                    imported_at: now(),
                    imported_by: share.from.clone(),
                    source: format!("share {} (package {})", share.id, header.id),
                    sha256: header.hash(),
                    ..Default::default()
                },
                &share.entities,
            )?;
            what.push_str(&format!(", watchlist {name} version {}", v.version));
        }
        if let Some(alert) = &share.alert {
            what.push_str(&format!(", alert on {}", alert.list));
        }
        tx.append_coop(&record("share", &share.id, &*share)?)
            .map_err(|e| match e {
                corridor_store::StoreError::Conflict(_) => {
                    NodeError::Conflict(format!("share {} was received before", share.id))
                }
                other => other.into(),
            })?;
        Ok(what)
    }

    /// Asks the partner that sent facts under H1–H3 for consent to pass them to `to`.
    pub fn ask_consent(
        &self,
        subject: &Subject,
        input: ConsentInput,
    ) -> Result<ConsentView, NodeError> {
        self.require(subject, Action::Cooperate)?;
        let keys = self.coop_keys()?;
        check_note(&input.note)?;
        let (origin, code) = received_under(&input.dataset).ok_or_else(|| {
            NodeError::Invalid(format!(
                "dataset: {:?} is not facts from a partner (coop/<partner>/<reference>/<code>)",
                input.dataset
            ))
        })?;
        if code == Dissemination::H0 {
            return Err(NodeError::Invalid(format!(
                "dataset: {} came under H0 and needs no consent",
                input.dataset
            )));
        }
        if origin == input.to {
            return Err(NodeError::Invalid(format!(
                "to: {origin} sent these facts; they may go back to it without consent"
            )));
        }
        let origin_partner = self.partner(origin)?;
        self.partner(&input.to)?;
        let mut random = [0u8; 8];
        getrandom::fill(&mut random).map_err(|e| NodeError::Io(format!("no randomness: {e}")))?;
        let ask = ConsentAsk {
            id: format!("{}/{}", keys.node, hex::encode(random)),
            asker: keys.node.clone(),
            origin: origin.to_string(),
            dataset: input.dataset.clone(),
            to: input.to.clone(),
            note: input.note.clone(),
            asked_by: subject.username.clone(),
            asked_at: now(),
        };
        let body = Body::ConsentAsk { ask: ask.clone() };
        self.send_package(&keys, &origin_partner, &body, code, None, |tx| {
            tx.append_coop(&record("consent_ask", &ask.id, &ask)?)?;
            Ok(())
        })?;
        let mut store = self.store();
        self.audit(
            &mut **store,
            &subject.username,
            "coop consent asked",
            &ask.id,
            input.note.as_deref(),
            &format!("{} to {}, asked of {}", ask.dataset, ask.to, ask.origin),
        )?;
        Ok(ConsentView {
            ask,
            direction: "outgoing",
            decision: None,
        })
    }

    /// The partner that sent the facts grants or refuses consent; the asker is told.
    pub fn decide_consent(
        &self,
        subject: &Subject,
        ask_id: &str,
        granted: bool,
        note: Option<String>,
    ) -> Result<ConsentView, NodeError> {
        self.require(subject, Action::Cooperate)?;
        check_note(&note)?;
        let keys = self.coop_keys()?;
        let ask = self.consent_ask(ask_id)?;
        if ask.origin != keys.node {
            return Err(NodeError::Forbidden(format!(
                "only {} decides on consent to pass on its facts",
                ask.origin
            )));
        }
        let partner = self.partner(&ask.asker)?;
        let decision = ConsentDecision {
            ask_id: ask.id.clone(),
            granted,
            note: note.clone(),
            by: subject.username.clone(),
            at: now(),
        };
        let code = received_under(&ask.dataset)
            .map(|(_, c)| c)
            .unwrap_or(Dissemination::H2);
        let body = Body::Consent {
            decision: decision.clone(),
        };
        self.send_package(&keys, &partner, &body, code, None, |tx| {
            tx.append_coop(&record("consent", &ask.id, &decision)?)?;
            Ok(())
        })?;
        let mut store = self.store();
        self.audit(
            &mut **store,
            &subject.username,
            "coop consent",
            &ask.id,
            note.as_deref(),
            &format!(
                "{} {} to {}",
                if granted { "granted" } else { "refused" },
                ask.dataset,
                ask.to
            ),
        )?;
        Ok(ConsentView {
            ask,
            direction: "incoming",
            decision: Some(decision),
        })
    }

    pub(crate) fn consent_ask(&self, id: &str) -> Result<ConsentAsk, NodeError> {
        let r = self
            .coop_records("consent_ask", Some(id))?
            .into_iter()
            .next()
            .ok_or_else(|| NodeError::NotFound(format!("no request for consent {id}")))?;
        parse(&r)
    }

    /// Requests for consent this node made and received, each with its decision in force.
    pub fn consents(&self, subject: &Subject) -> Result<Vec<ConsentView>, NodeError> {
        self.require(subject, Action::Cooperate)?;
        let mut all = self.consents_all()?;
        all.sort_by(|a, b| b.ask.asked_at.cmp(&a.ask.asked_at));
        Ok(all)
    }

    fn consents_all(&self) -> Result<Vec<ConsentView>, NodeError> {
        let Ok(keys) = self.coop_keys() else {
            return Ok(Vec::new());
        };
        let mut decisions: std::collections::HashMap<String, ConsentDecision> = Default::default();
        for r in self.coop_records("consent", None)? {
            let d: ConsentDecision = parse(&r)?;
            decisions.insert(d.ask_id.clone(), d);
        }
        let mut out = Vec::new();
        for r in self.coop_records("consent_ask", None)? {
            let ask: ConsentAsk = parse(&r)?;
            out.push(ConsentView {
                direction: if ask.asker == keys.node {
                    "outgoing"
                } else {
                    "incoming"
                },
                decision: decisions.remove(&ask.id),
                ask,
            });
        }
        Ok(out)
    }

    /// Checks a request for consent or a decision against its package and what is known
    /// here, before anything is written.
    pub(crate) fn check_consent_body(
        &self,
        keys: &NodeKeys,
        header: &Header,
        body: &Body,
    ) -> Result<(), NodeError> {
        match body {
            Body::ConsentAsk { ask } => {
                let origin = received_under(&ask.dataset).map(|(o, _)| o);
                if ask.asker != header.from
                    || ask.origin != keys.node
                    || origin != Some(keys.node.as_str())
                    || !ask.id.starts_with(&format!("{}/", header.from))
                {
                    return Err(NodeError::Invalid(format!(
                        "the request for consent {} is not {}'s to ask of this node",
                        ask.id, header.from
                    )));
                }
                if let Some(n) = &ask.note {
                    check_text("note", n, 2_000)?;
                }
                Ok(())
            }
            Body::Consent { decision } => {
                let ask = self.consent_ask(&decision.ask_id).map_err(|_| {
                    NodeError::Invalid(format!("no request for consent {} here", decision.ask_id))
                })?;
                if ask.asker != keys.node || ask.origin != header.from {
                    return Err(NodeError::Invalid(format!(
                        "{} may not decide on the request for consent {}",
                        header.from, ask.id
                    )));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}
