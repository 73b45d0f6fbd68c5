use serde_json::json;

use super::{login, server};

#[test]
fn protection_routes_refuse_enforcement_and_name_bad_input() {
    let s = server();
    let officer = login(&s, "protection-officer");
    let registered = officer.send(
        &s,
        "POST",
        "/api/v1/protection/registrations",
        &json!({"place": "Pozzallo", "persons": [
            {"ref": "m", "first_name": "Hiwet", "second_name": "Tesfamariam", "birthdate": "1993", "gender": "Feminine",
             "citizenship": ["er"], "agreement_to_manage_personal_data": "yes"},
            {"ref": "c", "first_name": "Filmon", "second_name": "Tesfamariam", "age_claimed": 6,
             "family": [{"relative": "m", "relationship": "mother"}]}]}),
    );
    assert_eq!(registered.status, 201, "{}", registered.body);
    let result = registered.json();
    let child = result["persons"][1]["person_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(result["persons"][1]["status"], "draft");
    // Every enforcement role is refused every protection route, and finds nothing elsewhere.
    for user in [
        "analyst",
        "investigator",
        "border-officer",
        "central-authority",
        "administrator",
    ] {
        let b = login(&s, user);
        for path in [
            "/api/v1/protection/cases".to_string(),
            format!("/api/v1/protection/cases/{child}"),
            "/api/v1/protection/vocabulary".to_string(),
        ] {
            let r = b.get(&s, &path, Some("case 9"));
            assert_eq!(r.status, 403, "{user} {path}: {}", r.body);
        }
        let r = b.send(
            &s,
            "POST",
            "/api/v1/protection/registrations",
            &json!({"place": "x", "persons": [{}]}),
        );
        assert_eq!(r.status, 403, "{user}: {}", r.body);
        let r = b.get(&s, &format!("/api/v1/entities/{child}"), Some("case 9"));
        assert!(
            r.status == 404 || r.status == 403,
            "{user} read the child: {}",
            r.body
        );
        let r = b.get(&s, "/api/v1/search?q=Tesfamariam", Some("case 9"));
        if r.status == 200 {
            assert_eq!(
                r.json()["results"].as_array().unwrap().len(),
                0,
                "{user} found them"
            );
        }
    }
    // Bad input, named by person and field; a referral without consent is not sent.
    let bad = officer.send(
        &s,
        "POST",
        "/api/v1/protection/registrations",
        &json!({"place": "Pozzallo", "persons": [{"first_name": "A", "birthdate": "2090-01-01", "gender": "F"}]}),
    );
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(
        bad.body.contains("persons[0].birthdate") && bad.body.contains("persons[0].gender"),
        "{}",
        bad.body
    );
    let unknown = officer.send(
        &s,
        "POST",
        "/api/v1/protection/registrations",
        &json!({"place": "x", "persons": [], "colour": 1}),
    );
    assert_eq!(unknown.status, 422, "{}", unknown.body);
    let no_consent = officer.send(
        &s,
        "POST",
        "/api/v1/protection/referrals",
        &json!({"person": child, "service": "shelter", "due_date": "2099-01-01", "consent": "not_asked",
                "sharing_consent": "not_asked", "send": true}),
    );
    assert_eq!(no_consent.status, 422, "{}", no_consent.body);
    assert!(no_consent.body.contains("consent"), "{}", no_consent.body);
    let child_protection = officer.send(
        &s,
        "POST",
        "/api/v1/protection/referrals",
        &json!({"person": child, "service": "child_protection", "due_date": "2099-01-01", "consent": "not_possible",
                "sharing_consent": "not_possible", "legal_basis": "a child of six; the guardian judge is informed", "send": true}),
    );
    assert_eq!(child_protection.status, 201, "{}", child_protection.body);
    assert_eq!(child_protection.json()["status"], "sent");
    let missing = officer.get(&s, "/api/v1/protection/cases/prot-person-none", None);
    assert_eq!(missing.status, 404, "{}", missing.body);
    let case = officer
        .get(&s, &format!("/api/v1/protection/cases/{child}"), None)
        .json();
    assert_eq!(case["family"][0]["relationship"], "mother");
    assert_eq!(case["referrals"][0]["service"], "child_protection");
    // A protection officer cannot designate a suspect.
    let r = officer.send(
        &s,
        "POST",
        &format!("/api/v1/persons/{child}/status"),
        &json!({"status": "suspect", "reason": "a reason long enough"}),
    );
    assert_eq!(r.status, 403, "{}", r.body);
}
