//! Entity resolution's review: status, queue, a pair side by side, judgements and undo.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method};
use serde::Deserialize;

use super::{ApiResult, created, number, ok, query_param};
use crate::auth::{caller, parse_body};
use crate::problem::Problem;
use crate::{App, blocking};

pub async fn status(State(app): State<App>, method: Method, headers: HeaderMap) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let view = blocking(move || {
        app.node
            .resolution_status(&c.subject)
            .map_err(Problem::from)
    })
    .await?;
    ok(view)
}

pub async fn queue(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let schema = query_param(&q, "schema")
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let unsure = match query_param(&q, "unsure") {
        None | Some("false") => false,
        Some("true") => true,
        Some(v) => {
            return Err(Problem::invalid(format!(
                "unsure: true or false, not {v:?}"
            )));
        }
    };
    let order: corridor_node::resolution::QueueOrder = query_param(&q, "order")
        .unwrap_or("strongest")
        .parse()
        .map_err(Problem::from)?;
    let offset = number(&q, "offset", 0)?;
    let limit = number(&q, "limit", 50)?;
    let view = blocking(move || {
        app.node
            .review_queue(&c.subject, schema.as_deref(), unsure, order, offset, limit)
            .map_err(Problem::from)
    })
    .await?;
    ok(view)
}

pub async fn pair(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path((left, right)): Path<(String, String)>,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let view = blocking(move || {
        app.node
            .review_pair(&c.subject, &left, &right)
            .map_err(Problem::from)
    })
    .await?;
    ok(view)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JudgementBody {
    left: String,
    right: String,
    judgement: String,
    #[serde(default)]
    note: Option<String>,
}

pub async fn judge(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let JudgementBody {
        left,
        right,
        judgement,
        note,
    } = parse_body(&body)?;
    let view = blocking(move || {
        app.node
            .judge(&c.subject, &left, &right, &judgement, note.as_deref())
            .map_err(Problem::from)
    })
    .await?;
    created(view)
}

pub async fn undo(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path(seq): Path<String>,
) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let seq: u64 = seq
        .parse()
        .map_err(|_| Problem::invalid(format!("seq: a judgement number, not {seq:?}")))?;
    let view = blocking(move || {
        app.node
            .undo_judgement(&c.subject, seq)
            .map_err(Problem::from)
    })
    .await?;
    created(view)
}
