//! One pair's evidence: each comparison's level and bits with the term-frequency adjustment,
//! explained or (on the hot path) not.

use std::collections::HashMap;

use crate::{Evidence, Kind, ScoredPair, Settings, compare, model, probability, records::Records};

/// Whether the term-frequency adjustment applies to comparison `c` at `level`: exact (or, for
/// names, equivalent) agreement on a comparison that uses term frequencies.
pub(crate) fn tf_applies(settings: &Settings, c: usize, level: usize) -> bool {
    let spec = &settings.comparisons[c];
    spec.uses_term_frequency() && (level == 1 || (spec.kind == Kind::Name && level == 2))
}

/// The term-frequency adjustment of one comparison's exact (or, for names, equivalent)
/// agreement: common values say less than the average, rare ones more.
pub(crate) fn tf_bits(
    settings: &Settings,
    parameters: &model::Parameters,
    tf: &[HashMap<String, f64>],
    c: usize,
    level: usize,
    a: &compare::Prepared,
    b: &compare::Prepared,
) -> f64 {
    if !tf_applies(settings, c, level) {
        return 0.0;
    }
    let freq = |p: &compare::Prepared| {
        p.tf_value()
            .and_then(|v| tf[c].get(&v).copied())
            .unwrap_or(f64::NAN)
    };
    frequency_bits(parameters, c, level, freq(a), freq(b))
}

/// The adjustment from the two values' relative frequencies (NaN for a value not counted:
/// no adjustment).
pub(crate) fn frequency_bits(
    parameters: &model::Parameters,
    c: usize,
    level: usize,
    fa: f64,
    fb: f64,
) -> f64 {
    if fa.is_nan() || fb.is_nan() {
        return 0.0;
    }
    let value_u = (fa * fb).sqrt();
    (parameters.u[c][level] / value_u).log2().clamp(-8.0, 8.0)
}

/// Per record and comparison (`record * comparisons + c`), the relative frequency of its
/// value, NaN where none is counted: looked up once per record rather than once per pair,
/// which would build and hash the value's key for every candidate pair.
pub(crate) fn record_frequencies(
    settings: &Settings,
    fields: &[Vec<compare::Prepared>],
    tf: &[HashMap<String, f64>],
) -> Vec<f64> {
    let mut out = Vec::with_capacity(fields.len() * settings.comparisons.len());
    for row in fields {
        for (c, spec) in settings.comparisons.iter().enumerate() {
            let f = if spec.uses_term_frequency() {
                row[c].tf_value().and_then(|v| tf[c].get(&v).copied())
            } else {
                None
            };
            out.push(f.unwrap_or(f64::NAN));
        }
    }
    out
}

pub(crate) fn explain_pair(
    settings: &Settings,
    parameters: &model::Parameters,
    tf: &[HashMap<String, f64>],
    records: &Records,
    (a, b, bits): (u32, u32, f64),
    in_words: bool,
) -> ScoredPair {
    let (_, evidence) = score_fields_as(
        settings,
        parameters,
        tf,
        &records.fields[a as usize],
        &records.fields[b as usize],
        in_words,
    );
    ScoredPair {
        left: a,
        right: b,
        probability: probability(bits),
        bits,
        evidence,
    }
}

/// Two records' fields compared: the evidence in bits (the prior included) and each
/// comparison's part of it, explained.
pub(crate) fn score_fields(
    settings: &Settings,
    parameters: &model::Parameters,
    tf: &[HashMap<String, f64>],
    fa: &[compare::Prepared],
    fb: &[compare::Prepared],
) -> (f64, Vec<Evidence>) {
    score_fields_as(settings, parameters, tf, fa, fb, true)
}

/// [`score_fields`], with each comparison's detail in words or (`in_words` false) left empty.
fn score_fields_as(
    settings: &Settings,
    parameters: &model::Parameters,
    tf: &[HashMap<String, f64>],
    fa: &[compare::Prepared],
    fb: &[compare::Prepared],
    in_words: bool,
) -> (f64, Vec<Evidence>) {
    let evidence: Vec<Evidence> = settings
        .comparisons
        .iter()
        .enumerate()
        .map(|(c, spec)| {
            let (level, detail) = compare::compare(spec, &fa[c], &fb[c], in_words);
            let tf_bits = tf_bits(settings, parameters, tf, c, level, &fa[c], &fb[c]);
            Evidence {
                level,
                bits: parameters.bits(c, level) + tf_bits,
                tf_bits,
                detail,
            }
        })
        .collect();
    let bits = parameters.prior_bits() + evidence.iter().map(|e| e.bits).sum::<f64>();
    (bits, evidence)
}

/// The evidence between two records in bits, without the words (the hot path of linking).
pub(crate) fn score_bits(
    settings: &Settings,
    parameters: &model::Parameters,
    tf: &[HashMap<String, f64>],
    fa: &[compare::Prepared],
    fb: &[compare::Prepared],
) -> f64 {
    let mut bits = parameters.prior_bits();
    for (c, spec) in settings.comparisons.iter().enumerate() {
        let level = compare::compare(spec, &fa[c], &fb[c], false).0;
        bits +=
            parameters.bits(c, level) + tf_bits(settings, parameters, tf, c, level, &fa[c], &fb[c]);
    }
    bits
}
