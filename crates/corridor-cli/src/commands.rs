//! One function per subcommand. Each opens what it needs, does one thing, and prints a short
//! report a person can read; errors carry context for the one message `main` prints.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use corridor_formats::mapping::Mapping;
use corridor_formats::{ImportOptions, ImportReport, RejectSink, csv_export, ftm};
use corridor_model::entity::live_statements;
use corridor_model::{Entity, Model, Operation, Statement};
use corridor_store::{Location, Store};
use indicatif::{ProgressBar, ProgressStyle};

use crate::ImportArgs;

/// `println!` that reports a closed pipe (`corridor export | head`) as an error instead of
/// panicking; `main` ends quietly on it.
macro_rules! say {
    ($($arg:tt)*) => {
        writeln!(std::io::stdout().lock(), $($arg)*)?
    };
}

pub struct Context {
    pub location: Location,
    pub model: Arc<Model>,
    pub user: String,
    pub node_dir: Option<PathBuf>,
}

impl Context {
    pub fn new(
        data: &str,
        user: Option<String>,
        node_dir: Option<PathBuf>,
    ) -> anyhow::Result<Context> {
        let model = Model::builtin().context("loading the built-in schemata")?;
        let user = user
            .or_else(|| std::env::var("USER").ok())
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| "cli".into());
        Ok(Context {
            location: Location::parse(data),
            model: Arc::new(model),
            user,
            node_dir,
        })
    }

    fn open(&self) -> anyhow::Result<Box<dyn Store>> {
        Ok(corridor_store::open(&self.location, self.model.clone())?)
    }
}

fn now() -> String {
    corridor_node::now()
}

pub fn init(ctx: &Context) -> anyhow::Result<()> {
    let store = corridor_store::create(&ctx.location, ctx.model.clone())?;
    say!("created a Corridor node store at {}", store.location());
    Ok(())
}

const SAMPLE_CSV: &str = include_str!("../samples/crossings.csv");
const SAMPLE_MAPPING: &str = include_str!("../samples/crossings.mapping.yaml");
const SAMPLE_FTM: &str = include_str!("../samples/network.ftm.json");

pub fn demo(ctx: &Context) -> anyhow::Result<()> {
    let mut store = match corridor_store::open(&ctx.location, ctx.model.clone()) {
        Ok(store) => store,
        Err(corridor_store::StoreError::NotInitialised(_)) => {
            let store = corridor_store::create(&ctx.location, ctx.model.clone())?;
            say!("created a Corridor node store at {}", store.location());
            store
        }
        Err(e) => return Err(e.into()),
    };
    let recorded_at = now();
    let mut options = ImportOptions::new("demo", &recorded_at);
    let report = ftm::import_ftm(
        store.as_mut(),
        &ctx.model,
        "samples/network.ftm.json",
        SAMPLE_FTM.as_bytes(),
        &mut options,
    )?;
    report_import(ctx, "samples/network.ftm.json", &report)?;
    let mapping = Mapping::parse("samples/crossings.mapping.yaml", SAMPLE_MAPPING, &ctx.model)?;
    let mut options = ImportOptions::new("demo", &recorded_at);
    let report = corridor_formats::csv_import::import_csv(
        store.as_mut(),
        &ctx.model,
        &mapping,
        "samples/crossings.csv",
        SAMPLE_CSV.as_bytes(),
        &mut options,
    )?;
    report_import(ctx, "samples/crossings.csv", &report)?;
    let world = match &ctx.location {
        Location::Directory(dir) => dir.join("demo-world"),
        Location::Postgres(_) => std::env::temp_dir().join("corridor-demo-world"),
    };
    drop(store);
    simulate(ctx, 1, "demo", &world, true, None)?;
    // The simulated national watchlist becomes the node's list "national", version 1, so that
    // crossings registered in the demo are screened against it.
    let list_file = world.join("ftm").join("watchlist.ftm.json");
    let bytes = std::fs::read(&list_file)
        .with_context(|| format!("cannot read {}", list_file.display()))?;
    let imported = ctx.node(1)?.import_watchlist(
        &crate::border_command::operator(ctx),
        corridor_node::border::WatchlistImport::new(
            "national",
            "demo-world/ftm/watchlist.ftm.json",
            &bytes,
        ),
    )?;
    say!(
        "watchlist national version {}: {} entries",
        imported.version.version,
        imported.version.entries
    );
    let requests = demo_cooperation(ctx)?;
    say!("cooperation: {requests} requests with two invented partner authorities");
    let registered = crate::demo_protection::demo_protection(ctx)?;
    say!("protection: {registered} persons registered, screened and referred");
    let (incidents, counts) = crate::demo_research::demo_research(ctx)?;
    say!(
        "research: {incidents} Missing Migrants Project incidents and {counts} Frontex counts (public data)"
    );
    // Risk profiles over the demo's history: the alert queue and the protection referrals a
    // crossing desk would have raised, resolution first (a traveller is all their records).
    let node = ctx.node(1)?;
    node.build_resolution()?;
    let risk_analyst = corridor_policy::Subject {
        username: "demo-loader".into(),
        roles: vec!["analyst".into()],
        reason: None,
    };
    let (evaluated, hits) = node.risk_run_history(&risk_analyst)?;
    say!(
        "risk profiles: {evaluated} crossings evaluated, {hits} hits (enforcement alerts and protection referrals)"
    );
    drop(node);
    let mut store = ctx.open()?;
    say!();
    print_stats(store.as_mut())?;
    if let Some(password) = crate::node_commands::ensure_demo_users(ctx)? {
        crate::node_commands::print_demo_logins(&password);
    }
    say!(
        "\nTry: corridor --data {} search sayed",
        data_arg(&ctx.location)
    );
    Ok(())
}

pub fn simulate(
    ctx: &Context,
    seed: u64,
    scale: &str,
    out: &std::path::Path,
    into: bool,
    settings_file: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let settings = match settings_file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read settings {}", path.display()))?;
            corridor_sim::Settings::parse(&path.display().to_string(), &text)
                .map_err(anyhow::Error::msg)?
        }
        None => corridor_sim::Settings::default(),
    };
    let size = settings.scale(scale).map_err(anyhow::Error::msg)?;
    let started = std::time::Instant::now();
    let mut output = corridor_sim::DirOutput::create(out)
        .with_context(|| format!("cannot write the world to {}", out.display()))?;
    let spinner = if std::io::stderr().is_terminal() {
        ProgressBar::new_spinner()
    } else {
        ProgressBar::hidden()
    };
    let mut progress = |corridor: &str, entities: u64| {
        spinner.set_message(format!("{entities} records; finished corridor {corridor}"));
        spinner.tick();
    };
    let summary = corridor_sim::simulate_with(seed, &size, &settings, &mut output, &mut progress)?;
    spinner.finish_and_clear();
    output.finish()?;
    let seconds = started.elapsed().as_secs_f64();
    say!(
        "simulated {} smuggled persons and {} records in {seconds:.1} s ({:.0} records/s) into {}",
        summary.smuggled_persons,
        summary.entities,
        summary.entities as f64 / seconds.max(1e-9),
        out.display()
    );
    if into {
        let mut store = match corridor_store::open(&ctx.location, ctx.model.clone()) {
            Err(corridor_store::StoreError::NotInitialised(_)) => {
                corridor_store::create(&ctx.location, ctx.model.clone())?
            }
            other => other?,
        };
        let recorded_at = now();
        for file in output.ftm_files() {
            let name = file.display().to_string();
            let input = File::open(&file).with_context(|| format!("cannot open {name}"))?;
            let mut options = ImportOptions::new(&ctx.user, &recorded_at);
            let stem = file
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("world")
                .trim_end_matches(".ftm");
            options.dataset = Some(format!("sim-{stem}"));
            if let Some(source) = corridor_sim::source(stem) {
                options.handling = Some(source.handling.parse().map_err(anyhow::Error::msg)?);
                options.purpose = Some(source.purpose.parse().map_err(anyhow::Error::msg)?);
                options.reliability = Some(source.reliability.parse().map_err(anyhow::Error::msg)?);
                options.grade = Some(source.grade.parse().map_err(anyhow::Error::msg)?);
            }
            let report = ftm::import_ftm(store.as_mut(), &ctx.model, &name, input, &mut options)?;
            report_import(ctx, &name, &report)?;
        }
    }
    Ok(())
}

fn data_arg(location: &Location) -> String {
    match location {
        Location::Directory(d) => d.display().to_string(),
        Location::Postgres(_) => "$CORRIDOR_DATA".into(),
    }
}

fn parse_opt<T: std::str::FromStr<Err = String>>(v: &Option<String>) -> anyhow::Result<Option<T>> {
    v.as_deref()
        .map(str::parse::<T>)
        .transpose()
        .map_err(anyhow::Error::msg)
}

pub fn import(ctx: &Context, args: ImportArgs) -> anyhow::Result<()> {
    let mut store = ctx.open()?;
    let (input, size): (Box<dyn Read + Send>, Option<u64>) = if args.file == "-" {
        (Box::new(std::io::stdin()), None)
    } else {
        let f = File::open(&args.file).with_context(|| format!("cannot open {}", args.file))?;
        let size = f.metadata().ok().map(|m| m.len());
        (Box::new(f), size)
    };
    let bar = progress_bar(size, args.quiet);
    let mut on_progress = |p: corridor_formats::Progress| bar.set_position(p.bytes_read);
    let recorded_at = now();
    let mut options = ImportOptions::new(&ctx.user, &recorded_at);
    options.dataset = args.dataset.clone();
    options.handling = parse_opt(&args.handling)?;
    options.purpose = parse_opt(&args.purpose)?;
    options.reliability = parse_opt(&args.reliability)?;
    options.grade = parse_opt(&args.grade)?;
    options.progress = Some(&mut on_progress);
    if let Some(path) = &args.rejects {
        let f = File::create(path)
            .with_context(|| format!("cannot create reject file {}", path.display()))?;
        options.rejects = Some(RejectSink::new(
            &path.display().to_string(),
            Box::new(BufWriter::new(f)),
        ));
    }
    let report = match args.format {
        crate::ImportFormat::Csv => {
            let Some(mapping_path) = &args.mapping else {
                bail!(
                    "--format csv needs --mapping MAPPING.yaml (which columns become which entities and properties)"
                );
            };
            let text = std::fs::read_to_string(mapping_path)
                .with_context(|| format!("cannot read mapping {}", mapping_path.display()))?;
            let mapping = Mapping::parse(&mapping_path.display().to_string(), &text, &ctx.model)?;
            corridor_formats::csv_import::import_csv(
                store.as_mut(),
                &ctx.model,
                &mapping,
                &args.file,
                input,
                &mut options,
            )?
        }
        crate::ImportFormat::Ftm => {
            if args.mapping.is_some() {
                bail!(
                    "--mapping applies to --format csv only; FtM JSON lines carry their own schema"
                );
            }
            ftm::import_ftm(store.as_mut(), &ctx.model, &args.file, input, &mut options)?
        }
    };
    drop(options);
    bar.finish_and_clear();
    report_import(ctx, &args.file, &report)?;
    if let Some(path) = &args.rejects
        && report.rejected > 0
    {
        say!(
            "{} rejected records written to {}",
            report.rejected,
            path.display()
        );
    }
    Ok(())
}

fn progress_bar(size: Option<u64>, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = match size {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::no_length(),
    };
    let style = ProgressStyle::with_template(
        "{spinner} importing [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    bar
}

/// Prints what an import did and writes it to the audit log.
fn report_import(ctx: &Context, file: &str, r: &ImportReport) -> anyhow::Result<()> {
    print_report(file, r)?;
    ctx.audit(
        "import",
        &format!("file {file}"),
        &format!(
            "{} records, {} new statements, {} rejected",
            r.records, r.statements_inserted, r.rejected
        ),
    )
}

fn print_report(file: &str, r: &ImportReport) -> anyhow::Result<()> {
    say!(
        "imported {file}: {} records, {} entities, {} statements new, {} already present, {} rejected",
        r.records,
        r.entities,
        r.statements_inserted,
        r.statements_already_present,
        r.rejected
    );
    Ok(())
}

pub fn export(ctx: &Context, as_ftm: bool, out: Option<PathBuf>) -> anyhow::Result<()> {
    let mut store = ctx.open()?;
    let mut sink: Box<dyn Write> = match &out {
        Some(path) if path.as_os_str() != "-" => Box::new(BufWriter::new(
            File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
        )),
        _ => Box::new(BufWriter::new(std::io::stdout().lock())),
    };
    let what = if as_ftm { "entities" } else { "statements" };
    let spinner = if std::io::stderr().is_terminal() {
        let s = ProgressBar::new_spinner();
        s.set_style(
            ProgressStyle::with_template(&format!(
                "{{spinner}} exported {{pos}} {what} ({{per_sec}})"
            ))
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        s
    } else {
        ProgressBar::hidden()
    };
    let mut progress = |n: u64| spinner.set_position(n);
    let n = if as_ftm {
        ftm::export_ftm(store.as_mut(), &ctx.model, &mut sink, &mut progress)?
    } else {
        csv_export::export_statements_csv(store.as_mut(), &mut sink, &mut progress)?
    };
    spinner.finish_and_clear();
    sink.flush()?;
    if out.as_ref().is_some_and(|p| p.as_os_str() != "-") {
        eprintln!("exported {n} {what}");
    }
    Ok(())
}

fn describe(s: &Statement) -> String {
    let p = &s.provenance;
    format!(
        "{} · {} · {} · {}/{} · {}{}",
        p.dataset, p.recorded_by, p.recorded_at, p.handling, p.purpose, p.reliability, p.grade
    )
}

pub fn get(ctx: &Context, id: &str, json: bool) -> anyhow::Result<()> {
    let mut store = ctx.open()?;
    let statements = store.entity_statements(id)?;
    let Some(entity) = Entity::fold(&ctx.model, &statements).map_err(anyhow::Error::msg)? else {
        bail!("no entity {id:?} in {}", store.location());
    };
    if json {
        say!(
            "{}",
            serde_json::to_string_pretty(&ftm::entity_to_ftm(&entity))?
        );
        return Ok(());
    }
    say!(
        "{} {}  {}",
        entity.schema,
        entity.id,
        entity.caption(&ctx.model)
    );
    let schema = ctx.model.get(&entity.schema);
    for (prop, values) in &entity.properties {
        if prop.starts_with('$') {
            continue;
        }
        let label = schema
            .and_then(|s| s.property(prop))
            .map_or(prop.as_str(), |p| p.label.as_str());
        for s in values {
            let shown = match &s.original_value {
                Some(orig) => format!("{} (written {orig:?})", s.value),
                None => s.value.clone(),
            };
            say!("  {label:<24} {shown:<40} [{}]", describe(s));
        }
    }
    Ok(())
}

pub fn history(ctx: &Context, id: &str, as_of: Option<&str>) -> anyhow::Result<()> {
    let mut store = ctx.open()?;
    let mut statements = store.entity_statements(id)?;
    if statements.is_empty() {
        bail!("no entity {id:?} in {}", store.location());
    }
    if let Some(moment) = as_of {
        // Recording times are UTC `YYYY-MM-DDTHH:MM:SSZ`, so text order is time order; a date
        // given at lower precision means "up to the end of that year, month or day".
        let date = corridor_model::types::PartialDate::parse_iso(moment)
            .map_err(|e| anyhow::anyhow!("--as-of: {e}"))?;
        let bound = format!("{date}\u{10FFFF}");
        statements.retain(|s| s.provenance.recorded_at.as_str() <= bound.as_str());
    }
    let live: std::collections::HashSet<_> =
        live_statements(&statements).iter().map(|s| s.id).collect();
    for s in &statements {
        let (mark, what) = match s.operation {
            Operation::Assert if live.contains(&s.id) => ("+", "asserts"),
            Operation::Assert => ("~", "asserted (since retracted)"),
            Operation::Retract => ("-", "retracts"),
        };
        say!(
            "{mark} {} {} {what} {} = {:?}  [{}]",
            s.provenance.recorded_at,
            s.id,
            s.prop,
            s.source_value(),
            describe(s)
        );
    }
    Ok(())
}

pub fn correct(
    ctx: &Context,
    entity_id: &str,
    statement: &str,
    new_value: Option<&str>,
) -> anyhow::Result<()> {
    let target_id: corridor_model::StatementId = statement.parse().map_err(anyhow::Error::msg)?;
    let mut store = ctx.open()?;
    let statements = store.entity_statements(entity_id)?;
    let live = live_statements(&statements);
    let Some(target) = live.iter().find(|s| s.id == target_id) else {
        bail!(
            "entity {entity_id:?} has no live statement {statement} (see `corridor history {entity_id}`)"
        );
    };
    if target.operation != Operation::Assert {
        bail!("statement {statement} is a retraction; retract the retraction to restore a value");
    }
    let mut provenance = (*target.provenance).clone();
    provenance.recorded_by = ctx.user.clone();
    provenance.recorded_at = now();
    let provenance = Arc::new(provenance);
    let mut writes = vec![Statement::retract(target, provenance.clone())];
    if let Some(raw) = new_value {
        let schema = ctx
            .model
            .schema(&target.schema)
            .map_err(anyhow::Error::msg)?;
        let prop = schema
            .property(&target.prop)
            .with_context(|| format!("{} has no property {}", schema.name, target.prop))?;
        let value = prop.clean(raw, Default::default())?;
        let original = (value != raw).then(|| raw.to_string());
        writes.push(Statement::assert(
            entity_id,
            &target.schema,
            &target.prop,
            value,
            original,
            provenance,
        ));
    }
    let mut tx = store.begin()?;
    tx.write(&writes)?;
    tx.commit()?;
    match new_value {
        Some(v) => say!(
            "corrected {} of {entity_id}: {:?} -> {v:?}",
            target.prop,
            target.source_value()
        ),
        None => say!(
            "retracted {} = {:?} of {entity_id}",
            target.prop,
            target.source_value()
        ),
    }
    let action = if new_value.is_some() {
        "correct"
    } else {
        "retract"
    };
    ctx.audit(
        action,
        &format!("entity {entity_id} {}", target.prop),
        &format!("allowed: statement {statement}"),
    )
}

pub fn search(ctx: &Context, query: &str, limit: usize) -> anyhow::Result<()> {
    if query.trim().is_empty() {
        bail!("give a name or part of one to search for");
    }
    let mut store = ctx.open()?;
    let ids = store.search_names(query.trim(), limit)?;
    if ids.is_empty() {
        say!("no entity has a name containing {query:?}");
    }
    for id in ids {
        let statements = store.entity_statements(&id)?;
        if let Some(entity) = Entity::fold(&ctx.model, &statements).map_err(anyhow::Error::msg)? {
            say!(
                "{:<20} {:<44} {}",
                entity.schema,
                entity.id,
                entity.caption(&ctx.model)
            );
        }
    }
    Ok(())
}

pub fn stats(ctx: &Context) -> anyhow::Result<()> {
    let mut store = ctx.open()?;
    print_stats(store.as_mut())
}

fn print_stats(store: &mut dyn Store) -> anyhow::Result<()> {
    let stats = store.stats()?;
    say!(
        "{}: {} statements about {} entities",
        store.location(),
        stats.statements,
        stats.entities
    );
    say!("entities by type:");
    for (schema, n) in &stats.entities_by_schema {
        say!("  {schema:<28} {n:>10}");
    }
    say!("statements by source:");
    for (dataset, n) in &stats.statements_by_dataset {
        say!("  {dataset:<28} {n:>10}");
    }
    Ok(())
}

/// The demo node cooperates as `demo-it` with two invented partners whose private keys live
/// only here: requests from them arrive as real signed packages (one already overdue), and
/// requests to them wait in the outbox, one acknowledged and one refused.
fn demo_cooperation(ctx: &Context) -> anyhow::Result<usize> {
    use corridor_coop::{Dissemination, Meta, NodeKeys, RequestType, State, Urgency};
    let node = ctx.node(1)?;
    if node.coop_identity().is_ok() {
        return Ok(0); // an earlier demo run made them
    }
    let me = crate::border_command::operator(ctx);
    let ours = node.coop_init("demo-it")?;
    let partners = [
        ("demo-ly", "Libya (invented)"),
        ("demo-tn", "Tunisia (invented)"),
    ];
    let mut keys = Vec::new();
    for (id, name) in partners {
        let k = NodeKeys::generate(id)?;
        node.add_partner(
            &me,
            corridor_node::coop::PartnerInput {
                keys: k.public(),
                name: name.into(),
                url: String::new(),
                accepts: RequestType::ALL.to_vec(),
                fingerprint: k.public().fingerprint(),
            },
        )?;
        keys.push(k);
    }
    let day = |offset: i64| {
        corridor_model::types::format_unix_utc(corridor_node::now_unix() + offset * 86_400)
    };
    let deliver = |from: &NodeKeys, kind: &str, body: serde_json::Value| -> anyhow::Result<()> {
        let meta = Meta {
            kind: kind.into(),
            created_at: day(-1),
            expires_at: day(20),
            in_reply_to: None,
            handling: Dissemination::H2,
        };
        let bytes = serde_json::to_vec(&body)?;
        let mut package = Vec::new();
        corridor_coop::seal(
            from,
            &ours,
            &meta,
            &mut &bytes[..],
            &mut std::io::Cursor::new(Vec::new()),
            &mut package,
        )?;
        node.receive_package(&mut &package[..])?;
        Ok(())
    };
    // Two requests from Libya: one due in ten days, one overdue.
    for (reference, due, question) in [
        (
            "LY-2026-041",
            10,
            "Is the owner of the boat seized at Lampedusa on 3 March known to you?",
        ),
        (
            "LY-2026-033",
            -3,
            "Please confirm the identity of the driver stopped at the Ras Ajdir crossing.",
        ),
    ] {
        deliver(
            &keys[0],
            "request",
            serde_json::json!({"kind": "request", "request": {
            "id": format!("demo-ly/{reference}"), "reference": reference,
            "request_type": "police_information", "urgency": "urgent",
            "requesting": "demo-ly", "requested": "demo-it",
            "legal_basis": ["untoc-27", "smuggling-protocol-10"],
            "questions": [question], "deadline": &day(due)[..10], "handling": "H2",
            "created_at": day(-1)}}),
        )?;
    }
    // Ours: to Libya (acknowledged, then refused), to Tunisia (sent).
    let mut sent = Vec::new();
    for (reference, to, kind) in [
        ("IT-2026-118", "demo-ly", RequestType::MutualLegalAssistance),
        ("IT-2026-121", "demo-ly", RequestType::PoliceInformation),
        ("IT-2026-125", "demo-tn", RequestType::PoliceInformation),
    ] {
        let view = node.create_request(
            &me,
            corridor_node::coop::RequestInput {
                reference: reference.into(),
                request_type: kind,
                urgency: Urgency::Routine,
                requested: to.into(),
                legal_basis: vec![
                    if kind == RequestType::MutualLegalAssistance {
                        "untoc-18"
                    } else {
                        "untoc-27"
                    }
                    .into(),
                ],
                subjects: vec![],
                questions: vec![
                    "Which accounts received the fees paid by the group of 12 March?".into(),
                ],
                deadline: Some(day(30)[..10].to_string()),
                handling: Dissemination::H2,
                handling_note: None,
            },
        )?;
        node.request_step(&me, &view.request.id, State::Sent, None)?;
        sent.push(view);
    }
    let status = |view: &corridor_node::coop::RequestView, state: &str, note: Option<&str>| {
        serde_json::json!({"kind": "status", "request_id": view.request.id, "request_hash": view.content_hash,
                           "event": {"state": state, "at": corridor_node::now(), "by": "ca-ly", "note": note}})
    };
    deliver(&keys[0], "status", status(&sent[0], "acknowledged", None))?;
    deliver(&keys[0], "status", status(&sent[1], "acknowledged", None))?;
    deliver(
        &keys[0],
        "status",
        status(
            &sent[1],
            "refused",
            Some("outside the scope of the legal basis cited"),
        ),
    )?;
    demo_shares(&node, &keys[0], &deliver, &day)?;
    Ok(5)
}

/// Libya shares its wanted list (screened here as `demo-ly-wanted`); this node asks Libya's
/// consent to pass it to Tunisia, shares a person with Libya, and Libya asks consent to pass
/// that on: one request for consent waits on each side.
fn demo_shares(
    node: &corridor_node::Node,
    libya: &corridor_coop::NodeKeys,
    deliver: &dyn Fn(&corridor_coop::NodeKeys, &str, serde_json::Value) -> anyhow::Result<()>,
    day: &dyn Fn(i64) -> String,
) -> anyhow::Result<()> {
    use corridor_model::{
        HandlingCode, InformationGrade, Provenance, Purpose, SourceReliability, Statement,
    };
    let provenance = std::sync::Arc::new(Provenance {
        dataset: "ly-wanted".into(),
        recorded_by: "ca-ly".into(),
        recorded_at: day(-2),
        handling: HandlingCode::Restricted,
        purpose: Purpose::LawEnforcement,
        reliability: SourceReliability::B,
        grade: InformationGrade::KnownToSource,
    });
    let wanted = [
        ("demo-ly-w1", "Salem Abdelkader Ferjani", "1983-06-14"),
        ("demo-ly-w2", "Khaled Mabrouk Zintani", "1979-11-02"),
    ];
    let mut statements = Vec::new();
    for (id, name, born) in wanted {
        for (prop, value) in [("name", name), ("birthDate", born), ("nationality", "ly")] {
            let s = Statement::assert(id, "Person", prop, value.into(), None, provenance.clone());
            statements.push(corridor_node::sync::WireStatement::from(&s));
        }
    }
    deliver(
        libya,
        "share",
        serde_json::json!({"kind": "share", "share": {
            "id": "demo-ly/LY-S-7", "reference": "LY-S-7", "from": "demo-ly", "to": "demo-it",
            "handling": "H2", "note": "Organisers of the departures from Zuwara, wanted in Libya",
            "shared_by": "ca-ly", "shared_at": day(-1), "entities": ["demo-ly-w1", "demo-ly-w2"],
            "facts": statements.len(), "watchlist": "wanted"},
            "statements": statements}),
    )?;
    let ca = corridor_policy::Subject {
        username: "demo-ca".into(),
        roles: vec!["central_authority".into()],
        reason: None,
    };
    node.ask_consent(
        &ca,
        corridor_node::coop::ConsentInput {
            dataset: "coop/demo-ly/shared-LY-S-7/H2".into(),
            to: "demo-tn".into(),
            note: Some("Tunisia investigates departures of the same group".into()),
        },
    )?;
    // A person of ours the central authority may export, shared with Libya.
    let persons = node.store().entities_of_schema("Person", None, 200)?;
    let shared = persons.iter().find(|id| {
        node.share(
            &ca,
            corridor_node::coop::ShareInput {
                to: "demo-ly".into(),
                reference: "IT-S-3".into(),
                handling: corridor_coop::Dissemination::H2,
                note: Some("Recruiter seen with the Zuwara group".into()),
                entities: vec![id.to_string()],
                watchlist: None,
                alert: None,
            },
        )
        .is_ok()
    });
    if shared.is_some() {
        deliver(
            libya,
            "consent_ask",
            serde_json::json!({"kind": "consent_ask", "ask": {
                "id": "demo-ly/7f3a", "asker": "demo-ly", "origin": "demo-it",
                "dataset": "coop/demo-it/shared-IT-S-3/H2", "to": "demo-tn",
                "note": "May we give Tunisia the recruiter's identity?",
                "asked_by": "ca-ly", "asked_at": day(0)}}),
        )?;
    }
    Ok(())
}
