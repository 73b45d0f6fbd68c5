//! Cooperation through the API: central authorities only, and bad input refused by name —
//! a package that is not one, a partner whose fingerprint does not match, a step that is not
//! a state, a file without a name.

use serde_json::json;

use super::{call, login, server};

#[test]
fn cooperation_routes_refuse_bad_input_by_name() {
    let s = server();
    let analyst = login(&s, "analyst");
    analyst
        .get(&s, "/api/v1/coop/requests", None)
        .problem(403, "forbidden");
    let central = login(&s, "central-authority");
    // Anyone may post a package; junk is refused and says why.
    for (body, detail) in [
        (&b"not a package"[..], "not a package"),
        (
            &b"{\"format\":\"corridor-package/9\"}\n"[..],
            "not a package",
        ),
        (&b""[..], "not a package"),
    ] {
        let reply = call(
            &s,
            "POST",
            "/api/v1/coop/packages",
            &[("Content-Type", "application/octet-stream")],
            body,
        );
        let problem = reply.problem(422, "invalid");
        assert!(problem.contains(detail), "{problem}");
    }
    let partner = corridor_coop::NodeKeys::generate("ly").unwrap().public();
    let wrong = central.send(
        &s,
        "POST",
        "/api/v1/coop/partners",
        &json!({"keys": partner, "name": "Libya", "accepts": ["police_information"], "fingerprint": "0000 1111"}),
    );
    assert!(wrong.problem(422, "invalid").contains("do not trust them"));
    let unknown = central.send(
        &s,
        "POST",
        "/api/v1/coop/requests",
        &json!({"reference": "X-1", "request_type": "police_information", "urgency": "routine",
                "requested": "nowhere", "legal_basis": ["untoc-27"], "questions": ["?"], "handling": "H0"}),
    );
    assert!(
        unknown
            .problem(404, "not_found")
            .contains("nowhere is not in the directory")
    );
    let bad_type = central.send(
        &s,
        "POST",
        "/api/v1/coop/requests",
        &json!({"reference": "X-1", "request_type": "favour", "urgency": "routine", "requested": "ly",
                "legal_basis": [], "handling": "H0"}),
    );
    assert_eq!(bad_type.status, 422, "{}", bad_type.body);
    let step = central.send(
        &s,
        "POST",
        "/api/v1/coop/requests/test-node/X-1/steps",
        &json!({"state": "finished"}),
    );
    assert!(step.problem(422, "invalid").contains("state:"));
    let missing = central.get(&s, "/api/v1/coop/requests/test-node/none", None);
    missing.problem(404, "not_found");
    central
        .get(&s, "/api/v1/coop/attachments/not-a-hash", None)
        .problem(422, "invalid");
    central
        .get(&s, "/api/v1/coop/packages/123", None)
        .problem(422, "invalid");
}
