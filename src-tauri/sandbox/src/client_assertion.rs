//! Checking a `private_key_jwt` client assertion (RFC 7523 §2.2 and §3, OpenID Connect Core
//! §9): a JWT the client signs with its own key and sends as `client_assertion`, with
//! `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`
//! (RFC 7521 §4.2), instead of a client secret.
//!
//! What the sandbox accepts, and says in every refusal:
//! - the signature: ES256 only (`src/jws.rs`), by a key of the client's registered JWK Set;
//!   when the header names a `kid`, by that key only;
//! - `iss` and `sub`: both the client's `client_id` (RFC 7523 §3 items 1 and 2);
//! - `aud`: the sandbox's issuer or its token endpoint URL, as a string or in an array
//!   (RFC 7523 §3 item 3 lets the token endpoint stand for the server; OpenID Connect Core §9
//!   says the token endpoint; RFC 9126 §2 asks every endpoint to take the issuer);
//! - `exp`: required, in the future, and at most [`MAX_AHEAD`] ahead (a short-lived assertion
//!   limits what a stolen one is worth); `iat` and `nbf`, when present, not in the future
//!   beyond [`SKEW`];
//! - `jti`: required; single use is enforced by the caller (`src/store/client_auth.rs`).
//!
//! Invariants: times are compared with the wall clock, not the store's clock the admin API
//! moves forward: an assertion is made on the client's clock, and moving the sandbox's time to
//! expire its tokens must not make every fresh assertion look stale. Nothing here changes
//! state; every failure is `invalid_client` (RFC 6749 §5.2) with a description a tester can
//! act on, and never repeats the assertion itself.

use serde_json::Value;

use crate::jws;
use crate::oauth_error::OAuthError;

/// The `client_assertion_type` of a JWT bearer client assertion (RFC 7523 §2.2).
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How far ahead an assertion's `exp` may be: five minutes.
pub const MAX_AHEAD: u64 = 300;

/// How far ahead of the sandbox's clock `iat` and `nbf` may be: one minute of clock skew.
pub const SKEW: u64 = 60;

/// The longest `jti` accepted.
const MAX_JTI: usize = 256;

/// An assertion that verified: what the caller needs to refuse its replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub jti: String,
    /// Its `exp`, on the wall clock: how long its `jti` must be remembered.
    pub exp: u64,
}

/// Seconds since the Unix epoch on the wall clock.
pub fn wall_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The client an assertion says it comes from (its `sub`, else its `iss`), before anything is
/// verified: only to find the client whose keys to check it with, when the request carries no
/// `client_id` (RFC 7521 §4.2 makes it optional).
pub fn claimed_client(assertion: &str) -> Option<String> {
    let claims = jws::claims_unverified(assertion).ok()?;
    claims["sub"]
        .as_str()
        .or_else(|| claims["iss"].as_str())
        .map(str::to_owned)
}

/// Checks `assertion` for `client_id`, whose registered JWK Set is `jwks`; `audiences` are
/// the values `aud` may hold; `now` is [`wall_now`] (a parameter so tests can move it).
pub fn check(
    assertion: &str,
    client_id: &str,
    jwks: Option<&Value>,
    audiences: &[String],
    now: u64,
) -> Result<Accepted, OAuthError> {
    let refuse = |why: String| OAuthError::invalid_client(format!("client assertion: {why}"));
    let keys = jwks
        .and_then(|set| set["keys"].as_array())
        .filter(|keys| !keys.is_empty())
        .ok_or_else(|| {
            refuse(format!(
                "client {client_id:?} has no JWKS registered; register the public JWKS its \
                 assertions are signed with"
            ))
        })?;
    let header =
        jws::header(assertion).map_err(|e| refuse(format!("it is not a signed JWT: {e}")))?;
    if header["alg"] != "ES256" {
        return Err(refuse(format!(
            "alg {} is not accepted; sign with ES256",
            header["alg"]
        )));
    }
    let verified = match header["kid"].as_str() {
        Some(kid) => {
            let key = keys.iter().find(|k| k["kid"] == kid).ok_or_else(|| {
                refuse(format!(
                    "no key with kid {kid:?} is registered for client {client_id:?}; register \
                     the JWKS of the key that signs its assertions"
                ))
            })?;
            jws::verify(assertion, key).map_err(|e| refuse(format!("key {kid:?}: {e}")))?
        }
        None => keys
            .iter()
            .find_map(|key| jws::verify(assertion, key).ok())
            .ok_or_else(|| {
                refuse(format!(
                    "the signature does not verify with any key registered for client \
                     {client_id:?}; register the JWKS of the key that signs its assertions"
                ))
            })?,
    };
    let claims = &verified.claims;
    for claim in ["iss", "sub"] {
        if claims[claim] != client_id {
            return Err(refuse(format!(
                "{claim} must be the client_id {client_id:?}, not {}",
                claims[claim]
            )));
        }
    }
    let aud_ok = match &claims["aud"] {
        Value::String(aud) => audiences.contains(aud),
        Value::Array(auds) => auds
            .iter()
            .any(|a| a.as_str().is_some_and(|a| audiences.iter().any(|x| x == a))),
        _ => false,
    };
    if !aud_ok {
        return Err(refuse(format!(
            "aud {} is not this server; use the issuer or the token endpoint: {}",
            claims["aud"],
            audiences.join(" or ")
        )));
    }
    let exp = claims["exp"]
        .as_u64()
        .ok_or_else(|| refuse("exp is required (seconds since the epoch)".into()))?;
    if exp <= now {
        return Err(refuse(format!(
            "it expired {} s ago; make a new one for every request",
            now - exp
        )));
    }
    if exp > now + MAX_AHEAD {
        return Err(refuse(format!(
            "exp is {} s ahead; this server takes at most {MAX_AHEAD} s",
            exp - now
        )));
    }
    for claim in ["iat", "nbf"] {
        match &claims[claim] {
            Value::Null => {}
            value => {
                let time = value.as_u64().ok_or_else(|| {
                    refuse(format!(
                        "{claim} must be a number of seconds since the epoch"
                    ))
                })?;
                if time > now + SKEW {
                    return Err(refuse(format!(
                        "{claim} is {} s in the future; check the client's clock",
                        time - now
                    )));
                }
            }
        }
    }
    let jti = claims["jti"]
        .as_str()
        .filter(|jti| !jti.is_empty() && jti.len() <= MAX_JTI)
        .ok_or_else(|| {
            refuse(format!(
                "jti is required: a unique string of at most {MAX_JTI} characters"
            ))
        })?;
    Ok(Accepted {
        jti: jti.to_owned(),
        exp,
    })
}
