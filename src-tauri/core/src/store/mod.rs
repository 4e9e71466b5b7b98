//! The SQLite database: account metadata, their scopes, the activity history and the HTTP
//! log, one file per table. It never holds a secret (tokens and client secrets live in the OS
//! keyring, see `secret_store/`).
//!
//! The database runs in WAL mode with foreign keys on and a busy timeout, so that the app and
//! several `grantry` commands can use it at once. Every multi-statement write is one
//! transaction ([`Store::write`]).

mod accounts;
mod activity;
mod http_log;
mod migrations;
mod programs;
mod scopes;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

pub use accounts::{NewAccount, RefreshRecord, TokenLifetime};
pub use http_log::HTTP_LOG_KEPT;
pub use migrations::CURRENT_VERSION;
use migrations::Outcome;

use crate::error::Error;

/// File name of the database inside the data folder.
pub const DATABASE_FILE: &str = "grantry.sqlite3";

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    pub fn open(path: &Path) -> Result<Self, Error> {
        let db_error = |source| Error::Database {
            path: path.to_path_buf(),
            source,
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, flags).map_err(db_error)?;
        conn.busy_timeout(Duration::from_secs(5))
            .map_err(db_error)?;
        // Check the version before anything that writes (WAL switch included), so that a
        // database from a newer Grantry is left byte for byte as it was.
        match migrations::migrate(&mut conn).map_err(db_error)? {
            Outcome::TooNew { found } => {
                return Err(Error::SchemaTooNew {
                    path: path.to_path_buf(),
                    found,
                    known: CURRENT_VERSION,
                });
            }
            Outcome::UpToDate { .. } => {}
        }
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(db_error)?;
        // In WAL mode NORMAL syncs at checkpoints, not at every commit: the database stays
        // consistent through a crash or power loss, and only the last commits before a power
        // loss may be undone. None holds a secret (the keyring does) and the start-up repair
        // reconciles the two, while a sync per commit cost several milliseconds on every
        // refresh, which Refresh all over hundreds of accounts made seconds.
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(db_error)?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(db_error)?;
        Ok(Self {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// This data folder's id, part of every keyring key (migration 4).
    pub fn installation(&self) -> Result<String, Error> {
        self.conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'installation'",
                [],
                |row| row.get(0),
            )
            .map_err(|e| self.error(e))
    }

    /// Runs `work` in one transaction, committed only if all of it succeeded.
    pub(crate) fn write<T>(
        &mut self,
        work: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<T>,
    ) -> Result<T, Error> {
        let outcome = (|| {
            let tx = self.conn.transaction()?;
            let value = work(&tx)?;
            tx.commit()?;
            Ok(value)
        })();
        outcome.map_err(|e| self.error(e))
    }

    pub(crate) fn error(&self, source: rusqlite::Error) -> Error {
        Error::Database {
            path: self.path.clone(),
            source,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn temp_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("g.sqlite3")).expect("open store");
        (dir, store)
    }

    #[test]
    fn new_database_is_empty_and_in_wal_mode() {
        let (_dir, store) = temp_store();
        assert!(store.accounts().expect("accounts").is_empty());
        let mode: String = store
            .conn
            .pragma_query_value(None, "journal_mode", |row| row.get(0))
            .expect("journal mode");
        assert_eq!(mode, "wal");
    }

    #[test]
    fn database_from_a_newer_version_is_refused_untouched() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("g.sqlite3");
        {
            let conn = Connection::open(&path).expect("create");
            conn.pragma_update(None, "user_version", CURRENT_VERSION + 1)
                .expect("version");
        }
        let before = std::fs::read(&path).expect("read");
        let error = Store::open(&path)
            .err()
            .expect("a newer database must be refused");
        assert!(matches!(error, Error::SchemaTooNew { .. }), "{error}");
        assert!(error.to_string().contains("newer Grantry"), "{error}");
        assert_eq!(
            std::fs::read(&path).expect("read"),
            before,
            "file must be untouched"
        );
    }
}
