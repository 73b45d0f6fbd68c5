//! `corridor`: the command line of a Corridor node.
//!
//! Thin glue: it parses arguments, opens the store, calls the formats and store crates, and
//! turns their errors into one clear message on stderr with a non-zero exit status. The forms
//! below are a contract that scripts rely on; change them only compatibly.

mod border_command;
mod commands;
mod coop_command;
mod demo_protection;
mod demo_research;
mod graph_command;
mod incidents_command;
mod mrz_command;
mod node_commands;
mod protection_command;
mod release_command;
mod resolve_command;
mod risk_command;
mod screen_command;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Corridor: counter migrant smuggling, protect smuggled migrants.
///
/// A node keeps every fact as a statement with its source, author, time, handling code and
/// purpose. Start with `corridor init`, then `corridor import`, then look around with
/// `corridor stats`, `corridor search` and `corridor get`.
#[derive(Parser)]
#[command(name = "corridor", version, max_term_width = 100)]
struct Cli {
    /// The node's store: a data directory (embedded SQLite) or a postgres:// URL.
    #[arg(
        long,
        global = true,
        env = "CORRIDOR_DATA",
        // The URL may carry a password, which --help must not print.
        hide_env_values = true,
        default_value = "./corridor-data"
    )]
    data: String,

    /// Who is recording (stamped on every statement written).
    #[arg(long, global = true, env = "CORRIDOR_USER")]
    user: Option<String>,

    /// Where the node keeps its signing key and signed audit head (default: the data
    /// directory; needed with a postgres:// store). Keep it where database administrators
    /// cannot write.
    #[arg(long, global = true, env = "CORRIDOR_NODE_DIR")]
    node_dir: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new, empty node store at --data.
    Init,
    /// Create a node if needed and load the bundled sample data (invented, not real people).
    Demo,
    /// Generate a seeded, invented smuggling world with its ground truth (see the README it
    /// writes): FtM files per source under DIR/ftm, truth tables under DIR/truth.
    Simulate {
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// demo (seconds), small, medium or large (a million persons).
        #[arg(long, default_value = "demo")]
        scale: String,
        #[arg(long)]
        out: PathBuf,
        /// Also import the generated records into the node at --data.
        #[arg(long)]
        into: bool,
        /// Scenario knobs (sizes, corridors, error rates); the defaults and their meaning are
        /// in crates/corridor-sim/settings/default.yaml.
        #[arg(long)]
        settings: Option<PathBuf>,
    },
    /// Import a file: CSV through a mapping file, or FollowTheMoney JSON lines.
    ///
    /// The import is all or nothing: the first bad record stops it and the store is left as it
    /// was, unless --rejects names a file to set bad records aside in. Importing the same
    /// facts again adds nothing.
    Import(ImportArgs),
    /// Export every entity: FtM JSON lines, or one CSV row per statement.
    Export {
        /// ftm (FollowTheMoney entity JSON lines, values as the source wrote them) or csv (one
        /// row per live statement, with its provenance).
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Output file; `-` or nothing for standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Show an entity: its values, and the source, author and time of each.
    Get {
        id: String,
        /// Print FtM JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Show every statement ever recorded about an entity, retractions included, oldest first.
    History {
        id: String,
        /// Show the entity as it was known at this moment (ISO 8601, e.g. 2026-11-22T10:00:00Z).
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Withdraw a statement (see `history` for statement ids). Nothing is deleted: the
    /// retraction is itself a statement, by --user, now.
    Retract { entity: String, statement: String },
    /// Replace the value of a statement: retracts it and records the new value, in one step,
    /// with the same source, handling code and purpose.
    Correct {
        entity: String,
        statement: String,
        value: String,
    },
    /// Find entities by name (any script, case-insensitive substring).
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Count statements and entities, per entity type and per source dataset.
    Stats,
    /// Serve the API (/api/v1, /api/openapi.json) and the workbench.
    Serve(node_commands::ServeArgs),
    /// Entity resolution on CSV files: deduplicate one file or link two. Writes DIR/pairs.csv
    /// (left_id, right_id, probability and each comparison's evidence) and DIR/clusters.csv
    /// (record_id, cluster_id), with the settings used and the estimated model.
    Resolve(resolve_command::ResolveArgs),
    /// Screen people against a watchlist (both CSV: id,name,birth_date,nationality,
    /// document_number): writes query_id,entry_id,score,rank,reasons for the top hits.
    Screen(screen_command::ScreenArgs),
    /// Network analysis on a CSV edge list (source,target[,weight], or named columns with
    /// kind and time): components, pagerank, communities, betweenness, degree write one
    /// node,value row per node; path and neighbourhood answer questions about one node.
    Graph {
        #[command(subcommand)]
        command: graph_command::GraphCommand,
    },
    /// Watchlists in the node: import a new version of a list, or list them.
    Watchlist {
        #[command(subcommand)]
        command: border_command::WatchlistCommand,
    },
    /// Register a border crossing (from the MRZ or typed fields): the traveller is linked to
    /// known records and screened at once; prints the result as JSON, alerts on stderr.
    Crossing(border_command::CrossingArgs),
    /// Screening alerts: list them, decide one.
    Alerts {
        #[command(subcommand)]
        command: border_command::AlertsCommand,
    },
    /// One synchronisation round of a border post with its national node, now (`serve
    /// --national` does this continuously).
    Sync {
        /// The national node's base URL.
        #[arg(long)]
        national: String,
        #[command(flatten)]
        args: node_commands::SyncArgs,
    },
    /// International cooperation: this node's keys, its directory of partners, packages moved
    /// by hand or delivered now.
    Coop {
        #[command(subcommand)]
        command: coop_command::CoopCommand,
    },
    /// Research data: import incident and count files, summarise incidents.
    Incidents {
        #[command(subcommand)]
        command: incidents_command::IncidentsCommand,
    },
    /// Statistical releases that expose no one, each with its manifest.
    Release {
        #[command(subcommand)]
        command: release_command::ReleaseCommand,
    },
    /// Protection records: HTCDS files in and out, retention and the purge.
    Protection {
        #[command(subcommand)]
        command: protection_command::ProtectionCommand,
    },
    /// Risk indicators and profiles: check rule files, changes approved by a second user,
    /// backtests, the disparity report, evaluation over the history.
    Risk {
        #[command(subcommand)]
        command: risk_command::RiskCommand,
    },
    /// Machine-readable zones of travel documents (ICAO Doc 9303).
    Mrz {
        #[command(subcommand)]
        command: MrzCommand,
    },
    /// Manage the node's users from the machine it runs on (how the first administrator is
    /// made).
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// Read and check the tamper-evident audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand)]
enum UsersCommand {
    /// Create a user. Without --password-stdin a password is generated and printed once.
    Add {
        username: String,
        /// Roles, comma-separated: administrator, border_officer, analyst, investigator,
        /// central_authority, protection_officer, researcher.
        #[arg(long, value_delimiter = ',', required = true)]
        role: Vec<String>,
        #[arg(long)]
        display_name: Option<String>,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users and their roles.
    List,
    /// Issue a bearer token for a user (a border post's account on its national node, a
    /// script): printed once on standard output.
    Token {
        username: String,
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
enum MrzCommand {
    /// Parse and check one zone (TD1, TD2, TD3, MRV-A, MRV-B): prints JSON with every field,
    /// `valid` and `errors` ({field, message}); exit status 0 when valid, 1 when not.
    Parse(mrz_command::MrzParseArgs),
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain and the signed checkpoints; names the first broken entry.
    Verify,
    /// Show the latest entries.
    Log {
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
}

#[derive(clap::Args)]
pub struct ImportArgs {
    /// csv (with --mapping) or ftm (FollowTheMoney entity JSON lines).
    #[arg(long, value_enum)]
    format: ImportFormat,
    /// The mapping file (required for --format csv).
    #[arg(long)]
    mapping: Option<PathBuf>,
    /// The input file; `-` for standard input.
    file: String,
    /// Source dataset name (default: the mapping's `dataset`, else the file name).
    #[arg(long)]
    dataset: Option<String>,
    /// Handling code of the imported statements: public, restricted, confidential, protection.
    #[arg(long)]
    handling: Option<String>,
    /// Purpose: border_management, law_enforcement, protection, research.
    #[arg(long)]
    purpose: Option<String>,
    /// Source reliability (Europol 4x4): A, B, C or X.
    #[arg(long)]
    reliability: Option<String>,
    /// Information grade (Europol 4x4): 1, 2, 3 or 4.
    #[arg(long)]
    grade: Option<String>,
    /// Write bad records here (CSV: line, column, error, record) and import the rest.
    #[arg(long)]
    rejects: Option<PathBuf>,
    /// Do not draw a progress bar.
    #[arg(long)]
    quiet: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum ImportFormat {
    Csv,
    Ftm,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Ftm,
    Csv,
}

/// Screening and resolution allocate many small, short-lived values per query and per pair;
/// glibc's allocator spent a fifth of a screening query consolidating its free lists.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = Cli::parse();
    if let Err(err) = run(cli) {
        if err.chain().any(|c| {
            c.downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
        }) {
            // The reader went away (`corridor export | head`): nothing more to say.
            std::process::exit(0);
        }
        eprintln!("corridor: {}", message(&err));
        std::process::exit(1);
    }
}

/// The error and its causes on one line, each cause once: libraries often repeat their cause
/// in their own message, and the chain would then say it twice.
fn message(err: &anyhow::Error) -> String {
    let mut text = err.to_string();
    for cause in err.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let ctx = commands::Context::new(&cli.data, cli.user.clone(), cli.node_dir.clone())?;
    match cli.command {
        Command::Init => commands::init(&ctx),
        Command::Demo => commands::demo(&ctx),
        Command::Simulate {
            seed,
            scale,
            out,
            into,
            settings,
        } => commands::simulate(&ctx, seed, &scale, &out, into, settings.as_deref()),
        Command::Import(args) => commands::import(&ctx, args),
        Command::Export { format, out } => {
            commands::export(&ctx, matches!(format, ExportFormat::Ftm), out)
        }
        Command::Get { id, json } => commands::get(&ctx, &id, json),
        Command::History { id, as_of } => commands::history(&ctx, &id, as_of.as_deref()),
        Command::Retract { entity, statement } => {
            commands::correct(&ctx, &entity, &statement, None)
        }
        Command::Correct {
            entity,
            statement,
            value,
        } => commands::correct(&ctx, &entity, &statement, Some(&value)),
        Command::Search { query, limit } => commands::search(&ctx, &query, limit),
        Command::Stats => commands::stats(&ctx),
        Command::Serve(args) => node_commands::serve(&ctx, args),
        Command::Resolve(args) => resolve_command::resolve(args),
        Command::Screen(args) => screen_command::screen(args),
        Command::Graph { command } => graph_command::run(command),
        Command::Coop { command } => coop_command::run(&ctx, command),
        Command::Protection { command } => protection_command::run(&ctx, command),
        Command::Risk { command } => risk_command::run(&ctx, command),
        Command::Incidents { command } => incidents_command::run(&ctx, command),
        Command::Release { command } => release_command::run(&ctx, command),
        Command::Watchlist { command } => border_command::watchlist(&ctx, command),
        Command::Crossing(args) => border_command::crossing(&ctx, args),
        Command::Alerts { command } => border_command::alerts(&ctx, command),
        Command::Sync { national, args } => node_commands::sync_once(&ctx, &national, &args),
        Command::Mrz { command } => match command {
            MrzCommand::Parse(args) => mrz_command::parse(args),
        },
        Command::Users { command } => match command {
            UsersCommand::Add {
                username,
                role,
                display_name,
                password_stdin,
            } => node_commands::users_add(
                &ctx,
                &username,
                display_name.as_deref(),
                &role,
                password_stdin,
            ),
            UsersCommand::List => node_commands::users_list(&ctx),
            UsersCommand::Token { username, name } => {
                node_commands::users_token(&ctx, &username, &name)
            }
        },
        Command::Audit { command } => match command {
            AuditCommand::Verify => node_commands::audit_verify(&ctx),
            AuditCommand::Log { limit } => node_commands::audit_log(&ctx, limit),
        },
    }
}
