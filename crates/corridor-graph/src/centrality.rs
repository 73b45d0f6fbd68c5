//! Who matters in a network: degree, PageRank, and betweenness (Brandes; exact, or sampled from
//! k sources with the standard error of each estimate, as Brandes and Pich propose).

use rayon::prelude::*;

use crate::graph::Graph;
use crate::rng::SplitMix64;

/// Degree of every node: weighted when the graph has weights; for a directed graph, `out`
/// counts the edges that leave and `in` those that arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DegreeMode {
    All,
    Out,
    In,
}

pub fn degree(graph: &Graph, mode: DegreeMode) -> Vec<f64> {
    let csr = &graph.csr;
    (0..graph.node_count() as u32)
        .map(|v| {
            csr.slots(v)
                .filter(|&s| match mode {
                    DegreeMode::All => true,
                    DegreeMode::Out => graph.leaves(s),
                    DegreeMode::In => graph.outgoing.is_none() || !graph.leaves(s),
                })
                .map(|s| csr.weight(s) as f64)
                .sum()
        })
        .collect()
}

#[derive(Debug, Clone, Copy)]
pub struct PageRankOptions {
    pub damping: f64,
    /// Stop when the scores move less than this in total (L1).
    pub tolerance: f64,
    pub max_iterations: usize,
}

impl Default for PageRankOptions {
    fn default() -> Self {
        PageRankOptions {
            damping: 0.85,
            tolerance: 1e-9,
            max_iterations: 1_000,
        }
    }
}

#[derive(Debug, Clone)]
pub struct PageRank {
    pub scores: Vec<f64>,
    pub iterations: usize,
    /// The last iteration's L1 change: below the tolerance unless the iterations ran out.
    pub change: f64,
}

/// PageRank by power iteration, pulling along incoming edges (each node writes only its own
/// score, so nodes are shared between threads without locks). A node with no way out hands
/// its score to every node, as igraph does.
pub fn pagerank(graph: &Graph, options: PageRankOptions) -> PageRank {
    let n = graph.node_count();
    if n == 0 {
        return PageRank {
            scores: Vec::new(),
            iterations: 0,
            change: 0.0,
        };
    }
    let csr = &graph.csr;
    let out_weight = degree(graph, DegreeMode::Out);
    let directed = graph.outgoing.is_some();
    let d = options.damping;
    let mut scores = vec![1.0 / n as f64; n];
    let mut share = vec![0.0f64; n];
    let mut next = vec![0.0f64; n];
    let mut iterations = 0;
    let mut change = f64::INFINITY;
    while iterations < options.max_iterations && change >= options.tolerance {
        iterations += 1;
        let dangling: f64 = share
            .par_iter_mut()
            .with_min_len(4096)
            .zip(scores.par_iter())
            .zip(out_weight.par_iter())
            .map(|((share, &score), &w)| {
                if w > 0.0 {
                    *share = score / w;
                    0.0
                } else {
                    *share = 0.0;
                    score
                }
            })
            .sum();
        let base = (1.0 - d) / n as f64 + d * dangling / n as f64;
        next.par_iter_mut()
            .with_min_len(4096)
            .enumerate()
            .for_each(|(v, slot_score)| {
                let mut sum = 0.0;
                for s in csr.slots(v as u32) {
                    if directed && graph.leaves(s) {
                        continue;
                    }
                    sum += share[csr.targets[s] as usize] * csr.weight(s) as f64;
                }
                *slot_score = base + d * sum;
            });
        change = next
            .par_iter()
            .zip(scores.par_iter())
            .map(|(a, b)| (a - b).abs())
            .sum();
        std::mem::swap(&mut scores, &mut next);
    }
    PageRank {
        scores,
        iterations,
        change,
    }
}

#[derive(Debug, Clone, Copy)]
pub struct BetweennessOptions {
    /// Sources to sample; `None` (or at least the node count) computes it exactly.
    pub samples: Option<usize>,
    pub seed: u64,
}

#[derive(Debug, Clone)]
pub struct Betweenness {
    /// Shortest paths through each node (pairs counted once in an undirected graph); an
    /// estimate scaled by n/k when sampled.
    pub values: Vec<f64>,
    /// The standard error of each estimate (zero when exact).
    pub standard_errors: Vec<f64>,
    pub sources_used: usize,
    pub exact: bool,
}

/// Work is split into a fixed number of chunks whatever the thread count, and the chunks are
/// summed in order: the same graph and seed give the same figures on any machine.
const CHUNKS: usize = 8;

pub fn betweenness(graph: &Graph, options: BetweennessOptions) -> Betweenness {
    let n = graph.node_count();
    let exact = options.samples.is_none_or(|k| k >= n);
    let sources: Vec<u32> = if exact {
        (0..n as u32).collect()
    } else {
        let mut all: Vec<u32> = (0..n as u32).collect();
        let mut rng = SplitMix64::new(options.seed);
        let k = options.samples.unwrap_or(n);
        // A partial Fisher–Yates: the first k are a uniform sample without replacement.
        for i in 0..k {
            let j = i + rng.below(n - i);
            all.swap(i, j);
        }
        all.truncate(k);
        all
    };
    let k = sources.len();
    let half = if graph.outgoing.is_some() { 1.0 } else { 0.5 };
    let scale = if exact {
        1.0
    } else {
        n as f64 / k.max(1) as f64
    };
    let chunk_len = k.div_ceil(CHUNKS).max(1);
    let partials: Vec<(Vec<f64>, Vec<f64>)> = sources
        .par_chunks(chunk_len)
        .map(|chunk| {
            let mut scratch = BrandesScratch::new(n);
            let mut sum = vec![0.0f64; n];
            let mut sum_sq = if exact { Vec::new() } else { vec![0.0f64; n] };
            for &s in chunk {
                scratch.run(graph, s);
                for &v in &scratch.order {
                    let dv = scratch.delta[v as usize];
                    if v != s && dv != 0.0 {
                        sum[v as usize] += dv;
                        if !exact {
                            sum_sq[v as usize] += dv * dv;
                        }
                    }
                }
            }
            (sum, sum_sq)
        })
        .collect();
    let mut total = vec![0.0f64; n];
    let mut total_sq = if exact { Vec::new() } else { vec![0.0f64; n] };
    for (sum, sum_sq) in partials {
        total.iter_mut().zip(&sum).for_each(|(t, s)| *t += s);
        total_sq.iter_mut().zip(&sum_sq).for_each(|(t, s)| *t += s);
    }
    let values: Vec<f64> = total.iter().map(|&t| t * scale * half).collect();
    let standard_errors = if exact || k < 2 {
        vec![0.0; n]
    } else {
        // Each sampled source's contribution, scaled to the whole, is one observation.
        let kf = k as f64;
        let correction = (1.0 - kf / n as f64).max(0.0);
        total
            .iter()
            .zip(&total_sq)
            .map(|(&s, &sq)| {
                let x = n as f64 * half;
                let mean = s / kf;
                let var = ((sq / kf - mean * mean) * kf / (kf - 1.0)).max(0.0);
                x * (var / kf * correction).sqrt()
            })
            .collect()
    };
    Betweenness {
        values,
        standard_errors,
        sources_used: k,
        exact,
    }
}

/// One source's breadth-first search and dependency accumulation; reset by the nodes it
/// reached, not by the whole graph.
struct BrandesScratch {
    dist: Vec<i32>,
    sigma: Vec<f64>,
    delta: Vec<f64>,
    order: Vec<u32>,
}

impl BrandesScratch {
    fn new(n: usize) -> Self {
        BrandesScratch {
            dist: vec![-1; n],
            sigma: vec![0.0; n],
            delta: vec![0.0; n],
            order: Vec::with_capacity(n),
        }
    }

    fn run(&mut self, graph: &Graph, source: u32) {
        for &v in &self.order {
            self.dist[v as usize] = -1;
            self.sigma[v as usize] = 0.0;
            self.delta[v as usize] = 0.0;
        }
        self.order.clear();
        let csr = &graph.csr;
        let directed = graph.outgoing.is_some();
        self.dist[source as usize] = 0;
        self.sigma[source as usize] = 1.0;
        self.order.push(source);
        let mut head = 0;
        while head < self.order.len() {
            let v = self.order[head];
            head += 1;
            let dv = self.dist[v as usize];
            let sv = self.sigma[v as usize];
            for s in csr.slots(v) {
                if directed && !graph.leaves(s) {
                    continue;
                }
                let u = csr.targets[s] as usize;
                if self.dist[u] < 0 {
                    self.dist[u] = dv + 1;
                    self.order.push(u as u32);
                }
                if self.dist[u] == dv + 1 {
                    self.sigma[u] += sv;
                }
            }
        }
        // Dependencies, farthest first: each node passes its share back to its predecessors.
        for i in (1..self.order.len()).rev() {
            let w = self.order[i];
            let dw = self.dist[w as usize];
            let coefficient = (1.0 + self.delta[w as usize]) / self.sigma[w as usize];
            for s in csr.slots(w) {
                if directed && graph.leaves(s) {
                    continue; // predecessors reach w along edges that arrive at w
                }
                let v = csr.targets[s] as usize;
                if self.dist[v] == dw - 1 {
                    self.delta[v] += self.sigma[v] * coefficient;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::graph_of;

    #[test]
    fn a_broker_between_two_cliques_has_all_the_betweenness() {
        // Two triangles joined through "broker".
        let g = graph_of(&[
            ("a1", "a2"),
            ("a2", "a3"),
            ("a1", "a3"),
            ("b1", "b2"),
            ("b2", "b3"),
            ("b1", "b3"),
            ("a1", "broker"),
            ("broker", "b1"),
        ]);
        let bc = betweenness(
            &g,
            BetweennessOptions {
                samples: None,
                seed: 1,
            },
        );
        let of = |k: &str| bc.values[g.node(k).unwrap() as usize];
        // broker lies on every path between {a1,a2,a3} and {b1,b2,b3}: 9 pairs.
        assert_eq!(of("broker"), 9.0);
        // a1 lies on paths from a2, a3 to broker and the b's: 2 * 4 = 8 pairs.
        assert_eq!(of("a1"), 8.0);
        assert_eq!(of("a2"), 0.0);
        assert!(bc.exact && bc.standard_errors.iter().all(|&e| e == 0.0));
    }

    #[test]
    fn a_path_graph_matches_the_closed_form() {
        // On a path of n nodes, node i (0-based) has betweenness i * (n - 1 - i).
        let names: Vec<String> = (0..7).map(|i| format!("p{i}")).collect();
        let edges: Vec<(&str, &str)> = names
            .windows(2)
            .map(|w| (w[0].as_str(), w[1].as_str()))
            .collect();
        let g = graph_of(&edges);
        let bc = betweenness(
            &g,
            BetweennessOptions {
                samples: None,
                seed: 1,
            },
        );
        for (i, name) in names.iter().enumerate() {
            assert_eq!(
                bc.values[g.node(name).unwrap() as usize],
                (i * (6 - i)) as f64
            );
        }
    }

    #[test]
    fn sampled_betweenness_is_close_and_states_its_error() {
        let names: Vec<String> = (0..200).map(|i| format!("p{i}")).collect();
        let edges: Vec<(&str, &str)> = names
            .windows(2)
            .map(|w| (w[0].as_str(), w[1].as_str()))
            .collect();
        let g = graph_of(&edges);
        let exact = betweenness(
            &g,
            BetweennessOptions {
                samples: None,
                seed: 1,
            },
        );
        let sampled = betweenness(
            &g,
            BetweennessOptions {
                samples: Some(100),
                seed: 3,
            },
        );
        assert!(!sampled.exact && sampled.sources_used == 100);
        let mid = g.node("p100").unwrap() as usize;
        let (e, s, se) = (
            exact.values[mid],
            sampled.values[mid],
            sampled.standard_errors[mid],
        );
        assert!(se > 0.0);
        assert!((e - s).abs() < 4.0 * se, "exact {e} sampled {s} se {se}");
        // Same seed, same figures.
        let again = betweenness(
            &g,
            BetweennessOptions {
                samples: Some(100),
                seed: 3,
            },
        );
        assert_eq!(sampled.values, again.values);
    }

    #[test]
    fn pagerank_sums_to_one_and_ranks_the_hub_first() {
        let g = graph_of(&[
            ("hub", "a"),
            ("hub", "b"),
            ("hub", "c"),
            ("hub", "d"),
            ("a", "b"),
        ]);
        let pr = pagerank(&g, PageRankOptions::default());
        let total: f64 = pr.scores.iter().sum();
        assert!((total - 1.0).abs() < 1e-9);
        let hub = pr.scores[g.node("hub").unwrap() as usize];
        assert!(pr.scores.iter().all(|&s| s <= hub));
        assert!(pr.change < 1e-9);
        // Symmetric leaves score alike.
        let (c, d) = (
            pr.scores[g.node("c").unwrap() as usize],
            pr.scores[g.node("d").unwrap() as usize],
        );
        assert!((c - d).abs() < 1e-12);
    }

    #[test]
    fn directed_pagerank_follows_the_arrows() {
        let g = crate::testing::directed_graph_of(&[("a", "sink"), ("b", "sink"), ("c", "sink")]);
        let pr = pagerank(&g, PageRankOptions::default());
        let sink = pr.scores[g.node("sink").unwrap() as usize];
        let a = pr.scores[g.node("a").unwrap() as usize];
        assert!(sink > 3.0 * a, "sink {sink} a {a}");
        // Known value: the sink's share with uniform redistribution from the dangling sink.
        let total: f64 = pr.scores.iter().sum();
        assert!((total - 1.0).abs() < 1e-9);
        let deg = degree(&g, DegreeMode::In);
        assert_eq!(deg[g.node("sink").unwrap() as usize], 3.0);
        assert_eq!(
            degree(&g, DegreeMode::Out)[g.node("sink").unwrap() as usize],
            0.0
        );
    }
}
