//! What a request carries: its OAuth parameters (query string or form body), the client's
//! credentials, the bearer token of a resource request, and scope lists in the personality's
//! separator.
//!
//! Invariants: a parameter sent twice is refused (RFC 6749 §3.1), except `scope` on the consent
//! form, where each ticked box is one; a body is accepted only as
//! `application/x-www-form-urlencoded`; a client uses one authentication method, never two
//! (RFC 6749 §2.3): a secret or a client assertion, never both. No parameter name or value is longer than [`MAX_PARAM_LEN`], so a request
//! cannot make the sandbox keep (or put into a consent page) more than that per parameter.
//! Parsing never touches the store except to authenticate a client.

use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::config::Personality;
use crate::oauth_error::OAuthError;
use crate::store::{AuthStore, Credential};

/// The longest parameter name or value accepted, in bytes once decoded: 2 KiB, far more than
/// any real code, token, URI or `state` needs.
pub const MAX_PARAM_LEN: usize = 2048;

/// Request parameters from a query string or a form body (RFC 6749 §3.2: the token endpoint
/// takes `application/x-www-form-urlencoded`). A parameter sent twice is an error (§3.1).
#[derive(Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn parse(text: &[u8]) -> Result<Self, OAuthError> {
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(text)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if let Some((key, _)) = pairs
            .iter()
            .find(|(k, v)| k.len() > MAX_PARAM_LEN || v.len() > MAX_PARAM_LEN)
        {
            let key: String = key.chars().take(32).collect();
            return Err(OAuthError::invalid_request(format!(
                "parameter {key:?} is longer than {MAX_PARAM_LEN} bytes"
            )));
        }
        let mut seen: Vec<&str> = Vec::new();
        for (key, _) in &pairs {
            if seen.contains(&key.as_str()) && key != "scope" {
                return Err(OAuthError::invalid_request(format!(
                    "parameter {key:?} is repeated"
                )));
            }
            seen.push(key);
        }
        Ok(Self(pairs))
    }

    /// The query string and, for form posts, the body, as one parameter set.
    pub fn from_request(
        query: Option<&str>,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Self, OAuthError> {
        let mut all = Vec::new();
        if let Some(query) = query {
            all.extend_from_slice(query.as_bytes());
        }
        if !body.is_empty() {
            let form = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
            if !form {
                return Err(OAuthError::invalid_request(
                    "the body must be application/x-www-form-urlencoded",
                ));
            }
            if !all.is_empty() {
                all.push(b'&');
            }
            all.extend_from_slice(body);
        }
        Self::parse(&all)
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// Every parameter, in the order sent.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    /// A parameter set from pairs checked already (a pushed authorization request's).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        Self(pairs)
    }

    pub fn all(&self, key: &str) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn require(&self, key: &str) -> Result<&str, OAuthError> {
        self.get(key)
            .ok_or_else(|| OAuthError::invalid_request(format!("missing parameter {key:?}")))
    }
}

/// Client credentials as sent: HTTP Basic (RFC 6749 §2.3.1, form-encoded parts),
/// `client_id` / `client_secret` in the parameters, or a `private_key_jwt` assertion
/// (`client_assertion_type` and `client_assertion`, RFC 7521 §4.2, with `client_id` optional:
/// the assertion's `sub` names the client then). Sending two ways is refused.
pub struct ClientCredentials {
    pub client_id: String,
    pub secret: Option<String>,
    /// A `private_key_jwt` client assertion (`src/client_assertion.rs`).
    pub assertion: Option<String>,
    pub basic: bool,
}

impl ClientCredentials {
    pub fn from_request(headers: &HeaderMap, params: &Params) -> Result<Self, OAuthError> {
        let basic = match headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        {
            Some(value) if value.len() > 6 && value[..6].eq_ignore_ascii_case("basic ") => {
                Some(parse_basic(&value[6..])?)
            }
            _ => None,
        };
        let assertion = match params.get("client_assertion_type") {
            None if params.get("client_assertion").is_some() => {
                return Err(OAuthError::invalid_client(format!(
                    "client_assertion needs client_assertion_type={}",
                    crate::client_assertion::JWT_BEARER
                )));
            }
            None => None,
            Some(crate::client_assertion::JWT_BEARER) => {
                if basic.is_some() || params.get("client_secret").is_some() {
                    return Err(OAuthError::invalid_request(
                        "use one client authentication method, not a client assertion and a \
                         secret both",
                    ));
                }
                Some(
                    params
                        .get("client_assertion")
                        .ok_or_else(|| OAuthError::invalid_client("client_assertion is missing"))?,
                )
            }
            Some(other) => {
                return Err(OAuthError::invalid_client(format!(
                    "client_assertion_type {other:?} is not supported; use {}",
                    crate::client_assertion::JWT_BEARER
                )));
            }
        };
        match (basic, assertion) {
            (Some((client_id, secret)), _) => {
                if params.get("client_secret").is_some() {
                    return Err(OAuthError::invalid_request(
                        "use one client authentication method, not Basic and client_secret both",
                    ));
                }
                if params.get("client_id").is_some_and(|id| id != client_id) {
                    return Err(OAuthError::invalid_client(
                        "client_id does not match the Basic credentials",
                    ));
                }
                Ok(Self {
                    client_id,
                    secret: Some(secret),
                    assertion: None,
                    basic: true,
                })
            }
            (None, Some(assertion)) => {
                let client_id = params
                    .get("client_id")
                    .map(str::to_owned)
                    .or_else(|| crate::client_assertion::claimed_client(assertion))
                    .ok_or_else(|| {
                        OAuthError::invalid_client(
                            "missing client_id, and the client assertion names no sub",
                        )
                    })?;
                Ok(Self {
                    client_id,
                    secret: None,
                    assertion: Some(assertion.to_owned()),
                    basic: false,
                })
            }
            (None, None) => Ok(Self {
                client_id: params
                    .get("client_id")
                    .ok_or_else(|| OAuthError::invalid_client("missing client_id"))?
                    .to_owned(),
                secret: params.get("client_secret").map(str::to_owned),
                assertion: None,
                basic: false,
            }),
        }
    }

    /// What the client sent to prove who it is, for [`AuthStore::authenticate_client`].
    pub fn credential(&self) -> Credential<'_> {
        match (&self.assertion, &self.secret) {
            (Some(assertion), _) => Credential::Assertion(assertion),
            (None, Some(secret)) => Credential::Secret(secret),
            (None, None) => Credential::Nothing,
        }
    }

    /// Authenticates the client by the method it used; `audiences` are what a client
    /// assertion's `aud` may be (`src/client_assertion.rs`).
    pub fn authenticate(
        &self,
        store: &mut AuthStore,
        audiences: &[String],
    ) -> Result<(), OAuthError> {
        store.authenticate_client(&self.client_id, self.credential(), audiences)
    }
}

fn parse_basic(encoded: &str) -> Result<(String, String), OAuthError> {
    let bad = || OAuthError::invalid_client("malformed Basic credentials");
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| bad())?;
    let text = String::from_utf8(decoded).map_err(|_| bad())?;
    let (id, secret) = text.split_once(':').ok_or_else(bad)?;
    let unescape = |part: &str| {
        url::form_urlencoded::parse(format!("x={part}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Ok((unescape(id), unescape(secret)))
}

/// The bearer token of a resource request: `Authorization: Bearer …` (RFC 6750 §2.1), or the
/// forms some providers also take (GitHub's `token …`, Graph's `access_token` parameter).
pub fn bearer_token(headers: &HeaderMap, params: Option<&Params>) -> Option<String> {
    let header = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if let Some(value) = header {
        let (scheme, token) = value.split_once(' ')?;
        let known = scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("token");
        return known
            .then(|| token.trim().to_owned())
            .filter(|t| !t.is_empty());
    }
    params?.get("access_token").map(str::to_owned)
}

/// A revocation or introspection request: the authenticated client's id and the `token`.
/// `audiences` are what a client assertion's `aud` may be.
pub fn client_and_token(
    store: &mut AuthStore,
    audiences: &[String],
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(String, String), OAuthError> {
    let params = Params::from_request(None, headers, body)?;
    let credentials = ClientCredentials::from_request(headers, &params)?;
    credentials.authenticate(store, audiences)?;
    Ok((credentials.client_id, params.require("token")?.to_owned()))
}

/// Splits a scope parameter on the personality's separator (and spaces, which all accept).
pub fn split_scopes(personality: Personality, scope: Option<&str>) -> Vec<String> {
    let separator = personality.scope_separator();
    let mut scopes: Vec<String> = Vec::new();
    for part in scope.unwrap_or_default().split([separator, ' ']) {
        if !part.is_empty() && !scopes.iter().any(|s| s == part) {
            scopes.push(part.to_owned());
        }
    }
    scopes
}

pub fn join_scopes(personality: Personality, scopes: &[String]) -> String {
    scopes.join(&personality.scope_separator().to_string())
}
