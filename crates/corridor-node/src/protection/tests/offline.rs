//! A protection field node with no link registers people; later its records go up to the
//! national node through a protection account, and only protection records go that way.
//! The same fact corrected at both ends while they were apart is shown as a conflict until a
//! person chooses.

use corridor_policy::Subject;

use super::{boat, node, officer, person};
use crate::NodeError;
use crate::protection::{CorrectionInput, ResolveInput};
use crate::sync::{Batch, SyncScope};

fn push(
    from: &crate::Node,
    to: &crate::Node,
    after: i64,
    scope: SyncScope,
    account: &str,
) -> Result<i64, NodeError> {
    let page = from.sync_outgoing_scoped(after, scope)?;
    to.sync_receive(
        &Subject {
            username: "field-1".into(),
            roles: vec![account.into()],
            reason: None,
        },
        Batch {
            node: "field-lampedusa".into(),
            sent_at: crate::now(),
            statements: page.statements,
        },
    )?;
    Ok(page.last)
}

#[test]
fn a_field_registration_goes_up_later_and_edits_made_apart_are_a_conflict_to_settle() {
    let (field, _a) = node();
    let (national, _b) = node();
    // Offline at the quay: a group registered.
    let r = field
        .register_migrants(
            &officer(),
            boat(vec![
                person("1", "Saba", "Woldu"),
                person("2", "Meron", "Woldu"),
            ]),
        )
        .unwrap();
    let id = r.persons[0].person_id.clone();
    // The enforcement side of the field node carries none of it; a border post's account at
    // the national node may not take it.
    let enforcement = field
        .sync_outgoing_scoped(0, SyncScope::Enforcement)
        .unwrap();
    assert!(enforcement.statements.is_empty());
    assert!(matches!(
        push(&field, &national, 0, SyncScope::Protection, "border_post"),
        Err(NodeError::Forbidden(_) | NodeError::Invalid(_))
    ));
    assert!(national.protection_cases(&officer()).unwrap().is_empty());
    // The link is back: through the protection account, everything arrives.
    let cursor = push(
        &field,
        &national,
        0,
        SyncScope::Protection,
        "protection_post",
    )
    .unwrap();
    let case = national.protection_case(&officer(), &id).unwrap();
    assert_eq!(case.registrations.len(), 1);
    assert!(case.conflicts.is_empty());
    // Apart again: the field officer and a national officer correct the same birth date.
    let birth = national
        .store()
        .entity_statements(&id)
        .unwrap()
        .into_iter()
        .find(|s| s.prop == "birthDate")
        .unwrap();
    let correct = |node: &crate::Node, who: &str, value: &str| {
        node.correct_fact(
            &Subject {
                username: who.into(),
                ..officer()
            },
            &id,
            CorrectionInput {
                entity: id.clone(),
                statement_id: birth.id.to_string(),
                value: value.into(),
                reason: format!("{who} saw a document"),
            },
        )
        .unwrap();
    };
    correct(&field, "field-officer", "1994-03-12");
    correct(&national, "national-officer", "1993-03-02");
    push(
        &field,
        &national,
        cursor,
        SyncScope::Protection,
        "protection_post",
    )
    .unwrap();
    let case = national.protection_case(&officer(), &id).unwrap();
    assert_eq!(case.conflicts.len(), 1, "{:?}", case.conflicts);
    let conflict = &case.conflicts[0];
    assert_eq!(conflict.prop, "birthDate");
    assert_eq!(conflict.replaced, "1994-03-02");
    let authors: Vec<&str> = conflict
        .values
        .iter()
        .map(|v| v.recorded_by.as_str())
        .collect();
    assert!(authors.contains(&"field-officer") && authors.contains(&"national-officer"));
    // Nothing was overwritten: both values are live until a person chooses.
    assert_eq!(case.facts["birthDate"].len(), 2);
    let keep = conflict
        .values
        .iter()
        .find(|v| v.value == "1994-03-12")
        .unwrap()
        .statement_id
        .clone();
    let err = national
        .resolve_conflict(
            &officer(),
            &id,
            ResolveInput {
                entity: id.clone(),
                keep: keep.clone(),
                reason: "ok".into(),
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("reason"), "{err}");
    national
        .resolve_conflict(
            &officer(),
            &id,
            ResolveInput {
                entity: id.clone(),
                keep,
                reason: "the passport seen at the quay says 12 March".into(),
            },
        )
        .unwrap();
    let case = national.protection_case(&officer(), &id).unwrap();
    assert!(case.conflicts.is_empty());
    assert_eq!(case.facts["birthDate"], ["1994-03-12"]);
    let audit = national.store().audit_range(1, 500).unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "protection conflict resolved")
    );
}
