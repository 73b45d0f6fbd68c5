//! Network analysis: neighbourhoods, paths, timelines, findings, money traced, exports.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use corridor_node::network::{ExportFormat, Filter, PathMode, PathQuery};

use super::{ApiResult, number, ok, query_param};
use crate::auth::caller;
use crate::problem::Problem;
use crate::{App, blocking};

fn required(q: &HashMap<String, String>, name: &str, what: &str) -> Result<String, Problem> {
    query_param(q, name)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .ok_or_else(|| Problem::invalid(format!("{name}: give {what}")))
}

fn filter(q: &HashMap<String, String>) -> Filter {
    Filter {
        kinds: query_param(q, "kinds")
            .map(|k| {
                k.split(',')
                    .map(str::trim)
                    .filter(|k| !k.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        since: query_param(q, "since").map(str::to_string),
        until: query_param(q, "until").map(str::to_string),
    }
}

fn hops(q: &HashMap<String, String>, name: &str, default: usize) -> Result<u32, Problem> {
    let n = number(q, name, default)?;
    u32::try_from(n)
        .map_err(|_| Problem::invalid(format!("{name}: 1 to {}", corridor_node::network::MAX_HOPS)))
}

pub async fn neighbourhood(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let entity = required(&q, "entity", "the id of the entity to start from")?;
    let hops = hops(&q, "hops", 2)?;
    let limit = number(&q, "limit", 300)?;
    let filter = filter(&q);
    let view = blocking(move || {
        app.node
            .network_neighbourhood(&c.subject, &entity, hops, &filter, limit)
            .map_err(Problem::from)
    })
    .await?;
    ok(view)
}

pub async fn paths(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let from = required(&q, "from", "the id of the first entity")?;
    let to = required(&q, "to", "the id of the second entity")?;
    let mode =
        PathMode::parse(query_param(&q, "mode").unwrap_or("shortest")).map_err(Problem::from)?;
    let query = PathQuery {
        mode,
        max_hops: hops(&q, "max_hops", 4)?,
        limit: number(&q, "limit", 20)?,
    };
    let filter = filter(&q);
    let view = blocking(move || {
        app.node
            .network_paths(&c.subject, &from, &to, query, &filter)
            .map_err(Problem::from)
    })
    .await?;
    ok(view)
}

pub async fn timeline(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let ids: Vec<String> = required(&q, "entities", "entity ids, comma-separated")?
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let events = blocking(move || {
        app.node
            .network_timeline(&c.subject, &ids)
            .map_err(Problem::from)
    })
    .await?;
    ok(serde_json::json!({ "events": events }))
}

pub async fn findings(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let limit = number(&q, "limit", 50)?;
    let networks = blocking(move || {
        app.node
            .network_findings(&c.subject, limit)
            .map_err(Problem::from)
    })
    .await?;
    ok(serde_json::json!({ "networks": networks }))
}

pub async fn money(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let entity = required(&q, "entity", "the id of the person or account to follow")?;
    let backwards = match query_param(&q, "direction").unwrap_or("forwards") {
        "forwards" => false,
        "backwards" => true,
        other => {
            return Err(Problem::invalid(format!(
                "direction: `{other}` is not forwards or backwards"
            )));
        }
    };
    let max_hops = hops(&q, "max_hops", 6)?;
    let filter = filter(&q);
    let trace = blocking(move || {
        app.node
            .money_trace(&c.subject, &entity, backwards, &filter, max_hops)
            .map_err(Problem::from)
    })
    .await?;
    ok(trace)
}

pub async fn export(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, Problem> {
    let c = caller(&app, &headers, &method).await?;
    let format = ExportFormat::parse(query_param(&q, "format").unwrap_or("graphml"))
        .map_err(Problem::from)?;
    let entity = query_param(&q, "entity")
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_string);
    let hops = hops(&q, "hops", 2)?;
    let text = blocking(move || {
        app.node
            .network_export(&c.subject, format, entity.as_deref().map(|e| (e, hops)))
            .map_err(Problem::from)
    })
    .await?;
    let mut response = Body::from(text).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.media_type()),
    );
    let disposition = format!(
        "attachment; filename=\"corridor-network.{}\"",
        format.as_str()
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).expect("ascii"),
    );
    Ok(response)
}
