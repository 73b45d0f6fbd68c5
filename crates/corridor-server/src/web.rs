//! The workbench's files. A path names a file under the web directory or, when it names none,
//! gets `index.html` so the workbench's own router can show the page. Paths that try to leave
//! the directory are refused.

use std::path::{Component, Path, PathBuf};

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};

use crate::App;
use crate::problem::Problem;

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// The file a request path names inside `root`, or why it may not.
pub fn resolve(root: &Path, uri_path: &str) -> Result<Option<PathBuf>, Problem> {
    let decoded = percent_encoding::percent_decode_str(uri_path)
        .decode_utf8()
        .map_err(|_| Problem::invalid("path: not valid UTF-8"))?;
    let relative = decoded.trim_start_matches('/');
    let mut path = root.to_path_buf();
    for component in Path::new(relative).components() {
        match component {
            Component::Normal(part) => {
                if part.to_string_lossy().starts_with('.') || part.to_string_lossy().contains('\\')
                {
                    return Err(Problem::not_found("no such file"));
                }
                path.push(part);
            }
            Component::CurDir => {}
            _ => return Err(Problem::not_found("no such file")),
        }
    }
    Ok(path.is_file().then_some(path))
}

pub async fn serve(State(app): State<App>, uri: Uri) -> Response {
    let Some(root) = app.web.clone() else {
        return Html(
            "<!doctype html><meta charset=utf-8><title>Corridor</title>\
             <p>The workbench is not built. Run <code>bash scripts/run.sh</code>, or \
             <code>npm ci && npm run build</code> in <code>web/</code>, then start the node again. \
             The API is at <a href=/api/openapi.json>/api/openapi.json</a>.",
        )
        .into_response();
    };
    let file = match resolve(&root, uri.path()) {
        Ok(Some(file)) => file,
        Ok(None) => root.join("index.html"),
        Err(problem) => return problem.into_response(),
    };
    match tokio::fs::read(&file).await {
        Ok(bytes) => {
            let mut response = bytes.into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(&file)),
            );
            response
        }
        Err(_) => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}
