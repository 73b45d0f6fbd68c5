//! Linking as records arrive, without a full re-run: an [`Index`] keeps every record prepared,
//! the blocking keys in an inverted index, the trained model, the clusters and the analysts'
//! judgements. A new record meets only the records that share its keys, is scored with the
//! model the last full run estimated, and joins the cluster whose average evidence it clears
//! (the same average-linkage rule as [`crate::cluster`]), unless a judgement says otherwise.
//!
//! Judgements are the last word: a pair judged the same is always in one cluster, a pair
//! judged different never is, and withdrawing a judgement re-clusters the records it held
//! together from their evidence alone. Re-clustering after a judgement touches one cluster,
//! not the index.

use std::collections::{HashMap, HashSet};

use crate::compare::Prepared;
use crate::settings::Key;
use crate::{
    Evidence, Judgements, Resolution, ResolveError, Settings, Table, block, logit_bits,
    probability, score_bits, score_fields,
};

/// What an analyst decided about a pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    Same,
    Different,
    /// Looked at, not decided: stays out of clustering's way and out of the open queue.
    Unsure,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Same => "same",
            Verdict::Different => "different",
            Verdict::Unsure => "unsure",
        }
    }

    pub fn parse(text: &str) -> Option<Verdict> {
        match text {
            "same" => Some(Verdict::Same),
            "different" => Some(Verdict::Different),
            "unsure" => Some(Verdict::Unsure),
            _ => None,
        }
    }
}

/// A pair of record ids in a fixed order, so (a, b) and (b, a) are one pair.
pub fn pair_key(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

/// One record as it arrives: its id and its values by column name.
#[derive(Clone, Debug, Default)]
pub struct Record {
    pub id: String,
    pub values: HashMap<String, String>,
}

/// A pair proposed for review, with its evidence.
#[derive(Clone, Debug)]
pub struct Match {
    pub other: String,
    pub probability: f64,
    /// The prior plus the evidence; [`IDENTICAL_BITS`] for identical records.
    pub bits: f64,
    /// Where the evidence starts from: the odds, in bits, that two records picked at random
    /// are one entity.
    pub prior_bits: f64,
    /// Identical records (same comparable value in every field): the same, by definition.
    pub identical: bool,
    pub evidence: Vec<Evidence>,
}

/// What linking one record did.
#[derive(Clone, Debug)]
pub struct Linked {
    /// The cluster the record is in now, named by its first record.
    pub cluster: String,
    /// The cluster's other records.
    pub joined: Vec<String>,
    /// Records it was compared with, at or above the review threshold, strongest first.
    pub matches: Vec<Match>,
    /// How many records blocking put in front of it.
    pub compared: usize,
}

/// One link holding a cluster together.
#[derive(Clone, Debug)]
pub struct ClusterLink {
    pub a: String,
    pub b: String,
    pub probability: f64,
    pub bits: f64,
    /// Set when an analyst judged the pair the same.
    pub judged: bool,
}

/// Why a cluster holds: the strongest links that connect all its records (a maximum spanning
/// tree), and the weakest of those — where it would break first.
#[derive(Clone, Debug)]
pub struct ClusterExplanation {
    pub cluster: String,
    pub members: Vec<String>,
    pub links: Vec<ClusterLink>,
    pub weakest: Option<ClusterLink>,
}

/// A proposal in the review queue.
#[derive(Clone, Debug)]
pub struct Proposal {
    pub left: String,
    pub right: String,
    pub probability: f64,
    /// Whether the two are in one cluster now.
    pub linked: bool,
}

/// Clusters larger than this are not re-clustered pair by pair after a judgement (the cost is
/// quadratic); a judgement that splits one is still honoured by moving the judged record out.
const RECLUSTER_LIMIT: usize = 400;

/// The evidence given to identical records (a probability of 1 to many decimals; finite so
/// that it can be written in JSON).
pub const IDENTICAL_BITS: f64 = 64.0;

pub struct Index {
    settings: Settings,
    parameters: crate::model::Parameters,
    rules: Vec<Vec<Key>>,
    tf: Vec<HashMap<String, f64>>,
    /// Per comparison, the columns it reads.
    columns: Vec<Vec<String>>,
    ids: Vec<String>,
    fields: Vec<Vec<Prepared>>,
    alive: Vec<bool>,
    by_id: HashMap<String, u32>,
    blocks: HashMap<u64, Vec<u32>>,
    /// Per record, the record it is identical to (itself when it is a representative): as in
    /// a full run, identical records are compared once, through their representative, and
    /// only representatives are in `blocks` (a frequent traveller's hundred identical
    /// crossings would otherwise make one generic block).
    rep: Vec<u32>,
    /// Per representative, the records identical to it.
    identical: HashMap<u32, Vec<u32>>,
    /// Representatives by the signature of their fields.
    signatures: HashMap<String, u32>,
    /// Per record, its cluster (a record index; the key of `members`).
    cluster: Vec<u32>,
    members: HashMap<u32, Vec<u32>>,
    verdicts: HashMap<(String, String), Verdict>,
    /// Per record id, the records it has had a verdict with (the verdict is in `verdicts`).
    judged_with: HashMap<String, Vec<String>>,
    /// Pairs at or above the review threshold, by slot, with their evidence in bits.
    proposals: HashMap<(u32, u32), f64>,
}

impl Index {
    /// A full run over `table`, honouring `judgements` (with `unsure` ones kept aside), then
    /// every record indexed for linking. Returns the run's resolution too.
    pub fn build(
        settings: &Settings,
        table: &Table,
        judgements: &[(String, String, Verdict)],
        progress: &mut dyn FnMut(&str),
    ) -> Result<(Index, Resolution), ResolveError> {
        let mut split = Judgements::default();
        for (a, b, v) in judgements {
            match v {
                Verdict::Same => split.same.push((a.clone(), b.clone())),
                Verdict::Different => split.different.push((a.clone(), b.clone())),
                Verdict::Unsure => {}
            }
        }
        let resolution = crate::resolve(settings, std::slice::from_ref(table), &split, progress)?;
        let records = crate::load(settings, std::slice::from_ref(table))?;
        let rules: Vec<Vec<Key>> = settings
            .blocking
            .iter()
            .map(|r| r.iter().map(|k| settings.key(k)).collect::<Result<_, _>>())
            .collect::<Result<_, _>>()?;
        // Term frequencies over distinct records, as the full run counts them (set below).
        let tf = Vec::new();
        let mut index = Index {
            settings: settings.clone(),
            parameters: resolution.parameters.clone(),
            rules,
            tf,
            columns: settings
                .comparisons
                .iter()
                .map(|c| c.columns.clone())
                .collect(),
            ids: Vec::with_capacity(records.ids.len()),
            fields: Vec::with_capacity(records.ids.len()),
            alive: Vec::with_capacity(records.ids.len()),
            by_id: HashMap::with_capacity(records.ids.len()),
            blocks: HashMap::new(),
            cluster: Vec::with_capacity(records.ids.len()),
            rep: Vec::with_capacity(records.ids.len()),
            identical: HashMap::new(),
            signatures: HashMap::new(),
            members: HashMap::new(),
            verdicts: judgements
                .iter()
                .map(|(a, b, v)| (pair_key(a, b), *v))
                .collect(),
            proposals: HashMap::new(),
            judged_with: HashMap::new(),
        };
        for (a, b, _) in judgements {
            index.note_judged(a, b);
        }
        for (i, (id, fields)) in records.ids.into_iter().zip(records.fields).enumerate() {
            index.add_slot(id, fields, true);
            let cluster = index.by_id[&resolution.clusters[i]];
            index.cluster[i] = cluster;
        }
        let distinct: Vec<Vec<Prepared>> = (0..index.ids.len())
            .filter(|i| index.rep[*i] == *i as u32)
            .map(|i| index.fields[i].clone())
            .collect();
        index.tf = crate::term_frequencies(settings, &distinct);
        drop(distinct);
        for (slot, c) in index.cluster.iter().enumerate() {
            index.members.entry(*c).or_default().push(slot as u32);
        }
        // Proposals between distinct records: identical ones are the same by definition (and
        // a frequent traveller's thousand identical records would make half a million pairs).
        // The run's representative is its group's first record, as in the index.
        for p in &resolution.pairs {
            let (a, b) = (
                resolution.members[p.left as usize][0],
                resolution.members[p.right as usize][0],
            );
            index
                .proposals
                .insert(ordered(a, b), p.bits.min(IDENTICAL_BITS));
        }
        progress(&format!(
            "indexed {} records in {} blocks",
            index.ids.len(),
            index.blocks.len()
        ));
        Ok((index, resolution))
    }

    /// Every column the settings read (besides the id).
    pub fn columns(&self) -> Vec<String> {
        let mut out: Vec<String> = self.columns.iter().flatten().cloned().collect();
        out.dedup();
        out
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Records in the index (not counting replaced versions).
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    pub fn contains(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    fn prepare(&self, record: &Record) -> Result<Vec<Prepared>, ResolveError> {
        let all: Vec<&String> = self.columns.iter().flatten().collect();
        let row: Vec<&str> = all
            .iter()
            .map(|c| record.values.get(*c).map_or("", String::as_str))
            .collect();
        let mut next = 0;
        let cols: Vec<Vec<usize>> = self
            .columns
            .iter()
            .map(|c| {
                let v: Vec<usize> = (next..next + c.len()).collect();
                next += c.len();
                v
            })
            .collect();
        crate::prepare_row(&self.settings, &cols, &row, |i, chars| {
            format!(
                "record {}: {}: value of {chars} characters (at most {})",
                record.id,
                all[i],
                crate::MAX_VALUE_CHARS
            )
        })
    }

    fn signature(fields: &[Prepared]) -> String {
        let mut out = String::new();
        for f in fields {
            out.push_str(&f.signature());
            out.push('\u{1f}');
        }
        out
    }

    /// Whether a judgement says the record differs from another: such a record is never
    /// collapsed with identical ones (a full run keeps it apart the same way).
    fn judged_apart(&self, id: &str) -> bool {
        self.judged_others(id, Verdict::Different).next().is_some()
    }

    /// The records `id` has the verdict `v` with now.
    fn judged_others<'s>(&'s self, id: &'s str, v: Verdict) -> impl Iterator<Item = &'s str> + 's {
        self.judged_with
            .get(id)
            .into_iter()
            .flatten()
            .filter(move |o| self.verdicts.get(&pair_key(id, o)) == Some(&v))
            .map(String::as_str)
    }

    fn note_judged(&mut self, a: &str, b: &str) {
        for (x, y) in [(a, b), (b, a)] {
            let list = self.judged_with.entry(x.to_string()).or_default();
            if !list.iter().any(|o| o == y) {
                list.push(y.to_string());
            }
        }
    }

    /// Adds a record slot; its cluster is itself until told otherwise. When `may_collapse` and
    /// a representative with the same values exists, the record becomes one of its identical
    /// records; otherwise it is a representative, with its keys in the blocks.
    fn add_slot(&mut self, id: String, fields: Vec<Prepared>, may_collapse: bool) -> u32 {
        let slot = self.ids.len() as u32;
        let signature = Self::signature(&fields);
        let collapse_onto = if may_collapse && !self.judged_apart(&id) {
            self.signatures.get(&signature).copied()
        } else {
            None
        };
        self.by_id.insert(id.clone(), slot);
        self.ids.push(id);
        self.fields.push(fields);
        self.alive.push(true);
        self.cluster.push(slot);
        match collapse_onto {
            Some(r) => {
                self.rep.push(r);
                self.identical.entry(r).or_default().push(slot);
            }
            None => {
                self.rep.push(slot);
                self.add_keys(slot);
                if may_collapse {
                    self.signatures.entry(signature).or_insert(slot);
                }
            }
        }
        slot
    }

    fn add_keys(&mut self, slot: u32) {
        for (r, rule) in self.rules.iter().enumerate() {
            for key in block::rule_keys(r, rule, &self.fields[slot as usize]) {
                self.blocks.entry(key).or_default().push(slot);
            }
        }
    }

    /// Makes a record stand alone: no longer one of a representative's identical records, and
    /// (if it was a representative) its identical records handed to a successor.
    fn detach(&mut self, slot: u32) {
        let r = self.rep[slot as usize];
        if r != slot {
            if let Some(list) = self.identical.get_mut(&r) {
                list.retain(|m| *m != slot);
            }
            self.rep[slot as usize] = slot;
            self.add_keys(slot);
            return;
        }
        let signature = Self::signature(&self.fields[slot as usize]);
        if self.signatures.get(&signature) == Some(&slot) {
            self.signatures.remove(&signature);
        }
        let Some(mut rest) = self.identical.remove(&slot) else {
            return;
        };
        rest.retain(|m| self.alive[*m as usize] && *m != slot);
        if rest.is_empty() {
            return;
        }
        let successor = rest.remove(0);
        self.rep[successor as usize] = successor;
        self.add_keys(successor);
        self.signatures.insert(signature, successor);
        for m in &rest {
            self.rep[*m as usize] = successor;
        }
        if !rest.is_empty() {
            self.identical.insert(successor, rest);
        }
    }

    /// Links one record: new, or a new version of one already indexed (which leaves its old
    /// cluster first).
    pub fn link(&mut self, record: &Record) -> Result<Linked, ResolveError> {
        if record.id.trim().is_empty() {
            return Err(ResolveError::Input("record without an id".into()));
        }
        let fields = self.prepare(record)?;
        if let Some(&old) = self.by_id.get(&record.id) {
            self.retire(old);
        }
        let slot = self.add_slot(record.id.clone(), fields, true);
        let r = self.rep[slot as usize];
        if r != slot {
            // Identical to a record already indexed: the same, as in a full run.
            let c = self.cluster[r as usize];
            self.cluster[slot as usize] = c;
            self.members.entry(c).or_default().push(slot);
            self.apply_same_judgements(slot);
            let c = self.cluster[slot as usize];
            return Ok(Linked {
                cluster: self.cluster_name(c),
                joined: self.members[&c]
                    .iter()
                    .filter(|m| **m != slot)
                    .map(|m| self.ids[*m as usize].clone())
                    .collect(),
                matches: vec![self.explain_slots(slot, r)],
                compared: 1,
            });
        }
        // Candidates: representatives sharing a key, generic blocks skipped.
        let mut seen: HashSet<u32> = HashSet::new();
        for (r, rule) in self.rules.iter().enumerate() {
            for key in block::rule_keys(r, rule, &self.fields[slot as usize]) {
                let Some(block) = self.blocks.get(&key) else {
                    continue;
                };
                if block.len() > self.settings.block_cap(rule) {
                    continue;
                }
                seen.extend(
                    block.iter().copied().filter(|&j| {
                        j != slot && self.alive[j as usize] && self.rep[j as usize] == j
                    }),
                );
            }
        }
        let compared = seen.len();
        let scored: Vec<(u32, f64)> = seen.into_iter().map(|j| (j, self.bits(slot, j))).collect();
        let review_bits = logit_bits(self.settings.thresholds.review);
        for &(j, bits) in &scored {
            if bits >= review_bits {
                self.proposals.insert(ordered(slot, j), bits);
            }
        }
        self.place(slot, &scored);
        let mut matches: Vec<Match> = scored
            .iter()
            .filter(|(_, bits)| *bits >= review_bits)
            .map(|&(j, _)| self.explain_slots(slot, j))
            .collect();
        matches.sort_by(|a, b| b.bits.total_cmp(&a.bits));
        let cluster = self.cluster[slot as usize];
        Ok(Linked {
            cluster: self.cluster_name(cluster),
            joined: self.members[&cluster]
                .iter()
                .filter(|m| **m != slot)
                .map(|m| self.ids[*m as usize].clone())
                .collect(),
            matches,
            compared,
        })
    }

    /// Takes a replaced record out of its cluster (re-clustering what it held together).
    fn retire(&mut self, slot: u32) {
        self.detach(slot);
        self.alive[slot as usize] = false;
        self.proposals.retain(|(a, b), _| *a != slot && *b != slot);
        let c = self.cluster[slot as usize];
        let list = self
            .members
            .get_mut(&c)
            .expect("every record has a cluster");
        list.retain(|m| *m != slot);
        if list.is_empty() {
            self.members.remove(&c);
        } else {
            self.recluster(c);
        }
    }

    /// Puts a new record in a cluster: one it is judged the same as, else the cluster whose
    /// average evidence over all its records is the best and clears the threshold.
    /// Joins the clusters of records judged the same as `slot`; true when there were any.
    fn apply_same_judgements(&mut self, slot: u32) -> bool {
        let id = self.ids[slot as usize].clone();
        let judged_same: Vec<u32> = self
            .judged_others(&id, Verdict::Same)
            .filter_map(|other| self.by_id.get(other).copied())
            .collect();
        for other in &judged_same {
            let (a, b) = (self.cluster[slot as usize], self.cluster[*other as usize]);
            if a != b && !self.apart(a, b) {
                self.merge(a, b);
            }
        }
        !judged_same.is_empty()
    }

    fn place(&mut self, slot: u32, scored: &[(u32, f64)]) {
        self.members.insert(slot, vec![slot]);
        if self.apply_same_judgements(slot) {
            return;
        }
        let link_bits = logit_bits(self.settings.thresholds.link);
        let mut by_cluster: HashMap<u32, (f64, usize, f64)> = HashMap::new();
        for &(j, bits) in scored {
            let e =
                by_cluster
                    .entry(self.cluster[j as usize])
                    .or_insert((0.0, 0, f64::NEG_INFINITY));
            e.0 += bits;
            e.1 += 1;
            e.2 = e.2.max(bits);
        }
        let mut best: Option<(u32, f64)> = None;
        for (c, (sum, known, strongest)) in by_cluster {
            if strongest < link_bits {
                continue;
            }
            // Clusters are weighed over their representatives, as in a full run.
            let size = self.members[&c]
                .iter()
                .filter(|m| self.rep[**m as usize] == **m)
                .count()
                .max(known);
            let average =
                (sum + (size - known) as f64 * self.settings.unscored_pair_bits) / size as f64;
            if average < self.settings.cluster_average_bits || self.apart(slot, c) {
                continue;
            }
            if best.is_none_or(|(_, b)| average > b) {
                best = Some((c, average));
            }
        }
        if let Some((c, _)) = best {
            self.merge(c, slot);
        }
    }

    /// Whether two clusters hold a pair judged different: looked up from the judgements of
    /// the smaller cluster's records, not pair by pair (clusters of frequent travellers hold
    /// thousands of records).
    fn apart(&self, a: u32, b: u32) -> bool {
        let (small, other) = if self.members[&a].len() <= self.members[&b].len() {
            (a, b)
        } else {
            (b, a)
        };
        self.members[&small].iter().any(|m| {
            let id = self.ids[*m as usize].as_str();
            self.judged_others(id, Verdict::Different).any(|o| {
                self.by_id
                    .get(o)
                    .is_some_and(|&s| self.alive[s as usize] && self.cluster[s as usize] == other)
            })
        })
    }

    fn merge(&mut self, a: u32, b: u32) {
        let (keep, gone) = if a < b { (a, b) } else { (b, a) };
        let moved = self.members.remove(&gone).unwrap_or_default();
        for m in &moved {
            self.cluster[*m as usize] = keep;
        }
        self.members.entry(keep).or_default().extend(moved);
    }

    /// Records with the same comparable value in every field: a full run collapses them into
    /// one and calls them the same, whatever the model says; so does the index.
    fn identical(fa: &[Prepared], fb: &[Prepared]) -> bool {
        fa.iter()
            .zip(fb)
            .all(|(x, y)| x.signature() == y.signature())
            && fa.iter().any(|x| !x.is_null())
    }

    fn bits(&self, a: u32, b: u32) -> f64 {
        let (fa, fb) = (&self.fields[a as usize], &self.fields[b as usize]);
        if Self::identical(fa, fb) {
            return IDENTICAL_BITS;
        }
        score_bits(
            &self.settings,
            &self.parameters,
            &self.tf,
            &self.fields[a as usize],
            &self.fields[b as usize],
        )
    }

    fn explain_slots(&self, a: u32, b: u32) -> Match {
        let (fa, fb) = (&self.fields[a as usize], &self.fields[b as usize]);
        let (mut bits, evidence) = score_fields(&self.settings, &self.parameters, &self.tf, fa, fb);
        let identical = Self::identical(fa, fb);
        if identical {
            bits = IDENTICAL_BITS;
        }
        Match {
            prior_bits: self.parameters.prior_bits(),
            identical,
            other: self.ids[b as usize].clone(),
            probability: probability(bits),
            bits,
            evidence,
        }
    }

    /// Two records' evidence from their values as given (a caller that may see less than the
    /// index holds scores what it may see), with the model of the index.
    pub fn explain(&self, a: &Record, b: &Record) -> Result<Match, ResolveError> {
        let (fa, fb) = (self.prepare(a)?, self.prepare(b)?);
        let (mut bits, evidence) =
            score_fields(&self.settings, &self.parameters, &self.tf, &fa, &fb);
        let identical = Self::identical(&fa, &fb);
        if identical {
            bits = IDENTICAL_BITS;
        }
        Ok(Match {
            prior_bits: self.parameters.prior_bits(),
            identical,
            other: b.id.clone(),
            probability: probability(bits),
            bits,
            evidence,
        })
    }

    fn cluster_name(&self, c: u32) -> String {
        let first = self.members[&c].iter().min().copied().unwrap_or(c);
        self.ids[first as usize].clone()
    }

    /// The cluster a record is in, named by its first record, and its records.
    pub fn cluster_of(&self, id: &str) -> Option<(String, Vec<String>)> {
        let slot = *self.by_id.get(id)?;
        let c = self.cluster[slot as usize];
        let mut members: Vec<String> = self.members[&c]
            .iter()
            .map(|m| self.ids[*m as usize].clone())
            .collect();
        members.sort();
        Some((self.cluster_name(c), members))
    }
}

fn ordered(a: u32, b: u32) -> (u32, u32) {
    if a <= b { (a, b) } else { (b, a) }
}

mod judgements;

#[cfg(test)]
mod tests;
