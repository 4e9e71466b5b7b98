//! Pushed authorization requests (RFC 9126): the authorization request's parameters are sent
//! from Grantry to the provider's `pushed_authorization_request_endpoint`, authenticated as at
//! the token endpoint (§2.1), and the browser is sent only `client_id` and the `request_uri`
//! the provider answered with (§4). Nothing of the request (scopes, PKCE challenge, `state`,
//! `nonce`) then travels through the browser, where other programs could read or change it.
//!
//! Used when the environment asks (`pushed_authorization = true`) or the provider's discovery
//! says `require_pushed_authorization_requests` (§5). The endpoint comes from the environment's
//! configuration, else from discovery.
//!
//! Invariants: the pushed parameters are exactly those the authorization URL would have
//! carried (built once, in `authorize.rs`), less `client_id`, which the client's
//! authentication carries; the browser's URL carries nothing else, so the request cannot be
//! altered there. A `request_uri` is single use at the provider, so a link whose page was
//! opened once cannot be reopened: it is started again.

use url::Url;

use super::client::form_post;
use super::client_assertion;
use super::discovery::Endpoints;
use super::http::Http;
use crate::error::Error;
use crate::providers::Environment;
use crate::secret::Secret;

/// Whether links of this environment push their request first.
pub fn wanted(env: &Environment, endpoints: &Endpoints) -> bool {
    env.pushed_authorization || endpoints.pushed_authorization_required
}

/// Pushes the request of `authorization_url` (built by `authorize::start`) and returns the URL
/// to send the browser to: the authorization endpoint with `client_id` and `request_uri` only.
pub async fn push(
    http: &Http,
    provider: &str,
    env: &Environment,
    endpoints: &Endpoints,
    secret: Option<&Secret<String>>,
    authorization_url: &str,
) -> Result<String, Error> {
    let endpoint = endpoints.pushed_authorization.as_ref().ok_or_else(|| {
        let why = if endpoints.pushed_authorization_required {
            "the provider requires pushed authorization requests (RFC 9126)"
        } else {
            "the environment asks for pushed authorization requests (RFC 9126)"
        };
        Error::InvalidInput(format!(
            "{provider} ({}): {why}, but no pushed authorization request endpoint is known: its \
             discovery document names none; set pushed_authorization_request_endpoint in the \
             environment",
            env.name
        ))
    })?;
    let url = Url::parse(authorization_url)
        .map_err(|e| Error::Internal(format!("the authorization URL is not a URL: {e}")))?;
    // The endpoint's own query (a provider may put one in its authorization endpoint) stays
    // in the browser's URL; the request's parameters are what follows it.
    let own: Vec<(String, String)> = endpoints.authorization.query_pairs().into_owned().collect();
    let request: Vec<(String, String)> = url
        .query_pairs()
        .into_owned()
        .filter(|pair| pair.0 != "client_id" && !own.contains(pair))
        .collect();
    let pairs: Vec<(&str, &str)> = request
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let request = form_post(env, secret, endpoint, &pairs)?;
    let response = http
        .send(request)
        .await
        .map_err(|source| Error::Unreachable {
            provider: provider.to_owned(),
            source,
        })?;
    let request_uri = read_answer(provider, response.status().as_u16(), response.body())
        .map_err(|error| client_assertion::explain(provider, env, error))?;
    Ok(browser_url(
        &endpoints.authorization,
        &env.client_id,
        &request_uri,
    ))
}

/// The `request_uri` of a push's answer (RFC 9126 §2.2: `201` with `request_uri` and
/// `expires_in`; any success with a `request_uri` is taken), or the provider's refusal (§2.3)
/// as it said it.
pub fn read_answer(provider: &str, status: u16, body: &[u8]) -> Result<String, Error> {
    let body: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    if !(200..300).contains(&status) {
        return Err(match body["error"].as_str() {
            Some(error) => Error::ProviderRefused {
                provider: provider.to_owned(),
                error: error.to_owned(),
                description: Some(format!(
                    "at its pushed authorization request endpoint{}",
                    body["error_description"]
                        .as_str()
                        .map(|d| format!(": {d}"))
                        .unwrap_or_default()
                )),
            },
            None => Error::MalformedResponse {
                provider: provider.to_owned(),
                reason: format!("its pushed authorization request endpoint answered HTTP {status}"),
            },
        });
    }
    body["request_uri"]
        .as_str()
        .filter(|uri| !uri.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| Error::MalformedResponse {
            provider: provider.to_owned(),
            reason: "its pushed authorization request answer has no request_uri".into(),
        })
}

/// Where the browser goes for a pushed request: the authorization endpoint (with any query of
/// its own) and only `client_id` and `request_uri` besides (RFC 9126 §4).
pub fn browser_url(authorization: &Url, client_id: &str, request_uri: &str) -> String {
    let mut browser = authorization.clone();
    browser
        .query_pairs_mut()
        .append_pair("client_id", client_id)
        .append_pair("request_uri", request_uri);
    browser.to_string()
}
