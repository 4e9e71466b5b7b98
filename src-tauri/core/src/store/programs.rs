//! The `program_access` table: the executables allowed to take an account's access token
//! without asking again, with when they were allowed and last took one.

use rusqlite::{OptionalExtension, params};

use super::Store;
use crate::error::Error;
use crate::model::ProgramAccess;

impl Store {
    /// Allows `executable` for `account_id` (again: its date is renewed).
    pub fn allow_program(&self, account_id: i64, executable: &str, at: i64) -> Result<(), Error> {
        self.conn
            .execute(
                "INSERT INTO program_access (account_id, executable, allowed_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (account_id, executable) DO UPDATE SET allowed_at = ?3",
                params![account_id, executable, at],
            )
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// Whether `executable` is allowed for `account_id`.
    pub fn program_allowed(&self, account_id: i64, executable: &str) -> Result<bool, Error> {
        self.conn
            .query_row(
                "SELECT 1 FROM program_access WHERE account_id = ?1 AND executable = ?2",
                params![account_id, executable],
                |_| Ok(()),
            )
            .optional()
            .map(|found| found.is_some())
            .map_err(|e| self.error(e))
    }

    /// Notes that `executable`, if allowed for `account_id`, took its token at `at`.
    pub fn program_used(&self, account_id: i64, executable: &str, at: i64) -> Result<(), Error> {
        self.conn
            .execute(
                "UPDATE program_access SET last_used = ?3 WHERE account_id = ?1 AND executable = ?2",
                params![account_id, executable, at],
            )
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// The programs allowed for `account_id`, the most recently used first.
    pub fn programs(&self, account_id: i64) -> Result<Vec<ProgramAccess>, Error> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT executable, allowed_at, last_used FROM program_access
                 WHERE account_id = ?1
                 ORDER BY coalesce(last_used, allowed_at) DESC, executable",
            )
            .map_err(|e| self.error(e))?;
        let rows = statement
            .query_map([account_id], |row| {
                Ok(ProgramAccess {
                    executable: row.get(0)?,
                    allowed_at: row.get(1)?,
                    last_used: row.get(2)?,
                })
            })
            .map_err(|e| self.error(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.error(e))
    }

    /// Takes `executable`'s permission for `account_id` back; whether it had one.
    pub fn remove_program(&self, account_id: i64, executable: &str) -> Result<bool, Error> {
        let removed = self
            .conn
            .execute(
                "DELETE FROM program_access WHERE account_id = ?1 AND executable = ?2",
                params![account_id, executable],
            )
            .map_err(|e| self.error(e))?;
        Ok(removed > 0)
    }
}
