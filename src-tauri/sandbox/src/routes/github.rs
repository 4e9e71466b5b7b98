//! GitHub's shapes: `GET /user` with the granted scopes in `X-OAuth-Scopes`, and
//! `DELETE /applications/{client_id}/grant` (Basic auth with the client's credentials, the
//! token in a JSON body) which ends the whole authorization.
//!
//! Invariants: these endpoints exist only under the GitHub personality; errors are GitHub's
//! `{"message": …}` bodies. Deleting a grant needs the owning client's Basic credentials,
//! nothing less.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{ClientCredentials, Params, bearer_token};
use crate::Shared;

fn api_error(status: StatusCode, message: &str) -> Response {
    let body = json!({"message": message, "documentation_url": "https://docs.github.com/rest"});
    (status, Json(body)).into_response()
}

pub async fn user(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let store = shared.store();
    let info = bearer_token(&headers, None).and_then(|t| store.bearer(&t).ok());
    let Some(info) = info else {
        return api_error(StatusCode::UNAUTHORIZED, "Bad credentials");
    };
    let Some(user) = store.user_by_sub(&info.grant.sub).cloned() else {
        return api_error(StatusCode::UNAUTHORIZED, "Bad credentials");
    };
    drop(store);
    let id = super::userinfo::numeric_id(&user);
    let email_visible = info
        .scopes
        .iter()
        .any(|s| s == "user:email" || s == "read:user");
    let mut response = Json(json!({
        "login": user.login,
        "id": id,
        "name": user.name,
        "email": if email_visible { json!(user.email) } else { json!(null) },
        "avatar_url": super::userinfo::picture_url(&shared, &user),
        "html_url": format!("{}/{}", shared.issuer, user.login),
        "type": "User",
    }))
    .into_response();
    if let Ok(scopes) = HeaderValue::from_str(&info.scopes.join(", ")) {
        response.headers_mut().insert("x-oauth-scopes", scopes);
    }
    response
}

pub async fn delete_grant(
    State(shared): State<Arc<Shared>>,
    Path(client_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let credentials = ClientCredentials::from_request(&headers, &Params::default());
    let mut store = shared.store();
    let authenticated = credentials.as_ref().is_ok_and(|c| {
        c.basic
            && c.client_id == client_id
            && store
                .authenticate(&c.client_id, c.secret.as_deref())
                .is_ok()
    });
    if !authenticated {
        return api_error(StatusCode::UNAUTHORIZED, "Bad credentials");
    }
    let token = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["access_token"].as_str().map(str::to_owned));
    let Some(token) = token else {
        return api_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Invalid request: access_token is required.",
        );
    };
    let info = store
        .token_info(&token)
        .filter(|i| i.grant.client_id == client_id);
    let Some(info) = info else {
        return api_error(StatusCode::NOT_FOUND, "Not Found");
    };
    store.revoke_user_grants(
        &client_id,
        &info.grant.sub,
        "authorization deleted by the app",
    );
    shared.changed();
    StatusCode::NO_CONTENT.into_response()
}
