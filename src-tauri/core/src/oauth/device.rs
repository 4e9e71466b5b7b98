//! The device authorization grant (RFC 8628), the protocol's half: the device authorization
//! request (§3.1) and its answer (§3.2), and one poll of the token endpoint (§3.4) with what
//! its answer means (§3.5). Waiting between polls, cancelling and storing the account are the
//! engine's (`engine/device_link.rs`); the tokens become an account through the code
//! exchange's own path (`code_exchange::gather`).
//!
//! Providers' shapes are read as they come: Google's `verification_url` for
//! `verification_uri`, GitHub's errors inside HTTP 200 (rewritten by its dialect,
//! `providers/presets/github.rs`), Google's `authorization_pending` as HTTP 428, Microsoft's
//! `authorization_declined` and `bad_verification_code`.
//!
//! Invariants: the device code is a secret: it stays in [`DeviceCode`], which never prints, and
//! is masked in the HTTP log (`device_code` in `redact.rs`). The user code and the pages are
//! not secret, but are checked before they are shown: the user code is short, of letters,
//! digits, dashes and spaces,
//! the verification pages http(s) URLs (plain http only on loopback, as for every endpoint),
//! the lifetime and interval bounded.

use openidconnect::OAuth2TokenResponse;
use openidconnect::core::CoreTokenResponse;
use serde::Deserialize;

use super::client::form_post;
use super::code_exchange::{Answer, Linked, gather};
use super::discovery::Endpoints;
use super::dpop::{self, Dpop};
use super::http::Http;
use super::id_token::ExpectedNonce;
use crate::error::Error;
use crate::providers::{self, Environment};
use crate::secret::Secret;

/// The device grant's `grant_type` (RFC 8628 §3.4).
pub const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// The interval when the provider gives none (RFC 8628 §3.2), in seconds.
pub const DEFAULT_INTERVAL: u64 = 5;
/// The longest interval believed, and what `slow_down` adds (RFC 8628 §3.5), in seconds.
pub const MAX_INTERVAL: u64 = 120;
pub const SLOW_DOWN_STEP: u64 = 5;
/// The longest lifetime believed for a device code: an hour; real ones last 15 minutes.
pub const MAX_LIFETIME: u64 = 3600;

/// The device code, the client's secret for its polls; never printed.
pub struct DeviceCode(Secret<String>);

/// What the person needs, from the device authorization response (RFC 8628 §3.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceAuthorization {
    pub user_code: String,
    pub verification_uri: String,
    /// The page with the user code filled in, when the provider gives one.
    pub verification_uri_complete: Option<String>,
    /// Seconds the codes live.
    pub expires_in: u64,
    /// Seconds to wait between polls.
    pub interval: u64,
}

/// The fields read from a device authorization response.
#[derive(Deserialize)]
struct Response {
    device_code: String,
    user_code: String,
    #[serde(alias = "verification_url")]
    verification_uri: String,
    #[serde(default)]
    verification_uri_complete: Option<String>,
    expires_in: serde_json::Value,
    #[serde(default)]
    interval: Option<serde_json::Value>,
}

/// The scopes as a device authorization request sends them: with an issuer, `openid` always,
/// as the code flow's client adds it (`authorize.rs`).
fn scope_parameter(endpoints: &Endpoints, scopes: &[String]) -> String {
    let mut sent: Vec<&str> = Vec::new();
    if endpoints.issuer.is_some() {
        sent.push("openid");
    }
    for scope in scopes {
        if !sent.contains(&scope.as_str()) {
            sent.push(scope);
        }
    }
    sent.join(" ")
}

/// Asks the provider for a device code and a user code (RFC 8628 §3.1).
pub async fn authorize(
    http: &Http,
    provider: &str,
    env: &Environment,
    endpoints: &Endpoints,
    secret: Option<&Secret<String>>,
    scopes: &[String],
) -> Result<(DeviceAuthorization, DeviceCode), Error> {
    let endpoint = endpoints.device_authorization.as_ref().ok_or_else(|| {
        Error::InvalidInput(format!(
            "{provider} ({}) has no device authorization endpoint: it cannot link with a \
             device code (give device_authorization_endpoint, or choose another redirect)",
            env.name
        ))
    })?;
    let scope = scope_parameter(endpoints, scopes);
    let mut params = vec![];
    if !scope.is_empty() {
        params.push(("scope", scope.as_str()));
    }
    let request = form_post(env, secret, endpoint, &params)?;
    let response = http
        .dialect(env.preset)
        .send(request)
        .await
        .map_err(|source| Error::Unreachable {
            provider: provider.to_owned(),
            source,
        })?;
    if let Some(refusal) = refusal(provider, &response) {
        return Err(refusal);
    }
    let malformed = |reason: String| Error::MalformedResponse {
        provider: provider.to_owned(),
        reason,
    };
    if !response.status().is_success() {
        return Err(malformed(format!(
            "its device authorization answer came with HTTP {}",
            response.status()
        )));
    }
    read_answer(provider, env, response.body())
}

/// A device authorization answer's body (RFC 8628 §3.2), JSON or form-encoded, checked.
pub(crate) fn read_answer(
    provider: &str,
    env: &Environment,
    body: &[u8],
) -> Result<(DeviceAuthorization, DeviceCode), Error> {
    let malformed = |reason: String| Error::MalformedResponse {
        provider: provider.to_owned(),
        reason,
    };
    let body = body_json(body)
        .ok_or_else(|| malformed("its device authorization answer is not JSON".into()))?;
    let parsed: Response = serde_json::from_value(body).map_err(|e| {
        malformed(format!(
            "its device authorization answer lacks what RFC 8628 §3.2 asks: {e}"
        ))
    })?;
    read(provider, env, parsed)
}

/// A JSON body, or a form-encoded one (GitHub's, without `Accept: application/json`) as JSON.
fn body_json(body: &[u8]) -> Option<serde_json::Value> {
    if let Ok(json) = serde_json::from_slice(body) {
        return Some(json);
    }
    let text = std::str::from_utf8(body).ok()?;
    if !text.contains('=') {
        return None;
    }
    let object: serde_json::Map<String, serde_json::Value> = url::form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), serde_json::Value::String(v.into_owned())))
        .collect();
    Some(serde_json::Value::Object(object))
}

/// A number of seconds, as a number or (form-encoded) as digits.
fn seconds(value: &serde_json::Value) -> Option<u64> {
    value
        .as_u64()
        .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
}

fn read(
    provider: &str,
    env: &Environment,
    parsed: Response,
) -> Result<(DeviceAuthorization, DeviceCode), Error> {
    let malformed = |reason: String| Error::MalformedResponse {
        provider: provider.to_owned(),
        reason,
    };
    let user_code = parsed.user_code.trim().to_owned();
    if user_code.is_empty()
        || user_code.chars().count() > 32
        || !user_code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' ')
    {
        return Err(malformed(
            "its user code is not a short code a person can type".into(),
        ));
    }
    if parsed.device_code.is_empty() || parsed.device_code.len() > 4096 {
        return Err(malformed("its device code is empty or too long".into()));
    }
    let page = |what: &str, uri: &str| -> Result<String, Error> {
        let url = url::Url::parse(uri)
            .map_err(|e| malformed(format!("its {what} {uri:?} is not a URL: {e}")))?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(malformed(format!("its {what} {uri:?} is not a web page")));
        }
        if url.scheme() == "http" {
            providers::check_url(&url, env.plain_http)
                .map_err(|reason| malformed(format!("its {what}: {reason}")))?;
        }
        Ok(url.to_string())
    };
    let verification_uri = page("verification_uri", &parsed.verification_uri)?;
    let verification_uri_complete = parsed
        .verification_uri_complete
        .as_deref()
        .map(|uri| page("verification_uri_complete", uri))
        .transpose()?;
    let expires_in = seconds(&parsed.expires_in)
        .filter(|s| *s > 0)
        .ok_or_else(|| malformed("its expires_in is not a number of seconds".into()))?
        .min(MAX_LIFETIME);
    let interval = match &parsed.interval {
        None => DEFAULT_INTERVAL,
        Some(value) => seconds(value)
            .ok_or_else(|| malformed("its interval is not a number of seconds".into()))?
            .min(MAX_INTERVAL),
    };
    Ok((
        DeviceAuthorization {
            user_code,
            verification_uri,
            verification_uri_complete,
            expires_in,
            interval,
        },
        DeviceCode(Secret::new(parsed.device_code)),
    ))
}

/// A provider's refusal in RFC 6749 §5.2's shape (whatever the status: Google's 428), if the
/// answer is one.
fn refusal(provider: &str, response: &openidconnect::HttpResponse) -> Option<Error> {
    let body: serde_json::Value = serde_json::from_slice(response.body()).ok()?;
    let error = body.get("error")?.as_str()?.to_owned();
    let description = body
        .get("error_description")
        .and_then(|d| d.as_str())
        .map(str::to_owned);
    Some(Error::ProviderRefused {
        provider: provider.to_owned(),
        error,
        description,
    })
}

/// What one poll learnt (RFC 8628 §3.5).
#[derive(Debug)]
pub enum Poll {
    /// `authorization_pending`: ask again after the interval.
    Pending,
    /// `slow_down`: ask again after the interval grown by five seconds.
    SlowDown,
    /// The person allowed: the account.
    Linked(Box<Linked>),
    /// The provider asked for a DPoP nonce and gave one (RFC 9449 §8): poll again at once,
    /// the nonce now in the proof.
    NonceGiven,
    /// The provider wants DPoP for this client and refused a poll without a proof (§5.2),
    /// before looking at the device code: poll again with a key.
    WantsProof,
}

/// Polls the token endpoint once with the device code (RFC 8628 §3.4). `access_denied` (and
/// Microsoft's `authorization_declined`) is [`Error::ConsentDenied`], `expired_token`
/// [`Error::DeviceCodeExpired`]; any other refusal ends the link too.
#[allow(clippy::too_many_arguments)]
pub async fn poll(
    http: &Http,
    provider: &str,
    env: &Environment,
    endpoints: &Endpoints,
    secret: Option<&Secret<String>>,
    device_code: &DeviceCode,
    dpop: Option<&Dpop>,
    now: i64,
) -> Result<Poll, Error> {
    let params = [
        ("grant_type", GRANT_TYPE),
        ("device_code", device_code.0.expose().as_str()),
    ];
    let request = form_post(env, secret, &endpoints.token, &params)?;
    let dialect = http.dialect(env.preset).with_dpop(dpop.cloned());
    let response = dialect
        .send(request)
        .await
        .map_err(|source| Error::Unreachable {
            provider: provider.to_owned(),
            source,
        })?;
    if let Some(refusal) = refusal(provider, &response) {
        let Error::ProviderRefused {
            error, description, ..
        } = &refusal
        else {
            return Err(refusal);
        };
        return match error.as_str() {
            "authorization_pending" => Ok(Poll::Pending),
            error if dpop.is_some() && dpop::nonce_refusal(error) => Ok(Poll::NonceGiven),
            error if dpop.is_none() && dpop::wants_proof(error) => Ok(Poll::WantsProof),
            "slow_down" => Ok(Poll::SlowDown),
            "access_denied" | "authorization_declined" => Err(Error::ConsentDenied {
                provider: provider.to_owned(),
                description: description.clone(),
            }),
            "expired_token" => Err(Error::DeviceCodeExpired {
                provider: provider.to_owned(),
            }),
            _ => Err(refusal),
        };
    }
    if !response.status().is_success() {
        return Err(Error::MalformedResponse {
            provider: provider.to_owned(),
            reason: format!("its token endpoint answered HTTP {}", response.status()),
        });
    }
    let parsed: CoreTokenResponse =
        serde_json::from_slice(response.body()).map_err(|e| Error::MalformedResponse {
            provider: provider.to_owned(),
            reason: format!("its token response is not of the expected shape: {e}"),
        })?;
    // With a proof, only a DPoP token is taken (RFC 9449 §5), as for a code.
    let token_type = match dpop {
        Some(_) => dpop::expect_dpop(provider, parsed.token_type().as_ref())?,
        None => crate::secret::TokenType::Bearer,
    };
    let answer = Answer {
        response: &parsed,
        token_type,
        dpop,
        data_access_expires_at: dialect.data_access_expires_at(),
        refresh_lifetime: dialect.refresh_lifetime(),
    };
    // No nonce was sent: the ID token need not carry one (OpenID Connect Core §3.1.3.7).
    let linked = gather(
        http,
        env,
        provider,
        endpoints,
        &answer,
        ExpectedNonce::Any,
        now,
    )
    .await?;
    Ok(Poll::Linked(Box::new(linked)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Environment {
        Environment::discovered("e", "https://id.example", "c")
    }

    fn parsed(json: serde_json::Value) -> Result<DeviceAuthorization, Error> {
        let response: Response = serde_json::from_value(json).expect("shape");
        read("p", &env(), response).map(|(authorization, _)| authorization)
    }

    #[test]
    fn answers_are_read_in_each_provider_s_words_and_bounded() {
        let google = parsed(serde_json::json!({
            "device_code": "dc", "user_code": "ABCD-EFGH",
            "verification_url": "https://www.google.com/device",
            "expires_in": 1800, "interval": 5
        }))
        .expect("Google's");
        assert_eq!(google.verification_uri, "https://www.google.com/device");
        assert_eq!(google.verification_uri_complete, None);
        let github = parsed(serde_json::json!({
            "device_code": "dc", "user_code": "WDJB-MJHT",
            "verification_uri": "https://github.com/login/device",
            "expires_in": "900"
        }))
        .expect("form-encoded numbers");
        assert_eq!(
            (github.expires_in, github.interval),
            (900, DEFAULT_INTERVAL)
        );
        let huge = parsed(serde_json::json!({
            "device_code": "dc", "user_code": "X",
            "verification_uri": "https://a.example/d",
            "expires_in": 99_999_999u64, "interval": 99_999u64
        }))
        .expect("bounded");
        assert_eq!(
            (huge.expires_in, huge.interval),
            (MAX_LIFETIME, MAX_INTERVAL)
        );
        for bad in [
            serde_json::json!({"device_code": "dc", "user_code": "<script>alert(1)</script>\n",
                "verification_uri": "https://a.example/d", "expires_in": 60}),
            serde_json::json!({"device_code": "dc", "user_code": "X",
                "verification_uri": "javascript:alert(1)", "expires_in": 60}),
            serde_json::json!({"device_code": "dc", "user_code": "X",
                "verification_uri": "http://evil.example/d", "expires_in": 60}),
            serde_json::json!({"device_code": "dc", "user_code": "X",
                "verification_uri": "https://a.example/d", "expires_in": 0}),
        ] {
            assert!(parsed(bad.clone()).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_device_code_never_prints() {
        let code = DeviceCode(Secret::new("sbx_dc_secret".into()));
        assert!(!format!("{:?}", code.0).contains("sbx_dc_secret"));
    }
}
