//! Protection work on a real store: a boat of fifty registered at once with families, drafts
//! and screenings; impossible values refused by person and field with nothing written; a
//! repeat registration proposed and joined; referrals that need consent; returns in order;
//! enforcement roles kept from protection data on every path; and a smuggled person made a
//! suspect only by name, with a reason, audited.

use std::sync::Arc;

use corridor_model::{
    HandlingCode, InformationGrade, Model, Provenance, Purpose, SourceReliability, Statement,
};
use corridor_policy::Subject;
use corridor_protection::avrr::{Step, StepStatus};
use corridor_protection::referral::{Consent, ReferralState, Service};
use corridor_protection::vulnerability::{Accompaniment, Screening};
use corridor_store::Location;

use super::*;
use crate::{Node, NodeError};

mod htcds;
mod offline;
mod rights;

pub(super) fn node() -> (Node, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let model = Arc::new(Model::builtin().unwrap());
    let location = Location::Directory(dir.path().join("store"));
    corridor_store::create(&location, model.clone()).unwrap();
    // One connection, as the demo and the command line have.
    let node = Node::open(&location, &dir.path().join("node"), model, 1).unwrap();
    (node, dir)
}

pub(super) fn who(role: &str, reason: Option<&str>) -> Subject {
    Subject {
        username: format!("{role}-user"),
        roles: vec![role.into()],
        reason: reason.map(str::to_string),
    }
}

pub(super) fn officer() -> Subject {
    who("protection_officer", None)
}

pub(super) fn person(row: &str, first: &str, second: &str) -> PersonInput {
    PersonInput {
        row: Some(row.into()),
        first_name: first.into(),
        second_name: second.into(),
        birthdate: "1994-03-02".into(),
        gender: "Masculine".into(),
        citizenship: vec!["er".into()],
        agreement_to_manage_personal_data: Some("yes".into()),
        ..Default::default()
    }
}

pub(super) fn boat(persons: Vec<PersonInput>) -> RegistrationInput {
    RegistrationInput {
        place: "Lampedusa, Molo Favarolo".into(),
        date: None,
        event: Some(EventInput {
            name: "Boat rescued south of Lampedusa".into(),
            area: Some("sea".into()),
            outcome: Some("rescued".into()),
            ..Default::default()
        }),
        persons,
    }
}

/// The label of an interception record: border management data every enforcement role reads.
fn interception_label() -> Arc<Provenance> {
    Arc::new(Provenance {
        dataset: "interceptions".into(),
        recorded_by: "loader".into(),
        recorded_at: "2026-11-01T08:00:00Z".into(),
        handling: HandlingCode::Restricted,
        purpose: Purpose::BorderManagement,
        reliability: SourceReliability::B,
        grade: InformationGrade::KnownToSource,
    })
}

fn statement_count(node: &Node) -> u64 {
    node.store().stats().unwrap().statements
}

#[test]
fn a_boat_of_fifty_is_registered_at_once_with_families_drafts_and_screenings() {
    let (node, _dir) = node();
    let mut persons: Vec<PersonInput> = (0..50)
        .map(|i| person(&i.to_string(), &format!("Traveller{i}"), "Tesfay"))
        .collect();
    // A mother and her son; a child alone; a draft without gender.
    persons[1].family = vec![FamilyInput {
        relative: "0".into(),
        relationship: "mother".into(),
    }];
    persons[2] = PersonInput {
        birthdate: String::new(),
        age_claimed: Some(15),
        accompaniment: Some(Accompaniment::Unaccompanied),
        screening: Some(Screening::default()),
        ..person("2", "Yonas", "Haile")
    };
    persons[3].gender = String::new();
    let result = node.register_migrants(&officer(), boat(persons)).unwrap();
    assert_eq!(result.persons.len(), 50);
    let event = result.event.clone().unwrap();
    let draft = &result.persons[3];
    assert_eq!(draft.status, "draft");
    assert_eq!(draft.missing, ["gender"]);
    let child = &result.persons[2];
    let assessment = child.assessment.as_ref().unwrap();
    assert!(assessment.child);
    assert_eq!(assessment.referrals[0].service, Service::ChildProtection);
    // The case page brings it together; the mother is linked.
    let case = node
        .protection_case(&officer(), &result.persons[1].person_id)
        .unwrap();
    assert_eq!(case.family.len(), 1);
    assert_eq!(case.family[0].relative, result.persons[0].person_id);
    assert_eq!(case.family[0].relationship, "mother");
    // From the mother's side, the same link reads the other way.
    let mother = node
        .protection_case(&officer(), &result.persons[0].person_id)
        .unwrap();
    assert_eq!(mother.family[0].relationship, "child");
    assert_eq!(case.registrations[0].event.as_deref(), Some(event.as_str()));
    assert!(case.status.protected, "{:?}", case.status);
    let child_case = node.protection_case(&officer(), &child.person_id).unwrap();
    assert_eq!(child_case.screenings.len(), 1);
    // The worklist puts the child with an urgent need first.
    let cases = node.protection_cases(&officer()).unwrap();
    assert_eq!(cases.len(), 50);
    assert_eq!(cases[0].person, child.person_id);
    assert!(cases.iter().any(|c| c.draft));
}

/// Writes one statement as the interception loader would (border management data).
pub(super) fn write_as_enforcement(node: &Node, id: &str, schema: &str, prop: &str, value: &str) {
    let mut store = node.store();
    let mut tx = store.begin().unwrap();
    tx.write(&[Statement::assert(
        id,
        schema,
        prop,
        value.into(),
        None,
        interception_label(),
    )])
    .unwrap();
    tx.commit().unwrap();
}

#[test]
fn the_index_of_registered_persons_is_rebuilt_for_what_it_holds_only() {
    let (node, _dir) = node();
    let first = node
        .register_migrants(&officer(), boat(vec![person("0", "Selam", "Tesfay")]))
        .unwrap();
    let before = node.protection_index().unwrap();
    // The node's other work (here an interception) moves the store on, not the index.
    write_as_enforcement(&node, "int-9", "Interception", "date", "2026-11-02");
    write_as_enforcement(&node, "deb-9", "Person", "name", "Kidane Berhe");
    let after = node.protection_index().unwrap();
    assert!(
        Arc::ptr_eq(&before, &after),
        "rebuilt for writes it does not hold"
    );
    // A new registration is in the index at once.
    let second = node
        .register_migrants(&officer(), boat(vec![person("0", "Yonas", "Haile")]))
        .unwrap();
    let index = node.protection_index().unwrap();
    assert!(!Arc::ptr_eq(&before, &index));
    let registered = |index: &ProtectionIndex, id: &str| index.persons.iter().any(|(p, _)| p == id);
    assert!(registered(&index, &second.persons[0].person_id));
    assert!(registered(&index, &first.persons[0].person_id));
    // So is a change to a registered person, whoever writes it: their names are what a
    // returning person is compared by.
    write_as_enforcement(
        &node,
        &first.persons[0].person_id,
        "Person",
        "alias",
        "Selam Tesfaye",
    );
    let changed = node.protection_index().unwrap();
    assert!(
        !Arc::ptr_eq(&index, &changed),
        "a registered person's change is missed"
    );
}

#[test]
fn impossible_values_are_refused_by_person_and_field_and_nothing_is_written() {
    let (node, _dir) = node();
    let before = statement_count(&node);
    let mut bad = vec![
        person("a", "Amanuel", "Ghebre"),
        person("b", "Selam", "Ghebre"),
    ];
    bad[0].birthdate = "2031-01-01".into();
    bad[1].age_claimed = Some(150);
    bad[1].gender = "Woman".into();
    bad[1].family = vec![FamilyInput {
        relative: "z".into(),
        relationship: "brother".into(),
    }];
    bad[0].same_as = Some("prot-person-nobody".into());
    let err = node
        .register_migrants(&officer(), boat(bad))
        .unwrap_err()
        .to_string();
    for expected in [
        "persons[0].birthdate: 2031-01-01 is after",
        "persons[1].age_claimed: 150 is not a possible age",
        "persons[1].gender: \"Woman\" is not one of Feminine",
        "persons[1].family[0].relative: \"z\" is neither",
        "persons[0].same_as: no registered person prot-person-nobody",
    ] {
        assert!(err.contains(expected), "{expected} not in {err}");
    }
    let empty = node
        .register_migrants(
            &officer(),
            RegistrationInput {
                place: " ".into(),
                date: Some("2026-02-30".into()),
                event: None,
                persons: vec![],
            },
        )
        .unwrap_err()
        .to_string();
    assert!(
        empty.contains("place:") && empty.contains("date:") && empty.contains("persons: 1 to 200"),
        "{empty}"
    );
    // Nothing was written but the refusals' audit entries.
    assert_eq!(statement_count(&node), before);
    let audit = node.store().audit_range(1, 100).unwrap();
    let refusals = audit
        .iter()
        .filter(|e| e.action == "protection register" && e.outcome.starts_with("refused: "))
        .count();
    assert_eq!(refusals, 2, "{audit:?}");
}

#[test]
fn a_repeat_registration_is_proposed_with_reasons_and_joined_not_duplicated() {
    let (node, _dir) = node();
    let mut first = person("1", "Abdulrahman", "Al-Sayed");
    first.citizenship = vec!["sy".into()];
    first.birthdate = "1985-03-12".into();
    first.documents = vec![DocumentInput {
        kind: "passport".into(),
        number: "N01234567".into(),
        country: "sy".into(),
    }];
    let a = node
        .register_migrants(&officer(), boat(vec![first]))
        .unwrap();
    let earlier = a.persons[0].person_id.clone();
    // Months later, in another port, in another spelling and in Arabic.
    let mut again = person("1", "Abd al-Rahman", "Alsaid");
    again.citizenship = vec!["sy".into()];
    again.birthdate = "1985-03-12".into();
    again.other_names = vec!["عبد الرحمن السيد".into()];
    let mut input = boat(vec![again.clone()]);
    input.place = "Pozzallo".into();
    let b = node.register_migrants(&officer(), input).unwrap();
    let proposed = &b.persons[0].possible_matches;
    assert_eq!(
        proposed.first().map(|m| m.person_id.as_str()),
        Some(earlier.as_str()),
        "{proposed:?}"
    );
    assert!(!proposed[0].reasons.is_empty());
    // The officer says "same person": no new person is made.
    again.same_as = Some(earlier.clone());
    let c = node
        .register_migrants(&officer(), boat(vec![again]))
        .unwrap();
    assert_eq!(c.persons[0].person_id, earlier);
    assert!(c.persons[0].possible_matches.is_empty());
    let case = node.protection_case(&officer(), &earlier).unwrap();
    assert_eq!(case.registrations.len(), 2);
    for r in &case.registrations {
        assert_eq!(r.fields["gender"], ["Masculine"], "{r:?}");
    }
    assert!(case.facts["alias"].contains(&"عبد الرحمن السيد".to_string()));
}

#[test]
fn referrals_need_consent_and_move_in_order() {
    let (node, _dir) = node();
    let r = node
        .register_migrants(&officer(), boat(vec![person("1", "Meron", "Tekle")]))
        .unwrap();
    let p = r.persons[0].person_id.clone();
    let referral = |consent: Consent, send: bool| ReferralInput {
        person: p.clone(),
        service: Service::Asylum,
        provider: "Asylum commission, Agrigento".into(),
        due_date: "2099-01-10".into(),
        consent,
        sharing_consent: Consent::Given,
        legal_basis: None,
        note: None,
        reasons: vec!["wishes to seek asylum".into()],
        send,
    };
    let refused = node
        .create_referral(&officer(), referral(Consent::Refused, true))
        .unwrap_err()
        .to_string();
    assert!(refused.contains("consent"), "{refused}");
    let proposed = node
        .create_referral(&officer(), referral(Consent::NotAsked, false))
        .unwrap();
    assert_eq!(proposed.status, ReferralState::Proposed);
    assert_eq!(
        proposed.provider.as_deref(),
        Some("Asylum commission, Agrigento")
    );
    let step = |status, consent: Option<Consent>| ReferralStepInput {
        status,
        note: None,
        consent,
        sharing_consent: None,
        legal_basis: None,
    };
    let err = node
        .referral_step(&officer(), &proposed.id, step(ReferralState::Sent, None))
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing: referral"), "{err}");
    let sent = node
        .referral_step(
            &officer(),
            &proposed.id,
            step(ReferralState::Sent, Some(Consent::Given)),
        )
        .unwrap();
    assert_eq!(sent.status, ReferralState::Sent);
    assert_eq!(sent.steps.len(), 2);
    let err = node
        .referral_step(
            &officer(),
            &proposed.id,
            step(ReferralState::Proposed, None),
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot become proposed"), "{err}");
    let past = ReferralInput {
        due_date: "2001-01-01".into(),
        ..referral(Consent::Given, false)
    };
    assert!(
        node.create_referral(&officer(), past)
            .unwrap_err()
            .to_string()
            .contains("already past")
    );
    // A return goes step by step.
    let err = node
        .return_step(
            &officer(),
            &p,
            ReturnStepInput {
                step: Step::Travel,
                status: StepStatus::Done,
                note: None,
                destination: None,
            },
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot start before counselling"), "{err}");
    let plan = node
        .return_step(
            &officer(),
            &p,
            ReturnStepInput {
                step: Step::Counselling,
                status: StepStatus::Done,
                note: Some("wishes to go home to Asmara".into()),
                destination: Some("er".into()),
            },
        )
        .unwrap();
    assert_eq!(plan.plan.status(Step::Counselling), StepStatus::Done);
    assert_eq!(plan.destination.as_deref(), Some("er"));
    let case = node.protection_case(&officer(), &p).unwrap();
    assert_eq!(case.referrals.len(), 1);
    assert!(case.return_plan.is_some());
}

#[test]
fn enforcement_roles_reach_no_protection_data_on_any_path() {
    let (node, _dir) = node();
    let r = node
        .register_migrants(&officer(), boat(vec![person("1", "Saba", "Woldu")]))
        .unwrap();
    let p = r.persons[0].person_id.clone();
    for role in [
        "analyst",
        "investigator",
        "border_officer",
        "central_authority",
        "administrator",
        "researcher",
    ] {
        let s = who(role, Some("case 7, trying every path"));
        assert!(
            matches!(
                node.register_migrants(&s, boat(vec![person("1", "X", "Y")])),
                Err(NodeError::Forbidden(_))
            ),
            "{role} registered"
        );
        assert!(
            node.protection_case(&s, &p).is_err(),
            "{role} read the case"
        );
        assert!(
            node.protection_cases(&s).is_err(),
            "{role} read the worklist"
        );
        assert!(
            node.entity(&s, &p).is_err() || node.entity(&s, &p).unwrap().properties.is_empty(),
            "{role} read the person"
        );
        if let Ok(found) = node.search(&s, "Woldu", 10) {
            assert!(found.results.is_empty(), "{role} found the person");
        }
        let mut out = Vec::new();
        if node.export_ftm(&s, &mut out).is_ok() {
            assert!(
                !String::from_utf8_lossy(&out).contains("Woldu"),
                "{role} exported"
            );
        }
        // The graph, statistics and a cooperation package see nothing of it either.
        if let Ok(graph) = node.network_neighbourhood(&s, &p, 2, &Default::default(), 100) {
            assert!(graph.nodes.is_empty(), "{role} drew the person");
        }
        if let Ok(stats) = node.stats(&s) {
            assert!(
                !stats
                    .statements_by_dataset
                    .contains_key(super::PROTECTION_DATASET),
                "{role} counted protection data"
            );
        }
        if role == "central_authority" {
            node.coop_init("it").unwrap();
            let libya = corridor_coop::NodeKeys::generate("ly").unwrap();
            node.add_partner(
                &s,
                crate::coop::PartnerInput {
                    keys: libya.public(),
                    name: "Libya".into(),
                    url: String::new(),
                    accepts: corridor_coop::RequestType::ALL.to_vec(),
                    fingerprint: libya.public().fingerprint(),
                },
            )
            .unwrap();
            let share = node.share(
                &s,
                crate::coop::ShareInput {
                    to: "ly".into(),
                    reference: "S".into(),
                    handling: corridor_coop::Dissemination::H0,
                    note: None,
                    entities: vec![p.clone()],
                    watchlist: None,
                    alert: None,
                },
            );
            let err = share.unwrap_err().to_string();
            assert!(
                err.contains(&format!("no entity {p}")),
                "{role} shared the person: {err}"
            );
        }
    }
}

#[test]
fn an_enforcement_user_trying_protection_work_is_refused_and_audited() {
    let (node, _dir) = node();
    let analyst = who("analyst", Some("curious"));
    assert!(node.protection_cases(&analyst).is_err());
    assert!(node.retention_report(&analyst).is_err());
    let audit = node.store().audit_range(1, 100).unwrap();
    let refused: Vec<_> = audit
        .iter()
        .filter(|e| {
            e.user == "analyst-user" && e.action == "protection" && e.outcome.starts_with("refused")
        })
        .collect();
    assert_eq!(refused.len(), 2, "{audit:?}");
}

#[test]
fn protection_data_reaches_enforcement_only_as_disclosed_on_consent_and_until_withdrawn() {
    let (node, _dir) = node();
    let mut p = person("1", "Kidane", "Berhe");
    p.citizenship = vec!["er".into()];
    let r = node.register_migrants(&officer(), boat(vec![p])).unwrap();
    let id = r.persons[0].person_id.clone();
    let investigator = who("investigator", Some("trafficking case 44"));
    let seen = |s: &Subject, id: &str| -> Vec<String> {
        node.entity(s, id)
            .map(|e| e.properties.keys().cloned().collect())
            .unwrap_or_default()
    };
    assert!(seen(&investigator, &id).is_empty());
    let input = |basis_text: &str| DisclosureInput {
        to: "law_enforcement".into(),
        basis: "consent".into(),
        basis_text: basis_text.into(),
        recipient: "Squadra Mobile, Agrigento".into(),
        props: vec!["name".into(), "birthDate".into()],
    };
    assert!(
        node.disclose(&officer(), &id, input("yes"))
            .unwrap_err()
            .to_string()
            .contains("basis_text")
    );
    assert!(matches!(
        node.disclose(
            &investigator,
            &id,
            input("he agreed to testify, signed 30 Nov")
        ),
        Err(NodeError::Forbidden(_))
    ));
    let d = node
        .disclose(
            &officer(),
            &id,
            input("he agreed to testify, signed 30 Nov"),
        )
        .unwrap();
    assert_eq!(d.props, ["name", "birthDate"]);
    // The investigator sees what was given on a record of its own, and nothing of the
    // protection record.
    assert_eq!(seen(&investigator, &d.copy), ["birthDate", "name"]);
    assert!(seen(&investigator, &id).is_empty());
    // A border officer (law enforcement up to public only) sees none of it.
    assert!(seen(&who("border_officer", Some("x")), &d.copy).is_empty());
    let case = node.protection_case(&officer(), &id).unwrap();
    assert_eq!(case.disclosures.len(), 1);
    assert_eq!(case.disclosures[0].recipient, "Squadra Mobile, Agrigento");
    // Consent withdrawn: the copies are retracted.
    node.withdraw_disclosure(&officer(), &d.id, "he withdrew his consent on 2 Dec")
        .unwrap();
    assert!(
        node.entity(&investigator, &d.copy).is_err(),
        "nothing of it stays, not even history"
    );
    let audit = node.store().audit_range(1, 300).unwrap();
    assert!(audit.iter().any(|e| e.action == "protection disclosure"));
    assert!(
        audit
            .iter()
            .any(|e| e.action == "protection disclosure withdrawn")
    );
}

#[test]
fn a_smuggled_person_is_made_a_suspect_only_by_name_with_a_reason_and_audited() {
    let (node, _dir) = node();
    // A migrant in an interception record (border management data).
    let provenance = interception_label();
    {
        let mut store = node.store();
        let mut tx = store.begin().unwrap();
        tx.write(&[Statement::assert(
            "deb-1",
            "Person",
            "name",
            "Kidane Berhe".into(),
            None,
            provenance,
        )])
        .unwrap();
        tx.commit().unwrap();
    }
    let input = |status: &str, reason: &str| PersonStatusInput {
        status: status.into(),
        reason: reason.into(),
    };
    let border = who("border_officer", None);
    node.set_person_status(
        &border,
        "deb-1",
        input(
            "object_of_smuggling",
            "paid 2,500 USD for the crossing, debriefed",
        ),
    )
    .unwrap();
    assert!(node.is_protected("deb-1").unwrap());
    // Only a role that designates, with a reason.
    for role in ["analyst", "border_officer", "protection_officer"] {
        assert!(
            matches!(
                node.set_person_status(
                    &who(role, None),
                    "deb-1",
                    input("suspect", "drove the boat for a fee")
                ),
                Err(NodeError::Forbidden(_))
            ),
            "{role}"
        );
    }
    let investigator = who("investigator", None);
    assert!(
        node.set_person_status(&investigator, "deb-1", input("suspect", "says so"))
            .unwrap_err()
            .to_string()
            .contains("reason: 10 to 2000")
    );
    let view = node
        .set_person_status(
            &investigator,
            "deb-1",
            input(
                "suspect",
                "steered the boat and collected the fees (witnesses 3 and 7)",
            ),
        )
        .unwrap();
    assert!(!view.protected);
    assert_eq!(view.history.len(), 2);
    assert_eq!(
        view.in_force.as_ref().unwrap().decided_by,
        "investigator-user"
    );
    assert!(!node.is_protected("deb-1").unwrap());
    let audit = node.store().audit_range(1, 100).unwrap();
    let entry = audit
        .iter()
        .find(|e| e.action == "designate suspect (recorded as smuggled)")
        .expect("the designation is audited");
    assert_eq!(entry.user, "investigator-user");
    assert!(
        entry
            .reason
            .as_deref()
            .unwrap()
            .contains("steered the boat")
    );
    assert!(entry.outcome.contains("was object_of_smuggling"));
    // Unknown statuses and persons are named.
    assert!(
        node.set_person_status(&investigator, "deb-1", input("guilty", "0123456789"))
            .unwrap_err()
            .to_string()
            .contains("not one of")
    );
    assert!(matches!(
        node.set_person_status(
            &investigator,
            "nobody",
            input("suspect", "0123456789 reason")
        ),
        Err(NodeError::NotFound(_))
    ));
}

#[test]
fn a_hit_on_a_smuggled_person_goes_to_protection_not_to_enforcement() {
    let (node, _dir) = node();
    let provenance = interception_label();
    let person = |id: &str, name: &str| {
        let mut store = node.store();
        let mut tx = store.begin().unwrap();
        tx.write(&[
            Statement::assert(id, "Person", "name", name.into(), None, provenance.clone()),
            Statement::assert(
                id,
                "Person",
                "birthDate",
                "1990-04-01".into(),
                None,
                provenance.clone(),
            ),
        ])
        .unwrap();
        tx.commit().unwrap();
    };
    person("int-1", "Amina Yusuf");
    person("int-2", "Amina Yusuf");
    person("int-3", "Amina Yusuf");
    node.import_watchlist(
        &who("analyst", None),
        crate::border::WatchlistImport::new(
            "national",
            "list.ftm.json",
            br#"{"id": "wl-1", "schema": "Person", "properties": {"name": ["Amina Yusuf"], "birthDate": ["1990-04-01"]}}"#,
        ),
    )
    .unwrap();
    let border = who("border_officer", None);
    node.set_person_status(
        &border,
        "int-1",
        PersonStatusInput {
            status: "object_of_smuggling".into(),
            reason: "rescued from the boat of 3 March, paid the smugglers".into(),
        },
    )
    .unwrap();
    let raise = |id: &str| {
        let mut store = node.store();
        let statements = store.entity_statements(id).unwrap();
        let live = corridor_model::entity::live_statements(&statements);
        let facts = crate::border::ScreenedFacts::from_statements(&node.model, &live);
        let hits = node.screen_facts(&mut **store, &border, &facts).unwrap();
        node.raise_alerts(&mut **store, &border, id, &facts, &hits, None)
            .unwrap()
    };
    let protected = raise("int-1");
    assert!(protected[0].protection_relevant);
    let other = raise("int-2");
    assert!(!other[0].protection_relevant);
    // The enforcement queue has the other one only; protection has the protected one only.
    let queue = |s: &Subject| -> Vec<String> {
        node.alerts(s, crate::border::AlertFilter::All, 100)
            .unwrap()
            .into_iter()
            .map(|a| a.subject_id)
            .collect()
    };
    assert_eq!(queue(&border), ["int-2"]);
    assert_eq!(
        queue(&who("protection_officer", Some("alert follow-up"))),
        ["int-1"]
    );
    // Protection decides it; the decision stays protection data.
    let decided = node
        .decide_alert(
            &who("protection_officer", Some("alert follow-up")),
            &protected[0].id,
            crate::border::Decision::TrueMatch,
            "same person; referred to the anti-trafficking desk",
        )
        .unwrap();
    assert!(decided.protection_relevant);
    assert_eq!(queue(&border), ["int-2"]);
    // An alert raised before the person was recorded as smuggled moves to protection then.
    let earlier = raise("int-3");
    assert!(!earlier[0].protection_relevant);
    assert_eq!(queue(&border), ["int-2", "int-3"]);
    node.set_person_status(
        &border,
        "int-3",
        PersonStatusInput {
            status: "object_of_smuggling".into(),
            reason: "in the same boat, paid the same smugglers".into(),
        },
    )
    .unwrap();
    assert_eq!(queue(&border), ["int-2"]);
    let mut protection_queue = queue(&who("protection_officer", Some("alert follow-up")));
    protection_queue.sort();
    assert_eq!(protection_queue, ["int-1", "int-3"]);
    // The border officer reads the status they recorded.
    assert!(node.person_status(&border, "int-3").unwrap().protected);
}
