//! Stories against a real SQLite store: every role against every kind of data through every
//! path, and an audit log that is edited, cut, reordered and truncated behind the node's back.

use std::collections::BTreeSet;
use std::sync::Arc;

use corridor_model::{
    HandlingCode, InformationGrade, Model, Provenance, Purpose, SourceReliability, Statement,
};
use corridor_policy::Subject;
use corridor_store::Location;

use crate::{Node, NodeError};

struct Fixture {
    node: Node,
    dir: tempfile::TempDir,
}

fn label(handling: HandlingCode, purpose: Purpose) -> Arc<Provenance> {
    Arc::new(Provenance {
        dataset: format!("{handling}-{purpose}"),
        recorded_by: "loader".into(),
        recorded_at: "2026-11-30T08:00:00Z".into(),
        handling,
        purpose,
        reliability: SourceReliability::B,
        grade: InformationGrade::KnownToSource,
    })
}

/// One person per kind of data, all named Amina, and a crossing of the border one.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let model = Arc::new(Model::builtin().unwrap());
    let location = Location::Directory(dir.path().join("store"));
    let mut store = corridor_store::create(&location, model.clone()).unwrap();
    let kinds = [
        ("pub", HandlingCode::Public, Purpose::Research),
        (
            "border",
            HandlingCode::Restricted,
            Purpose::BorderManagement,
        ),
        ("le", HandlingCode::Confidential, Purpose::LawEnforcement),
        ("prot", HandlingCode::Protection, Purpose::Protection),
    ];
    let mut statements = Vec::new();
    for (kind, handling, purpose) in kinds {
        statements.push(Statement::assert(
            &format!("p-{kind}"),
            "Person",
            "name",
            format!("Amina {kind}"),
            None,
            label(handling, purpose),
        ));
    }
    statements.push(Statement::assert(
        "c-1",
        "Crossing",
        "traveller",
        "p-border".into(),
        None,
        label(HandlingCode::Restricted, Purpose::BorderManagement),
    ));
    let mut tx = store.begin().unwrap();
    tx.write(&statements).unwrap();
    tx.commit().unwrap();
    drop(store);
    let node = Node::open(&location, &dir.path().join("node"), model, 2).unwrap();
    Fixture { node, dir }
}

fn subject(role: &str, reason: Option<&str>) -> Subject {
    Subject {
        username: format!("{role}-user"),
        roles: vec![role.to_string()],
        reason: reason.map(str::to_string),
    }
}

fn kind_of(id: &str) -> Option<&str> {
    id.strip_prefix("p-")
}

/// What a subject gets through each path, as sets of data kinds ("-" when the path refuses).
fn seen(node: &Node, s: &Subject) -> [String; 4] {
    let join = |set: BTreeSet<String>| {
        if set.is_empty() {
            "none".to_string()
        } else {
            set.into_iter().collect::<Vec<_>>().join(",")
        }
    };
    let search = match node.search(s, "amina", 50) {
        Ok(v) => join(
            v.results
                .iter()
                .filter_map(|h| kind_of(&h.id))
                .map(String::from)
                .collect(),
        ),
        Err(_) => "-".into(),
    };
    let entity = join(
        ["pub", "border", "le", "prot"]
            .into_iter()
            .filter(|k| node.entity(s, &format!("p-{k}")).is_ok())
            .map(String::from)
            .collect(),
    );
    let mut out = Vec::new();
    let export = match node.export_ftm(s, &mut out) {
        Ok(_) => {
            let text = String::from_utf8(out).unwrap();
            join(
                text.lines()
                    .filter_map(|l| {
                        let v: serde_json::Value = serde_json::from_str(l).unwrap();
                        kind_of(v["id"].as_str().unwrap()).map(String::from)
                    })
                    .collect(),
            )
        }
        Err(_) => "-".into(),
    };
    let stats = match node.stats(s) {
        Ok(st) => join(
            st.statements_by_dataset
                .keys()
                .map(|d| {
                    match d.as_str() {
                        "public-research" => "pub",
                        "restricted-border_management" => "border",
                        "confidential-law_enforcement" => "le",
                        _ => "prot",
                    }
                    .to_string()
                })
                .collect(),
        ),
        Err(_) => "-".into(),
    };
    [search, entity, export, stats]
}

#[test]
fn every_role_sees_exactly_its_data_through_every_path() {
    let f = fixture();
    let mut table = String::new();
    for role in [
        "administrator",
        "analyst",
        "border_officer",
        "central_authority",
        "investigator",
        "protection_officer",
        "researcher",
    ] {
        for reason in [None, Some("case 2026/114")] {
            let [search, entity, export, stats] = seen(&f.node, &subject(role, reason));
            let r = if reason.is_some() { "reason" } else { "-" };
            table.push_str(&format!(
                "{role:<19} {r:<6} search={search:<17} entity={entity:<17} export={export:<17} stats={stats}\n"
            ));
        }
    }
    // Statistics count confidential facts without a reason (they show no content), never
    // protection data for enforcement roles; administrators may not export. The same table
    // is checked over HTTP by corridor-server's tests.
    let expected = include_str!("visibility-matrix.txt");
    assert_eq!(table, expected);
}

#[test]
fn hidden_entities_look_absent_and_reasons_are_asked_for() {
    let f = fixture();
    let analyst = subject("analyst", None);
    // Protection data: the same answer as an entity that does not exist.
    let hidden = f.node.entity(&analyst, "p-prot").unwrap_err();
    let absent = f.node.entity(&analyst, "p-nobody").unwrap_err();
    assert!(matches!(hidden, NodeError::NotFound(_)) && matches!(absent, NodeError::NotFound(_)));
    assert_eq!(
        hidden.to_string().replace("p-prot", "X"),
        absent.to_string().replace("p-nobody", "X")
    );
    // Confidential data the role may read with a reason.
    let err = f.node.entity(&analyst, "p-le").unwrap_err();
    assert!(matches!(err, NodeError::ReasonRequired(_)), "{err}");
    let search = f.node.search(&analyst, "amina", 10).unwrap();
    assert_eq!(search.withheld, 1);
    // Links: the border person's crossing points at it and is visible to a border officer.
    let page = f
        .node
        .entity(&subject("border_officer", None), "p-border")
        .unwrap();
    assert_eq!(page.links.len(), 1);
    assert_eq!(
        (page.links[0].id.as_str(), page.links[0].direction),
        ("c-1", "incoming")
    );
    // ...and to nobody who may not see border data.
    assert!(
        f.node
            .entity(&subject("researcher", None), "p-border")
            .is_err()
    );
}

#[test]
fn reads_of_non_public_data_and_refusals_are_audited_with_the_reason() {
    let f = fixture();
    let analyst = subject("analyst", Some("case 7: smuggling ring"));
    f.node.entity(&analyst, "p-le").unwrap();
    f.node
        .entity(&subject("researcher", None), "p-pub")
        .unwrap();
    let _ = f.node.entity(&subject("analyst", None), "p-prot");
    let entries = f.node.store().audit_range(1, 100).unwrap();
    let reads: Vec<_> = entries.iter().filter(|e| e.action == "read").collect();
    assert_eq!(reads.len(), 2, "{entries:#?}");
    assert_eq!(reads[0].user, "analyst-user");
    assert_eq!(reads[0].object, "entity p-le");
    assert_eq!(reads[0].reason.as_deref(), Some("case 7: smuggling ring"));
    assert!(reads[0].outcome.starts_with("allowed"));
    assert_eq!(reads[1].outcome, "refused: not permitted");
}

#[test]
fn users_write_only_what_their_roles_cover() {
    let f = fixture();
    let fact = |handling: &str, purpose: &str| crate::views::NewFact {
        schema: "Person".into(),
        prop: "nationality".into(),
        value: "SYR".into(),
        handling: handling.into(),
        purpose: purpose.into(),
        reason: "debriefing 12".into(),
    };
    let written = f
        .node
        .assert_fact(
            &subject("analyst", None),
            "p-border",
            fact("restricted", "border_management"),
        )
        .unwrap();
    assert_eq!(written.value, "sy");
    assert_eq!(written.original_value.as_deref(), Some("SYR"));
    for (role, h, p) in [
        ("analyst", "protection", "protection"),
        ("researcher", "public", "research"),
        ("border_officer", "confidential", "law_enforcement"),
    ] {
        let err = f
            .node
            .assert_fact(&subject(role, None), "p-border", fact(h, p))
            .unwrap_err();
        assert!(matches!(err, NodeError::Forbidden(_)), "{role}: {err}");
    }
    let bad = f
        .node
        .assert_fact(
            &subject("analyst", None),
            "p-border",
            crate::views::NewFact {
                value: "Atlantis".into(),
                ..fact("restricted", "border_management")
            },
        )
        .unwrap_err();
    assert!(bad.to_string().starts_with("value: "), "{bad}");
    // Retraction by someone who may see and write the fact.
    let gone = f
        .node
        .retract(
            &subject("analyst", None),
            "p-border",
            &written.statement_id,
            "wrong person",
        )
        .unwrap();
    assert_eq!(
        gone.retracts.as_deref(),
        Some(written.statement_id.as_str())
    );
    let page = f
        .node
        .entity(&subject("analyst", None), "p-border")
        .unwrap();
    assert!(!page.properties.contains_key("nationality"));
    assert!(page.history.iter().any(|h| h.operation == "retract"));
    // A researcher cannot even find the fact to retract.
    let err = f
        .node
        .retract(
            &subject("researcher", None),
            "p-border",
            &written.statement_id,
            "because",
        )
        .unwrap_err();
    assert!(matches!(err, NodeError::NotFound(_)), "{err}");
}

#[test]
fn accounts_log_in_out_and_lock_after_failures() {
    let f = fixture();
    let admin = subject("administrator", None);
    f.node
        .create_user(
            None,
            "amina",
            "Amina K.",
            "long password 1",
            vec!["analyst".into()],
        )
        .unwrap();
    let err = f
        .node
        .create_user(
            Some(&subject("analyst", None)),
            "x1",
            "X",
            "long password 1",
            vec!["analyst".into()],
        )
        .unwrap_err();
    assert!(matches!(err, NodeError::Forbidden(_)));
    let taken = f
        .node
        .create_user(
            Some(&admin),
            "amina",
            "A",
            "long password 1",
            vec!["analyst".into()],
        )
        .unwrap_err();
    assert!(matches!(taken, NodeError::Conflict(_)));
    let (issued, user) = f
        .node
        .login("amina", "long password 1", "127.0.0.1")
        .unwrap();
    assert_eq!(user.roles, ["analyst"]);
    let (credential, _) = f.node.authenticate(&issued.secret).unwrap();
    assert_eq!(credential.kind, "session");
    f.node.logout(&issued.secret).unwrap();
    assert!(f.node.authenticate(&issued.secret).is_err());
    // An expired token opens nothing and is forgotten.
    let mut expired =
        crate::accounts::issue("token", "amina", "old script", 1_600_000_000).unwrap();
    expired.credential.expires_at = "2020-01-01T00:00:00Z".into();
    f.node
        .store()
        .insert_credential(&expired.credential)
        .unwrap();
    assert!(matches!(
        f.node.authenticate(&expired.secret),
        Err(NodeError::Unauthenticated(_))
    ));
    assert!(
        f.node
            .store()
            .credential(&expired.credential.token_hash)
            .unwrap()
            .is_none()
    );
    assert!(f.node.authenticate("not-a-token").is_err());
    for _ in 0..5 {
        assert!(matches!(
            f.node.login("amina", "wrong", "10.0.0.9"),
            Err(NodeError::Unauthenticated(_))
        ));
    }
    assert!(matches!(
        f.node.login("amina", "long password 1", "10.0.0.9"),
        Err(NodeError::RateLimited(_))
    ));
    // Disabled users cannot log in, and their sessions stop working.
    f.node
        .create_user(
            Some(&admin),
            "bilal",
            "Bilal",
            "long password 2",
            vec!["researcher".into()],
        )
        .unwrap();
    let (issued, _) = f
        .node
        .login("bilal", "long password 2", "127.0.0.3")
        .unwrap();
    let patch = crate::users::UserPatch {
        disabled: Some(true),
        ..Default::default()
    };
    f.node.update_user(&admin, "bilal", patch).unwrap();
    assert!(f.node.authenticate(&issued.secret).is_err());
    assert!(
        f.node
            .login("bilal", "long password 2", "127.0.0.3")
            .is_err()
    );
}

/// Opens the store's SQLite file behind the node's back, as a database administrator who
/// first drops the triggers that keep the log append-only.
fn raw(f: &Fixture) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(f.dir.path().join("store").join("corridor.db")).unwrap();
    conn.execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
        .unwrap();
    conn
}

fn fill_audit(f: &Fixture, n: usize) {
    for i in 0..n {
        let mut store = f.node.store();
        f.node
            .audit(
                &mut **store,
                "amina",
                "read",
                &format!("entity p-{i}"),
                Some("case 1"),
                "allowed",
            )
            .unwrap();
    }
}

fn first_broken(f: &Fixture) -> Option<(u64, String)> {
    let report = f.node.verify_audit().unwrap();
    report.first_broken.map(|b| (b.seq, b.problem))
}

#[test]
fn the_audit_chain_detects_edits_deletions_reordering_and_truncation() {
    let cases: [(&str, &str, u64, &str); 5] = [
        (
            "edit",
            "UPDATE audit SET username = 'someone-else' WHERE seq = 5",
            5,
            "contents were changed",
        ),
        (
            "delete",
            "DELETE FROM audit WHERE seq = 4",
            4,
            "entry 4 is missing",
        ),
        (
            "reorder",
            "UPDATE audit SET seq = -1 WHERE seq = 6; UPDATE audit SET seq = 6 WHERE seq = 7; UPDATE audit SET seq = 7 WHERE seq = -1",
            6,
            "does not follow entry 5",
        ),
        (
            "truncate",
            "DELETE FROM audit WHERE seq > 8",
            9,
            "the log ends at entry 8",
        ),
        (
            "rewrite the tail consistently",
            "DELETE FROM audit WHERE seq >= 10",
            10,
            "the log ends at entry 9",
        ),
    ];
    for (what, sql, seq, problem) in cases {
        let f = fixture();
        fill_audit(&f, 10);
        assert_eq!(
            f.node.verify_audit().unwrap().first_broken,
            None,
            "{what}: clean log"
        );
        raw(&f).execute_batch(sql).unwrap();
        let (at, message) = first_broken(&f).unwrap_or_else(|| panic!("{what} went unnoticed"));
        assert_eq!(at, seq, "{what}: {message}");
        assert!(message.contains(problem), "{what}: {message}");
    }
}

#[test]
fn entries_audited_at_once_from_many_threads_form_one_unbroken_chain() {
    let f = fixture();
    let threads = 8;
    let each = 40;
    std::thread::scope(|scope| {
        for t in 0..threads {
            let node = &f.node;
            scope.spawn(move || {
                for i in 0..each {
                    let mut store = node.store();
                    let entry = node
                        .audit(
                            &mut **store,
                            &format!("user-{t}"),
                            "read",
                            &format!("entity {i}"),
                            None,
                            "allowed",
                        )
                        .unwrap();
                    assert_eq!(
                        entry.user,
                        format!("user-{t}"),
                        "each caller gets its own entry back"
                    );
                }
            });
        }
    });
    let report = f.node.verify_audit().unwrap();
    assert!(report.ok, "{:?}", report.first_broken);
    assert_eq!(report.entries, (threads * each) as u64);
    // Checkpoints fall on every hundredth entry, also inside a group written together; the
    // signed head counts as one more.
    assert_eq!(report.checkpoints, (threads * each / 100) as u64 + 1);
    let logged: BTreeSet<(String, String)> = f
        .node
        .store()
        .audit_range(1, 1000)
        .unwrap()
        .into_iter()
        .map(|e| (e.user, e.object))
        .collect();
    assert_eq!(
        logged.len(),
        threads * each,
        "nothing lost, nothing doubled"
    );
}

#[test]
fn a_head_that_cannot_be_written_stops_the_log_until_it_can() {
    let f = fixture();
    fill_audit(&f, 3);
    assert!(f.node.verify_audit().unwrap().ok);
    // A directory where the head file goes: replacing it fails.
    let head = f.dir.path().join("node").join(crate::audit::HEAD_FILE);
    std::fs::remove_file(&head).unwrap();
    std::fs::create_dir(&head).unwrap();
    fill_audit(&f, 1);
    let err = f.node.verify_audit().unwrap_err().to_string();
    assert!(err.contains("audit-head.json"), "{err}");
    let mut store = f.node.store();
    let refused = f
        .node
        .audit(&mut **store, "amina", "read", "entity p-9", None, "allowed")
        .unwrap_err();
    assert!(refused.to_string().contains("audit-head.json"), "{refused}");
    drop(store);
    // Once the head can be written again, the log goes on and the head covers it.
    std::fs::remove_dir(&head).unwrap();
    fill_audit(&f, 1);
    let report = f.node.verify_audit().unwrap();
    assert!(report.ok, "{:?}", report.first_broken);
    assert_eq!(report.entries, 5);
}

#[test]
fn a_forged_head_or_a_rewritten_checkpoint_is_detected() {
    let f = fixture();
    fill_audit(&f, crate::audit::CHECKPOINT_EVERY as usize + 3);
    assert!(f.node.verify_audit().unwrap().ok);
    assert_eq!(f.node.verify_audit().unwrap().checkpoints, 2);
    // Rewrite entry 50 and re-seal the whole chain from there: the chain is valid again, but
    // the signed checkpoint at entry 100 no longer matches.
    let conn = raw(&f);
    let mut entries = f.node.store().audit_range(1, 1000).unwrap();
    let mut prev = entries[48].hash.clone();
    for e in entries.iter_mut().skip(49) {
        if e.seq == 50 {
            e.user = "nobody".into();
        }
        e.prev_hash = prev.clone();
        e.hash = crate::audit::seal(e);
        prev = e.hash.clone();
        conn.execute(
            "UPDATE audit SET username = ?1, prev_hash = ?2, hash = ?3 WHERE seq = ?4",
            rusqlite::params![e.user, e.prev_hash, e.hash, e.seq as i64],
        )
        .unwrap();
    }
    let (seq, problem) = first_broken(&f).unwrap();
    assert_eq!(seq, 100, "{problem}");
    assert!(problem.contains("differs from the one signed"), "{problem}");
    // A head signed by another key is a forgery.
    let head = f.dir.path().join("node").join(crate::audit::HEAD_FILE);
    let text = std::fs::read_to_string(&head).unwrap();
    let mut c: crate::audit::Checkpoint = serde_json::from_str(&text).unwrap();
    c.signature = "00".repeat(64);
    std::fs::write(&head, serde_json::to_string(&c).unwrap()).unwrap();
    std::fs::remove_file(
        f.dir
            .path()
            .join("node")
            .join(crate::audit::CHECKPOINTS_FILE),
    )
    .unwrap();
    let (_, problem) = first_broken(&f).unwrap();
    assert!(
        problem.contains("not signed by this node's key"),
        "{problem}"
    );
}
