//! How alike two names are, part by part: what each pairing of parts holds, the parts a name
//! chain leaves out, and the letter pairs that rank candidates before they are scored.

use corridor_resolve::names::{self, PartMatch};

use super::Prepared;

/// The share of a name score from its aligned parts: each side's parts weighted by rarity,
/// the two sides averaged. `held(i, j, m)` is what query part `i` paired with entry part `j`
/// by `m` holds ([`part_held`]).
pub(crate) fn name_score(
    q: &Prepared,
    entry_weights: &[f64],
    aligned: &[(usize, usize, PartMatch)],
    joins: &[names::Joined],
    part_held: impl Fn(usize, usize, PartMatch) -> f64,
) -> f64 {
    if q.name.parts.is_empty() || entry_weights.is_empty() {
        return 0.0;
    }
    let (mut got_q, mut got_e) = (0.0, 0.0);
    for (i, j, m) in aligned {
        let h = part_held(*i, *j, *m);
        got_q += q.weights[*i] * h;
        got_e += entry_weights[*j] * h;
    }
    // Two parts written apart on one side count with the one part they make on the other.
    for jn in joins {
        let s = held(jn.matched);
        let (two, one): (&[f64], &[f64]) = if jn.apart_in_a {
            (&q.weights, entry_weights)
        } else {
            (entry_weights, &q.weights)
        };
        let (got_two, got_one) = ((two[jn.first] + two[jn.second]) * s, one[jn.other] * s);
        if jn.apart_in_a {
            got_q += got_two;
            got_e += got_one;
        } else {
            got_e += got_two;
            got_q += got_one;
        }
    }
    let (used_q, used_e) = paired(aligned, joins);
    // The entry's parts as they count: those the query leaves out no more than a common part.
    let entry_counts = |k: usize| {
        if used_e & (1 << k.min(63)) != 0 {
            entry_weights[k]
        } else {
            entry_weights[k].min(UNPAIRED_ENTRY_PART)
        }
    };
    got_q += INTERIOR
        * middle_parts_left_out(used_q, q.weights.len())
            .map(|k| q.weights[k])
            .sum::<f64>();
    got_e += INTERIOR
        * middle_parts_left_out(used_e, entry_weights.len())
            .map(entry_counts)
            .sum::<f64>();
    let total_q = q.weights.iter().sum::<f64>().max(1e-9);
    let total_e = (0..entry_weights.len())
        .map(entry_counts)
        .sum::<f64>()
        .max(1e-9);
    let crossing = if crossed(aligned) { CROSSED } else { 0.0 };
    (0.5 * (got_q / total_q + got_e / total_e) - crossing).max(0.0)
}

/// The most an entry's part left out by the query weighs in the entry's share of the name: the
/// weight of a part held by one entry in 54 (a common given name). Whether a writer leaves a
/// part out does not depend on how rare it is, so a rare family name left out ("Desta Girma"
/// for "Desta Girma Assefa") should not cost more than a common one; a rare part that is
/// paired still says all it says. Measured on the 1M list: names alone recall@10 0.8777 →
/// 0.8801 (@1 0.654 → 0.657), in another script 0.851 → 0.854, with what the source has
/// 0.9573 → 0.9578 (a cap of 2.5: 0.8789; 1.5: 0.8797; on the query's side too: 0.8794).
pub(crate) const UNPAIRED_ENTRY_PART: f64 = 2.0;

/// What a name loses when its paired parts stand in another order than the query's ("Tesfaye
/// Seyoum Worku" for "Worku Tesfaye"): sources do write the family name first, so order
/// cannot decide, but among namesakes the same parts in the same order are more often the
/// same person (where one is given name and the other family name, they have swapped roles).
/// Measured on the 1M list: names alone recall@10 0.8736 → 0.8765 (@1 0.642 → 0.654), in
/// another script 0.842 → 0.851, with what the source has 0.9535 → 0.9540; 0.05 did less.
pub(crate) const CROSSED: f64 = 0.02;

/// Whether two paired parts stand in one order in the query and in the other in the entry.
pub(crate) fn crossed(aligned: &[(usize, usize, PartMatch)]) -> bool {
    aligned
        .iter()
        .any(|(i, j, _)| aligned.iter().any(|(k, l, _)| k > i && l < j))
}

/// How much of its weight a part the other name leaves out holds, when it stands between two
/// parts that are paired: a father's or grandfather's name in a chain ("Mustefa Tesfamariam
/// Asfaw" written "Mustefa Asfaw") is left out far more often than a given or family name.
/// Measured on the 1M list: recall@10 on names alone 0.862 → 0.867 at 0.3 (0.865 at 0.5; on one
/// side only, less).
pub(crate) const INTERIOR: f64 = 0.3;

/// Which parts of each side are paired (bit k: part k), the query's and the entry's.
pub(crate) fn paired(aligned: &[(usize, usize, PartMatch)], joins: &[names::Joined]) -> (u64, u64) {
    let bit = |k: usize| 1u64 << k.min(63);
    let (mut used_q, mut used_e) = (0u64, 0u64);
    for (i, j, _) in aligned {
        used_q |= bit(*i);
        used_e |= bit(*j);
    }
    for jn in joins {
        let (two, one) = if jn.apart_in_a {
            (&mut used_q, &mut used_e)
        } else {
            (&mut used_e, &mut used_q)
        };
        *two |= bit(jn.first) | bit(jn.second);
        *one |= bit(jn.other);
    }
    (used_q, used_e)
}

/// The parts of a name of `len` parts that are not paired (`used`) but stand between two that
/// are.
pub(crate) fn middle_parts_left_out(used: u64, len: usize) -> impl Iterator<Item = usize> {
    let (lo, hi) = if used == 0 {
        (0, 0)
    } else {
        (
            used.trailing_zeros() as usize,
            63 - used.leading_zeros() as usize,
        )
    };
    (lo + 1..hi.min(len)).filter(move |k| used & (1 << k) == 0)
}

/// What a pair of parts with the same consonants or in one variant group holds: less the
/// further apart their spellings ("Moussa" for "Mousa" before "Musa"; "Mohammed" and
/// "Mahmoud" share their consonants, "Mohammed" and "Mohamed" their spelling too). Among the
/// many namesakes of a common name the closest spelling comes first. Measured on the 1M list:
/// recall@10 on names alone 0.857 → 0.862, in another script 0.816 → 0.828 (0.3: no better).
const SPELLING: f64 = 0.1;

/// The same across scripts, where one side is romanised: Arabic and Indic scripts write few
/// vowels, so the Latin spelling nearest to محمد is Mahmud's as much as Mohammed's. Half the
/// weight (0.05: other script 0.842 → 0.844 at 1M) keeps the list's namesakes from tying
/// without letting that outvote the name's own rendering.
const SPELLING_ACROSS_SCRIPTS: f64 = 0.05;

/// What a pair of parts matched by `m` holds.
pub(crate) fn part_held(m: PartMatch, a: &names::Part, b: &names::Part) -> f64 {
    match m {
        PartMatch::Skeleton | PartMatch::Variant => {
            let weight = if a.transliterated || b.transliterated {
                SPELLING_ACROSS_SCRIPTS
            } else {
                SPELLING
            };
            held(m)
                - weight * (1.0 - corridor_resolve::similarity::jaro_winkler(&a.latin, &b.latin))
        }
        _ => held(m),
    }
}

/// How much of a part's weight a match holds. A part only like another (Shadi / Hadzic,
/// similar 0.85) holds its likeness cubed (0.61): when the query leaves out one of a listed
/// person's parts and is then close to another person's whole name, the parts held exactly
/// must outweigh the near ones. Measured on the 1M list: cubed raised recall@10 on names
/// alone from 0.836 to 0.843 and with dates from 0.940 to 0.942; squared or the fifth power did
/// less well on one or the other.
pub(crate) fn held(m: PartMatch) -> f64 {
    match m {
        PartMatch::Fuzzy(likeness) => likeness.powi(3),
        other => other.score(),
    }
}

/// The pairs of adjacent letters of a Latin part, with its first and last letter beside a
/// word boundary, each hashed to one of 64 bits.
pub(crate) fn letter_pairs(latin: &str) -> u64 {
    let bytes = latin.as_bytes();
    let mut sig = 0u64;
    let mut prev = b' ';
    for &b in bytes.iter().chain(std::iter::once(&b' ')) {
        let h = (u32::from(prev) * 0x9E37 + u32::from(b)).wrapping_mul(0x85EB_CA6B);
        sig |= 1 << (h >> 26);
        prev = b;
    }
    sig
}
