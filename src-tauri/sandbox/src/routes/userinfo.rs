//! The userinfo endpoint (OpenID Connect Core §5.3) and the profile claims it shares with ID
//! tokens (`token.rs`) and the personalities' profile endpoints (`facebook.rs`, `github.rs`).
//!
//! Invariants: a claim is released only when a granted scope releases it (`email`, `profile`
//! and Google's long names for them); errors follow RFC 6750 §3 with a `WWW-Authenticate`
//! challenge. Only access tokens are accepted, never refresh tokens. A DPoP-bound access token
//! is taken only with the DPoP scheme and a proof signed with its key (`src/dpop.rs`).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::bearer_error;
use crate::Shared;
use crate::config::TestUser;
use crate::oauth_error::OAuthError;
use crate::store::Inactive;

/// The avatar URL the sandbox serves for a user.
pub fn picture_url(shared: &Shared, user: &TestUser) -> String {
    format!("{}/_sandbox/avatar/{}.svg", shared.issuer, user.sub)
}

/// A user's numeric id, as GitHub and GitLab give them: derived from the subject so it stays
/// stable across restarts.
pub fn numeric_id(user: &TestUser) -> u64 {
    user.sub.bytes().fold(1_000_u64, |h, b| {
        h.wrapping_mul(31).wrapping_add(u64::from(b))
    }) % 100_000_000
}

/// Adds the claims the granted scopes release: `email` (email, email_verified) and `profile`
/// (name, picture).
pub fn add_profile_claims(claims: &mut Value, shared: &Shared, user: &TestUser, scopes: &[String]) {
    let has = |names: &[&str]| scopes.iter().any(|s| names.contains(&s.as_str()));
    if has(&["email", "https://www.googleapis.com/auth/userinfo.email"]) {
        claims["email"] = json!(user.email);
        claims["email_verified"] = json!(true);
    }
    if has(&[
        "profile",
        "https://www.googleapis.com/auth/userinfo.profile",
    ]) {
        claims["name"] = json!(user.name);
        claims["picture"] = json!(picture_url(shared, user));
    }
}

fn token_error(status: Inactive) -> OAuthError {
    match status {
        Inactive::Expired => OAuthError::invalid_token("the access token has expired"),
        Inactive::Revoked => OAuthError::invalid_token("the access token was revoked"),
        _ => OAuthError::invalid_token("the access token is not valid"),
    }
}

pub async fn userinfo(
    State(shared): State<Arc<Shared>>,
    (method, uri): (Method, Uri),
    headers: HeaderMap,
) -> Response {
    // A DPoP-bound token comes with the DPoP scheme and a proof for it (RFC 9449 §7).
    let token = match crate::dpop::resource_token(&shared, &headers, &method, uri.path()) {
        Ok(Some(token)) => token,
        Ok(None) => return bearer_error(&OAuthError::invalid_token("no bearer token was sent")),
        Err(refused) => return refused,
    };
    let store = shared.store();
    let info = match store.bearer(&token) {
        Ok(info) => info,
        Err(status) => return bearer_error(&token_error(status)),
    };
    if !info.scopes.iter().any(|s| s == "openid") {
        return bearer_error(&OAuthError::insufficient_scope(
            "userinfo needs the openid scope",
        ));
    }
    let Some(user) = store.user_by_sub(&info.grant.sub).cloned() else {
        return bearer_error(&OAuthError::invalid_token("the user no longer exists"));
    };
    drop(store);
    let mut claims = json!({"sub": user.sub});
    add_profile_claims(&mut claims, &shared, &user, &info.scopes);
    Json(claims).into_response()
}
