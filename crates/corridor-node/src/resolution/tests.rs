//! Resolution in a node: the queue, the evidence as the reviewer may see it, judgements that
//! hold across re-runs and can be undone, records linked as they are written — and protection
//! data that never takes part.

use std::sync::Arc;

use corridor_model::{
    HandlingCode, InformationGrade, Model, Provenance, Purpose, SourceReliability, Statement,
};
use corridor_policy::Subject;
use corridor_store::Location;

use crate::views::NewFact;
use crate::{Node, NodeError};

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

const BORDER: (HandlingCode, Purpose) = (HandlingCode::Restricted, Purpose::BorderManagement);
const INTEL: (HandlingCode, Purpose) = (HandlingCode::Confidential, Purpose::LawEnforcement);
const PROTECTION: (HandlingCode, Purpose) = (HandlingCode::Protection, Purpose::Protection);

fn person(
    out: &mut Vec<Statement>,
    id: &str,
    kind: (HandlingCode, Purpose),
    props: &[(&str, &str)],
) {
    for (prop, value) in props {
        out.push(Statement::assert(
            id,
            "Person",
            prop,
            value.to_string(),
            None,
            label(kind.0, kind.1),
        ));
    }
}

/// One smuggler written by the border, by intelligence (twice, once in Arabic script) and —
/// as the same man — by a protection actor; other people around them; two ways of writing one
/// number plate.
fn fixture() -> (Node, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let model = Arc::new(Model::builtin().unwrap());
    let location = Location::Directory(dir.path().join("store"));
    let mut store = corridor_store::create(&location, model.clone()).unwrap();
    let mut s = Vec::new();
    let sayed = [
        ("birthDate", "1985-03-12"),
        ("nationality", "sy"),
        ("gender", "male"),
    ];
    person(
        &mut s,
        "p-b1",
        BORDER,
        &[
            ("name", "Abdulrahman Al-Sayed"),
            ("passportNumber", "N01234567"),
        ],
    );
    person(&mut s, "p-b1", BORDER, &sayed);
    person(
        &mut s,
        "p-l1",
        INTEL,
        &[
            ("name", "Abd al-Rahman Alsaid"),
            ("passportNumber", "NO1234567"),
        ],
    );
    person(&mut s, "p-l1", INTEL, &sayed);
    person(
        &mut s,
        "p-l2",
        INTEL,
        &[
            ("name", "عبد الرحمن السيد"),
            ("birthDate", "1985-12-03"),
            ("nationality", "sy"),
        ],
    );
    person(
        &mut s,
        "p-x1",
        PROTECTION,
        &[
            ("name", "Abdulrahman Al Sayed"),
            ("passportNumber", "N01234567"),
        ],
    );
    person(&mut s, "p-x1", PROTECTION, &sayed);
    let given = [
        "Yonas", "Selam", "Kibrom", "Amina", "Omar", "Layla", "Tesfay", "Hagos",
    ];
    let family = ["Haile", "Tesfaye", "Mengistu", "Diallo", "Karimi", "Rahimi"];
    for (g, given) in given.iter().enumerate() {
        for (f, family) in family.iter().enumerate() {
            let dob = format!(
                "19{:02}-{:02}-{:02}",
                70 + (g * 5 + f) % 30,
                1 + (g + f) % 12,
                1 + (g * 3 + f * 7) % 28
            );
            let id = format!("p-o{g}{f}");
            let name = format!("{given} {family}");
            let passport = format!("E{:07}", (g * 31 + f) * 7919);
            person(
                &mut s,
                &id,
                BORDER,
                &[
                    ("name", &name),
                    ("birthDate", &dob),
                    ("passportNumber", &passport),
                    ("nationality", "er"),
                ],
            );
        }
    }
    // v-1 and v-2: one plate written two ways; v-4 is v-1 again, identical.
    for (id, plate, kind) in [
        ("v-1", "AB-123-CD", "truck"),
        ("v-2", "AB 123 CD", "truck"),
        ("v-3", "XY-999-ZZ", "truck"),
        ("v-4", "AB123CD", "truck"),
    ] {
        // v-2 also has a model: not identical to v-1, though nothing disagrees.
        let model = if id == "v-2" { "Actros" } else { "" };
        for (prop, value) in [
            ("registrationNumber", plate),
            ("type", kind),
            ("model", model),
        ] {
            if value.is_empty() {
                continue;
            }
            s.push(Statement::assert(
                id,
                "Vehicle",
                prop,
                value.into(),
                None,
                label(BORDER.0, BORDER.1),
            ));
        }
    }
    let mut tx = store.begin().unwrap();
    tx.write(&s).unwrap();
    tx.commit().unwrap();
    drop(store);
    let node = Node::open(&location, &dir.path().join("node"), model, 2).unwrap();
    node.build_resolution().unwrap();
    (node, dir)
}

fn analyst(reason: Option<&str>) -> Subject {
    Subject {
        username: "analyst-user".into(),
        roles: vec!["analyst".into()],
        reason: reason.map(str::to_string),
    }
}

fn queue_pairs(node: &Node, s: &Subject) -> Vec<(String, String)> {
    node.review_queue(s, None, true, super::QueueOrder::Strongest, 0, 200)
        .unwrap()
        .items
        .into_iter()
        .map(|i| (i.left.id, i.right.id))
        .collect()
}

fn same_as(node: &Node, s: &Subject, id: &str) -> Vec<String> {
    node.entity(s, id)
        .unwrap()
        .same_as
        .map(|c| c.members.into_iter().map(|m| m.id).collect())
        .unwrap_or_default()
}

#[test]
fn the_queue_shows_the_smuggler_across_sources_and_scripts() {
    let (node, _dir) = fixture();
    let s = analyst(Some("case 42: network mapping"));
    let pairs = queue_pairs(&node, &s);
    let has = |a: &str, b: &str| pairs.contains(&(a.to_string(), b.to_string()));
    assert!(has("p-b1", "p-l1"), "{pairs:?}");
    assert!(
        has("p-l1", "p-l2") || has("p-b1", "p-l2"),
        "the Arabic-script record: {pairs:?}"
    );
    assert!(has("v-1", "v-2"), "{pairs:?}");
    assert!(
        !pairs
            .iter()
            .any(|(a, b)| a.starts_with("p-o") && b.starts_with("p-b"))
    );
    let members = same_as(&node, &s, "p-b1");
    assert!(members.contains(&"p-l1".to_string()), "{members:?}");
}

#[test]
fn protection_data_never_takes_part() {
    let (node, _dir) = fixture();
    for s in [analyst(Some("case 42: network mapping")), analyst(None)] {
        let pairs = queue_pairs(&node, &s);
        assert!(
            !pairs.iter().any(|(a, b)| a == "p-x1" || b == "p-x1"),
            "{pairs:?}"
        );
    }
    let state = node.resolver.state.read().unwrap();
    assert!(
        !state.part_of.contains_key("p-x1"),
        "protection records are not resolved"
    );
    drop(state);
    let s = analyst(Some("case 42: network mapping"));
    let members = same_as(&node, &s, "p-b1");
    assert!(!members.contains(&"p-x1".to_string()));
    let err = node.judge(&s, "p-b1", "p-x1", "same", None).unwrap_err();
    assert!(matches!(err, NodeError::NotFound(_)), "{err:?}");
}

#[test]
fn reviewers_see_evidence_only_from_facts_they_may_see() {
    let (node, _dir) = fixture();
    // Without a reason, the confidential record is hidden: no pair with it is listed.
    let pairs = queue_pairs(&node, &analyst(None));
    assert!(
        !pairs.iter().any(|(a, b)| a == "p-l1" || b == "p-l1"),
        "{pairs:?}"
    );
    let s = analyst(Some("case 42: network mapping"));
    let pair = node.review_pair(&s, "p-l1", "p-b1").unwrap();
    assert_eq!(pair.left.id, "p-b1", "pairs are put in order");
    assert_eq!(pair.evidence.len(), 6);
    let name = &pair.evidence[0];
    assert_eq!(name.left_value, "Abdulrahman Al-Sayed");
    assert_eq!(name.right_value, "Abd al-Rahman Alsaid");
    assert!(name.bits > 0.0 && !name.level_label.is_empty());
    let passport = &pair.evidence[2];
    assert!(passport.bits > 0.0, "{passport:?}");
    assert!(pair.probability > 0.9, "{}", pair.probability);
    // Roles without the review action get nothing.
    let officer = Subject {
        username: "officer".into(),
        roles: vec!["border_officer".into()],
        reason: None,
    };
    assert!(matches!(
        node.review_queue(&officer, None, false, super::QueueOrder::Strongest, 0, 10),
        Err(NodeError::Forbidden(_))
    ));
    assert!(matches!(
        node.review_pair(&officer, "p-b1", "p-l1"),
        Err(NodeError::Forbidden(_))
    ));
    assert!(matches!(
        node.judge(&officer, "p-b1", "p-l1", "same", None),
        Err(NodeError::Forbidden(_))
    ));
}

#[test]
fn judgements_hold_across_rebuilds_and_can_be_undone() {
    let (node, _dir) = fixture();
    let s = analyst(Some("case 42: network mapping"));
    let j = node
        .judge(
            &s,
            "p-l1",
            "p-b1",
            "different",
            Some("different fathers' names in the file"),
        )
        .unwrap();
    assert_eq!(j.judgement, "different");
    assert!(!same_as(&node, &s, "p-b1").contains(&"p-l1".to_string()));
    assert!(!queue_pairs(&node, &s).contains(&("p-b1".into(), "p-l1".into())));

    // A re-run (as after a restart) honours the judgement.
    node.build_resolution().unwrap();
    assert!(!same_as(&node, &s, "p-b1").contains(&"p-l1".to_string()));

    // A `same` that would join them through a third record is refused, and nothing recorded.
    let members = same_as(&node, &s, "p-l1");
    if let Some(third) = members.iter().find(|m| *m != "p-l1") {
        let err = node.judge(&s, "p-b1", third, "same", None).unwrap_err();
        assert!(matches!(err, NodeError::Conflict(_)), "{err:?}");
    }

    // Undo: the pair is back to no judgement and together again.
    let undo = node.undo_judgement(&s, j.seq).unwrap();
    assert_eq!(undo.judgement, "withdrawn");
    assert_eq!(undo.undoes, Some(j.seq));
    assert!(same_as(&node, &s, "p-b1").contains(&"p-l1".to_string()));
    let err = node.undo_judgement(&s, j.seq).unwrap_err();
    assert!(
        matches!(err, NodeError::Conflict(_)),
        "undone twice: {err:?}"
    );
    let pair = node.review_pair(&s, "p-b1", "p-l1").unwrap();
    assert_eq!(pair.history.len(), 2);
    assert_eq!(pair.judgement, None);

    // Judgements are data in the store, and audited.
    let mut store = node.store();
    let rows = store.judgements(0).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].user, "analyst-user");
    let audit = store.audit_recent(None, 10).unwrap();
    assert!(audit.iter().filter(|a| a.action == "judge").count() == 2);
}

#[test]
fn a_merge_by_judgement_is_undone_by_its_undo() {
    let (node, _dir) = fixture();
    let s = analyst(Some("case 42: network mapping"));
    assert!(!same_as(&node, &s, "p-o00").contains(&"p-o11".to_string()));
    let j = node.judge(&s, "p-o00", "p-o11", "same", None).unwrap();
    let members = same_as(&node, &s, "p-o00");
    assert!(members.contains(&"p-o11".to_string()), "{members:?}");
    let cluster = node.entity(&s, "p-o00").unwrap().same_as.unwrap();
    assert!(cluster.links.iter().any(|l| l.judged));
    node.undo_judgement(&s, j.seq).unwrap();
    assert!(!same_as(&node, &s, "p-o00").contains(&"p-o11".to_string()));
}

#[test]
fn records_written_later_are_linked_at_once() {
    let (node, _dir) = fixture();
    let s = analyst(Some("case 42: network mapping"));
    for (prop, value) in [
        ("name", "Abdelrahman El Sayed"),
        ("birthDate", "1985-03-12"),
        ("passportNumber", "N01234567"),
        ("nationality", "sy"),
    ] {
        node.assert_fact(
            &s,
            "p-new",
            NewFact {
                schema: "Person".into(),
                prop: prop.into(),
                value: value.into(),
                handling: "restricted".into(),
                purpose: "border_management".into(),
                reason: "debriefing 7".into(),
            },
        )
        .unwrap();
    }
    let members = same_as(&node, &s, "p-new");
    assert!(members.contains(&"p-b1".to_string()), "{members:?}");
    assert!(
        queue_pairs(&node, &s)
            .iter()
            .any(|(a, b)| a == "p-b1" && b == "p-new")
    );
}

#[test]
fn bad_judgements_are_refused_with_the_field_named() {
    let (node, _dir) = fixture();
    let s = analyst(Some("case 42: network mapping"));
    let err = node
        .judge(&s, "p-b1", "p-l1", "maybe", None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("judgement") && err.contains("maybe"), "{err}");
    let err = node
        .judge(&s, "p-b1", "p-b1", "same", None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("two different"), "{err}");
    let err = node
        .judge(&s, "p-b1", "v-1", "same", None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("different kinds"), "{err}");
    let long = "x".repeat(1001);
    let err = node
        .judge(&s, "p-b1", "p-l1", "same", Some(&long))
        .unwrap_err()
        .to_string();
    assert!(err.contains("note"), "{err}");
    let err = node.undo_judgement(&s, 999).unwrap_err();
    assert!(matches!(err, NodeError::NotFound(_)));
    assert!(node.store().judgements(0).unwrap().is_empty());
}

#[test]
fn the_builtin_settings_are_valid() {
    let model = Model::builtin().unwrap();
    let specs = super::builtin_specs(&model).unwrap();
    assert!(specs.len() >= 5);
}

#[test]
fn only_reviewers_see_who_is_the_same_as_whom() {
    let (node, _dir) = fixture();
    let analyst = analyst(Some("case 42: network mapping"));
    assert!(!same_as(&node, &analyst, "p-b1").is_empty());
    // The border officer sees the border record, but not the cluster that confidential
    // intelligence helped make, nor how many records it holds.
    let officer = Subject {
        username: "officer".into(),
        roles: vec!["border_officer".into()],
        reason: None,
    };
    let page = node.entity(&officer, "p-b1").unwrap();
    assert!(page.same_as.is_none());
}

#[test]
fn the_queue_can_put_the_hardest_calls_first() {
    let (node, _dir) = fixture();
    let s = analyst(Some("case 42: network mapping"));
    let items = node
        .review_queue(&s, None, false, super::QueueOrder::Uncertain, 0, 200)
        .unwrap()
        .items;
    assert!(!items.is_empty());
    // Person and vehicle settings both link at 0.9: distance from it, in bits of evidence.
    let link = corridor_resolve::logit_bits(0.9);
    let distance: Vec<f64> = items
        .iter()
        .map(|i| {
            (corridor_resolve::logit_bits(i.probability.clamp(1e-12, 1.0 - 1e-12)) - link).abs()
        })
        .collect();
    assert!(distance.windows(2).all(|w| w[0] <= w[1]), "{distance:?}");
    assert!("sideways".parse::<super::QueueOrder>().is_err());
}

#[test]
fn an_undo_of_a_judgement_on_hidden_records_names_nothing() {
    let (node, _dir) = fixture();
    let s = analyst(Some("case 42: network mapping"));
    let j = node.judge(&s, "p-b1", "p-l1", "different", None).unwrap();
    node.undo_judgement(&s, j.seq).unwrap();
    // Without a reason the confidential record is hidden: the judgement does not exist for
    // the caller, and the answer names no entity.
    let err = node.undo_judgement(&analyst(None), j.seq).unwrap_err();
    assert!(matches!(err, NodeError::NotFound(_)), "{err:?}");
    assert!(!err.to_string().contains("p-l1"), "{err}");
}

#[test]
fn the_pair_view_shows_where_the_evidence_starts() {
    let (node, _dir) = fixture();
    let s = analyst(Some("case 42: network mapping"));
    let pair = node.review_pair(&s, "p-b1", "p-l1").unwrap();
    let sum: f64 = pair.prior_bits + pair.evidence.iter().map(|e| e.bits).sum::<f64>();
    assert!((sum - pair.bits).abs() < 1e-9, "{sum} vs {}", pair.bits);
    assert!(!pair.identical);
    let plates = node.review_pair(&s, "v-1", "v-4").unwrap();
    assert!(plates.identical && plates.probability > 0.999);
    // Identical records are the same by definition: not put to a reviewer.
    let queue = queue_pairs(&node, &s);
    assert!(!queue.contains(&("v-1".into(), "v-4".into())), "{queue:?}");
    assert!(same_as(&node, &s, "v-1").contains(&"v-4".to_string()));
}

#[test]
fn the_queue_and_the_pair_page_agree_when_nothing_is_withheld() {
    let (node, _dir) = fixture();
    let s = analyst(Some("case 42: network mapping"));
    let queue = node
        .review_queue(&s, None, false, super::QueueOrder::Strongest, 0, 200)
        .unwrap();
    for item in queue.items {
        let pair = node.review_pair(&s, &item.left.id, &item.right.id).unwrap();
        assert!(
            (pair.probability - item.probability).abs() < 1e-6,
            "{} {}: queue {} page {}",
            item.left.id,
            item.right.id,
            item.probability,
            pair.probability
        );
    }
}
