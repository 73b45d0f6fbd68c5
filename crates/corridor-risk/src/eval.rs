//! A crossing's facts in, hits out, each saying which conditions fired on which facts.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::rules::{Condition, Indicator, Op, ProfileKind, RuleSet};

/// What the node knows about one crossing, by field name (see `rules/fields.yaml`). A field
/// that is absent is unknown: no condition fires on it, `ne` included.
pub type Facts = BTreeMap<String, Value>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HitKind {
    /// An enforcement alert.
    PossiblePerpetrator,
    /// A protection referral, never an enforcement alert.
    PossibleSmuggledPerson,
}

/// One condition that held, and the fact it held on.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fired {
    pub field: String,
    pub op: Op,
    pub value: Option<Value>,
    pub observed: Value,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FiredIndicator {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub rationale: String,
    pub weight: f64,
    pub conditions: Vec<Fired>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hit {
    pub profile: String,
    pub version: u32,
    pub title: String,
    pub kind: HitKind,
    pub score: f64,
    pub threshold: f64,
    pub indicators: Vec<FiredIndicator>,
}

fn number(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// Whether one condition holds on the facts; the fact it held on when it does.
pub fn holds(condition: &Condition, facts: &Facts) -> Option<Value> {
    let observed = facts.get(&condition.field).filter(|v| !v.is_null())?;
    let want = condition.value.as_ref();
    let ok = match condition.op {
        Op::Exists => true,
        Op::IsTrue => observed.as_bool() == Some(true),
        Op::IsFalse => observed.as_bool() == Some(false),
        Op::Eq => want == Some(observed),
        Op::Ne => want.is_some_and(|w| w != observed),
        Op::In => want
            .and_then(Value::as_array)
            .is_some_and(|list| list.contains(observed)),
        Op::Contains => observed
            .as_array()
            .zip(want)
            .is_some_and(|(list, w)| list.contains(w)),
        Op::Gte | Op::Gt | Op::Lte | Op::Lt => match (number(observed), want.and_then(number)) {
            (Some(o), Some(w)) => match condition.op {
                Op::Gte => o >= w,
                Op::Gt => o > w,
                Op::Lte => o <= w,
                _ => o < w,
            },
            _ => false,
        },
    };
    ok.then(|| observed.clone())
}

/// The conditions that fired, when the indicator does: all of `all`, and one or more of `any`
/// (when it has any).
pub fn fires(indicator: &Indicator, facts: &Facts) -> Option<Vec<Fired>> {
    let fired = |c: &Condition| {
        holds(c, facts).map(|observed| Fired {
            field: c.field.clone(),
            op: c.op,
            value: c.value.clone(),
            observed,
        })
    };
    let mut out = Vec::new();
    for c in &indicator.all {
        out.push(fired(c)?);
    }
    if !indicator.any.is_empty() {
        let some: Vec<Fired> = indicator.any.iter().filter_map(fired).collect();
        if some.is_empty() {
            return None;
        }
        out.extend(some);
    }
    Some(out)
}

/// Every profile in force on `today` (YYYY-MM-DD) whose fired indicators reach its threshold.
pub fn evaluate(rules: &RuleSet, facts: &Facts, today: &str) -> Vec<Hit> {
    let mut fired: BTreeMap<&str, Option<FiredIndicator>> = BTreeMap::new();
    let mut hits = Vec::new();
    for profile in rules.profiles.values() {
        if profile.review_by.as_str() < today {
            continue;
        }
        let mut found = Vec::new();
        for id in &profile.indicators {
            let Some(indicator) = rules.indicators.get(id) else {
                continue;
            };
            let entry = fired.entry(id.as_str()).or_insert_with(|| {
                fires(indicator, facts).map(|conditions| FiredIndicator {
                    id: indicator.id.clone(),
                    version: indicator.version,
                    title: indicator.title.clone(),
                    rationale: indicator.rationale.clone(),
                    weight: indicator.weight,
                    conditions,
                })
            });
            if let Some(f) = entry {
                found.push(f.clone());
            }
        }
        let score: f64 = found.iter().map(|f| f.weight).sum();
        if !found.is_empty() && score >= profile.threshold {
            hits.push(Hit {
                profile: profile.id.clone(),
                version: profile.version,
                title: profile.title.clone(),
                kind: match profile.kind {
                    ProfileKind::Perpetrator => HitKind::PossiblePerpetrator,
                    ProfileKind::Protection => HitKind::PossibleSmuggledPerson,
                },
                score,
                threshold: profile.threshold,
                indicators: found,
            });
        }
    }
    hits
}
