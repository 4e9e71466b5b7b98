//! Revoking access at the provider (V1, RFC 7009 §2.1): the refresh token (which ends the
//! grant) or, without one, the access token, with the client's authentication. oauth2's own
//! revocation refuses http endpoints, which rules out loopback sandboxes, so the request is
//! made here; it is small.

use openidconnect::HttpRequest;
use openidconnect::http::{Request, StatusCode};

use crate::error::Error;
use crate::http::Http;
use crate::link::Endpoints;
use crate::provider::{ClientAuth, Environment, Revocation};
use crate::secret::Secret;
use crate::tokens::TokenSet;

/// Why a revocation did not go through.
pub enum Failure {
    /// The provider could not be reached or is failing: keep the tokens and try again later.
    Retry(Error),
    /// The provider refused, or cannot revoke at all: tell the person.
    Refused(Error),
}

/// A form POST to one of the provider's endpoints with the client's authentication (RFC 6749
/// §2.3.1): Basic with each part form-encoded, or the secret in the body, or, for a public
/// client, only its `client_id`. Shared by revocation and introspection.
pub(crate) fn authenticated_post(
    env: &Environment,
    secret: Option<&Secret<String>>,
    endpoint: &url::Url,
    params: &[(&str, &str)],
) -> Result<HttpRequest, Error> {
    use base64::Engine;
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.extend_pairs(params);
    let mut request = Request::builder()
        .method("POST")
        .uri(endpoint.as_str())
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json");
    match (env.client_auth, secret) {
        (ClientAuth::SecretBasic, Some(secret)) => {
            let encode =
                |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            let credentials = format!("{}:{}", encode(&env.client_id), encode(secret.expose()));
            let basic = base64::engine::general_purpose::STANDARD.encode(credentials);
            request = request.header("authorization", format!("Basic {basic}"));
        }
        (ClientAuth::SecretPost, Some(secret)) => {
            form.append_pair("client_id", &env.client_id);
            form.append_pair("client_secret", secret.expose());
        }
        _ => {
            form.append_pair("client_id", &env.client_id);
        }
    }
    request
        .body(form.finish().into_bytes())
        .map_err(|e| Error::InvalidInput(e.to_string()))
}

/// GitHub's `DELETE /applications/{client_id}/grant`, authenticated with the client's
/// credentials (Basic), naming the token in a JSON body.
fn github_grant(
    env: &Environment,
    secret: Option<&Secret<String>>,
    endpoint: &url::Url,
    tokens: &TokenSet,
) -> Result<HttpRequest, Error> {
    use base64::Engine;
    let secret = secret.ok_or_else(|| {
        Error::InvalidInput(
            "GitHub revocation needs the client secret (client_auth = \"secret_basic\")".into(),
        )
    })?;
    let url = endpoint
        .as_str()
        .replace("%7Bclient_id%7D", &env.client_id)
        .replace("{client_id}", &env.client_id);
    let credentials = format!("{}:{}", env.client_id, secret.expose());
    let body = serde_json::json!({"access_token": tokens.access_token.expose()});
    Request::builder()
        .method("DELETE")
        .uri(url)
        .header(
            "authorization",
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(credentials)
            ),
        )
        .header("accept", "application/vnd.github+json")
        .header("content-type", "application/json")
        .body(body.to_string().into_bytes())
        .map_err(|e| Error::InvalidInput(e.to_string()))
}

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
    let request = match env.revocation {
        Revocation::Rfc7009 => {
            let (token, hint) = match &tokens.refresh_token {
                Some(refresh) => (refresh.expose().as_str(), "refresh_token"),
                None => (tokens.access_token.expose().as_str(), "access_token"),
            };
            authenticated_post(
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
            .map_err(|e| Error::InvalidInput(e.to_string())),
        Revocation::GithubGrant => github_grant(env, secret, endpoint, tokens),
    }
    .map_err(Failure::Refused)?;
    let response = http.send(request).await.map_err(|source| {
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
