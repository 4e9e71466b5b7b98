//! The end of a link: the authorization response's code exchanged for tokens (RFC 6749
//! §4.1.3, with the PKCE verifier, RFC 7636 §4.5), the ID token validated, and the person's
//! profile gathered ([`gather`], which the device grant's tokens go through too: `device.rs`).
//! It returns what it learnt as plain values; storing them is the engine's job
//! (`engine/link.rs`). With DPoP (RFC 9449) the exchange and the profile request carry
//! proofs of the link's key (`dpop.rs`), and only a `DPoP` token answer is taken.

use openidconnect::core::CoreTokenResponse;
use openidconnect::{
    AuthorizationCode, OAuth2TokenResponse, PkceCodeVerifier, RequestTokenError, TokenResponse,
};

use super::authorize::Pending;
use super::callback::{Callback, Outcome};
use super::client::{client, token_error};
use super::client_assertion;
use super::discovery::{Endpoints, Keys};
use super::dpop::{self, Dpop};
use super::http::Http;
use super::id_token::{self, ExpectedNonce};
use super::userinfo::{self, Profile};
use crate::error::Error;
use crate::model::RefreshEnd;
use crate::providers::Environment;
use crate::secret::{Secret, TokenSet, TokenType};

/// What a completed link learnt.
#[derive(Debug)]
pub struct Linked {
    /// The account's stable id at the provider (`sub`, or the profile's `id`).
    pub subject: String,
    pub profile: Profile,
    /// The scopes the token response listed, or `None` when it listed none (RFC 6749 §5.1:
    /// then the requested scopes were granted).
    pub granted: Option<Vec<String>>,
    pub tokens: TokenSet,
    /// The provider's keys, when the ID token named a key not seen yet (`id_token.rs`).
    pub new_keys: Option<Keys>,
    /// When the provider's access to the person's data lapses (Facebook), if it said.
    pub data_access_expires_at: Option<i64>,
    /// When the refresh token ends, and who said so, if anyone did ([`refresh_end`]).
    pub refresh_end: Option<RefreshEnd>,
}

/// [`RefreshEnd`] of the refresh token a token answer that `arrived` gave (`lifetime`: the
/// seconds it said, if any).
pub fn refresh_end(
    lifetime: Option<i64>,
    arrived: i64,
    refresh_token: Option<&str>,
) -> Option<RefreshEnd> {
    use crate::model::GrantEndSource;
    if let Some(seconds) = lifetime {
        return Some(RefreshEnd {
            at: arrived.saturating_add(seconds),
            source: GrantEndSource::Provider,
        });
    }
    let at = super::token_shape::expiry(refresh_token?)?;
    Some(RefreshEnd {
        at,
        source: GrantEndSource::RefreshToken,
    })
}

/// Exchanges the code of an answered link and gathers the account: ID token, profile, scopes.
pub async fn complete(
    http: &Http,
    env: &Environment,
    secret: Option<&Secret<String>>,
    pending: &Pending,
    callback: &Callback,
    now: i64,
) -> Result<Linked, Error> {
    let provider = pending.provider.as_str();
    let code = match &callback.outcome {
        Outcome::Code(code) => code.expose().clone(),
        Outcome::Error { error, description } if error == "access_denied" => {
            return Err(Error::ConsentDenied {
                provider: provider.to_owned(),
                description: description.clone(),
            });
        }
        Outcome::Error { error, description } => {
            return Err(Error::ProviderRefused {
                provider: provider.to_owned(),
                error: error.clone(),
                description: description.clone(),
            });
        }
    };
    let endpoints = &pending.endpoints;
    let client = client(env, endpoints, secret, Some(&pending.redirect_uri))?;
    let mut dpop = pending.dpop.clone();
    let exchange = |dpop: Option<Dpop>| {
        let dialect = http.dialect(env.preset).with_dpop(dpop);
        let code = AuthorizationCode::new(code.clone());
        let verifier = PkceCodeVerifier::new(pending.verifier.secret().clone());
        let client = &client;
        // Built anew each time: a client assertion is single use (RFC 7523 §3).
        let assertion = client_assertion::params(env, secret);
        async move {
            let mut request = client.exchange_code(code).set_pkce_verifier(verifier);
            for (name, value) in assertion? {
                request = request.add_extra_param(name, value);
            }
            let response = request.request_async(&dialect).await;
            Ok::<_, Error>((response, dialect))
        }
    };
    let (mut response, mut dialect) = exchange(dpop.clone()).await?;
    // A provider that wants DPoP for this client refuses the exchange without a proof, before
    // it spends the code (RFC 9449 §5.2): the link goes on with a key of its own.
    if let (None, Err(RequestTokenError::ServerResponse(refusal))) = (&dpop, &response)
        && dpop::wants_proof(refusal.error().as_ref())
    {
        dpop = Some(Dpop::generate()?);
        (response, dialect) = exchange(dpop.clone()).await?;
    }
    // A provider that demands nonces says so to the first proof (RFC 9449 §8): once more,
    // built anew, with the nonce its answer gave.
    if let (Some(_), Err(RequestTokenError::ServerResponse(refusal))) = (&dpop, &response)
        && dpop::nonce_refusal(refusal.error().as_ref())
    {
        (response, dialect) = exchange(dpop.clone()).await?;
    }
    let response = response
        .map_err(|error| client_assertion::explain(provider, env, token_error(provider, error)))?;
    let token_type = match &dpop {
        Some(_) => dpop::expect_dpop(provider, response.token_type().as_ref())?,
        None => TokenType::Bearer,
    };
    let answer = Answer {
        response: &response,
        token_type,
        dpop: dpop.as_ref(),
        data_access_expires_at: dialect.data_access_expires_at(),
        refresh_lifetime: dialect.refresh_lifetime(),
    };
    let nonce = ExpectedNonce::Sent(&pending.nonce);
    gather(http, env, provider, endpoints, &answer, nonce, now).await
}

/// A token endpoint's answer to a link, with what was learnt beside it: its token type, the
/// DPoP key its tokens are bound to, and what the preset's dialect noted.
pub(crate) struct Answer<'a> {
    pub response: &'a CoreTokenResponse,
    pub token_type: TokenType,
    pub dpop: Option<&'a Dpop>,
    pub data_access_expires_at: Option<i64>,
    pub refresh_lifetime: Option<i64>,
}

/// Turns a link's token response into the account it names: the ID token verified (with
/// `nonce`), the profile fetched, the scopes granted read. Every grant that links an account
/// ends here: the code exchange above and the device grant (`device.rs`).
pub(crate) async fn gather(
    http: &Http,
    env: &Environment,
    provider: &str,
    endpoints: &Endpoints,
    answer: &Answer<'_>,
    nonce: ExpectedNonce<'_>,
    now: i64,
) -> Result<Linked, Error> {
    let response = answer.response;
    let dpop = answer.dpop;
    let mut subject = None;
    let mut profile = Profile::default();
    let mut new_keys = None;
    // Without an issuer there is no way to check an ID token's origin: such providers are
    // plain OAuth 2, and the profile comes from their profile endpoint instead.
    let id_token = response.id_token().filter(|_| endpoints.issuer.is_some());
    if let Some(id_token) = id_token {
        let verified = id_token::verify(http, provider, env, endpoints, id_token, nonce).await?;
        new_keys = verified.new_keys;
        let claims = verified.claims;
        subject = Some(claims.subject().to_string());
        profile.name = claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.to_string());
        profile.email = claims.email().map(|e| e.to_string());
        profile.picture = claims
            .picture()
            .and_then(|p| p.get(None))
            .map(|p| p.to_string());
    } else if endpoints.issuer.is_some() {
        // With an issuer the request always carried `openid` (`authorize.rs`: the client adds
        // it whatever the caller's scopes), so the token response must carry an ID token
        // (OpenID Connect Core §3.1.3.3): without one, nothing vouches for who signed in.
        return Err(Error::MalformedResponse {
            provider: provider.to_owned(),
            reason: "it is an OpenID Connect provider, but its token response has no ID token"
                .into(),
        });
    }
    let access_token = response.access_token().secret().clone();
    if let Some(url) = &endpoints.userinfo {
        let fetched = userinfo::fetch(http, provider, url, &access_token, dpop).await?;
        if let (Some(expected), Some(found)) = (&subject, &fetched.subject)
            && expected != found
        {
            return Err(Error::MalformedResponse {
                provider: provider.to_owned(),
                reason: "the profile belongs to another subject than the ID token".into(),
            });
        }
        subject = subject.or(fetched.subject);
        profile = Profile {
            subject: None,
            name: fetched.name.or(profile.name),
            email: fetched.email.or(profile.email),
            picture: fetched.picture.or(profile.picture),
        };
    }
    let subject = subject.ok_or_else(|| Error::MalformedResponse {
        provider: provider.to_owned(),
        reason: "it told neither in an ID token nor in a profile who signed in".into(),
    })?;
    Ok(Linked {
        subject,
        profile,
        granted: response
            .scopes()
            .map(|scopes| scopes.iter().map(|s| s.to_string()).collect()),
        tokens: TokenSet {
            access_token: Secret::new(access_token),
            refresh_token: response
                .refresh_token()
                .map(|t| Secret::new(t.secret().clone())),
            id_token: id_token.map(|t| Secret::new(t.to_string())),
            expires_at: response.expires_in().map(|d| expires_at(now, d)),
            token_type: answer.token_type,
            dpop_key: dpop.map(Dpop::secret),
        },
        new_keys,
        data_access_expires_at: answer.data_access_expires_at,
        refresh_end: refresh_end(
            answer.refresh_lifetime,
            now,
            response.refresh_token().map(|t| t.secret().as_str()),
        ),
    })
}

/// The longest lifetime believed, in seconds (400 days): a provider's `expires_in` beyond
/// it is taken as "long-lived", not as a date centuries away.
pub const MAX_LIFETIME: i64 = 400 * 24 * 3600;

/// When a token that lives `lifetime` from `now` expires, in Unix seconds; `expires_in` is
/// clamped to [`MAX_LIFETIME`], so no value can overflow.
pub(crate) fn expires_at(now: i64, lifetime: std::time::Duration) -> i64 {
    let seconds = i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX);
    now.saturating_add(seconds.min(MAX_LIFETIME))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn huge_lifetimes_are_clamped_not_overflowed() {
        assert_eq!(expires_at(1_000, Duration::from_secs(3_600)), 4_600);
        assert_eq!(
            expires_at(1_000, Duration::from_secs(u64::MAX)),
            1_000 + MAX_LIFETIME
        );
        assert_eq!(
            expires_at(i64::MAX - 1, Duration::from_secs(i64::MAX as u64)),
            i64::MAX
        );
    }
}
