//! The introspection endpoint (RFC 7662) of the strict personality. Facebook's equivalent,
//! `/debug_token`, is in `facebook.rs`.
//!
//! Invariants: only an authenticated client may ask, and it learns only about its own tokens:
//! another client's token is reported `{"active": false}`, exactly like an unknown one.
//! Introspection never changes the store (but for remembering a DPoP proof's `jti`). A
//! DPoP-bound token is reported with `token_type` `DPoP` and `cnf.jkt` (RFC 9449 §6.2).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{client_and_token_with_proof, join_scopes, oauth_error};
use crate::Shared;
use crate::store::TokenKind;

/// RFC 7662, for an authenticated client; tokens of other clients are reported inactive.
pub async fn introspect(
    State(shared): State<Arc<Shared>>,
    (method, uri): (Method, Uri),
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (store, outcome) = client_and_token_with_proof(&shared, (&method, &uri), &headers, &body);
    let outcome = outcome.map(|(client_id, token)| {
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
            // An exchanged token is for the audience it was exchanged for (RFC 8693).
            "aud": store.exchanged_audience(&token).unwrap_or_else(|| json!(info.grant.client_id)),
            "iss": shared.issuer,
            "iat": info.issued_at,
            "token_type": match info.kind {
                TokenKind::Access => "Bearer",
                TokenKind::Refresh => "refresh_token",
            },
        });
        // A DPoP-bound token says so, with its key's thumbprint (RFC 9449 §6.2).
        if let Some(jkt) = store.binding(&token) {
            if info.kind == TokenKind::Access {
                answer["token_type"] = json!("DPoP");
            }
            answer["cnf"] = json!({ "jkt": jkt });
        }
        if let Some(exp) = info.expires_at {
            answer["exp"] = json!(exp);
        }
        if let Some(user) = store.user_by_sub(&info.grant.sub) {
            answer["username"] = json!(user.login);
        }
        answer
    });
    drop(store);
    let mut response = match outcome {
        Ok(answer) => Json(answer).into_response(),
        Err(error) => oauth_error(&error, headers.contains_key("authorization")),
    };
    // A `use_dpop_nonce` refusal carries the nonce it asks for (RFC 9449 §8).
    crate::dpop::offer_nonce(&shared, &mut response);
    response
}
