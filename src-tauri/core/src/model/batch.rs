//! How a "Refresh all" and a "Revoke all" ended: the accounts they took, each one's outcome
//! and the counts.

use serde::{Deserialize, Serialize};

use super::RevocationReceipt;

/// How a "Refresh all" ended: how many accounts it refreshed of how many, and why each
/// failure failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RefreshAllOutcome {
    pub total: u32,
    pub refreshed: u32,
    pub failures: Vec<RefreshFailure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RefreshFailure {
    pub account: i64,
    pub error: crate::error::IpcError,
}

/// Which accounts a "Revoke all" takes: every one, one provider's, or one environment's of a
/// provider.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RevokeAllScope {
    pub provider: Option<String>,
    /// Only with `provider`.
    pub environment: Option<String>,
}

/// How a "Revoke all" ended: each account's outcome, and the counts of each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RevokeAllOutcome {
    pub total: u32,
    /// Revoked and removed here (verified, or accepted where nothing could be checked).
    pub revoked: u32,
    /// Of those, proved dead by a check.
    pub verified: u32,
    /// Accepted by the provider, but its tokens still work: kept, for Retry.
    pub not_effective: u32,
    /// Not revoked: the provider could not be reached (kept as pending, for Retry) or refused.
    pub failed: u32,
    pub accounts: Vec<RevokeAllAccount>,
}

/// One account's outcome in a "Revoke all".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RevokeAllAccount {
    pub account: i64,
    pub label: String,
    pub provider: String,
    /// The receipt, when the provider accepted.
    pub receipt: Option<RevocationReceipt>,
    /// Why not, when it did not.
    pub error: Option<crate::error::IpcError>,
}
