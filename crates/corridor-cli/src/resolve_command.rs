//! `corridor resolve`: entity resolution on CSV files, as Splink users work — deduplicate one
//! file or link two, with settings as data (or proposed from the columns), and write scored
//! pairs with their evidence and clusters.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use corridor_resolve::{Judgements, Settings, Table};

/// `corridor resolve`: its arguments are the contract scripts rely on.
#[derive(clap::Args)]
pub struct ResolveArgs {
    /// The linkage settings (YAML); without it they are proposed from the column names.
    #[arg(long)]
    pub settings: Option<PathBuf>,
    /// One CSV to deduplicate, or two to link.
    #[arg(required = true, num_args = 1..=2)]
    pub inputs: Vec<PathBuf>,
    #[arg(long)]
    pub out: PathBuf,
    /// Analysts' judgements (CSV: left_id, right_id, judgement = same|different|unsure).
    #[arg(long)]
    pub judgements: Option<PathBuf>,
    /// Also write every candidate pair blocking produced (left_id,right_id), to measure
    /// blocking recall.
    #[arg(long)]
    pub candidates: Option<PathBuf>,
    /// A compact pairs.csv for runs with tens of millions of pairs: no explanation text, and
    /// each comparison's level as its number (model.yaml lists the levels in order, from 1;
    /// 0 is null, and identical records read `identical`); the bits stay.
    #[arg(long)]
    pub brief: bool,
    /// No progress lines.
    #[arg(long)]
    pub quiet: bool,
}

/// Reads a CSV file whole; errors name the file and line (non-UTF-8 text included).
pub(crate) fn read_table(path: &Path) -> anyhow::Result<Table> {
    let name = path.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(path)
        .with_context(|| format!("cannot read {name}"))?;
    let columns: Vec<String> = reader
        .headers()
        .map_err(|e| anyhow::anyhow!("{name}: header: {}", csv_problem(&e)))?
        .iter()
        .map(|c| c.trim_start_matches('\u{feff}').to_string())
        .collect();
    if columns.iter().all(String::is_empty) {
        bail!("{name}: the file is empty (no header)");
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| anyhow::anyhow!("{name}: {}", csv_problem(&e)))?;
        rows.push(record.iter().map(String::from).collect());
    }
    Ok(Table {
        name,
        columns,
        rows,
    })
}

fn csv_problem(e: &csv::Error) -> String {
    let line = e
        .position()
        .map(|p| format!("line {}: ", p.line()))
        .unwrap_or_default();
    match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => {
            format!(
                "{line}field {}: not valid UTF-8 text (save the file as UTF-8)",
                err.field() + 1
            )
        }
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("{line}{len} fields where the header has {expected_len}")
        }
        _ => format!("{line}{e}"),
    }
}

fn read_judgements(path: &Path) -> anyhow::Result<Judgements> {
    let table = read_table(path)?;
    let col =
        |n: &str| {
            table.columns.iter().position(|c| c == n).with_context(|| {
                format!("{}: needs columns left_id,right_id,judgement", table.name)
            })
        };
    let (l, r, j) = (col("left_id")?, col("right_id")?, col("judgement")?);
    let mut out = Judgements::default();
    for (i, row) in table.rows.iter().enumerate() {
        let pair = (row[l].clone(), row[r].clone());
        match row[j].as_str() {
            "same" => out.same.push(pair),
            "different" => out.different.push(pair),
            "unsure" => {}
            other => bail!(
                "{} line {}: judgement {other:?}: use same, different or unsure",
                table.name,
                i + 2
            ),
        }
    }
    Ok(out)
}

pub fn resolve(args: ResolveArgs) -> anyhow::Result<()> {
    if args.inputs.is_empty() || args.inputs.len() > 2 {
        bail!("give one CSV file to deduplicate or two to link");
    }
    let tables: Vec<Table> = args
        .inputs
        .iter()
        .map(|p| read_table(p))
        .collect::<anyhow::Result<_>>()?;
    let settings = match &args.settings {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read settings {}", path.display()))?;
            Settings::parse(&path.display().to_string(), &text)?
        }
        None => {
            let (settings, why) = Settings::propose(&tables[0].columns)?;
            eprintln!(
                "no --settings: proposed from the columns of {}:",
                tables[0].name
            );
            for line in why {
                eprintln!("  {line}");
            }
            settings
        }
    };
    let judgements = match &args.judgements {
        Some(p) => read_judgements(p)?,
        None => Judgements::default(),
    };
    let started = std::time::Instant::now();
    let quiet = args.quiet;
    let mut progress = |m: &str| {
        if !quiet {
            eprintln!("[{:6.2}s] {m}", started.elapsed().as_secs_f64());
        }
    };
    let options = corridor_resolve::Options {
        keep_candidates: args.candidates.is_some(),
        levels_only: args.brief,
    };
    let result =
        corridor_resolve::resolve_owned(&settings, tables, &judgements, options, &mut progress)?;
    if let (Some(path), Some(candidates)) = (&args.candidates, &result.candidates) {
        let mut w = std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?,
        );
        writeln!(w, "left_id,right_id")?;
        let mut csv = csv::Writer::from_writer(w);
        for (i, list) in candidates.iter().enumerate() {
            for j in list {
                csv.write_record([&result.ids[i], &result.ids[*j as usize]])?;
            }
        }
        csv.flush()?;
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    write_pairs(&args.out.join("pairs.csv"), &settings, &result, args.brief)?;
    write_clusters(&args.out.join("clusters.csv"), &result)?;
    std::fs::write(args.out.join("settings.yaml"), settings.to_yaml())?;
    write_model(&args.out.join("model.yaml"), &settings, &result.parameters)?;
    let s = &result.stats;
    println!(
        "resolved {} records in {:.2} s: {} candidate pairs, {} pairs written (probability >= {}), {} clusters (largest {}) into {}",
        s.records,
        started.elapsed().as_secs_f64(),
        s.candidate_pairs,
        s.pairs_above_review,
        settings.thresholds.review,
        s.clusters,
        s.largest_cluster,
        args.out.display()
    );
    Ok(())
}

/// One CSV field, quoted when it needs to be.
fn csv_field(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\"")).into()
    } else {
        text.into()
    }
}

/// Writes every pair of records at or above the review threshold. Millions of rows share a
/// few hundred thousand scored pairs between representatives, so each scored pair's part of
/// the row (probability, evidence, explanation) is formatted once and the rows are the two
/// ids and that part, copied.
fn write_pairs(
    path: &Path,
    settings: &Settings,
    result: &corridor_resolve::Resolution,
    brief: bool,
) -> anyhow::Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    let mut header = vec![
        "left_id".to_string(),
        "right_id".into(),
        "probability".into(),
        "match_weight".into(),
    ];
    for c in &settings.comparisons {
        header.push(csv_field(&format!("{}_level", c.name)).into_owned());
        header.push(csv_field(&format!("{}_bits", c.name)).into_owned());
    }
    if !brief {
        header.push("explanation".into());
    }
    writeln!(w, "{}", header.join(","))?;
    let ids: Vec<std::borrow::Cow<'_, str>> = result.ids.iter().map(|id| csv_field(id)).collect();
    let labels: Vec<Vec<String>> = settings
        .comparisons
        .iter()
        .map(|c| {
            c.kind
                .levels()
                .iter()
                .enumerate()
                .map(|(n, l)| {
                    if brief {
                        n.to_string()
                    } else {
                        csv_field(l).into_owned()
                    }
                })
                .collect()
        })
        .collect();
    let rest_of = |p: &corridor_resolve::ScoredPair| -> String {
        use std::fmt::Write as _;
        let mut row = String::with_capacity(160);
        let _ = write!(row, ",{:.6},{:.3}", p.probability, p.bits);
        if p.evidence.is_empty() {
            for _ in &settings.comparisons {
                row.push_str(",identical,");
            }
        }
        for (c, e) in p.evidence.iter().enumerate() {
            let _ = write!(row, ",{},{:.3}", labels[c][e.level], e.bits);
        }
        if !brief {
            row.push(',');
            row.push_str(&csv_field(&p.explanation(settings)));
        }
        row.push('\n');
        row
    };
    let mut failed = None;
    let mut last: (*const corridor_resolve::ScoredPair, String) = (std::ptr::null(), String::new());
    result.record_pairs(&mut |left, right, p| {
        if failed.is_some() {
            return;
        }
        if !std::ptr::eq(last.0, p) {
            last = (p, rest_of(p));
        }
        let row = [
            ids[left as usize].as_bytes(),
            b",",
            ids[right as usize].as_bytes(),
            last.1.as_bytes(),
        ];
        for part in row {
            if let Err(e) = w.write_all(part) {
                failed = Some(e);
                return;
            }
        }
    });
    if let Some(e) = failed {
        return Err(anyhow::Error::from(e).context(format!("writing {}", path.display())));
    }
    w.flush()?;
    Ok(())
}

fn write_clusters(path: &Path, result: &corridor_resolve::Resolution) -> anyhow::Result<()> {
    let mut w = std::io::BufWriter::new(
        std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?,
    );
    writeln!(w, "record_id,cluster_id")?;
    let mut csv = csv::Writer::from_writer(w);
    for (id, cluster) in result.ids.iter().zip(&result.clusters) {
        csv.write_record([id, cluster])?;
    }
    csv.flush()?;
    Ok(())
}

/// The estimated model, level by level: what each agreement is worth and why.
fn write_model(
    path: &Path,
    settings: &Settings,
    p: &corridor_resolve::model::Parameters,
) -> anyhow::Result<()> {
    let mut text = format!(
        "# Estimated by corridor resolve: m = P(level | same), u = P(level | different), bits = log2(m/u)\nprior_match_share: {:.6}\nem_iterations: {}\ncomparisons:\n",
        p.lambda, p.em_iterations
    );
    for (c, spec) in settings.comparisons.iter().enumerate() {
        text.push_str(&format!("  {}:\n", spec.name));
        for (l, label) in spec.kind.levels().iter().enumerate().skip(1) {
            text.push_str(&format!(
                "    - {{level: {l}, name: {label:?}, m: {:.6}, u: {:.6}, bits: {:.2}}}\n",
                p.m[c][l],
                p.u[c][l],
                p.bits(c, l)
            ));
        }
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}
