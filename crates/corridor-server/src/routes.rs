//! The API's handlers: each authenticates, parses, and calls one node service on the blocking
//! pool. What a caller may see is decided in the node, never here.

use std::collections::HashMap;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::{SESSION_COOKIE, caller, parse_body};
use crate::problem::Problem;
use crate::{App, blocking};

pub mod border;
pub mod coop;
pub mod network;
pub mod protection;
pub mod research;
pub mod review;
pub mod risk;
pub mod sync;

type ApiResult = Result<Response, Problem>;

fn ok(value: impl serde::Serialize) -> ApiResult {
    Ok(axum::Json(value).into_response())
}

fn created(value: impl serde::Serialize) -> ApiResult {
    Ok((StatusCode::CREATED, axum::Json(value)).into_response())
}

/// The common shape of a handler: authenticate, run one node service with the caller's
/// subject on the blocking pool, answer its JSON with `status`.
async fn node_call<T: serde::Serialize + Send + 'static>(
    app: App,
    headers: &HeaderMap,
    method: &Method,
    status: StatusCode,
    work: impl FnOnce(
        &corridor_node::Node,
        &corridor_policy::Subject,
    ) -> Result<T, corridor_node::NodeError>
    + Send
    + 'static,
) -> ApiResult {
    let c = caller(&app, headers, method).await?;
    let value = blocking(move || work(&app.node, &c.subject).map_err(Problem::from)).await?;
    Ok((status, axum::Json(value)).into_response())
}

fn user_json(user: &corridor_store::UserRecord) -> Value {
    serde_json::to_value(corridor_node::users::UserView::from(user)).expect("plain struct")
}

pub async fn health() -> Response {
    axum::Json(json!({"status": "ok"})).into_response()
}

pub async fn openapi(State(app): State<App>) -> Response {
    axum::Json(app.openapi.clone()).into_response()
}

pub async fn metrics(State(app): State<App>) -> Response {
    let mut response = app.metrics.render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    response
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    username: String,
    password: String,
}

pub async fn login(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    body: Bytes,
) -> ApiResult {
    let LoginBody { username, password } = parse_body(&body)?;
    let node_app = app.clone();
    let (issued, user) = blocking(move || {
        node_app
            .node
            .login(&username, &password, &peer.ip().to_string())
            .map_err(Problem::from)
    })
    .await?;
    let secure = if app.secure_cookies { "; Secure" } else { "" };
    let cookie = format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        issued.secret,
        corridor_node::accounts::SESSION_HOURS * 3600
    );
    let mut response =
        axum::Json(json!({"user": user_json(&user), "csrf_token": issued.credential.csrf_token}))
            .into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|_| Problem::internal())?,
    );
    Ok(response)
}

pub async fn logout(State(app): State<App>, method: Method, headers: HeaderMap) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    blocking(move || app.node.logout(&c.secret).map_err(Problem::from)).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("corridor_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    Ok(response)
}

pub async fn me(State(app): State<App>, method: Method, headers: HeaderMap) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    ok(json!({"user": user_json(&c.user), "csrf_token": c.csrf_token}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    name: String,
}

pub async fn create_token(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let TokenBody { name } = parse_body(&body)?;
    let issued = blocking(move || {
        app.node
            .create_token(&c.subject, &name)
            .map_err(Problem::from)
    })
    .await?;
    created(
        json!({"token": issued.secret, "name": issued.credential.name, "expires_at": issued.credential.expires_at}),
    )
}

fn query_param<'q>(q: &'q HashMap<String, String>, name: &str) -> Option<&'q str> {
    q.get(name).map(String::as_str)
}

fn number(q: &HashMap<String, String>, name: &str, default: usize) -> Result<usize, Problem> {
    match query_param(q, name) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|_| Problem::invalid(format!("{name}: a whole number, not {v:?}"))),
    }
}

pub async fn search(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let text = query_param(&q, "q")
        .ok_or_else(|| Problem::invalid("q: give the name to search for"))?
        .to_string();
    let limit = number(&q, "limit", 20)?;
    let view = blocking(move || {
        app.node
            .search(&c.subject, &text, limit)
            .map_err(Problem::from)
    })
    .await?;
    ok(view)
}

pub async fn entity(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let view = blocking(move || app.node.entity(&c.subject, &id).map_err(Problem::from)).await?;
    ok(view)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactBody {
    schema: String,
    prop: String,
    value: String,
    handling: String,
    purpose: String,
    reason: String,
}

pub async fn assert_fact(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let b: FactBody = parse_body(&body)?;
    let fact = corridor_node::views::NewFact {
        schema: b.schema,
        prop: b.prop,
        value: b.value,
        handling: b.handling,
        purpose: b.purpose,
        reason: b.reason,
    };
    let view = blocking(move || {
        app.node
            .assert_fact(&c.subject, &id, fact)
            .map_err(Problem::from)
    })
    .await?;
    created(view)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetractBody {
    statement_id: String,
    reason: String,
}

pub async fn retract(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let b: RetractBody = parse_body(&body)?;
    let view = blocking(move || {
        app.node
            .retract(&c.subject, &id, &b.statement_id, &b.reason)
            .map_err(Problem::from)
    })
    .await?;
    created(view)
}

pub async fn stats(State(app): State<App>, method: Method, headers: HeaderMap) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let stats = blocking(move || app.node.stats(&c.subject).map_err(Problem::from)).await?;
    ok(json!({
        "entities": stats.entities,
        "statements": stats.statements,
        "by_schema": stats.entities_by_schema,
        "by_dataset": stats.statements_by_dataset,
    }))
}

/// Streams the export: the node writes lines on the blocking pool into a channel that the
/// response body drains, so memory holds a few chunks, not the whole store.
pub async fn export(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    match query_param(&q, "format").unwrap_or("ftm") {
        "ftm" => {}
        other => {
            return Err(Problem::invalid(format!(
                "format: {other:?} is not offered (use ftm)"
            )));
        }
    }
    // Refuse early, with a proper status, when the caller may not export at all.
    app.node
        .require(&c.subject, corridor_policy::Action::Export)
        .map_err(Problem::from)?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(16);
    tokio::task::spawn_blocking(move || {
        let mut writer = ChannelWriter {
            tx: tx.clone(),
            buffer: Vec::new(),
        };
        let result = app.node.export_ftm(&c.subject, &mut writer);
        let _ = writer.flush_chunk();
        if let Err(e) = result {
            tracing::error!(error = %e, "export failed");
            let _ = tx.blocking_send(Err(std::io::Error::other("export failed")));
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let mut response = Body::from_stream(stream).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson"),
    );
    Ok(response)
}

struct ChannelWriter {
    tx: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
    buffer: Vec<u8>,
}

impl ChannelWriter {
    fn flush_chunk(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::take(&mut self.buffer));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::other("the client went away"))
    }
}

impl std::io::Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(data);
        if self.buffer.len() >= 64 * 1024 {
            self.flush_chunk()?;
        }
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.flush_chunk()
    }
}

pub async fn list_users(State(app): State<App>, method: Method, headers: HeaderMap) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let users = blocking(move || app.node.list_users(&c.subject).map_err(Problem::from)).await?;
    ok(users)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    username: String,
    display_name: String,
    password: String,
    roles: Vec<String>,
}

pub async fn create_user(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let b: NewUserBody = parse_body(&body)?;
    let user = blocking(move || {
        app.node
            .create_user(
                Some(&c.subject),
                &b.username,
                &b.display_name,
                &b.password,
                b.roles,
            )
            .map_err(Problem::from)
    })
    .await?;
    created(user)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserPatchBody {
    display_name: Option<String>,
    password: Option<String>,
    roles: Option<Vec<String>>,
    disabled: Option<bool>,
}

pub async fn update_user(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path(username): Path<String>,
    body: Bytes,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let b: UserPatchBody = parse_body(&body)?;
    let patch = corridor_node::users::UserPatch {
        display_name: b.display_name,
        password: b.password,
        roles: b.roles,
        disabled: b.disabled,
    };
    let user = blocking(move || {
        app.node
            .update_user(&c.subject, &username, patch)
            .map_err(Problem::from)
    })
    .await?;
    ok(user)
}

pub async fn audit(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let limit = number(&q, "limit", 100)?;
    let before = match query_param(&q, "before") {
        None => None,
        Some(_) => Some(number(&q, "before", 0)? as u64),
    };
    let entries = blocking(move || {
        app.node
            .audit_recent(&c.subject, before, limit)
            .map_err(Problem::from)
    })
    .await?;
    let entries: Vec<Value> = entries
        .into_iter()
        .map(|e| {
            json!({"seq": e.seq, "at": e.at, "user": e.user, "action": e.action, "object": e.object,
                   "reason": e.reason, "outcome": e.outcome, "hash": e.hash})
        })
        .collect();
    ok(json!({ "entries": entries }))
}

pub async fn audit_verify(State(app): State<App>, method: Method, headers: HeaderMap) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let report = blocking(move || {
        app.node
            .require(&c.subject, corridor_policy::Action::ReadAudit)
            .and_then(|_| app.node.verify_audit())
            .map_err(Problem::from)
    })
    .await?;
    ok(report)
}

/// Any other path under /api.
pub async fn api_not_found() -> Problem {
    Problem::not_found("no such API endpoint: see /api/openapi.json")
}
