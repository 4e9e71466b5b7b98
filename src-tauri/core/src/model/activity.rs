//! What happened: the activity history's entries, and the requests to providers the HTTP log
//! keeps (every credential masked).

use serde::{Deserialize, Serialize};

/// What happened, for the activity history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", ts(rename_all = "snake_case"))]
pub enum ActivityKind {
    /// A `dev.grantry:` URL reached the app and was well formed.
    DeepLinkReceived,
    /// A URL reached the app and was refused (wrong scheme, too long, malformed).
    DeepLinkRejected,
    /// The built-in sandbox provider could not start (its port is taken, its state unreadable).
    SandboxUnavailable,
    /// A new account was linked.
    AccountLinked,
    /// An account already known was linked again and updated.
    AccountRelinked,
    /// A link did not complete: consent denied, provider error, invalid response.
    LinkFailed,
    /// An authorization response was refused: unknown, expired or replayed state, wrong issuer.
    CallbackRejected,
    /// An account's tokens were refreshed.
    TokenRefreshed,
    /// A refresh failed; with `invalid_grant` the account now needs re-linking.
    RefreshFailed,
    /// Access was revoked at the provider and the account removed.
    AccountRevoked,
    /// Revocation could not reach the provider; it is kept and retried.
    RevocationPending,
    /// The provider refused the revocation, or has no way to revoke; the account is kept.
    RevocationFailed,
    /// The provider accepted the revocation, but a check found its tokens still working; the
    /// account is kept.
    RevocationNotEffective,
    /// The account's grant ends within a few days (`engine/grant_end.rs`); told once per end.
    GrantEndingSoon,
    /// The account was removed from this device only, without revoking at the provider.
    AccountForgotten,
    /// The provider was asked again which scopes the account holds.
    ScopesChecked,
    /// One scope was taken back at the provider (Facebook: one permission).
    ScopeRevoked,
    /// The person had the access token shown in the window (the Inspector's Reveal).
    AccessTokenRevealed,
    /// The person copied the access token to the clipboard (the Inspector's Copy).
    AccessTokenCopied,
    /// The person made the access token count as expired, so that its next use refreshes it.
    AccessTokenExpired,
    /// An access token was handed to a program (`grantry token`, the token service); the entry
    /// names the program, never the token.
    TokenHandedOut,
    /// A program asked the token service for an access token and got none: the person said no,
    /// or did not answer in time.
    TokenRefused,
    /// The person allowed a program to take an account's token without asking again.
    ProgramAllowed,
    /// The person took that permission back.
    ProgramRemoved,
    /// One of the account's tokens was exchanged for another (RFC 8693, `engine/exchange.rs`);
    /// the new token is kept in memory only.
    TokenExchanged,
    /// A token exchange failed (the provider refused it, or could not be reached).
    TokenExchangeFailed,
    /// A token exchanged from the account was saved to a file the person named.
    ExchangedTokenSaved,
}

impl ActivityKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ActivityKind::DeepLinkReceived => "deep_link_received",
            ActivityKind::DeepLinkRejected => "deep_link_rejected",
            ActivityKind::SandboxUnavailable => "sandbox_unavailable",
            ActivityKind::AccountLinked => "account_linked",
            ActivityKind::AccountRelinked => "account_relinked",
            ActivityKind::LinkFailed => "link_failed",
            ActivityKind::CallbackRejected => "callback_rejected",
            ActivityKind::TokenRefreshed => "token_refreshed",
            ActivityKind::RefreshFailed => "refresh_failed",
            ActivityKind::AccountRevoked => "account_revoked",
            ActivityKind::RevocationPending => "revocation_pending",
            ActivityKind::RevocationFailed => "revocation_failed",
            ActivityKind::RevocationNotEffective => "revocation_not_effective",
            ActivityKind::GrantEndingSoon => "grant_ending_soon",
            ActivityKind::AccountForgotten => "account_forgotten",
            ActivityKind::ScopesChecked => "scopes_checked",
            ActivityKind::ScopeRevoked => "scope_revoked",
            ActivityKind::AccessTokenRevealed => "access_token_revealed",
            ActivityKind::AccessTokenCopied => "access_token_copied",
            ActivityKind::AccessTokenExpired => "access_token_expired",
            ActivityKind::TokenHandedOut => "token_handed_out",
            ActivityKind::TokenRefused => "token_refused",
            ActivityKind::ProgramAllowed => "program_allowed",
            ActivityKind::ProgramRemoved => "program_removed",
            ActivityKind::TokenExchanged => "token_exchanged",
            ActivityKind::TokenExchangeFailed => "token_exchange_failed",
            ActivityKind::ExchangedTokenSaved => "exchanged_token_saved",
        }
    }

    /// Whether it tells of something that went wrong (logged as a warning).
    pub(crate) fn is_failure(self) -> bool {
        matches!(
            self,
            ActivityKind::DeepLinkRejected
                | ActivityKind::SandboxUnavailable
                | ActivityKind::LinkFailed
                | ActivityKind::CallbackRejected
                | ActivityKind::RefreshFailed
                | ActivityKind::RevocationPending
                | ActivityKind::RevocationFailed
                | ActivityKind::RevocationNotEffective
                | ActivityKind::TokenExchangeFailed
        )
    }

    /// The kind stored as `text` (its serde name, which [`ActivityKind::as_str`] matches).
    pub(crate) fn parse(text: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
    }
}

/// One entry of the activity history. `detail` is already redacted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ActivityEntry {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    pub kind: ActivityKind,
    pub detail: String,
    /// The account it concerns, if any.
    pub account_id: Option<i64>,
    /// How many HTTP exchanges the operation that recorded it made (the HTTP log keeps them:
    /// [`crate::Grantry::exchanges_of`]); 0 for an entry no provider-facing operation wrote.
    pub exchanges: u32,
    /// The program a token was handed to (a [`ActivityKind::TokenHandedOut`]): `grantry token`
    /// and its process id, or the executable that asked the token service.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub program: Option<String>,
}

/// One request Grantry made to a provider and its answer, as the HTTP log keeps it: every
/// credential masked (see `redact.rs`), headers not kept at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HttpExchange {
    pub at: i64,
    pub method: String,
    pub url: String,
    /// `None` when no answer came (connection refused, timeout).
    pub status: Option<u16>,
    pub request_body: String,
    pub response_body: String,
    pub duration_ms: u64,
    pub error: Option<String>,
    /// The operation that made it: `link`, `refresh`, `revoke`, `check_scopes`,
    /// `revoke_scope` or `repair_orphan`; `None` for exchanges logged before Grantry kept it.
    pub operation: Option<String>,
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
            ActivityKind::AccountLinked,
            ActivityKind::AccountRelinked,
            ActivityKind::LinkFailed,
            ActivityKind::CallbackRejected,
            ActivityKind::TokenRefreshed,
            ActivityKind::RefreshFailed,
            ActivityKind::AccountRevoked,
            ActivityKind::RevocationPending,
            ActivityKind::RevocationFailed,
            ActivityKind::AccountForgotten,
            ActivityKind::ScopesChecked,
            ActivityKind::ScopeRevoked,
            ActivityKind::AccessTokenRevealed,
            ActivityKind::AccessTokenCopied,
            ActivityKind::AccessTokenExpired,
            ActivityKind::TokenHandedOut,
            ActivityKind::TokenRefused,
            ActivityKind::ProgramAllowed,
            ActivityKind::ProgramRemoved,
            ActivityKind::TokenExchanged,
            ActivityKind::TokenExchangeFailed,
            ActivityKind::ExchangedTokenSaved,
        ] {
            let serde_name = serde_json::to_value(kind).expect("serialise");
            assert_eq!(serde_name, kind.as_str(), "as_str and serde disagree");
            assert_eq!(ActivityKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(ActivityKind::parse("no_such_kind"), None);
    }
}
