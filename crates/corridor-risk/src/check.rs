//! What the loader refuses, each problem named by file, line and rule.

use std::collections::{BTreeMap, HashSet};

use serde_json::Value;

use crate::RuleError;
use crate::eval::{Facts, fires};
use crate::rules::{Condition, FieldType, Indicator, Op, Profile, RuleSet, line_of};

/// Every problem of every rule in the set; `texts` maps a file to its text (for lines).
pub fn check(set: &RuleSet, texts: &BTreeMap<&str, &str>) -> Vec<RuleError> {
    let mut errors = Vec::new();
    for indicator in set.indicators.values() {
        check_indicator(set, indicator, texts, &mut errors);
    }
    for profile in set.profiles.values() {
        check_profile(set, profile, texts, &mut errors);
    }
    errors
}

struct At<'a> {
    file: &'a str,
    text: &'a str,
    rule: &'a str,
}

impl At<'_> {
    fn error(&self, near: &str, message: String) -> RuleError {
        RuleError {
            file: self.file.to_string(),
            line: line_of(self.text, near),
            rule: self.rule.to_string(),
            message,
        }
    }
}

fn at<'a>(set: &'a RuleSet, texts: &BTreeMap<&str, &'a str>, rule: &'a str) -> At<'a> {
    let file = set.sources.get(rule).map_or("?", String::as_str);
    At {
        file,
        text: texts.get(file).copied().unwrap_or(""),
        rule,
    }
}

/// Whether a condition's value suits its field's type and its operator.
fn value_problem(c: &Condition, kind: FieldType) -> Option<String> {
    let v = c.value.as_ref();
    let scalar_ok = |v: &Value| match kind {
        FieldType::Bool => v.is_boolean(),
        FieldType::Number => v.is_number(),
        FieldType::Text | FieldType::Set => v.is_string(),
    };
    match c.op {
        Op::IsTrue | Op::IsFalse if kind != FieldType::Bool => Some(format!(
            "{:?} needs a yes/no field; {} is {kind:?}",
            c.op, c.field
        )),
        Op::IsTrue | Op::IsFalse | Op::Exists => v.map(|_| format!("{:?} takes no value", c.op)),
        Op::Gte | Op::Gt | Op::Lte | Op::Lt if kind != FieldType::Number => Some(format!(
            "{:?} compares numbers; {} is {kind:?}",
            c.op, c.field
        )),
        Op::Contains if kind != FieldType::Set => Some(format!(
            "contains needs a set field; {} is {kind:?}",
            c.field
        )),
        Op::In => match v.and_then(Value::as_array) {
            Some(list) if !list.is_empty() && list.iter().all(scalar_ok) => None,
            _ => Some(format!("in needs a list of {kind:?} values")),
        },
        _ => match v {
            Some(v) if scalar_ok(v) => None,
            Some(v) => Some(format!("{v} is not a {kind:?} value for {}", c.field)),
            None => Some(format!("{:?} needs a value", c.op)),
        },
    }
}

/// Two conditions of `all` that cannot both hold.
fn contradiction(all: &[Condition]) -> Option<String> {
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            if a.field != b.field {
                continue;
            }
            let (va, vb) = (a.value.as_ref(), b.value.as_ref());
            let clash = match (a.op, b.op) {
                (Op::IsTrue, Op::IsFalse) | (Op::IsFalse, Op::IsTrue) => true,
                (Op::Eq, Op::Eq) => va != vb,
                (Op::Eq, Op::Ne) | (Op::Ne, Op::Eq) => va == vb,
                _ => {
                    // A lower bound above an upper bound.
                    let bound = |c: &Condition| c.value.as_ref().and_then(Value::as_f64);
                    let lower = |c: &Condition| matches!(c.op, Op::Gte | Op::Gt);
                    let upper = |c: &Condition| matches!(c.op, Op::Lte | Op::Lt);
                    let (lo, hi) = if lower(a) && upper(b) {
                        (a, b)
                    } else if lower(b) && upper(a) {
                        (b, a)
                    } else {
                        continue;
                    };
                    match (bound(lo), bound(hi)) {
                        (Some(l), Some(h)) => {
                            l > h || (l == h && (lo.op == Op::Gt || hi.op == Op::Lt))
                        }
                        _ => false,
                    }
                }
            };
            if clash {
                return Some(format!(
                    "{} {:?} {} and {:?} {} cannot both hold",
                    a.field,
                    a.op,
                    va.map_or(String::new(), Value::to_string),
                    b.op,
                    vb.map_or(String::new(), Value::to_string)
                ));
            }
        }
    }
    None
}

fn check_indicator(
    set: &RuleSet,
    indicator: &Indicator,
    texts: &BTreeMap<&str, &str>,
    errors: &mut Vec<RuleError>,
) {
    let at = at(set, texts, &indicator.id);
    if indicator.all.is_empty() && indicator.any.is_empty() {
        errors.push(at.error("id:", "no condition: it would fire on everyone".into()));
    }
    if !(indicator.weight > 0.0 && indicator.weight.is_finite()) {
        errors.push(at.error("weight:", format!("weight {}: above 0", indicator.weight)));
    }
    let mut known = true;
    for c in indicator.all.iter().chain(&indicator.any) {
        match set.fields.get(&c.field) {
            None => {
                known = false;
                errors.push(at.error(
                    &c.field,
                    format!("unknown field {:?} (see rules/fields.yaml)", c.field),
                ));
            }
            Some(f) => {
                if let Some(problem) = value_problem(c, f.kind) {
                    known = false;
                    errors.push(at.error(&c.field, problem));
                }
            }
        }
    }
    if let Some(problem) = contradiction(&indicator.all) {
        errors.push(at.error("all:", format!("{problem}: it can never fire")));
    }
    // The examples run as tests: one of each kind at least, each behaving as it says.
    if indicator.examples.positive.is_empty() || indicator.examples.negative.is_empty() {
        errors.push(at.error(
            "examples",
            "needs at least one positive and one negative example".into(),
        ));
    }
    if !known {
        return;
    }
    for (kind, list, should_fire) in [
        ("positive", &indicator.examples.positive, true),
        ("negative", &indicator.examples.negative, false),
    ] {
        for (n, example) in list.iter().enumerate() {
            if let Some(field) = example.keys().find(|k| !set.fields.contains_key(*k)) {
                errors.push(at.error(
                    kind,
                    format!("{kind} example {}: unknown field {field:?}", n + 1),
                ));
                continue;
            }
            let facts: Facts = example.clone();
            if fires(indicator, &facts).is_some() != should_fire {
                errors.push(at.error(
                    kind,
                    format!(
                        "{kind} example {} {}",
                        n + 1,
                        if should_fire {
                            "does not fire"
                        } else {
                            "fires"
                        }
                    ),
                ));
            }
        }
    }
}

/// An indicator resting only on protected characteristics.
fn protected_only(set: &RuleSet, indicator: &Indicator) -> bool {
    indicator
        .all
        .iter()
        .chain(&indicator.any)
        .all(|c| set.fields.get(&c.field).is_some_and(|f| f.protected))
}

fn check_profile(
    set: &RuleSet,
    profile: &Profile,
    texts: &BTreeMap<&str, &str>,
    errors: &mut Vec<RuleError>,
) {
    let at = at(set, texts, &profile.id);
    let mut indicators = Vec::new();
    for id in &profile.indicators {
        match set.indicators.get(id) {
            Some(i) => indicators.push(i),
            None => errors.push(at.error(id, format!("unknown indicator {id:?}"))),
        }
    }
    if !(profile.threshold > 0.0 && profile.threshold.is_finite()) {
        errors.push(at.error(
            "threshold:",
            format!("threshold {}: above 0", profile.threshold),
        ));
    }
    let all: f64 = indicators.iter().map(|i| i.weight).sum();
    if all < profile.threshold {
        errors.push(at.error(
            "threshold:",
            format!(
                "its indicators weigh {all} in all, under the threshold {}: it can never fire",
                profile.threshold
            ),
        ));
    }
    // FRA's guidance: protected characteristics may add to other grounds, never be the ground.
    let protected: Vec<&&Indicator> = indicators
        .iter()
        .filter(|i| protected_only(set, i))
        .collect();
    let weight: f64 = protected.iter().map(|i| i.weight).sum();
    if !protected.is_empty() && weight >= profile.threshold {
        errors.push(at.error(
            "threshold:",
            format!(
                "could reach its threshold {} on protected characteristics alone ({}: {weight} in all); a profile may not rest on nationality, ethnicity, religion, sex or age",
                profile.threshold,
                protected.iter().map(|i| i.id.as_str()).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    let date_ok = profile.review_by.len() == 10
        && profile.review_by.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !date_ok {
        errors.push(at.error(
            "review_by:",
            format!("review_by {:?}: a date, YYYY-MM-DD", profile.review_by),
        ));
    }
    let approvers: HashSet<&str> = profile
        .approved_by
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if approvers.len() < 2 {
        errors.push(at.error(
            "approved_by:",
            "needs the approval of two different users".into(),
        ));
    }
}
