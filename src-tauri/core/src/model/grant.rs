//! When an account's grant ends on its own, and who says so (the provider's rule, its token
//! answer, the refresh token itself); when a refresh token ends; and what ended a grant that
//! broke, with the one action that mends it (worked out by `engine/break_cause.rs`).

use serde::{Deserialize, Serialize};

/// Who says when an account's grant ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", ts(rename_all = "snake_case"))]
pub enum GrantEndSource {
    /// The provider, in its token answer (`refresh_token_expires_in`, `refresh_expires_in`).
    Provider,
    /// The refresh token itself: a JWT's `exp`.
    RefreshToken,
    /// The provider's published rule, kept in its preset, applied to the account's history.
    Rule,
    /// Nothing known: no end said, no rule published.
    Unknown,
}

/// What will end an account's grant on its own, and roughly when, with where that is known
/// from (`engine/grant_end.rs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GrantEnd {
    /// Unix seconds; `None` when no end is known (or the rule names none).
    pub at: Option<i64>,
    pub source: GrantEndSource,
    /// What ends it, in words.
    pub words: String,
    /// Where the provider documents it.
    pub doc_url: Option<String>,
}

/// When a refresh token ends, and who said so: the provider, in its token answer
/// (`refresh_token_expires_in`, `refresh_expires_in`), or the refresh token itself (a JWT's
/// `exp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshEnd {
    pub at: i64,
    pub source: GrantEndSource,
}

/// What ended a grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", ts(rename_all = "snake_case"))]
pub enum BreakCause {
    /// The refresh token reached its end: the provider's lifetime or inactivity rule.
    Expired,
    /// Access was taken back at the provider (the person, an administrator, the provider).
    Revoked,
    /// A refresh token was used twice, and the provider's reuse detection ended the grant.
    Reused,
    /// A password change or a security check at the provider ended the grant.
    SecurityChange,
    /// The person's (or an administrator's) consent to the app was withdrawn.
    ConsentWithdrawn,
    /// The provider no longer accepts Grantry's client: its secret changed, or the client was
    /// deleted or disabled.
    ClientRejected,
    /// A scope the account holds is no longer allowed for the client.
    ScopeNotAllowed,
    /// This computer's clock and the provider's disagree.
    ClockSkew,
    /// None of the above: the provider's words say what it said.
    Unknown,
}

/// The one action that mends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", ts(rename_all = "snake_case"))]
pub enum Mend {
    /// Link the account again.
    Relink,
    /// Fix the provider's client (its secret, or register it again) on the Providers screen.
    FixClient,
    /// Set this computer's clock right, then refresh.
    FixClock,
}

impl BreakCause {
    /// The cause stored as `text` (its serde name).
    pub(crate) fn parse(text: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
    }

    /// The one action that mends it.
    pub fn mend(self) -> Mend {
        match self {
            BreakCause::ClientRejected => Mend::FixClient,
            BreakCause::ClockSkew => Mend::FixClock,
            _ => Mend::Relink,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            BreakCause::Expired => "expired",
            BreakCause::Revoked => "revoked",
            BreakCause::Reused => "reused",
            BreakCause::SecurityChange => "security_change",
            BreakCause::ConsentWithdrawn => "consent_withdrawn",
            BreakCause::ClientRejected => "client_rejected",
            BreakCause::ScopeNotAllowed => "scope_not_allowed",
            BreakCause::ClockSkew => "clock_skew",
            BreakCause::Unknown => "unknown",
        }
    }
}
