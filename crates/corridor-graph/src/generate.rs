//! A seeded planted-partition graph with its ground truth: the benchmark's graph, and a world
//! small enough for tests. Degree-corrected: cells of log-normal sizes (median 35, from 5 to
//! 500), Pareto activity so that a few nodes have many edges, most edges inside a cell, the
//! rest between cells and half of those through a few brokers. Node ids are shuffled as real
//! identifiers are, so nothing is learnt from their order.

use std::collections::HashSet;

use crate::graph::{BuildOptions, EdgeData, Graph, GraphBuilder};
use crate::rng::SplitMix64;

#[derive(Debug, Clone)]
pub struct PlantedPartition {
    pub nodes: usize,
    pub edges: usize,
    pub seed: u64,
    /// Share of edges inside a cell.
    pub inside: f64,
    /// Share of nodes that are brokers; half the edges between cells start at one.
    pub brokers: f64,
    pub median_cell: f64,
}

impl Default for PlantedPartition {
    fn default() -> Self {
        PlantedPartition {
            nodes: 100_000,
            edges: 500_000,
            seed: 1,
            inside: 0.8,
            brokers: 0.002,
            median_cell: 35.0,
        }
    }
}

pub struct Planted {
    pub graph: Graph,
    /// The edges as node ids, in the shuffled order they were written.
    pub edges: Vec<(u32, u32)>,
    /// The true cell of each node (by graph node id).
    pub cell_of: Vec<u32>,
    pub is_broker: Vec<bool>,
}

fn normal(rng: &mut SplitMix64) -> f64 {
    let u1 = rng.next_f64().max(f64::MIN_POSITIVE);
    let u2 = rng.next_f64();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Picks an index with probability proportional to its weight, from cumulative weights.
fn pick(cumulative: &[f64], rng: &mut SplitMix64) -> usize {
    let total = *cumulative.last().expect("weights");
    let x = rng.next_f64() * total;
    cumulative
        .partition_point(|&c| c <= x)
        .min(cumulative.len() - 1)
}

pub fn planted_partition(p: &PlantedPartition) -> Planted {
    let mut rng = SplitMix64::new(p.seed);
    let n = p.nodes.max(2);
    // Cells: log-normal sizes, the last one takes what is left.
    let mut cell_sizes = Vec::new();
    let mut placed = 0;
    while placed < n {
        let size = (p.median_cell * (0.8 * normal(&mut rng)).exp())
            .round()
            .clamp(5.0, 500.0) as usize;
        let size = size.min(n - placed);
        cell_sizes.push(size);
        placed += size;
    }
    let mut cell_of = Vec::with_capacity(n);
    for (c, &size) in cell_sizes.iter().enumerate() {
        cell_of.extend(std::iter::repeat_n(c as u32, size));
    }
    let activity: Vec<f64> = (0..n)
        .map(|_| (1.0 - rng.next_f64()).powf(-1.0 / 2.5))
        .collect();
    let mut global = Vec::with_capacity(n);
    let mut running = 0.0;
    for &a in &activity {
        running += a;
        global.push(running);
    }
    let mut cell_start = Vec::with_capacity(cell_sizes.len() + 1);
    cell_start.push(0usize);
    for &size in &cell_sizes {
        cell_start.push(cell_start.last().unwrap() + size);
    }
    let broker_count = ((n as f64 * p.brokers).round() as usize).max(1);
    let mut is_broker = vec![false; n];
    let mut brokers = Vec::with_capacity(broker_count);
    while brokers.len() < broker_count {
        let b = rng.below(n);
        if !is_broker[b] {
            is_broker[b] = true;
            brokers.push(b);
        }
    }
    let max_edges = n * (n - 1) / 2;
    let target = p.edges.min(max_edges);
    let mut seen: HashSet<u64, foldhash::fast::FixedState> =
        HashSet::with_capacity_and_hasher(target, Default::default());
    let mut edges: Vec<(u32, u32)> = Vec::with_capacity(target);
    let mut attempts = 0usize;
    while edges.len() < target && attempts < target * 20 {
        attempts += 1;
        let a = pick(&global, &mut rng);
        let b = if rng.next_f64() < p.inside {
            let c = cell_of[a] as usize;
            let (s, e) = (cell_start[c], cell_start[c + 1]);
            let base = if s == 0 { 0.0 } else { global[s - 1] };
            let x = base + rng.next_f64() * (global[e - 1] - base);
            global[s..e].partition_point(|&g| g <= x).min(e - s - 1) + s
        } else if rng.next_f64() < 0.5 {
            brokers[rng.below(brokers.len())]
        } else {
            pick(&global, &mut rng)
        };
        if a == b {
            continue;
        }
        let key = (a.min(b) as u64) << 32 | a.max(b) as u64;
        if seen.insert(key) {
            edges.push((a as u32, b as u32));
        }
    }
    rng.shuffle(&mut edges);
    // Shuffled names: node i is called by a random number, as phone numbers and accounts are.
    let mut names: Vec<u32> = (0..n as u32).collect();
    rng.shuffle(&mut names);
    let mut builder = GraphBuilder::new(BuildOptions::default());
    for &name in &names {
        builder.node(&name.to_string()).expect("small graph");
    }
    for &(a, b) in &edges {
        builder.edge(a, b, EdgeData::default()).expect("plain edge");
    }
    let (graph, _) = builder.build();
    Planted {
        graph,
        edges,
        cell_of,
        is_broker,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_planted_graph_has_its_size_and_its_cells() {
        let planted = planted_partition(&PlantedPartition {
            nodes: 5_000,
            edges: 25_000,
            seed: 2,
            ..Default::default()
        });
        assert_eq!(planted.graph.node_count(), 5_000);
        assert_eq!(planted.graph.edge_count(), 25_000);
        let inside = planted
            .edges
            .iter()
            .filter(|&&(a, b)| planted.cell_of[a as usize] == planted.cell_of[b as usize])
            .count();
        let share = inside as f64 / 25_000.0;
        assert!((0.7..0.9).contains(&share), "{share}");
        assert_eq!(planted.is_broker.iter().filter(|&&b| b).count(), 10);
        let again = planted_partition(&PlantedPartition {
            nodes: 5_000,
            edges: 25_000,
            seed: 2,
            ..Default::default()
        });
        assert_eq!(planted.edges, again.edges);
    }
}
