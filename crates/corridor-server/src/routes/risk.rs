//! Risk profiles: the rules in force, changes proposed and approved by a second user, the
//! backtest on the demo world's truth, the disparity report, evaluation over the history, and
//! the risk alert queue (enforcement alerts for enforcement roles, protection referrals for
//! protection roles — the policy keeps each to its own).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use corridor_node::border::{AlertFilter, Decision};
use corridor_node::risk::RuleChangeInput;
use serde::Deserialize;

use super::{ApiResult, node_call, number, query_param};
use crate::App;
use crate::auth::parse_body;
use crate::problem::Problem;

pub async fn rules(State(app): State<App>, method: Method, headers: HeaderMap) -> ApiResult {
    node_call(app, &headers, &method, StatusCode::OK, |node, s| {
        node.risk_rules(s)
    })
    .await
}

pub async fn propose(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let input: RuleChangeInput = parse_body(&body)?;
    node_call(
        app,
        &headers,
        &method,
        StatusCode::CREATED,
        move |node, s| node.propose_risk_change(s, input),
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeDecision {
    approve: bool,
    note: String,
}

pub async fn decide_change(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    let ChangeDecision { approve, note } = parse_body(&body)?;
    node_call(
        app,
        &headers,
        &method,
        StatusCode::CREATED,
        move |node, s| node.decide_risk_change(s, &id, approve, &note),
    )
    .await
}

pub async fn backtest(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let change = query_param(&q, "change").map(str::to_string);
    node_call(app, &headers, &method, StatusCode::OK, move |node, s| {
        let truth = node.demo_truth_dir();
        node.risk_backtest(s, change.as_deref(), &truth)
    })
    .await
}

pub async fn disparity(State(app): State<App>, method: Method, headers: HeaderMap) -> ApiResult {
    node_call(app, &headers, &method, StatusCode::OK, |node, s| {
        node.risk_disparity(s)
    })
    .await
}

pub async fn run(State(app): State<App>, method: Method, headers: HeaderMap) -> ApiResult {
    node_call(app, &headers, &method, StatusCode::OK, |node, s| {
        let (crossings, hits) = node.risk_run_history(s)?;
        Ok(serde_json::json!({ "crossings": crossings, "hits": hits }))
    })
    .await
}

pub async fn alerts(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let filter: AlertFilter = query_param(&q, "status")
        .unwrap_or("open")
        .parse()
        .map_err(Problem::from)?;
    let limit = number(&q, "limit", 100)?;
    node_call(app, &headers, &method, StatusCode::OK, move |node, s| {
        let alerts = node.risk_alerts(s, filter, limit)?;
        Ok(serde_json::json!({ "alerts": alerts }))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AlertDecision {
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
    let AlertDecision { decision, note } = parse_body(&body)?;
    let decision: Decision = decision.parse().map_err(Problem::from)?;
    node_call(
        app,
        &headers,
        &method,
        StatusCode::CREATED,
        move |node, s| node.decide_risk_alert(s, &id, decision, &note),
    )
    .await
}
