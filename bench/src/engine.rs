//! The engine's own costs, in process, against a sandbox on loopback and the throwaway Secret
//! Service of `scripts/test-session`, each beside its floor:
//! - a link, from the callback received to the account listed, less the provider's own round
//!   trips (their times are in the link's HTTP log);
//! - Refresh all over many accounts, beside as many plain refresh POSTs to the same token
//!   endpoint, made by a bare client from the same process at the same concurrency;
//! - listing many accounts, with a count of the keyring calls it makes.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use grantry_core::events::NoEvents;
use grantry_core::providers::{RedirectKind, SANDBOX_ID};
use grantry_core::secret::Secret;
use grantry_core::secret_store::{self, KeyringError, SecretStore};
use grantry_core::{ActivityKind, Grantry, Options, RefreshLimits};
use grantry_sandbox::Sandbox;
use grantry_sandbox::config::GRANTRY_CLIENT_ID;
use grantry_sandbox::robot::{self, Choice};
use sha2::Digest as _;

/// Concurrency of Refresh all as the window and `grantry refresh --all` run it over accounts
/// at one provider (the bench's all are at the sandbox): its per-provider limit.
pub const REFRESH_CONCURRENCY: usize = RefreshLimits::DEFAULT.per_provider;

/// The OS keyring, counting the calls made through it.
#[derive(Default)]
pub struct Counted<S> {
    inner: S,
    calls: AtomicUsize,
}

impl<S> Counted<S> {
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
    fn count(&self) -> &S {
        self.calls.fetch_add(1, Ordering::SeqCst);
        &self.inner
    }
}

impl<S: SecretStore> SecretStore for Counted<S> {
    fn put(&self, key: &str, value: &Secret<String>) -> Result<(), KeyringError> {
        self.count().put(key, value)
    }
    fn get(&self, key: &str) -> Result<Option<Secret<String>>, KeyringError> {
        self.count().get(key)
    }
    fn delete(&self, key: &str) -> Result<(), KeyringError> {
        self.count().delete(key)
    }
    fn keys(&self) -> Result<Vec<String>, KeyringError> {
        self.count().keys()
    }
}

pub type Keyring = Counted<secret_store::Keyring>;

/// Grantry on `data` with the throwaway keyring, its built-in provider being `sandbox`.
pub fn open(data: &Path, sandbox: &Sandbox) -> (Arc<Grantry>, Arc<Keyring>) {
    let keyring = Arc::new(Counted {
        inner: secret_store::Keyring::secret_service(secret_store::SERVICE),
        calls: AtomicUsize::new(0),
    });
    let grantry = Grantry::open(Options {
        data_dir: data.join("data"),
        config_dir: data.join("config"),
        sandbox_port: Some(sandbox.addr().port()),
        secrets: keyring.clone(),
        events: Arc::new(NoEvents),
    })
    .expect("open Grantry");
    (Arc::new(grantry), keyring)
}

fn allow(user: &str) -> Choice {
    Choice {
        user: user.to_owned(),
        scopes: None,
        allow: true,
    }
}

/// One link's time from the callback received to the account listed, and the part of it
/// spent in the provider's round trips (token, userinfo, keys), as the HTTP log timed them.
pub struct LinkTime {
    pub total: Duration,
    pub provider: Duration,
}

/// Links test user `user`; the consent page is answered before the clock starts.
pub async fn link(grantry: &Grantry, user: &str) -> LinkTime {
    let started = grantry
        .start_link(SANDBOX_ID, None, None, Some(RedirectKind::CustomScheme))
        .await
        .expect("start a link")
        .started;
    let callback = robot::consent(&started.authorization_url, &allow(user))
        .await
        .expect("consent");
    let clock = Instant::now();
    let account = grantry.finish_link(&callback).await.expect("link");
    let listed = grantry.accounts().expect("accounts");
    let total = clock.elapsed();
    assert!(listed.iter().any(|a| a.id == account.id), "not listed");
    let entry = grantry
        .activity(20)
        .expect("history")
        .into_iter()
        .find(|e| e.kind == ActivityKind::AccountLinked && e.account_id == Some(account.id))
        .expect("the link's history entry");
    let provider_ms: u64 = grantry
        .exchanges_of(entry.id)
        .expect("the link's exchanges")
        .iter()
        .map(|x| x.duration_ms)
        .sum();
    LinkTime {
        total,
        provider: Duration::from_millis(provider_ms),
    }
}

/// Links `count` test users named `prefix1`…, a few at a time.
pub async fn link_many(grantry: &Arc<Grantry>, prefix: &str, count: usize) {
    let mut tasks = tokio::task::JoinSet::new();
    let permits = Arc::new(tokio::sync::Semaphore::new(REFRESH_CONCURRENCY));
    for n in 1..=count {
        let (grantry, permits) = (grantry.clone(), permits.clone());
        let user = format!("{prefix}{n}");
        tasks.spawn(async move {
            let _permit = permits.acquire().await;
            link(&grantry, &user).await;
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("a link task");
    }
}

/// Refresh all, timed; panics unless every account refreshed.
pub async fn refresh_all(grantry: &Arc<Grantry>) -> (Duration, usize) {
    let clock = Instant::now();
    let outcomes = grantry
        .refresh_all(RefreshLimits::DEFAULT)
        .await
        .expect("refresh all");
    let elapsed = clock.elapsed();
    let failed: Vec<_> = outcomes.iter().filter(|(_, o)| o.is_err()).collect();
    assert!(failed.is_empty(), "refreshes failed: {:?}", failed.first());
    (elapsed, outcomes.len())
}

/// The keyring's own share of Refresh all: what a refresh that keeps its tokens cannot do
/// without, each account's tokens item read and written back as it is, one account at a time
/// (the store's one D-Bus connection serves one call at a time anyway), over the same items
/// Refresh all reads and writes.
pub fn keyring_reads_and_writes(keyring: &Keyring) -> (Duration, usize) {
    let keys: Vec<String> = keyring
        .keys()
        .expect("the keyring's keys")
        .into_iter()
        .filter(|key| key.starts_with("account/"))
        .collect();
    let clock = Instant::now();
    for key in &keys {
        let value = keyring.get(key).expect("a keyring read").expect("an item");
        keyring.put(key, &value).expect("a keyring write");
    }
    (clock.elapsed(), keys.len())
}

/// The floor of Refresh all: `tokens.len()` refresh requests to the sandbox's token endpoint by
/// a bare HTTP client, at the same concurrency. Returns the time, and the rotated tokens.
pub async fn plain_refreshes(sandbox: &Sandbox, tokens: Vec<String>) -> (Duration, Vec<String>) {
    let http = reqwest::Client::new();
    let url = format!("{}/token", sandbox.issuer());
    let permits = Arc::new(tokio::sync::Semaphore::new(REFRESH_CONCURRENCY));
    let clock = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for token in tokens {
        let (http, url, permits) = (http.clone(), url.clone(), permits.clone());
        tasks.spawn(async move {
            let _permit = permits.acquire().await;
            let form = [
                ("grant_type", "refresh_token"),
                ("refresh_token", token.as_str()),
                ("client_id", GRANTRY_CLIENT_ID),
            ];
            refresh_token_from(&http, &url, &form).await
        });
    }
    let mut rotated = Vec::new();
    while let Some(done) = tasks.join_next().await {
        rotated.push(done.expect("a refresh task"));
    }
    (clock.elapsed(), rotated)
}

/// A refresh token for test user `user`, from a code flow by a bare client (PKCE, the app's
/// own client and redirect), for [`plain_refreshes`].
pub async fn plain_refresh_token(sandbox: &Sandbox, user: &str) -> String {
    let random = |n: usize| {
        let mut bytes = vec![0u8; n];
        getrandom::fill(&mut bytes).expect("random");
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    };
    let (verifier, state, nonce) = (random(32), random(16), random(16));
    let challenge =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(&verifier));
    let redirect = format!("{}:/oauth/callback", grantry_core::URL_SCHEME);
    let mut authorize = url::Url::parse(&format!("{}/authorize", sandbox.issuer())).expect("URL");
    authorize
        .query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", GRANTRY_CLIENT_ID)
        .append_pair("redirect_uri", &redirect)
        .append_pair("scope", "openid offline_access")
        .append_pair("state", &state)
        .append_pair("nonce", &nonce)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    let back = robot::consent(authorize.as_str(), &allow(user))
        .await
        .expect("consent");
    let code = url::Url::parse(&back)
        .expect("callback")
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code");
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", redirect.as_str()),
        ("client_id", GRANTRY_CLIENT_ID),
        ("code_verifier", verifier.as_str()),
    ];
    let token_endpoint = format!("{}/token", sandbox.issuer());
    refresh_token_from(&reqwest::Client::new(), &token_endpoint, &form).await
}

/// POSTs `form` to the token endpoint; returns the refresh token of the answer.
async fn refresh_token_from(http: &reqwest::Client, url: &str, form: &[(&str, &str)]) -> String {
    let answer: serde_json::Value = http
        .post(url)
        .form(form)
        .send()
        .await
        .expect("POST")
        .json()
        .await
        .expect("JSON");
    answer["refresh_token"]
        .as_str()
        .unwrap_or_else(|| panic!("no refresh token: {answer}"))
        .to_owned()
}
