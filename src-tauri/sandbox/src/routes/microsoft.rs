//! The Microsoft identity platform's shapes where they differ from the standards: every path
//! under a tenant (`/{tenant}/oauth2/v2.0/authorize`, `…/token`,
//! `/{tenant}/v2.0/.well-known/openid-configuration`, `/{tenant}/discovery/v2.0/keys`), the
//! multi-tenant discovery documents' issuer with its literal `{tenantid}` placeholder, ID tokens
//! with `tid` and the one tenant's issuer, and errors as AADSTS bodies (`error_codes`,
//! `timestamp`, `trace_id`, `correlation_id`; written by `src/replies/microsoft.rs`). The token
//! endpoint under a tenant path is `token.rs`'s `tenant_token`, with this file's tenant check.
//!
//! Invariants: a tenant is `common`, `organizations`, `consumers` or
//! [`MICROSOFT_TENANT_ID`]; any other is refused with AADSTS90002 before the endpoint runs (in
//! the browser for the authorization endpoint, since the client is not yet known good,
//! RFC 6749 §4.1.2.1). Every ID token is issued by the sandbox's own tenant, whichever tenant
//! path the client used, so a client must check `iss` against `tid`, not against the
//! multi-tenant discovery document's issuer. There is no revocation endpoint, and none is
//! advertised. The rules are the store's as for every personality; this file only checks the
//! tenant and renders.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{authorize, consent_page};
use crate::Shared;
use crate::config::{MICROSOFT_TENANT_ID, TestUser};
use crate::replies::microsoft::{aad_error, guid_from};

/// The tenants a path may name besides the sandbox's own: any account, work or school
/// accounts, personal accounts.
const MULTI_TENANT: &[&str] = &["common", "organizations", "consumers"];

/// Whether the path's tenant is one the sandbox serves.
pub(super) fn known_tenant(tenant: &str) -> bool {
    MULTI_TENANT.contains(&tenant) || tenant == MICROSOFT_TENANT_ID
}

/// What AADSTS90002 says of a tenant the sandbox does not serve.
fn unknown_tenant(tenant: &str) -> String {
    let tenant: String = tenant.chars().take(64).collect();
    format!(
        "AADSTS90002: Tenant '{tenant}' not found. Check to make sure you have the correct \
         tenant ID and are signing into the correct cloud."
    )
}

/// The issuer of every ID token: the sandbox's own tenant.
pub fn issuer(shared: &Shared) -> String {
    format!("{}/{MICROSOFT_TENANT_ID}/v2.0", shared.issuer)
}

/// The issuer a tenant's discovery document and keys advertise: the multi-tenant paths say
/// `{tenantid}` literally, to be replaced by the `tid` of each ID token.
fn advertised_issuer(shared: &Shared, tenant: &str) -> String {
    match tenant {
        MICROSOFT_TENANT_ID => issuer(shared),
        _ => format!("{}/{{tenantid}}/v2.0", shared.issuer),
    }
}

/// The ID token's Microsoft claims: the tenant (`tid`), the token version, the user's object
/// id (`oid`, stable and GUID-shaped) and, with `profile`, `preferred_username`. Microsoft's ID
/// tokens carry no `azp`, `picture` or `email_verified`.
pub fn id_token_claims(claims: &mut Value, user: Option<&TestUser>, scopes: &[String]) {
    claims["tid"] = json!(MICROSOFT_TENANT_ID);
    claims["ver"] = json!("2.0");
    if let Some(object) = claims.as_object_mut() {
        for absent in ["azp", "picture", "email_verified"] {
            object.remove(absent);
        }
    }
    if let Some(user) = user {
        use sha2::{Digest, Sha256};
        claims["oid"] = json!(guid_from(&Sha256::digest(user.sub.as_bytes())));
        if scopes.iter().any(|s| s == "profile") {
            claims["preferred_username"] = json!(user.email);
        }
    }
}

/// Microsoft's error for a path naming a tenant the sandbox does not serve.
pub(super) fn tenant_error(error: &str, tenant: &str) -> Response {
    aad_error(StatusCode::BAD_REQUEST, error, &unknown_tenant(tenant))
}

pub async fn discovery(State(shared): State<Arc<Shared>>, Path(tenant): Path<String>) -> Response {
    if !known_tenant(&tenant) {
        return tenant_error("invalid_tenant", &tenant);
    }
    let base = format!("{}/{tenant}", shared.issuer);
    let scopes: Vec<&str> = shared.personality.scopes().iter().map(|s| s.name).collect();
    // Only what the sandbox serves and enforces: `code` with PKCE, no revocation endpoint.
    // Microsoft advertises no `code_challenge_methods_supported`, though it takes S256.
    axum::Json(json!({
        "issuer": advertised_issuer(&shared, &tenant),
        "authorization_endpoint": format!("{base}/oauth2/v2.0/authorize"),
        "token_endpoint": format!("{base}/oauth2/v2.0/token"),
        "jwks_uri": format!("{base}/discovery/v2.0/keys"),
        "userinfo_endpoint": format!("{}/oidc/userinfo", shared.issuer),
        "device_authorization_endpoint": format!("{base}/oauth2/v2.0/devicecode"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "scopes_supported": scopes,
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "name",
                             "preferred_username", "email", "oid", "tid", "ver"],
        "request_uri_parameter_supported": false,
        "tenant_region_scope": null,
    }))
    .into_response()
}

/// The keys, each with the issuer it signs for, as Microsoft's JWKS names it.
pub async fn jwks(State(shared): State<Arc<Shared>>, Path(tenant): Path<String>) -> Response {
    if !known_tenant(&tenant) {
        return tenant_error("invalid_tenant", &tenant);
    }
    let mut jwks = shared.keys().jwks();
    let issuer = advertised_issuer(&shared, &tenant);
    for key in jwks["keys"].as_array_mut().into_iter().flatten() {
        key["issuer"] = json!(issuer);
    }
    axum::Json(jwks).into_response()
}

fn unknown_tenant_page(tenant: &str) -> Response {
    consent_page::error(StatusCode::BAD_REQUEST, "Sign in", &unknown_tenant(tenant))
}

pub async fn authorize_page(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    uri: OriginalUri,
    headers: HeaderMap,
    query: RawQuery,
) -> Response {
    if !known_tenant(&tenant) {
        return unknown_tenant_page(&tenant);
    }
    authorize::page(State(shared), uri, headers, query).await
}

pub async fn authorize_decide(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !known_tenant(&tenant) {
        return unknown_tenant_page(&tenant);
    }
    authorize::decide(State(shared), headers, body).await
}
