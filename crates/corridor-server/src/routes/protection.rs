//! Protection and assistance: registration (one person or a group), the worklist and case
//! pages, vulnerability screenings, referrals and their steps, return steps — for protection
//! roles — and a person's status (smuggled, possible victim, suspect) for everyone who may
//! see the person, changed only as the node allows.

use std::collections::HashMap;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::IntoResponse;
use corridor_node::protection::{
    CorrectionInput, DisclosureInput, PersonStatusInput, ReferralInput, ReferralStepInput,
    RegistrationInput, ResolveInput, ReturnStepInput,
};
use corridor_protection::vulnerability::Screening;

use super::{ApiResult, node_call, query_param};
use crate::auth::{caller, parse_body};
use crate::problem::Problem;
use crate::{App, blocking};

pub async fn register(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let input: RegistrationInput = parse_body(&body)?;
    node_call(
        app,
        &headers,
        &method,
        StatusCode::CREATED,
        move |node, s| node.register_migrants(s, input),
    )
    .await
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CandidatesBody {
    #[serde(default)]
    place: String,
    persons: Vec<corridor_node::protection::PersonInput>,
}

pub async fn candidates(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let input: CandidatesBody = parse_body(&body)?;
    node_call(app, &headers, &method, StatusCode::OK, move |node, s| {
        node.registration_candidates(s, &input.place, &input.persons)
            .map(|found| serde_json::json!({ "candidates": found }))
    })
    .await
}

pub async fn cases(State(app): State<App>, method: Method, headers: HeaderMap) -> ApiResult {
    node_call(app, &headers, &method, StatusCode::OK, |node, s| {
        node.protection_cases(s)
            .map(|cases| serde_json::json!({ "cases": cases }))
    })
    .await
}

pub async fn case(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path(person): Path<String>,
) -> ApiResult {
    node_call(app, &headers, &method, StatusCode::OK, move |node, s| {
        node.protection_case(s, &person)
    })
    .await
}

pub async fn screening(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path(person): Path<String>,
    body: Bytes,
) -> ApiResult {
    let input: Screening = parse_body(&body)?;
    node_call(
        app,
        &headers,
        &method,
        StatusCode::CREATED,
        move |node, s| node.screen_vulnerability(s, &person, input),
    )
    .await
}

pub async fn return_step(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path(person): Path<String>,
    body: Bytes,
) -> ApiResult {
    let input: ReturnStepInput = parse_body(&body)?;
    node_call(
        app,
        &headers,
        &method,
        StatusCode::CREATED,
        move |node, s| node.return_step(s, &person, input),
    )
    .await
}

pub async fn referral(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let input: ReferralInput = parse_body(&body)?;
    node_call(
        app,
        &headers,
        &method,
        StatusCode::CREATED,
        move |node, s| node.create_referral(s, input),
    )
    .await
}

pub async fn referral_step(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    let input: ReferralStepInput = parse_body(&body)?;
    node_call(
        app,
        &headers,
        &method,
        StatusCode::CREATED,
        move |node, s| node.referral_step(s, &id, input),
    )
    .await
}

/// The picklists and rules a registration form needs.
pub async fn vocabulary(State(app): State<App>, method: Method, headers: HeaderMap) -> ApiResult {
    node_call(app, &headers, &method, StatusCode::OK, |node, s| {
        node.require(s, corridor_policy::Action::Assist)?;
        use corridor_protection::{avrr, htcds, referral, vulnerability as v};
        let names = |all: Vec<&'static str>| serde_json::json!(all);
        Ok(serde_json::json!({
            "gender": htcds::GENDER,
            "marital_status": htcds::MARITAL_STATUS,
            "trafficking_indicators": htcds::METHODS_OF_CONTROL,
            "accompaniment": names(v::Accompaniment::ALL.iter().map(|x| x.as_str()).collect()),
            "age_assessment": names(v::AgeAssessment::ALL.iter().map(|x| x.as_str()).collect()),
            "medical_needs": names(v::MedicalNeed::ALL.iter().map(|x| x.as_str()).collect()),
            "disabilities": names(v::Disability::ALL.iter().map(|x| x.as_str()).collect()),
            "violence": names(v::Violence::ALL.iter().map(|x| x.as_str()).collect()),
            "services": names(referral::Service::ALL.iter().map(|x| x.as_str()).collect()),
            "consent": names(referral::Consent::ALL.iter().map(|x| x.as_str()).collect()),
            "referral_states": names(referral::ReferralState::ALL.iter().map(|x| x.as_str()).collect()),
            "return_steps": names(avrr::Step::ALL.iter().map(|x| x.as_str()).collect()),
            "return_statuses": names(avrr::StepStatus::ALL.iter().map(|x| x.as_str()).collect()),
            "htcds_fields": htcds::FIELDS,
        }))
    })
    .await
}

pub async fn person_status(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult {
    node_call(app, &headers, &method, StatusCode::OK, move |node, s| {
        node.person_status(s, &id)
    })
    .await
}

pub async fn set_person_status(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    let input: PersonStatusInput = parse_body(&body)?;
    node_call(
        app,
        &headers,
        &method,
        StatusCode::CREATED,
        move |node, s| node.set_person_status(s, &id, input),
    )
    .await
}

pub async fn access_export(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path(person): Path<String>,
) -> ApiResult {
    node_call(app, &headers, &method, StatusCode::OK, move |node, s| {
        node.access_export(s, &person)
    })
    .await
}

pub async fn correction(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path(person): Path<String>,
    body: Bytes,
) -> ApiResult {
    let input: CorrectionInput = parse_body(&body)?;
    node_call(
        app,
        &headers,
        &method,
        StatusCode::CREATED,
        move |node, s| {
            node.correct_fact(s, &person, input)
                .map(|facts| serde_json::json!({ "retracted": facts[0], "recorded": facts[1] }))
        },
    )
    .await
}

pub async fn retention(State(app): State<App>, method: Method, headers: HeaderMap) -> ApiResult {
    node_call(app, &headers, &method, StatusCode::OK, |node, s| {
        node.retention_report(s)
    })
    .await
}

pub async fn purge(State(app): State<App>, method: Method, headers: HeaderMap) -> ApiResult {
    node_call(app, &headers, &method, StatusCode::OK, |node, s| {
        node.purge_expired(s)
    })
    .await
}

pub async fn resolve_conflict(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path(person): Path<String>,
    body: Bytes,
) -> ApiResult {
    let input: ResolveInput = parse_body(&body)?;
    node_call(
        app,
        &headers,
        &method,
        StatusCode::CREATED,
        move |node, s| node.resolve_conflict(s, &person, input),
    )
    .await
}

pub async fn disclose(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path(person): Path<String>,
    body: Bytes,
) -> ApiResult {
    let input: DisclosureInput = parse_body(&body)?;
    node_call(
        app,
        &headers,
        &method,
        StatusCode::CREATED,
        move |node, s| node.disclose(s, &person, input),
    )
    .await
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawBody {
    reason: String,
}

pub async fn withdraw_disclosure(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    let input: WithdrawBody = parse_body(&body)?;
    node_call(
        app,
        &headers,
        &method,
        StatusCode::CREATED,
        move |node, s| node.withdraw_disclosure(s, &id, &input.reason),
    )
    .await
}

/// Every registration as an HTCDS v2 file (CSV with the standard's column names).
pub async fn htcds_export(State(app): State<App>, method: Method, headers: HeaderMap) -> ApiResult {
    let c = caller(&app, &headers, &method).await?;
    let text = blocking(move || app.node.htcds_export(&c.subject).map_err(Problem::from)).await?;
    let mut response = Body::from(text).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"corridor-htcds.csv\""),
    );
    Ok(response)
}

/// Registers the persons of an HTCDS file (`text/csv`) at `?place=`.
pub async fn htcds_import(
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
            "Content-Type: {content_type:?}; send an HTCDS file as text/csv"
        )));
    }
    let place = query_param(&q, "place")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .ok_or_else(|| Problem::invalid("place: where the persons are registered (?place=)"))?
        .to_string();
    let file = query_param(&q, "file").unwrap_or("upload.csv").to_string();
    node_call(
        app,
        &headers,
        &method,
        StatusCode::CREATED,
        move |node, s| node.htcds_import(s, &place, &file, &body),
    )
    .await
}
