//! Synchronisation between two nodes, service to service: what a post sends arrives once, a
//! forged or out-of-bounds batch changes nothing, a wrong clock is said, and watchlists come
//! down as whole versions.

use std::sync::Arc;

use corridor_model::{HandlingCode, InformationGrade, Model, Provenance, Purpose, Statement};
use corridor_policy::Subject;
use corridor_store::Location;

use super::{Batch, WireStatement};
use crate::border::{CrossingInput, ScreenQuery, WatchlistImport};
use crate::{Node, NodeError};

fn node() -> (Node, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let model = Arc::new(Model::builtin().unwrap());
    let location = Location::Directory(dir.path().join("store"));
    corridor_store::create(&location, model.clone()).unwrap();
    (
        Node::open(&location, &dir.path().join("node"), model, 1).unwrap(),
        dir,
    )
}

fn subject(role: &str) -> Subject {
    Subject {
        username: format!("{role}-user"),
        roles: vec![role.into()],
        reason: None,
    }
}

fn batch(statements: Vec<WireStatement>, sent_at: &str) -> Batch {
    Batch {
        node: "post-ras-ajdir".into(),
        sent_at: sent_at.into(),
        statements,
    }
}

fn statements(node: &Node) -> u64 {
    node.store().stats().unwrap().statements
}

const LIST: &str = r#"{"id": "wl-eriksson", "schema": "Person", "properties": {"name": ["Anna Maria Eriksson"], "birthDate": ["1974-08-12"]}}
"#;

#[test]
fn what_a_post_records_arrives_once_at_the_national_node() {
    let (post, _a) = node();
    let (national, _b) = node();
    let officer = subject("border_officer");
    post.import_watchlist(
        &subject("analyst"),
        WatchlistImport::new("national", "list.json", LIST.as_bytes()),
    )
    .unwrap();
    // A crossing that raises an alert, and its decision: all of it must pass the receiver's
    // checks (values in normal form, ids from content).
    let result = post
        .register_crossing(
            &officer,
            CrossingInput {
                name: "Anna Maria Eriksson".into(),
                birth_date: "1974-08-12".into(),
                point: "bcp-1".into(),
                direction: "entry".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(result.alerts.len(), 1);
    post.decide_alert(
        &officer,
        &result.alerts[0].id,
        crate::border::Decision::FalsePositive,
        "not her",
    )
    .unwrap();
    let page = post.sync_outgoing(0).unwrap();
    assert!(!page.statements.is_empty() && !page.more);
    let now = crate::now();
    let first = national
        .sync_receive(
            &subject("border_post"),
            batch(page.statements.clone(), &now),
        )
        .unwrap();
    assert_eq!(first.inserted as usize, page.statements.len());
    assert!(first.warnings.is_empty(), "{:?}", first.warnings);
    let again = national
        .sync_receive(
            &subject("border_post"),
            batch(page.statements.clone(), &now),
        )
        .unwrap();
    assert_eq!(
        (again.inserted, again.already_present as usize),
        (0, page.statements.len())
    );
    // The mirrored list stays at the post.
    assert!(statements(&national) < statements(&post));
    let alerts = national
        .alerts(&officer, crate::border::AlertFilter::Decided, 10)
        .unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!(
        alerts[0].decision.as_ref().unwrap().decision,
        "false_positive"
    );
    // Nothing more to send after the cursor.
    assert!(post.sync_outgoing(page.last).unwrap().statements.is_empty());
}

#[test]
fn a_forged_or_forbidden_batch_changes_nothing() {
    let (post, _a) = node();
    let (national, _b) = node();
    post.register_crossing(
        &subject("border_officer"),
        CrossingInput {
            name: "Yonas Tesfay".into(),
            point: "bcp-1".into(),
            direction: "entry".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let good = post.sync_outgoing(0).unwrap().statements;
    let now = crate::now();
    let mut forged = good.clone();
    forged[1].value = "Someone Else".into();
    let mut denormal = good.clone();
    denormal[0].schema = "Person".into();
    denormal[0].prop = "birthDate".into();
    denormal[0].value = "5 Jan 1992".into();
    let mut intelligence = good.clone();
    let last = intelligence.len() - 1;
    intelligence[last].purpose = "law_enforcement".into();
    let mut unknown = good.clone();
    unknown[0].schema = "Spaceship".into();
    let before = statements(&national);
    for (b, message) in [
        (forged, "statements[1]: id: does not match"),
        (denormal, "statements[0]: value"),
        (unknown, "statements[0]: schema: unknown"),
    ] {
        let err = national
            .sync_receive(&subject("border_post"), batch(b, &now))
            .unwrap_err();
        assert!(err.to_string().contains(message), "{message}: {err}");
    }
    let err = national
        .sync_receive(&subject("border_post"), batch(intelligence, &now))
        .unwrap_err();
    assert!(matches!(err, NodeError::Forbidden(_)), "{err}");
    // Only sync accounts may push.
    let err = national
        .sync_receive(&subject("border_officer"), batch(good, &now))
        .unwrap_err();
    assert!(matches!(err, NodeError::Forbidden(_)));
    assert_eq!(statements(&national), before);
}

#[test]
fn a_post_with_a_wrong_clock_is_told_and_its_records_are_kept() {
    let (national, _b) = node();
    let ahead = corridor_model::types::format_unix_utc(crate::now_unix() + 3 * 3600);
    let provenance = Arc::new(Provenance {
        dataset: "crossings".into(),
        recorded_by: "officer-at-post".into(),
        recorded_at: ahead.clone(),
        handling: HandlingCode::Restricted,
        purpose: Purpose::BorderManagement,
        reliability: corridor_model::SourceReliability::A,
        grade: InformationGrade::Known,
    });
    let s = Statement::assert(
        "c-1",
        "Crossing",
        "direction",
        "exit".into(),
        None,
        provenance,
    );
    let receipt = national
        .sync_receive(
            &subject("border_post"),
            batch(vec![WireStatement::from(&s)], &ahead),
        )
        .unwrap();
    assert_eq!(receipt.inserted, 1);
    assert!(receipt.clock_skew_seconds > 3 * 3600 - 60);
    let said = receipt.warnings.join(" ");
    assert!(said.contains("3 hours ahead"), "{said}");
    assert!(
        said.contains("recorded later than this node's clock"),
        "{said}"
    );
    let audit = national
        .audit_recent(&subject("administrator"), None, 5)
        .unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a.action == "sync_receive" && a.outcome.contains("ahead"))
    );
    let err = national
        .sync_receive(&subject("border_post"), batch(vec![], "yesterday"))
        .unwrap_err();
    assert!(err.to_string().contains("sent_at"));
}

#[test]
fn watchlists_come_down_as_whole_versions() {
    let (national, _b) = node();
    let (post, _a) = node();
    national
        .import_watchlist(
            &subject("analyst"),
            WatchlistImport::new("national", "list.json", LIST.as_bytes()),
        )
        .unwrap();
    let text = national
        .sync_watchlist(&subject("border_post"), "national", 1)
        .unwrap();
    assert_eq!(text.lines().count(), 1);
    let err = national
        .sync_watchlist(&subject("border_post"), "national", 2)
        .unwrap_err();
    assert!(matches!(err, NodeError::NotFound(_)));
    let mirrored = post
        .import_watchlist(
            &subject("border_post"),
            WatchlistImport {
                version: Some(1),
                ..WatchlistImport::new("national", "national v1", text.as_bytes())
            },
        )
        .unwrap();
    assert_eq!(mirrored.version.version, 1);
    let hits = post
        .screen(
            &subject("border_officer"),
            &ScreenQuery {
                names: vec!["Anna Maria Eriksson".into()],
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(hits[0].entry_id, "wl-eriksson");
    // The mirrored list is not sent back up.
    assert!(post.sync_outgoing(0).unwrap().statements.is_empty());
}
