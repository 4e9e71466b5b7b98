//! Linking accounts: start a link (the keyring checked first, then the authorization URL),
//! then finish it with the provider's answer: the answer is matched to its link, the protocol
//! completes it (`oauth/code_exchange.rs`), and the engine stores the result, tokens into the
//! keyring first, then the account's metadata, and records what happened.

use super::{Grantry, crash_point, lock};
use crate::clock;
use crate::dialects;
use crate::error::Error;
use crate::model::{AccountScope, AccountSummary, ActivityKind, ScopeStatus};
use crate::oauth::authorize::{self, Pending, Started};
use crate::oauth::callback::Callback;
use crate::oauth::code_exchange::{self, Linked};
use crate::oauth::discovery::Endpoints;
use crate::oauth::dpop::Dpop;
use crate::oauth::loopback::Loopback;
use crate::oauth::pushed_authorization;
use crate::oauth::revocation::Failure;
use crate::providers::presets::Purpose;
use crate::providers::{Environment, Redirect, RedirectKind};
use crate::scope_catalog;
use crate::secret::{Secret, TokenSet, TokenType};
use crate::secret_store::token_items;
use crate::store::NewAccount;

/// A link under way, as whoever started it needs it: where to send the person, and, for the
/// loopback redirect, the listener the answer comes to (await it with
/// [`Grantry::answer_on_loopback`]). Other answers come through the OS, to
/// [`Grantry::receive_url`].
#[derive(Debug)]
pub struct Link {
    pub started: Started,
    pub loopback: Option<Loopback>,
}

impl Grantry {
    /// How long a started link waits for its answer: the lifetime of its authorization request
    /// (`oauth/authorize.rs`), past which an answer is refused, so the longest worth waiting on
    /// its loopback listener ([`Grantry::answer_on_loopback`]).
    pub const LINK_LIFETIME: std::time::Duration =
        std::time::Duration::from_secs(authorize::PENDING_LIFETIME.unsigned_abs());

    /// Starts linking an account: returns the URL to open in the system browser. The answer
    /// must come back within 10 minutes by the environment's redirect strategy, or by
    /// `redirect` when the caller chooses another (`providers/redirect.rs`).
    pub async fn start_link(
        &self,
        provider: &str,
        environment: Option<&str>,
        scopes: Option<Vec<String>>,
        redirect: Option<RedirectKind>,
    ) -> Result<Link, Error> {
        self.begin(provider, environment, scopes, redirect, None)
            .await
    }

    /// Starts a link for an account already here: to add `extra` scopes to it (incremental
    /// authorization: it asks for what the account holds plus `extra`), or, with none, to link
    /// it again. The answer must come from the same account at the provider; it then updates
    /// this account, and scopes the person unticks show as declined.
    pub async fn start_link_for(
        &self,
        account_id: i64,
        extra: &[String],
        redirect: Option<RedirectKind>,
    ) -> Result<Link, Error> {
        let (account, scopes) = self.relink_scopes(account_id, extra)?;
        let purpose = if extra.is_empty() {
            Purpose::Relink
        } else {
            Purpose::AddScopes
        };
        let owner = (account.subject.clone(), account.label().to_owned());
        self.begin(
            &account.provider,
            Some(&account.environment),
            Some(scopes),
            redirect,
            Some((owner, purpose)),
        )
        .await
    }

    /// The account a link for an account already here is for, and the scopes to ask: what it
    /// holds (else its environment's defaults) plus `extra`. Refused for an account being
    /// revoked, or an `extra` that is not one scope. Shared by the code and device links.
    pub(super) fn relink_scopes(
        &self,
        account_id: i64,
        extra: &[String],
    ) -> Result<(AccountSummary, Vec<String>), Error> {
        let account = self.account(account_id)?;
        if account.status.is_being_revoked() {
            return Err(Error::InvalidInput(format!(
                "{} is being revoked; retry the revocation, or forget it here",
                account.label()
            )));
        }
        let mut scopes: Vec<String> = self
            .scopes(account_id)?
            .into_iter()
            .filter(|s| s.status == ScopeStatus::Granted)
            .map(|s| s.scope)
            .collect();
        if scopes.is_empty() {
            scopes = self
                .environment(&account.provider, &account.environment)?
                .scopes;
        }
        for scope in extra {
            if scope.trim().is_empty() || scope.contains(char::is_whitespace) {
                return Err(Error::InvalidInput(format!(
                    "{scope:?} is not a scope: scopes are single words without spaces"
                )));
            }
            if !scopes.contains(scope) {
                scopes.push(scope.clone());
            }
        }
        Ok((account, scopes))
    }

    async fn begin(
        &self,
        provider: &str,
        environment: Option<&str>,
        scopes: Option<Vec<String>>,
        redirect: Option<RedirectKind>,
        for_account: Option<((String, String), Purpose)>,
    ) -> Result<Link, Error> {
        let (provider, env) = {
            let providers = lock(&self.providers);
            let provider = providers.get(provider)?;
            (
                provider.id.to_string(),
                provider.environment(environment)?.clone(),
            )
        };
        let scopes = scopes.unwrap_or_else(|| env.scopes.clone());
        let kind = redirect.unwrap_or(env.redirect);
        if kind == RedirectKind::Device {
            return Err(Error::InvalidInput(format!(
                "{provider} ({}) links with a device code: start a device link instead",
                env.name
            )));
        }
        // A strategy the environment is not set up for has no redirect URI to send.
        let uri = env.redirect_uri.as_deref().filter(|_| kind == env.redirect);
        let (redirect, loopback) = match Redirect::fixed(kind, uri) {
            Ok(Some(fixed)) => (fixed, None),
            Ok(None) => {
                let loopback = Loopback::bind().await?;
                (Redirect::same(&loopback.redirect_uri()), Some(loopback))
            }
            Err(reason) => {
                return Err(Error::InvalidInput(format!(
                    "{provider} ({}): {reason}; it is set up for {}",
                    env.name,
                    env.redirect.words()
                )));
            }
        };
        // The tokens will need to be written to the keyring: find out now that it can take
        // them (running, unlocked), not after the person has consented.
        let probe = token_items::probe_key(&self.installation);
        self.secrets.put(&probe, &Secret::new("probe".to_owned()))?;
        // Killed here, the probe stays behind: the start-up repair removes it.
        crash_point("link:after-probe");
        self.secrets.delete(&probe)?;
        let endpoints = self.endpoints(&provider, &env).await?;
        let purpose = for_account.as_ref().map_or(Purpose::Link, |(_, p)| *p);
        let extra = env
            .preset
            .map(|preset| preset.authorize_params(purpose))
            .unwrap_or_default();
        let (mut started, mut pending) = authorize::start(
            &provider,
            &env,
            endpoints.clone(),
            scopes,
            &redirect,
            &extra,
            clock::now(),
        )?;
        if pushed_authorization::wanted(&env, &endpoints) {
            // RFC 9126: the request goes to the provider directly; the browser gets a reference.
            let secret = self.client_secret(&provider, &env)?;
            let url = pushed_authorization::push(
                &self.http,
                &provider,
                &env,
                &endpoints,
                secret.as_ref(),
                &started.authorization_url,
            )
            .await?;
            started.authorization_url.clone_from(&url);
            pending.pushed(url);
        }
        pending.for_account = for_account.map(|(owner, _)| owner);
        // DPoP (RFC 9449): the account's key is made now, for the code exchange's proof, and
        // kept with the pending link until it goes to the keyring with the tokens.
        if env.dpop {
            pending.dpop = Some(Dpop::generate()?);
        }
        tracing::info!(
            provider,
            environment = env.name,
            ?purpose,
            "a link starts, answered through {}; waiting for consent in the browser",
            kind.words()
        );
        self.pending.insert(pending);
        Ok(Link { started, loopback })
    }

    /// Waits on a link's loopback listener for its answer (up to `timeout`) and completes the
    /// link with it. Should none come, the link is cancelled, and the window told why.
    pub async fn answer_on_loopback(
        &self,
        loopback: Loopback,
        state: &str,
        timeout: std::time::Duration,
    ) -> Result<AccountSummary, Error> {
        match loopback.receive(state, timeout).await {
            Ok(url) => self.finish_link(&url).await,
            Err(failure) => {
                let error = Error::from(failure);
                tracing::warn!("a link got no answer on its loopback port: {error}");
                if self.cancel_link(state) {
                    self.link_failed(state, &error);
                }
                Err(error)
            }
        }
    }

    /// Drops a link under way: an answer to it is refused from now on. Returns whether there
    /// was one.
    pub fn cancel_link(&self, state: &str) -> bool {
        self.pending.cancel(state) || self.device_links.cancel(state)
    }

    /// The authorization URL of a link under way, to open it again; for a device link, the
    /// page where its code is entered.
    pub fn pending_url(&self, state: &str) -> Option<String> {
        self.pending
            .authorization_url(state)
            .or_else(|| self.device_links.page(state))
    }

    /// Completes a link with the provider's answer (the full redirect URL, from the loopback
    /// listener). A forged, replayed, expired or mismatched answer changes nothing and is
    /// recorded; so is every failure.
    pub async fn finish_link(&self, callback_url: &str) -> Result<AccountSummary, Error> {
        let callback = Callback::parse(callback_url);
        self.finish_parsed(callback.map_err(|e| e.to_string()))
            .await
    }

    /// [`Grantry::finish_link`] for an answer already parsed (or refused while parsing).
    pub(super) async fn finish_parsed(
        &self,
        callback: Result<Callback, String>,
    ) -> Result<AccountSummary, Error> {
        let now = clock::now();
        // The link an answer names, to tell the window which of its links failed; an answer
        // naming no link of ours (forged, or a replay of one already answered) is not told.
        let named = callback
            .as_ref()
            .ok()
            .map(|c| c.state.clone())
            .filter(|state| self.pending.awaits(state));
        let claimed = callback.and_then(|callback| {
            let pending = self.pending.claim(&callback, now)?;
            Ok((callback, pending))
        });
        let (callback, pending) = match claimed {
            Ok(claimed) => claimed,
            Err(reason) => {
                let error = Error::InvalidCallback(reason);
                let detail = error.to_string();
                self.record_failure(ActivityKind::CallbackRejected, &detail, None, now);
                if let Some(link) = named {
                    self.link_failed(&link, &error);
                }
                return Err(error);
            }
        };
        self.link_claimed(pending.state());
        let span = tracing::info_span!(
            "link",
            provider = pending.provider,
            environment = pending.environment
        );
        // The failure is recorded within the run, so that its entry leads to the exchanges.
        let completed = async {
            let outcome = self.complete(&pending, &callback, now).await;
            if let Err(error) = &outcome {
                let detail = error.to_string();
                self.record_failure(ActivityKind::LinkFailed, &detail, None, now);
            }
            outcome
        };
        let outcome = self
            .logged(span, "link", completed, |outcome| {
                outcome.as_ref().ok().map(|account| account.id)
            })
            .await;
        match outcome {
            Ok(account) => {
                self.accounts_changed();
                self.link_completed(pending.state(), &account);
                Ok(account)
            }
            Err(error) => {
                self.link_failed(pending.state(), &error);
                Err(error)
            }
        }
    }

    async fn complete(
        &self,
        pending: &Pending,
        callback: &Callback,
        now: i64,
    ) -> Result<AccountSummary, Error> {
        let env = self.environment(&pending.provider, &pending.environment)?;
        let secret = self.client_secret(&pending.provider, &env)?;
        let linked =
            code_exchange::complete(&self.http, &env, secret.as_ref(), pending, callback, now)
                .await?;
        let target = LinkTarget {
            provider: &pending.provider,
            environment: &pending.environment,
            scopes: &pending.scopes,
            for_account: pending.for_account.as_ref(),
            endpoints: &pending.endpoints,
        };
        self.store_linked(&target, &env, linked, now).await
    }

    /// Stores what a link brought, whichever grant brought it (the code above, or the device
    /// grant: `device_link.rs`): an answer for one account from another is refused; tokens go
    /// into the keyring first, then the account's metadata; the refresh token a re-link
    /// replaced is revoked; the scopes are read where the token response lists none; and the
    /// link is recorded.
    pub(super) async fn store_linked(
        &self,
        pending: &LinkTarget<'_>,
        env: &Environment,
        mut linked: Linked,
        now: i64,
    ) -> Result<AccountSummary, Error> {
        let env = env.clone();
        if let Some((subject, label)) = pending.for_account
            && *subject != linked.subject
        {
            return Err(self
                .wrong_account(pending.provider, &env, linked, label)
                .await);
        }
        if let Some(keys) = linked.new_keys.take() {
            self.keep_keys(pending.provider, pending.environment, keys);
        }
        let key = token_items::key(
            &self.installation,
            pending.provider,
            pending.environment,
            &linked.subject,
        );
        // An account this link updates is held to itself (as a refresh or a revocation holds
        // it, `engine/refresh.rs`) until its new tokens are saved: a refresh under way would
        // otherwise write its old grant's rotated tokens over them, leaving the new grant live
        // at the provider with nothing here pointing to it. Taken before the secrets lock,
        // which nothing takes first.
        let existing = lock(&self.store).account_id_of(
            pending.provider,
            pending.environment,
            &linked.subject,
        )?;
        let _exclusive = match existing {
            Some(id) => Some(self.account_lock(id).await?),
            None => None,
        };
        // Repair must not take these tokens for orphans before their account is written.
        let secrets_lock = self.secrets_lock().await?;
        let held = token_items::load(self.secrets.as_ref(), &key)?;
        let held_refresh = held.and_then(|tokens| tokens.refresh_token);
        let replaced = match (&linked.tokens.refresh_token, held_refresh) {
            // A provider that issues a refresh token only at first consent (Google without
            // `prompt=consent`) sends none on a re-link: the one held is still good.
            (None, held) => {
                linked.tokens.refresh_token = held;
                None
            }
            (Some(new), Some(held)) if new.expose() != held.expose() => Some(held),
            _ => None,
        };
        let account = new_account(pending, &linked, now);
        // The replaced refresh token is kept aside before the new tokens take its place, until
        // the provider has revoked it (`revoke_replaced`): killed before then, the re-link
        // leaves it where repair finds and revokes it, never live at the provider and known to
        // nobody. Only where revoking it ends no more than its own grant.
        let parked = match replaced.filter(|_| env.revocation.ends_only_its_grant()) {
            Some(old) => {
                let parked = token_items::replaced_key(
                    &self.installation,
                    pending.provider,
                    pending.environment,
                    &linked.subject,
                );
                token_items::save(self.secrets.as_ref(), &parked, &refresh_only(old))?;
                Some(parked)
            }
            None => None,
        };
        // Secrets first: a crash before the metadata is written leaves an orphan the next start
        // removes, never an account without its tokens.
        token_items::save(self.secrets.as_ref(), &key, &linked.tokens)?;
        crash_point("link:after-secrets");
        let (mut saved, existed) = lock(&self.store).save_account(&account, now)?;
        drop(secrets_lock);
        if let Some(at) = linked.data_access_expires_at {
            lock(&self.store).set_data_access_expiry(saved.id, at)?;
        }
        if linked.refresh_end.is_some() {
            lock(&self.store).set_refresh_end(saved.id, linked.refresh_end)?;
        }
        if let Some(preset) = env.preset.filter(|p| p.asks_scopes_after_link()) {
            // The token response listed no scopes: ask which were granted and declined. Should
            // the provider not answer, the requested ones stand until the next check.
            let access = &linked.tokens.access_token;
            let asked = dialects::granted_scopes(preset, &self.http, pending.endpoints, access);
            if let Some(Ok(found)) = asked.await {
                let (granted, declined, source) = (&found.granted, &found.declined, found.source);
                lock(&self.store).update_scopes(saved.id, granted, declined, source, now)?;
                saved = self.account(saved.id)?;
            }
        }
        let (kind, verb) = if existed {
            (ActivityKind::AccountRelinked, "linked again")
        } else {
            (ActivityKind::AccountLinked, "linked")
        };
        let mut detail = format!(
            "{} at {} ({}) {verb}, {} scopes granted",
            saved.label(),
            saved.provider,
            saved.environment,
            saved.scope_count
        );
        if let Some(parked) = parked {
            detail.push_str(&self.revoke_replaced(pending.provider, &env, &parked).await);
        }
        self.record(kind, &detail, Some(saved.id), now)?;
        Ok(saved)
    }

    /// The answer to a link for one account came from another: nothing is stored, and the
    /// grant it brought is revoked where that ends only this grant (see [`Revocation`]), so
    /// that no grant nobody sees stays live.
    async fn wrong_account(
        &self,
        provider: &str,
        env: &Environment,
        linked: Linked,
        expected: &str,
    ) -> Error {
        if env.revocation.ends_only_its_grant()
            && let Err(Failure::Retry(error) | Failure::Refused(error)) =
                self.revoke_tokens(provider, env, &linked.tokens).await
        {
            tracing::warn!(
                "the grant of another account, brought by a re-link at {provider}, could not \
                 be revoked and may stay live there: {error}"
            );
        }
        let got = linked
            .profile
            .email
            .or(linked.profile.name)
            .unwrap_or(linked.subject);
        Error::WrongAccount {
            provider: provider.to_owned(),
            expected: expected.to_owned(),
            got,
        }
    }

    /// Revokes the refresh token a re-link replaced, kept under `parked` meanwhile, so that no
    /// second grant stays live at the provider; called only where revoking it ends only its
    /// own grant (RFC 7009 §2.1): elsewhere it would end the new one too and is left to
    /// expire. Once revoked, or refused, it is removed; when the provider cannot be reached it
    /// is kept, and the next repair tries again (`engine/repair.rs`). Returns what happened,
    /// for the history; a failure does not undo the link.
    async fn revoke_replaced(&self, provider: &str, env: &Environment, parked: &str) -> String {
        let old = match token_items::load(self.secrets.as_ref(), parked) {
            Ok(Some(old)) => old,
            // A repair in another process revoked and removed it meanwhile.
            Ok(None) => return "; the refresh token it replaced was revoked".to_owned(),
            Err(error) => {
                return format!(
                    "; the refresh token it replaced could not be read back ({error}): the next \
                     repair revokes it"
                );
            }
        };
        // Killed here, the replaced token is still kept aside: the next repair revokes it.
        crash_point("link:revoking-replaced");
        let (outcome, keep) = match self.revoke_tokens(provider, env, &old).await {
            Ok(()) => (
                "; the refresh token it replaced was revoked".to_owned(),
                false,
            ),
            Err(Failure::Retry(error)) => (
                format!(
                    "; the refresh token it replaced could not be revoked yet ({error}): the \
                     next repair tries again"
                ),
                true,
            ),
            Err(Failure::Refused(error)) => (
                format!(
                    "; the refresh token it replaced could not be revoked ({error}): its old \
                     grant may stay live at the provider until it expires"
                ),
                false,
            ),
        };
        if !keep && let Err(error) = self.secrets.delete(parked) {
            // Only a spare copy of a dead (or refused) token stays: the next repair's.
            tracing::warn!("the replaced refresh token could not be removed: {error}");
        }
        outcome
    }
}

/// What a link was for, whichever grant brings its tokens: the provider and environment, the
/// scopes asked for, the account it must be (a re-link or added scopes: its subject and
/// label), and the environment's endpoints.
pub(super) struct LinkTarget<'a> {
    pub provider: &'a str,
    pub environment: &'a str,
    pub scopes: &'a [String],
    pub for_account: Option<&'a (String, String)>,
    pub endpoints: &'a Endpoints,
}

/// A refresh token alone, as a token set the keyring keeps and revocation takes.
fn refresh_only(refresh_token: Secret<String>) -> TokenSet {
    TokenSet {
        access_token: Secret::new(String::new()),
        refresh_token: Some(refresh_token),
        id_token: None,
        expires_at: None,
        token_type: TokenType::Bearer,
        dpop_key: None,
    }
}

/// The account as the database keeps it: the profile, and each requested scope as granted or
/// declined, with where that answer came from.
fn new_account(pending: &LinkTarget<'_>, linked: &Linked, now: i64) -> NewAccount {
    let (granted, source) = match &linked.granted {
        Some(granted) => (granted.clone(), "token_response"),
        // A token response without `scope` grants what was requested (RFC 6749 §5.1).
        None => (pending.scopes.to_vec(), "requested"),
    };
    let scope = |scope: &String, status, source: &str| AccountScope {
        scope: scope.clone(),
        description: scope_catalog::describe(scope).map(str::to_owned),
        status,
        source: source.into(),
        checked_at: now,
    };
    let mut scopes: Vec<AccountScope> = granted
        .iter()
        .map(|s| scope(s, ScopeStatus::Granted, source))
        .collect();
    scopes.extend(
        pending
            .scopes
            .iter()
            .filter(|s| !granted.contains(s))
            .map(|s| scope(s, ScopeStatus::Declined, "token_response")),
    );
    NewAccount {
        provider: pending.provider.to_owned(),
        environment: pending.environment.to_owned(),
        subject: linked.subject.clone(),
        display_name: linked.profile.name.clone(),
        email: linked.profile.email.clone(),
        picture_url: linked.profile.picture.clone(),
        access_expires_at: linked.tokens.expires_at,
        has_refresh_token: linked.tokens.refresh_token.is_some(),
        scopes,
    }
}
