//! An account's scopes and where each stands (granted, declined, revoked…), and what asking
//! the provider again found.

use serde::{Deserialize, Serialize};

/// One scope of an account and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccountScope {
    pub scope: String,
    /// What it allows, in plain words, for well-known scopes.
    pub description: Option<String>,
    pub status: ScopeStatus,
    /// Where the answer came from: `token_response`, `requested`, `introspection`, …
    pub source: String,
    pub checked_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", ts(rename_all = "snake_case"))]
pub enum ScopeStatus {
    Granted,
    /// Requested at consent, and not in the answer: the person unticked it, or the provider
    /// left it out.
    Declined,
    /// Granted before, and no longer carried by the account's token when the provider was
    /// asked again (taken back at the provider, or narrowed).
    NotGranted,
}

impl ScopeStatus {
    /// The status stored as `text` (its serde name).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ScopeStatus::Granted => "granted",
            ScopeStatus::Declined => "declined",
            ScopeStatus::NotGranted => "not_granted",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
    }
}

/// What asking the provider again found: the scopes now, and what changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScopeCheck {
    pub scopes: Vec<AccountScope>,
    pub changes: Vec<ScopeChange>,
}

/// One scope whose status changed; `before` is none for a scope not listed before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScopeChange {
    pub scope: String,
    pub before: Option<ScopeStatus>,
    pub after: ScopeStatus,
}
