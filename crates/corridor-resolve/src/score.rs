//! One pair's evidence: each comparison's level and bits with the term-frequency adjustment,
//! explained or (on the hot path) not.

use std::collections::HashMap;

use crate::{Evidence, Kind, ScoredPair, Settings, compare, model, probability, records::Records};

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
    let spec = &settings.comparisons[c];
    let adjusted = level == 1 || (spec.kind == Kind::Name && level == 2);
    if !spec.uses_term_frequency() || !adjusted {
        return 0.0;
    }
    let freq = |p: &compare::Prepared| p.tf_value().and_then(|v| tf[c].get(&v).copied());
    let (Some(fa), Some(fb)) = (freq(a), freq(b)) else {
        return 0.0;
    };
    let value_u = (fa * fb).sqrt();
    (parameters.u[c][level] / value_u).log2().clamp(-8.0, 8.0)
}

pub(crate) fn explain_pair(
    settings: &Settings,
    parameters: &model::Parameters,
    tf: &[HashMap<String, f64>],
    records: &Records,
    a: u32,
    b: u32,
    bits: f64,
) -> ScoredPair {
    let (_, evidence) = score_fields(
        settings,
        parameters,
        tf,
        &records.fields[a as usize],
        &records.fields[b as usize],
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
    let evidence: Vec<Evidence> = settings
        .comparisons
        .iter()
        .enumerate()
        .map(|(c, spec)| {
            let (level, detail) = compare::compare(spec, &fa[c], &fb[c], true);
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
