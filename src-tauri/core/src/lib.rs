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
    AccountScope, AccountStatus, AccountSummary, ActivityEntry, ActivityKind, SandboxStatus,
    ScopeStatus,
};

use crate::callback::Callback;
use crate::deep_link::IncomingLink;
use crate::http::Http;
use crate::link::{Pending, Started};
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
        };
        let url = url::Url::parse(issuer)
            .map_err(|e| Error::InvalidInput(format!("{issuer:?} is not a URL: {e}")))?;
        provider::check_url(&url).map_err(Error::InvalidInput)?;
        link::resolve(&self.http, issuer, &env).await
    }

    /// Starts linking an account: returns the URL to open in the system browser. The answer
    /// must reach [`Grantry::finish_link`] at `redirect_uri` (the custom scheme by default, or
    /// a loopback URL the caller listens on) within 10 minutes.
    pub async fn start_link(
        &self,
        provider: &str,
        environment: Option<&str>,
        scopes: Option<Vec<String>>,
        redirect_uri: Option<&str>,
    ) -> Result<Started, Error> {
        let (provider, env) = {
            let providers = lock(&self.providers);
            let provider = providers.get(provider)?.clone();
            let env = provider.environment(environment)?.clone();
            (provider, env)
        };
        let scopes = scopes.unwrap_or_else(|| env.scopes.clone());
        let redirect_uri = redirect_uri.unwrap_or(provider::CUSTOM_SCHEME_REDIRECT);
        // The tokens will need to be written to the keyring: find out now that it can take
        // them (running, unlocked), not after the person has consented.
        let probe = format!("probe/{}", self.installation);
        self.secrets.put(&probe, &Secret::new("probe".to_owned()))?;
        self.secrets.delete(&probe)?;
        let endpoints = self.endpoints(provider.id.as_str(), &env).await?;
        let (started, pending) =
            link::start(&provider, &env, endpoints, scopes, redirect_uri, now())?;
        lock(&self.pending).push(pending);
        Ok(started)
    }

    /// Completes a link with the provider's answer (the full redirect URL). A forged, replayed,
    /// expired or mismatched answer changes nothing and is recorded; so is every failure.
    pub async fn finish_link(&self, callback_url: &str) -> Result<AccountSummary, Error> {
        let (outcome, log) = exchange::recorded(self.finish_link_unlogged(callback_url)).await;
        self.keep_exchanges(outcome.as_ref().ok().map(|a| a.id), &log);
        outcome
    }

    async fn finish_link_unlogged(&self, callback_url: &str) -> Result<AccountSummary, Error> {
        let now = now();
        let claimed = Callback::parse(callback_url)
            .map_err(|e| e.to_string())
            .and_then(|callback| {
                let pending = link::claim(&mut lock(&self.pending), &callback, now)?;
                Ok((callback, pending))
            });
        let (callback, pending) = match claimed {
            Ok(claimed) => claimed,
            Err(reason) => {
                let error = Error::InvalidCallback(reason);
                self.record_failure(ActivityKind::CallbackRejected, &error, now);
                return Err(error);
            }
        };
        let outcome = self.complete(pending, &callback, now).await;
        if let Err(error) = &outcome {
            self.record_failure(ActivityKind::LinkFailed, error, now);
        }
        outcome
    }

    async fn complete(
        &self,
        pending: Pending,
        callback: &Callback,
        now: i64,
    ) -> Result<AccountSummary, Error> {
        let env = {
            let providers = lock(&self.providers);
            providers
                .get(&pending.provider)?
                .environment(Some(&pending.environment))?
                .clone()
        };
        let secret = self.client_secret(&pending.provider, &env)?;
        let linked =
            link::complete(&self.http, &env, secret.as_ref(), pending, callback, now).await?;
        let account = &linked.account;
        // Secrets first: a crash before the metadata is written leaves an orphan the next start
        // removes, never an account without its tokens.
        let key = self.tokens_key(&account.provider, &account.environment, &account.subject);
        tokens::save(self.secrets.as_ref(), &key, &linked.tokens)?;
        crash_point("link:after-secrets");
        let mut store = lock(&self.store);
        let (saved, existed) = store.save_account(account, now)?;
        let (kind, verb) = if existed {
            (ActivityKind::AccountRelinked, "linked again")
        } else {
            (ActivityKind::AccountLinked, "linked")
        };
        let who = saved
            .email
            .clone()
            .or(saved.display_name.clone())
            .unwrap_or(saved.subject.clone());
        let detail = format!(
            "{who} at {} ({}) {verb}, {} scopes granted",
            saved.provider, saved.environment, saved.scope_count
        );
        store.record_activity(now, kind, &detail, Some(saved.id))?;
        Ok(saved)
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

    /// Refreshes an account's tokens now (R1). Single flight: callers in this process and in
    /// others (the app and any number of `grantry` commands) that arrive while a refresh is
    /// under way wait for it and share its result, so a refresh token is never sent twice.
    /// The rotated refresh token is in the keyring before anything else changes.
    /// `invalid_grant` marks the account "needs re-link" with the reason; it is never deleted.
    pub async fn refresh(&self, account_id: i64) -> Result<AccountSummary, Error> {
        let (outcome, log) = exchange::recorded(self.refresh_unlogged(account_id)).await;
        self.keep_exchanges(Some(account_id), &log);
        outcome
    }

    async fn refresh_unlogged(&self, account_id: i64) -> Result<AccountSummary, Error> {
        let account = self.account(account_id)?;
        let seen = lock(&self.store).refresh_generation(account_id)?;
        let flight = lock(&self.flights).entry(account_id).or_default().clone();
        let _in_process = flight.lock().await;
        let _across_processes = self.lock_file(account_id).await?;
        if lock(&self.store).refresh_generation(account_id)? > seen {
            return self.account(account_id);
        }
        let env = {
            let providers = lock(&self.providers);
            providers
                .get(&account.provider)?
                .environment(Some(&account.environment))?
                .clone()
        };
        let key = self.tokens_key(&account.provider, &account.environment, &account.subject);
        let current =
            tokens::load(self.secrets.as_ref(), &key)?.ok_or_else(|| Error::NeedsRelink {
                account: account_id,
                reason: "its tokens are missing from the keyring".into(),
            })?;
        let endpoints = self.endpoints(&account.provider, &env).await?;
        let secret = self.client_secret(&account.provider, &env)?;
        let outcome = refresh::refresh(
            &self.http,
            &env,
            &endpoints,
            secret.as_ref(),
            &account.provider,
            &current,
            now,
        )
        .await;
        let now = now();
        let refreshed = match outcome {
            Ok(refreshed) => refreshed,
            Err(refresh::Failure::Relink(reason)) => {
                let store = lock(&self.store);
                store.set_status(account_id, AccountStatus::NeedsRelink, Some(&reason), now)?;
                store.record_activity(
                    now,
                    ActivityKind::RefreshFailed,
                    &reason,
                    Some(account_id),
                )?;
                return Err(Error::NeedsRelink {
                    account: account_id,
                    reason,
                });
            }
            Err(refresh::Failure::Other(error)) => {
                let detail = format!("refresh failed: {error}");
                let _ = lock(&self.store).record_activity(
                    now,
                    ActivityKind::RefreshFailed,
                    &detail,
                    Some(account_id),
                );
                return Err(error);
            }
        };
        if refreshed
            .subject
            .as_ref()
            .is_some_and(|s| *s != account.subject)
        {
            return Err(Error::MalformedResponse {
                provider: account.provider,
                reason: "the refreshed ID token names another subject".into(),
            });
        }
        // The rotated refresh token goes to the keyring before anything else: losing it would
        // lose the account, since the old one is now dead at the provider.
        if let Err(error) = tokens::save(self.secrets.as_ref(), &key, &refreshed.tokens) {
            let reason = format!("the rotated refresh token could not be saved: {error}");
            let store = lock(&self.store);
            store.set_status(account_id, AccountStatus::NeedsRelink, Some(&reason), now)?;
            store.record_activity(now, ActivityKind::RefreshFailed, &reason, Some(account_id))?;
            return Err(error.into());
        }
        crash_point("refresh:after-secrets");
        let mut store = lock(&self.store);
        store.record_refresh(
            account_id,
            refreshed.tokens.expires_at,
            refreshed.tokens.refresh_token.is_some(),
            refreshed.granted.as_deref(),
            now,
        )?;
        store.record_activity(
            now,
            ActivityKind::TokenRefreshed,
            "tokens refreshed",
            Some(account_id),
        )?;
        drop(store);
        self.account(account_id)
    }

    /// Refreshes every account that has a refresh token, at most `concurrency` at a time.
    /// Returns each account's outcome.
    pub async fn refresh_all(
        self: &Arc<Self>,
        concurrency: usize,
    ) -> Result<Vec<(i64, Result<AccountSummary, Error>)>, Error> {
        let ids: Vec<i64> = self
            .accounts()?
            .into_iter()
            .filter(|a| a.has_refresh_token)
            .map(|a| a.id)
            .collect();
        let permits = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
        let mut tasks = tokio::task::JoinSet::new();
        for id in ids {
            let grantry = self.clone();
            let permits = permits.clone();
            tasks.spawn(async move {
                let _permit = permits.acquire().await;
                (id, grantry.refresh(id).await)
            });
        }
        let mut outcomes = Vec::new();
        while let Some(done) = tasks.join_next().await {
            outcomes.push(
                done.map_err(|e| Error::InvalidInput(format!("a refresh task failed: {e}")))?,
            );
        }
        outcomes.sort_by_key(|(id, _)| *id);
        Ok(outcomes)
    }

    /// An exclusive lock on the account shared with other processes, released when dropped.
    async fn lock_file(&self, account_id: i64) -> Result<std::fs::File, Error> {
        let dir = self.data_dir.join("locks");
        let path = dir.join(format!("account-{account_id}.lock"));
        let storage = |source: std::io::Error| Error::DataDir {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(&dir).map_err(storage)?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(storage)?;
        tokio::task::spawn_blocking(move || file.lock().map(|()| file))
            .await
            .map_err(|e| storage(std::io::Error::other(e)))?
            .map_err(storage)
    }

    /// Asks the provider which scopes the account's token carries now (S1), through token
    /// introspection (RFC 7662), and records the answer with its source. An inactive token is
    /// refreshed once first.
    pub async fn check_scopes(&self, account_id: i64) -> Result<Vec<AccountScope>, Error> {
        let (outcome, log) = exchange::recorded(self.check_scopes_unlogged(account_id)).await;
        self.keep_exchanges(Some(account_id), &log);
        outcome
    }

    async fn check_scopes_unlogged(&self, account_id: i64) -> Result<Vec<AccountScope>, Error> {
        let account = self.account(account_id)?;
        let env = {
            let providers = lock(&self.providers);
            providers
                .get(&account.provider)?
                .environment(Some(&account.environment))?
                .clone()
        };
        let endpoints = self.endpoints(&account.provider, &env).await?;
        let Some(endpoint) = endpoints.introspection.clone() else {
            return Err(Error::InvalidInput(format!(
                "{} offers no way to re-check scopes (no introspection endpoint); the scopes \
                 shown are those of the last token response",
                account.provider
            )));
        };
        let secret = self.client_secret(&account.provider, &env)?;
        let key = self.tokens_key(&account.provider, &account.environment, &account.subject);
        let mut refreshed = false;
        loop {
            let tokens =
                tokens::load(self.secrets.as_ref(), &key)?.ok_or_else(|| Error::NeedsRelink {
                    account: account_id,
                    reason: "its tokens are missing from the keyring".into(),
                })?;
            let request = revoke::authenticated_post(
                &env,
                secret.as_ref(),
                &endpoint,
                &[
                    ("token", tokens.access_token.expose()),
                    ("token_type_hint", "access_token"),
                ],
            )?;
            let response = self
                .http
                .send(request)
                .await
                .map_err(|source| Error::Unreachable {
                    provider: account.provider.clone(),
                    source,
                })?;
            let malformed = |reason: String| Error::MalformedResponse {
                provider: account.provider.clone(),
                reason,
            };
            if !response.status().is_success() {
                return Err(malformed(format!(
                    "introspection answered HTTP {}",
                    response.status()
                )));
            }
            let answer: serde_json::Value = serde_json::from_slice(response.body())
                .map_err(|e| malformed(format!("its introspection answer is not JSON: {e}")))?;
            match answer["active"].as_bool() {
                Some(true) => {
                    let scope = answer["scope"].as_str().unwrap_or_default();
                    let granted: Vec<String> = scope
                        .split(' ')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect();
                    lock(&self.store).update_scopes(
                        account_id,
                        &granted,
                        "introspection",
                        now(),
                    )?;
                    return self.scopes(account_id);
                }
                Some(false) if !refreshed && account.has_refresh_token => {
                    self.refresh(account_id).await?;
                    refreshed = true;
                }
                Some(false) => {
                    return Err(Error::NeedsRelink {
                        account: account_id,
                        reason: format!("{} reports its access token inactive", account.provider),
                    });
                }
                None => return Err(malformed("its introspection answer has no `active`".into())),
            }
        }
    }

    /// Revokes the account's access at the provider (RFC 7009), then deletes its tokens and
    /// metadata here. If the provider cannot be reached, the account is kept as "revocation
    /// pending" (tokens too, to try again: [`Grantry::retry_revocations`]); never dropped
    /// silently, never reported as revoked when it was not.
    pub async fn revoke(&self, account_id: i64) -> Result<(), Error> {
        let (outcome, log) = exchange::recorded(self.revoke_unlogged(account_id)).await;
        self.keep_exchanges(Some(account_id), &log);
        outcome
    }

    async fn revoke_unlogged(&self, account_id: i64) -> Result<(), Error> {
        let account = self.account(account_id)?;
        let env = {
            let providers = lock(&self.providers);
            providers
                .get(&account.provider)?
                .environment(Some(&account.environment))?
                .clone()
        };
        let key = self.tokens_key(&account.provider, &account.environment, &account.subject);
        let Some(current) = tokens::load(self.secrets.as_ref(), &key)? else {
            return Err(Error::InvalidInput(format!(
                "account {account_id} has no tokens left to revoke; `grantry forget {account_id}` \
                 removes it here"
            )));
        };
        let secret = self.client_secret(&account.provider, &env)?;
        let now = now();
        let endpoints = match self.endpoints(&account.provider, &env).await {
            Ok(endpoints) => endpoints,
            Err(error @ Error::Unreachable { .. }) => {
                return Err(self.revocation_pending(account_id, error, now));
            }
            Err(error) => return Err(error),
        };
        let outcome = revoke::revoke(
            &self.http,
            &env,
            &endpoints,
            secret.as_ref(),
            &account.provider,
            &current,
        )
        .await;
        match outcome {
            Ok(()) => {
                self.secrets.delete(&key)?;
                crash_point("revoke:after-secrets");
                let store = lock(&self.store);
                store.delete_account(account_id)?;
                let who = account.email.unwrap_or(account.subject);
                let detail = format!(
                    "access of {who} revoked at {} ({})",
                    account.provider, account.environment
                );
                store.record_activity(now, ActivityKind::AccountRevoked, &detail, None)?;
                Ok(())
            }
            Err(revoke::Failure::Retry(error)) => {
                Err(self.revocation_pending(account_id, error, now))
            }
            Err(revoke::Failure::Refused(error)) => {
                let detail = format!("revocation refused: {error}");
                let _ = lock(&self.store).record_activity(
                    now,
                    ActivityKind::RevocationPending,
                    &detail,
                    Some(account_id),
                );
                Err(error)
            }
        }
    }

    fn revocation_pending(&self, account_id: i64, error: Error, now: i64) -> Error {
        let reason = format!("revocation pending: {error}");
        let store = lock(&self.store);
        let _ = store.set_status(
            account_id,
            AccountStatus::RevocationPending,
            Some(&reason),
            now,
        );
        let _ = store.record_activity(
            now,
            ActivityKind::RevocationPending,
            &reason,
            Some(account_id),
        );
        error
    }

    /// Tries every pending revocation again; returns each account's outcome.
    pub async fn retry_revocations(&self) -> Result<Vec<(i64, Result<(), Error>)>, Error> {
        let pending: Vec<i64> = self
            .accounts()?
            .into_iter()
            .filter(|a| a.status == AccountStatus::RevocationPending)
            .map(|a| a.id)
            .collect();
        let mut outcomes = Vec::new();
        for id in pending {
            outcomes.push((id, self.revoke(id).await));
        }
        Ok(outcomes)
    }

    /// Removes an account from this device only: its tokens from the keyring, its metadata
    /// from the database. Access at the provider stays as it is.
    pub fn forget(&self, account_id: i64) -> Result<(), Error> {
        let account = self.account(account_id)?;
        let key = self.tokens_key(&account.provider, &account.environment, &account.subject);
        // Secrets first: a crash between the two leaves metadata the next start can repair,
        // never tokens nobody knows about.
        self.secrets.delete(&key)?;
        let store = lock(&self.store);
        store.delete_account(account_id)?;
        let who = account.email.unwrap_or(account.subject);
        let detail = format!(
            "{who} at {} ({}) forgotten on this device; access at the provider was not revoked",
            account.provider, account.environment
        );
        store.record_activity(now(), ActivityKind::AccountForgotten, &detail, None)?;
        Ok(())
    }

    /// A JSON report for QA: every account with its scopes, and the history. No secret is in
    /// it: it is built from metadata only, never from the keyring.
    pub fn export(&self) -> Result<serde_json::Value, Error> {
        let mut accounts = Vec::new();
        for account in self.accounts()? {
            let scopes = lock(&self.store).scopes(account.id)?;
            let mut entry =
                serde_json::to_value(&account).map_err(|e| Error::InvalidInput(e.to_string()))?;
            entry["scopes"] =
                serde_json::to_value(scopes).map_err(|e| Error::InvalidInput(e.to_string()))?;
            accounts.push(entry);
        }
        Ok(serde_json::json!({
            "generator": concat!("Grantry ", env!("CARGO_PKG_VERSION")),
            "generated_at": now(),
            "accounts": accounts,
            "history": self.activity(10_000)?,
        }))
    }

    /// Repairs what an interrupted Grantry (a crash, a kill) can leave behind: tokens in the
    /// keyring with no account (removed), and accounts whose tokens are missing (marked "needs
    /// re-link", never deleted). Run at start; touches only this data folder's keyring items.
    pub fn repair(&self) -> Result<Repair, Error> {
        let prefix = format!("account/{}/", self.installation);
        let stored: Vec<String> = self
            .secrets
            .keys()?
            .into_iter()
            .filter(|key| key.starts_with(&prefix))
            .collect();
        let accounts = self.accounts()?;
        let expected: Vec<(i64, String, AccountStatus)> = accounts
            .iter()
            .map(|a| {
                (
                    a.id,
                    self.tokens_key(&a.provider, &a.environment, &a.subject),
                    a.status,
                )
            })
            .collect();
        let mut report = Repair::default();
        for key in &stored {
            if !expected.iter().any(|(_, k, _)| k == key) {
                self.secrets.delete(key)?;
                report.orphaned_secrets_removed += 1;
            }
        }
        let now = now();
        let store = lock(&self.store);
        for (id, key, status) in &expected {
            if !stored.contains(key) && *status != AccountStatus::NeedsRelink {
                let reason = "its tokens are missing from the keyring (Grantry was interrupted, or they were deleted)";
                store.set_status(*id, AccountStatus::NeedsRelink, Some(reason), now)?;
                store.record_activity(now, ActivityKind::RefreshFailed, reason, Some(*id))?;
                report.accounts_without_tokens += 1;
            }
        }
        Ok(report)
    }

    /// An account's HTTP exchanges with its provider, newest first, every secret masked.
    pub fn exchanges(&self, account_id: i64, limit: u32) -> Result<Vec<exchange::Exchange>, Error> {
        lock(&self.store).exchanges(account_id, limit)
    }

    fn keep_exchanges(&self, account_id: Option<i64>, log: &[exchange::Exchange]) {
        if !log.is_empty() {
            // The log serves QA; failing to keep it must not fail the operation it describes.
            let _ = lock(&self.store).record_exchanges(account_id, log);
        }
    }

    fn tokens_key(&self, provider: &str, environment: &str, subject: &str) -> String {
        tokens::key(&self.installation, provider, environment, subject)
    }

    /// The keyring key of an environment's client secret.
    fn client_secret_key(&self, provider: &str, environment: &str) -> String {
        format!("client/{}/{provider}/{environment}", self.installation)
    }

    fn record_failure(&self, kind: ActivityKind, error: &Error, now: i64) {
        // Error messages never carry token text, so they may go into the history.
        let _ = lock(&self.store).record_activity(now, kind, &error.to_string(), None);
    }
}
