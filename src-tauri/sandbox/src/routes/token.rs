//! The token endpoint (RFC 6749 §3.2, §4.1.3, §6; RFC 7636 §4.5; OpenID Connect Core §3.1.3):
//! code exchange, refresh, device code polls (RFC 8628 §3.4, in `device.rs`), Facebook's
//! long-lived token exchange, and RFC 8693 token exchange (the strict personality only,
//! `token_exchange.rs`), answered in the
//! personality's shape (GitHub's errors come back as HTTP 200, Facebook's as `OAuthException`,
//! Microsoft's as AADSTS bodies, GitLab's with Doorkeeper's descriptions).
//!
//! Invariants: the client authenticates before anything is looked at; the store decides
//! (`src/store/issued.rs`) and this file only renders. The store is marked changed (and so
//! saved) even when a request is refused, because a refusal can revoke (a replayed code). Responses are never cached
//! (RFC 6749 §5.1).

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{
    ClientCredentials, Params, join_scopes, no_store, oauth_error, split_scopes, token_exchange,
};
use crate::Shared;
use crate::config::{ClientAuth, Personality};
use crate::faults::IdTokenFault;
use crate::oauth_error::OAuthError;
use crate::store::{AuthStore, Inactive, Issued};

/// A failure, with what the personality needs to render it.
struct Failure {
    error: OAuthError,
    basic: bool,
    grant_type: String,
    /// Why the token sent to Facebook's `fb_exchange_token` is not active, when it is not:
    /// Graph says so with code 190 and a subcode, not as a bad request.
    inactive: Option<Inactive>,
}

pub async fn token(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
    (method, uri): (Method, Uri),
    headers: HeaderMap,
    spoiled: Option<Extension<IdTokenFault>>,
    body: Bytes,
) -> Response {
    // A fault may spoil the ID token (`src/faults.rs`).
    let spoiled = spoiled.map(|Extension(fault)| fault);
    let personality = shared.personality;
    // RFC 6749 §3.2 wants the parameters in the body; Graph and GitHub also take the query.
    let query = match personality {
        Personality::Facebook | Personality::Github => query,
        Personality::Generic
        | Personality::Google
        | Personality::Microsoft
        | Personality::Gitlab => None,
    };
    let outcome = Params::from_request(query.as_deref(), &headers, &body)
        .map_err(|error| Failure {
            error,
            basic: false,
            grant_type: String::new(),
            inactive: None,
        })
        .and_then(|params| {
            // The verifier is a secret of the client's too (RFC 7636 §4.1): the token log has
            // it, for Grantry's tests to look for.
            shared.log_tokens(params.get("code_verifier"));
            // So is a private_key_jwt client assertion (`src/client_assertion.rs`).
            shared.log_tokens(params.get("client_assertion"));
            crate::dpop::log_proofs(&shared, &headers);
            let request = (&method, crate::dpop::htu(&shared, uri.path()));
            exchange(&shared, &headers, request, &params, spoiled.as_ref())
        });
    let mut response = match outcome {
        Ok(body) => {
            let issued = ["access_token", "refresh_token", "id_token"];
            shared.log_tokens(issued.iter().filter_map(|name| body[*name].as_str()));
            success(personality, &headers, body)
        }
        Err(failure) => failure_response(personality, &failure),
    };
    crate::dpop::offer_nonce(&shared, &mut response);
    response
}

/// The token endpoint under a Microsoft tenant's path (`/{tenant}/oauth2/v2.0/token`): a
/// tenant the sandbox does not serve is refused in Microsoft's words before the endpoint runs.
pub async fn tenant_token(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    query: RawQuery,
    request: (Method, Uri),
    headers: HeaderMap,
    spoiled: Option<Extension<IdTokenFault>>,
    body: Bytes,
) -> Response {
    if !super::microsoft::known_tenant(&tenant) {
        return super::microsoft::tenant_error("invalid_request", &tenant);
    }
    token(State(shared), query, request, headers, spoiled, body).await
}

fn exchange(
    shared: &Shared,
    headers: &HeaderMap,
    (method, htu): (&Method, String),
    params: &Params,
    spoiled: Option<&IdTokenFault>,
) -> Result<Value, Failure> {
    let personality = shared.personality;
    let grant_type = match (personality, params.get("grant_type")) {
        (_, Some(grant_type)) => grant_type.to_owned(),
        // GitHub and Graph do not need grant_type for a code exchange.
        (Personality::Github | Personality::Facebook, None) => "authorization_code".to_owned(),
        (_, None) => String::new(),
    };
    let fail = |basic: bool| {
        let grant_type = grant_type.clone();
        move |error| Failure {
            error,
            basic,
            grant_type,
            inactive: None,
        }
    };
    let credentials = ClientCredentials::from_request(headers, params).map_err(fail(false))?;
    let basic = credentials.basic;
    let mut store = shared.store();
    // DPoP (RFC 9449 §5) before anything is redeemed, so a refused proof spends no code, and
    // before the client authenticates, so a retry with a nonce (§8) can send the same
    // single-use client assertion again.
    let refresh_token = (grant_type == "refresh_token")
        .then(|| params.get("refresh_token"))
        .flatten();
    let proof = crate::dpop::token_request(
        &mut store,
        headers,
        (method, &htu),
        &credentials.client_id,
        refresh_token,
    )
    .map_err(fail(basic))?;
    let secret_required = matches!(personality, Personality::Facebook | Personality::Github);
    let public = store
        .client(&credentials.client_id)
        .is_some_and(|c| c.auth == ClientAuth::None);
    // A device code poll authenticates its client as its provider does (`device.rs`).
    let device = grant_type == super::device::GRANT_TYPE && super::device::serves(personality);
    if secret_required && public && !device {
        return Err(fail(basic)(OAuthError::invalid_client(
            "this provider requires the client secret",
        )));
    }
    // A device code poll authenticates its client in `device.rs` (GitHub's by its id alone).
    if !device {
        credentials
            .authenticate(&mut store, &super::assertion_audiences(shared))
            .map_err(fail(basic))?;
    }
    let client_id = credentials.client_id.as_str();
    if grant_type == token_exchange::GRANT_TYPE && personality == Personality::Generic {
        return token_exchange::exchange(shared, &mut store, client_id, params)
            .map_err(fail(basic));
    }
    let issued = match grant_type.as_str() {
        _ if device => super::device::poll(shared, &mut store, &credentials, params),
        "authorization_code" => store.exchange_code(
            client_id,
            params.require("code").map_err(fail(basic))?,
            params.get("redirect_uri"),
            params.get("code_verifier"),
        ),
        "refresh_token" if personality != Personality::Facebook => {
            let scope = params
                .get("scope")
                .map(|s| split_scopes(personality, Some(s)));
            store.refresh(
                client_id,
                params.require("refresh_token").map_err(fail(basic))?,
                scope,
            )
        }
        "fb_exchange_token" if personality == Personality::Facebook => {
            let token = params.require("fb_exchange_token").map_err(fail(basic))?;
            let issued = store.exchange_long_lived(client_id, token);
            if let Err(error) = issued {
                return Err(Failure {
                    inactive: store.token_status(token).err(),
                    ..fail(basic)(error)
                });
            }
            issued
        }
        "" => Err(OAuthError::invalid_request(
            "missing parameter \"grant_type\"",
        )),
        other => Err(OAuthError::unsupported_grant_type(format!(
            "grant_type {other:?} is not supported"
        ))),
    };
    // A refused request can still change state (a replayed code revokes its grant).
    shared.changed();
    let issued = issued.map_err(fail(basic))?;
    let mut body = token_body(shared, &store, &issued, spoiled);
    if let Some(proof) = proof {
        crate::dpop::bind_issued(&mut store, &issued, client_id, &proof);
        body["token_type"] = json!("DPoP");
    }
    Ok(body)
}

fn token_body(
    shared: &Shared,
    store: &AuthStore,
    issued: &Issued,
    spoiled: Option<&IdTokenFault>,
) -> Value {
    let personality = shared.personality;
    let token_type = match personality {
        Personality::Generic
        | Personality::Google
        | Personality::Microsoft
        | Personality::Gitlab => "Bearer",
        Personality::Facebook | Personality::Github => "bearer",
    };
    let mut body = json!({
        "access_token": issued.access_token,
        "token_type": token_type,
        "expires_in": issued.expires_in,
        "scope": join_scopes(personality, &issued.scopes),
    });
    if personality == Personality::Facebook {
        // Graph's token response carries no scope, but says until when the app may read the
        // person's data (`src/routes/facebook.rs`).
        body.as_object_mut().map(|o| o.remove("scope"));
        body["data_access_expires_at"] =
            json!(issued.grant.auth_time + super::facebook::DATA_ACCESS_LIFETIME);
    }
    if let Some(refresh) = &issued.refresh_token {
        body["refresh_token"] = json!(refresh);
        if let Some(lifetime) = personality.refresh_token_lifetime() {
            body["refresh_token_expires_in"] = json!(lifetime);
        }
    }
    if personality == Personality::Github && !issued.grant.offline {
        // An OAuth App's token never expires, and GitHub says nothing of expiry.
        body.as_object_mut().map(|o| o.remove("expires_in"));
    }
    if personality == Personality::Microsoft {
        // How long the token works should the service be degraded; the sandbox never is.
        body["ext_expires_in"] = json!(issued.expires_in);
    }
    if personality == Personality::Gitlab {
        // Doorkeeper says when the token was made, in seconds since the epoch.
        body["created_at"] = json!(store.now());
    }
    let left_out = spoiled == Some(&IdTokenFault::Missing);
    if personality.is_oidc() && issued.scopes.iter().any(|s| s == "openid") && !left_out {
        body["id_token"] = json!(id_token(shared, store, issued, spoiled));
    }
    body
}

/// An ID token (OpenID Connect Core §2) for the grant, signed with the sandbox's key, and
/// spoiled as a fault says (`src/faults.rs`).
fn id_token(
    shared: &Shared,
    store: &AuthStore,
    issued: &Issued,
    spoiled: Option<&IdTokenFault>,
) -> String {
    let subject = match spoiled {
        Some(IdTokenFault::Subject(sub)) => Some(sub.as_str()),
        _ => None,
    };
    let now = store.now();
    let grant = &issued.grant;
    let issuer = match shared.personality {
        Personality::Microsoft => super::microsoft::issuer(shared),
        _ => shared.issuer.clone(),
    };
    let mut claims = json!({
        "iss": issuer,
        "sub": subject.unwrap_or(&grant.sub),
        "aud": grant.client_id,
        "azp": grant.client_id,
        "exp": now + issued.expires_in,
        "iat": now,
        "auth_time": grant.auth_time,
    });
    if let Some(nonce) = &grant.nonce {
        claims["nonce"] = json!(nonce);
    }
    let user = store.user_by_sub(&grant.sub);
    if let Some(user) = user {
        super::userinfo::add_profile_claims(&mut claims, shared, user, &issued.scopes);
    }
    match (shared.personality, user) {
        (Personality::Microsoft, _) => {
            super::microsoft::id_token_claims(&mut claims, user, &issued.scopes);
        }
        (Personality::Gitlab, Some(user)) => {
            let scopes = &issued.scopes;
            super::gitlab::id_token_claims(&mut claims, shared, user, scopes, subject.is_some());
        }
        _ => {}
    }
    match spoiled {
        Some(IdTokenFault::Nonce(nonce)) => claims["nonce"] = json!(nonce),
        Some(IdTokenFault::Audience(aud)) => {
            claims["aud"] = json!(aud);
            claims["azp"] = json!(aud);
        }
        Some(IdTokenFault::Expired) => {
            claims["iat"] = json!(now - 4200);
            claims["exp"] = json!(now - 600);
        }
        Some(IdTokenFault::Issuer(iss)) => claims["iss"] = json!(iss),
        _ => {}
    }
    let keys = shared.keys();
    match spoiled {
        Some(IdTokenFault::BadSignature) => bad_signature(&keys.sign(&claims)),
        Some(IdTokenFault::AlgNone) => crate::keys::unsecured(&claims),
        Some(IdTokenFault::Hmac) => keys.sign_hmac_with_public_key(&claims),
        _ => keys.sign(&claims),
    }
}

/// `jwt` with the first character of its signature changed (the last may carry only padding
/// bits), so that it no longer verifies.
fn bad_signature(jwt: &str) -> String {
    let Some((signed, signature)) = jwt.rsplit_once('.') else {
        return jwt.to_owned();
    };
    let mut rest = signature.chars();
    let first = match rest.next() {
        Some('A') => 'B',
        Some(_) => 'A',
        None => return jwt.to_owned(),
    };
    format!("{signed}.{first}{}", rest.as_str())
}

fn success(personality: Personality, headers: &HeaderMap, body: Value) -> Response {
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    if personality == Personality::Github && !wants_json {
        // GitHub answers form-encoded unless asked for JSON.
        return form_encoded(&body);
    }
    no_store(StatusCode::OK, body)
}

fn form_encoded(body: &Value) -> Response {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in body.as_object().into_iter().flatten() {
        let text = value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_owned);
        form.append_pair(key, &text);
    }
    (
        [(header::CONTENT_TYPE, "application/x-www-form-urlencoded")],
        form.finish(),
    )
        .into_response()
}

fn failure_response(personality: Personality, failure: &Failure) -> Response {
    let error = &failure.error;
    match personality {
        Personality::Generic | Personality::Google => oauth_error(error, failure.basic),
        Personality::Microsoft => crate::replies::microsoft::error(error),
        Personality::Gitlab => super::gitlab::error(error),
        Personality::Github => {
            let code = match (error.code, failure.grant_type.as_str()) {
                ("invalid_client", _) => "incorrect_client_credentials",
                ("invalid_grant", super::device::GRANT_TYPE) => "incorrect_device_code",
                ("invalid_grant", "refresh_token") => "bad_refresh_token",
                ("invalid_grant", _) if error.description.contains("redirect_uri") => {
                    "redirect_uri_mismatch"
                }
                ("invalid_grant", _) => "bad_verification_code",
                (code, _) => code,
            };
            // GitHub reports token errors with HTTP 200.
            no_store(
                StatusCode::OK,
                json!({
                    "error": code,
                    "error_description": error.description,
                    "error_uri": "https://docs.github.com/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors",
                }),
            )
        }
        Personality::Facebook => match failure.inactive {
            Some(inactive) => crate::replies::facebook::token_error(inactive),
            None => crate::replies::facebook::graph_error(
                StatusCode::BAD_REQUEST,
                &error.description,
                100,
                None,
            ),
        },
    }
}
