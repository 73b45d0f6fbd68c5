//! Sharing unasked — facts, a watchlist the partner then screens against, an alert — and
//! consent to pass on what a partner sent under H2, asked, decided and enforced.

use corridor_coop::Dissemination;
use corridor_coop::request::State;
use corridor_policy::Subject;

use super::{Site, authority, carry, draft, introduce, site, with_url};
use crate::NodeError;
use crate::border::{CrossingInput, WatchlistImport};
use crate::coop::{ConsentInput, ShareInput};

const WANTED: &str = r#"{"id": "it-wl-1", "schema": "Person", "properties": {"name": ["Anna Maria Eriksson"], "birthDate": ["1974-08-12"], "nationality": ["se"]}}
{"id": "it-wl-2", "schema": "Person", "properties": {"name": ["Mohamed Ali Hassan"], "birthDate": ["1990"], "nationality": ["so"]}}
"#;

/// ICAO Doc 9303's TD3 specimen: Anna Maria Eriksson of Utopia, born 1974-08-12.
const SPECIMEN: &str =
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";

fn role(name: &str) -> Subject {
    Subject {
        username: name.into(),
        roles: vec![name.into()],
        reason: None,
    }
}

fn share(reference: &str, to: &str) -> ShareInput {
    ShareInput {
        to: to.into(),
        reference: reference.into(),
        handling: Dissemination::H2,
        note: Some("for your border".into()),
        entities: vec![],
        watchlist: None,
        alert: None,
    }
}

fn pair() -> (Site, Site) {
    let (a, b) = (site("it"), site("ly"));
    introduce(&a, &b, "Libya");
    introduce(&b, &a, "Italy");
    with_url(&a, "ly");
    with_url(&b, "it");
    (a, b)
}

#[test]
fn a_shared_watchlist_is_screened_at_the_partner_and_its_alert_comes_back() {
    let (a, b) = pair();
    let s = authority();
    a.node
        .import_watchlist(
            &role("analyst"),
            WatchlistImport::new("wanted", "wanted.ftm.json", WANTED.as_bytes()),
        )
        .unwrap();
    let sent = a
        .node
        .share(
            &s,
            ShareInput {
                watchlist: Some("wanted".into()),
                ..share("IT-S1", "ly")
            },
        )
        .unwrap();
    assert_eq!(sent.list_here.as_deref(), Some("it-wanted"));
    assert_eq!(sent.share.entities, vec!["it-wl-1", "it-wl-2"]);
    assert_eq!(carry(&a, &b), 1);
    // B screens against Italy's list, recorded as Italy's, under the share's dataset.
    let lists = b.node.watchlists(&role("border_officer")).unwrap();
    let list = lists.lists.iter().find(|l| l.list == "it-wanted").unwrap();
    assert_eq!(list.entries, 2);
    assert_eq!(list.imported_by, "it");
    assert_eq!(list.dataset, "coop/it/shared-IT-S1/H2");
    b.node.build_resolution().unwrap();
    let crossed = b
        .node
        .register_crossing(
            &role("border_officer"),
            CrossingInput {
                mrz: SPECIMEN.into(),
                point: "bcp-ras-ajdir".into(),
                direction: "entry".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let alert = crossed
        .alerts
        .iter()
        .find(|a| a.entry_id == "it-wl-1")
        .expect("an alert on Italy's entry");
    assert_eq!(alert.list, "it-wanted");
    // B tells Italy its entry was seen, with the traveller's facts.
    let back = b
        .node
        .share(
            &s,
            ShareInput {
                alert: Some(alert.id.clone()),
                handling: Dissemination::H0,
                ..share("LY-A1", "it")
            },
        )
        .unwrap();
    let shared = back.share.alert.clone().unwrap();
    assert_eq!(shared.entry_id, "it-wl-1");
    assert!(!shared.reasons.is_empty());
    assert_eq!(carry(&b, &a), 1);
    let at_a = a.node.shares(&s).unwrap();
    let incoming = at_a.iter().find(|v| v.direction == "incoming").unwrap();
    assert_eq!(incoming.share.alert.as_ref().unwrap().list, "it-wanted");
    let traveller = a
        .node
        .store()
        .entity_statements(&shared.subject_id)
        .unwrap();
    assert!(!traveller.is_empty());
    assert!(
        traveller
            .iter()
            .all(|s| s.provenance.dataset == "coop/ly/shared-LY-A1/H0"
                && s.provenance.recorded_by == "ly")
    );
}

#[test]
fn shares_refuse_bad_input_by_name_and_arrive_once() {
    let (a, b) = pair();
    let s = authority();
    let err = |input: ShareInput| a.node.share(&s, input).unwrap_err().to_string();
    assert!(err(share("X", "ly")).contains("give one of"));
    assert!(
        err(ShareInput {
            entities: vec!["it-p1".into()],
            watchlist: Some("wanted".into()),
            ..share("X", "ly")
        })
        .contains("give one of")
    );
    assert!(
        err(ShareInput {
            entities: vec!["nobody".into()],
            ..share("X", "ly")
        })
        .contains("no entity nobody")
    );
    assert!(
        err(ShareInput {
            watchlist: Some("none".into()),
            ..share("X", "ly")
        })
        .contains("no list none")
    );
    assert!(
        err(ShareInput {
            entities: vec!["it-p1".into()],
            ..share("a/b", "ly")
        })
        .contains("reference: no `/`")
    );
    assert!(
        err(ShareInput {
            entities: vec!["it-p1".into()],
            ..share("X", "zz")
        })
        .contains("zz is not in the directory")
    );
    // Roles without cooperation or export are refused.
    assert!(matches!(
        a.node.share(
            &role("border_officer"),
            ShareInput {
                entities: vec!["it-p1".into()],
                ..share("X", "ly")
            }
        ),
        Err(NodeError::Forbidden(_))
    ));
    let facts = ShareInput {
        entities: vec!["it-p1".into()],
        ..share("IT-S2", "ly")
    };
    a.node.share(&s, facts.clone()).unwrap();
    assert!(matches!(
        a.node.share(&s, facts),
        Err(NodeError::Conflict(_))
    ));
    // The package delivered twice: one share, one copy of each fact.
    let log = a.node.coop_messages(&s).unwrap();
    let id = log.last().unwrap().package_id.clone();
    let bytes = a.node.export_package(&s, &id).unwrap();
    let first = b.node.receive_package(&mut &bytes[..]).unwrap();
    let again = b.node.receive_package(&mut &bytes[..]).unwrap();
    assert_eq!(first, again);
    assert_eq!(b.node.shares(&s).unwrap().len(), 1);
    let facts = b.node.store().entity_statements("it-p1").unwrap();
    assert_eq!(facts.len(), 2);
    assert!(
        facts
            .iter()
            .all(|f| f.provenance.dataset == "coop/it/shared-IT-S2/H2")
    );
}

#[test]
fn facts_under_h2_go_on_only_with_the_senders_consent() {
    let (a, b, c) = (site("it"), site("ly"), site("tn"));
    introduce(&a, &b, "Libya");
    introduce(&b, &a, "Italy");
    introduce(&a, &c, "Tunisia");
    introduce(&c, &a, "Italy");
    introduce(&b, &c, "Tunisia");
    for (site, partners) in [(&a, ["ly", "tn"]), (&b, ["it", "tn"]), (&c, ["it", "ly"])] {
        for p in partners {
            if site.node.partner(p).is_ok() {
                with_url(site, p);
            }
        }
    }
    let s = authority();
    // Libya shares its suspect with Italy under H2.
    b.node
        .share(
            &s,
            ShareInput {
                entities: vec!["ly-p1".into()],
                ..share("LY-S1", "it")
            },
        )
        .unwrap();
    carry(&b, &a);
    // Tunisia asks Italy; Italy may not pass Libya's facts on.
    let tn = draft(&c, "it");
    c.node.request_step(&s, &tn, State::Sent, None).unwrap();
    carry(&c, &a);
    let forbidden = a
        .node
        .answer_request(&s, &tn, false, None, &["ly-p1".to_string()])
        .unwrap_err();
    assert!(
        forbidden.to_string().contains("without ly's consent"),
        "{forbidden}"
    );
    // Bad requests for consent, named.
    let ask = |dataset: &str, to: &str| {
        a.node.ask_consent(
            &s,
            ConsentInput {
                dataset: dataset.into(),
                to: to.into(),
                note: Some("Tunisia investigates the same boat".into()),
            },
        )
    };
    assert!(
        ask("it-investigation", "tn")
            .unwrap_err()
            .to_string()
            .contains("is not facts from a partner")
    );
    assert!(
        ask("coop/ly/shared-LY-S1/H2", "ly")
            .unwrap_err()
            .to_string()
            .contains("may go back to it")
    );
    // Italy asks; Tunisia cannot decide for Libya; Libya refuses, then grants.
    let asked = ask("coop/ly/shared-LY-S1/H2", "tn").unwrap();
    carry(&a, &b);
    let at_b = b.node.consents(&s).unwrap();
    assert_eq!(at_b[0].direction, "incoming");
    assert_eq!(at_b[0].ask.to, "tn");
    assert!(matches!(
        a.node.decide_consent(&s, &asked.ask.id, true, None),
        Err(NodeError::Forbidden(_))
    ));
    b.node
        .decide_consent(&s, &asked.ask.id, false, Some("not yet".into()))
        .unwrap();
    carry(&b, &a);
    assert!(
        a.node
            .answer_request(&s, &tn, false, None, &["ly-p1".to_string()])
            .is_err()
    );
    b.node
        .decide_consent(&s, &asked.ask.id, true, Some("granted for TN-1".into()))
        .unwrap();
    carry(&b, &a);
    let view = a.node.consents(&s).unwrap();
    assert!(view[0].decision.as_ref().unwrap().granted);
    a.node
        .answer_request(&s, &tn, false, None, &["ly-p1".to_string()])
        .unwrap();
    carry(&a, &c);
    let at_c = c.node.store().entity_statements("ly-p1").unwrap();
    assert!(!at_c.is_empty());
    // A decision forged by Tunisia's node (signed with its own key) is refused by Italy.
    let keys_c = c.node.coop_keys().unwrap();
    let italy = c.node.partner("it").unwrap();
    let header = c
        .node
        .send_package(
            &keys_c,
            &italy,
            &crate::coop::packages::Body::Consent {
                decision: crate::coop::ConsentDecision {
                    ask_id: asked.ask.id.clone(),
                    granted: false,
                    note: None,
                    by: "mallory".into(),
                    at: "2026-11-30T12:00:00Z".into(),
                },
            },
            Dissemination::H2,
            None,
            |_| Ok(()),
        )
        .unwrap();
    let bytes = c.node.export_package(&s, &header.id).unwrap();
    let refused = a.node.receive_package(&mut &bytes[..]).unwrap_err();
    assert!(
        refused.to_string().contains("tn may not decide"),
        "{refused}"
    );
    assert!(
        a.node.consents(&s).unwrap()[0]
            .decision
            .as_ref()
            .unwrap()
            .granted
    );
}
