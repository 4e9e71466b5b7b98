//! The `accounts` table: one row per linked account (provider, environment, subject), with
//! its profile, token expiry, status and refresh generation. Never a token.

use rusqlite::params;

use super::Store;
use crate::error::Error;
use crate::model::{
    AccountScope, AccountStatus, AccountSummary, BreakCause, FailingRefresh, GrantEndSource,
    RefreshEnd,
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

/// When an account's access token was issued and when it expires (Unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenLifetime {
    pub account_id: i64,
    pub provider: String,
    pub environment: String,
    pub has_refresh_token: bool,
    pub issued_at: i64,
    pub expires_at: i64,
}

/// What [`Store::refresh_record`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshRecord {
    pub issued_at: i64,
    pub last_refresh_at: Option<i64>,
    pub refreshes: u32,
    pub rotations: u32,
    /// When the provider's access to the person's data lapses (Facebook), if it said.
    pub data_access_expires_at: Option<i64>,
    /// When the refresh token ends, if the provider or the token said.
    pub refresh_end: Option<RefreshEnd>,
}

const ACCOUNT_COLUMNS: &str = "a.id, a.provider, a.environment, a.subject, a.display_name,
    a.email, a.picture_url, a.access_expires_at,
    (SELECT count(*) FROM scopes s WHERE s.account_id = a.id AND s.status = 'granted'),
    a.status, a.status_reason, a.has_refresh_token,
    a.refresh_failures, a.refresh_failing_since, a.refresh_last_error";

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
        failing_refresh: match (row.get(12)?, row.get(13)?, row.get(14)?) {
            (failures @ 1.., Some(since), Some(last_error)) => Some(FailingRefresh {
                failures,
                since,
                last_error,
            }),
            _ => None,
        },
    })
}

impl Store {
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

    /// The id of the account this provider environment knows as `subject`, if it is here.
    pub fn account_id_of(
        &self,
        provider: &str,
        environment: &str,
        subject: &str,
    ) -> Result<Option<i64>, Error> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT id FROM accounts WHERE provider = ?1 AND environment = ?2 AND subject = ?3",
            )
            .map_err(|e| self.error(e))?;
        let mut rows = statement
            .query_map(params![provider, environment, subject], |row| row.get(0))
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
                                       status, status_reason, linked_at, updated_at,
                                       access_issued_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'valid', NULL, ?9, ?9, ?9)
                 ON CONFLICT (provider, environment, subject) DO UPDATE SET
                     display_name = excluded.display_name, email = excluded.email,
                     picture_url = excluded.picture_url,
                     access_expires_at = excluded.access_expires_at,
                     access_issued_at = excluded.access_issued_at,
                     has_refresh_token = excluded.has_refresh_token,
                     status = 'valid', status_reason = NULL, status_cause = NULL,
                     updated_at = excluded.updated_at,
                     refresh_failures = 0, refresh_failing_since = NULL,
                     refresh_last_error = NULL,
                     -- A new grant: what was said of the old one's end no longer holds.
                     refresh_end_at = NULL, refresh_end_source = NULL, grant_end_seen_at = NULL,
                     grant_end_told_at = NULL
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
                let status = scope.status.as_str();
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

    /// An account's refresh record: when its access token was issued, when it was last
    /// refreshed, how many refreshes and how many of them rotated the refresh token.
    pub fn refresh_record(&self, account_id: i64) -> Result<RefreshRecord, Error> {
        self.conn
            .query_row(
                "SELECT coalesce(access_issued_at, updated_at), last_refresh_at,
                        refresh_generation, refresh_rotations, data_access_expires_at,
                        refresh_end_at, refresh_end_source
                 FROM accounts WHERE id = ?1",
                [account_id],
                |row| {
                    let source: Option<String> = row.get(6)?;
                    let source = source.and_then(|s| {
                        serde_json::from_value::<GrantEndSource>(serde_json::Value::String(s)).ok()
                    });
                    let at: Option<i64> = row.get(5)?;
                    Ok(RefreshRecord {
                        issued_at: row.get(0)?,
                        last_refresh_at: row.get(1)?,
                        refreshes: row.get(2)?,
                        rotations: row.get(3)?,
                        data_access_expires_at: row.get(4)?,
                        refresh_end: at.zip(source).map(|(at, source)| RefreshEnd { at, source }),
                    })
                },
            )
            .map_err(|e| self.error(e))
    }

    /// Records when the provider's access to the person's data lapses (Facebook's
    /// `data_access_expires_at`), as it said at a link or a renewal.
    pub fn set_data_access_expiry(&mut self, account_id: i64, at: i64) -> Result<(), Error> {
        self.write(|tx| {
            tx.execute(
                "UPDATE accounts SET data_access_expires_at = ?2 WHERE id = ?1",
                rusqlite::params![account_id, at],
            )
            .map(drop)
        })
    }

    /// Records when the refresh token ends, as the provider or the token said at a link or a
    /// refresh (`None`: nothing said of a new refresh token, so nothing is known).
    pub fn set_refresh_end(
        &mut self,
        account_id: i64,
        end: Option<RefreshEnd>,
    ) -> Result<(), Error> {
        let source = end.and_then(|end| match end.source {
            GrantEndSource::Provider => Some("provider"),
            GrantEndSource::RefreshToken => Some("refresh_token"),
            GrantEndSource::Rule | GrantEndSource::Unknown => None,
        });
        let at = source.and(end.map(|end| end.at));
        self.write(|tx| {
            tx.execute(
                "UPDATE accounts SET refresh_end_at = ?2, refresh_end_source = ?3 WHERE id = ?1",
                rusqlite::params![account_id, at, source],
            )
            .map(drop)
        })
    }

    /// The grant end seen at the last look for ends, and the one the person was told of.
    pub fn grant_end_looks(&self, account_id: i64) -> Result<(Option<i64>, Option<i64>), Error> {
        self.conn
            .query_row(
                "SELECT grant_end_seen_at, grant_end_told_at FROM accounts WHERE id = ?1",
                [account_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .map_err(|e| self.error(e))
    }

    /// Notes the grant end seen at this look.
    pub fn set_grant_end_seen(&mut self, account_id: i64, at: i64) -> Result<(), Error> {
        self.write(|tx| {
            tx.execute(
                "UPDATE accounts SET grant_end_seen_at = ?2 WHERE id = ?1",
                rusqlite::params![account_id, at],
            )
            .map(drop)
        })
    }

    /// Notes that the person was told the grant ends at `at`.
    pub fn set_grant_end_told(&mut self, account_id: i64, at: i64) -> Result<(), Error> {
        self.write(|tx| {
            tx.execute(
                "UPDATE accounts SET grant_end_told_at = ?2 WHERE id = ?1",
                rusqlite::params![account_id, at],
            )
            .map(drop)
        })
    }

    /// Makes the access token count as expired at `now` (it may still work at the provider);
    /// the refresh schedule then finds it due. Returns whether the account exists.
    pub fn expire_access_token(&mut self, account_id: i64, now: i64) -> Result<bool, Error> {
        self.write(|tx| {
            tx.execute(
                "UPDATE accounts SET access_expires_at = ?2, updated_at = ?2 WHERE id = ?1",
                rusqlite::params![account_id, now],
            )
            .map(|changed| changed == 1)
        })
    }

    /// Records a completed refresh: the new expiry, whether a refresh token is held, and the
    /// granted scopes when the provider told them.
    pub fn record_refresh(
        &mut self,
        account_id: i64,
        access_expires_at: Option<i64>,
        has_refresh_token: bool,
        rotated: bool,
        granted: Option<&[String]>,
        now: i64,
    ) -> Result<(), Error> {
        self.write(|tx| {
            tx.execute(
                // A refresh never undoes a revocation under way: only a refreshable account
                // (valid, or marked for re-link by a refresh that failed) becomes valid.
                "UPDATE accounts SET access_expires_at = ?2, has_refresh_token = ?3,
                     refresh_generation = refresh_generation + 1, last_refresh_at = ?4,
                     refresh_rotations = refresh_rotations + ?5,
                     access_issued_at = ?4, updated_at = ?4,
                     status = CASE WHEN status IN ('revocation_pending', 'revocation_not_effective')
                                   THEN status ELSE 'valid' END,
                     status_reason = CASE status WHEN 'revocation_pending' THEN status_reason
                                                 WHEN 'revocation_not_effective' THEN status_reason
                                                 ELSE NULL END,
                     status_cause = NULL,
                     refresh_failures = 0, refresh_failing_since = NULL,
                     refresh_last_error = NULL
                 WHERE id = ?1",
                params![
                    account_id,
                    access_expires_at,
                    has_refresh_token,
                    now,
                    rotated
                ],
            )?;
            if let Some(granted) = granted {
                super::scopes::replace_granted(tx, account_id, granted, "token_response", now)?;
            }
            Ok(())
        })
    }

    /// Records a refresh of a valid account that failed without the provider refusing its
    /// grant: one more failure in a row, since the first one's `now`, and `error` as the last.
    /// `error` must hold no secret (it is shown in the window and by `grantry accounts`).
    pub fn record_refresh_failure(
        &self,
        account_id: i64,
        error: &str,
        now: i64,
    ) -> Result<(), Error> {
        self.conn
            .execute(
                // Only a valid account: one marked for re-link or being revoked says why itself.
                "UPDATE accounts SET refresh_failures = refresh_failures + 1,
                     refresh_failing_since = coalesce(refresh_failing_since, ?3),
                     refresh_last_error = ?2
                 WHERE id = ?1 AND status = 'valid'",
                params![account_id, error, now],
            )
            .map(drop)
            .map_err(|e| self.error(e))
    }

    /// Marks an account as needing attention, with the reason in words for the person.
    /// Why the account needs linking again (`None`: not known, or it no longer does).
    pub fn set_status_cause(
        &self,
        account_id: i64,
        cause: Option<BreakCause>,
    ) -> Result<(), Error> {
        self.conn
            .execute(
                "UPDATE accounts SET status_cause = ?2 WHERE id = ?1",
                params![account_id, cause.map(BreakCause::as_str)],
            )
            .map(drop)
            .map_err(|e| self.error(e))
    }

    /// Why the account needs linking again, if that was worked out.
    pub fn status_cause(&self, account_id: i64) -> Result<Option<BreakCause>, Error> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT status_cause FROM accounts WHERE id = ?1",
                [account_id],
                |row| row.get(0),
            )
            .map_err(|e| self.error(e))?;
        Ok(text.as_deref().and_then(BreakCause::parse))
    }

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

    /// When each valid account's access token was issued and expires, for the refresh
    /// schedule: valid accounts with a known expiry; the schedule keeps those it can renew (a
    /// refresh token, or a provider that renews its own way).
    pub fn token_lifetimes(&self) -> Result<Vec<TokenLifetime>, Error> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT id, provider, environment, has_refresh_token,
                        coalesce(access_issued_at, updated_at), access_expires_at
                 FROM accounts
                 WHERE status = 'valid' AND access_expires_at IS NOT NULL",
            )
            .map_err(|e| self.error(e))?;
        let rows = statement
            .query_map([], |row| {
                Ok(TokenLifetime {
                    account_id: row.get(0)?,
                    provider: row.get(1)?,
                    environment: row.get(2)?,
                    has_refresh_token: row.get(3)?,
                    issued_at: row.get(4)?,
                    expires_at: row.get(5)?,
                })
            })
            .map_err(|e| self.error(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.error(e))
    }

    /// Removes an account's metadata (its scopes go with it; its history and HTTP log stay,
    /// unlinked, so that an account that later gets the same id inherits none of them).
    pub fn delete_account(&self, account_id: i64) -> Result<(), Error> {
        self.conn
            .execute(
                "UPDATE http_log SET account_id = NULL WHERE account_id = ?1",
                [account_id],
            )
            .and_then(|_| {
                self.conn
                    .execute("DELETE FROM accounts WHERE id = ?1", [account_id])
            })
            .map(drop)
            .map_err(|e| self.error(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ScopeStatus;
    use crate::store::tests::temp_store;

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
}
