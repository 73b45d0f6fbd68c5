//! Entity resolution: who is who across sources and scripts.
//!
//! One pipeline, with the settings as data ([`settings`]):
//! 1. **Prepare** every field once ([`compare::Prepared`]): names split into parts with Latin
//!    forms and consonant skeletons across scripts ([`names`]), dates with their precision,
//!    identifiers OCR-folded ([`values`]).
//! 2. **Block** ([`block`]): records meet when they share the keys of a rule; generic blocks
//!    are skipped and counted.
//! 3. **Estimate** ([`model`]): u from random pairs, m and the prior by EM over the blocked
//!    pairs' agreement patterns; term frequencies make common names weaker evidence.
//! 4. **Score** every candidate pair: the sum of each comparison's evidence in bits, each with
//!    its level and, for names, the part-by-part alignment — the explanation of the pair.
//! 5. **Cluster** ([`cluster`]) by average linkage, honouring analysts' judgements, so false
//!    links do not chain into giant clusters.
//!
//! Pure: no files, no store. The command line reads CSV into [`Table`]s; a node passes its
//! records the same way.

pub mod block;
pub mod cluster;
pub mod compare;
pub mod incremental;
pub mod model;
pub mod names;
pub mod settings;
pub mod values;

use std::collections::HashMap;

use rayon::prelude::*;

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

/// Longest value compared; longer values are refused by [`load`] with the place named.
pub const MAX_VALUE_CHARS: usize = 1000;

struct Records {
    ids: Vec<String>,
    source: Vec<u8>,
    fields: Vec<Vec<compare::Prepared>>,
    /// Per record and comparison, a number for the name written there (`u32::MAX` for other
    /// kinds): names repeat, so their comparisons are remembered by these numbers.
    name_ids: Vec<Vec<u32>>,
    /// This run's number: name numbers mean something only within one run.
    run: u64,
}

/// Runs started in this process (see [`Records::run`]).
static RUNS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn load(settings: &Settings, tables: &[Table]) -> Result<Records, ResolveError> {
    let mut ids = Vec::new();
    let mut source = Vec::new();
    let mut fields = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (t, table) in tables.iter().enumerate() {
        settings.check(&table.columns).map_err(|e| match e {
            ResolveError::Settings(m) => ResolveError::Settings(format!("{}: {m}", table.name)),
            other => other,
        })?;
        if table.rows.is_empty() {
            return Err(ResolveError::Input(format!("{}: no records", table.name)));
        }
        let col = |name: &str| {
            table
                .columns
                .iter()
                .position(|c| c == name)
                .expect("checked")
        };
        let id_col = col(&settings.unique_id);
        let comparison_cols: Vec<Vec<usize>> = settings
            .comparisons
            .iter()
            .map(|c| c.columns.iter().map(|x| col(x)).collect())
            .collect();
        for (r, row) in table.rows.iter().enumerate() {
            // Line numbers as in the file: the header is line 1.
            let line = r + 2;
            let id = row.get(id_col).map(String::as_str).unwrap_or("").trim();
            if id.is_empty() {
                return Err(ResolveError::Input(format!(
                    "{} line {line}: column {}: empty id",
                    table.name, settings.unique_id
                )));
            }
            if !seen.insert((t, id.to_string())) {
                return Err(ResolveError::Input(format!(
                    "{} line {line}: column {}: id {id:?} appears twice",
                    table.name, settings.unique_id
                )));
            }
            let prepared = prepare_row(settings, &comparison_cols, row, |i, chars| {
                format!(
                    "{} line {line}: column {}: value of {chars} characters (at most {MAX_VALUE_CHARS})",
                    table.name, table.columns[i]
                )
            })?;
            ids.push(id.to_string());
            source.push(t as u8);
            fields.push(prepared);
        }
    }
    Ok(Records {
        ids,
        source,
        fields,
        name_ids: Vec::new(),
        run: 0,
    })
}

/// One row's fields prepared for comparison: each comparison's columns (`cols`, indices into
/// `row`) joined with a space. A value longer than [`MAX_VALUE_CHARS`] is refused with the
/// message `too_long(column index, length)` makes.
fn prepare_row<S: AsRef<str>>(
    settings: &Settings,
    cols: &[Vec<usize>],
    row: &[S],
    too_long: impl Fn(usize, usize) -> String,
) -> Result<Vec<compare::Prepared>, ResolveError> {
    let mut prepared = Vec::with_capacity(cols.len());
    for (c, cols) in settings.comparisons.iter().zip(cols) {
        let mut raw = String::new();
        for &i in cols {
            let v = row.get(i).map(AsRef::as_ref).unwrap_or("");
            let chars = v.chars().count();
            if chars > MAX_VALUE_CHARS {
                return Err(ResolveError::Input(too_long(i, chars)));
            }
            if !v.trim().is_empty() {
                if !raw.is_empty() {
                    raw.push(' ');
                }
                raw.push_str(v.trim());
            }
        }
        prepared.push(compare::Prepared::new(c.kind, &raw));
    }
    Ok(prepared)
}

/// Below this many candidate pairs, or this many distinct records, nothing is estimated:
/// default weights are used (see [`model::default_u`]).
const MIN_TRAINING_PAIRS: u64 = 100;
const MIN_RECORDS_TO_ESTIMATE: usize = 100;

/// Pairs used to train each EM pass, at most.
const TRAINING_PAIRS: usize = 400_000;

/// Identical records (same source, same comparable values) collapsed into one representative:
/// a border system's hundred crossings of one driver are one record to compare, not a
/// hundred. Returns the representatives and, per representative, its records.
fn collapse(
    all: &mut Records,
    keep_apart: &std::collections::HashSet<&str>,
) -> (Records, Vec<Vec<u32>>) {
    let mut by_signature: HashMap<String, usize> = HashMap::new();
    let mut reps = Records {
        ids: Vec::new(),
        source: Vec::new(),
        fields: Vec::new(),
        name_ids: Vec::new(),
        run: 0,
    };
    let mut members: Vec<Vec<u32>> = Vec::new();
    // The fields move to the representatives: a million records' names are not kept twice.
    let fields_of_all = std::mem::take(&mut all.fields);
    for (i, fields) in fields_of_all.into_iter().enumerate() {
        let signature = if keep_apart.contains(all.ids[i].as_str()) {
            format!("\u{1}{i}")
        } else {
            let mut s = format!("{}", all.source[i]);
            for f in &fields {
                s.push('\u{1f}');
                s.push_str(&f.signature());
            }
            s
        };
        match by_signature.get(&signature) {
            Some(&r) => members[r].push(i as u32),
            None => {
                by_signature.insert(signature, members.len());
                members.push(vec![i as u32]);
                reps.ids.push(all.ids[i].clone());
                reps.source.push(all.source[i]);
                reps.fields.push(fields);
            }
        }
    }
    (reps, members)
}

/// Candidate pairs over every record: each pair of representatives for all their records, and
/// identical records with each other.
fn expand_candidates(candidates: &[Vec<u32>], members: &[Vec<u32>], n: usize) -> Vec<Vec<u32>> {
    let mut out: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (r, list) in candidates.iter().enumerate() {
        for &x in &members[r] {
            for &q in list {
                out[x as usize].extend(members[q as usize].iter().copied());
            }
        }
    }
    for list in members {
        for (k, &x) in list.iter().enumerate() {
            out[x as usize].extend(list[k + 1..].iter().copied());
        }
    }
    out
}

/// Levels packed four bits each (every comparison kind has fewer than 16 levels).
fn pack(levels: &[u8]) -> u64 {
    levels
        .iter()
        .enumerate()
        .fold(0u64, |acc, (c, l)| acc | (u64::from(*l) << (4 * c)))
}

fn unpack(packed: u64, comparisons: usize) -> Vec<u8> {
    (0..comparisons)
        .map(|c| ((packed >> (4 * c)) & 0xf) as u8)
        .collect()
}

/// Levels of name comparisons by (comparison, name number, name number).
type NameLevels = HashMap<(u8, u32, u32), u8>;

thread_local! {
    /// Name comparisons already made on this thread, by (comparison, name, name), and the
    /// run they belong to: worker threads outlive runs, and another run numbers names anew.
    static NAME_LEVELS: std::cell::RefCell<(u64, NameLevels)> =
        std::cell::RefCell::new((0, HashMap::new()));
}

fn levels_of(settings: &Settings, records: &Records, i: usize, j: usize) -> Vec<u8> {
    let (a, b) = (&records.fields[i], &records.fields[j]);
    settings
        .comparisons
        .iter()
        .enumerate()
        .map(|(c, spec)| {
            let (x, y) = (records.name_ids[i][c], records.name_ids[j][c]);
            if x == u32::MAX || y == u32::MAX {
                return compare::compare(spec, &a[c], &b[c], false).0 as u8;
            }
            let key = (c as u8, x.min(y), x.max(y));
            NAME_LEVELS.with(|cache| {
                let mut cache = cache.borrow_mut();
                let (run, cache) = &mut *cache;
                if *run != records.run {
                    *run = records.run;
                    cache.clear();
                }
                if let Some(level) = cache.get(&key) {
                    return *level;
                }
                if cache.len() > 4_000_000 {
                    cache.clear();
                }
                let level = compare::compare(spec, &a[c], &b[c], false).0 as u8;
                cache.insert(key, level);
                level
            })
        })
        .collect()
}

/// Numbers the distinct names of each name comparison.
fn number_names(settings: &Settings, fields: &[Vec<compare::Prepared>]) -> Vec<Vec<u32>> {
    let mut seen: HashMap<(usize, String), u32> = HashMap::new();
    fields
        .iter()
        .map(|row| {
            row.iter()
                .enumerate()
                .map(|(c, f)| match f {
                    compare::Prepared::Name(_) if settings.comparisons[c].kind == Kind::Name => {
                        let next = seen.len() as u32;
                        *seen.entry((c, f.signature())).or_insert(next)
                    }
                    _ => u32::MAX,
                })
                .collect()
        })
        .collect()
}

/// Term frequencies of each comparison's values (where the comparison uses them).
fn term_frequencies(
    settings: &Settings,
    fields: &[Vec<compare::Prepared>],
) -> Vec<HashMap<String, f64>> {
    let n = fields.len() as f64;
    settings
        .comparisons
        .iter()
        .enumerate()
        .map(|(c, spec)| {
            let mut counts: HashMap<String, f64> = HashMap::new();
            if spec.uses_term_frequency() {
                for f in fields {
                    if let Some(v) = f[c].tf_value() {
                        *counts.entry(v).or_default() += 1.0;
                    }
                }
                for v in counts.values_mut() {
                    *v /= n;
                }
            }
            counts
        })
        .collect()
}

/// What a run should hand back besides pairs and clusters.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Keep every candidate pair blocking produced (to measure blocking recall).
    pub keep_candidates: bool,
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
    if tables.is_empty() || tables.len() > 2 {
        return Err(ResolveError::Input(
            "give one input to deduplicate or two to link".into(),
        ));
    }
    let mut all = load(settings, tables)?;
    // Records judged different from another must stay themselves, whatever they look like.
    let judged: std::collections::HashSet<&str> = judgements
        .different
        .iter()
        .flat_map(|(a, b)| [a.as_str(), b.as_str()])
        .collect();
    let (mut records, members) = collapse(&mut all, &judged);
    records.name_ids = number_names(settings, &records.fields);
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
    let blocking = block::candidates(&rules, &records.fields, &records.source, &caps);
    progress(&format!(
        "blocking: {} candidate pairs ({} generic blocks skipped)",
        blocking.pairs, blocking.generic_blocks
    ));
    let level_counts: Vec<usize> = settings
        .comparisons
        .iter()
        .map(|c| c.kind.levels().len())
        .collect();

    // u from random pairs (across inputs when linking).
    let mut rng = model::Rng::new(settings.seed);
    let left: Vec<usize> = (0..n).filter(|i| records.source[*i] == 0).collect();
    let right: Vec<usize> = if tables.len() == 2 {
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

    // Agreement patterns of every candidate pair.
    // Patterns packed four bits per comparison: a pair costs eight bytes, not a vector.
    let pair_patterns: Vec<Vec<u64>> = blocking
        .candidates
        .par_iter()
        .enumerate()
        .map(|(i, cands)| {
            cands
                .iter()
                .map(|&j| pack(&levels_of(settings, &records, i, j as usize)))
                .collect()
        })
        .collect();
    let mut packed_counts: HashMap<u64, u64> = HashMap::new();
    for p in pair_patterns.iter().flatten() {
        *packed_counts.entry(*p).or_default() += 1;
    }
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
        for (codes, masks) in pair_patterns.iter().zip(&blocking.rules) {
            for (code, mask) in codes.iter().zip(masks) {
                if mask & bit != 0 {
                    if seen.is_multiple_of(stride) {
                        *patterns.entry(unpack(*code, comparisons)).or_default() += 1;
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
    let mut by_pass: HashMap<(u64, usize), u64> = HashMap::new();
    for (codes, masks) in pair_patterns.iter().zip(&blocking.rules) {
        for (code, mask) in codes.iter().zip(masks) {
            *by_pass
                .entry((*code, mask.trailing_zeros() as usize))
                .or_default() += 1;
        }
    }
    let expected_matches: f64 = by_pass
        .iter()
        .map(|((code, r), count)| {
            let (pass_lambda, excluded) = &pass_lambdas[*r];
            let (mut pm, mut pu) = (*pass_lambda, 1.0 - pass_lambda);
            for (c, l) in unpack(*code, comparisons).iter().enumerate() {
                if *l > 0 && !excluded[c] {
                    pm *= m[c][*l as usize];
                    pu *= u[c][*l as usize];
                }
            }
            pm / (pm + pu) * *count as f64
        })
        .sum();
    let all_pairs = if tables.len() == 2 {
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

    // Score every candidate pair.
    let tf = term_frequencies(settings, &records.fields);
    let prior = parameters.prior_bits();
    let review_bits = logit_bits(settings.thresholds.review);
    let keep_bits = logit_bits(0.02).min(review_bits);
    let base_bits: HashMap<u64, f64> = packed_counts
        .keys()
        .map(|p| {
            let levels = unpack(*p, comparisons);
            let bits: f64 = levels
                .iter()
                .enumerate()
                .map(|(c, l)| parameters.bits(c, *l as usize))
                .sum();
            (*p, prior + bits)
        })
        .collect();
    let scored: Vec<Vec<(u32, f64)>> = pair_patterns
        .par_iter()
        .enumerate()
        .map(|(i, patterns)| {
            patterns
                .iter()
                .zip(&blocking.candidates[i])
                .map(|(p, &j)| {
                    let mut bits = base_bits[p];
                    for (c, l) in unpack(*p, comparisons).iter().enumerate() {
                        bits += tf_bits(
                            settings,
                            &parameters,
                            &tf,
                            c,
                            *l as usize,
                            &records.fields[i][c],
                            &records.fields[j as usize][c],
                        );
                    }
                    (j, bits)
                })
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
    for (i, list) in scored.iter().enumerate() {
        for &(j, bits) in list {
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
    // Explanations for the pairs written out (between representatives; see `record_pairs`).
    let pairs: Vec<ScoredPair> = pairs
        .par_iter()
        .map(|&(a, b, bits)| explain_pair(settings, &parameters, &tf, &records, a, b, bits))
        .collect();
    let record_pairs: usize = pairs
        .iter()
        .map(|p| members[p.left as usize].len() * members[p.right as usize].len())
        .sum::<usize>()
        + members
            .iter()
            .map(|m| m.len() * (m.len() - 1) / 2)
            .sum::<usize>();
    progress(&format!(
        "scored: {record_pairs} pairs of records at or above the review threshold ({} between distinct records)",
        pairs.len()
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

/// log2 of the odds of a probability: the evidence threshold in bits.
pub fn logit_bits(p: f64) -> f64 {
    (p / (1.0 - p)).log2()
}

pub fn probability(bits: f64) -> f64 {
    let odds = bits.exp2();
    odds / (1.0 + odds)
}

/// The term-frequency adjustment of one comparison's exact (or, for names, equivalent)
/// agreement: common values say less than the average, rare ones more.
fn tf_bits(
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

fn explain_pair(
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
fn score_fields(
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
fn score_bits(
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
