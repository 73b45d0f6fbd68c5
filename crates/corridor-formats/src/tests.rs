//! Import and export stories on a real embedded store: good files, bad files, round trips.

use std::sync::{Arc, LazyLock};

use corridor_model::{Entity, Model};
use corridor_store::{Location, Store};

use crate::mapping::Mapping;
use crate::{ImportError, ImportOptions, ImportReport, RejectSink, csv_export, csv_import, ftm};

static MODEL: LazyLock<Arc<Model>> = LazyLock::new(|| Arc::new(Model::builtin().unwrap()));

struct Node {
    _dir: tempfile::TempDir,
    store: Box<dyn Store>,
}

fn node() -> Node {
    let dir = tempfile::tempdir().unwrap();
    let store =
        corridor_store::create(&Location::Directory(dir.path().join("n")), MODEL.clone()).unwrap();
    Node { _dir: dir, store }
}

const PEOPLE_MAPPING: &str = r#"
dataset: debriefings
purpose: law_enforcement
entities:
  person:
    schema: Person
    keys: [ref]
    properties:
      name: {column: name}
      birthDate: {column: dob}
      nationality: {column: nat, split: ";"}
      phone: {column: phone}
  account:
    schema: BankAccount
    keys: [iban]
    properties:
      iban: {column: iban}
  payment:
    schema: Payment
    keys: [ref, iban]
    properties:
      payer: {entity: person}
      beneficiaryAccount: {entity: account}
      beneficiary: {literal: hawala-office-1}
      amount: {column: amount}
"#;

fn import_csv(
    node: &mut Node,
    mapping: &str,
    csv: &[u8],
    options: &mut ImportOptions<'_>,
) -> Result<ImportReport, ImportError> {
    let mapping = Mapping::parse("people.yaml", mapping, &MODEL)?;
    csv_import::import_csv(
        node.store.as_mut(),
        &MODEL,
        &mapping,
        "people.csv",
        csv,
        options,
    )
}

fn opts<'a>() -> ImportOptions<'a> {
    ImportOptions::new("clerk", "2026-11-22T08:00:00Z")
}

fn statement_count(node: &mut Node) -> u64 {
    node.store.stats().unwrap().statements
}

const GOOD: &str = "ref,name,dob,nat,phone,iban,amount\n\
r1,Amina Yusuf,1990-04-01,er;et,+39 347 123 4567,DE44 5001 0517 5407 3249 31,3500\n\
r2,Abdulrahman Al-Sayed,1986,sy,,,\n";

#[test]
fn csv_rows_become_entities_with_derived_ids_and_links() {
    let mut n = node();
    let report = import_csv(&mut n, PEOPLE_MAPPING, GOOD.as_bytes(), &mut opts()).unwrap();
    assert_eq!(
        (report.records, report.entities, report.rejected),
        (2, 4, 0)
    );
    let person_id = corridor_model::id::make_id(None, &["Person", "r1"]);
    let statements = n.store.entity_statements(&person_id).unwrap();
    let amina = Entity::fold(&MODEL, &statements).unwrap().unwrap();
    assert_eq!(amina.values("nationality"), ["er", "et"]);
    assert_eq!(amina.values("phone"), ["+393471234567"]);
    let phone = &amina.properties["phone"][0];
    assert_eq!(
        phone.original_value.as_deref(),
        Some("+39 347 123 4567"),
        "the source spelling is kept"
    );
    assert_eq!(phone.provenance.dataset, "debriefings");
    assert_eq!(phone.provenance.recorded_by, "clerk");
    // The payment links the person and the account by their derived ids.
    let payment_id =
        corridor_model::id::make_id(None, &["Payment", "r1", "DE44 5001 0517 5407 3249 31"]);
    let payment = Entity::fold(&MODEL, &n.store.entity_statements(&payment_id).unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(payment.values("payer"), [person_id.as_str()]);
    // Row 2 has no IBAN: no account and no payment, and no empty values stored.
    let r2 = corridor_model::id::make_id(None, &["Person", "r2"]);
    let r2 = Entity::fold(&MODEL, &n.store.entity_statements(&r2).unwrap())
        .unwrap()
        .unwrap();
    assert!(r2.values("phone").is_empty());
    assert_eq!(
        r2.values("birthDate"),
        ["1986"],
        "partial dates keep their precision"
    );
}

#[test]
fn importing_the_same_file_twice_adds_nothing() {
    let mut n = node();
    let first = import_csv(&mut n, PEOPLE_MAPPING, GOOD.as_bytes(), &mut opts()).unwrap();
    let before = statement_count(&mut n);
    let second = import_csv(&mut n, PEOPLE_MAPPING, GOOD.as_bytes(), &mut opts()).unwrap();
    assert_eq!(second.statements_inserted, 0);
    assert_eq!(second.statements_already_present, first.statements_inserted);
    assert_eq!(statement_count(&mut n), before);
}

/// Bad CSV input: the import fails with a message naming file, line and column, and the store
/// is exactly as it was.
#[test]
fn bad_csv_rows_fail_the_import_and_change_nothing() {
    let huge = "x".repeat(crate::options::ImportOptions::new("a", "b").max_field_bytes + 10);
    let cases: Vec<(String, &str)> = vec![
        (
            format!("{GOOD}r3,Ragged,1990\n"),
            "people.csv, line 4: row has 3 fields but the header has 7",
        ),
        (
            format!("{GOOD}r3,\"Unclosed,1990,er,,,\nr4,Next,1991,er,,,\n"),
            "people.csv, line 4: row has 2 fields",
        ),
        (
            format!("{GOOD}r3,Bad Date,1990-02-30,er,,,\n"),
            "people.csv, line 4, column \"dob\": birthDate: invalid date",
        ),
        (
            format!("{GOOD}r3,Bad Country,1990,Atlantis,,,\n"),
            "column \"nat\": nationality: invalid country \"Atlantis\"",
        ),
        (
            format!("{GOOD}r3,Bad Phone,1990,er,12345,,\n"),
            "column \"phone\": phone: invalid phone",
        ),
        (
            format!("{GOOD}r3,Bad Iban,1990,er,,DE45 5001 0517 5407 3249 31,1\n"),
            "column \"iban\": iban: invalid iban",
        ),
        (
            format!("{GOOD}r3,Bad Amount,1990,er,,DE44 5001 0517 5407 3249 31,lots\n"),
            "column \"amount\": amount: invalid number",
        ),
        (
            format!("{GOOD}r3,,1990,er,,,\n"),
            "line 4, column \"name\": person Person needs a name",
        ),
        (
            format!("{GOOD}r3,{huge},1990,er,,,\n"),
            "line 4, column \"name\": field is",
        ),
    ];
    for (csv, expected) in cases {
        eprintln!("case: {expected}");
        let mut n = node();
        import_csv(
            &mut n,
            PEOPLE_MAPPING,
            b"ref,name,dob,nat,phone,iban,amount\nr0,Before,,,,,\n",
            &mut opts(),
        )
        .unwrap();
        let before = statement_count(&mut n);
        let err = import_csv(&mut n, PEOPLE_MAPPING, csv.as_bytes(), &mut opts())
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "expected {expected:?} in {err:?}");
        assert!(err.len() < 600, "error messages stay short: {err}");
        assert_eq!(
            statement_count(&mut n),
            before,
            "a failed import leaves the store as it was ({expected})"
        );
    }
}

#[test]
fn invalid_utf8_is_named_by_line_and_column() {
    let mut n = node();
    let mut csv = GOOD.as_bytes().to_vec();
    csv.extend_from_slice(b"r3,Bad \xff Bytes,1990,er,,,\n");
    let err = import_csv(&mut n, PEOPLE_MAPPING, &csv, &mut opts())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("line 4, column \"name\": not valid UTF-8"),
        "{err}"
    );
    assert_eq!(statement_count(&mut n), 0);
}

#[test]
fn a_reject_file_sets_bad_rows_aside_and_imports_the_rest() {
    let mut n = node();
    let mut out = Vec::new();
    let csv = format!("{GOOD}r3,Bad Date,1990-02-30,er,,,\nr4,Ragged\nr5,Fine Person,2001,ly,,,\n");
    {
        let mut options = opts();
        options.rejects = Some(RejectSink::new("rejects.csv", Box::new(&mut out)));
        let report = import_csv(&mut n, PEOPLE_MAPPING, csv.as_bytes(), &mut options).unwrap();
        assert_eq!((report.records, report.rejected), (5, 2));
    }
    let rejects = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = rejects.lines().collect();
    assert_eq!(lines[0], "line,column,error,record");
    assert!(
        lines[1].starts_with("4,dob,\"birthDate: invalid date"),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].ends_with("\"r3,Bad Date,1990-02-30,er,,,\""),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("5,,\"row has 2 fields"),
        "{}",
        lines[2]
    );
    assert_eq!(n.store.search_names("fine person", 5).unwrap().len(), 1);
    assert!(n.store.search_names("bad date", 5).unwrap().is_empty());
}

#[test]
fn mappings_are_checked_before_any_row_is_read() {
    let bad: &[(&str, &str)] = &[
        (
            "entities:\n  p: {schema: Persn, keys: [ref]}\n",
            "entity p: unknown entity type \"Persn\" (did you mean Person",
        ),
        (
            "entities:\n  p: {schema: Person, keys: [ref], properties: {colour: {column: c}}}\n",
            "\"colour\" is not a property of Person",
        ),
        (
            "entities:\n  p: {schema: Person, keys: [ref], properties: {name: {column: nope}}}\n",
            "column \"nope\" is not in the file's header",
        ),
        (
            "entities:\n  p: {schema: Person, properties: {name: {column: name}}}\n",
            "give either `keys`",
        ),
        (
            "entities:\n  p: {schema: Thing, keys: [ref]}\n",
            "Thing is an abstract type",
        ),
        (
            "entities:\n  v: {schema: Vessel, keys: [ref], properties: {name: {column: name}}}\n  i: {schema: Identification, keys: [ref], properties: {number: {column: ref}, holder: {entity: v}}}\n",
            "holder must link to a LegalEntity, but v is a Vessel",
        ),
        (
            "entities:\n  p: {schema: Person, keys: [ref], properties: {name: {column: name}, birthDate: {literal: soon}}}\n",
            "literal invalid date",
        ),
        (
            "entities:\n  p: {schema: Payment, keys: [ref]}\n",
            "Payment requires \"payer\"",
        ),
        (
            "purpose: smuggling\nentities:\n  p: {schema: Person, keys: [ref], properties: {name: {column: name}}}\n",
            "purpose: \"smuggling\" is not a Purpose",
        ),
        ("entities: {}\n", "maps no entities"),
        ("entities: [", "mapping people.yaml"),
    ];
    for (mapping, expected) in bad {
        let mut n = node();
        let err = import_csv(&mut n, mapping, GOOD.as_bytes(), &mut opts())
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "expected {expected:?} in {err:?}");
    }
}

/// An FtM export in the shape OpenSanctions and Aleph write (invented entities), with
/// top-level fields beyond id, schema and properties, escaped characters and a reference to an
/// entity that is not in the file.
const FTM_EXPORT: &str = r#"{"id": "ofac-1", "caption": "Yusuf Karimi", "schema": "Person", "properties": {"name": ["Yusuf Karimi", "یوسف کریمی"], "birthDate": ["1971"], "nationality": ["af"], "topics": ["crime.traffick"], "addressEntity": ["addr-1"]}, "referents": ["old-7"], "datasets": ["sample"], "first_seen": "2024-01-02T10:00:00", "last_seen": "2026-11-01T10:00:00", "target": true}
{"id": "addr-1", "schema": "Address", "properties": {"full": ["Stra\u00dfe 1, Gaziantep"], "country": ["tr"]}}
{"id": "org-1", "schema": "Company", "properties": {"name": ["Karimi Exchange"], "jurisdiction": ["tr"]}}
{"id": "own-1", "schema": "Ownership", "properties": {"owner": ["ofac-1"], "asset": ["org-1"], "percentage": ["100"], "startDate": ["2019-05"]}}
{"id": "pay-1", "schema": "Payment", "properties": {"payer": ["ofac-1"], "beneficiary": ["elsewhere-9"], "amount": ["12000.50"], "currency": ["USD"], "date": ["2026-02-03T11:20:00"]}}
{"id": "empty-1", "schema": "Vessel", "properties": {}}
"#;

fn import_ftm(
    node: &mut Node,
    text: &str,
    options: &mut ImportOptions<'_>,
) -> Result<ImportReport, ImportError> {
    ftm::import_ftm(
        node.store.as_mut(),
        &MODEL,
        "export.json",
        text.as_bytes(),
        options,
    )
}

fn export_ftm(node: &mut Node) -> String {
    let mut out = Vec::new();
    ftm::export_ftm(node.store.as_mut(), &MODEL, &mut out, &mut |_| {}).unwrap();
    String::from_utf8(out).unwrap()
}

fn as_json_set(text: &str) -> Vec<serde_json::Value> {
    let mut v: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    v.sort_by_key(|e| e["id"].as_str().unwrap().to_string());
    v
}

#[test]
fn ftm_round_trip_preserves_every_value_and_field() {
    let mut n = node();
    let report = import_ftm(&mut n, FTM_EXPORT, &mut opts()).unwrap();
    assert_eq!((report.records, report.entities), (6, 6));
    let exported = export_ftm(&mut n);
    assert_eq!(as_json_set(&exported), as_json_set(FTM_EXPORT));
    // And again: exporting what was re-imported gives the same file.
    let mut m = node();
    import_ftm(&mut m, &exported, &mut opts()).unwrap();
    assert_eq!(export_ftm(&mut m), exported);
}

#[test]
fn ftm_values_are_still_validated_and_normalised() {
    let mut n = node();
    let line = r#"{"id": "p1", "schema": "Person", "properties": {"name": ["  Amina   Yusuf "], "nationality": ["ERI"]}}"#;
    import_ftm(&mut n, line, &mut opts()).unwrap();
    let amina = Entity::fold(&MODEL, &n.store.entity_statements("p1").unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(amina.values("nationality"), ["er"]);
    assert_eq!(amina.values("name"), ["Amina Yusuf"]);
    // Export gives back what the source wrote.
    assert!(export_ftm(&mut n).contains("\"ERI\""));
}

#[test]
fn bad_ftm_lines_fail_with_line_and_reason() {
    let cases: &[(&str, &str)] = &[
        (
            "[1, 2]",
            "export.json, line 2: expected a JSON object (an FtM entity), found a list",
        ),
        (
            "{\"id\": \"x\", \"schema\": \"Persn\", \"properties\": {}}",
            "line 2: entity x: unknown entity type \"Persn\"",
        ),
        (
            "{\"id\": \"x\", \"schema\": \"Person\", \"properties\": {\"colour\": [\"red\"]}}",
            "\"colour\" is not a property of Person",
        ),
        (
            "{\"id\": \"x\", \"schema\": \"Person\", \"properties\": {\"birthDate\": [\"1990-13-01\"]}}",
            "property birthDate: invalid date",
        ),
        (
            "{\"id\": \"x\", \"schema\": \"Person\", \"properties\": {\"name\": [42]}}",
            "property name has a number where a string belongs",
        ),
        (
            "{\"id\": \"x y\", \"schema\": \"Person\"}",
            "is not an entity id",
        ),
        ("{\"schema\": \"Person\"}", "entity has no \"id\""),
        (
            "{\"id\": \"x\", \"schema\": \"Thing\"}",
            "Thing is an abstract type",
        ),
        (
            "{\"id\": \"x\", \"schema\": \"Person\", \"properties\": ",
            "line 2: not valid JSON",
        ),
        // A reference to an entity of the wrong type, known later in the file.
        (
            "{\"id\": \"id-1\", \"schema\": \"Passport\", \"properties\": {\"holder\": [\"v1\"], \"number\": [\"X1\"]}}\n{\"id\": \"v1\", \"schema\": \"Vessel\", \"properties\": {\"name\": [\"Sea Star\"]}}",
            "line 2, property \"holder\": entity id-1: property holder points at v1, which is of type Vessel; holder must point at an entity of type LegalEntity",
        ),
    ];
    for (bad, expected) in cases {
        let mut n = node();
        let text = format!(
            "{{\"id\": \"ok\", \"schema\": \"Person\", \"properties\": {{\"name\": [\"Fine\"]}}}}\n{bad}\n"
        );
        let err = import_ftm(&mut n, &text, &mut opts())
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "expected {expected:?} in {err:?}");
        assert_eq!(
            statement_count(&mut n),
            0,
            "nothing is kept from a failed import"
        );
    }
}

#[test]
fn ftm_reference_to_a_stored_entity_of_the_wrong_type_fails() {
    let mut n = node();
    import_ftm(
        &mut n,
        r#"{"id": "v1", "schema": "Vessel", "properties": {"name": ["Sea Star"]}}"#,
        &mut opts(),
    )
    .unwrap();
    let line =
        r#"{"id": "pp", "schema": "Passport", "properties": {"holder": ["v1"], "number": ["X1"]}}"#;
    let err = import_ftm(&mut n, line, &mut opts())
        .unwrap_err()
        .to_string();
    assert!(err.contains("which is of type Vessel"), "{err}");
}

#[test]
fn an_oversized_ftm_line_is_refused_without_being_held_in_memory() {
    let mut n = node();
    let mut options = opts();
    options.max_field_bytes = 1000;
    let line = format!(
        "{{\"id\": \"x\", \"schema\": \"Person\", \"properties\": {{\"notes\": [\"{}\"]}}}}\n",
        "y".repeat(5000)
    );
    let err = import_ftm(&mut n, &line, &mut options)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("line 1: line is longer than the limit of 1000 bytes"),
        "{err}"
    );
}

#[test]
fn statements_csv_lists_live_statements_with_provenance() {
    let mut n = node();
    import_csv(&mut n, PEOPLE_MAPPING, GOOD.as_bytes(), &mut opts()).unwrap();
    let mut out = Vec::new();
    let rows = csv_export::export_statements_csv(n.store.as_mut(), &mut out, &mut |_| {}).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().count() as u64, rows + 1);
    assert!(text.starts_with("statement_id,entity_id,schema,prop,value,original_value,dataset,recorded_by,recorded_at,handling,purpose,reliability,grade\n"));
    assert!(text.contains(",Person,phone,+393471234567,+39 347 123 4567,debriefings,clerk,2026-11-22T08:00:00Z,restricted,law_enforcement,X,4\n"), "{text}");
}

/// The issue's acceptance test: an export written by FollowTheMoney itself (see
/// `fixtures/README.md`) goes in and comes out with the same entities, properties and values.
#[test]
fn a_real_ftm_export_round_trips_unchanged() {
    let source = include_str!("../fixtures/ftm-export.json");
    let mut expected: std::collections::BTreeMap<String, serde_json::Value> = Default::default();
    for line in source.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = v["id"].as_str().unwrap().to_string();
        // FtM may write one entity twice; in this export the fragments are identical.
        if let Some(previous) = expected.insert(id, v.clone()) {
            assert_eq!(previous, v, "fixture fragments differ");
        }
    }
    let mut n = node();
    let report = import_ftm(&mut n, source, &mut opts()).unwrap();
    assert_eq!(report.records, 630);
    let exported = export_ftm(&mut n);
    let actual: std::collections::BTreeMap<String, serde_json::Value> = exported
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (v["id"].as_str().unwrap().to_string(), v)
        })
        .collect();
    assert_eq!(actual.len(), expected.len());
    for (id, want) in &expected {
        assert_eq!(&actual[id], want, "entity {id} changed in the round trip");
    }
}

#[test]
fn a_100_megabyte_field_is_refused_by_line_and_column() {
    let mut n = node();
    let mut csv = GOOD.as_bytes().to_vec();
    csv.extend_from_slice(b"r3,");
    csv.extend(std::iter::repeat_n(b'x', 100 * 1024 * 1024));
    csv.extend_from_slice(b",1990,er,,,\n");
    let err = import_csv(&mut n, PEOPLE_MAPPING, &csv, &mut opts())
        .unwrap_err()
        .to_string();
    assert!(err.contains("people.csv, line 4, column \"name\": field is 104857600 bytes long; the limit is 1048576 bytes"), "{err}");
    assert_eq!(statement_count(&mut n), 0);
}

#[test]
fn money_values_need_an_amount_and_a_known_currency() {
    let mapping = "entities:\n  fee:\n    schema: SmugglingFee\n    keys: [ref]\n    properties:\n      payer: {literal: migrant-1}\n      amount: {column: price}\n      service: {column: service}\n";
    let mut n = node();
    let ok = "ref,price,service\nf1,EUR 1500,sea_crossing\nf2,\"2,500.00 USD\",LEG\n";
    import_csv(&mut n, mapping, ok.as_bytes(), &mut opts()).unwrap();
    let f2 = corridor_model::id::make_id(None, &["SmugglingFee", "f2"]);
    let fee = Entity::fold(&MODEL, &n.store.entity_statements(&f2).unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(fee.values("amount"), ["2500.00 USD"]);
    assert_eq!(
        fee.values("service"),
        ["leg"],
        "enumerations take their canonical spelling"
    );
    for (bad, expected) in [
        (
            "ref,price,service\nf3,1500,leg\n",
            "line 2, column \"price\": amount: invalid money \"1500\"",
        ),
        (
            "ref,price,service\nf3,1500 DINAR,leg\n",
            "not an ISO 4217 currency code",
        ),
        (
            "ref,price,service\nf3,1500 EUR,teleport\n",
            "column \"service\": service: invalid enum \"teleport\"",
        ),
    ] {
        let err = import_csv(&mut n, mapping, bad.as_bytes(), &mut opts())
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "expected {expected:?} in {err:?}");
    }
}

#[test]
fn an_id_recorded_with_unrelated_types_is_refused() {
    let mut n = node();
    import_ftm(
        &mut n,
        r#"{"id": "x1", "schema": "Vessel", "properties": {"name": ["Sea Star"]}}"#,
        &mut opts(),
    )
    .unwrap();
    let before = statement_count(&mut n);
    let err = import_ftm(
        &mut n,
        r#"{"id": "x1", "schema": "Person", "properties": {"name": ["Amina"]}}"#,
        &mut opts(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("line 1: entity x1 would be recorded as"),
        "{err}"
    );
    assert!(err.contains("unrelated types"), "{err}");
    assert_eq!(statement_count(&mut n), before);
    // Within one file too; a more specific type of the same line of descent is fine.
    let text = "{\"id\": \"y\", \"schema\": \"LegalEntity\", \"properties\": {\"name\": [\"A\"]}}\n{\"id\": \"y\", \"schema\": \"Person\", \"properties\": {\"name\": [\"A\"]}}\n";
    import_ftm(&mut n, text, &mut opts()).unwrap();
    let y = Entity::fold(&MODEL, &n.store.entity_statements("y").unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(y.schema, "Person");
}

#[test]
fn a_csv_id_column_cannot_turn_a_stored_entity_into_another_type() {
    let mut n = node();
    import_ftm(
        &mut n,
        r#"{"id": "v-7", "schema": "Vessel", "properties": {"name": ["Sea Star"]}}"#,
        &mut opts(),
    )
    .unwrap();
    let mapping = "entities:\n  p:\n    schema: Person\n    id_column: pid\n    properties:\n      name: {column: name}\n";
    let before = statement_count(&mut n);
    let err = import_csv(
        &mut n,
        mapping,
        b"pid,name\np-1,Amina\nv-7,Khalid\n",
        &mut opts(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("people.csv, line 3: entity v-7 would be recorded as"),
        "{err}"
    );
    assert_eq!(statement_count(&mut n), before);
    import_csv(&mut n, mapping, b"pid,name\np-1,Amina\n", &mut opts()).unwrap();
}

/// A caller's step before commit sees every entity the file held, including ones already
/// stored, and when it fails the whole import is undone.
#[test]
fn the_step_before_commit_sees_the_entities_and_can_undo_the_import() {
    let mut n = node();
    import_csv(&mut n, PEOPLE_MAPPING, GOOD.as_bytes(), &mut opts()).unwrap();
    let before = statement_count(&mut n);
    let mut seen = Vec::new();
    let mut record = |_: &mut dyn corridor_store::WriteTx,
                      ids: &std::collections::BTreeSet<String>|
     -> Result<(), corridor_store::StoreError> {
        seen = ids.iter().cloned().collect();
        Ok(())
    };
    let mut options = opts();
    options.before_commit = Some(&mut record);
    import_csv(&mut n, PEOPLE_MAPPING, GOOD.as_bytes(), &mut options).unwrap();
    drop(options);
    // Two persons, one account, one payment (r2 has no account, so no payment).
    assert_eq!(seen.len(), 4, "{seen:?}");

    let more = format!("{GOOD}r3,Yonas Tesfay,1992,er,,,\n");
    let mut refuse = |_: &mut dyn corridor_store::WriteTx,
                      _: &std::collections::BTreeSet<String>|
     -> Result<(), corridor_store::StoreError> {
        Err(corridor_store::StoreError::Conflict("version taken".into()))
    };
    let mut options = opts();
    options.before_commit = Some(&mut refuse);
    let err = import_csv(&mut n, PEOPLE_MAPPING, more.as_bytes(), &mut options).unwrap_err();
    assert!(err.to_string().contains("version taken"), "{err}");
    drop(options);
    assert_eq!(
        statement_count(&mut n),
        before,
        "nothing of the refused import stays"
    );
}
