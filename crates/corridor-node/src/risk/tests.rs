//! Risk profiles in a node: facts from the history, hits explained and routed by kind,
//! non-criminalisation, changes approved by a second user, backtests and disparity.

use std::sync::Arc;

use corridor_model::{HandlingCode, InformationGrade, Model, Provenance, Purpose, Statement};
use corridor_policy::Subject;
use corridor_store::Location;

use super::RuleChangeInput;
use crate::border::{AlertFilter, CrossingInput, CrossingResult, Decision};
use crate::{Node, NodeError};

fn subject(role: &str) -> Subject {
    Subject {
        username: format!("{role}-user"),
        roles: vec![role.into()],
        reason: Some("risk test".into()),
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

fn days_ago(n: i64) -> String {
    corridor_model::types::format_unix_utc(crate::now_unix() - n * 86_400 - 3600)
}

/// A crossing at the test's point, the traveller known by name only.
fn crossing_of(name: &str) -> CrossingInput {
    CrossingInput {
        name: name.into(),
        point: "bcp-risk-test".into(),
        direction: "entry".into(),
        ..Default::default()
    }
}

fn cross(
    node: &Node,
    doc: &str,
    born: &str,
    at: &str,
    vehicle: &str,
    companions: &[&str],
) -> CrossingResult {
    node.register_crossing(
        &subject("border_officer"),
        CrossingInput {
            name: format!("Traveller {doc}"),
            birth_date: born.into(),
            nationality: "ly".into(),
            sex: "M".into(),
            document_number: doc.into(),
            issuing_state: "LBY".into(),
            point: "bcp-risk-test".into(),
            direction: "entry".into(),
            at: at.into(),
            vehicle: vehicle.into(),
            companions: companions.iter().map(|c| c.to_string()).collect(),
            ..Default::default()
        },
    )
    .unwrap()
}

/// Writes facts as a law-enforcement source would.
fn write(node: &Node, id: &str, schema: &str, props: &[(&str, &str)]) {
    let provenance = Arc::new(Provenance {
        dataset: "intelligence".into(),
        recorded_by: "loader".into(),
        recorded_at: "2026-11-30T08:00:00Z".into(),
        handling: HandlingCode::Restricted,
        purpose: Purpose::LawEnforcement,
        reliability: corridor_model::SourceReliability::B,
        grade: InformationGrade::KnownToSource,
    });
    let statements: Vec<Statement> = props
        .iter()
        .map(|(p, v)| Statement::assert(id, schema, p, v.to_string(), None, provenance.clone()))
        .collect();
    let mut store = node.store();
    let mut tx = store.begin().unwrap();
    tx.write(&statements).unwrap();
    tx.commit().unwrap();
}

/// A driver who crosses again and again in a vehicle seen in an interception, each time with
/// new people, and who received a smuggling fee.
fn driver_world(node: &Node) -> CrossingResult {
    write(
        node,
        "interception-1",
        "Interception",
        &[
            ("name", "Stop near the border"),
            ("vehicle", "vehicle-placeholder"),
        ],
    );
    let first = cross(
        node,
        "D0000001",
        "1980-02-02",
        &days_ago(80),
        "AB 123",
        &["companion-1", "companion-2"],
    );
    let vehicle = corridor_model::id::make_id(Some("vehicle"), &["AB 123"]);
    write(
        node,
        "interception-2",
        "Interception",
        &[("name", "Stop near the border"), ("vehicle", &vehicle)],
    );
    write(
        node,
        "fee-1",
        "SmugglingFee",
        &[
            ("payer", "payer-1"),
            ("recipient", &first.person_id),
            ("amount", "3000 USD"),
        ],
    );
    for (i, ago) in [60, 40, 20, 10].into_iter().enumerate() {
        let a = format!("companion-{}", 10 + 2 * i);
        let b = format!("companion-{}", 11 + 2 * i);
        cross(
            node,
            "D0000001",
            "1980-02-02",
            &days_ago(ago),
            "AB 123",
            &[&a, &b],
        );
    }
    cross(
        node,
        "D0000001",
        "1980-02-02",
        &days_ago(1),
        "AB 123",
        &["companion-99"],
    )
}

#[test]
fn a_facilitator_crossing_raises_an_explained_enforcement_alert() {
    let (node, _dir) = node();
    let last = driver_world(&node);
    let hit = last
        .risk
        .iter()
        .find(|h| h.hit.profile == "facilitator-at-the-crossing")
        .unwrap_or_else(|| panic!("{:?}", last.risk));
    assert_eq!(hit.routed_to, "enforcement_alert");
    assert!(hit.hit.score >= hit.hit.threshold);
    let fired: Vec<&str> = hit.hit.indicators.iter().map(|i| i.id.as_str()).collect();
    for id in [
        "known-facilitator",
        "vehicle-seen-in-interception",
        "repeated-crossings-different-companions",
    ] {
        assert!(fired.contains(&id), "{id} not among {fired:?}");
    }
    let repeated = hit
        .hit
        .indicators
        .iter()
        .find(|i| i.id == "repeated-crossings-different-companions")
        .unwrap();
    let observed: Vec<(String, serde_json::Value)> = repeated
        .conditions
        .iter()
        .map(|c| (c.field.clone(), c.observed.clone()))
        .collect();
    assert!(
        observed.contains(&("traveller.crossings_90d".into(), serde_json::json!(5))),
        "{observed:?}"
    );
    assert!(
        observed.contains(&("traveller.companions_90d".into(), serde_json::json!(11))),
        "{observed:?}"
    );

    // The analyst's queue has it with its explanation; a protection officer never sees it.
    let queue = node
        .risk_alerts(&subject("analyst"), AlertFilter::Open, 100)
        .unwrap();
    let alert = queue
        .iter()
        .find(|a| a.id == hit.alert_id)
        .expect("in the enforcement queue");
    assert_eq!(alert.kind, "possible_perpetrator");
    assert!(!alert.protection);
    assert!(
        alert
            .explanation
            .to_string()
            .contains("vehicle.seen_in_interception")
    );
    let protection = node
        .risk_alerts(&subject("protection_officer"), AlertFilter::All, 100)
        .unwrap();
    assert!(protection.iter().all(|a| a.id != hit.alert_id));

    // Decided with a note, audited.
    let decided = node
        .decide_risk_alert(
            &subject("analyst"),
            &hit.alert_id,
            Decision::TrueMatch,
            "driver confirmed by the unit",
        )
        .unwrap();
    assert_eq!(decided.decision.unwrap().decision, "true_match");
    let err = node.decide_risk_alert(
        &subject("analyst"),
        &hit.alert_id,
        Decision::FalsePositive,
        "",
    );
    assert!(matches!(err, Err(NodeError::Invalid(_))));
    let audit = node
        .audit_recent(&subject("administrator"), None, 50)
        .unwrap();
    assert!(audit.iter().any(|a| a.action == "decide_risk_alert"));
}

#[test]
fn a_child_alone_is_referred_to_protection_never_to_enforcement() {
    let (node, _dir) = node();
    let child = cross(&node, "C0000001", "2013-05-01", &days_ago(1), "", &[]);
    let hit = child
        .risk
        .iter()
        .find(|h| h.hit.profile == "smuggled-person-in-need")
        .unwrap_or_else(|| panic!("{:?}", child.risk));
    assert_eq!(hit.routed_to, "protection_referral");
    assert!(
        child
            .risk
            .iter()
            .all(|h| h.routed_to == "protection_referral")
    );
    // Written as protection data: the enforcement roles cannot read it, protection can.
    for role in ["analyst", "border_officer", "investigator"] {
        let seen = node
            .risk_alerts(&subject(role), AlertFilter::All, 100)
            .unwrap();
        assert!(
            seen.iter().all(|a| a.id != hit.alert_id),
            "{role} sees a protection referral"
        );
    }
    let seen = node
        .risk_alerts(&subject("protection_officer"), AlertFilter::All, 100)
        .unwrap();
    let referral = seen
        .iter()
        .find(|a| a.id == hit.alert_id)
        .expect("protection sees it");
    assert!(referral.protection);
    // Protection cannot read the border record, so the referral carries the name.
    assert_eq!(
        referral.subject_caption.as_deref(),
        Some("Traveller C0000001")
    );
    let mut store = node.store();
    for s in store.entity_statements(&hit.alert_id).unwrap() {
        assert_eq!(s.provenance.purpose, Purpose::Protection, "{s:?}");
    }
}

#[test]
fn a_child_with_adults_not_known_as_family_is_referred_and_one_with_family_is_not() {
    let (node, _dir) = node();
    let separated = |r: &CrossingResult| {
        r.risk.iter().any(|h| {
            h.routed_to == "protection_referral"
                && h.hit.indicators.iter().any(|i| i.id == "separated-minor")
        })
    };
    let mother = cross(&node, "M0000001", "1985-02-01", &days_ago(5), "", &[]);
    let stranger = cross(&node, "S0000001", "1979-07-01", &days_ago(5), "", &[]);
    let first = cross(&node, "C0000002", "2014-03-01", &days_ago(4), "", &[]);
    assert!(!separated(&first), "alone is unaccompanied, not separated");
    // The border record says who the child's mother is (on the child's first record: later
    // records of the same child are resolved with it).
    write(
        &node,
        "family-risk-test",
        "Family",
        &[
            ("person", first.person_id.as_str()),
            ("relative", mother.person_id.as_str()),
            ("relationship", "mother"),
        ],
    );
    let with_mother = cross(
        &node,
        "C0000002",
        "2014-03-01",
        &days_ago(3),
        "",
        &[&mother.person_id],
    );
    assert!(!separated(&with_mother), "{:?}", with_mother.risk);
    let with_stranger = cross(
        &node,
        "C0000002",
        "2014-03-01",
        &days_ago(2),
        "",
        &[&stranger.person_id],
    );
    assert!(separated(&with_stranger), "{:?}", with_stranger.risk);
    let fired = with_stranger
        .risk
        .iter()
        .flat_map(|h| &h.hit.indicators)
        .find(|i| i.id == "separated-minor")
        .unwrap();
    assert!(
        fired
            .conditions
            .iter()
            .any(|c| c.field == "traveller.separated_minor")
    );
    // Never an enforcement alert, and nothing on the adult: the hit is the child's.
    assert!(
        with_stranger
            .risk
            .iter()
            .all(|h| h.routed_to == "protection_referral")
    );
    // The officer records the family at the desk: another child, crossing with its father.
    let father = cross(&node, "F0000001", "1980-06-01", &days_ago(3), "", &[]);
    let with_father = node
        .register_crossing(
            &subject("border_officer"),
            CrossingInput {
                name: "Traveller K0000003".into(),
                birth_date: "2015-08-01".into(),
                nationality: "ly".into(),
                document_number: "K0000003".into(),
                issuing_state: "LBY".into(),
                point: "bcp-risk-test".into(),
                direction: "entry".into(),
                at: days_ago(1),
                family: vec![father.person_id.clone()],
                ..Default::default()
            },
        )
        .unwrap();
    assert!(!separated(&with_father), "{:?}", with_father.risk);
    // Family travels along: the father is one of the crossing's companions.
    let companions: Vec<String> = node
        .store()
        .entity_statements(&with_father.crossing_id)
        .unwrap()
        .into_iter()
        .filter(|s| s.prop == "companions")
        .map(|s| s.value)
        .collect();
    assert_eq!(companions, std::slice::from_ref(&father.person_id));
    // A traveller cannot be recorded as their own family.
    let own = node
        .register_crossing(
            &subject("border_officer"),
            CrossingInput {
                family: vec![father.person_id.clone()],
                name: "Traveller F0000001".into(),
                birth_date: "1980-06-01".into(),
                nationality: "ly".into(),
                document_number: "F0000001".into(),
                issuing_state: "LBY".into(),
                point: "bcp-risk-test".into(),
                direction: "entry".into(),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(own.to_string().starts_with("family[0]"), "{own}");
    // A crowd is no group: at most 50 companions, and 50 of them family.
    let many: Vec<String> = (0..51).map(|i| format!("person-{i}")).collect();
    for (field, input) in [
        (
            "companions",
            CrossingInput {
                companions: many.clone(),
                ..crossing_of("Traveller G0000001")
            },
        ),
        (
            "family",
            CrossingInput {
                family: many.clone(),
                ..crossing_of("Traveller G0000001")
            },
        ),
    ] {
        let err = node
            .register_crossing(&subject("border_officer"), input)
            .unwrap_err()
            .to_string();
        assert_eq!(err, format!("{field}: at most 50"));
    }
    // An adult with a stranger is no one's concern here.
    let adult = cross(
        &node,
        "A0000009",
        "1990-01-01",
        &days_ago(1),
        "",
        &[&stranger.person_id],
    );
    assert!(!separated(&adult));
}

#[test]
fn batch_evaluation_knows_a_document_reported_lost_or_stolen_as_the_desk_does() {
    let (node, _dir) = node();
    // A lost and stolen documents list: the passport X1234567 and its holder, and another
    // holder whose passport is not the one the look-alike below carries.
    let list = concat!(
        r#"{"id": "sltd-1", "schema": "Person", "properties": {"name": ["Traveller X1234567"], "birthDate": ["1988-04-02"], "nationality": ["ly"], "passportNumber": ["X1234567"]}}"#,
        "\n",
        r#"{"id": "sltd-2", "schema": "Person", "properties": {"name": ["Traveller Y7654321"], "birthDate": ["1991-09-09"], "nationality": ["ly"], "passportNumber": ["Z0000001"]}}"#,
        "\n"
    );
    node.import_watchlist(
        &subject("analyst"),
        crate::border::WatchlistImport::new("sltd-lost-stolen", "sltd.ftm.json", list.as_bytes()),
    )
    .unwrap();
    let stolen = cross(&node, "X1234567", "1988-04-02", &days_ago(2), "", &[]);
    let other_document = cross(&node, "Y7654321", "1991-09-09", &days_ago(1), "", &[]);
    assert!(
        stolen.hits.iter().any(|h| h
            .reasons
            .iter()
            .any(|r| r.starts_with("document number: same"))),
        "{:?}",
        stolen.hits
    );
    assert!(
        other_document
            .hits
            .iter()
            .any(|h| h.reasons.iter().any(|r| r == "document number: different")),
        "{:?}",
        other_document.hits
    );
    let rows = node.risk_history_facts(&subject("analyst")).unwrap();
    let fact = |crossing: &str| {
        rows.iter()
            .find(|r| r.crossing == crossing)
            .and_then(|r| r.facts.get("document.reported_lost_or_stolen").cloned())
    };
    assert_eq!(fact(&stolen.crossing_id), Some(serde_json::json!(true)));
    // A hit on the same list by name, whose document number differs, is no lost document.
    assert_eq!(
        fact(&other_document.crossing_id),
        Some(serde_json::json!(false))
    );
}

#[test]
fn batch_evaluation_compares_the_issuing_state_typed_with_the_mrz_as_the_desk_does() {
    let (node, _dir) = node();
    // A TD3 of Germany, whose MRZ writes it "D".
    let german = "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<\nC01X00T478D<<6408125F3101311<<<<<<<<<<<<<<06";
    let register = |issuing_state: &str| {
        node.register_crossing(
            &subject("border_officer"),
            CrossingInput {
                mrz: german.into(),
                issuing_state: issuing_state.into(),
                point: "bcp-risk-test".into(),
                direction: "entry".into(),
                ..Default::default()
            },
        )
        .unwrap()
    };
    let typed_alike = register("DEU");
    let typed_other = register("FR");
    let read_only = register("");
    let rows = node.risk_history_facts(&subject("analyst")).unwrap();
    let fact = |crossing: &str| {
        rows.iter()
            .find(|r| r.crossing == crossing)
            .and_then(|r| r.facts.get("document.issuer_mismatch").cloned())
    };
    assert_eq!(
        fact(&typed_alike.crossing_id),
        Some(serde_json::json!(false))
    );
    assert_eq!(
        fact(&typed_other.crossing_id),
        Some(serde_json::json!(true))
    );
    assert_eq!(fact(&read_only.crossing_id), Some(serde_json::json!(false)));
}

#[test]
fn a_perpetrator_hit_on_a_person_recorded_as_smuggled_goes_to_protection() {
    let (node, _dir) = node();
    let first = cross(&node, "D0000001", "1980-02-02", &days_ago(3), "CD 456", &[]);
    let vehicle = corridor_model::id::make_id(Some("vehicle"), &["CD 456"]);
    write(
        &node,
        "interception-1",
        "Interception",
        &[("name", "Stop"), ("vehicle", &vehicle)],
    );
    cross(&node, "D0000001", "1980-02-02", &days_ago(2), "CD 456", &[]);
    node.set_person_status(
        &subject("investigator"),
        &first.person_id,
        crate::protection::PersonStatusInput {
            status: "object_of_smuggling".into(),
            reason: "told protection he paid to be moved".into(),
        },
    )
    .unwrap();
    write(
        &node,
        "fee-1",
        "SmugglingFee",
        &[
            ("payer", "payer-1"),
            ("recipient", &first.person_id),
            ("amount", "300 USD"),
        ],
    );
    let again = cross(&node, "D0000001", "1980-02-02", &days_ago(1), "CD 456", &[]);
    let hit = again
        .risk
        .iter()
        .find(|h| h.hit.profile == "facilitator-at-the-crossing")
        .unwrap_or_else(|| panic!("{:?}", again.risk));
    assert_eq!(hit.routed_to, "protection_referral");
    assert!(hit.routing_note.as_deref().unwrap_or("").contains("art. 5"));
    let queue = node
        .risk_alerts(&subject("analyst"), AlertFilter::All, 100)
        .unwrap();
    assert!(queue.iter().all(|a| a.id != hit.alert_id));
}

fn profile_text(version: u32, threshold: u32, review_by: &str) -> String {
    format!(
        "id: facilitator-at-the-crossing\nversion: {version}\ntitle: Possible facilitator at the crossing\nkind: perpetrator\nindicators:\n  - known-facilitator\n  - vehicle-seen-in-interception\n  - repeated-crossings-different-companions\nthreshold: {threshold}\nreview_by: {review_by}\n"
    )
}

fn review_date(days: i64) -> String {
    corridor_model::types::format_unix_utc(crate::now_unix() + days * 86_400)[..10].to_string()
}

#[test]
fn a_rule_change_needs_a_second_user_and_every_step_is_audited() {
    let (node, _dir) = node();
    let analyst = subject("analyst");
    let investigator = subject("investigator");
    let propose = |who: &Subject, path: &str, text: &str| {
        node.propose_risk_change(
            who,
            RuleChangeInput {
                path: path.into(),
                text: text.into(),
                note: "tighter after review".into(),
            },
        )
    };
    let path = "profiles/facilitator-at-the-crossing.yaml";
    // Roles without manage_risk cannot propose.
    assert!(matches!(
        propose(
            &subject("border_officer"),
            path,
            &profile_text(2, 4, &review_date(100))
        ),
        Err(NodeError::Forbidden(_))
    ));
    // Bad proposals are refused with file, line and rule.
    let typed_approvers = format!(
        "{}approved_by: [me, also-me]\n",
        profile_text(2, 4, &review_date(100))
    );
    let err = propose(&analyst, path, &typed_approvers)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("approved_by is filled in by the node"),
        "{err}"
    );
    let err = propose(&analyst, path, &profile_text(1, 4, &review_date(100)))
        .unwrap_err()
        .to_string();
    assert!(err.contains("not after the version in force"), "{err}");
    let err = propose(&analyst, path, &profile_text(2, 4, &review_date(500)))
        .unwrap_err()
        .to_string();
    assert!(err.contains("more than a year ahead"), "{err}");
    let err = propose(&analyst, path, &profile_text(2, 40, &review_date(100)))
        .unwrap_err()
        .to_string();
    assert!(err.contains(path) && err.contains("line"), "{err}");
    let err = propose(&analyst, "profiles/../../etc.yaml", "x")
        .unwrap_err()
        .to_string();
    assert!(err.contains("path:"), "{err}");
    let nationality_only = "id: by-nationality\nversion: 1\ntitle: By nationality\nrationale: none\nall:\n  - {field: traveller.nationality, op: eq, value: ly}\nweight: 5\nexamples:\n  positive:\n    - {traveller.nationality: ly}\n  negative:\n    - {traveller.nationality: tn}\n";
    propose(&analyst, "indicators/by-nationality.yaml", nationality_only)
        .expect("an indicator alone changes nothing");
    let err = propose(
        &analyst,
        path,
        &profile_text(2, 4, &review_date(100)).replace(
            "  - known-facilitator\n",
            "  - known-facilitator\n  - by-nationality\n",
        ),
    );
    assert!(
        err.is_err(),
        "the indicator is not approved yet, so unknown"
    );

    let change = propose(&analyst, path, &profile_text(2, 4, &review_date(100))).unwrap();
    assert_eq!(change.state, "pending");
    // Still version 1 in force until a second user approves.
    let rules = node.risk_rules(&analyst).unwrap();
    let p = rules
        .profiles
        .iter()
        .find(|p| p.profile.id == "facilitator-at-the-crossing")
        .unwrap();
    assert_eq!(p.profile.version, 1);
    let own = node.decide_risk_change(&analyst, &change.id, true, "looks right to me");
    assert!(matches!(own, Err(NodeError::Forbidden(_))), "{own:?}");
    let approved = node
        .decide_risk_change(&investigator, &change.id, true, "checked the backtest")
        .unwrap();
    assert_eq!(approved.state, "approved");
    let again = node.decide_risk_change(&investigator, &change.id, false, "changed my mind");
    assert!(matches!(again, Err(NodeError::Conflict(_))));
    let rules = node.risk_rules(&analyst).unwrap();
    let p = rules
        .profiles
        .iter()
        .find(|p| p.profile.id == "facilitator-at-the-crossing")
        .unwrap();
    assert_eq!((p.profile.version, p.profile.threshold), (2, 4.0));
    assert_eq!(
        p.profile.approved_by,
        vec!["analyst-user".to_string(), "investigator-user".to_string()]
    );
    assert_eq!(p.change.as_deref(), Some(change.id.as_str()));
    assert_eq!(p.status, "in_force");

    let audit = node
        .audit_recent(&subject("administrator"), None, 100)
        .unwrap();
    let steps: Vec<(&str, &str)> = audit
        .iter()
        .filter(|a| a.action.contains("risk_change"))
        .map(|a| (a.action.as_str(), a.outcome.split(':').next().unwrap_or("")))
        .collect();
    assert!(
        steps.contains(&("approve_risk_change", "refused")),
        "{steps:?}"
    );
    assert!(
        steps.contains(&("approve_risk_change", "allowed")),
        "{steps:?}"
    );
    assert!(
        steps.contains(&("propose_risk_change", "refused")),
        "{steps:?}"
    );

    // An approved indicator that rests on nationality alone may not carry a profile.
    let pending_indicator = rules
        .changes
        .iter()
        .find(|c| c.path == "indicators/by-nationality.yaml")
        .unwrap();
    node.decide_risk_change(
        &investigator,
        &pending_indicator.id,
        true,
        "only to test the profile check",
    )
    .unwrap();
    let err = propose(
        &analyst,
        path,
        &profile_text(3, 4, &review_date(100)).replace(
            "  - known-facilitator\n",
            "  - known-facilitator\n  - by-nationality\n",
        ),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("protected characteristics alone"), "{err}");
}

#[test]
fn backtest_and_disparity_count_what_the_truth_and_the_reviews_say() {
    let (node, dir) = node();
    write(
        &node,
        "bcp-risk-test",
        "BorderCrossingPoint",
        &[
            ("name", "Ras Ajdir"),
            ("pointType", "land"),
            ("route", "Central Mediterranean Route"),
        ],
    );
    let last = driver_world(&node);
    let child = cross(&node, "C0000001", "2013-05-01", &days_ago(1), "", &[]);
    let regular = cross(&node, "R0000001", "1970-01-01", &days_ago(2), "", &[]);
    let truth = dir.path().join("truth");
    std::fs::create_dir_all(&truth).unwrap();
    std::fs::write(
        truth.join("records.csv"),
        format!(
            "record_id,dataset,true_id,kind\n{},crossings,t-driver,person\n{},crossings,t-child,person\n{},crossings,t-regular,person\n",
            last.person_id, child.person_id, regular.person_id
        ),
    )
    .unwrap();
    std::fs::write(
        truth.join("networks.csv"),
        "person_id,network_id,role,corridor,scope\nt-driver,n1,transporter,c,local\n",
    )
    .unwrap();
    std::fs::write(
        truth.join("groups.csv"),
        "person_id,group_id,corridor,outcome,attempts\nt-child,g1,c,arrived,1\n",
    )
    .unwrap();
    let analyst = subject("analyst");
    let backtest = node.risk_backtest(&analyst, None, &truth).unwrap();
    assert_eq!(backtest.crossings, 8);
    let perpetrator = backtest
        .profiles
        .iter()
        .find(|p| p.profile == "facilitator-at-the-crossing")
        .unwrap();
    assert_eq!(perpetrator.positives, 6);
    assert_eq!(perpetrator.precision, Some(1.0), "{perpetrator:?}");
    assert!(perpetrator.recall.unwrap() > 0.0 && perpetrator.recall.unwrap() <= 1.0);
    let protection = backtest
        .profiles
        .iter()
        .find(|p| p.profile == "smuggled-person-in-need")
        .unwrap();
    assert_eq!(
        (protection.positives, protection.true_hits),
        (1, 1),
        "{protection:?}"
    );
    assert!(
        backtest
            .warnings
            .iter()
            .any(|w| w.contains("large-group-on-sea-route") && w.contains("never fired")),
        "{:?}",
        backtest.warnings
    );
    let err = node
        .risk_backtest(&analyst, None, &dir.path().join("nowhere"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("networks.csv"), "{err}");
    // A file that is not a truth table is named, not read as the wrong columns.
    let wrong = dir.path().join("wrong");
    std::fs::create_dir_all(&wrong).unwrap();
    for f in ["records.csv", "networks.csv", "groups.csv"] {
        std::fs::copy(truth.join(f), wrong.join(f)).unwrap();
    }
    std::fs::write(wrong.join("groups.csv"), "id,name\nx,y\n").unwrap();
    let err = node
        .risk_backtest(&analyst, None, &wrong)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("groups.csv: line 1: expected the header"),
        "{err}"
    );
    assert!(matches!(
        node.risk_backtest(&analyst, Some("risk-change-nope"), &truth),
        Err(NodeError::NotFound(_))
    ));
    assert!(matches!(
        node.risk_backtest(&subject("border_officer"), None, &truth),
        Err(NodeError::Forbidden(_))
    ));

    // Every crossing's facts, as batch evaluation sees them: the route from the point.
    let rows = node.risk_history_facts(&analyst).unwrap();
    assert_eq!(rows.len(), 8);
    assert!(rows.iter().all(
        |r| r.facts.get("crossing.route") == Some(&serde_json::json!("central-mediterranean"))
    ));
    assert!(
        rows.iter()
            .all(|r| r.facts.get("crossing.point_type") == Some(&serde_json::json!("land")))
    );

    // Disparity: the alerts raised and reviewed, by group.
    for a in node.risk_alerts(&analyst, AlertFilter::Open, 100).unwrap() {
        node.decide_risk_alert(&analyst, &a.id, Decision::TrueMatch, "confirmed")
            .unwrap();
    }
    let report = node.risk_disparity(&analyst).unwrap();
    assert_eq!(report.crossings, 8);
    assert!(
        report.alerts >= 1 && report.reviewed == report.alerts,
        "{report:?}"
    );
    assert_eq!(report.precision, Some(1.0));
    let ly = report
        .groups
        .iter()
        .find(|g| g.dimension == "nationality" && g.group == "ly")
        .unwrap();
    assert_eq!(ly.crossings, 8);
    assert!(
        report
            .groups
            .iter()
            .any(|g| g.dimension == "age_band" && g.group == "0-17")
    );
}

#[test]
fn disparity_flags_groups_hit_out_of_proportion() {
    use super::report::{Row, disparity};
    let mut rows = Vec::new();
    for i in 0..300 {
        let group = if i < 100 { "aa" } else { "bb" };
        // aa: 20 alerts in 100, 2 right; bb: 10 in 200, all right.
        let alerted = if group == "aa" {
            i % 5 == 0
        } else {
            i % 20 == 0
        };
        let confirmed = alerted.then_some(group == "bb" || i % 50 == 0);
        rows.push(Row {
            nationality: Some(group.into()),
            sex: Some("male".into()),
            age: Some(30),
            alerted,
            confirmed,
        });
    }
    let report = disparity(&rows);
    let aa = report.groups.iter().find(|g| g.group == "aa").unwrap();
    let bb = report.groups.iter().find(|g| g.group == "bb").unwrap();
    assert_eq!((aa.alerts, bb.alerts), (20, 10));
    assert!(aa.flag.as_deref().unwrap().contains("2.00 times"), "{aa:?}");
    assert!(
        aa.flag
            .as_deref()
            .unwrap()
            .contains("prove right less often"),
        "{aa:?}"
    );
    assert!(bb.flag.is_none(), "{bb:?}");
}
