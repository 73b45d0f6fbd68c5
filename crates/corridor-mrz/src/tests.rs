//! ICAO Doc 9303's own specimens, damaged copies of them, and random input.

use super::*;

fn today() -> Options {
    Options {
        repair: false,
        today: Day::parse("2026-11-30").unwrap(),
    }
}

fn repairing() -> Options {
    Options {
        repair: true,
        ..today()
    }
}

// The specimens of Doc 9303 Parts 4–6 and 7 (Utopia, Anna Maria Eriksson).
const TD3: &str =
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";
const TD1: &str = "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<";
const TD2: &str = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6";
const MRV_A: &str =
    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL8988901C4XXX4009078F96121096ZE184226B<<<<<<";
const MRV_B: &str = "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nL8988901C4XXX4009078F9612109<<<<<<<<";

#[test]
fn the_icao_specimens_are_read_and_valid() {
    let m = parse(TD3, today());
    assert!(m.valid, "{:?}", m.errors);
    assert_eq!(m.format, Some(Format::Td3));
    assert_eq!(m.document_type, "P");
    assert_eq!(m.issuing_state, "UTO");
    assert_eq!(m.surname, "ERIKSSON");
    assert_eq!(m.given_names, "ANNA MARIA");
    assert_eq!(m.document_number, "L898902C3");
    assert_eq!(m.nationality, "UTO");
    assert_eq!(m.birth_date.as_deref(), Some("1974-08-12"));
    assert_eq!(m.sex, "F");
    assert_eq!(m.expiry_date.as_deref(), Some("2012-04-15"));
    assert_eq!(m.optional_data, "ZE184226B");

    let m = parse(TD1, today());
    assert!(m.valid, "{:?}", m.errors);
    assert_eq!(m.format, Some(Format::Td1));
    assert_eq!(m.document_type, "I");
    assert_eq!(m.document_number, "D23145890");
    assert_eq!(m.surname, "ERIKSSON");
    assert_eq!(m.birth_date.as_deref(), Some("1974-08-12"));

    let m = parse(TD2, today());
    assert!(m.valid, "{:?}", m.errors);
    assert_eq!(m.format, Some(Format::Td2));
    assert_eq!(m.document_number, "D23145890");

    for (zone, format) in [(MRV_A, Format::MrvA), (MRV_B, Format::MrvB)] {
        let m = parse(zone, today());
        assert!(m.valid, "{format:?}: {:?}", m.errors);
        assert_eq!(m.format, Some(format));
        assert_eq!(m.document_type, "V");
        assert_eq!(m.nationality, "XXX", "unspecified nationality");
        assert_eq!(m.document_number, "L8988901C");
        assert_eq!(m.birth_date.as_deref(), Some("1940-09-07"));
        assert_eq!(m.expiry_date.as_deref(), Some("1996-12-10"));
    }
}

#[test]
fn the_check_digit_is_icaos() {
    assert_eq!(check_digit("L898902C3"), Some(6));
    assert_eq!(check_digit("740812"), Some(2));
    assert_eq!(check_digit("120415"), Some(9));
    assert_eq!(check_digit("<<<"), Some(0));
    assert_eq!(check_digit("a"), None);
}

#[test]
fn each_broken_field_is_named() {
    // The birth date's check digit changed: that field, and the composite, are wrong.
    let broken = TD3.replace("7408122F", "7408123F");
    let m = parse(&broken, today());
    assert!(!m.valid);
    let fields: Vec<&str> = m.errors.iter().map(|e| e.field.as_str()).collect();
    assert!(fields.contains(&"birth_date"), "{fields:?}");
    assert!(fields.contains(&"composite"), "{fields:?}");
    assert!(
        m.errors[0].message.contains("should be 2"),
        "{:?}",
        m.errors
    );

    let bad_country = TD3.replace("UTOERIKSSON", "QQQERIKSSON");
    let m = parse(&bad_country, today());
    assert!(
        m.errors.iter().any(|e| e.field == "issuing_state"),
        "{:?}",
        m.errors
    );

    let bad_sex = TD3.replace("2F120", "2Q120");
    let m = parse(&bad_sex, today());
    assert!(m.errors.iter().any(|e| e.field == "sex"), "{:?}", m.errors);

    let bad_date = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7413122F1204159ZE184226B<<<<<10";
    let m = parse(bad_date, today());
    assert!(
        m.errors
            .iter()
            .any(|e| e.field == "birth_date" && e.message.contains("not a date")),
        "{:?}",
        m.errors
    );
}

#[test]
fn shapes_that_are_no_zone_are_refused_with_their_shape() {
    for text in ["", "P<UTO", &TD3[..50], &"A".repeat(5000)] {
        let m = parse(text, today());
        assert!(!m.valid);
        assert_eq!(m.errors[0].field, "zone", "{text:?}");
    }
    let m = parse(&TD3.replace('<', "é"), today());
    assert!(!m.valid);
    assert!(m.errors[0].field.starts_with("line"), "{:?}", m.errors);
}

#[test]
fn ocr_confusions_are_repaired_only_where_a_check_digit_confirms_them() {
    // The document number's 0 read as O, and the birth date's 1 read as I.
    let damaged = TD3
        .replace("L898902C3", "L8989O2C3")
        .replace("7408122F", "74O8I22F");
    let plain = parse(&damaged, today());
    assert!(!plain.valid);
    let m = parse(&damaged, repairing());
    assert!(m.valid, "{:?}", m.errors);
    assert_eq!(m.document_number, "L898902C3");
    assert_eq!(m.birth_date.as_deref(), Some("1974-08-12"));
    let repaired: Vec<&str> = m.repairs.iter().map(|r| r.field.as_str()).collect();
    assert!(
        repaired.contains(&"document_number") && repaired.contains(&"birth_date"),
        "{repaired:?}"
    );
    // A wrong digit is not an OCR confusion: nothing is invented.
    let wrong = TD3.replace("L898902C3", "L898903C3");
    let m = parse(&wrong, repairing());
    assert!(!m.valid);
    assert!(m.repairs.is_empty(), "{:?}", m.repairs);
    // Names are never repaired (no check digit): a 0 in a name stays an error.
    let name = TD3.replace("ERIKSSON", "ERIKSS0N");
    let m = parse(&name, repairing());
    assert!(m.errors.iter().any(|e| e.field == "name"), "{:?}", m.errors);
}

#[test]
fn a_long_document_number_continues_in_the_optional_data() {
    // TD1 with a 12-character number: D23145890 + 734, check digit 9, then '<'.
    let number = "D23145890734";
    let check = check_digit(number).unwrap();
    let line1 = format!("I<UTO{}<{}{check}", &number[..9], &number[9..]);
    let line1 = format!("{line1:<<30}");
    let line2_body = "7408122F1204159UTO<<<<<<<<<<<";
    let composite = check_digit(&format!(
        "{}{}{}{}",
        &line1[5..30],
        &line2_body[0..7],
        &line2_body[8..15],
        &line2_body[18..29]
    ))
    .unwrap();
    let zone = format!(
        "{line1}\n{}{composite}\nERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        &line2_body[..29]
    );
    let m = parse(&zone, today());
    assert!(m.valid, "{:?} {zone}", m.errors);
    assert_eq!(m.document_number, number);
}

#[test]
fn centuries_are_inferred_against_the_reading_date() {
    let opts = today();
    let mut m = parse(TD3, opts);
    assert_eq!(
        date(&mut m, "birth_date", "250101", opts.today, true).as_deref(),
        Some("2025-01-01")
    );
    assert_eq!(
        date(&mut m, "birth_date", "270101", opts.today, true).as_deref(),
        Some("1927-01-01")
    );
    assert_eq!(
        date(&mut m, "expiry_date", "360101", opts.today, false).as_deref(),
        Some("2036-01-01")
    );
    assert_eq!(
        date(&mut m, "expiry_date", "990101", opts.today, false).as_deref(),
        Some("1999-01-01")
    );
}

#[test]
fn the_special_country_codes_are_known() {
    for code in [
        "D<<", "XXA", "XXB", "XXC", "XXX", "UTO", "EUE", "UNO", "GBD", "DEU", "SYR", "ERI",
    ] {
        assert!(corridor_model::types::mrz_country(code).is_some(), "{code}");
    }
    for code in ["DE<", "QQQ", "<<<", "sy<", "SYRIA"] {
        assert!(corridor_model::types::mrz_country(code).is_none(), "{code}");
    }
}

/// A small seeded generator, so the fuzzing is the same on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn random_and_mutated_zones_never_panic_and_are_judged() {
    let mut rng = Rng(0x9303);
    let alphabet: Vec<char> = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<<<<<\n é"
        .chars()
        .collect();
    for round in 0..20_000 {
        let text: String = if round % 2 == 0 {
            let len = rng.below(140);
            (0..len)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect()
        } else {
            let base: Vec<char> = [TD1, TD2, TD3, MRV_A, MRV_B][rng.below(5)]
                .chars()
                .collect();
            let mut t = base.clone();
            for _ in 0..1 + rng.below(3) {
                let i = rng.below(t.len());
                if t[i] != '\n' {
                    t[i] = alphabet[rng.below(alphabet.len() - 3)];
                }
            }
            t.into_iter().collect()
        };
        for options in [today(), repairing()] {
            let m = parse(&text, options);
            assert_eq!(m.valid, m.errors.is_empty(), "{text:?}");
            if m.valid {
                assert!(
                    m.format.is_some() && !m.document_number.is_empty(),
                    "{text:?}"
                );
            }
        }
    }
}

#[test]
fn the_json_has_the_contract_fields() {
    let value = serde_json::to_value(parse(TD3, today())).unwrap();
    for field in [
        "document_type",
        "issuing_state",
        "surname",
        "given_names",
        "document_number",
        "nationality",
        "birth_date",
        "sex",
        "expiry_date",
        "optional_data",
        "valid",
        "errors",
    ] {
        assert!(value.get(field).is_some(), "{field}");
    }
}
