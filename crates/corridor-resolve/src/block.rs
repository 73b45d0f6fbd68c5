//! Blocking: which pairs are compared at all. Each rule makes keys from a record's fields; two
//! records are compared when they share the keys of some rule. Blocks larger than
//! `max_block` are skipped as generic (a placeholder date, the commonest name part) and counted.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use rayon::prelude::*;

use crate::compare::Prepared;
use crate::settings::{Key, KeyKind};

fn hash_key(rule: usize, parts: &[&str]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    rule.hash(&mut h);
    for p in parts {
        p.hash(&mut h);
        0xffu8.hash(&mut h);
    }
    h.finish()
}

/// The values one key kind takes on one record (several for name parts).
fn key_values(key: &Key, fields: &[Prepared]) -> Vec<String> {
    match (&fields[key.comparison], key.kind) {
        (Prepared::Name(name), KeyKind::NamePart) => {
            let mut out: Vec<String> = Vec::new();
            for p in &name.parts {
                if p.skeleton.len() >= 2 {
                    out.push(p.skeleton.clone());
                }
                if let Some(v) = p.variant {
                    out.push(format!("~{v}"));
                }
            }
            out.sort_unstable();
            out.dedup();
            out
        }
        (Prepared::Name(name), KeyKind::NamePair) => {
            let keys: Vec<Vec<String>> = name
                .parts
                .iter()
                .map(|p| {
                    let mut k = vec![p.skeleton.clone()];
                    if let Some(v) = p.variant {
                        k.push(format!("~{v}"));
                    }
                    k
                })
                .collect();
            let mut out = Vec::new();
            for i in 0..keys.len() {
                for j in i + 1..keys.len() {
                    for a in &keys[i] {
                        for b in &keys[j] {
                            let (x, y) = if a <= b { (a, b) } else { (b, a) };
                            out.push(format!("{x}|{y}"));
                        }
                    }
                }
            }
            out.sort_unstable();
            out.dedup();
            out
        }
        (Prepared::Name(name), KeyKind::Prefix3) => {
            let c: String = name.compact.chars().take(3).collect();
            if c.len() == 3 { vec![c] } else { vec![] }
        }
        (Prepared::Name(name), KeyKind::Value) => {
            if name.compact.is_empty() {
                vec![]
            } else {
                vec![name.compact.clone()]
            }
        }
        (Prepared::Date(Some(d)), kind) => match (kind, d.month, d.day) {
            (KeyKind::BirthYear, _, _) => vec![d.year.to_string()],
            (KeyKind::Date | KeyKind::Value, Some(m), Some(day)) => {
                vec![format!("{}-{m}-{day}", d.year)]
            }
            (KeyKind::DateSwap, Some(m), Some(day)) => {
                vec![format!("{}-{}-{}", d.year, m.min(day), m.max(day))]
            }
            (KeyKind::Prefix3, _, _) => vec![(d.year / 10).to_string()],
            _ => vec![],
        },
        (Prepared::Text(t), KeyKind::Value) if !t.is_empty() => {
            vec![crate::values::ocr_fold(t)]
        }
        (Prepared::Text(t), KeyKind::Prefix3) => {
            let c: String = t.chars().take(3).collect();
            if c.chars().count() == 3 {
                vec![c]
            } else {
                vec![]
            }
        }
        _ => vec![],
    }
}

/// The keys of one record under one rule: every combination of its parts' values.
pub(crate) fn rule_keys(rule_index: usize, rule: &[Key], fields: &[Prepared]) -> Vec<u64> {
    let values: Vec<Vec<String>> = rule.iter().map(|k| key_values(k, fields)).collect();
    if values.iter().any(Vec::is_empty) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut index = vec![0usize; values.len()];
    loop {
        let parts: Vec<&str> = index
            .iter()
            .zip(&values)
            .map(|(i, v)| v[*i].as_str())
            .collect();
        out.push(hash_key(rule_index, &parts));
        // Next combination.
        let mut k = 0;
        loop {
            if k == index.len() {
                return out;
            }
            index[k] += 1;
            if index[k] < values[k].len() {
                break;
            }
            index[k] = 0;
            k += 1;
        }
    }
}

pub struct Blocking {
    /// For each record, the records it is compared with (higher index, or the other source).
    pub candidates: Vec<Vec<u32>>,
    /// For each candidate, the rules that produced it (bit r for rule r): training passes
    /// take their pairs from here instead of blocking again.
    pub rules: Vec<Vec<u16>>,
    pub pairs: u64,
    /// Blocks larger than their cap (`max_block`, or `max_identifier_block`): compared only
    /// with their heaviest records (`generic_block_heads`), or skipped.
    pub generic_blocks: u64,
}

/// The candidate pairs. `source[i]` is the input each record came from; with two inputs only
/// pairs across them are compared.
/// `weights[i]` is how many records record `i` stands for; `heads` how many of the heaviest
/// records of a generic block everyone in it is compared with.
pub fn candidates(
    rules: &[Vec<Key>],
    records: &[Vec<Prepared>],
    source: &[u8],
    caps: &[usize],
    weights: &[u32],
    heads: usize,
) -> Blocking {
    let keys: Vec<Vec<(u64, u16)>> = records
        .par_iter()
        .map(|fields| {
            let mut k: Vec<(u64, u16)> = rules
                .iter()
                .enumerate()
                .flat_map(|(i, rule)| {
                    rule_keys(i, rule, fields)
                        .into_iter()
                        .map(move |h| (h, 1u16 << i))
                })
                .collect();
            k.sort_unstable();
            k.dedup();
            k
        })
        .collect();
    // Each key belongs to one rule (the rule is part of its hash), whose cap applies.
    let mut index: HashMap<u64, (usize, Vec<u32>)> = HashMap::new();
    for (i, ks) in keys.iter().enumerate() {
        for (k, bit) in ks {
            index
                .entry(*k)
                .or_insert_with(|| (caps[bit.trailing_zeros() as usize], Vec::new()))
                .1
                .push(i as u32);
        }
    }
    let generic_blocks = index.values().filter(|(cap, v)| v.len() > *cap).count() as u64;
    // A generic block keeps its members and its heads: the heaviest records, ties by order.
    let mut generic: HashMap<u64, (Vec<u32>, Vec<u32>)> = HashMap::new();
    if heads > 0 {
        for (k, (cap, v)) in &index {
            if v.len() > *cap {
                let mut by_weight = v.clone();
                by_weight.sort_by_key(|&i| (std::cmp::Reverse(weights[i as usize]), i));
                by_weight.truncate(heads);
                by_weight.sort_unstable();
                generic.insert(*k, (v.clone(), by_weight));
            }
        }
    }
    index.retain(|_, (cap, v)| v.len() > 1 && v.len() <= *cap);
    let index: HashMap<u64, Vec<u32>> = index.into_iter().map(|(k, (_, v))| (k, v)).collect();
    let linking = source.iter().any(|s| *s != 0);
    let found: Vec<(Vec<u32>, Vec<u16>)> = (0..records.len())
        .into_par_iter()
        .map(|i| {
            let keep = |j: u32| {
                if linking {
                    source[i] == 0 && source[j as usize] != 0
                } else {
                    j as usize > i
                }
            };
            let mut out: Vec<(u32, u16)> = Vec::new();
            for (k, rule) in &keys[i] {
                // A head meets the whole generic block; anyone else meets its heads. Each
                // pair is kept from one side only, like any other.
                let block = index.get(k).map(Vec::as_slice).or_else(|| {
                    generic.get(k).map(|(members, heads)| {
                        if heads.binary_search(&(i as u32)).is_ok() {
                            members.as_slice()
                        } else {
                            heads.as_slice()
                        }
                    })
                });
                for &j in block.unwrap_or_default() {
                    if keep(j) {
                        out.push((j, *rule));
                    }
                }
            }
            out.sort_unstable();
            let mut ids: Vec<u32> = Vec::new();
            let mut masks: Vec<u16> = Vec::new();
            for (j, rule) in out {
                if ids.last() == Some(&j) {
                    *masks.last_mut().expect("same length") |= rule;
                } else {
                    ids.push(j);
                    masks.push(rule);
                }
            }
            (ids, masks)
        })
        .collect();
    let (candidates, rule_masks): (Vec<Vec<u32>>, Vec<Vec<u16>>) = found.into_iter().unzip();
    let pairs = candidates.iter().map(|c| c.len() as u64).sum();
    Blocking {
        candidates,
        rules: rule_masks,
        pairs,
        generic_blocks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{KeyKind, Kind};

    /// Five records sharing one key; record 2 stands for ten identical records.
    fn five_in_one_block(cap: usize, heads: usize) -> Vec<(u32, u32)> {
        let records: Vec<Vec<Prepared>> = (0..5)
            .map(|_| vec![Prepared::new(Kind::Exact, "Aleppo")])
            .collect();
        let rule = vec![Key {
            kind: KeyKind::Value,
            comparison: 0,
        }];
        let blocking = candidates(&[rule], &records, &[0; 5], &[cap], &[1, 1, 10, 1, 1], heads);
        let mut pairs = Vec::new();
        for (i, list) in blocking.candidates.iter().enumerate() {
            pairs.extend(list.iter().map(|&j| (i as u32, j)));
        }
        pairs
    }

    #[test]
    fn a_generic_block_is_compared_with_its_heaviest_records_only() {
        assert_eq!(
            five_in_one_block(10, 1).len(),
            10,
            "under the cap: every pair"
        );
        assert_eq!(
            five_in_one_block(3, 0),
            [],
            "over the cap without heads: skipped"
        );
        assert_eq!(
            five_in_one_block(3, 1),
            [(0, 2), (1, 2), (2, 3), (2, 4)],
            "over the cap: everyone meets the record standing for the most"
        );
    }
}
