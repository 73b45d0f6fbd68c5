//! Machine-readable zones (ICAO Doc 9303, TD3 passports) for simulated documents, with the
//! check digits right — or, for a share of fraudulent documents, deliberately wrong.

/// ICAO 9303 check digit: weights 7, 3, 1 over digits, letters (A=10 … Z=35) and fillers (0).
pub fn check_digit(field: &str) -> char {
    let sum: u32 = field
        .bytes()
        .zip([7u32, 3, 1].iter().cycle())
        .map(|(b, w)| {
            let v = match b {
                b'0'..=b'9' => (b - b'0') as u32,
                b'A'..=b'Z' => (b - b'A') as u32 + 10,
                _ => 0,
            };
            v * w
        })
        .sum();
    char::from(b'0' + (sum % 10) as u8)
}

/// Upper-case Latin letters and digits only; everything else becomes the filler `<`.
fn mrz_text(s: &str) -> String {
    s.chars()
        .map(|c| {
            let c = c.to_ascii_uppercase();
            if c.is_ascii_uppercase() || c.is_ascii_digit() {
                c
            } else {
                '<'
            }
        })
        .collect()
}

fn pad(s: &str, len: usize) -> String {
    let mut out: String = s.chars().take(len).collect();
    while out.len() < len {
        out.push('<');
    }
    out
}

pub struct Td3<'a> {
    pub issuing_state: &'a str,
    pub surname: &'a str,
    pub given_names: &'a str,
    pub number: &'a str,
    pub nationality: &'a str,
    /// YYMMDD
    pub birth: &'a str,
    pub sex: char,
    /// YYMMDD
    pub expiry: &'a str,
}

/// The two 44-character lines. With `break_digit`, the document-number check digit is wrong,
/// as on a crude forgery.
pub fn td3(doc: &Td3<'_>, break_digit: bool) -> [String; 2] {
    let names = format!(
        "{}<<{}",
        mrz_text(doc.surname),
        mrz_text(doc.given_names).replace(' ', "<")
    );
    let line1 = pad(&format!("P<{}{}", pad(doc.issuing_state, 3), names), 44);
    let number = pad(&mrz_text(doc.number), 9);
    let mut number_check = check_digit(&number);
    if break_digit {
        number_check = char::from(b'0' + ((number_check as u8 - b'0' + 1) % 10));
    }
    let optional = pad("", 14);
    let optional_check = '<';
    let birth_check = check_digit(doc.birth);
    let expiry_check = check_digit(doc.expiry);
    let composite_input = format!(
        "{number}{number_check}{}{birth_check}{}{expiry_check}{optional}{optional_check}",
        doc.birth, doc.expiry
    );
    let line2 = format!(
        "{number}{number_check}{}{}{birth_check}{}{}{expiry_check}{optional}{optional_check}{}",
        pad(doc.nationality, 3),
        doc.birth,
        doc.sex,
        doc.expiry,
        check_digit(&composite_input)
    );
    [line1, line2]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_match_icao_specimen() {
        // ICAO Doc 9303 Part 4 specimen: L898902C3 6 … 740812 2 … 120415 9 … composite 0.
        assert_eq!(check_digit("L898902C3"), '6');
        assert_eq!(check_digit("740812"), '2');
        assert_eq!(check_digit("120415"), '9');
        let doc = Td3 {
            issuing_state: "UTO",
            surname: "Eriksson",
            given_names: "Anna Maria",
            number: "L898902C3",
            nationality: "UTO",
            birth: "740812",
            sex: 'F',
            expiry: "120415",
        };
        let [l1, l2] = td3(&doc, false);
        assert_eq!(l1, "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<");
        assert_eq!(l2.len(), 44);
        assert!(l2.starts_with("L898902C36UTO7408122F1204159"), "{l2}");
        let [_, broken] = td3(&doc, true);
        assert_ne!(&broken[9..10], "6");
    }
}
