//! Risk indicators and profiles as data — one file per rule — evaluated over the facts of a
//! crossing, and the safeguards of lawful profiling checked when they load.
//!
//! - `rules`: the field catalogue (`rules/fields.yaml`, protected characteristics marked),
//!   indicators (conditions, weight, rationale, inline examples) and profiles (indicators with a
//!   threshold, a kind, a review date and two approvers);
//! - `check`: what the loader refuses, naming file, line and rule: unknown fields, values of the
//!   wrong type, conditions that contradict each other, examples that do not behave, profiles
//!   that could reach their threshold on protected characteristics alone, unknown indicators;
//! - `eval`: a crossing's facts in, hits out — a *possible perpetrator* (an enforcement alert)
//!   or a *possible smuggled person* (a protection referral, never an alert) — each saying which
//!   conditions fired on which facts.

pub mod check;
pub mod eval;
pub mod rules;

pub use eval::{Facts, Hit, HitKind, evaluate};
pub use rules::{Field, FieldType, Indicator, Profile, RuleSet};

/// What is wrong with a rule file: the file, the line where the problem is (0 when the file
/// cannot be read) and the rule.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{file}: line {line}: {rule}: {message}")]
pub struct RuleError {
    pub file: String,
    pub line: usize,
    pub rule: String,
    pub message: String,
}

/// The rules shipped with Corridor (`rules/`), checked as any others.
pub fn bundled() -> Result<RuleSet, Vec<RuleError>> {
    RuleSet::load(FIELDS, &bundled_files())
}

/// The rule files shipped with Corridor: (path under `rules/`, text).
pub fn bundled_files() -> Vec<(String, String)> {
    BUNDLED
        .iter()
        .map(|(name, text)| (name.to_string(), text.to_string()))
        .collect()
}

/// The field catalogue shipped with Corridor.
pub const FIELDS: &str = include_str!("../rules/fields.yaml");

const BUNDLED: &[(&str, &str)] = &[
    (
        "indicators/shared-phone-with-facilitator.yaml",
        include_str!("../rules/indicators/shared-phone-with-facilitator.yaml"),
    ),
    (
        "indicators/vehicle-seen-in-interception.yaml",
        include_str!("../rules/indicators/vehicle-seen-in-interception.yaml"),
    ),
    (
        "indicators/repeated-crossings-different-companions.yaml",
        include_str!("../rules/indicators/repeated-crossings-different-companions.yaml"),
    ),
    (
        "indicators/mrz-anomaly.yaml",
        include_str!("../rules/indicators/mrz-anomaly.yaml"),
    ),
    (
        "indicators/first-timers-paid-by-one-account.yaml",
        include_str!("../rules/indicators/first-timers-paid-by-one-account.yaml"),
    ),
    (
        "indicators/unaccompanied-minor.yaml",
        include_str!("../rules/indicators/unaccompanied-minor.yaml"),
    ),
    (
        "indicators/separated-minor.yaml",
        include_str!("../rules/indicators/separated-minor.yaml"),
    ),
    (
        "indicators/large-group-on-sea-route.yaml",
        include_str!("../rules/indicators/large-group-on-sea-route.yaml"),
    ),
    (
        "indicators/carrying-a-group.yaml",
        include_str!("../rules/indicators/carrying-a-group.yaml"),
    ),
    (
        "indicators/moved-by-known-facilitator.yaml",
        include_str!("../rules/indicators/moved-by-known-facilitator.yaml"),
    ),
    (
        "indicators/known-facilitator.yaml",
        include_str!("../rules/indicators/known-facilitator.yaml"),
    ),
    (
        "profiles/facilitator-at-the-crossing.yaml",
        include_str!("../rules/profiles/facilitator-at-the-crossing.yaml"),
    ),
    (
        "profiles/smuggled-person-in-need.yaml",
        include_str!("../rules/profiles/smuggled-person-in-need.yaml"),
    ),
];
