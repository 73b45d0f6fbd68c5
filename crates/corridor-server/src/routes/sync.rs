//! Synchronisation with border posts: their pushed statements in, the watchlists and the
//! alerts' statements out. Every route needs the `sync` action (a post's account).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::IntoResponse;
use corridor_node::sync::Batch;

use super::{ApiResult, number, ok};
use crate::auth::{caller, parse_body};
use crate::problem::Problem;
use crate::{App, blocking};

/// The largest batch a post may push in one request.
pub const MAX_BATCH_BYTES: usize = 32 * 1024 * 1024;

pub async fn watchlists(State(app): State<App>, method: Method, headers: HeaderMap) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let lists = blocking(move || {
        app.node
            .sync_watchlist_versions(&c.subject)
            .map_err(Problem::from)
    })
    .await?;
    ok(serde_json::json!({ "lists": lists }))
}

pub async fn watchlist_version(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path((list, version)): Path<(String, String)>,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let version: u64 = version
        .parse()
        .map_err(|_| Problem::invalid(format!("version: a whole number, not {version:?}")))?;
    let text = blocking(move || {
        app.node
            .sync_watchlist(&c.subject, &list, version)
            .map_err(Problem::from)
    })
    .await?;
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson"),
    );
    Ok(response)
}

/// The alerts' statements (and their decisions) recorded after `after`.
pub async fn statements(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let after = number(&q, "after", 0)? as i64;
    let page = blocking(move || {
        let datasets = [app.node.screening.settings.alerts_dataset.as_str()];
        app.node
            .sync_page(&c.subject, after, &datasets)
            .map_err(Problem::from)
    })
    .await?;
    ok(page)
}

pub async fn receive(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let batch: Batch = parse_body(&body)?;
    let receipt = blocking(move || {
        app.node
            .sync_receive(&c.subject, batch)
            .map_err(Problem::from)
    })
    .await?;
    ok(receipt)
}

/// A post's view of its own synchronisation (`null` on a node that does not sync).
pub async fn status(State(app): State<App>, method: Method, headers: HeaderMap) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let status = blocking(move || app.node.sync_status(&c.subject).map_err(Problem::from)).await?;
    ok(serde_json::json!({ "sync": status }))
}
