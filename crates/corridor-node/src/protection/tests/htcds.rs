//! HTCDS files both ways: what one node exports another imports as the same persons; a bad
//! file is refused by line and column and writes nothing.

use corridor_protection::vulnerability::Screening;

use super::{boat, node, officer, person};

#[test]
fn an_htcds_export_imports_elsewhere_as_the_same_persons() {
    let (here, _a) = node();
    let mut p = person("1", "Hiwet", "Tesfamariam");
    p.marital_status = "Married".into();
    p.screening = Some(Screening {
        trafficking_indicators: vec!["DebtBondage".into(), "WithholdsDocuments".into()],
        ..Default::default()
    });
    p.documents = vec![crate::protection::DocumentInput {
        kind: "passport".into(),
        number: "P1234567".into(),
        country: "er".into(),
    }];
    here.register_migrants(&officer(), boat(vec![p, person("2", "Yonas", "Haile")]))
        .unwrap();
    let file = here.htcds_export(&officer()).unwrap();
    let header = file.lines().next().unwrap();
    assert!(
        header.starts_with("corridor_person_id,corridor_registration_id,prs_FirstName,"),
        "{header}"
    );
    assert!(file.contains("DebtBondage;WithholdsDocuments"), "{file}");
    assert!(file.contains(",ER,"), "{file}");
    let (there, _b) = node();
    let imported = there
        .htcds_import(&officer(), "Catania", "from-lampedusa.csv", file.as_bytes())
        .unwrap();
    assert_eq!(imported.result.persons.len(), 2);
    assert!(
        imported.ignored_columns.is_empty(),
        "{:?}",
        imported.ignored_columns
    );
    assert!(
        imported
            .result
            .persons
            .iter()
            .all(|p| p.status == "complete")
    );
    let case = imported
        .result
        .persons
        .iter()
        .map(|p| there.protection_case(&officer(), &p.person_id).unwrap())
        .find(|c| c.caption == "Hiwet Tesfamariam")
        .expect("Hiwet arrived");
    assert_eq!(case.facts["birthDate"], ["1994-03-02"]);
    assert_eq!(case.facts["nationality"], ["er"]);
    assert_eq!(case.facts["idNumber"], ["P1234567"]);
    assert_eq!(case.registrations[0].fields["maritalStatus"], ["Married"]);
    let screening = &case.screenings[0];
    assert_eq!(screening.needs[0]["rule"], "trafficking-indicators");
}

#[test]
fn a_bad_htcds_file_is_refused_by_line_and_column_and_writes_nothing() {
    let (node, _dir) = node();
    let before = node.store().stats().unwrap().statements;
    let err = |text: &str| {
        node.htcds_import(&officer(), "Catania", "cases.csv", text.as_bytes())
            .unwrap_err()
            .to_string()
    };
    let e = err(
        "prs_FirstName,prs_Gender,prs_Birthdate,vic_AgreementToManagePersonalData,Colour\nA,Feminine,1990,TRUE,red\nB,Woman,2090-01-01,maybe,blue\n",
    );
    assert!(
        e.contains("cases.csv: line 3: vic_AgreementToManagePersonalData: \"maybe\""),
        "{e}"
    );
    let e = err("prs_FirstName,prs_Gender,prs_Birthdate\nA,Feminine,1990\nB,Woman,2090-01-01\n");
    assert!(
        e.contains("line 3: prs_Gender: \"Woman\" is not one of"),
        "{e}"
    );
    assert!(
        e.contains("line 3: prs_Birthdate: 2090-01-01 is after"),
        "{e}"
    );
    assert!(err("name,age\nA,3\n").contains("line 1: no prs_FirstName"));
    assert!(err("prs_FirstName,prs_Gender\nA\n").contains("line 2"));
    assert!(
        node.htcds_import(
            &officer(),
            "Catania",
            "cases.csv",
            b"prs_FirstName\n\xff\xfe\n"
        )
        .unwrap_err()
        .to_string()
        .contains("not UTF-8")
    );
    assert_eq!(node.store().stats().unwrap().statements, before);
    // Columns it does not know are said, not silently dropped.
    let ok = node
        .htcds_import(
            &officer(),
            "Catania",
            "cases.csv",
            b"prs_FirstName,prs_SecondName,org_Name\nAmina,Yusuf,IOM\n",
        )
        .unwrap();
    assert_eq!(ok.ignored_columns, ["org_Name"]);
    assert_eq!(ok.result.persons[0].status, "draft");
}
