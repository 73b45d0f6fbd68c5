//! What analysts decide, applied to the index: judgements and their withdrawal, re-clustering
//! the one cluster they touch, and what the index shows — a cluster's explanation and the
//! review queue.

use super::{
    ClusterExplanation, ClusterLink, IDENTICAL_BITS, Index, Proposal, RECLUSTER_LIMIT, Verdict,
    pair_key,
};
use crate::{ResolveError, cluster, logit_bits, probability};

impl Index {
    /// Records an analyst's judgement and applies it at once: judged the same, their clusters
    /// merge; judged different, their cluster splits. Refuses (and records nothing) a `same`
    /// that would put together two records judged different.
    pub fn judge(&mut self, a: &str, b: &str, verdict: Verdict) -> Result<(), ResolveError> {
        let (Some(&sa), Some(&sb)) = (self.by_id.get(a), self.by_id.get(b)) else {
            let missing = if self.by_id.contains_key(a) { b } else { a };
            return Err(ResolveError::Input(format!(
                "no record {missing:?} in the index"
            )));
        };
        if a == b {
            return Err(ResolveError::Input(
                "a record is always the same as itself".into(),
            ));
        }
        let (ca, cb) = (self.cluster[sa as usize], self.cluster[sb as usize]);
        if verdict == Verdict::Same
            && ca != cb
            && let Some((x, y)) = self.conflict(ca, cb, (a, b))
        {
            return Err(ResolveError::Input(format!(
                "{a} and {b} cannot be the same: {x} and {y} were judged different"
            )));
        }
        let previous = self.verdicts.insert(pair_key(a, b), verdict);
        self.note_judged(a, b);
        if verdict == Verdict::Different {
            // Records judged different are never collapsed with anything.
            self.detach(sa);
            self.detach(sb);
        }
        match verdict {
            Verdict::Same if ca != cb => self.merge(ca, cb),
            Verdict::Different if ca == cb => self.recluster(ca),
            _ if previous == Some(Verdict::Same) && ca == cb => self.recluster(ca),
            _ => {}
        }
        Ok(())
    }

    /// A pair judged different that merging clusters `x` and `y` would join, the pair being
    /// judged now excepted.
    fn conflict(&self, x: u32, y: u32, except: (&str, &str)) -> Option<(String, String)> {
        let skip = pair_key(except.0, except.1);
        for m in &self.members[&x] {
            for n in &self.members[&y] {
                let (p, q) = (&self.ids[*m as usize], &self.ids[*n as usize]);
                let key = pair_key(p, q);
                if key != skip && self.verdicts.get(&key) == Some(&Verdict::Different) {
                    return Some((p.clone(), q.clone()));
                }
            }
        }
        None
    }

    /// Withdraws the judgement of a pair (an undo): the pair's records are re-clustered from
    /// their evidence and the judgements that remain.
    pub fn withdraw(&mut self, a: &str, b: &str) {
        let Some(previous) = self.verdicts.remove(&pair_key(a, b)) else {
            return;
        };
        let (Some(&sa), Some(&sb)) = (self.by_id.get(a), self.by_id.get(b)) else {
            return;
        };
        let (ca, cb) = (self.cluster[sa as usize], self.cluster[sb as usize]);
        match previous {
            Verdict::Same if ca == cb => self.recluster(ca),
            Verdict::Different if ca != cb => self.consider_merge(ca, cb),
            _ => {}
        }
    }

    /// Merges two clusters when their evidence alone would: a link at the match threshold and
    /// an average over all cross pairs that clears the cluster threshold, nothing judged apart.
    fn consider_merge(&mut self, x: u32, y: u32) {
        let (xs, ys) = (&self.members[&x], &self.members[&y]);
        if xs.len() * ys.len() > RECLUSTER_LIMIT * RECLUSTER_LIMIT || self.apart(x, y) {
            return;
        }
        let mut sum = 0.0;
        let mut strongest = f64::NEG_INFINITY;
        for &m in xs {
            for &n in ys {
                let bits = self.bits(m, n);
                sum += bits;
                strongest = strongest.max(bits);
            }
        }
        let average = sum / (xs.len() * ys.len()) as f64;
        if strongest >= logit_bits(self.settings.thresholds.link)
            && average >= self.settings.cluster_average_bits
        {
            self.merge(x, y);
        }
    }

    /// The verdict on a pair, if any.
    pub fn verdict(&self, a: &str, b: &str) -> Option<Verdict> {
        self.verdicts.get(&pair_key(a, b)).copied()
    }

    /// Clusters one cluster's records again from the evidence between them and the
    /// judgements, average linkage as in a full run.
    pub(super) fn recluster(&mut self, c: u32) {
        let all = self.members.remove(&c).unwrap_or_default();
        // Representatives are clustered; identical records follow theirs.
        let (list, followers): (Vec<u32>, Vec<u32>) =
            all.into_iter().partition(|m| self.rep[*m as usize] == *m);
        self.recluster_representatives(list);
        for f in followers {
            let key = self.cluster[self.rep[f as usize] as usize];
            self.cluster[f as usize] = key;
            self.members.entry(key).or_default().push(f);
        }
    }

    fn recluster_representatives(&mut self, list: Vec<u32>) {
        if list.is_empty() {
            return;
        }
        let n = list.len();
        let assignment: Vec<u32> = if n > RECLUSTER_LIMIT {
            // Too large to score pair by pair: keep it whole but move out every record judged
            // different from one that stays.
            let mut out = vec![0u32; n];
            for i in 1..n {
                let id = &self.ids[list[i] as usize];
                let apart = list[..i]
                    .iter()
                    .zip(&out)
                    .filter(|(_, c)| **c == 0)
                    .any(|(m, _)| {
                        self.verdicts.get(&pair_key(id, &self.ids[*m as usize]))
                            == Some(&Verdict::Different)
                    });
                out[i] = if apart { i as u32 } else { 0 };
            }
            out
        } else {
            let mut edges = Vec::new();
            let mut same = Vec::new();
            let mut different = Vec::new();
            for i in 0..n {
                for j in i + 1..n {
                    let (x, y) = (list[i], list[j]);
                    edges.push(cluster::Edge {
                        a: i as u32,
                        b: j as u32,
                        bits: self.bits(x, y),
                    });
                    match self
                        .verdicts
                        .get(&pair_key(&self.ids[x as usize], &self.ids[y as usize]))
                    {
                        Some(Verdict::Same) => same.push((i as u32, j as u32)),
                        Some(Verdict::Different) => different.push((i as u32, j as u32)),
                        _ => {}
                    }
                }
            }
            cluster::cluster(
                n,
                edges,
                cluster::Linkage {
                    link_bits: logit_bits(self.settings.thresholds.link),
                    average_bits: self.settings.cluster_average_bits,
                    unscored_bits: self.settings.unscored_pair_bits,
                },
                &cluster::Constraints {
                    same: &same,
                    different: &different,
                },
            )
        };
        for (i, a) in assignment.iter().enumerate() {
            let key = list[*a as usize];
            self.cluster[list[i] as usize] = key;
            self.members.entry(key).or_default().push(list[i]);
        }
    }

    /// Why a record's cluster holds together.
    pub fn explain_cluster(&self, id: &str) -> Option<ClusterExplanation> {
        let slot = *self.by_id.get(id)?;
        let c = self.cluster[slot as usize];
        let all = &self.members[&c];
        let mut members: Vec<String> = all.iter().map(|m| self.ids[*m as usize].clone()).collect();
        members.sort();
        // The tree over representatives; each identical record hangs from its own.
        let list: Vec<u32> = all
            .iter()
            .copied()
            .filter(|m| self.rep[*m as usize] == *m)
            .collect();
        let list = &list;
        // Maximum spanning tree (Kruskal): judged pairs first, then the strongest evidence.
        let mut edges: Vec<(f64, usize, usize, bool)> = Vec::new();
        if list.len() <= RECLUSTER_LIMIT {
            for i in 0..list.len() {
                for j in i + 1..list.len() {
                    let (x, y) = (list[i], list[j]);
                    let judged = self
                        .verdicts
                        .get(&pair_key(&self.ids[x as usize], &self.ids[y as usize]))
                        == Some(&Verdict::Same);
                    edges.push((self.bits(x, y), i, j, judged));
                }
            }
        }
        edges.sort_by(|a, b| b.3.cmp(&a.3).then(b.0.total_cmp(&a.0)));
        let mut parent: Vec<usize> = (0..list.len()).collect();
        fn find(p: &mut [usize], mut x: usize) -> usize {
            while p[x] != x {
                p[x] = p[p[x]];
                x = p[x];
            }
            x
        }
        let mut links = Vec::new();
        for (bits, i, j, judged) in edges {
            let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
            if ri == rj {
                continue;
            }
            parent[ri] = rj;
            links.push(ClusterLink {
                a: self.ids[list[i] as usize].clone(),
                b: self.ids[list[j] as usize].clone(),
                probability: probability(bits),
                bits,
                judged,
            });
        }
        for m in all.iter().filter(|m| self.rep[**m as usize] != **m) {
            links.push(ClusterLink {
                a: self.ids[self.rep[*m as usize] as usize].clone(),
                b: self.ids[*m as usize].clone(),
                probability: 1.0,
                bits: IDENTICAL_BITS,
                judged: false,
            });
        }
        let weakest = links
            .iter()
            .filter(|l| !l.judged)
            .min_by(|a, b| a.bits.total_cmp(&b.bits))
            .cloned();
        Some(ClusterExplanation {
            cluster: self.cluster_name(c),
            members,
            links,
            weakest,
        })
    }

    /// Pairs at or above the review threshold with no verdict of `same` or `different`
    /// (`unsure` ones only when asked), strongest first.
    pub fn proposals(&self, include_unsure: bool) -> Vec<Proposal> {
        let mut out: Vec<(f64, Proposal)> = self
            .proposals
            .iter()
            .filter(|((a, b), _)| self.alive[*a as usize] && self.alive[*b as usize])
            .filter_map(|(&(a, b), &bits)| {
                let (left, right) = (&self.ids[a as usize], &self.ids[b as usize]);
                match self.verdicts.get(&pair_key(left, right)) {
                    Some(Verdict::Same | Verdict::Different) => return None,
                    Some(Verdict::Unsure) if !include_unsure => return None,
                    _ => {}
                }
                let (left, right) = if left <= right {
                    (left, right)
                } else {
                    (right, left)
                };
                Some((
                    bits,
                    Proposal {
                        left: left.clone(),
                        right: right.clone(),
                        probability: probability(bits),
                        linked: self.cluster[a as usize] == self.cluster[b as usize],
                    },
                ))
            })
            .collect();
        out.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| a.1.left.cmp(&b.1.left))
                .then_with(|| a.1.right.cmp(&b.1.right))
        });
        out.into_iter().map(|(_, p)| p).collect()
    }
}
