//! What the screens show of a preset (the Providers screen, `grantry providers presets`): its
//! name and help, where its clients are registered, its one extra setting, the redirects its
//! clients accept and whether a client secret goes with each, and its scopes.

use serde::Serialize;

use crate::providers::redirect::RedirectKind;

/// Whether a client secret goes with a redirect choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SecretNeed {
    Required,
    Optional,
    None,
}

/// One way a preset's clients can be sent back to Grantry.
#[derive(Debug, Clone, Copy)]
pub struct RedirectOption {
    pub kind: RedirectKind,
    pub label: &'static str,
    pub help: &'static str,
    /// Whether the client type registered for this redirect has a secret.
    pub secret: SecretNeed,
}

/// A preset's one extra setting (Microsoft's tenant, a self-managed GitLab's address).
#[derive(Debug, Clone, Copy)]
pub struct Site {
    pub label: &'static str,
    pub placeholder: &'static str,
    pub default: &'static str,
    pub help: &'static str,
}

/// What the Providers screen and `grantry providers presets` show of a preset.
#[derive(Debug, Clone, Copy)]
pub struct Info {
    pub name: &'static str,
    pub help: &'static str,
    /// Where a client is registered.
    pub console_url: &'static str,
    pub site: Option<Site>,
    /// The accepted redirects, the recommended one first.
    pub redirects: &'static [RedirectOption],
    pub default_scopes: &'static [&'static str],
    /// The scopes offered for choosing, described by `scope_catalog.rs`.
    pub catalogue: &'static [&'static str],
}
