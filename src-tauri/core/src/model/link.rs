//! Linking an account: the providers, environments and scopes the Link dialog offers, a link
//! waiting in the browser, and how a link the window started stands.

use serde::Serialize;

use super::AccountSummary;

/// A provider as the Link dialog offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProviderOption {
    pub id: String,
    pub name: String,
    pub environments: Vec<EnvironmentOption>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EnvironmentOption {
    pub name: String,
    /// Whether it links with a device code (RFC 8628), and whether it may.
    pub device: DeviceOffer,
    /// The scopes asked for by default, each with what it allows.
    pub scopes: Vec<ScopeOption>,
}

/// How an environment stands with the device authorization grant (RFC 8628).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", ts(rename_all = "snake_case"))]
pub enum DeviceOffer {
    /// Its redirect strategy is `device`: every link is by device code.
    Always,
    /// It may link by device code instead: it has a device authorization endpoint, or an
    /// issuer whose discovery document may name one (the link says so if not).
    Possible,
    /// It cannot: plain OAuth 2 without a device authorization endpoint.
    Never,
}

impl DeviceOffer {
    pub fn of(env: &crate::providers::Environment) -> Self {
        use crate::providers::RedirectKind;
        if env.redirect == RedirectKind::Device {
            Self::Always
        } else if env.device_authorization_endpoint.is_some() || env.issuer.is_some() {
            Self::Possible
        } else {
            Self::Never
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScopeOption {
    pub scope: String,
    pub description: Option<String>,
}

/// A link waiting for the person to finish in the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StartedLink {
    pub authorization_url: String,
    /// Identifies the link to cancel it or open it again; it travels in the URL anyway.
    pub state: String,
    /// Unix seconds after which the answer is refused.
    pub expires_at: i64,
}

/// How a link the window started stands, asked by a window that may have missed the event
/// that ended it (a provider that answers at once can end a link before anyone listens).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "status", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", ts(tag = "status", rename_all = "snake_case"))]
pub enum LinkStatus {
    /// Still waiting for the provider's answer, or completing the one that came.
    Waiting,
    /// It ended with this account linked (or updated).
    // Boxed: an account is large beside the other variants.
    Linked { account: Box<AccountSummary> },
    /// It ended without an account: its answer was refused or failed, or it timed out.
    Failed { error: crate::error::IpcError },
    /// No link of this process's last ten minutes has this `state` (or it was cancelled).
    Unknown,
}
