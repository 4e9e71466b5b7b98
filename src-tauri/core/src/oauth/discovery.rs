//! Where a provider's endpoints are: OpenID Connect Discovery 1.0 and its issuer check (the
//! discovered `issuer` must equal the configured one byte for byte, §4.3), with endpoints
//! from the provider's configuration taking precedence; or the configuration alone for plain
//! OAuth 2 providers, which have no issuer. Every endpoint must be https, or http on loopback.
//!
//! The document is checked (issuer, every endpoint) before anything it names is fetched: its
//! signing keys (`jwks_uri`) are requested only from a document that passed. Revocation and
//! introspection endpoints missing from it are looked up in the OAuth 2.0 Authorization Server
//! Metadata (RFC 8414 §3), where some servers list them only; that document must name the same
//! issuer, else it is not used.

use openidconnect::core::{
    CoreAuthDisplay, CoreClaimName, CoreClaimType, CoreClientAuthMethod, CoreGrantType,
    CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm,
    CoreJwsSigningAlgorithm, CoreResponseMode, CoreResponseType, CoreSubjectIdentifierType,
};
use openidconnect::{
    AdditionalProviderMetadata, JsonWebKeySet, JsonWebKeySetUrl, ProviderMetadata,
};
use serde::{Deserialize, Serialize};
use url::Url;

use super::http::{Http, get_json};
use crate::error::Error;
use crate::providers::{self, Environment};

/// The discovery fields `CoreProviderMetadata` lacks.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct ExtraMetadata {
    #[serde(default)]
    revocation_endpoint: Option<String>,
    #[serde(default)]
    introspection_endpoint: Option<String>,
    #[serde(default)]
    authorization_response_iss_parameter_supported: Option<bool>,
    #[serde(default)]
    code_challenge_methods_supported: Option<Vec<String>>,
}

impl AdditionalProviderMetadata for ExtraMetadata {}

pub(crate) type Metadata = ProviderMetadata<
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

/// A provider's signing keys (its JWK Set, RFC 7517 §5).
pub type Keys = JsonWebKeySet<CoreJsonWebKey>;

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
    pub jwks: Keys,
    /// The provider promised RFC 9207 `iss` in every authorization response.
    pub iss_parameter_supported: bool,
    /// The algorithms the provider signs ID tokens with (discovery); RS256 when unknown.
    pub id_token_algs: Vec<CoreJwsSigningAlgorithm>,
    /// What the discovery document advertises besides endpoints, to show a person.
    pub advertised: Advertised,
}

/// What a discovery document advertises besides endpoints (empty without one).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Advertised {
    pub scopes: Vec<String>,
    pub code_challenge_methods: Vec<String>,
    pub token_auth_methods: Vec<String>,
}

fn parse_endpoint(provider: &str, what: &str, value: &str) -> Result<Url, Error> {
    let url = Url::parse(value).map_err(|e| Error::MalformedResponse {
        provider: provider.to_owned(),
        reason: format!("{what} {value:?} is not a URL: {e}"),
    })?;
    providers::check_url(&url).map_err(|reason| Error::MalformedResponse {
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
            advertised: Advertised::default(),
        });
    };
    let metadata = openid_metadata(http, provider, issuer).await?;
    let mut extra = metadata.additional_metadata().clone();
    let lacks = |configured: &Option<Url>, discovered: &Option<String>| {
        configured.is_none() && discovered.is_none()
    };
    if (lacks(&env.revocation_endpoint, &extra.revocation_endpoint)
        || lacks(&env.introspection_endpoint, &extra.introspection_endpoint))
        && let Some(server) = server_metadata(http, provider, issuer).await
    {
        extra.complete_from(server);
    }
    let mut endpoints = endpoints_from(provider, issuer, env, &metadata, extra)?;
    // Only now that the whole document passed are the keys it names fetched.
    if let Some(jwks_uri) = &endpoints.jwks_uri {
        endpoints.jwks = fetch_keys(http, provider, jwks_uri).await?;
    }
    Ok(endpoints)
}

/// The endpoints a checked discovery document names for `issuer`, those configured in `env`
/// taking precedence; each must be https, or http on loopback. No keys yet: they are fetched
/// only once this passed. `extra` is the document's own, completed from the authorization
/// server metadata when that had more.
pub(crate) fn endpoints_from(
    provider: &str,
    issuer: &str,
    env: &Environment,
    metadata: &Metadata,
    extra: ExtraMetadata,
) -> Result<Endpoints, Error> {
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
    // Every link sends a PKCE challenge with S256 (RFC 7636 §4.2): a provider that advertises
    // other methods only would ignore it, leaving the code unprotected, or refuse every link
    // (RFC 9700 §2.1.1). Not advertising any says nothing, and is taken as it is.
    if let Some(methods) = &extra.code_challenge_methods_supported
        && !methods.is_empty()
        && !methods.iter().any(|method| method == "S256")
    {
        return Err(Error::MalformedResponse {
            provider: provider.to_owned(),
            reason: format!(
                "it offers PKCE only as {} (code_challenge_methods_supported), not S256, which \
                 Grantry always uses to protect the code (RFC 7636)",
                methods.join(", ")
            ),
        });
    }
    Ok(Endpoints {
        issuer: Some(issuer.to_owned()),
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
        jwks: JsonWebKeySet::new(Vec::new()),
        iss_parameter_supported: extra
            .authorization_response_iss_parameter_supported
            .unwrap_or(false),
        advertised: Advertised {
            scopes: metadata
                .scopes_supported()
                .map(|scopes| scopes.iter().map(|s| s.to_string()).collect())
                .unwrap_or_default(),
            code_challenge_methods: extra.code_challenge_methods_supported.unwrap_or_default(),
            token_auth_methods: metadata
                .token_endpoint_auth_methods_supported()
                .map(|methods| {
                    methods
                        .iter()
                        .filter_map(|m| serde_json::to_value(m).ok())
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
        },
        // `none` is never acceptable, whatever the document says (OIDC Core §3.1.3.7).
        id_token_algs: metadata
            .id_token_signing_alg_values_supported()
            .iter()
            .filter(|alg| **alg != CoreJwsSigningAlgorithm::None)
            .cloned()
            .collect(),
    })
}

/// The provider's signing keys (its JWK Set, RFC 7517 §5), at discovery and again when an ID
/// token names a key not seen yet.
pub(crate) async fn fetch_keys(http: &Http, provider: &str, jwks_uri: &Url) -> Result<Keys, Error> {
    let url = JsonWebKeySetUrl::from_url(jwks_uri.clone());
    JsonWebKeySet::fetch_async(&url, http)
        .await
        .map_err(|e| Error::MalformedResponse {
            provider: provider.to_owned(),
            reason: format!("cannot fetch its signing keys: {e}"),
        })
}

/// The metadata document `well_known` names for an issuer: OpenID Connect Discovery 1.0 §4
/// appends it to the issuer's path; RFC 8414 §3.1 inserts it before the path.
fn well_known(issuer: &str, suffix: &str, inserted: bool) -> Result<Url, Error> {
    let mut url = Url::parse(issuer)
        .map_err(|e| Error::InvalidInput(format!("issuer {issuer:?} is not a URL: {e}")))?;
    let path = url.path().trim_end_matches('/').to_owned();
    url.set_path(&if inserted {
        format!("/.well-known/{suffix}{path}")
    } else {
        format!("{path}/.well-known/{suffix}")
    });
    Ok(url)
}

/// The issuer's OpenID Connect discovery document, whose `issuer` must be `issuer` exactly.
async fn openid_metadata(http: &Http, provider: &str, issuer: &str) -> Result<Metadata, Error> {
    let url = well_known(issuer, "openid-configuration", false)?;
    let document = http
        .json(get_json(&url, None)?, provider, "its discovery document")
        .await?;
    read_openid_metadata(provider, issuer, document)
}

/// Reads an OpenID Connect discovery document (OpenID Connect Discovery 1.0 §3), whose
/// `issuer` must be `issuer` exactly (§4.3).
pub(crate) fn read_openid_metadata(
    provider: &str,
    issuer: &str,
    document: serde_json::Value,
) -> Result<Metadata, Error> {
    let found = document.get("issuer").and_then(|i| i.as_str());
    if found != Some(issuer) {
        return Err(Error::IssuerMismatch {
            provider: provider.to_owned(),
            expected: issuer.to_owned(),
            found: found.map_or_else(|| "(none)".to_owned(), str::to_owned),
        });
    }
    serde_json::from_value(document).map_err(|e| Error::MalformedResponse {
        provider: provider.to_owned(),
        reason: format!("the discovery document is not valid: {e}"),
    })
}

/// The fields of the authorization server metadata (RFC 8414 §2) read here.
#[derive(Deserialize)]
pub(crate) struct ServerMetadata {
    issuer: String,
    #[serde(default)]
    revocation_endpoint: Option<String>,
    #[serde(default)]
    introspection_endpoint: Option<String>,
}

/// The issuer's authorization server metadata, when it has some naming the same issuer
/// (RFC 8414 §3.3); its absence is no error, since it only completes the OpenID document.
async fn server_metadata(http: &Http, provider: &str, issuer: &str) -> Option<ServerMetadata> {
    let url = well_known(issuer, "oauth-authorization-server", true).ok()?;
    let document = http
        .json(
            get_json(&url, None).ok()?,
            provider,
            "its authorization server metadata",
        )
        .await
        .ok()?;
    read_server_metadata(issuer, document)
}

/// Reads authorization server metadata (RFC 8414 §2), kept only when it names `issuer`
/// (§3.3).
pub(crate) fn read_server_metadata(
    issuer: &str,
    document: serde_json::Value,
) -> Option<ServerMetadata> {
    serde_json::from_value::<ServerMetadata>(document)
        .ok()
        .filter(|server| server.issuer == issuer)
}

impl ExtraMetadata {
    /// Takes the revocation and introspection endpoints the OpenID document lacks from the
    /// authorization server metadata, where some servers list them only.
    pub(crate) fn complete_from(&mut self, server: ServerMetadata) {
        self.revocation_endpoint = self
            .revocation_endpoint
            .take()
            .or(server.revocation_endpoint);
        self.introspection_endpoint = self
            .introspection_endpoint
            .take()
            .or(server.introspection_endpoint);
    }
}

/// Fetches an issuer's discovery document and checks it (issuer match, endpoints), for a
/// provider not configured yet.
pub async fn discover(http: &Http, issuer: &str) -> Result<Endpoints, Error> {
    let url = Url::parse(issuer)
        .map_err(|e| Error::InvalidInput(format!("{issuer:?} is not a URL: {e}")))?;
    providers::check_url(&url).map_err(Error::InvalidInput)?;
    let env = Environment::discovered("discovery", issuer, "discovery");
    resolve(http, issuer, &env).await
}
