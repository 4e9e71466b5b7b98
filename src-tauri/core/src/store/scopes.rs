//! The `scopes` table: each account's granted and declined scopes, where that answer came
//! from (`token_response`, `requested`, `introspection`) and when.

use rusqlite::params;

use super::Store;
use crate::error::Error;
use crate::model::{AccountScope, ScopeStatus};

impl Store {
    pub fn scopes(&self, account_id: i64) -> Result<Vec<AccountScope>, Error> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT scope, status, source, checked_at FROM scopes
                 WHERE account_id = ?1
                 ORDER BY CASE status WHEN 'granted' THEN 0 WHEN 'not_granted' THEN 1 ELSE 2 END,
                          scope",
            )
            .map_err(|e| self.error(e))?;
        let rows = statement
            .query_map([account_id], |row| {
                let status: String = row.get(1)?;
                let scope: String = row.get(0)?;
                Ok(AccountScope {
                    description: crate::scope_catalog::describe(&scope).map(str::to_owned),
                    scope,
                    status: ScopeStatus::parse(&status).unwrap_or(ScopeStatus::Declined),
                    source: row.get(2)?,
                    checked_at: row.get(3)?,
                })
            })
            .map_err(|e| self.error(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.error(e))
    }

    /// Records the scopes a provider just reported as granted, and those it reported declined,
    /// with where that came from.
    pub fn update_scopes(
        &mut self,
        account_id: i64,
        granted: &[String],
        declined: &[String],
        source: &str,
        now: i64,
    ) -> Result<(), Error> {
        self.write(|tx| {
            replace_granted(tx, account_id, granted, source, now)?;
            for scope in declined.iter().filter(|s| !granted.contains(s)) {
                tx.execute(
                    "INSERT INTO scopes (account_id, scope, status, source, checked_at)
                     VALUES (?1, ?2, 'declined', ?3, ?4)
                     ON CONFLICT (account_id, scope) DO UPDATE SET
                         status = 'declined', source = ?3, checked_at = ?4",
                    params![account_id, scope, source, now],
                )?;
            }
            Ok(())
        })
    }
}

/// Sets the granted scopes to `granted`: scopes granted before and no longer listed become
/// "not granted"; declined ones stay declined.
pub(super) fn replace_granted(
    tx: &rusqlite::Transaction<'_>,
    account_id: i64,
    granted: &[String],
    source: &str,
    now: i64,
) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE scopes SET status = 'not_granted', source = ?2, checked_at = ?3
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
