//! Providers as the Providers and Sandbox screens show them: a provider and its environments
//! (never a client secret), what saving a draft would do, the presets on offer, what an
//! issuer's discovery document says (OpenID Connect Discovery 1.0), what becomes of a removed
//! provider's accounts, and whether the built-in sandbox is serving.

use serde::{Deserialize, Serialize};

use super::ScopeOption;
use crate::providers::presets::SecretNeed;
use crate::providers::{ClientAuth, Preset, RedirectKind};

/// A provider as the Providers screen shows it: never a client secret, only whether one is
/// stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProviderView {
    pub id: String,
    pub name: String,
    pub preset: Option<Preset>,
    /// The built-in sandbox: neither edited nor removed.
    pub builtin: bool,
    /// How many accounts are linked at it.
    pub accounts: u32,
    /// Plain http is accepted on 127.0.0.1 and [::1] (the built-in sandbox's own choice, or the
    /// provider's opt-in).
    pub allow_plain_http_loopback: bool,
    /// Accounts of its plain-http environments are refreshed in the background too.
    pub refresh_plain_http_in_background: bool,
    pub environments: Vec<EnvironmentView>,
}

/// One environment of a [`ProviderView`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EnvironmentView {
    pub name: String,
    /// The preset's one setting (tenant, GitLab address).
    pub site: Option<String>,
    pub issuer: Option<String>,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub userinfo_endpoint: Option<String>,
    pub revocation_endpoint: Option<String>,
    pub client_id: String,
    pub client_auth: ClientAuth,
    pub has_secret: bool,
    pub redirect: RedirectKind,
    /// The exact redirect URI to register at the provider.
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    /// Its issuer or an endpoint is plain http (on 127.0.0.1 or [::1]).
    pub plain_http: bool,
    /// Its accounts are refreshed in the background: https throughout, or opted in.
    pub refreshed_in_background: bool,
    /// Links push their request first (RFC 9126), as the environment asks; discovery may
    /// require it too ([`Discovered::pushed_authorization_required`]).
    pub pushed_authorization: bool,
    pub pushed_authorization_request_endpoint: Option<String>,
    /// Tokens are sender-constrained (DPoP, RFC 9449): each account has a key of its own.
    pub dpop: bool,
}

/// The public keys of a `private_key_jwt` environment, to register at the provider as its
/// client's JWKS (RFC 7517 §5). Never the private part, which stays in the keyring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClientJwks {
    pub provider: String,
    pub environment: String,
    /// The key's id: its RFC 7638 thumbprint.
    pub kid: String,
    /// `{"keys": [{"kty": "EC", "crv": "P-256", …}]}`.
    #[cfg_attr(feature = "ts", ts(type = "{ keys: Array<Record<string, string>> }"))]
    pub jwks: serde_json::Value,
    /// The `aud` Grantry puts in its assertions (the issuer, else the token endpoint).
    pub audience: String,
}

/// What saving a provider draft would do, before it is saved: its mistakes, field by field
/// (none: it can be saved), and the environments whose accounts would need linking again.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProviderCheck {
    pub errors: Vec<crate::providers::draft::FieldError>,
    pub relink: Vec<RelinkOnSave>,
}

/// An environment whose issuer or token endpoint a change moves: its accounts are marked as
/// needing to be linked again, rather than their refresh tokens sent to the new address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RelinkOnSave {
    pub environment: String,
    /// How many of its accounts would be marked.
    pub accounts: u32,
    /// What moves, in words: `the token endpoint changes from … to …`.
    pub change: String,
}

/// A preset as the Providers screen offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PresetView {
    pub id: Preset,
    pub name: String,
    pub help: String,
    /// Where a client is registered.
    pub console_url: String,
    pub site: Option<SiteField>,
    /// The accepted redirects, the recommended one first.
    pub redirects: Vec<RedirectOptionView>,
    pub default_scopes: Vec<String>,
    pub catalogue: Vec<ScopeOption>,
}

/// A preset's one extra setting, as a form field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SiteField {
    pub label: String,
    pub placeholder: String,
    pub default: String,
    pub help: String,
}

/// One redirect a preset accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RedirectOptionView {
    pub kind: RedirectKind,
    pub label: String,
    pub help: String,
    pub secret: SecretNeed,
    /// The person gives its URL (the bridge page's address).
    pub needs_url: bool,
}

/// What an issuer's discovery document says, for the Providers screen's "Test discovery".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Discovered {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: Option<String>,
    pub revocation_endpoint: Option<String>,
    pub introspection_endpoint: Option<String>,
    pub scopes_supported: Vec<String>,
    pub pkce_s256: bool,
    pub iss_parameter: bool,
    pub auth_methods: Vec<String>,
    /// RFC 9126: where authorization requests are pushed, and whether the provider takes
    /// only pushed ones.
    pub pushed_authorization_request_endpoint: Option<String>,
    pub pushed_authorization_required: bool,
}

/// What becomes of a removed provider's accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RemoveAccounts {
    /// Revoked at the provider first, then removed.
    Revoke,
    /// Removed from this device only.
    Forget,
}

/// Whether the built-in sandbox provider is serving, for the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "state", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", ts(tag = "state", rename_all = "snake_case"))]
pub enum SandboxStatus {
    Starting,
    Running {
        issuer: String,
    },
    /// Stopped from the Sandbox screen; it would start again on `port`.
    Stopped {
        port: u16,
    },
    Failed {
        message: String,
    },
}
