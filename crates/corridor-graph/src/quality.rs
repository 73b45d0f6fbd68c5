//! How close found communities are to the true ones: normalised mutual information (as igraph's
//! `compare_communities(method="nmi")`: 2·I / (H₁ + H₂)) and the adjusted Rand index.

use std::collections::HashMap;

/// Counts of nodes per (left, right) label pair, per left label, per right label.
type Contingency = (
    HashMap<(u32, u32), f64>,
    HashMap<u32, f64>,
    HashMap<u32, f64>,
);

fn contingency(a: &[u32], b: &[u32]) -> Contingency {
    assert_eq!(a.len(), b.len(), "two partitions of the same nodes");
    let mut joint = HashMap::new();
    let mut left = HashMap::new();
    let mut right = HashMap::new();
    for (&x, &y) in a.iter().zip(b) {
        *joint.entry((x, y)).or_insert(0.0) += 1.0;
        *left.entry(x).or_insert(0.0) += 1.0;
        *right.entry(y).or_insert(0.0) += 1.0;
    }
    (joint, left, right)
}

fn entropy(counts: &HashMap<u32, f64>, n: f64) -> f64 {
    counts.values().map(|&c| -(c / n) * (c / n).ln()).sum()
}

pub fn normalized_mutual_information(a: &[u32], b: &[u32]) -> f64 {
    let n = a.len() as f64;
    if a.is_empty() {
        return 1.0;
    }
    let (joint, left, right) = contingency(a, b);
    let (ha, hb) = (entropy(&left, n), entropy(&right, n));
    if ha + hb == 0.0 {
        return 1.0; // both put everyone together
    }
    let mutual: f64 = joint
        .iter()
        .map(|(&(x, y), &c)| (c / n) * ((c * n) / (left[&x] * right[&y])).ln())
        .sum();
    (2.0 * mutual / (ha + hb)).clamp(0.0, 1.0)
}

pub fn adjusted_rand_index(a: &[u32], b: &[u32]) -> f64 {
    let pairs = |c: f64| c * (c - 1.0) / 2.0;
    let n = a.len() as f64;
    let (joint, left, right) = contingency(a, b);
    let index: f64 = joint.values().map(|&c| pairs(c)).sum();
    let sum_left: f64 = left.values().map(|&c| pairs(c)).sum();
    let sum_right: f64 = right.values().map(|&c| pairs(c)).sum();
    let expected = sum_left * sum_right / pairs(n).max(1.0);
    let max = (sum_left + sum_right) / 2.0;
    if max == expected {
        return 1.0;
    }
    (index - expected) / (max - expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_partitions_score_one_whatever_the_labels() {
        let a = [0, 0, 1, 1, 2, 2];
        let b = [5, 5, 3, 3, 9, 9];
        assert!((normalized_mutual_information(&a, &b) - 1.0).abs() < 1e-12);
        assert!((adjusted_rand_index(&a, &b) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn unrelated_partitions_score_near_zero() {
        let a: Vec<u32> = (0..1000).map(|i| i % 2).collect();
        let b: Vec<u32> = (0..1000).map(|i| (i / 2) % 2).collect();
        assert!(normalized_mutual_information(&a, &b) < 0.01);
        assert!(adjusted_rand_index(&a, &b).abs() < 0.01);
    }

    #[test]
    fn a_known_small_case() {
        // sklearn's documented example: ARI([0,0,1,1],[0,0,1,2]) = 0.5714…
        let ari = adjusted_rand_index(&[0, 0, 1, 1], &[0, 0, 1, 2]);
        assert!((ari - 0.571_428_571_4).abs() < 1e-9, "{ari}");
    }
}
