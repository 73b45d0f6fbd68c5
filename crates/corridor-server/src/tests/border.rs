//! Border management through the API: a list imported, a person screened, an MRZ read, a
//! crossing registered with its hits and alert, the alert decided — and the refusals.

use serde_json::json;

use super::{Browser, Server, call, login, server};

/// ICAO Doc 9303's TD3 specimen.
pub(super) const SPECIMEN: &str =
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";

const LIST: &[u8] = b"id,name,birth_date,nationality,document_number\n\
wl-eriksson,Anna Maria Eriksson,1974-08-12,se,\n\
wl-sayed,Abdulrahman Al-Sayed,1985-03-12,sy,N01234567\n";

fn upload(s: &Server, who: &Browser, list: &str, content_type: &str, body: &[u8]) -> super::Reply {
    call(
        s,
        "POST",
        &format!("/api/v1/watchlists/{list}/versions?file=national.csv"),
        &[
            ("Cookie", who.cookie.as_str()),
            ("X-CSRF-Token", who.csrf.as_str()),
            ("Content-Type", content_type),
        ],
        body,
    )
}

#[test]
fn an_officer_registers_a_crossing_and_decides_its_alert_through_the_api() {
    let s = server();
    let analyst = login(&s, "analyst");
    let r = upload(&s, &analyst, "national", "text/csv", LIST);
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["version"]["entries"], 2);
    assert_eq!(r.json()["version"]["source"], "national.csv");

    let officer = login(&s, "border-officer");
    let lists = officer.get(&s, "/api/v1/watchlists", None).json();
    assert_eq!(lists["lists"][0]["list"], "national", "{lists}");

    let hits = officer
        .send(
            &s,
            "POST",
            "/api/v1/screen",
            &json!({"names": ["عبد الرحمن السيد"]}),
        )
        .json();
    assert_eq!(hits["hits"][0]["entry_id"], "wl-sayed", "{hits}");
    assert!(!hits["hits"][0]["reasons"].as_array().unwrap().is_empty());

    let mrz = officer
        .send(&s, "POST", "/api/v1/mrz", &json!({"mrz": SPECIMEN}))
        .json();
    assert_eq!(mrz["valid"], true, "{mrz}");
    assert_eq!(mrz["birth_date"], "1974-08-12");

    let r = officer.send(
        &s,
        "POST",
        "/api/v1/crossings",
        &json!({"mrz": SPECIMEN, "point": "bcp-ras-ajdir", "direction": "entry", "vehicle": "ab 123 cd"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let result = r.json();
    assert_eq!(result["hits"][0]["entry_id"], "wl-eriksson", "{result}");
    let alert_id = result["alerts"][0]["id"].as_str().unwrap().to_string();
    assert!(
        result["warnings"].to_string().contains("expired"),
        "{result}"
    );

    let open = officer.get(&s, "/api/v1/alerts", None).json();
    assert_eq!(open["alerts"].as_array().unwrap().len(), 1, "{open}");
    let d = officer.send(
        &s,
        "POST",
        &format!("/api/v1/alerts/{alert_id}/decision"),
        &json!({"decision": "false_positive", "note": "checked the photo"}),
    );
    assert_eq!(d.status, 201, "{}", d.body);
    assert_eq!(d.json()["decision"]["by"], "border-officer");
    let open = officer.get(&s, "/api/v1/alerts?status=open", None).json();
    assert!(open["alerts"].as_array().unwrap().is_empty(), "{open}");
    let again = officer
        .send(
            &s,
            "POST",
            "/api/v1/crossings",
            &json!({"mrz": SPECIMEN, "point": "bcp-ras-ajdir", "direction": "exit"}),
        )
        .json();
    assert_eq!(again["alerts"][0]["suppressed"], true, "{again}");
}

#[test]
fn border_endpoints_refuse_bad_input_and_wrong_roles() {
    let s = server();
    let analyst = login(&s, "analyst");
    // A broken row is named by line, and nothing is imported.
    let broken = b"id,name,birth_date,nationality,document_number\nwl-1,Amina,1990-13-45,er,\n";
    let r = upload(&s, &analyst, "national", "text/csv", broken);
    let message = r.problem(422, "invalid");
    assert!(message.contains("line 2"), "{message}");
    let lists = analyst.get(&s, "/api/v1/watchlists", None).json();
    assert!(lists["history"].as_array().unwrap().is_empty(), "{lists}");
    upload(&s, &analyst, "national", "application/pdf", LIST).problem(422, "invalid");
    upload(&s, &analyst, "bad%20name", "text/csv", LIST).problem(422, "invalid");

    let officer = login(&s, "border-officer");
    upload(&s, &officer, "national", "text/csv", LIST).problem(403, "forbidden");
    let researcher = login(&s, "researcher");
    researcher
        .send(&s, "POST", "/api/v1/screen", &json!({"names": ["Amina"]}))
        .problem(403, "forbidden");
    researcher
        .get(&s, "/api/v1/alerts", None)
        .problem(403, "forbidden");

    for (body, field) in [
        (json!({"names": ["<<<<"]}), "no letters"),
        (json!({"names": ["x".repeat(10_000)]}), "characters"),
        (json!({"names": ["Amina"], "colour": "blue"}), "colour"),
    ] {
        let message = officer
            .send(&s, "POST", "/api/v1/screen", &body)
            .problem(422, "invalid");
        assert!(message.contains(field), "{field}: {message}");
    }
    for (body, field) in [
        (
            json!({"mrz": "P<UTO\n123", "point": "bcp-1", "direction": "entry"}),
            "mrz",
        ),
        (
            json!({"name": "Amina", "point": "bcp-1", "direction": "up"}),
            "direction",
        ),
        (
            json!({"name": "Amina", "point": "bcp-1", "direction": "entry", "at": "2999-01-01T00:00:00Z"}),
            "clock",
        ),
    ] {
        let message = officer
            .send(&s, "POST", "/api/v1/crossings", &body)
            .problem(422, "invalid");
        assert!(message.contains(field), "{field}: {message}");
    }
    officer
        .send(
            &s,
            "POST",
            "/api/v1/alerts/alert-none/decision",
            &json!({"decision": "true_match", "note": "same man"}),
        )
        .problem(404, "not_found");
    officer
        .send(
            &s,
            "POST",
            "/api/v1/alerts/alert-none/decision",
            &json!({"decision": "maybe", "note": "same man"}),
        )
        .problem(422, "invalid");
}
