//! Linking accounts: start a link, then finish it with the provider's answer.
//! The protocol mechanics are in `crate::link`; this is where results are stored and recorded.

use crate::callback::Callback;
use crate::link::{self, Pending, Started};
use crate::secret::Secret;
use crate::{
    AccountSummary, ActivityKind, Error, Grantry, crash_point, exchange, lock, now, provider,
    tokens,
};

impl Grantry {
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
                self.record_failure(
                    ActivityKind::CallbackRejected,
                    &error.to_string(),
                    None,
                    now,
                );
                return Err(error);
            }
        };
        let outcome = self.complete(pending, &callback, now).await;
        if let Err(error) = &outcome {
            self.record_failure(ActivityKind::LinkFailed, &error.to_string(), None, now);
        }
        outcome
    }

    async fn complete(
        &self,
        pending: Pending,
        callback: &Callback,
        now: i64,
    ) -> Result<AccountSummary, Error> {
        let env = self.environment(&pending.provider, &pending.environment)?;
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
}
