//! ID token validation (OpenID Connect Core §3.1.3.7): signature with the provider's keys,
//! `iss`, `aud`, `exp`, `iat`, and the nonce when there is one to compare. A key the process
//! has not seen yet makes it fetch the provider's keys once more (providers rotate them), and
//! the keys fetched are handed back, so that the caller can keep them for the next token.
//!
//! openidconnect's verifier does the checking, as a public client's: it holds no client
//! secret, so it refuses every HMAC algorithm (HS256, …), and with it the forgery that keys
//! HMAC with the provider's public key (RFC 8725 §2.1), whatever discovery lists; `alg: none`
//! it refuses always. Nothing here is to be trusted that did not pass [`verify`].

use openidconnect::core::{CoreIdToken, CoreIdTokenClaims, CoreIdTokenVerifier};
use openidconnect::{
    ClaimsVerificationError, ClientId, IssuerUrl, Nonce, NonceVerifier, SignatureVerificationError,
};

use super::discovery::{Endpoints, Keys, fetch_keys};
use super::http::Http;
use crate::error::Error;
use crate::providers::Environment;

/// A verifier with the given keys and the provider's signing algorithms.
fn verifier(
    env: &Environment,
    endpoints: &Endpoints,
) -> Result<CoreIdTokenVerifier<'static>, Error> {
    let issuer = endpoints.issuer.clone().unwrap_or_default();
    let issuer = IssuerUrl::new(issuer).map_err(|e| Error::InvalidInput(e.to_string()))?;
    Ok(CoreIdTokenVerifier::new_public_client(
        ClientId::new(env.client_id.clone()),
        issuer,
        endpoints.jwks.clone(),
    )
    .set_allowed_algs(endpoints.id_token_algs.clone()))
}

/// The nonce an ID token must carry: the one sent at authorization, or, for a token that came
/// with a refresh, none to compare (it repeats the original one or has none).
pub(crate) enum ExpectedNonce<'a> {
    Sent(&'a Nonce),
    Any,
}

impl NonceVerifier for &ExpectedNonce<'_> {
    fn verify(self, nonce: Option<&Nonce>) -> Result<(), String> {
        match self {
            ExpectedNonce::Sent(expected) => expected.verify(nonce),
            ExpectedNonce::Any => Ok(()),
        }
    }
}

/// A verified ID token.
pub(crate) struct Verified {
    pub claims: CoreIdTokenClaims,
    /// The provider's keys, when the token named one not in `endpoints.jwks` and they were
    /// fetched again: the caller keeps them in place of the old ones.
    pub new_keys: Option<Keys>,
}

/// Verifies `token` and returns its claims.
pub(crate) async fn verify(
    http: &Http,
    provider: &str,
    env: &Environment,
    endpoints: &Endpoints,
    token: &CoreIdToken,
    nonce: ExpectedNonce<'_>,
) -> Result<Verified, Error> {
    let jwks_uri = match verify_with_held_keys(provider, env, endpoints, token, &nonce) {
        Some(verified) => return verified,
        None => endpoints.jwks_uri.as_ref(),
    };
    // Held keys that cannot tell are only answered for a provider that publishes its keys.
    let Some(jwks_uri) = jwks_uri else {
        return Err(Error::MalformedResponse {
            provider: provider.to_owned(),
            reason: "its ID token names a key it does not publish".to_owned(),
        });
    };
    let rotated = Endpoints {
        jwks: fetch_keys(http, provider, jwks_uri).await?,
        ..endpoints.clone()
    };
    let verified = token.claims(&verifier(env, &rotated)?, &nonce).cloned();
    let claims = verified.map_err(|e| not_valid(provider, e))?;
    Ok(Verified {
        claims,
        new_keys: Some(rotated.jwks),
    })
}

/// Verifies `token` with the keys held (`endpoints.jwks`), without the network: `None` when
/// it names a key not held and the provider publishes its keys, which only [`verify`] can
/// fetch.
pub(crate) fn verify_with_held_keys(
    provider: &str,
    env: &Environment,
    endpoints: &Endpoints,
    token: &CoreIdToken,
    nonce: &ExpectedNonce<'_>,
) -> Option<Result<Verified, Error>> {
    let verifier = match verifier(env, endpoints) {
        Ok(verifier) => verifier,
        Err(error) => return Some(Err(error)),
    };
    let verified = token.claims(&verifier, nonce).cloned();
    // openidconnect picks the key by the token's `kid` (`JsonWebKeySet::filter_keys`): an id
    // missing from the keys held is `NoMatchingKey`.
    let unknown_key = matches!(
        &verified,
        Err(ClaimsVerificationError::SignatureVerification(
            SignatureVerificationError::NoMatchingKey
        ))
    );
    if unknown_key && endpoints.jwks_uri.is_some() {
        return None;
    }
    Some(
        verified
            .map(|claims| Verified {
                claims,
                new_keys: None,
            })
            .map_err(|e| not_valid(provider, e)),
    )
}

fn not_valid(provider: &str, error: ClaimsVerificationError) -> Error {
    let cause = std::error::Error::source(&error)
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    Error::MalformedResponse {
        provider: provider.to_owned(),
        reason: format!("its ID token is not valid: {error}{cause}"),
    }
}
