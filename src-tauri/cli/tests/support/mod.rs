//! What the end-to-end tests of `grantry` share: a real sandbox on loopback, the real binary,
//! the throwaway Secret Service of `scripts/test-session` (these tests refuse to run without
//! it, so they never touch a user's keyring), and scratch data and config folders.

// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::process::{Command, Output};

use grantry_sandbox::{Personality, Sandbox, SandboxConfig};
use serde_json::Value;

pub const GRANTRY: &str = env!("CARGO_BIN_EXE_grantry");

pub struct Env {
    pub sandbox: Sandbox,
    pub dir: tempfile::TempDir,
}

/// The sandbox serves from the runtime's worker threads while the test blocks on `grantry`, so
/// these tests use the multi-threaded runtime.
pub async fn env() -> Env {
    assert_eq!(
        std::env::var("GRANTRY_TEST_SECRET_SERVICE").as_deref(),
        Ok("1"),
        "these tests need the throwaway Secret Service: run them with `make test`"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    // The sandbox leaves its admin token in the data folder, as the app's does, so that
    // `grantry` trusts it as the built-in provider.
    let mut config = SandboxConfig::new(Personality::Generic);
    config.admin_token_file = Some(dir.path().join("data").join("sandbox-admin-token"));
    let sandbox = Sandbox::start(config).await.expect("sandbox");
    Env { sandbox, dir }
}

impl Env {
    /// `grantry` on this test's data and config folders and sandbox, not yet run.
    pub fn command(&self) -> Command {
        let mut command = Command::new(GRANTRY);
        command
            .env("GRANTRY_DATA_DIR", self.dir.path().join("data"))
            .env("GRANTRY_CONFIG_DIR", self.dir.path().join("config"))
            .env(
                "GRANTRY_SANDBOX_PORT",
                self.sandbox.addr().port().to_string(),
            );
        command
    }

    pub fn grantry(&self, args: &[&str]) -> Output {
        self.command().args(args).output().expect("run grantry")
    }

    /// Runs grantry with `--json`; returns the exit code and the parsed output.
    pub fn json(&self, args: &[&str]) -> (i32, Value) {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let output = self.grantry(&all);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let value = serde_json::from_str(&stdout).unwrap_or_else(|_| {
            panic!(
                "not JSON: {stdout}\nstderr: {}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
        (output.status.code().unwrap_or(-1), value)
    }

    /// A `--browser` command that plays `user` on the sandbox's consent page.
    pub fn consent(&self, user: &str, extra: &str) -> String {
        format!("{GRANTRY} sandbox consent --user {user} {extra}")
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
}
