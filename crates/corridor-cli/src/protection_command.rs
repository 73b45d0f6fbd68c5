//! `corridor protection`: HTCDS files in and out, the retention report and the purge, run on
//! the node's own machine. The command line acts as a protection officer named after the
//! operator (`--user`), and everything it does is audited as theirs.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;

use crate::commands::Context;

#[derive(clap::Subcommand)]
pub enum ProtectionCommand {
    /// Register the persons of an HTCDS v2 file (CSV with the standard's column names): all
    /// rows or none; bad values are named by line and column.
    ImportHtcds {
        file: PathBuf,
        /// Where the persons are registered.
        #[arg(long)]
        place: String,
    },
    /// Write every registration as an HTCDS v2 file.
    ExportHtcds {
        #[arg(long)]
        out: PathBuf,
    },
    /// Who is due for purging (retention run out) and who is held, as JSON.
    Retention,
    /// Purge everyone due: their protection records are deleted for good (audited). Needs
    /// --yes.
    Purge {
        #[arg(long)]
        yes: bool,
    },
}

fn officer(ctx: &Context) -> corridor_policy::Subject {
    corridor_policy::Subject {
        username: ctx.user.clone(),
        roles: vec!["protection_officer".into()],
        reason: Some("protection work on the node's command line".into()),
    }
}

pub fn run(ctx: &Context, command: ProtectionCommand) -> anyhow::Result<()> {
    let node = ctx.node(1)?;
    let s = officer(ctx);
    match command {
        ProtectionCommand::ImportHtcds { file, place } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let name = file.display().to_string();
            let imported = node.htcds_import(&s, &place, &name, &bytes)?;
            let drafts = imported
                .result
                .persons
                .iter()
                .filter(|p| p.status == "draft")
                .count();
            eprintln!(
                "{name}: {} persons registered at {place} ({drafts} drafts){}",
                imported.result.persons.len(),
                if imported.ignored_columns.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; columns not read: {}",
                        imported.ignored_columns.join(", ")
                    )
                }
            );
            print(&imported)
        }
        ProtectionCommand::ExportHtcds { out } => {
            let text = node.htcds_export(&s)?;
            std::fs::write(&out, &text)
                .with_context(|| format!("cannot write {}", out.display()))?;
            eprintln!(
                "{}: {} registrations",
                out.display(),
                text.lines().count().saturating_sub(1)
            );
            Ok(())
        }
        ProtectionCommand::Retention => print(&node.retention_report(&s)?),
        ProtectionCommand::Purge { yes } => {
            if !yes {
                let report = node.retention_report(&s)?;
                anyhow::bail!(
                    "{} persons are due for purging; their records are deleted for good: run again with --yes",
                    report.due.len()
                );
            }
            let report = node.purge_expired(&s)?;
            eprintln!(
                "purged {} persons ({} facts)",
                report.purged_persons, report.purged_statements
            );
            print(&report)
        }
    }
}

fn print(value: &impl serde::Serialize) -> anyhow::Result<()> {
    writeln!(
        std::io::stdout().lock(),
        "{}",
        serde_json::to_string_pretty(value)?
    )?;
    Ok(())
}
