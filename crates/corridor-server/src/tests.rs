//! The real server on a real port, spoken to over TCP: the OpenAPI document against the real
//! routes, every role against every kind of data through every path, and hostile input.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;

use corridor_model::{
    HandlingCode, InformationGrade, Model, Provenance, Purpose, SourceReliability, Statement,
};
use corridor_store::Location;
use serde_json::{Value, json};

use crate::AppState;

const PASSWORD: &str = "test password 1";

struct Server {
    addr: SocketAddr,
    dir: tempfile::TempDir,
}

fn label(handling: HandlingCode, purpose: Purpose) -> Arc<Provenance> {
    Arc::new(Provenance {
        dataset: format!("{handling}-{purpose}"),
        recorded_by: "loader".into(),
        recorded_at: "2026-11-30T08:00:00Z".into(),
        handling,
        purpose,
        reliability: SourceReliability::B,
        grade: InformationGrade::KnownToSource,
    })
}

const ROLES: &[&str] = &[
    "administrator",
    "analyst",
    "border_officer",
    "central_authority",
    "investigator",
    "protection_officer",
    "researcher",
];

/// A node with one person per kind of data (all named Amina), one user per role, and a
/// workbench directory with an index page, served on a free port.
fn server() -> Server {
    serve_fixture(None)
}

fn serve_fixture(tls: Option<crate::Tls>) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let model = Arc::new(Model::builtin().unwrap());
    let location = Location::Directory(dir.path().join("store"));
    let mut store = corridor_store::create(&location, model.clone()).unwrap();
    let mut statements = Vec::new();
    for (kind, handling, purpose) in [
        ("pub", HandlingCode::Public, Purpose::Research),
        (
            "border",
            HandlingCode::Restricted,
            Purpose::BorderManagement,
        ),
        ("le", HandlingCode::Confidential, Purpose::LawEnforcement),
        ("prot", HandlingCode::Protection, Purpose::Protection),
    ] {
        statements.push(Statement::assert(
            &format!("p-{kind}"),
            "Person",
            "name",
            format!("Amina {kind}"),
            None,
            label(handling, purpose),
        ));
    }
    // One number plate written two ways, for entity resolution's review.
    for (id, plate, kind) in [
        ("v-1", "AB-123-CD", "truck"),
        ("v-2", "AB 123 CD", "truck"),
        ("v-3", "XY-999-ZZ", "truck"),
    ] {
        // v-2 also has a model: not identical to v-1, though nothing disagrees.
        let model = if id == "v-2" { "Actros" } else { "" };
        for (prop, value) in [
            ("registrationNumber", plate),
            ("type", kind),
            ("model", model),
        ] {
            if value.is_empty() {
                continue;
            }
            statements.push(Statement::assert(
                id,
                "Vehicle",
                prop,
                value.into(),
                None,
                label(HandlingCode::Restricted, Purpose::BorderManagement),
            ));
        }
    }
    // The border person drove the third truck across: a link for network analysis.
    for (prop, value) in [
        ("traveller", "p-border"),
        ("vehicle", "v-3"),
        ("date", "2026-11-01T10:00:00"),
    ] {
        statements.push(Statement::assert(
            "c-net",
            "Crossing",
            prop,
            value.into(),
            None,
            label(HandlingCode::Restricted, Purpose::BorderManagement),
        ));
    }
    let mut tx = store.begin().unwrap();
    tx.write(&statements).unwrap();
    tx.commit().unwrap();
    drop(store);
    let node = corridor_node::Node::open(&location, &dir.path().join("store"), model, 2).unwrap();
    node.build_resolution().unwrap();
    node.coop_init("test-node").unwrap();
    for role in ROLES {
        node.create_user(
            None,
            &role.replace('_', "-"),
            role,
            PASSWORD,
            vec![role.to_string()],
        )
        .unwrap();
    }
    // A border post's synchronisation account: a machine, not one of the people above.
    node.create_user(
        None,
        "border-post",
        "Post at Ras Ajdir",
        PASSWORD,
        vec!["border_post".into()],
    )
    .unwrap();
    let web = dir.path().join("web");
    std::fs::create_dir_all(web.join("assets")).unwrap();
    std::fs::write(
        web.join("index.html"),
        "<!doctype html><title>workbench</title>",
    )
    .unwrap();
    std::fs::write(web.join("assets/app.js"), "console.log(1)").unwrap();
    std::fs::write(dir.path().join("secret.txt"), "do not serve").unwrap();
    let app = Arc::new(AppState::new(node, Some(web), tls.is_some()));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(crate::serve_on(app, listener, tls)).unwrap();
    });
    Server { addr, dir }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// A problem document with this status and code.
    fn problem(&self, status: u16, code: &str) -> String {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{}",
            self.body
        );
        let v = self.json();
        assert_eq!(v["code"], code, "{}", self.body);
        v["detail"].as_str().unwrap().to_string()
    }
}

/// One HTTP/1.1 request over a fresh connection.
fn call(server: &Server, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(server.addr).unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        server.addr,
        body.len()
    );
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_string()
    };
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = &rest[n..];
        body = body.strip_prefix("\r\n").unwrap_or(body);
    }
    out
}

/// A logged-in browser: its cookie and CSRF token.
struct Browser {
    cookie: String,
    csrf: String,
}

fn login(server: &Server, username: &str) -> Browser {
    let body = json!({"username": username, "password": PASSWORD}).to_string();
    let r = call(
        server,
        "POST",
        "/api/v1/auth/login",
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let cookie = r.header("set-cookie").unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    Browser {
        cookie: cookie.split(';').next().unwrap().to_string(),
        csrf: r.json()["csrf_token"].as_str().unwrap().to_string(),
    }
}

impl Browser {
    fn get(&self, server: &Server, path: &str, reason: Option<&str>) -> Reply {
        let mut headers = vec![("Cookie", self.cookie.as_str())];
        if let Some(r) = reason {
            headers.push(("X-Corridor-Reason", r));
        }
        call(server, "GET", path, &headers, b"")
    }
    fn send(&self, server: &Server, method: &str, path: &str, body: &Value) -> Reply {
        let headers = [
            ("Cookie", self.cookie.as_str()),
            ("X-CSRF-Token", self.csrf.as_str()),
            ("Content-Type", "application/json"),
        ];
        call(server, method, path, &headers, body.to_string().as_bytes())
    }
}

#[test]
fn the_openapi_document_describes_exactly_the_real_routes() {
    let doc = crate::openapi_document();
    let mut documented = BTreeSet::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            documented.insert((method.clone(), path.clone()));
        }
    }
    let real: BTreeSet<(String, String)> = crate::routes()
        .into_iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, real);
    // And the node serves that document.
    let s = server();
    let served = call(&s, "GET", "/api/openapi.json", &[], b"").json();
    assert_eq!(served, doc);
}

/// The same table as corridor-node's own test, taken through the API instead of the services.
#[test]
fn every_role_sees_exactly_its_data_through_every_api_path() {
    let s = server();
    let kinds = |ids: Vec<String>| -> String {
        let set: BTreeSet<String> = ids
            .iter()
            .filter_map(|id| id.strip_prefix("p-").map(String::from))
            .collect();
        if set.is_empty() {
            "none".into()
        } else {
            set.into_iter().collect::<Vec<_>>().join(",")
        }
    };
    let mut table = String::new();
    for role in ROLES {
        let b = login(&s, &role.replace('_', "-"));
        for reason in [None, Some("case%202026%2F114")] {
            let search = b.get(&s, "/api/v1/search?q=amina&limit=50", reason);
            let search = match search.status {
                200 => kinds(
                    search.json()["results"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|h| h["id"].as_str().unwrap().to_string())
                        .collect(),
                ),
                _ => "-".into(),
            };
            let entity = kinds(
                ["pub", "border", "le", "prot"]
                    .iter()
                    .map(|k| format!("p-{k}"))
                    .filter(|id| b.get(&s, &format!("/api/v1/entities/{id}"), reason).status == 200)
                    .collect(),
            );
            let export = b.get(&s, "/api/v1/export?format=ftm", reason);
            let export = match export.status {
                200 => kinds(
                    export
                        .body
                        .lines()
                        .map(|l| {
                            serde_json::from_str::<Value>(l).unwrap()["id"]
                                .as_str()
                                .unwrap()
                                .to_string()
                        })
                        .collect(),
                ),
                _ => "-".into(),
            };
            let stats = b.get(&s, "/api/v1/stats", reason).json();
            let stats = kinds(
                stats["by_dataset"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .map(|d| {
                        match d.as_str() {
                            "public-research" => "p-pub",
                            "restricted-border_management" => "p-border",
                            "confidential-law_enforcement" => "p-le",
                            _ => "p-prot",
                        }
                        .to_string()
                    })
                    .collect(),
            );
            let r = if reason.is_some() { "reason" } else { "-" };
            table.push_str(&format!(
                "{role:<19} {r:<6} search={search:<17} entity={entity:<17} export={export:<17} stats={stats}\n"
            ));
        }
    }
    assert_eq!(
        table,
        include_str!("../../corridor-node/src/visibility-matrix.txt")
    );
}

#[test]
fn every_role_sees_exactly_its_data_over_http() {
    let s = server();
    for role in ROLES {
        let b = login(&s, &role.replace('_', "-"));
        let protection = *role == "protection_officer";
        for reason in [None, Some("case%2012")] {
            let search = b.get(&s, "/api/v1/search?q=AMINA", reason).json();
            let ids: Vec<&str> = search["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["id"].as_str().unwrap())
                .collect();
            assert_eq!(
                ids.contains(&"p-prot"),
                protection && reason.is_some(),
                "{role}: {ids:?}"
            );
            let page = b.get(&s, "/api/v1/entities/p-prot", reason);
            if protection && reason.is_some() {
                assert_eq!(page.status, 200, "{role}");
                assert_eq!(
                    page.json()["properties"]["name"][0]["handling"],
                    "protection"
                );
            } else if protection {
                page.problem(428, "reason_required");
            } else {
                // Exactly what an absent entity gets.
                let absent = b.get(&s, "/api/v1/entities/p-absent", reason);
                assert_eq!(
                    page.problem(404, "not_found").replace("p-prot", "X"),
                    absent.problem(404, "not_found").replace("p-absent", "X")
                );
            }
            let export = b.get(&s, "/api/v1/export?format=ftm", reason);
            if export.status == 200 {
                assert_eq!(
                    export.body.contains("p-prot"),
                    protection && reason.is_some(),
                    "{role}: {}",
                    export.body
                );
            } else {
                export.problem(403, "forbidden");
            }
            let stats = b.get(&s, "/api/v1/stats", reason).json();
            let datasets = stats["by_dataset"].as_object().unwrap();
            assert_eq!(
                datasets.contains_key("protection-protection"),
                protection,
                "{role}: {stats}"
            );
        }
        let users = b.get(&s, "/api/v1/users", None);
        if *role == "administrator" {
            assert_eq!(
                users.json().as_array().unwrap().len(),
                ROLES.len() + 1,
                "and the post's account"
            );
        } else {
            users.problem(403, "forbidden");
            b.get(&s, "/api/v1/audit", None).problem(403, "forbidden");
        }
    }
}

fn statements(s: &Server) -> u64 {
    let b = login(s, "analyst");
    b.get(s, "/api/v1/stats", None).json()["statements"]
        .as_u64()
        .unwrap()
}

#[test]
fn hostile_input_gets_the_right_status_writes_nothing_and_is_audited() {
    let s = server();
    let analyst = login(&s, "analyst");
    let before = statements(&s);
    let path = "/api/v1/entities/p-border/statements";
    let good = json!({"schema": "Person", "prop": "nationality", "value": "sy", "handling": "restricted", "purpose": "border_management", "reason": "checked"});
    let send_raw = |body: &[u8]| {
        call(
            &s,
            "POST",
            path,
            &[
                ("Cookie", &analyst.cookie),
                ("X-CSRF-Token", &analyst.csrf),
                ("Content-Type", "application/json"),
            ],
            body,
        )
    };
    let detail = send_raw(b"{\"schema\": \"Person\",").problem(400, "invalid");
    assert!(detail.contains("line 1 column"), "{detail}");
    let mut wrong_type = good.clone();
    wrong_type["value"] = json!(42);
    let detail = analyst
        .send(&s, "POST", path, &wrong_type)
        .problem(422, "invalid");
    assert!(detail.contains("invalid type: integer"), "{detail}");
    let mut unknown = good.clone();
    unknown["colour"] = json!("red");
    let detail = analyst
        .send(&s, "POST", path, &unknown)
        .problem(422, "invalid");
    assert!(detail.contains("unknown field `colour`"), "{detail}");
    let huge = vec![b'x'; crate::MAX_BODY_BYTES + 10];
    send_raw(&huge).problem(413, "too_large");
    // No CSRF token on a cookie-authenticated write: refused and audited.
    let r = call(
        &s,
        "POST",
        path,
        &[
            ("Cookie", &analyst.cookie),
            ("Content-Type", "application/json"),
        ],
        good.to_string().as_bytes(),
    );
    r.problem(403, "csrf");
    // Forged, expired-looking and malformed tokens.
    for token in [
        "Bearer 00",
        &format!("Bearer {}", "a".repeat(64)),
        "Bearer ' OR 1=1 --",
    ] {
        call(&s, "GET", "/api/v1/stats", &[("Authorization", token)], b"")
            .problem(401, "unauthenticated");
    }
    call(
        &s,
        "GET",
        "/api/v1/stats",
        &[("Cookie", "corridor_session=forged")],
        b"",
    )
    .problem(401, "unauthenticated");
    // SQL metacharacters in every string parameter are only data.
    let sql = "x'; DROP TABLE statement; --";
    let encoded = "x%27%3B%20DROP%20TABLE%20statement%3B%20--";
    assert_eq!(
        analyst
            .get(&s, &format!("/api/v1/search?q={encoded}"), None)
            .status,
        200
    );
    analyst
        .get(&s, &format!("/api/v1/entities/{encoded}"), None)
        .problem(404, "not_found");
    analyst
        .get(&s, "/api/v1/search?q=amina&limit=1%20OR%201=1", None)
        .problem(422, "invalid");
    let admin = login(&s, "administrator");
    admin
        .send(
            &s,
            "PATCH",
            &format!("/api/v1/users/{encoded}"),
            &json!({"display_name": sql}),
        )
        .problem(404, "not_found");
    let detail = admin
        .send(&s, "POST", "/api/v1/users", &json!({"username": sql, "display_name": sql, "password": "long enough 1", "roles": ["analyst"]}))
        .problem(422, "invalid");
    assert!(detail.starts_with("username:"), "{detail}");
    // Path traversal in the workbench's file paths.
    for p in [
        "/../secret.txt",
        "/assets/../../secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e/secret.txt",
        "/assets/%2e%2e%2f%2e%2e%2fsecret.txt",
    ] {
        let r = call(&s, "GET", p, &[], b"");
        assert!(!r.body.contains("do not serve"), "{p} served the file");
    }
    assert!(
        call(&s, "GET", "/assets/app.js", &[], b"")
            .body
            .contains("console.log")
    );
    assert!(
        call(&s, "GET", "/entity/p-border", &[], b"")
            .body
            .contains("workbench")
    );
    // A reason that is too long, or not percent-encoded UTF-8.
    let long = "x".repeat(501);
    let detail = analyst
        .get(&s, "/api/v1/stats", Some(&long))
        .problem(422, "invalid");
    assert!(
        detail.contains("X-Corridor-Reason: at most 500 characters"),
        "{detail}"
    );
    let detail = analyst
        .get(&s, "/api/v1/stats", Some("%FF%FE"))
        .problem(422, "invalid");
    assert!(
        detail.contains("not valid percent-encoded UTF-8"),
        "{detail}"
    );
    // A page the role may not see.
    analyst
        .get(&s, "/api/v1/users", None)
        .problem(403, "forbidden");
    // Nothing was written, and the attempts left a trace.
    assert_eq!(statements(&s), before);
    let log = admin.get(&s, "/api/v1/audit?limit=200", None).json();
    let outcomes: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert!(outcomes.iter().any(|o| o.contains("CSRF")), "{outcomes:?}");
    for refusal in [
        "400 invalid",
        "413 too_large",
        "422 invalid",
        "403 forbidden",
    ] {
        assert!(
            outcomes.iter().any(|o| o.ends_with(refusal)),
            "{refusal} not audited: {outcomes:?}"
        );
    }
    assert!(
        outcomes
            .iter()
            .any(|o| o.contains("no valid session or token")),
        "{outcomes:?}"
    );
    let _ = &s.dir;
}

#[test]
fn logins_are_rate_limited_and_secrets_stay_out_of_metrics() {
    let s = server();
    let bad = json!({"username": "analyst", "password": "wrong wrong"}).to_string();
    for _ in 0..5 {
        call(
            &s,
            "POST",
            "/api/v1/auth/login",
            &[("Content-Type", "application/json")],
            bad.as_bytes(),
        )
        .problem(401, "unauthenticated");
    }
    let good = json!({"username": "analyst", "password": PASSWORD}).to_string();
    call(
        &s,
        "POST",
        "/api/v1/auth/login",
        &[("Content-Type", "application/json")],
        good.as_bytes(),
    )
    .problem(429, "rate_limited");
    let b = login(&s, "researcher");
    b.get(&s, "/api/v1/search?q=amina%20secretname", None);
    let metrics = call(&s, "GET", "/metrics", &[], b"");
    assert!(
        metrics
            .body
            .contains("corridor_http_requests_total{route=\"/api/v1/search\""),
        "{}",
        metrics.body
    );
    assert!(!metrics.body.contains("secretname") && !metrics.body.contains("researcher"));
    // A bearer token works without CSRF and is refused once its user is disabled.
    let token = b
        .send(
            &s,
            "POST",
            "/api/v1/auth/tokens",
            &json!({"name": "script"}),
        )
        .json()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let bearer = format!("Bearer {token}");
    assert_eq!(
        call(
            &s,
            "GET",
            "/api/v1/stats",
            &[("Authorization", &bearer)],
            b""
        )
        .status,
        200
    );
    let admin = login(&s, "administrator");
    admin.send(
        &s,
        "PATCH",
        "/api/v1/users/researcher",
        &json!({"disabled": true}),
    );
    call(
        &s,
        "GET",
        "/api/v1/stats",
        &[("Authorization", &bearer)],
        b"",
    )
    .problem(401, "unauthenticated");
}

#[test]
fn tls_from_certificate_files_serves_https_with_secure_cookies() {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let tls = crate::Tls {
        cert: dir.path().join("cert.pem"),
        key: dir.path().join("key.pem"),
    };
    std::fs::write(&tls.cert, cert.cert.pem()).unwrap();
    std::fs::write(&tls.key, cert.key_pair.serialize_pem()).unwrap();
    let s = serve_fixture(Some(tls));
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert.cert.der().clone()).unwrap();
    let config = Arc::new(
        rustls::ClientConfig::builder()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    );
    let https = |request: String| -> String {
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        let conn = rustls::ClientConnection::new(config.clone(), name).unwrap();
        let mut tls = rustls::StreamOwned::new(conn, TcpStream::connect(s.addr).unwrap());
        tls.write_all(request.as_bytes()).unwrap();
        let mut reply = Vec::new();
        let _ = tls.read_to_end(&mut reply);
        String::from_utf8_lossy(&reply).to_string()
    };
    let reply =
        https("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".into());
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    let body = json!({"username": "analyst", "password": PASSWORD}).to_string();
    let reply = https(format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    ));
    let cookie = reply
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .unwrap_or_else(|| panic!("{reply}"));
    assert!(cookie.contains("; Secure"), "{cookie}");
    // Plain HTTP on the TLS port gets no answer a browser would take.
    let plain = call(&s, "GET", "/health", &[], b"");
    assert_ne!(plain.status, 200);
}

mod border;
/// Cooperation through the API: who may, and bad input.
mod coop;
/// Network analysis through the API: who may, what they see, bad parameters.
mod network;
/// Protection through the API: enforcement refused on every route, bad input named.
mod protection;
/// Entity resolution's review through the API.
mod review;
/// Risk profiles through the API.
mod risk;
/// Every route of the document answers a caller who may use it.
mod routes;
