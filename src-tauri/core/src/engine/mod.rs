//! The orchestration: [`Grantry`], the one front door of the engine that the app and the
//! command line call. It opens a data folder and runs each operation, one file each (link,
//! intake of URLs from the OS, refresh and its schedule, handing tokens to other programs,
//! token exchange, revoke, queries, providers, scope check, repair), over the protocol (`oauth/`), the database (`store/`), the keyring
//! (`secret_store/`) and the providers (`providers/`).
//!
//! Invariants kept here: secrets go to the keyring before the metadata that points at them is
//! written (a crash leaves an orphan that [`Grantry::repair`] removes, never an account
//! without its tokens); every change of the history is reported as a [`GrantryEvent`]; the
//! provider's HTTP exchanges of an operation are kept in the HTTP log, masked.

mod break_cause;
mod client_keys;
mod device_link;
mod exchange;
mod grant_end;
mod hand_out;
mod inspect;
pub(crate) mod intake;
mod link;
mod link_status;
mod programs;
mod providers;
mod queries;
mod refresh;
mod repair;
mod revocation_check;
mod revoke;
mod sandbox;
mod schedule;
mod scope_check;

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;
use tracing::Instrument;

pub use crate::model::{BreakCause, Mend};
pub use exchange::{Exchanged, Handover, MAX_HELD};
pub use hand_out::{HandedOut, MAX_MIN_VALID};
pub use inspect::TokenUse;
pub use intake::{LINK_BURST, Received, url_in_args};
pub use link::Link;
pub use refresh::{RefreshLimits, RefreshProgress};
pub use repair::Repair;
pub use revoke::RevokeProgress;
pub use schedule::RefreshPolicy;

use crate::error::Error;
use crate::events::{EventSink, GrantryEvent, NoEvents};
use crate::model::{AccountSummary, ActivityEntry, ActivityKind};
use crate::oauth::authorize::PendingLinks;
use crate::oauth::discovery::{self, Endpoints, Keys};
use crate::oauth::{Http, http};
use crate::paths;
use crate::providers::{self as provider_config, Environment, Providers};
use crate::secret::{Secret, TokenSet};
use crate::secret_store::{self, SecretStore, token_items};
use crate::store::{DATABASE_FILE, Store};

/// Where Grantry keeps things, the keyring it uses, and who hears about what happens.
pub struct Options {
    pub data_dir: PathBuf,
    pub config_dir: PathBuf,
    /// The port of a built-in sandbox provider this process knows it owns (its issuer is
    /// `http://127.0.0.1:PORT`); `None` until one is adopted ([`Grantry::adopt_sandbox`],
    /// [`Grantry::find_sandbox`]).
    pub sandbox_port: Option<u16>,
    pub secrets: Arc<dyn SecretStore>,
    pub events: Arc<dyn EventSink>,
}

impl Options {
    /// The folders from the environment (see `paths.rs`), the OS keyring, and no events.
    pub fn from_env() -> Result<Self, Error> {
        let missing = || {
            Error::InvalidInput(
                "no data folder: set HOME, XDG_DATA_HOME or GRANTRY_DATA_DIR".to_owned(),
            )
        };
        Ok(Self {
            data_dir: paths::data_dir().ok_or_else(missing)?,
            config_dir: paths::config_dir().ok_or_else(missing)?,
            sandbox_port: None,
            secrets: Arc::new(secret_store::Keyring::secret_service(secret_store::SERVICE)),
            events: Arc::new(NoEvents),
        })
    }
}

/// One open data folder: the database, the providers, the keyring, the links under way.
pub struct Grantry {
    store: Mutex<Store>,
    providers: Mutex<Providers>,
    secrets: Arc<dyn SecretStore>,
    events: Arc<dyn EventSink>,
    http: Http,
    pending: PendingLinks,
    /// The device code links under way (`device_link.rs`).
    device_links: device_link::DeviceLinks,
    /// How the links of the last minutes ended, for a window that missed the event.
    outcomes: link_status::LinkOutcomes,
    /// How many links from the OS that answer no sign-in may still be recorded now.
    link_budget: Mutex<intake::LinkBudget>,
    data_dir: PathBuf,
    /// This data folder's id, in every keyring key.
    installation: String,
    /// Endpoints found by discovery, per provider and environment, for this process's life.
    endpoints: Mutex<HashMap<(String, String), Arc<Endpoints>>>,
    /// One refresh at a time per account in this process (a file lock covers other processes).
    flights: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
    /// Wakes the refresh schedule when accounts change.
    changed: Notify,
    /// Tokens exchanged (RFC 8693) in this process, in memory only (`exchange.rs`).
    exchanged: Mutex<exchange::Held>,
}

/// A test hook for crash-consistency tests: when `GRANTRY_CRASH_AT` names this point, the
/// process aborts here, as if killed. Unset (always, outside those tests) it does nothing, and
/// release builds never read it.
fn crash_point(point: &str) {
    if cfg!(debug_assertions) && std::env::var("GRANTRY_CRASH_AT").is_ok_and(|at| at == point) {
        std::process::abort();
    }
}

/// Makes the data folder, its database files and lock files, and the config folder and its
/// providers file this user's only (`paths.rs`): the folders are created 0700 and the new
/// database 0600 (SQLite gives its `-wal` and `-shm` files the database's mode); whatever is
/// found looser is tightened and returned, so that the caller can say so.
fn private_files(data_dir: &Path, config_dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let failed = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::DataDir { path, source }
    };
    let mut tightened = Vec::new();
    let mut check = |path: PathBuf, made: std::io::Result<bool>| {
        if made.map_err(failed(&path))? {
            tightened.push(path);
        }
        Ok::<_, Error>(())
    };
    let locks = data_dir.join(paths::LOCKS_DIR);
    let database = data_dir.join(DATABASE_FILE);
    check(data_dir.to_path_buf(), paths::private_dir(data_dir))?;
    check(locks.clone(), paths::private_dir(&locks))?;
    check(database.clone(), paths::private_file(&database))?;
    let mut files: Vec<PathBuf> = ["-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| {
            let mut name = database.clone().into_os_string();
            name.push(suffix);
            PathBuf::from(name)
        })
        .collect();
    let lock_files = std::fs::read_dir(&locks).map_err(failed(&locks))?;
    files.extend(lock_files.filter_map(|entry| entry.ok().map(|e| e.path())));
    if config_dir.is_dir() {
        check(config_dir.to_path_buf(), paths::tighten(config_dir))?;
        files.push(config_dir.join(provider_config::PROVIDERS_FILE));
    }
    for file in files {
        let made = paths::tighten(&file);
        check(file, made)?;
    }
    Ok(tightened)
}

/// Takes a lock; a panic elsewhere while holding it leaves data SQLite kept consistent.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

tokio::task_local! {
    /// The run of the provider-facing operation under way ([`Grantry::logged`]).
    static RUN: i64;
}

/// A number for a run, unique in practice: 62 random bits (so that runs of the app and of
/// `grantry` commands sharing the database never meet), or the time if there is no randomness.
fn new_run() -> i64 {
    let mut bytes = [0u8; 8];
    match getrandom::fill(&mut bytes) {
        Ok(()) => i64::from_le_bytes(bytes) & (i64::MAX >> 1),
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |t| t.as_nanos() as i64),
    }
}

/// A history entry as a log line: a warning when it tells of a failure. `detail` is masked
/// already.
fn log_activity(entry: &ActivityEntry) {
    let kind = entry.kind.as_str();
    let (detail, account) = (&entry.detail, entry.account_id);
    if entry.kind.is_failure() {
        tracing::warn!(account, "{kind}: {detail}");
    } else {
        tracing::info!(account, "{kind}: {detail}");
    }
}

/// An exclusive lock on a file under the data folder, waiting for it; released when the file
/// is dropped.
fn lock_file(path: &std::path::Path) -> Result<std::fs::File, Error> {
    let storage = |source: std::io::Error| Error::DataDir {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        paths::private_dir(dir).map_err(storage)?;
    }
    paths::private_file(path).map_err(storage)?;
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(storage)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            // Said, so that a command that seems stuck tells what it waits for.
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            tracing::info!(
                lock = %name,
                waiting = true,
                "another Grantry process holds this lock; waiting for it"
            );
            file.lock().map_err(storage)?;
        }
        Err(std::fs::TryLockError::Error(error)) => return Err(storage(error)),
    }
    Ok(file)
}

impl Grantry {
    /// Opens (or creates) the data folder and its database, migrating it to the current schema,
    /// and loads the providers. A database written by a newer Grantry is refused, never touched.
    /// The folders and files are made this user's only first ([`private_files`]); tokens kept
    /// under a key of an older Grantry are moved to their key now ([`Grantry::move_token_items`]).
    pub fn open(options: Options) -> Result<Self, Error> {
        let data_dir = &options.data_dir;
        for path in private_files(data_dir, &options.config_dir)? {
            tracing::warn!(
                "{} could be read by other users; it is now readable by you only",
                path.display()
            );
        }
        let store = Store::open(&data_dir.join(DATABASE_FILE))?;
        let installation = store.installation()?;
        let providers = Providers::load(
            &options.config_dir.join(provider_config::PROVIDERS_FILE),
            options.sandbox_port,
        )?;
        let grantry = Self {
            store: Mutex::new(store),
            providers: Mutex::new(providers),
            secrets: options.secrets,
            events: options.events,
            http: Http::new(),
            pending: PendingLinks::default(),
            device_links: Default::default(),
            outcomes: Default::default(),
            link_budget: Mutex::new(intake::LinkBudget::default()),
            data_dir: options.data_dir,
            installation,
            endpoints: Mutex::new(HashMap::new()),
            flights: Mutex::new(HashMap::new()),
            changed: Notify::new(),
            exchanged: Mutex::default(),
        };
        // A locked keyring must not keep Grantry closed: repair moves them later.
        if let Err(error) = grantry.move_token_items() {
            tracing::warn!("cannot move tokens to their new keyring key yet: {error}");
        }
        Ok(grantry)
    }

    /// Moves the tokens of accounts whose keyring key changed when the parts of keys began to
    /// be encoded (`secret_store/token_items.rs`). Only an environment or subject holding `/`
    /// or `%` changed its key, so for any other account nothing is read. Two accounts whose
    /// old keys were the same item (the collision the encoding ends) cannot tell whose tokens
    /// it holds: neither gets them, and repair marks both to be linked again.
    fn move_token_items(&self) -> Result<usize, Error> {
        let moves: Vec<(String, String)> = self
            .accounts()?
            .iter()
            .filter_map(|account| {
                let old = token_items::legacy_key(
                    &self.installation,
                    &account.provider,
                    &account.environment,
                    &account.subject,
                )?;
                Some((old, self.tokens_key(account)))
            })
            .collect();
        let mut moved = 0;
        for (old, new) in &moves {
            let same_old = moves.iter().filter(|(other, _)| other == old).count();
            if same_old == 1 {
                moved += usize::from(token_items::rename(self.secrets.as_ref(), old, new)?);
            }
        }
        Ok(moved)
    }

    /// Records something that happened in the history and tells the window. `detail` must
    /// hold no secret; it is masked once more on the way in.
    pub fn record(
        &self,
        kind: ActivityKind,
        detail: &str,
        account: Option<i64>,
        now: i64,
    ) -> Result<ActivityEntry, Error> {
        self.record_in(&lock(&self.store), kind, detail, account, now)
    }

    /// [`Grantry::record`] with the store already locked by the caller, so that a change and
    /// the history entry telling of it are seen together. Each entry is logged too: the log
    /// tells the same story, with what only the log keeps around it.
    fn record_in(
        &self,
        store: &Store,
        kind: ActivityKind,
        detail: &str,
        account: Option<i64>,
        now: i64,
    ) -> Result<ActivityEntry, Error> {
        self.record_by(store, kind, detail, account, None, now)
    }

    /// [`Grantry::record_in`], naming the `program` it concerns (one a token was handed to).
    fn record_by(
        &self,
        store: &Store,
        kind: ActivityKind,
        detail: &str,
        account: Option<i64>,
        program: Option<&str>,
        now: i64,
    ) -> Result<ActivityEntry, Error> {
        let detail = crate::redact::text(detail);
        let run = RUN.try_with(|run| *run).ok();
        let entry = store.record_activity(now, kind, &detail, account, run, program)?;
        log_activity(&entry);
        self.events.emit(GrantryEvent::ActivityRecorded {
            entry: entry.clone(),
        });
        Ok(entry)
    }

    /// Records a failure. Recording must not hide the failure itself, so an error while
    /// recording is logged, with the failure, rather than returned.
    fn record_failure(&self, kind: ActivityKind, detail: &str, account: Option<i64>, now: i64) {
        if let Err(error) = self.record(kind, detail, account, now) {
            tracing::error!(
                account,
                "the history could not keep a {} ({error}): {}",
                kind.as_str(),
                crate::redact::text(detail)
            );
        }
    }

    /// Accounts were linked, refreshed or removed: the schedule looks again, the window
    /// fetches them again.
    fn accounts_changed(&self) {
        self.changed.notify_one();
        self.events.emit(GrantryEvent::AccountsChanged);
    }

    /// Runs a provider-facing operation inside `span` (each of its log lines names the
    /// operation) as one run: its HTTP exchanges are kept in the HTTP log of the account
    /// `account_of` names once it is over (none: kept unattached to an account), marked with
    /// `operation` and the run, as is every history entry recorded during it, so that the
    /// entry telling of a failure leads to the exchanges behind it ([`Grantry::exchanges_of`]).
    async fn logged<T>(
        &self,
        span: tracing::Span,
        operation: &'static str,
        work: impl Future<Output = Result<T, Error>>,
        account_of: impl FnOnce(&Result<T, Error>) -> Option<i64>,
    ) -> Result<T, Error> {
        let run = new_run();
        let (outcome, mut log) = RUN.scope(run, http::recording(work.instrument(span))).await;
        if !log.is_empty() {
            for exchange in &mut log {
                exchange.operation = Some(operation.to_owned());
            }
            // The log serves QA; failing to keep it must not fail the operation it describes.
            let kept = lock(&self.store).record_http_log(account_of(&outcome), run, &log);
            if let Err(error) = kept {
                tracing::error!(
                    "the HTTP log could not keep {} exchanges: {error}",
                    log.len()
                );
            }
        }
        outcome
    }

    /// Held while secrets are written ahead of the metadata that claims them (a link), or
    /// while secrets without metadata are removed (repair), so that repair never takes a link's
    /// fresh tokens for orphans. A file lock: it holds across processes.
    async fn secrets_lock(&self) -> Result<std::fs::File, Error> {
        self.wait_for_lock("secrets.lock").await
    }

    /// [`lock_file`] on `locks/{name}` in the data folder, waited for off the async threads.
    async fn wait_for_lock(&self, name: &str) -> Result<std::fs::File, Error> {
        let path = self.data_dir.join("locks").join(name);
        // What the wait says goes where the caller's events go, not to the blocking thread's
        // own (global) subscriber.
        let dispatch = tracing::dispatcher::get_default(Clone::clone);
        tokio::task::spawn_blocking(move || {
            tracing::dispatcher::with_default(&dispatch, || lock_file(&path))
        })
        .await
        .map_err(|e| Error::Internal(format!("the lock task failed: {e}")))?
    }

    /// An account's tokens from the keyring; missing ones mean it must be linked again.
    fn tokens_of(&self, account: &AccountSummary) -> Result<TokenSet, Error> {
        token_items::load(self.secrets.as_ref(), &self.tokens_key(account))?.ok_or_else(|| {
            Error::NeedsRelink {
                account: account.id,
                reason: "its tokens are missing from the keyring".into(),
            }
        })
    }

    /// A provider environment's current configuration.
    fn environment(&self, provider: &str, environment: &str) -> Result<Environment, Error> {
        let providers = lock(&self.providers);
        Ok(providers
            .get(provider)?
            .environment(Some(environment))?
            .clone())
    }

    /// An environment's endpoints, discovered once per process.
    async fn endpoints(&self, provider: &str, env: &Environment) -> Result<Arc<Endpoints>, Error> {
        let key = (provider.to_owned(), env.name.clone());
        if let Some(found) = lock(&self.endpoints).get(&key) {
            return Ok(found.clone());
        }
        let resolved = Arc::new(discovery::resolve(&self.http, provider, env).await?);
        lock(&self.endpoints).insert(key, resolved.clone());
        Ok(resolved)
    }

    /// Keys fetched again because an ID token named one not seen yet (`oauth/id_token.rs`)
    /// replace the environment's cached ones, so later tokens signed with it need no fetch.
    fn keep_keys(&self, provider: &str, environment: &str, keys: Keys) {
        let key = (provider.to_owned(), environment.to_owned());
        if let Some(cached) = lock(&self.endpoints).get_mut(&key) {
            let endpoints = Endpoints {
                jwks: keys,
                ..cached.as_ref().clone()
            };
            *cached = Arc::new(endpoints);
        }
    }

    /// An environment's client credential from the keyring, when its client authentication
    /// needs one: its client secret, or its `private_key_jwt` key (`client_keys.rs`).
    fn client_secret(
        &self,
        provider: &str,
        env: &Environment,
    ) -> Result<Option<Secret<String>>, Error> {
        if env.signs_assertions() {
            return self.client_key(provider, env).map(Some);
        }
        if !env.needs_secret() {
            return Ok(None);
        }
        let key = token_items::client_secret_key(&self.installation, provider, &env.name);
        let secret = self.secrets.get(&key)?.ok_or_else(|| {
            Error::InvalidInput(format!(
                "{provider}: no client secret in the keyring; store it with \
                 `grantry providers secret {provider}`"
            ))
        })?;
        Ok(Some(secret))
    }

    /// The keyring key of an account's tokens.
    fn tokens_key(&self, account: &AccountSummary) -> String {
        token_items::key(
            &self.installation,
            &account.provider,
            &account.environment,
            &account.subject,
        )
    }
}
