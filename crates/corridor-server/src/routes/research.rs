//! Research data: import files, summaries by year, route, month or cause, dead and missing per
//! route and year beside detections, points for the map, and incidents the node records.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use corridor_node::research::IncidentInput;
use corridor_research::summary::By;

use super::{ApiResult, node_call, query_param};
use crate::App;
use crate::auth::parse_body;
use crate::problem::Problem;

fn dataset(q: &HashMap<String, String>) -> Option<String> {
    query_param(q, "dataset")
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string)
}

pub async fn import(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> ApiResult {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if content_type != "text/csv" {
        return Err(Problem::invalid(format!(
            "Content-Type: {content_type:?}; send the file as text/csv"
        )));
    }
    let format = query_param(&q, "format")
        .ok_or_else(|| Problem::invalid("format: mmp or detections (?format=)"))?
        .to_string();
    let file = query_param(&q, "file").unwrap_or("upload.csv").to_string();
    node_call(
        app,
        &headers,
        &method,
        StatusCode::CREATED,
        move |node, s| node.import_research(s, &format, &file, &body),
    )
    .await
}

pub async fn summary(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let by = By::parse(query_param(&q, "by").unwrap_or("year"))
        .map_err(|e| Problem::invalid(format!("by: {e}")))?;
    let dataset = dataset(&q);
    node_call(app, &headers, &method, StatusCode::OK, move |node, s| {
        let rows = node.incident_summary(s, by, dataset.as_deref())?;
        let datasets = node.incident_datasets(s)?;
        Ok(serde_json::json!({ "rows": rows, "datasets": datasets }))
    })
    .await
}

pub async fn routes(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let dataset = dataset(&q);
    node_call(app, &headers, &method, StatusCode::OK, move |node, s| {
        let rows = node.route_years(s, dataset.as_deref())?;
        let labels: HashMap<&str, &str> = corridor_research::routes::all()
            .iter()
            .map(|r| (r.code.as_str(), r.label.as_str()))
            .collect();
        Ok(serde_json::json!({ "rows": rows, "labels": labels }))
    })
    .await
}

pub async fn points(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let dataset = dataset(&q);
    let year = match query_param(&q, "year") {
        None => None,
        Some(y) => Some(
            y.parse::<i32>()
                .map_err(|_| Problem::invalid(format!("year: {y:?} is not a year")))?,
        ),
    };
    node_call(app, &headers, &method, StatusCode::OK, move |node, s| {
        node.incident_points(s, dataset.as_deref(), year)
            .map(|points| serde_json::json!({ "points": points }))
    })
    .await
}

pub async fn record(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let input: IncidentInput = parse_body(&body)?;
    node_call(
        app,
        &headers,
        &method,
        StatusCode::CREATED,
        move |node, s| {
            node.record_incident(s, input)
                .map(|id| serde_json::json!({ "id": id }))
        },
    )
    .await
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DpBody {
    dataset: String,
    /// A histogram's key (year, route, month, cause); for a statistic: all, route or year.
    #[serde(default)]
    by: Option<String>,
    epsilon: f64,
    /// `histogram` (the default), `sum`, `mean` or `quantile`.
    #[serde(default)]
    statistic: Option<String>,
    /// For a statistic: dead_and_missing or survivors, its public range, q for a quantile.
    #[serde(default)]
    value: Option<String>,
    #[serde(default)]
    lower: Option<f64>,
    #[serde(default)]
    upper: Option<f64>,
    #[serde(default)]
    q: Option<f64>,
}

pub async fn dp(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let input: DpBody = parse_body(&body)?;
    match input.statistic.as_deref().unwrap_or("histogram") {
        "histogram" => {
            let by_name = input.by.ok_or_else(|| {
                Problem::invalid("by: a histogram needs year, route, month or cause")
            })?;
            let by = By::parse(&by_name).map_err(|e| Problem::invalid(format!("by: {e}")))?;
            node_call(app, &headers, &method, StatusCode::OK, move |node, s| {
                node.dp_incident_histogram(s, &input.dataset, by, &by_name, input.epsilon)
            })
            .await
        }
        statistic => {
            let query = corridor_node::research::DpStatistic {
                statistic: statistic.to_string(),
                value: input
                    .value
                    .ok_or_else(|| Problem::invalid("value: dead_and_missing or survivors"))?,
                lower: input.lower.unwrap_or(0.0),
                upper: input
                    .upper
                    .ok_or_else(|| Problem::invalid("upper: the public upper bound of a value"))?,
                q: input.q,
                by: input.by,
            };
            node_call(app, &headers, &method, StatusCode::OK, move |node, s| {
                node.dp_incident_statistic(s, &input.dataset, &query, input.epsilon)
            })
            .await
        }
    }
}

pub async fn ledgers(State(app): State<App>, method: Method, headers: HeaderMap) -> ApiResult {
    node_call(app, &headers, &method, StatusCode::OK, |node, s| {
        node.privacy_ledgers(s)
            .map(|l| serde_json::json!({ "ledgers": l }))
    })
    .await
}

pub async fn fees(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let by = query_param(&q, "by").unwrap_or("route").to_string();
    node_call(app, &headers, &method, StatusCode::OK, move |node, s| {
        node.fee_summary(s, &by).map(|rows| {
            serde_json::json!({ "rows": rows, "min_payments": corridor_node::research::MIN_FEE_PAYMENTS })
        })
    })
    .await
}

pub async fn modus_operandi(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let by = query_param(&q, "by").unwrap_or("route").to_string();
    node_call(app, &headers, &method, StatusCode::OK, move |node, s| {
        node.modus_operandi(s, &by)
            .map(|rows| serde_json::json!({ "rows": rows }))
    })
    .await
}
