//! Three central authorities' nodes as three real processes on 127.0.0.1: Italy (A) asks
//! Libya (B), B acknowledges and answers with facts, A imports them with their provenance;
//! Tunisia (C), unknown to B, is refused; B down for a while gets the next request exactly
//! once when it is back.

use serde_json::{Value, json};

use super::Node;
use super::border::{Client, Served, add_user, eventually, free_port, serve};

struct Authority {
    node: Node,
    port: u16,
    id: &'static str,
}

impl Authority {
    fn new(id: &'static str) -> Authority {
        let node = Node::new();
        node.ok(&["init"]);
        node.ok(&["coop", "init", "--node-id", id]);
        add_user(&node, "ca", "central_authority");
        Authority {
            node,
            port: free_port(),
            id,
        }
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
        let url = format!("http://127.0.0.1:{}", other.port);
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

    fn serve(&self) -> Served {
        serve(
            &self.node,
            &format!("127.0.0.1:{}", self.port),
            &["--coop-interval", "1"],
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

    let served_a = a.serve();
    let mut served_b = Some(b.serve());
    let served_c = c.serve();
    let ca_a = Client::login(&served_a.base, "ca");
    let ca_b = Client::login(&served_b.as_ref().unwrap().base, "ca");
    let ca_c = Client::login(&served_c.base, "ca");

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
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut r = agent
        .post(&format!(
            "{}/api/v1/coop/packages",
            served_b.as_ref().unwrap().base
        ))
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
    let served_b = b.serve();
    let ca_b = Client::login(&served_b.base, "ca");
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
    drop(served_a);
}
