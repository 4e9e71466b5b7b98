//! What a revocation came to once the provider accepted it (RFC 7009 §2.2), and the check that
//! showed it took (RFC 7662 introspection, a refused refresh, a refused profile request).

use serde::{Deserialize, Serialize};

use super::HttpExchange;

/// What a revocation came to, once the provider accepted it (`engine/revocation_check.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", ts(rename_all = "snake_case"))]
pub enum RevocationOutcome {
    /// A check showed the tokens dead.
    Verified,
    /// A check showed a token still working: the account is kept, for Retry.
    NotEffective,
    /// The provider offers no way to check (or its checks did not answer): it accepted, and
    /// that is all that is known.
    CannotBeChecked,
}

/// The check that showed a revocation took: the provider's introspection (RFC 7662) called
/// the token inactive, a refresh with the revoked refresh token was refused, or the profile
/// endpoint refused the access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", ts(rename_all = "snake_case"))]
pub enum RevocationProof {
    Introspection,
    RefreshRefused,
    UserinfoRefused,
}

/// The receipt of a revocation the provider accepted: whether it took, how that is known, and
/// the exchanges behind it (masked, as in the HTTP log).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RevocationReceipt {
    pub account_id: i64,
    /// The account, as its list names it.
    pub label: String,
    pub provider: String,
    /// A check proved the tokens dead ([`RevocationOutcome::Verified`]).
    pub verified: bool,
    /// Which check proved it; `None` unless verified.
    pub proof: Option<RevocationProof>,
    pub outcome: RevocationOutcome,
    /// What was found, in words, with any caveat (a self-contained access token that may work
    /// until it expires).
    pub summary: String,
    /// The provider's own page where the person reviews the apps they allowed, if known.
    pub manage_url: Option<String>,
    /// The history entry that keeps the receipt.
    pub activity_id: i64,
    /// The revocation's HTTP exchanges, the checks' included.
    pub exchanges: Vec<HttpExchange>,
}
