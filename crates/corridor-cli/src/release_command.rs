//! `corridor release`: statistical releases that expose no one, each written with its
//! manifest — protection data as k-anonymous microdata, incidents as tables with small cells
//! hidden, and a static HTML report of incidents.

use std::path::PathBuf;

use anyhow::Context as _;

use crate::commands::Context;

#[derive(clap::Subcommand)]
pub enum ReleaseCommand {
    /// Protection data as k-anonymous microdata with l-diversity (the built-in specification,
    /// or --spec FILE classifying every column). Writes DIR/data.csv and DIR/manifest.json.
    Protection {
        #[arg(long)]
        spec: Option<PathBuf>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Protection data as synthetic records, ε-differentially private, drawn from a noisy
    /// tree of marginals (the built-in specification, or --spec FILE); ε is charged to the
    /// dataset's privacy budget. Writes DIR/data.csv, DIR/marginals.json (the noisy marginals
    /// and how closely the records keep them) and DIR/manifest.json.
    Synthetic {
        #[arg(long)]
        spec: Option<PathBuf>,
        #[arg(long)]
        epsilon: Option<f64>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Incidents counted by two keys (year, month, route, cause), counts below the threshold
    /// hidden and complementary cells after them. Writes DIR/table.csv and DIR/manifest.json.
    Incidents {
        #[arg(long, default_value = "route")]
        rows: String,
        #[arg(long, default_value = "year")]
        columns: String,
        #[arg(long, default_value_t = 5)]
        threshold: u64,
        #[arg(long)]
        dataset: Option<String>,
        #[arg(long)]
        out: PathBuf,
    },
    /// A static HTML report of the incidents (charts, a map on bundled land, the route × year
    /// table with small cells hidden, the manifest) to publish as is: one file, nothing
    /// fetched. Writes DIR/index.html and DIR/manifest.json.
    Report {
        #[arg(long, default_value_t = 5)]
        threshold: u64,
        #[arg(long)]
        dataset: Option<String>,
        #[arg(long)]
        out: PathBuf,
    },
}

fn write(dir: &PathBuf, name: &str, text: &str) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(name);
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
}

pub fn run(ctx: &Context, command: ReleaseCommand) -> anyhow::Result<()> {
    let node = ctx.node(1)?;
    match command {
        ReleaseCommand::Protection { spec, out } => {
            let officer = protection_officer(ctx);
            let text = match &spec {
                Some(p) => Some(
                    std::fs::read_to_string(p)
                        .with_context(|| format!("cannot read {}", p.display()))?,
                ),
                None => None,
            };
            let release = node.release_protection_microdata(&officer, text.as_deref())?;
            write(&out, "data.csv", &release.csv())?;
            write(
                &out,
                "manifest.json",
                &serde_json::to_string_pretty(&release.manifest)?,
            )?;
            eprintln!(
                "{}: {} rows released; suppressed {}; information loss {}",
                out.display(),
                release.rows.len(),
                release.manifest.suppressed,
                release.manifest.information_loss["total"]
            );
            Ok(())
        }
        ReleaseCommand::Synthetic { spec, epsilon, out } => {
            let text = match &spec {
                Some(p) => Some(
                    std::fs::read_to_string(p)
                        .with_context(|| format!("cannot read {}", p.display()))?,
                ),
                None => None,
            };
            let release = node.release_protection_synthetic(
                &protection_officer(ctx),
                text.as_deref(),
                epsilon,
            )?;
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(&release.header)?;
            for r in &release.rows {
                w.write_record(r)?;
            }
            write(&out, "data.csv", &String::from_utf8(w.into_inner()?)?)?;
            write(
                &out,
                "marginals.json",
                &serde_json::to_string_pretty(&serde_json::json!({
                    "marginals": release.marginals, "fidelity": release.fidelity}))?,
            )?;
            write(
                &out,
                "manifest.json",
                &serde_json::to_string_pretty(&release.manifest)?,
            )?;
            eprintln!(
                "{}: {} synthetic records at ε {}; total variation from the published marginals: {}",
                out.display(),
                release.rows.len(),
                release.manifest.privacy_spent,
                release
                    .fidelity
                    .iter()
                    .map(|f| format!("{} {:.3}", f.marginal, f.total_variation))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let worst = release.manifest.information_loss["worst_total_variation"]
                .as_f64()
                .unwrap_or(1.0);
            if worst > 0.25 {
                eprintln!(
                    "  note: the noise outweighs much of the data here ({} persons, ε {}): a coarser level or fewer attributes in the specification keep more",
                    release.manifest.parameters["persons"], release.manifest.privacy_spent
                );
            }
            Ok(())
        }
        ReleaseCommand::Report {
            threshold,
            dataset,
            out,
        } => {
            let me = crate::border_command::operator(ctx);
            let report = node.release_incident_report(&me, dataset.as_deref(), threshold)?;
            write(&out, "index.html", &report.html)?;
            write(
                &out,
                "manifest.json",
                &serde_json::to_string_pretty(&report.manifest)?,
            )?;
            eprintln!(
                "{}: the report of {} incidents; {} cells of the table hidden; {} map cells drawn, {} with fewer than {threshold} incidents not drawn",
                out.join("index.html").display(),
                report.manifest.input_rows,
                report.manifest.suppressed["primary"].as_u64().unwrap_or(0)
                    + report.manifest.suppressed["secondary"]
                        .as_u64()
                        .unwrap_or(0),
                report.cells_drawn,
                report.cells_hidden
            );
            Ok(())
        }
        ReleaseCommand::Incidents {
            rows,
            columns,
            threshold,
            dataset,
            out,
        } => {
            let me = crate::border_command::operator(ctx);
            let (table, manifest) =
                node.release_incident_table(&me, dataset.as_deref(), &rows, &columns, threshold)?;
            let mut w = csv::Writer::from_writer(Vec::new());
            let mut header = vec![rows.clone()];
            header.extend(table.columns.iter().cloned());
            header.push("total".into());
            w.write_record(&header)?;
            for (i, name) in table.rows.iter().enumerate() {
                let mut record = vec![name.clone()];
                record.extend(
                    table.cells[i]
                        .iter()
                        .map(|c| c.map_or("x".to_string(), |v| v.to_string())),
                );
                record.push(table.row_totals[i].to_string());
                w.write_record(&record)?;
            }
            let mut totals = vec!["total".to_string()];
            totals.extend(table.column_totals.iter().map(|t| t.to_string()));
            totals.push(table.column_totals.iter().sum::<u64>().to_string());
            w.write_record(&totals)?;
            write(&out, "table.csv", &String::from_utf8(w.into_inner()?)?)?;
            write(
                &out,
                "manifest.json",
                &serde_json::to_string_pretty(&manifest)?,
            )?;
            eprintln!(
                "{}: {} × {} cells, {} hidden (x)",
                out.display(),
                table.rows.len(),
                table.columns.len(),
                table.primary + table.secondary
            );
            Ok(())
        }
    }
}

/// Protection releases on the node's own machine are made as a protection officer would.
fn protection_officer(ctx: &Context) -> corridor_policy::Subject {
    corridor_policy::Subject {
        username: ctx.user.clone(),
        roles: vec!["protection_officer".into()],
        reason: Some("statistical release on the node's command line".into()),
    }
}
