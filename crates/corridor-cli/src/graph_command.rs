//! `corridor graph`: network analysis on a CSV edge list (`source,target[,weight]`, or named
//! columns with `kind` and `time`), one `node,value` row per node out.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use corridor_graph::paths::Limits;
use corridor_graph::{
    BetweennessOptions, BuildOptions, DegreeMode, EdgeFilter, EdgeListOptions, Graph,
    LeidenOptions, Objective, PageRankOptions, Scratch,
};

#[derive(clap::Subcommand)]
pub enum GraphCommand {
    /// Connected components (weakly, for a directed graph): value = component, largest first.
    Components(AnalysisArgs),
    /// PageRank: value = score (the scores sum to 1).
    Pagerank {
        #[command(flatten)]
        args: AnalysisArgs,
        #[arg(long, default_value_t = 0.85)]
        damping: f64,
    },
    /// Communities by Leiden: value = community, largest first. Modularity finds broad
    /// communities and merges small groups; `--objective cpm --resolution 0.05` keeps cells
    /// of a dozen apart (a community must be denser than the resolution).
    Communities {
        #[command(flatten)]
        args: AnalysisArgs,
        #[arg(long, value_enum, default_value = "modularity")]
        objective: ObjectiveArg,
        /// γ: 1 is classic modularity; for CPM, the least density of a community (0 to 1).
        #[arg(long)]
        resolution: Option<f64>,
        /// Passes of the whole algorithm (igraph's n_iterations); 0 repeats until stable.
        #[arg(long, default_value_t = 2)]
        iterations: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Betweenness: value = shortest paths through the node. Exact up to --exact-up-to nodes,
    /// otherwise estimated from --samples sources (the standard error is reported).
    Betweenness {
        #[command(flatten)]
        args: AnalysisArgs,
        #[arg(long, default_value_t = 256)]
        samples: usize,
        #[arg(long, default_value_t = 5_000)]
        exact_up_to: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Also write the standard error of each estimate, as a third column `error`.
        #[arg(long)]
        with_error: bool,
    },
    /// Degree: value = number (or total weight) of edges.
    Degree {
        #[command(flatten)]
        args: AnalysisArgs,
        /// all, out or in (out and in need --directed).
        #[arg(long, default_value = "all")]
        mode: String,
    },
    /// Paths between two nodes: the shortest, all shortest (--all), or every simple path up
    /// to --max-hops (--simple), optionally each edge later than the one before (--in-time).
    /// Prints one path per line, with the edges' kinds and times when the file has them.
    Path {
        edges: PathBuf,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        all: bool,
        #[arg(long)]
        simple: bool,
        #[arg(long)]
        in_time: bool,
        #[arg(long, default_value_t = 6)]
        max_hops: u32,
        #[arg(long, default_value_t = 100)]
        limit: usize,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// The nodes within --hops of a node: `node,depth` rows.
    Neighbourhood {
        edges: PathBuf,
        #[arg(long)]
        of: String,
        #[arg(long, default_value_t = 2)]
        hops: u32,
        #[arg(long, default_value_t = 10_000)]
        limit: usize,
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Write a seeded planted-partition graph with its truth (DIR/edges.csv, DIR/truth.csv
    /// with node,cell,broker): the benchmark's graph.
    Generate {
        #[arg(long, default_value_t = 100_000)]
        nodes: usize,
        #[arg(long, default_value_t = 500_000)]
        edges: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(clap::Args)]
pub struct AnalysisArgs {
    /// The edge list (CSV).
    edges: PathBuf,
    /// Write `node,value` rows here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Edges go from source to target (transfers, calls).
    #[arg(long)]
    directed: bool,
}

#[derive(clap::Args)]
pub struct FilterArgs {
    /// Walk only edges of these kinds (the file's `kind` column), comma-separated.
    #[arg(long, value_delimiter = ',')]
    kind: Vec<String>,
    /// Walk only edges at or after this time (seconds or an ISO date); untimed edges pass.
    #[arg(long)]
    since: Option<String>,
    #[arg(long)]
    until: Option<String>,
    /// Edges go from source to target, and paths follow them.
    #[arg(long)]
    directed: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ObjectiveArg {
    Modularity,
    Cpm,
}

fn load(path: &Path, build: BuildOptions) -> anyhow::Result<Graph> {
    let started = Instant::now();
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let name = path.display().to_string();
    let reader = std::io::BufReader::with_capacity(1 << 20, file);
    let (graph, report) = corridor_graph::read_edge_list(&name, reader, EdgeListOptions { build })?;
    eprintln!(
        "read {name}: {} nodes, {} edges from {} rows in {:.2} s{}{}",
        graph.node_count(),
        graph.edge_count(),
        report.rows,
        started.elapsed().as_secs_f64(),
        match report.build.self_loops_dropped {
            0 => String::new(),
            n => format!("; {n} self-loop(s) dropped"),
        },
        match report.build.parallel_edges_merged {
            0 => String::new(),
            n => format!("; {n} repeated edge(s) merged, weights added"),
        },
    );
    Ok(graph)
}

fn output(out: Option<&Path>) -> anyhow::Result<Box<dyn Write>> {
    Ok(match out {
        Some(path) if path.as_os_str() != "-" => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        _ => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    })
}

fn write_values<T: std::fmt::Display>(
    graph: &Graph,
    out: Option<&Path>,
    values: &[T],
) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(output(out)?);
    w.write_record(["node", "value"])?;
    for (v, value) in values.iter().enumerate() {
        w.write_record([graph.name(v as u32), &value.to_string()])?;
    }
    w.flush()?;
    Ok(())
}

pub fn run(command: GraphCommand) -> anyhow::Result<()> {
    match command {
        GraphCommand::Components(args) => {
            let graph = load(
                &args.edges,
                BuildOptions {
                    directed: args.directed,
                    keep_edges: false,
                },
            )?;
            let started = Instant::now();
            let components = corridor_graph::connected_components(&graph.csr);
            eprintln!(
                "{} components in {:.3} s; the largest has {} nodes",
                components.sizes.len(),
                started.elapsed().as_secs_f64(),
                components.sizes.first().copied().unwrap_or(0)
            );
            write_values(&graph, args.out.as_deref(), &components.membership)
        }
        GraphCommand::Pagerank { args, damping } => {
            if !(0.0..1.0).contains(&damping) {
                bail!("--damping must be at least 0 and below 1 (0.85 is usual), not {damping}");
            }
            let graph = load(
                &args.edges,
                BuildOptions {
                    directed: args.directed,
                    keep_edges: false,
                },
            )?;
            let started = Instant::now();
            let pr = corridor_graph::pagerank(
                &graph,
                PageRankOptions {
                    damping,
                    ..Default::default()
                },
            );
            eprintln!(
                "PageRank in {:.3} s: {} iterations, last change {:.1e}",
                started.elapsed().as_secs_f64(),
                pr.iterations,
                pr.change
            );
            write_values(&graph, args.out.as_deref(), &pr.scores)
        }
        GraphCommand::Communities {
            args,
            objective,
            resolution,
            iterations,
            seed,
        } => {
            let objective = match objective {
                ObjectiveArg::Modularity => Objective::Modularity,
                ObjectiveArg::Cpm => Objective::Cpm,
            };
            let resolution = resolution.unwrap_or(match objective {
                Objective::Modularity => 1.0,
                Objective::Cpm => 0.05,
            });
            if !(resolution.is_finite() && resolution >= 0.0) {
                bail!("--resolution must be a number of zero or more, not {resolution}");
            }
            if args.directed {
                eprintln!("note: communities treat edges as undirected");
            }
            let graph = load(&args.edges, BuildOptions::default())?;
            let started = Instant::now();
            let options = LeidenOptions {
                objective,
                resolution,
                iterations: (iterations > 0).then_some(iterations),
                seed,
                ..Default::default()
            };
            let communities = corridor_graph::leiden(&graph.csr, options);
            eprintln!(
                "{} communities in {:.2} s ({} passes); {} {:.4}; the largest has {} nodes",
                communities.sizes.len(),
                started.elapsed().as_secs_f64(),
                communities.passes,
                match objective {
                    Objective::Modularity => "modularity",
                    Objective::Cpm => "CPM quality",
                },
                communities.quality,
                communities.sizes.first().copied().unwrap_or(0)
            );
            write_values(&graph, args.out.as_deref(), &communities.membership)
        }
        GraphCommand::Betweenness {
            args,
            samples,
            exact_up_to,
            seed,
            with_error,
        } => {
            if samples == 0 {
                bail!("--samples must be at least 1");
            }
            let graph = load(
                &args.edges,
                BuildOptions {
                    directed: args.directed,
                    keep_edges: false,
                },
            )?;
            let started = Instant::now();
            let exact = graph.node_count() <= exact_up_to;
            let bc = corridor_graph::betweenness(
                &graph,
                BetweennessOptions {
                    samples: (!exact).then_some(samples),
                    seed,
                },
            );
            if bc.exact {
                eprintln!(
                    "exact betweenness in {:.2} s",
                    started.elapsed().as_secs_f64()
                );
            } else {
                let mut top: Vec<usize> = (0..bc.values.len()).collect();
                top.sort_by(|&a, &b| bc.values[b].total_cmp(&bc.values[a]));
                top.truncate(100);
                let mut relative: Vec<f64> = top
                    .iter()
                    .filter(|&&v| bc.values[v] > 0.0)
                    .map(|&v| bc.standard_errors[v] / bc.values[v])
                    .collect();
                relative.sort_by(f64::total_cmp);
                let median = relative.get(relative.len() / 2).copied().unwrap_or(0.0);
                eprintln!(
                    "betweenness estimated from {} of {} sources (seed {seed}) in {:.2} s, scaled by n/k; \
                     median standard error of the top 100: {:.1} % of the value",
                    bc.sources_used,
                    graph.node_count(),
                    started.elapsed().as_secs_f64(),
                    median * 100.0
                );
            }
            if with_error {
                let mut w = csv::Writer::from_writer(output(args.out.as_deref())?);
                w.write_record(["node", "value", "error"])?;
                for v in 0..graph.node_count() {
                    w.write_record([
                        graph.name(v as u32),
                        &bc.values[v].to_string(),
                        &bc.standard_errors[v].to_string(),
                    ])?;
                }
                w.flush()?;
                return Ok(());
            }
            write_values(&graph, args.out.as_deref(), &bc.values)
        }
        GraphCommand::Degree { args, mode } => {
            let mode = match mode.as_str() {
                "all" => DegreeMode::All,
                "out" | "in" if !args.directed => bail!("--mode {mode} needs --directed"),
                "out" => DegreeMode::Out,
                "in" => DegreeMode::In,
                other => bail!("--mode must be all, out or in, not `{other}`"),
            };
            let graph = load(
                &args.edges,
                BuildOptions {
                    directed: args.directed,
                    keep_edges: false,
                },
            )?;
            write_values(
                &graph,
                args.out.as_deref(),
                &corridor_graph::degree(&graph, mode),
            )
        }
        GraphCommand::Path {
            edges,
            from,
            to,
            all,
            simple,
            in_time,
            max_hops,
            limit,
            filter,
        } => {
            let graph = load(
                &edges,
                BuildOptions {
                    directed: filter.directed,
                    keep_edges: true,
                },
            )?;
            let edge_filter = edge_filter(&graph, &filter)?;
            let (a, b) = (node(&graph, &from, "--from")?, node(&graph, &to, "--to")?);
            let mut scratch = Scratch::new(&graph);
            let started = Instant::now();
            let found = if simple || in_time {
                corridor_graph::paths::simple_paths(
                    &graph,
                    &mut scratch,
                    a,
                    b,
                    &edge_filter,
                    Limits {
                        max_hops,
                        cap: limit,
                    },
                    in_time,
                )
            } else if all {
                corridor_graph::paths::all_shortest_paths(
                    &graph,
                    &mut scratch,
                    a,
                    b,
                    &edge_filter,
                    Limits {
                        max_hops,
                        cap: limit,
                    },
                )
            } else {
                let one = corridor_graph::paths::shortest_path(
                    &graph,
                    &mut scratch,
                    a,
                    b,
                    &edge_filter,
                    max_hops,
                );
                corridor_graph::Paths {
                    paths: one.into_iter().collect(),
                    truncated: false,
                }
            };
            eprintln!(
                "{} path(s){} in {:.1} ms",
                found.paths.len(),
                if found.truncated {
                    format!(" (more exist; --limit {limit})")
                } else {
                    String::new()
                },
                started.elapsed().as_secs_f64() * 1000.0
            );
            if found.paths.is_empty() {
                bail!("no path from {from} to {to} within {max_hops} hops under these filters");
            }
            let mut w = output(None)?;
            for path in &found.paths {
                writeln!(w, "{}", describe(&graph, path))?;
            }
            Ok(())
        }
        GraphCommand::Neighbourhood {
            edges,
            of,
            hops,
            limit,
            out,
            filter,
        } => {
            let graph = load(
                &edges,
                BuildOptions {
                    directed: filter.directed,
                    keep_edges: true,
                },
            )?;
            let edge_filter = edge_filter(&graph, &filter)?;
            let seed = node(&graph, &of, "--of")?;
            let mut scratch = Scratch::new(&graph);
            let found = corridor_graph::paths::neighbourhood(
                &graph,
                &mut scratch,
                &[seed],
                &edge_filter,
                hops,
                limit,
            );
            if found.truncated {
                eprintln!("stopped at --limit {limit} nodes: the neighbourhood is larger");
            }
            let mut w = csv::Writer::from_writer(output(out.as_deref())?);
            w.write_record(["node", "depth"])?;
            for (v, depth) in found.nodes {
                w.write_record([graph.name(v), &depth.to_string()])?;
            }
            w.flush()?;
            Ok(())
        }
        GraphCommand::Generate {
            nodes,
            edges,
            seed,
            out,
        } => generate(nodes, edges, seed, &out),
    }
}

fn node(graph: &Graph, key: &str, flag: &str) -> anyhow::Result<u32> {
    graph
        .node(key.trim())
        .with_context(|| format!("{flag}: `{key}` is not a node of this edge list"))
}

fn edge_filter(graph: &Graph, args: &FilterArgs) -> anyhow::Result<EdgeFilter> {
    let mut kinds = Vec::new();
    for name in &args.kind {
        match graph.kinds.iter().position(|k| k == name.trim()) {
            Some(i) => kinds.push(i as u16),
            None => bail!(
                "--kind {name}: no edge has that kind (kinds in the file: {})",
                graph
                    .kinds
                    .iter()
                    .filter(|k| !k.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
    let time = |flag: &str, value: &Option<String>| -> anyhow::Result<Option<i64>> {
        value
            .as_deref()
            .map(|v| {
                corridor_graph::edgelist::parse_time(v.trim()).with_context(|| {
                    format!("{flag} `{v}`: seconds since 1970 or a date like 2024-03-01T14:05:00Z")
                })
            })
            .transpose()
    };
    Ok(EdgeFilter {
        kinds,
        from: time("--since", &args.since)?,
        until: time("--until", &args.until)?,
        follow_direction: args.directed,
        edges: None,
    })
}

/// `a -[call 2024-03-01T10:00:00Z]-> b -[transfer]-> c`
fn describe(graph: &Graph, path: &corridor_graph::Path) -> String {
    let mut text = graph.name(path.start).to_string();
    for hop in &path.hops {
        let label = graph.edge_at(hop.slot).map(|(_, e)| {
            let mut parts = Vec::new();
            if e.kind != 0 {
                parts.push(graph.kinds[e.kind as usize].clone());
            }
            if let Some(t) = e.time {
                parts.push(corridor_model::types::format_unix_utc(t));
            }
            parts.join(" ")
        });
        match label.filter(|l| !l.is_empty()) {
            Some(label) => text.push_str(&format!(" -[{label}]-> ")),
            None => text.push_str(" -> "),
        }
        text.push_str(graph.name(hop.to));
    }
    text
}

fn generate(nodes: usize, edges: usize, seed: u64, out: &Path) -> anyhow::Result<()> {
    if nodes < 10 {
        bail!("--nodes must be at least 10");
    }
    let started = Instant::now();
    let planted =
        corridor_graph::generate::planted_partition(&corridor_graph::generate::PlantedPartition {
            nodes,
            edges,
            seed,
            ..Default::default()
        });
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let g = &planted.graph;
    let mut w = std::io::BufWriter::new(std::fs::File::create(out.join("edges.csv"))?);
    for &(a, b) in &planted.edges {
        writeln!(w, "{},{}", g.name(a), g.name(b))?;
    }
    w.flush()?;
    let mut w = std::io::BufWriter::new(std::fs::File::create(out.join("truth.csv"))?);
    writeln!(w, "node,cell,broker")?;
    for v in 0..g.node_count() {
        writeln!(
            w,
            "{},{},{}",
            g.name(v as u32),
            planted.cell_of[v],
            u8::from(planted.is_broker[v])
        )?;
    }
    w.flush()?;
    eprintln!(
        "{} nodes, {} edges, {} cells, {} brokers in {:.1} s -> {}",
        g.node_count(),
        planted.edges.len(),
        planted.cell_of.iter().max().map_or(0, |&c| c + 1),
        planted.is_broker.iter().filter(|&&b| b).count(),
        started.elapsed().as_secs_f64(),
        out.display()
    );
    Ok(())
}
