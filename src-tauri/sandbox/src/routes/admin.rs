//! The admin API under `/_sandbox/`, for QA testers, the app's Sandbox screen and tests:
//! see the configuration, add users and clients, list and revoke grants, inject and clear
//! faults, expire every access token, move the clock forward, rotate the signing key, and
//! fetch users' avatars.
//!
//! Invariants: every route but the avatars and the proof of the admin token (`src/proof.rs`)
//! needs the admin token and takes bodies only as JSON,
//! from no other origin (`src/guard.rs`). The API never shows a client secret or a token, and
//! every change it makes is saved to the state file like any other. It bypasses no rule of the
//! store: revoking a grant here is the same revocation a client gets. It is not behind fault
//! injection.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::Shared;
use crate::config::{ClientAuth, ClientConfig, Personality, TestUser};
use crate::faults::{Fault, FaultKind};

pub fn router(shared: &Arc<Shared>) -> Router<Arc<Shared>> {
    Router::new()
        .route("/_sandbox", get(overview))
        .route("/_sandbox/users", get(users).post(add_user))
        .route("/_sandbox/clients", post(add_client))
        .route("/_sandbox/grants", get(grants))
        .route("/_sandbox/grants/{id}/revoke", post(revoke_grant))
        .route(
            "/_sandbox/grants/{id}/scopes/{scope}",
            axum::routing::delete(remove_scope),
        )
        .route(
            "/_sandbox/faults",
            get(faults).post(add_fault).delete(clear_faults),
        )
        .route("/_sandbox/expire-tokens", post(expire_tokens))
        .route("/_sandbox/clock", post(advance_clock))
        .route("/_sandbox/rotate-key", post(rotate_key))
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

/// The longest name, e-mail, client id or redirect URI the admin API takes, as for request
/// parameters (`params.rs`).
const MAX_FIELD: usize = super::params::MAX_PARAM_LEN;
/// The most redirect URIs one client may register.
const MAX_REDIRECT_URIS: usize = 20;

fn bad_request(message: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": "invalid_request", "error_description": message.into()})),
    )
        .into_response()
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
            Json(json!({"proof": crate::proof::proof(&shared.admin_token, &challenge)}))
                .into_response()
        }
        _ => bad_request("one `challenge`: 22 to 128 base64url characters"),
    }
}

async fn overview(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let store = shared.store();
    let clients: Vec<Value> = store
        .clients
        .iter()
        .map(|c| {
            let mut client = json!({"client_id": c.client_id, "name": c.name, "auth": c.auth,
                                    "redirect_uris": c.redirect_uris});
            if shared.personality == Personality::Github {
                client["expiring_tokens"] = json!(c.expiring_tokens);
            }
            client
        })
        .collect();
    Json(json!({
        "issuer": shared.issuer,
        "personality": shared.personality,
        "clients": clients,
        "users": store.users,
        "scopes": shared.personality.scopes().iter()
            .map(|s| json!({"name": s.name, "description": s.description}))
            .collect::<Vec<_>>(),
    }))
}

async fn users(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!(shared.store().users))
}

#[derive(Deserialize)]
struct NewUser {
    login: String,
    name: Option<String>,
    email: Option<String>,
}

async fn add_user(State(shared): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    let new: NewUser = match parse(&body) {
        Ok(new) => new,
        Err(response) => return response,
    };
    if !TestUser::is_valid_login(&new.login) {
        return bad_request("login must be 1 to 32 of a-z, 0-9, '.', '_' and '-'");
    }
    let too_long = [&new.name, &new.email]
        .into_iter()
        .flatten()
        .any(|f| f.len() > MAX_FIELD);
    if too_long {
        return bad_request(format!("name and email are at most {MAX_FIELD} bytes"));
    }
    let mut store = shared.store();
    if store.user_by_login(&new.login).is_some() {
        return (StatusCode::CONFLICT, Json(json!({"error": "user exists"}))).into_response();
    }
    let mut user = TestUser::from_login(&new.login);
    if let Some(name) = new.name {
        user.name = name;
    }
    if let Some(email) = new.email {
        user.email = email;
    }
    if let Err(full) = store.add_user(user.clone()) {
        return bad_request(full);
    }
    shared.changed();
    (StatusCode::CREATED, Json(json!(user))).into_response()
}

async fn add_client(State(shared): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    let client: ClientConfig = match parse(&body) {
        Ok(client) => client,
        Err(response) => return response,
    };
    if client.client_id.is_empty() || client.redirect_uris.is_empty() {
        return bad_request("client_id and at least one redirect URI are required");
    }
    let fields = [&client.client_id, &client.name]
        .into_iter()
        .chain(&client.redirect_uris)
        .chain(&client.client_secret);
    if client.redirect_uris.len() > MAX_REDIRECT_URIS
        || fields.into_iter().any(|f| f.len() > MAX_FIELD)
    {
        return bad_request(format!(
            "at most {MAX_REDIRECT_URIS} redirect URIs, and no field longer than {MAX_FIELD} bytes"
        ));
    }
    if let Some(bad) = client
        .redirect_uris
        .iter()
        .find(|r| url::Url::parse(r).is_err())
    {
        return bad_request(format!("{bad:?} is not an absolute URI"));
    }
    if (client.auth == ClientAuth::Secret) != client.client_secret.is_some() {
        return bad_request("a client_secret goes with auth \"secret\", and only with it");
    }
    let mut store = shared.store();
    if let Err(full) = store.set_client(client) {
        return bad_request(full);
    }
    shared.changed();
    StatusCode::CREATED.into_response()
}

async fn grants(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!(shared.store().grants()))
}

async fn revoke_grant(State(shared): State<Arc<Shared>>, Path(id): Path<u64>) -> Response {
    let mut store = shared.store();
    if !store.grants().iter().any(|g| g.id == id) {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "no such grant"})),
        )
            .into_response();
    }
    store.revoke_grant(id, "revoked from the sandbox admin API");
    shared.changed();
    StatusCode::NO_CONTENT.into_response()
}

/// Takes one scope out of a grant, as a person removing one permission at the provider
/// would: its tokens no longer carry it (introspection stops listing it).
async fn remove_scope(
    State(shared): State<Arc<Shared>>,
    Path((id, scope)): Path<(u64, String)>,
) -> Response {
    let mut store = shared.store();
    if !store.decline_scope(id, &scope) {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "no such grant, or it does not hold that scope"})),
        )
            .into_response();
    }
    shared.changed();
    StatusCode::NO_CONTENT.into_response()
}

async fn faults(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let store = shared.store();
    let users: Vec<Value> = store
        .invalid_grant_users
        .iter()
        .map(|(sub, count)| json!({"kind": "invalid_grant", "user": sub, "count": count}))
        .collect();
    let mut faults: Vec<Value> = shared.faults().list().iter().map(|f| json!(f)).collect();
    let refused = shared.refusals.left();
    if refused != Some(0) {
        faults.push(json!({"endpoint": "any", "kind": "refuse_connections", "count": refused}));
    }
    Json(json!({"faults": faults, "invalid_grant_users": users}))
}

async fn add_fault(State(shared): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    let fault: Fault = match parse(&body) {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    match &fault.kind {
        FaultKind::InvalidGrant { user } => {
            let mut store = shared.store();
            let sub = store
                .user_by_login(user)
                .or_else(|| store.user_by_sub(user))
                .map(|u| u.sub.clone());
            let Some(sub) = sub else {
                return bad_request(format!("no test user {user:?}"));
            };
            store.invalid_grant_users.push((sub, fault.count));
        }
        FaultKind::Status { status, .. } if !(100..=599).contains(status) => {
            return bad_request("status must be an HTTP status code (100 to 599)");
        }
        FaultKind::GraphError { subcode } => {
            if shared.personality != Personality::Facebook {
                return bad_request("graph_error is a fault of the Facebook personality");
            }
            if super::facebook::session_error(*subcode).is_none() {
                let known: Vec<u32> = super::facebook::SESSION_SUBCODES
                    .iter()
                    .map(|(s, _)| *s)
                    .collect();
                return bad_request(format!("subcode must be one of {known:?}"));
            }
            shared.faults().add(fault);
        }
        FaultKind::Aadsts { code } => {
            if shared.personality != Personality::Microsoft {
                return bad_request("aadsts is a fault of the Microsoft personality");
            }
            if super::microsoft::fault_error(*code).is_none() {
                let known: Vec<u32> = super::microsoft::AADSTS_FAULTS
                    .iter()
                    .map(|(c, _, _)| *c)
                    .collect();
                return bad_request(format!("code must be one of {known:?}"));
            }
            shared.faults().add(fault);
        }
        FaultKind::RefuseConnections => shared.refusals.add(fault.count),
        _ => shared.faults().add(fault),
    }
    StatusCode::CREATED.into_response()
}

async fn clear_faults(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.faults().clear();
    shared.refusals.clear();
    shared.store().invalid_grant_users.clear();
    StatusCode::NO_CONTENT
}

async fn expire_tokens(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let mut store = shared.store();
    let expired = store.expire_access_tokens();
    shared.changed();
    Json(json!({"expired": expired}))
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
    let mut store = shared.store();
    store.advance_clock(advance.seconds);
    shared.changed();
    Json(json!({"now": store.now()})).into_response()
}

/// Replaces the signing key (`src/keys.rs`): new ID tokens carry the new key id, and the JWKS
/// publishes the new key and, until the next rotation, the old one.
async fn rotate_key(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let kid = shared.keys().rotate();
    shared.changed();
    Json(json!({"kid": kid}))
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
