//! The OpenID Connect and RFC endpoints: discovery (OIDC Discovery §4, RFC 8414), JWKS,
//! userinfo (OIDC Core §5.3), revocation (RFC 7009), introspection (RFC 7662), and Google's
//! variants (`/revoke?token=`, `tokeninfo`).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{ClientCredentials, Params, bearer_error, bearer_token, join_scopes, oauth_error};
use crate::Shared;
use crate::config::{Personality, TestUser};
use crate::oauth_error::OAuthError;
use crate::store::{AuthStore, Inactive, TokenKind};

pub async fn discovery(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let issuer = &shared.issuer;
    let personality = shared.personality;
    let scopes: Vec<&str> = personality.scopes().iter().map(|s| s.name).collect();
    let mut doc = json!({
        "issuer": issuer,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "scopes_supported": scopes,
        "claims_supported": ["iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "email",
                             "email_verified", "name", "picture"],
        "code_challenge_methods_supported": ["S256"],
    });
    let paths = match personality {
        Personality::Google => json!({
            "authorization_endpoint": format!("{issuer}/o/oauth2/v2/auth"),
            "token_endpoint": format!("{issuer}/token"),
            "userinfo_endpoint": format!("{issuer}/v1/userinfo"),
            "revocation_endpoint": format!("{issuer}/revoke"),
            "jwks_uri": format!("{issuer}/oauth2/v3/certs"),
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        }),
        _ => json!({
            "authorization_endpoint": format!("{issuer}/authorize"),
            "token_endpoint": format!("{issuer}/token"),
            "userinfo_endpoint": format!("{issuer}/userinfo"),
            "revocation_endpoint": format!("{issuer}/revoke"),
            "introspection_endpoint": format!("{issuer}/introspect"),
            "jwks_uri": format!("{issuer}/jwks"),
            "token_endpoint_auth_methods_supported":
                ["none", "client_secret_basic", "client_secret_post"],
            "revocation_endpoint_auth_methods_supported":
                ["none", "client_secret_basic", "client_secret_post"],
            "introspection_endpoint_auth_methods_supported":
                ["none", "client_secret_basic", "client_secret_post"],
            // Google sends `iss` without advertising it; the strict personality advertises it.
            "authorization_response_iss_parameter_supported": true,
        }),
    };
    for (key, value) in paths.as_object().into_iter().flatten() {
        doc[key] = value.clone();
    }
    Json(doc)
}

pub async fn jwks(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(shared.keys.jwks())
}

/// The avatar URL the sandbox serves for a user.
pub fn picture_url(shared: &Shared, user: &TestUser) -> String {
    format!("{}/_sandbox/avatar/{}.svg", shared.issuer, user.sub)
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

pub async fn userinfo(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let Some(token) = bearer_token(&headers, None) else {
        return bearer_error(&OAuthError::invalid_token("no bearer token was sent"));
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

/// A revocation or introspection request: the authenticated client's id and the `token`.
fn client_and_token(
    store: &AuthStore,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(String, String), OAuthError> {
    let params = Params::from_request(None, headers, body)?;
    let credentials = ClientCredentials::from_request(headers, &params)?;
    store.authenticate(&credentials.client_id, credentials.secret.as_deref())?;
    Ok((credentials.client_id, params.require("token")?.to_owned()))
}

/// RFC 7009. The client authenticates (a public client sends its `client_id`); unknown tokens
/// get 200 like revoked ones, so the endpoint tells nothing about tokens.
pub async fn revoke(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut store = shared.store();
    let outcome = client_and_token(&store, &headers, &body).and_then(|(client_id, token)| {
        store.revoke(&client_id, &token)?;
        shared.save(&store);
        Ok(())
    });
    drop(store);
    match outcome {
        Ok(()) => StatusCode::OK.into_response(),
        Err(error) => oauth_error(&error, headers.contains_key("authorization")),
    }
}

/// RFC 7662, for an authenticated client; tokens of other clients are reported inactive.
pub async fn introspect(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let store = shared.store();
    let outcome = client_and_token(&store, &headers, &body).map(|(client_id, token)| {
        let info = store
            .token_info(&token)
            .filter(|info| info.grant.client_id == client_id);
        let Some(info) = info else {
            return json!({"active": false});
        };
        let mut answer = json!({
            "active": true,
            "scope": join_scopes(shared.personality, &info.scopes),
            "client_id": info.grant.client_id,
            "sub": info.grant.sub,
            "aud": info.grant.client_id,
            "iss": shared.issuer,
            "iat": info.issued_at,
            "token_type": match info.kind {
                TokenKind::Access => "Bearer",
                TokenKind::Refresh => "refresh_token",
            },
        });
        if let Some(exp) = info.expires_at {
            answer["exp"] = json!(exp);
        }
        if let Some(user) = store.user_by_sub(&info.grant.sub) {
            answer["username"] = json!(user.login);
        }
        answer
    });
    drop(store);
    match outcome {
        Ok(answer) => Json(answer).into_response(),
        Err(error) => oauth_error(&error, headers.contains_key("authorization")),
    }
}

/// Google's revoke: `POST /revoke?token=…` (or the token in a form body), no client
/// authentication, and the whole grant ends, whichever token was sent.
pub async fn google_revoke(
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
    shared.save(&store);
    (StatusCode::OK, Json(json!({}))).into_response()
}

/// Google's `tokeninfo?access_token=…`: the token's scopes, expiry and user, numbers as
/// strings as Google sends them.
pub async fn google_tokeninfo(
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
