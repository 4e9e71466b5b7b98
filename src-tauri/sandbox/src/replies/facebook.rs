//! Facebook's Graph API error bodies: `{"error": {"message", "type": "OAuthException", "code",
//! "error_subcode", "fbtrace_id"}}`, and code 190 (the access token no longer works) with the
//! subcodes the sandbox can answer. The Facebook personality answers with them
//! (`src/routes/facebook.rs`, `src/routes/token.rs`), and the `graph_error` fault injects them
//! (`src/faults.rs`).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::store::Inactive;

/// A Graph API error body.
pub fn graph_error(status: StatusCode, message: &str, code: u32, subcode: Option<u32>) -> Response {
    let mut error = json!({
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": crate::random::token("A")[..12].to_owned(),
    });
    if let Some(subcode) = subcode {
        error["error_subcode"] = json!(subcode);
    }
    (status, Json(json!({"error": error}))).into_response()
}

/// The subcodes of Graph's code 190 (invalid access token) the sandbox can answer, with their
/// messages: 458 app removed, 459 account checkpoint, 460 password changed, 463 expired,
/// 464 unconfirmed user, 467 logged out.
pub const SESSION_SUBCODES: &[(u32, &str)] = &[
    (
        458,
        "Error validating access token: The user has not authorized application.",
    ),
    (
        459,
        "Error validating access token: You cannot access the app till you log in to the \
         website and follow the instructions given.",
    ),
    (
        460,
        "Error validating access token: The session has been invalidated because the user \
         changed their password or Facebook has changed the session for security reasons.",
    ),
    (463, "Error validating access token: Session has expired."),
    (
        464,
        "Error validating access token: Sessions for the user are not allowed because the user \
         is not a confirmed user.",
    ),
    (
        467,
        "Error validating access token: The session is invalid because the user logged out.",
    ),
];

/// Code 190 with `subcode`, as Graph says a token no longer works; `None` for a subcode the
/// sandbox does not know.
pub fn session_error(subcode: u32) -> Option<Response> {
    let (_, message) = SESSION_SUBCODES.iter().find(|(s, _)| *s == subcode)?;
    Some(graph_error(
        StatusCode::BAD_REQUEST,
        message,
        190,
        Some(subcode),
    ))
}

/// Graph's answer to a token that is not active: expired 463, revoked 458, else unparseable.
pub fn token_error(status: Inactive) -> Response {
    let subcode = match status {
        Inactive::Expired => 463,
        Inactive::Revoked => 458,
        Inactive::Unknown => 0,
    };
    session_error(subcode).unwrap_or_else(|| {
        graph_error(
            StatusCode::BAD_REQUEST,
            "Invalid OAuth access token - Cannot parse access token",
            190,
            None,
        )
    })
}
