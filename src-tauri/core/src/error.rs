//! Errors of the engine, the failures of its parts (providers file, keyring, HTTP), and the `{code, message}` form in which they reach the UI and the
//! command line. Callers branch on [`ErrorCode`], never on message text. Messages name the
//! cause and what to do; they never carry token or secret text.

use std::path::PathBuf;

use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database error in {path}: {source}")]
    Database {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "the database {path} was written by a newer Grantry (schema version {found}; this \
         version knows up to {known}). It was left untouched: update Grantry to open it."
    )]
    SchemaTooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("{0}")]
    Keyring(#[from] KeyringError),
    #[error("{0}")]
    Provider(#[from] ProviderError),
    #[error("{provider}: {source}")]
    Unreachable { provider: String, source: HttpError },
    #[error(
        "{provider}: the discovery document names the issuer {found:?}, but the provider is \
         configured with {expected:?}; they must match exactly"
    )]
    IssuerMismatch {
        provider: String,
        expected: String,
        found: String,
    },
    #[error("{provider} sent an answer Grantry cannot use: {reason}")]
    MalformedResponse { provider: String, reason: String },
    #[error("{provider} refused: {error}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    ProviderRefused {
        provider: String,
        error: String,
        description: Option<String>,
    },
    #[error("consent was denied at {provider}{}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    ConsentDenied {
        provider: String,
        description: Option<String>,
    },
    #[error("the sign-in response was refused: {0}")]
    InvalidCallback(String),
    #[error(
        "the code for {provider} expired before it was entered at the provider: start again \
         for a new one"
    )]
    DeviceCodeExpired { provider: String },
    #[error("the link to {provider} was cancelled")]
    Cancelled { provider: String },
    #[error("{0}")]
    InvalidInput(String),
    #[error("account {account}: {reason}. Link it again to continue.")]
    NeedsRelink { account: i64, reason: String },
    /// No account is known by that id, email or name.
    #[error("{0}")]
    UnknownAccount(String),
    /// The account's access is being revoked: none of its tokens is used or handed out.
    #[error("{0}")]
    Revoked(String),
    #[error(
        "you signed in at {provider} as {got}, but this was for {expected}: nothing was changed. \
         Sign in there as {expected} and try again"
    )]
    WrongAccount {
        provider: String,
        expected: String,
        got: String,
    },
    /// A failure that is not the person's input nor the provider's answer: a task that died,
    /// a value that could not be serialised, a request that could not be built, a listener
    /// that could not bind. The message says what.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Why a request to a provider did not get an answer Grantry could read.
#[derive(Debug, Clone, thiserror::Error)]
pub enum HttpError {
    /// No connection was made: the request was not sent, so trying again is always safe.
    #[error("the provider could not be reached: {0}")]
    Unreachable(String),
    /// The request went out and no answer came in time: the provider may have acted on it.
    #[error("the provider took too long to answer")]
    Timeout,
    /// The connection broke after the request went out: the provider may have acted on it.
    #[error("the connection to the provider broke before it answered: {0}")]
    Interrupted(String),
    #[error("the provider's answer is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("the request could not be made: {0}")]
    Request(String),
}

/// Why the keyring could not be used, in words a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error(
        "the OS keyring is not reachable: no D-Bus session bus or no Secret Service (such as \
         gnome-keyring) is running ({0})"
    )]
    Unavailable(String),
    #[error("the OS keyring is locked: unlock your login keyring and try again ({0})")]
    Locked(String),
    #[error("the OS keyring refused the request: {0}")]
    Failed(String),
}

/// Why providers could not be loaded or used.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a valid providers file: {reason}")]
    Parse { path: PathBuf, reason: String },
    #[error("provider {provider:?} is not valid: {reason}")]
    Invalid { provider: String, reason: String },
    #[error("no provider {0:?}; `grantry providers` lists them")]
    Unknown(String),
    #[error("provider {provider:?} has no environment {environment:?} (it has: {})", known.join(", "))]
    UnknownEnvironment {
        provider: String,
        environment: String,
        known: Vec<String>,
    },
    #[error("provider {0:?} already exists")]
    Duplicate(String),
    #[error("{0:?} is the built-in sandbox provider and cannot be changed or removed")]
    BuiltIn(String),
    #[error(
        "the built-in Grantry Sandbox is not running (or another program holds its port): \
         start the Grantry app, or `grantry sandbox` in another terminal"
    )]
    SandboxNotRunning,
}

/// What kind of failure an error is, for the UI to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", ts(rename_all = "snake_case"))]
pub enum ErrorCode {
    /// The data folder or database cannot be read or written.
    Storage,
    /// The database comes from a newer version of Grantry.
    SchemaTooNew,
    /// The OS keyring (Secret Service) is missing, locked or refusing access.
    KeyringUnavailable,
    /// A provider configuration or an argument is not valid.
    InvalidInput,
    /// The provider could not be reached (network, timeout).
    ProviderUnreachable,
    /// The provider refused or answered with something unusable.
    ProviderError,
    /// The provider's answer was larger than Grantry reads (`MAX_BODY` in
    /// `src/oauth/http.rs`): it was reached, and may have acted on the request.
    ResponseTooLarge,
    /// A sign-in response (deep link or loopback) was forged, replayed, expired or malformed.
    InvalidCallback,
    /// The person said no on the provider's consent page.
    ConsentDenied,
    /// A device code (RFC 8628) expired before the person entered it: start again.
    Expired,
    /// The link was cancelled before it ended.
    Cancelled,
    /// The provider no longer accepts the account's grant (`invalid_grant`): link it again.
    NeedsRelink,
    /// Scopes were added to, or a re-link made for, one account, and the person signed in as
    /// another at the provider.
    WrongAccount,
    /// No account is known by the id, email or name given.
    UnknownAccount,
    /// The account's access is being revoked (at the provider, and then here).
    Revoked,
    /// Something that should not happen; the message says what.
    Internal,
}

/// An error as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::DataDir { .. } | Error::Database { .. } => ErrorCode::Storage,
            Error::SchemaTooNew { .. } => ErrorCode::SchemaTooNew,
            Error::Keyring(_) => ErrorCode::KeyringUnavailable,
            Error::Provider(_) | Error::InvalidInput(_) => ErrorCode::InvalidInput,
            // Answered, so not unreachable: too much to read is a failure of its own.
            Error::Unreachable {
                source: HttpError::TooLarge { .. },
                ..
            } => ErrorCode::ResponseTooLarge,
            Error::Unreachable { .. } => ErrorCode::ProviderUnreachable,
            Error::IssuerMismatch { .. }
            | Error::MalformedResponse { .. }
            | Error::ProviderRefused { .. } => ErrorCode::ProviderError,
            Error::ConsentDenied { .. } => ErrorCode::ConsentDenied,
            Error::InvalidCallback(_) => ErrorCode::InvalidCallback,
            Error::DeviceCodeExpired { .. } => ErrorCode::Expired,
            Error::Cancelled { .. } => ErrorCode::Cancelled,
            Error::NeedsRelink { .. } => ErrorCode::NeedsRelink,
            Error::WrongAccount { .. } => ErrorCode::WrongAccount,
            Error::UnknownAccount(_) => ErrorCode::UnknownAccount,
            Error::Revoked(_) => ErrorCode::Revoked,
            Error::Internal(_) => ErrorCode::Internal,
        }
    }
}

impl From<&Error> for IpcError {
    fn from(error: &Error) -> Self {
        IpcError {
            code: error.code(),
            // Messages never carry secrets by construction; this is the last line of defence
            // for text that came from elsewhere (a provider's answer, a parser's complaint).
            message: crate::redact::text(&error.to_string()),
        }
    }
}

impl From<Error> for IpcError {
    fn from(error: Error) -> Self {
        IpcError::from(&error)
    }
}

impl std::fmt::Display for IpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for IpcError {}
