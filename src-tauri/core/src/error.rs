//! Errors of the engine, and the `{code, message}` form in which they reach the UI and the
//! command line. Callers branch on [`ErrorCode`], never on message text. Messages name the
//! cause and what to do; they never carry token or secret text.

use std::path::PathBuf;

use serde::Serialize;
use ts_rs::TS;

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
    Keyring(#[from] crate::secret::KeyringError),
}

/// What kind of failure an error is, for the UI to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The data folder or database cannot be read or written.
    Storage,
    /// The database comes from a newer version of Grantry.
    SchemaTooNew,
    /// The OS keyring (Secret Service) is missing, locked or refusing access.
    KeyringUnavailable,
    /// Something that should not happen; the message says what.
    Internal,
}

/// An error as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
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
        }
    }
}

impl From<&Error> for IpcError {
    fn from(error: &Error) -> Self {
        IpcError {
            code: error.code(),
            message: error.to_string(),
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
