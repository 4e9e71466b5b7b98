//! The data the screens show, as plain serialisable types. TypeScript twins of these types are
//! generated into `ui/src/lib/bindings/` (see `tests/bindings.rs`); none of them may ever hold a
//! secret.

use serde::Serialize;
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename_all = "snake_case")]
pub enum ActivityKind {
    /// A `dev.grantry:` URL reached the app and was well formed.
    DeepLinkReceived,
    /// A URL reached the app and was refused (wrong scheme, too long, malformed).
    DeepLinkRejected,
}

impl ActivityKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ActivityKind::DeepLinkReceived => "deep_link_received",
            ActivityKind::DeepLinkRejected => "deep_link_rejected",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Self> {
        [
            ActivityKind::DeepLinkReceived,
            ActivityKind::DeepLinkRejected,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
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
