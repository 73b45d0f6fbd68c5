//! International cooperation: the node's identity, the directory of partners, requests and
//! their steps and answers, timeliness, the message log — and the one route another node
//! calls, which takes a package and answers with a signed receipt.

use std::io::Write;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use corridor_coop::State as RequestState;
use corridor_node::coop::{ConsentInput, PartnerInput, RequestInput, ShareInput};
use futures_util::StreamExt;
use serde::Deserialize;

use super::{ApiResult, created, node_call, ok};
use crate::auth::{caller, parse_body};
use crate::problem::Problem;
use crate::{App, blocking};

pub async fn identity(State(app): State<App>, method: Method, headers: HeaderMap) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let view = blocking(move || {
        app.node
            .require(&c.subject, corridor_policy::Action::Cooperate)
            .map_err(Problem::from)?;
        let (keys, fingerprint) = app.node.coop_identity().map_err(Problem::from)?;
        Ok(serde_json::json!({
            "keys": keys,
            "fingerprint": fingerprint,
            "legal_bases": corridor_coop::legal_bases(),
        }))
    })
    .await?;
    ok(view)
}

pub async fn partners(State(app): State<App>, method: Method, headers: HeaderMap) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let list = blocking(move || app.node.partners(&c.subject).map_err(Problem::from)).await?;
    ok(serde_json::json!({ "partners": list }))
}

pub async fn add_partner(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let input: PartnerInput = parse_body(&body)?;
    let partner = blocking(move || {
        app.node
            .add_partner(&c.subject, input)
            .map_err(Problem::from)
    })
    .await?;
    created(partner)
}

pub async fn requests(State(app): State<App>, method: Method, headers: HeaderMap) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let list = blocking(move || app.node.coop_requests(&c.subject).map_err(Problem::from)).await?;
    ok(serde_json::json!({ "requests": list }))
}

pub async fn create_request(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let input: RequestInput = parse_body(&body)?;
    let view = blocking(move || {
        app.node
            .create_request(&c.subject, input)
            .map_err(Problem::from)
    })
    .await?;
    created(view)
}

pub async fn request(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path((node, reference)): Path<(String, String)>,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let id = format!("{node}/{reference}");
    let view = blocking(move || {
        app.node
            .coop_request(&c.subject, &id)
            .map_err(Problem::from)
    })
    .await?;
    ok(view)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepBody {
    state: String,
    #[serde(default)]
    note: Option<String>,
}

pub async fn step(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path((node, reference)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let step: StepBody = parse_body(&body)?;
    let state =
        RequestState::parse(&step.state).map_err(|e| Problem::invalid(format!("state: {e}")))?;
    let id = format!("{node}/{reference}");
    let view = blocking(move || {
        app.node
            .request_step(&c.subject, &id, state, step.note.as_deref())
            .map_err(Problem::from)
    })
    .await?;
    created(view)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    #[serde(default)]
    partial: bool,
    #[serde(default)]
    note: Option<String>,
    entities: Vec<String>,
}

pub async fn answer(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path((node, reference)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let answer: AnswerBody = parse_body(&body)?;
    let id = format!("{node}/{reference}");
    let view = blocking(move || {
        app.node
            .answer_request(
                &c.subject,
                &id,
                answer.partial,
                answer.note.as_deref(),
                &answer.entities,
            )
            .map_err(Problem::from)
    })
    .await?;
    created(view)
}

pub async fn shares(State(app): State<App>, method: Method, headers: HeaderMap) -> ApiResult {
    node_call(app, &headers, &method, StatusCode::OK, |node, s| {
        node.shares(s)
            .map(|list| serde_json::json!({ "shares": list }))
    })
    .await
}

pub async fn share(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let input: ShareInput = parse_body(&body)?;
    node_call(
        app,
        &headers,
        &method,
        StatusCode::CREATED,
        move |node, s| node.share(s, input),
    )
    .await
}

pub async fn consents(State(app): State<App>, method: Method, headers: HeaderMap) -> ApiResult {
    node_call(app, &headers, &method, StatusCode::OK, |node, s| {
        node.consents(s)
            .map(|list| serde_json::json!({ "consents": list }))
    })
    .await
}

pub async fn ask_consent(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let input: ConsentInput = parse_body(&body)?;
    node_call(
        app,
        &headers,
        &method,
        StatusCode::CREATED,
        move |node, s| node.ask_consent(s, input),
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    granted: bool,
    #[serde(default)]
    note: Option<String>,
}

pub async fn decide_consent(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path((node, ask)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    let decision: DecisionBody = parse_body(&body)?;
    let id = format!("{node}/{ask}");
    node_call(app, &headers, &method, StatusCode::CREATED, move |n, s| {
        n.decide_consent(s, &id, decision.granted, decision.note)
    })
    .await
}

pub async fn timeliness(State(app): State<App>, method: Method, headers: HeaderMap) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let view =
        blocking(move || app.node.coop_timeliness(&c.subject).map_err(Problem::from)).await?;
    ok(view)
}

pub async fn messages(State(app): State<App>, method: Method, headers: HeaderMap) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let list = blocking(move || app.node.coop_messages(&c.subject).map_err(Problem::from)).await?;
    ok(serde_json::json!({ "messages": list }))
}

/// An outgoing package's bytes, to carry by hand to a partner without a link.
pub async fn package(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let c = caller(&app, &headers, &method).await?;
    let bytes = blocking(move || {
        app.node
            .export_package(&c.subject, &id)
            .map_err(Problem::from)
    })
    .await?;
    let mut response = Body::from(bytes).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    Ok(response)
}

/// Where partner nodes deliver packages. No user logs in: the package's signature says who
/// sent it, and the node checks it against its directory. The body streams to a temporary
/// file, so a large package does not sit in memory.
pub async fn receive(State(app): State<App>, body: Body) -> ApiResult {
    let file = body_to_file(&app, body).await?;
    let receipt = blocking(move || {
        let mut reader = std::io::BufReader::new(file.reopen().map_err(|_| Problem::internal())?);
        app.node.receive_package(&mut reader).map_err(Problem::from)
    })
    .await?;
    ok(receipt)
}

/// Streams a request body into a temporary file in the node directory.
async fn body_to_file(app: &App, body: Body) -> Result<tempfile::NamedTempFile, Problem> {
    let dir = app.node.dir.join("coop").join("in");
    std::fs::create_dir_all(&dir).map_err(|_| Problem::internal())?;
    let mut file = tempfile::NamedTempFile::new_in(&dir).map_err(|_| Problem::internal())?;
    let mut stream = body.into_data_stream();
    let mut total: u64 = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| Problem::invalid(format!("the upload broke off ({e})")))?;
        total += chunk.len() as u64;
        if total > corridor_node::coop::MAX_PACKAGE_BYTES {
            return Err(Problem::invalid(format!(
                "larger than {} bytes",
                corridor_node::coop::MAX_PACKAGE_BYTES
            )));
        }
        file.write_all(&chunk).map_err(|_| Problem::internal())?;
    }
    Ok(file)
}

/// A file sent with a request to the other authority (`?name=`), streamed.
pub async fn attach(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path((node, reference)): Path<(String, String)>,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
    body: Body,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let name = q.get("name").cloned().unwrap_or_default();
    let file = body_to_file(&app, body).await?;
    let id = format!("{node}/{reference}");
    let record = blocking(move || {
        let mut reader = std::io::BufReader::new(file.reopen().map_err(|_| Problem::internal())?);
        app.node
            .attach_to_request(&c.subject, &id, &name, &mut reader)
            .map_err(Problem::from)
    })
    .await?;
    created(record)
}

/// A file sent or received with a request, by its SHA-256, streamed.
pub async fn attachment(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path(sha256): Path<String>,
) -> Result<Response, Problem> {
    use tokio::io::AsyncReadExt;
    let c = caller(&app, &headers, &method).await?;
    let path = blocking(move || {
        app.node
            .attachment_path(&c.subject, &sha256)
            .map_err(Problem::from)
    })
    .await?;
    let file = tokio::fs::File::open(path)
        .await
        .map_err(|_| Problem::internal())?;
    let stream = futures_util::stream::unfold(file, |mut f| async move {
        let mut buffer = vec![0u8; 64 * 1024];
        match f.read(&mut buffer).await {
            Ok(0) => None,
            Ok(n) => {
                buffer.truncate(n);
                Some((Ok::<_, std::io::Error>(Bytes::from(buffer)), f))
            }
            Err(e) => Some((Err(e), f)),
        }
    });
    let mut response = Body::from_stream(stream).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    Ok(response)
}
