//! The standard response shapes the endpoints share: token-endpoint JSON that must not be
//! cached (RFC 6749 §5.1), OAuth errors (RFC 6749 §5.2) and bearer-token errors (RFC 6750 §3).
//! Facebook's Graph errors and Microsoft's AADSTS errors are here too (`facebook.rs`,
//! `microsoft.rs`), since the faults (`src/faults.rs`) and the admin API inject them as well;
//! the other personalities' own error shapes live in their route files (`src/routes/github.rs`,
//! `google.rs`, `gitlab.rs`, and GitHub's token errors in `token.rs`).
//!
//! Invariants: an error's HTTP status is the one its [`OAuthError`] carries; a 401 goes with
//! the `WWW-Authenticate` challenge of the scheme the client used.

pub mod facebook;
pub mod microsoft;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::oauth_error::OAuthError;

/// A JSON response that must not be cached (RFC 6749 §5.1).
pub fn no_store(status: StatusCode, body: serde_json::Value) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
        .headers_mut()
        .insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// An RFC 6749 §5.2 error in the standard JSON shape.
pub fn oauth_error(error: &OAuthError, basic_auth: bool) -> Response {
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut response = no_store(
        status,
        serde_json::json!({"error": error.code, "error_description": error.description}),
    );
    if status == StatusCode::UNAUTHORIZED && basic_auth {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"grantry-sandbox\""),
        );
    }
    response
}

/// An RFC 6750 §3 error for a resource request.
pub fn bearer_error(error: &OAuthError) -> Response {
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::UNAUTHORIZED);
    let challenge = format!(
        "Bearer realm=\"grantry-sandbox\", error=\"{}\", error_description=\"{}\"",
        error.code,
        error.description.replace(['"', '\\'], "'")
    );
    let mut response = (
        status,
        axum::Json(
            serde_json::json!({"error": error.code, "error_description": error.description}),
        ),
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}
