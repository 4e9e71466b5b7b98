//! The SQLite database: account metadata and the activity history. It never holds a secret
//! (tokens and client secrets live in the OS keyring, see [`crate::secret`]).
//!
//! The database runs in WAL mode with foreign keys on and a busy timeout, so that the app and
//! several `grantry` commands can use it at once.

mod migrations;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, params};

pub use migrations::CURRENT_VERSION;
use migrations::Outcome;

use crate::error::Error;
use crate::model::{AccountSummary, ActivityEntry, ActivityKind};

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
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(db_error)?;
        Ok(Self {
            conn,
            path: path.to_path_buf(),
        })
    }

    fn error(&self, source: rusqlite::Error) -> Error {
        Error::Database {
            path: self.path.clone(),
            source,
        }
    }

    pub fn accounts(&self) -> Result<Vec<AccountSummary>, Error> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT id, provider, environment, subject, display_name, email, picture_url,
                        access_expires_at, scope_count
                 FROM accounts
                 ORDER BY provider, environment, lower(coalesce(display_name, email, subject))",
            )
            .map_err(|e| self.error(e))?;
        let rows = statement
            .query_map([], |row| {
                Ok(AccountSummary {
                    id: row.get(0)?,
                    provider: row.get(1)?,
                    environment: row.get(2)?,
                    subject: row.get(3)?,
                    display_name: row.get(4)?,
                    email: row.get(5)?,
                    picture_url: row.get(6)?,
                    access_expires_at: row.get(7)?,
                    scope_count: row.get(8)?,
                })
            })
            .map_err(|e| self.error(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.error(e))
    }

    pub fn record_activity(
        &self,
        at: i64,
        kind: ActivityKind,
        detail: &str,
    ) -> Result<ActivityEntry, Error> {
        self.conn
            .execute(
                "INSERT INTO activity (at, kind, detail) VALUES (?1, ?2, ?3)",
                params![at, kind.as_str(), detail],
            )
            .map_err(|e| self.error(e))?;
        Ok(ActivityEntry {
            id: self.conn.last_insert_rowid(),
            at,
            kind,
            detail: detail.to_owned(),
        })
    }

    pub fn activity(&self, limit: u32) -> Result<Vec<ActivityEntry>, Error> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT id, at, kind, detail FROM activity ORDER BY at DESC, id DESC LIMIT ?1",
            )
            .map_err(|e| self.error(e))?;
        let rows = statement
            .query_map([limit], |row| {
                let kind: String = row.get(2)?;
                let kind = ActivityKind::parse(&kind).ok_or_else(|| {
                    rusqlite::Error::FromSqlConversionFailure(
                        2,
                        rusqlite::types::Type::Text,
                        format!("unknown activity kind {kind:?}").into(),
                    )
                })?;
                Ok(ActivityEntry {
                    id: row.get(0)?,
                    at: row.get(1)?,
                    kind,
                    detail: row.get(3)?,
                })
            })
            .map_err(|e| self.error(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.error(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_store() -> (tempfile::TempDir, Store) {
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
    fn accounts_are_listed_grouped_by_provider() {
        let (_dir, store) = temp_store();
        store
            .conn
            .execute_batch(
                "INSERT INTO accounts (provider, environment, subject, display_name, linked_at,
                                       scope_count)
                 VALUES ('sandbox', 'local', 's2', 'zoe', 1, 3),
                        ('github', 'production', 'g1', 'Ann', 1, 1),
                        ('sandbox', 'local', 's1', 'Bob', 1, 2);",
            )
            .expect("insert");
        let names: Vec<_> = store
            .accounts()
            .expect("accounts")
            .into_iter()
            .map(|a| a.display_name.unwrap_or_default())
            .collect();
        assert_eq!(names, ["Ann", "Bob", "zoe"]);
    }

    #[test]
    fn activity_comes_back_newest_first_and_limited() {
        let (_dir, store) = temp_store();
        for at in [10, 30, 20] {
            store
                .record_activity(at, ActivityKind::DeepLinkReceived, &format!("at {at}"))
                .expect("record");
        }
        let recent: Vec<_> = store
            .activity(2)
            .expect("activity")
            .into_iter()
            .map(|e| e.at)
            .collect();
        assert_eq!(recent, [30, 20]);
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
