//! Border management in a node: watchlist versions, screening with reasons, crossings that
//! link and screen at once, alerts that are decided once and not raised again on the same data,
//! and the rights around them.

use std::sync::Arc;

use corridor_model::{HandlingCode, InformationGrade, Model, Provenance, Purpose, Statement};
use corridor_policy::Subject;
use corridor_store::Location;

use super::alerts::{ALERT_SCHEMA, AlertFilter, DecisionRecord};
use super::{CrossingInput, Decision, ScreenQuery, WatchlistImport};
use crate::{Node, NodeError};

fn subject(role: &str) -> Subject {
    Subject {
        username: format!("{role}-user"),
        roles: vec![role.into()],
        reason: None,
    }
}

fn node() -> (Node, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let model = Arc::new(Model::builtin().unwrap());
    let location = Location::Directory(dir.path().join("store"));
    corridor_store::create(&location, model.clone()).unwrap();
    let node = Node::open(&location, &dir.path().join("node"), model, 1).unwrap();
    (node, dir)
}

const LIST_V1: &str = r#"{"id": "wl-eriksson", "schema": "Person", "properties": {"name": ["Anna Maria Eriksson"], "birthDate": ["1974-08-12"], "nationality": ["se"]}}
{"id": "wl-sayed", "schema": "Person", "properties": {"name": ["Abdulrahman Al-Sayed", "عبد الرحمن السيد"], "birthDate": ["1985-03-12"], "nationality": ["sy"], "passportNumber": ["N01234567"]}}
{"id": "wl-ali", "schema": "Person", "properties": {"name": ["Mohamed Ali Hassan"], "birthDate": ["1990"], "nationality": ["so"]}}
"#;

/// ICAO Doc 9303's TD3 specimen: Anna Maria Eriksson of Utopia, born 1974-08-12.
const SPECIMEN: &str =
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";

fn import(node: &Node, list: &str, text: &str) -> Result<super::ImportedVersion, NodeError> {
    node.import_watchlist(
        &subject("analyst"),
        WatchlistImport {
            list,
            file_name: "list.ftm.json",
            bytes: text.as_bytes(),
            mapping: None,
            version: None,
            handling: None,
            purpose: None,
        },
    )
}

fn names(n: &str) -> ScreenQuery {
    ScreenQuery {
        names: vec![n.into()],
        ..Default::default()
    }
}

#[test]
fn watchlist_versions_decide_what_is_screened() {
    let (node, _dir) = node();
    let v1 = import(&node, "national", LIST_V1).unwrap();
    assert_eq!(
        (v1.version.version, v1.version.entries, v1.version.added),
        (1, 3, 3)
    );
    let officer = subject("border_officer");

    // Across scripts and spellings, with the reasons.
    let hits = node
        .screen(&officer, &names("Abd al-Rahman Alsaid"))
        .unwrap();
    assert_eq!(hits[0].entry_id, "wl-sayed", "{hits:?}");
    assert!(
        hits[0].reasons.iter().any(|r| r.starts_with("name")),
        "{:?}",
        hits[0].reasons
    );
    let arabic = node.screen(&officer, &names("عبدالرحمن السيد")).unwrap();
    assert_eq!(arabic[0].entry_id, "wl-sayed");
    // Somali orthography meets the Latin form.
    let somali = node.screen(&officer, &names("Maxamed Cali Xasan")).unwrap();
    assert_eq!(
        somali.first().map(|h| h.entry_id.as_str()),
        Some("wl-ali"),
        "{somali:?}"
    );
    // The document alone is enough to find the entry.
    let by_document = node
        .screen(
            &officer,
            &ScreenQuery {
                document_number: "NO1234567".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(by_document[0].entry_id, "wl-sayed");
    assert!(
        by_document[0]
            .reasons
            .iter()
            .any(|r| r.contains("document"))
    );

    // Version 2 drops Ali: he no longer hits, though his history stays in the store.
    let v2_text: String = LIST_V1.lines().take(2).map(|l| format!("{l}\n")).collect();
    let v2 = import(&node, "national", &v2_text).unwrap();
    assert_eq!(
        (v2.version.version, v2.version.entries, v2.version.removed),
        (2, 2, 1)
    );
    let gone = node.screen(&officer, &names("Mohamed Ali Hassan")).unwrap();
    assert!(gone.iter().all(|h| h.entry_id != "wl-ali"), "{gone:?}");
    let lists = node.watchlists(&officer).unwrap();
    assert_eq!(lists.lists.len(), 1);
    assert_eq!(lists.lists[0].version, 2);
    assert_eq!(lists.history.len(), 2);
    assert_eq!(lists.indexed_entries, 2);
}

#[test]
fn a_bad_watchlist_file_changes_nothing() {
    let (node, _dir) = node();
    import(&node, "national", LIST_V1).unwrap();
    let before = node.store().stats().unwrap().statements;
    let broken = format!(
        "{LIST_V1}{{\"id\": \"wl-x\", \"schema\": \"Person\", \"properties\": {{\"birthDate\": [\"not a date\"]}}}}\n"
    );
    let err = import(&node, "national", &broken).unwrap_err();
    assert!(err.to_string().contains("line 4"), "{err}");
    assert_eq!(node.store().stats().unwrap().statements, before);
    assert_eq!(node.store().watchlist_versions().unwrap().len(), 1);
    // An empty file is not a version that lists nobody.
    for empty in ["", "\n\n"] {
        let err = import(&node, "national", empty).unwrap_err();
        assert!(err.to_string().contains("no entries"), "{err}");
    }
    let long = "f".repeat(201);
    let err = node
        .import_watchlist(
            &subject("analyst"),
            WatchlistImport::new("national", &long, LIST_V1.as_bytes()),
        )
        .unwrap_err();
    assert!(err.to_string().contains("file:"), "{err}");
    assert_eq!(node.store().watchlist_versions().unwrap().len(), 1);
    assert_eq!(
        node.screen(&subject("border_officer"), &names("Anna Maria Eriksson"))
            .unwrap()[0]
            .entry_id,
        "wl-eriksson"
    );
    for (list, why) in [("", "list"), ("a b", "list"), ("x/../y", "list")] {
        let err = import(&node, list, LIST_V1).unwrap_err();
        assert!(err.to_string().contains(why), "{err}");
    }
    // Only roles that manage lists may import them.
    let err = node
        .import_watchlist(
            &subject("border_officer"),
            WatchlistImport::new("national", "l.json", LIST_V1.as_bytes()),
        )
        .unwrap_err();
    assert!(matches!(err, NodeError::Forbidden(_)), "{err}");
}

#[test]
fn hostile_queries_are_refused_by_field() {
    let (node, _dir) = node();
    import(&node, "national", LIST_V1).unwrap();
    let officer = subject("border_officer");
    let long = "a".repeat(10_000);
    for (query, field) in [
        (names("<<<<<<"), "no letters"),
        (names("😀😀"), "no letters"),
        (names(&long), "names[0]: 10000 characters"),
        (ScreenQuery::default(), "give a name or a document"),
    ] {
        let err = node.screen(&officer, &query).unwrap_err();
        assert!(err.to_string().contains(field), "{field}: {err}");
    }
    // Mixed scripts are a name like any other.
    node.screen(&officer, &names("Abdulrahman السيد")).unwrap();
    // Roles without screening cannot screen.
    let err = node
        .screen(&subject("researcher"), &names("Anna"))
        .unwrap_err();
    assert!(matches!(err, NodeError::Forbidden(_)));
    let err = node
        .screen(&subject("protection_officer"), &names("Anna"))
        .unwrap_err();
    assert!(matches!(err, NodeError::Forbidden(_)));
}

fn crossing(mrz: &str) -> CrossingInput {
    CrossingInput {
        mrz: mrz.into(),
        point: "bcp-ras-ajdir".into(),
        direction: "entry".into(),
        ..Default::default()
    }
}

#[test]
fn a_country_typed_in_another_code_than_the_mrz_is_no_disagreement() {
    let (node, _dir) = node();
    // A TD3 of Germany, whose MRZ writes it "D".
    let german = "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<\nC01X00T478D<<6408125F3101311<<<<<<<<<<<<<<06";
    let officer = subject("border_officer");
    let typed = |nationality: &str, issuing_state: &str| CrossingInput {
        nationality: nationality.into(),
        issuing_state: issuing_state.into(),
        ..crossing(german)
    };
    let agreed = node
        .register_crossing(&officer, typed("de", "DEU"))
        .unwrap();
    assert!(agreed.mrz.as_ref().unwrap().valid);
    assert!(
        !agreed
            .warnings
            .iter()
            .any(|w| w.starts_with("nationality:") || w.starts_with("issuing_state:")),
        "{:?}",
        agreed.warnings
    );
    let other = node
        .register_crossing(&officer, typed("Germany", "FR"))
        .unwrap();
    assert!(
        other
            .warnings
            .iter()
            .any(|w| w.starts_with("issuing_state:")),
        "{:?}",
        other.warnings
    );
    assert!(!other.warnings.iter().any(|w| w.starts_with("nationality:")));
}

#[test]
fn a_crossing_reads_the_mrz_links_screens_and_raises_one_alert() {
    let (node, _dir) = node();
    import(&node, "national", LIST_V1).unwrap();
    node.build_resolution().unwrap();
    let officer = subject("border_officer");
    let first = node
        .register_crossing(&officer, crossing(SPECIMEN))
        .unwrap();
    let mrz = first.mrz.as_ref().unwrap();
    assert!(mrz.valid);
    assert!(
        first
            .warnings
            .iter()
            .any(|w| w.contains("document expired on 2012-04-15")),
        "{:?}",
        first.warnings
    );
    assert!(
        first
            .warnings
            .iter()
            .any(|w| w.contains("new crossing point"))
    );
    assert_eq!(first.hits[0].entry_id, "wl-eriksson");
    assert!(
        first.hits[0]
            .reasons
            .iter()
            .any(|r| r.contains("birth date: same")),
        "{:?}",
        first.hits[0].reasons
    );
    assert_eq!(first.alerts.len(), 1);
    let alert = &first.alerts[0];
    assert!(!alert.suppressed && alert.decision.is_none());
    assert_eq!(alert.crossings, vec![first.crossing_id.clone()]);

    // The traveller is on record with the document and the crossing.
    let page = node.entity(&officer, &first.person_id).unwrap();
    assert!(
        page.properties["passportNumber"]
            .iter()
            .any(|f| f.value == "L898902C3")
    );
    let open = node.alerts(&officer, AlertFilter::Open, 100).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(
        open[0].subject_caption.as_deref(),
        Some("ANNA MARIA ERIKSSON")
    );

    // A false positive, decided with a note, is not raised again on the same data...
    let err = node
        .decide_alert(&officer, &alert.id, Decision::FalsePositive, "")
        .unwrap_err();
    assert!(err.to_string().contains("note"));
    let decided = node
        .decide_alert(
            &officer,
            &alert.id,
            Decision::FalsePositive,
            "different person: photo and place of birth",
        )
        .unwrap();
    assert_eq!(
        decided.decision.as_ref().unwrap().decision,
        "false_positive"
    );
    let mut later = crossing(SPECIMEN);
    later.direction = "exit".into();
    let second = node.register_crossing(&officer, later).unwrap();
    assert_eq!(second.alerts.len(), 1);
    assert!(second.alerts[0].suppressed);
    assert_eq!(second.alerts[0].id, alert.id);
    assert_eq!(second.alerts[0].crossings.len(), 2);
    assert_eq!(second.previous_crossings, vec![first.crossing_id.clone()]);
    assert!(
        node.alerts(&officer, AlertFilter::Open, 100)
            .unwrap()
            .is_empty()
    );

    // ...but changed data is screened afresh: a new alert.
    let mut changed = crossing(SPECIMEN);
    changed.other_names = vec!["Anna Eriksson-Berg".into()];
    let third = node.register_crossing(&officer, changed).unwrap();
    assert_eq!(third.alerts.len(), 1);
    assert_ne!(third.alerts[0].id, alert.id);
    assert!(!third.alerts[0].suppressed);
    assert_eq!(
        node.alerts(&officer, AlertFilter::Open, 100).unwrap().len(),
        1
    );

    // Every step is in the audit log.
    let audit = node
        .audit_recent(&subject("administrator"), None, 100)
        .unwrap();
    for action in [
        "register_crossing",
        "screen",
        "decide_alert",
        "import_watchlist",
    ] {
        assert!(audit.iter().any(|a| a.action == action), "{action}");
    }
}

#[test]
fn crossings_refuse_bad_input_and_write_nothing() {
    let (node, _dir) = node();
    let officer = subject("border_officer");
    let before = node.store().stats().unwrap().statements;
    let future = corridor_model::types::format_unix_utc(crate::now_unix() + 86_400);
    let cases: Vec<(CrossingInput, &str)> = vec![
        (crossing("P<UTO<<<<\n12345"), "mrz"),
        (crossing(&"X".repeat(1000)), "mrz"),
        (
            CrossingInput {
                name: "Yonas Tesfay".into(),
                point: "bcp-1".into(),
                direction: "sideways".into(),
                ..Default::default()
            },
            "direction",
        ),
        (
            CrossingInput {
                name: "Yonas Tesfay".into(),
                point: "bcp-1".into(),
                direction: "entry".into(),
                at: future,
                ..Default::default()
            },
            "check the clock",
        ),
        (
            CrossingInput {
                name: "Yonas Tesfay".into(),
                birth_date: "31.02.1990".into(),
                point: "bcp-1".into(),
                direction: "entry".into(),
                ..Default::default()
            },
            "birth_date",
        ),
        (
            CrossingInput {
                point: "bcp-1".into(),
                direction: "entry".into(),
                ..Default::default()
            },
            "give a name or a document",
        ),
    ];
    for (input, field) in cases {
        let err = node.register_crossing(&officer, input).unwrap_err();
        assert!(err.to_string().contains(field), "{field}: {err}");
    }
    assert_eq!(node.store().stats().unwrap().statements, before);
    // A researcher may not register crossings.
    let err = node
        .register_crossing(&subject("researcher"), crossing(SPECIMEN))
        .unwrap_err();
    assert!(matches!(err, NodeError::Forbidden(_)));
}

#[test]
fn decisions_taken_apart_that_disagree_are_a_conflict_until_settled() {
    let (node, _dir) = node();
    import(&node, "national", LIST_V1).unwrap();
    let officer = subject("border_officer");
    let result = node
        .register_crossing(&officer, crossing(SPECIMEN))
        .unwrap();
    let id = result.alerts[0].id.clone();
    // Two nodes decided without knowing of each other (as a post and its national node
    // while the link was down); synchronisation brings both here.
    let provenance = Arc::new(Provenance {
        dataset: "screening".into(),
        recorded_by: "sync".into(),
        recorded_at: "2026-11-30T09:00:00Z".into(),
        handling: HandlingCode::Restricted,
        purpose: Purpose::BorderManagement,
        reliability: corridor_model::SourceReliability::X,
        grade: InformationGrade::Unknown,
    });
    let record = |rid: &str, decision: &str, at: &str| {
        let r = DecisionRecord {
            id: rid.into(),
            decision: decision.into(),
            by: format!("officer-{rid}"),
            at: at.into(),
            note: "checked".into(),
            supersedes: vec![],
        };
        Statement::assert(
            &id,
            ALERT_SCHEMA,
            "decisions",
            serde_json::to_string(&r).unwrap(),
            None,
            provenance.clone(),
        )
    };
    {
        let mut store = node.store();
        let mut tx = store.begin().unwrap();
        tx.write(&[
            record("post", "false_positive", "2026-11-30T08:00:00Z"),
            record("national", "true_match", "2026-11-30T08:30:00Z"),
        ])
        .unwrap();
        tx.commit().unwrap();
    }
    let open = node.alerts(&officer, AlertFilter::Open, 10).unwrap();
    assert_eq!(open.len(), 1, "a conflict keeps the alert open");
    assert_eq!(open[0].conflict.len(), 2);
    let settled = node
        .decide_alert(
            &officer,
            &id,
            Decision::TrueMatch,
            "confirmed with the national node",
        )
        .unwrap();
    assert!(settled.conflict.is_empty());
    assert_eq!(settled.history.len(), 3);
    assert_eq!(settled.decision.unwrap().supersedes.len(), 2);
}

#[test]
fn what_a_caller_sees_of_a_hit_passes_the_policy() {
    let (node, _dir) = node();
    // A list kept as law-enforcement intelligence: a border officer's hit shows that there is
    // an entry, not what it says.
    node.import_watchlist(
        &subject("analyst"),
        WatchlistImport {
            handling: Some(HandlingCode::Confidential),
            purpose: Some(Purpose::LawEnforcement),
            ..WatchlistImport::new("intel", "intel.json", LIST_V1.as_bytes())
        },
    )
    .unwrap();
    let hits = node
        .screen(&subject("border_officer"), &names("Anna Maria Eriksson"))
        .unwrap();
    assert_eq!(hits[0].entry_id, "wl-eriksson");
    assert!(hits[0].entry_names.is_empty() && hits[0].entry_caption.is_none());
    // Confidential facts need a stated reason, as on every read.
    let mut analyst = subject("analyst");
    analyst.reason = Some("secondary check at Ras Ajdir".into());
    let hits = node
        .screen(&analyst, &names("Anna Maria Eriksson"))
        .unwrap();
    assert_eq!(hits[0].entry_names, vec!["Anna Maria Eriksson".to_string()]);
    // A watchlist is never protection data.
    let err = node
        .import_watchlist(
            &subject("analyst"),
            WatchlistImport {
                purpose: Some(Purpose::Protection),
                ..WatchlistImport::new("p", "p.json", LIST_V1.as_bytes())
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("never protection"), "{err}");
}
