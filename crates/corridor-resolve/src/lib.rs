//! Entity resolution: who is who across sources and scripts.
//!
//! One pipeline, with the settings as data ([`settings`]):
//! 1. **Prepare** every field once ([`compare::Prepared`]): names split into parts with Latin
//!    forms and consonant skeletons across scripts ([`names`]), dates with their precision,
//!    identifiers OCR-folded ([`values`]).
//! 2. **Block** ([`block`]): records meet when they share the keys of a rule; in a generic
//!    block (too large to compare whole) everyone meets only its heaviest records.
//! 3. **Estimate** ([`model`]): u from random pairs, m and the prior by EM over the blocked
//!    pairs' agreement patterns; term frequencies make common names weaker evidence.
//! 4. **Score** every candidate pair: the sum of each comparison's evidence in bits, each with
//!    its level and, for names, the part-by-part alignment — the explanation of the pair.
//! 5. **Cluster** ([`cluster`]) by average linkage, honouring analysts' judgements, so false
//!    links do not chain into giant clusters.
//!
//! Pure: no files, no store. The command line reads CSV into [`Table`]s; a node passes its
//! records the same way.

mod arabic;
pub mod block;
mod burmese;
pub mod cluster;
pub mod compare;
mod compound;
mod greek;
pub mod incremental;
pub mod model;
pub mod names;
pub mod settings;
pub mod similarity;
pub mod values;

mod records;
mod rows;
mod score;

pub(crate) use records::*;
pub(crate) use score::*;

use std::collections::HashMap;

use rayon::prelude::*;

/// A hash map with a fast hash for keys the engine makes itself (patterns, numbers).
pub(crate) type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

pub use settings::{Kind, Settings};

#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("settings: {0}")]
    Settings(String),
    #[error("{0}")]
    Input(String),
}

/// Rows of one input, with its column names.
pub struct Table {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Judgements by analysts: pairs of record ids that are the same, or different.
#[derive(Default)]
pub struct Judgements {
    pub same: Vec<(String, String)>,
    pub different: Vec<(String, String)>,
}

/// One comparison's part of a pair's evidence.
#[derive(Clone, Debug)]
pub struct Evidence {
    pub level: usize,
    pub bits: f64,
    /// Term-frequency adjustment included in `bits`.
    pub tf_bits: f64,
    pub detail: String,
}

#[derive(Clone, Debug)]
pub struct ScoredPair {
    pub left: u32,
    pub right: u32,
    pub probability: f64,
    pub bits: f64,
    pub evidence: Vec<Evidence>,
}

#[derive(Clone, Debug, Default)]
pub struct RunStats {
    pub records: usize,
    pub candidate_pairs: u64,
    pub generic_blocks: u64,
    pub pairs_above_review: usize,
    pub clusters: usize,
    pub largest_cluster: usize,
}

#[derive(Debug)]
pub struct Resolution {
    pub ids: Vec<String>,
    /// Which input each record came from.
    pub source: Vec<u8>,
    /// Scored pairs between representatives (indices into `members`); see
    /// [`Resolution::record_pairs`] for the pairs of records.
    pub pairs: Vec<ScoredPair>,
    /// Per representative, its identical records (indices into `ids`).
    pub members: Vec<Vec<u32>>,
    /// Cluster id per record: the id of the cluster's first record.
    pub clusters: Vec<String>,
    pub parameters: model::Parameters,
    pub stats: RunStats,
    /// Per record, the records blocking paired it with (when [`Options::keep_candidates`]).
    pub candidates: Option<Vec<Vec<u32>>>,
}

/// Longest value compared; longer values are refused when records are read, with the place
/// named.
pub const MAX_VALUE_CHARS: usize = 1000;

/// Below this many candidate pairs, or this many distinct records, nothing is estimated:
/// default weights are used (see [`model::default_u`]).
const MIN_TRAINING_PAIRS: u64 = 100;
const MIN_RECORDS_TO_ESTIMATE: usize = 100;

/// Pairs used to train each EM pass, at most.
const TRAINING_PAIRS: usize = 400_000;

/// What a run should hand back besides pairs and clusters.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Keep every candidate pair blocking produced (to measure blocking recall).
    pub keep_candidates: bool,
    /// Leave the words out of each pair's evidence, keeping its levels and bits: for output
    /// that writes levels only (`corridor resolve --brief`), where a million pairs' alignments
    /// in words would cost time and memory for nothing.
    pub levels_only: bool,
}

/// Runs the whole pipeline. Two tables are linked (pairs across them only); one is deduplicated.
pub fn resolve(
    settings: &Settings,
    tables: &[Table],
    judgements: &Judgements,
    progress: &mut dyn FnMut(&str),
) -> Result<Resolution, ResolveError> {
    resolve_with(settings, tables, judgements, Options::default(), progress)
}

pub fn resolve_with(
    settings: &Settings,
    tables: &[Table],
    judgements: &Judgements,
    options: Options,
    progress: &mut dyn FnMut(&str),
) -> Result<Resolution, ResolveError> {
    check_input_count(tables)?;
    let all = load(settings, tables)?;
    run(
        settings,
        all,
        tables.len() == 2,
        judgements,
        options,
        progress,
    )
}

/// [`resolve_with`] on tables it may drop once their records are prepared: a million rows of
/// text need not stay in memory through the run.
pub fn resolve_owned(
    settings: &Settings,
    tables: Vec<Table>,
    judgements: &Judgements,
    options: Options,
    progress: &mut dyn FnMut(&str),
) -> Result<Resolution, ResolveError> {
    check_input_count(&tables)?;
    let all = load(settings, &tables)?;
    let linking = tables.len() == 2;
    drop(tables);
    run(settings, all, linking, judgements, options, progress)
}

fn check_input_count(tables: &[Table]) -> Result<(), ResolveError> {
    if tables.is_empty() || tables.len() > 2 {
        return Err(ResolveError::Input(
            "give one input to deduplicate or two to link".into(),
        ));
    }
    Ok(())
}

/// The pipeline after reading: `linking` pairs records across the two inputs only.
fn run(
    settings: &Settings,
    mut all: Records,
    linking: bool,
    judgements: &Judgements,
    options: Options,
    progress: &mut dyn FnMut(&str),
) -> Result<Resolution, ResolveError> {
    // Records judged different from another must stay themselves, whatever they look like.
    let judged: std::collections::HashSet<&str> = judgements
        .different
        .iter()
        .flat_map(|(a, b)| [a.as_str(), b.as_str()])
        .collect();
    let (mut records, members) = collapse(&mut all, &judged);
    records.rows = rows::Rows::new(settings, &records.fields);
    records.run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
    let n = records.fields.len();
    progress(&format!(
        "prepared {} records ({} distinct)",
        all.ids.len(),
        n
    ));
    let rules: Vec<Vec<settings::Key>> = settings
        .blocking
        .iter()
        .map(|r| r.iter().map(|k| settings.key(k)).collect::<Result<_, _>>())
        .collect::<Result<_, _>>()?;
    let caps: Vec<usize> = rules.iter().map(|r| settings.block_cap(r)).collect();
    let weights: Vec<u32> = members.iter().map(|m| m.len() as u32).collect();
    let mut blocking = block::candidates(
        &rules,
        &records.fields,
        &records.source,
        &caps,
        &weights,
        settings.heads(),
    );
    progress(&format!(
        "blocking: {} candidate pairs ({} generic blocks {})",
        blocking.pairs,
        blocking.generic_blocks,
        match settings.heads() {
            0 => "skipped".to_string(),
            heads => format!("met only through their {heads} heaviest records"),
        }
    ));
    let level_counts: Vec<usize> = settings
        .comparisons
        .iter()
        .map(|c| c.kind.levels().len())
        .collect();

    // u from random pairs (across inputs when linking).
    let mut rng = model::Rng::new(settings.seed);
    let left: Vec<usize> = (0..n).filter(|i| records.source[*i] == 0).collect();
    let right: Vec<usize> = if linking {
        (0..n).filter(|i| records.source[*i] == 1).collect()
    } else {
        left.clone()
    };
    let sample: Vec<(usize, usize)> = (0..settings.u_sample_pairs)
        .map(|_| {
            (
                left[rng.below(left.len() as u64) as usize],
                right[rng.below(right.len() as u64) as usize],
            )
        })
        .filter(|(a, b)| a != b)
        .collect();
    let u_patterns: Vec<Vec<u8>> = sample
        .par_iter()
        .map(|(a, b)| levels_of(settings, &records, *a, *b))
        .collect();
    let u = model::estimate_u(&level_counts, &u_patterns);
    progress(&format!("u estimated from {} random pairs", sample.len()));

    let (pair_patterns, codes) = number_patterns(settings, &records, &blocking.candidates);
    progress(&format!(
        "compared: {} candidate pairs, field by field",
        blocking.pairs
    ));
    // How many pairs have each pattern, by the first rule that produced them (the prior below
    // judges each within that rule's pass). A few thousand patterns among millions of pairs.
    let by_pass: FastMap<(u32, usize), u64> = pair_patterns
        .par_iter()
        .zip(&blocking.rules)
        .fold(FastMap::default, |mut counts, (numbers, masks)| {
            for (code, mask) in numbers.iter().zip(masks) {
                *counts
                    .entry((*code, mask.trailing_zeros() as usize))
                    .or_default() += 1;
            }
            counts
        })
        .reduce(FastMap::default, |mut a, b| {
            for (k, v) in b {
                *a.entry(k).or_default() += v;
            }
            a
        });
    let comparisons = settings.comparisons.len();

    // Judgements name records; the model works on their distinct representatives.
    let mut representative_of: Vec<u32> = vec![0; all.ids.len()];
    for (r, list) in members.iter().enumerate() {
        for m in list {
            representative_of[*m as usize] = r as u32;
        }
    }
    let index: HashMap<&str, usize> = all
        .ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), representative_of[i] as usize))
        .collect();
    let resolve_pairs = |pairs: &[(String, String)]| -> Vec<(u32, u32)> {
        pairs
            .iter()
            .filter_map(|(a, b)| {
                Some((
                    *index.get(a.as_str())? as u32,
                    *index.get(b.as_str())? as u32,
                ))
            })
            .collect()
    };
    let same = resolve_pairs(&judgements.same);
    let different = resolve_pairs(&judgements.different);
    let labelled: Vec<(Vec<u8>, bool)> = same
        .iter()
        .map(|pair| (pair, true))
        .chain(different.iter().map(|pair| (pair, false)))
        .map(|(&(a, b), is_same)| {
            (
                levels_of(settings, &records, a as usize, b as usize),
                is_same,
            )
        })
        .collect();
    // m: one EM pass per blocking rule, each leaving out the comparisons it blocks on.
    let mut m_sum: Vec<Vec<f64>> = level_counts.iter().map(|n| vec![0.0; *n]).collect();
    let mut m_passes = vec![0usize; level_counts.len()];
    let mut iterations = 0;
    let mut pass_lambdas: Vec<(f64, Vec<bool>)> = Vec::new();
    for (r, rule) in rules.iter().enumerate() {
        let excluded: Vec<bool> = (0..level_counts.len())
            .map(|c| rule.iter().any(|k| k.comparison == c))
            .collect();
        // The pass's pairs: those this rule produced, an even sample of them at most.
        let bit = 1u16 << r;
        let produced: usize = blocking
            .rules
            .iter()
            .map(|masks| masks.iter().filter(|m| *m & bit != 0).count())
            .sum();
        let stride = produced.div_ceil(TRAINING_PAIRS).max(1);
        let mut patterns: HashMap<Vec<u8>, u64> = HashMap::new();
        let mut seen = 0usize;
        for (numbers, masks) in pair_patterns.iter().zip(&blocking.rules) {
            for (code, mask) in numbers.iter().zip(masks) {
                if mask & bit != 0 {
                    if seen.is_multiple_of(stride) {
                        *patterns
                            .entry(unpack(codes[*code as usize], comparisons))
                            .or_default() += 1;
                    }
                    seen += 1;
                }
            }
        }
        let (m, pass_lambda, done) = model::em_pass(
            &level_counts,
            &u,
            &patterns,
            &excluded,
            &labelled,
            settings.em_iterations,
        );
        iterations += done;
        pass_lambdas.push((pass_lambda, excluded.clone()));
        for c in (0..level_counts.len()).filter(|c| !excluded[*c]) {
            for l in 1..level_counts[c] {
                m_sum[c][l] += m[c][l];
            }
            m_passes[c] += 1;
        }
    }
    // Which rules produced each pair is needed no further.
    drop(std::mem::take(&mut blocking.rules));
    let m: Vec<Vec<f64>> = m_sum
        .iter()
        .zip(&m_passes)
        .enumerate()
        .map(|(c, (row, passes))| {
            if *passes == 0 {
                progress(&format!(
                    "note: every blocking rule blocks on {:?}, so its m could not be estimated; defaults used (add a rule without it)",
                    settings.comparisons[c].name
                ));
                model::default_m(level_counts[c])
            } else {
                row.iter().map(|v| v / *passes as f64).collect()
            }
        })
        .collect();
    // The prior over all pairs, as u is measured over all pairs: the expected number of
    // matches among the candidates (each judged within the pass of the first rule that
    // produced it, where its blocked comparisons say nothing) over the number of all pairs.
    let expected_matches: f64 = by_pass
        .iter()
        .map(|((code, r), count)| {
            let (pass_lambda, excluded) = &pass_lambdas[*r];
            let (mut pm, mut pu) = (*pass_lambda, 1.0 - pass_lambda);
            for (c, l) in unpack(codes[*code as usize], comparisons)
                .iter()
                .enumerate()
            {
                if *l > 0 && !excluded[c] {
                    pm *= m[c][*l as usize];
                    pu *= u[c][*l as usize];
                }
            }
            pm / (pm + pu) * *count as f64
        })
        .sum();
    let all_pairs = if linking {
        left.len() as f64 * right.len() as f64
    } else {
        n as f64 * (n as f64 - 1.0) / 2.0
    };
    let lambda = (expected_matches / all_pairs.max(1.0)).clamp(1e-12, 0.5);
    let parameters = if n < MIN_RECORDS_TO_ESTIMATE || blocking.pairs < MIN_TRAINING_PAIRS {
        // A handful of records (a node's first vehicles) teach nothing: random pairs include
        // the matches and EM has nothing to separate. Weights any analyst would give instead.
        progress(&format!(
            "model: {n} distinct records and {} candidate pairs are too few to estimate from; default weights used",
            blocking.pairs
        ));
        model::Parameters {
            lambda: (1.0 / n.max(2) as f64).min(0.5),
            m: level_counts.iter().map(|l| model::default_m(*l)).collect(),
            u: settings
                .comparisons
                .iter()
                .map(|c| model::default_u(c.kind))
                .collect(),
            em_iterations: 0,
        }
    } else {
        let parameters = model::Parameters {
            lambda,
            m,
            u,
            em_iterations: iterations,
        };
        progress(&format!(
            "model: {} EM iterations, a prior of {:.3e} over all pairs",
            parameters.em_iterations, parameters.lambda
        ));
        parameters
    };

    // Score every candidate pair: each pattern's bits once, then per pair only the
    // term-frequency adjustments its pattern calls for.
    let tf = term_frequencies(settings, &records.fields);
    let frequencies = record_frequencies(settings, &records.fields, &tf);
    let prior = parameters.prior_bits();
    let review_bits = logit_bits(settings.thresholds.review);
    let keep_bits = logit_bits(0.02).min(review_bits);
    let base_bits: Vec<(f64, u16)> = codes
        .iter()
        .map(|p| {
            let levels = unpack(*p, comparisons);
            let mut bits = prior;
            let mut adjusted = 0u16;
            for (c, l) in levels.iter().enumerate() {
                bits += parameters.bits(c, *l as usize);
                if tf_applies(settings, c, *l as usize) {
                    adjusted |= 1 << c;
                }
            }
            (bits, adjusted)
        })
        .collect();
    let pair_bits = |number: u32, i: usize, j: usize| -> f64 {
        let (mut bits, mut adjusted) = base_bits[number as usize];
        let p = codes[number as usize];
        while adjusted != 0 {
            let c = adjusted.trailing_zeros() as usize;
            adjusted &= adjusted - 1;
            let level = ((p >> (4 * c)) & 0xf) as usize;
            bits += frequency_bits(
                &parameters,
                c,
                level,
                frequencies[i * comparisons + c],
                frequencies[j * comparisons + c],
            );
        }
        bits
    };
    let scored: Vec<Vec<(u32, f64)>> = pair_patterns
        .par_iter()
        .enumerate()
        .map(|(i, patterns)| {
            patterns
                .iter()
                .zip(&blocking.candidates[i])
                .map(|(p, &j)| (j, pair_bits(*p, i, j as usize)))
                .filter(|(_, bits)| *bits >= keep_bits)
                .collect()
        })
        .collect();
    drop(pair_patterns);
    let kept_candidates = options
        .keep_candidates
        .then(|| expand_candidates(&blocking.candidates, &members, all.ids.len()));
    let (candidate_pairs, generic_blocks) = (blocking.pairs, blocking.generic_blocks);
    drop(blocking);
    let mut edges = Vec::new();
    let mut pairs = Vec::new();
    // Each record's list is freed as its edges are made: the two are never whole at once.
    for (i, list) in scored.into_iter().enumerate() {
        for (j, bits) in list {
            edges.push(cluster::Edge {
                a: i as u32,
                b: j,
                bits,
            });
            if bits >= review_bits {
                pairs.push((i as u32, j, bits));
            }
        }
    }
    let record_pairs: usize = pairs
        .iter()
        .map(|p| members[p.0 as usize].len() * members[p.1 as usize].len())
        .sum::<usize>()
        + members
            .iter()
            .map(|m| m.len() * (m.len() - 1) / 2)
            .sum::<usize>();
    progress(&format!(
        "scored: {record_pairs} pairs of records at or above the review threshold ({} between distinct records; {} pairs weighed in clustering)",
        pairs.len(),
        edges.len()
    ));
    // Pairs blocking never compared are scored when a merge depends on them (a sample).
    let mut score = |a: u32, b: u32| -> f64 {
        let levels = levels_of(settings, &records, a as usize, b as usize);
        let mut bits = prior;
        for (c, l) in levels.iter().enumerate() {
            let l = *l as usize;
            bits += parameters.bits(c, l)
                + tf_bits(
                    settings,
                    &parameters,
                    &tf,
                    c,
                    l,
                    &records.fields[a as usize][c],
                    &records.fields[b as usize][c],
                );
        }
        bits
    };
    let ids = cluster::cluster_with(
        n,
        edges,
        cluster::Linkage {
            link_bits: logit_bits(settings.thresholds.link),
            average_bits: settings.cluster_average_bits,
            unscored_bits: settings.unscored_pair_bits,
        },
        &cluster::Constraints {
            same: &same,
            different: &different,
        },
        Some(&mut score),
    );
    // Explanations for the pairs written out (between representatives; see `record_pairs`),
    // once clustering has let go of its memory.
    let pairs: Vec<ScoredPair> = pairs
        .par_iter()
        .map(|&pair| {
            explain_pair(
                settings,
                &parameters,
                &tf,
                &records,
                pair,
                !options.levels_only,
            )
        })
        .collect();
    // Every record takes its representative's cluster, named by the cluster's first record.
    let cluster_of: Vec<u32> = representative_of.iter().map(|r| ids[*r as usize]).collect();
    let mut first: HashMap<u32, u32> = HashMap::new();
    for (i, c) in cluster_of.iter().enumerate() {
        first.entry(*c).or_insert(i as u32);
    }
    let ids: Vec<u32> = cluster_of.iter().map(|c| first[c]).collect();
    let mut sizes: HashMap<u32, usize> = HashMap::new();
    for c in &ids {
        *sizes.entry(*c).or_default() += 1;
    }
    let stats = RunStats {
        records: all.ids.len(),
        candidate_pairs,
        generic_blocks,
        pairs_above_review: record_pairs,
        clusters: sizes.len(),
        largest_cluster: sizes.values().copied().max().unwrap_or(0),
    };
    progress(&format!(
        "clustered: {} clusters, the largest of {}",
        stats.clusters, stats.largest_cluster
    ));
    Ok(Resolution {
        candidates: options.keep_candidates.then_some(kept_candidates).flatten(),
        clusters: ids.iter().map(|c| all.ids[*c as usize].clone()).collect(),
        ids: all.ids,
        source: all.source,
        members,
        pairs,
        parameters,
        stats,
    })
}

/// The agreement pattern of every candidate pair (`candidates[i]` are record `i`'s), packed
/// four bits per comparison and kept by number, with the packed patterns by number: a few
/// thousand distinct patterns among ninety million pairs, so a pair costs four bytes. Each
/// worker remembers the numbers it has seen; new ones are numbered under the lock.
fn number_patterns(
    settings: &Settings,
    records: &Records,
    candidates: &[Vec<u32>],
) -> (Vec<Vec<u32>>, Vec<u64>) {
    let book = std::sync::Mutex::new((FastMap::<u64, u32>::default(), Vec::<u64>::new()));
    let numbers: Vec<Vec<u32>> = candidates
        .par_iter()
        .enumerate()
        .map_init(FastMap::<u64, u32>::default, |seen, (i, cands)| {
            cands
                .iter()
                .map(|&j| {
                    let code = packed_levels_of(settings, records, i, j as usize);
                    *seen.entry(code).or_insert_with(|| {
                        let mut book = book.lock().expect("pattern book");
                        let (numbers, codes) = &mut *book;
                        *numbers.entry(code).or_insert_with(|| {
                            codes.push(code);
                            codes.len() as u32 - 1
                        })
                    })
                })
                .collect()
        })
        .collect();
    (numbers, book.into_inner().expect("pattern book").1)
}

/// log2 of the odds of a probability: the evidence threshold in bits.
pub fn logit_bits(p: f64) -> f64 {
    (p / (1.0 - p)).log2()
}

pub fn probability(bits: f64) -> f64 {
    let odds = bits.exp2();
    odds / (1.0 + odds)
}

/// A pair of identical records: nothing to weigh.
static IDENTICAL: ScoredPair = ScoredPair {
    left: 0,
    right: 0,
    probability: 1.0,
    bits: f64::INFINITY,
    evidence: Vec::new(),
};

impl Resolution {
    /// Every pair of records at or above the review threshold, with its scored pair: the
    /// pairs between representatives for each of their records, then identical records with
    /// each other. Expanded while visited, so a cluster of a thousand identical records costs
    /// no memory.
    pub fn record_pairs(&self, visit: &mut dyn FnMut(u32, u32, &ScoredPair)) {
        for p in &self.pairs {
            for &x in &self.members[p.left as usize] {
                for &y in &self.members[p.right as usize] {
                    visit(x, y, p);
                }
            }
        }
        for list in &self.members {
            for (k, &x) in list.iter().enumerate() {
                for &y in &list[k + 1..] {
                    visit(x, y, &IDENTICAL);
                }
            }
        }
    }
}

impl ScoredPair {
    /// The pair's evidence in words, comparison by comparison.
    pub fn explanation(&self, settings: &Settings) -> String {
        if self.evidence.is_empty() {
            return "identical records: every compared value is the same".into();
        }
        settings
            .comparisons
            .iter()
            .zip(&self.evidence)
            .map(|(c, e)| {
                let mut s = format!(
                    "{}: {} ({:+.1} bits",
                    c.name,
                    c.kind.levels()[e.level],
                    e.bits
                );
                if e.tf_bits.abs() >= 0.05 {
                    s.push_str(&format!(
                        ", of which {:+.1} for how common the value is",
                        e.tf_bits
                    ));
                }
                s.push(')');
                if !e.detail.is_empty() {
                    s.push_str(&format!(" [{}]", e.detail));
                }
                s
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[cfg(test)]
mod tests;
