//! Grantry's engine: everything the app and the command line share, with no Tauri or WebKit
//! dependency, so that it builds and tests fast and runs headless.
//!
//! The front door is [`Grantry`]: it opens the data folder (SQLite database with versioned
//! migrations) and answers the questions the screens ask. Secrets never pass through it into
//! the database: they belong to [`secret::SecretStore`], backed by the OS keyring.

pub mod callback;
pub mod deep_link;
pub mod error;
pub mod exchange;
mod grantry;
pub mod http;
pub mod link;
pub mod loopback;
pub mod model;
pub mod paths;
pub mod provider;
pub mod refresh;
pub mod revoke;
pub mod schedule;
pub mod scheme_handler;
pub mod scopes;
pub mod secret;
pub mod store;
pub mod tokens;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

pub use error::{Error, ErrorCode, IpcError};
pub use model::{
    AccountScope, AccountStatus, AccountSummary, ActivityEntry, ActivityKind, EnvironmentOption,
    ProviderOption, SandboxStatus, ScopeOption, ScopeStatus, StartedLink,
};

use crate::deep_link::IncomingLink;
use crate::http::Http;
use crate::link::Pending;
use crate::provider::{Provider, Providers};
use crate::secret::{Secret, SecretStore};
use crate::store::Store;

/// The URL scheme the provider redirects to (`dev.grantry:/oauth/callback`).
pub const URL_SCHEME: &str = "dev.grantry";

/// File name of the database inside the data folder.
pub const DATABASE_FILE: &str = "grantry.sqlite3";

/// File name of the providers file inside the config folder.
pub const PROVIDERS_FILE: &str = "providers.toml";

/// The current time in Unix seconds.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}

/// Where Grantry keeps things, and the keyring it uses.
pub struct Options {
    pub data_dir: PathBuf,
    pub config_dir: PathBuf,
    /// The port of the built-in sandbox provider (its issuer is `http://127.0.0.1:PORT`).
    pub sandbox_port: u16,
    pub secrets: Arc<dyn SecretStore>,
}

impl Options {
    /// The folders from the environment (see [`paths`]) and the OS keyring.
    pub fn from_env() -> Result<Self, Error> {
        let missing = || {
            Error::InvalidInput(
                "no data folder: set HOME, XDG_DATA_HOME or GRANTRY_DATA_DIR".to_owned(),
            )
        };
        Ok(Self {
            data_dir: paths::data_dir().ok_or_else(missing)?,
            config_dir: paths::config_dir().ok_or_else(missing)?,
            sandbox_port: paths::sandbox_port(),
            secrets: Arc::new(secret::Keyring::secret_service(secret::SERVICE)),
        })
    }
}

/// One open data folder: the database, the providers, the keyring, the links under way.
pub struct Grantry {
    store: Mutex<Store>,
    providers: Mutex<Providers>,
    secrets: Arc<dyn SecretStore>,
    http: Http,
    pending: Mutex<Vec<Pending>>,
    data_dir: PathBuf,
    /// This data folder's id, in every keyring key.
    installation: String,
    /// Endpoints found by discovery, per provider and environment, for this process's life.
    endpoints: Mutex<HashMap<(String, String), Arc<link::Endpoints>>>,
    /// One refresh at a time per account in this process (a file lock covers other processes).
    flights: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
}

/// What [`Grantry::repair`] found and mended.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Repair {
    pub orphaned_secrets_removed: usize,
    pub accounts_without_tokens: usize,
    /// Revocations that went through at the provider before an interruption, now finished.
    pub revocations_finished: usize,
}

/// A test hook for crash-consistency tests: when `GRANTRY_CRASH_AT` names this point, the
/// process aborts here, as if killed. Unset (always, outside those tests) it does nothing.
fn crash_point(point: &str) {
    if std::env::var("GRANTRY_CRASH_AT").is_ok_and(|at| at == point) {
        std::process::abort();
    }
}

/// Takes a lock; a panic elsewhere while holding it leaves data SQLite kept consistent.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Grantry {
    /// Opens (or creates) the data folder and its database, migrating it to the current schema,
    /// and loads the providers. A database written by a newer Grantry is refused, never touched.
    pub fn open(options: Options) -> Result<Self, Error> {
        let data_dir = &options.data_dir;
        std::fs::create_dir_all(data_dir).map_err(|source| Error::DataDir {
            path: data_dir.clone(),
            source,
        })?;
        let store = Store::open(&data_dir.join(DATABASE_FILE))?;
        let installation = store.installation()?;
        let providers = Providers::load(
            &options.config_dir.join(PROVIDERS_FILE),
            options.sandbox_port,
        )?;
        Ok(Self {
            store: Mutex::new(store),
            providers: Mutex::new(providers),
            secrets: options.secrets,
            http: Http::new(),
            pending: Mutex::new(Vec::new()),
            data_dir: options.data_dir,
            installation,
            endpoints: Mutex::new(HashMap::new()),
            flights: Mutex::new(HashMap::new()),
        })
    }

    /// Every linked account, grouped by provider, for the Accounts screen. Reads metadata only:
    /// it never touches the keyring.
    pub fn accounts(&self) -> Result<Vec<AccountSummary>, Error> {
        lock(&self.store).accounts()
    }

    pub fn account(&self, id: i64) -> Result<AccountSummary, Error> {
        lock(&self.store).account(id)?.ok_or_else(|| {
            Error::InvalidInput(format!("no account {id}; `grantry accounts` lists them"))
        })
    }

    /// An account's granted and declined scopes.
    pub fn scopes(&self, account_id: i64) -> Result<Vec<AccountScope>, Error> {
        self.account(account_id)?;
        lock(&self.store).scopes(account_id)
    }

    /// The most recent activity first, at most `limit` entries.
    pub fn activity(&self, limit: u32) -> Result<Vec<ActivityEntry>, Error> {
        lock(&self.store).activity(limit)
    }

    /// Records something that happened, for the activity history. `detail` must hold no secret.
    pub fn record(
        &self,
        kind: ActivityKind,
        detail: &str,
        now: i64,
    ) -> Result<ActivityEntry, Error> {
        lock(&self.store).record_activity(now, kind, detail, None)
    }

    /// Takes in a URL handed to the app by the OS (a deep link), which any web page can
    /// trigger: it is validated, recorded in the activity history in redacted form, and
    /// returned as what the UI may show. A rejected URL is recorded too.
    pub fn receive_deep_link(&self, raw: &str, now: i64) -> Result<ActivityEntry, Error> {
        let (kind, detail) = match IncomingLink::parse(raw) {
            Ok(link) => (ActivityKind::DeepLinkReceived, link.redacted().to_owned()),
            Err(reason) => (ActivityKind::DeepLinkRejected, reason.to_string()),
        };
        lock(&self.store).record_activity(now, kind, &detail, None)
    }

    /// Every provider, the built-in sandbox first.
    pub fn providers(&self) -> Vec<Provider> {
        lock(&self.providers).all().cloned().collect()
    }

    /// Adds a provider to the providers file. Nothing changes if it is invalid or taken.
    pub fn add_provider(&self, provider: Provider) -> Result<(), Error> {
        Ok(lock(&self.providers).add(provider)?)
    }

    /// Removes a provider from the providers file, and its client secrets from the keyring.
    pub fn remove_provider(&self, id: &str) -> Result<Provider, Error> {
        let removed = lock(&self.providers).remove(id)?;
        for env in &removed.environments {
            self.secrets
                .delete(&self.client_secret_key(id, &env.name))?;
        }
        Ok(removed)
    }

    /// Stores an environment's client secret in the keyring.
    pub fn set_client_secret(
        &self,
        provider: &str,
        environment: Option<&str>,
        secret: &Secret<String>,
    ) -> Result<(), Error> {
        let providers = lock(&self.providers);
        let env = providers.get(provider)?.environment(environment)?;
        Ok(self
            .secrets
            .put(&self.client_secret_key(provider, &env.name), secret)?)
    }

    /// The providers as the Link dialog offers them: environments and default scopes, with
    /// what each scope allows.
    pub fn provider_options(&self) -> Vec<model::ProviderOption> {
        self.providers()
            .into_iter()
            .map(|p| model::ProviderOption {
                id: p.id.to_string(),
                name: p.name.clone(),
                environments: p
                    .environments
                    .iter()
                    .map(|e| model::EnvironmentOption {
                        name: e.name.clone(),
                        scopes: e
                            .scopes
                            .iter()
                            .map(|s| model::ScopeOption {
                                scope: s.clone(),
                                description: scopes::describe(s).map(str::to_owned),
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect()
    }

    /// Drops a link under way: an answer to it is refused from now on. Returns whether there
    /// was one.
    pub fn cancel_link(&self, state: &str) -> bool {
        let mut pending = lock(&self.pending);
        let before = pending.len();
        pending.retain(|p| {
            !bool::from(subtle::ConstantTimeEq::ct_eq(
                p.state.as_bytes(),
                state.as_bytes(),
            ))
        });
        before != pending.len()
    }

    /// The authorization URL of a link under way, to open it again.
    pub fn pending_url(&self, state: &str) -> Option<String> {
        lock(&self.pending)
            .iter()
            .find(|p| {
                bool::from(subtle::ConstantTimeEq::ct_eq(
                    p.state.as_bytes(),
                    state.as_bytes(),
                ))
            })
            .map(|p| p.authorization_url.clone())
    }

    /// Fetches an issuer's discovery document and checks it (issuer match, endpoints).
    pub async fn discover(&self, issuer: &str) -> Result<link::Endpoints, Error> {
        let env = provider::Environment {
            name: "discovery".into(),
            issuer: Some(issuer.to_owned()),
            authorization_endpoint: None,
            token_endpoint: None,
            userinfo_endpoint: None,
            revocation_endpoint: None,
            introspection_endpoint: None,
            jwks_uri: None,
            client_id: "discovery".into(),
            client_auth: provider::ClientAuth::None,
            redirect: provider::RedirectKind::CustomScheme,
            scopes: Vec::new(),
            extra_params: Default::default(),
            revocation: Default::default(),
        };
        let url = url::Url::parse(issuer)
            .map_err(|e| Error::InvalidInput(format!("{issuer:?} is not a URL: {e}")))?;
        provider::check_url(&url).map_err(Error::InvalidInput)?;
        link::resolve(&self.http, issuer, &env).await
    }

    /// An environment's endpoints, discovered once per process.
    async fn endpoints(
        &self,
        provider: &str,
        env: &provider::Environment,
    ) -> Result<Arc<link::Endpoints>, Error> {
        let key = (provider.to_owned(), env.name.clone());
        if let Some(found) = lock(&self.endpoints).get(&key) {
            return Ok(found.clone());
        }
        let resolved = Arc::new(link::resolve(&self.http, provider, env).await?);
        lock(&self.endpoints).insert(key, resolved.clone());
        Ok(resolved)
    }

    fn client_secret(
        &self,
        provider: &str,
        env: &provider::Environment,
    ) -> Result<Option<Secret<String>>, Error> {
        if !env.needs_secret() {
            return Ok(None);
        }
        let key = self.client_secret_key(provider, &env.name);
        let secret = self.secrets.get(&key)?.ok_or_else(|| {
            Error::InvalidInput(format!(
                "{provider}: no client secret in the keyring; store it with \
                 `grantry providers secret {provider}`"
            ))
        })?;
        Ok(Some(secret))
    }

    /// Records a failure in the history. Recording must not hide the failure itself, so an
    /// error while recording is dropped. Details come from error messages, which never carry
    /// token text.
    fn record_failure(&self, kind: ActivityKind, detail: &str, account: Option<i64>, now: i64) {
        let _ = lock(&self.store).record_activity(now, kind, detail, account);
    }

    /// A provider environment's current configuration.
    fn environment(
        &self,
        provider: &str,
        environment: &str,
    ) -> Result<provider::Environment, Error> {
        let providers = lock(&self.providers);
        Ok(providers
            .get(provider)?
            .environment(Some(environment))?
            .clone())
    }

    /// The keyring key of an account's tokens.
    fn tokens_key_of(&self, account: &AccountSummary) -> String {
        self.tokens_key(&account.provider, &account.environment, &account.subject)
    }

    fn tokens_key(&self, provider: &str, environment: &str, subject: &str) -> String {
        tokens::key(&self.installation, provider, environment, subject)
    }

    /// The keyring key of an environment's client secret.
    fn client_secret_key(&self, provider: &str, environment: &str) -> String {
        format!("client/{}/{provider}/{environment}", self.installation)
    }
}
