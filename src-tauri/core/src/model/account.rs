//! An account as the screens show it: its summary in the Accounts list, where it stands, its
//! detail screen and where its tokens stand (times only: never a token).

use serde::{Deserialize, Serialize};

use super::{AccountScope, ActivityEntry, GrantEnd};

/// One linked account as the Accounts list shows it: metadata only, never a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
    pub status: AccountStatus,
    /// Why the account needs attention, in words for the person.
    pub status_reason: Option<String>,
    /// Whether Grantry holds a refresh token (in the keyring) for the account.
    pub has_refresh_token: bool,
    /// Refreshes that have been failing since the last one that worked, if any.
    pub failing_refresh: Option<FailingRefresh>,
}

/// Refreshes of an account that failed in a row without the provider refusing its grant
/// (which marks the account "needs re-link" instead): the provider unreachable, a 5xx, a
/// timeout, a rate limit, an answer Grantry cannot use. A refresh that works, or a new link,
/// clears them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FailingRefresh {
    /// How many refreshes have failed since the last one that worked (at least 1).
    pub failures: u32,
    /// When the first of them failed (Unix seconds).
    pub since: i64,
    /// What the last one failed with, in words; masked, never a token.
    pub last_error: String,
}

impl AccountSummary {
    /// How the account is named in messages and listings: its email, else its display name,
    /// else the provider's subject (which every account has).
    pub fn label(&self) -> &str {
        self.email
            .as_deref()
            .or(self.display_name.as_deref())
            .unwrap_or(&self.subject)
    }
}

/// Where an account stands, beyond its token's expiry (which the UI derives from the time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", ts(rename_all = "snake_case"))]
pub enum AccountStatus {
    Valid,
    /// The provider refused the grant (`invalid_grant`…): link again.
    NeedsRelink,
    /// Revocation at the provider has not gone through yet; it is retried.
    RevocationPending,
    /// The provider accepted the revocation, but its tokens still work (a check said so):
    /// the account and its tokens are kept, for Retry, and nothing refreshes or hands them out.
    RevocationNotEffective,
}

impl AccountStatus {
    /// Whether its access is being taken back (pending, or accepted but not effective yet):
    /// nothing refreshes it, hands its tokens out or links it again until that is settled.
    pub fn is_being_revoked(self) -> bool {
        matches!(
            self,
            AccountStatus::RevocationPending | AccountStatus::RevocationNotEffective
        )
    }

    /// The status stored as `text` (its serde name).
    pub(crate) fn parse(text: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
    }
}

/// Everything the account's detail screen shows: metadata, never a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccountDetail {
    pub account: AccountSummary,
    pub scopes: Vec<AccountScope>,
    pub tokens: TokenInfo,
    /// The account's history, newest first.
    pub timeline: Vec<ActivityEntry>,
    /// Whether Grantry can revoke access at the provider; Microsoft has no way for another
    /// app to do it, and the screen says so instead of pretending.
    pub revocable: bool,
    /// The provider's own page of the apps the person allowed, where they can remove
    /// Grantry's access by hand (the only way at providers that cannot revoke).
    pub manage_access_url: Option<String>,
    /// Whether one scope can be taken back at the provider, leaving the others (Facebook).
    pub scopes_revocable: bool,
    /// What will end the grant on its own, and roughly when.
    pub grant_end: GrantEnd,
    /// Why the account needs linking again, when that was worked out (`status_reason` says it
    /// in words, with the provider's own).
    pub break_cause: Option<super::BreakCause>,
}

/// Where an account's tokens stand (times in Unix seconds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TokenInfo {
    pub access_expires_at: Option<i64>,
    /// When the current access token was issued (linked or last refreshed).
    pub access_issued_at: i64,
    pub has_refresh_token: bool,
    pub last_refresh_at: Option<i64>,
    /// When the background schedule will refresh it; none when it is not refreshed (no
    /// refresh token, no known expiry, or the account needs attention).
    pub next_refresh_at: Option<i64>,
    /// Refreshes since the account was linked.
    pub refreshes: u32,
    /// Of those, how many brought a new refresh token.
    pub rotations: u32,
    /// When the provider's access to the person's data lapses though the token lives on
    /// (Facebook: 90 days without use); none where there is no such limit.
    pub data_access_expires_at: Option<i64>,
}
