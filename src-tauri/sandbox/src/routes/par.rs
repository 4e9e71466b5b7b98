//! Pushed authorization requests (RFC 9126), in the generic personality: the client posts its
//! authorization request to `/par`, authenticated as at the token endpoint, and gets a
//! `request_uri` (§2.2); the browser then brings only `client_id` and that `request_uri` to
//! the authorization endpoint (§4), which takes the pushed parameters instead ([`resolve`]).
//! When the sandbox requires pushed requests (`require_pushed_authorization_requests`, §5),
//! the authorization endpoint refuses any other.
//!
//! Invariants: a pushed request is checked exactly as the authorization endpoint checks one
//! (`authorize.rs`'s `check`), before it is kept, and again when it is used; the client's
//! credentials are never kept with it. A `request_uri` is single use, bound to its client and
//! short-lived (`src/store/pushed.rs`). The authorization URL of a pushed request carries
//! nothing beside `client_id` and `request_uri`: the sandbox refuses any other parameter there
//! rather than ignore it, so a client that leaks its request into the URL learns so in tests.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use super::authorize::{Refusal, check};
use super::{ClientCredentials, Params, no_store, oauth_error};
use crate::Shared;
use crate::oauth_error::OAuthError;
use crate::store::{AuthStore, NotPushed, Opener};

/// The parameters of a push that authenticate the client, and so are not the authorization
/// request's.
const CREDENTIALS: [&str; 3] = ["client_secret", "client_assertion", "client_assertion_type"];

/// `POST /par`: checks and keeps an authorization request; answers `201` with its
/// `request_uri` and `expires_in` (RFC 9126 §2.2), or an OAuth error (§2.3).
pub async fn push(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let basic = headers.contains_key("authorization");
    // For Grantry's leak sweeps (`Shared::log_tokens`).
    super::log_assertion(&shared, &body);
    match pushed(&shared, &headers, &body) {
        Ok((request_uri, expires_in)) => no_store(
            StatusCode::CREATED,
            json!({"request_uri": request_uri, "expires_in": expires_in}),
        ),
        Err(error) => oauth_error(&error, basic),
    }
}

fn pushed(shared: &Shared, headers: &HeaderMap, body: &[u8]) -> Result<(String, u64), OAuthError> {
    let params = Params::from_request(None, headers, body)?;
    let credentials = ClientCredentials::from_request(headers, &params)?;
    let mut store = shared.store();
    credentials.authenticate(&mut store, &super::assertion_audiences(shared))?;
    if params.get("request_uri").is_some() {
        return Err(OAuthError::invalid_request(
            "request_uri cannot be pushed (RFC 9126 §2.1)",
        ));
    }
    // The request as the authorization endpoint will read it: the client's credentials left
    // out, its client_id in (a client authenticating with Basic may leave it out of the body).
    let mut request: Vec<(String, String)> = params
        .pairs()
        .iter()
        .filter(|(name, _)| !CREDENTIALS.contains(&name.as_str()) && name != "client_id")
        .cloned()
        .collect();
    request.push(("client_id".to_owned(), credentials.client_id.clone()));
    let request = Params::from_pairs(request);
    check(shared, &store, &request, Opener::Elsewhere).map_err(Refusal::into_error)?;
    Ok(store.push_request(&credentials.client_id, request.pairs().to_vec()))
}

/// The authorization request the authorization endpoint is to serve: the one pushed as the
/// URL's `request_uri`, or the URL's own parameters when the sandbox does not require pushed
/// requests. Taking a pushed request uses it up.
pub(super) fn resolve(
    shared: &Shared,
    store: &mut AuthStore,
    params: Params,
) -> Result<Params, Refusal> {
    let Some(request_uri) = params.get("request_uri") else {
        if store.require_par {
            return Err(Refusal::page(
                "Pushed authorization request required",
                format!(
                    "This sandbox requires pushed authorization requests (RFC 9126): push the \
                     request to {}/par first, then open this page with only client_id and \
                     request_uri.",
                    shared.issuer
                ),
            ));
        }
        return Ok(params);
    };
    let others: Vec<&str> = params
        .pairs()
        .iter()
        .map(|(name, _)| name.as_str())
        .filter(|name| !matches!(*name, "client_id" | "request_uri"))
        .collect();
    if !others.is_empty() {
        return Err(Refusal::page(
            "Invalid request",
            format!(
                "With a request_uri, the authorization URL carries only client_id and \
                 request_uri (RFC 9126 §4); this one also has {}.",
                others.join(", ")
            ),
        ));
    }
    let Some(client_id) = params.get("client_id") else {
        return Err(Refusal::page(
            "Invalid request",
            "client_id is missing beside request_uri (RFC 9126 §4).",
        ));
    };
    match store.take_pushed(request_uri, client_id) {
        Ok(pushed) => Ok(Params::from_pairs(pushed.params)),
        Err(NotPushed::Unknown) => Err(Refusal::page(
            "This sign-in request is no longer valid",
            "Its request_uri is unknown, expired (after 60 seconds) or used already. Start \
             again from the app.",
        )),
        Err(NotPushed::OtherClient) => Err(Refusal::page(
            "Invalid request",
            format!("The request_uri was not pushed by client {client_id:?}."),
        )),
    }
}
