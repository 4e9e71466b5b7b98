//! Shared by the core's integration tests: a sandbox provider on loopback, Grantry on scratch
//! folders, secrets in memory (the keyring itself is exercised by the CLI tests), and a robot
//! answering the consent page.

#![allow(dead_code)]

use std::sync::Arc;

use grantry_core::events::Recorded;
use grantry_core::secret_store::MemorySecrets;
use grantry_core::{AccountSummary, ErrorCode, Grantry, IpcError, Options};
use grantry_sandbox::robot::{self, Choice};
use grantry_sandbox::{Personality, Sandbox, SandboxConfig};

pub struct World {
    pub sandbox: Sandbox,
    pub grantry: Arc<Grantry>,
    pub secrets: Arc<MemorySecrets>,
    /// Every event the engine reported, for tests of what the window is told.
    pub events: Arc<Recorded>,
    pub dir: tempfile::TempDir,
}

pub async fn world() -> World {
    world_with(SandboxConfig::new(Personality::Generic)).await
}

pub async fn world_with(config: SandboxConfig) -> World {
    let sandbox = Sandbox::start(config).await.expect("sandbox");
    let dir = tempfile::tempdir().expect("temp dir");
    let secrets = Arc::new(MemorySecrets::default());
    let events = Arc::new(Recorded::default());
    let grantry = Grantry::open(Options {
        data_dir: dir.path().join("data"),
        config_dir: dir.path().join("config"),
        sandbox_port: sandbox.addr().port(),
        secrets: secrets.clone(),
        events: events.clone(),
    })
    .expect("open");
    World {
        sandbox,
        grantry: Arc::new(grantry),
        secrets,
        events,
        dir,
    }
}

pub fn allow(user: &str) -> Choice {
    Choice {
        user: user.into(),
        scopes: None,
        allow: true,
    }
}

impl World {
    /// Starts a link at the sandbox, lets the robot answer, returns the redirect URL.
    pub async fn answer(&self, scopes: Option<Vec<String>>, choice: &Choice) -> String {
        self.answer_at("sandbox", scopes, choice).await
    }

    /// The same, at a provider of the test's own (pointing at this sandbox).
    pub async fn answer_at(
        &self,
        provider: &str,
        scopes: Option<Vec<String>>,
        choice: &Choice,
    ) -> String {
        let started = self
            .grantry
            .start_link(provider, None, scopes, None)
            .await
            .expect("start");
        assert!(started.authorization_url.starts_with(self.sandbox.issuer()));
        assert!(
            started
                .authorization_url
                .contains("code_challenge_method=S256")
        );
        robot::consent(&started.authorization_url, choice)
            .await
            .expect("consent")
    }

    /// Links `user` with every default scope.
    pub async fn link(&self, user: &str) -> AccountSummary {
        let back = self.answer(None, &allow(user)).await;
        self.grantry.finish_link(&back).await.expect("link")
    }

    pub fn code<T: std::fmt::Debug>(&self, result: Result<T, grantry_core::Error>) -> ErrorCode {
        IpcError::from(result.expect_err("must fail")).code
    }

    pub async fn fault(&self, fault: &str) {
        let status = reqwest::Client::new()
            .post(format!("{}/_sandbox/faults", self.sandbox.issuer()))
            .bearer_auth(self.sandbox.admin_token())
            .header("content-type", "application/json")
            .body(fault.to_owned())
            .send()
            .await
            .expect("inject a fault")
            .status();
        assert!(status.is_success(), "{fault}: {status}");
    }

    /// Every grant the sandbox holds, as its admin API lists them.
    pub async fn sandbox_grants(&self) -> serde_json::Value {
        reqwest::Client::new()
            .get(format!("{}/_sandbox/grants", self.sandbox.issuer()))
            .send()
            .await
            .expect("grants")
            .json()
            .await
            .expect("json")
    }

    /// Clears every fault injected so far.
    pub async fn fault_clear(&self) {
        let status = reqwest::Client::new()
            .delete(format!("{}/_sandbox/faults", self.sandbox.issuer()))
            .send()
            .await
            .expect("clear faults")
            .status();
        assert!(status.is_success(), "clear faults: {status}");
    }
}
