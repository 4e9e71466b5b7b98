//! Checking DPoP proofs (RFC 9449 §4.3) at the token endpoint, revocation, introspection and
//! the userinfo resource, and the answers a resource gives a DPoP client (§7.1). What a token
//! is bound to, and the nonces, are the store's (`src/store/binding.rs`).
//!
//! A proof is taken when: there is one `DPoP` header; its JWS header has `typ` `dpop+jwt`,
//! `alg` ES256 and a public `jwk`, and the signature verifies with that key (`src/jws.rs`);
//! `htm` is the request's method and `htu` its URL (query and fragment ignored); `iat` is at
//! most [`MAX_AGE`] seconds old and at most [`MAX_AHEAD`] ahead of the wall clock; `ath` is
//! the hash of the access token sent with it, when one is; `nonce` is one the sandbox gave,
//! when it demands nonces; and its `jti` was never seen (within the time it could be taken).
//!
//! Invariants: every refusal says which of these failed, in words a tester can act on, and
//! never repeats the proof; a refused proof changes nothing but the replay memory, and only a
//! proof that passed every other check is remembered. `iat` is compared with the wall clock,
//! not the store's (which the admin API moves forward to expire tokens): a proof is about
//! when it was made.

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::Shared;
use crate::config::ClientAuth;
use crate::jws;
use crate::oauth_error::OAuthError;
use crate::params::bearer_token;
use crate::store::{AuthStore, Issued};

/// The oldest proof taken, in seconds.
pub const MAX_AGE: u64 = 60;
/// How far ahead of the sandbox's wall clock a proof's `iat` may be, in seconds.
pub const MAX_AHEAD: u64 = 5;
/// The longest `DPoP` header taken, in bytes.
const MAX_PROOF: usize = 4096;
/// The longest `jti` taken, in bytes.
const MAX_JTI: usize = 256;

/// A proof that passed every check: the thumbprint of the key that signed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proof {
    pub jkt: String,
}

/// Writes the request's DPoP proofs to the test-only token log (`Shared::log_tokens`), so that
/// Grantry's leak sweeps look for them too. Called before the store's lock is taken.
pub fn log_proofs(shared: &Shared, headers: &HeaderMap) {
    let proofs: Vec<&str> = headers
        .get_all("dpop")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    shared.log_tokens(proofs);
}

/// The URL a proof's `htu` must name for a request to `path` (RFC 9449 §4.3 item 9).
pub fn htu(shared: &Shared, path: &str) -> String {
    format!("{}{path}", shared.issuer)
}

/// Checks the request's DPoP proof, if it has one: `None` without a `DPoP` header.
/// `access_token` is the token sent with a resource request, whose hash `ath` must be.
pub fn check(
    store: &mut AuthStore,
    headers: &HeaderMap,
    method: &Method,
    htu: &str,
    access_token: Option<&str>,
) -> Result<Option<Proof>, OAuthError> {
    let bad = |text: String| OAuthError::invalid_dpop_proof(text);
    let mut sent = headers.get_all("dpop").iter();
    let Some(value) = sent.next() else {
        return Ok(None);
    };
    if sent.next().is_some() {
        return Err(bad(
            "send one DPoP header, not several (RFC 9449 §4.3)".into()
        ));
    }
    let proof = value
        .to_str()
        .ok()
        .filter(|p| p.len() <= MAX_PROOF)
        .ok_or_else(|| {
            bad(format!(
                "the DPoP header is not a JWT of at most {MAX_PROOF} bytes"
            ))
        })?;
    let head = jws::header(proof).map_err(|e| bad(format!("the DPoP proof: {e}")))?;
    if head["typ"] != "dpop+jwt" {
        return Err(bad(format!(
            "the proof's typ is {}, not \"dpop+jwt\"",
            head["typ"]
        )));
    }
    if head["alg"] != "ES256" {
        return Err(bad(format!(
            "the proof's alg is {}; this sandbox takes ES256 only",
            head["alg"]
        )));
    }
    let jwk = head
        .get("jwk")
        .filter(|jwk| jwk.is_object())
        .ok_or_else(|| {
            bad("the proof's header has no jwk (the public key it is signed with)".into())
        })?;
    let jkt = jws::thumbprint(jwk).map_err(|e| bad(format!("the proof's jwk: {e}")))?;
    let claims = jws::verify(proof, jwk)
        .map_err(|e| bad(format!("the proof: {e}")))?
        .claims;
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    let jti = text("jti")
        .filter(|j| !j.is_empty() && j.len() <= MAX_JTI)
        .ok_or_else(|| {
            bad(format!(
                "the proof has no jti (a unique id of 1 to {MAX_JTI} bytes)"
            ))
        })?;
    match text("htm") {
        Some(htm) if htm == method.as_str() => {}
        Some(htm) => {
            return Err(bad(format!(
                "the proof's htm is {htm:?}, but this request is a {method}"
            )));
        }
        None => return Err(bad("the proof has no htm (the request's method)".into())),
    }
    let sent_htu =
        text("htu").ok_or_else(|| bad("the proof has no htu (the request's URL)".into()))?;
    if !same_url(sent_htu, htu) {
        return Err(bad(format!(
            "the proof's htu is {sent_htu:?}, but this request went to {htu:?}"
        )));
    }
    let iat = claims
        .get("iat")
        .and_then(Value::as_u64)
        .ok_or_else(|| bad("the proof has no iat (when it was made, in Unix seconds)".into()))?;
    let wall = wall_clock();
    if iat.saturating_add(MAX_AGE) < wall {
        return Err(bad(format!(
            "the proof is stale: made {} s ago; proofs are taken for {MAX_AGE} s (make a new \
             one for each request)",
            wall - iat
        )));
    }
    if iat > wall.saturating_add(MAX_AHEAD) {
        return Err(bad(format!(
            "the proof's iat is {} s in the future; check the clock",
            iat - wall
        )));
    }
    if let Some(token) = access_token {
        let expected = B64.encode(Sha256::digest(token.as_bytes()));
        match text("ath") {
            Some(ath) if ath == expected => {}
            Some(_) => {
                return Err(bad(
                    "the proof's ath is not the hash of the access token sent with it".into(),
                ));
            }
            None => {
                return Err(bad(
                    "the proof has no ath: a proof sent with an access token carries its \
                     SHA-256 hash (RFC 9449 §4.2)"
                        .into(),
                ));
            }
        }
    }
    if store.dpop_settings().nonce {
        match text("nonce") {
            None => {
                return Err(OAuthError::use_dpop_nonce(
                    "this sandbox demands a DPoP nonce: send a new proof whose nonce claim is \
                     the DPoP-Nonce header of this answer",
                ));
            }
            Some(nonce) if !store.dpop_nonce_fresh(nonce) => {
                return Err(OAuthError::use_dpop_nonce(
                    "the proof's nonce is not one this sandbox gave, or it has expired: use \
                     the DPoP-Nonce header of this answer",
                ));
            }
            Some(_) => {}
        }
    }
    let until = store.now().saturating_add(MAX_AGE + MAX_AHEAD);
    if !store.first_use(&format!("dpop:{jkt}:{jti}"), until) {
        return Err(bad(
            "the proof's jti was used already: a proof is single use (RFC 9449 §11.1)".into(),
        ));
    }
    Ok(Some(Proof { jkt }))
}

/// Whether a proof's `htu` names `expected` (the request's URL, with no query): the same URL
/// once parsed (RFC 3986 normalisation), the proof's query and fragment ignored.
fn same_url(sent: &str, expected: &str) -> bool {
    let (Ok(mut sent), Ok(expected)) = (url::Url::parse(sent), url::Url::parse(expected)) else {
        return false;
    };
    sent.set_query(None);
    sent.set_fragment(None);
    sent == expected
}

fn wall_clock() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The DPoP checks of a token request (RFC 9449 §5), before anything is redeemed: the proof,
/// if sent; one is required from a client registered with `dpop_bound_access_tokens` (or
/// from every client, [`crate::config::DpopSettings::required`]), and for a refresh token bound
/// to a key, it must be signed with that key.
pub fn token_request(
    store: &mut AuthStore,
    headers: &HeaderMap,
    (method, htu): (&Method, &str),
    client_id: &str,
    refresh_token: Option<&str>,
) -> Result<Option<Proof>, OAuthError> {
    let proof = check(store, headers, method, htu, None)?;
    if proof.is_none() && store.dpop_required(client_id) {
        return Err(OAuthError::invalid_dpop_proof(format!(
            "client {client_id:?} must send a DPoP proof at the token endpoint              (dpop_bound_access_tokens, RFC 9449 §5.2)"
        )));
    }
    let bound = refresh_token.and_then(|token| store.binding(token));
    match (bound, &proof) {
        (Some(jkt), Some(proof)) if proof.jkt != jkt => Err(OAuthError::invalid_dpop_proof(
            "the refresh token is bound to another DPoP key than the one this proof is signed              with (RFC 9449 §5)",
        )),
        (Some(_), None) => Err(OAuthError::invalid_dpop_proof(
            "the refresh token is bound to a DPoP key: send a proof signed with it (RFC 9449 §5)",
        )),
        _ => Ok(proof),
    }
}

/// Binds what a token request with a proof issued: the access token always (RFC 9449 §6), the
/// refresh token of a public client (§5; a confidential client's is bound by its credentials).
pub fn bind_issued(store: &mut AuthStore, issued: &Issued, client_id: &str, proof: &Proof) {
    store.bind(&issued.access_token, &proof.jkt);
    let public = store
        .client(client_id)
        .is_some_and(|c| c.auth == ClientAuth::None);
    if let Some(refresh) = issued.refresh_token.as_deref().filter(|_| public) {
        store.bind(refresh, &proof.jkt);
    }
}

/// Adds the current `DPoP-Nonce` to a response when the sandbox demands nonces (RFC 9449 §8.1:
/// a server may give a new one with any answer).
pub fn offer_nonce(shared: &Shared, response: &mut Response) {
    let nonce = {
        let mut store = shared.store();
        if !store.dpop_settings().nonce {
            return;
        }
        store.dpop_nonce()
    };
    if let Ok(value) = HeaderValue::from_str(&nonce) {
        response.headers_mut().insert("dpop-nonce", value);
    }
}

/// The access token of a request to a protected resource (RFC 9449 §7): sent as
/// `Authorization: DPoP …` with a proof for it, signed with the key it is bound to, or as
/// `Bearer …` when it is not bound. `Ok(None)`: no token was sent. A refusal is the 401
/// answer to send, with the `WWW-Authenticate: DPoP` challenge (§7.1).
pub fn resource_token(
    shared: &Shared,
    headers: &HeaderMap,
    method: &Method,
    path: &str,
) -> Result<Option<String>, Response> {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    log_proofs(shared, headers);
    let dpop_token = authorization.and_then(|value| {
        let (scheme, token) = value.split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("dpop")
            .then(|| token.trim().to_owned())
    });
    let mut store = shared.store();
    let Some(token) = dpop_token else {
        let Some(token) = bearer_token(headers, None) else {
            return Ok(None);
        };
        if store.binding(&token).is_some() {
            drop(store);
            return Err(challenge(
                shared,
                &OAuthError::invalid_token(
                    "this access token is DPoP-bound: send it as `Authorization: DPoP …` with \
                     a DPoP proof, not as a bearer token",
                ),
            ));
        }
        return Ok(Some(token));
    };
    let htu = htu(shared, path);
    let refused = |store: std::sync::MutexGuard<'_, AuthStore>, error: OAuthError| {
        drop(store);
        Err(challenge(shared, &error.with_status(401)))
    };
    let proof = match check(&mut store, headers, method, &htu, Some(&token)) {
        Ok(Some(proof)) => proof,
        Ok(None) => {
            return refused(
                store,
                OAuthError::invalid_dpop_proof(
                    "a token sent with the DPoP scheme needs a DPoP proof in a DPoP header",
                ),
            );
        }
        Err(error) => return refused(store, error),
    };
    match store.binding(&token) {
        Some(jkt) if jkt == proof.jkt => Ok(Some(token)),
        Some(_) => refused(
            store,
            OAuthError::invalid_dpop_proof(
                "the proof is signed with another key than the one this token is bound to",
            ),
        ),
        None => refused(
            store,
            OAuthError::invalid_token(
                "this access token is not DPoP-bound: send it as a bearer token",
            ),
        ),
    }
}

/// A resource's DPoP refusal (RFC 9449 §7.1): 401 with `WWW-Authenticate: DPoP`, the error,
/// the algorithms taken, and a fresh `DPoP-Nonce` for `use_dpop_nonce`.
fn challenge(shared: &Shared, error: &OAuthError) -> Response {
    let value = format!(
        "DPoP error=\"{}\", error_description=\"{}\", algs=\"ES256\"",
        error.code,
        ascii(&error.description)
    );
    let body = serde_json::json!({"error": error.code, "error_description": error.description});
    let mut response = (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&value) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    if error.code == "use_dpop_nonce" {
        let nonce = shared.store().dpop_nonce();
        if let Ok(value) = HeaderValue::from_str(&nonce) {
            response.headers_mut().insert("dpop-nonce", value);
        }
    }
    response
}

/// A description as a header may carry it: ASCII, no quote or backslash (RFC 6750 §3).
fn ascii(text: &str) -> String {
    text.replace('§', "section ")
        .chars()
        .map(|c| match c {
            '"' | '\\' => '\'',
            c if c.is_ascii() && !c.is_ascii_control() => c,
            _ => ' ',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn htu_ignores_the_query_and_fragment_and_normalises() {
        let expected = "http://127.0.0.1:7461/token";
        assert!(same_url("http://127.0.0.1:7461/token?x=1#f", expected));
        assert!(same_url("HTTP://127.0.0.1:7461/token", expected));
        assert!(!same_url("http://127.0.0.1:7461/userinfo", expected));
        assert!(!same_url("http://127.0.0.1:7462/token", expected));
        assert!(!same_url("not a url", expected));
    }
}
