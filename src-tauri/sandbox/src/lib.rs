//! Grantry Sandbox: a real OAuth 2.1 / OpenID Connect authorization server on loopback, for QA
//! testers and for every test of Grantry. It is as strict as a real provider: PKCE S256 is
//! required, redirect URIs match exactly (loopback on any port, RFC 8252 §7.3), codes are single
//! use, refresh tokens rotate with reuse detection, and bad requests get RFC error codes.
//!
//! It can imitate Google, Facebook and GitHub ([`Personality`]), and faults can be injected
//! through its admin API under `/_sandbox/` (latency, error statuses, malformed JSON, HTML error
//! pages, dropped connections, `invalid_grant` for one user, every token expired).
//!
//! How it is built, from the outside in:
//! - `routes/`: the HTTP face, one file per endpoint and per personality's own shapes, with the
//!   routing table in `routes/mod.rs`; handlers parse, ask the store, and render;
//! - `faults.rs`: the middleware in front of every endpoint that injects faults;
//! - `store/`: `AuthStore`, the provider's memory and every rule about codes, grants and
//!   tokens, and the state file it is kept in;
//! - `config.rs`, `keys.rs`, `oauth_error.rs`, `random.rs`: what the layers above share;
//! - `robot.rs`: a client of the consent page, for scripts and tests.
//!
//! Invariants: the sandbox listens on 127.0.0.1 only. One lock guards the store, so each
//! request sees and leaves it consistent; every change to what the state file keeps is saved
//! when one is configured. The library never reads the process's arguments or environment:
//! the binary (`main.rs`, feature `cli`) and the crates that embed it pass a [`SandboxConfig`].
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = grantry_sandbox::Sandbox::start(Default::default()).await?;
//! println!("issuer: {}", sandbox.issuer());
//! sandbox.stop().await;
//! # Ok(()) }
//! ```

pub mod config;
mod faults;
mod keys;
mod oauth_error;
mod random;
pub mod robot;
mod routes;
mod store;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{ClientAuth, ClientConfig, Personality, SandboxConfig, TestUser};
pub use faults::{Endpoint, Fault, FaultKind};

use crate::faults::Faults;
use crate::keys::Keys;
use crate::store::AuthStore;

/// What every request handler shares.
pub(crate) struct Shared {
    pub personality: Personality,
    pub issuer: String,
    pub keys: Keys,
    store: Mutex<AuthStore>,
    pub faults: Mutex<Faults>,
    state_file: Option<PathBuf>,
}

impl Shared {
    /// The provider's memory (`src/store/`). A handler that panicked while holding the lock
    /// leaves the data consistent enough for a test provider, so a poisoned lock is taken over,
    /// not propagated.
    pub fn store(&self) -> MutexGuard<'_, AuthStore> {
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn faults(&self) -> MutexGuard<'_, Faults> {
        self.faults
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Saves the durable state when a state file is configured. A failed save is reported on
    /// stderr and does not fail the request: the sandbox keeps serving from memory.
    pub fn save(&self, store: &AuthStore) {
        if let Some(path) = &self.state_file
            && let Err(error) = store.save(path, &self.keys.secret_bytes())
        {
            eprintln!("grantry-sandbox: cannot save {}: {error}", path.display());
        }
    }
}

/// A running sandbox; stop it with [`Sandbox::stop`] (dropping it stops it too).
pub struct Sandbox {
    addr: SocketAddr,
    issuer: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Binds 127.0.0.1 on the configured port (0 picks one) and starts serving.
    pub async fn start(config: SandboxConfig) -> std::io::Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
        let addr = listener.local_addr()?;
        let issuer = format!("http://{addr}");
        let mut store = AuthStore::new(&config);
        let keys = match &config.state_file {
            Some(path) => match store.load(path)? {
                Some(secret) => Keys::from_secret_bytes(&secret).map_err(|e| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("{}: bad signing key: {e}", path.display()),
                    )
                })?,
                None => Keys::generate(),
            },
            None => Keys::generate(),
        };
        let shared = Arc::new(Shared {
            personality: config.personality,
            issuer: issuer.clone(),
            keys,
            store: Mutex::new(store),
            faults: Mutex::new(Faults::default()),
            state_file: config.state_file.clone(),
        });
        shared.save(&shared.store());
        let app = routes::router(shared);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(error) = served {
                eprintln!("grantry-sandbox: server stopped: {error}");
            }
        });
        Ok(Self {
            addr,
            issuer,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The issuer URL, `http://127.0.0.1:PORT` (no trailing slash; compare it exactly).
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What a person needs to use the sandbox: the issuer, the admin API, the built-in clients
    /// and test users. Printed by `grantry-sandbox` and `grantry sandbox` at start.
    pub fn banner(&self, config: &SandboxConfig) -> String {
        let issuer = &self.issuer;
        let mut text = format!(
            "Grantry Sandbox ({personality:?} personality) is running.\n  \
             issuer:    {issuer}\n",
            personality = config.personality,
        );
        if config.personality.is_oidc() {
            text.push_str(&format!(
                "  discovery: {issuer}/.well-known/openid-configuration\n"
            ));
        }
        text.push_str(&format!("  admin API: {issuer}/_sandbox\n  clients:\n"));
        for client in &config.clients {
            let auth = match (&client.auth, &client.client_secret) {
                (ClientAuth::Secret, Some(secret)) => format!("confidential, secret {secret:?}"),
                _ => "public, PKCE only".to_owned(),
            };
            text.push_str(&format!(
                "    {} ({auth}); redirect URIs: {}\n",
                client.client_id,
                client.redirect_uris.join(", ")
            ));
        }
        let users: Vec<&str> = config.users.iter().map(|u| u.login.as_str()).collect();
        text.push_str(&format!("  test users: {}\n", users.join(", ")));
        text
    }

    /// Stops accepting requests and waits for the server to finish.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
