//! Screening benchmark (run by `bench/screen.sh`, not by the tests): builds the watchlist index
//! from ENTRIES.csv, screens each query of QUERIES.csv alone on one thread (latency), then all
//! of them on every core (throughput, the median of three passes), and scores the top 10
//! against TRUTH.csv.
//!
//!   screen_bench ENTRIES.csv QUERIES.csv TRUTH.csv
//!
//! Figures on stdout, one `name=value` per line.

use std::collections::HashMap;
use std::time::Instant;

use anyhow::{Context, bail};
use corridor_screen::{Person, Watchlist};

/// The allocator the `corridor` binary uses, so that the figures are the product's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn read(path: &str) -> anyhow::Result<Vec<Vec<String>>> {
    let mut reader = csv::Reader::from_path(path).with_context(|| format!("reading {path}"))?;
    let mut rows = Vec::new();
    for r in reader.records() {
        rows.push(r?.iter().map(String::from).collect());
    }
    Ok(rows)
}

fn people(rows: &[Vec<String>]) -> Vec<Person> {
    rows.iter()
        .map(|r| Person {
            id: r[0].clone(),
            name: r[1].clone(),
            birth_date: r[2].clone(),
            nationality: r[3].clone(),
            document_number: r[4].clone(),
        })
        .collect()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[(((sorted.len() - 1) as f64) * p).round() as usize]
}

/// The machine's read latency now, in ns: a chase through one random cycle over `bytes`, each
/// step waiting on the last (as lmbench's lat_mem_rd reads it). Over 64 MB it is the memory's;
/// over 16 KB the core's own cache's, which moves with the core's clock. A query is bound by
/// such reads, so on a shared machine its throughput moves with these figures; printed before
/// and after the timed runs so that a run can be read against the state the machine was in.
fn read_latency_ns(bytes: usize) -> f64 {
    let n = bytes / 4;
    // Sattolo's shuffle: one cycle through every slot, so the chase cannot settle in a short
    // loop the caches hold.
    let mut next: Vec<u32> = (0..n as u32).collect();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    for i in (1..n).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        next.swap(i, (state % i as u64) as usize);
    }
    let steps = 4_000_000;
    let t = Instant::now();
    let mut at = 0usize;
    for _ in 0..steps {
        at = next[at] as usize;
    }
    std::hint::black_box(at);
    t.elapsed().as_secs_f64() * 1e9 / steps as f64
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        bail!("usage: screen_bench ENTRIES.csv QUERIES.csv TRUTH.csv");
    }
    let entries = people(&read(&args[1])?);
    let queries = people(&read(&args[2])?);
    let truth: HashMap<String, (String, String)> = read(&args[3])?
        .into_iter()
        .map(|r| (r[0].clone(), (r[1].clone(), r[2].clone())))
        .collect();

    let t = Instant::now();
    let list = Watchlist::build(&entries);
    let build = t.elapsed().as_secs_f64();

    let latency_before = (read_latency_ns(64 << 20), read_latency_ns(16 << 10));
    // Latency: one query at a time, one thread.
    let mut latencies = Vec::with_capacity(queries.len());
    let mut results = Vec::with_capacity(queries.len());
    for q in &queries {
        let t = Instant::now();
        let hits = list.screen(q, 10);
        latencies.push(t.elapsed().as_secs_f64() * 1000.0);
        results.push(hits);
    }
    latencies.sort_by(f64::total_cmp);
    let single = queries.len() as f64 / (latencies.iter().sum::<f64>() / 1000.0);

    // Throughput: every core, queries split between threads; the median of three passes (on a
    // shared machine one pass moves by a fifth with what its neighbours do).
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut passes: Vec<f64> = (0..3)
        .map(|_| {
            let t = Instant::now();
            std::thread::scope(|s| {
                for chunk in queries.chunks(queries.len().div_ceil(threads).max(1)) {
                    let list = &list;
                    s.spawn(move || {
                        for q in chunk {
                            std::hint::black_box(list.screen(q, 10));
                        }
                    });
                }
            });
            queries.len() as f64 / t.elapsed().as_secs_f64()
        })
        .collect();
    passes.sort_by(f64::total_cmp);
    let all = passes[1];
    let latency_after = (read_latency_ns(64 << 20), read_latency_ns(16 << 10));

    let (mut at1, mut at10, mut other, mut other10) = (0, 0, 0, 0);
    for (q, hits) in queries.iter().zip(&results) {
        let Some((want, script)) = truth.get(&q.id) else {
            continue;
        };
        at1 += usize::from(hits.first().is_some_and(|h| &h.entry_id == want));
        let found = hits.iter().any(|h| &h.entry_id == want);
        at10 += usize::from(found);
        if script == "other" {
            other += 1;
            other10 += usize::from(found);
        }
    }
    // SCREEN_HITS=FILE writes every query's hits with their scores and reasons, for comparing
    // two engines' answers (the same hits, in the same order, said the same way).
    if let Ok(path) = std::env::var("SCREEN_HITS") {
        let mut out = csv::Writer::from_path(&path)?;
        out.write_record(["query_id", "rank", "entry_id", "score", "reasons"])?;
        for (q, hits) in queries.iter().zip(&results) {
            for h in hits {
                out.write_record([
                    q.id.as_str(),
                    &h.rank.to_string(),
                    h.entry_id.as_str(),
                    &format!("{:.6}", h.score),
                    &h.reasons.join("; "),
                ])?;
            }
        }
        out.flush()?;
    }
    // SCREEN_MISSES=FILE writes the queries whose entry is not in the top 10, with the first
    // hit, the tenth hit's score and what the wanted entry scores, for reading the misses.
    if let Ok(path) = std::env::var("SCREEN_MISSES") {
        let name_of: HashMap<&str, &str> = entries
            .iter()
            .map(|e| (e.id.as_str(), e.name.as_str()))
            .collect();
        let mut out = csv::Writer::from_path(&path)?;
        out.write_record([
            "query_id",
            "query",
            "want",
            "want_name",
            "want_score",
            "first_name",
            "first_score",
            "tenth_score",
            "want_reasons",
        ])?;
        for (q, hits) in queries.iter().zip(&results) {
            if let Some((want, _)) = truth.get(&q.id)
                && !hits.iter().any(|h| &h.entry_id == want)
            {
                let (score, reasons) = list.score_entry(q, want).unwrap_or_default();
                let first = hits.first();
                out.write_record([
                    q.id.as_str(),
                    q.name.as_str(),
                    want,
                    name_of.get(want.as_str()).copied().unwrap_or(""),
                    &format!("{score:.4}"),
                    first.map_or("", |h| {
                        name_of.get(h.entry_id.as_str()).copied().unwrap_or("")
                    }),
                    &first.map_or(String::new(), |h| format!("{:.4}", h.score)),
                    &hits
                        .last()
                        .map_or(String::new(), |h| format!("{:.4}", h.score)),
                    &reasons.join("; "),
                ])?;
            }
        }
        out.flush()?;
    }
    let n = queries.len().max(1) as f64;
    println!("entries={}", list.len());
    println!("queries={}", queries.len());
    println!("build_seconds={build:.2}");
    println!("latency_p50_ms={:.3}", percentile(&latencies, 0.5));
    println!("latency_p99_ms={:.3}", percentile(&latencies, 0.99));
    println!("queries_per_second_one_thread={single:.0}");
    println!("queries_per_second_all_cores={all:.0}");
    println!("threads={threads}");
    println!("memory_latency_ns_before={:.1}", latency_before.0);
    println!("memory_latency_ns_after={:.1}", latency_after.0);
    println!("l1_latency_ns_before={:.2}", latency_before.1);
    println!("l1_latency_ns_after={:.2}", latency_after.1);
    println!("recall_at_1={:.4}", at1 as f64 / n);
    println!("recall_at_10={:.4}", at10 as f64 / n);
    println!("other_script_queries={other}");
    println!(
        "other_script_recall_at_10={:.4}",
        other10 as f64 / other.max(1) as f64
    );
    Ok(())
}
