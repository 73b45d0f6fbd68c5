//! Fellegi–Sunter: for each comparison and level, m = P(level | same) and u = P(level | not
//! same); a pair's evidence is the sum of log2(m/u) in bits plus the prior. u is estimated from
//! random pairs (almost all are different people), m and the prior by expectation-maximisation
//! over the blocked pairs' agreement patterns, as Splink does; analysts' judgements, when there
//! are some, are added as labelled pairs.

use std::collections::HashMap;

use serde::Serialize;

/// The estimated model.
#[derive(Clone, Debug, Serialize)]
pub struct Parameters {
    /// Share of candidate pairs that are matches.
    pub lambda: f64,
    /// m and u per comparison and level (level 0, null, is unused).
    pub m: Vec<Vec<f64>>,
    pub u: Vec<Vec<f64>>,
    pub em_iterations: usize,
}

impl Parameters {
    pub fn prior_bits(&self) -> f64 {
        (self.lambda / (1.0 - self.lambda)).log2()
    }

    /// The evidence of one level, in bits (0 for null).
    pub fn bits(&self, comparison: usize, level: usize) -> f64 {
        if level == 0 {
            return 0.0;
        }
        (self.m[comparison][level] / self.u[comparison][level]).log2()
    }
}

/// u from the levels of random pairs: counts per comparison and level, smoothed.
pub fn estimate_u(levels: &[usize], patterns: &[Vec<u8>]) -> Vec<Vec<f64>> {
    let mut u: Vec<Vec<f64>> = levels.iter().map(|n| vec![0.5; *n]).collect();
    for p in patterns {
        for (c, l) in p.iter().enumerate() {
            u[c][*l as usize] += 1.0;
        }
    }
    for row in &mut u {
        let total: f64 = row.iter().skip(1).sum();
        for v in row.iter_mut().skip(1) {
            *v /= total;
        }
    }
    u
}

/// One training pass, as Splink does it: m estimated by expectation-maximisation over the
/// agreement patterns (pattern → count) of the pairs one blocking rule produced, u fixed from
/// random pairs. Comparisons the rule blocks on agree in nearly every pair of the pass, so
/// they are left out of it (`excluded`) and estimated in other passes. Returns m (rows of
/// excluded comparisons are meaningless) and the pass's match share.
pub fn em_pass(
    levels: &[usize],
    u: &[Vec<f64>],
    patterns: &HashMap<Vec<u8>, u64>,
    excluded: &[bool],
    labelled: &[(Vec<u8>, bool)],
    iterations: usize,
) -> (Vec<Vec<f64>>, f64, usize) {
    let patterns: Vec<(&Vec<u8>, f64)> = patterns.iter().map(|(p, c)| (p, *c as f64)).collect();
    // A plain first reading of each pattern (top levels for, last levels against) keeps EM
    // away from the degenerate answer "every candidate matches".
    let mut weights: Vec<f64> = patterns
        .iter()
        .map(|(p, _)| {
            let mut score: f64 = -2.0;
            for (c, l) in p.iter().enumerate() {
                let l = *l as usize;
                if l == 0 || excluded[c] {
                    continue;
                }
                score += if l <= 2 {
                    2.0
                } else if l == levels[c] - 1 {
                    -2.0
                } else {
                    0.5
                };
            }
            1.0 / (1.0 + (-score).exp())
        })
        .collect();
    let mut m: Vec<Vec<f64>> = levels.iter().map(|n| vec![0.0; *n]).collect();
    let mut lambda = 0.1;
    let mut done = 0;
    for iteration in 0..iterations {
        done += 1;
        let mut m_acc: Vec<Vec<f64>> = levels.iter().map(|n| vec![0.1; *n]).collect();
        let (mut matched, mut total) = (0.0, 0.0);
        for ((pattern, count), w) in patterns.iter().zip(&weights) {
            matched += w * count;
            total += count;
            for (c, l) in pattern.iter().enumerate() {
                m_acc[c][*l as usize] += w * count;
            }
        }
        // Judgements supervise: a pair judged the same pulls m towards its pattern; a pair
        // judged different takes back the share of a match the pass gave its pattern.
        for (pattern, same) in labelled {
            let weight = if *same {
                10.0
            } else if iteration == 0 {
                continue;
            } else {
                let (mut pm, mut pu) = (lambda, 1.0 - lambda);
                for (c, l) in pattern.iter().enumerate() {
                    if *l > 0 && !excluded[c] {
                        pm *= m[c][*l as usize];
                        pu *= u[c][*l as usize];
                    }
                }
                -(pm / (pm + pu))
            };
            for (c, l) in pattern.iter().enumerate() {
                let cell = &mut m_acc[c][*l as usize];
                *cell = (*cell + weight).max(0.1);
            }
        }
        let new_lambda = (matched / total.max(1.0)).clamp(1e-6, 0.999);
        let mut change = (new_lambda - lambda).abs();
        lambda = new_lambda;
        for c in 0..levels.len() {
            let t: f64 = m_acc[c].iter().skip(1).sum();
            for l in 1..levels[c] {
                let v = m_acc[c][l] / t;
                change = change.max((v - m[c][l]).abs());
                m[c][l] = v;
            }
        }
        for ((pattern, _), w) in patterns.iter().zip(weights.iter_mut()) {
            let mut pm = lambda;
            let mut pu = 1.0 - lambda;
            for (c, l) in pattern.iter().enumerate() {
                if *l > 0 && !excluded[c] {
                    pm *= m[c][*l as usize];
                    pu *= u[c][*l as usize];
                }
            }
            *w = pm / (pm + pu);
        }
        if iteration > 2 && change < 1e-6 {
            break;
        }
    }
    (m, lambda, done)
}

/// m where no pass could estimate it: better levels likelier among matches.
pub fn default_m(levels: usize) -> Vec<f64> {
    let mut row = vec![0.0; levels];
    for (l, v) in row.iter_mut().enumerate().skip(1) {
        *v = 0.5f64.powi(l as i32) + 0.01;
    }
    let total: f64 = row.iter().skip(1).sum();
    for v in row.iter_mut().skip(1) {
        *v /= total;
    }
    row
}

/// u where there are too few records to measure it: how often two different people (or
/// vehicles, numbers) agree at each level, from common experience — a shared document number
/// almost never, a shared sex half the time (the exact level is set for codes like
/// nationality, between the two).
pub fn default_u(kind: crate::Kind) -> Vec<f64> {
    let mut row: Vec<f64> = match kind {
        crate::Kind::Name => vec![0.0, 0.0005, 0.0005, 0.002, 0.003, 0.01, 0.08],
        crate::Kind::Date => vec![0.0, 0.0003, 0.0001, 0.002, 0.0005, 0.0003, 0.02],
        crate::Kind::Identifier => vec![0.0, 0.00001, 0.0001],
        crate::Kind::Text => vec![0.0, 0.01, 0.01, 0.05],
        crate::Kind::Exact => vec![0.0, 0.2],
    };
    let rest = 1.0 - row.iter().sum::<f64>();
    row.push(rest);
    debug_assert_eq!(row.len(), kind.levels().len());
    row
}

/// The share of matches among all candidate pairs, with m and u fixed.
pub fn estimate_lambda(
    m: &[Vec<f64>],
    u: &[Vec<f64>],
    patterns: &HashMap<Vec<u8>, u64>,
    iterations: usize,
) -> f64 {
    let mut lambda: f64 = 0.1;
    for _ in 0..iterations {
        let (mut matched, mut total) = (0.0, 0.0);
        for (pattern, count) in patterns {
            let mut pm = lambda;
            let mut pu = 1.0 - lambda;
            for (c, l) in pattern.iter().enumerate() {
                if *l > 0 {
                    pm *= m[c][*l as usize];
                    pu *= u[c][*l as usize];
                }
            }
            matched += pm / (pm + pu) * *count as f64;
            total += *count as f64;
        }
        let next = (matched / total.max(1.0)).clamp(1e-6, 0.999);
        if (next - lambda).abs() < 1e-7 {
            return next;
        }
        lambda = next;
    }
    lambda
}

/// A seeded generator for sampling (SplitMix64): same seed, same sample.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % n.max(1)
    }
}
