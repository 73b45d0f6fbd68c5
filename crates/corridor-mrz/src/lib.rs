//! Machine-readable zones of travel documents, ICAO Doc 9303 (8th edition).
//!
//! - **Formats**: TD1 (3 × 30, identity cards), TD2 (2 × 36), TD3 (2 × 44, passports), and the
//!   machine-readable visas MRV-A (2 × 44) and MRV-B (2 × 36), recognised by line count,
//!   length and the document code.
//! - **Checks**: every check digit (document number, birth date, expiry date, TD3 optional
//!   data) and the composite; country codes against ISO 3166-1 alpha-3 and ICAO's own codes
//!   (D, XXA, XXB, XXC, XXX, UTO, EUE, UNO…); dates real; sex M, F, X or unspecified. Each
//!   problem is a [`FieldError`] naming the field and why; parsing never stops at the first.
//! - **Long document numbers** (TD1 and TD2): a `<` in the check-digit place means the number
//!   continues in the optional data, its last character there being the check digit.
//! - **OCR repairs** (when asked): the usual confusions (O/0, I/1, B/8, S/5, and Z/2, G/6 in
//!   digits-only places) are undone in a field only where the field's check digit then holds
//!   and no other repair with as few changes would also hold; each repair is reported. Names and country codes
//!   have no check digit, so they are never repaired.
//! - **Dates** are written YYMMDD: the century is inferred against a reference date (birth
//!   dates are not in the future; expiry dates at most 50 years ahead).
//!
//! Pure: text in, [`Mrz`] out.

use serde::Serialize;

#[cfg(test)]
mod tests;

/// The layouts of Doc 9303.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Format {
    #[serde(rename = "TD1")]
    Td1,
    #[serde(rename = "TD2")]
    Td2,
    #[serde(rename = "TD3")]
    Td3,
    #[serde(rename = "MRV-A")]
    MrvA,
    #[serde(rename = "MRV-B")]
    MrvB,
}

/// One problem with one field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// One OCR repair a check digit confirmed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Repair {
    pub field: String,
    pub read: String,
    pub repaired: String,
}

/// A parsed zone. Fields that could not be read are empty (or `None` for dates).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mrz {
    pub format: Option<Format>,
    /// The document code: P, I, A, C, V… (one or two letters).
    pub document_type: String,
    pub issuing_state: String,
    pub surname: String,
    pub given_names: String,
    pub document_number: String,
    pub nationality: String,
    /// YYYY-MM-DD.
    pub birth_date: Option<String>,
    /// M, F or X (X also for unspecified).
    pub sex: String,
    pub expiry_date: Option<String>,
    pub optional_data: String,
    /// TD1's second optional field.
    pub optional_data_2: String,
    pub valid: bool,
    pub errors: Vec<FieldError>,
    pub repairs: Vec<Repair>,
    /// The zone as read (repairs applied), line by line.
    pub lines: Vec<String>,
}

/// A day, for century inference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Day {
    /// Parses YYYY-MM-DD.
    pub fn parse(text: &str) -> Option<Day> {
        let mut parts = text.split('-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        (parts.next().is_none() && valid_date(year, month, day)).then_some(Day { year, month, day })
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Undo OCR confusions where a check digit confirms it.
    pub repair: bool,
    /// The date the zone is read on, for century inference.
    pub today: Day,
}

/// The check digit of `text`: weights 7, 3, 1 repeating; digits are their value, letters A–Z
/// 10–35, the filler `<` 0. None when a character has no value.
pub fn check_digit(text: &str) -> Option<u32> {
    let mut sum = 0;
    for (i, c) in text.chars().enumerate() {
        let v = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'A'..='Z' => c as u32 - 'A' as u32 + 10,
            '<' => 0,
            _ => return None,
        };
        sum += v * [7, 3, 1][i % 3];
    }
    Some(sum % 10)
}

/// The longest input looked at: more is not a zone.
const MAX_INPUT: usize = 1000;

/// Reads a zone: its 2 or 3 lines (or one string with the lines run together).
pub fn parse(text: &str, options: Options) -> Mrz {
    let mut mrz = Mrz {
        format: None,
        document_type: String::new(),
        issuing_state: String::new(),
        surname: String::new(),
        given_names: String::new(),
        document_number: String::new(),
        nationality: String::new(),
        birth_date: None,
        sex: String::new(),
        expiry_date: None,
        optional_data: String::new(),
        optional_data_2: String::new(),
        valid: false,
        errors: Vec::new(),
        repairs: Vec::new(),
        lines: Vec::new(),
    };
    if text.len() > MAX_INPUT {
        mrz.error(
            "zone",
            format!("{} bytes: a zone is at most 132 characters", text.len()),
        );
        return mrz;
    }
    let lines = split_lines(text);
    let Some(format) = detect(&lines) else {
        let shape: Vec<String> = lines
            .iter()
            .map(|l| l.chars().count().to_string())
            .collect();
        mrz.error(
            "zone",
            format!(
                "{} line(s) of {} characters: a zone is 3 lines of 30 (TD1), 2 of 36 (TD2, MRV-B) or 2 of 44 (TD3, MRV-A)",
                lines.len(),
                if shape.is_empty() { "0".to_string() } else { shape.join(", ") }
            ),
        );
        return mrz;
    };
    mrz.format = Some(format);
    let mut chars: Vec<Vec<char>> = lines.iter().map(|l| l.chars().collect()).collect();
    for (n, line) in chars.iter().enumerate() {
        if let Some((i, c)) = line
            .iter()
            .enumerate()
            .find(|(_, c)| !(c.is_ascii_uppercase() || c.is_ascii_digit() || **c == '<'))
        {
            mrz.error(
                &format!("line {}", n + 1),
                format!(
                    "character {} is {c:?}: only A–Z, 0–9 and < are allowed",
                    i + 1
                ),
            );
        }
    }
    if !mrz.errors.is_empty() {
        mrz.lines = lines;
        return mrz;
    }
    read_fields(&mut mrz, format, &mut chars, options);
    mrz.lines = chars.iter().map(|l| l.iter().collect()).collect();
    mrz.valid = mrz.errors.is_empty();
    if !mrz.valid && !mrz.repairs.is_empty() {
        // Repairs are kept only when the whole zone then holds (the composite vouches for
        // them too); otherwise the zone is reported as read.
        return parse(
            text,
            Options {
                repair: false,
                ..options
            },
        );
    }
    mrz
}

impl Mrz {
    fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.to_string(),
            message: message.into(),
        });
    }
}

/// The lines of the zone: given as lines, or one string that is a whole number of lines run
/// together. Spaces are dropped (scanners and people add them), letters upper-cased.
fn split_lines(text: &str) -> Vec<String> {
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            l.chars()
                .filter(|c| !c.is_whitespace())
                .flat_map(char::to_uppercase)
                .collect::<String>()
        })
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() == 1 {
        let one: Vec<char> = lines[0].chars().collect();
        for (n, width) in [(3, 30), (2, 36), (2, 44)] {
            if one.len() == n * width {
                return one.chunks(width).map(|c| c.iter().collect()).collect();
            }
        }
    }
    lines
}

fn detect(lines: &[String]) -> Option<Format> {
    let widths: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
    let visa = lines.first().is_some_and(|l| l.starts_with('V'));
    match (widths.as_slice(), visa) {
        ([30, 30, 30], _) => Some(Format::Td1),
        ([36, 36], false) => Some(Format::Td2),
        ([36, 36], true) => Some(Format::MrvB),
        ([44, 44], false) => Some(Format::Td3),
        ([44, 44], true) => Some(Format::MrvA),
        _ => None,
    }
}

/// A place in the zone: line, first column (from 0), width.
#[derive(Clone, Copy)]
struct Span(usize, usize, usize);

fn get(chars: &[Vec<char>], s: Span) -> String {
    chars[s.0][s.1..s.1 + s.2].iter().collect()
}

fn put(chars: &mut [Vec<char>], s: Span, text: &str) {
    for (k, c) in text.chars().enumerate() {
        chars[s.0][s.1 + k] = c;
    }
}

/// Where each field is, per format.
struct Layout {
    code: Span,
    issuer: Span,
    name: Span,
    number: Span,
    number_check: Span,
    nationality: Span,
    birth: Span,
    birth_check: Span,
    sex: Span,
    expiry: Span,
    expiry_check: Span,
    optional: Span,
    optional_check: Option<Span>,
    optional_2: Option<Span>,
    /// The composite check digit and the spans it covers.
    composite: Option<(Span, Vec<Span>)>,
}

fn layout(format: Format) -> Layout {
    match format {
        Format::Td1 => Layout {
            code: Span(0, 0, 2),
            issuer: Span(0, 2, 3),
            number: Span(0, 5, 9),
            number_check: Span(0, 14, 1),
            optional: Span(0, 15, 15),
            birth: Span(1, 0, 6),
            birth_check: Span(1, 6, 1),
            sex: Span(1, 7, 1),
            expiry: Span(1, 8, 6),
            expiry_check: Span(1, 14, 1),
            nationality: Span(1, 15, 3),
            optional_2: Some(Span(1, 18, 11)),
            optional_check: None,
            name: Span(2, 0, 30),
            composite: Some((
                Span(1, 29, 1),
                vec![
                    Span(0, 5, 25),
                    Span(1, 0, 7),
                    Span(1, 8, 7),
                    Span(1, 18, 11),
                ],
            )),
        },
        Format::Td2 | Format::MrvB => Layout {
            code: Span(0, 0, 2),
            issuer: Span(0, 2, 3),
            name: Span(0, 5, 31),
            number: Span(1, 0, 9),
            number_check: Span(1, 9, 1),
            nationality: Span(1, 10, 3),
            birth: Span(1, 13, 6),
            birth_check: Span(1, 19, 1),
            sex: Span(1, 20, 1),
            expiry: Span(1, 21, 6),
            expiry_check: Span(1, 27, 1),
            optional: if format == Format::Td2 {
                Span(1, 28, 7)
            } else {
                Span(1, 28, 8)
            },
            optional_check: None,
            optional_2: None,
            composite: (format == Format::Td2).then(|| {
                (
                    Span(1, 35, 1),
                    vec![Span(1, 0, 10), Span(1, 13, 7), Span(1, 21, 14)],
                )
            }),
        },
        Format::Td3 | Format::MrvA => Layout {
            code: Span(0, 0, 2),
            issuer: Span(0, 2, 3),
            name: Span(0, 5, 39),
            number: Span(1, 0, 9),
            number_check: Span(1, 9, 1),
            nationality: Span(1, 10, 3),
            birth: Span(1, 13, 6),
            birth_check: Span(1, 19, 1),
            sex: Span(1, 20, 1),
            expiry: Span(1, 21, 6),
            expiry_check: Span(1, 27, 1),
            optional: if format == Format::Td3 {
                Span(1, 28, 14)
            } else {
                Span(1, 28, 16)
            },
            optional_check: (format == Format::Td3).then_some(Span(1, 42, 1)),
            optional_2: None,
            composite: (format == Format::Td3).then(|| {
                (
                    Span(1, 43, 1),
                    vec![Span(1, 0, 10), Span(1, 13, 7), Span(1, 21, 22)],
                )
            }),
        },
    }
}

/// Letters read where a digit belongs, and digits where a letter does.
const TO_DIGIT: &[(char, char)] = &[
    ('O', '0'),
    ('Q', '0'),
    ('D', '0'),
    ('I', '1'),
    ('L', '1'),
    ('Z', '2'),
    ('S', '5'),
    ('G', '6'),
    ('B', '8'),
];
const CONFUSABLE: &[(char, char)] = &[('O', '0'), ('I', '1'), ('B', '8'), ('S', '5')];

fn read_fields(mrz: &mut Mrz, format: Format, chars: &mut [Vec<char>], options: Options) {
    let l = layout(format);
    let code = get(chars, l.code);
    mrz.document_type = code.trim_end_matches('<').to_string();
    let expected = match format {
        Format::Td3 => "P",
        Format::MrvA | Format::MrvB => "V",
        Format::Td1 | Format::Td2 => "",
    };
    let first = code.chars().next().unwrap_or('<');
    let code_ok = match format {
        Format::Td3 | Format::MrvA | Format::MrvB => code.starts_with(expected),
        // Identity cards and other official travel documents: I, A or C.
        Format::Td1 | Format::Td2 => matches!(first, 'I' | 'A' | 'C'),
    };
    if !code_ok || !first.is_ascii_uppercase() {
        let want = match format {
            Format::Td3 => "P (passport)",
            Format::MrvA | Format::MrvB => "V (visa)",
            Format::Td1 | Format::Td2 => "I, A or C",
        };
        mrz.error(
            "document_type",
            format!("{code:?}: a {format:?} zone's document code starts with {want}"),
        );
    }
    mrz.issuing_state = country(mrz, "issuing_state", &get(chars, l.issuer));
    mrz.nationality = country(mrz, "nationality", &get(chars, l.nationality));
    read_name(mrz, &get(chars, l.name));

    // Document number, with the long form of TD1 and TD2.
    let long = matches!(format, Format::Td1 | Format::Td2)
        && get(chars, l.number_check) == "<"
        && get(chars, l.optional).starts_with(|c: char| c != '<');
    if long {
        // The rest of the number and its check digit open the optional data.
        let optional = get(chars, l.optional);
        let rest = optional
            .trim_end_matches('<')
            .split('<')
            .next()
            .unwrap_or("");
        if rest.len() >= 2 {
            let extra = rest.len() - 1;
            let number = format!("{}{}", get(chars, l.number), &rest[..extra]);
            mrz.document_number = number.clone();
            let check = Span(l.optional.0, l.optional.1 + extra, 1);
            check_field(
                mrz,
                chars,
                "document_number",
                &number,
                None,
                check,
                options,
                false,
            );
            mrz.optional_data = optional[rest.len()..].trim_matches('<').to_string();
        } else {
            mrz.error(
                "document_number",
                "the check-digit place says the number goes on in the optional data, which does not hold it",
            );
        }
    } else {
        check_field(
            mrz,
            chars,
            "document_number",
            "",
            Some(l.number),
            l.number_check,
            options,
            false,
        );
        mrz.document_number = get(chars, l.number).trim_end_matches('<').to_string();
        mrz.optional_data = get(chars, l.optional).trim_end_matches('<').to_string();
    }
    if mrz.document_number.is_empty() {
        mrz.error("document_number", "empty");
    }

    check_field(
        mrz,
        chars,
        "birth_date",
        "",
        Some(l.birth),
        l.birth_check,
        options,
        true,
    );
    mrz.birth_date = date(mrz, "birth_date", &get(chars, l.birth), options.today, true);
    check_field(
        mrz,
        chars,
        "expiry_date",
        "",
        Some(l.expiry),
        l.expiry_check,
        options,
        true,
    );
    mrz.expiry_date = date(
        mrz,
        "expiry_date",
        &get(chars, l.expiry),
        options.today,
        false,
    );

    let sex = get(chars, l.sex);
    mrz.sex = match sex.as_str() {
        "M" | "F" | "X" => sex.clone(),
        "<" => "X".into(),
        other => {
            mrz.error("sex", format!("{other:?}: M, F, X or < (unspecified)"));
            String::new()
        }
    };
    if let Some(check) = l.optional_check {
        // TD3: the optional data's check digit may be < when the field is all fillers.
        let value = get(chars, l.optional);
        let digit = get(chars, check);
        if !(digit == "<" && value.chars().all(|c| c == '<')) {
            check_field(
                mrz,
                chars,
                "optional_data",
                "",
                Some(l.optional),
                check,
                options,
                false,
            );
        }
        mrz.optional_data = get(chars, l.optional).trim_end_matches('<').to_string();
    }
    if let Some(span) = l.optional_2 {
        mrz.optional_data_2 = get(chars, span).trim_end_matches('<').to_string();
    }
    if let Some((check, spans)) = l.composite {
        let covered: String = spans.iter().map(|s| get(chars, *s)).collect();
        let digit = get(chars, check);
        match (
            check_digit(&covered),
            digit.chars().next().and_then(|c| c.to_digit(10)),
        ) {
            (Some(want), Some(got)) if want == got => {}
            (Some(want), Some(got)) => mrz.error(
                "composite",
                format!("check digit {got} does not match the zone (it should be {want})"),
            ),
            _ => mrz.error("composite", format!("{digit:?} is not a check digit")),
        }
    }
}

fn country(mrz: &mut Mrz, field: &str, code: &str) -> String {
    let shown = code.trim_end_matches('<').to_string();
    if corridor_model::types::mrz_country(code).is_none() {
        mrz.error(
            field,
            format!("{code:?} is not an ICAO country code (ISO 3166-1 alpha-3 or one of ICAO's own, such as D, XXA or UTO)"),
        );
    }
    shown
}

fn read_name(mrz: &mut Mrz, field: &str) {
    let trimmed = field.trim_end_matches('<');
    let (surname, given) = match trimmed.split_once("<<") {
        Some((s, g)) => (s, g),
        None => (trimmed, ""),
    };
    let words = |s: &str| {
        s.split('<')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    mrz.surname = words(surname);
    mrz.given_names = words(given);
    if mrz.surname.is_empty() && mrz.given_names.is_empty() {
        mrz.error("name", "empty");
    }
    if let Some(c) = trimmed.chars().find(char::is_ascii_digit) {
        mrz.error(
            "name",
            format!("holds the digit {c}: names are letters and fillers"),
        );
    }
}

/// Checks a field against its check digit; in repair mode, undoes OCR confusions when exactly
/// one repair makes the check hold. `value` is used when `span` is None (a long document
/// number, which is not repaired).
#[allow(clippy::too_many_arguments)]
fn check_field(
    mrz: &mut Mrz,
    chars: &mut [Vec<char>],
    field: &str,
    value: &str,
    span: Option<Span>,
    check: Span,
    options: Options,
    digits_only: bool,
) {
    let read = span.map_or_else(|| value.to_string(), |s| get(chars, s));
    let digit = get(chars, check);
    let holds = |v: &str, d: &str| matches!((check_digit(v), d.chars().next().and_then(|c| c.to_digit(10))), (Some(a), Some(b)) if a == b);
    if holds(&read, &digit) {
        return;
    }
    if options.repair
        && let Some(span) = span
    {
        let digit_options: Vec<String> = variants(&digit, true);
        let value_options: Vec<String> = variants(&read, digits_only);
        let mut found: Vec<(String, String)> = Vec::new();
        for v in &value_options {
            for d in &digit_options {
                if holds(v, d) && (v != &read || d != &digit) {
                    found.push((v.clone(), d.clone()));
                }
            }
        }
        found.sort();
        found.dedup();
        // The fewest changes win; a tie is no repair (the check digit cannot choose).
        let changes = |(v, d): &(String, String)| {
            v.chars().zip(read.chars()).filter(|(a, b)| a != b).count() + usize::from(d != &digit)
        };
        if let Some(least) = found.iter().map(changes).min() {
            found.retain(|f| changes(f) == least);
        }
        // Where letters and digits are both allowed, one misread character at most: more
        // would be a guess the check digit cannot vouch for.
        if !digits_only {
            found.retain(|f| changes(f) <= 1);
        }
        if found.len() == 1 {
            let (v, d) = found.remove(0);
            if v != read {
                mrz.repairs.push(Repair {
                    field: field.to_string(),
                    read: read.clone(),
                    repaired: v.clone(),
                });
                put(chars, span, &v);
            }
            if d != digit {
                mrz.repairs.push(Repair {
                    field: format!("{field} check digit"),
                    read: digit.clone(),
                    repaired: d.clone(),
                });
                put(chars, check, &d);
            }
            return;
        }
    }
    match digit.chars().next().and_then(|c| c.to_digit(10)) {
        Some(got) => match check_digit(&read) {
            Some(want) => mrz.error(
                field,
                format!("check digit {got} does not match {read:?} (it should be {want})"),
            ),
            None => mrz.error(
                field,
                format!("{read:?} holds characters with no check value"),
            ),
        },
        None => mrz.error(field, format!("check digit {digit:?} is not a digit")),
    }
}

/// The readings of `text` an OCR confusion could have produced (the text itself first). In
/// digits-only places every letter that looks like a digit is one; elsewhere each confusable
/// character may be either. At most 2^10 readings.
fn variants(text: &str, digits_only: bool) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let choices: Vec<Vec<char>> = chars
        .iter()
        .map(|&c| {
            if digits_only {
                let d = TO_DIGIT.iter().find(|(l, _)| *l == c).map(|(_, d)| *d);
                vec![d.unwrap_or(c)]
            } else {
                let mut v = vec![c];
                for (a, b) in CONFUSABLE {
                    if c == *a {
                        v.push(*b);
                    } else if c == *b {
                        v.push(*a);
                    }
                }
                v
            }
        })
        .collect();
    let ambiguous = choices.iter().filter(|c| c.len() > 1).count();
    if ambiguous > 10 {
        return vec![text.to_string()];
    }
    let mut out = vec![String::new()];
    for options in &choices {
        out = out
            .iter()
            .flat_map(|prefix| {
                options.iter().map(move |c| {
                    let mut p = prefix.clone();
                    p.push(*c);
                    p
                })
            })
            .collect();
    }
    out
}

fn valid_date(year: i32, month: u32, day: u32) -> bool {
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// A YYMMDD date with its century: birth dates are not after `today`; expiry dates are at most
/// 50 years after it.
fn date(mrz: &mut Mrz, field: &str, text: &str, today: Day, birth: bool) -> Option<String> {
    if !text.chars().all(|c| c.is_ascii_digit()) {
        if !mrz.errors.iter().any(|e| e.field == field) {
            mrz.error(field, format!("{text:?}: a date is six digits, YYMMDD"));
        }
        return None;
    }
    let yy: i32 = text[0..2].parse().ok()?;
    let month: u32 = text[2..4].parse().ok()?;
    let day: u32 = text[4..6].parse().ok()?;
    let mut year = 2000 + yy;
    let candidate = Day { year, month, day };
    if (birth && candidate > today) || (!birth && year > today.year + 50) {
        year -= 100;
    }
    if !valid_date(year, month, day) {
        mrz.error(
            field,
            format!("{text:?} is not a date (month {month}, day {day})"),
        );
        return None;
    }
    Some(format!("{year:04}-{month:02}-{day:02}"))
}
