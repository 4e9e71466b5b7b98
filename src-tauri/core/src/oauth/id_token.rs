//! ID token validation (OpenID Connect Core §3.1.3.7): signature with the provider's keys,
//! `iss`, `aud`, `exp`, `iat`, and the nonce when there is one to compare. A key the process
//! has not seen yet makes it fetch the provider's keys once more (providers rotate them).

use openidconnect::core::{CoreIdToken, CoreIdTokenClaims, CoreIdTokenVerifier};
use openidconnect::{
    ClaimsVerificationError, ClientId, IssuerUrl, Nonce, NonceVerifier, SignatureVerificationError,
};

use super::discovery::{Endpoints, fetch_keys};
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

/// Verifies `token` and returns its claims.
pub(crate) async fn verify(
    http: &Http,
    provider: &str,
    env: &Environment,
    endpoints: &Endpoints,
    token: &CoreIdToken,
    nonce: ExpectedNonce<'_>,
) -> Result<CoreIdTokenClaims, Error> {
    let mut verified = token.claims(&verifier(env, endpoints)?, &nonce).cloned();
    let unknown_key = matches!(
        &verified,
        Err(ClaimsVerificationError::SignatureVerification(
            SignatureVerificationError::NoMatchingKey
        ))
    );
    if unknown_key && let Some(jwks_uri) = &endpoints.jwks_uri {
        let rotated = Endpoints {
            jwks: fetch_keys(http, provider, jwks_uri).await?,
            ..endpoints.clone()
        };
        verified = token.claims(&verifier(env, &rotated)?, &nonce).cloned();
    }
    verified.map_err(|e| {
        let cause = std::error::Error::source(&e)
            .map(|c| format!(" ({c})"))
            .unwrap_or_default();
        Error::MalformedResponse {
            provider: provider.to_owned(),
            reason: format!("its ID token is not valid: {e}{cause}"),
        }
    })
}
