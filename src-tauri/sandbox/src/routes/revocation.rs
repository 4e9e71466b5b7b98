//! The revocation endpoint (RFC 7009) of the strict personality. Google's variant is in
//! `google.rs`, Facebook's and GitHub's in their own files.
//!
//! Invariants: the client authenticates (a public client sends its `client_id`); a token of
//! another client is refused; an unknown token gets 200 like a revoked one (RFC 7009 §2.2), so
//! the endpoint tells nothing about tokens. Which tokens a revocation ends is decided by
//! `crate::store` (`src/store/grants.rs`), not here.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use super::{client_and_token_with_proof, oauth_error};
use crate::Shared;

/// RFC 7009. The client authenticates (a public client sends its `client_id`); unknown tokens
/// get 200 like revoked ones, so the endpoint tells nothing about tokens.
pub async fn revoke(
    State(shared): State<Arc<Shared>>,
    (method, uri): (Method, Uri),
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (mut store, outcome) =
        client_and_token_with_proof(&shared, (&method, &uri), &headers, &body);
    let outcome = outcome.and_then(|(client_id, token)| {
        store.revoke(&client_id, &token)?;
        shared.changed();
        Ok(())
    });
    drop(store);
    let mut response = match outcome {
        Ok(()) => StatusCode::OK.into_response(),
        Err(error) => oauth_error(&error, headers.contains_key("authorization")),
    };
    // The nonce a `use_dpop_nonce` refusal asks for travels in its DPoP-Nonce header (RFC
    // 9449 §8): without it, a client that holds no nonce yet could never revoke.
    crate::dpop::offer_nonce(&shared, &mut response);
    response
}
