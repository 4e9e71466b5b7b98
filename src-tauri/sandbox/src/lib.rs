//! Grantry Sandbox: a real OAuth 2.1 / OpenID Connect authorization server on loopback, for QA
//! testers and for every test of Grantry. It is as strict as a real provider: PKCE S256 is
//! required, redirect URIs match exactly (loopback on any port, RFC 8252 §7.3), codes are single
//! use, refresh tokens rotate with reuse detection, and bad requests get RFC error codes.
//!
//! It can imitate Google, Facebook, GitHub, the Microsoft identity platform and GitLab
//! ([`Personality`]), and faults can be injected through its admin API under `/_sandbox/`
//! (latency, error statuses, malformed JSON, HTML error pages, dropped connections and
//! responses, refused connections, requests held until released, `invalid_grant` for one user,
//! an ID token naming another subject, Facebook's Graph subcodes, Microsoft's AADSTS errors,
//! every token expired, a rotated signing key, and the device grant's `slow_down`, denial and
//! expiry).
//!
//! Where the imitated provider has the device authorization grant (RFC 8628: generic, Google,
//! GitHub, Microsoft), so does the sandbox, with a verification page where a person enters the
//! user code and picks a test user (`routes/device.rs`, `store/device.rs`).
//!
//! How it is built, from the outside in (each uses only those after it;
//! `scripts/module-graph src-tauri/sandbox/src` checks it):
//! - `routes/`: the HTTP face, one file per endpoint and per personality's own shapes, with the
//!   routing table in `routes/mod.rs`; handlers parse, ask the store, and render;
//! - `admin.rs`: the admin operations, shared by the admin API (`routes/admin.rs`) and
//!   in-process callers ([`Sandbox::admin`]);
//! - `guard.rs`: the checks in front of every route (Host, Origin, the admin token);
//! - `faults.rs`: the middleware in front of every endpoint that injects faults, with
//!   `hold.rs`, the gate of the fault that holds requests until released, and `listener.rs`,
//!   the listening socket that can refuse connections;
//! - `dpop.rs`: DPoP proofs checked (RFC 9449) for the token endpoint and the resources;
//! - `params.rs`, `replies/`: what a request carries, and the response shapes (the standard
//!   ones, Facebook's Graph errors, Microsoft's AADSTS errors), shared by the routes, the
//!   faults and the admin API;
//! - `store/`: `AuthStore`, the provider's memory and every rule about codes, grants and
//!   tokens, and the state file it is kept in;
//! - `saver.rs`, `private_file.rs`, `admin_token.rs`: the files the sandbox keeps;
//! - `client_assertion.rs`: checking `private_key_jwt` client assertions (RFC 7523);
//! - `config.rs`, `keys.rs`, `jws.rs`, `oauth_error.rs`, `random.rs`: what the layers above
//!   share;
//! - `robot.rs`: a client of the consent page and the device verification page, for scripts
//!   and tests.
//!
//! Invariants: the sandbox listens on 127.0.0.1 only, answers only requests addressed to it by
//! name and port, and its admin API only to callers with its admin token
//! ([`Sandbox::admin_token`]), so a web page the tester visits cannot drive it
//! (`guard.rs`). One lock guards the store, so each request sees and leaves it consistent;
//! every change to what the state file keeps is written, by a background task and so off the
//! request path (`saver.rs`), at the latest when [`Sandbox::stop`] returns. The state file and
//! the admin token file are readable by their owner only (`private_file.rs`). The library never
//! reads the process's arguments or environment: the binary (`main.rs`, feature `cli`) and the
//! crates that embed it pass a [`SandboxConfig`].
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = grantry_sandbox::Sandbox::start(Default::default()).await?;
//! println!("issuer: {}", sandbox.issuer());
//! sandbox.stop().await;
//! # Ok(()) }
//! ```

pub mod admin;
mod admin_token;
mod client_assertion;
pub mod config;
mod dpop;
mod faults;
mod guard;
mod hold;
mod jws;
mod keys;
mod listener;
mod oauth_error;
mod params;
mod private_file;
mod proof;
mod random;
mod replies;
pub mod robot;
mod routes;
mod saver;
mod store;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use admin::{ActiveFault, Admin, AdminError, ClientView, NewUser, Overview};
pub use config::{ClientAuth, ClientConfig, DpopSettings, Personality, SandboxConfig, TestUser};
pub use faults::{Endpoint, Fault, FaultKind};

use crate::faults::Faults;
use crate::keys::Keys;
use crate::listener::Refusals;
use crate::store::{AuthStore, SavedKeys};

/// What every request handler shares.
pub(crate) struct Shared {
    pub personality: Personality,
    pub issuer: String,
    pub port: u16,
    /// What the admin API wants as `Authorization: Bearer …` (`src/guard.rs`).
    pub admin_token: String,
    keys: Mutex<Keys>,
    store: Mutex<AuthStore>,
    pub faults: Mutex<Faults>,
    pub refusals: Arc<Refusals>,
    nudge: saver::Nudge,
    token_log: Option<PathBuf>,
}

/// Takes over a poisoned lock: a handler that panicked while holding it leaves the data
/// consistent enough for a test provider.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    /// The provider's memory (`src/store/`).
    pub fn store(&self) -> MutexGuard<'_, AuthStore> {
        lock(&self.store)
    }

    pub fn faults(&self) -> MutexGuard<'_, Faults> {
        lock(&self.faults)
    }

    /// The signing keys. Taken after the store's lock when both are needed, never before.
    pub fn keys(&self) -> MutexGuard<'_, Keys> {
        lock(&self.keys)
    }

    /// Marks the durable state changed: the state file, when one is configured, is written by
    /// a background task (`src/saver.rs`), so the request never waits on the disk.
    pub fn changed(&self) {
        self.nudge.changed();
    }

    /// The state file's bytes for the current state.
    pub fn snapshot(&self) -> std::io::Result<Vec<u8>> {
        let store = self.store();
        let keys = self.keys();
        store.snapshot(&SavedKeys {
            current: keys.secret_bytes(),
            previous: keys.previous_secret_bytes(),
        })
    }

    /// Appends secrets to the test-only token log, one a line, when one is configured
    /// ([`SandboxConfig::token_log`]): codes and tokens just issued, PKCE verifiers received,
    /// and the admin token as the sandbox starts. Written before the response is sent, so a
    /// test that got a token finds it in the log; never called with the store's lock held.
    pub fn log_tokens<'a>(&self, tokens: impl IntoIterator<Item = &'a str>) {
        let Some(path) = &self.token_log else { return };
        for token in tokens {
            if let Err(error) = private_file::append_line(path, token) {
                tracing::warn!("cannot write the token log {}: {error}", path.display());
            }
        }
    }
}

/// The signing keys a state file kept, or an error naming the file.
fn restore_keys(saved: &SavedKeys, path: &Path) -> std::io::Result<Keys> {
    let keys = match &saved.previous {
        Some(previous) => Keys::with_previous(&saved.current, previous),
        None => Keys::from_secret_bytes(&saved.current),
    };
    keys.map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{}: bad signing key: {e}", path.display()),
        )
    })
}

/// A running sandbox; stop it with [`Sandbox::stop`] (dropping it stops it too, without
/// waiting for the last save).
pub struct Sandbox {
    addr: SocketAddr,
    issuer: String,
    admin_token: String,
    admin_token_file: Option<PathBuf>,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    saver: Option<saver::Saver>,
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
                Some(saved) => restore_keys(&saved, path)?,
                None => Keys::generate(),
            },
            None => Keys::generate(),
        };
        let admin_token_file = config
            .admin_token_file
            .clone()
            .or_else(|| config.state_file.as_deref().map(admin_token::default_path));
        let admin_token = admin_token::load_or_create(admin_token_file.as_deref())?;
        let refusals = Arc::new(Refusals::default());
        let (nudge, changes) = saver::channel();
        let shared = Arc::new(Shared {
            personality: config.personality,
            issuer: issuer.clone(),
            port: addr.port(),
            admin_token: admin_token.clone(),
            keys: Mutex::new(keys),
            store: Mutex::new(store),
            faults: Mutex::new(Faults::default()),
            refusals: refusals.clone(),
            nudge,
            token_log: config.token_log.clone(),
        });
        // The leak sweep of Grantry's tests looks for the admin token too (it belongs only in
        // its own file).
        shared.log_tokens([admin_token.as_str()]);
        let saver = match &config.state_file {
            Some(path) => {
                // The first write is made before serving, so the file exists (privately) when
                // `start` returns; later ones are the saver's.
                private_file::write(path, &shared.snapshot()?).map_err(|e| {
                    std::io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display()))
                })?;
                Some(saver::spawn(shared.clone(), path.clone(), changes))
            }
            None => None,
        };
        let app = routes::router(shared.clone());
        let listener = listener::Listener {
            inner: listener,
            refusals,
        };
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(error) = served {
                tracing::error!("the sandbox server stopped: {error}");
            }
        });
        Ok(Self {
            addr,
            issuer,
            admin_token,
            admin_token_file,
            shared,
            stop: Some(stop),
            task: Some(task),
            saver,
        })
    }

    /// The admin API's token, to send as `Authorization: Bearer …` to `/_sandbox/…`.
    pub fn admin_token(&self) -> &str {
        &self.admin_token
    }

    /// The admin operations, in-process: what the admin API does, without HTTP or the token
    /// (the app's Sandbox screen uses this; `src/admin.rs`).
    pub fn admin(&self) -> Admin {
        Admin(self.shared.clone())
    }

    /// Which provider it imitates.
    pub fn personality(&self) -> Personality {
        self.shared.personality
    }

    /// Where the admin token is kept ([`SandboxConfig::admin_token_file`], else next to the
    /// state file), if anywhere.
    pub fn admin_token_file(&self) -> Option<&Path> {
        self.admin_token_file.as_deref()
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
        match config.personality {
            Personality::Microsoft => text.push_str(&format!(
                "  discovery: {issuer}/common/v2.0/.well-known/openid-configuration \
                 (tenants: common, organizations, consumers, {})\n",
                config::MICROSOFT_TENANT_ID
            )),
            personality if personality.is_oidc() => text.push_str(&format!(
                "  discovery: {issuer}/.well-known/openid-configuration\n"
            )),
            _ => {}
        }
        if config.require_pushed_authorization_requests {
            text.push_str(&format!(
                "  pushed authorization requests required: push to {issuer}/par first\n"
            ));
        }
        text.push_str(&format!("  admin API: {issuer}/_sandbox\n  clients:\n"));
        for client in &config.clients {
            let auth = match (&client.auth, &client.client_secret) {
                (ClientAuth::Secret, Some(secret)) => format!("confidential, secret {secret:?}"),
                (ClientAuth::PrivateKeyJwt, _) => "confidential, private_key_jwt".to_owned(),
                _ => "public, PKCE only".to_owned(),
            };
            text.push_str(&format!(
                "    {} ({auth}); redirect URIs: {}\n",
                client.client_id,
                client.redirect_uris.join(", ")
            ));
        }
        if config.dpop.required || config.dpop.nonce {
            text.push_str(&format!(
                "  DPoP: proofs {}, nonces {}\n",
                if config.dpop.required {
                    "required of every client"
                } else {
                    "optional"
                },
                if config.dpop.nonce {
                    "demanded"
                } else {
                    "not demanded"
                },
            ));
        }
        let users: Vec<&str> = config.users.iter().map(|u| u.login.as_str()).collect();
        text.push_str(&format!("  test users: {}\n", users.join(", ")));
        text.push_str(&format!("Admin token: {}\n", self.admin_token));
        if let Some(file) = &self.admin_token_file {
            text.push_str(&format!("  (kept in {})\n", file.display()));
        }
        text
    }

    /// Stops accepting requests, waits for the server to finish, then for the state file to
    /// be written with the final state.
    pub async fn stop(mut self) {
        // A held request would keep the server from finishing (`src/hold.rs`).
        self.shared.faults().clear();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        if let Some(mut saver) = self.saver.take() {
            if let Some(stop) = saver.stop.take() {
                let _ = stop.send(());
            }
            if let Some(task) = saver.task.take() {
                let _ = task.await;
            }
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.shared.faults().clear();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(stop) = self.saver.as_mut().and_then(|s| s.stop.take()) {
            let _ = stop.send(());
        }
    }
}
