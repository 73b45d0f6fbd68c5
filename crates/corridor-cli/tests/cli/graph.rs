//! `corridor graph`: the contract (`node,value` rows for every node), the analyses on a small
//! network whose answers are known, and bad edge lists refused by line and column.

use super::Node;

fn rows(csv: &str) -> Vec<(String, String)> {
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("node,value"), "{csv}");
    lines
        .map(|l| {
            let (a, b) = l.split_once(',').unwrap();
            (a.to_string(), b.to_string())
        })
        .collect()
}

/// Two rings of four joined through a broker, and a pair apart.
const RINGS: &str = "source,target,weight\n\
    a1,a2,1\na2,a3,1\na3,a4,1\na4,a1,1\na1,a3,1\n\
    b1,b2,1\nb2,b3,1\nb3,b4,1\nb4,b1,1\nb2,b4,1\n\
    a1,broker,1\nbroker,b1,1\n\
    x,y,2\n";

#[test]
fn graph_analyses_write_one_row_per_node() {
    let node = Node::new();
    let edges = node.file("edges.csv", RINGS);
    let path = edges.to_str().unwrap();
    let value = |rows: &[(String, String)], k: &str| -> String {
        rows.iter()
            .find(|(n, _)| n == k)
            .unwrap_or_else(|| panic!("{k} missing"))
            .1
            .clone()
    };

    let components = rows(&node.ok(&["graph", "components", path]));
    assert_eq!(components.len(), 11);
    assert_eq!(value(&components, "a1"), "0");
    assert_eq!(value(&components, "b4"), "0");
    assert_eq!(value(&components, "x"), "1");

    for objective in ["modularity", "cpm"] {
        let communities = rows(&node.ok(&[
            "graph",
            "communities",
            path,
            "--objective",
            objective,
            "--resolution",
            if objective == "cpm" { "0.5" } else { "1" },
        ]));
        assert_eq!(communities.len(), 11);
        assert_eq!(
            value(&communities, "a2"),
            value(&communities, "a4"),
            "{objective}"
        );
        assert_ne!(
            value(&communities, "a2"),
            value(&communities, "b2"),
            "{objective}"
        );
        assert_ne!(
            value(&communities, "x"),
            value(&communities, "a2"),
            "{objective}"
        );
    }

    // The broker carries every path between the rings: 4 * 4 pairs.
    let out = node.dir.path().join("bc.csv");
    node.ok(&["graph", "betweenness", path, "--out", out.to_str().unwrap()]);
    let bc = rows(&std::fs::read_to_string(&out).unwrap());
    assert_eq!(value(&bc, "broker").parse::<f64>().unwrap(), 16.0);
    let top = bc
        .iter()
        .max_by(|a, b| {
            a.1.parse::<f64>()
                .unwrap()
                .total_cmp(&b.1.parse::<f64>().unwrap())
        })
        .unwrap();
    assert!(
        top.0 == "broker" || top.0 == "a1" || top.0 == "b1",
        "{top:?}"
    );

    let pagerank = rows(&node.ok(&["graph", "pagerank", path]));
    let total: f64 = pagerank
        .iter()
        .map(|(_, v)| v.parse::<f64>().unwrap())
        .sum();
    assert!((total - 1.0).abs() < 1e-6, "{total}");

    let degree = rows(&node.ok(&["graph", "degree", path]));
    assert_eq!(value(&degree, "x"), "2"); // weighted
    assert_eq!(value(&degree, "a1"), "4");

    let path_out = node.ok(&["graph", "path", path, "--from", "a2", "--to", "b3", "--all"]);
    let found: Vec<&str> = path_out.lines().collect();
    assert_eq!(found.len(), 2, "{path_out}");
    assert!(
        found
            .iter()
            .all(|p| p.starts_with("a2 -> a1 -> broker -> b1 -> ")),
        "{path_out}"
    );

    let hood = node.ok(&[
        "graph",
        "neighbourhood",
        path,
        "--of",
        "broker",
        "--hops",
        "1",
    ]);
    let mut names: Vec<&str> = hood
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["a1", "b1", "broker"]);
}

#[test]
fn paths_in_time_follow_the_money() {
    let node = Node::new();
    let edges = node.file(
        "transfers.csv",
        "source,target,kind,time\n\
         acc1,hawala1,transfer,2024-03-01\n\
         hawala1,hawala2,transfer,2024-03-03\n\
         hawala2,acc9,transfer,2024-03-02\n\
         hawala2,acc9,transfer,2024-03-05\n\
         acc1,acc9,call,2024-03-04\n",
    );
    let path = edges.to_str().unwrap();
    let out = node.ok(&[
        "graph",
        "path",
        path,
        "--from",
        "acc1",
        "--to",
        "acc9",
        "--in-time",
        "--kind",
        "transfer",
        "--directed",
    ]);
    assert_eq!(
        out.trim(),
        "acc1 -[transfer 2024-03-01T00:00:00Z]-> hawala1 -[transfer 2024-03-03T00:00:00Z]-> hawala2 -[transfer 2024-03-05T00:00:00Z]-> acc9"
    );
    // Against the direction of the transfers there is no path.
    let back = node.run(&[
        "graph",
        "path",
        path,
        "--from",
        "acc9",
        "--to",
        "acc1",
        "--kind",
        "transfer",
        "--directed",
    ]);
    assert!(!back.status.success());
    assert!(String::from_utf8_lossy(&back.stderr).contains("no path from acc9 to acc1"));
    let unknown = node.run(&[
        "graph", "path", path, "--from", "acc1", "--to", "acc9", "--kind", "wire",
    ]);
    assert!(
        String::from_utf8_lossy(&unknown.stderr)
            .contains("--kind wire: no edge has that kind (kinds in the file: transfer, call)")
    );
}

#[test]
fn bad_edge_lists_are_refused_by_line_and_column() {
    let node = Node::new();
    let cases = [
        (
            "a,b\nb,c,-1\n",
            "line 2, column weight: -1 is not a finite number",
        ),
        (
            "a,b\nb,c,NaN\n",
            "line 2, column weight: NaN is not a finite number",
        ),
        ("a,b\n,c\n", "line 2, column source: is empty"),
        (
            "source,weight\na,1\n",
            "a header needs `source` and `target`",
        ),
    ];
    for (text, expected) in cases {
        let edges = node.file("bad.csv", text);
        let run = node.run(&["graph", "pagerank", edges.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(!run.status.success(), "{text:?}");
        assert!(
            stderr.contains(expected) && stderr.contains("bad.csv"),
            "{text:?}: {stderr}"
        );
    }
    // Self-loops and repeats are handled as documented, and said.
    let edges = node.file("loops.csv", "a,a\na,b\nb,a\n");
    let run = node.run(&["graph", "components", edges.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success());
    assert!(
        stderr.contains("1 self-loop(s) dropped") && stderr.contains("1 repeated edge(s) merged"),
        "{stderr}"
    );
    let missing = node.run(&[
        "graph",
        "path",
        edges.to_str().unwrap(),
        "--from",
        "a",
        "--to",
        "zed",
    ]);
    assert!(
        String::from_utf8_lossy(&missing.stderr)
            .contains("--to: `zed` is not a node of this edge list")
    );
    let none = node.run(&[
        "graph",
        "components",
        node.dir.path().join("absent.csv").to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&none.stderr).contains("absent.csv"));
}
