//! Where a provider's endpoints are: OpenID Connect Discovery 1.0 and its issuer check (the
//! discovered `issuer` must equal the configured one byte for byte, §4.3), with endpoints
//! from the provider's configuration taking precedence; or the configuration alone for plain
//! OAuth 2 providers, which have no issuer. Every endpoint must be https, or plain http on
//! 127.0.0.1 or [::1] for a provider opted in to that (`providers/urls.rs`). A remote
//! issuer's document may name neither plain http nor this machine: it would send the client
//! secret and refresh tokens to whatever a local user runs there.
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
use crate::providers::{self, Environment, PlainHttp};

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
    /// RFC 8628 §4.
    #[serde(default)]
    device_authorization_endpoint: Option<String>,
    /// RFC 9126 §5.
    #[serde(default)]
    pushed_authorization_request_endpoint: Option<String>,
    #[serde(default)]
    require_pushed_authorization_requests: Option<bool>,
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
    /// The device authorization endpoint (RFC 8628 §3.1), when the provider has one.
    pub device_authorization: Option<Url>,
    /// The provider promised RFC 9207 `iss` in every authorization response.
    pub iss_parameter_supported: bool,
    /// Where authorization requests are pushed (RFC 9126), configured or discovered.
    pub pushed_authorization: Option<Url>,
    /// The provider takes only pushed authorization requests (RFC 9126 §5,
    /// `require_pushed_authorization_requests`).
    pub pushed_authorization_required: bool,
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

/// Where a discovery document's endpoints may be, by who published it.
#[derive(Debug, Clone, Copy)]
enum Publisher {
    /// An issuer on this machine (already accepted with the provider's opt-ins): its
    /// endpoints follow the same rules as configured ones.
    Local(PlainHttp),
    /// Any other issuer: https endpoints, none on this machine.
    Remote,
}

impl Publisher {
    fn of(issuer: &str, plain_http: PlainHttp) -> Self {
        match Url::parse(issuer) {
            Ok(url) if providers::is_loopback(&url) => Self::Local(plain_http),
            _ => Self::Remote,
        }
    }
}

/// An endpoint a discovery document names, if its publisher may name it (see [`Publisher`]).
fn parse_endpoint(
    provider: &str,
    publisher: Publisher,
    what: &str,
    value: &str,
) -> Result<Url, Error> {
    let refused = |reason: String| Error::MalformedResponse {
        provider: provider.to_owned(),
        reason,
    };
    let url =
        Url::parse(value).map_err(|e| refused(format!("{what} {value:?} is not a URL: {e}")))?;
    let checked = match publisher {
        Publisher::Local(plain_http) => providers::check_url(&url, plain_http),
        // A remote issuer naming this machine would have the client secret and tokens sent to
        // whatever a local user runs there.
        Publisher::Remote if providers::is_loopback(&url) => Err(format!(
            "{url} is on this computer, though the issuer is not; refused"
        )),
        Publisher::Remote if url.scheme() != "https" => {
            Err(format!("{url} is not https, though the issuer is; refused"))
        }
        Publisher::Remote => Ok(()),
    };
    checked.map_err(|reason| refused(format!("its discovery document's {what}: {reason}")))?;
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
            device_authorization: env.device_authorization_endpoint.clone(),
            iss_parameter_supported: false,
            pushed_authorization: env.pushed_authorization_request_endpoint.clone(),
            pushed_authorization_required: false,
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
/// taking precedence; each must be https, and on this machine only when the issuer is too
/// (then plain http as its provider's opt-ins allow). No keys yet: they are fetched
/// only once this passed. `extra` is the document's own, completed from the authorization
/// server metadata when that had more.
pub(crate) fn endpoints_from(
    provider: &str,
    issuer: &str,
    env: &Environment,
    metadata: &Metadata,
    extra: ExtraMetadata,
) -> Result<Endpoints, Error> {
    let publisher = Publisher::of(issuer, env.plain_http);
    let optional = |configured: &Option<Url>, discovered: Option<String>, what: &str| match (
        configured, discovered,
    ) {
        (Some(url), _) => Ok(Some(url.clone())),
        (None, Some(value)) => parse_endpoint(provider, publisher, what, &value).map(Some),
        (None, None) => Ok(None),
    };
    let token = match (&env.token_endpoint, metadata.token_endpoint()) {
        (Some(url), _) => url.clone(),
        (None, Some(url)) => parse_endpoint(provider, publisher, "token_endpoint", url.as_str())?,
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
                publisher,
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
            publisher,
            "jwks_uri",
            metadata.jwks_uri().as_str(),
        )?),
        jwks: JsonWebKeySet::new(Vec::new()),
        device_authorization: optional(
            &env.device_authorization_endpoint,
            extra.device_authorization_endpoint,
            "device_authorization_endpoint",
        )?,
        iss_parameter_supported: extra
            .authorization_response_iss_parameter_supported
            .unwrap_or(false),
        pushed_authorization: optional(
            &env.pushed_authorization_request_endpoint,
            extra.pushed_authorization_request_endpoint.clone(),
            "pushed_authorization_request_endpoint",
        )?,
        pushed_authorization_required: extra.require_pushed_authorization_requests.unwrap_or(false),
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
/// provider not configured yet. Plain http is accepted on 127.0.0.1 and [::1] without an
/// opt-in: only public documents are fetched, no secret is sent; saving the provider needs it.
pub async fn discover(http: &Http, issuer: &str) -> Result<Endpoints, Error> {
    let url = Url::parse(issuer)
        .map_err(|e| Error::InvalidInput(format!("{issuer:?} is not a URL: {e}")))?;
    providers::check_url(&url, PlainHttp::Loopback).map_err(Error::InvalidInput)?;
    let env = Environment {
        plain_http: PlainHttp::Loopback,
        ..Environment::discovered("discovery", issuer, "discovery")
    };
    resolve(http, issuer, &env).await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The endpoints an issuer's document names, as a configured environment would take them.
    fn endpoints(issuer: &str, plain_http: PlainHttp, token: &str) -> Result<Endpoints, Error> {
        let document = serde_json::json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/authorize"),
            "token_endpoint": token,
            "jwks_uri": format!("{issuer}/jwks"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        });
        let metadata = read_openid_metadata("p", issuer, document)?;
        let extra = metadata.additional_metadata().clone();
        let env = Environment {
            plain_http,
            ..Environment::discovered("production", issuer, "c")
        };
        endpoints_from("p", issuer, &env, &metadata, extra)
    }

    #[test]
    fn a_remote_issuers_document_names_neither_this_machine_nor_plain_http() {
        let remote = "https://idp.example";
        for token in [
            "http://127.0.0.1:8080/token",
            "https://127.0.0.1:8443/token",
            "https://localhost/token",
            "https://a.localhost/token",
            "https://[::1]/token",
            "https://[::ffff:127.0.0.1]/token",
            "https://0.0.0.0/token",
            "http://idp.example/token",
        ] {
            // Not even for a provider that accepts plain http on loopback for its own URLs.
            let error = endpoints(remote, PlainHttp::LoopbackInBackground, token)
                .expect_err(token)
                .to_string();
            assert!(
                error.contains("token_endpoint") && error.contains("refused"),
                "{token}: {error}"
            );
        }
        endpoints(
            remote,
            PlainHttp::Refused,
            "https://login.idp.example/token",
        )
        .expect("another https host of its own");
    }

    #[test]
    fn a_local_issuers_document_follows_the_providers_opt_in() {
        let local = "http://127.0.0.1:8080";
        let token = "http://127.0.0.1:8080/token";
        endpoints(local, PlainHttp::Loopback, token).expect("opted in");
        let error = endpoints(local, PlainHttp::Refused, token)
            .expect_err("not opted in")
            .to_string();
        assert!(error.contains("allow_plain_http_loopback"), "{error}");
    }
}
