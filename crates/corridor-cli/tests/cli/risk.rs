//! `corridor risk`: rule files checked by file, line and rule; facts evaluated from a file with
//! the hits explained; a change proposed by one user and approved by another through the
//! command line.

use super::Node;

fn write(node: &Node, rel: &str, text: &str) {
    let path = node.dir.path().join("rules").join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const GOOD: &str = "id: shared-phone\nversion: 1\ntitle: A phone shared with a facilitator\nrationale: Coordinates journeys.\nall:\n  - {field: network.phone_shared_with_facilitator, op: is_true}\nweight: 3\nexamples:\n  positive:\n    - {network.phone_shared_with_facilitator: true}\n  negative:\n    - {network.phone_shared_with_facilitator: false}\n";

#[test]
fn rule_files_are_checked_by_file_line_and_rule() {
    let node = Node::new();
    write(&node, "indicators/shared-phone.yaml", GOOD);
    write(
        &node,
        "profiles/p.yaml",
        "id: p\nversion: 1\ntitle: P\nkind: perpetrator\nindicators: [shared-phone]\nthreshold: 3\nreview_by: 2027-01-31\napproved_by: [a, b]\n",
    );
    let dir = node.dir.path().join("rules");
    let out = node.ok(&["risk", "check", dir.to_str().unwrap()]);
    assert!(out.contains("ok: 1 indicators, 1 profiles"), "{out}");

    // Unknown field, a value of the wrong type, a profile on nationality alone, one approver.
    write(
        &node,
        "indicators/bad.yaml",
        "id: bad\nversion: 1\ntitle: Bad\nrationale: r\nall:\n  - {field: traveller.shoe_size, op: gte, value: 44}\n  - {field: crossing.group_size, op: gte, value: many}\nweight: 1\n",
    );
    write(
        &node,
        "indicators/nationality.yaml",
        "id: nationality\nversion: 1\ntitle: N\nrationale: r\nall:\n  - {field: traveller.nationality, op: eq, value: ly}\nweight: 5\nexamples:\n  positive:\n    - {traveller.nationality: ly}\n  negative:\n    - {traveller.nationality: tn}\n",
    );
    write(
        &node,
        "profiles/q.yaml",
        "id: q\nversion: 1\ntitle: Q\nkind: perpetrator\nindicators: [nationality]\nthreshold: 3\nreview_by: 2027-01-31\napproved_by: [a]\n",
    );
    let err = node.fails(&["risk", "check", dir.to_str().unwrap()]);
    for expected in [
        "indicators/bad.yaml: line 6: bad:",
        "traveller.shoe_size",
        "indicators/bad.yaml: line 7: bad:",
        "profiles/q.yaml: line",
        "protected characteristics alone",
        "two different users",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    // Malformed YAML is named by file and line.
    write(&node, "indicators/bad.yaml", "id: [unclosed\n");
    let err = node.fails(&["risk", "check", dir.to_str().unwrap()]);
    assert!(err.contains("indicators/bad.yaml: line"), "{err}");
}

#[test]
fn facts_from_a_file_are_evaluated_and_explained() {
    let node = Node::new();
    let facts = node.file(
        "facts.jsonl",
        "{\"network.known_facilitator\": true, \"vehicle.seen_in_interception\": true, \"vehicle.crossings_30d\": 3}\n{\"traveller.unaccompanied_minor\": true}\n{}\n",
    );
    let out = node.ok(&["risk", "eval", facts.to_str().unwrap()]);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines[0]["profiles"],
        serde_json::json!(["facilitator-at-the-crossing"])
    );
    assert_eq!(lines[0]["hits"][0]["score"], 3.0);
    assert_eq!(
        lines[1]["profiles"],
        serde_json::json!(["smuggled-person-in-need"])
    );
    assert_eq!(lines[1]["hits"][0]["kind"], "possible_smuggled_person");
    assert_eq!(lines[2]["profiles"], serde_json::json!([]));
    let bad = node.file("bad.jsonl", "{}\n[1, 2]\n");
    let err = node.fails(&["risk", "eval", bad.to_str().unwrap()]);
    assert!(err.contains("line 2: not an object of facts"), "{err}");
}

#[test]
fn a_change_proposed_by_one_user_runs_once_another_approves_it() {
    let node = Node::new();
    node.ok(&["init"]);
    let file = node.file("minor.yaml", "id: unaccompanied-minor\nversion: 2\ntitle: An unaccompanied child\nrationale: A child alone is referred.\nall:\n  - {field: traveller.unaccompanied_minor, op: is_true}\nweight: 2\nexamples:\n  positive:\n    - {traveller.unaccompanied_minor: true}\n  negative:\n    - {traveller.unaccompanied_minor: false}\n");
    let proposed = node.ok(&[
        "risk",
        "propose",
        "indicators/unaccompanied-minor.yaml",
        file.to_str().unwrap(),
        "--note",
        "weight as agreed",
    ]);
    let change: serde_json::Value = serde_json::from_str(&proposed).unwrap();
    let id = change["id"].as_str().unwrap();
    let err = node.fails(&["risk", "approve", id, "--note", "my own"]);
    assert!(err.contains("second user"), "{err}");
    let out = node
        .cmd(&["risk", "approve", id, "--note", "agreed"])
        .env("CORRIDOR_USER", "second-analyst")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rules: serde_json::Value = serde_json::from_str(&node.ok(&["risk", "rules"])).unwrap();
    let minor = rules["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "unaccompanied-minor")
        .unwrap();
    assert_eq!(
        (minor["version"].as_u64(), minor["weight"].as_f64()),
        (Some(2), Some(2.0))
    );
}
