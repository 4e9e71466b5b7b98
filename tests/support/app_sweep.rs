//! The leak sweep for one run of the app (`leak_sweep.rs` does the searching): the app's own
//! sandbox logs every code and token it issues (`GRANTRY_SANDBOX_TOKEN_LOG`, read in
//! src-tauri/src/built_in_sandbox.rs), and each one is searched for in the app's data folder,
//! read twice: while the app runs, when the database's `-wal` and `-shm` exist (SQLite deletes
//! `-wal` when the app closes the database, after copying only the newest version of each page
//! into `grantry.sqlite3`), and after the app has exited; and in what the app, tauri-driver and
//! the native driver wrote to stderr (`Driver::start`).
//!
//! Beyond the data folder, the places a WebKit app or its desktop session could write are
//! searched too: the app's folder under `XDG_DATA_HOME` (WebKit's storage), `XDG_CACHE_HOME`,
//! `XDG_CONFIG_HOME`, the notification stand-in's log, and the text of every screenshot the
//! test took (`Session::screenshot` keeps what the page showed beside each picture), but for
//! those it names as showing a revealed token on purpose ([`AppSweep::reveals`]).
//!
//! The private keys Grantry keeps in the keyring (each environment's `client-key/…` item for
//! `private_key_jwt`, each account's `dpop_key`) are searched for too: read from the keyring
//! in `running` and `finish`, and whenever a test calls [`AppSweep::keyring_keys`] (an
//! account's key goes with its tokens when it is revoked, so a test reads it before).
//!
//! A test calls `running` before closing the app and `finish` after; dropping an `AppSweep`
//! that did not finish fails the test.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::leak_sweep::{ADMIN_TOKEN_FILE, Sweep, files_under};
use super::webdriver::Driver;

/// The app's identifier (tauri.conf.json): its folder under each XDG base folder.
const IDENTIFIER: &str = "dev.grantry.desktop";

pub struct AppSweep {
    token_log: PathBuf,
    data_dir: PathBuf,
    driver_log: PathBuf,
    /// Where the test's screenshots go, and when the test began: those taken since are its own.
    screenshots: PathBuf,
    began: SystemTime,
    /// Screenshots (by the start of their name) that show a revealed token on purpose.
    revealing: Vec<String>,
    /// The data folder's files as they were while the app ran.
    while_running: Vec<(PathBuf, Vec<u8>)>,
    apps: Vec<u32>,
    /// The private keys read from the keyring so far (what, value).
    keys: Vec<(String, String)>,
    finished: bool,
}

impl AppSweep {
    /// For an app on `data_dir`; `name` names this run's token log in `scratch` (outside the
    /// data folder) and its driver log in `logs`, where its screenshots go too.
    pub fn new(scratch: &Path, data_dir: &Path, logs: &Path, name: &str) -> Self {
        std::fs::create_dir_all(logs).expect("the log folder");
        Self {
            token_log: scratch.join(format!("{name}-sandbox-tokens.log")),
            data_dir: data_dir.to_owned(),
            driver_log: logs.join(format!("{name}-driver.log")),
            screenshots: logs.to_owned(),
            began: SystemTime::now(),
            revealing: Vec::new(),
            while_running: Vec::new(),
            apps: Vec::new(),
            keys: Vec::new(),
            finished: false,
        }
    }

    /// The screenshots whose name starts with `name` show a token the person revealed: their
    /// text is not searched.
    pub fn reveals(&mut self, name: &str) {
        self.revealing.push(name.to_owned());
    }

    /// The variable that turns the app's sandbox's token log on.
    pub fn env(&self) -> (&'static str, String) {
        (
            "GRANTRY_SANDBOX_TOKEN_LOG",
            self.token_log.display().to_string(),
        )
    }

    /// Where `Driver::start` is to send what it and the app write.
    pub fn driver_log(&self) -> &Path {
        &self.driver_log
    }

    /// Reads the private keys in the keyring now (see the module docs); returns how many the
    /// sweep knows of so far.
    pub fn keyring_keys(&mut self) -> usize {
        use grantry_core::secret_store::{Keyring, SERVICE, SecretStore};
        let keyring = Keyring::secret_service(SERVICE);
        let keys = keyring.keys().expect("leak sweep: the keyring's items");
        for key in keys {
            let Ok(Some(item)) = keyring.get(&key) else {
                continue;
            };
            let found = if key.starts_with("client-key/") {
                Some((
                    "a private_key_jwt key in the keyring",
                    item.expose().clone(),
                ))
            } else if key.starts_with("account/") {
                serde_json::from_str::<serde_json::Value>(item.expose())
                    .ok()
                    .and_then(|item| Some(item["dpop_key"].as_str()?.to_owned()))
                    .map(|key| ("an account's DPoP key in the keyring", key))
            } else {
                None
            };
            if let Some((what, value)) = found
                && !self.keys.iter().any(|(_, known)| *known == value)
            {
                self.keys.push((what.to_owned(), value));
            }
        }
        self.keys.len()
    }

    /// Reads the data folder while the app still runs.
    pub fn running(&mut self, driver: &Driver) {
        self.keyring_keys();
        self.apps = driver.apps();
        assert!(!self.apps.is_empty(), "leak sweep: the app is not running");
        let wal = self.data_dir.join("grantry.sqlite3-wal");
        assert!(
            wal.exists(),
            "leak sweep: no {} while the app runs",
            wal.display()
        );
        for path in files_under(&self.data_dir) {
            if path.ends_with(ADMIN_TOKEN_FILE) {
                continue;
            }
            // A file may go between listing and reading.
            if let Ok(bytes) = std::fs::read(&path) {
                self.while_running.push((path, bytes));
            }
        }
    }

    /// Once the app has exited, reads the data folder again and the driver log, and searches
    /// all of it for every value issued and every one of `also` (what, value). Returns how
    /// many values were searched for.
    pub fn finish(mut self, also: &[(&str, &str)]) -> usize {
        self.finished = true;
        assert!(
            !self.apps.is_empty(),
            "leak sweep: call `running` while the app runs"
        );
        let apps = self.apps.clone();
        let running = || -> Vec<String> {
            apps.iter()
                .filter(|&&pid| super::procs::alive(pid))
                .map(|&pid| format!("pid {pid}: {}", super::procs::threads(pid)))
                .collect()
        };
        let signal = |name: &str| {
            for &pid in &apps {
                let _ = std::process::Command::new("kill")
                    .args([name, &pid.to_string()])
                    .status();
            }
        };
        let ended_within = |limit: Duration| {
            let start = std::time::Instant::now();
            while apps.iter().any(|&pid| super::procs::alive(pid)) {
                if start.elapsed() > limit {
                    return false;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            true
        };
        // WebKitWebDriver ends the app when its session ends, by a signal, not by closing the
        // window (the app logs neither a close nor its exit then). On a loaded machine it has
        // been seen not to within 30 s while the app sat idle; the sweep then ends it as a
        // logout would, and says so. An app that outlives SIGTERM fails the test, named with
        // what each of its threads waits in, and is killed, so that the tests after this one
        // do not start beside it (it holds the single-instance name).
        if !ended_within(Duration::from_secs(10)) {
            eprintln!(
                "leak sweep: the driver had not ended the app 10 s after its session's end; \
                 sending SIGTERM. Threads: {:?}",
                running()
            );
            signal("-TERM");
            if !ended_within(Duration::from_secs(20)) {
                let stuck = running();
                signal("-KILL");
                panic!("the app outlived SIGTERM by 20 s: {stuck:?}");
            }
        }
        // The app's sandbox logs at least its admin token as it starts; a test whose sandbox
        // could not start names its own values in `also`.
        let mut sweep = Sweep::default();
        if self.token_log.exists() {
            sweep.add_token_log(&self.token_log);
        }
        for (what, value) in also {
            sweep.add(what, value);
        }
        self.keyring_keys();
        for (what, value) in &self.keys {
            sweep.add(what, value);
        }
        for (path, bytes) in &self.while_running {
            let place = format!("the data folder while the app ran: {}", path.display());
            sweep.search(&place, bytes);
        }
        let database = self.data_dir.join("grantry.sqlite3");
        assert!(
            database.exists(),
            "leak sweep: no database at {}",
            database.display()
        );
        sweep.search_dir("the data folder after the app exited:", &self.data_dir);
        assert!(
            sweep.search_file("what the app and its drivers wrote:", &self.driver_log),
            "leak sweep: no driver log"
        );
        for variable in ["XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"] {
            let base = PathBuf::from(std::env::var(variable).expect("the session's XDG folders"));
            let folder = if variable == "XDG_DATA_HOME" {
                base.join(IDENTIFIER)
            } else {
                base
            };
            sweep.search_dir(&format!("{variable}:"), &folder);
        }
        let data_home = PathBuf::from(std::env::var("XDG_DATA_HOME").expect("XDG_DATA_HOME"));
        sweep.search_dir("the notifications shown:", &data_home.join("notifications"));
        for text in files_under(&self.screenshots) {
            let name = text
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let taken = std::fs::metadata(&text).and_then(|m| m.modified());
            if text.extension().is_some_and(|e| e == "txt")
                && taken.is_ok_and(|at| at >= self.began)
                && !self.revealing.iter().any(|r| name.starts_with(r.as_str()))
            {
                sweep.search_file("what a screenshot showed:", &text);
            }
        }
        let values = sweep.values();
        sweep.finish();
        values
    }
}

impl Drop for AppSweep {
    fn drop(&mut self) {
        if !self.finished && !std::thread::panicking() {
            panic!("leak sweep: the test did not call `AppSweep::finish`");
        }
    }
}
