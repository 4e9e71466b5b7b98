//! When an account's grant ends on its own, and who says so (the provider's rule, its token
//! answer, the refresh token itself).

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
