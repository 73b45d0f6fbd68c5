//! A border post's link to its national node.
//!
//! One round: (1) the post's own records — statements after the acknowledged cursor go up in
//! batches, and the cursor moves only when the national node has answered with a receipt; (2)
//! the watchlists — every list whose national version is newer than the post's comes down
//! whole and is imported under the same version number (one that cannot be is a warning, not
//! a stop: the records come first); (3) the national node's alerts and their decisions come
//! down, so a false positive decided there is not raised again here.
//!
//! Key decisions:
//! - Store and forward: while the link is down the post keeps working on its own store, and
//!   every round starts from the cursor in the node directory, so nothing is lost across
//!   failures or restarts, and receiving twice stores once (content ids), so nothing doubles.
//! - Backoff: a failed round is retried after 2, 4, 8 … seconds, up to five minutes.
//! - Blocking HTTP (ureq on rustls/ring): the node's services are blocking, and a post has one
//!   link.

use std::time::Duration;

use corridor_node::Node;
use corridor_node::border::WatchlistImport;
use corridor_node::sync::{Batch, Cursor, Page, Receipt, SyncStatus};
use corridor_policy::Subject;
use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The national node could not be reached (the link is down): try again later.
    #[error("cannot reach the national node at {url}: {message}")]
    Unreachable { url: String, message: String },
    /// The national node answered with an error; its problem detail is kept.
    #[error("the national node refused {what}: HTTP {status}: {detail}")]
    Refused {
        what: String,
        status: u16,
        detail: String,
    },
    #[error("{0}")]
    Node(#[from] corridor_node::NodeError),
    /// The certificate authority given for the national node cannot be used.
    #[error("the national node's certificate authority: {0}")]
    Certificate(String),
    #[error("the national node's answer to {what} is not what this version expects: {message}")]
    Protocol { what: String, message: String },
}

/// Where the national node is and how this post proves who it is.
#[derive(Clone)]
pub struct Link {
    /// e.g. `https://corridor.interior.example` (no trailing slash needed).
    pub base: String,
    /// A bearer token of an account with the `border_post` role there.
    pub token: String,
    /// This post's name, as the national node's audit log will show it.
    pub node_name: String,
    /// Which records go up: a protection field node's link carries protection records only
    /// (to a protection_post account), and brings no watchlists or alerts down.
    pub scope: corridor_node::sync::SyncScope,
    agent: ureq::Agent,
}

/// What one round did.
#[derive(Clone, Debug, Default)]
pub struct RoundReport {
    pub lists_updated: Vec<String>,
    pub pushed: usize,
    pub inserted_there: u64,
    pub pulled: u64,
    pub clock_skew_seconds: Option<i64>,
    pub warnings: Vec<String>,
}

/// The largest answer read (a national watchlist version).
const MAX_ANSWER_BYTES: u64 = 512 * 1024 * 1024;

impl Link {
    /// A link to `base`. With `ca_pem` (PEM certificates), the national node's certificate
    /// must chain to one of those instead of the public web roots: a national node on a
    /// government's own certificate authority.
    pub fn new(
        base: &str,
        token: &str,
        node_name: &str,
        ca_pem: Option<&[u8]>,
    ) -> Result<Link, SyncError> {
        let agent = agent(ca_pem)?;
        Ok(Link {
            base: base.trim_end_matches('/').to_string(),
            token: token.trim().to_string(),
            node_name: node_name.to_string(),
            scope: Default::default(),
            agent,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Reads an answer; a non-2xx status becomes `Refused` with the problem's detail.
    fn answer(
        &self,
        what: &str,
        result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<String, SyncError> {
        let mut response = result.map_err(|e| SyncError::Unreachable {
            url: self.base.clone(),
            message: e.to_string(),
        })?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER_BYTES)
            .read_to_string()
            .map_err(|e| SyncError::Unreachable {
                url: self.base.clone(),
                message: format!("reading the answer to {what}: {e}"),
            })?;
        if !(200..300).contains(&status) {
            let detail = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v["detail"].as_str().map(str::to_string))
                .unwrap_or_else(|| text.chars().take(300).collect());
            return Err(SyncError::Refused {
                what: what.to_string(),
                status,
                detail,
            });
        }
        Ok(text)
    }

    fn get(&self, what: &str, path: &str) -> Result<String, SyncError> {
        let result = self
            .agent
            .get(&self.url(path))
            .header("Authorization", &format!("Bearer {}", self.token))
            .call();
        self.answer(what, result)
    }

    fn post_json(
        &self,
        what: &str,
        path: &str,
        body: &impl serde::Serialize,
    ) -> Result<String, SyncError> {
        let bytes = serde_json::to_vec(body).map_err(|e| SyncError::Protocol {
            what: what.to_string(),
            message: e.to_string(),
        })?;
        let result = self
            .agent
            .post(&self.url(path))
            .header("Authorization", &format!("Bearer {}", self.token))
            .header("Content-Type", "application/json")
            .send(&bytes[..]);
        self.answer(what, result)
    }
}

fn parse<T: for<'de> Deserialize<'de>>(what: &str, text: &str) -> Result<T, SyncError> {
    serde_json::from_str(text).map_err(|e| SyncError::Protocol {
        what: what.to_string(),
        message: e.to_string(),
    })
}

/// The account the post's own node acts as when it stores what came down.
fn mirror_subject(link: &Link) -> Subject {
    Subject {
        username: format!("sync:{}", link.base),
        roles: vec!["border_post".into()],
        reason: None,
    }
}

#[derive(Deserialize)]
struct Lists {
    lists: Vec<corridor_store::WatchlistVersion>,
}

/// One round: records up, lists down, alerts down. The cursor is saved after each step that
/// the other side acknowledged.
pub fn round(node: &Node, link: &Link) -> Result<RoundReport, SyncError> {
    let mut report = RoundReport::default();
    let mut cursor = Cursor::load(&node.dir)?;

    // 1. The post's records up first, batch by batch, each acknowledged before the cursor moves.
    loop {
        let page = node.sync_outgoing_scoped(cursor.push_after, link.scope)?;
        if !page.statements.is_empty() {
            let count = page.statements.len();
            let batch = Batch {
                node: link.node_name.clone(),
                sent_at: corridor_node::now(),
                statements: page.statements,
            };
            let receipt: Receipt = parse(
                "a batch",
                &link.post_json("a batch", "/api/v1/sync/statements", &batch)?,
            )?;
            report.pushed += count;
            report.inserted_there += receipt.inserted;
            report.clock_skew_seconds = Some(receipt.clock_skew_seconds);
            report.warnings.extend(receipt.warnings);
        }
        cursor.push_after = page.last;
        cursor.save(&node.dir)?;
        if !page.more {
            break;
        }
    }

    if link.scope == corridor_node::sync::SyncScope::Protection {
        return Ok(report);
    }

    // 2. Watchlists down. A list that cannot be mirrored (its entries are not the post's to
    //    see, say) is said and left at its old version; it does not stop the round.
    let remote: Lists = parse(
        "the list of watchlists",
        &link.get("the list of watchlists", "/api/v1/sync/watchlists")?,
    )?;
    let local = node
        .store()
        .watchlist_versions()
        .map_err(corridor_node::NodeError::from)?;
    for v in remote.lists {
        let have = local
            .iter()
            .filter(|l| l.list == v.list)
            .map(|l| l.version)
            .max()
            .unwrap_or(0);
        if v.version <= have {
            continue;
        }
        let what = format!("watchlist {} version {}", v.list, v.version);
        let text = link.get(
            &what,
            &format!("/api/v1/sync/watchlists/{}/versions/{}", v.list, v.version),
        )?;
        let source = format!("{} (national v{})", v.source, v.version);
        let mirrored = node.import_watchlist(
            &mirror_subject(link),
            WatchlistImport {
                version: Some(v.version),
                ..WatchlistImport::new(&v.list, &source, text.as_bytes())
            },
        );
        match mirrored {
            Ok(_) => report
                .lists_updated
                .push(format!("{} v{}", v.list, v.version)),
            Err(e) => report
                .warnings
                .push(format!("{what} could not be mirrored: {e}")),
        }
    }

    // 3. The national node's alerts and decisions down.
    loop {
        let what = "the national node's alerts";
        let page: Page = parse(
            what,
            &link.get(
                what,
                &format!("/api/v1/sync/statements?after={}", cursor.pull_after),
            )?,
        )?;
        report.pulled += node.sync_store_pulled(page.statements)?;
        cursor.pull_after = page.last;
        cursor.save(&node.dir)?;
        if !page.more {
            break;
        }
    }
    report.warnings.dedup();
    Ok(report)
}

/// Runs rounds forever (on the caller's thread): every `interval` while the link works, with
/// backoff while it does not; the node's sync status says how it stands.
pub fn run(node: &Node, link: &Link, interval: Duration) -> ! {
    let mut status = SyncStatus {
        national: link.base.clone(),
        state: "never".into(),
        ..Default::default()
    };
    let mut failures: u32 = 0;
    loop {
        status.last_attempt = Some(corridor_node::now());
        match round(node, link) {
            Ok(report) => {
                failures = 0;
                status.state = "ok".into();
                status.last_success = status.last_attempt.clone();
                status.last_error = None;
                status.pushed += report.pushed as u64;
                if report.clock_skew_seconds.is_some() {
                    status.clock_skew_seconds = report.clock_skew_seconds;
                }
                status.warnings = report.warnings.clone();
                if report.pushed > 0 || !report.lists_updated.is_empty() || report.pulled > 0 {
                    tracing::info!(
                        pushed = report.pushed,
                        inserted = report.inserted_there,
                        pulled = report.pulled,
                        lists = ?report.lists_updated,
                        "synchronised with the national node"
                    );
                }
            }
            Err(e) => {
                failures += 1;
                status.state = "failing".into();
                status.last_error = Some(e.to_string());
                tracing::warn!(error = %e, failures, "synchronisation failed; records stay here and go up when the link returns");
            }
        }
        let wait = if failures == 0 {
            interval
        } else {
            Duration::from_secs((1u64 << failures.min(9)).min(300))
        };
        status.next_attempt = Some(corridor_model::types::format_unix_utc(
            corridor_node::now_unix() + wait.as_secs() as i64,
        ));
        status.pending = pending(node);
        status.watchlists = node
            .store()
            .watchlist_versions()
            .map(|vs| {
                vs.iter()
                    .map(|v| format!("{} v{}", v.list, v.version))
                    .collect()
            })
            .unwrap_or_default();
        node.set_sync_status(status.clone());
        std::thread::sleep(wait);
    }
}

/// Statements recorded since the last acknowledged push (an upper bound).
fn pending(node: &Node) -> i64 {
    let cursor = Cursor::load(&node.dir).unwrap_or_default();
    node.store()
        .last_statement_seq()
        .map(|last| (last - cursor.push_after).max(0))
        .unwrap_or(0)
}

/// An agent with a private certificate authority when given (nodes of one State often use
/// their own), timeouts, and statuses left to the caller.
fn agent(ca_pem: Option<&[u8]>) -> Result<ureq::Agent, SyncError> {
    let mut config = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(10)))
        .timeout_global(Some(Duration::from_secs(600)))
        .http_status_as_error(false);
    if let Some(pem) = ca_pem {
        let mut roots = Vec::new();
        for item in ureq::tls::parse_pem(pem) {
            match item {
                Ok(ureq::tls::PemItem::Certificate(cert)) => roots.push(cert),
                Ok(_) => {}
                Err(e) => {
                    return Err(SyncError::Certificate(format!("not PEM: {e}")));
                }
            }
        }
        if roots.is_empty() {
            return Err(SyncError::Certificate("no certificate in it".into()));
        }
        config = config.tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::Specific(std::sync::Arc::new(roots)))
                .build(),
        );
    }
    Ok(config.build().into())
}

/// Carries cooperation packages to partner nodes: the node's deliverer calls [`Courier::post`]
/// for each package due, and keeps the receipt it returns.
pub struct Courier {
    agent: ureq::Agent,
}

impl Courier {
    pub fn new(ca_pem: Option<&[u8]>) -> Result<Courier, SyncError> {
        Ok(Courier {
            agent: agent(ca_pem)?,
        })
    }

    /// POSTs a package file, streamed; the receipt's JSON on 200, otherwise what went wrong.
    pub fn post(&self, url: &str, package: &std::path::Path) -> Result<String, String> {
        let file =
            std::fs::File::open(package).map_err(|e| format!("{}: {e}", package.display()))?;
        let response = self
            .agent
            .post(url)
            .header("Content-Type", "application/octet-stream")
            .send(file)
            .map_err(|e| format!("{url}: {e}"))?;
        let status = response.status().as_u16();
        let text = response
            .into_body()
            .with_config()
            .limit(1024 * 1024)
            .read_to_string()
            .map_err(|e| format!("{url}: {e}"))?;
        if status == 200 {
            Ok(text)
        } else {
            let detail = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v["detail"].as_str().map(str::to_string))
                .unwrap_or(text);
            Err(format!("{url}: {status}: {detail}"))
        }
    }
}
