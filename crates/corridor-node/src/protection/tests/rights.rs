//! The person's rights: a copy of everything, corrections with their reason, and retention
//! periods that purge — and only what has run out, and only protection's own.

use std::sync::Arc;

use corridor_model::{
    HandlingCode, InformationGrade, Provenance, Purpose, SourceReliability, Statement,
};

use super::{boat, node, officer, person, who};
use crate::NodeError;
use crate::protection::CorrectionInput;

fn old_label(recorded_at: &str) -> Arc<Provenance> {
    Arc::new(Provenance {
        dataset: "protection-registration".into(),
        recorded_by: "officer-2019".into(),
        recorded_at: recorded_at.into(),
        handling: HandlingCode::Protection,
        purpose: Purpose::Protection,
        reliability: SourceReliability::B,
        grade: InformationGrade::KnownToSource,
    })
}

/// A person registered long ago, written as the registration would have been.
fn registered_in(node: &crate::Node, person: &str, name: &str, at: &str) {
    let p = old_label(at);
    let reg = format!("{person}-reg");
    let mut store = node.store();
    let mut tx = store.begin().unwrap();
    tx.write(&[
        Statement::assert(person, "Person", "name", name.into(), None, p.clone()),
        Statement::assert(
            &reg,
            "ProtectionRegistration",
            "person",
            person.into(),
            None,
            p.clone(),
        ),
        Statement::assert(
            &reg,
            "ProtectionRegistration",
            "place",
            "Lampedusa".into(),
            None,
            p.clone(),
        ),
    ])
    .unwrap();
    tx.commit().unwrap();
}

#[test]
fn an_access_request_gets_every_record_with_its_provenance_and_is_audited() {
    let (node, _dir) = node();
    let mut p = person("1", "Hiwet", "Tesfamariam");
    p.screening = Some(Default::default());
    let r = node.register_migrants(&officer(), boat(vec![p])).unwrap();
    let id = r.persons[0].person_id.clone();
    let export = node.access_export(&officer(), &id).unwrap();
    let schemas: Vec<&str> = export.records.iter().map(|r| r.schema.as_str()).collect();
    for s in [
        "Person",
        "ProtectionRegistration",
        "VulnerabilityScreening",
        "PersonStatus",
    ] {
        assert!(schemas.contains(&s), "{s} missing from {schemas:?}");
    }
    let name = export
        .records
        .iter()
        .flat_map(|r| &r.facts)
        .find(|f| f.prop == "name")
        .unwrap();
    assert_eq!(name.value, "Hiwet Tesfamariam");
    assert_eq!(name.recorded_by, "protection_officer-user");
    assert!(matches!(
        node.access_export(&who("analyst", Some("x")), &id),
        Err(NodeError::Forbidden(_))
    ));
    let audit = node.store().audit_range(1, 200).unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "protection access export" && e.object == id)
    );
}

#[test]
fn a_correction_keeps_the_old_value_in_history_with_the_reason() {
    let (node, _dir) = node();
    let r = node
        .register_migrants(&officer(), boat(vec![person("1", "Filmon", "Tesfamariam")]))
        .unwrap();
    let id = r.persons[0].person_id.clone();
    let facts = node.store().entity_statements(&id).unwrap();
    let birth = facts.iter().find(|s| s.prop == "birthDate").unwrap();
    let input = |value: &str, reason: &str| CorrectionInput {
        entity: id.clone(),
        statement_id: birth.id.to_string(),
        value: value.into(),
        reason: reason.into(),
    };
    let err = node
        .correct_fact(&officer(), &id, input("1995-03-02", "no"))
        .unwrap_err();
    assert!(err.to_string().contains("reason: 5 to 1000"), "{err}");
    let err = node
        .correct_fact(
            &officer(),
            &id,
            input("1995-13-45", "birth certificate shown"),
        )
        .unwrap_err();
    assert!(err.to_string().starts_with("value:"), "{err}");
    let changed = node
        .correct_fact(
            &officer(),
            &id,
            input("1995-03-02", "birth certificate shown on 30 Nov"),
        )
        .unwrap();
    assert_eq!(changed[1].value, "1995-03-02");
    let all = node.store().entity_statements(&id).unwrap();
    let live = corridor_model::entity::live_statements(&all);
    let births: Vec<&str> = live
        .iter()
        .filter(|s| s.prop == "birthDate")
        .map(|s| s.value.as_str())
        .collect();
    assert_eq!(births, ["1995-03-02"]);
    assert!(
        all.iter().any(|s| s.value == "1994-03-02"),
        "history keeps the old value"
    );
    let audit = node.store().audit_range(1, 200).unwrap();
    let entry = audit
        .iter()
        .find(|e| e.action == "protection correction")
        .unwrap();
    assert_eq!(
        entry.reason.as_deref(),
        Some("birth certificate shown on 30 Nov")
    );
    // A fact on someone else's record, or an unknown one, is not found.
    let err = node
        .correct_fact(
            &officer(),
            &id,
            CorrectionInput {
                entity: "elsewhere".into(),
                ..input("1995-03-02", "birth certificate")
            },
        )
        .unwrap_err();
    assert!(matches!(err, NodeError::NotFound(_)), "{err}");
}

#[test]
fn retention_purges_what_ran_out_holds_open_cases_and_is_audited() {
    let (node, _dir) = node();
    registered_in(
        &node,
        "prot-person-old",
        "Old Registration",
        "2019-01-10T09:00:00Z",
    );
    registered_in(
        &node,
        "prot-person-open",
        "Open Referral",
        "2019-01-10T09:00:00Z",
    );
    // An open referral from back then holds the second person.
    let p = old_label("2019-02-01T09:00:00Z");
    {
        let mut store = node.store();
        let mut tx = store.begin().unwrap();
        tx.write(&[
            Statement::assert(
                "prot-ref-open",
                "Referral",
                "person",
                "prot-person-open".into(),
                None,
                p.clone(),
            ),
            Statement::assert(
                "prot-ref-open",
                "Referral",
                "service",
                "asylum".into(),
                None,
                p.clone(),
            ),
            Statement::assert(
                "prot-ref-open",
                "Referral",
                "dueDate",
                "2019-03-01".into(),
                None,
                p.clone(),
            ),
        ])
        .unwrap();
        // An enforcement fact on the old person's id is not protection's to delete.
        tx.write(&[Statement::assert(
            "prot-person-old",
            "Person",
            "nationality",
            "er".into(),
            None,
            Arc::new(Provenance {
                purpose: Purpose::BorderManagement,
                handling: HandlingCode::Restricted,
                ..(*old_label("2019-01-10T09:00:00Z")).clone()
            }),
        )])
        .unwrap();
        tx.commit().unwrap();
    }
    let recent = node
        .register_migrants(&officer(), boat(vec![person("1", "Recent", "Arrival")]))
        .unwrap();
    let report = node.retention_report(&officer()).unwrap();
    assert_eq!(report.keep_years, 5);
    let due: Vec<&str> = report.due.iter().map(|l| l.person.as_str()).collect();
    assert_eq!(due, ["prot-person-old"]);
    assert_eq!(report.held[0].person, "prot-person-open");
    assert_eq!(report.held[0].held.as_deref(), Some("open asylum referral"));
    assert_eq!(report.due[0].purge_after, "2024-01-10");
    assert!(matches!(
        node.purge_expired(&who("analyst", Some("x"))),
        Err(NodeError::Forbidden(_))
    ));
    let purged = node.purge_expired(&officer()).unwrap();
    assert_eq!(purged.purged_persons, 1);
    // The registration went; the enforcement fact on the same id stayed; the others stayed.
    assert!(
        node.store()
            .entity_statements("prot-person-old-reg")
            .unwrap()
            .is_empty()
    );
    let left = node.store().entity_statements("prot-person-old").unwrap();
    assert!(
        left.iter()
            .all(|s| s.provenance.purpose == Purpose::BorderManagement)
    );
    assert!(
        !node
            .store()
            .entity_statements("prot-person-open")
            .unwrap()
            .is_empty()
    );
    assert!(
        node.protection_case(&officer(), &recent.persons[0].person_id)
            .is_ok()
    );
    assert!(matches!(
        node.protection_case(&officer(), "prot-person-old"),
        Err(NodeError::NotFound(_))
    ));
    let audit = node.store().audit_range(1, 500).unwrap();
    let entry = audit
        .iter()
        .find(|e| e.action == "protection purge")
        .unwrap();
    assert_eq!(entry.object, "prot-person-old");
    assert!(entry.outcome.contains("1 persons"), "{}", entry.outcome);
    // Nothing more is due.
    assert!(node.retention_report(&officer()).unwrap().due.is_empty());
}
