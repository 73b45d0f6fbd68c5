//! Differentially private answers, every one with its mechanism, its ε and a 95% interval.
//! Randomness comes from the operating system (`getrandom`), never from a seeded generator.
//!
//! - counts and histograms: the discrete Laplace (two-sided geometric) mechanism, sensitivity
//!   1 per person (a person counts in one bin);
//! - sums: values clamped to a public range, Laplace noise scaled to its width;
//! - means: a noisy sum over a noisy count, half the ε each;
//! - quantiles: the exponential mechanism over the gaps between sorted values (bounded by a
//!   public range), with Gumbel noise;
//! - the Gaussian mechanism for (ε, δ) answers.

use serde::Serialize;

use crate::SdcError;

/// A uniform number in (0, 1) from 53 random bits of the operating system.
pub(crate) fn uniform() -> Result<f64, SdcError> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| SdcError::Invalid(format!("no randomness: {e}")))?;
    let bits = u64::from_le_bytes(bytes) >> 11;
    // (bits + 0.5) / 2^53: never 0 nor 1.
    Ok((bits as f64 + 0.5) / (1u64 << 53) as f64)
}

/// Two-sided geometric noise with P(x) ∝ exp(-|x| / scale).
pub fn discrete_laplace(scale: f64) -> Result<i64, SdcError> {
    let q = (-1.0 / scale).exp();
    let geometric = || -> Result<i64, SdcError> {
        // Number of failures before a success of probability 1 - q.
        Ok((uniform()?.ln() / q.ln()).floor() as i64)
    };
    Ok(geometric()? - geometric()?)
}

/// Laplace noise of the given scale.
pub fn laplace(scale: f64) -> Result<f64, SdcError> {
    let u = uniform()? - 0.5;
    Ok(-scale * u.signum() * (1.0 - 2.0 * u.abs()).ln())
}

/// Gaussian noise (Box–Muller).
pub fn gaussian(sigma: f64) -> Result<f64, SdcError> {
    let (u1, u2) = (uniform()?, uniform()?);
    Ok(sigma * (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos())
}

/// A published number: its value, ±half-width of the 95% interval, and how it was made.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Noisy {
    pub value: f64,
    pub interval95: f64,
    pub mechanism: &'static str,
    pub epsilon: f64,
}

fn check_epsilon(epsilon: f64) -> Result<(), SdcError> {
    if epsilon > 0.0 && epsilon <= 10.0 && epsilon.is_finite() {
        Ok(())
    } else {
        Err(SdcError::Invalid(format!(
            "epsilon: {epsilon} (a positive number, at most 10)"
        )))
    }
}

/// Half-width of the 95% interval of Laplace noise of `scale`: P(|X| > t) = exp(-t/scale).
pub fn laplace_interval95(scale: f64) -> f64 {
    scale * 20f64.ln()
}

/// A count of persons (each counted once).
pub fn count(true_count: u64, epsilon: f64) -> Result<Noisy, SdcError> {
    check_epsilon(epsilon)?;
    let scale = 1.0 / epsilon;
    Ok(Noisy {
        value: true_count as f64 + discrete_laplace(scale)? as f64,
        interval95: laplace_interval95(scale).ceil(),
        mechanism: "discrete Laplace",
        epsilon,
    })
}

/// Counts in disjoint bins, each person in one: the whole histogram costs ε once.
pub fn histogram(counts: &[u64], epsilon: f64) -> Result<Vec<Noisy>, SdcError> {
    counts.iter().map(|c| count(*c, epsilon)).collect()
}

/// A sum of one value per person, each clamped to the public range [lower, upper].
pub fn sum(values: &[f64], lower: f64, upper: f64, epsilon: f64) -> Result<Noisy, SdcError> {
    check_epsilon(epsilon)?;
    if lower.partial_cmp(&upper) != Some(std::cmp::Ordering::Less) {
        return Err(SdcError::Invalid("range: lower below upper".into()));
    }
    let width = upper.abs().max(lower.abs());
    let total: f64 = values.iter().map(|v| v.clamp(lower, upper)).sum();
    let scale = width / epsilon;
    Ok(Noisy {
        value: total + laplace(scale)?,
        interval95: laplace_interval95(scale),
        mechanism: "Laplace (clamped sum)",
        epsilon,
    })
}

/// A mean: noisy sum over noisy count, ε split in half.
pub fn mean(values: &[f64], lower: f64, upper: f64, epsilon: f64) -> Result<Noisy, SdcError> {
    check_epsilon(epsilon)?;
    let s = sum(values, lower, upper, epsilon / 2.0)?;
    let n = count(values.len() as u64, epsilon / 2.0)?;
    let denominator = n.value.max(1.0);
    Ok(Noisy {
        value: (s.value / denominator).clamp(lower, upper),
        // The interval of the sum over the count, widened by the count's own.
        interval95: (s.interval95 + n.interval95 * upper.abs().max(lower.abs())) / denominator,
        mechanism: "Laplace (sum / count)",
        epsilon,
    })
}

/// The q-quantile (0..1) of values in the public range [lower, upper], by the exponential
/// mechanism: a gap between sorted values is chosen with weight length × exp(-ε |rank - q n| / 2),
/// then a point in it uniformly. The interval is the range of ranks within 2·ln(20·n)/ε of
/// the target.
pub fn quantile(
    values: &[f64],
    q: f64,
    lower: f64,
    upper: f64,
    epsilon: f64,
) -> Result<Noisy, SdcError> {
    check_epsilon(epsilon)?;
    if !(0.0..=1.0).contains(&q) || lower.partial_cmp(&upper) != Some(std::cmp::Ordering::Less) {
        return Err(SdcError::Invalid("q in 0..1, lower below upper".into()));
    }
    let mut v: Vec<f64> = values.iter().map(|x| x.clamp(lower, upper)).collect();
    v.sort_by(f64::total_cmp);
    let mut edges = vec![lower];
    edges.extend(v.iter().copied());
    edges.push(upper);
    let n = v.len() as f64;
    let target = q * n;
    let mut best: Option<(f64, usize)> = None;
    for i in 0..edges.len() - 1 {
        let length = edges[i + 1] - edges[i];
        if length <= 0.0 {
            continue;
        }
        let utility = -(i as f64 - target).abs();
        // Gumbel-max: argmax of log-weight + Gumbel noise samples the exponential mechanism.
        let gumbel = -(-uniform()?.ln()).ln();
        let score = length.ln() + epsilon * utility / 2.0 + gumbel;
        if best.is_none_or(|(b, _)| score > b) {
            best = Some((score, i));
        }
    }
    let Some((_, i)) = best else {
        return Err(SdcError::Invalid("no room between lower and upper".into()));
    };
    let value = edges[i] + uniform()? * (edges[i + 1] - edges[i]);
    let spread = (2.0 * (20.0 * n.max(1.0)).ln() / epsilon).ceil() as usize;
    let lo = edges[(target as usize)
        .saturating_sub(spread)
        .min(edges.len() - 1)];
    let hi = edges[(target as usize + spread + 1).min(edges.len() - 1)];
    Ok(Noisy {
        value,
        interval95: (hi - lo) / 2.0,
        mechanism: "exponential mechanism (quantile)",
        epsilon,
    })
}

/// A count under (ε, δ) with Gaussian noise (the analytic bound σ = √(2 ln(1.25/δ)) / ε).
pub fn gaussian_count(true_count: u64, epsilon: f64, delta: f64) -> Result<Noisy, SdcError> {
    check_epsilon(epsilon)?;
    if !(0.0 < delta && delta < 1e-3) {
        return Err(SdcError::Invalid("delta: above 0, below 0.001".into()));
    }
    let sigma = (2.0 * (1.25 / delta).ln()).sqrt() / epsilon;
    Ok(Noisy {
        value: true_count as f64 + gaussian(sigma)?,
        interval95: 1.96 * sigma,
        mechanism: "Gaussian",
        epsilon,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moments(draws: &[f64]) -> (f64, f64) {
        let n = draws.len() as f64;
        let mean = draws.iter().sum::<f64>() / n;
        let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (mean, var)
    }

    #[test]
    fn noise_is_unbiased_with_the_variance_its_mechanism_promises() {
        let n = 40_000;
        // Discrete Laplace with q = e^{-1/b}: variance 2q / (1 - q)^2.
        let b = 2.0;
        let draws: Vec<f64> = (0..n)
            .map(|_| discrete_laplace(b).unwrap() as f64)
            .collect();
        let (mean, var) = moments(&draws);
        let q = (-1.0f64 / b).exp();
        let expected = 2.0 * q / (1.0 - q).powi(2);
        assert!(
            mean.abs() < 4.0 * (expected / n as f64).sqrt(),
            "biased: {mean}"
        );
        assert!(
            (var / expected - 1.0).abs() < 0.08,
            "variance {var} vs {expected}"
        );
        // Laplace: variance 2 b².
        let draws: Vec<f64> = (0..n).map(|_| laplace(b).unwrap()).collect();
        let (mean, var) = moments(&draws);
        assert!(mean.abs() < 4.0 * (8.0 / n as f64).sqrt(), "biased: {mean}");
        assert!((var / 8.0 - 1.0).abs() < 0.08, "variance {var}");
        // The 95% interval holds 95% of the time.
        let inside = (0..n)
            .filter(|_| laplace(b).unwrap().abs() <= laplace_interval95(b))
            .count() as f64
            / n as f64;
        assert!((inside - 0.95).abs() < 0.01, "{inside}");
        let draws: Vec<f64> = (0..n).map(|_| gaussian(3.0).unwrap()).collect();
        let (mean, var) = moments(&draws);
        assert!(
            mean.abs() < 0.07 && (var / 9.0 - 1.0).abs() < 0.05,
            "{mean} {var}"
        );
    }

    #[test]
    fn one_person_more_or_less_moves_the_answer_by_at_most_e_to_the_epsilon() {
        // The membership attack: how much more likely is an answer with a person than without?
        let epsilon = 1.0;
        let n = 60_000;
        let mut with = std::collections::HashMap::new();
        let mut without = std::collections::HashMap::new();
        for _ in 0..n {
            *with
                .entry(count(11, epsilon).unwrap().value as i64)
                .or_insert(0u32) += 1;
            *without
                .entry(count(10, epsilon).unwrap().value as i64)
                .or_insert(0u32) += 1;
        }
        for x in 8..14 {
            let ratio = f64::from(with[&x]) / f64::from(without[&x]);
            assert!(
                ratio < epsilon.exp() * 1.15 && ratio > (-epsilon).exp() / 1.15,
                "{x}: {ratio}"
            );
        }
    }

    #[test]
    fn sums_means_and_quantiles_land_near_the_truth_and_bad_input_is_named() {
        let values: Vec<f64> = (0..1000).map(|i| 1000.0 + f64::from(i % 500)).collect();
        let median = quantile(&values, 0.5, 0.0, 10_000.0, 1.0).unwrap();
        assert!((median.value - 1250.0).abs() < 60.0, "{median:?}");
        let m = mean(&values, 0.0, 10_000.0, 1.0).unwrap();
        assert!((m.value - 1249.5).abs() < 100.0, "{m:?}");
        let s = sum(&[5.0, 50_000.0], 0.0, 100.0, 1.0).unwrap();
        assert!(
            s.value < 105.0 + 10.0 * laplace_interval95(100.0),
            "clamped: {s:?}"
        );
        assert!(count(3, 0.0).is_err());
        assert!(count(3, f64::NAN).is_err());
        assert!(gaussian_count(3, 1.0, 0.5).is_err());
        assert_eq!(histogram(&[1, 2, 3], 0.5).unwrap().len(), 3);
    }
}
