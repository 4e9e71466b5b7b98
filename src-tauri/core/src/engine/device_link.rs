//! Linking an account with the device authorization grant (RFC 8628): start a device link
//! (the keyring checked first, then the provider asked for a user code), then wait for it:
//! poll the token endpoint every `interval` seconds, five more after each `slow_down` (§3.5),
//! until the person allows (the account is stored exactly as a code link stores it:
//! `link.rs`'s `store_linked`), denies, the code expires, or the link is cancelled.
//!
//! Invariants: the device code never leaves this file's [`DeviceLinks`] (nor the
//! `oauth/device.rs` request that carries it); a device link is waited on once, and ends with
//! one outcome, told to the window as a link's event under its id (as a code link's `state`)
//! and recorded in the history when it failed. Cancelling ends it at once, even in the middle
//! of a poll the provider is slow to answer; so does the code's expiry. A poll that gets no
//! answer (the provider unreachable) is tried again, twice as late each time (§3.5), until the
//! code expires; any other failure ends the link.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;

use super::link::LinkTarget;
use super::{Grantry, lock};
use crate::clock;
use crate::error::Error;
use crate::model::{AccountSummary, ActivityKind, DeviceLinkView, QrMatrix};
use crate::oauth::device::{self, DeviceCode, MAX_INTERVAL, Poll, SLOW_DOWN_STEP};
use crate::oauth::discovery::Endpoints;
use crate::oauth::dpop::Dpop;
use crate::secret::Secret;
use crate::secret_store::token_items;

/// The shortest wait between polls, whatever the provider says (a 0 would be a busy loop).
const MIN_INTERVAL: u64 = 1;

/// What a waiting device link polls with; taken by the one who waits on it.
struct Polling {
    provider: String,
    environment: String,
    scopes: Vec<String>,
    for_account: Option<(String, String)>,
    endpoints: Arc<Endpoints>,
    device_code: DeviceCode,
    interval: u64,
    expires_at: i64,
    cancelled: watch::Receiver<bool>,
    /// The account's DPoP key (RFC 9449), when the environment has DPoP on: the polls that
    /// get the tokens carry its proofs, and the tokens are bound to it.
    dpop: Option<Dpop>,
}

/// A device link under way.
struct Entry {
    cancel: watch::Sender<bool>,
    /// The page to open again (`Grantry::pending_url`).
    page: String,
    polling: Option<Polling>,
}

/// The device links under way in this process, by id.
#[derive(Default)]
pub(super) struct DeviceLinks(Mutex<HashMap<String, Entry>>);

impl DeviceLinks {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether a device link with this id is under way.
    pub(super) fn awaits(&self, link: &str) -> bool {
        self.entries().contains_key(link)
    }

    /// Cancels the device link `link`; whether there was one.
    pub(super) fn cancel(&self, link: &str) -> bool {
        match self.entries().remove(link) {
            Some(entry) => {
                let _ = entry.cancel.send(true);
                true
            }
            None => false,
        }
    }

    /// The page where the person enters the code of `link`.
    pub(super) fn page(&self, link: &str) -> Option<String> {
        self.entries().get(link).map(|e| e.page.clone())
    }
}

/// A new id for a device link: random, as a code link's `state` is.
fn new_id() -> String {
    format!("device-{}", openidconnect::CsrfToken::new_random().secret())
}

impl Grantry {
    /// Starts linking an account with a device code: asks the provider for a user code and
    /// returns what the person needs (the code, the page, a QR code of it, the expiry). Then
    /// [`Grantry::wait_device_link`] waits for the outcome. The environment needs a device
    /// authorization endpoint (configured or in its discovery document).
    pub async fn start_device_link(
        &self,
        provider: &str,
        environment: Option<&str>,
        scopes: Option<Vec<String>>,
    ) -> Result<DeviceLinkView, Error> {
        self.begin_device(provider, environment, scopes, None).await
    }

    /// [`Grantry::start_device_link`] for an account already here: to add `extra` scopes to
    /// it, or, with none, to link it again. The person must allow as the same account.
    pub async fn start_device_link_for(
        &self,
        account_id: i64,
        extra: &[String],
    ) -> Result<DeviceLinkView, Error> {
        let (account, scopes) = self.relink_scopes(account_id, extra)?;
        let owner = (account.subject.clone(), account.label().to_owned());
        self.begin_device(
            &account.provider,
            Some(&account.environment),
            Some(scopes),
            Some(owner),
        )
        .await
    }

    async fn begin_device(
        &self,
        provider: &str,
        environment: Option<&str>,
        scopes: Option<Vec<String>>,
        for_account: Option<(String, String)>,
    ) -> Result<DeviceLinkView, Error> {
        let (provider, env) = {
            let providers = lock(&self.providers);
            let provider = providers.get(provider)?;
            (
                provider.id.to_string(),
                provider.environment(environment)?.clone(),
            )
        };
        let scopes = scopes.unwrap_or_else(|| env.scopes.clone());
        // As for a code link: find out now that the keyring can take the tokens.
        let probe = token_items::probe_key(&self.installation);
        self.secrets.put(&probe, &Secret::new("probe".to_owned()))?;
        self.secrets.delete(&probe)?;
        let endpoints = self.endpoints(&provider, &env).await?;
        let secret = self.client_secret(&provider, &env)?;
        let span = tracing::info_span!("link", provider, environment = env.name);
        let asked = device::authorize(
            &self.http,
            &provider,
            &env,
            &endpoints,
            secret.as_ref(),
            &scopes,
        );
        let (authorization, device_code) = self.logged(span, "link", asked, |_| None).await?;
        let now = clock::now();
        let expires_at = now.saturating_add(i64::try_from(authorization.expires_in).unwrap_or(0));
        let page = authorization
            .verification_uri_complete
            .clone()
            .unwrap_or_else(|| authorization.verification_uri.clone());
        let link = new_id();
        let (cancel, cancelled) = watch::channel(false);
        let polling = Polling {
            provider: provider.clone(),
            environment: env.name.clone(),
            scopes,
            for_account,
            endpoints,
            device_code,
            interval: authorization.interval.max(MIN_INTERVAL),
            expires_at,
            cancelled,
            dpop: env.dpop.then(Dpop::generate).transpose()?,
        };
        self.device_links.entries().insert(
            link.clone(),
            Entry {
                cancel,
                page: page.clone(),
                polling: Some(polling),
            },
        );
        tracing::info!(
            provider,
            environment = env.name,
            "a device link starts; waiting for its code to be entered at the provider"
        );
        Ok(DeviceLinkView {
            link,
            provider,
            environment: env.name,
            user_code: authorization.user_code,
            verification_uri: authorization.verification_uri,
            verification_uri_complete: authorization.verification_uri_complete,
            expires_at,
            interval: authorization.interval,
            qr: QrMatrix::of(&page),
        })
    }

    /// Waits for the device link `link` to end, polling the provider, and stores the account
    /// when the person allowed. Every outcome is told to the window as the link's event, and a
    /// failure is recorded in the history. A link is waited on once.
    pub async fn wait_device_link(&self, link: &str) -> Result<AccountSummary, Error> {
        let polling = self
            .device_links
            .entries()
            .get_mut(link)
            .and_then(|entry| entry.polling.take())
            .ok_or_else(|| {
                Error::InvalidInput("no device link with this id is waiting".to_owned())
            })?;
        let span = tracing::info_span!(
            "link",
            provider = polling.provider,
            environment = polling.environment
        );
        let provider = polling.provider.clone();
        let mut cancelled = polling.cancelled.clone();
        let work = async {
            let outcome = tokio::select! {
                outcome = self.poll_until_done(&polling) => outcome,
                _ = cancelled.wait_for(|cancelled| *cancelled) => Err(Error::Cancelled {
                    provider: provider.clone(),
                }),
            };
            if let Err(error) = &outcome {
                let detail = error.to_string();
                self.record_failure(ActivityKind::LinkFailed, &detail, None, clock::now());
            }
            outcome
        };
        let outcome = self
            .logged(span, "link", work, |outcome| {
                outcome.as_ref().ok().map(|account| account.id)
            })
            .await;
        self.device_links.entries().remove(link);
        match outcome {
            Ok(account) => {
                self.accounts_changed();
                self.link_completed(link, &account);
                Ok(account)
            }
            Err(error) => {
                self.link_failed(link, &error);
                Err(error)
            }
        }
    }

    /// Polls until the person answers or the code expires (RFC 8628 §3.4, §3.5).
    async fn poll_until_done(&self, polling: &Polling) -> Result<AccountSummary, Error> {
        let provider = polling.provider.as_str();
        let env = self.environment(provider, &polling.environment)?;
        let secret = self.client_secret(provider, &env)?;
        let mut interval = polling.interval;
        let mut dpop = polling.dpop.clone();
        let mut backoff = interval;
        let expired = || Error::DeviceCodeExpired {
            provider: provider.to_owned(),
        };
        loop {
            // Wait first: the person has only just been shown the code (§3.4 "after the
            // interval").
            let left = polling.expires_at.saturating_sub(clock::now());
            if left <= 0 {
                return Err(expired());
            }
            let wait = Duration::from_secs(backoff.min(u64::try_from(left).unwrap_or(0)));
            tokio::time::sleep(wait).await;
            let left = polling.expires_at.saturating_sub(clock::now());
            if left <= 0 {
                return Err(expired());
            }
            let asked = device::poll(
                &self.http,
                provider,
                &env,
                &polling.endpoints,
                secret.as_ref(),
                &polling.device_code,
                dpop.as_ref(),
                clock::now(),
            );
            // A poll the provider does not answer ends when the code does.
            let deadline = Duration::from_secs(u64::try_from(left).unwrap_or(0));
            let answer = match tokio::time::timeout(deadline, asked).await {
                Ok(answer) => answer,
                Err(_) => return Err(expired()),
            };
            match answer {
                Ok(Poll::Pending) => backoff = interval,
                // Asked again at once, with the nonce or the key the provider wants.
                Ok(Poll::NonceGiven) => backoff = 0,
                Ok(Poll::WantsProof) => {
                    dpop = Some(Dpop::generate()?);
                    backoff = 0;
                    tracing::info!("the provider wants DPoP for this client: polling with a key");
                }
                Ok(Poll::SlowDown) => {
                    interval = (interval + SLOW_DOWN_STEP).min(MAX_INTERVAL);
                    backoff = interval;
                    tracing::info!("the provider asked to slow down: polling every {interval} s");
                }
                Ok(Poll::Linked(linked)) => {
                    let target = LinkTarget {
                        provider,
                        environment: &polling.environment,
                        scopes: &polling.scopes,
                        for_account: polling.for_account.as_ref(),
                        endpoints: &polling.endpoints,
                    };
                    return self
                        .store_linked(&target, &env, *linked, clock::now())
                        .await;
                }
                Err(Error::Unreachable { source, .. }) => {
                    backoff = (backoff * 2).min(MAX_INTERVAL);
                    tracing::info!(
                        "the provider did not answer a poll ({source}); trying again in {backoff} s"
                    );
                }
                Err(error) => return Err(error),
            }
        }
    }
}
