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
