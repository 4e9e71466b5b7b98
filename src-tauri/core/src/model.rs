//! The data the screens show, as plain serialisable types. TypeScript twins of these types are
//! generated into `ui/src/lib/bindings/` (see `tests/bindings.rs`); none of them may ever hold a
//! secret.

use serde::{Deserialize, Serialize};

use crate::providers::presets::SecretNeed;
use crate::providers::{ClientAuth, Preset, RedirectKind};

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

/// Whether the built-in sandbox provider is serving, for the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "state", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", ts(tag = "state", rename_all = "snake_case"))]
pub enum SandboxStatus {
    Starting,
    Running {
        issuer: String,
    },
    /// Stopped from the Sandbox screen; it would start again on `port`.
    Stopped {
        port: u16,
    },
    Failed {
        message: String,
    },
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
        ] {
            let serde_name = serde_json::to_value(kind).expect("serialise");
            assert_eq!(serde_name, kind.as_str(), "as_str and serde disagree");
            assert_eq!(ActivityKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(ActivityKind::parse("no_such_kind"), None);
    }
}

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
    pub break_cause: Option<crate::engine::BreakCause>,
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

/// A provider as the Link dialog offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProviderOption {
    pub id: String,
    pub name: String,
    pub environments: Vec<EnvironmentOption>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EnvironmentOption {
    pub name: String,
    /// The scopes asked for by default, each with what it allows.
    pub scopes: Vec<ScopeOption>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScopeOption {
    pub scope: String,
    pub description: Option<String>,
}

/// A link waiting for the person to finish in the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StartedLink {
    pub authorization_url: String,
    /// Identifies the link to cancel it or open it again; it travels in the URL anyway.
    pub state: String,
    /// Unix seconds after which the answer is refused.
    pub expires_at: i64,
}

/// How a link the window started stands, asked by a window that may have missed the event
/// that ended it (a provider that answers at once can end a link before anyone listens).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "status", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", ts(tag = "status", rename_all = "snake_case"))]
pub enum LinkStatus {
    /// Still waiting for the provider's answer, or completing the one that came.
    Waiting,
    /// It ended with this account linked (or updated).
    // Boxed: an account is large beside the other variants.
    Linked { account: Box<AccountSummary> },
    /// It ended without an account: its answer was refused or failed, or it timed out.
    Failed { error: crate::error::IpcError },
    /// No link of this process's last ten minutes has this `state` (or it was cancelled).
    Unknown,
}

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

/// What the account's Inspector shows of its tokens: never a token itself. A JWT's header
/// and claims are its own JSON text, decoded from base64url (RFC 7515 §2, RFC 7519 §3) with
/// the signature left out, so that what is shown can never be used as the token; the window
/// reads the JSON and explains the claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Inspection {
    pub account_id: i64,
    pub access_token: TokenShape,
    /// `None` when the provider sent no ID token (OAuth 2 only providers).
    pub id_token: Option<TokenShape>,
    /// The last token response (from a link or a refresh) as the HTTP log kept it, every
    /// secret masked; `None` when the log holds none any more.
    pub token_response: Option<HttpExchange>,
}

/// A token as the Inspector may show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "shape", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", ts(tag = "shape", rename_all = "snake_case"))]
pub enum TokenShape {
    /// A signed JWT (three base64url parts): its header's and claims' text, as sent.
    Jwt { header: String, claims: String },
    /// An Unsecured JWT (`alg: none`, RFC 7519 §6): nobody signed it, so its claims are anyone's
    /// word. Shown as that, never as a signed token: Grantry refuses one as an ID token
    /// (`oauth/id_token.rs`), so an ID token of this shape in the keyring was not put there by
    /// a link or a refresh.
    Unsecured { header: String, claims: String },
    /// Anything else (opaque, encrypted): only its length is told.
    Opaque { length: u32 },
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

/// A provider as the Providers screen shows it: never a client secret, only whether one is
/// stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProviderView {
    pub id: String,
    pub name: String,
    pub preset: Option<Preset>,
    /// The built-in sandbox: neither edited nor removed.
    pub builtin: bool,
    /// How many accounts are linked at it.
    pub accounts: u32,
    /// Plain http is accepted on 127.0.0.1 and [::1] (the built-in sandbox's own choice, or the
    /// provider's opt-in).
    pub allow_plain_http_loopback: bool,
    /// Accounts of its plain-http environments are refreshed in the background too.
    pub refresh_plain_http_in_background: bool,
    pub environments: Vec<EnvironmentView>,
}

/// One environment of a [`ProviderView`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EnvironmentView {
    pub name: String,
    /// The preset's one setting (tenant, GitLab address).
    pub site: Option<String>,
    pub issuer: Option<String>,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub userinfo_endpoint: Option<String>,
    pub revocation_endpoint: Option<String>,
    pub client_id: String,
    pub client_auth: ClientAuth,
    pub has_secret: bool,
    pub redirect: RedirectKind,
    /// The exact redirect URI to register at the provider.
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    /// Its issuer or an endpoint is plain http (on 127.0.0.1 or [::1]).
    pub plain_http: bool,
    /// Its accounts are refreshed in the background: https throughout, or opted in.
    pub refreshed_in_background: bool,
}

/// What saving a provider draft would do, before it is saved: its mistakes, field by field
/// (none: it can be saved), and the environments whose accounts would need linking again.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProviderCheck {
    pub errors: Vec<crate::providers::draft::FieldError>,
    pub relink: Vec<RelinkOnSave>,
}

/// An environment whose issuer or token endpoint a change moves: its accounts are marked as
/// needing to be linked again, rather than their refresh tokens sent to the new address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RelinkOnSave {
    pub environment: String,
    /// How many of its accounts would be marked.
    pub accounts: u32,
    /// What moves, in words: `the token endpoint changes from … to …`.
    pub change: String,
}

/// A preset as the Providers screen offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PresetView {
    pub id: Preset,
    pub name: String,
    pub help: String,
    /// Where a client is registered.
    pub console_url: String,
    pub site: Option<SiteField>,
    /// The accepted redirects, the recommended one first.
    pub redirects: Vec<RedirectOptionView>,
    pub default_scopes: Vec<String>,
    pub catalogue: Vec<ScopeOption>,
}

/// A preset's one extra setting, as a form field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SiteField {
    pub label: String,
    pub placeholder: String,
    pub default: String,
    pub help: String,
}

/// One redirect a preset accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RedirectOptionView {
    pub kind: RedirectKind,
    pub label: String,
    pub help: String,
    pub secret: SecretNeed,
    /// The person gives its URL (the bridge page's address).
    pub needs_url: bool,
}

/// What an issuer's discovery document says, for the Providers screen's "Test discovery".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Discovered {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: Option<String>,
    pub revocation_endpoint: Option<String>,
    pub introspection_endpoint: Option<String>,
    pub scopes_supported: Vec<String>,
    pub pkce_s256: bool,
    pub iss_parameter: bool,
    pub auth_methods: Vec<String>,
}

/// What becomes of a removed provider's accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RemoveAccounts {
    /// Revoked at the provider first, then removed.
    Revoke,
    /// Removed from this device only.
    Forget,
}

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
