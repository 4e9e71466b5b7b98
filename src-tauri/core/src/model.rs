//! The data the screens show, as plain serialisable types. TypeScript twins of these types are
//! generated into `ui/src/lib/bindings/` (see `tests/bindings.rs`); none of them may ever hold a
//! secret.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One linked account as the Accounts list shows it: metadata only, never a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AccountSummary {
    pub id: i64,
    /// The provider's configured id, such as `sandbox` or `google`.
    pub provider: String,
    /// The provider environment, such as `production` or `sandbox`.
    pub environment: String,
    /// The account's stable id at the provider (OIDC `sub`).
    pub subject: String,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub picture_url: Option<String>,
    /// Unix seconds when the access token expires, if known.
    pub access_expires_at: Option<i64>,
    /// How many scopes the provider granted.
    pub scope_count: u32,
}

/// What happened, for the activity history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename_all = "snake_case")]
pub enum ActivityKind {
    /// A `dev.grantry:` URL reached the app and was well formed.
    DeepLinkReceived,
    /// A URL reached the app and was refused (wrong scheme, too long, malformed).
    DeepLinkRejected,
    /// The built-in sandbox provider could not start (its port is taken, its state unreadable).
    SandboxUnavailable,
}

impl ActivityKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ActivityKind::DeepLinkReceived => "deep_link_received",
            ActivityKind::DeepLinkRejected => "deep_link_rejected",
            ActivityKind::SandboxUnavailable => "sandbox_unavailable",
        }
    }

    /// The kind stored as `text` (its serde name, which [`ActivityKind::as_str`] matches).
    pub(crate) fn parse(text: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
    }
}

/// One entry of the activity history. `detail` is already redacted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ActivityEntry {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    pub kind: ActivityKind,
    pub detail: String,
}

/// Whether the built-in sandbox provider is serving, for the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
#[ts(tag = "state", rename_all = "snake_case")]
pub enum SandboxStatus {
    Starting,
    Running { issuer: String },
    Failed { message: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activity_kinds_are_stored_under_their_serde_names() {
        for kind in [
            ActivityKind::DeepLinkReceived,
            ActivityKind::DeepLinkRejected,
            ActivityKind::SandboxUnavailable,
        ] {
            let serde_name = serde_json::to_value(kind).expect("serialise");
            assert_eq!(serde_name, kind.as_str(), "as_str and serde disagree");
            assert_eq!(ActivityKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(ActivityKind::parse("no_such_kind"), None);
    }
}
