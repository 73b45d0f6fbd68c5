//! `corridor mrz parse`: one machine-readable zone in, its fields as JSON out.

use std::io::Read;

use anyhow::{Context, bail};

#[derive(clap::Args)]
pub struct MrzParseArgs {
    /// The zone's lines (2 or 3), as arguments or in one argument with line breaks; read from
    /// standard input when none are given.
    lines: Vec<String>,
    /// Undo OCR confusions (O/0, I/1, B/8, S/5) where a check digit confirms the repair.
    #[arg(long)]
    repair: bool,
    /// The reading date (YYYY-MM-DD) for the century of two-digit years; default today.
    #[arg(long)]
    today: Option<String>,
}

/// Prints the parsed zone as JSON; the exit status is 0 when it is valid and 1 when not.
pub fn parse(args: MrzParseArgs) -> anyhow::Result<()> {
    let text = if args.lines.is_empty() {
        let mut text = String::new();
        std::io::stdin()
            .take(64 * 1024)
            .read_to_string(&mut text)
            .context("reading the zone from standard input")?;
        text
    } else {
        args.lines.join("\n")
    };
    let today_text = args
        .today
        .clone()
        .unwrap_or_else(|| corridor_node::now()[..10].to_string());
    let Some(today) = corridor_mrz::Day::parse(&today_text) else {
        bail!("--today {today_text:?}: a date, YYYY-MM-DD");
    };
    let mrz = corridor_mrz::parse(
        &text,
        corridor_mrz::Options {
            repair: args.repair,
            today,
        },
    );
    println!("{}", serde_json::to_string_pretty(&mrz)?);
    if !mrz.valid {
        std::process::exit(1);
    }
    Ok(())
}
