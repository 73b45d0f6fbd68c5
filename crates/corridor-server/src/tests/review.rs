//! Entity resolution's review through the API: the queue, a pair, judgements and undo, and
//! the refusals.

use serde_json::json;

use super::{call, login, server};

#[test]
fn reviewers_judge_pairs_and_undo_them_through_the_api() {
    let s = server();
    let analyst = login(&s, "analyst");
    let queue = analyst.get(&s, "/api/v1/resolution/queue", None).json();
    assert_eq!(queue["status"]["state"], "ready", "{queue}");
    let items = queue["items"].as_array().unwrap();
    let plates = items
        .iter()
        .find(|i| i["left"]["id"] == "v-1" && i["right"]["id"] == "v-2")
        .unwrap_or_else(|| panic!("{queue}"));
    assert!(plates["probability"].as_f64().unwrap() >= 0.5);
    assert_eq!(plates["schema"], "Vehicle");

    let pair = analyst
        .get(&s, "/api/v1/resolution/pairs/v-2/v-1", None)
        .json();
    assert_eq!(pair["left"]["id"], "v-1");
    let before = analyst.get(&s, "/api/v1/entities/v-1", None).json()["same_as"].clone();
    let evidence = pair["evidence"].as_array().unwrap();
    let registration = evidence
        .iter()
        .find(|e| e["comparison"] == "registration")
        .unwrap();
    assert_eq!(registration["left_value"], "AB-123-CD");
    assert!(
        registration["bits"].as_f64().unwrap() > 0.0,
        "{registration}"
    );

    let j = analyst.send(
        &s,
        "POST",
        "/api/v1/resolution/judgements",
        &json!({"left": "v-2", "right": "v-1", "judgement": "different", "note": "different chassis numbers"}),
    );
    assert_eq!(j.status, 201, "{}", j.body);
    let seq = j.json()["seq"].as_u64().unwrap();
    let queue = analyst.get(&s, "/api/v1/resolution/queue", None).json();
    assert!(
        !queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["left"]["id"] == "v-1" && i["right"]["id"] == "v-2")
    );
    let page = analyst.get(&s, "/api/v1/entities/v-1", None).json();
    assert!(page["same_as"].is_null(), "{page}");

    let undo = analyst.send(
        &s,
        "POST",
        &format!("/api/v1/resolution/judgements/{seq}/undo"),
        &json!({}),
    );
    assert_eq!(undo.status, 201, "{}", undo.body);
    assert_eq!(undo.json()["undoes"], seq);
    let after = analyst.get(&s, "/api/v1/entities/v-1", None).json()["same_as"].clone();
    assert_eq!(before, after, "undone, the cluster is as it was");
    analyst
        .send(
            &s,
            "POST",
            &format!("/api/v1/resolution/judgements/{seq}/undo"),
            &json!({}),
        )
        .problem(409, "conflict");
    let pair = analyst
        .get(&s, "/api/v1/resolution/pairs/v-1/v-2", None)
        .json();
    assert_eq!(pair["history"].as_array().unwrap().len(), 2);

    // Bad input names the field; other roles are refused.
    let detail = analyst
        .send(
            &s,
            "POST",
            "/api/v1/resolution/judgements",
            &json!({"left": "v-1", "right": "v-2", "judgement": "maybe"}),
        )
        .problem(422, "invalid");
    assert!(detail.contains("judgement"), "{detail}");
    let detail = analyst
        .send(
            &s,
            "POST",
            "/api/v1/resolution/judgements",
            &json!({"left": "v-1", "judgement": "same"}),
        )
        .problem(422, "invalid");
    assert!(detail.contains("right"), "{detail}");
    analyst
        .send(
            &s,
            "POST",
            "/api/v1/resolution/judgements/abc/undo",
            &json!({}),
        )
        .problem(422, "invalid");
    analyst
        .get(&s, "/api/v1/resolution/queue?unsure=perhaps", None)
        .problem(422, "invalid");
    analyst
        .get(&s, "/api/v1/resolution/pairs/v-1/p-prot", None)
        .problem(404, "not_found");
    let officer = login(&s, "border-officer");
    officer
        .get(&s, "/api/v1/resolution/queue", None)
        .problem(403, "forbidden");
    officer
        .send(
            &s,
            "POST",
            "/api/v1/resolution/judgements",
            &json!({"left": "v-1", "right": "v-2", "judgement": "same"}),
        )
        .problem(403, "forbidden");
    // Without the CSRF token a session cannot judge.
    let r = call(
        &s,
        "POST",
        "/api/v1/resolution/judgements",
        &[
            ("Cookie", analyst.cookie.as_str()),
            ("Content-Type", "application/json"),
        ],
        json!({"left": "v-1", "right": "v-2", "judgement": "same"})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(r.status, 403, "{}", r.body);
}
