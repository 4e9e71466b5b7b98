//! Facebook's Graph API shapes: `/me?fields=…`, `/me/permissions` with granted and declined
//! permissions, `DELETE /me/permissions[/{permission}]`, `/debug_token`, and `OAuthException`
//! errors with code 190 and its subcodes (458 app removed, 463 expired; and, through the
//! `graph_error` fault of `src/faults.rs`, 459, 460, 464 and 467), written by
//! `src/replies/facebook.rs`.
//!
//! Invariants: these endpoints exist only under the Facebook personality; every error is a
//! Graph error body, never RFC 6749's. A field is released only when a granted permission
//! releases it.

use std::sync::{Arc, MutexGuard};

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{Params, bearer_token};
use crate::Shared;
use crate::replies::facebook::{graph_error, token_error};
use crate::store::{AuthStore, Inactive, TokenInfo};

/// How long after the person's consent an app may read their data: 90 days, reported as
/// `data_access_expires_at` by the token endpoint and `/debug_token`.
pub const DATA_ACCESS_LIFETIME: u64 = 90 * 86400;

/// The active token of a Graph request, or the Graph error to answer with.
fn authorize(
    store: &AuthStore,
    headers: &HeaderMap,
    params: &Params,
) -> Result<TokenInfo, Response> {
    let Some(token) = bearer_token(headers, Some(params)) else {
        return Err(graph_error(
            StatusCode::BAD_REQUEST,
            "An active access token must be used to query information about the current user.",
            2500,
            None,
        ));
    };
    store.bearer(&token).map_err(token_error)
}

/// A Graph request whose token is active: its parameters, the store (locked) and the token.
fn graph_request<'a>(
    shared: &'a Shared,
    query: Option<String>,
    headers: &HeaderMap,
) -> Result<(Params, MutexGuard<'a, AuthStore>, TokenInfo), Response> {
    let params = params(query);
    let store = shared.store();
    let info = authorize(&store, headers, &params)?;
    Ok((params, store, info))
}

fn params(query: Option<String>) -> Params {
    Params::parse(query.unwrap_or_default().as_bytes()).unwrap_or_default()
}

pub async fn me(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let (params, store, info) = match graph_request(&shared, query, &headers) {
        Ok(request) => request,
        Err(response) => return response,
    };
    let Some(user) = store.user_by_sub(&info.grant.sub).cloned() else {
        return token_error(Inactive::Revoked);
    };
    drop(store);
    let fields = params.get("fields").unwrap_or("id,name");
    let mut answer = json!({});
    for field in fields.split(',').map(str::trim) {
        match field {
            "id" => answer["id"] = json!(user.sub),
            "name" => answer["name"] = json!(user.name),
            "email" if info.scopes.iter().any(|s| s == "email") => {
                answer["email"] = json!(user.email);
            }
            "email" => {}
            "picture" => {
                answer["picture"] = json!({"data": {
                    "height": 50, "width": 50, "is_silhouette": false,
                    "url": super::userinfo::picture_url(&shared, &user),
                }});
            }
            other => {
                let message = format!(
                    "(#100) Tried accessing nonexisting field ({other}) on node type (User)"
                );
                return graph_error(StatusCode::BAD_REQUEST, &message, 100, None);
            }
        }
    }
    Json(answer).into_response()
}

pub async fn permissions(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let (_, _store, info) = match graph_request(&shared, query, &headers) {
        Ok(request) => request,
        Err(response) => return response,
    };
    let mut data: Vec<Value> = info
        .grant
        .scopes
        .iter()
        .map(|p| json!({"permission": p, "status": "granted"}))
        .collect();
    data.extend(
        info.grant
            .declined
            .iter()
            .map(|p| json!({"permission": p, "status": "declined"})),
    );
    Json(json!({"data": data})).into_response()
}

/// `DELETE /me/permissions`: the user removes the app; the whole login ends.
pub async fn delete_permissions(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let (_, mut store, info) = match graph_request(&shared, query, &headers) {
        Ok(request) => request,
        Err(response) => return response,
    };
    store.revoke_user_grants(
        &info.grant.client_id,
        &info.grant.sub,
        "app removed by the user",
    );
    shared.changed();
    Json(json!({"success": true})).into_response()
}

/// `DELETE /me/permissions/{permission}`: takes back one permission.
pub async fn delete_permission(
    State(shared): State<Arc<Shared>>,
    Path(permission): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let (_, mut store, info) = match graph_request(&shared, query, &headers) {
        Ok(request) => request,
        Err(response) => return response,
    };
    if !shared
        .personality
        .scopes()
        .iter()
        .any(|s| s.name == permission)
    {
        let message = format!("(#100) Invalid permission: {permission}");
        return graph_error(StatusCode::BAD_REQUEST, &message, 100, None);
    }
    store.decline_scope(info.grant.id, &permission);
    shared.changed();
    Json(json!({"success": true})).into_response()
}

/// `GET /debug_token?input_token=…&access_token={app-id}|{app-secret}`.
pub async fn debug_token(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    let params = params(query);
    let store = shared.store();
    let app = params.get("access_token").and_then(|t| t.split_once('|'));
    let app_ok = app.is_some_and(|(id, secret)| store.authenticate(id, Some(secret)).is_ok());
    let Some((app_id, _)) = app.filter(|_| app_ok) else {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "Invalid OAuth access token signature.",
            190,
            None,
        );
    };
    let Some(input) = params.get("input_token") else {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "(#100) The parameter input_token is required",
            100,
            None,
        );
    };
    let answer = match store.token_status(input) {
        Ok(info) if info.grant.client_id == app_id => json!({
            "app_id": app_id,
            "type": "USER",
            "application": "Grantry Sandbox",
            "is_valid": true,
            "issued_at": info.issued_at,
            "expires_at": info.expires_at.unwrap_or(0),
            "data_access_expires_at": info.grant.auth_time + DATA_ACCESS_LIFETIME,
            "scopes": info.scopes,
            "granular_scopes": info.scopes.iter().map(|s| json!({"scope": s})).collect::<Vec<_>>(),
            "user_id": info.grant.sub,
        }),
        other => {
            let (message, subcode) = match other {
                Err(Inactive::Expired) => ("Session has expired.", 463),
                Err(Inactive::Revoked) => ("The user has not authorized application.", 458),
                _ => ("Invalid OAuth access token.", 0),
            };
            json!({"app_id": app_id, "is_valid": false,
                   "error": {"code": 190, "message": message, "subcode": subcode}})
        }
    };
    Json(json!({"data": answer})).into_response()
}
