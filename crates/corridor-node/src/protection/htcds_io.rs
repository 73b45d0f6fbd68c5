//! Registrations to and from HTCDS v2 files (CSV with the standard's column names), so that
//! case data moves between Corridor and HTCDS-based tools. An import is one registration: every
//! row checked, a bad one named by line and field, and nothing written unless all are good.

use corridor_model::entity::live_statements;
use corridor_policy::{Action, Subject};
use corridor_protection::htcds;
use corridor_protection::vulnerability::Screening;
use serde::Serialize;

use super::{PersonInput, RegistrationInput, RegistrationResult};
use crate::{Node, NodeError, now};

/// The most rows one HTCDS file may register.
const MAX_ROWS: usize = 5_000;
/// The largest HTCDS file read.
pub const MAX_HTCDS_BYTES: usize = 20 * 1024 * 1024;

/// Corridor's own columns before the standard's: which person and registration a row is.
const ID_COLUMNS: [&str; 2] = ["corridor_person_id", "corridor_registration_id"];

/// What an import did, with the columns it did not read.
#[derive(Clone, Debug, Serialize)]
pub struct HtcdsImport {
    #[serde(flatten)]
    pub result: RegistrationResult,
    pub ignored_columns: Vec<String>,
}

fn checkbox(value: &str) -> Option<&'static str> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" | "x" => Some("yes"),
        "false" | "no" | "0" => Some("no"),
        _ => None,
    }
}

fn list(value: &str) -> Vec<String> {
    value
        .split([';', ','])
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

impl Node {
    /// Every registration the caller may export, one row each, with HTCDS column names.
    pub fn htcds_export(&self, subject: &Subject) -> Result<String, NodeError> {
        self.require_assist(subject)?;
        self.require(subject, Action::Export)?;
        let reader = self.protection_reader(subject, "HTCDS export");
        let index = self.protection_index()?;
        let mut out = csv::Writer::from_writer(Vec::new());
        let header: Vec<&str> = ID_COLUMNS
            .iter()
            .copied()
            .chain(htcds::FIELDS.iter().map(|(_, h)| *h))
            .collect();
        out.write_record(&header)
            .map_err(|e| NodeError::Io(e.to_string()))?;
        let mut rows = 0usize;
        let mut store = self.store();
        for (person, _) in &index.persons {
            let p = store.entity_statements(person)?;
            let pv = self.visible_facts(&reader, Action::Export, &p);
            if pv.is_empty() {
                continue;
            }
            let of = |facts: &[&corridor_model::Statement], prop: &str| -> Vec<String> {
                facts
                    .iter()
                    .filter(|s| s.prop == prop)
                    .map(|s| s.value.clone())
                    .collect()
            };
            // The latest screening's trafficking indicators: HTCDS methods of control.
            let mut methods = Vec::new();
            let mut latest = String::new();
            for id in index.linked(person, "VulnerabilityScreening") {
                let st = store.entity_statements(&id)?;
                let live = live_statements(&st);
                let date = of(&live, "date").join("");
                if date >= latest
                    && let Some(answers) = of(&live, "answers").first()
                    && let Ok(s) = serde_json::from_str::<Screening>(answers)
                {
                    latest = date;
                    methods = s.trafficking_indicators;
                }
            }
            for reg in index.linked(person, "ProtectionRegistration") {
                let st = store.entity_statements(&reg)?;
                let rv = self.visible_facts(&reader, Action::Export, &st);
                let field = |prop: &str| of(&rv, prop).into_iter().next().unwrap_or_default();
                let agreement = match field("agreementToManagePersonalData").as_str() {
                    "yes" => "TRUE",
                    "no" => "FALSE",
                    _ => "",
                };
                let document = of(&pv, "passportNumber")
                    .into_iter()
                    .chain(of(&pv, "idNumber"))
                    .next()
                    .unwrap_or_default();
                let value = |name: &str| -> String {
                    match name {
                        "first_name" => of(&pv, "firstName").join(" "),
                        "middle_name" => of(&pv, "middleName").join(" "),
                        "second_name" => of(&pv, "lastName").join(" "),
                        "birthdate" => of(&pv, "birthDate").into_iter().next().unwrap_or_default(),
                        "gender" => field("gender"),
                        "marital_status" => field("maritalStatus"),
                        "number_of_children" => field("numberOfChildren"),
                        "primary_language" => field("primaryLanguage"),
                        "citizenship" => of(&pv, "nationality")
                            .iter()
                            .map(|c| c.to_uppercase())
                            .collect::<Vec<_>>()
                            .join(";"),
                        "identity_number" => document.clone(),
                        "mobile_phone" => of(&pv, "phone").join(";"),
                        "agreement_to_manage_personal_data" | "consent" => agreement.to_string(),
                        "trafficking_status" => field("traffickingStatus"),
                        "methods_of_control" => methods.join(";"),
                        "case_status" => "Active".to_string(),
                        _ => String::new(),
                    }
                };
                let mut record = vec![person.clone(), reg.clone()];
                record.extend(htcds::FIELDS.iter().map(|(f, _)| value(f)));
                out.write_record(&record)
                    .map_err(|e| NodeError::Io(e.to_string()))?;
                rows += 1;
            }
        }
        self.audit(
            &mut **store,
            &subject.username,
            "protection HTCDS export",
            "registrations",
            reader.reason.as_deref(),
            &format!("allowed: {rows} rows"),
        )?;
        let bytes = out.into_inner().map_err(|e| NodeError::Io(e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| NodeError::Io(e.to_string()))
    }

    /// Registers the persons of an HTCDS file at `place`: all of them, or none, with every bad
    /// value named by line and column.
    pub fn htcds_import(
        &self,
        subject: &Subject,
        place: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<HtcdsImport, NodeError> {
        self.require_assist(subject)?;
        if bytes.len() > MAX_HTCDS_BYTES {
            return Err(NodeError::Invalid(format!(
                "{file_name}: larger than {MAX_HTCDS_BYTES} bytes"
            )));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| {
            NodeError::Invalid(format!("{file_name}: not UTF-8 (byte {})", e.valid_up_to()))
        })?;
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| NodeError::Invalid(format!("{file_name}: line 1: {e}")))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let known: Vec<Option<&'static str>> = header
            .iter()
            .map(|h| htcds::field_of(h).or_else(|| ID_COLUMNS.iter().find(|c| *c == h).copied()))
            .collect();
        if !header
            .iter()
            .any(|h| h == "prs_FirstName" || h == "prs_SecondName")
        {
            return Err(NodeError::Invalid(format!(
                "{file_name}: line 1: no prs_FirstName or prs_SecondName column: not an HTCDS file"
            )));
        }
        let ignored_columns: Vec<String> = header
            .iter()
            .zip(&known)
            .filter(|(_, k)| k.is_none())
            .map(|(h, _)| h.clone())
            .collect();
        let mut persons = Vec::new();
        let mut errors = Vec::new();
        for (i, row) in reader.records().enumerate() {
            let line = i + 2;
            let row =
                row.map_err(|e| NodeError::Invalid(format!("{file_name}: line {line}: {e}")))?;
            if persons.len() >= MAX_ROWS {
                return Err(NodeError::Invalid(format!(
                    "{file_name}: more than {MAX_ROWS} rows"
                )));
            }
            let mut p = PersonInput::default();
            let mut screening = Screening::default();
            for (value, field) in row.iter().zip(&known) {
                let value = value.trim();
                let Some(field) = field else { continue };
                if value.is_empty() {
                    continue;
                }
                match *field {
                    "first_name" => p.first_name = value.into(),
                    "middle_name" => p.middle_name = value.into(),
                    "second_name" => p.second_name = value.into(),
                    "birthdate" => p.birthdate = value.into(),
                    "gender" => p.gender = value.into(),
                    "marital_status" => p.marital_status = value.into(),
                    "number_of_children" => match value.parse() {
                        Ok(n) => p.number_of_children = Some(n),
                        Err(_) => errors.push(format!(
                            "line {line}: prs_NumberOfChildren: {value:?} is not a number"
                        )),
                    },
                    "primary_language" => p.primary_language = value.to_lowercase(),
                    "citizenship" => {
                        p.citizenship = list(value).iter().map(|c| c.to_lowercase()).collect()
                    }
                    "identity_number" => p.documents.push(super::DocumentInput {
                        kind: "other".into(),
                        number: value.into(),
                        country: String::new(),
                    }),
                    "mobile_phone" => p.mobile_phone = value.into(),
                    "agreement_to_manage_personal_data" | "consent" => match checkbox(value) {
                        Some(v) => p.agreement_to_manage_personal_data = Some(v.into()),
                        None => errors.push(format!(
                            "line {line}: {}: {value:?} is not TRUE or FALSE",
                            htcds::htcds_name(field).unwrap_or(field)
                        )),
                    },
                    "methods_of_control" => screening.trafficking_indicators = list(value),
                    _ => {}
                }
            }
            if !screening.trafficking_indicators.is_empty() {
                p.screening = Some(screening);
            }
            persons.push(p);
        }
        if !errors.is_empty() {
            return Err(NodeError::Invalid(format!(
                "{file_name}: {}",
                errors.join("; ")
            )));
        }
        if persons.is_empty() {
            return Err(NodeError::Invalid(format!("{file_name}: no rows")));
        }
        let result = self
            .register_up_to(
                subject,
                RegistrationInput {
                    place: place.to_string(),
                    date: Some(now()[..10].to_string()),
                    event: None,
                    persons,
                },
                MAX_ROWS,
            )
            .map_err(|e| match e {
                // persons[i].field → line i+2, the HTCDS column.
                NodeError::Invalid(m) => {
                    NodeError::Invalid(format!("{file_name}: {}", by_line(&m)))
                }
                other => other,
            })?;
        Ok(HtcdsImport {
            result,
            ignored_columns,
        })
    }
}

/// Rewrites `persons[3].gender: …` as `line 5: prs_Gender: …`.
fn by_line(message: &str) -> String {
    message
        .split("; ")
        .map(|part| {
            let Some(rest) = part.strip_prefix("persons[") else {
                return part.to_string();
            };
            let Some((index, rest)) = rest.split_once("].") else {
                return part.to_string();
            };
            let Ok(i) = index.parse::<usize>() else {
                return part.to_string();
            };
            let (field, tail) = rest.split_once(':').unwrap_or((rest, ""));
            let column = htcds::htcds_name(field).unwrap_or(field);
            format!("line {}: {column}:{tail}", i + 2)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn errors_are_named_by_line_and_column() {
        assert_eq!(
            super::by_line("persons[3].gender: \"Woman\" is not one of…; place: empty"),
            "line 5: prs_Gender: \"Woman\" is not one of…; place: empty"
        );
    }
}
