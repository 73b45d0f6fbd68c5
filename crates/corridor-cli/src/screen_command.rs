//! `corridor screen`: queries against a watchlist, both CSV, ranked and explained hits out.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use corridor_screen::{Person, Watchlist};

#[derive(clap::Args)]
pub struct ScreenArgs {
    /// The watchlist: CSV with columns id,name[,birth_date,nationality,document_number].
    #[arg(long)]
    watchlist: PathBuf,
    /// The people to screen, with the same columns.
    queries: PathBuf,
    /// Hits per query.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Write the hits here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Reads people from CSV (through the reader `corridor resolve` uses: non-UTF-8 text and
/// ragged rows are named by line); the error names the file, the line and the field.
fn read_people(path: &Path) -> anyhow::Result<Vec<Person>> {
    let table = crate::resolve_command::read_table(path)?;
    let name = &table.name;
    let col = |c: &str| table.columns.iter().position(|h| h.trim() == c);
    let (Some(id_col), Some(name_col)) = (col("id"), col("name")) else {
        bail!(
            "{name}: the header must name the columns id and name (and may add birth_date, nationality, document_number); it has {}",
            table.columns.join(",")
        );
    };
    let optional = [
        col("birth_date"),
        col("nationality"),
        col("document_number"),
    ];
    let mut out = Vec::with_capacity(table.rows.len());
    for (i, row) in table.rows.iter().enumerate() {
        let line = i + 2;
        let field = |c: Option<usize>| {
            c.and_then(|c| row.get(c))
                .map_or("", |v| v.trim())
                .to_string()
        };
        let person = Person {
            id: field(Some(id_col)),
            name: field(Some(name_col)),
            birth_date: field(optional[0]),
            nationality: field(optional[1]),
            document_number: field(optional[2]),
        };
        if person.id.is_empty() {
            bail!("{name} line {line}: id: empty");
        }
        corridor_screen::check(&person).map_err(|e| anyhow::anyhow!("{name} line {line}: {e}"))?;
        out.push(person);
    }
    if out.is_empty() {
        bail!("{name}: no rows");
    }
    Ok(out)
}

pub fn screen(args: ScreenArgs) -> anyhow::Result<()> {
    if args.top == 0 || args.top > 1000 {
        bail!("--top {}: 1 to 1000", args.top);
    }
    let entries = read_people(&args.watchlist)?;
    let queries = read_people(&args.queries)?;
    let started = std::time::Instant::now();
    let list = Watchlist::build(&entries);
    eprintln!(
        "indexed {} entries in {:.2} s; screening {} queries",
        list.len(),
        started.elapsed().as_secs_f64(),
        queries.len()
    );
    let sink: Box<dyn Write> = match &args.out {
        Some(p) => Box::new(
            std::fs::File::create(p).with_context(|| format!("cannot write {}", p.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(sink));
    w.write_record(["query_id", "entry_id", "score", "rank", "reasons"])?;
    let started = std::time::Instant::now();
    for q in &queries {
        for hit in list.screen(q, args.top) {
            w.write_record([
                q.id.as_str(),
                hit.entry_id.as_str(),
                &format!("{:.4}", hit.score),
                &hit.rank.to_string(),
                &hit.reasons.join("; "),
            ])?;
        }
    }
    w.flush()?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "screened {} queries in {secs:.2} s ({:.0} per second)",
        queries.len(),
        queries.len() as f64 / secs.max(1e-9)
    );
    Ok(())
}
