//! The admin API under `/_sandbox/`, for QA testers and tests: the HTTP face of the admin
//! operations in `src/admin.rs` (see the configuration, add and remove users and clients, list
//! and revoke grants, replace a `private_key_jwt` client's JWKS, require pushed authorization
//! requests, inject, list and clear faults (clearing a `hold` releases the requests
//! it holds), expire every access token, move the clock
//! forward, rotate the signing key, DPoP's switches under `/_sandbox/dpop`), plus users'
//! avatars and the proof of the admin token.
//!
//! Invariants: every route but the avatars and the proof of the admin token (`src/proof.rs`)
//! needs the admin token and takes bodies only as JSON,
//! from no other origin (`src/guard.rs`). Handlers only parse, call one [`Admin`] method and
//! render its answer or its [`AdminError`] (400, 409 or 404 with a JSON body saying why); the
//! rules are in `src/admin.rs`, so the app's in-process calls and this API behave alike. It is
//! not behind fault injection.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::Shared;
use crate::admin::{Admin, AdminError, NewUser};
use crate::config::{ClientConfig, DpopSettings};
use crate::faults::Fault;

pub fn router(shared: &Arc<Shared>) -> Router<Arc<Shared>> {
    Router::new()
        .route("/_sandbox", get(overview))
        .route("/_sandbox/users", get(users).post(add_user))
        .route("/_sandbox/users/{login}", delete(remove_user))
        .route("/_sandbox/clients", post(add_client))
        .route("/_sandbox/clients/{client_id}", delete(remove_client))
        .route("/_sandbox/clients/{client_id}/jwks", put(set_client_jwks))
        .route("/_sandbox/settings", post(settings))
        .route("/_sandbox/grants", get(grants))
        .route("/_sandbox/grants/{id}/revoke", post(revoke_grant))
        .route("/_sandbox/grants/{id}/scopes/{scope}", delete(remove_scope))
        .route(
            "/_sandbox/faults",
            get(faults).post(add_fault).delete(clear_faults),
        )
        .route("/_sandbox/faults/{id}", delete(remove_fault))
        .route("/_sandbox/expire-tokens", post(expire_tokens))
        .route("/_sandbox/clock", post(advance_clock))
        .route("/_sandbox/rotate-key", post(rotate_key))
        .route("/_sandbox/dpop", get(dpop).post(set_dpop))
        .route_layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            crate::guard::admin,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            crate::guard::same_origin,
        ))
        // Pictures in profiles: an `<img>` must load them, so they need no token.
        .route("/_sandbox/avatar/{file}", get(avatar))
        // Proves the admin token without it being sent (`src/proof.rs`); changes nothing.
        .route("/_sandbox/proof", get(proof))
}

fn admin(shared: Arc<Shared>) -> Admin {
    Admin(shared)
}

fn bad_request(message: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": "invalid_request", "error_description": message.into()})),
    )
        .into_response()
}

/// An admin operation's refusal: 400, 409 or 404, with what was wrong.
fn refused(error: AdminError) -> Response {
    let (status, code) = match &error {
        AdminError::Invalid(_) => (StatusCode::BAD_REQUEST, "invalid_request"),
        AdminError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
        AdminError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
    };
    let body = json!({"error": code, "error_description": error.to_string()});
    (status, Json(body)).into_response()
}

/// `done` on success, else the refusal.
fn answer<T>(result: Result<T, AdminError>, done: impl FnOnce(T) -> Response) -> Response {
    result.map_or_else(refused, done)
}

/// A JSON body, or a clear 400 naming what is wrong with it.
fn parse<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, Response> {
    serde_json::from_slice(body).map_err(|e| bad_request(format!("bad JSON body: {e}")))
}

async fn proof(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    let query = query.unwrap_or_default();
    let mut challenges = url::form_urlencoded::parse(query.as_bytes())
        .filter(|(name, _)| name == "challenge")
        .map(|(_, value)| value);
    match (challenges.next(), challenges.next()) {
        (Some(challenge), None) if crate::proof::valid_challenge(&challenge) => {
            // Bound to this sandbox's own issuer, so the answer cannot be passed off by a
            // program on another port that relays the challenge here.
            let proof = crate::proof::proof(&shared.admin_token, &shared.issuer, &challenge);
            Json(json!({ "proof": proof })).into_response()
        }
        _ => bad_request("one `challenge`: 22 to 128 base64url characters"),
    }
}

async fn overview(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!(admin(shared).overview()))
}

async fn users(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!(admin(shared).users()))
}

async fn add_user(State(shared): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    let new: NewUser = match parse(&body) {
        Ok(new) => new,
        Err(response) => return response,
    };
    answer(admin(shared).add_user(new), |user| {
        (StatusCode::CREATED, Json(json!(user))).into_response()
    })
}

/// Removes a test user; every grant the user gave is revoked.
async fn remove_user(State(shared): State<Arc<Shared>>, Path(login): Path<String>) -> Response {
    answer(admin(shared).remove_user(&login), |revoked| {
        Json(json!({"revoked_grants": revoked})).into_response()
    })
}

async fn add_client(State(shared): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    let client: ClientConfig = match parse(&body) {
        Ok(client) => client,
        Err(response) => return response,
    };
    answer(admin(shared).add_client(client), |()| {
        StatusCode::CREATED.into_response()
    })
}

/// Removes a client; every grant made to it is revoked.
async fn remove_client(
    State(shared): State<Arc<Shared>>,
    Path(client_id): Path<String>,
) -> Response {
    answer(admin(shared).remove_client(&client_id), |revoked| {
        Json(json!({"revoked_grants": revoked})).into_response()
    })
}

/// Replaces a `private_key_jwt` client's public keys: the body is its JWK Set.
async fn set_client_jwks(
    State(shared): State<Arc<Shared>>,
    Path(client_id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let jwks: Value = match parse(&body) {
        Ok(jwks) => jwks,
        Err(response) => return response,
    };
    answer(admin(shared).set_client_jwks(&client_id, jwks), |()| {
        StatusCode::NO_CONTENT.into_response()
    })
}

/// The sandbox's switches; for now `require_pushed_authorization_requests` (RFC 9126 §5).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    require_pushed_authorization_requests: bool,
}

async fn settings(State(shared): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    let settings: Settings = match parse(&body) {
        Ok(settings) => settings,
        Err(response) => return response,
    };
    let required = settings.require_pushed_authorization_requests;
    answer(admin(shared).set_require_par(required), |()| {
        Json(json!({"require_pushed_authorization_requests": required})).into_response()
    })
}

async fn grants(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!(admin(shared).grants()))
}

async fn revoke_grant(State(shared): State<Arc<Shared>>, Path(id): Path<u64>) -> Response {
    answer(admin(shared).revoke_grant(id), |()| {
        StatusCode::NO_CONTENT.into_response()
    })
}

async fn remove_scope(
    State(shared): State<Arc<Shared>>,
    Path((id, scope)): Path<(u64, String)>,
) -> Response {
    answer(admin(shared).remove_scope(id, &scope), |()| {
        StatusCode::NO_CONTENT.into_response()
    })
}

/// Every fault in force, each with its `id`; the `invalid_grant` ones are listed again under
/// `invalid_grant_users` (by `sub`), as before ids existed.
async fn faults(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let users: Vec<Value> = shared
        .store()
        .invalid_grant_users
        .iter()
        .map(|f| json!({"id": f.id, "kind": "invalid_grant", "user": f.sub, "count": f.count}))
        .collect();
    let faults = admin(shared).faults();
    Json(json!({"faults": faults, "invalid_grant_users": users}))
}

/// Injects a fault; answers its id.
async fn add_fault(State(shared): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    let fault: Fault = match parse(&body) {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    answer(admin(shared).add_fault(fault), |id| {
        (StatusCode::CREATED, Json(json!({"id": id}))).into_response()
    })
}

async fn remove_fault(State(shared): State<Arc<Shared>>, Path(id): Path<u64>) -> Response {
    answer(admin(shared).remove_fault(id), |()| {
        StatusCode::NO_CONTENT.into_response()
    })
}

async fn clear_faults(State(shared): State<Arc<Shared>>) -> StatusCode {
    admin(shared).clear_faults();
    StatusCode::NO_CONTENT
}

async fn expire_tokens(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!({"expired": admin(shared).expire_tokens()}))
}

#[derive(Deserialize)]
struct Advance {
    seconds: u64,
}

async fn advance_clock(State(shared): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    let advance: Advance = match parse(&body) {
        Ok(advance) => advance,
        Err(response) => return response,
    };
    Json(json!({"now": admin(shared).advance_clock(advance.seconds)})).into_response()
}

/// Replaces the signing key (`src/keys.rs`): new ID tokens carry the new key id, and the JWKS
/// publishes the new key and, until the next rotation, the old one.
async fn rotate_key(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!({"kid": admin(shared).rotate_key()}))
}

/// The DPoP switches: `{"required": bool, "nonce": bool}`.
async fn dpop(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!(admin(shared).dpop()))
}

/// Sets the DPoP switches; a field left out is off. Answers the switches now in force.
async fn set_dpop(State(shared): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    let settings: DpopSettings = match parse(&body) {
        Ok(settings) => settings,
        Err(response) => return response,
    };
    Json(json!(admin(shared).set_dpop(settings))).into_response()
}

/// A round avatar with the user's initials, so profiles have a real picture URL.
async fn avatar(State(shared): State<Arc<Shared>>, Path(file): Path<String>) -> Response {
    let sub = file.strip_suffix(".svg").unwrap_or(&file);
    let store = shared.store();
    let Some(user) = store.user_by_sub(sub) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let initials: String = user
        .name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect();
    let hue = user
        .sub
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        % 360;
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"96\" height=\"96\" viewBox=\"0 0 96 96\">\
         <circle cx=\"48\" cy=\"48\" r=\"48\" fill=\"hsl({hue},55%,45%)\"/>\
         <text x=\"48\" y=\"60\" font-family=\"sans-serif\" font-size=\"36\" fill=\"#fff\" \
         text-anchor=\"middle\">{}</text></svg>",
        super::consent_page::escape(&initials)
    );
    ([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response()
}
