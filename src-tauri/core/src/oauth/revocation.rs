//! Taking access back at the provider: RFC 7009 §2.1 (the refresh token, which ends the
//! grant, or without one the access token, with the client's authentication), Facebook
//! Graph's `DELETE /me/permissions`, or GitHub's grant deletion, as the environment says.
//! oauth2's own revocation refuses http endpoints, which rules out loopback sandboxes, so the
//! request is made here; it is small.

use openidconnect::HttpRequest;
use openidconnect::http::{Request, StatusCode};

use super::client::{basic_authorization, form_post};
use super::discovery::Endpoints;
use super::dpop::Dpop;
use super::http::Http;
use crate::error::Error;
use crate::providers::{Environment, Revocation};
use crate::secret::{Secret, TokenSet};

/// Why a revocation did not go through.
pub enum Failure {
    /// The provider could not be reached or is failing: keep the tokens and try again later.
    Retry(Error),
    /// The provider refused, or cannot revoke at all: tell the person.
    Refused(Error),
}

/// GitHub's `DELETE /applications/{client_id}/grant`, authenticated with the client's
/// credentials (Basic), naming the token in a JSON body.
fn github_grant(
    env: &Environment,
    secret: Option<&Secret<String>>,
    endpoint: &url::Url,
    tokens: &TokenSet,
) -> Result<HttpRequest, Error> {
    // Only a client secret goes into Basic: a private_key_jwt key is never sent.
    let secret = secret.filter(|_| env.needs_secret()).ok_or_else(|| {
        Error::InvalidInput(
            "GitHub revocation needs the client secret (client_auth = \"secret_basic\")".into(),
        )
    })?;
    let url = endpoint
        .as_str()
        .replace("%7Bclient_id%7D", &env.client_id)
        .replace("{client_id}", &env.client_id);
    let body = serde_json::json!({"access_token": tokens.access_token.expose()});
    Request::builder()
        .method("DELETE")
        .uri(url)
        .header("authorization", basic_authorization(&env.client_id, secret))
        .header("accept", "application/vnd.github+json")
        .header("content-type", "application/json")
        .body(body.to_string().into_bytes())
        .map_err(|e| Error::Internal(format!("a request could not be built: {e}")))
}

/// Asks the provider to revoke the account's grant.
pub async fn revoke(
    http: &Http,
    env: &Environment,
    endpoints: &Endpoints,
    secret: Option<&Secret<String>>,
    provider: &str,
    tokens: &TokenSet,
) -> Result<(), Failure> {
    let Some(endpoint) = &endpoints.revocation else {
        return Err(Failure::Refused(Error::InvalidInput(format!(
            "{provider} has no revocation endpoint: revoke access on its website, then use \
             `grantry forget` to remove the account here"
        ))));
    };
    let build = || match env.revocation {
        Revocation::Rfc7009 | Revocation::Google => {
            let (token, hint) = match &tokens.refresh_token {
                Some(refresh) => (refresh.expose().as_str(), "refresh_token"),
                None => (tokens.access_token.expose().as_str(), "access_token"),
            };
            form_post(
                env,
                secret,
                endpoint,
                &[("token", token), ("token_type_hint", hint)],
            )
        }
        Revocation::GraphPermissions => Request::builder()
            .method("DELETE")
            .uri(endpoint.as_str())
            .header(
                "authorization",
                format!("Bearer {}", tokens.access_token.expose()),
            )
            .header("accept", "application/json")
            .body(Vec::new())
            .map_err(|e| Error::Internal(format!("a request could not be built: {e}"))),
        Revocation::GithubGrant => github_grant(env, secret, endpoint, tokens),
        Revocation::Unsupported => Err(Error::InvalidInput(format!(
            "{provider} offers no way to revoke a token"
        ))),
    };
    // Tokens bound to a key are revoked with a proof of it (RFC 9449 §5 lets a provider ask).
    let bound = match env.revocation {
        Revocation::Rfc7009 | Revocation::Google => Dpop::of(tokens).map_err(Failure::Refused)?,
        _ => None,
    };
    let sent = match &bound {
        Some(dpop) => dpop
            .send_built(http, build, None)
            .await
            .map_err(Failure::Refused)?,
        None => http.send(build().map_err(Failure::Refused)?).await,
    };
    let response = sent.map_err(|source| {
        Failure::Retry(Error::Unreachable {
            provider: provider.to_owned(),
            source,
        })
    })?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let body: serde_json::Value = serde_json::from_slice(response.body()).unwrap_or_default();
    let error = body["error"].as_str().map(str::to_owned);
    if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS || error.is_none() {
        return Err(Failure::Retry(Error::MalformedResponse {
            provider: provider.to_owned(),
            reason: format!("its revocation endpoint answered HTTP {status}"),
        }));
    }
    Err(Failure::Refused(Error::ProviderRefused {
        provider: provider.to_owned(),
        error: error.unwrap_or_default(),
        description: body["error_description"].as_str().map(str::to_owned),
    }))
}
