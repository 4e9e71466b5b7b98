//! The Microsoft identity platform's shapes where they differ from the standards: every path
//! under a tenant (`/{tenant}/oauth2/v2.0/authorize`, `…/token`,
//! `/{tenant}/v2.0/.well-known/openid-configuration`, `/{tenant}/discovery/v2.0/keys`), the
//! multi-tenant discovery documents' issuer with its literal `{tenantid}` placeholder, ID tokens
//! with `tid` and the one tenant's issuer, and errors as AADSTS bodies (`error_codes`,
//! `timestamp`, `trace_id`, `correlation_id`).
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

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{authorize, consent_page, no_store, token};
use crate::Shared;
use crate::config::{MICROSOFT_TENANT_ID, TestUser};
use crate::faults::IdTokenFault;
use crate::oauth_error::OAuthError;
use crate::store::{AADSTS50173, AADSTS700082};

/// The tenants a path may name besides the sandbox's own: any account, work or school
/// accounts, personal accounts.
const MULTI_TENANT: &[&str] = &["common", "organizations", "consumers"];

/// Whether the path's tenant is one the sandbox serves.
fn known_tenant(tenant: &str) -> bool {
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

/// The faults `aadsts` can inject at the token endpoint: the code, its `error`, and its
/// description.
pub const AADSTS_FAULTS: &[(u32, &str, &str)] = &[
    (50173, "invalid_grant", AADSTS50173),
    (
        65001,
        "invalid_grant",
        "AADSTS65001: The user or administrator has not consented to use the application. \
         Send an interactive authorization request for this user and resource.",
    ),
    (700082, "invalid_grant", AADSTS700082),
];

/// The `aadsts` fault's answer for `code`; `None` for a code it does not know.
pub fn fault_error(code: u32) -> Option<Response> {
    let (_, error, description) = AADSTS_FAULTS.iter().find(|(c, _, _)| *c == code)?;
    Some(aad_error(StatusCode::BAD_REQUEST, error, description))
}

/// An OAuth error at the token endpoint in Microsoft's shape: the AADSTS code its description
/// starts with, else the one Microsoft uses for that kind of error.
pub fn error(error: &OAuthError) -> Response {
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST);
    if error.description.starts_with("AADSTS") {
        return aad_error(status, error.code, &error.description);
    }
    let code = match error.code {
        "invalid_client" => 7000215,
        "unauthorized_client" => 700016,
        "unsupported_grant_type" => 70003,
        "invalid_scope" => 70011,
        "invalid_grant" => 70000,
        _ => 900144,
    };
    let description = format!("AADSTS{code}: {}", error.description);
    aad_error(status, error.code, &description)
}

/// `{"error", "error_description", "error_codes", "timestamp", "trace_id", "correlation_id"}`,
/// the description ending with the trace and correlation ids and the time, as Microsoft's do.
fn aad_error(status: StatusCode, error: &str, description: &str) -> Response {
    let code: Option<u64> = description
        .strip_prefix("AADSTS")
        .and_then(|rest| rest.split(':').next())
        .and_then(|digits| digits.parse().ok());
    let timestamp = timestamp(wall_clock());
    let (trace_id, correlation_id) = (guid(), guid());
    let mut body = json!({
        "error": error,
        "error_description": format!(
            "{description}\r\nTrace ID: {trace_id}\r\nCorrelation ID: {correlation_id}\r\n\
             Timestamp: {timestamp}"
        ),
        "error_codes": code.into_iter().collect::<Vec<_>>(),
        "timestamp": timestamp,
        "trace_id": trace_id,
        "correlation_id": correlation_id,
    });
    if code == Some(65001) {
        // What tells a client that only an interactive consent will help.
        body["suberror"] = json!("consent_required");
    }
    no_store(status, body)
}

fn wall_clock() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `YYYY-MM-DD hh:mm:ssZ` (UTC) for seconds since the Unix epoch, as Microsoft's `timestamp`.
fn timestamp(seconds: u64) -> String {
    let (days, rest) = (seconds / 86400, seconds % 86400);
    // Days to a civil date in the proleptic Gregorian calendar, by 400-year eras.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// A random GUID-shaped id, for trace and correlation ids.
fn guid() -> String {
    let mut bytes = [0u8; 16];
    crate::random::fill(&mut bytes);
    guid_from(&bytes)
}

fn guid_from(bytes: &[u8]) -> String {
    let hex: String = bytes.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
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
fn tenant_error(error: &str, tenant: &str) -> Response {
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

pub async fn token(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    query: RawQuery,
    headers: HeaderMap,
    spoiled: Option<Extension<IdTokenFault>>,
    body: Bytes,
) -> Response {
    if !known_tenant(&tenant) {
        return tenant_error("invalid_request", &tenant);
    }
    token::token(State(shared), query, headers, spoiled, body).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_civil_dates() {
        assert_eq!(timestamp(0), "1970-01-01 00:00:00Z");
        assert_eq!(timestamp(951_782_400), "2000-02-29 00:00:00Z");
        assert_eq!(timestamp(1_767_225_599), "2025-12-31 23:59:59Z");
    }

    #[test]
    fn guids_have_microsofts_shape() {
        let id = guid();
        let parts: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12]);
    }
}
