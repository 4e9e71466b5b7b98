//! Refreshing accounts: one now (single flight within and across processes), or all at once
//! with bounded concurrency, overall and per provider ([`RefreshLimits`]). The protocol makes
//! the request (`oauth/refresh_token.rs`); here the rotated refresh token goes to the keyring
//! before anything else changes, then the new ID token is checked, and only one that verifies
//! replaces the one held, with the access token that came with it: one that does not fails the
//! refresh. `invalid_grant`, or an ID token naming another subject, marks the account "needs
//! re-link" (it is never deleted). Any other failure (the provider unreachable, a 5xx, a
//! timeout, a rate limit…) is counted on the account until a refresh works or it is linked
//! again, so that the window and `grantry accounts` can say that a token is about to lapse,
//! and why.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::Semaphore;

use super::{Grantry, break_cause, crash_point, lock};
use crate::clock;
use crate::dialects::{self, Exchanged};
use crate::error::{Error, HttpError};
use crate::model::{
    AccountStatus, AccountSummary, ActivityKind, BreakCause, Mend, RefreshAllOutcome,
    RefreshFailure,
};
use crate::oauth::refresh_token::{self, Failure, Refreshed, Refusal};
use crate::providers::Preset;
use crate::secret::{Secret, TokenSet};
use crate::secret_store::token_items;

/// How many refreshes a batch ([`Grantry::refresh_all`]) runs at once: `overall`, and at most
/// `per_provider` against any one provider environment (one client at one token endpoint), so
/// that a batch of hundreds of test users never floods a provider, which would answer with
/// 429s or lock the client out, while accounts at other providers go ahead meanwhile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshLimits {
    pub overall: usize,
    pub per_provider: usize,
}

impl RefreshLimits {
    /// What the window's "Refresh all" and `grantry refresh --all` use unless told otherwise.
    pub const DEFAULT: Self = Self {
        overall: 8,
        per_provider: 4,
    };
}

/// One account's refresh ended, in a batch ([`Grantry::refresh_all_telling`]).
pub struct RefreshProgress<'a> {
    /// How many have ended, this one included.
    pub done: usize,
    pub total: usize,
    pub account: i64,
    pub outcome: &'a Result<AccountSummary, Error>,
}

impl RefreshAllOutcome {
    /// The summary of a [`Grantry::refresh_all`]'s outcomes.
    pub fn of(outcomes: &[(i64, Result<AccountSummary, Error>)]) -> Self {
        let failures: Vec<RefreshFailure> = outcomes
            .iter()
            .filter_map(|(account, outcome)| {
                let error = outcome.as_ref().err()?;
                Some(RefreshFailure {
                    account: *account,
                    error: error.into(),
                })
            })
            .collect();
        let total = u32::try_from(outcomes.len()).unwrap_or(u32::MAX);
        Self {
            total,
            refreshed: total - u32::try_from(failures.len()).unwrap_or(total),
            failures,
        }
    }
}

impl Grantry {
    /// Refreshes an account's tokens now. Single flight: callers in this process and in
    /// others (the app and any number of `grantry` commands) that arrive while a refresh is
    /// under way wait for it and share its result, so a refresh token is never sent twice.
    pub async fn refresh(&self, account_id: i64) -> Result<AccountSummary, Error> {
        let seen = lock(&self.store).refresh_generation(account_id)?;
        let (account, _) = self
            .refresh_unless(account_id, |grantry, _| {
                // Refreshed by someone else since this caller asked: theirs serves.
                Ok(lock(&grantry.store).refresh_generation(account_id)? > seen)
            })
            .await?;
        Ok(account)
    }

    /// Refreshes an account's tokens under its lock ([`Grantry::account_lock`]), unless
    /// `fresh_enough`, asked of the account as it stands once the lock is held, says they need
    /// not be: so that callers that decide on what they read before (a token about to expire,
    /// a refresh that came due) never refresh twice what one refresh served. Returns the
    /// account and whether it was refreshed.
    pub(super) async fn refresh_unless(
        &self,
        account_id: i64,
        fresh_enough: impl FnOnce(&Self, &AccountSummary) -> Result<bool, Error>,
    ) -> Result<(AccountSummary, bool), Error> {
        let outcome = self
            .logged(
                tracing::info_span!("refresh", account = account_id),
                "refresh",
                self.refresh_locked(account_id, fresh_enough),
                |_| Some(account_id),
            )
            .await;
        if matches!(outcome, Ok((_, true))) {
            self.accounts_changed();
        }
        outcome
    }

    async fn refresh_locked(
        &self,
        account_id: i64,
        fresh_enough: impl FnOnce(&Self, &AccountSummary) -> Result<bool, Error>,
    ) -> Result<(AccountSummary, bool), Error> {
        let _exclusive = self.account_lock(account_id).await?;
        // Read under the lock: a revocation may have finished, or begun, meanwhile.
        let account = self.account(account_id)?;
        if account.status.is_being_revoked() {
            return Err(Error::Revoked(format!(
                "account {account_id} is being revoked; it is not refreshed any more \
                 (`grantry revoke {account_id}` tries the revocation again)"
            )));
        }
        if account.status == AccountStatus::NeedsRelink {
            // Its grant is gone or belongs to someone else: only a new link mends it, and a
            // refresh that happened to work must not hide why it was marked.
            return Err(Error::NeedsRelink {
                account: account_id,
                reason: account.status_reason.clone().unwrap_or_default(),
            });
        }
        if fresh_enough(self, &account)? {
            return Ok((account, false));
        }
        let outcome = self.refresh_held(&account).await;
        match &outcome {
            Ok(()) => {}
            // Marked for re-link: the status says why, and counting it would add nothing.
            Err(Error::NeedsRelink { .. }) => {}
            Err(error) => self.note_failing_refresh(account_id, error),
        }
        outcome?;
        Ok((self.account(account_id)?, true))
    }

    /// Refreshes `account`, held to itself ([`Grantry::account_lock`]) and neither marked for
    /// re-link nor being revoked.
    async fn refresh_held(&self, account: &AccountSummary) -> Result<(), Error> {
        let account_id = account.id;
        let env = self.environment(&account.provider, &account.environment)?;
        let key = self.tokens_key(account);
        let current = self.tokens_of(account)?;
        let endpoints = self.endpoints(&account.provider, &env).await?;
        let secret = self.client_secret(&account.provider, &env)?;
        let exchange = match (&current.refresh_token, env.preset) {
            // A provider without refresh tokens may renew the access token its own way.
            (None, Some(preset)) => {
                let access = &current.access_token;
                dialects::exchange(
                    preset,
                    &self.http,
                    &endpoints,
                    &env,
                    secret.as_ref(),
                    access,
                    clock::now(),
                )
                .await
            }
            _ => None,
        };
        let outcome = match exchange {
            Some(exchanged) => renewed(&current, exchanged),
            None => {
                refresh_token::refresh(
                    &self.http,
                    &env,
                    &endpoints,
                    secret.as_ref(),
                    &account.provider,
                    &current,
                    clock::now,
                )
                .await
            }
        };
        let now = clock::now();
        let refreshed = match outcome {
            Ok(refreshed) => refreshed,
            Err(Failure::Relink(refusal)) => {
                let grant_end = self.grant_end_of(account).ok();
                let explained = env
                    .preset
                    .and_then(|p| p.explain(&refusal.error, refusal.description.as_deref()));
                let refused = break_cause::Refused {
                    provider: &account.provider,
                    error: &refusal.error,
                    description: refusal.description.as_deref(),
                    explained: explained.as_deref(),
                };
                let found = break_cause::diagnose(&refused, grant_end.as_ref(), now);
                if found.mend != Mend::Relink {
                    // The grant may be sound: a mended client or clock lets the next refresh
                    // work, so the account stays, its refreshes failing, in these words.
                    let detail = format!("refresh failed: {}", found.words);
                    self.record_failure(
                        ActivityKind::RefreshFailed,
                        &detail,
                        Some(account_id),
                        now,
                    );
                    return Err(Error::ProviderRefused {
                        provider: account.provider.clone(),
                        error: refusal.error,
                        description: Some(found.words),
                    });
                }
                self.mark_needs_relink(account_id, &found.words, Some(found.cause), now)?;
                return Err(Error::NeedsRelink {
                    account: account_id,
                    reason: found.words,
                });
            }
            Err(Failure::Other(error)) => {
                let sent = matches!(
                    &error,
                    Error::Unreachable {
                        source: HttpError::Timeout | HttpError::Interrupted(_),
                        ..
                    }
                );
                let detail = if sent {
                    format!(
                        "refresh failed: {error}. The provider may have used the refresh token; \
                         if it rotated it, the next refresh will ask to link the account again"
                    )
                } else {
                    format!("refresh failed: {error}")
                };
                self.record_failure(ActivityKind::RefreshFailed, &detail, Some(account_id), now);
                return Err(error);
            }
        };
        // The rotated refresh token goes to the keyring before anything that may wait: losing
        // it would lose the account, since the old one is now dead at the provider. (Killed
        // right here, it is lost: the next refresh replays the old one, the provider refuses
        // it, and the account is marked "needs re-link" with that reason.) A new ID token is
        // not the account's before it verifies: with the keys held that takes no network, and
        // the tokens are written once, after it; when the provider's keys must be fetched, the
        // rotated refresh token is kept first beside the access and ID tokens held before, so
        // that nothing that came with an ID token that fails is ever shown or used as the
        // account's.
        let mut refreshed = refreshed;
        let id_token = refreshed.id_token.take();
        let checked_here = id_token.as_ref().and_then(|id_token| {
            refresh_token::subject_with_held_keys(&account.provider, &env, &endpoints, id_token)
        });
        let first = match (&id_token, &checked_here) {
            (None, _) => Some(refreshed.tokens.clone()),
            // Verified with the keys held, the account's: the tokens are written once, below.
            (Some(_), Some(Ok(subject))) if *subject == account.subject => None,
            (Some(_), _) if refreshed.rotated => Some(TokenSet {
                refresh_token: refreshed.tokens.refresh_token.clone(),
                ..current.clone()
            }),
            // Not rotated: the refresh token held still works, nothing needs keeping yet.
            (Some(_), _) => None,
        };
        crash_point("refresh:before-secrets");
        if let Some(tokens) = &first {
            if let Err(error) = token_items::save(self.secrets.as_ref(), &key, tokens) {
                let reason = format!("the rotated refresh token could not be saved: {error}");
                self.mark_needs_relink(account_id, &reason, None, now)?;
                return Err(error.into());
            }
            crash_point("refresh:after-secrets");
        }
        if let Some(id_token) = id_token {
            // OpenID Connect Core §12.2: signature, `iss`, `aud`, `exp` (`oauth/id_token.rs`),
            // and the same subject as the account's.
            let checked = match checked_here {
                Some(checked) => checked.map(|subject| (subject, None)),
                None => {
                    refresh_token::subject_of(
                        &self.http,
                        &account.provider,
                        &env,
                        &endpoints,
                        &id_token,
                    )
                    .await
                }
            };
            let subject = match checked {
                Ok((subject, new_keys)) => {
                    if let Some(keys) = new_keys {
                        self.keep_keys(&account.provider, &env.name, keys);
                    }
                    subject
                }
                Err(error) => {
                    let kept = if refreshed.rotated {
                        "; only the rotated refresh token was kept, for the next refresh"
                    } else {
                        ""
                    };
                    let detail = format!(
                        "refresh failed: {error}. The new ID token and the access token that \
                         came with it were not kept{kept}"
                    );
                    self.record_failure(
                        ActivityKind::RefreshFailed,
                        &detail,
                        Some(account_id),
                        now,
                    );
                    return Err(error);
                }
            };
            if subject != account.subject {
                let reason = format!(
                    "the refreshed ID token names another subject ({subject}) than the linked \
                     account ({}); link the account again",
                    account.subject
                );
                self.mark_needs_relink(account_id, &reason, None, now)?;
                return Err(Error::NeedsRelink {
                    account: account_id,
                    reason,
                });
            }
            refreshed.tokens.id_token = Some(Secret::new(id_token.to_string()));
            if let Err(error) = token_items::save(self.secrets.as_ref(), &key, &refreshed.tokens) {
                if first.is_none() && refreshed.rotated {
                    // Written once, and that failed: the rotated refresh token is lost.
                    let reason = format!("the rotated refresh token could not be saved: {error}");
                    self.mark_needs_relink(account_id, &reason, None, now)?;
                    return Err(error.into());
                }
                // The refresh token that works is in the keyring already (saved above, or the
                // one held when it was not rotated): only this refresh is lost.
                let detail = format!("refresh failed: the new tokens could not be saved: {error}");
                self.record_failure(ActivityKind::RefreshFailed, &detail, Some(account_id), now);
                return Err(error.into());
            }
            if first.is_none() {
                crash_point("refresh:after-secrets");
            }
        }
        let mut store = lock(&self.store);
        store.record_refresh(
            account_id,
            refreshed.tokens.expires_at,
            refreshed.tokens.refresh_token.is_some(),
            refreshed.rotated,
            refreshed.granted.as_deref(),
            now,
        )?;
        if let Some(at) = refreshed.data_access_expires_at {
            store.set_data_access_expiry(account_id, at)?;
        }
        // A new refresh token's end is what was said of it, or unknown: the old one's no longer
        // holds.
        if refreshed.refresh_end.is_some() || refreshed.rotated {
            store.set_refresh_end(account_id, refreshed.refresh_end)?;
        }
        let detail = "tokens refreshed";
        self.record_in(
            &store,
            ActivityKind::TokenRefreshed,
            detail,
            Some(account_id),
            now,
        )?;
        Ok(())
    }

    /// Keeps a failed refresh on the account (see [`crate::model::FailingRefresh`]), in the
    /// database so that every process shows the same: the schedule retries unattended, and
    /// only this tells the person that the token is about to lapse and why. Keeping it must
    /// not hide the failure itself, so an error while keeping it is logged, not returned.
    fn note_failing_refresh(&self, account_id: i64, error: &Error) {
        let message = crate::redact::text(&error.to_string());
        let kept = lock(&self.store).record_refresh_failure(account_id, &message, clock::now());
        match kept {
            Ok(()) => self.accounts_changed(),
            Err(kept) => tracing::error!(
                account = account_id,
                "the failed refresh could not be kept on the account ({kept}): {message}"
            ),
        }
    }

    /// The account can no longer be refreshed: it needs re-linking, for `reason`.
    /// Marks the account as needing a new link for `reason`, with its `cause` when known.
    fn mark_needs_relink(
        &self,
        account_id: i64,
        reason: &str,
        cause: Option<BreakCause>,
        now: i64,
    ) -> Result<(), Error> {
        let store = lock(&self.store);
        store.set_status(account_id, AccountStatus::NeedsRelink, Some(reason), now)?;
        store.set_status_cause(account_id, cause)?;
        self.record_in(
            &store,
            ActivityKind::RefreshFailed,
            reason,
            Some(account_id),
            now,
        )?;
        drop(store);
        self.accounts_changed();
        Ok(())
    }

    /// Whether an account's access token can be renewed: it holds a refresh token, or its
    /// provider renews its own way (Facebook's long-lived token exchange).
    pub(super) fn renewable(&self, provider: &str, environment: &str, refresh_token: bool) -> bool {
        refresh_token
            || self
                .environment(provider, environment)
                .ok()
                .and_then(|env| env.preset)
                .is_some_and(Preset::renews_without_refresh_token)
    }

    /// Refreshes every account that can be (see [`Grantry::renewable`]), and neither re-link
    /// nor revocation pending, within `limits` (each limit at least 1).
    /// Returns each account's outcome.
    pub async fn refresh_all(
        self: &Arc<Self>,
        limits: RefreshLimits,
    ) -> Result<Vec<(i64, Result<AccountSummary, Error>)>, Error> {
        self.refresh_all_telling(limits, |_| {}).await
    }

    /// [`Grantry::refresh_all`], telling `progress` of each account as its refresh ends.
    pub async fn refresh_all_telling(
        self: &Arc<Self>,
        limits: RefreshLimits,
        progress: impl Fn(RefreshProgress<'_>),
    ) -> Result<Vec<(i64, Result<AccountSummary, Error>)>, Error> {
        let accounts: Vec<AccountSummary> = self
            .accounts()?
            .into_iter()
            .filter(|a| a.status == AccountStatus::Valid)
            .filter(|a| self.renewable(&a.provider, &a.environment, a.has_refresh_token))
            .collect();
        let grantry = self.clone();
        let ended = limited(
            accounts,
            limits,
            move |id| {
                let grantry = grantry.clone();
                async move { grantry.refresh(id).await }
            },
            |done, total, account, outcome| {
                progress(RefreshProgress {
                    done,
                    total,
                    account: account.id,
                    outcome,
                });
            },
        )
        .await?;
        Ok(ended
            .into_iter()
            .map(|(account, outcome)| (account.id, outcome))
            .collect())
    }

    /// The account to itself: no refresh or revocation of it runs in this process or any
    /// other until the lock is dropped.
    pub(super) async fn account_lock(&self, account_id: i64) -> Result<AccountLock, Error> {
        let flight = lock(&self.flights).entry(account_id).or_default().clone();
        let in_process = match flight.clone().try_lock_owned() {
            Ok(guard) => guard,
            Err(_) => {
                // Said, so that an operation that seems stuck tells what it waits for.
                tracing::info!(
                    account = account_id,
                    waiting = true,
                    "another operation on this account is under way; waiting for it to end"
                );
                flight.lock_owned().await
            }
        };
        let across_processes = self
            .wait_for_lock(&format!("account-{account_id}.lock"))
            .await?;
        Ok(AccountLock {
            _in_process: in_process,
            _across_processes: across_processes,
        })
    }
}

/// Held while one operation has an account to itself (see [`Grantry::account_lock`]).
pub(super) struct AccountLock {
    _in_process: tokio::sync::OwnedMutexGuard<()>,
    _across_processes: std::fs::File,
}

/// A renewal of the provider's own (`dialects::exchange`) as a refresh: the new access token
/// beside the ID token held; a refused grant asks for a new link.
fn renewed(current: &TokenSet, exchanged: Result<Exchanged, Error>) -> Result<Refreshed, Failure> {
    match exchanged {
        Ok(exchanged) => Ok(Refreshed {
            tokens: TokenSet {
                access_token: exchanged.access_token,
                refresh_token: None,
                id_token: current.id_token.clone(),
                expires_at: exchanged.expires_at,
                // Facebook's exchange knows no DPoP.
                token_type: current.token_type,
                dpop_key: current.dpop_key.clone(),
            },
            granted: None,
            id_token: None,
            rotated: false,
            data_access_expires_at: exchanged.data_access_expires_at,
            // Facebook's renewal has no refresh token to end.
            refresh_end: None,
        }),
        Err(Error::ProviderRefused {
            error, description, ..
        }) if error == "invalid_grant" => Err(Failure::Relink(Refusal { error, description })),
        Err(error) => Err(Failure::Other(error)),
    }
}

/// Runs `work` on each of `accounts`, as many at once as `limits` allow, overall and per
/// provider environment, telling `progress` of each as it ends (`done` of `total`); returns
/// each account with its outcome, in the order of their ids. What "Refresh all" and "Revoke
/// all" share.
pub(super) async fn limited<T, Work>(
    accounts: Vec<AccountSummary>,
    limits: RefreshLimits,
    work: impl Fn(i64) -> Work,
    progress: impl Fn(usize, usize, &AccountSummary, &Result<T, Error>),
) -> Result<Vec<(AccountSummary, Result<T, Error>)>, Error>
where
    T: Send + 'static,
    Work: std::future::Future<Output = Result<T, Error>> + Send + 'static,
{
    let overall = Arc::new(Semaphore::new(limits.overall.max(1)));
    let mut per_provider: HashMap<(String, String), Arc<Semaphore>> = HashMap::new();
    let mut tasks = tokio::task::JoinSet::new();
    for account in accounts {
        let provider = per_provider
            .entry((account.provider.clone(), account.environment.clone()))
            .or_insert_with(|| Arc::new(Semaphore::new(limits.per_provider.max(1))))
            .clone();
        let (overall, job) = (overall.clone(), work(account.id));
        tasks.spawn(async move {
            // The provider's permit first: a task waiting for its busy provider holds no
            // overall permit, so accounts at other providers are not held up behind it.
            let _provider = provider.acquire_owned().await;
            let _overall = overall.acquire_owned().await;
            (account, job.await)
        });
    }
    let total = tasks.len();
    let mut ended = Vec::new();
    while let Some(done) = tasks.join_next().await {
        let (account, outcome) =
            done.map_err(|e| Error::Internal(format!("a task of the batch failed: {e}")))?;
        progress(ended.len() + 1, total, &account, &outcome);
        ended.push((account, outcome));
    }
    ended.sort_by_key(|(account, _)| account.id);
    Ok(ended)
}
