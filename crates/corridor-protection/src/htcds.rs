//! The Human Trafficking Case Data Standard v2 where Corridor's protection fields overlap it:
//! the names registration fields carry in an HTCDS file, and the picklists Corridor uses as
//! they are (gender, marital status, trafficking status, methods of control, case status), so
//! records move to and from HTCDS-based tools without translation tables of their own.

/// `vic_MethodsOfControl`: what trafficking indicators are recorded as.
pub const METHODS_OF_CONTROL: &[&str] = &[
    "PhysicalThreats",
    "ThreatsLawEnforcement",
    "ThreatensChildrenFamily",
    "DebtBondage",
    "FalsePromises",
    "PhysicalAbuse",
    "SexualAbuse",
    "TakesEarnings",
    "RestrictsFinancialAccess",
    "RestrictsMedicalCare",
    "WithholdsNecessities",
    "PsychologicalAbuse",
    "PsychoactiveSubstance",
    "ExcessiveWorkingHours",
    "WithholdsDocuments",
    "Other",
];

/// `prs_Gender`.
pub const GENDER: &[&str] = &[
    "Feminine",
    "Masculine",
    "TransgenderFeminine",
    "TransgenderMasculine",
    "NonConforming",
    "NonSpecifiedUnknown",
];

/// `prs_MaritalStatus`.
pub const MARITAL_STATUS: &[&str] = &[
    "Single",
    "Married",
    "Widowed",
    "Divorced",
    "Separated",
    "RegisteredPartnership",
];

/// `vic_TraffickingStatus`.
pub const TRAFFICKING_STATUS: &[&str] = &[
    "PossibleVictimOfTrafficking",
    "ActualVictimOfTrafficking",
    "NotAVictimOfTrafficking",
];

/// `cas_Status`.
pub const CASE_STATUS: &[&str] = &["Active", "FollowUp", "Closed", "ClosedReferred"];

/// Registration fields and their HTCDS names, in the order of an HTCDS export.
pub const FIELDS: &[(&str, &str)] = &[
    ("first_name", "prs_FirstName"),
    ("middle_name", "prs_MiddleName"),
    ("second_name", "prs_SecondName"),
    ("birthdate", "prs_Birthdate"),
    ("gender", "prs_Gender"),
    ("marital_status", "prs_MaritalStatus"),
    ("number_of_children", "prs_NumberOfChildren"),
    ("primary_language", "prs_PrimaryLanguage"),
    ("citizenship", "prs_Citizenship"),
    ("identity_number", "prs_IdentityNumber"),
    ("mobile_phone", "prs_MobilePhone"),
    (
        "agreement_to_manage_personal_data",
        "vic_AgreementToManagePersonalData",
    ),
    ("trafficking_status", "vic_TraffickingStatus"),
    ("methods_of_control", "vic_MethodsOfControl"),
    ("case_status", "cas_Status"),
    ("consent", "con_Consent"),
];

/// The HTCDS name of a registration field.
pub fn htcds_name(field: &str) -> Option<&'static str> {
    FIELDS.iter().find(|(f, _)| *f == field).map(|(_, h)| *h)
}

/// The registration field an HTCDS column fills.
pub fn field_of(htcds: &str) -> Option<&'static str> {
    FIELDS.iter().find(|(_, h)| *h == htcds).map(|(f, _)| *f)
}

/// FollowTheMoney's `gender` (male, female, other) for an HTCDS gender; none when unknown.
pub fn ftm_gender(gender: &str) -> Option<&'static str> {
    match gender {
        "Feminine" | "TransgenderFeminine" => Some("female"),
        "Masculine" | "TransgenderMasculine" => Some("male"),
        "NonConforming" => Some("other"),
        _ => None,
    }
}

/// Checks a value against an HTCDS picklist, naming the field and the choices.
pub fn check(field: &str, value: &str, picklist: &[&str]) -> Result<(), crate::ProtectionError> {
    if picklist.contains(&value) {
        Ok(())
    } else {
        Err(crate::ProtectionError::Invalid(format!(
            "{field}: {value:?} is not one of {} (HTCDS v2)",
            picklist.join(", ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The standard's own field list: name → picklist values.
    fn standard() -> std::collections::HashMap<String, Vec<String>> {
        include_str!("../data/htcds-v2-fields.txt")
            .lines()
            .filter(|l| l.contains('_') && !l.starts_with('#'))
            .map(|l| {
                let name = l.split_whitespace().next().unwrap().to_string();
                let values = l
                    .split_once(" = ")
                    .map(|(_, v)| v.split_whitespace().map(str::to_string).collect())
                    .unwrap_or_default();
                (name, values)
            })
            .collect()
    }

    #[test]
    fn every_name_and_value_used_is_the_standards_own() {
        let std = standard();
        for (_, name) in FIELDS {
            assert!(std.contains_key(*name), "{name} is not an HTCDS v2 field");
        }
        for (name, ours) in [
            ("vic_MethodsOfControl", METHODS_OF_CONTROL),
            ("prs_Gender", GENDER),
            ("prs_MaritalStatus", MARITAL_STATUS),
            ("vic_TraffickingStatus", TRAFFICKING_STATUS),
            ("cas_Status", CASE_STATUS),
        ] {
            assert_eq!(std[name], ours, "{name}");
        }
        assert_eq!(field_of("prs_Birthdate"), Some("birthdate"));
        assert_eq!(htcds_name("gender"), Some("prs_Gender"));
        assert_eq!(ftm_gender("TransgenderFeminine"), Some("female"));
        assert_eq!(ftm_gender("NonSpecifiedUnknown"), None);
        assert!(
            check("gender", "Woman", GENDER)
                .unwrap_err()
                .to_string()
                .contains("Feminine")
        );
    }
}
