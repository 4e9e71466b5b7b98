//! Taking access back: revoke at the provider (with "revocation pending" and retry when it
//! cannot be reached), or forget on this device only. The protocol makes the request
//! (`oauth/revocation.rs`); here the account is marked before the provider is asked, so that
//! an interruption after the provider revoked is finished by the next repair.

use std::sync::Arc;

use super::refresh::{RefreshLimits, limited};
use super::{Grantry, crash_point, lock};
use crate::clock;
use crate::error::Error;
use crate::model::{
    AccountStatus, AccountSummary, ActivityKind, RevocationOutcome, RevocationReceipt,
    RevokeAllAccount, RevokeAllOutcome, RevokeAllScope,
};
use crate::oauth::revocation::{self, Failure};
use crate::providers::Environment;
use crate::providers::Revocation;
use crate::secret::TokenSet;
use crate::secret_store::token_items;

impl Grantry {
    /// Revokes the account's access at the provider (RFC 7009 or the provider's own way), then
    /// deletes its tokens and metadata here. If the provider cannot be reached, the account is
    /// kept as "revocation pending" (tokens too, to try again: [`Grantry::retry_revocations`]);
    /// never dropped silently, never reported as revoked when it was not.
    ///
    /// Once the provider accepted, the tokens are tried (`revocation_check.rs`): the receipt
    /// says whether that proved them dead, found them still working (the account is then kept
    /// as "revocation not effective", tokens and all, for Retry), or could not tell.
    pub async fn revoke(&self, account_id: i64) -> Result<RevocationReceipt, Error> {
        let outcome = self
            .logged(
                tracing::info_span!("revoke", account = account_id),
                "revoke",
                self.revoke_now(account_id),
                |_| Some(account_id),
            )
            .await;
        self.accounts_changed();
        let mut receipt = outcome?;
        // The exchanges are kept once the operation is over: the revocation's and the checks'.
        // The revocation is done whatever becomes of reading them back.
        receipt.exchanges = self
            .exchanges_of(receipt.activity_id)
            .unwrap_or_else(|error| {
                tracing::warn!("the revocation's exchanges could not be read back: {error}");
                Vec::new()
            });
        Ok(receipt)
    }

    async fn revoke_now(&self, account_id: i64) -> Result<RevocationReceipt, Error> {
        // No refresh may run meanwhile: it would rotate the tokens being revoked, or write
        // them back after they were deleted.
        let _exclusive = self.account_lock(account_id).await?;
        let account = self.account(account_id)?;
        let env = self.environment(&account.provider, &account.environment)?;
        if env.revocation == Revocation::Unsupported {
            // Saying "revoked" here would be a lie: nothing changes, and the person is told
            // where the access is removed.
            let manage = env
                .apps_page()
                .map(|url| format!(" at {url}"))
                .unwrap_or_else(|| " on its website".into());
            let error = Error::InvalidInput(format!(
                "{} offers no way to revoke access from another app: remove Grantry's access \
                 yourself{manage}, then forget the account here",
                account.provider
            ));
            let detail = format!("revocation of {} refused: {error}", account.label());
            self.record(
                ActivityKind::RevocationFailed,
                &detail,
                Some(account_id),
                clock::now(),
            )?;
            return Err(error);
        }
        let key = self.tokens_key(&account);
        let Some(current) = token_items::load(self.secrets.as_ref(), &key)? else {
            return Err(Error::InvalidInput(format!(
                "account {account_id} has no tokens left to revoke; `grantry forget {account_id}` \
                 removes it here"
            )));
        };
        let secret = self.client_secret(&account.provider, &env)?;
        let now = clock::now();
        let restore = || {
            let reason = account.status_reason.as_deref();
            lock(&self.store).set_status(account_id, account.status, reason, now)
        };
        // Recorded before the provider is asked: should Grantry be killed after the provider
        // revoked and the tokens went, the next start's repair knows to finish the removal.
        lock(&self.store).set_status(
            account_id,
            AccountStatus::RevocationPending,
            Some("revocation in progress"),
            now,
        )?;
        // Killed here, the provider was never asked: the account stays "revocation pending",
        // tokens and all, for `grantry revoke --pending` to finish.
        crash_point("revoke:after-pending");
        let endpoints = match self.endpoints(&account.provider, &env).await {
            Ok(endpoints) => endpoints,
            Err(error @ Error::Unreachable { .. }) => {
                return Err(self.revocation_pending(account_id, error, now));
            }
            Err(error) => {
                restore()?;
                return Err(error);
            }
        };
        let outcome = revocation::revoke(
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
                let found = self
                    .check_revocation(
                        &account.provider,
                        &env,
                        &endpoints,
                        secret.as_ref(),
                        &current,
                    )
                    .await;
                let mut receipt = RevocationReceipt {
                    account_id,
                    label: account.label().to_owned(),
                    provider: account.provider.clone(),
                    verified: found.outcome == RevocationOutcome::Verified,
                    proof: found.proof,
                    outcome: found.outcome,
                    summary: found.summary,
                    manage_url: env.apps_page(),
                    activity_id: 0,
                    exchanges: Vec::new(),
                };
                if found.outcome == RevocationOutcome::NotEffective {
                    // Live tokens the person wanted gone: kept for the next try, or, should the
                    // keyring refuse them, revoked at once rather than lost.
                    if let Some(renewed) = &found.renewed
                        && let Err(error) = token_items::save(self.secrets.as_ref(), &key, renewed)
                    {
                        tracing::error!(
                            account = account_id,
                            "the tokens the check renewed could not be kept ({error}); \
                             revoking them"
                        );
                        let _ = self.revoke_tokens(&account.provider, &env, renewed).await;
                    }
                    let reason = format!("revocation not effective: {}", receipt.summary);
                    let store = lock(&self.store);
                    store.set_status(
                        account_id,
                        AccountStatus::RevocationNotEffective,
                        Some(&reason),
                        now,
                    )?;
                    let entry = self.record_in(
                        &store,
                        ActivityKind::RevocationNotEffective,
                        &reason,
                        Some(account_id),
                        now,
                    )?;
                    receipt.activity_id = entry.id;
                    return Ok(receipt);
                }
                self.secrets.delete(&key)?;
                crash_point("revoke:after-secrets");
                let store = lock(&self.store);
                store.delete_account(account_id)?;
                let detail = format!(
                    "access of {} revoked at {} ({}): {}",
                    account.label(),
                    account.provider,
                    account.environment,
                    match found.proof {
                        Some(_) => format!("verified, {}", receipt.summary),
                        None => receipt.summary.clone(),
                    }
                );
                let entry =
                    self.record_in(&store, ActivityKind::AccountRevoked, &detail, None, now)?;
                receipt.activity_id = entry.id;
                Ok(receipt)
            }
            Err(Failure::Retry(error)) => Err(self.revocation_pending(account_id, error, now)),
            Err(Failure::Refused(error)) => {
                // Nothing changed at the provider: the account is as it was.
                restore()?;
                let detail = format!("revocation refused: {error}");
                self.record_failure(
                    ActivityKind::RevocationFailed,
                    &detail,
                    Some(account_id),
                    now,
                );
                Err(error)
            }
        }
    }

    fn revocation_pending(&self, account_id: i64, error: Error, now: i64) -> Error {
        let reason = format!("revocation pending: {error}");
        let marked = lock(&self.store).set_status(
            account_id,
            AccountStatus::RevocationPending,
            Some(&reason),
            now,
        );
        if let Err(marking) = marked {
            tracing::error!(
                account = account_id,
                "the account could not be marked as revocation pending: {marking}"
            );
        }
        self.record_failure(
            ActivityKind::RevocationPending,
            &reason,
            Some(account_id),
            now,
        );
        error
    }

    /// Asks the provider of `env` to revoke `tokens` that belong to no account here (a replaced
    /// refresh token, an interrupted link's, another account's answer), looking up its
    /// endpoints and client secret: a provider that cannot be reached, at discovery or at
    /// revocation, is [`Failure::Retry`]; anything else that stops it is [`Failure::Refused`].
    pub(super) async fn revoke_tokens(
        &self,
        provider: &str,
        env: &Environment,
        tokens: &TokenSet,
    ) -> Result<(), Failure> {
        let endpoints = self.endpoints(provider, env).await.map_err(|e| match e {
            Error::Unreachable { .. } => Failure::Retry(e),
            _ => Failure::Refused(e),
        })?;
        let secret = self
            .client_secret(provider, env)
            .map_err(Failure::Refused)?;
        revocation::revoke(
            &self.http,
            env,
            &endpoints,
            secret.as_ref(),
            provider,
            tokens,
        )
        .await
    }

    /// Tries every unfinished revocation again (pending, or accepted and not effective);
    /// returns each account's outcome.
    pub async fn retry_revocations(
        &self,
    ) -> Result<Vec<(i64, Result<RevocationReceipt, Error>)>, Error> {
        let pending: Vec<i64> = self
            .accounts()?
            .into_iter()
            .filter(|a| a.status.is_being_revoked())
            .map(|a| a.id)
            .collect();
        let mut outcomes = Vec::new();
        for id in pending {
            outcomes.push((id, self.revoke(id).await));
        }
        Ok(outcomes)
    }

    /// The accounts a "Revoke all" of `scope` takes, checked: a provider or environment that
    /// does not exist is an error, not an empty list.
    pub fn accounts_to_revoke(&self, scope: &RevokeAllScope) -> Result<Vec<AccountSummary>, Error> {
        if let Some(provider) = &scope.provider {
            match &scope.environment {
                Some(environment) => {
                    self.environment(provider, environment)?;
                }
                None => {
                    lock(&self.providers).get(provider)?;
                }
            }
        } else if scope.environment.is_some() {
            return Err(Error::InvalidInput(
                "an environment is named with its provider".into(),
            ));
        }
        Ok(self
            .accounts()?
            .into_iter()
            .filter(|a| scope.provider.as_ref().is_none_or(|p| *p == a.provider))
            .filter(|a| {
                scope
                    .environment
                    .as_ref()
                    .is_none_or(|e| *e == a.environment)
            })
            .collect())
    }

    /// Revokes every account `scope` takes, as many at once as `limits` allow (overall and per
    /// provider, as a "Refresh all"), telling `progress` of each as it ends. One that fails
    /// stops no other: an unreachable provider leaves its accounts "revocation pending".
    pub async fn revoke_all_telling(
        self: &Arc<Self>,
        scope: &RevokeAllScope,
        limits: RefreshLimits,
        progress: impl Fn(RevokeProgress<'_>),
    ) -> Result<RevokeAllOutcome, Error> {
        let accounts = self.accounts_to_revoke(scope)?;
        let grantry = self.clone();
        let ended = limited(
            accounts,
            limits,
            move |id| {
                let grantry = grantry.clone();
                async move { grantry.revoke(id).await }
            },
            |done, total, account, outcome| {
                progress(RevokeProgress {
                    done,
                    total,
                    account: account.id,
                    outcome,
                });
            },
        )
        .await?;
        Ok(RevokeAllOutcome::of(ended))
    }

    /// Removes an account from this device only: its tokens from the keyring, its metadata
    /// from the database. Access at the provider stays as it is.
    pub fn forget(&self, account_id: i64) -> Result<(), Error> {
        let account = self.account(account_id)?;
        // Secrets first: a crash between the two leaves metadata the next start can repair,
        // never tokens nobody knows about.
        self.secrets.delete(&self.tokens_key(&account))?;
        let store = lock(&self.store);
        store.delete_account(account_id)?;
        let detail = format!(
            "{} at {} ({}) forgotten on this device; access at the provider was not revoked",
            account.label(),
            account.provider,
            account.environment
        );
        self.record_in(
            &store,
            ActivityKind::AccountForgotten,
            &detail,
            None,
            clock::now(),
        )?;
        drop(store);
        self.accounts_changed();
        Ok(())
    }
}

/// In a "Revoke all", one account's revocation ended: `done` of `total`.
pub struct RevokeProgress<'a> {
    pub done: usize,
    pub total: usize,
    pub account: i64,
    pub outcome: &'a Result<RevocationReceipt, Error>,
}

impl RevokeAllOutcome {
    /// The summary of a "Revoke all"'s outcomes, each with its account.
    fn of(ended: Vec<(AccountSummary, Result<RevocationReceipt, Error>)>) -> Self {
        let count = |keep: &dyn Fn(&Result<RevocationReceipt, Error>) -> bool| {
            let n = ended.iter().filter(|(_, outcome)| keep(outcome)).count();
            u32::try_from(n).unwrap_or(u32::MAX)
        };
        let not_effective = count(&|o| {
            o.as_ref()
                .is_ok_and(|r| r.outcome == RevocationOutcome::NotEffective)
        });
        let verified = count(&|o| o.as_ref().is_ok_and(|r| r.verified));
        let failed = count(&|o| o.is_err());
        let total = u32::try_from(ended.len()).unwrap_or(u32::MAX);
        RevokeAllOutcome {
            total,
            revoked: total - not_effective - failed,
            verified,
            not_effective,
            failed,
            accounts: ended
                .into_iter()
                .map(|(account, outcome)| RevokeAllAccount {
                    account: account.id,
                    label: account.label().to_owned(),
                    provider: account.provider.clone(),
                    error: outcome.as_ref().err().map(crate::error::IpcError::from),
                    receipt: outcome.ok(),
                })
                .collect(),
        }
    }
}
