//! A border post and its national node as two real processes on 127.0.0.1: the post mirrors
//! the watchlists, works on while the link is cut, and synchronises when it returns — nothing
//! lost, nothing doubled, a conflict shown on both sides.

use std::io::BufRead;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::Node;

const SPECIMEN: &str =
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";
const PASSWORD: &str = "a long test password";

pub(super) struct Served {
    pub(super) child: Child,
    pub(super) base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(super) fn serve(node: &Node, listen: &str, extra: &[&str]) -> Served {
    let mut args = vec!["serve", "--listen", listen, "--connections", "2"];
    args.extend_from_slice(extra);
    let mut child = node
        .cmd(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .filter(|b| b.starts_with("http"))
        .unwrap_or_else(|| panic!("{line}"))
        .to_string();
    Served { child, base }
}

pub(super) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(super) fn add_user(node: &Node, name: &str, role: &str) {
    let mut child = node
        .cmd(&["users", "add", name, "--role", role, "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(PASSWORD.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
}

/// A logged-in browser-like client of one node.
pub(super) struct Client {
    agent: ureq::Agent,
    base: String,
    cookie: String,
    csrf: String,
}

/// An HTTP client that leaves statuses to the caller and, given a PEM bundle, trusts only it.
pub(super) fn agent(ca_pem: Option<&str>) -> ureq::Agent {
    let mut config = ureq::Agent::config_builder().http_status_as_error(false);
    if let Some(pem) = ca_pem {
        let roots: Vec<_> = ureq::tls::parse_pem(pem.as_bytes())
            .filter_map(|item| match item.unwrap() {
                ureq::tls::PemItem::Certificate(cert) => Some(cert),
                _ => None,
            })
            .collect();
        config = config.tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::Specific(std::sync::Arc::new(roots)))
                .build(),
        );
    }
    config.build().into()
}

impl Client {
    pub(super) fn login(base: &str, user: &str) -> Client {
        Client::login_trusting(base, user, None)
    }

    pub(super) fn login_trusting(base: &str, user: &str, ca_pem: Option<&str>) -> Client {
        let agent = agent(ca_pem);
        let mut r = agent
            .post(&format!("{base}/api/v1/auth/login"))
            .header("Content-Type", "application/json")
            .send(
                json!({"username": user, "password": PASSWORD})
                    .to_string()
                    .as_bytes(),
            )
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let cookie = r.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let body: Value = serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap();
        Client {
            agent,
            base: base.to_string(),
            cookie,
            csrf: body["csrf_token"].as_str().unwrap().to_string(),
        }
    }

    pub(super) fn get(&self, path: &str) -> Value {
        let mut r = self
            .agent
            .get(&format!("{}{path}", self.base))
            .header("Cookie", &self.cookie)
            .call()
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "{path}");
        serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap()
    }

    pub(super) fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let mut r = self
            .agent
            .post(&format!("{}{path}", self.base))
            .header("Content-Type", "application/json")
            .header("Cookie", &self.cookie)
            .header("X-CSRF-Token", &self.csrf)
            .send(body.to_string().as_bytes())
            .unwrap();
        let status = r.status().as_u16();
        let text = r.body_mut().read_to_string().unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
}

/// Waits until `done` holds, for at most a minute.
pub(super) fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// A national node with a watchlist (version 1), a post's account and a file with its token.
fn national_node() -> (Node, std::path::PathBuf) {
    let national = Node::new();
    national.ok(&["init"]);
    let list = national.file(
        "list.csv",
        "id,name,birth_date,nationality,document_number\nwl-eriksson,Anna Maria Eriksson,1974-08-12,se,\n",
    );
    national.ok(&[
        "watchlist",
        "import",
        "--list",
        "national",
        "--format",
        "csv",
        list.to_str().unwrap(),
    ]);
    add_user(&national, "post-1", "border_post");
    let token = national.ok(&["users", "token", "post-1", "--name", "link"]);
    let token_file = national.file("token", token.trim());
    (national, token_file)
}

fn sync_status(officer: &Client) -> Value {
    officer.get("/api/v1/sync/status")["sync"].clone()
}

#[test]
fn a_border_post_works_offline_and_synchronises_when_the_link_returns() {
    let (national, token_file) = national_node();
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let first_run = serve(&national, &listen, &[]);
    let national_base = first_run.base.clone();

    // The post: its own store, an officer, the link.
    let post = Node::new();
    post.ok(&["init"]);
    add_user(&post, "officer", "border_officer");
    let post_run = serve(
        &post,
        "127.0.0.1:0",
        &[
            "--national",
            &national_base,
            "--sync-token-file",
            token_file.to_str().unwrap(),
            "--sync-interval",
            "1",
            "--node-name",
            "post-ras-ajdir",
        ],
    );
    let officer = Client::login(&post_run.base, "officer");
    eventually("the list to come down", || {
        sync_status(&officer)["watchlists"]
            .as_array()
            .is_some_and(|l| l.iter().any(|v| v == "national v1"))
    });

    // Online: a traveller on the list is registered and hits at the post itself.
    let (status, first) = officer.post(
        "/api/v1/crossings",
        &json!({"mrz": SPECIMEN, "point": "bcp-ras-ajdir", "direction": "entry"}),
    );
    assert_eq!(status, 201, "{first}");
    let alert_id = first["alerts"][0]["id"].as_str().unwrap().to_string();

    // The link is cut: the post goes on recording and deciding.
    drop(first_run);
    let (status, offline) = officer.post(
        "/api/v1/crossings",
        &json!({"name": "Yonas Tesfay", "birth_date": "1992-01-05", "point": "bcp-ras-ajdir", "direction": "exit"}),
    );
    assert_eq!(status, 201, "{offline}");
    let (status, decided) = officer.post(
        &format!("/api/v1/alerts/{alert_id}/decision"),
        &json!({"decision": "false_positive", "note": "photo does not match"}),
    );
    assert_eq!(status, 201, "{decided}");
    eventually("the post to notice the link is down", || {
        let s = sync_status(&officer);
        s["state"] == "failing" && s["pending"].as_i64().unwrap_or(0) > 0
    });
    // Meanwhile the national node, on its own, registers the same traveller (same data, so
    // the same alert) and its operator decides the other way.
    let national_side: Value = serde_json::from_str(&{
        let mut c = national.cmd(&[
            "crossing",
            "--mrz",
            "-",
            "--point",
            "bcp-tunis-carthage",
            "--direction",
            "entry",
        ]);
        let mut child = c
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        use std::io::Write as _;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(SPECIMEN.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    })
    .unwrap();
    assert_eq!(national_side["alerts"][0]["id"], alert_id.as_str());
    national.ok(&[
        "alerts",
        "decide",
        &alert_id,
        "--decision",
        "true_match",
        "--note",
        "known facilitator",
    ]);

    // The link returns on the same address: everything recorded at the post arrives.
    let _second_run = serve(&national, &listen, &[]);
    let offline_crossing = offline["crossing_id"].as_str().unwrap().to_string();
    eventually("the post's records to reach the national node", || {
        let status = sync_status(&officer);
        // A refused batch would keep failing: say why at once.
        let refused = status["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("national node refused"));
        assert!(!refused, "{status}");
        national.run(&["get", &offline_crossing]).status.success() && status["state"] == "ok"
    });
    // Both decisions are on both sides, and the disagreement is shown, not settled.
    for (who, alerts) in [
        ("post", officer.get("/api/v1/alerts?status=open")),
        ("national", {
            let out = national.ok(&["alerts", "list", "--status", "open"]);
            json!({ "alerts": serde_json::from_str::<Value>(&out).unwrap() })
        }),
    ] {
        let alert = alerts["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == alert_id.as_str())
            .unwrap_or_else(|| panic!("{who}: {alerts}"));
        eventually_conflict(who, alert);
    }

    // Nothing doubled: sending everything again from the start adds nothing there.
    drop(post_run);
    let before = national.statements();
    std::fs::write(
        post.data().join("sync-state.json"),
        r#"{"push_after":0,"pull_after":0}"#,
    )
    .unwrap();
    let again = post.ok(&[
        "sync",
        "--national",
        &national_base,
        "--sync-token-file",
        token_file.to_str().unwrap(),
    ]);
    assert!(again.contains("(0 new there)"), "{again}");
    assert_eq!(national.statements(), before);
}

fn eventually_conflict(who: &str, alert: &Value) {
    let conflict = alert["conflict"].as_array().unwrap();
    let decisions: Vec<&str> = conflict
        .iter()
        .map(|d| d["decision"].as_str().unwrap())
        .collect();
    assert_eq!(conflict.len(), 2, "{who}: {alert}");
    assert!(
        decisions.contains(&"true_match") && decisions.contains(&"false_positive"),
        "{who}: {alert}"
    );
}

#[test]
fn sync_without_a_national_node_says_so_and_keeps_everything() {
    let post = Node::new();
    post.ok(&["init"]);
    let token = post.file("token", "not-a-real-token");
    let port = free_port();
    let err = post.fails(&[
        "sync",
        "--national",
        &format!("http://127.0.0.1:{port}"),
        "--sync-token-file",
        token.to_str().unwrap(),
    ]);
    assert!(err.contains("cannot reach the national node"), "{err}");
    let empty = post.file("empty-token", "  \n");
    let err = post.fails(&[
        "sync",
        "--national",
        "http://127.0.0.1:1",
        "--sync-token-file",
        empty.to_str().unwrap(),
    ]);
    assert!(err.contains("empty"), "{err}");
}

#[test]
fn a_post_reaches_a_national_node_on_its_own_certificate_authority() {
    let (national, token_file) = national_node();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert_file = national.file("ca.pem", &cert.cert.pem());
    let key_file = national.file("key.pem", &cert.key_pair.serialize_pem());
    let served = serve(
        &national,
        "127.0.0.1:0",
        &[
            "--tls-cert",
            cert_file.to_str().unwrap(),
            "--tls-key",
            key_file.to_str().unwrap(),
        ],
    );
    let port = served.base.rsplit(':').next().unwrap().to_string();
    let url = format!("https://localhost:{port}");
    let post = Node::new();
    post.ok(&["init"]);
    let args = |extra: &[&str]| -> Vec<String> {
        let mut a: Vec<String> = [
            "sync",
            "--national",
            &url,
            "--sync-token-file",
            token_file.to_str().unwrap(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let run =
        |extra: &[&str]| post.run(&args(extra).iter().map(String::as_str).collect::<Vec<_>>());
    // Not a certificate the public roots know: refused, and nothing mirrored.
    let out = run(&[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot reach the national node"));
    let junk = post.file("junk.pem", "not a certificate");
    let out = run(&["--national-ca", junk.to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("certificate authority"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // With the national node's own authority: the list comes down.
    let out = run(&["--national-ca", cert_file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("national v1"));
}

#[test]
fn a_list_the_post_may_not_take_down_is_said_and_its_records_still_go_up() {
    let (national, token_file) = national_node();
    // A second list kept as intelligence: the post's account may not read its entries.
    let intel = national.file(
        "intel.csv",
        "id,name,birth_date,nationality,document_number\nint-1,Yonas Tesfay,1992-01-05,er,\n",
    );
    national.ok(&[
        "watchlist",
        "import",
        "--list",
        "intel",
        "--format",
        "csv",
        "--purpose",
        "law_enforcement",
        "--handling",
        "confidential",
        intel.to_str().unwrap(),
    ]);
    let served = serve(&national, "127.0.0.1:0", &[]);
    let post = Node::new();
    post.ok(&["init"]);
    let crossing: Value = serde_json::from_str(&post.ok(&[
        "crossing",
        "--name",
        "Selam Gebremichael",
        "--point",
        "bcp-1",
        "--direction",
        "entry",
    ]))
    .unwrap();
    let out = post.run(&[
        "sync",
        "--national",
        &served.base,
        "--sync-token-file",
        token_file.to_str().unwrap(),
    ]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("national v1") && !stdout.contains("intel"),
        "{stdout}"
    );
    assert!(
        stderr.contains("watchlist intel version 1 could not be mirrored")
            && stderr.contains("no entries"),
        "{stderr}"
    );
    let id = crossing["crossing_id"].as_str().unwrap();
    national.ok(&["get", id]);
}

#[test]
fn a_crossing_records_the_travellers_family_and_refuses_a_bad_one() {
    let post = Node::new();
    post.ok(&["init"]);
    let cross = |name: &str, extra: &[&str]| -> Value {
        let mut args = vec![
            "crossing",
            "--name",
            name,
            "--point",
            "bcp-1",
            "--direction",
            "entry",
        ];
        args.extend_from_slice(extra);
        serde_json::from_str(&post.ok(&args)).unwrap()
    };
    let mother = cross("Selam Gebremichael", &[]);
    let mother_id = mother["person_id"].as_str().unwrap();
    let child = cross("Yonas Tesfay", &["--family", mother_id]);
    // The mother is the child's companion, and a family link says who she is.
    let crossing = post.ok(&["get", child["crossing_id"].as_str().unwrap()]);
    assert!(crossing.contains(mother_id), "{crossing}");
    let statements: u64 = post.statements();
    let err = post.fails(&[
        "crossing",
        "--name",
        "Abel Tesfay",
        "--point",
        "bcp-1",
        "--direction",
        "entry",
        "--family",
        "not an id!",
    ]);
    assert!(err.contains("family[0]"), "{err}");
    assert_eq!(
        post.statements(),
        statements,
        "a refused crossing wrote nothing"
    );
}
