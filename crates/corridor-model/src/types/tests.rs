use super::*;

/// One row per case: type, raw input, expected normal form or `Err(fragment of the message)`.
fn check(cases: &[(&str, &str, Result<&str, &str>)]) {
    for (type_name, raw, expected) in cases {
        let t = PropertyType::from_name(type_name).unwrap();
        let got = t.clean(raw, CleanHints::default());
        match (expected, &got) {
            (Ok(want), Ok(have)) => assert_eq!(have, want, "{type_name} {raw:?}"),
            (Err(fragment), Err(e)) => assert!(
                e.to_string().contains(fragment),
                "{type_name} {raw:?}: error {:?} lacks {fragment:?}",
                e.to_string()
            ),
            _ => panic!("{type_name} {raw:?}: expected {expected:?}, got {got:?}"),
        }
    }
}

#[test]
fn type_names_are_sorted_and_round_trip() {
    let names: Vec<&str> = PropertyType::all().map(PropertyType::name).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    for t in PropertyType::all() {
        assert_eq!(PropertyType::from_name(t.name()), Some(t));
    }
}

#[test]
fn dates_keep_their_precision() {
    check(&[
        ("date", "2019", Ok("2019")),
        ("date", "2019-03", Ok("2019-03")),
        ("date", " 2019-03-04 ", Ok("2019-03-04")),
        ("date", "2019-03-04T10:22:00", Ok("2019-03-04T10:22:00")),
        ("date", "2019-03-04 10:22", Ok("2019-03-04T10:22")),
        (
            "date",
            "2019-03-04T10:22:00.123Z",
            Ok("2019-03-04T10:22:00"),
        ),
        (
            "date",
            "2019-12-31T23:30:00-01:00",
            Ok("2020-01-01T00:30:00"),
        ),
        (
            "date",
            "2020-03-01T00:30:00+01:00",
            Ok("2020-02-29T23:30:00"),
        ),
        ("date", "2024-02-29", Ok("2024-02-29")),
        ("date", "2023-02-29", Err("has no day 29")),
        ("date", "2019-13", Err("month 13 does not exist")),
        ("date", "2019-04-31", Err("has no day 31")),
        ("date", "04/03/2019", Err("expected YYYY")),
        ("date", "yesterday", Err("is not a date")),
        ("date", "0000", Err("out of range")),
        ("date", "2019-03-04T25:00", Err("does not exist")),
    ]);
}

#[test]
fn dates_in_a_source_format() {
    let d = |s, f| parse_date_with_format(s, f).map(|d| d.to_string());
    assert_eq!(d("04.03.2019", "%d.%m.%Y").unwrap(), "2019-03-04");
    assert_eq!(d("03/2019", "%m/%Y").unwrap(), "2019-03");
    assert_eq!(
        d("04/03/19 10:22", "%d/%m/%y %H:%M").unwrap(),
        "2019-03-04T10:22"
    );
    assert_eq!(d("04/03/75", "%d/%m/%y").unwrap(), "1975-03-04");
    assert!(
        d("31.02.2019", "%d.%m.%Y")
            .unwrap_err()
            .contains("has no day 31")
    );
    assert!(
        d("2019-03-04", "%d.%m.%Y")
            .unwrap_err()
            .contains("does not match")
    );
}

#[test]
fn countries_accept_iso_icao_ftm_and_names() {
    check(&[
        ("country", "DE", Ok("de")),
        ("country", "deu", Ok("de")),
        ("country", "D", Ok("de")),
        ("country", "D<<", Ok("de")),
        ("country", "NA", Ok("na")),
        ("country", "Namibia", Ok("na")),
        ("country", "516", Ok("na")),
        ("country", "XXA", Ok("xxa")),
        ("country", "GBD", Ok("gb")),
        ("country", "RKS", Ok("xk")),
        ("country", "xk", Ok("xk")),
        ("country", "gb-sct", Ok("gb-sct")),
        ("country", "UTO", Ok("uto")),
        ("country", "Libya", Ok("ly")),
        ("country", "QQ", Err("not a known country")),
        ("country", "-99", Err("not a known country")),
    ]);
    assert_eq!(
        country_by_code("ly").unwrap().alpha3.as_deref(),
        Some("LBY")
    );
    assert_eq!(country_by_code("xxa").unwrap().kind, CountryKind::Icao);
}

#[test]
fn two_spellings_of_one_country_are_the_same_country() {
    assert!(same_country("de", "D"));
    assert!(same_country("LBY", " ly "));
    assert!(same_country("Libya", "LBY"));
    assert!(!same_country("de", "fr"));
    // An unknown code is no country, not even the same one.
    assert!(!same_country("ZZZ", "ZZZ"));
    assert!(!same_country("", ""));
}

#[test]
fn country_extras_are_sorted() {
    let codes: Vec<&str> = country::data_lines(include_str!("../../data/country-extras.tsv"))
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted);
}

#[test]
fn phones_become_e164() {
    check(&[
        ("phone", "+39 06 6982 1234", Ok("+390669821234")),
        ("phone", "0039 06 6982 1234", Ok("+390669821234")),
        ("phone", "+218 91 234 5678", Ok("+218912345678")),
        ("phone", "06 6982 1234", Err("no international prefix")),
        ("phone", "+1 555", Err("phone")),
        ("phone", "not a phone", Err("phone")),
    ]);
    let hinted = PropertyType::Phone.clean(
        "06 6982 1234",
        CleanHints {
            country: Some("it"),
            date_format: None,
        },
    );
    assert_eq!(hinted.unwrap(), "+390669821234");
}

#[test]
fn ibans_are_checked() {
    check(&[
        (
            "iban",
            "DE44 5001 0517 5407 3249 31",
            Ok("DE44500105175407324931"),
        ),
        (
            "iban",
            "de44500105175407324931",
            Ok("DE44500105175407324931"),
        ),
        ("iban", "DE45 5001 0517 5407 3249 31", Err("check digits")),
        ("iban", "DE44 5001 0517", Err("IBAN")),
        ("iban", "hello", Err("IBAN")),
    ]);
}

#[test]
fn money_and_currencies() {
    check(&[
        ("money", "1500 EUR", Ok("1500 EUR")),
        ("money", "usd 1,500.50", Ok("1500.50 USD")),
        ("money", "1500", Err("amount with its currency")),
        ("money", "1500 EURO", Err("ISO 4217")),
        ("money", "lots EUR", Err("not a number")),
        ("currency", "lyd", Ok("LYD")),
        ("currency", "ZZZ", Err("ISO 4217")),
        ("number", "12.5", Ok("12.5")),
        ("number", "-3e2", Ok("-3e2")),
        ("number", "1,234,567", Ok("1234567")),
        ("number", "1,5", Err("not a number")),
        ("number", "NaN", Err("not a number")),
    ]);
}

#[test]
fn other_types() {
    check(&[
        ("email", "Someone@Example.ORG", Ok("Someone@example.org")),
        ("email", "no-at-sign", Err("no @")),
        ("email", "a@localhost", Err("domain")),
        ("geopoint", "35.5, 12.6", Ok("35.5,12.6")),
        ("geopoint", "95,12", Err("latitude")),
        ("geopoint", "35", Err("latitude,longitude")),
        (
            "url",
            "https://missingmigrants.iom.int/",
            Ok("https://missingmigrants.iom.int/"),
        ),
        ("url", "missingmigrants.iom.int", Err("no scheme")),
        ("language", "ARA", Ok("ara")),
        ("language", "zzz", Err("ISO 639-3")),
        ("gender", "F", Ok("female")),
        ("gender", "unknown-ish", Err("gender")),
        ("ip", "10.0.0.1", Ok("10.0.0.1")),
        ("ip", "10.0.0.300", Err("IPv4")),
        ("json", "{\"a\": 1}", Ok("{\"a\": 1}")),
        ("json", "{a: 1}", Err("not valid JSON")),
        (
            "checksum",
            "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709",
            Ok("da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ),
        ("checksum", "abc", Err("checksum")),
        (
            "mimetype",
            "Text/CSV; charset=utf-8",
            Ok("text/csv; charset=utf-8"),
        ),
        ("entity", "person-1.a_b", Ok("person-1.a_b")),
        ("entity", "-bad", Err("not an entity id")),
        ("entity", "has space", Err("not an entity id")),
        ("name", "  Abd   al-Rahman  ", Ok("Abd al-Rahman")),
        ("name", "   ", Err("empty")),
        ("name", "bell\u{7}", Err("control character U+0007")),
        ("text", "line one\nline two", Ok("line one\nline two")),
    ]);
}

#[test]
fn oversized_values_are_refused_without_echoing_them() {
    let huge = "x".repeat(MAX_SHORT_VALUE + 1);
    let err = PropertyType::Name
        .clean(&huge, CleanHints::default())
        .unwrap_err();
    assert!(err.message.contains("limit"), "{err}");
    assert!(
        err.to_string().len() < 300,
        "message must not carry the whole value"
    );
}

#[test]
fn unix_moments_format_as_utc() {
    assert_eq!(format_unix_utc(0), "1970-01-01T00:00:00Z");
    assert_eq!(format_unix_utc(1_795_332_000), "2026-11-22T07:20:00Z");
}

#[test]
fn normal_form_dates_read_back_as_unix_moments() {
    use super::parse_unix_utc;
    assert_eq!(parse_unix_utc("2026-11-22T07:20:00Z"), Some(1_795_332_000));
    assert_eq!(parse_unix_utc("2026-11-22T07:20"), Some(1_795_332_000));
    assert_eq!(parse_unix_utc("2026-11-22"), Some(1_795_305_600));
    assert_eq!(parse_unix_utc("1970"), Some(0));
    for bad in ["", "2026-13-01", "2026-02-30", "2026-11-22T24:00", "soon"] {
        assert_eq!(parse_unix_utc(bad), None, "{bad}");
    }
}
