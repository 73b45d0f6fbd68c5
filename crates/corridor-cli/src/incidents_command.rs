//! `corridor incidents`: research data in the node — the Missing Migrants Project's files in
//! any of their shapes, Frontex's and the Darién's counts — and summaries of incidents.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;

use crate::border_command::operator;
use crate::commands::Context;

#[derive(clap::Subcommand)]
pub enum IncidentsCommand {
    /// Smuggling fees per person (USD) by route, leg or service: payments, median, quartiles
    /// and the trend of the yearly medians, as CSV (groups under 11 payments: the count only).
    Fees {
        #[arg(long, value_parser = ["route", "leg", "service"], default_value = "route")]
        by: String,
    },
    /// How migrants are smuggled: modus-operandi frequencies of smuggling incidents by route,
    /// leg or all, as CSV (KEY,modus_operandi,incidents,migrants,share).
    Modus {
        #[arg(long, value_parser = ["route", "leg", "all"], default_value = "route")]
        by: String,
    },
    /// Import a file: `--format mmp` (recognising IOM's cleaned extract, the 19-column export
    /// and the official download by their header) or `--format detections` (Frontex's
    /// detections, the Darién's transits). All or nothing; bad rows named by line and column.
    Import {
        #[arg(long, value_parser = ["mmp", "detections"])]
        format: String,
        file: PathBuf,
    },
    /// Incidents and dead and missing by year, route, month or cause, as CSV whose first
    /// columns are KEY,incidents,dead_and_missing (an incident with two causes counts under
    /// both).
    Summary {
        #[arg(long, value_parser = ["year", "route", "month", "cause", "region"])]
        by: String,
        /// Only the incidents of this dataset (mmp-iom-cleaned, mmp-kaggle-19, mmp-official,
        /// …): files of one source in different shapes hold the same incidents.
        #[arg(long)]
        dataset: Option<String>,
    },
}

pub fn run(ctx: &Context, command: IncidentsCommand) -> anyhow::Result<()> {
    let node = ctx.node(1)?;
    let me = operator(ctx);
    match command {
        IncidentsCommand::Fees { by } => {
            let rows = node.fee_summary(&me, &by)?;
            let mut out = format!("{by},payments,median_usd,q1_usd,q3_usd,trend_usd_per_year\n");
            let num = |v: Option<f64>| v.map(|v| format!("{v:.0}")).unwrap_or_default();
            for r in rows {
                out.push_str(&format!(
                    "{},{},{},{},{},{}\n",
                    csv_cell(&r.key),
                    r.payments,
                    num(r.median),
                    num(r.q1),
                    num(r.q3),
                    num(r.trend_usd_per_year)
                ));
            }
            write!(std::io::stdout().lock(), "{out}")?;
            Ok(())
        }
        IncidentsCommand::Modus { by } => {
            let rows = node.modus_operandi(&me, &by)?;
            let mut out = format!("{by},modus_operandi,incidents,migrants,share\n");
            for r in rows {
                out.push_str(&format!(
                    "{},{},{},{},{:.3}\n",
                    csv_cell(&r.key),
                    r.modus_operandi,
                    r.incidents,
                    r.migrants,
                    r.share
                ));
            }
            write!(std::io::stdout().lock(), "{out}")?;
            Ok(())
        }
        IncidentsCommand::Import { format, file } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let name = file.display().to_string();
            let report = node.import_research(&me, &format, &name, &bytes)?;
            eprintln!(
                "{name}: {} ({} records): {} statements new, {} already present",
                report.shape,
                report.records,
                report.statements_written,
                report.statements_already_present
            );
            for c in &report.caveats {
                eprintln!("  note: {c}");
            }
            Ok(())
        }
        IncidentsCommand::Summary { by, dataset } => {
            let by = corridor_research::summary::By::parse(&by).map_err(anyhow::Error::msg)?;
            if dataset.is_none() {
                let datasets = node.incident_datasets(&me)?;
                let mmp: Vec<&String> = datasets.keys().filter(|d| d.starts_with("mmp-")).collect();
                if mmp.len() > 1 {
                    eprintln!(
                        "note: incidents of one source in several shapes ({}) are counted in each: give --dataset to count one",
                        mmp.iter()
                            .map(|d| d.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                }
            }
            let rows = node.incident_summary(&me, by, dataset.as_deref())?;
            let key = match by {
                corridor_research::summary::By::Year => "year",
                corridor_research::summary::By::Route => "route",
                corridor_research::summary::By::Month => "month",
                corridor_research::summary::By::Cause => "cause",
                corridor_research::summary::By::Region => "region",
            };
            write!(
                std::io::stdout().lock(),
                "{}",
                corridor_research::summary::to_csv(&rows, key)
            )?;
            Ok(())
        }
    }
}

/// A CSV cell: quoted when it holds a comma or a quote.
fn csv_cell(value: &str) -> String {
    if value.contains([',', '"']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}
