//! The bundled rules load and explain their hits; every kind of bad rule is refused by file,
//! line and rule; a profile that could rest on protected characteristics alone is refused.

use corridor_risk::{Facts, HitKind, RuleSet, bundled, evaluate};
use serde_json::json;

fn facts(value: serde_json::Value) -> Facts {
    serde_json::from_value(value).unwrap()
}

#[test]
fn the_bundled_rules_load_with_their_examples_passing() {
    let rules = bundled().unwrap_or_else(|e| panic!("{e:#?}"));
    assert!(rules.indicators.len() >= 7);
    assert_eq!(rules.profiles.len(), 2);
}

#[test]
fn a_facilitator_and_a_smuggled_child_hit_different_profiles_with_their_reasons() {
    let rules = bundled().unwrap();
    // A driver: a phone shared with a facilitator and a vehicle seen in an interception.
    let driver = facts(json!({
        "network.phone_shared_with_facilitator": true,
        "vehicle.seen_in_interception": true, "vehicle.crossings_30d": 4,
        "traveller.nationality": "ly", "traveller.age": 34,
    }));
    let hits = evaluate(&rules, &driver, "2026-11-30");
    assert_eq!(hits.len(), 1, "{hits:#?}");
    let hit = &hits[0];
    assert_eq!(
        (hit.profile.as_str(), hit.kind),
        ("facilitator-at-the-crossing", HitKind::PossiblePerpetrator)
    );
    assert_eq!(hit.score, 4.0);
    let fired: Vec<&str> = hit.indicators.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        fired,
        [
            "shared-phone-with-facilitator",
            "vehicle-seen-in-interception"
        ]
    );
    let vehicle = &hit.indicators[1].conditions;
    assert_eq!(vehicle[0].field, "vehicle.seen_in_interception");
    assert_eq!(vehicle[0].observed, json!(true));
    // A passenger of that vehicle, in a group: not a suspect on the vehicle alone.
    let passenger = facts(json!({"vehicle.seen_in_interception": true, "vehicle.passengers": 6}));
    assert!(evaluate(&rules, &passenger, "2026-11-30").is_empty());
    // A child alone in a group paid by one account: protection, never an enforcement alert.
    let child = facts(json!({
        "traveller.unaccompanied_minor": true, "traveller.first_crossing": true,
        "network.paid_by_account_of_group": 6, "document.mrz_check_failed": true,
    }));
    let hits = evaluate(&rules, &child, "2026-11-30");
    assert!(hits.iter().any(
        |h| h.profile == "smuggled-person-in-need" && h.kind == HitKind::PossibleSmuggledPerson
    ));
    assert!(
        hits.iter().all(|h| h.kind != HitKind::PossiblePerpetrator),
        "a forged document alone must not make a child a suspect: {hits:#?}"
    );
    // Nothing known: nothing fires; past its review date a profile does not run.
    assert!(evaluate(&rules, &Facts::new(), "2026-11-30").is_empty());
    assert!(evaluate(&rules, &driver, "2027-07-01").is_empty());
}

const FIELDS: &str = "fields:\n  traveller.nationality: {type: text, protected: true, about: n}\n  traveller.age: {type: number, protected: true, about: a}\n  traveller.crossings_90d: {type: number, about: c}\n  document.mrz_check_failed: {type: bool, about: m}\n";

fn indicator(id: &str, conditions: &str, examples: &str) -> (String, String) {
    (
        format!("indicators/{id}.yaml"),
        format!(
            "id: {id}\nversion: 1\ntitle: t\nrationale: r\nall:\n{conditions}weight: 2\nexamples:\n{examples}"
        ),
    )
}

fn profile(id: &str, indicators: &str, threshold: f64, approvers: &str) -> (String, String) {
    (
        format!("profiles/{id}.yaml"),
        format!(
            "id: {id}\nversion: 1\ntitle: t\nkind: perpetrator\nindicators: [{indicators}]\nthreshold: {threshold}\nreview_by: 2027-01-31\napproved_by: [{approvers}]\n"
        ),
    )
}

fn refused(files: &[(String, String)]) -> Vec<String> {
    RuleSet::load(FIELDS, files)
        .unwrap_err()
        .iter()
        .map(|e| e.to_string())
        .collect()
}

#[test]
fn a_profile_resting_on_protected_characteristics_alone_is_refused_and_says_why() {
    let nationality = indicator(
        "from-x",
        "  - {field: traveller.nationality, op: eq, value: xx}\n",
        "  positive: [{traveller.nationality: xx}]\n  negative: [{traveller.nationality: yy}]\n",
    );
    let frequent = indicator(
        "frequent",
        "  - {field: traveller.crossings_90d, op: gte, value: 5}\n",
        "  positive: [{traveller.crossings_90d: 9}]\n  negative: [{traveller.crossings_90d: 1}]\n",
    );
    let errors = refused(&[
        nationality.clone(),
        frequent.clone(),
        profile("p", "from-x, frequent", 2.0, "a, b"),
    ]);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].starts_with("profiles/p.yaml: line 6: p: could reach its threshold 2 on protected characteristics alone (from-x"), "{}", errors[0]);
    // With a threshold only the other grounds can reach together with it, it loads.
    RuleSet::load(
        FIELDS,
        &[
            nationality,
            frequent,
            profile("p", "from-x, frequent", 4.0, "a, b"),
        ],
    )
    .unwrap();
}

#[test]
fn bad_rules_are_named_by_file_line_and_rule() {
    let ok_examples =
        "  positive: [{traveller.crossings_90d: 9}]\n  negative: [{traveller.crossings_90d: 1}]\n";
    // An unknown field, on the line it is written.
    let errors = refused(&[indicator(
        "x",
        "  - {field: traveller.shoe_size, op: gte, value: 5}\n",
        ok_examples,
    )]);
    assert!(
        errors.iter().any(|e| e
            .starts_with("indicators/x.yaml: line 6: x: unknown field \"traveller.shoe_size\"")),
        "{errors:#?}"
    );
    // Conditions that contradict each other.
    let errors = refused(&[indicator(
        "y",
        "  - {field: traveller.crossings_90d, op: gte, value: 5}\n  - {field: traveller.crossings_90d, op: lt, value: 3}\n",
        ok_examples,
    )]);
    assert!(
        errors.iter().any(|e| e.contains(
            "y: traveller.crossings_90d Gte 5 and Lt 3 cannot both hold: it can never fire"
        )),
        "{errors:#?}"
    );
    // A value of the wrong type, an operator that does not suit the field.
    let errors = refused(&[indicator(
        "z",
        "  - {field: document.mrz_check_failed, op: gte, value: 1}\n",
        ok_examples,
    )]);
    assert!(
        errors.iter().any(|e| e.contains("Gte compares numbers")),
        "{errors:#?}"
    );
    // Examples that do not behave, and missing ones.
    let errors = refused(&[indicator(
        "w",
        "  - {field: traveller.crossings_90d, op: gte, value: 5}\n",
        "  positive: [{traveller.crossings_90d: 2}]\n  negative: []\n",
    )]);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("w: positive example 1 does not fire")),
        "{errors:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("needs at least one positive and one negative example"))
    );
    // Malformed YAML: the parser's line.
    let errors = refused(&[("indicators/m.yaml".into(), "id: m\nversion: [\n".into())]);
    assert!(
        errors[0].starts_with("indicators/m.yaml: line "),
        "{errors:#?}"
    );
    // A profile with an unknown indicator, one approver, an unreachable threshold.
    let frequent = indicator(
        "frequent",
        "  - {field: traveller.crossings_90d, op: gte, value: 5}\n",
        ok_examples,
    );
    let errors = refused(&[frequent, profile("q", "frequent, ghost", 9.0, "a")]);
    for expected in [
        "unknown indicator \"ghost\"",
        "two different users",
        "it can never fire",
    ] {
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("profiles/q.yaml: line ") && e.contains(expected)),
            "{expected}: {errors:#?}"
        );
    }
}

#[test]
fn approvers_recorded_by_a_node_stand_in_for_the_file_and_may_not_be_typed_too() {
    let ind = indicator(
        "mrz",
        "  - {field: document.mrz_check_failed, op: is_true}\n",
        "  positive:\n    - {document.mrz_check_failed: true}\n  negative:\n    - {document.mrz_check_failed: false}\n",
    );
    // A profile written as JSON (JSON is YAML), without approvers.
    let json_profile = (
        "profiles/p.yaml".to_string(),
        r#"{"id": "p", "version": 2, "title": "t", "kind": "perpetrator", "indicators": ["mrz"], "threshold": 2, "review_by": "2027-01-31"}"#.to_string(),
    );
    let files = vec![ind.clone(), json_profile.clone()];
    let missing = refused(&files);
    assert!(
        missing.iter().any(|e| e.contains("two different users")),
        "{missing:?}"
    );
    let mut approvals = std::collections::BTreeMap::new();
    approvals.insert(
        "profiles/p.yaml".to_string(),
        vec!["ana".to_string(), "ben".to_string()],
    );
    let rules =
        RuleSet::load_approved(FIELDS, &files, &approvals).unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(rules.profiles["p"].approved_by, ["ana", "ben"]);
    assert_eq!(rules.profiles["p"].version, 2);
    // Recorded approvals and typed ones together: refused, naming the line.
    let typed = profile("p", "mrz", 2.0, "ana, ben");
    let errors = RuleSet::load_approved(FIELDS, &[ind, typed], &approvals).unwrap_err();
    assert!(
        errors.iter().any(|e| e.file == "profiles/p.yaml"
            && e.line == 8
            && e.message.contains("leave it out")),
        "{errors:?}"
    );
}
