//! Taking access back: revoke at the provider (with "revocation pending" and retry),
//! or forget on this device only.

use crate::{
    AccountStatus, ActivityKind, Error, Grantry, crash_point, exchange, lock, now, revoke, tokens,
};

impl Grantry {
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
        let env = self.environment(&account.provider, &account.environment)?;
        let key = self.tokens_key_of(&account);
        let Some(current) = tokens::load(self.secrets.as_ref(), &key)? else {
            return Err(Error::InvalidInput(format!(
                "account {account_id} has no tokens left to revoke; `grantry forget {account_id}` \
                 removes it here"
            )));
        };
        let secret = self.client_secret(&account.provider, &env)?;
        let now = now();
        // Recorded before the provider is asked: should Grantry be killed after the provider
        // revoked and the tokens went, the next start's repair knows to finish the removal.
        lock(&self.store).set_status(
            account_id,
            AccountStatus::RevocationPending,
            Some("revocation in progress"),
            now,
        )?;
        let endpoints = match self.endpoints(&account.provider, &env).await {
            Ok(endpoints) => endpoints,
            Err(error @ Error::Unreachable { .. }) => {
                return Err(self.revocation_pending(account_id, error, now));
            }
            Err(error) => {
                let reason = account.status_reason.as_deref();
                lock(&self.store).set_status(account_id, account.status, reason, now)?;
                return Err(error);
            }
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
                // Nothing changed at the provider: the account is as it was.
                let reason = account.status_reason.as_deref();
                lock(&self.store).set_status(account_id, account.status, reason, now)?;
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
        let key = self.tokens_key_of(&account);
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
}
