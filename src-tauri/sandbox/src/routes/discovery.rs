//! Discovery (OpenID Connect Discovery §4, RFC 8414) and the JWKS (RFC 7517): what a client
//! reads before it starts, for the personalities that speak OpenID Connect at the usual path
//! (generic, Google, GitLab; Microsoft's, under a tenant, is in `microsoft.rs`).
//!
//! Invariants: every URL in the discovery document is under the issuer and is served by the
//! router in `mod.rs` for this personality; the strict personality advertises only what it
//! enforces (S256 only, `code` only). These handlers never change the store; discovery reads
//! only whether pushed authorization requests are required.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::Shared;
use crate::config::Personality;

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
        Personality::Gitlab => json!({
            "authorization_endpoint": format!("{issuer}/oauth/authorize"),
            "token_endpoint": format!("{issuer}/oauth/token"),
            "userinfo_endpoint": format!("{issuer}/oauth/userinfo"),
            "revocation_endpoint": format!("{issuer}/oauth/revoke"),
            "jwks_uri": format!("{issuer}/oauth/discovery/keys"),
            "token_endpoint_auth_methods_supported":
                ["client_secret_basic", "client_secret_post", "none"],
            "revocation_endpoint_auth_methods_supported":
                ["client_secret_basic", "client_secret_post", "none"],
            "claims_supported": ["iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "name",
                                 "nickname", "preferred_username", "profile", "picture",
                                 "website", "email", "email_verified", "groups"],
        }),
        _ => json!({
            "authorization_endpoint": format!("{issuer}/authorize"),
            "token_endpoint": format!("{issuer}/token"),
            "userinfo_endpoint": format!("{issuer}/userinfo"),
            "revocation_endpoint": format!("{issuer}/revoke"),
            "introspection_endpoint": format!("{issuer}/introspect"),
            "jwks_uri": format!("{issuer}/jwks"),
            "token_endpoint_auth_methods_supported":
                ["none", "client_secret_basic", "client_secret_post", "private_key_jwt"],
            "revocation_endpoint_auth_methods_supported":
                ["none", "client_secret_basic", "client_secret_post", "private_key_jwt"],
            "introspection_endpoint_auth_methods_supported":
                ["none", "client_secret_basic", "client_secret_post", "private_key_jwt"],
            // RFC 7523 / OpenID Connect Core §9 (`src/client_assertion.rs`).
            "token_endpoint_auth_signing_alg_values_supported": ["ES256"],
            "revocation_endpoint_auth_signing_alg_values_supported": ["ES256"],
            "introspection_endpoint_auth_signing_alg_values_supported": ["ES256"],
            // RFC 9126 §5 (`par.rs`).
            "pushed_authorization_request_endpoint": format!("{issuer}/par"),
            "require_pushed_authorization_requests": shared.store().require_par,
            // Google sends `iss` without advertising it; the strict personality advertises it.
            "authorization_response_iss_parameter_supported": true,
            // DPoP proofs are checked and tokens bound to their key (RFC 9449 §5.1).
            "dpop_signing_alg_values_supported": ["ES256"],
        }),
    };
    for (key, value) in paths.as_object().into_iter().flatten() {
        doc[key] = value.clone();
    }
    if super::device::serves(personality) {
        // RFC 8628 §4.
        doc["device_authorization_endpoint"] = json!(format!(
            "{issuer}{}",
            super::device::endpoint_path(personality)
        ));
        if let Some(grants) = doc["grant_types_supported"].as_array_mut() {
            grants.push(json!(super::device::GRANT_TYPE));
        }
    }
    if personality == Personality::Generic {
        // RFC 8693 token exchange (`token_exchange.rs`).
        if let Some(grants) = doc["grant_types_supported"].as_array_mut() {
            grants.push(json!(super::token_exchange::GRANT_TYPE));
        }
    }
    Json(doc)
}

pub async fn jwks(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(shared.keys().jwks())
}
