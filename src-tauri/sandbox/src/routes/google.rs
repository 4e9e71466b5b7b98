//! Google's shapes where they differ from the standards: `POST /revoke?token=…` without client
//! authentication, ending the whole grant whichever token was sent, and
//! `tokeninfo?access_token=…` with its numbers as strings.
//!
//! Invariants: these endpoints exist only under the Google personality (see the router in
//! `mod.rs`); they answer with Google's error bodies, not RFC 6749's.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{Params, join_scopes, oauth_error};
use crate::Shared;
use crate::oauth_error::OAuthError;

/// Google's revoke: `POST /revoke?token=…` (or the token in a form body), no client
/// authentication, and the whole grant ends, whichever token was sent.
pub async fn revoke(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = match Params::from_request(query.as_deref(), &headers, &body) {
        Ok(params) => params,
        Err(error) => return oauth_error(&error, false),
    };
    let Some(token) = params.get("token") else {
        return oauth_error(
            &OAuthError::invalid_request("Missing required parameter: token"),
            false,
        );
    };
    let mut store = shared.store();
    let Some(info) = store.token_info(token) else {
        drop(store);
        let error =
            json!({"error": "invalid_token", "error_description": "Token expired or revoked"});
        return (StatusCode::BAD_REQUEST, Json(error)).into_response();
    };
    store.revoke_user_grants(
        &info.grant.client_id,
        &info.grant.sub,
        "revoked by the client",
    );
    shared.changed();
    (StatusCode::OK, Json(json!({}))).into_response()
}

/// Google's `tokeninfo?access_token=…`: the token's scopes, expiry and user, numbers as
/// strings as Google sends them.
pub async fn tokeninfo(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = Params::from_request(query.as_deref(), &headers, &body).ok();
    let token = params.as_ref().and_then(|p| p.get("access_token"));
    let store = shared.store();
    let info = token.and_then(|t| store.bearer(t).ok());
    let Some(info) = info else {
        let error = json!({"error": "invalid_token", "error_description": "Invalid Value"});
        return (StatusCode::BAD_REQUEST, Json(error)).into_response();
    };
    let now = store.now();
    let exp = info.expires_at.unwrap_or(now);
    let mut answer = json!({
        "azp": info.grant.client_id,
        "aud": info.grant.client_id,
        "sub": info.grant.sub,
        "scope": join_scopes(shared.personality, &info.scopes),
        "exp": exp.to_string(),
        "expires_in": exp.saturating_sub(now).to_string(),
        "access_type": if info.grant.offline { "offline" } else { "online" },
    });
    let email_scope = info
        .scopes
        .iter()
        .any(|s| s == "email" || s.ends_with("userinfo.email"));
    if let (true, Some(user)) = (email_scope, store.user_by_sub(&info.grant.sub)) {
        answer["email"] = json!(user.email);
        answer["email_verified"] = json!("true");
    }
    Json(answer).into_response()
}
