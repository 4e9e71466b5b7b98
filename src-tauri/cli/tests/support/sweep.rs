//! The leak sweep at the end of every `Env` (`leak_sweep.rs` does the searching): each code
//! and token the test's sandbox issued is searched for in the data and config folders (the
//! database `grantry.sqlite3`, which must exist, its `-wal` and `-shm`, every other file),
//! in what `grantry history`, `grantry export`, `grantry accounts` and `grantry http-log` of
//! every account print, and in the output of every `grantry` the test ran.
//!
//! SQLite deletes `-wal` when the last connection to the database closes, after copying into
//! `grantry.sqlite3` only the newest version of each page; each `grantry` command is such a
//! last connection. So that the sweep reads every version of every page written, `Env` makes
//! the database itself before the first command (an empty one in WAL mode, private, where
//! Grantry would make it) and holds a connection to it (`hold_wal`): then no command is the
//! last one, and `-wal` keeps every page every command wrote, the first one's included (it
//! would restart only after a checkpoint, which SQLite makes by itself only past 1,000 pages).

use std::process::Output;

use serde_json::Value;

use super::Env;
use super::leak_sweep::Sweep;

/// The sandbox's token log, in the test's folder, outside the data and config folders.
pub const TOKEN_LOG: &str = "sandbox-tokens.log";

/// The database in the data folder (src-tauri/core/src/store/mod.rs).
const DATABASE: &str = "grantry.sqlite3";

impl Env {
    /// Makes the empty database in WAL mode and holds a connection to it, before the first
    /// command (see the module docs); the folder and file are private, as Grantry makes them.
    pub(super) fn hold_wal(&self) {
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
        let data = self.data_dir();
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&data)
            .expect("the data folder");
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700))
            .expect("a private data folder");
        let database = data.join(DATABASE);
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&database)
            .expect("an empty database");
        let connection = rusqlite::Connection::open(&database).expect("open the database");
        let mode: String = connection
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .expect("WAL mode");
        assert_eq!(mode, "wal");
        // Reading once joins the WAL: from then on this connection counts as one still open.
        let _: i64 = connection
            .query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))
            .expect("read the database");
        *self
            .wal_keeper
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(connection);
    }

    /// The sweep; `Drop` runs it.
    fn sweep(&self) {
        let mut sweep = Sweep::from_token_log(&self.dir.path().join(TOKEN_LOG));
        let secrets = self
            .secrets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for (what, value) in secrets.iter() {
            sweep.add(what, value);
        }
        drop(secrets);
        let database = self.data_dir().join(DATABASE);
        assert!(
            database.exists(),
            "leak sweep: no database at {}",
            database.display()
        );
        // While the keeper holds the database open, so `-wal` is still there to be read.
        let wal = self.data_dir().join(format!("{DATABASE}-wal"));
        assert!(
            wal.exists(),
            "leak sweep: SQLite deleted {} although a connection is open",
            wal.display()
        );
        sweep.search_dir("the data folder:", &self.data_dir());
        sweep.search_dir("the config folder:", &self.config_dir());

        let mut runs = Vec::new();
        for args in [&["history"][..], &["export"], &["accounts"]] {
            runs.push(self.sweep_run(args));
        }
        let accounts: Value = serde_json::from_slice(&runs[2].1.stdout).unwrap_or_default();
        for account in accounts.as_array().into_iter().flatten() {
            let id = account["id"].to_string();
            runs.push(self.sweep_run(&["http-log", &id, "--limit", "100000"]));
        }
        for (line, output) in &runs {
            sweep_output(&mut sweep, line, output);
        }

        let ran = self
            .ran
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for (line, output) in ran.iter() {
            sweep_output(&mut sweep, line, output);
        }
        sweep.finish();
        // Only now, with their output swept, may a failure show it.
        for (line, output) in &runs {
            assert!(
                output.status.success(),
                "leak sweep: {line} failed: {}",
                String::from_utf8_lossy(&output.stdout)
            );
        }
    }

    /// Runs `grantry --json ARGS` for the sweep: the command line and its output.
    fn sweep_run(&self, args: &[&str]) -> (String, Output) {
        let output = self
            .command()
            .arg("--json")
            .args(args)
            .output()
            .expect("run grantry");
        (
            format!("the sweep's `grantry --json {}`", args.join(" ")),
            output,
        )
    }
}

fn sweep_output(sweep: &mut Sweep, line: &str, output: &Output) {
    sweep.search(&format!("the output of {line}"), &output.stdout);
    sweep.search(&format!("the errors of {line}"), &output.stderr);
}

impl Drop for Env {
    fn drop(&mut self) {
        // A test that already failed has said why; a second panic would abort the run.
        if !std::thread::panicking() {
            self.sweep();
        }
    }
}
