//! Incremental linking benchmark (run by `bench/er-incremental.sh`, not by the tests): builds
//! an index from BASE.csv with a full run, then links each record of NEW.csv one at a time,
//! timing each, and scores where each landed against the truth (`record_id,cluster`).
//!
//!   er_incremental SETTINGS.yaml BASE.csv NEW.csv TRUTH.csv
//!
//! Figures on stdout, one `name=value` per line: build seconds, link latency percentiles, and
//! the precision, recall and F1 of the links the new records made (a new record's links are
//! the other records of the cluster it joined).

use std::collections::HashMap;
use std::time::Instant;

use anyhow::{Context, bail};
use corridor_resolve::incremental::{Index, Record};
use corridor_resolve::{Settings, Table};

/// The allocator the `corridor` binary uses, so that the figures are the product's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn read(path: &str) -> anyhow::Result<Table> {
    let mut reader = csv::Reader::from_path(path).with_context(|| format!("reading {path}"))?;
    let columns: Vec<String> = reader.headers()?.iter().map(String::from).collect();
    let mut rows = Vec::new();
    for r in reader.records() {
        rows.push(r?.iter().map(String::from).collect());
    }
    Ok(Table {
        name: path.to_string(),
        columns,
        rows,
    })
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 5 {
        bail!("usage: er_incremental SETTINGS.yaml BASE.csv NEW.csv TRUTH.csv");
    }
    let settings = Settings::parse(&args[1], &std::fs::read_to_string(&args[1])?)?;
    let base = read(&args[2])?;
    let new = read(&args[3])?;
    let truth: HashMap<String, String> = {
        let t = read(&args[4])?;
        t.rows
            .into_iter()
            .map(|r| (r[0].clone(), r[1].clone()))
            .collect()
    };
    // Per true person, the base records that are theirs.
    let id_col = base
        .columns
        .iter()
        .position(|c| *c == settings.unique_id)
        .context("no id column")?;
    // Per true person, how many of its records the index holds (base, then new ones as they
    // are linked): the links a new record of that person should make.
    let mut held: HashMap<String, u64> = HashMap::new();
    for r in &base.rows {
        if let Some(p) = truth.get(&r[id_col]) {
            *held.entry(p.clone()).or_default() += 1;
        }
    }

    let t = Instant::now();
    let (mut index, _) = Index::build(&settings, &base, &[], &mut |m| eprintln!("build: {m}"))?;
    let build_seconds = t.elapsed().as_secs_f64();
    eprintln!(
        "built in {build_seconds:.1} s; linking {} records",
        new.rows.len()
    );

    let mut latencies = Vec::with_capacity(new.rows.len());
    let (mut tp, mut fp, mut fneg) = (0u64, 0u64, 0u64);
    let mut compared = 0usize;
    // New records with true matches in the index that joined no cluster, or a wrong one.
    let (mut alone, mut elsewhere) = (0u64, 0u64);
    for row in &new.rows {
        let record = Record {
            id: row[id_col].clone(),
            values: new
                .columns
                .iter()
                .cloned()
                .zip(row.iter().cloned())
                .collect(),
        };
        let t = Instant::now();
        let linked = index.link(&record)?;
        latencies.push(t.elapsed().as_secs_f64() * 1000.0);
        compared += linked.compared;
        let person = truth.get(&record.id).map(String::as_str);
        let mut right = 0u64;
        for other in &linked.joined {
            if person.is_some() && truth.get(other).map(String::as_str) == person {
                right += 1;
            } else {
                fp += 1;
            }
        }
        tp += right;
        if let Some(p) = person {
            let should = held.entry(p.to_string()).or_default();
            if *should > 0 && linked.joined.is_empty() {
                alone += 1;
                if std::env::var("ER_DEBUG").is_ok() && alone <= 5 {
                    eprintln!(
                        "alone: {record:?}; best matches: {:?}",
                        linked
                            .matches
                            .iter()
                            .take(3)
                            .map(|m| (&m.other, m.probability))
                            .collect::<Vec<_>>()
                    );
                }
            } else if *should > 0 && right == 0 {
                elsewhere += 1;
            }
            fneg += should.saturating_sub(right);
            *should += 1;
        }
    }
    latencies.sort_by(f64::total_cmp);
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fneg).max(1) as f64;
    let f1 = 2.0 * precision * recall / (precision + recall).max(f64::MIN_POSITIVE);
    println!("base_records={}", index.len() - new.rows.len());
    println!("new_records={}", new.rows.len());
    println!("build_seconds={build_seconds:.2}");
    println!("link_p50_ms={:.3}", percentile(&latencies, 0.5));
    println!("link_p95_ms={:.3}", percentile(&latencies, 0.95));
    println!("link_p99_ms={:.3}", percentile(&latencies, 0.99));
    println!(
        "link_max_ms={:.3}",
        latencies.last().copied().unwrap_or(0.0)
    );
    println!(
        "compared_per_record={:.1}",
        compared as f64 / new.rows.len().max(1) as f64
    );
    println!("alone_with_matches={alone}");
    println!("joined_wrong_cluster={elsewhere}");
    println!("precision={precision:.4}");
    println!("recall={recall:.4}");
    println!("f1={f1:.4}");
    Ok(())
}
