//! Three nodes — Italy (A), Libya (B), Tunisia (C) — each with its own store and keys. A asks
//! B, B acknowledges and answers with facts, A imports them with their provenance; C can
//! neither read nor forge; tampered, replayed, misaddressed and expired packages are refused;
//! a partner down for a while gets everything exactly once; facts received under H2 are not
//! passed on.

use std::sync::Arc;

use corridor_coop::request::State;
use corridor_coop::{Dissemination, NodeKeys, RequestType, Urgency};
use corridor_model::{
    HandlingCode, InformationGrade, Model, Provenance, Purpose, SourceReliability, Statement,
};
use corridor_policy::Subject;
use corridor_store::Location;

use super::{PartnerInput, RequestInput};

mod share;
use crate::{Node, NodeError};

struct Site {
    node: Node,
    _dir: tempfile::TempDir,
}

fn site(id: &str) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let model = Arc::new(Model::builtin().unwrap());
    let location = Location::Directory(dir.path().join("store"));
    let mut store = corridor_store::create(&location, model.clone()).unwrap();
    let provenance = Arc::new(Provenance {
        dataset: format!("{id}-investigation"),
        recorded_by: "loader".into(),
        recorded_at: "2026-11-30T08:00:00Z".into(),
        handling: HandlingCode::Confidential,
        purpose: Purpose::LawEnforcement,
        reliability: SourceReliability::B,
        grade: InformationGrade::KnownToSource,
    });
    let mut tx = store.begin().unwrap();
    tx.write(&[
        Statement::assert(
            &format!("{id}-p1"),
            "Person",
            "name",
            format!("Suspect of {id}"),
            None,
            provenance.clone(),
        ),
        Statement::assert(
            &format!("{id}-p1"),
            "Person",
            "nationality",
            "ly".into(),
            None,
            provenance,
        ),
    ])
    .unwrap();
    tx.commit().unwrap();
    drop(store);
    // One store connection, as `corridor demo` and the command line use: nothing in the
    // cooperation paths may wait for a second.
    let node = Node::open(&location, &dir.path().join("node"), model, 1).unwrap();
    node.coop_init(id).unwrap();
    Site { node, _dir: dir }
}

fn authority() -> Subject {
    Subject {
        username: "ca".into(),
        roles: vec!["central_authority".into()],
        reason: Some("request IT-1".into()),
    }
}

fn introduce(to: &Site, other: &Site, name: &str) {
    let (keys, fingerprint) = other.node.coop_identity().unwrap();
    to.node
        .add_partner(
            &authority(),
            PartnerInput {
                keys,
                name: name.into(),
                url: String::new(),
                accepts: RequestType::ALL.to_vec(),
                fingerprint,
            },
        )
        .unwrap();
}

/// Delivers every queued package of `from` by handing its bytes to `to`.
fn carry(from: &Site, to: &Site) -> usize {
    let report = from
        .node
        .coop_deliver(&|_, path| {
            let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
            to.node
                .receive_package(&mut &bytes[..])
                .map(|r| serde_json::to_string(&r).unwrap())
                .map_err(|e| e.to_string())
        })
        .unwrap();
    assert_eq!(report.failed, 0, "{:?}", report.deliveries);
    report.delivered
}

fn draft(a: &Site, to: &str) -> String {
    a.node
        .create_request(
            &authority(),
            RequestInput {
                reference: "IT-1".into(),
                request_type: RequestType::MutualLegalAssistance,
                urgency: Urgency::Urgent,
                requested: to.into(),
                legal_basis: vec!["untoc-18".into()],
                subjects: vec!["it-p1".into()],
                questions: vec!["Who is behind the boat of 3 March?".into()],
                deadline: Some("2027-01-15".into()),
                handling: Dissemination::H2,
                handling_note: None,
            },
        )
        .unwrap()
        .request
        .id
}

fn with_url(site: &Site, partner: &str) {
    // A partner reachable over the network: the same directory entry with an address.
    let mut p = site.node.partner(partner).unwrap();
    p.url = "http://127.0.0.1:1".into();
    site.node
        .add_partner(
            &authority(),
            PartnerInput {
                keys: p.keys,
                name: p.name,
                url: p.url,
                accepts: p.accepts,
                fingerprint: p.fingerprint,
            },
        )
        .unwrap();
}

#[test]
fn a_request_is_sent_acknowledged_and_answered_with_facts_and_their_provenance() {
    let (a, b) = (site("it"), site("ly"));
    introduce(&a, &b, "Libya central authority");
    introduce(&b, &a, "Italy central authority");
    with_url(&a, "ly");
    with_url(&b, "it");
    let s = authority();
    let id = draft(&a, "ly");
    a.node.request_step(&s, &id, State::Sent, None).unwrap();
    assert_eq!(carry(&a, &b), 1);
    let incoming = b.node.coop_request(&s, &id).unwrap();
    assert_eq!(
        (incoming.state, incoming.direction),
        (State::Received, "incoming")
    );
    b.node
        .request_step(&s, &id, State::Acknowledged, None)
        .unwrap();
    let view = b
        .node
        .answer_request(
            &s,
            &id,
            false,
            Some("the organiser, see facts"),
            &["ly-p1".to_string()],
        )
        .unwrap();
    assert_eq!(view.state, State::Answered);
    assert_eq!(carry(&b, &a), 2);
    let mine = a.node.coop_request(&s, &id).unwrap();
    assert_eq!(mine.state, State::Answered, "{:?}", mine.request.history);
    assert_eq!(
        mine.request
            .history
            .iter()
            .map(|e| e.state)
            .collect::<Vec<_>>(),
        [
            State::Sent,
            State::Received,
            State::Acknowledged,
            State::Answered
        ]
    );
    // The answer's facts are in A's store, recorded by B under a dataset naming the request.
    let page = a.node.entity(&s, "ly-p1").unwrap();
    let name = &page.properties["name"][0];
    assert_eq!(
        (
            name.value.as_str(),
            name.dataset.as_str(),
            name.recorded_by.as_str()
        ),
        ("Suspect of ly", "coop/ly/IT-1/H2", "ly")
    );
    assert_eq!(name.handling, "confidential");
    // Both logs hold every package, signed; timeliness counts the answer.
    let log = a.node.coop_messages(&s).unwrap();
    assert!(
        log.iter()
            .any(|m| m.direction == "in" && m.outcome == "received" && m.kind == "answer")
    );
    assert!(log.iter().all(|m| m.signature.len() == 128));
    let t = a.node.coop_timeliness(&s).unwrap();
    assert_eq!(
        (t.by_partner[0].key.as_str(), t.by_partner[0].answered),
        ("ly", 1)
    );
}

#[test]
fn strangers_forgers_tampering_replays_and_wrong_addresses_are_refused() {
    let (a, b, c) = (site("it"), site("ly"), site("tn"));
    introduce(&a, &b, "Libya");
    introduce(&b, &a, "Italy");
    introduce(&c, &b, "Libya"); // C knows B, but B does not know C
    let s = authority();
    let id = draft(&a, "ly");
    a.node.request_step(&s, &id, State::Sent, None).unwrap();
    let package_id = a.node.coop_messages(&s).unwrap()[0].package_id.clone();
    let package = a.node.export_package(&s, &package_id).unwrap();

    // Not for C, and C cannot read it.
    let err = c
        .node
        .receive_package(&mut &package[..])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("not in this node's directory") || err.contains("addressed to"),
        "{err}"
    );
    // A stranger's package.
    let c_id = c
        .node
        .create_request(
            &s,
            RequestInput {
                reference: "TN-1".into(),
                request_type: RequestType::PoliceInformation,
                urgency: Urgency::Routine,
                requested: "ly".into(),
                legal_basis: vec!["untoc-27".into()],
                subjects: vec![],
                questions: vec!["?".into()],
                deadline: None,
                handling: Dissemination::H0,
                handling_note: None,
            },
        )
        .unwrap()
        .request
        .id;
    c.node.request_step(&s, &c_id, State::Sent, None).unwrap();
    let c_package_id = c
        .node
        .coop_messages(&s)
        .unwrap()
        .iter()
        .find(|m| m.direction == "out")
        .unwrap()
        .package_id
        .clone();
    let c_package = c.node.export_package(&s, &c_package_id).unwrap();
    let err = b
        .node
        .receive_package(&mut &c_package[..])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("tn is not in this node's directory of partners"),
        "{err}"
    );
    // A forgery: C's package relabelled as A's.
    let newline = c_package.iter().position(|&x| x == b'\n').unwrap();
    let header = String::from_utf8(c_package[..newline].to_vec())
        .unwrap()
        .replacen("\"from\":\"tn\"", "\"from\":\"it\"", 1);
    let mut forged = header.into_bytes();
    forged.extend_from_slice(&c_package[newline..]);
    let err = b
        .node
        .receive_package(&mut &forged[..])
        .unwrap_err()
        .to_string();
    assert!(err.contains("the signature is not it's"), "{err}");
    // Tampered in transit.
    let mut altered = package.clone();
    let last = altered.len() - 20;
    altered[last] ^= 1;
    assert!(b.node.receive_package(&mut &altered[..]).is_err());
    // Expired: sealed by A's own keys with a past expiry.
    let a_keys =
        NodeKeys::from_text(&std::fs::read_to_string(a.node.dir.join("coop-keys.txt")).unwrap())
            .unwrap();
    let (b_keys, _) = b.node.coop_identity().unwrap();
    let mut old = Vec::new();
    corridor_coop::seal(
        &a_keys,
        &b_keys,
        &corridor_coop::Meta {
            kind: "request".into(),
            created_at: "2020-01-01T00:00:00Z".into(),
            expires_at: "2020-01-31T00:00:00Z".into(),
            in_reply_to: None,
            handling: Dissemination::H0,
        },
        &mut &b"{}"[..],
        &mut std::io::Cursor::new(Vec::new()),
        &mut old,
    )
    .unwrap();
    let err = b
        .node
        .receive_package(&mut &old[..])
        .unwrap_err()
        .to_string();
    assert!(err.contains("expired at 2020-01-31"), "{err}");
    // None of that changed B: no request arrived. Then the real one, twice: once.
    assert!(b.node.coop_requests(&s).unwrap().is_empty());
    let first = b.node.receive_package(&mut &package[..]).unwrap();
    let again = b.node.receive_package(&mut &package[..]).unwrap();
    assert_eq!(first, again);
    let requests = b.node.coop_requests(&s).unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].request.history.len(),
        2,
        "sent and received, once"
    );
    // Every refusal is in B's audit log and its message log.
    let admin = Subject {
        username: "admin".into(),
        roles: vec!["administrator".into()],
        reason: None,
    };
    let audit = b.node.audit_recent(&admin, None, 100).unwrap();
    let refusals = audit
        .iter()
        .filter(|r| r.action == "coop package" && r.outcome.starts_with("refused"))
        .count();
    assert!(refusals >= 4, "{refusals} refusals audited");
    let log = b.node.coop_messages(&s).unwrap();
    assert!(log.iter().any(|m| m.outcome == "duplicate"));
}

#[test]
fn a_partner_down_gets_everything_once_when_it_returns() {
    let (a, b) = (site("it"), site("ly"));
    introduce(&a, &b, "Libya");
    introduce(&b, &a, "Italy");
    with_url(&a, "ly");
    let s = authority();
    let id = draft(&a, "ly");
    a.node.request_step(&s, &id, State::Sent, None).unwrap();
    let down = a
        .node
        .coop_deliver(&|_, _| Err("connection refused".into()))
        .unwrap();
    assert_eq!((down.delivered, down.failed), (0, 1));
    // Backoff: the next try is not due yet.
    let waiting = a
        .node
        .coop_deliver(&|_, _| panic!("tried again too soon"))
        .unwrap();
    assert_eq!(waiting.waiting, 1);
    let log_before = a.node.coop_messages(&s).unwrap().len();
    assert!(log_before >= 2);
    assert_eq!(b.node.coop_requests(&s).unwrap().len(), 0);
    // B back (backoff elapsed: deliver as a later run would, by receiving the package).
    let package_id = a.node.coop_messages(&s).unwrap()[0].package_id.clone();
    let bytes = a.node.export_package(&s, &package_id).unwrap();
    b.node.receive_package(&mut &bytes[..]).unwrap();
    b.node.receive_package(&mut &bytes[..]).unwrap();
    assert_eq!(b.node.coop_requests(&s).unwrap().len(), 1);
}

#[test]
fn facts_received_under_h2_are_not_passed_on_and_bad_input_is_named() {
    let (a, b, c) = (site("it"), site("ly"), site("tn"));
    introduce(&a, &b, "Libya");
    introduce(&b, &a, "Italy");
    introduce(&a, &c, "Tunisia");
    introduce(&c, &a, "Italy");
    let s = authority();
    let id = draft(&a, "ly");
    a.node.request_step(&s, &id, State::Sent, None).unwrap();
    let pkg = |site: &Site| {
        let log = site.node.coop_messages(&s).unwrap();
        let id = log
            .iter()
            .rev()
            .find(|m| m.direction == "out")
            .unwrap()
            .package_id
            .clone();
        site.node.export_package(&s, &id).unwrap()
    };
    b.node.receive_package(&mut &pkg(&a)[..]).unwrap();
    b.node
        .answer_request(&s, &id, true, Some("more to come"), &["ly-p1".to_string()])
        .unwrap();
    a.node.receive_package(&mut &pkg(&b)[..]).unwrap();
    assert_eq!(
        a.node.coop_request(&s, &id).unwrap().state,
        State::PartiallyAnswered
    );
    // Tunisia asks Italy about the same person: Italy may not pass on Libya's H2 facts.
    let c_id = c
        .node
        .create_request(
            &s,
            RequestInput {
                reference: "TN-9".into(),
                request_type: RequestType::PoliceInformation,
                urgency: Urgency::Routine,
                requested: "it".into(),
                legal_basis: vec!["untoc-27".into()],
                subjects: vec![],
                questions: vec!["Do you know ly-p1?".into()],
                deadline: None,
                handling: Dissemination::H0,
                handling_note: None,
            },
        )
        .unwrap()
        .request
        .id;
    c.node.request_step(&s, &c_id, State::Sent, None).unwrap();
    a.node.receive_package(&mut &pkg(&c)[..]).unwrap();
    match a
        .node
        .answer_request(&s, &c_id, false, None, &["ly-p1".to_string()])
    {
        Err(NodeError::Forbidden(m)) => assert!(m.contains("received from ly under H2"), "{m}"),
        other => panic!("{other:?}"),
    }
    // Italy's own facts it may pass on.
    a.node
        .answer_request(&s, &c_id, false, None, &["it-p1".to_string()])
        .unwrap();

    // Bad input, named.
    let bad = |input: PartnerInput| a.node.add_partner(&s, input).unwrap_err().to_string();
    let (keys, fingerprint) = b.node.coop_identity().unwrap();
    let wrong = bad(PartnerInput {
        keys: keys.clone(),
        name: "x".into(),
        url: String::new(),
        accepts: vec![],
        fingerprint: "0000".into(),
    });
    assert!(wrong.contains("do not trust them"), "{wrong}");
    let insecure = bad(PartnerInput {
        keys,
        name: "x".into(),
        url: "http://example.org".into(),
        accepts: vec![],
        fingerprint,
    });
    assert!(insecure.contains("url: https://"), "{insecure}");
    let err = a
        .node
        .request_step(&s, &id, State::Closed, None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("withdrawing an open request gives its reason") || err.contains("closed"),
        "{err}"
    );
    let err = a
        .node
        .request_step(&s, &id, State::InProgress, None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("only the requested authority"), "{err}");
    let err = a
        .node
        .receive_package(&mut &b"garbage"[..])
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a package"), "{err}");
    // Roles without cooperation are refused.
    let analyst = Subject {
        username: "an".into(),
        roles: vec!["analyst".into()],
        reason: None,
    };
    assert!(matches!(
        a.node.coop_requests(&analyst),
        Err(NodeError::Forbidden(_))
    ));
}

#[test]
fn a_file_goes_with_a_request_and_arrives_whole_or_not_at_all() {
    let (a, b) = (site("it"), site("ly"));
    introduce(&a, &b, "Libya");
    introduce(&b, &a, "Italy");
    let s = authority();
    let id = draft(&a, "ly");
    a.node.request_step(&s, &id, State::Sent, None).unwrap();
    let bytes: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let file = a
        .node
        .attach_to_request(&s, &id, "bank statements.pdf", &mut &bytes[..])
        .unwrap();
    assert_eq!(file.bytes, 3_000_000);
    let out = |site: &Site| -> Vec<Vec<u8>> {
        site.node
            .coop_messages(&s)
            .unwrap()
            .iter()
            .filter(|m| m.direction == "out" && m.outcome == "queued")
            .map(|m| site.node.export_package(&s, &m.package_id).unwrap())
            .collect()
    };
    let packages = out(&a);
    assert_eq!(packages.len(), 2);
    b.node.receive_package(&mut &packages[0][..]).unwrap();
    // Cut in transit: refused, nothing recorded.
    let cut = &packages[1][..packages[1].len() - 100];
    assert!(b.node.receive_package(&mut &cut[..]).is_err());
    assert!(b.node.coop_request(&s, &id).unwrap().files.is_empty());
    b.node.receive_package(&mut &packages[1][..]).unwrap();
    let view = b.node.coop_request(&s, &id).unwrap();
    assert_eq!(view.files.len(), 1);
    assert_eq!(
        (view.files[0].name.as_str(), view.files[0].from.as_str()),
        ("bank statements.pdf", "it")
    );
    let path = b.node.attachment_path(&s, &file.sha256).unwrap();
    assert_eq!(std::fs::read(path).unwrap(), bytes);
    assert!(
        a.node
            .attach_to_request(&s, &id, "../etc/passwd", &mut &b"x"[..])
            .is_err()
    );
}
