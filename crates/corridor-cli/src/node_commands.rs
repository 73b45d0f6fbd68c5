//! The node's own commands: serve the API and workbench, manage users from the machine, and
//! check the audit log. Writes made at the command line are audited like those made over HTTP.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, bail};
use corridor_node::Node;
use corridor_store::Location;

use crate::commands::Context;

/// The demo's users: one per role, all with the demo password.
pub const DEMO_USERS: &[(&str, &str, &str)] = &[
    ("admin", "Demo administrator", "administrator"),
    ("border", "Demo border officer", "border_officer"),
    ("analyst", "Demo analyst", "analyst"),
    ("investigator", "Demo investigator", "investigator"),
    ("central", "Demo central authority", "central_authority"),
    (
        "protection",
        "Demo protection officer",
        "protection_officer",
    ),
    ("researcher", "Demo researcher", "researcher"),
];

impl Context {
    /// Where the node keeps its signing key and the signed audit head: the data directory for
    /// the embedded store, `--node-dir` for PostgreSQL.
    pub fn node_dir(&self) -> PathBuf {
        match (&self.node_dir, &self.location) {
            (Some(dir), _) => dir.clone(),
            (None, Location::Directory(dir)) => dir.clone(),
            (None, Location::Postgres(_)) => PathBuf::from("./corridor-node"),
        }
    }

    pub fn node(&self, connections: usize) -> anyhow::Result<Node> {
        Node::open(
            &self.location,
            &self.node_dir(),
            self.model.clone(),
            connections,
        )
        .with_context(|| format!("opening the node at {}", self.node_dir().display()))
    }

    /// Appends an audit entry for a command-line write, by --user.
    pub fn audit(&self, action: &str, object: &str, outcome: &str) -> anyhow::Result<()> {
        let node = self.node(1)?;
        let mut store = node.store();
        node.audit(&mut **store, &self.user, action, object, None, outcome)?;
        Ok(())
    }
}

fn random_password() -> anyhow::Result<String> {
    let secret = corridor_node::accounts::new_secret()?;
    Ok(secret[..20].to_string())
}

/// Where a demo node keeps its demo password, so that `serve --demo` can show it again.
pub const DEMO_PASSWORD_FILE: &str = "demo-password";

/// Creates the demo users if the node has none; returns the password when it made them.
pub fn ensure_demo_users(ctx: &Context) -> anyhow::Result<Option<String>> {
    let node = ctx.node(1)?;
    if !node.store().users()?.is_empty() {
        return Ok(None);
    }
    let password = match std::env::var("CORRIDOR_DEMO_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => random_password()?,
    };
    for (username, display, role) in DEMO_USERS {
        node.create_user(None, username, display, &password, vec![role.to_string()])?;
    }
    let file = ctx.node_dir().join(DEMO_PASSWORD_FILE);
    std::fs::write(&file, format!("{password}\n"))
        .with_context(|| format!("cannot write {}", file.display()))?;
    Ok(Some(password))
}

/// The demo password recorded when the demo users were made, if any.
fn recorded_demo_password(ctx: &Context) -> Option<String> {
    std::fs::read_to_string(ctx.node_dir().join(DEMO_PASSWORD_FILE))
        .ok()
        .map(|s| s.trim().to_string())
}

pub fn print_demo_logins(password: &str) {
    let names: Vec<&str> = DEMO_USERS.iter().map(|u| u.0).collect();
    println!(
        "demo users (one per role): {} — password: {password}",
        names.join(", ")
    );
}

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address and port; port 0 picks a free one (the chosen address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The built workbench (default: web/dist).
    #[arg(long)]
    pub web: Option<PathBuf>,
    /// Load the demo world first when the store is empty, and make the demo users.
    #[arg(long)]
    pub demo: bool,
    /// Store connections for concurrent requests.
    #[arg(long, default_value_t = 4)]
    pub connections: usize,
    /// Serve HTTPS with this certificate chain (PEM); needs --tls-key.
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM).
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Run as a border post of this national node (its base URL): mirror its watchlists,
    /// push this node's records, pull its alerts — every --sync-interval seconds while the link
    /// works, with backoff while it does not. Needs --sync-token-file.
    #[arg(long, requires = "sync_token_file")]
    pub national: Option<String>,
    #[command(flatten)]
    pub sync: SyncArgs,
    /// Seconds between deliveries of queued cooperation packages to partners (when the node
    /// has cooperation keys); a partner down is tried again with backoff.
    #[arg(long, default_value_t = 30)]
    pub coop_interval: u64,
    /// The certificate authority (PEM) partner nodes' HTTPS certificates chain to, when it is
    /// not one of the public web's.
    #[arg(long)]
    pub coop_ca: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct SyncArgs {
    /// A file holding the bearer token of this post's account (role border_post) on the
    /// national node.
    #[arg(long)]
    pub sync_token_file: Option<PathBuf>,
    /// This post's name, as the national node's audit log shows it (default: the host name).
    #[arg(long)]
    pub node_name: Option<String>,
    /// Seconds between rounds while the link works.
    #[arg(long, default_value_t = 15)]
    pub sync_interval: u64,
    /// The certificate authority (PEM) the national node's HTTPS certificate chains to, when
    /// it is not one of the public web's.
    #[arg(long)]
    pub national_ca: Option<PathBuf>,
    /// This is a protection field node: push its protection records (to an account with the
    /// protection_post role) and nothing else; enforcement records never go this way.
    #[arg(long)]
    pub protection: bool,
}

impl SyncArgs {
    pub fn link(&self, national: &str) -> anyhow::Result<corridor_sync::Link> {
        let Some(path) = &self.sync_token_file else {
            bail!("--sync-token-file: needed to reach the national node");
        };
        let token = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the token file {}", path.display()))?;
        if token.trim().is_empty() {
            bail!("{}: empty; put the post's token in it", path.display());
        }
        let name = self
            .node_name
            .clone()
            .or_else(|| std::env::var("HOSTNAME").ok())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "border-post".into());
        let ca = match &self.national_ca {
            Some(path) => Some(
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?,
            ),
            None => None,
        };
        let mut link = corridor_sync::Link::new(national, &token, &name, ca.as_deref())
            .with_context(|| {
                self.national_ca
                    .as_ref()
                    .map_or_else(String::new, |p| format!("--national-ca {}", p.display()))
            })?;
        if self.protection {
            link.scope = corridor_node::sync::SyncScope::Protection;
        }
        Ok(link)
    }
}

/// One synchronisation round with the national node, now.
pub fn sync_once(ctx: &Context, national: &str, args: &SyncArgs) -> anyhow::Result<()> {
    let link = args.link(national)?;
    let node = ctx.node(1)?;
    let report = corridor_sync::round(&node, &link).with_context(|| {
        "synchronisation stopped; what was acknowledged stays acknowledged, the rest goes up next time"
    })?;
    println!(
        "lists updated: {}; pushed {} statements ({} new there); pulled {}",
        if report.lists_updated.is_empty() {
            "none".to_string()
        } else {
            report.lists_updated.join(", ")
        },
        report.pushed,
        report.inserted_there,
        report.pulled
    );
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    Ok(())
}

/// Issues a bearer token for a user (a border post's account, a script), shown once.
pub fn users_token(ctx: &Context, username: &str, name: &str) -> anyhow::Result<()> {
    let node = ctx.node(1)?;
    let Some(user) = node.store().user(username)? else {
        bail!("no user {username:?} (see `corridor users list`)");
    };
    let subject = corridor_policy::Subject {
        username: user.username.clone(),
        roles: user.roles.clone(),
        reason: None,
    };
    let issued = node.create_token(&subject, name)?;
    println!("{}", issued.secret);
    eprintln!(
        "token {name:?} for {username}, expires {} (shown once)",
        issued.credential.expires_at
    );
    Ok(())
}

/// The built workbench: `--web`, else `web/dist` under the working directory, else the one in
/// the source tree this binary was built from.
fn find_web(given: Option<PathBuf>) -> Option<PathBuf> {
    if given.is_some() {
        return given;
    }
    let candidates = [
        PathBuf::from("web/dist"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/dist"),
    ];
    candidates
        .into_iter()
        .find(|p| p.join("index.html").is_file())
}

pub fn serve(ctx: &Context, args: ServeArgs) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .json()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CORRIDOR_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .init();
    let empty = match corridor_store::open(&ctx.location, ctx.model.clone()) {
        Ok(mut store) => store.stats()?.statements == 0,
        Err(corridor_store::StoreError::NotInitialised(_)) => true,
        Err(e) => return Err(e.into()),
    };
    if args.demo && empty {
        crate::commands::demo(ctx)?;
    } else if args.demo {
        match ensure_demo_users(ctx)?.or_else(|| recorded_demo_password(ctx)) {
            Some(password) => print_demo_logins(&password),
            None => println!("log in with the users of this node (`corridor users list`)"),
        }
    }
    let tls = args
        .tls_cert
        .zip(args.tls_key)
        .map(|(cert, key)| corridor_server::Tls { cert, key });
    let web = find_web(args.web);
    if let Some(dir) = &web
        && !dir.join("index.html").is_file()
    {
        bail!("--web {}: no index.html there", dir.display());
    }
    let node = ctx.node(args.connections.max(1))?;
    // Entity resolution builds in the background (the API answers meanwhile and says so), then
    // links what is written — by the API, an import, another process — every two seconds.
    node.start_resolution(std::time::Duration::from_secs(2));
    node.start_checkpoints(std::time::Duration::from_millis(200))?;
    if web.is_none() {
        eprintln!("corridor: the workbench is not built (web/dist); serving the API only");
    }
    // Session cookies are marked Secure when the node speaks TLS.
    let app = Arc::new(corridor_server::AppState::new(node, web, tls.is_some()));
    // The screening index is built now, on its own thread, rather than on the first
    // crossing registered (seconds for a list of a million entries).
    let warm = app.clone();
    std::thread::Builder::new()
        .name("screening".into())
        .spawn(move || {
            if let Err(e) = warm.node.rebuild_screening() {
                eprintln!("corridor: the screening index could not be built now ({e}); it is tried again on first use");
            }
        })?;
    if let Some(national) = &args.national {
        let link = args.sync.link(national)?;
        let interval = std::time::Duration::from_secs(args.sync.sync_interval.max(1));
        let post = app.clone();
        eprintln!(
            "corridor: a border post of {national}; synchronising every {} s",
            interval.as_secs()
        );
        std::thread::Builder::new()
            .name("sync".into())
            .spawn(move || corridor_sync::run(&post.node, &link, interval))?;
    }
    if app.node.coop_identity().is_ok() {
        let ca = args
            .coop_ca
            .as_deref()
            .map(std::fs::read)
            .transpose()
            .context("--coop-ca")?;
        let courier = corridor_sync::Courier::new(ca.as_deref())?;
        let interval = std::time::Duration::from_secs(args.coop_interval.max(1));
        let deliverer = app.clone();
        std::thread::Builder::new()
            .name("coop".into())
            .spawn(move || {
                loop {
                    match deliverer
                        .node
                        .coop_deliver(&|url, path| courier.post(url, path))
                    {
                        Ok(report) => {
                            for d in report.deliveries {
                                eprintln!(
                                    "corridor: package {} to {}: {} {}",
                                    d.package_id,
                                    d.peer,
                                    d.outcome,
                                    if d.outcome == "delivered" {
                                        ""
                                    } else {
                                        d.detail.as_str()
                                    }
                                );
                            }
                        }
                        Err(e) => eprintln!("corridor: cooperation delivery: {e}"),
                    }
                    std::thread::sleep(interval);
                }
            })?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(corridor_server::serve(app, args.listen, tls))?;
    Ok(())
}

pub fn users_add(
    ctx: &Context,
    username: &str,
    display_name: Option<&str>,
    roles: &[String],
    password_stdin: bool,
) -> anyhow::Result<()> {
    let (password, generated) = if password_stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("reading the password from standard input")?;
        (text.trim_end_matches(['\r', '\n']).to_string(), false)
    } else {
        (random_password()?, true)
    };
    let node = ctx.node(1)?;
    let user = node.create_user(
        None,
        username,
        display_name.unwrap_or(username),
        &password,
        roles.to_vec(),
    )?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "created user {} with roles {}",
        user.username,
        user.roles.join(", ")
    )?;
    if generated {
        writeln!(out, "password (shown once): {password}")?;
    }
    Ok(())
}

pub fn users_list(ctx: &Context) -> anyhow::Result<()> {
    let node = ctx.node(1)?;
    let mut out = std::io::stdout().lock();
    for u in node.store().users()? {
        writeln!(
            out,
            "{:<16} {:<28} {}{}",
            u.username,
            u.display_name,
            u.roles.join(","),
            if u.disabled { " (disabled)" } else { "" }
        )?;
    }
    Ok(())
}

pub fn audit_verify(ctx: &Context) -> anyhow::Result<()> {
    let node = ctx.node(1)?;
    let report = node.verify_audit()?;
    match &report.first_broken {
        None => {
            println!(
                "audit log intact: {} entries, {} signed checkpoints agree",
                report.entries, report.checkpoints
            );
            Ok(())
        }
        Some(b) => bail!(
            "audit log broken at entry {}: {} ({} entries read)",
            b.seq,
            b.problem,
            report.entries
        ),
    }
}

pub fn audit_log(ctx: &Context, limit: usize) -> anyhow::Result<()> {
    let node = ctx.node(1)?;
    let mut out = std::io::stdout().lock();
    for e in node.store().audit_recent(None, limit)? {
        writeln!(
            out,
            "{:>6} {} {:<12} {:<14} {:<32} {}{}",
            e.seq,
            e.at,
            e.user,
            e.action,
            e.object,
            e.outcome,
            e.reason
                .map(|r| format!(" (reason: {r})"))
                .unwrap_or_default()
        )?;
    }
    Ok(())
}
