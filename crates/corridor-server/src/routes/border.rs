//! Border management: watchlists and their versions, screening, MRZ reading, crossings and
//! alerts.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, header};
use corridor_node::border::{CrossingInput, ScreenQuery, WatchlistImport};
use serde::Deserialize;

use super::{ApiResult, created, number, ok, query_param};
use crate::auth::{caller, parse_body};
use crate::problem::Problem;
use crate::{App, blocking};

/// The largest watchlist file the API takes in one request.
pub const MAX_WATCHLIST_BYTES: usize = 256 * 1024 * 1024;

pub async fn watchlists(State(app): State<App>, method: Method, headers: HeaderMap) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let view = blocking(move || app.node.watchlists(&c.subject).map_err(Problem::from)).await?;
    ok(view)
}

/// A new version of a list: FtM JSON lines (`application/x-ndjson`, `application/json`) or CSV
/// in the screening shape (`text/csv`).
pub async fn import_watchlist(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path(list): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let mapping = match content_type.as_str() {
        "application/x-ndjson" | "application/json" | "application/jsonl" => None,
        "text/csv" => Some(corridor_node::border::WATCHLIST_CSV_MAPPING),
        other => {
            return Err(Problem::invalid(format!(
                "Content-Type: {other:?}; send FtM JSON lines (application/x-ndjson) or CSV with id,name,birth_date,nationality,document_number (text/csv)"
            )));
        }
    };
    let handling = query_param(&q, "handling")
        .map(|h| {
            h.parse()
                .map_err(|e: String| Problem::invalid(format!("handling: {e}")))
        })
        .transpose()?;
    let purpose = query_param(&q, "purpose")
        .map(|p| {
            p.parse()
                .map_err(|e: String| Problem::invalid(format!("purpose: {e}")))
        })
        .transpose()?;
    let file = query_param(&q, "file").unwrap_or("upload").to_string();
    let view = blocking(move || {
        app.node
            .import_watchlist(
                &c.subject,
                WatchlistImport {
                    list: &list,
                    file_name: &file,
                    bytes: &body,
                    mapping,
                    version: None,
                    handling,
                    purpose,
                },
            )
            .map_err(Problem::from)
    })
    .await?;
    created(view)
}

pub async fn screen(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let query: ScreenQuery = parse_body(&body)?;
    let hits = blocking(move || app.node.screen(&c.subject, &query).map_err(Problem::from)).await?;
    ok(serde_json::json!({ "hits": hits }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MrzBody {
    mrz: String,
    #[serde(default)]
    repair: bool,
}

/// Reads an MRZ without recording anything: the workbench's preview as the officer types.
pub async fn read_mrz(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    app.node
        .require(&c.subject, corridor_policy::Action::Screen)
        .map_err(Problem::from)?;
    let MrzBody { mrz, repair } = parse_body(&body)?;
    if mrz.len() > 400 {
        return Err(Problem::invalid(format!(
            "mrz: {} bytes; a machine-readable zone has at most 3 lines of 44",
            mrz.len()
        )));
    }
    let today = corridor_node::now();
    let today = corridor_mrz::Day::parse(&today[..10]).ok_or_else(Problem::internal)?;
    ok(corridor_mrz::parse(
        &mrz,
        corridor_mrz::Options { repair, today },
    ))
}

pub async fn register_crossing(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let input: CrossingInput = parse_body(&body)?;
    let result = blocking(move || {
        app.node
            .register_crossing(&c.subject, input)
            .map_err(Problem::from)
    })
    .await?;
    created(result)
}

pub async fn alerts(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let filter: corridor_node::border::AlertFilter = query_param(&q, "status")
        .unwrap_or("open")
        .parse()
        .map_err(Problem::from)?;
    let limit = number(&q, "limit", 100)?;
    let alerts = blocking(move || {
        app.node
            .alerts(&c.subject, filter, limit)
            .map_err(Problem::from)
    })
    .await?;
    ok(serde_json::json!({ "alerts": alerts }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    decision: String,
    note: String,
}

pub async fn decide_alert(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let DecisionBody { decision, note } = parse_body(&body)?;
    let decision: corridor_node::border::Decision = decision.parse().map_err(Problem::from)?;
    let view = blocking(move || {
        app.node
            .decide_alert(&c.subject, &id, decision, &note)
            .map_err(Problem::from)
    })
    .await?;
    created(view)
}

pub async fn crossing_points(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let points =
        blocking(move || app.node.crossing_points(&c.subject).map_err(Problem::from)).await?;
    ok(serde_json::json!({ "points": points }))
}
