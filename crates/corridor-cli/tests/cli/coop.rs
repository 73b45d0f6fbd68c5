//! Three central authorities' nodes as three real processes on 127.0.0.1, each serving HTTPS
//! with its own certificate: Italy (A) asks Libya (B), B acknowledges and answers with facts,
//! A imports them with their provenance; A shares its watchlist and B screens a traveller
//! against it; Tunisia (C), unknown to B, is refused; B down for a while gets the next request
//! exactly once when it is back.

use serde_json::{Value, json};

use super::Node;
use super::border::{Client, Served, add_user, agent, eventually, free_port, serve};

struct Authority {
    node: Node,
    port: u16,
    id: &'static str,
    cert_pem: String,
    cert: std::path::PathBuf,
    key: std::path::PathBuf,
}

impl Authority {
    fn new(id: &'static str) -> Authority {
        let node = Node::new();
        node.ok(&["init"]);
        node.ok(&["coop", "init", "--node-id", id]);
        add_user(&node, "ca", "central_authority");
        add_user(&node, "officer", "border_officer");
        let tls = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
        let cert_pem = tls.cert.pem();
        let cert = node.file("tls-cert.pem", &cert_pem);
        let key = node.file("tls-key.pem", &tls.key_pair.serialize_pem());
        Authority {
            node,
            port: free_port(),
            id,
            cert_pem,
            cert,
            key,
        }
    }

    fn base(&self) -> String {
        format!("https://localhost:{}", self.port)
    }

    fn identity_file(&self) -> (std::path::PathBuf, String) {
        let identity = self.node.ok(&["coop", "identity"]);
        let value: Value = serde_json::from_str(&identity).unwrap();
        let path = self
            .node
            .file(&format!("{}-identity.json", self.id), &identity);
        (path, value["fingerprint"].as_str().unwrap().to_string())
    }

    fn knows(&self, other: &Authority) {
        let (file, fingerprint) = other.identity_file();
        let url = other.base();
        self.node.ok(&[
            "coop",
            "partner-add",
            file.to_str().unwrap(),
            "--name",
            other.id,
            "--url",
            &url,
            "--fingerprint",
            &fingerprint,
        ]);
    }

    /// Serves HTTPS; delivers to partners whose certificates are in `trust` (a PEM bundle).
    fn serve(&self, trust: &std::path::Path) -> Served {
        serve(
            &self.node,
            &format!("127.0.0.1:{}", self.port),
            &[
                "--coop-interval",
                "1",
                "--tls-cert",
                self.cert.to_str().unwrap(),
                "--tls-key",
                self.key.to_str().unwrap(),
                "--coop-ca",
                trust.to_str().unwrap(),
            ],
        )
    }
}

fn request(client: &Client, reference: &str, to: &str) -> String {
    let (status, body) = client.post(
        "/api/v1/coop/requests",
        &json!({"reference": reference, "request_type": "police_information", "urgency": "urgent",
                "requested": to, "legal_basis": ["untoc-27", "smuggling-protocol-10"],
                "questions": ["Who drives the white truck?"], "deadline": "2027-01-31", "handling": "H2"}),
    );
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_str().unwrap().to_string();
    let (node, reference) = id.split_once('/').unwrap();
    let (status, body) = client.post(
        &format!("/api/v1/coop/requests/{node}/{reference}/steps"),
        &json!({"state": "sent"}),
    );
    assert_eq!(status, 201, "{body}");
    id
}

fn state_of(client: &Client, id: &str) -> String {
    let (node, reference) = id.split_once('/').unwrap();
    let body = client.get(&format!("/api/v1/coop/requests/{node}/{reference}"));
    body["state"].as_str().unwrap().to_string()
}

fn has_request(client: &Client, id: &str) -> bool {
    client.get("/api/v1/coop/requests")["requests"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == id)
}

#[test]
fn three_authorities_exchange_requests_and_answers_between_processes() {
    let (a, b, c) = (
        Authority::new("it"),
        Authority::new("ly"),
        Authority::new("tn"),
    );
    a.knows(&b);
    b.knows(&a);
    c.knows(&b); // B does not know C
    let bundle = format!("{}{}{}", a.cert_pem, b.cert_pem, c.cert_pem);
    let trust = a.node.file("trust.pem", &bundle);
    let login =
        |who: &Authority, user: &str| Client::login_trusting(&who.base(), user, Some(&bundle));
    // A's watchlist, to share with B.
    let list = a.node.file(
        "wanted.csv",
        "id,name,birth_date,nationality,document_number\nit-wl-1,Anna Maria Eriksson,1974-08-12,se,\n",
    );
    a.node.ok(&[
        "watchlist",
        "import",
        "--list",
        "wanted",
        "--format",
        "csv",
        list.to_str().unwrap(),
    ]);
    // B holds a fact about the driver, as law-enforcement data.
    let facts = b.node.file(
        "driver.ftm.json",
        "{\"id\": \"ly-driver-1\", \"schema\": \"Person\", \"properties\": {\"name\": [\"Salem Driver\"], \"nationality\": [\"ly\"]}}\n",
    );
    b.node.ok(&[
        "import",
        "--format",
        "ftm",
        "--handling",
        "restricted",
        "--purpose",
        "law_enforcement",
        facts.to_str().unwrap(),
    ]);

    let served_a = a.serve(&trust);
    let mut served_b = Some(b.serve(&trust));
    let served_c = c.serve(&trust);
    assert!(served_a.base.starts_with("https://"), "{}", served_a.base);
    let ca_a = login(&a, "ca");
    let ca_b = login(&b, "ca");
    let ca_c = login(&c, "ca");

    // A asks; A's node delivers; B has it as received.
    let id = request(&ca_a, "IT-1", "ly");
    eventually("B to receive IT-1", || has_request(&ca_b, &id));
    assert_eq!(state_of(&ca_b, &id), "received");
    // B acknowledges and answers with the driver's facts; A gets both steps and the facts.
    let (node, reference) = id.split_once('/').unwrap();
    let (status, body) = ca_b.post(
        &format!("/api/v1/coop/requests/{node}/{reference}/steps"),
        &json!({"state": "acknowledged"}),
    );
    assert_eq!(status, 201, "{body}");
    let (status, body) = ca_b.post(
        &format!("/api/v1/coop/requests/{node}/{reference}/answer"),
        &json!({"entities": ["ly-driver-1"], "note": "the driver"}),
    );
    assert_eq!(status, 201, "{body}");
    eventually("A to get the answer", || state_of(&ca_a, &id) == "answered");
    let driver = ca_a.get("/api/v1/entities/ly-driver-1");
    let name = &driver["properties"]["name"][0];
    assert_eq!(name["value"], "Salem Driver");
    assert_eq!(name["dataset"], "coop/ly/IT-1/H2");
    assert_eq!(name["recorded_by"], "ly");
    let timeliness = ca_a.get("/api/v1/coop/timeliness");
    assert_eq!(timeliness["by_partner"][0]["answered"], 1, "{timeliness}");

    // A shares its watchlist; B's officer screens a traveller against it at once.
    let (status, body) = ca_a.post(
        "/api/v1/coop/shares",
        &json!({"to": "ly", "reference": "IT-S1", "handling": "H2", "watchlist": "wanted",
                "note": "wanted for the boat of 3 March"}),
    );
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["list_here"], "it-wanted");
    eventually("B to get A's list", || {
        !ca_b.get("/api/v1/coop/shares")["shares"]
            .as_array()
            .unwrap()
            .is_empty()
    });
    let officer = login(&b, "officer");
    let (status, hits) = officer.post(
        "/api/v1/screen",
        &json!({"names": ["Anna Maria Eriksson"], "birth_date": "1974-08-12"}),
    );
    assert_eq!(status, 200, "{hits}");
    let hit = &hits["hits"][0];
    assert_eq!(hit["list"], "it-wanted", "{hits}");
    assert_eq!(hit["entry_id"], "it-wl-1");

    // C, unknown to B, is refused, and C's log says why.
    request(&ca_c, "TN-1", "ly");
    eventually("C's delivery to be refused", || {
        ca_c.get("/api/v1/coop/messages")["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| {
                m["outcome"] == "failed"
                    && m["detail"]
                        .as_str()
                        .unwrap_or("")
                        .contains("tn is not in this node's directory")
            })
    });
    assert!(!has_request(&ca_b, "tn/TN-1"));
    // A forged package posted straight to B: refused with the reason.
    let mut r = agent(Some(&bundle))
        .post(&format!("{}/api/v1/coop/packages", b.base()))
        .header("Content-Type", "application/octet-stream")
        .send(&b"{\"format\":\"corridor-package/1\"}\nnot a body"[..])
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    assert!(
        r.body_mut()
            .read_to_string()
            .unwrap()
            .contains("not a package")
    );

    // B goes down; A sends IT-2; B comes back on the same port and data: IT-2 arrives once.
    drop(served_b.take());
    let second = request(&ca_a, "IT-2", "ly");
    eventually("A to fail to reach B", || {
        ca_a.get("/api/v1/coop/messages")["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["outcome"] == "failed")
    });
    let served_b = b.serve(&trust);
    let ca_b = login(&b, "ca");
    eventually("B to receive IT-2 after coming back", || {
        has_request(&ca_b, &second)
    });
    std::thread::sleep(std::time::Duration::from_secs(2));
    let requests = ca_b.get("/api/v1/coop/requests")["requests"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(requests.iter().filter(|r| r["id"] == second).count(), 1);
    let log = ca_a.get("/api/v1/coop/messages")["messages"]
        .as_array()
        .unwrap()
        .clone();
    let package = log
        .iter()
        .rev()
        .find(|m| m["direction"] == "out" && m["outcome"] == "delivered")
        .unwrap()["package_id"]
        .clone();
    assert_eq!(
        log.iter()
            .filter(|m| m["package_id"] == package && m["outcome"] == "delivered")
            .count(),
        1
    );
    drop(served_c);
    drop(served_b);
    drop(served_a);
}
