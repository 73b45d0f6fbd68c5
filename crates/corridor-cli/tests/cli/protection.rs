//! A protection field node and its national node as two processes: persons registered at the
//! quay from an HTCDS file while there is no link, synchronised through a protection account
//! when the link is back; bad files refused by line and column; the purge asks before it acts.

use serde_json::Value;

use super::Node;
use super::border::{add_user, free_port, serve};

const CASES: &str = "prs_FirstName,prs_SecondName,prs_Birthdate,prs_Gender,prs_Citizenship,vic_AgreementToManagePersonalData,vic_MethodsOfControl\n\
Hiwet,Tesfamariam,1993,Feminine,ER,TRUE,\n\
Kidane,Berhe,1988-07-19,Masculine,ER,TRUE,DebtBondage;WithholdsDocuments\n";

#[test]
fn a_field_node_registers_offline_and_its_records_reach_the_national_node_later() {
    let national = Node::new();
    national.ok(&["init"]);
    add_user(&national, "field-1", "protection_post");
    let token = national.ok(&["users", "token", "field-1", "--name", "quay"]);
    let token_file = national.file("token", token.trim());

    let field = Node::new();
    field.ok(&["init"]);
    let cases = field.file("cases.csv", CASES);
    let out = field.ok(&[
        "protection",
        "import-htcds",
        cases.to_str().unwrap(),
        "--place",
        "Lampedusa, Molo Favarolo",
    ]);
    let imported: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(imported["persons"].as_array().unwrap().len(), 2);
    assert_eq!(
        imported["persons"][1]["assessment"]["needs"][0]["rule"],
        "trafficking-indicators"
    );

    // No link yet: the round fails and says so; nothing is lost.
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let sync = |node: &Node| {
        node.run(&[
            "sync",
            "--national",
            &url,
            "--protection",
            "--sync-token-file",
            token_file.to_str().unwrap(),
            "--node-name",
            "field-lampedusa",
        ])
    };
    let offline = sync(&field);
    assert!(!offline.status.success());
    assert!(
        String::from_utf8_lossy(&offline.stderr).contains("cannot reach"),
        "{}",
        String::from_utf8_lossy(&offline.stderr)
    );

    // The link is back.
    let running = serve(&national, &format!("127.0.0.1:{port}"), &[]);
    let online = sync(&field);
    assert!(
        online.status.success(),
        "{}",
        String::from_utf8_lossy(&online.stderr)
    );
    // Once more: nothing is sent twice.
    assert!(sync(&field).status.success());
    drop(running);
    let exported = national.dir.path().join("national.csv");
    national.ok(&[
        "protection",
        "export-htcds",
        "--out",
        exported.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&exported).unwrap();
    assert!(text.contains("Hiwet") && text.contains("Kidane"), "{text}");
    assert!(text.contains("DebtBondage;WithholdsDocuments"), "{text}");
    assert_eq!(text.lines().count(), 3, "{text}");
}

#[test]
fn bad_htcds_files_are_refused_by_line_and_column_and_the_purge_asks_first() {
    let node = Node::new();
    node.ok(&["init"]);
    let bad = node.file(
        "bad.csv",
        "prs_FirstName,prs_Gender,prs_Birthdate\nAmina,Feminine,1990\nSelam,Woman,2090-01-01\n",
    );
    let err = node.fails(&[
        "protection",
        "import-htcds",
        bad.to_str().unwrap(),
        "--place",
        "Pozzallo",
    ]);
    assert!(err.contains("line 3: prs_Gender"), "{err}");
    assert!(err.contains("line 3: prs_Birthdate"), "{err}");
    let not_htcds = node.file("x.csv", "name,age\nA,3\n");
    let err = node.fails(&[
        "protection",
        "import-htcds",
        not_htcds.to_str().unwrap(),
        "--place",
        "Pozzallo",
    ]);
    assert!(err.contains("not an HTCDS file"), "{err}");
    let report: Value = serde_json::from_str(&node.ok(&["protection", "retention"])).unwrap();
    assert_eq!(report["keep_years"], 5);
    assert!(report["due"].as_array().unwrap().is_empty());
    let err = node.fails(&["protection", "purge"]);
    assert!(err.contains("--yes"), "{err}");
    node.ok(&["protection", "purge", "--yes"]);
}

/// The documented releases of protection data from the command line: k-anonymous microdata and
/// synthetic records, each with its manifest; the budget refuses the release that would
/// overspend and names what is left.
#[test]
fn protection_data_leaves_only_as_releases_with_their_manifest() {
    let node = Node::new();
    node.ok(&["init"]);
    let sim = node.dir.path().join("sim");
    node.ok(&[
        "simulate",
        "--seed",
        "4",
        "--out",
        sim.to_str().unwrap(),
        "--into",
    ]);
    let kanon = node.dir.path().join("kanon");
    node.ok(&["release", "protection", "--out", kanon.to_str().unwrap()]);
    let data = std::fs::read_to_string(kanon.join("data.csv")).unwrap();
    let header = data.lines().next().unwrap();
    for identifier in ["name", "passport", "person_id"] {
        assert!(!header.split(',').any(|c| c == identifier), "{header}");
    }
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(kanon.join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["parameters"]["k"], 11);

    let synthetic = node.dir.path().join("synthetic");
    node.ok(&[
        "release",
        "synthetic",
        "--out",
        synthetic.to_str().unwrap(),
        "--epsilon",
        "0.7",
    ]);
    let data = std::fs::read_to_string(synthetic.join("data.csv")).unwrap();
    assert_eq!(
        data.lines().next().unwrap(),
        "nationality,age,sex,service,month"
    );
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(synthetic.join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["privacy_spent"], 0.7);
    let marginals: Value =
        serde_json::from_str(&std::fs::read_to_string(synthetic.join("marginals.json")).unwrap())
            .unwrap();
    assert_eq!(marginals["fidelity"].as_array().unwrap().len(), 5);
    let refused = node.fails(&[
        "release",
        "synthetic",
        "--out",
        synthetic.to_str().unwrap(),
        "--epsilon",
        "0.5",
    ]);
    assert!(refused.contains("only 0.300 of 1 is left"), "{refused}");
}
