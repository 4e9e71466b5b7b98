//! `private_key_jwt` client authentication (RFC 7523 §2.2 and §3, OpenID Connect Core §9):
//! instead of a client secret, every request to the token, revocation, introspection and
//! pushed authorization request endpoints carries `client_assertion_type` =
//! [`JWT_BEARER`] and a fresh `client_assertion`, a JWT signed (ES256) with the environment's
//! P-256 key (`jws.rs`'s `ProofKey`), whose public JWKS the person registers at the provider.
//!
//! The claims: `iss` and `sub` the client id (RFC 7523 §3 items 1–2); `aud` the provider's
//! issuer where it has one, else its token endpoint ([`audience`]); `exp` [`LIFETIME`] seconds
//! ahead, `iat` now, and a random `jti` (128 bits) so that each assertion is used once
//! (item 7). Why the issuer: RFC 7523 §3 item 3 asks for a value that identifies the
//! authorization server, the token endpoint URL being one it MAY take; OpenID Connect Core §9
//! asks for the token endpoint; RFC 9126 §2 obliges every server to take its issuer at every
//! endpoint the assertion is sent to (token, revocation, introspection and PAR alike), which
//! one token endpoint URL is not. A provider without an issuer (plain OAuth 2) has only its
//! token endpoint to name.
//!
//! Invariants: the private key never leaves this process except into the keyring (the engine
//! keeps it where the client secret would be: `secret_store/token_items.rs`
//! `client_key_key`); an assertion is made per request, never cached, and masked wherever
//! requests are logged (`redact.rs`: `client_assertion`).

use serde_json::json;

use super::jws::{ProofKey, random_id};
use crate::error::Error;
use crate::providers::Environment;
use crate::secret::Secret;

/// The `client_assertion_type` of a JWT client assertion (RFC 7523 §2.2).
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How long an assertion is valid, in seconds: long enough for one request and its retries
/// to reach the provider, short enough that a captured one is soon worthless.
pub const LIFETIME: i64 = 60;

/// The `aud` of the environment's assertions: its issuer, else its token endpoint. Both are
/// in the configuration (a discovered issuer must equal the configured one byte for byte,
/// `discovery.rs`), so every endpoint's request names the same audience.
pub fn audience(env: &Environment) -> Result<String, Error> {
    env.issuer
        .clone()
        .or_else(|| env.token_endpoint.as_ref().map(|url| url.to_string()))
        .ok_or_else(|| {
            Error::InvalidInput(format!(
                "environment {:?} has neither an issuer nor a token endpoint to address client \
                 assertions to",
                env.name
            ))
        })
}

/// A fresh signed assertion for the environment's client, valid from `now` for [`LIFETIME`].
pub fn assertion(env: &Environment, key: &ProofKey, now: i64) -> Result<Secret<String>, Error> {
    let claims = json!({
        "iss": env.client_id,
        "sub": env.client_id,
        "aud": audience(env)?,
        "jti": random_id()?,
        "iat": now,
        "exp": now + LIFETIME,
    });
    let header = json!({"typ": "JWT", "kid": key.thumbprint()});
    Ok(Secret::new(key.sign(header, &claims)))
}

/// The parameters that authenticate a `private_key_jwt` client on one request, or none for
/// other clients. `credential` is what the engine read from the keyring for the environment:
/// for `private_key_jwt`, the private key ([`ProofKey::secret`]).
pub(crate) fn params(
    env: &Environment,
    credential: Option<&Secret<String>>,
) -> Result<Vec<(&'static str, String)>, Error> {
    if !env.signs_assertions() {
        return Ok(Vec::new());
    }
    let key = credential.ok_or_else(|| {
        Error::Internal("a private_key_jwt client's key was not read from the keyring".into())
    })?;
    let key = ProofKey::from_secret(key)?;
    let assertion = assertion(env, &key, crate::clock::now())?;
    Ok(vec![
        ("client_assertion_type", JWT_BEARER.to_owned()),
        ("client_assertion", assertion.expose().clone()),
    ])
}

/// A provider's refusal of the client, said plainly for a `private_key_jwt` client: the
/// likely cause is that the key's public JWKS is not (or no longer) registered there.
pub(crate) fn explain(provider: &str, env: &Environment, error: Error) -> Error {
    match error {
        Error::ProviderRefused {
            provider: who,
            error: code,
            description,
        } if env.signs_assertions() && code == "invalid_client" => Error::ProviderRefused {
            provider: who,
            error: code,
            description: Some(format!(
                "{}it did not accept Grantry's signed client assertion: register the public \
                 JWKS that `grantry providers jwks {provider} --environment {}` prints (or the \
                 Providers screen shows) as this client's keys at the provider",
                description.map(|d| format!("{d}; ")).unwrap_or_default(),
                env.name
            )),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;

    fn claims(token: &str) -> serde_json::Value {
        let part = token.split('.').nth(1).expect("claims");
        serde_json::from_slice(&B64.decode(part).expect("b64")).expect("json")
    }

    #[test]
    fn an_assertion_names_the_client_the_issuer_and_expires_within_a_minute() {
        let mut env = Environment::discovered("production", "https://idp.example", "app");
        env.client_auth = crate::providers::ClientAuth::PrivateKeyJwt;
        let key = ProofKey::generate().expect("key");
        let first = assertion(&env, &key, 1_000).expect("signed");
        let c = claims(first.expose());
        assert_eq!(
            (c["iss"].as_str(), c["sub"].as_str()),
            (Some("app"), Some("app"))
        );
        assert_eq!(c["aud"], "https://idp.example");
        assert_eq!(
            (c["iat"].as_i64(), c["exp"].as_i64()),
            (Some(1_000), Some(1_060))
        );
        let second = assertion(&env, &key, 1_000).expect("signed");
        assert_ne!(
            c["jti"],
            claims(second.expose())["jti"],
            "a new jti each time"
        );

        // Without an issuer, the token endpoint.
        env.issuer = None;
        env.token_endpoint = Some("https://idp.example/oauth/token".parse().expect("url"));
        let c = claims(assertion(&env, &key, 1_000).expect("signed").expose());
        assert_eq!(c["aud"], "https://idp.example/oauth/token");

        let params = params(&env, Some(&key.secret())).expect("params");
        assert_eq!(params[0], ("client_assertion_type", JWT_BEARER.to_owned()));
        env.client_auth = crate::providers::ClientAuth::None;
        assert!(super::params(&env, None).expect("none").is_empty());
    }
}
