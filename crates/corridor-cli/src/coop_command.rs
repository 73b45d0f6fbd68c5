//! `corridor coop`: the node's cooperation keys, its directory of partners, and packages moved
//! by hand (to and from a stick) or delivered now. Requests and answers are made by central
//! authorities in the workbench or the API.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use corridor_coop::{PartnerKeys, RequestType};

use crate::border_command::operator;
use crate::commands::Context;

#[derive(clap::Subcommand)]
pub enum CoopCommand {
    /// Make this node's cooperation keys under a node id (once); prints the public keys and
    /// the fingerprint to read to partners.
    Init {
        #[arg(long)]
        node_id: String,
    },
    /// Print this node's public keys and fingerprint (JSON: give the file to a partner).
    Identity,
    /// Add a partner from the identity file it sent, once its fingerprint, read out by the
    /// partner over another channel, is typed here.
    PartnerAdd {
        /// The partner's identity (JSON from its `corridor coop identity`).
        keys: PathBuf,
        #[arg(long)]
        name: String,
        /// Its node's base URL (https://…); leave out for a partner reached by file only.
        #[arg(long, default_value = "")]
        url: String,
        /// Request types it accepts, comma-separated.
        #[arg(
            long,
            value_delimiter = ',',
            default_value = "mutual_legal_assistance,police_information,spontaneous_information,joint_investigation_team,extradition"
        )]
        accepts: Vec<String>,
        /// The fingerprint as the partner read it out.
        #[arg(long)]
        fingerprint: String,
    },
    /// List the directory of partners (JSON).
    Partners,
    /// List the requests sent and received (JSON), with reminders.
    Requests,
    /// Deliver queued packages to partners now (with --coop-ca for a private authority).
    Deliver {
        #[arg(long)]
        ca: Option<PathBuf>,
    },
    /// Take a package carried by hand; prints the receipt (JSON).
    Receive { file: PathBuf },
    /// Write an outgoing package to a file, to carry by hand.
    ExportPackage {
        id: String,
        #[arg(long)]
        out: PathBuf,
    },
}

fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    writeln!(
        std::io::stdout().lock(),
        "{}",
        serde_json::to_string_pretty(value)?
    )?;
    Ok(())
}

pub fn run(ctx: &Context, command: CoopCommand) -> anyhow::Result<()> {
    let node = ctx.node(1)?;
    let me = operator(ctx);
    match command {
        CoopCommand::Init { node_id } => {
            let keys = node.coop_init(&node_id)?;
            let fingerprint = keys.fingerprint();
            eprintln!(
                "cooperation keys of {node_id} in the node directory; fingerprint: {fingerprint}"
            );
            print_json(&serde_json::json!({ "keys": keys, "fingerprint": fingerprint }))
        }
        CoopCommand::Identity => {
            let (keys, fingerprint) = node.coop_identity()?;
            print_json(&serde_json::json!({ "keys": keys, "fingerprint": fingerprint }))
        }
        CoopCommand::PartnerAdd {
            keys,
            name,
            url,
            accepts,
            fingerprint,
        } => {
            let text = std::fs::read_to_string(&keys)
                .with_context(|| format!("reading {}", keys.display()))?;
            let value: serde_json::Value = serde_json::from_str(&text)
                .with_context(|| format!("{}: not JSON", keys.display()))?;
            // The identity file as `coop identity` prints it, or the bare keys.
            let keys_value = value.get("keys").cloned().unwrap_or(value);
            let partner_keys: PartnerKeys =
                serde_json::from_value(keys_value).with_context(|| {
                    format!(
                        "{}: not a partner's keys (node, signing, encryption)",
                        keys.display()
                    )
                })?;
            let accepts = accepts
                .iter()
                .map(|a| {
                    RequestType::parse(a.trim()).map_err(|e| anyhow::anyhow!("--accepts: {e}"))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let partner = node.add_partner(
                &me,
                corridor_node::coop::PartnerInput {
                    keys: partner_keys,
                    name,
                    url,
                    accepts,
                    fingerprint,
                },
            )?;
            eprintln!("{} added to the directory of partners", partner.keys.node);
            print_json(&partner)
        }
        CoopCommand::Partners => print_json(&node.partners(&me)?),
        CoopCommand::Requests => print_json(&node.coop_requests(&me)?),
        CoopCommand::Deliver { ca } => {
            let ca = ca.map(std::fs::read).transpose().context("--ca")?;
            let courier = corridor_sync::Courier::new(ca.as_deref())?;
            let report = node.coop_deliver(&|url, path| courier.post(url, path))?;
            eprintln!(
                "{} delivered, {} failed, {} waiting",
                report.delivered, report.failed, report.waiting
            );
            print_json(&report)?;
            if report.failed > 0 {
                bail!(
                    "{} package(s) could not be delivered; they are tried again later",
                    report.failed
                );
            }
            Ok(())
        }
        CoopCommand::Receive { file } => {
            let f = std::fs::File::open(&file)
                .with_context(|| format!("opening {}", file.display()))?;
            let receipt = node
                .receive_package(&mut std::io::BufReader::new(f))
                .with_context(|| format!("{}", file.display()))?;
            print_json(&receipt)
        }
        CoopCommand::ExportPackage { id, out } => {
            let bytes = node.export_package(&me, &id)?;
            std::fs::write(&out, &bytes).with_context(|| format!("writing {}", out.display()))?;
            eprintln!("package {id}: {} bytes in {}", bytes.len(), out.display());
            Ok(())
        }
    }
}
