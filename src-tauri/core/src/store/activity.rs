//! The `activity` table: the history of what happened, newest first. Details are recorded
//! already redacted; they never hold a secret.

use rusqlite::params;

use super::Store;
use crate::error::Error;
use crate::model::{ActivityEntry, ActivityKind};

impl Store {
    pub fn record_activity(
        &self,
        at: i64,
        kind: ActivityKind,
        detail: &str,
        account_id: Option<i64>,
        run: Option<i64>,
        program: Option<&str>,
    ) -> Result<ActivityEntry, Error> {
        self.conn
            .execute(
                "INSERT INTO activity (at, kind, detail, account_id, run, program)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![at, kind.as_str(), detail, account_id, run, program],
            )
            .map_err(|e| self.error(e))?;
        Ok(ActivityEntry {
            id: self.conn.last_insert_rowid(),
            at,
            kind,
            detail: detail.to_owned(),
            account_id,
            // Its run's exchanges are logged once the run is over.
            exchanges: 0,
            program: program.map(str::to_owned),
        })
    }

    pub fn activity(&self, limit: u32) -> Result<Vec<ActivityEntry>, Error> {
        self.activity_where(None, limit)
    }

    /// One account's history, newest first.
    pub fn activity_of(&self, account_id: i64, limit: u32) -> Result<Vec<ActivityEntry>, Error> {
        self.activity_where(Some(account_id), limit)
    }

    fn activity_where(
        &self,
        account: Option<i64>,
        limit: u32,
    ) -> Result<Vec<ActivityEntry>, Error> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT id, at, kind, detail, account_id,
                        (SELECT count(*) FROM http_log
                         WHERE activity.run IS NOT NULL AND http_log.run = activity.run),
                        program
                 FROM activity
                 WHERE ?2 IS NULL OR account_id = ?2
                 ORDER BY at DESC, id DESC LIMIT ?1",
            )
            .map_err(|e| self.error(e))?;
        let rows = statement
            .query_map(params![limit, account], |row| {
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
                    exchanges: row.get(5)?,
                    program: row.get(6)?,
                })
            })
            .map_err(|e| self.error(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.error(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::temp_store;

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
                    None,
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
}
