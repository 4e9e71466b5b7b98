//! What a token exchange (RFC 8693) asks and what the Inspector and `grantry exchange` show of
//! its answer: the new token's shape and claims (RFC 7519), never the token itself, which stays
//! in the engine's memory until revealed, copied or saved (`engine/exchange.rs`).

use serde::{Deserialize, Serialize};

use super::TokenShape;

/// Which of the account's tokens is exchanged (RFC 8693 §2.1 `subject_token`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", ts(rename_all = "snake_case"))]
pub enum SubjectToken {
    /// The access token (the default).
    #[default]
    Access,
    /// The refresh token, for the providers that exchange one.
    Refresh,
    /// The ID token (OpenID Connect).
    Id,
}

impl SubjectToken {
    /// The token type identifier (RFC 8693 §3).
    pub fn type_uri(self) -> &'static str {
        match self {
            Self::Access => "urn:ietf:params:oauth:token-type:access_token",
            Self::Refresh => "urn:ietf:params:oauth:token-type:refresh_token",
            Self::Id => "urn:ietf:params:oauth:token-type:id_token",
        }
    }

    /// What the person calls it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Access => "access token",
            Self::Refresh => "refresh token",
            Self::Id => "ID token",
        }
    }
}

/// What to exchange the account's token for. Empty fields are left out of the request, and
/// the provider decides (RFC 8693 §2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExchangeRequest {
    #[serde(default)]
    pub subject: SubjectToken,
    /// The logical name of the service the new token is for (`audience`).
    #[serde(default)]
    pub audience: Option<String>,
    /// The URI of the resource the new token is for (`resource`, RFC 8707).
    #[serde(default)]
    pub resource: Option<String>,
    /// The scopes asked for; none asks for what the provider gives by default.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// A token type identifier (RFC 8693 §3) or its last part (`access_token`, `jwt`,
    /// `id_token`, `refresh_token`); none asks for the provider's default.
    #[serde(default)]
    pub requested_token_type: Option<String>,
}

/// A token exchange's answer as the Inspector shows it: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExchangeResult {
    /// Names the token kept in memory for Reveal, Copy or Save, while it lasts.
    pub handle: u32,
    pub account_id: i64,
    pub subject: SubjectToken,
    /// What was asked.
    pub audience: Option<String>,
    pub resource: Option<String>,
    /// What the provider says it issued (RFC 8693 §2.2.1 `issued_token_type`).
    pub issued_token_type: String,
    /// How to present it (`Bearer`, or `N_A` for a token that is not an access token).
    pub token_type: String,
    /// Unix seconds, from `expires_in`; none when the provider did not say.
    pub expires_at: Option<i64>,
    /// The scopes the provider says the token holds; none when it did not say (then they are
    /// those asked for, RFC 8693 §2.2.1).
    pub scopes: Option<Vec<String>>,
    /// The new token's shape: a JWT's header and claims, or only its length.
    pub token: TokenShape,
}
