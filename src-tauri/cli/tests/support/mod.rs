//! What the end-to-end tests of `grantry` share: a real sandbox on loopback, the real binary,
//! the throwaway Secret Service of `scripts/test-session` (these tests refuse to run without
//! it, so they never touch a user's keyring), and scratch data and config folders. Every `Env`
//! ends with the leak sweep (`sweep.rs`): no code or token the sandbox issued may be anywhere
//! the test can read.

// Each test file uses its own part of this module.
#![allow(dead_code)]

#[path = "../../../../tests/support/leak_sweep.rs"]
mod leak_sweep;
mod sweep;

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::Mutex;

use grantry_sandbox::{Personality, Sandbox, SandboxConfig};
use serde_json::Value;

pub const GRANTRY: &str = env!("CARGO_BIN_EXE_grantry");

pub struct Env {
    pub sandbox: Sandbox,
    pub dir: tempfile::TempDir,
    /// Every `grantry` run's command line and output, for the sweep.
    ran: Mutex<Vec<(String, Output)>>,
    /// A connection to the database, held from before the first command (`sweep.rs` says why).
    wal_keeper: Mutex<Option<rusqlite::Connection>>,
    /// The test's own secrets (a client secret it typed), searched for by the sweep too.
    secrets: Mutex<Vec<(String, String)>>,
}

/// The sandbox serves from the runtime's worker threads while the test blocks on `grantry`, so
/// these tests use the multi-threaded runtime.
pub async fn env() -> Env {
    assert_eq!(
        std::env::var("GRANTRY_TEST_SECRET_SERVICE").as_deref(),
        Ok("1"),
        "these tests need the throwaway Secret Service: run them with `make test`"
    );
    // The tests' own clients (the sandbox's admin API) are built before grantry-core's.
    grantry_core::use_ring_for_tls();
    let dir = tempfile::tempdir().expect("temp dir");
    // The sandbox leaves its admin token in the data folder, as the app's does, so that
    // `grantry` trusts it as the built-in provider.
    let mut config = SandboxConfig::new(Personality::Generic);
    // Device code links poll every second, not five, so their tests stay short.
    config.device_interval = std::time::Duration::from_secs(1);
    config.admin_token_file = Some(dir.path().join("data").join("sandbox-admin-token"));
    // Outside the data and config folders, which the sweep searches.
    config.token_log = Some(dir.path().join(sweep::TOKEN_LOG));
    let sandbox = Sandbox::start(config).await.expect("sandbox");
    let env = Env {
        sandbox,
        dir,
        ran: Mutex::new(Vec::new()),
        wal_keeper: Mutex::new(None),
        secrets: Mutex::new(Vec::new()),
    };
    env.hold_wal();
    env
}

impl Env {
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    /// Where every code and token a sandbox of this test issues is written, for the sweep.
    pub fn token_log(&self) -> PathBuf {
        self.dir.path().join(sweep::TOKEN_LOG)
    }

    /// `grantry` on this test's data and config folders and sandbox, not yet run.
    pub fn command(&self) -> Command {
        let mut command = Command::new(GRANTRY);
        command
            .env("GRANTRY_DATA_DIR", self.data_dir())
            .env("GRANTRY_CONFIG_DIR", self.config_dir())
            .env(
                "GRANTRY_SANDBOX_PORT",
                self.sandbox.addr().port().to_string(),
            )
            // Every line Grantry can log, to stderr, which the sweep searches.
            .env("RUST_LOG", "warn,grantry=trace,grantry_core=trace");
        command
    }

    pub fn grantry(&self, args: &[&str]) -> Output {
        self.run(self.command().args(args))
    }

    /// Has the sweep look for `value` too, described as `what`: a secret the test gave
    /// Grantry, which belongs in the keyring only.
    pub fn sweep_for(&self, what: &str, value: &str) {
        self.secrets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push((what.to_owned(), value.to_owned()));
    }

    /// Runs `command` to its end and keeps its output for the sweep.
    pub fn run(&self, command: &mut Command) -> Output {
        let output = command.output().expect("run grantry");
        self.record(command, &output);
        output
    }

    /// Keeps the output of `command`, which the test ran itself, for the sweep.
    pub fn record(&self, command: &Command, output: &Output) {
        let program = std::path::Path::new(command.get_program());
        let mut line = program
            .file_name()
            .unwrap_or(program.as_os_str())
            .to_string_lossy()
            .into_owned();
        for arg in command.get_args() {
            line.push(' ');
            line.push_str(&arg.to_string_lossy());
        }
        self.ran
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push((format!("`{line}`"), output.clone()));
    }

    /// Runs grantry with `--json`; returns the exit code and the parsed output.
    pub fn json(&self, args: &[&str]) -> (i32, Value) {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        json_output(&self.grantry(&all))
    }

    /// A `--browser` command that plays `user` on the sandbox's consent page.
    pub fn consent(&self, user: &str, extra: &str) -> String {
        format!("{GRANTRY} sandbox consent --user {user} {extra}")
    }

    /// Every grant the sandbox holds, as its admin API lists them.
    /// An answer that is not a list (an error object) fails the test rather than reading as
    /// "no grants".
    pub async fn grants(&self) -> Value {
        let response = reqwest::Client::new()
            .get(format!("{}/_sandbox/grants", self.sandbox.issuer()))
            .bearer_auth(self.sandbox.admin_token())
            .send()
            .await
            .expect("grants");
        assert!(response.status().is_success(), "grants: {response:?}");
        let grants: Value = response.json().await.expect("json");
        assert!(
            grants.is_array(),
            "the admin API's grants are not a list: {grants}"
        );
        grants
    }

    /// Injects a fault at the sandbox through its admin API.
    pub async fn fault(&self, fault: &str) {
        let status = reqwest::Client::new()
            .post(format!("{}/_sandbox/faults", self.sandbox.issuer()))
            .bearer_auth(self.sandbox.admin_token())
            .header("content-type", "application/json")
            .body(fault.to_owned())
            .send()
            .await
            .expect("fault")
            .status();
        assert!(status.is_success(), "{fault}: {status}");
    }

    /// Clears every fault at the sandbox.
    pub async fn fault_clear(&self) {
        let status = reqwest::Client::new()
            .delete(format!("{}/_sandbox/faults", self.sandbox.issuer()))
            .bearer_auth(self.sandbox.admin_token())
            .send()
            .await
            .expect("clear faults")
            .status();
        assert!(status.is_success(), "clear faults: {status}");
    }
}

/// The exit code of a `grantry --json` run and the JSON it printed (a panic naming its output
/// when that is not JSON).
pub fn json_output(output: &Output) -> (i32, Value) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let value = serde_json::from_str(&stdout).unwrap_or_else(|_| {
        panic!(
            "not JSON: {stdout}\nstderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap_or(-1), value)
}

impl Env {
    /// Starts `grantry args` without waiting for it, its input and output piped (what is
    /// written to its standard input is what a person would type); finish it with
    /// [`Env::finish`], which closes its input.
    pub fn spawn(&self, args: &[&str]) -> (Command, std::process::Child) {
        let mut command = self.command();
        command
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let child = command.spawn().expect("spawn grantry");
        (command, child)
    }

    /// Waits for a `grantry` started with [`Env::spawn`]; keeps its output for the sweep.
    pub fn finish(&self, (command, child): (Command, std::process::Child)) -> Output {
        let output = child.wait_with_output().expect("wait for grantry");
        self.record(&command, &output);
        output
    }

    /// Waits for a `grantry` that prints a token on purpose (`token`, `header`): its output is
    /// kept for the sweep without its standard output, which the test checks itself.
    pub fn finish_handing(&self, (command, child): (Command, std::process::Child)) -> Output {
        let output = child.wait_with_output().expect("wait for grantry");
        let mut swept = output.clone();
        swept.stdout.clear();
        self.record(&command, &swept);
        output
    }

    /// Runs `grantry args`, which prints a token on purpose ([`Env::finish_handing`]).
    pub fn handing(&self, args: &[&str]) -> Output {
        self.finish_handing(self.spawn(args))
    }

    /// The access token the sandbox issued last, from its token log.
    pub fn latest_access_token(&self) -> String {
        let log = std::fs::read_to_string(self.token_log()).expect("the token log");
        log.lines()
            .rev()
            .find(|line| line.starts_with("sbx_at_"))
            .expect("an access token issued")
            .to_owned()
    }

    /// Holds the next request to `endpoint` at the sandbox until [`Env::release`]; returns the
    /// hold's id.
    pub fn hold(&self, endpoint: grantry_sandbox::Endpoint) -> u64 {
        self.sandbox.admin().hold_next(endpoint).expect("hold")
    }

    /// Waits until the hold `id` holds a request: it has arrived, and waits there. A minute
    /// without one fails the test rather than hang it.
    pub async fn until_held(&self, id: u64) {
        let held = self.sandbox.admin().until_held(id, 1);
        tokio::time::timeout(std::time::Duration::from_secs(60), held)
            .await
            .expect("no request arrived at the hold")
            .expect("the hold was released first");
    }

    /// The file whose lock gives one process the account `id` (`engine/refresh.rs` in the
    /// core).
    pub fn account_lock(&self, id: &str) -> PathBuf {
        self.data_dir()
            .join("locks")
            .join(format!("account-{id}.lock"))
    }

    /// Lets the request the hold `id` holds go on.
    pub fn release(&self, id: u64) {
        self.sandbox.admin().remove_fault(id).expect("release");
    }
}

/// Returns once `n` of `children` are blocked waiting for the lock on `lock` (a file lock held
/// by another process), as the kernel's list of locks (`/proc/locks`) shows them; fails the
/// test if one of them ends first (it went ahead without waiting) or neither happens within a
/// minute. Only the kernel's state is looked at, every few milliseconds: no time is assumed.
pub fn until_blocked_on(children: &mut [std::process::Child], lock: &std::path::Path, n: usize) {
    use std::os::unix::fs::MetadataExt;
    let pids: Vec<String> = children.iter().map(|c| c.id().to_string()).collect();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        // No lock file yet: nobody has taken the lock, nobody waits for it.
        let inode = std::fs::metadata(lock).map_or(String::new(), |m| m.ino().to_string());
        let locks = std::fs::read_to_string("/proc/locks").expect("/proc/locks");
        // A waiter's line: `N: -> FLOCK  ADVISORY  WRITE <pid> <major>:<minor>:<inode> 0 EOF`.
        let blocked = locks
            .lines()
            .filter(|line| {
                let fields: Vec<&str> = line.split_whitespace().collect();
                fields.len() > 6
                    && fields[1] == "->"
                    && pids.iter().any(|pid| pid == fields[5])
                    && !inode.is_empty()
                    && fields[6].rsplit(':').next() == Some(inode.as_str())
            })
            .count();
        if blocked >= n {
            return;
        }
        for child in children.iter_mut() {
            if let Some(status) = child.try_wait().expect("the child") {
                panic!(
                    "a process went ahead instead of waiting for {}: {status}",
                    lock.display()
                );
            }
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{blocked} of {n} processes blocked on {}",
            lock.display()
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}
