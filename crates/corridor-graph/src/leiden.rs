//! Communities by the Leiden algorithm (Traag, Waltman & van Eck, 2019): fast local moving,
//! refinement into well-connected parts, aggregation, repeated until nothing moves.
//!
//! Two objectives. *Modularity* compares edges inside a community with what chance would
//! put there; it merges small groups into larger ones (its resolution limit). The *Constant
//! Potts Model* (CPM) asks each community to be denser than the resolution γ, so that small
//! cells — a smuggling ring of a dozen — stay apart. Both share one gain: moving node v into
//! community C gains `k(v, C) − coefficient · w(v) · W(C)`, where w is a node's degree and the
//! coefficient γ/2m for modularity, and w a node's size and the coefficient γ for CPM.

use std::collections::VecDeque;

use crate::graph::Csr;
use crate::rng::SplitMix64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Objective {
    Modularity,
    Cpm,
}

#[derive(Debug, Clone, Copy)]
pub struct LeidenOptions {
    pub objective: Objective,
    /// γ: for modularity 1 is the classic; for CPM the least density a community must have.
    pub resolution: f64,
    /// Passes of the whole algorithm, each starting from the last one's communities (igraph's
    /// `n_iterations`); `None` repeats until a pass changes nothing.
    pub iterations: Option<usize>,
    /// How freely refinement picks among merges that do not lower the quality (θ).
    pub randomness: f64,
    pub seed: u64,
}

impl Default for LeidenOptions {
    fn default() -> Self {
        LeidenOptions {
            objective: Objective::Modularity,
            resolution: 1.0,
            iterations: Some(2),
            randomness: 0.01,
            seed: 42,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Communities {
    /// Community of each node, numbered by size, largest first.
    pub membership: Vec<u32>,
    pub sizes: Vec<u32>,
    /// The objective's value for this partition (modularity, or the CPM quality).
    pub quality: f64,
    pub passes: usize,
}

/// The graph Leiden works on: the input at the first level, then communities as nodes.
struct Level {
    offsets: Vec<u32>,
    targets: Vec<u32>,
    weights: Vec<f64>,
    node_weight: Vec<f64>,
}

impl Level {
    fn n(&self) -> usize {
        self.node_weight.len()
    }

    fn from_csr(csr: &Csr, objective: Objective, sizes: Option<&[f64]>) -> Self {
        let n = csr.node_count();
        let weights: Vec<f64> = match &csr.weights {
            Some(w) => w.iter().map(|&x| x as f64).collect(),
            None => vec![1.0; csr.targets.len()],
        };
        let node_weight = match objective {
            Objective::Modularity => (0..n as u32).map(|v| csr.weighted_degree(v)).collect(),
            Objective::Cpm => sizes.map_or_else(|| vec![1.0; n], <[f64]>::to_vec),
        };
        Level {
            offsets: csr.offsets.clone(),
            targets: csr.targets.clone(),
            weights,
            node_weight,
        }
    }
}

/// Scratch reused across nodes: weights towards each neighbouring community.
struct Accumulator {
    weight: Vec<f64>,
    touched: Vec<u32>,
}

impl Accumulator {
    fn new(n: usize) -> Self {
        Accumulator {
            weight: vec![0.0; n],
            touched: Vec::new(),
        }
    }

    #[inline]
    fn add(&mut self, c: u32, w: f64) {
        if self.weight[c as usize] == 0.0 {
            self.touched.push(c);
        }
        self.weight[c as usize] += w;
    }

    fn clear(&mut self) {
        for &c in &self.touched {
            self.weight[c as usize] = 0.0;
        }
        self.touched.clear();
    }
}

pub fn leiden(csr: &Csr, options: LeidenOptions) -> Communities {
    leiden_sized(csr, options, None)
}

/// Leiden where, for CPM, each node counts `sizes[v]` towards a community's size (1 each by
/// default). A node of size 0 costs a community no density: a phone number or an address
/// that links people, without being one of them.
pub fn leiden_sized(csr: &Csr, options: LeidenOptions, sizes: Option<&[f64]>) -> Communities {
    let n = csr.node_count();
    if let Some(sizes) = sizes {
        assert_eq!(sizes.len(), n, "one size per node");
    }
    let total_weight: f64 = match &csr.weights {
        Some(w) => w.iter().map(|&x| x as f64).sum(),
        None => csr.targets.len() as f64,
    };
    let coefficient = match options.objective {
        Objective::Modularity if total_weight > 0.0 => options.resolution / total_weight,
        Objective::Modularity => 0.0,
        Objective::Cpm => options.resolution,
    };
    let mut rng = SplitMix64::new(options.seed);
    let mut membership: Vec<u32> = (0..n as u32).collect();
    let max_passes = options.iterations.unwrap_or(50).max(1);
    let mut passes = 0;
    while passes < max_passes {
        passes += 1;
        let before = membership.clone();
        membership = one_pass(csr, options, sizes, coefficient, membership, &mut rng);
        if options.iterations.is_none() && same_partition(&before, &membership) {
            break;
        }
    }
    let (membership, sizes) = number_by_size(&membership);
    let quality = quality(csr, &membership, options.objective, options.resolution);
    Communities {
        membership,
        sizes,
        quality,
        passes,
    }
}

fn one_pass(
    csr: &Csr,
    options: LeidenOptions,
    sizes: Option<&[f64]>,
    coefficient: f64,
    start: Vec<u32>,
    rng: &mut SplitMix64,
) -> Vec<u32> {
    let mut level = Level::from_csr(csr, options.objective, sizes);
    // Which node of the current level each input node belongs to.
    let mut node_of: Vec<u32> = (0..csr.node_count() as u32).collect();
    let mut partition = start;
    for _ in 0..64 {
        move_nodes_fast(&level, &mut partition, coefficient, rng);
        let (renumbered, count) = renumber(&partition);
        partition = renumbered;
        if count == level.n() {
            break; // every node is its own community: nothing left to aggregate
        }
        let mut refined = refine(
            &level,
            &partition,
            count,
            coefficient,
            options.randomness,
            rng,
        );
        let (mut refined_ids, mut refined_count) = renumber(&refined);
        if refined_count == level.n() {
            // Refinement merged nothing: aggregate by the communities themselves, or the
            // next level would be this one again.
            refined = partition.clone();
            (refined_ids, refined_count) = (refined, count);
        }
        let (next, next_partition) = aggregate(&level, &refined_ids, refined_count, &partition);
        for slot in node_of.iter_mut() {
            *slot = refined_ids[*slot as usize];
        }
        level = next;
        partition = next_partition;
    }
    node_of.iter().map(|&v| partition[v as usize]).collect()
}

/// Local moving with a queue: every node once in random order, then only the neighbours of
/// nodes that moved (the "fast" part of Leiden).
fn move_nodes_fast(level: &Level, partition: &mut [u32], coefficient: f64, rng: &mut SplitMix64) {
    let n = level.n();
    let mut community_weight = vec![0.0f64; n];
    let mut community_size = vec![0u32; n];
    for v in 0..n {
        community_weight[partition[v] as usize] += level.node_weight[v];
        community_size[partition[v] as usize] += 1;
    }
    let mut empty: Vec<u32> = (0..n as u32)
        .filter(|&c| community_size[c as usize] == 0)
        .collect();
    let mut order: Vec<u32> = (0..n as u32).collect();
    rng.shuffle(&mut order);
    let mut queue: VecDeque<u32> = order.into();
    let mut queued = vec![true; n];
    let mut acc = Accumulator::new(n);
    while let Some(v) = queue.pop_front() {
        queued[v as usize] = false;
        let vi = v as usize;
        let old = partition[vi];
        for s in level.offsets[vi] as usize..level.offsets[vi + 1] as usize {
            let u = level.targets[s];
            if u != v {
                acc.add(partition[u as usize], level.weights[s]);
            }
        }
        let wv = level.node_weight[vi];
        community_weight[old as usize] -= wv;
        community_size[old as usize] -= 1;
        if community_size[old as usize] == 0 {
            empty.push(old);
        }
        let mut best = old;
        let mut best_gain =
            acc.weight[old as usize] - coefficient * wv * community_weight[old as usize];
        for &c in &acc.touched {
            let gain = acc.weight[c as usize] - coefficient * wv * community_weight[c as usize];
            if gain > best_gain {
                best_gain = gain;
                best = c;
            }
        }
        if best_gain < 0.0 {
            // Alone is better than anywhere: an empty community (v's own if it was alone).
            best = *empty
                .last()
                .expect("a community is empty once v has left its own");
        }
        if community_size[best as usize] == 0 {
            let at = empty
                .iter()
                .rposition(|&c| c == best)
                .expect("listed as empty");
            empty.swap_remove(at);
        }
        community_weight[best as usize] += wv;
        community_size[best as usize] += 1;
        acc.clear();
        if best != old {
            partition[vi] = best;
            for s in level.offsets[vi] as usize..level.offsets[vi + 1] as usize {
                let u = level.targets[s] as usize;
                if !queued[u] && partition[u] != best {
                    queued[u] = true;
                    queue.push_back(u as u32);
                }
            }
        }
    }
}

/// Refinement: inside each community, start from singletons and merge a node only into a
/// well-connected part of its community, chosen at random among the merges that do not lower
/// the quality. The communities handed to aggregation are then guaranteed connected.
fn refine(
    level: &Level,
    partition: &[u32],
    communities: usize,
    coefficient: f64,
    randomness: f64,
    rng: &mut SplitMix64,
) -> Vec<u32> {
    let n = level.n();
    let mut community_weight = vec![0.0f64; communities];
    for v in 0..n {
        community_weight[partition[v] as usize] += level.node_weight[v];
    }
    let mut refined: Vec<u32> = (0..n as u32).collect();
    let mut refined_weight = level.node_weight.clone();
    let mut refined_size = vec![1u32; n];
    // Weight from each refined part to the rest of its community.
    let mut external = vec![0.0f64; n];
    for v in 0..n {
        for s in level.offsets[v] as usize..level.offsets[v + 1] as usize {
            let u = level.targets[s] as usize;
            if u != v && partition[u] == partition[v] {
                external[v] += level.weights[s];
            }
        }
    }
    let mut order: Vec<u32> = (0..n as u32).collect();
    rng.shuffle(&mut order);
    let mut acc = Accumulator::new(n);
    let mut candidates: Vec<(u32, f64)> = Vec::new();
    for &v in &order {
        let vi = v as usize;
        if refined_size[refined[vi] as usize] != 1 {
            continue; // v has been joined by others: it stays where it is
        }
        let c = partition[vi] as usize;
        let wv = level.node_weight[vi];
        let own_external = external[refined[vi] as usize];
        if own_external < coefficient * wv * (community_weight[c] - wv) {
            continue; // v is not well connected to its community
        }
        for s in level.offsets[vi] as usize..level.offsets[vi + 1] as usize {
            let u = level.targets[s] as usize;
            if u != vi && partition[u] as usize == c {
                acc.add(refined[u], level.weights[s]);
            }
        }
        let own = refined[vi];
        candidates.clear();
        candidates.push((own, 0.0));
        let mut max_gain = 0.0f64;
        for &r in &acc.touched {
            if r == own {
                continue;
            }
            let wr = refined_weight[r as usize];
            if external[r as usize] < coefficient * wr * (community_weight[c] - wr) {
                continue; // that part is not well connected to the community
            }
            let gain = acc.weight[r as usize] - coefficient * wv * wr;
            if gain >= 0.0 {
                candidates.push((r, gain));
                max_gain = max_gain.max(gain);
            }
        }
        let chosen = if candidates.len() == 1 {
            own
        } else if randomness <= 0.0 {
            candidates
                .iter()
                .fold(
                    (own, -1.0),
                    |best, &(r, g)| if g > best.1 { (r, g) } else { best },
                )
                .0
        } else {
            let total: f64 = candidates
                .iter()
                .map(|&(_, g)| ((g - max_gain) / randomness).exp())
                .sum();
            let mut pick = rng.next_f64() * total;
            let mut chosen = candidates[candidates.len() - 1].0;
            for &(r, g) in &candidates {
                pick -= ((g - max_gain) / randomness).exp();
                if pick <= 0.0 {
                    chosen = r;
                    break;
                }
            }
            chosen
        };
        if chosen != own {
            let to_part = acc.weight[chosen as usize];
            refined[vi] = chosen;
            refined_weight[chosen as usize] += wv;
            refined_size[chosen as usize] += 1;
            refined_size[own as usize] = 0;
            external[chosen as usize] += own_external - 2.0 * to_part;
        }
        acc.clear();
    }
    refined
}

/// The next level: one node per refined part, edges between parts summed (inside a part they
/// become its self-loop weight, which no gain uses but the degrees keep).
fn aggregate(level: &Level, refined: &[u32], count: usize, partition: &[u32]) -> (Level, Vec<u32>) {
    let n = level.n();
    let mut member_offsets = vec![0u32; count + 1];
    for &r in refined {
        member_offsets[r as usize + 1] += 1;
    }
    for i in 0..count {
        member_offsets[i + 1] += member_offsets[i];
    }
    let mut next = member_offsets[..count].to_vec();
    let mut members = vec![0u32; n];
    for (v, &r) in refined.iter().enumerate() {
        members[next[r as usize] as usize] = v as u32;
        next[r as usize] += 1;
    }
    let mut offsets = Vec::with_capacity(count + 1);
    offsets.push(0u32);
    let mut targets = Vec::new();
    let mut weights = Vec::new();
    let mut node_weight = vec![0.0f64; count];
    let mut next_partition = vec![0u32; count];
    let mut acc = Accumulator::new(count);
    for r in 0..count {
        for &v in &members[member_offsets[r] as usize..member_offsets[r + 1] as usize] {
            let vi = v as usize;
            node_weight[r] += level.node_weight[vi];
            next_partition[r] = partition[vi];
            for s in level.offsets[vi] as usize..level.offsets[vi + 1] as usize {
                acc.add(refined[level.targets[s] as usize], level.weights[s]);
            }
        }
        for &t in &acc.touched {
            targets.push(t);
            weights.push(acc.weight[t as usize]);
        }
        acc.clear();
        offsets.push(targets.len() as u32);
    }
    (
        Level {
            offsets,
            targets,
            weights,
            node_weight,
        },
        next_partition,
    )
}

fn renumber(partition: &[u32]) -> (Vec<u32>, usize) {
    let mut number = vec![u32::MAX; partition.len().max(1)];
    let mut count = 0u32;
    let renumbered = partition
        .iter()
        .map(|&c| {
            if number[c as usize] == u32::MAX {
                number[c as usize] = count;
                count += 1;
            }
            number[c as usize]
        })
        .collect();
    (renumbered, count as usize)
}

fn same_partition(a: &[u32], b: &[u32]) -> bool {
    renumber(a).0 == renumber(b).0
}

/// Communities numbered by size, largest first, ties by their smallest node.
pub fn number_by_size(partition: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let (partition, count) = renumber(partition);
    let mut size = vec![0u32; count];
    for &c in &partition {
        size[c as usize] += 1;
    }
    // renumber() numbers communities by first appearance, which is their smallest node.
    let mut order: Vec<u32> = (0..count as u32).collect();
    order.sort_by_key(|&c| (std::cmp::Reverse(size[c as usize]), c));
    let mut number = vec![0u32; count];
    for (i, &c) in order.iter().enumerate() {
        number[c as usize] = i as u32;
    }
    let sizes = order.iter().map(|&c| size[c as usize]).collect();
    (
        partition.iter().map(|&c| number[c as usize]).collect(),
        sizes,
    )
}

/// The objective's value: modularity `Σ_c in_c/2m − γ (K_c/2m)²`, or the CPM quality
/// `Σ_c e_c − γ n_c (n_c − 1) / 2` (igraph's definitions).
pub fn quality(csr: &Csr, membership: &[u32], objective: Objective, resolution: f64) -> f64 {
    let count = membership
        .iter()
        .map(|&c| c as usize + 1)
        .max()
        .unwrap_or(0);
    let mut inside = vec![0.0f64; count];
    let mut total = vec![0.0f64; count];
    let mut size = vec![0.0f64; count];
    let mut two_m = 0.0;
    for v in 0..csr.node_count() as u32 {
        let c = membership[v as usize] as usize;
        size[c] += 1.0;
        for s in csr.slots(v) {
            let w = csr.weight(s) as f64;
            two_m += w;
            total[c] += w;
            if membership[csr.targets[s] as usize] as usize == c {
                inside[c] += w;
            }
        }
    }
    match objective {
        Objective::Modularity if two_m == 0.0 => 0.0,
        Objective::Modularity => (0..count)
            .map(|c| inside[c] / two_m - resolution * (total[c] / two_m).powi(2))
            .sum(),
        Objective::Cpm => (0..count)
            .map(|c| inside[c] / 2.0 - resolution * size[c] * (size[c] - 1.0) / 2.0)
            .sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{PlantedPartition, planted_partition};
    use crate::quality::normalized_mutual_information;
    use crate::testing::graph_of;

    #[test]
    fn two_cliques_joined_by_one_edge_are_two_communities() {
        let mut edges = Vec::new();
        let a: Vec<String> = (0..5).map(|i| format!("a{i}")).collect();
        let b: Vec<String> = (0..5).map(|i| format!("b{i}")).collect();
        for group in [&a, &b] {
            for i in 0..5 {
                for j in i + 1..5 {
                    edges.push((group[i].as_str(), group[j].as_str()));
                }
            }
        }
        edges.push(("a0", "b0"));
        let g = graph_of(&edges);
        for objective in [Objective::Modularity, Objective::Cpm] {
            let resolution = if objective == Objective::Cpm {
                0.5
            } else {
                1.0
            };
            let c = leiden(
                &g.csr,
                LeidenOptions {
                    objective,
                    resolution,
                    ..Default::default()
                },
            );
            assert_eq!(c.sizes, vec![5, 5], "{objective:?}");
            let of = |k: &str| c.membership[g.node(k).unwrap() as usize];
            assert_eq!(of("a3"), of("a4"));
            assert_ne!(of("a0"), of("b0"));
        }
        let c = leiden(&g.csr, LeidenOptions::default());
        // Two 10-edge cliques and a bridge: Q = 2 * (20/42 - (21/42)^2).
        let expected = 2.0 * (20.0 / 42.0 - (21.0f64 / 42.0).powi(2));
        assert!((c.quality - expected).abs() < 1e-12, "{}", c.quality);
    }

    #[test]
    fn cpm_recovers_planted_cells_that_modularity_merges() {
        let planted = planted_partition(&PlantedPartition {
            nodes: 20_000,
            edges: 100_000,
            seed: 5,
            ..Default::default()
        });
        let g = &planted.graph;
        let truth: Vec<u32> = planted.cell_of.clone();
        let cpm = leiden(
            &g.csr,
            LeidenOptions {
                objective: Objective::Cpm,
                resolution: 0.05,
                ..Default::default()
            },
        );
        let modularity = leiden(&g.csr, LeidenOptions::default());
        let nmi_cpm = normalized_mutual_information(&truth, &cpm.membership);
        let nmi_mod = normalized_mutual_information(&truth, &modularity.membership);
        assert!(nmi_cpm > 0.9, "CPM NMI {nmi_cpm}");
        assert!(nmi_cpm > nmi_mod, "CPM {nmi_cpm} vs modularity {nmi_mod}");
        // The optimiser must beat the planted partition's own modularity.
        let planted_q = quality(&g.csr, &truth, Objective::Modularity, 1.0);
        assert!(
            modularity.quality > planted_q,
            "{} vs planted {planted_q}",
            modularity.quality
        );
        // Every community is connected (Leiden's guarantee): check with components inside.
        assert_communities_connected(&g.csr, &cpm.membership);
    }

    #[test]
    fn same_seed_same_communities() {
        let planted = planted_partition(&PlantedPartition {
            nodes: 2_000,
            edges: 10_000,
            seed: 9,
            ..Default::default()
        });
        let a = leiden(
            &planted.graph.csr,
            LeidenOptions {
                seed: 3,
                ..Default::default()
            },
        );
        let b = leiden(
            &planted.graph.csr,
            LeidenOptions {
                seed: 3,
                ..Default::default()
            },
        );
        assert_eq!(a.membership, b.membership);
        let until_stable = leiden(
            &planted.graph.csr,
            LeidenOptions {
                iterations: None,
                ..Default::default()
            },
        );
        assert!(until_stable.quality >= a.quality - 1e-3);
    }

    fn assert_communities_connected(csr: &Csr, membership: &[u32]) {
        let n = csr.node_count();
        let mut seen = vec![false; n];
        let count = membership.iter().max().map_or(0, |&m| m as usize + 1);
        let mut started = vec![false; count];
        for v in 0..n {
            let c = membership[v] as usize;
            if seen[v] {
                continue;
            }
            assert!(!started[c], "community {c} is in more than one piece");
            started[c] = true;
            let mut stack = vec![v as u32];
            seen[v] = true;
            while let Some(x) = stack.pop() {
                for &u in csr.neighbours(x) {
                    if !seen[u as usize] && membership[u as usize] as usize == c {
                        seen[u as usize] = true;
                        stack.push(u);
                    }
                }
            }
        }
    }
}
