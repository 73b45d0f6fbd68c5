//! Risk profiles through the API: a crossing's risk hits in the same response, a change that
//! needs a second user, refusals named by file and line, and the queues kept apart.

use serde_json::json;

use super::{login, server};

#[test]
fn risk_hits_come_with_the_crossing_and_go_where_their_kind_says() {
    let s = server();
    let officer = login(&s, "border-officer");
    let r = officer.send(
        &s,
        "POST",
        "/api/v1/crossings",
        &json!({"name": "Child Alone", "birth_date": "2014-03-03", "nationality": "er", "document_number": "E1234567", "point": "bcp-risk", "direction": "entry"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let result = r.json();
    let hit = &result["risk"][0];
    assert_eq!(hit["profile"], "smuggled-person-in-need", "{result}");
    assert_eq!(hit["routed_to"], "protection_referral");
    assert_eq!(
        hit["indicators"][0]["conditions"][0]["field"],
        "traveller.unaccompanied_minor"
    );
    assert!(result["risk_micros"].as_u64().is_some());

    // A protection officer sees the referral; the enforcement queue does not have it.
    let protection = login(&s, "protection-officer");
    let referrals = protection
        .get(
            &s,
            "/api/v1/risk/alerts?status=all",
            Some("child protection"),
        )
        .json();
    assert_eq!(referrals["alerts"][0]["id"], hit["alert_id"], "{referrals}");
    let analyst = login(&s, "analyst");
    let queue = analyst
        .get(&s, "/api/v1/risk/alerts?status=all", None)
        .json();
    assert!(
        !queue
            .to_string()
            .contains(hit["alert_id"].as_str().unwrap()),
        "{queue}"
    );
    analyst
        .get(&s, "/api/v1/risk/alerts?status=sideways", None)
        .problem(422, "invalid");
    // Bad decisions are refused by what is wrong; an alert the caller cannot see is not found.
    analyst
        .send(
            &s,
            "POST",
            "/api/v1/risk/alerts/risk-x/decision",
            &json!({"decision": "maybe", "note": "not sure"}),
        )
        .problem(422, "invalid");
    analyst
        .send(
            &s,
            "POST",
            "/api/v1/risk/alerts/risk-x/decision",
            &json!({"decision": "true_match"}),
        )
        .problem(422, "invalid");
    let hidden = format!(
        "/api/v1/risk/alerts/{}/decision",
        hit["alert_id"].as_str().unwrap()
    );
    analyst
        .send(
            &s,
            "POST",
            &hidden,
            &json!({"decision": "false_positive", "note": "not for me to read"}),
        )
        .problem(404, "not_found");
    analyst
        .get(&s, "/api/v1/risk/backtest?change=risk-change-nope", None)
        .problem(404, "not_found");
    login(&s, "researcher")
        .get(&s, "/api/v1/risk/alerts", None)
        .problem(403, "forbidden");
}

#[test]
fn a_change_goes_live_only_with_a_second_user_and_bad_files_are_named() {
    let s = server();
    let analyst = login(&s, "analyst");
    let investigator = login(&s, "investigator");
    let rules = analyst.get(&s, "/api/v1/risk/rules", None).json();
    assert!(
        rules["fields"]["traveller.nationality"]["protected"]
            .as_bool()
            .unwrap(),
        "{rules}"
    );
    let text = "id: large-group-on-sea-route\nversion: 2\ntitle: A large group arriving by sea\nrationale: Large groups after a sea arrival need screening.\nall:\n  - {field: crossing.point_type, op: eq, value: sea}\n  - {field: crossing.group_size, op: gte, value: 15}\nweight: 1\nexamples:\n  positive:\n    - {crossing.point_type: sea, crossing.group_size: 15}\n  negative:\n    - {crossing.point_type: sea, crossing.group_size: 14}\n";
    let r = analyst.send(&s, "POST", "/api/v1/risk/changes", &json!({"path": "indicators/large-group-on-sea-route.yaml", "text": text, "note": "groups of 15 already at risk"}));
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_string();
    analyst
        .send(
            &s,
            "POST",
            &format!("/api/v1/risk/changes/{id}/decision"),
            &json!({"approve": true, "note": "mine"}),
        )
        .problem(403, "forbidden");
    let r = investigator.send(
        &s,
        "POST",
        &format!("/api/v1/risk/changes/{id}/decision"),
        &json!({"approve": true, "note": "agreed at the review"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["state"], "approved");
    let rules = analyst.get(&s, "/api/v1/risk/rules", None).json();
    let indicator = rules["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "large-group-on-sea-route")
        .unwrap();
    assert_eq!(indicator["version"], 2);

    // A contradiction and a bad operator are named by file, line and rule.
    let broken = "id: contradictory\nversion: 1\ntitle: t\nrationale: r\nall:\n  - {field: crossing.group_size, op: gte, value: 10}\n  - {field: crossing.group_size, op: lt, value: 5}\nweight: 1\n";
    let message = analyst
        .send(
            &s,
            "POST",
            "/api/v1/risk/changes",
            &json!({"path": "indicators/contradictory.yaml", "text": broken, "note": "try it"}),
        )
        .problem(422, "invalid");
    assert!(
        message.contains("indicators/contradictory.yaml: line")
            && message.contains("contradictory"),
        "{message}"
    );
    let message = analyst
        .send(&s, "POST", "/api/v1/risk/changes", &json!({"path": "indicators/x.yaml", "text": "id: x\nversion: 1\nwhat: ever\n", "note": "try it"}))
        .problem(422, "invalid");
    assert!(message.contains("indicators/x.yaml"), "{message}");
    analyst
        .send(
            &s,
            "POST",
            "/api/v1/risk/changes",
            &json!({"path": "indicators/x.yaml", "text": "id: x", "note": "try it", "extra": 1}),
        )
        .problem(422, "invalid");
    let officer = login(&s, "border-officer");
    officer
        .send(
            &s,
            "POST",
            "/api/v1/risk/changes",
            &json!({"path": "indicators/x.yaml", "text": "id: x", "note": "try it"}),
        )
        .problem(403, "forbidden");
    officer
        .get(&s, "/api/v1/risk/disparity", None)
        .problem(403, "forbidden");
    let disparity = analyst.get(&s, "/api/v1/risk/disparity", None).json();
    assert!(
        disparity["rule"].as_str().unwrap().contains("flagged"),
        "{disparity}"
    );
}
