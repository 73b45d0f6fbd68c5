//! Network analysis through the API: analysts only, protected entities absent, bad parameters
//! refused by name.

use super::{login, server};

#[test]
fn network_analysis_is_for_analysts_and_shows_only_what_they_may_read() {
    let s = server();
    let analyst = login(&s, "analyst");
    let officer = login(&s, "border-officer");
    officer
        .get(&s, "/api/v1/network/findings", Some("curious"))
        .problem(403, "forbidden");
    // The protected person is absent, exactly like an id that does not exist.
    analyst
        .get(
            &s,
            "/api/v1/network/neighbourhood?entity=p-prot",
            Some("case 1"),
        )
        .problem(404, "not_found");
    analyst
        .get(
            &s,
            "/api/v1/network/neighbourhood?entity=nobody",
            Some("case 1"),
        )
        .problem(404, "not_found");
    let hood = analyst
        .get(
            &s,
            "/api/v1/network/neighbourhood?entity=p-border&hops=1",
            Some("case 1"),
        )
        .json();
    assert_eq!(hood["nodes"].as_array().unwrap().len(), 2, "{hood}");
    assert_eq!(hood["edges"][0]["kind"], "vehicle");
    assert_eq!(hood["edges"][0]["evidence"][0], "c-net");
    for (path, detail) in [
        (
            "/api/v1/network/neighbourhood?entity=p-border&hops=9",
            "hops: 1 to 6",
        ),
        ("/api/v1/network/neighbourhood", "entity: give"),
        (
            "/api/v1/network/paths?from=p-border&to=v-3&mode=wormhole",
            "mode: `wormhole`",
        ),
        (
            "/api/v1/network/money?entity=p-border&direction=sideways",
            "direction: `sideways`",
        ),
        ("/api/v1/network/export?format=pdf", "format: `pdf`"),
        (
            "/api/v1/network/neighbourhood?entity=p-border&kinds=telepathy",
            "kinds: `telepathy`",
        ),
    ] {
        let reply = analyst.get(&s, path, Some("case 1"));
        let body = reply.problem(422, "invalid");
        assert!(body.contains(detail), "{path}: {body}");
    }
    let export = analyst.get(&s, "/api/v1/network/export?format=graphml", Some("case 1"));
    assert_eq!(export.status, 200);
    assert!(
        export.body.contains("<graphml") && !export.body.contains("Amina prot"),
        "{}",
        export.body
    );
}
