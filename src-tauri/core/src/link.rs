//! Linking an account (L1 custom-scheme deep link, L2 loopback): the authorization request
//! with PKCE S256, `state` and `nonce`; the pending request, single use, bound to provider,
//! environment and redirect URI, expiring after 10 minutes; and, when the provider answers,
//! the checks (`state` in constant time, RFC 9207 `iss`, errors such as `access_denied`), the
//! code exchange, ID token validation (JWKS refetched once on an unknown key), the profile from
//! the provider, and storage: tokens into the keyring first, then the account's metadata.

use std::sync::Arc;

use openidconnect::core::{
    CoreAuthDisplay, CoreAuthenticationFlow, CoreClaimName, CoreClaimType, CoreClient,
    CoreClientAuthMethod, CoreGrantType, CoreIdTokenVerifier, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm, CoreJwsSigningAlgorithm,
    CoreResponseMode, CoreResponseType, CoreSubjectIdentifierType,
};
use openidconnect::{
    AdditionalProviderMetadata, AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret,
    CsrfToken, EndpointNotSet, EndpointSet, IssuerUrl, JsonWebKeySet, JsonWebKeySetUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, ProviderMetadata, RedirectUrl,
    RequestTokenError, Scope, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use url::Url;

use crate::callback::{Callback, Outcome};
use crate::error::Error;
use crate::http::Http;
use crate::model::{AccountScope, ScopeStatus};
use crate::provider::{ClientAuth, Environment, Provider};
use crate::secret::Secret;
use crate::store::NewAccount;
use crate::tokens::TokenSet;

/// How long a started link waits for its answer.
pub const PENDING_LIFETIME: i64 = 600;

/// The discovery fields `CoreProviderMetadata` lacks.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct ExtraMetadata {
    #[serde(default)]
    revocation_endpoint: Option<String>,
    #[serde(default)]
    introspection_endpoint: Option<String>,
    #[serde(default)]
    authorization_response_iss_parameter_supported: Option<bool>,
}

impl AdditionalProviderMetadata for ExtraMetadata {}

type Metadata = ProviderMetadata<
    ExtraMetadata,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
    EndpointNotSet,
>;

/// An environment's endpoints, from discovery or from its configuration.
#[derive(Debug, Clone)]
pub struct Endpoints {
    /// `None` for plain OAuth 2 providers (no ID tokens, no `iss` to check).
    pub issuer: Option<String>,
    pub authorization: Url,
    pub token: Url,
    pub userinfo: Option<Url>,
    pub revocation: Option<Url>,
    pub introspection: Option<Url>,
    pub jwks_uri: Option<Url>,
    pub jwks: JsonWebKeySet<CoreJsonWebKey>,
    /// The provider promised RFC 9207 `iss` in every authorization response.
    pub iss_parameter_supported: bool,
    /// The algorithms the provider signs ID tokens with (discovery); RS256 when unknown.
    pub id_token_algs: Vec<CoreJwsSigningAlgorithm>,
}

fn parse_endpoint(provider: &str, what: &str, value: &str) -> Result<Url, Error> {
    let url = Url::parse(value).map_err(|e| Error::MalformedResponse {
        provider: provider.to_owned(),
        reason: format!("{what} {value:?} is not a URL: {e}"),
    })?;
    crate::provider::check_url(&url).map_err(|reason| Error::MalformedResponse {
        provider: provider.to_owned(),
        reason: format!("{what}: {reason}"),
    })?;
    Ok(url)
}

/// Finds an environment's endpoints: discovery when it has an issuer (the issuer must match
/// exactly), with configured endpoints taking precedence; the configuration alone otherwise.
pub async fn resolve(http: &Http, provider: &str, env: &Environment) -> Result<Endpoints, Error> {
    let Some(issuer) = &env.issuer else {
        let missing = |what: &str| Error::InvalidInput(format!("{provider}: no {what}"));
        return Ok(Endpoints {
            issuer: None,
            authorization: env
                .authorization_endpoint
                .clone()
                .ok_or_else(|| missing("authorization_endpoint"))?,
            token: env
                .token_endpoint
                .clone()
                .ok_or_else(|| missing("token_endpoint"))?,
            userinfo: env.userinfo_endpoint.clone(),
            revocation: env.revocation_endpoint.clone(),
            introspection: env.introspection_endpoint.clone(),
            jwks_uri: env.jwks_uri.clone(),
            jwks: JsonWebKeySet::new(Vec::new()),
            iss_parameter_supported: false,
            id_token_algs: vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256],
        });
    };
    let issuer_url = IssuerUrl::new(issuer.clone())
        .map_err(|e| Error::InvalidInput(format!("{provider}: issuer {issuer:?}: {e}")))?;
    let metadata = Metadata::discover_async(issuer_url, http)
        .await
        .map_err(|error| discovery_error(provider, issuer, error))?;
    let extra = metadata.additional_metadata().clone();
    let optional = |configured: &Option<Url>, discovered: Option<String>, what: &str| match (
        configured, discovered,
    ) {
        (Some(url), _) => Ok(Some(url.clone())),
        (None, Some(value)) => parse_endpoint(provider, what, &value).map(Some),
        (None, None) => Ok(None),
    };
    let token = match (&env.token_endpoint, metadata.token_endpoint()) {
        (Some(url), _) => url.clone(),
        (None, Some(url)) => parse_endpoint(provider, "token_endpoint", url.as_str())?,
        (None, None) => {
            return Err(Error::MalformedResponse {
                provider: provider.to_owned(),
                reason: "the discovery document has no token_endpoint".into(),
            });
        }
    };
    Ok(Endpoints {
        issuer: Some(issuer.clone()),
        authorization: match &env.authorization_endpoint {
            Some(url) => url.clone(),
            None => parse_endpoint(
                provider,
                "authorization_endpoint",
                metadata.authorization_endpoint().as_str(),
            )?,
        },
        token,
        userinfo: optional(
            &env.userinfo_endpoint,
            metadata.userinfo_endpoint().map(|u| u.to_string()),
            "userinfo_endpoint",
        )?,
        revocation: optional(
            &env.revocation_endpoint,
            extra.revocation_endpoint,
            "revocation_endpoint",
        )?,
        introspection: optional(
            &env.introspection_endpoint,
            extra.introspection_endpoint,
            "introspection_endpoint",
        )?,
        jwks_uri: Some(parse_endpoint(
            provider,
            "jwks_uri",
            metadata.jwks_uri().as_str(),
        )?),
        jwks: metadata.jwks().clone(),
        iss_parameter_supported: extra
            .authorization_response_iss_parameter_supported
            .unwrap_or(false),
        // `none` is never acceptable, whatever the document says (OIDC Core §3.1.3.7).
        id_token_algs: metadata
            .id_token_signing_alg_values_supported()
            .iter()
            .filter(|alg| **alg != CoreJwsSigningAlgorithm::None)
            .cloned()
            .collect(),
    })
}

fn discovery_error(
    provider: &str,
    issuer: &str,
    error: openidconnect::DiscoveryError<crate::http::HttpError>,
) -> Error {
    use openidconnect::DiscoveryError as D;
    match error {
        D::Request(source) => Error::Unreachable {
            provider: provider.to_owned(),
            source,
        },
        D::Validation(reason) => {
            // openidconnect reports an issuer mismatch as a validation error naming both.
            let found = reason
                .split('`')
                .nth(3)
                .map_or_else(|| reason.clone(), str::to_owned);
            Error::IssuerMismatch {
                provider: provider.to_owned(),
                expected: issuer.to_owned(),
                found,
            }
        }
        D::Response(status, _, _) => Error::MalformedResponse {
            provider: provider.to_owned(),
            reason: format!("discovery answered HTTP {status}"),
        },
        D::Parse(e) => Error::MalformedResponse {
            provider: provider.to_owned(),
            reason: format!("the discovery document is not valid: {e}"),
        },
        other => Error::MalformedResponse {
            provider: provider.to_owned(),
            reason: other.to_string(),
        },
    }
}

fn client(
    env: &Environment,
    endpoints: &Endpoints,
    secret: Option<&Secret<String>>,
    redirect_uri: &str,
) -> Result<Client, Error> {
    // Plain OAuth 2 providers have no issuer; the client needs one, and never uses it there.
    let issuer = endpoints
        .issuer
        .clone()
        .unwrap_or_else(|| endpoints.authorization.origin().ascii_serialization());
    let issuer = IssuerUrl::new(issuer).map_err(|e| Error::InvalidInput(e.to_string()))?;
    let redirect = RedirectUrl::new(redirect_uri.to_owned())
        .map_err(|e| Error::InvalidInput(format!("redirect URI {redirect_uri:?}: {e}")))?;
    let mut client = CoreClient::new(
        ClientId::new(env.client_id.clone()),
        issuer,
        endpoints.jwks.clone(),
    )
    .set_auth_uri(AuthUrl::from_url(endpoints.authorization.clone()))
    .set_token_uri(TokenUrl::from_url(endpoints.token.clone()))
    .set_redirect_uri(redirect)
    .set_auth_type(match env.client_auth {
        ClientAuth::SecretPost | ClientAuth::None => AuthType::RequestBody,
        ClientAuth::SecretBasic => AuthType::BasicAuth,
    });
    if let Some(secret) = secret {
        client = client.set_client_secret(ClientSecret::new(secret.expose().clone()));
    }
    if endpoints.issuer.is_none() {
        client = client.disable_openid_scope();
    }
    Ok(client)
}

/// A started link, waiting for the provider's answer.
pub struct Pending {
    pub state: String,
    /// Where the person was sent, to send them there again.
    pub authorization_url: String,
    nonce: Nonce,
    verifier: PkceCodeVerifier,
    pub provider: String,
    pub environment: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub started_at: i64,
    endpoints: Arc<Endpoints>,
}

/// What the caller needs to send the person to the provider.
#[derive(Debug, Clone, Serialize)]
pub struct Started {
    pub authorization_url: String,
    pub redirect_uri: String,
    pub state: String,
    pub expires_at: i64,
}

/// Builds the authorization request and the pending link that will check its answer.
pub fn start(
    provider: &Provider,
    env: &Environment,
    endpoints: Arc<Endpoints>,
    scopes: Vec<String>,
    redirect_uri: &str,
    now: i64,
) -> Result<(Started, Pending), Error> {
    let client = client(env, &endpoints, None, redirect_uri)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge);
    // With an issuer the client adds `openid` itself; without one, it is asked like any other.
    let automatic = endpoints.issuer.is_some();
    for scope in scopes
        .iter()
        .filter(|s| !(automatic && s.as_str() == "openid"))
    {
        request = request.add_scope(Scope::new(scope.clone()));
    }
    for (key, value) in &env.extra_params {
        request = request.add_extra_param(key.clone(), value.clone());
    }
    let (url, state, nonce) = request.url();
    let started = Started {
        authorization_url: url.to_string(),
        redirect_uri: redirect_uri.to_owned(),
        state: state.secret().clone(),
        expires_at: now + PENDING_LIFETIME,
    };
    let pending = Pending {
        state: state.secret().clone(),
        authorization_url: started.authorization_url.clone(),
        nonce,
        verifier,
        provider: provider.id.to_string(),
        environment: env.name.clone(),
        redirect_uri: redirect_uri.to_owned(),
        scopes,
        started_at: now,
        endpoints,
    };
    Ok((started, pending))
}

/// Takes the pending link this callback answers out of `pending` (so it is used once), or says
/// why the callback is refused. `state` is compared in constant time.
pub fn claim(pending: &mut Vec<Pending>, callback: &Callback, now: i64) -> Result<Pending, String> {
    pending.retain(|p| now - p.started_at <= PENDING_LIFETIME * 6);
    let index = pending
        .iter()
        .position(|p| bool::from(p.state.as_bytes().ct_eq(callback.state.as_bytes())))
        .ok_or("it answers no sign-in Grantry started, or one already answered")?;
    let found = pending.remove(index);
    if now - found.started_at > PENDING_LIFETIME {
        return Err("the sign-in expired (10 minutes); start it again".into());
    }
    if callback.target != found.redirect_uri {
        return Err(format!(
            "it arrived at {:?}, but the sign-in was sent to {:?}",
            callback.target, found.redirect_uri
        ));
    }
    match (&callback.iss, &found.endpoints.issuer) {
        (Some(iss), Some(expected)) if iss != expected => {
            return Err(format!(
                "it comes from the issuer {iss:?}, not {expected:?} (mix-up defence, RFC 9207)"
            ));
        }
        (None, Some(_)) if found.endpoints.iss_parameter_supported => {
            return Err("the provider promised an `iss` parameter and it is missing".into());
        }
        _ => {}
    }
    Ok(found)
}

/// What a completed link learnt: the account to store and its tokens.
pub struct Linked {
    pub account: NewAccount,
    pub tokens: TokenSet,
}

/// Exchanges the code of an answered link and gathers the account: ID token, profile, scopes.
pub async fn complete(
    http: &Http,
    env: &Environment,
    secret: Option<&Secret<String>>,
    pending: Pending,
    callback: &Callback,
    now: i64,
) -> Result<Linked, Error> {
    let provider = pending.provider.clone();
    let code = match &callback.outcome {
        Outcome::Code(code) => code.clone(),
        Outcome::Error { error, description } if error == "access_denied" => {
            return Err(Error::ConsentDenied {
                provider,
                description: description.clone(),
            });
        }
        Outcome::Error { error, description } => {
            return Err(Error::ProviderRefused {
                provider,
                error: error.clone(),
                description: description.clone(),
            });
        }
    };
    let mut endpoints = (*pending.endpoints).clone();
    let client = client(env, &endpoints, secret, &pending.redirect_uri)?;
    let response = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(pending.verifier)
        .request_async(http)
        .await
        .map_err(|error| token_error(&provider, error))?;

    let granted: Vec<String> = match response.scopes() {
        Some(scopes) => scopes.iter().map(|s| s.to_string()).collect(),
        None => pending.scopes.clone(),
    };
    let mut subject = None;
    let mut profile = Profile::default();
    // Without an issuer there is no way to check an ID token's origin: such providers are
    // plain OAuth 2, and the profile comes from their profile endpoint instead.
    let id_token = response.id_token().filter(|_| endpoints.issuer.is_some());
    if let Some(id_token) = id_token {
        let mut verified = id_token
            .claims(&verifier(env, &endpoints)?, &pending.nonce)
            .cloned();
        if matches!(
            &verified,
            Err(
                openidconnect::ClaimsVerificationError::SignatureVerification(
                    openidconnect::SignatureVerificationError::NoMatchingKey
                )
            )
        ) && let Some(jwks_uri) = &endpoints.jwks_uri
        {
            // The provider may have rotated its keys since discovery: fetch them once more.
            let url = JsonWebKeySetUrl::from_url(jwks_uri.clone());
            endpoints.jwks = JsonWebKeySet::fetch_async(&url, http).await.map_err(|e| {
                Error::MalformedResponse {
                    provider: provider.clone(),
                    reason: format!("cannot fetch its signing keys: {e}"),
                }
            })?;
            verified = id_token
                .claims(&verifier(env, &endpoints)?, &pending.nonce)
                .cloned();
        }
        let claims = verified.map_err(|e| {
            let cause = std::error::Error::source(&e)
                .map(|c| format!(" ({c})"))
                .unwrap_or_default();
            Error::MalformedResponse {
                provider: provider.clone(),
                reason: format!("its ID token is not valid: {e}{cause}"),
            }
        })?;
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
    } else if pending.scopes.iter().any(|s| s == "openid") && endpoints.issuer.is_some() {
        return Err(Error::MalformedResponse {
            provider,
            reason: "openid was requested but no ID token came back".into(),
        });
    }
    let access_token = response.access_token().secret().clone();
    if let Some(userinfo) = &endpoints.userinfo {
        let fetched = fetch_profile(http, &provider, userinfo, &access_token).await?;
        match (&subject, &fetched.subject) {
            (Some(expected), Some(found)) if expected != found => {
                return Err(Error::MalformedResponse {
                    provider,
                    reason: "the profile belongs to another subject than the ID token".into(),
                });
            }
            _ => {}
        }
        subject = subject.or(fetched.subject);
        profile = Profile {
            name: fetched.name.or(profile.name),
            email: fetched.email.or(profile.email),
            picture: fetched.picture.or(profile.picture),
            subject: None,
        };
    }
    let subject = subject.ok_or_else(|| Error::MalformedResponse {
        provider: provider.clone(),
        reason: "it told neither in an ID token nor in a profile who signed in".into(),
    })?;
    let expires_at = response
        .expires_in()
        .map(|d| now + i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 2));
    let mut scopes: Vec<AccountScope> = granted
        .iter()
        .map(|scope| AccountScope {
            scope: scope.clone(),
            description: crate::scopes::describe(scope).map(str::to_owned),
            status: ScopeStatus::Granted,
            source: if response.scopes().is_some() {
                "token_response"
            } else {
                "requested"
            }
            .into(),
            checked_at: now,
        })
        .collect();
    for scope in pending.scopes.iter().filter(|s| !granted.contains(s)) {
        scopes.push(AccountScope {
            scope: scope.clone(),
            description: crate::scopes::describe(scope).map(str::to_owned),
            status: ScopeStatus::Declined,
            source: "token_response".into(),
            checked_at: now,
        });
    }
    let refresh_token = response
        .refresh_token()
        .map(|t| Secret::new(t.secret().clone()));
    Ok(Linked {
        account: NewAccount {
            provider: pending.provider,
            environment: pending.environment,
            subject,
            display_name: profile.name,
            email: profile.email,
            picture_url: profile.picture,
            access_expires_at: expires_at,
            has_refresh_token: refresh_token.is_some(),
            scopes,
        },
        tokens: TokenSet {
            access_token: Secret::new(access_token),
            refresh_token,
            id_token: id_token.map(|t| Secret::new(t.to_string())),
            expires_at,
        },
    })
}

/// An ID token verifier with the current keys and the provider's signing algorithms: it
/// checks the signature, `iss`, `aud`, `exp` and `iat` (the nonce is checked by the caller).
pub(crate) fn verifier(
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

type TokenError = RequestTokenError<
    crate::http::HttpError,
    openidconnect::StandardErrorResponse<openidconnect::core::CoreErrorResponseType>,
>;

fn token_error(provider: &str, error: TokenError) -> Error {
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

#[derive(Default)]
struct Profile {
    subject: Option<String>,
    name: Option<String>,
    email: Option<String>,
    picture: Option<String>,
}

/// The profile from the resource server (OIDC userinfo; Graph-style `id` for subject).
async fn fetch_profile(
    http: &Http,
    provider: &str,
    url: &Url,
    token: &str,
) -> Result<Profile, Error> {
    let response = http
        .get_bearer(url, token)
        .await
        .map_err(|source| Error::Unreachable {
            provider: provider.to_owned(),
            source,
        })?;
    let malformed = |reason: String| Error::MalformedResponse {
        provider: provider.to_owned(),
        reason,
    };
    if !response.status().is_success() {
        return Err(malformed(format!(
            "its profile endpoint answered HTTP {}",
            response.status()
        )));
    }
    let json: serde_json::Value = serde_json::from_slice(response.body())
        .map_err(|e| malformed(format!("its profile is not JSON: {e}")))?;
    let text = |key: &str| json.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    // GitHub's `id` is a number; Graph's a string.
    let id = json.get("id").and_then(|v| match v {
        serde_json::Value::Number(n) => Some(n.to_string()),
        other => other.as_str().map(str::to_owned),
    });
    Ok(Profile {
        subject: text("sub").or(id),
        name: text("name"),
        email: text("email"),
        picture: text("picture"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(state: &str, started_at: i64) -> Pending {
        let issuer = "http://127.0.0.1:1".to_owned();
        let url = Url::parse("http://127.0.0.1:1/x").expect("url");
        Pending {
            state: state.into(),
            authorization_url: String::new(),
            nonce: Nonce::new("n".into()),
            verifier: PkceCodeVerifier::new("v".repeat(43)),
            provider: "sandbox".into(),
            environment: "local".into(),
            redirect_uri: "dev.grantry:/oauth/callback".into(),
            scopes: vec!["openid".into()],
            started_at,
            endpoints: Arc::new(Endpoints {
                issuer: Some(issuer),
                authorization: url.clone(),
                token: url,
                userinfo: None,
                revocation: None,
                introspection: None,
                jwks_uri: None,
                jwks: JsonWebKeySet::new(Vec::new()),
                iss_parameter_supported: true,
                id_token_algs: Vec::new(),
            }),
        }
    }

    fn callback(query: &str) -> Callback {
        Callback::parse(&format!("dev.grantry:/oauth/callback?{query}")).expect("parses")
    }

    #[test]
    fn an_expired_sign_in_is_refused_and_used_up() {
        let mut waiting = vec![pending("s1", 1_000)];
        let late = callback("code=c&state=s1&iss=http%3A%2F%2F127.0.0.1%3A1");
        let error = claim(&mut waiting, &late, 1_000 + PENDING_LIFETIME + 1)
            .err()
            .expect("expired");
        assert!(error.contains("expired"), "{error}");
        assert!(
            waiting.is_empty(),
            "an expired sign-in cannot be tried again"
        );
    }

    #[test]
    fn state_must_match_and_iss_must_come_when_promised() {
        let mut waiting = vec![pending("s1", 1_000)];
        let other = callback("code=c&state=s2&iss=http%3A%2F%2F127.0.0.1%3A1");
        assert!(claim(&mut waiting, &other, 1_001).is_err());
        assert_eq!(waiting.len(), 1, "a wrong state uses nothing up");
        let no_iss = callback("code=c&state=s1");
        let error = claim(&mut waiting, &no_iss, 1_001)
            .err()
            .expect("iss missing");
        assert!(error.contains("iss"), "{error}");
        let mut waiting = vec![pending("s1", 1_000)];
        let good = callback("code=c&state=s1&iss=http%3A%2F%2F127.0.0.1%3A1");
        assert_eq!(
            claim(&mut waiting, &good, 1_001).expect("valid").state,
            "s1"
        );
    }
}
