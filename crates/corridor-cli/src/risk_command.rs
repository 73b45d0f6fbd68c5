//! `corridor risk`: risk indicators and profiles — check rule files, see the rules in force,
//! propose and approve changes (two different `--user`s), backtest on the simulated world's
//! truth, evaluate the history, the disparity report, and facts evaluated from a file. The
//! command line acts as an analyst named after the operator (`--user`); everything it does is
//! audited as theirs.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use corridor_node::border::{AlertFilter, Decision};

use crate::commands::Context;

#[derive(clap::Subcommand)]
pub enum RiskCommand {
    /// Check a directory of rule files (indicators/*.yaml, profiles/*.yaml, and fields.yaml
    /// when it has its own catalogue): every problem named by file, line and rule.
    Check { dir: PathBuf },
    /// The profiles and indicators in force, and every change, as JSON.
    Rules,
    /// Propose a new version of a rule file; it runs once another user approves it.
    Propose {
        /// indicators/<id>.yaml or profiles/<id>.yaml
        path: String,
        /// The file as proposed (without approved_by).
        file: PathBuf,
        #[arg(long)]
        note: String,
    },
    /// Approve a pending change (not your own).
    Approve {
        id: String,
        #[arg(long)]
        note: String,
    },
    /// Refuse (or withdraw) a pending change.
    Refuse {
        id: String,
        #[arg(long)]
        note: String,
    },
    /// Backtest the rules in force (or a pending change) on the crossings the node holds,
    /// against the truth of the simulated world they came from.
    Backtest {
        /// The world's truth directory (default: the demo world's).
        #[arg(long)]
        truth: Option<PathBuf>,
        /// A pending change to backtest before it goes live.
        #[arg(long)]
        change: Option<String>,
        /// Print the whole result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Evaluate the rules in force over every crossing held, raising the alerts and referrals
    /// a crossing desk would have raised.
    Run,
    /// Alert rates and precision (from reviewed alerts) by nationality, sex and age band.
    Disparity,
    /// Risk alerts (open, decided or all), as JSON.
    Alerts {
        #[arg(long, default_value = "open")]
        status: String,
    },
    /// Decide a risk alert: true_match (confirmed) or false_positive (unfounded).
    Decide {
        id: String,
        decision: String,
        #[arg(long)]
        note: String,
    },
    /// Every crossing's facts as JSON lines (crossing, traveller, facts, profiles hit).
    Facts {
        #[arg(long)]
        out: PathBuf,
    },
    /// Evaluate facts from a JSON-lines file (one object of facts per line, or a line of
    /// `corridor risk facts`) with the bundled rules or a directory of rule files; prints the
    /// hits of each line as JSON lines and the time per evaluation on stderr.
    Eval {
        facts: PathBuf,
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Evaluate the whole file this many times (for timing).
        #[arg(long, default_value_t = 1)]
        repeat: usize,
        /// The day the evaluation runs (YYYY-MM-DD): profiles past review are left out.
        #[arg(long, default_value = "0000-00-00")]
        today: String,
    },
}

fn analyst(ctx: &Context) -> corridor_policy::Subject {
    corridor_policy::Subject {
        username: ctx.user.clone(),
        roles: vec!["analyst".into()],
        reason: Some("risk profile work on the node's command line".into()),
    }
}

fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    writeln!(std::io::stdout().lock(), "{text}")?;
    Ok(())
}

/// Reads a directory of rule files; a file that is not under indicators/ or profiles/ is
/// refused by the loader by name.
fn load_dir(dir: &Path) -> anyhow::Result<corridor_risk::RuleSet> {
    let fields = match std::fs::read_to_string(dir.join("fields.yaml")) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => corridor_risk::FIELDS.to_string(),
        Err(e) => bail!("{}: {e}", dir.join("fields.yaml").display()),
    };
    let mut files = Vec::new();
    for sub in ["indicators", "profiles"] {
        let path = dir.join(sub);
        let Ok(entries) = std::fs::read_dir(&path) else {
            continue;
        };
        let mut names: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        names.sort();
        for file in names {
            if file.extension().and_then(|e| e.to_str()) != Some("yaml") {
                continue;
            }
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let name = format!(
                "{sub}/{}",
                file.file_name().and_then(|n| n.to_str()).unwrap_or("?")
            );
            let text = String::from_utf8(bytes).map_err(|e| {
                anyhow::anyhow!(
                    "{name}: not UTF-8 text (byte {})",
                    e.utf8_error().valid_up_to()
                )
            })?;
            files.push((name, text));
        }
    }
    if files.is_empty() {
        bail!(
            "{}: no rule files (indicators/*.yaml, profiles/*.yaml)",
            dir.display()
        );
    }
    corridor_risk::RuleSet::load(&fields, &files).map_err(|errors| {
        anyhow::anyhow!(
            "{} problems:\n{}",
            errors.len(),
            errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

pub fn run(ctx: &Context, command: RiskCommand) -> anyhow::Result<()> {
    let s = analyst(ctx);
    match command {
        RiskCommand::Check { dir } => {
            let rules = load_dir(&dir)?;
            println!(
                "ok: {} indicators, {} profiles, every example behaves",
                rules.indicators.len(),
                rules.profiles.len()
            );
        }
        RiskCommand::Eval {
            facts,
            rules,
            repeat,
            today,
        } => eval(&facts, rules.as_deref(), repeat.max(1), &today)?,
        RiskCommand::Rules => print_json(&ctx.node(1)?.risk_rules(&s)?)?,
        RiskCommand::Propose { path, file, note } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let change = ctx.node(1)?.propose_risk_change(
                &s,
                corridor_node::risk::RuleChangeInput { path, text, note },
            )?;
            eprintln!(
                "proposed {}: it runs once another user approves it",
                change.id
            );
            print_json(&change)?;
        }
        RiskCommand::Approve { id, note } => {
            print_json(&ctx.node(1)?.decide_risk_change(&s, &id, true, &note)?)?
        }
        RiskCommand::Refuse { id, note } => {
            print_json(&ctx.node(1)?.decide_risk_change(&s, &id, false, &note)?)?
        }
        RiskCommand::Backtest {
            truth,
            change,
            json,
        } => {
            let node = ctx.node(1)?;
            node.build_resolution()?;
            let truth = truth.unwrap_or_else(|| node.demo_truth_dir());
            let b = node.risk_backtest(&s, change.as_deref(), &truth)?;
            if json {
                return print_json(&b);
            }
            println!(
                "backtest on {} crossings of {} ({} not in the truth)",
                b.crossings, b.world, b.unknown
            );
            for p in &b.profiles {
                let pct = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{:.3}", v));
                println!(
                    "{} v{} ({:?}): hits {} of {} positives; precision {} recall {} alerts/1000 {:.1}",
                    p.profile,
                    p.version,
                    p.kind,
                    p.hits,
                    p.positives,
                    pct(p.precision),
                    pct(p.recall),
                    p.alerts_per_1000
                );
                for g in p.disparity.groups.iter().filter(|g| g.flag.is_some()) {
                    println!(
                        "  disparity {}={}: {}",
                        g.dimension,
                        g.group,
                        g.flag.as_deref().unwrap_or("")
                    );
                }
                for w in &p.warnings {
                    println!("  warning: {w}");
                }
            }
            for w in &b.warnings {
                println!("warning: {w}");
            }
            println!(
                "{:.1} µs per crossing, facts included",
                b.micros_per_crossing
            );
        }
        RiskCommand::Run => {
            let node = ctx.node(1)?;
            node.build_resolution()?;
            let (crossings, hits) = node.risk_run_history(&s)?;
            println!("{crossings} crossings evaluated, {hits} hits raised or found again");
        }
        RiskCommand::Disparity => {
            let node = ctx.node(1)?;
            node.build_resolution()?;
            print_json(&node.risk_disparity(&s)?)?;
        }
        RiskCommand::Alerts { status } => {
            let filter: AlertFilter = status.parse()?;
            print_json(&ctx.node(1)?.risk_alerts(&s, filter, 1000)?)?;
        }
        RiskCommand::Decide { id, decision, note } => {
            let decision: Decision = decision.parse()?;
            print_json(&ctx.node(1)?.decide_risk_alert(&s, &id, decision, &note)?)?;
        }
        RiskCommand::Facts { out } => {
            let node = ctx.node(1)?;
            node.build_resolution()?;
            let rows = node.risk_history_facts(&s)?;
            let mut w = std::io::BufWriter::new(
                std::fs::File::create(&out)
                    .with_context(|| format!("cannot write {}", out.display()))?,
            );
            for r in &rows {
                serde_json::to_writer(&mut w, r)?;
                w.write_all(b"\n")?;
            }
            w.flush()?;
            eprintln!(
                "{} crossings' facts written to {}",
                rows.len(),
                out.display()
            );
        }
    }
    Ok(())
}

/// Facts from a JSON-lines file, evaluated; the file is refused by line when a line is not an
/// object of facts.
fn eval(path: &Path, rules: Option<&Path>, repeat: usize, today: &str) -> anyhow::Result<()> {
    let rules = match rules {
        Some(dir) => load_dir(dir)?,
        None => corridor_risk::bundled().map_err(|e| anyhow::anyhow!("bundled rules: {e:?}"))?,
    };
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut all = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line =
            line.with_context(|| format!("{}: line {}: not UTF-8 text", path.display(), i + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(&line)
            .with_context(|| format!("{}: line {}: not JSON", path.display(), i + 1))?;
        let facts = value.get("facts").cloned().unwrap_or(value);
        let facts: corridor_risk::Facts = serde_json::from_value(facts).with_context(|| {
            format!("{}: line {}: not an object of facts", path.display(), i + 1)
        })?;
        all.push(facts);
    }
    let started = std::time::Instant::now();
    let mut out = Vec::new();
    for round in 0..repeat {
        for facts in &all {
            let hits = corridor_risk::evaluate(&rules, facts, today);
            if round == 0 {
                out.push(hits);
            }
        }
    }
    let elapsed = started.elapsed();
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    for hits in &out {
        let profiles: Vec<&str> = hits.iter().map(|h| h.profile.as_str()).collect();
        serde_json::to_writer(
            &mut stdout,
            &serde_json::json!({"profiles": profiles, "hits": hits}),
        )?;
        stdout.write_all(b"\n")?;
    }
    stdout.flush()?;
    let n = (all.len() * repeat).max(1);
    eprintln!(
        "{} evaluations in {:.3} s: {:.3} µs each",
        all.len() * repeat,
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / n as f64
    );
    Ok(())
}
