//! The refresh token grant (RFC 6749 §6) with the failures real providers produce: transient
//! ones (connection refused, timeout, 5xx, 429 with `Retry-After`) are retried a bounded
//! number of times with exponential backoff and jitter; `invalid_grant` means the grant is
//! gone and the account needs re-linking. Single flight and write ordering are the engine's
//! (`engine/refresh.rs`): this module makes the request and reads the answer. Tokens bound to
//! a DPoP key are refreshed with a proof of that key, and the answer must be `DPoP` again.

use std::hash::{BuildHasher, Hasher};
use std::sync::Mutex;
use std::time::Duration;

use openidconnect::core::CoreIdToken;
use openidconnect::{
    AsyncHttpClient, HttpRequest, HttpResponse, OAuth2TokenResponse, RefreshToken,
    RequestTokenError, TokenResponse,
};

use super::client::{TokenError, client, token_error};
use super::client_assertion;
use super::code_exchange::expires_at;
use super::discovery::{Endpoints, Keys};
use super::dpop::{self, Dpop};
use super::http::{Http, HttpError};
use super::id_token::{self, ExpectedNonce};
use crate::error::Error;
use crate::providers::Environment;
use crate::secret::{Secret, TokenSet, TokenType};

/// Attempts per refresh, the first included.
const ATTEMPTS: u32 = 4;
/// The longest `Retry-After` honoured; a provider asking for more gets a failure to show.
const MAX_RETRY_AFTER: u64 = 60;

/// A refresh's outcome.
pub struct Refreshed {
    /// The new tokens; the old refresh token is kept when the provider did not rotate it. Its
    /// ID token is still the one held: the new one, in [`Refreshed::id_token`], takes its
    /// place only once it verifies.
    pub tokens: TokenSet,
    /// The granted scopes, when the provider listed them.
    pub granted: Option<Vec<String>>,
    /// The new ID token (OpenID Connect Core §12.2), not verified yet: the caller checks it
    /// with [`subject_of`] and, only if it verifies, puts it in [`Refreshed::tokens`].
    pub id_token: Option<CoreIdToken>,
    /// Whether the provider sent a new refresh token (rotation).
    pub rotated: bool,
    /// When the provider's access to the person's data lapses (Facebook), if it said.
    pub data_access_expires_at: Option<i64>,
    /// When the (new) refresh token ends, and who said so, if anyone did.
    pub refresh_end: Option<crate::model::RefreshEnd>,
}

/// Why a refresh failed.
pub enum Failure {
    /// The provider refused the grant (`invalid_grant`, or the client itself): only a new link
    /// (or a mended client) helps.
    Relink(Refusal),
    Other(Error),
}

/// A provider's refusal, as it said it: the engine works out why (`engine/break_cause.rs`).
#[derive(Debug, Clone)]
pub struct Refusal {
    /// The OAuth error (`invalid_grant`, `invalid_client`, `unauthorized_client`,
    /// `invalid_scope`).
    pub error: String,
    pub description: Option<String>,
}

/// What the last HTTP answer said about retrying.
#[derive(Clone, Copy, Default)]
struct Answer {
    status: u16,
    retry_after: Option<u64>,
}

/// The shared client, remembering the status and `Retry-After` of the last answer.
struct Recording<'a> {
    http: super::http::Dialect<'a>,
    last: Mutex<Answer>,
}

impl<'c> AsyncHttpClient<'c> for Recording<'_> {
    type Error = HttpError;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<HttpResponse, Self::Error>> + Send + 'c>,
    >;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let response = self.http.send(request).await?;
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse().ok());
            if let Ok(mut slot) = self.last.lock() {
                *slot = Answer {
                    status: response.status().as_u16(),
                    retry_after,
                };
            }
            Ok(response)
        })
    }
}

fn jitter_ms() -> u64 {
    // A randomly seeded hasher is random enough to spread retries apart.
    std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish()
        % 250
}

pub async fn refresh(
    http: &Http,
    env: &Environment,
    endpoints: &Endpoints,
    secret: Option<&Secret<String>>,
    provider: &str,
    current: &TokenSet,
    now: impl Fn() -> i64,
) -> Result<Refreshed, Failure> {
    let Some(refresh_token) = &current.refresh_token else {
        return Err(Failure::Other(Error::InvalidInput(
            "this account has no refresh token (it was linked without offline access)".into(),
        )));
    };
    let client = client(env, endpoints, secret, None).map_err(Failure::Other)?;
    // Tokens bound to a key (DPoP) are refreshed with a proof of the same key (RFC 9449 §5).
    let dpop = Dpop::of(current).map_err(Failure::Other)?;
    let send = Recording {
        http: http.dialect(env.preset).with_dpop(dpop.clone()),
        last: Mutex::new(Answer::default()),
    };
    let last = &send.last;
    let token = RefreshToken::new(refresh_token.expose().clone());
    let mut attempt = 0;
    let mut nonce_asked = false;
    let response = loop {
        attempt += 1;
        if let Ok(mut slot) = last.lock() {
            *slot = Answer::default();
        }
        // A fresh client assertion for each attempt: each is single use.
        let mut request = client.exchange_refresh_token(&token);
        for (name, value) in client_assertion::params(env, secret).map_err(Failure::Other)? {
            request = request.add_extra_param(name, value);
        }
        let outcome = request.request_async(&send).await;
        let answer = last.lock().map(|a| *a).unwrap_or_default();
        let error = match outcome {
            Ok(response) => break response,
            Err(error) => error,
        };
        // A provider that demands DPoP nonces refuses the first proof without one, before it
        // looks at the refresh token (RFC 9449 §8): once more, with the nonce it gave.
        if let RequestTokenError::ServerResponse(refusal) = &error
            && dpop.is_some()
            && !nonce_asked
            && dpop::nonce_refusal(refusal.error().as_ref())
        {
            nonce_asked = true;
            continue;
        }
        // Only a request that never left may be sent again with the same refresh token: one
        // that timed out or broke after sending may have been used, and a provider with reuse
        // detection revokes the whole grant when it sees it twice.
        let transient = match &error {
            RequestTokenError::Request(HttpError::Unreachable(_)) => true,
            RequestTokenError::Request(_) => false,
            _ => answer.status == 429 || answer.status >= 500,
        };
        let too_long = answer.retry_after.is_some_and(|s| s > MAX_RETRY_AFTER);
        if !transient || too_long || attempt >= ATTEMPTS {
            return Err(match classify(provider, error, answer) {
                Failure::Relink(refusal) if env.signs_assertions() => {
                    Failure::Relink(explained(provider, env, refusal))
                }
                other => other,
            });
        }
        let wait = match answer.retry_after {
            Some(seconds) => Duration::from_secs(seconds),
            None => Duration::from_millis(250 * (1 << (attempt - 1)) + jitter_ms()),
        };
        tokio::time::sleep(wait).await;
    };
    let token_type = match &dpop {
        Some(_) => {
            dpop::expect_dpop(provider, response.token_type().as_ref()).map_err(Failure::Other)?
        }
        None => TokenType::Bearer,
    };
    let arrived = now();
    // As at link time, an ID token is only used when the provider has an issuer to check.
    let id_token = response
        .id_token()
        .filter(|_| endpoints.issuer.is_some())
        .cloned();
    let rotated = response
        .refresh_token()
        .is_some_and(|new| new.secret() != refresh_token.expose());
    Ok(Refreshed {
        data_access_expires_at: send.http.data_access_expires_at(),
        refresh_end: super::code_exchange::refresh_end(
            send.http.refresh_lifetime(),
            arrived,
            response.refresh_token().map(|t| t.secret().as_str()),
        ),
        rotated,
        granted: response
            .scopes()
            .map(|s| s.iter().map(|s| s.to_string()).collect()),
        tokens: TokenSet {
            access_token: Secret::new(response.access_token().secret().clone()),
            refresh_token: Some(
                response
                    .refresh_token()
                    .map(|t| Secret::new(t.secret().clone()))
                    .unwrap_or_else(|| refresh_token.clone()),
            ),
            // The one held, verified when it came; the new one is not, yet.
            id_token: current.id_token.clone(),
            expires_at: response.expires_in().map(|d| expires_at(arrived, d)),
            token_type,
            // The key stays the account's: the new tokens are bound to it too.
            dpop_key: current.dpop_key.clone(),
        },
        id_token,
    })
}

/// Verifies an ID token that came with a refresh (signature, `iss`, `aud`, `exp`; its nonce
/// is the original one or none, so it is not compared) and returns its subject, with the
/// provider's keys when they had to be fetched again (`id_token.rs`).
pub async fn subject_of(
    http: &Http,
    provider: &str,
    env: &Environment,
    endpoints: &Endpoints,
    id_token: &CoreIdToken,
) -> Result<(String, Option<Keys>), Error> {
    let verified =
        id_token::verify(http, provider, env, endpoints, id_token, ExpectedNonce::Any).await?;
    Ok((verified.claims.subject().to_string(), verified.new_keys))
}

/// [`subject_of`] with the keys held only, without the network: `None` when the token names a
/// key not held, which only [`subject_of`] can fetch.
pub fn subject_with_held_keys(
    provider: &str,
    env: &Environment,
    endpoints: &Endpoints,
    id_token: &CoreIdToken,
) -> Option<Result<String, Error>> {
    let verified =
        id_token::verify_with_held_keys(provider, env, endpoints, id_token, &ExpectedNonce::Any)?;
    Some(verified.map(|verified| verified.claims.subject().to_string()))
}

/// A refusal of a `private_key_jwt` client, said plainly (`client_assertion::explain`).
fn explained(provider: &str, env: &Environment, refusal: Refusal) -> Refusal {
    let refused = Error::ProviderRefused {
        provider: provider.to_owned(),
        error: refusal.error.clone(),
        description: refusal.description.clone(),
    };
    match client_assertion::explain(provider, env, refused) {
        Error::ProviderRefused { description, .. } => Refusal {
            description,
            ..refusal
        },
        _ => refusal,
    }
}

fn classify(provider: &str, error: TokenError, answer: Answer) -> Failure {
    use openidconnect::core::CoreErrorResponseType as E;
    match error {
        RequestTokenError::ServerResponse(response)
            if matches!(
                response.error(),
                E::InvalidGrant | E::InvalidClient | E::UnauthorizedClient | E::InvalidScope
            ) =>
        {
            Failure::Relink(Refusal {
                error: response.error().to_string(),
                description: response.error_description().cloned(),
            })
        }
        RequestTokenError::Parse(..) | RequestTokenError::Other(_) if answer.status >= 400 => {
            let wait = answer
                .retry_after
                .map(|s| format!("; it asks to wait {s} s"))
                .unwrap_or_default();
            Failure::Other(Error::MalformedResponse {
                provider: provider.to_owned(),
                reason: format!("it answered HTTP {}{wait}", answer.status),
            })
        }
        other => Failure::Other(token_error(provider, other)),
    }
}
