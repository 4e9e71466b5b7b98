//! Client authentication by any registered method (RFC 6749 §2.3): none, a secret
//! (`directory.rs`), or a `private_key_jwt` assertion (RFC 7523 §2.2, checked by
//! `src/client_assertion.rs`), whose `jti` is then used up here so the same assertion is never
//! accepted twice (RFC 7523 §3 item 7).
//!
//! Invariants: a client authenticates only by the method it is registered with; an assertion
//! is remembered (namespaced `assertion:{client_id}:{jti}`) until its `exp`, converted to the
//! store's clock, and only once it verified, so a forged one cannot use up a real `jti`.

use super::AuthStore;
use crate::client_assertion;
use crate::config::ClientAuth;
use crate::oauth_error::OAuthError;

/// What a client sent to prove who it is.
#[derive(Debug, Clone, Copy)]
pub enum Credential<'a> {
    /// Nothing: a public client.
    Nothing,
    /// A client secret (Basic or in the body).
    Secret(&'a str),
    /// A `client_assertion` of type [`client_assertion::JWT_BEARER`].
    Assertion(&'a str),
}

impl AuthStore {
    /// Checks a client's credential as the token, revocation, introspection and pushed
    /// authorization request endpoints receive it; `audiences` are what an assertion's `aud`
    /// may be. Using an assertion uses up its `jti`.
    pub fn authenticate_client(
        &mut self,
        client_id: &str,
        credential: Credential<'_>,
        audiences: &[String],
    ) -> Result<(), OAuthError> {
        let assertion = match credential {
            Credential::Nothing => return self.authenticate(client_id, None),
            Credential::Secret(secret) => return self.authenticate(client_id, Some(secret)),
            Credential::Assertion(assertion) => assertion,
        };
        let client = self
            .client(client_id)
            .ok_or_else(|| OAuthError::invalid_client(format!("unknown client {client_id:?}")))?;
        if client.auth != ClientAuth::PrivateKeyJwt {
            return Err(OAuthError::invalid_client(format!(
                "client {client_id:?} is not registered for private_key_jwt; it must not send \
                 a client assertion"
            )));
        }
        let now = client_assertion::wall_now();
        let accepted =
            client_assertion::check(assertion, client_id, client.jwks.as_ref(), audiences, now)?;
        // Remembered until it expires, on the store's clock (which the admin API may have
        // moved ahead of the wall clock the assertion was checked with).
        let until = self.now() + (accepted.exp - now);
        if !self.first_use(&format!("assertion:{client_id}:{}", accepted.jti), until) {
            return Err(OAuthError::invalid_client(format!(
                "client assertion: jti {:?} was used already; make a new assertion, with a new \
                 jti, for every request",
                accepted.jti
            )));
        }
        Ok(())
    }
}
