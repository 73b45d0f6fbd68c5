//! One error type for every response that is not a success: `application/problem+json` with a
//! stable code, the status, and a message for the user. Store and I/O detail is logged, never
//! sent.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use corridor_node::NodeError;
use serde_json::json;

#[derive(Debug)]
pub struct Problem {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: String,
    /// Whether the refusal is already in the audit log (else the server records it).
    pub audited: bool,
}

/// Left on a problem response so that the server's request layer can audit refusals that
/// nothing audited on the way.
#[derive(Clone, Copy, Debug)]
pub struct ProblemMark {
    pub code: &'static str,
    pub audited: bool,
}

impl Problem {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Problem {
        Problem {
            status,
            code,
            detail: detail.into(),
            audited: false,
        }
    }

    pub fn audited(mut self) -> Problem {
        self.audited = true;
        self
    }

    pub fn invalid(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "not_found", detail)
    }

    fn title(&self) -> &'static str {
        match self.code {
            "unauthenticated" => "Not logged in",
            "forbidden" => "Not permitted",
            "not_found" => "Not found",
            "reason_required" => "A reason is required",
            "csrf" => "Missing or wrong CSRF token",
            "rate_limited" => "Too many attempts",
            "too_large" => "Request too large",
            "conflict" => "Conflict",
            "internal" => "Internal error",
            _ => "Invalid request",
        }
    }
}

impl From<NodeError> for Problem {
    fn from(e: NodeError) -> Problem {
        use StatusCode as S;
        match e {
            NodeError::Invalid(m) => Problem::invalid(m),
            NodeError::Unauthenticated(m) => Problem::new(S::UNAUTHORIZED, "unauthenticated", m),
            NodeError::Forbidden(m) => Problem::new(S::FORBIDDEN, "forbidden", m),
            NodeError::NotFound(m) => Problem::not_found(m),
            NodeError::ReasonRequired(m) => {
                Problem::new(S::PRECONDITION_REQUIRED, "reason_required", m)
            }
            NodeError::RateLimited(m) => Problem::new(S::TOO_MANY_REQUESTS, "rate_limited", m),
            NodeError::Conflict(m) => Problem::new(S::CONFLICT, "conflict", m),
            NodeError::Store(e) => {
                tracing::error!(error = %e, "store error");
                Problem::internal()
            }
            NodeError::Io(e) => {
                tracing::error!(error = %e, "node error");
                Problem::internal()
            }
        }
    }
}

impl Problem {
    pub fn internal() -> Problem {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the node could not complete the request; the error is in its log",
        )
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = json!({
            "type": format!("https://corridor.invalid/problems/{}", self.code),
            "title": self.title(),
            "status": self.status.as_u16(),
            "detail": self.detail,
            "code": self.code,
        });
        let mut response = (self.status, body.to_string()).into_response();
        response.extensions_mut().insert(ProblemMark {
            code: self.code,
            audited: self.audited,
        });
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        response
    }
}
