//! `corridor watchlist`, `corridor crossing`, `corridor alerts`: border management from the
//! node's own machine. The command line acts as the node operator (the built-in
//! `node_operator` role), audited under --user.

use std::io::{Read, Write};
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use corridor_node::border::{AlertFilter, CrossingInput, WatchlistImport};
use corridor_policy::Subject;

use crate::commands::Context;

#[derive(clap::Subcommand)]
pub enum WatchlistCommand {
    /// Import a new version of a list. Entries not in the file are no longer screened
    /// against (their history stays). All or nothing: a bad record changes nothing.
    Import {
        /// The list's name: letters, digits, '-' and '_'.
        #[arg(long)]
        list: String,
        /// ftm (FollowTheMoney JSON lines) or csv (with --mapping, or else the columns
        /// id,name,birth_date,nationality,document_number).
        #[arg(long, value_enum, default_value = "ftm")]
        format: ListFormat,
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Handling code of the entries' facts (default restricted).
        #[arg(long)]
        handling: Option<String>,
        /// Purpose (default border_management, so that officers see what a hit is about).
        #[arg(long)]
        purpose: Option<String>,
        file: PathBuf,
    },
    /// The lists and their versions.
    List,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ListFormat {
    Ftm,
    Csv,
}

#[derive(clap::Args)]
pub struct CrossingArgs {
    /// The MRZ (2 or 3 lines, separated by newlines); `-` reads it from standard input.
    #[arg(long)]
    mrz: Option<String>,
    #[arg(long)]
    name: Option<String>,
    /// The name in another script or spelling; repeat for more.
    #[arg(long = "other-name")]
    other_names: Vec<String>,
    #[arg(long)]
    birth_date: Option<String>,
    #[arg(long)]
    nationality: Option<String>,
    #[arg(long)]
    sex: Option<String>,
    #[arg(long)]
    document_number: Option<String>,
    #[arg(long)]
    issuing_state: Option<String>,
    #[arg(long)]
    expiry_date: Option<String>,
    /// The crossing point's entity id.
    #[arg(long)]
    point: String,
    /// entry, exit or transit.
    #[arg(long)]
    direction: String,
    /// When (default now).
    #[arg(long)]
    at: Option<String>,
    /// Vehicle registration number.
    #[arg(long)]
    vehicle: Option<String>,
    /// Entity id of a person travelling with this one; repeat for more.
    #[arg(long = "companion")]
    companions: Vec<String>,
    /// Entity id of a parent, guardian or relative travelling with this one (a companion
    /// recorded as family); repeat for more.
    #[arg(long = "family")]
    family: Vec<String>,
    #[arg(long)]
    travel_purpose: Option<String>,
}

#[derive(clap::Subcommand)]
pub enum AlertsCommand {
    /// The alerts as JSON, newest first.
    List {
        /// open, decided or all.
        #[arg(long, default_value = "open")]
        status: String,
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
    /// Decide an alert: true_match or false_positive, with a note saying why.
    Decide {
        id: String,
        #[arg(long)]
        decision: String,
        #[arg(long)]
        note: String,
    },
}

pub fn operator(ctx: &Context) -> Subject {
    Subject {
        username: ctx.user.clone(),
        roles: vec!["node_operator".into()],
        reason: None,
    }
}

fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    writeln!(std::io::stdout().lock(), "{text}")?;
    Ok(())
}

pub fn watchlist(ctx: &Context, command: WatchlistCommand) -> anyhow::Result<()> {
    let node = ctx.node(1)?;
    match command {
        WatchlistCommand::Import {
            list,
            format,
            mapping,
            handling,
            purpose,
            file,
        } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let mapping_text = match (format, &mapping) {
                (ListFormat::Ftm, Some(_)) => {
                    bail!("--mapping applies to --format csv only")
                }
                (ListFormat::Ftm, None) => None,
                (ListFormat::Csv, Some(path)) => Some(
                    std::fs::read_to_string(path)
                        .with_context(|| format!("cannot read mapping {}", path.display()))?,
                ),
                (ListFormat::Csv, None) => {
                    Some(corridor_node::border::WATCHLIST_CSV_MAPPING.to_string())
                }
            };
            let file_name = file.display().to_string();
            let imported = node.import_watchlist(
                &operator(ctx),
                WatchlistImport {
                    mapping: mapping_text.as_deref(),
                    handling: handling
                        .map(|v| {
                            v.parse()
                                .map_err(|e: String| anyhow::anyhow!("--handling: {e}"))
                        })
                        .transpose()?,
                    purpose: purpose
                        .map(|v| {
                            v.parse()
                                .map_err(|e: String| anyhow::anyhow!("--purpose: {e}"))
                        })
                        .transpose()?,
                    ..WatchlistImport::new(&list, &file_name, &bytes)
                },
            )?;
            let v = &imported.version;
            println!(
                "watchlist {} version {}: {} entries ({} added, {} removed) from {} records, {} new statements",
                v.list,
                v.version,
                v.entries,
                v.added,
                v.removed,
                imported.records,
                imported.statements_inserted
            );
            Ok(())
        }
        WatchlistCommand::List => {
            let view = node.watchlists(&operator(ctx))?;
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "list,version,entries,added,removed,imported_at,imported_by,source,sha256"
            )?;
            for v in &view.history {
                writeln!(
                    out,
                    "{},{},{},{},{},{},{},{},{}",
                    v.list,
                    v.version,
                    v.entries,
                    v.added,
                    v.removed,
                    v.imported_at,
                    v.imported_by,
                    v.source,
                    v.sha256
                )?;
            }
            Ok(())
        }
    }
}

/// Registers one crossing and prints what was recorded, found and raised as JSON.
pub fn crossing(ctx: &Context, args: CrossingArgs) -> anyhow::Result<()> {
    let mrz = match args.mrz.as_deref() {
        Some("-") => {
            let mut text = String::new();
            std::io::stdin()
                .take(4096)
                .read_to_string(&mut text)
                .context("reading the MRZ from standard input")?;
            text
        }
        Some(text) => text.replace("\\n", "\n"),
        None => String::new(),
    };
    let input = CrossingInput {
        mrz,
        name: args.name.unwrap_or_default(),
        other_names: args.other_names,
        birth_date: args.birth_date.unwrap_or_default(),
        nationality: args.nationality.unwrap_or_default(),
        sex: args.sex.unwrap_or_default(),
        document_number: args.document_number.unwrap_or_default(),
        issuing_state: args.issuing_state.unwrap_or_default(),
        expiry_date: args.expiry_date.unwrap_or_default(),
        point: args.point,
        direction: args.direction,
        at: args.at.unwrap_or_default(),
        vehicle: args.vehicle.unwrap_or_default(),
        companions: args.companions,
        family: args.family,
        travel_purpose: args.travel_purpose.unwrap_or_default(),
    };
    let node = ctx.node(1)?;
    let result = node.register_crossing(&operator(ctx), input)?;
    for a in &result.alerts {
        eprintln!(
            "{}: {} on list {} (score {:.2}){}",
            if a.suppressed { "suppressed" } else { "ALERT" },
            a.entry_caption.as_deref().unwrap_or(&a.entry_id),
            a.list,
            a.score.unwrap_or(0.0),
            if a.suppressed {
                " — decided a false positive before on the same data"
            } else {
                ""
            }
        );
    }
    print_json(&result)
}

pub fn alerts(ctx: &Context, command: AlertsCommand) -> anyhow::Result<()> {
    let node = ctx.node(1)?;
    match command {
        AlertsCommand::List { status, limit } => {
            let filter: AlertFilter = status.parse()?;
            print_json(&node.alerts(&operator(ctx), filter, limit)?)
        }
        AlertsCommand::Decide { id, decision, note } => {
            let decision: corridor_node::border::Decision = decision.parse()?;
            print_json(&node.decide_alert(&operator(ctx), &id, decision, &note)?)
        }
    }
}
