//! Who is calling: a browser session (cookie, with a CSRF token on every state-changing
//! request) or a program's bearer token. Also the reason header and request bodies.

use axum::http::{HeaderMap, Method, StatusCode, header};
use corridor_policy::Subject;
use corridor_store::UserRecord;
use percent_encoding::percent_decode_str;
use serde::de::DeserializeOwned;

use crate::problem::Problem;
use crate::{App, blocking};

pub const SESSION_COOKIE: &str = "corridor_session";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const REASON_HEADER: &str = "x-corridor-reason";

pub struct Caller {
    pub user: UserRecord,
    pub subject: Subject,
    pub csrf_token: String,
    /// The secret that authenticated the request (to end a session).
    pub secret: String,
}

pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_string())
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(|t| t.trim().to_string())
}

/// The reason stated for this request: percent-encoded UTF-8, 3 to 500 characters.
pub fn reason(headers: &HeaderMap) -> Result<Option<String>, Problem> {
    let Some(value) = headers.get(REASON_HEADER) else {
        return Ok(None);
    };
    let raw = value
        .to_str()
        .map_err(|_| Problem::invalid("X-Corridor-Reason: send it percent-encoded (UTF-8)"))?;
    let text = percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| Problem::invalid("X-Corridor-Reason: not valid percent-encoded UTF-8"))?;
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > 500 {
        return Err(Problem::invalid(
            "X-Corridor-Reason: at most 500 characters",
        ));
    }
    Ok(Some(text.to_string()))
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Authenticates the request. A session-authenticated request that changes state must carry
/// the session's CSRF token; a failure is audited.
pub async fn caller(app: &App, headers: &HeaderMap, method: &Method) -> Result<Caller, Problem> {
    let (secret, from_cookie) = match (bearer(headers), session_cookie(headers)) {
        (Some(token), _) => (token, false),
        (None, Some(cookie)) => (cookie, true),
        (None, None) => {
            return Err(Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "log in, or send a bearer token",
            ));
        }
    };
    let reason = reason(headers)?;
    let csrf = headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let changes_state = !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    let app = app.clone();
    let method = method.clone();
    blocking(move || {
        let (credential, user) = match app.node.authenticate(&secret) {
            Ok(found) => found,
            Err(e) => {
                app.node.audit_refusal(
                    "unknown",
                    "authenticate",
                    method.as_str(),
                    "no valid session or token",
                );
                return Err(e.into());
            }
        };
        if from_cookie && changes_state {
            let ok = csrf
                .as_deref()
                .is_some_and(|t| constant_time_eq(t, &credential.csrf_token));
            if !ok {
                app.node.audit_refusal(
                    &user.username,
                    "csrf",
                    method.as_str(),
                    "missing or wrong CSRF token",
                );
                return Err(Problem::new(
                    StatusCode::FORBIDDEN,
                    "csrf",
                    "this request changes data and needs the X-CSRF-Token header of your session",
                )
                .audited());
            }
        }
        let subject = corridor_node::users::subject_of(&user, reason);
        Ok(Caller {
            user,
            subject,
            csrf_token: credential.csrf_token,
            secret,
        })
    })
    .await
}

/// Parses a JSON body into `T` (which refuses unknown fields); the error names the field or
/// the place where the JSON broke.
pub fn parse_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    if bytes.is_empty() {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid",
            "the request needs a JSON body",
        ));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        let status = if e.is_syntax() || e.is_eof() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        Problem::new(status, "invalid", format!("body: {e}"))
    })
}
