//! The conformance suite: one story per behaviour, run against every backend on a real
//! database. PostgreSQL runs when `CORRIDOR_TEST_POSTGRES_URL` names a server (CI always sets
//! it); each test gets a fresh database there.

use std::sync::{Arc, LazyLock};

use corridor_model::{
    Entity, HandlingCode, InformationGrade, Model, Provenance, Purpose, SourceReliability,
    Statement,
};

use crate::{Location, Store, StoreError};

static MODEL: LazyLock<Arc<Model>> = LazyLock::new(|| Arc::new(Model::builtin().unwrap()));

struct Backend {
    name: &'static str,
    location: Location,
    _dir: Option<tempfile::TempDir>,
}

fn backends() -> Vec<Backend> {
    let dir = tempfile::tempdir().unwrap();
    let mut out = vec![Backend {
        name: "sqlite",
        location: Location::Directory(dir.path().join("node")),
        _dir: Some(dir),
    }];
    let url = std::env::var("CORRIDOR_TEST_POSTGRES_URL").ok();
    if url.is_none() && std::env::var_os("CORRIDOR_REQUIRE_POSTGRES").is_some() {
        panic!(
            "CORRIDOR_REQUIRE_POSTGRES is set but CORRIDOR_TEST_POSTGRES_URL is not: the PostgreSQL backend would go untested"
        );
    }
    if let Some(url) = url {
        out.push(Backend {
            name: "postgres",
            location: Location::Postgres(fresh_database(&url)),
            _dir: None,
        });
    }
    out
}

/// Creates an empty database on the test server and returns its URL.
fn fresh_database(admin_url: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "corridor_test_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    let mut client =
        postgres::Client::connect(admin_url, postgres::NoTls).expect("connect to test PostgreSQL");
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b)
        .unwrap_or(admin_url);
    format!("{base}/{name}")
}

/// Runs `story` against each backend, naming the backend when it fails.
fn each_backend(story: impl Fn(&mut dyn Store)) {
    for backend in backends() {
        let mut store = crate::create(&backend.location, MODEL.clone())
            .unwrap_or_else(|e| panic!("{}: create: {e}", backend.name));
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| story(store.as_mut())));
        if let Err(panic) = result {
            eprintln!("story failed on the {} backend", backend.name);
            std::panic::resume_unwind(panic);
        }
    }
}

fn provenance(dataset: &str) -> Arc<Provenance> {
    Arc::new(Provenance {
        dataset: dataset.into(),
        recorded_by: "analyst.a".into(),
        recorded_at: "2026-11-22T08:00:00Z".into(),
        handling: HandlingCode::Restricted,
        purpose: Purpose::LawEnforcement,
        reliability: SourceReliability::B,
        grade: InformationGrade::KnownToSource,
    })
}

fn fact(entity: &str, schema: &str, prop: &str, value: &str, dataset: &str) -> Statement {
    Statement::assert(
        entity,
        schema,
        prop,
        value.into(),
        None,
        provenance(dataset),
    )
}

fn write(store: &mut dyn Store, statements: &[Statement]) -> crate::WriteSummary {
    let mut tx = store.begin().unwrap();
    tx.write(statements).unwrap();
    tx.commit().unwrap()
}

fn values(store: &mut dyn Store, entity: &str, prop: &str) -> Vec<String> {
    let statements = store.entity_statements(entity).unwrap();
    match Entity::fold(&MODEL, &statements).unwrap() {
        Some(e) => e.values(prop).into_iter().map(String::from).collect(),
        None => vec![],
    }
}

#[test]
fn statements_come_back_with_provenance_in_recording_order() {
    each_backend(|store| {
        let mut with_original = fact("p1", "Person", "birthDate", "1990-04-01", "debrief");
        with_original.original_value = Some("01.04.1990".into());
        let written = vec![
            fact("p1", "Person", "name", "Abdulrahman Al-Sayed", "debrief"),
            fact("p1", "Person", "name", "عبد الرحمن السيد", "phone-extract"),
            with_original,
        ];
        let summary = write(store, &written);
        assert_eq!(summary.inserted, 3);
        let read = store.entity_statements("p1").unwrap();
        assert_eq!(read, written);
        assert_eq!(read[2].source_value(), "01.04.1990");
        assert!(store.entity_statements("nobody").unwrap().is_empty());
    });
}

#[test]
fn writing_the_same_facts_twice_stores_them_once() {
    each_backend(|store| {
        let facts = vec![
            fact("p1", "Person", "name", "Amina", "a"),
            fact("p1", "Person", "nationality", "er", "a"),
        ];
        assert_eq!(write(store, &facts).inserted, 2);
        let again = write(store, &facts);
        assert_eq!((again.inserted, again.already_present), (0, 2));
        // The same value from another source is another statement: provenance is kept per source.
        assert_eq!(
            write(store, &[fact("p1", "Person", "name", "Amina", "b")]).inserted,
            1
        );
        assert_eq!(store.entity_statements("p1").unwrap().len(), 3);
        assert_eq!(values(store, "p1", "name"), ["Amina"]);
    });
}

#[test]
fn a_write_dropped_before_commit_leaves_nothing() {
    each_backend(|store| {
        write(store, &[fact("p0", "Person", "name", "Before", "a")]);
        {
            let mut tx = store.begin().unwrap();
            let many: Vec<Statement> = (0..25_000)
                .map(|i| fact(&format!("x{i}"), "Person", "name", "Temp", "a"))
                .collect();
            tx.write(&many).unwrap();
            // Dropped here, as when an import fails half-way.
        }
        let stats = store.stats().unwrap();
        assert_eq!((stats.statements, stats.entities), (1, 1));
        assert!(store.search_names("temp", 10).unwrap().is_empty());
        // And the store still takes writes afterwards.
        assert_eq!(
            write(store, &[fact("p2", "Person", "name", "After", "a")]).inserted,
            1
        );
    });
}

#[test]
fn a_correction_retracts_and_history_keeps_everything() {
    each_backend(|store| {
        let wrong = fact("p1", "Person", "birthDate", "1990", "debrief");
        write(
            store,
            &[
                fact("p1", "Person", "name", "Amina", "debrief"),
                wrong.clone(),
            ],
        );
        let mut fixer = (*provenance("debrief")).clone();
        fixer.recorded_by = "analyst.b".into();
        fixer.recorded_at = "2026-11-23T09:00:00Z".into();
        let fixer = Arc::new(fixer);
        let retraction = Statement::retract(&wrong, fixer.clone());
        let corrected = Statement::assert(
            "p1",
            "Person",
            "birthDate",
            "1991".into(),
            None,
            fixer.clone(),
        );
        write(store, &[retraction.clone(), corrected]);
        assert_eq!(values(store, "p1", "birthDate"), ["1991"]);
        let history = store.entity_statements("p1").unwrap();
        assert_eq!(history.len(), 4, "nothing is deleted");
        assert_eq!(history[2].retracts, Some(wrong.id));
        assert_eq!(history[2].provenance.recorded_by, "analyst.b");
        // Retracting the retraction brings the old value back.
        let mut later = (*fixer).clone();
        later.recorded_at = "2026-11-24T09:00:00Z".into();
        write(store, &[Statement::retract(&retraction, Arc::new(later))]);
        assert_eq!(values(store, "p1", "birthDate"), ["1990", "1991"]);
    });
}

#[test]
fn names_are_found_in_any_script_and_case() {
    each_backend(|store| {
        write(
            store,
            &[
                fact("p1", "Person", "name", "Abdulrahman Al-Sayed", "a"),
                fact("p2", "Person", "alias", "عبد الرحمن السيد", "a"),
                fact("p3", "Person", "name", "ΑΛΈΞΑΝΔΡΟΣ Παπαδόπουλος", "a"),
                fact("v1", "Vessel", "name", "Sea Star", "a"),
                // Not a name property: not searchable as a name.
                fact("p4", "Person", "notes", "Al-Sayed mentioned", "a"),
                fact("p5", "Person", "name", "Ali \"Abu\" x_y 50%", "a"),
            ],
        );
        // Wildcards and quotes in a query are only characters.
        assert_eq!(store.search_names("x_y", 10).unwrap(), ["p5"]);
        assert_eq!(store.search_names("\"abu\"", 10).unwrap(), ["p5"]);
        assert_eq!(store.search_names("50%", 10).unwrap(), ["p5"]);
        assert!(store.search_names("%%%", 10).unwrap().is_empty());
        assert!(store.search_names("a_s", 10).unwrap().is_empty());
        assert_eq!(store.search_names("al-sayed", 10).unwrap(), ["p1"]);
        assert_eq!(store.search_names("الرحمن", 10).unwrap(), ["p2"]);
        assert_eq!(store.search_names("αλέξανδρος", 10).unwrap(), ["p3"]);
        assert_eq!(store.search_names("STAR", 10).unwrap(), ["v1"]);
        assert_eq!(store.search_names("a", 2).unwrap().len(), 2);
    });
}

#[test]
fn scan_visits_each_entity_once_with_its_statements_in_order() {
    each_backend(|store| {
        write(
            store,
            &[
                fact("b", "Person", "name", "B1", "a"),
                fact("a", "Person", "name", "A1", "a"),
            ],
        );
        write(
            store,
            &[
                fact("b", "Person", "name", "B2", "a"),
                fact("c", "Vessel", "name", "C", "a"),
            ],
        );
        let mut seen = Vec::new();
        store
            .scan_entities(&mut |statements| {
                let values: Vec<&str> = statements.iter().map(|s| s.value.as_str()).collect();
                seen.push(format!("{}:{}", statements[0].entity_id, values.join(",")));
                Ok(())
            })
            .unwrap();
        assert_eq!(seen, ["a:A1", "b:B1,B2", "c:C"]);
        let stopped = store.scan_entities(&mut |_| Err(StoreError::Visitor("disk full".into())));
        assert!(matches!(stopped, Err(StoreError::Visitor(m)) if m == "disk full"));
    });
}

#[test]
fn stats_count_entities_by_schema_and_statements_by_source() {
    each_backend(|store| {
        write(
            store,
            &[
                fact("p1", "Person", "name", "A", "debrief"),
                fact("p1", "Person", "nationality", "sy", "debrief"),
                fact("p2", "Person", "name", "B", "transfers"),
                fact("v1", "Vessel", "name", "C", "transfers"),
            ],
        );
        let stats = store.stats().unwrap();
        assert_eq!((stats.statements, stats.entities), (4, 3));
        assert_eq!(stats.entities_by_schema["Person"], 2);
        assert_eq!(stats.entities_by_schema["Vessel"], 1);
        assert_eq!(stats.statements_by_dataset["debrief"], 2);
        assert_eq!(stats.statements_by_dataset["transfers"], 2);
    });
}

#[test]
fn a_transaction_sees_its_own_writes_when_checking_references() {
    each_backend(|store| {
        write(
            store,
            &[fact("org1", "Organization", "name", "Coast Guard", "a")],
        );
        let mut tx = store.begin().unwrap();
        tx.write(&[fact("v1", "Vessel", "name", "Sea Star", "a")])
            .unwrap();
        let found = tx
            .schemata_of(&["org1".into(), "v1".into(), "ghost".into()])
            .unwrap();
        assert_eq!(found["org1"], ["Organization"]);
        assert_eq!(found["v1"], ["Vessel"]);
        assert!(!found.contains_key("ghost"));
    });
}

#[test]
fn sqlite_store_must_exist_before_use_and_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let location = Location::Directory(dir.path().join("node"));
    let missing = crate::open(&location, MODEL.clone()).err().unwrap();
    assert!(
        missing.to_string().contains("run `corridor init` first"),
        "{missing}"
    );
    {
        let mut store = crate::create(&location, MODEL.clone()).unwrap();
        write(store.as_mut(), &[fact("p1", "Person", "name", "Kept", "a")]);
    }
    let twice = crate::create(&location, MODEL.clone()).err().unwrap();
    assert!(twice.to_string().contains("already exists"), "{twice}");
    let mut reopened = crate::open(&location, MODEL.clone()).unwrap();
    assert_eq!(values(reopened.as_mut(), "p1", "name"), ["Kept"]);
    // Recording order continues across sessions.
    write(
        reopened.as_mut(),
        &[fact("p1", "Person", "alias", "Later", "a")],
    );
    let statements = reopened.entity_statements("p1").unwrap();
    assert_eq!(statements.last().unwrap().value, "Later");
}

#[test]
fn postgres_urls_never_show_passwords() {
    assert_eq!(
        crate::postgres::redact_for_test("postgres://corridor:s3cret@db.example:5432/node"),
        "postgres://corridor@db.example:5432/node"
    );
    assert_eq!(
        Location::parse("postgresql://x@h/db"),
        Location::Postgres("postgresql://x@h/db".into())
    );
    assert_eq!(
        Location::parse("./data"),
        Location::Directory("./data".into())
    );
}

#[test]
fn term_numbers_are_stable() {
    // Stored on disk: changing the function would orphan every statement written before.
    assert_eq!(
        crate::sqlite::term_number_for_test("Person"),
        crate::sqlite::term_number_for_test("Person")
    );
    assert_ne!(
        crate::sqlite::term_number_for_test("Person"),
        crate::sqlite::term_number_for_test("person")
    );
    assert_eq!(crate::sqlite::term_number_for_test(""), 0x811c_9dc5);
    assert_eq!(crate::sqlite::term_number_for_test("a"), 0xe40c_292c);
}

#[test]
fn every_schema_and_property_name_has_its_own_term_number() {
    let mut seen = std::collections::HashMap::new();
    for schema in MODEL.schemata() {
        for name in std::iter::once(&schema.name).chain(schema.properties.keys()) {
            let n = crate::sqlite::term_number_for_test(name);
            if let Some(other) = seen.insert(n, name.clone()) {
                assert_eq!(&other, name, "term number collision");
            }
        }
    }
}

#[test]
fn recording_order_survives_key_ordered_batches() {
    each_backend(|store| {
        // Ids are hashes, so key order and recording order differ; reads must give the latter.
        let written: Vec<Statement> = (0..50)
            .map(|i| fact("p1", "Person", "alias", &format!("Alias {i:02}"), "a"))
            .collect();
        write(store, &written);
        let read: Vec<String> = store
            .entity_statements("p1")
            .unwrap()
            .into_iter()
            .map(|s| s.value)
            .collect();
        let expected: Vec<String> = written.iter().map(|s| s.value.clone()).collect();
        assert_eq!(read, expected);
    });
}

#[test]
fn links_are_found_from_either_end() {
    each_backend(|store| {
        write(
            store,
            &[
                fact("p1", "Person", "name", "Amina", "a"),
                fact("c1", "Crossing", "traveller", "p1", "a"),
                fact("c2", "Crossing", "traveller", "p1", "a"),
                fact("c2", "Crossing", "direction", "exit", "a"),
            ],
        );
        assert_eq!(store.incoming_links("p1", 10).unwrap(), ["c1", "c2"]);
        assert_eq!(store.incoming_links("p1", 1).unwrap(), ["c1"]);
        // A value that is not entity-typed is no link.
        assert!(store.incoming_links("exit", 10).unwrap().is_empty());
    });
}

#[test]
fn users_and_credentials_are_stored_and_found() {
    each_backend(|store| {
        let mut user = crate::UserRecord {
            username: "amina".into(),
            display_name: "Amina K.".into(),
            roles: vec!["analyst".into(), "investigator".into()],
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$x$y".into(),
            disabled: false,
            created_at: "2026-11-30T08:00:00Z".into(),
        };
        assert!(store.insert_user(&user).unwrap());
        assert!(
            !store.insert_user(&user).unwrap(),
            "a username is taken once"
        );
        user.roles = vec!["researcher".into()];
        user.disabled = true;
        assert!(store.update_user(&user).unwrap());
        assert_eq!(store.user("amina").unwrap(), Some(user.clone()));
        assert_eq!(store.users().unwrap(), vec![user]);
        assert!(store.user("nobody").unwrap().is_none());
        let credential = crate::Credential {
            token_hash: "h1".into(),
            kind: "session".into(),
            username: "amina".into(),
            csrf_token: "c".into(),
            name: "browser".into(),
            created_at: "2026-11-30T08:00:00Z".into(),
            expires_at: "2026-11-30T20:00:00Z".into(),
        };
        store.insert_credential(&credential).unwrap();
        assert_eq!(store.credential("h1").unwrap(), Some(credential));
        store.delete_credential("h1").unwrap();
        assert!(store.credential("h1").unwrap().is_none());
    });
}

#[test]
fn audit_entries_chain_in_order() {
    each_backend(|store| {
        let seal = |e: &crate::AuditRecord| format!("{}>{}:{}", e.prev_hash.len(), e.seq, e.action);
        let entry = |action: &str| crate::AuditRecord {
            at: "2026-11-30T08:00:00Z".into(),
            user: "amina".into(),
            action: action.into(),
            object: "entity p1".into(),
            reason: (action == "read").then(|| "case 12".into()),
            outcome: "allowed".into(),
            ..Default::default()
        };
        // One entry alone, then two in one transaction: the chain runs on across both.
        let first = store.append_audit(vec![entry("read")], &seal).unwrap();
        assert_eq!(first[0].seq, 1);
        let batch = store
            .append_audit(vec![entry("write"), entry("search")], &seal)
            .unwrap();
        assert_eq!(batch.iter().map(|e| e.seq).collect::<Vec<_>>(), [2, 3]);
        assert_eq!(batch[0].prev_hash, first[0].hash);
        assert_eq!(batch[1].prev_hash, batch[0].hash);
        let all = store.audit_range(1, 10).unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].prev_hash, crate::GENESIS_HASH);
        assert_eq!(all[0].reason.as_deref(), Some("case 12"));
        assert_eq!(all[1].prev_hash, all[0].hash);
        assert_eq!(all[2].hash, "9>3:search");
        let recent = store.audit_recent(None, 2).unwrap();
        assert_eq!(recent.iter().map(|e| e.seq).collect::<Vec<_>>(), [3, 2]);
        assert_eq!(store.audit_recent(Some(2), 5).unwrap().len(), 1);
    });
}

#[test]
fn the_audit_log_refuses_changes_and_deletions() {
    let dir = tempfile::tempdir().unwrap();
    let location = Location::Directory(dir.path().join("node"));
    let mut store = crate::create(&location, MODEL.clone()).unwrap();
    let entry = crate::AuditRecord {
        at: "2026-11-30T08:00:00Z".into(),
        user: "amina".into(),
        action: "read".into(),
        object: "entity p1".into(),
        outcome: "allowed".into(),
        ..Default::default()
    };
    store.append_audit(vec![entry], &|_| "h".into()).unwrap();
    drop(store);
    let conn = rusqlite::Connection::open(dir.path().join("node/corridor.db")).unwrap();
    for sql in ["UPDATE audit SET username = 'x'", "DELETE FROM audit"] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    if let Ok(url) = std::env::var("CORRIDOR_TEST_POSTGRES_URL") {
        let url = fresh_database(&url);
        let mut store = crate::create(&Location::Postgres(url.clone()), MODEL.clone()).unwrap();
        let entry = crate::AuditRecord {
            user: "amina".into(),
            ..Default::default()
        };
        store.append_audit(vec![entry], &|_| "h".into()).unwrap();
        let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        for sql in [
            "UPDATE audit SET username = 'x'",
            "DELETE FROM audit",
            "TRUNCATE audit",
        ] {
            let err = client.batch_execute(sql).unwrap_err();
            assert!(format!("{err:?}").contains("append-only"), "{sql}: {err:?}");
        }
    }
}

#[test]
fn statistics_count_only_the_visible_statements() {
    each_backend(|store| {
        let mut protected = fact("r1", "Referral", "service", "avrr", "protection");
        let mut p = (*protected.provenance).clone();
        p.handling = HandlingCode::Protection;
        p.purpose = Purpose::Protection;
        protected.provenance = Arc::new(p);
        write(
            store,
            &[fact("p1", "Person", "name", "Amina", "border"), protected],
        );
        let all = store.visibilities().unwrap();
        assert_eq!(all.len(), 2);
        let enforcement: Vec<crate::Visibility> = all
            .iter()
            .filter(|(_, purpose)| purpose != "protection")
            .cloned()
            .collect();
        let stats = store.stats_for(&enforcement).unwrap();
        assert_eq!(stats.statements, 1);
        assert_eq!(stats.entities, 1);
        assert!(!stats.entities_by_schema.contains_key("Referral"));
        assert!(!stats.statements_by_dataset.contains_key("protection"));
        assert_eq!(store.stats_for(&all).unwrap().statements, 2);
    });
}

#[test]
fn judgements_are_appended_in_order_and_never_changed() {
    each_backend(|store| {
        let j = |judgement: &str, undoes: Option<u64>| crate::JudgementRecord {
            left_id: "p1".into(),
            right_id: "p2".into(),
            schema: "Person".into(),
            judgement: judgement.into(),
            user: "amina".into(),
            at: "2026-11-30T08:00:00Z".into(),
            note: Some("same passport".into()),
            undoes,
            ..Default::default()
        };
        let first = store.append_judgement(j("same", None)).unwrap();
        let second = store
            .append_judgement(j("withdrawn", Some(first.seq)))
            .unwrap();
        assert_eq!(second.seq, first.seq + 1);
        let all = store.judgements(0).unwrap();
        assert_eq!(all, vec![first.clone(), second.clone()]);
        assert_eq!(store.judgements(first.seq).unwrap(), vec![second]);
        // The store refuses what the node would never write.
        assert!(store.append_judgement(j("maybe", None)).is_err());
        let mut reversed = j("same", None);
        reversed.left_id = "p9".into();
        assert!(
            store.append_judgement(reversed).is_err(),
            "pairs are kept in order"
        );
        assert_eq!(store.judgements(0).unwrap().len(), 2);
    });
}

#[test]
fn judgements_cannot_be_edited_in_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let location = Location::Directory(dir.path().join("node"));
    let mut store = crate::create(&location, MODEL.clone()).unwrap();
    store
        .append_judgement(crate::JudgementRecord {
            left_id: "a".into(),
            right_id: "b".into(),
            judgement: "different".into(),
            ..Default::default()
        })
        .unwrap();
    drop(store);
    let conn = rusqlite::Connection::open(dir.path().join("node/corridor.db")).unwrap();
    conn.execute(
        "INSERT INTO coop_record (kind, key, body, at) VALUES ('event', 'r', 'sent', 'now')",
        [],
    )
    .unwrap();
    for sql in [
        "UPDATE er_judgement SET judgement = 'same'",
        "DELETE FROM er_judgement",
        "UPDATE coop_record SET body = 'x'",
        "DELETE FROM coop_record",
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    if let Ok(url) = std::env::var("CORRIDOR_TEST_POSTGRES_URL") {
        let url = fresh_database(&url);
        let mut store = crate::create(&Location::Postgres(url.clone()), MODEL.clone()).unwrap();
        store
            .append_judgement(crate::JudgementRecord {
                left_id: "a".into(),
                right_id: "b".into(),
                judgement: "different".into(),
                ..Default::default()
            })
            .unwrap();
        let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        for sql in [
            "UPDATE er_judgement SET judgement = 'same'",
            "DELETE FROM er_judgement",
            "TRUNCATE er_judgement",
            "UPDATE coop_record SET body = 'x'",
            "DELETE FROM coop_record",
            "TRUNCATE coop_record",
        ] {
            let err = client.batch_execute(sql).unwrap_err();
            assert!(format!("{err:?}").contains("append-only"), "{sql}: {err:?}");
        }
    }
}

#[test]
fn changed_entities_follow_the_recording_order() {
    each_backend(|store| {
        assert_eq!(store.last_statement_seq().unwrap(), 0);
        write(store, &[fact("p1", "Person", "name", "Amina", "border")]);
        let mark = store.last_statement_seq().unwrap();
        assert!(mark > 0);
        write(
            store,
            &[
                fact("p2", "Person", "name", "Yonas", "border"),
                fact("p3", "Person", "name", "Selam", "border"),
                fact("p2", "Person", "nationality", "er", "border"),
            ],
        );
        let (ids, last) = store.changed_entities(mark, 100).unwrap();
        assert_eq!(ids, vec!["p2".to_string(), "p3".to_string()]);
        assert_eq!(last, store.last_statement_seq().unwrap());
        let (ids, _) = store.changed_entities(last, 100).unwrap();
        assert!(ids.is_empty());
        let (ids, partial) = store.changed_entities(mark, 1).unwrap();
        assert_eq!(ids.len(), 1);
        assert_eq!(partial, mark + 1);
    });
}

#[test]
fn entities_are_listed_by_schema_and_statements_by_recording_order() {
    each_backend(|store| {
        write(
            store,
            &[
                fact("c2", "Crossing", "direction", "entry", "post"),
                fact("p1", "Person", "name", "Amina", "post"),
                fact("c1", "Crossing", "direction", "exit", "post"),
                fact("c1", "Crossing", "date", "2026-11-30", "post"),
            ],
        );
        let all = store.entities_of_schema("Crossing", None, 10).unwrap();
        assert_eq!(all, vec!["c1".to_string(), "c2".to_string()]);
        let page = store
            .entities_of_schema("Crossing", Some("c1"), 10)
            .unwrap();
        assert_eq!(page, vec!["c2".to_string()]);
        assert!(
            store
                .entities_of_schema("Vessel", None, 10)
                .unwrap()
                .is_empty()
        );

        let after = store.statements_after(0, 100).unwrap();
        assert_eq!(after.len(), 4);
        assert!(
            after.windows(2).all(|w| w[0].0 < w[1].0),
            "in recording order"
        );
        assert_eq!(after[0].1.entity_id, "c2");
        assert_eq!(after[0].1.provenance.dataset, "post");
        let rest = store.statements_after(after[1].0, 100).unwrap();
        assert_eq!(rest.len(), 2);
        assert_eq!(store.statements_after(after[0].0, 1).unwrap().len(), 1);
    });
}

#[test]
fn watchlist_versions_count_what_came_and_went() {
    each_backend(|store| {
        let version = |list: &str, v: u64| crate::WatchlistVersion {
            list: list.into(),
            version: v,
            dataset: format!("watchlist-{list}"),
            imported_at: "2026-11-30T08:00:00Z".into(),
            imported_by: "clerk".into(),
            source: "list.csv".into(),
            sha256: "ab".into(),
            ..Default::default()
        };
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut tx = store.begin().unwrap();
        let first = tx
            .record_watchlist_version(version("national", 0), &ids(&["a", "b", "c"]))
            .unwrap();
        tx.commit().unwrap();
        assert_eq!(
            (first.version, first.entries, first.added, first.removed),
            (1, 3, 3, 0)
        );
        let mut tx = store.begin().unwrap();
        let second = tx
            .record_watchlist_version(version("national", 0), &ids(&["b", "c", "d", "d"]))
            .unwrap();
        tx.commit().unwrap();
        assert_eq!(
            (second.version, second.entries, second.added, second.removed),
            (2, 3, 1, 1)
        );
        // A mirror keeps its source's numbers, and only forward.
        let mut tx = store.begin().unwrap();
        let err = tx
            .record_watchlist_version(version("national", 2), &ids(&["x"]))
            .unwrap_err();
        assert!(err.to_string().contains("already has version 2"), "{err}");
        drop(tx);
        let mut tx = store.begin().unwrap();
        tx.record_watchlist_version(version("interpol", 7), &ids(&["z"]))
            .unwrap();
        drop(tx); // not committed: nothing stays
        let versions = store.watchlist_versions().unwrap();
        assert_eq!(
            versions
                .iter()
                .map(|v| (v.list.as_str(), v.version))
                .collect::<Vec<_>>(),
            vec![("national", 1), ("national", 2)]
        );
        assert_eq!(
            store.watchlist_members("national", 2).unwrap(),
            ids(&["b", "c", "d"])
        );
        assert!(store.watchlist_members("interpol", 7).unwrap().is_empty());
    });
}

#[test]
fn the_cooperation_log_keeps_order_and_takes_a_request_or_a_receipt_once() {
    each_backend(|store| {
        let row = |kind: &str, key: &str, body: &str| crate::CoopRecord {
            kind: kind.into(),
            key: key.into(),
            body: body.into(),
            at: "2026-11-30T10:00:00Z".into(),
            ..Default::default()
        };
        let mut tx = store.begin().unwrap();
        tx.append_coop(&row("request", "it/R-1", "{\"v\":1}"))
            .unwrap();
        tx.append_coop(&row("event", "it/R-1", "sent")).unwrap();
        tx.append_coop(&row("event", "it/R-1", "received")).unwrap();
        tx.commit().unwrap();
        // A second request with the same id, in a transaction that also writes facts: the
        // conflict is reported and the caller's drop leaves nothing.
        let mut tx = store.begin().unwrap();
        tx.write(&[fact("p-9", "Person", "name", "Answer Person", "coop")])
            .unwrap();
        let err = tx
            .append_coop(&row("request", "it/R-1", "{\"v\":2}"))
            .unwrap_err();
        assert!(matches!(err, crate::StoreError::Conflict(_)), "{err}");
        drop(tx);
        assert!(values(store, "p-9", "name").is_empty());
        let mut tx = store.begin().unwrap();
        tx.append_coop(&row("received", "pkg-1", "{}")).unwrap();
        tx.commit().unwrap();
        let mut tx = store.begin().unwrap();
        assert!(tx.append_coop(&row("received", "pkg-1", "{}")).is_err());
        drop(tx);
        let events = store.coop_records("event", Some("it/R-1"), 0, 10).unwrap();
        assert_eq!(
            events.iter().map(|e| e.body.as_str()).collect::<Vec<_>>(),
            ["sent", "received"]
        );
        assert!(events[0].seq < events[1].seq);
        let after = store
            .coop_records("event", None, events[0].seq, 10)
            .unwrap();
        assert_eq!(after.len(), 1);
        assert_eq!(
            store.coop_records("request", None, 0, 10).unwrap()[0].body,
            "{\"v\":1}"
        );
    });
}

#[test]
fn a_purge_takes_the_entities_out_of_every_index_and_nothing_else() {
    each_backend(|store| {
        write(
            store,
            &[
                fact("p1", "Person", "name", "Amina Yusuf", "a"),
                fact("p2", "Person", "name", "Amina Kidane", "a"),
                fact("c1", "Crossing", "traveller", "p1", "a"),
                fact("c2", "Crossing", "traveller", "p2", "a"),
            ],
        );
        // A purge dropped before commit changes nothing.
        {
            let mut tx = store.begin().unwrap();
            assert_eq!(tx.purge_entities(&["p1".into()]).unwrap(), 1);
        }
        assert_eq!(values(store, "p1", "name"), ["Amina Yusuf"]);
        let mut tx = store.begin().unwrap();
        let gone = tx
            .purge_entities(&["p1".into(), "c1".into(), "nobody".into()])
            .unwrap();
        tx.commit().unwrap();
        assert_eq!(gone, 2);
        assert!(store.entity_statements("p1").unwrap().is_empty());
        assert!(store.entity_statements("c1").unwrap().is_empty());
        assert_eq!(store.search_names("amina", 10).unwrap(), ["p2"]);
        assert!(store.incoming_links("p1", 10).unwrap().is_empty());
        assert_eq!(store.incoming_links("p2", 10).unwrap(), ["c2"]);
        assert_eq!(
            store.entities_of_schema("Person", None, 10).unwrap(),
            ["p2"]
        );
    });
}

#[test]
fn a_checkpoint_moves_the_log_into_the_database_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let location = Location::Directory(dir.path().join("node"));
    let mut store = crate::create(&location, MODEL.clone()).unwrap();
    let statements: Vec<Statement> = (0..200)
        .map(|i| {
            fact(
                &format!("p{i}"),
                "Person",
                "name",
                &format!("Amina {i}"),
                "d1",
            )
        })
        .collect();
    write(store.as_mut(), &statements);
    let wal = dir.path().join("node").join("corridor.db-wal");
    assert!(
        std::fs::metadata(&wal).unwrap().len() > 0,
        "the write went to the log"
    );
    // A reader on another connection, as the node's requests are, sees the same before and
    // after; with no reader holding old pages, nothing is left in the log.
    let mut reader = crate::open(&location, MODEL.clone()).unwrap();
    assert_eq!(values(reader.as_mut(), "p7", "name"), ["Amina 7"]);
    assert_eq!(store.checkpoint().unwrap(), 0);
    assert_eq!(values(reader.as_mut(), "p7", "name"), ["Amina 7"]);
    drop((store, reader));
    let mut again = crate::open(&location, MODEL.clone()).unwrap();
    assert_eq!(values(again.as_mut(), "p199", "name"), ["Amina 199"]);
    each_backend(|store| {
        store.checkpoint().unwrap();
    });
}
