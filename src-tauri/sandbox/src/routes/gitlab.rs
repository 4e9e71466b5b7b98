//! GitLab's shapes where they differ from the standards: Doorkeeper's error descriptions at
//! the token and revocation endpoints, `POST /oauth/revoke` answering `{}`,
//! `GET /oauth/token/info`, the OpenID Connect userinfo at `/oauth/userinfo`, and the REST
//! API's `GET /api/v4/user`, with numeric user ids (`sub` is that id as a string, in ID tokens
//! and userinfo alike).
//!
//! Invariants: these endpoints exist only under the GitLab personality; a client revokes only
//! its own tokens (RFC 7009 §2.1) and a public client needs no secret for it. Claims and
//! profile fields are released only by the scopes that release them (`openid`, `profile`,
//! `email`; `read_user`, `read_api` or `api` for `/api/v4/user`). The rules are the store's;
//! this file renders.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::userinfo::{numeric_id, picture_url};
use super::{Params, bearer_error, bearer_token, client_and_token, no_store};
use crate::Shared;
use crate::config::TestUser;
use crate::oauth_error::OAuthError;
use crate::store::{Inactive, TokenInfo};

/// Doorkeeper's description of each error, which GitLab sends instead of the cause.
fn doorkeeper_description(code: &str) -> Option<&'static str> {
    Some(match code {
        "invalid_request" => {
            "The request is missing a required parameter, includes an unsupported parameter \
             value, or is otherwise malformed."
        }
        "invalid_client" => {
            "Client authentication failed due to unknown client, no client authentication \
             included, or unsupported authentication method."
        }
        "invalid_grant" => {
            "The provided authorization grant is invalid, expired, revoked, does not match the \
             redirection URI used in the authorization request, or was issued to another client."
        }
        "unauthorized_client" => {
            "The client is not authorized to perform this request using this method."
        }
        "unsupported_grant_type" => {
            "The authorization grant type is not supported by the authorization server."
        }
        "invalid_scope" => "The requested scope is invalid, unknown, or malformed.",
        _ => return None,
    })
}

/// An RFC 6749 §5.2 error with Doorkeeper's description.
pub fn error(error: &OAuthError) -> Response {
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST);
    let description = doorkeeper_description(error.code).unwrap_or(&error.description);
    no_store(
        status,
        json!({"error": error.code, "error_description": description}),
    )
}

/// A user's subject at GitLab: their numeric id, as a string.
pub fn subject(user: &TestUser) -> String {
    numeric_id(user).to_string()
}

/// The ID token's GitLab claims: the numeric `sub` (unless a fault named another) and, with
/// `profile`, the username and profile page.
pub fn id_token_claims(
    claims: &mut Value,
    shared: &Shared,
    user: &TestUser,
    scopes: &[String],
    keep_sub: bool,
) {
    if !keep_sub {
        claims["sub"] = json!(subject(user));
    }
    if scopes.iter().any(|s| s == "profile") {
        claims["nickname"] = json!(user.login);
        claims["preferred_username"] = json!(user.login);
        claims["profile"] = json!(format!("{}/{}", shared.issuer, user.login));
    }
}

/// `POST /oauth/revoke` (RFC 7009): the client authenticates (a public one with its
/// `client_id` alone); `{}` whether the token was known or not (§2.2).
pub async fn revoke(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    super::log_assertion(&shared, &body);
    let mut store = shared.store();
    let outcome = client_and_token(
        &mut store,
        &super::assertion_audiences(&shared),
        &headers,
        &body,
    )
    .and_then(|(client_id, token)| {
        store.revoke(&client_id, &token)?;
        shared.changed();
        Ok(())
    });
    drop(store);
    match outcome {
        Ok(()) => Json(json!({})).into_response(),
        Err(e) if e.code == "unauthorized_client" => {
            let body = json!({"error": "unauthorized_client",
                              "error_description": "You are not authorized to revoke this token"});
            (StatusCode::FORBIDDEN, Json(body)).into_response()
        }
        Err(e) => error(&e),
    }
}

/// The token of a resource request: `Authorization: Bearer …` or `?access_token=…`.
fn token_of(headers: &HeaderMap, query: Option<String>) -> Option<String> {
    let params = Params::parse(query.unwrap_or_default().as_bytes()).unwrap_or_default();
    bearer_token(headers, Some(&params))
}

/// `GET /oauth/token/info`: what the access token allows, Doorkeeper's way.
pub async fn token_info(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let store = shared.store();
    let status = token_of(&headers, query).map_or(Err(Inactive::Unknown), |t| store.bearer(&t));
    let info = match status {
        Ok(info) => info,
        Err(inactive) => {
            let description = match inactive {
                Inactive::Expired => "The access token expired",
                Inactive::Revoked => "The access token was revoked",
                Inactive::Unknown => "The access token is invalid",
            };
            let body = json!({"error": "invalid_token", "error_description": description,
                              "state": "unauthorized"});
            let mut response = (StatusCode::UNAUTHORIZED, Json(body)).into_response();
            let challenge = format!(
                "Bearer realm=\"Doorkeeper\", error=\"invalid_token\", \
                 error_description=\"{description}\""
            );
            if let Ok(value) = HeaderValue::from_str(&challenge) {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, value);
            }
            return response;
        }
    };
    let owner = store.user_by_sub(&info.grant.sub).map(numeric_id);
    let now = store.now();
    Json(json!({
        "resource_owner_id": owner,
        "scope": info.scopes,
        "expires_in": info.expires_at.map(|exp| exp.saturating_sub(now)),
        "application": {"uid": info.grant.client_id},
        "created_at": info.issued_at,
    }))
    .into_response()
}

/// The active token and its user, or the answer to send.
fn resource_request(
    shared: &Shared,
    headers: &HeaderMap,
    query: Option<String>,
    on_error: impl Fn(Inactive) -> Response,
) -> Result<(TokenInfo, TestUser), Response> {
    let store = shared.store();
    let token = token_of(headers, query).ok_or_else(|| on_error(Inactive::Unknown))?;
    let info = store.bearer(&token).map_err(&on_error)?;
    let user = store.user_by_sub(&info.grant.sub).cloned();
    let user = user.ok_or_else(|| on_error(Inactive::Revoked))?;
    Ok((info, user))
}

/// OpenID Connect userinfo, GitLab's claims: `sub` is the numeric id.
pub async fn userinfo(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let on_error = |_| bearer_error(&OAuthError::invalid_token("The access token is invalid"));
    let (info, user) = match resource_request(&shared, &headers, None, on_error) {
        Ok(request) => request,
        Err(response) => return response,
    };
    if !info.scopes.iter().any(|s| s == "openid") {
        return bearer_error(&OAuthError::insufficient_scope(
            "userinfo needs the openid scope",
        ));
    }
    let has = |scope: &str| info.scopes.iter().any(|s| s == scope);
    let mut claims = json!({"sub": subject(&user)});
    if has("profile") {
        claims["name"] = json!(user.name);
        claims["nickname"] = json!(user.login);
        claims["preferred_username"] = json!(user.login);
        claims["profile"] = json!(format!("{}/{}", shared.issuer, user.login));
        claims["picture"] = json!(picture_url(&shared, &user));
        claims["website"] = json!("");
        claims["groups"] = json!([]);
    }
    if has("email") {
        claims["email"] = json!(user.email);
        claims["email_verified"] = json!(true);
    }
    Json(claims).into_response()
}

/// The REST API's answer to a token that does not work.
fn api_unauthorized(inactive: Inactive) -> Response {
    let body = match inactive {
        Inactive::Expired => json!({"error": "invalid_token",
            "error_description": "Token is expired. You can either do re-authorization or token refresh."}),
        Inactive::Revoked => json!({"error": "invalid_token",
            "error_description": "Token was revoked. You have to re-authorize from the user."}),
        Inactive::Unknown => json!({"message": "401 Unauthorized"}),
    };
    (StatusCode::UNAUTHORIZED, Json(body)).into_response()
}

/// `GET /api/v4/user`: the user's profile, for `read_user`, `read_api` or `api`.
pub async fn user(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let (info, user) = match resource_request(&shared, &headers, query, api_unauthorized) {
        Ok(request) => request,
        Err(response) => return response,
    };
    let allowed = ["read_user", "read_api", "api"];
    if !info.scopes.iter().any(|s| allowed.contains(&s.as_str())) {
        let body = json!({"error": "insufficient_scope",
            "error_description": "The request requires higher privileges than provided by the access token.",
            "scope": "api read_api read_user"});
        return (StatusCode::FORBIDDEN, Json(body)).into_response();
    }
    Json(json!({
        "id": numeric_id(&user),
        "username": user.login,
        "name": user.name,
        "email": user.email,
        "state": "active",
        "avatar_url": picture_url(&shared, &user),
        "web_url": format!("{}/{}", shared.issuer, user.login),
    }))
    .into_response()
}
