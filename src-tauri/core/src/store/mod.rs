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
use crate::model::{
    AccountScope, AccountStatus, AccountSummary, ActivityEntry, ActivityKind, ScopeStatus,
};

/// What a completed link stores about an account: metadata only, never a token.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub provider: String,
    pub environment: String,
    pub subject: String,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub picture_url: Option<String>,
    pub access_expires_at: Option<i64>,
    pub has_refresh_token: bool,
    pub scopes: Vec<AccountScope>,
}

/// How many exchanges are kept per account.
pub const EXCHANGES_KEPT: u32 = 200;

const ACCOUNT_COLUMNS: &str = "a.id, a.provider, a.environment, a.subject, a.display_name,
    a.email, a.picture_url, a.access_expires_at,
    (SELECT count(*) FROM scopes s WHERE s.account_id = a.id AND s.status = 'granted'),
    a.status, a.status_reason, a.has_refresh_token";

fn account_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<AccountSummary> {
    let status: String = row.get(9)?;
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
        status: AccountStatus::parse(&status).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                9,
                rusqlite::types::Type::Text,
                format!("unknown account status {status:?}").into(),
            )
        })?,
        status_reason: row.get(10)?,
        has_refresh_token: row.get(11)?,
    })
}

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
    fn write<T>(
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

    fn error(&self, source: rusqlite::Error) -> Error {
        Error::Database {
            path: self.path.clone(),
            source,
        }
    }

    pub fn accounts(&self) -> Result<Vec<AccountSummary>, Error> {
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts a
             ORDER BY a.provider, a.environment,
                      lower(coalesce(a.display_name, a.email, a.subject))"
        );
        let mut statement = self.conn.prepare_cached(&sql).map_err(|e| self.error(e))?;
        let rows = statement
            .query_map([], account_from_row)
            .map_err(|e| self.error(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.error(e))
    }

    pub fn account(&self, id: i64) -> Result<Option<AccountSummary>, Error> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = ?1");
        let mut statement = self.conn.prepare_cached(&sql).map_err(|e| self.error(e))?;
        let mut rows = statement
            .query_map([id], account_from_row)
            .map_err(|e| self.error(e))?;
        rows.next().transpose().map_err(|e| self.error(e))
    }

    /// Stores a linked account, or updates it when the same provider, environment and subject
    /// were linked before (a re-link never duplicates). Its scopes are replaced. Returns the
    /// account and whether it already existed.
    pub fn save_account(
        &mut self,
        account: &NewAccount,
        now: i64,
    ) -> Result<(AccountSummary, bool), Error> {
        let (id, existed) = self.write(|tx| {
            let existed: bool = tx.query_row(
                "SELECT count(*) FROM accounts
                 WHERE provider = ?1 AND environment = ?2 AND subject = ?3",
                params![account.provider, account.environment, account.subject],
                |row| row.get(0),
            )?;
            let id: i64 = tx.query_row(
                "INSERT INTO accounts (provider, environment, subject, display_name, email,
                                       picture_url, access_expires_at, has_refresh_token,
                                       status, status_reason, linked_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'valid', NULL, ?9, ?9)
                 ON CONFLICT (provider, environment, subject) DO UPDATE SET
                     display_name = excluded.display_name, email = excluded.email,
                     picture_url = excluded.picture_url,
                     access_expires_at = excluded.access_expires_at,
                     has_refresh_token = excluded.has_refresh_token,
                     status = 'valid', status_reason = NULL, updated_at = excluded.updated_at
                 RETURNING id",
                params![
                    account.provider,
                    account.environment,
                    account.subject,
                    account.display_name,
                    account.email,
                    account.picture_url,
                    account.access_expires_at,
                    account.has_refresh_token,
                    now,
                ],
                |row| row.get(0),
            )?;
            tx.execute("DELETE FROM scopes WHERE account_id = ?1", [id])?;
            for scope in &account.scopes {
                let status = match scope.status {
                    ScopeStatus::Granted => "granted",
                    ScopeStatus::Declined => "declined",
                };
                tx.execute(
                    "INSERT INTO scopes (account_id, scope, status, source, checked_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![id, scope.scope, status, scope.source, scope.checked_at],
                )?;
            }
            Ok((id, existed))
        })?;
        let saved = self
            .account(id)?
            .ok_or_else(|| self.error(rusqlite::Error::QueryReturnedNoRows))?;
        Ok((saved, existed))
    }

    /// How many refreshes of the account have completed (see migration 3).
    pub fn refresh_generation(&self, account_id: i64) -> Result<i64, Error> {
        self.conn
            .query_row(
                "SELECT refresh_generation FROM accounts WHERE id = ?1",
                [account_id],
                |row| row.get(0),
            )
            .map_err(|e| self.error(e))
    }

    /// Records a completed refresh: the new expiry, whether a refresh token is held, and the
    /// granted scopes when the provider told them.
    pub fn record_refresh(
        &mut self,
        account_id: i64,
        access_expires_at: Option<i64>,
        has_refresh_token: bool,
        granted: Option<&[String]>,
        now: i64,
    ) -> Result<(), Error> {
        self.write(|tx| {
            tx.execute(
                "UPDATE accounts SET access_expires_at = ?2, has_refresh_token = ?3,
                     refresh_generation = refresh_generation + 1, last_refresh_at = ?4,
                     status = 'valid', status_reason = NULL, updated_at = ?4
                 WHERE id = ?1",
                params![account_id, access_expires_at, has_refresh_token, now],
            )?;
            if let Some(granted) = granted {
                replace_granted(tx, account_id, granted, "token_response", now)?;
            }
            Ok(())
        })
    }

    /// Records the scopes a provider just reported as granted, with where that came from.
    pub fn update_scopes(
        &mut self,
        account_id: i64,
        granted: &[String],
        source: &str,
        now: i64,
    ) -> Result<(), Error> {
        self.write(|tx| replace_granted(tx, account_id, granted, source, now))
    }

    /// Marks an account as needing attention, with the reason in words for the person.
    pub fn set_status(
        &self,
        account_id: i64,
        status: AccountStatus,
        reason: Option<&str>,
        now: i64,
    ) -> Result<(), Error> {
        let status = serde_json::to_value(status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        self.conn
            .execute(
                "UPDATE accounts SET status = ?2, status_reason = ?3, updated_at = ?4 WHERE id = ?1",
                params![account_id, status, reason, now],
            )
            .map(drop)
            .map_err(|e| self.error(e))
    }

    /// Appends exchanges to an account's log, keeping its newest [`EXCHANGES_KEPT`].
    pub fn record_exchanges(
        &mut self,
        account_id: Option<i64>,
        exchanges: &[crate::exchange::Exchange],
    ) -> Result<(), Error> {
        self.write(|tx| {
            for e in exchanges {
                tx.execute(
                    "INSERT INTO exchanges (account_id, at, method, url, status, request_body,
                                            response_body, duration_ms, error)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    params![
                        account_id,
                        e.at,
                        e.method,
                        e.url,
                        e.status,
                        e.request_body,
                        e.response_body,
                        e.duration_ms as i64,
                        e.error
                    ],
                )?;
            }
            tx.execute(
                "DELETE FROM exchanges WHERE account_id IS ?1 AND id NOT IN
                     (SELECT id FROM exchanges WHERE account_id IS ?1 ORDER BY id DESC LIMIT ?2)",
                params![account_id, EXCHANGES_KEPT],
            )?;
            Ok(())
        })
    }

    /// An account's exchanges, newest first.
    pub fn exchanges(
        &self,
        account_id: i64,
        limit: u32,
    ) -> Result<Vec<crate::exchange::Exchange>, Error> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT at, method, url, status, request_body, response_body, duration_ms, error
                 FROM exchanges WHERE account_id = ?1 ORDER BY id DESC LIMIT ?2",
            )
            .map_err(|e| self.error(e))?;
        let rows = statement
            .query_map(params![account_id, limit], |row| {
                Ok(crate::exchange::Exchange {
                    at: row.get(0)?,
                    method: row.get(1)?,
                    url: row.get(2)?,
                    status: row.get(3)?,
                    request_body: row.get(4)?,
                    response_body: row.get(5)?,
                    duration_ms: row.get::<_, i64>(6)?.max(0) as u64,
                    error: row.get(7)?,
                })
            })
            .map_err(|e| self.error(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.error(e))
    }

    /// Removes an account's metadata (its scopes go with it; its history stays, unlinked).
    pub fn delete_account(&self, account_id: i64) -> Result<(), Error> {
        self.conn
            .execute("DELETE FROM accounts WHERE id = ?1", [account_id])
            .map(drop)
            .map_err(|e| self.error(e))
    }

    pub fn scopes(&self, account_id: i64) -> Result<Vec<AccountScope>, Error> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT scope, status, source, checked_at FROM scopes
                 WHERE account_id = ?1 ORDER BY status DESC, scope",
            )
            .map_err(|e| self.error(e))?;
        let rows = statement
            .query_map([account_id], |row| {
                let status: String = row.get(1)?;
                let scope: String = row.get(0)?;
                Ok(AccountScope {
                    description: crate::scopes::describe(&scope).map(str::to_owned),
                    scope,
                    status: if status == "granted" {
                        ScopeStatus::Granted
                    } else {
                        ScopeStatus::Declined
                    },
                    source: row.get(2)?,
                    checked_at: row.get(3)?,
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
        account_id: Option<i64>,
    ) -> Result<ActivityEntry, Error> {
        self.conn
            .execute(
                "INSERT INTO activity (at, kind, detail, account_id) VALUES (?1, ?2, ?3, ?4)",
                params![at, kind.as_str(), detail, account_id],
            )
            .map_err(|e| self.error(e))?;
        Ok(ActivityEntry {
            id: self.conn.last_insert_rowid(),
            at,
            kind,
            detail: detail.to_owned(),
            account_id,
        })
    }

    pub fn activity(&self, limit: u32) -> Result<Vec<ActivityEntry>, Error> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT id, at, kind, detail, account_id FROM activity
                 ORDER BY at DESC, id DESC LIMIT ?1",
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
                    account_id: row.get(4)?,
                })
            })
            .map_err(|e| self.error(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.error(e))
    }
}

/// Sets the granted scopes to `granted`: scopes no longer listed become declined.
fn replace_granted(
    tx: &rusqlite::Transaction<'_>,
    account_id: i64,
    granted: &[String],
    source: &str,
    now: i64,
) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE scopes SET status = 'declined', source = ?2, checked_at = ?3
         WHERE account_id = ?1 AND status = 'granted'",
        params![account_id, source, now],
    )?;
    for scope in granted {
        tx.execute(
            "INSERT INTO scopes (account_id, scope, status, source, checked_at)
             VALUES (?1, ?2, 'granted', ?3, ?4)
             ON CONFLICT (account_id, scope) DO UPDATE SET
                 status = 'granted', source = ?3, checked_at = ?4",
            params![account_id, scope, source, now],
        )?;
    }
    Ok(())
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
                "INSERT INTO accounts (provider, environment, subject, display_name, linked_at)
                 VALUES ('sandbox', 'local', 's2', 'zoe', 1),
                        ('github', 'production', 'g1', 'Ann', 1),
                        ('sandbox', 'local', 's1', 'Bob', 1);",
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

    fn new_account(subject: &str, scopes: &[(&str, ScopeStatus)]) -> NewAccount {
        NewAccount {
            provider: "sandbox".into(),
            environment: "local".into(),
            subject: subject.into(),
            display_name: Some(format!("User {subject}")),
            email: None,
            picture_url: None,
            access_expires_at: Some(100),
            has_refresh_token: true,
            scopes: scopes
                .iter()
                .map(|(scope, status)| AccountScope {
                    scope: (*scope).into(),
                    description: None,
                    status: *status,
                    source: "token_response".into(),
                    checked_at: 1,
                })
                .collect(),
        }
    }

    #[test]
    fn relinking_updates_the_account_instead_of_duplicating_it() {
        let (_dir, mut store) = temp_store();
        let first = new_account(
            "s1",
            &[
                ("openid", ScopeStatus::Granted),
                ("email", ScopeStatus::Declined),
            ],
        );
        let (saved, existed) = store.save_account(&first, 10).expect("save");
        assert!(!existed);
        assert_eq!(saved.scope_count, 1);
        let mut again = new_account(
            "s1",
            &[
                ("openid", ScopeStatus::Granted),
                ("email", ScopeStatus::Granted),
            ],
        );
        again.display_name = Some("Renamed".into());
        let (updated, existed) = store.save_account(&again, 20).expect("save again");
        assert!(existed);
        assert_eq!(updated.id, saved.id);
        assert_eq!(updated.display_name.as_deref(), Some("Renamed"));
        assert_eq!(updated.scope_count, 2);
        store
            .save_account(&new_account("s2", &[]), 30)
            .expect("another");
        assert_eq!(store.accounts().expect("list").len(), 2);
        assert_eq!(store.scopes(saved.id).expect("scopes").len(), 2);
    }

    #[test]
    fn activity_comes_back_newest_first_and_limited() {
        let (_dir, store) = temp_store();
        for at in [10, 30, 20] {
            store
                .record_activity(
                    at,
                    ActivityKind::DeepLinkReceived,
                    &format!("at {at}"),
                    None,
                )
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
