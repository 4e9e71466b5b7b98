//! What a provider is: its id, its environments (production, sandbox, local…), each with its
//! endpoints and its client, and the rules every one of them must pass when it is loaded or
//! added: ids, URLs, a client id, and either an issuer (discovery) or explicit authorization
//! and token endpoints. Client secrets are never part of a provider: they live in the keyring
//! (`secret_store/`).
//! The rules its URLs pass (https, plain http only on loopback for a provider that opts in) are
//! in `urls.rs`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use url::Url;

use super::presets::Preset;
use super::redirect::{self, RedirectKind};
use super::urls::{PlainHttp, check_url};
pub use crate::error::ProviderError;

/// A provider's short id, as used on the command line (`grantry link sandbox`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProviderId(pub(super) String);

impl ProviderId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ProviderId {
    type Error = String;

    fn try_from(id: String) -> Result<Self, String> {
        let valid = (1..=32).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if valid {
            Ok(Self(id))
        } else {
            Err(format!(
                "provider id {id:?} must be 1 to 32 characters of a-z, 0-9 and '-'"
            ))
        }
    }
}

impl From<ProviderId> for String {
    fn from(id: ProviderId) -> Self {
        id.0
    }
}

impl fmt::Display for ProviderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How the client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ClientAuth {
    /// A public client: PKCE only, no secret.
    #[default]
    None,
    /// `client_secret_basic`: the secret (from the keyring) in an Authorization header.
    SecretBasic,
    /// `client_secret_post`: the secret (from the keyring) in the form body.
    SecretPost,
    /// `private_key_jwt` (RFC 7523 §2.2, OpenID Connect Core §9): a short-lived JWT signed with
    /// a P-256 key Grantry makes for the environment, whose private part stays in the keyring
    /// and whose public JWKS is registered at the provider (`oauth/client_assertion.rs`).
    PrivateKeyJwt,
}

/// One environment of a provider: its endpoints and its client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    pub name: String,
    /// The issuer, for OpenID Connect discovery. Kept as written: it is compared exactly, byte
    /// for byte, with the discovered one (`https://a.example` is not `https://a.example/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_endpoint: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_endpoint: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userinfo_endpoint: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_endpoint: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introspection_endpoint: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks_uri: Option<Url>,
    /// The device authorization endpoint (RFC 8628 §3.1), for the `device` redirect; read
    /// from discovery when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_authorization_endpoint: Option<Url>,
    /// RFC 9126's endpoint, for a provider without discovery (or to override it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pushed_authorization_request_endpoint: Option<Url>,
    /// Push every authorization request first (RFC 9126), so the browser carries only
    /// `client_id` and `request_uri`; done anyway when discovery says
    /// `require_pushed_authorization_requests` (`oauth/pushed_authorization.rs`).
    #[serde(default, skip_serializing_if = "is_default")]
    pub pushed_authorization: bool,
    pub client_id: String,
    #[serde(default)]
    pub client_auth: ClientAuth,
    #[serde(default)]
    pub redirect: RedirectKind,
    /// The redirect URI of the `provider_scheme` and `bridge` strategies (`redirect.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
    /// Scopes asked for when the user does not choose.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Extra authorization request parameters (`access_type = "offline"`, `prompt`, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra_params: BTreeMap<String, String>,
    /// How access is revoked at the provider.
    #[serde(default, skip_serializing_if = "is_default")]
    pub revocation: Revocation,
    /// Sender-constrained tokens (DPoP, RFC 9449): each account gets a P-256 key of its own
    /// (kept in the keyring with its tokens), and every token, refresh, revocation,
    /// introspection and userinfo request carries a proof signed with it (`oauth/dpop.rs`).
    /// A provider that refuses a link without a proof gets one anyway.
    #[serde(default, skip_serializing_if = "is_default")]
    pub dpop: bool,
    /// The preset of the provider this environment belongs to, copied from it when the
    /// provider is loaded or added (`Provider::stamped`), so that every operation holding an
    /// environment knows whose quirks apply.
    #[serde(skip)]
    pub preset: Option<Preset>,
    /// Whether the provider this environment belongs to may be reached over plain http on
    /// loopback, copied from it like `preset`.
    #[serde(skip)]
    pub plain_http: PlainHttp,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// How a provider takes access back: RFC 7009 where it has it, its own API otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Revocation {
    /// RFC 7009 at `revocation_endpoint`: the refresh token, else the access token.
    #[default]
    Rfc7009,
    /// Google's `/revoke`: the RFC 7009 request, but whichever token is sent, every grant the
    /// user gave this client ends (new tokens from a later consent too).
    Google,
    /// Facebook Graph: `DELETE {revocation_endpoint}` (…/me/permissions) with the access token.
    GraphPermissions,
    /// GitHub: `DELETE {revocation_endpoint}` (…/applications/{client_id}/grant, `{client_id}`
    /// filled in) with Basic client authentication and `{"access_token": …}`.
    GithubGrant,
    /// No way to revoke at the provider (Microsoft): the account is removed here and the
    /// person is sent to the provider's page to remove the app's access.
    Unsupported,
}

impl Revocation {
    /// Whether revoking one refresh token ends only the grant it came from (RFC 7009 §2.1),
    /// leaving the tokens of a later consent working. The other ways end everything the user
    /// gave the client, so a refresh token replaced by a re-link is left to expire there.
    pub fn ends_only_its_grant(self) -> bool {
        self == Revocation::Rfc7009
    }
}

/// A provider and its environments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    pub id: ProviderId,
    pub name: String,
    /// The preset whose quirks this provider has (`presets/`), if it is one of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<Preset>,
    /// Accept plain http on 127.0.0.1 and [::1] for this provider's issuer and endpoints
    /// (never on a name such as `localhost`). Its client secret and tokens then travel
    /// unencrypted to whichever program holds the port.
    #[serde(default, skip_serializing_if = "is_default")]
    pub allow_plain_http_loopback: bool,
    /// Refresh the accounts of this provider's plain-http environments in the background too
    /// (with `allow_plain_http_loopback`); without it they are refreshed only on request.
    #[serde(default, skip_serializing_if = "is_default")]
    pub refresh_plain_http_in_background: bool,
    #[serde(rename = "environment")]
    pub environments: Vec<Environment>,
}

impl Provider {
    /// The provider with its preset and its plain-http opt-ins copied into each environment.
    pub fn stamped(mut self) -> Self {
        let plain_http = self.plain_http();
        for env in &mut self.environments {
            env.preset = self.preset;
            env.plain_http = plain_http;
        }
        self
    }

    /// What its opt-ins allow over plain http.
    pub fn plain_http(&self) -> PlainHttp {
        PlainHttp::from_opt_ins(
            self.allow_plain_http_loopback,
            self.refresh_plain_http_in_background,
        )
    }

    pub fn environment(&self, name: Option<&str>) -> Result<&Environment, ProviderError> {
        match name {
            None => self.environments.first(),
            Some(name) => self.environments.iter().find(|e| e.name == name),
        }
        .ok_or_else(|| ProviderError::UnknownEnvironment {
            provider: self.id.to_string(),
            environment: name.unwrap_or_default().to_owned(),
            known: self.environments.iter().map(|e| e.name.clone()).collect(),
        })
    }

    /// Checks everything a link would otherwise trip over later.
    pub fn validate(&self) -> Result<(), ProviderError> {
        let invalid = |reason: String| ProviderError::Invalid {
            provider: self.id.to_string(),
            reason,
        };
        if self.name.trim().is_empty() {
            return Err(invalid("the name is empty".into()));
        }
        if self.environments.is_empty() {
            return Err(invalid("it has no environment".into()));
        }
        if self.refresh_plain_http_in_background && !self.allow_plain_http_loopback {
            return Err(invalid(
                "refresh_plain_http_in_background needs allow_plain_http_loopback = true".into(),
            ));
        }
        let plain_http = self.plain_http();
        for (index, env) in self.environments.iter().enumerate() {
            let at = |reason: String| invalid(format!("environment {:?}: {reason}", env.name));
            if env.name.trim().is_empty() {
                return Err(invalid(format!("environment {} has no name", index + 1)));
            }
            if self.environments[..index]
                .iter()
                .any(|e| e.name == env.name)
            {
                return Err(at("the name is used twice".into()));
            }
            if env.client_id.trim().is_empty() {
                return Err(at("client_id is empty".into()));
            }
            if env.issuer.is_none()
                && (env.authorization_endpoint.is_none() || env.token_endpoint.is_none())
            {
                return Err(at(
                    "give an issuer (for discovery) or both authorization_endpoint and \
                     token_endpoint"
                        .into(),
                ));
            }
            if let Some(issuer) = &env.issuer {
                let url = Url::parse(issuer).map_err(|e| at(format!("issuer: {issuer:?}: {e}")))?;
                check_url(&url, plain_http).map_err(|reason| at(format!("issuer: {reason}")))?;
            }
            redirect::check(env.redirect, env.redirect_uri.as_deref(), plain_http).map_err(at)?;
            for (key, url) in env.urls() {
                check_url(url, plain_http).map_err(|reason| at(format!("{key}: {reason}")))?;
            }
            for key in env.extra_params.keys() {
                const RESERVED: &[&str] = &[
                    "client_id",
                    "redirect_uri",
                    "response_type",
                    "state",
                    "nonce",
                    "scope",
                    "code_challenge",
                    "code_challenge_method",
                ];
                if RESERVED.contains(&key.as_str()) {
                    return Err(at(format!("extra_params may not set {key:?}")));
                }
            }
        }
        Ok(())
    }
}

impl Environment {
    fn urls(&self) -> Vec<(&'static str, &Url)> {
        [
            ("authorization_endpoint", &self.authorization_endpoint),
            ("token_endpoint", &self.token_endpoint),
            ("userinfo_endpoint", &self.userinfo_endpoint),
            ("revocation_endpoint", &self.revocation_endpoint),
            ("introspection_endpoint", &self.introspection_endpoint),
            ("jwks_uri", &self.jwks_uri),
            (
                "device_authorization_endpoint",
                &self.device_authorization_endpoint,
            ),
            (
                "pushed_authorization_request_endpoint",
                &self.pushed_authorization_request_endpoint,
            ),
        ]
        .into_iter()
        .filter_map(|(key, url)| url.as_ref().map(|url| (key, url)))
        .collect()
    }

    /// An environment found by discovery alone: an issuer and a public client, everything else
    /// as the defaults say.
    pub fn discovered(name: &str, issuer: &str, client_id: &str) -> Self {
        Self {
            name: name.to_owned(),
            issuer: Some(issuer.to_owned()),
            authorization_endpoint: None,
            token_endpoint: None,
            userinfo_endpoint: None,
            revocation_endpoint: None,
            introspection_endpoint: None,
            jwks_uri: None,
            device_authorization_endpoint: None,
            pushed_authorization_request_endpoint: None,
            pushed_authorization: false,
            client_id: client_id.to_owned(),
            client_auth: ClientAuth::None,
            redirect: RedirectKind::CustomScheme,
            redirect_uri: None,
            scopes: Vec::new(),
            extra_params: BTreeMap::new(),
            revocation: Revocation::Rfc7009,
            dpop: false,
            preset: None,
            plain_http: PlainHttp::Refused,
        }
    }

    /// Whether its issuer or an endpoint it names is plain http (on loopback, as
    /// [`check_url`] allows no other); a discovery document of an https issuer names none
    /// (`oauth/discovery.rs`).
    pub fn uses_plain_http(&self) -> bool {
        let issuer = self.issuer.as_deref().and_then(|i| Url::parse(i).ok());
        issuer
            .iter()
            .chain(self.urls().into_iter().map(|(_, url)| url))
            .any(|url| url.scheme() == "http")
    }

    /// Whether its accounts may be refreshed in the background: https throughout, or opted in
    /// to background refresh over plain http.
    pub fn refreshed_in_background(&self) -> bool {
        !self.uses_plain_http() || self.plain_http == PlainHttp::LoopbackInBackground
    }

    /// Whether the token endpoint needs the client secret from the keyring.
    pub fn needs_secret(&self) -> bool {
        matches!(
            self.client_auth,
            ClientAuth::SecretBasic | ClientAuth::SecretPost
        )
    }

    /// Whether the client authenticates with a key of Grantry's own (`private_key_jwt`).
    pub fn signs_assertions(&self) -> bool {
        self.client_auth == ClientAuth::PrivateKeyJwt
    }
}
