//! The client side of every request to a provider, written once: the OAuth client that
//! openidconnect drives (authorization URL, code exchange, refresh), client authentication on
//! the requests Grantry builds itself (revocation, introspection, GitHub's grant deletion,
//! pushed authorization requests), and what a token endpoint's refusal means.
//!
//! `secret` throughout is the environment's credential as the engine read it from the
//! keyring: the client secret, or, for `private_key_jwt`, the environment's private key, which
//! is never sent; it signs a fresh assertion for each request (`client_assertion.rs`).

use openidconnect::core::{CoreClient, CoreErrorResponseType};
use openidconnect::http::Request;
use openidconnect::{
    AuthType, AuthUrl, ClientId, ClientSecret, EndpointNotSet, EndpointSet, HttpRequest, IssuerUrl,
    RedirectUrl, RequestTokenError, StandardErrorResponse, TokenUrl,
};

use super::discovery::Endpoints;
use super::http::HttpError;
use crate::error::Error;
use crate::providers::{ClientAuth, Environment};
use crate::secret::Secret;

/// The OAuth client with its authorization and token endpoints set.
pub(crate) type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
    EndpointNotSet,
>;

/// A token endpoint's failure, as openidconnect reports it.
pub(crate) type TokenError =
    RequestTokenError<HttpError, StandardErrorResponse<CoreErrorResponseType>>;

/// The client for an environment. `redirect_uri` is needed for the authorization request and
/// the code exchange (RFC 6749 §4.1.3), not for a refresh.
pub(crate) fn client(
    env: &Environment,
    endpoints: &Endpoints,
    secret: Option<&Secret<String>>,
    redirect_uri: Option<&str>,
) -> Result<Client, Error> {
    // Plain OAuth 2 providers have no issuer; the client needs one, and never uses it there.
    let issuer = endpoints
        .issuer
        .clone()
        .unwrap_or_else(|| endpoints.authorization.origin().ascii_serialization());
    let issuer = IssuerUrl::new(issuer).map_err(|e| Error::InvalidInput(e.to_string()))?;
    let mut client = CoreClient::new(
        ClientId::new(env.client_id.clone()),
        issuer,
        endpoints.jwks.clone(),
    )
    .set_auth_uri(AuthUrl::from_url(endpoints.authorization.clone()))
    .set_token_uri(TokenUrl::from_url(endpoints.token.clone()))
    .set_auth_type(match env.client_auth {
        // A private_key_jwt client sends its client_id in the body, its assertion beside it
        // (`client_assertion::params`, added to each request).
        ClientAuth::SecretPost | ClientAuth::None | ClientAuth::PrivateKeyJwt => {
            AuthType::RequestBody
        }
        ClientAuth::SecretBasic => AuthType::BasicAuth,
    });
    if let Some(redirect_uri) = redirect_uri {
        let redirect = RedirectUrl::new(redirect_uri.to_owned())
            .map_err(|e| Error::InvalidInput(format!("redirect URI {redirect_uri:?}: {e}")))?;
        client = client.set_redirect_uri(redirect);
    }
    if let Some(secret) = secret.filter(|_| env.needs_secret()) {
        client = client.set_client_secret(ClientSecret::new(secret.expose().clone()));
    }
    if endpoints.issuer.is_none() {
        client = client.disable_openid_scope();
    }
    Ok(client)
}

/// `Authorization: Basic …` for a client id and secret, each part form-encoded first
/// (RFC 6749 §2.3.1).
pub(crate) fn basic_authorization(client_id: &str, secret: &Secret<String>) -> String {
    use base64::Engine;
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let credentials = format!("{}:{}", encode(client_id), encode(secret.expose()));
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(credentials)
    )
}

/// A form POST to one of the provider's endpoints with the client's authentication: Basic,
/// or the secret in the body, or a fresh client assertion, or, for a public client, only its
/// `client_id`.
pub(crate) fn form_post(
    env: &Environment,
    secret: Option<&Secret<String>>,
    endpoint: &url::Url,
    params: &[(&str, &str)],
) -> Result<HttpRequest, Error> {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.extend_pairs(params);
    let mut request = Request::builder()
        .method("POST")
        .uri(endpoint.as_str())
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json");
    match (env.client_auth, secret) {
        (ClientAuth::SecretBasic, Some(secret)) => {
            request = request.header("authorization", basic_authorization(&env.client_id, secret));
        }
        (ClientAuth::SecretPost, Some(secret)) => {
            form.append_pair("client_id", &env.client_id);
            form.append_pair("client_secret", secret.expose());
        }
        (ClientAuth::PrivateKeyJwt, key) => {
            form.append_pair("client_id", &env.client_id);
            form.extend_pairs(super::client_assertion::params(env, key)?);
        }
        _ => {
            form.append_pair("client_id", &env.client_id);
        }
    }
    request
        .body(form.finish().into_bytes())
        .map_err(|e| Error::Internal(format!("a request could not be built: {e}")))
}

/// What a failed token request means for the person: the provider's refusal, an unreachable
/// provider, or an answer of the wrong shape.
pub(crate) fn token_error(provider: &str, error: TokenError) -> Error {
    match error {
        RequestTokenError::ServerResponse(response) => Error::ProviderRefused {
            provider: provider.to_owned(),
            error: response.error().to_string(),
            description: response.error_description().cloned(),
        },
        RequestTokenError::Request(source) => Error::Unreachable {
            provider: provider.to_owned(),
            source,
        },
        RequestTokenError::Parse(error, _body) => Error::MalformedResponse {
            provider: provider.to_owned(),
            reason: format!("its token response is not of the expected shape: {error}"),
        },
        RequestTokenError::Other(reason) => Error::MalformedResponse {
            provider: provider.to_owned(),
            reason,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_authorization_form_encodes_each_part() {
        let header = basic_authorization("a:b", &Secret::new("s p".to_owned()));
        use base64::Engine;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(header.trim_start_matches("Basic "))
            .expect("base64");
        assert_eq!(decoded, b"a%3Ab:s+p");
    }
}
