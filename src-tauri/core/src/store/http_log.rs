//! The `http_log` table: each account's requests to its provider and their answers, masked
//! before they get here (`redact.rs`), the newest [`HTTP_LOG_KEPT`] per account.

use rusqlite::{OptionalExtension, params};

use super::Store;
use crate::error::Error;
use crate::model::HttpExchange;

/// How many exchanges are kept per account.
pub const HTTP_LOG_KEPT: u32 = 200;

impl Store {
    /// Appends the exchanges of one run of an operation (`run`, as the history entries it
    /// recorded carry it) to an account's log, keeping its newest [`HTTP_LOG_KEPT`].
    pub fn record_http_log(
        &mut self,
        account_id: Option<i64>,
        run: i64,
        exchanges: &[HttpExchange],
    ) -> Result<(), Error> {
        self.write(|tx| {
            // An account removed meanwhile (a revocation) keeps no log under its id.
            let account_id = match account_id {
                Some(id) => tx
                    .query_row("SELECT id FROM accounts WHERE id = ?1", [id], |row| {
                        row.get::<_, i64>(0)
                    })
                    .optional()?,
                None => None,
            };
            for e in exchanges {
                tx.execute(
                    "INSERT INTO http_log (account_id, at, method, url, status, request_body,
                                            response_body, duration_ms, error, operation, run)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                    params![
                        account_id,
                        e.at,
                        e.method,
                        e.url,
                        e.status,
                        e.request_body,
                        e.response_body,
                        e.duration_ms as i64,
                        e.error,
                        e.operation,
                        run
                    ],
                )?;
            }
            tx.execute(
                "DELETE FROM http_log WHERE account_id IS ?1 AND id NOT IN
                     (SELECT id FROM http_log WHERE account_id IS ?1 ORDER BY id DESC LIMIT ?2)",
                params![account_id, HTTP_LOG_KEPT],
            )?;
            Ok(())
        })
    }

    /// An account's exchanges, newest first.
    pub fn http_log(&self, account_id: i64, limit: u32) -> Result<Vec<HttpExchange>, Error> {
        self.exchanges_where(
            "SELECT at, method, url, status, request_body, response_body, duration_ms, error,
                    operation
             FROM http_log WHERE account_id = ?1 ORDER BY id DESC LIMIT ?2",
            params![account_id, limit],
        )
    }

    /// The exchanges of the run that recorded history entry `activity_id`, in the order they
    /// were made; none for an entry no provider-facing operation recorded.
    pub fn exchanges_of(&self, activity_id: i64) -> Result<Vec<HttpExchange>, Error> {
        self.exchanges_where(
            "SELECT at, method, url, status, request_body, response_body, duration_ms, error,
                    operation
             FROM http_log
             WHERE run = (SELECT run FROM activity WHERE id = ?1) ORDER BY id",
            params![activity_id],
        )
    }

    fn exchanges_where(
        &self,
        query: &str,
        parameters: impl rusqlite::Params,
    ) -> Result<Vec<HttpExchange>, Error> {
        let mut statement = self.conn.prepare_cached(query).map_err(|e| self.error(e))?;
        let rows = statement
            .query_map(parameters, |row| {
                Ok(HttpExchange {
                    at: row.get(0)?,
                    method: row.get(1)?,
                    url: row.get(2)?,
                    status: row.get(3)?,
                    request_body: row.get(4)?,
                    response_body: row.get(5)?,
                    duration_ms: row.get::<_, i64>(6)?.max(0) as u64,
                    error: row.get(7)?,
                    operation: row.get(8)?,
                })
            })
            .map_err(|e| self.error(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.error(e))
    }
}
