//! What a provider is: its id, its environments (production, sandbox, local…), each with its
//! endpoints and its client, and the rules every one of them must pass when it is loaded or
//! added: ids, URLs (https, or http on loopback only), a client id, and either an issuer
//! (discovery) or explicit authorization and token endpoints. Client secrets are never part of
//! a provider: they live in the keyring (`secret_store/`).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use url::Url;

use super::presets::Preset;
use super::redirect::{self, RedirectKind};
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
    /// The preset of the provider this environment belongs to, copied from it when the
    /// provider is loaded or added (`Provider::stamped`), so that every operation holding an
    /// environment knows whose quirks apply.
    #[serde(skip)]
    pub preset: Option<Preset>,
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
    #[serde(rename = "environment")]
    pub environments: Vec<Environment>,
}

impl Provider {
    /// The provider with its preset copied into each environment.
    pub fn stamped(mut self) -> Self {
        for env in &mut self.environments {
            env.preset = self.preset;
        }
        self
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
                check_url(&url).map_err(|reason| at(format!("issuer: {reason}")))?;
            }
            redirect::check(env.redirect, env.redirect_uri.as_deref()).map_err(at)?;
            for (key, url) in env.urls() {
                check_url(url).map_err(|reason| at(format!("{key}: {reason}")))?;
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
            client_id: client_id.to_owned(),
            client_auth: ClientAuth::None,
            redirect: RedirectKind::CustomScheme,
            redirect_uri: None,
            scopes: Vec::new(),
            extra_params: BTreeMap::new(),
            revocation: Revocation::Rfc7009,
            preset: None,
        }
    }

    /// Whether the token endpoint needs the client secret from the keyring.
    pub fn needs_secret(&self) -> bool {
        self.client_auth != ClientAuth::None
    }
}

/// Whether a host is this machine, where plain http is allowed (sandboxes, local servers).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(domain)) => domain == "localhost",
        None => false,
    }
}

/// Provider endpoints must be https, except on loopback.
pub fn check_url(url: &Url) -> Result<(), String> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(format!(
            "{url} must use https (plain http only on 127.0.0.1)"
        )),
        other => Err(format!("{url} has the scheme {other:?}; use https")),
    }
}
