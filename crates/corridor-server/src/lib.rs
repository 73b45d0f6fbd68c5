//! The node's HTTP face: the JSON API under `/api/v1`, its OpenAPI document, health and
//! Prometheus metrics, and the workbench's static files. The only crate that speaks HTTP.
//!
//! Key decisions:
//! - Handlers do no policy: they authenticate, parse, and call one `corridor-node` service,
//!   which filters every fact through the policy and audits. A new route cannot leak what the
//!   node would not hand out.
//! - Every route is listed once in [`ROUTES`]; the OpenAPI document (`openapi.yaml`, data) is
//!   checked against that list by a test, and every listed route is called by another.
//! - Logs carry the route template, status and duration — never paths with ids, query strings,
//!   bodies or user names.

pub mod auth;
mod metrics;
pub mod problem;
mod routes;
mod web;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, any, get, patch, post};
use corridor_node::Node;

use crate::problem::Problem;

/// The largest request body the API reads.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub struct AppState {
    pub node: Node,
    /// The built workbench (`web/dist`), if there is one.
    pub web: Option<PathBuf>,
    pub secure_cookies: bool,
    pub openapi: serde_json::Value,
    metrics: metrics::Metrics,
}

pub type App = Arc<AppState>;

impl AppState {
    pub fn new(node: Node, web: Option<PathBuf>, secure_cookies: bool) -> AppState {
        AppState {
            node,
            web,
            secure_cookies,
            openapi: openapi_document(),
            metrics: metrics::Metrics::default(),
        }
    }
}

/// Runs store work on the blocking pool.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Problem> + Send + 'static,
) -> Result<T, Problem> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| {
        tracing::error!(error = %e, "a request's work panicked");
        Err(Problem::internal())
    })
}

/// The OpenAPI document, from `openapi.yaml`.
pub fn openapi_document() -> serde_json::Value {
    serde_yaml_ng::from_str(include_str!("../openapi.yaml"))
        .expect("openapi.yaml is checked by a test")
}

/// Every route: method, path (OpenAPI spelling), handler.
pub fn routes() -> Vec<(&'static str, &'static str, MethodRouter<App>)> {
    use routes as r;
    vec![
        ("get", "/health", get(r::health)),
        ("get", "/metrics", get(r::metrics)),
        ("get", "/api/openapi.json", get(r::openapi)),
        ("post", "/api/v1/auth/login", post(r::login)),
        ("post", "/api/v1/auth/logout", post(r::logout)),
        ("get", "/api/v1/auth/me", get(r::me)),
        ("post", "/api/v1/auth/tokens", post(r::create_token)),
        ("get", "/api/v1/search", get(r::search)),
        ("get", "/api/v1/entities/{id}", get(r::entity)),
        (
            "post",
            "/api/v1/entities/{id}/statements",
            post(r::assert_fact),
        ),
        (
            "post",
            "/api/v1/entities/{id}/retractions",
            post(r::retract),
        ),
        ("get", "/api/v1/export", get(r::export)),
        ("get", "/api/v1/stats", get(r::stats)),
        ("get", "/api/v1/users", get(r::list_users)),
        ("post", "/api/v1/users", post(r::create_user)),
        ("patch", "/api/v1/users/{username}", patch(r::update_user)),
        ("get", "/api/v1/audit", get(r::audit)),
        ("get", "/api/v1/audit/verify", get(r::audit_verify)),
        ("get", "/api/v1/resolution", get(r::review::status)),
        ("get", "/api/v1/resolution/queue", get(r::review::queue)),
        (
            "get",
            "/api/v1/resolution/pairs/{left}/{right}",
            get(r::review::pair),
        ),
        (
            "post",
            "/api/v1/resolution/judgements",
            post(r::review::judge),
        ),
        (
            "post",
            "/api/v1/resolution/judgements/{seq}/undo",
            post(r::review::undo),
        ),
        ("get", "/api/v1/watchlists", get(r::border::watchlists)),
        (
            "post",
            "/api/v1/watchlists/{list}/versions",
            post(r::border::import_watchlist)
                .layer(DefaultBodyLimit::max(r::border::MAX_WATCHLIST_BYTES)),
        ),
        ("post", "/api/v1/screen", post(r::border::screen)),
        ("post", "/api/v1/mrz", post(r::border::read_mrz)),
        (
            "post",
            "/api/v1/crossings",
            post(r::border::register_crossing),
        ),
        (
            "get",
            "/api/v1/crossing-points",
            get(r::border::crossing_points),
        ),
        ("get", "/api/v1/alerts", get(r::border::alerts)),
        (
            "post",
            "/api/v1/alerts/{id}/decision",
            post(r::border::decide_alert),
        ),
        ("get", "/api/v1/risk/rules", get(r::risk::rules)),
        ("post", "/api/v1/risk/changes", post(r::risk::propose)),
        (
            "post",
            "/api/v1/risk/changes/{id}/decision",
            post(r::risk::decide_change),
        ),
        ("get", "/api/v1/risk/backtest", get(r::risk::backtest)),
        ("get", "/api/v1/risk/disparity", get(r::risk::disparity)),
        ("post", "/api/v1/risk/run", post(r::risk::run)),
        ("get", "/api/v1/risk/alerts", get(r::risk::alerts)),
        (
            "post",
            "/api/v1/risk/alerts/{id}/decision",
            post(r::risk::decide_alert),
        ),
        (
            "get",
            "/api/v1/network/neighbourhood",
            get(r::network::neighbourhood),
        ),
        ("get", "/api/v1/network/paths", get(r::network::paths)),
        ("get", "/api/v1/network/timeline", get(r::network::timeline)),
        ("get", "/api/v1/network/findings", get(r::network::findings)),
        ("get", "/api/v1/network/money", get(r::network::money)),
        ("get", "/api/v1/network/export", get(r::network::export)),
        (
            "post",
            "/api/v1/research/imports",
            post(r::research::import),
        ),
        ("get", "/api/v1/research/summary", get(r::research::summary)),
        ("get", "/api/v1/research/routes", get(r::research::routes)),
        ("get", "/api/v1/research/points", get(r::research::points)),
        (
            "post",
            "/api/v1/research/incidents",
            post(r::research::record),
        ),
        ("post", "/api/v1/research/dp", post(r::research::dp)),
        ("get", "/api/v1/research/fees", get(r::research::fees)),
        (
            "get",
            "/api/v1/research/modus-operandi",
            get(r::research::modus_operandi),
        ),
        ("get", "/api/v1/research/ledgers", get(r::research::ledgers)),
        (
            "get",
            "/api/v1/protection/vocabulary",
            get(r::protection::vocabulary),
        ),
        (
            "post",
            "/api/v1/protection/registrations",
            post(r::protection::register),
        ),
        (
            "post",
            "/api/v1/protection/candidates",
            post(r::protection::candidates),
        ),
        ("get", "/api/v1/protection/cases", get(r::protection::cases)),
        (
            "get",
            "/api/v1/protection/cases/{person}",
            get(r::protection::case),
        ),
        (
            "post",
            "/api/v1/protection/cases/{person}/screenings",
            post(r::protection::screening),
        ),
        (
            "post",
            "/api/v1/protection/cases/{person}/return",
            post(r::protection::return_step),
        ),
        (
            "get",
            "/api/v1/protection/cases/{person}/export",
            get(r::protection::access_export),
        ),
        (
            "post",
            "/api/v1/protection/cases/{person}/corrections",
            post(r::protection::correction),
        ),
        (
            "get",
            "/api/v1/protection/htcds",
            get(r::protection::htcds_export),
        ),
        (
            "post",
            "/api/v1/protection/htcds",
            post(r::protection::htcds_import),
        ),
        (
            "post",
            "/api/v1/protection/cases/{person}/disclosures",
            post(r::protection::disclose),
        ),
        (
            "post",
            "/api/v1/protection/disclosures/{id}/withdraw",
            post(r::protection::withdraw_disclosure),
        ),
        (
            "post",
            "/api/v1/protection/cases/{person}/conflicts/resolve",
            post(r::protection::resolve_conflict),
        ),
        (
            "get",
            "/api/v1/protection/retention",
            get(r::protection::retention),
        ),
        (
            "post",
            "/api/v1/protection/retention/purge",
            post(r::protection::purge),
        ),
        (
            "post",
            "/api/v1/protection/referrals",
            post(r::protection::referral),
        ),
        (
            "post",
            "/api/v1/protection/referrals/{id}/steps",
            post(r::protection::referral_step),
        ),
        (
            "get",
            "/api/v1/persons/{id}/status",
            get(r::protection::person_status),
        ),
        (
            "post",
            "/api/v1/persons/{id}/status",
            post(r::protection::set_person_status),
        ),
        ("get", "/api/v1/coop/identity", get(r::coop::identity)),
        ("get", "/api/v1/coop/partners", get(r::coop::partners)),
        ("post", "/api/v1/coop/partners", post(r::coop::add_partner)),
        ("get", "/api/v1/coop/requests", get(r::coop::requests)),
        (
            "post",
            "/api/v1/coop/requests",
            post(r::coop::create_request),
        ),
        (
            "get",
            "/api/v1/coop/requests/{node}/{reference}",
            get(r::coop::request),
        ),
        (
            "post",
            "/api/v1/coop/requests/{node}/{reference}/steps",
            post(r::coop::step),
        ),
        (
            "post",
            "/api/v1/coop/requests/{node}/{reference}/answer",
            post(r::coop::answer),
        ),
        (
            "post",
            "/api/v1/coop/requests/{node}/{reference}/attachments",
            post(r::coop::attach).layer(DefaultBodyLimit::disable()),
        ),
        (
            "get",
            "/api/v1/coop/attachments/{sha256}",
            get(r::coop::attachment),
        ),
        ("get", "/api/v1/coop/shares", get(r::coop::shares)),
        ("post", "/api/v1/coop/shares", post(r::coop::share)),
        ("get", "/api/v1/coop/consents", get(r::coop::consents)),
        ("post", "/api/v1/coop/consents", post(r::coop::ask_consent)),
        (
            "post",
            "/api/v1/coop/consents/{node}/{ask}/decision",
            post(r::coop::decide_consent),
        ),
        ("get", "/api/v1/coop/timeliness", get(r::coop::timeliness)),
        ("get", "/api/v1/coop/messages", get(r::coop::messages)),
        ("get", "/api/v1/coop/packages/{id}", get(r::coop::package)),
        (
            "post",
            "/api/v1/coop/packages",
            post(r::coop::receive).layer(DefaultBodyLimit::disable()),
        ),
        ("get", "/api/v1/sync/watchlists", get(r::sync::watchlists)),
        (
            "get",
            "/api/v1/sync/watchlists/{list}/versions/{version}",
            get(r::sync::watchlist_version),
        ),
        ("get", "/api/v1/sync/statements", get(r::sync::statements)),
        (
            "post",
            "/api/v1/sync/statements",
            post(r::sync::receive).layer(DefaultBodyLimit::max(r::sync::MAX_BATCH_BYTES)),
        ),
        ("get", "/api/v1/sync/status", get(r::sync::status)),
    ]
}

pub fn router(app: App) -> Router {
    // Routes that share a path share one MethodRouter.
    let mut by_path: Vec<(&str, MethodRouter<App>)> = Vec::new();
    for (_, path, handler) in routes() {
        match by_path.iter_mut().find(|(p, _)| *p == path) {
            Some((_, existing)) => *existing = std::mem::take(existing).merge(handler),
            None => by_path.push((path, handler)),
        }
    }
    let mut router = Router::new();
    for (path, handler) in by_path {
        router = router.route(path, handler);
    }
    router
        .route("/api/{*rest}", any(routes::api_not_found))
        .fallback(web::serve)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(app.clone(), observe))
        .with_state(app)
}

/// The largest body a route reads: watchlists and synchronisation batches are larger than
/// forms (each such route also sets its own `DefaultBodyLimit`).
fn body_limit(route: &str) -> usize {
    match route {
        "/api/v1/watchlists/{list}/versions" => routes::border::MAX_WATCHLIST_BYTES,
        "/api/v1/sync/statements" => routes::sync::MAX_BATCH_BYTES,
        "/api/v1/protection/htcds" => corridor_node::protection::MAX_HTCDS_BYTES,
        "/api/v1/research/imports" => corridor_node::research::MAX_RESEARCH_FILE_BYTES,
        // Packages and files stream to disk; the node checks their size as they come.
        "/api/v1/coop/packages" | "/api/v1/coop/requests/{node}/{reference}/attachments" => {
            corridor_node::coop::MAX_PACKAGE_BYTES as usize
        }
        _ => MAX_BODY_BYTES,
    }
}

/// Logs and counts each request by route template; adds security headers; turns a refused
/// oversized body into a problem document.
async fn observe(State(app): State<App>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(static)".to_string(), |p| p.as_str().to_string());
    let method = request.method().clone();
    let client = request
        .extensions()
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let too_large = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|n| n > body_limit(&route));
    let limit = body_limit(&route);
    let mut response = if too_large {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the body is larger than the limit of {limit} bytes"),
        )
        .into_response()
    } else {
        next.run(request).await
    };
    let status = response.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.as_bytes())
            != Some(b"application/problem+json")
    {
        response = Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the body is larger than the limit of {limit} bytes"),
        )
        .into_response();
    }
    let mark = response.extensions().get::<problem::ProblemMark>().copied();
    audit_refusal(
        &app,
        response.status(),
        mark,
        format!("{method} {route}"),
        client,
    )
    .await;
    let seconds = started.elapsed().as_secs_f64();
    app.metrics
        .observe(&route, method.as_str(), status.as_u16(), seconds);
    tracing::info!(
        method = %method,
        route = %route,
        status = status.as_u16(),
        ms = (seconds * 1000.0).round(),
        "request"
    );
    let headers = response.headers_mut();
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    headers.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'",
        ),
    );
    response
}

/// Records refused requests that nothing recorded on the way: malformed, oversized or invalid
/// input and refusals by the policy. The entry names the route and the client address, never
/// the body.
async fn audit_refusal(
    app: &App,
    status: StatusCode,
    mark: Option<problem::ProblemMark>,
    object: String,
    client: Option<std::net::IpAddr>,
) {
    let worth = matches!(status.as_u16(), 400 | 403 | 413 | 422);
    let (code, audited) = mark.map_or(("invalid", false), |m| (m.code, m.audited));
    if !worth || audited {
        return;
    }
    let app = app.clone();
    let who = client.map_or_else(|| "client unknown".to_string(), |ip| format!("client {ip}"));
    let why = format!("{} {code}", status.as_u16());
    // Awaited, so that the entry is in the log before the caller hears the answer.
    let _ =
        tokio::task::spawn_blocking(move || app.node.audit_refusal(&who, "request", &object, &why))
            .await;
}

/// A certificate chain and its private key, PEM files.
#[derive(Clone, Debug)]
pub struct Tls {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Serves until Ctrl-C, over TLS when `tls` is given. Prints `listening on http(s)://ADDR`
/// once bound (tests and scripts read it).
pub async fn serve(app: App, listen: SocketAddr, tls: Option<Tls>) -> std::io::Result<()> {
    let listener = std::net::TcpListener::bind(listen)?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    println!("listening on {scheme}://{}", listener.local_addr()?);
    serve_on(app, listener, tls).await
}

/// Serves on a bound listener until Ctrl-C.
pub async fn serve_on(
    app: App,
    listener: std::net::TcpListener,
    tls: Option<Tls>,
) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let service = router(app).into_make_service_with_connect_info::<SocketAddr>();
    let Some(tls) = tls else {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        return axum::serve(listener, service)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await;
    };
    // rustls on ring; installing twice (tests) is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(&tls.cert, &tls.key)
        .await
        .map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!(
                    "TLS: cannot use {} and {}: {e}",
                    tls.cert.display(),
                    tls.key.display()
                ),
            )
        })?;
    let handle = axum_server::Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        stopper.graceful_shutdown(Some(std::time::Duration::from_secs(5)));
    });
    axum_server::from_tcp_rustls(listener, config)
        .handle(handle)
        .serve(service)
        .await
}

#[cfg(test)]
mod tests;
