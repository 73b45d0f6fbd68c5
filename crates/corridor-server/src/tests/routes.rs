//! Every route in the OpenAPI document, called once by a caller who may use it, with the data
//! it needs (a partner's package for the cooperation routes, an alert to decide…).

use serde_json::json;

use super::border;
use super::{call, login, server};

#[test]
fn every_route_answers_for_a_permitted_caller() {
    let s = server();
    let admin = login(&s, "administrator");
    let analyst = login(&s, "analyst");
    let central = login(&s, "central-authority");
    let libya = corridor_coop::NodeKeys::generate("ly").unwrap();
    // A package from Libya to this node.
    let sealed =
        |kind: &str, handling: corridor_coop::Dissemination, body: serde_json::Value| -> Vec<u8> {
            let ours: corridor_coop::PartnerKeys = serde_json::from_value(
                central.get(&s, "/api/v1/coop/identity", None).json()["keys"].clone(),
            )
            .unwrap();
            let mut out = Vec::new();
            let meta = corridor_coop::Meta {
                kind: kind.into(),
                created_at: corridor_node::now(),
                expires_at: "2099-01-01T00:00:00Z".into(),
                in_reply_to: None,
                handling,
            };
            let bytes = serde_json::to_vec(&body).unwrap();
            corridor_coop::seal(
                &libya,
                &ours,
                &meta,
                &mut &bytes[..],
                &mut std::io::Cursor::new(Vec::new()),
                &mut out,
            )
            .unwrap();
            out
        };
    let from_libya = |reference: &str| -> Vec<u8> {
        sealed(
            "request",
            corridor_coop::Dissemination::H0,
            json!({"kind": "request", "request": {
            "id": format!("ly/{reference}"), "reference": reference, "request_type": "police_information",
            "urgency": "routine", "requesting": "ly", "requested": "test-node", "legal_basis": ["untoc-27"],
            "questions": ["Do you know her?"], "handling": "H0", "created_at": corridor_node::now()}}),
        )
    };
    let deliver = |bytes: Vec<u8>| {
        let r = call(
            &s,
            "POST",
            "/api/v1/coop/packages",
            &[("Content-Type", "application/octet-stream")],
            &bytes,
        );
        assert_eq!(r.status, 200, "{}", r.body);
    };
    let registration = json!({"place": "Lampedusa", "event": {"name": "Boat of 3 March", "area": "sea"},
        "persons": [{"ref": "1", "first_name": "Amina", "second_name": "Yusuf", "birthdate": "1990-04-01",
                     "gender": "Feminine", "citizenship": ["er"], "agreement_to_manage_personal_data": "yes"}]});
    // A person registered by protection (registered now if none is yet).
    let registered = || {
        let officer = login(&s, "protection-officer");
        let cases = officer.get(&s, "/api/v1/protection/cases", None).json();
        let person = match cases["cases"][0]["person"].as_str() {
            Some(p) => p.to_string(),
            None => {
                let r = officer.send(
                    &s,
                    "POST",
                    "/api/v1/protection/registrations",
                    &registration,
                );
                assert_eq!(r.status, 201, "{}", r.body);
                r.json()["persons"][0]["person_id"]
                    .as_str()
                    .unwrap()
                    .to_string()
            }
        };
        (officer, person)
    };
    for (method, path, _) in crate::routes() {
        let concrete = path
            .replace("{id}", "p-border")
            .replace("{username}", "researcher");
        let r = match (method, path) {
            ("get", "/api/v1/search") => analyst.get(&s, "/api/v1/search?q=amina", None),
            ("get", p) if p.starts_with("/api/v1/entities") || p == "/api/v1/export" || p == "/api/v1/stats" => {
                analyst.get(&s, &concrete, None)
            }
            ("get", p) if p.starts_with("/api/v1/resolution") => {
                analyst.get(&s, &concrete.replace("{left}", "v-1").replace("{right}", "v-2"), None)
            }
            ("post", "/api/v1/resolution/judgements") => {
                analyst.send(&s, "POST", &concrete, &json!({"left": "v-1", "right": "v-3", "judgement": "unsure"}))
            }
            ("post", "/api/v1/resolution/judgements/{seq}/undo") => {
                let j = analyst.send(&s, "POST", "/api/v1/resolution/judgements", &json!({"left": "v-1", "right": "v-2", "judgement": "same"}));
                let seq = j.json()["seq"].as_u64().unwrap();
                analyst.send(&s, "POST", &concrete.replace("{seq}", &seq.to_string()), &json!({}))
            }
            ("get", "/api/v1/watchlists" | "/api/v1/alerts" | "/api/v1/sync/status" | "/api/v1/crossing-points") => analyst.get(&s, &concrete, None),
            ("post", "/api/v1/coop/partners") => central.send(
                &s,
                "POST",
                &concrete,
                &json!({"keys": libya.public(), "name": "Libya", "accepts": ["police_information"], "fingerprint": libya.public().fingerprint()}),
            ),
            ("post", "/api/v1/coop/requests") => central.send(
                &s,
                "POST",
                &concrete,
                &json!({"reference": "T-1", "request_type": "police_information", "urgency": "routine", "requested": "ly",
                        "legal_basis": ["untoc-27"], "questions": ["Who?"], "handling": "H0"}),
            ),
            ("post", "/api/v1/coop/requests/{node}/{reference}/steps") => central.send(
                &s,
                "POST",
                &concrete.replace("{node}", "test-node").replace("{reference}", "T-1"),
                &json!({"state": "sent"}),
            ),
            ("post", "/api/v1/coop/requests/{node}/{reference}/answer") => {
                let delivered = call(&s, "POST", "/api/v1/coop/packages", &[("Content-Type", "application/octet-stream")], &from_libya("LY-1"));
                assert_eq!(delivered.status, 200, "{}", delivered.body);
                central.send(
                    &s,
                    "POST",
                    &concrete.replace("{node}", "ly").replace("{reference}", "LY-1"),
                    &json!({"entities": ["p-border"], "note": "as asked"}),
                )
            }
            ("post", "/api/v1/coop/packages") => {
                call(&s, "POST", &concrete, &[("Content-Type", "application/octet-stream")], &from_libya("LY-2"))
            }
            ("post", "/api/v1/coop/requests/{node}/{reference}/attachments") => call(
                &s,
                "POST",
                &format!("{}?name=route.txt", concrete.replace("{node}", "test-node").replace("{reference}", "T-1")),
                &[
                    ("Cookie", central.cookie.as_str()),
                    ("X-CSRF-Token", central.csrf.as_str()),
                    ("Content-Type", "application/octet-stream"),
                ],
                b"a file for the route test",
            ),
            ("post", "/api/v1/coop/shares") => central.send(
                &s,
                "POST",
                &concrete,
                &json!({"to": "ly", "reference": "S-1", "handling": "H2", "entities": ["p-border"]}),
            ),
            ("post", "/api/v1/coop/consents") => {
                // Libya shares a fact under H2; this node asks Libya whether Tunisia may have it.
                let tunisia = corridor_coop::NodeKeys::generate("tn").unwrap();
                let added = central.send(&s, "POST", "/api/v1/coop/partners",
                    &json!({"keys": tunisia.public(), "name": "Tunisia", "accepts": ["police_information"], "fingerprint": tunisia.public().fingerprint()}));
                assert_eq!(added.status, 201, "{}", added.body);
                let fact = corridor_model::Statement::assert("ly-x", "Person", "name", "Salem".into(), None,
                    std::sync::Arc::new(corridor_model::Provenance { dataset: "ly-cases".into(), recorded_by: "ly".into(),
                        recorded_at: "2026-11-30T08:00:00Z".into(),
                        handling: corridor_model::HandlingCode::Restricted, purpose: corridor_model::Purpose::LawEnforcement,
                        reliability: corridor_model::SourceReliability::B, grade: corridor_model::InformationGrade::KnownToSource }));
                deliver(sealed("share", corridor_coop::Dissemination::H2, json!({"kind": "share",
                    "share": {"id": "ly/LY-S", "reference": "LY-S", "from": "ly", "to": "test-node", "handling": "H2",
                              "shared_by": "x", "shared_at": corridor_node::now(), "entities": ["ly-x"], "facts": 1},
                    "statements": [corridor_node::sync::WireStatement::from(&fact)]})));
                central.send(&s, "POST", &concrete, &json!({"dataset": "coop/ly/shared-LY-S/H2", "to": "tn"}))
            }
            ("post", "/api/v1/coop/consents/{node}/{ask}/decision") => {
                deliver(sealed("consent_ask", corridor_coop::Dissemination::H2, json!({"kind": "consent_ask",
                    "ask": {"id": "ly/00aa", "asker": "ly", "origin": "test-node", "dataset": "coop/test-node/shared-S-1/H2",
                            "to": "tn", "asked_by": "x", "asked_at": corridor_node::now()}})));
                central.send(&s, "POST", &concrete.replace("{node}", "ly").replace("{ask}", "00aa"), &json!({"granted": true}))
            }
            ("get", p) if p.starts_with("/api/v1/protection/") => {
                let (officer, person) = registered();
                officer.get(&s, &p.replace("{person}", &person), None)
            }
            ("post", "/api/v1/research/imports") => call(
                &s,
                "POST",
                &format!("{concrete}?format=mmp&file=iom.csv"),
                &[
                    ("Cookie", analyst.cookie.as_str()),
                    ("X-CSRF-Token", analyst.csrf.as_str()),
                    ("Content-Type", "text/csv"),
                ],
                b"date,month,type,route,geo,dead,cause,surv,nat,location,lon,lat\n2014-01-06,2014-01-01,Incident,Central American Route,USA,1,Mixed or unknown,,GTM,Arizona,-110.3,31.6\n",
            ),
            ("post", "/api/v1/research/incidents") => analyst.send(
                &s,
                "POST",
                &concrete,
                &json!({"date": "2025-03-02", "route": "Central Mediterranean", "dead": 3, "causes": ["Drowning"]}),
            ),
            ("post", "/api/v1/research/dp") => {
                // A dataset with incidents first (the import route may come later).
                let imported = call(
                    &s,
                    "POST",
                    "/api/v1/research/imports?format=mmp&file=dp.csv",
                    &[("Cookie", analyst.cookie.as_str()), ("X-CSRF-Token", analyst.csrf.as_str()), ("Content-Type", "text/csv")],
                    b"date,month,type,route,geo,dead,cause,surv,nat,location,lon,lat\n2015-01-06,2015-01-01,Incident,Central American Route,USA,1,Mixed or unknown,,GTM,Arizona,-110.3,31.6\n",
                );
                assert!(imported.status == 201, "{}", imported.body);
                let researcher = login(&s, "researcher");
                // A statistic as well as a histogram: the mean dead and missing, clamped to 0..100.
                let mean = researcher.send(&s, "POST", &concrete, &json!({"dataset": "mmp-iom-cleaned", "statistic": "mean",
                    "value": "dead_and_missing", "upper": 100, "epsilon": 0.1}));
                assert!(mean.status == 200 && mean.body.contains("\"key\":\"all\""), "{}", mean.body);
                let unbounded = researcher.send(&s, "POST", &concrete, &json!({"dataset": "mmp-iom-cleaned", "statistic": "sum",
                    "value": "dead_and_missing", "epsilon": 0.1}));
                assert!(unbounded.status == 422 && unbounded.body.contains("upper"), "{}", unbounded.body);
                researcher.send(&s, "POST", &concrete, &json!({"dataset": "mmp-iom-cleaned", "by": "year", "epsilon": 0.1}))
            }
            ("get", p) if p.starts_with("/api/v1/research/") => login(&s, "researcher").get(&s, &format!("{p}?by=year"), None),
            ("post", "/api/v1/protection/htcds") => {
                let officer = login(&s, "protection-officer");
                call(
                    &s,
                    "POST",
                    &format!("{concrete}?place=Catania"),
                    &[
                        ("Cookie", officer.cookie.as_str()),
                        ("X-CSRF-Token", officer.csrf.as_str()),
                        ("Content-Type", "text/csv"),
                    ],
                    b"prs_FirstName,prs_SecondName,prs_Gender\nAmina,Yusuf,Feminine\n",
                )
            }
            ("post", "/api/v1/protection/registrations") => login(&s, "protection-officer").send(&s, "POST", &concrete, &registration),
            ("post", p) if p.starts_with("/api/v1/protection/") => {
                let (officer, person) = registered();
                let referral = || officer.send(&s, "POST", "/api/v1/protection/referrals",
                    &json!({"person": person, "service": "asylum", "due_date": "2099-01-01", "consent": "given", "sharing_consent": "given"}));
                match p {
                    "/api/v1/protection/candidates" => officer.send(&s, "POST", p,
                        &json!({"place": "Pozzallo", "persons": [{"first_name": "Amina", "second_name": "Yusuf", "birthdate": "1990-04-01"}]})),
                    "/api/v1/protection/referrals" => referral(),
                    "/api/v1/protection/retention/purge" => officer.send(&s, "POST", p, &json!({})),
                    "/api/v1/protection/cases/{person}/disclosures" | "/api/v1/protection/disclosures/{id}/withdraw" => {
                        let given = officer.send(&s, "POST", &format!("/api/v1/protection/cases/{person}/disclosures"),
                            &json!({"to": "law_enforcement", "basis": "legal_basis", "basis_text": "court order 17/2026 of 30 Nov",
                                    "recipient": "Squadra Mobile", "props": ["name"]}));
                        if p.ends_with("/disclosures") {
                            given
                        } else {
                            assert_eq!(given.status, 201, "{}", given.body);
                            let id = given.json()["id"].as_str().unwrap().to_string();
                            officer.send(&s, "POST", &p.replace("{id}", &id), &json!({"reason": "the order was lifted"}))
                        }
                    }
                    "/api/v1/protection/cases/{person}/conflicts/resolve" => {
                        // A field node's correction arrives through its protection account while
                        // this node corrected the same fact: a conflict to settle.
                        let admin = login(&s, "administrator");
                        let made = admin.send(&s, "POST", "/api/v1/users", &json!({"username": "field-1", "display_name": "Field node",
                            "password": "long enough 1", "roles": ["protection_post"]}));
                        assert_eq!(made.status, 201, "{}", made.body);
                        let field = call(&s, "POST", "/api/v1/auth/login", &[("Content-Type", "application/json")],
                            json!({"username": "field-1", "password": "long enough 1"}).to_string().as_bytes());
                        let cookie = field.header("set-cookie").unwrap().split(';').next().unwrap().to_string();
                        let csrf = field.json()["csrf_token"].as_str().unwrap().to_string();
                        let label = |by: &str, at: &str| std::sync::Arc::new(corridor_model::Provenance {
                            dataset: "protection-registration".into(), recorded_by: by.into(), recorded_at: at.into(),
                            handling: corridor_model::HandlingCode::Protection, purpose: corridor_model::Purpose::Protection,
                            reliability: corridor_model::SourceReliability::B, grade: corridor_model::InformationGrade::KnownToSource });
                        let export = officer.get(&s, &format!("/api/v1/protection/cases/{person}/export"), None).json();
                        let fact = export["records"].as_array().unwrap().iter().find(|r| r["entity"] == person.as_str()).unwrap()["facts"]
                            .as_array().unwrap().iter().find(|f| f["prop"] == "birthDate").unwrap().clone();
                        let original = corridor_model::Statement::assert(&person, "Person", "birthDate", fact["value"].as_str().unwrap().into(), None,
                            label(fact["recorded_by"].as_str().unwrap(), fact["recorded_at"].as_str().unwrap()));
                        let at = corridor_node::now();
                        let theirs = label("field-officer", &at);
                        let wire: Vec<corridor_node::sync::WireStatement> = [
                            corridor_model::Statement::retract(&original, theirs.clone()),
                            corridor_model::Statement::assert(&person, "Person", "birthDate", "1989-01-01".into(), None, theirs),
                        ].iter().map(corridor_node::sync::WireStatement::from).collect();
                        let ours = officer.send(&s, "POST", &format!("/api/v1/protection/cases/{person}/corrections"),
                            &json!({"entity": person, "statement_id": fact["statement_id"], "value": "1990-05-05", "reason": "passport shown"}));
                        assert_eq!(ours.status, 201, "{}", ours.body);
                        let pushed = call(&s, "POST", "/api/v1/sync/statements",
                            &[("Cookie", cookie.as_str()), ("X-CSRF-Token", csrf.as_str()), ("Content-Type", "application/json")],
                            json!({"node": "field-1", "sent_at": at, "statements": wire}).to_string().as_bytes());
                        assert_eq!(pushed.status, 200, "{}", pushed.body);
                        let case = officer.get(&s, &format!("/api/v1/protection/cases/{person}"), None).json();
                        let keep = case["conflicts"][0]["values"][0]["statement_id"].as_str().unwrap_or_else(|| panic!("{case}")).to_string();
                        officer.send(&s, "POST", &p.replace("{person}", &person),
                            &json!({"entity": person, "keep": keep, "reason": "the passport settles it"}))
                    }
                    "/api/v1/protection/cases/{person}/corrections" => {
                        let case = officer.get(&s, &format!("/api/v1/protection/cases/{person}/export"), None).json();
                        let fact = case["records"].as_array().unwrap().iter()
                            .find(|r| r["entity"] == person.as_str()).unwrap()["facts"].as_array().unwrap().iter()
                            .find(|f| f["prop"] == "birthDate").unwrap().clone();
                        officer.send(&s, "POST", &p.replace("{person}", &person),
                            &json!({"entity": person, "statement_id": fact["statement_id"], "value": "1990-04-02", "reason": "passport shown"}))
                    }
                    "/api/v1/protection/referrals/{id}/steps" => {
                        let id = referral().json()["id"].as_str().unwrap().to_string();
                        officer.send(&s, "POST", &p.replace("{id}", &id), &json!({"status": "sent"}))
                    }
                    "/api/v1/protection/cases/{person}/screenings" => officer.send(&s, "POST", &p.replace("{person}", &person),
                        &json!({"asylum_intention": true, "pregnant": true})),
                    _ => officer.send(&s, "POST", &p.replace("{person}", &person),
                        &json!({"step": "counselling", "status": "in_progress"})),
                }
            }
            ("post", "/api/v1/persons/{id}/status") => login(&s, "investigator").send(
                &s,
                "POST",
                &concrete,
                &json!({"status": "suspect", "reason": "drove the boat of 3 March for a fee"}),
            ),
            ("get", "/api/v1/coop/attachments/{sha256}") => {
                let request = central.get(&s, "/api/v1/coop/requests/test-node/T-1", None).json();
                let sha = request["files"][0]["sha256"].as_str().unwrap_or_else(|| panic!("{request}")).to_string();
                let reply = central.get(&s, &path.replace("{sha256}", &sha), None);
                assert_eq!(reply.body, "a file for the route test");
                reply
            }
            ("get", "/api/v1/coop/packages/{id}") => {
                let log = central.get(&s, "/api/v1/coop/messages", None).json();
                let id = log["messages"].as_array().unwrap().iter().find(|m| m["direction"] == "out").unwrap()["package_id"].as_str().unwrap().to_string();
                central.get(&s, &path.replace("{id}", &id), None)
            }
            ("get", p) if p.starts_with("/api/v1/coop/") => central.get(
                &s,
                &concrete.replace("{node}", "test-node").replace("{reference}", "T-1"),
                None,
            ),
            ("get", p) if p.starts_with("/api/v1/network/") => {
                let query = match p {
                    "/api/v1/network/paths" => "?from=p-border&to=v-3&mode=all_shortest",
                    "/api/v1/network/timeline" => "?entities=p-border",
                    "/api/v1/network/findings" => "",
                    "/api/v1/network/export" => "?format=gexf&entity=p-border&hops=1",
                    _ => "?entity=p-border",
                };
                analyst.get(&s, &format!("{concrete}{query}"), Some("case 1"))
            }
            ("get", p) if p.starts_with("/api/v1/sync/") => {
                let post = login(&s, "border-post");
                post.get(&s, &concrete.replace("{list}", "national").replace("{version}", "1"), None)
            }
            ("post", "/api/v1/sync/statements") => login(&s, "border-post").send(
                &s,
                "POST",
                &concrete,
                &json!({"node": "post-1", "sent_at": corridor_node::now(), "statements": []}),
            ),
            ("post", "/api/v1/watchlists/{list}/versions") => call(
                &s,
                "POST",
                &concrete.replace("{list}", "national"),
                &[
                    ("Cookie", analyst.cookie.as_str()),
                    ("X-CSRF-Token", analyst.csrf.as_str()),
                    ("Content-Type", "text/csv"),
                ],
                b"id,name,birth_date,nationality,document_number\nwl-1,Amina Yusuf,1990-04-01,er,\n",
            ),
            ("post", "/api/v1/screen") => analyst.send(&s, "POST", &concrete, &json!({"names": ["Amina Yusuf"]})),
            ("post", "/api/v1/mrz") => analyst.send(&s, "POST", &concrete, &json!({"mrz": border::SPECIMEN})),
            ("post", "/api/v1/crossings") => analyst.send(
                &s,
                "POST",
                &concrete,
                &json!({"name": "Amina Yusuf", "birth_date": "1990-04-01", "point": "bcp-1", "direction": "entry"}),
            ),
            ("post", "/api/v1/alerts/{id}/decision") => {
                let alerts = analyst.get(&s, "/api/v1/alerts", None).json();
                let id = alerts["alerts"][0]["id"].as_str().unwrap_or_else(|| panic!("{alerts}")).to_string();
                analyst.send(&s, "POST", &concrete.replace("p-border", &id), &json!({"decision": "true_match", "note": "same person"}))
            }
            ("get", p) if p.starts_with("/api/v1/risk/") => {
                if p == "/api/v1/risk/backtest" {
                    // The demo world's truth beside the node (here: nobody known).
                    let truth = s.dir.path().join("store").join("demo-world").join("truth");
                    std::fs::create_dir_all(&truth).unwrap();
                    std::fs::write(truth.join("records.csv"), "record_id,dataset,true_id,kind\n").unwrap();
                    std::fs::write(truth.join("networks.csv"), "person_id,network_id,role,corridor,scope\n").unwrap();
                    std::fs::write(truth.join("groups.csv"), "person_id,group_id,corridor,outcome,attempts\n").unwrap();
                }
                analyst.get(&s, &concrete, None)
            }
            ("post", "/api/v1/risk/run") => analyst.send(&s, "POST", &concrete, &json!({})),
            ("post", "/api/v1/risk/changes") => analyst.send(
                &s,
                "POST",
                &concrete,
                &json!({"path": "indicators/unaccompanied-minor.yaml", "note": "route test", "text": "id: unaccompanied-minor\nversion: 2\ntitle: An unaccompanied child\nrationale: A child alone is referred.\nall:\n  - {field: traveller.unaccompanied_minor, op: is_true}\nweight: 3\nexamples:\n  positive:\n    - {traveller.unaccompanied_minor: true}\n  negative:\n    - {traveller.unaccompanied_minor: false}\n"}),
            ),
            ("post", "/api/v1/risk/changes/{id}/decision") => {
                let rules = analyst.get(&s, "/api/v1/risk/rules", None).json();
                let id = rules["changes"][0]["id"].as_str().unwrap_or_else(|| panic!("{rules}")).to_string();
                login(&s, "investigator").send(&s, "POST", &concrete.replace("p-border", &id), &json!({"approve": true, "note": "agreed"}))
            }
            ("post", "/api/v1/risk/alerts/{id}/decision") => {
                let child = json!({"name": "Child Alone", "birth_date": "2014-03-03", "point": "bcp-1", "direction": "entry", "document_number": "C7654321"});
                let crossing = login(&s, "border-officer").send(&s, "POST", "/api/v1/crossings", &child).json();
                let id = crossing["risk"][0]["alert_id"].as_str().unwrap_or_else(|| panic!("{crossing}")).to_string();
                let protection = login(&s, "protection-officer");
                call(
                    &s,
                    "POST",
                    &concrete.replace("p-border", &id),
                    &[
                        ("Cookie", protection.cookie.as_str()),
                        ("X-CSRF-Token", protection.csrf.as_str()),
                        ("X-Corridor-Reason", "child protection"),
                        ("Content-Type", "application/json"),
                    ],
                    json!({"decision": "true_match", "note": "child placed with a guardian"}).to_string().as_bytes(),
                )
            }
            ("get", _) => admin.get(&s, &concrete, None),
            ("post", "/api/v1/auth/login") => continue,
            ("post", "/api/v1/auth/logout") => login(&s, "researcher").send(&s, "POST", &concrete, &json!({})),
            ("post", "/api/v1/auth/tokens") => analyst.send(&s, "POST", &concrete, &json!({"name": "script"})),
            ("post", "/api/v1/entities/{id}/statements") => analyst.send(
                &s,
                "POST",
                &concrete,
                &json!({"schema": "Person", "prop": "nationality", "value": "sy", "handling": "restricted", "purpose": "border_management", "reason": "checked passport"}),
            ),
            ("post", "/api/v1/entities/{id}/retractions") => {
                let page = analyst.get(&s, "/api/v1/entities/p-border", None).json();
                let id = page["properties"]["name"][0]["statement_id"].as_str().unwrap().to_string();
                analyst.send(&s, "POST", &concrete, &json!({"statement_id": id, "reason": "wrong person"}))
            }
            ("post", "/api/v1/users") => admin.send(
                &s,
                "POST",
                &concrete,
                &json!({"username": "newbie", "display_name": "New", "password": "long enough 1", "roles": ["researcher"]}),
            ),
            ("patch", _) => admin.send(&s, "PATCH", &concrete, &json!({"display_name": "R."})),
            other => panic!("no call written for {other:?}"),
        };
        assert!(
            (200..300).contains(&r.status),
            "{method} {path}: {} {}",
            r.status,
            r.body
        );
    }
    // Unknown API paths are problems, not the workbench page.
    call(&s, "GET", "/api/v1/nothing", &[], b"").problem(404, "not_found");
}
