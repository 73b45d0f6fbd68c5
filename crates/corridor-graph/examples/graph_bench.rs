//! The graph benchmark's Corridor side (bench/graph.sh runs it beside igraph on the same
//! files): load an edge list, run each analysis once, and print `name=value` lines.
//!
//!   graph_bench EDGES.csv TRUTH.csv QUERIES.csv SOURCES
//!
//! TRUTH.csv is `node,cell,broker`; QUERIES.csv is `kind,a,b` rows (`hood` seeds and `pair`s).

use std::time::Instant;

use corridor_graph::paths::{self, EdgeFilter, Limits, Scratch};
use corridor_graph::quality::{adjusted_rand_index, normalized_mutual_information};
use corridor_graph::{
    BetweennessOptions, EdgeListOptions, LeidenOptions, Objective, PageRankOptions,
};

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn percentile(values: &mut [f64], p: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    values[((values.len() as f64 * p).ceil() as usize).clamp(1, values.len()) - 1]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, edges, truth, queries, sources] = &args[..] else {
        eprintln!("usage: graph_bench EDGES.csv TRUTH.csv QUERIES.csv SOURCES");
        std::process::exit(2);
    };
    let sources: usize = sources.parse().expect("SOURCES is a number");
    let say = |k: &str, v: String| println!("{k}={v}");

    let started = Instant::now();
    let file = std::fs::File::open(edges).expect("edges");
    let (graph, _) = corridor_graph::read_edge_list(
        edges,
        std::io::BufReader::with_capacity(1 << 20, file),
        EdgeListOptions::default(),
    )
    .expect("edge list");
    say(
        "corridor_load_s",
        format!("{:.3}", started.elapsed().as_secs_f64()),
    );
    say("nodes", graph.node_count().to_string());
    say("edges", graph.edge_count().to_string());
    say(
        "corridor_graph_mb",
        format!("{:.1}", graph.heap_bytes() as f64 / 1e6),
    );

    // Truth by graph node id (nodes without edges are not in the graph).
    let mut cell = vec![u32::MAX; graph.node_count()];
    let mut broker = vec![false; graph.node_count()];
    for line in std::fs::read_to_string(truth)
        .expect("truth")
        .lines()
        .skip(1)
    {
        let mut f = line.split(',');
        let (name, c, b) = (f.next().unwrap(), f.next().unwrap(), f.next().unwrap());
        if let Some(v) = graph.node(name) {
            cell[v as usize] = c.parse().unwrap();
            broker[v as usize] = b == "1";
        }
    }

    let t = Instant::now();
    let components = corridor_graph::connected_components(&graph.csr);
    say(
        "corridor_components_s",
        format!("{:.3}", t.elapsed().as_secs_f64()),
    );
    say("corridor_components", components.sizes.len().to_string());

    let t = Instant::now();
    let pr = corridor_graph::pagerank(&graph, PageRankOptions::default());
    say(
        "corridor_pagerank_s",
        format!("{:.3}", t.elapsed().as_secs_f64()),
    );
    say("corridor_pagerank_iterations", pr.iterations.to_string());

    for (label, objective, resolution) in [
        ("leiden", Objective::Modularity, 1.0),
        ("cpm", Objective::Cpm, 0.05),
    ] {
        let t = Instant::now();
        let c = corridor_graph::leiden(
            &graph.csr,
            LeidenOptions {
                objective,
                resolution,
                ..Default::default()
            },
        );
        say(
            &format!("corridor_{label}_s"),
            format!("{:.3}", t.elapsed().as_secs_f64()),
        );
        say(
            &format!("corridor_{label}_communities"),
            c.sizes.len().to_string(),
        );
        if objective == Objective::Modularity {
            say("corridor_leiden_modularity", format!("{:.4}", c.quality));
        }
        say(
            &format!("corridor_{label}_nmi"),
            format!("{:.4}", normalized_mutual_information(&cell, &c.membership)),
        );
        say(
            &format!("corridor_{label}_ari"),
            format!("{:.4}", adjusted_rand_index(&cell, &c.membership)),
        );
    }

    let t = Instant::now();
    let bc = corridor_graph::betweenness(
        &graph,
        BetweennessOptions {
            samples: Some(sources),
            seed: 42,
        },
    );
    say(
        "corridor_betweenness_s",
        format!("{:.3}", t.elapsed().as_secs_f64()),
    );
    let mut order: Vec<usize> = (0..graph.node_count()).collect();
    order.sort_by(|&a, &b| bc.values[b].total_cmp(&bc.values[a]));
    let brokers = broker.iter().filter(|&&b| b).count().min(100);
    let hits = order.iter().take(100).filter(|&&v| broker[v]).count();
    say(
        "corridor_broker_precision_at_100",
        format!("{:.3}", hits as f64 / 100.0),
    );
    say("planted_brokers_in_top_100_possible", brokers.to_string());

    let mut seeds = Vec::new();
    let mut pairs = Vec::new();
    for line in std::fs::read_to_string(queries).expect("queries").lines() {
        let f: Vec<&str> = line.split(',').collect();
        match f[0] {
            "hood" => seeds.extend(graph.node(f[1])),
            "pair" => {
                if let (Some(a), Some(b)) = (graph.node(f[1]), graph.node(f[2])) {
                    pairs.push((a, b));
                }
            }
            _ => {}
        }
    }
    let mut scratch = Scratch::new(&graph);
    let filter = EdgeFilter::default();
    let t = Instant::now();
    // A batch of context queries, the seeds shared between both cores.
    let total: usize = paths::neighbourhood_sizes(&graph, &seeds, &filter, 3)
        .iter()
        .sum();
    say(
        "corridor_3hop_s",
        format!("{:.3}", t.elapsed().as_secs_f64()),
    );
    say(
        "corridor_3hop_mean_size",
        format!("{:.0}", total as f64 / seeds.len().max(1) as f64),
    );

    let mut one = Vec::new();
    let mut hops = 0usize;
    for &(a, b) in &pairs {
        let t = Instant::now();
        let p = paths::shortest_path(&graph, &mut scratch, a, b, &filter, u32::MAX);
        one.push(t.elapsed().as_secs_f64() * 1000.0);
        hops += p.map_or(0, |p| p.hops.len());
    }
    say(
        "corridor_shortest_path_p95_ms",
        format!("{:.3}", percentile(&mut one, 0.95)),
    );
    say(
        "corridor_shortest_path_mean_hops",
        format!("{:.2}", hops as f64 / pairs.len().max(1) as f64),
    );
    let mut all = Vec::new();
    let mut count = 0usize;
    for &(a, b) in &pairs {
        let t = Instant::now();
        let p = paths::all_shortest_paths(
            &graph,
            &mut scratch,
            a,
            b,
            &filter,
            Limits {
                max_hops: u32::MAX,
                cap: 10_000,
            },
        );
        all.push(t.elapsed().as_secs_f64() * 1000.0);
        count += p.paths.len();
    }
    say(
        "corridor_all_shortest_paths_p95_ms",
        format!("{:.3}", percentile(&mut all, 0.95)),
    );
    say(
        "corridor_all_shortest_paths_mean_count",
        format!("{:.1}", count as f64 / pairs.len().max(1) as f64),
    );
    say("corridor_peak_rss_mb", format!("{:.0}", peak_rss_mb()));
}
