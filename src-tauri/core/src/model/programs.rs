//! Programs that take an account's access token through the token service: those allowed
//! for good, one asking, and the person's answer.

use serde::{Deserialize, Serialize};

/// A program allowed to take an account's access token through the token service without
/// asking again ("Always allow").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProgramAccess {
    /// The path of its executable, as the system reported it when it asked.
    pub executable: String,
    /// Unix seconds.
    pub allowed_at: i64,
    /// When it last took a token (Unix seconds), if it has since.
    pub last_used: Option<i64>,
}

/// A program asking the token service for an account's access token, waiting for the person
/// to say whether it may have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TokenRequest {
    /// The request's number, to answer it by.
    pub id: u64,
    pub account: i64,
    /// How the account is named (its email, else its name).
    pub account_label: String,
    /// The provider's name.
    pub provider: String,
    /// The path of the program's executable, from the bus peer's process.
    pub executable: String,
    pub pid: u32,
}

/// The person's answer to a [`TokenRequest`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", ts(rename_all = "snake_case"))]
pub enum TokenAnswer {
    AllowOnce,
    AlwaysAllow,
    Deny,
}
