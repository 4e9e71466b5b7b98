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
        sandbox_port: Some(sandbox.addr().port()),
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
            .expect("start")
            .started;
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

    /// How many refreshes the history records.
    pub fn refreshes(&self) -> usize {
        self.grantry
            .activity(10_000)
            .expect("activity")
            .iter()
            .filter(|e| e.kind == grantry_core::ActivityKind::TokenRefreshed)
            .count()
    }

    /// A request to the sandbox's admin API, with its admin token.
    pub fn admin(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        reqwest::Client::new()
            .request(method, format!("{}/_sandbox{path}", self.sandbox.issuer()))
            .bearer_auth(self.sandbox.admin_token())
            .header("content-type", "application/json")
    }

    async fn admin_ok(&self, request: reqwest::RequestBuilder, what: &str) -> reqwest::Response {
        let response = request.send().await.expect(what);
        assert!(
            response.status().is_success(),
            "{what}: {}",
            response.status()
        );
        response
    }

    pub async fn fault(&self, fault: &str) {
        let request = self
            .admin(reqwest::Method::POST, "/faults")
            .body(fault.to_owned());
        self.admin_ok(request, fault).await;
    }

    /// Clears every fault injected so far.
    pub async fn fault_clear(&self) {
        let request = self.admin(reqwest::Method::DELETE, "/faults");
        self.admin_ok(request, "clear faults").await;
    }

    /// Every access token the sandbox issued expires now.
    pub async fn expire_tokens(&self) {
        let request = self.admin(reqwest::Method::POST, "/expire-tokens");
        self.admin_ok(request, "expire tokens").await;
    }

    /// Every grant the sandbox holds, as its admin API lists them.
    pub async fn sandbox_grants(&self) -> serde_json::Value {
        let request = self.admin(reqwest::Method::GET, "/grants");
        let response = self.admin_ok(request, "grants").await;
        response.json().await.expect("json")
    }
}

/// A program on a loopback port that is not a provider: it answers every request with a 200
/// carrying `body` and keeps every byte it was sent, for tests of what reaches it.
pub async fn stranger(body: &'static str) -> (u16, Arc<std::sync::Mutex<Vec<u8>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("address").port();
    let heard = Arc::new(std::sync::Mutex::new(Vec::new()));
    let keep = heard.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buffer = [0u8; 16384];
            let read = stream.read(&mut buffer).await.unwrap_or(0);
            keep.lock()
                .expect("heard")
                .extend_from_slice(&buffer[..read]);
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                 connection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
        }
    });
    (port, heard)
}

impl World {
    /// Holds the next request to `endpoint` at the sandbox until [`World::release`]; returns
    /// the hold's id.
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

    /// Lets the request the hold `id` holds go on.
    pub fn release(&self, id: u64) {
        self.sandbox.admin().remove_fault(id).expect("release");
    }
}

/// Notified each time the engine says an operation waits for another on the same account or
/// lock (an event with a `waiting` field, `engine/refresh.rs` and `engine/mod.rs`): a test
/// learns that an operation is blocked from the engine itself, not by giving it time. Give it
/// to the operation's task with `tracing::instrument::WithSubscriber::with_subscriber(`
/// [`Waits::dispatch`] `)`.
#[derive(Clone, Default)]
pub struct Waits(Arc<tokio::sync::Notify>);

impl Waits {
    pub fn dispatch(&self) -> tracing::Dispatch {
        use tracing_subscriber::layer::SubscriberExt;
        tracing::Dispatch::new(tracing_subscriber::registry().with(self.clone()))
    }

    /// Returns once an operation said it waits (at once if it said so already).
    pub async fn said(&self) {
        self.0.notified().await;
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Waits {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.fields().any(|field| field.name() == "waiting") {
            self.0.notify_one();
        }
    }
}

/// Returns once the operation on `task` says it waits (see [`Waits`]); fails the test if it
/// ends first (`what` went ahead) or says nothing for a minute.
pub async fn until_waiting<T: std::fmt::Debug>(
    waits: &Waits,
    task: &mut tokio::task::JoinHandle<T>,
    what: &str,
) {
    let waited = async {
        tokio::select! {
            () = waits.said() => {}
            outcome = task => panic!("{what} went ahead: {outcome:?}"),
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(60), waited)
        .await
        .unwrap_or_else(|_| panic!("{what} neither waited nor ended"));
}
