//! Versioned schema migrations, tracked in SQLite's `user_version`.
//!
//! Each migration runs in its own transaction together with the version bump, so a crash leaves
//! the database at one version or the next, never between. A database whose version is higher
//! than the last migration here comes from a newer Grantry: it is refused and left untouched.

use rusqlite::{Connection, TransactionBehavior};

/// The migrations in order; migration `i` brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_initial.sql"),
    include_str!("../../migrations/0002_link.sql"),
    include_str!("../../migrations/0003_refresh.sql"),
    include_str!("../../migrations/0004_installation.sql"),
    include_str!("../../migrations/0005_exchanges.sql"),
    include_str!("../../migrations/0006_http_log.sql"),
    include_str!("../../migrations/0007_token_lifetime.sql"),
    include_str!("../../migrations/0008_rotations.sql"),
    include_str!("../../migrations/0009_data_access.sql"),
    include_str!("../../migrations/0010_runs.sql"),
    include_str!("../../migrations/0011_failing_refresh.sql"),
    include_str!("../../migrations/0012_programs.sql"),
    include_str!("../../migrations/0013_program_access.sql"),
    include_str!("../../migrations/0014_refresh_end.sql"),
];

/// The schema version this build writes.
pub const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

/// What [`migrate`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The schema is (now) at [`CURRENT_VERSION`]; `from` is where it started.
    UpToDate { from: i64 },
    /// The database is newer than this build; nothing was changed.
    TooNew { found: i64 },
}

pub fn migrate(conn: &mut Connection) -> rusqlite::Result<Outcome> {
    let version = |conn: &Connection| -> rusqlite::Result<i64> {
        conn.pragma_query_value(None, "user_version", |row| row.get(0))
    };
    let from = version(conn)?;
    // A negative version was never written by Grantry: refuse it like an unknown future one.
    if !(0..=CURRENT_VERSION).contains(&from) {
        return Ok(Outcome::TooNew { found: from });
    }
    if from == CURRENT_VERSION {
        return Ok(Outcome::UpToDate { from });
    }
    loop {
        // IMMEDIATE takes the write lock before the version is read again, so two processes
        // starting at once (the app and a `grantry` command) apply each migration once.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let at = version(&tx)?;
        if at == CURRENT_VERSION {
            break; // another process finished the job
        }
        let Some(sql) = usize::try_from(at).ok().and_then(|at| MIGRATIONS.get(at)) else {
            // Another process moved the version out of range meanwhile: leave it alone.
            return Ok(Outcome::TooNew { found: at });
        };
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", at + 1)?;
        tx.commit()?;
    }
    Ok(Outcome::UpToDate { from })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_database_reaches_current_version_once() {
        let mut conn = Connection::open_in_memory().expect("in-memory database");
        assert_eq!(
            migrate(&mut conn).expect("migrate"),
            Outcome::UpToDate { from: 0 }
        );
        // Running again must be a no-op, not a second CREATE TABLE.
        assert_eq!(
            migrate(&mut conn).expect("migrate again"),
            Outcome::UpToDate {
                from: CURRENT_VERSION
            }
        );
    }

    #[test]
    fn newer_schema_is_reported_and_left_alone() {
        let mut conn = Connection::open_in_memory().expect("in-memory database");
        conn.pragma_update(None, "user_version", CURRENT_VERSION + 3)
            .expect("set version");
        assert_eq!(
            migrate(&mut conn).expect("migrate"),
            Outcome::TooNew {
                found: CURRENT_VERSION + 3
            }
        );
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))
            .expect("count tables");
        assert_eq!(tables, 0, "a newer database must not be written to");
    }
}
