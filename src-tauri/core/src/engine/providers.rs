//! Providers as the engine offers them: listed (for the Link dialog, with what each default
//! scope allows, and for the Providers screen), added or changed from a draft (a preset's or a
//! custom one, `providers/draft.rs`), removed with their client secrets and, as the person
//! chooses, their accounts; and the built-in sandbox, offered only once it is known to be this
//! data folder's own.
//!
//! A change that moves an environment's issuer or token endpoint marks its accounts as needing
//! to be linked again: their refresh tokens (and the client secret with them) were given by
//! the old address and are never sent to the new one, which may be anyone's.

use super::{Grantry, lock};
use crate::clock;
use crate::error::Error;
use crate::events::GrantryEvent;
use crate::model::{
    AccountStatus, ActivityKind, Discovered, EnvironmentOption, EnvironmentView, PresetView,
    ProviderCheck, ProviderOption, ProviderView, RedirectOptionView, RelinkOnSave, RemoveAccounts,
    RevocationOutcome, ScopeOption, SiteField,
};
use crate::oauth::discovery::{self, Endpoints};
use crate::oauth::loopback;
use crate::providers::draft::{self, FieldError, ProviderDraft};
use crate::providers::{Environment, Preset, RedirectKind};
use crate::providers::{Provider, SANDBOX_ID};
use crate::scope_catalog;
use crate::secret::Secret;
use crate::secret_store::token_items;

impl Grantry {
    /// Every provider, the built-in sandbox first.
    pub fn providers(&self) -> Vec<Provider> {
        lock(&self.providers).all().cloned().collect()
    }

    /// Adds a provider to the providers file. Nothing changes if it is invalid or taken.
    pub fn add_provider(&self, provider: Provider) -> Result<(), Error> {
        lock(&self.providers).add(provider)?;
        self.events.emit(GrantryEvent::ProvidersChanged);
        Ok(())
    }

    /// The private-use schemes of configured providers (`providers/redirect.rs`), which the app
    /// registers with the desktop and takes answers on.
    pub fn provider_schemes(&self) -> Vec<String> {
        lock(&self.providers).provider_schemes()
    }

    /// Removes a provider from the providers file, and its client secrets from the keyring.
    pub fn remove_provider(&self, id: &str) -> Result<Provider, Error> {
        let removed = lock(&self.providers).remove(id)?;
        for env in &removed.environments {
            let key = token_items::client_secret_key(&self.installation, id, &env.name);
            self.secrets.delete(&key)?;
            self.forget_client_key(id, &env.name)?;
        }
        // A provider added later under the same id must not inherit its endpoints.
        lock(&self.endpoints).retain(|(p, _), _| p != id);
        self.events.emit(GrantryEvent::ProvidersChanged);
        Ok(removed)
    }

    /// Removes a provider after its accounts: revoked at the provider first, or forgotten
    /// here. Should a revocation fail, it stops there: the provider stays, with the accounts
    /// not yet handled, so that it can be retried.
    pub async fn remove_provider_with_accounts(
        &self,
        id: &str,
        accounts: RemoveAccounts,
    ) -> Result<Provider, Error> {
        lock(&self.providers).get(id)?;
        let linked: Vec<i64> = self
            .accounts()?
            .into_iter()
            .filter(|a| a.provider == id)
            .map(|a| a.id)
            .collect();
        for account in linked {
            match accounts {
                RemoveAccounts::Revoke => {
                    let receipt = self.revoke(account).await?;
                    if receipt.outcome == RevocationOutcome::NotEffective {
                        return Err(Error::InvalidInput(format!(
                            "{}: {}; the provider is kept, with the account, to try again",
                            receipt.label, receipt.summary
                        )));
                    }
                }
                RemoveAccounts::Forget => self.forget(account)?,
            }
        }
        self.remove_provider(id)
    }

    /// Every mistake in a draft, each with its field (none: it can be saved), and the
    /// environments whose accounts saving it would mark as needing to be linked again.
    /// `editing` is the id of the provider the draft changes, if it is not a new one.
    pub fn check_provider(
        &self,
        draft: &ProviderDraft,
        editing: Option<&str>,
    ) -> Result<ProviderCheck, Error> {
        match self.provider_from(draft, editing) {
            Ok(provider) => Ok(ProviderCheck {
                errors: Vec::new(),
                relink: self
                    .moved(&provider, editing)?
                    .into_iter()
                    .map(|moved| moved.notice)
                    .collect(),
            }),
            Err(errors) => Ok(ProviderCheck {
                errors,
                relink: Vec::new(),
            }),
        }
    }

    /// The environments of the provider `editing` whose issuer or token endpoint `provider`
    /// changes, each with its valid accounts (those the schedule would refresh). An account
    /// already needing a new link needs nothing more; one being revoked keeps its revocation.
    fn moved(&self, provider: &Provider, editing: Option<&str>) -> Result<Vec<Moved>, Error> {
        let Some(old) = editing else {
            return Ok(Vec::new());
        };
        let Ok(before) = lock(&self.providers).get(old).cloned() else {
            return Ok(Vec::new());
        };
        let accounts = self.accounts()?;
        let text = |url: &Option<url::Url>| {
            url.as_ref()
                .map_or_else(|| "(from discovery)".to_owned(), |u| u.to_string())
        };
        let mut moved = Vec::new();
        for env in &provider.environments {
            let Some(was) = before.environments.iter().find(|e| e.name == env.name) else {
                continue;
            };
            let mut changes = Vec::new();
            if was.issuer != env.issuer {
                let issuer = |i: &Option<String>| i.clone().unwrap_or_else(|| "(none)".into());
                changes.push(format!(
                    "the issuer changes from {} to {}",
                    issuer(&was.issuer),
                    issuer(&env.issuer)
                ));
            }
            if was.token_endpoint != env.token_endpoint {
                changes.push(format!(
                    "the token endpoint changes from {} to {}",
                    text(&was.token_endpoint),
                    text(&env.token_endpoint)
                ));
            }
            if changes.is_empty() {
                continue;
            }
            let ids: Vec<i64> = accounts
                .iter()
                .filter(|a| a.provider == old && a.environment == env.name)
                .filter(|a| a.status == AccountStatus::Valid)
                .map(|a| a.id)
                .collect();
            if ids.is_empty() {
                continue;
            }
            moved.push(Moved {
                notice: RelinkOnSave {
                    environment: env.name.clone(),
                    accounts: u32::try_from(ids.len()).unwrap_or(u32::MAX),
                    change: changes.join("; "),
                },
                accounts: ids,
            });
        }
        Ok(moved)
    }

    /// Marks the accounts of moved environments as needing to be linked again, before the
    /// change is saved: should saving fail, they are set back.
    fn mark_moved(&self, moved: &[Moved], now: i64) -> Result<(), Error> {
        let store = lock(&self.store);
        for env in moved {
            let reason = format!(
                "the provider's settings changed ({}): link it again, so that its refresh token \
                 is never sent to the new address",
                env.notice.change
            );
            for &account in &env.accounts {
                store.set_status(account, AccountStatus::NeedsRelink, Some(&reason), now)?;
                self.record_in(
                    &store,
                    ActivityKind::RefreshFailed,
                    &reason,
                    Some(account),
                    now,
                )?;
            }
        }
        Ok(())
    }

    /// Drops the refresh tokens of the accounts of moved environments, once the move is
    /// saved: they were issued where the provider was before, and the new address must never
    /// see them, not even to revoke them when the account is linked again. One that cannot be
    /// dropped now stays, with the account marked to be linked again; the history says so.
    fn forget_moved_refresh_tokens(&self, moved: &[Moved]) {
        for &id in moved.iter().flat_map(|m| &m.accounts) {
            let dropped = self.account(id).and_then(|account| {
                let key = token_items::key(
                    &self.installation,
                    &account.provider,
                    &account.environment,
                    &account.subject,
                );
                if let Some(mut tokens) = token_items::load(self.secrets.as_ref(), &key)?
                    && tokens.refresh_token.take().is_some()
                {
                    token_items::save(self.secrets.as_ref(), &key, &tokens)?;
                }
                Ok(())
            });
            if let Err(error) = dropped {
                tracing::warn!(
                    account = id,
                    "the refresh token of a moved provider's account could not be dropped: {error}"
                );
            }
        }
    }

    fn provider_from(
        &self,
        draft: &ProviderDraft,
        editing: Option<&str>,
    ) -> Result<Provider, Vec<FieldError>> {
        let id = draft.id.trim();
        let stored = |env: &str| {
            let Some(old) = editing else { return false };
            let key = token_items::client_secret_key(&self.installation, old, env);
            self.secrets.get(&key).is_ok_and(|s| s.is_some())
        };
        let provider = draft::build(draft, stored)?;
        let taken =
            id == SANDBOX_ID || (Some(id) != editing && lock(&self.providers).get(id).is_ok());
        if taken {
            return Err(vec![FieldError {
                field: "id".into(),
                message: format!("the id {id:?} is taken; choose another"),
            }]);
        }
        Ok(provider)
    }

    /// Adds a provider from a draft, or with `editing` changes that one: nothing is written
    /// while the draft has a mistake, nor while an issuer it names does not answer with a valid
    /// discovery document. Client secrets it carries go to the keyring, never to the file; a
    /// secret an environment no longer needs is removed.
    pub async fn save_provider(
        &self,
        draft: &ProviderDraft,
        editing: Option<&str>,
    ) -> Result<ProviderView, Error> {
        let provider = self.provider_from(draft, editing).map_err(|errors| {
            let said: Vec<String> = errors
                .iter()
                .map(|e| match e.field.as_str() {
                    "" => e.message.clone(),
                    field => format!("{field}: {}", e.message),
                })
                .collect();
            Error::InvalidInput(said.join("; "))
        })?;
        // A preset's issuer is the provider's own; a typed one is checked now, not at the
        // first link, with the provider's own rules for what its document may name.
        if provider.preset.is_none() {
            for (index, env) in provider.environments.iter().enumerate() {
                if env.issuer.is_some() {
                    discovery::resolve(&self.http, draft.id.trim(), env)
                        .await
                        .map_err(|error| {
                            Error::InvalidInput(format!(
                                "environments.{index}.issuer: its discovery did not work: {error}"
                            ))
                        })?;
                }
            }
        }
        let id = provider.id.to_string();
        let moved = self.moved(&provider, editing)?;
        let now = clock::now();
        self.mark_moved(&moved, now)?;
        let saved = match editing {
            Some(old) => lock(&self.providers).replace(old, provider.clone()),
            None => lock(&self.providers).add(provider.clone()),
        };
        if let Err(error) = saved {
            let store = lock(&self.store);
            for &account in moved.iter().flat_map(|m| &m.accounts) {
                store.set_status(account, AccountStatus::Valid, None, now)?;
            }
            drop(store);
            return Err(error.into());
        }
        if !moved.is_empty() {
            self.forget_moved_refresh_tokens(&moved);
            self.accounts_changed();
        }
        // Endpoints found for the old settings must not be used for the new ones.
        lock(&self.endpoints).retain(|(p, _), _| Some(p.as_str()) != editing && *p != id);
        for (env, given) in provider.environments.iter().zip(&draft.environments) {
            let key = token_items::client_secret_key(&self.installation, &id, &env.name);
            match &given.client_secret {
                Some(secret) if env.needs_secret() && !secret.expose().trim().is_empty() => {
                    let trimmed = Secret::new(secret.expose().trim().to_owned());
                    self.secrets.put(&key, &trimmed)?;
                }
                _ if !env.needs_secret() => self.secrets.delete(&key)?,
                _ => {}
            }
            self.keep_client_key(editing, &id, env)?;
            if let Some(old) = editing.filter(|old| *old != id) {
                // Renamed: the secret moves with the provider.
                let old_key = token_items::client_secret_key(&self.installation, old, &env.name);
                if env.needs_secret()
                    && given.client_secret.is_none()
                    && let Some(secret) = self.secrets.get(&old_key)?
                {
                    self.secrets.put(&key, &secret)?;
                }
                self.secrets.delete(&old_key)?;
            }
        }
        self.events.emit(GrantryEvent::ProvidersChanged);
        let view = self
            .provider_views()?
            .into_iter()
            .find(|v| v.id == id)
            .ok_or_else(|| Error::Internal(format!("the provider {id} vanished on saving")))?;
        Ok(view)
    }

    /// An environment's client secret, for a person who asked to see it.
    pub fn reveal_client_secret(
        &self,
        provider: &str,
        environment: &str,
    ) -> Result<Option<Secret<String>>, Error> {
        lock(&self.providers)
            .get(provider)?
            .environment(Some(environment))?;
        let key = token_items::client_secret_key(&self.installation, provider, environment);
        Ok(self.secrets.get(&key)?)
    }

    /// Every provider as the Providers screen shows it.
    pub fn provider_views(&self) -> Result<Vec<ProviderView>, Error> {
        let accounts = self.accounts()?;
        let views = self
            .providers()
            .into_iter()
            .map(|p| {
                let id = p.id.to_string();
                let environments = p
                    .environments
                    .iter()
                    .map(|e| self.environment_view(&id, e))
                    .collect();
                ProviderView {
                    accounts: u32::try_from(accounts.iter().filter(|a| a.provider == id).count())
                        .unwrap_or(u32::MAX),
                    builtin: id == SANDBOX_ID,
                    allow_plain_http_loopback: p.allow_plain_http_loopback,
                    refresh_plain_http_in_background: p.refresh_plain_http_in_background,
                    id,
                    name: p.name,
                    preset: p.preset,
                    environments,
                }
            })
            .collect();
        Ok(views)
    }

    fn environment_view(&self, provider: &str, env: &Environment) -> EnvironmentView {
        let key = token_items::client_secret_key(&self.installation, provider, &env.name);
        let text = |url: &Option<url::Url>| url.as_ref().map(|u| u.to_string());
        let redirect_uri = match env.redirect {
            // Each link listens on a port of its own; providers match loopback without the
            // port (RFC 8252 §7.3).
            RedirectKind::Loopback => format!("http://127.0.0.1{}", loopback::REDIRECT_PATH),
            // No redirect: the person enters a code at the provider.
            RedirectKind::Device => String::new(),
            _ => env
                .redirect_uri
                .clone()
                .filter(|_| env.redirect != RedirectKind::CustomScheme)
                .unwrap_or_else(|| crate::providers::CUSTOM_SCHEME_REDIRECT.to_owned()),
        };
        EnvironmentView {
            name: env.name.clone(),
            site: env.preset.and_then(|p| p.site_of(env)),
            issuer: env.issuer.clone(),
            authorization_endpoint: text(&env.authorization_endpoint),
            token_endpoint: text(&env.token_endpoint),
            userinfo_endpoint: text(&env.userinfo_endpoint),
            revocation_endpoint: text(&env.revocation_endpoint),
            client_id: env.client_id.clone(),
            client_auth: env.client_auth,
            has_secret: self.secrets.get(&key).is_ok_and(|s| s.is_some()),
            redirect: env.redirect,
            redirect_uri,
            scopes: env.scopes.clone(),
            plain_http: env.uses_plain_http(),
            refreshed_in_background: env.refreshed_in_background(),
            pushed_authorization: env.pushed_authorization,
            pushed_authorization_request_endpoint: text(&env.pushed_authorization_request_endpoint),
            dpop: env.dpop,
        }
    }

    /// Fetches an issuer's discovery document and says what it found.
    pub async fn test_discovery(&self, issuer: &str) -> Result<Discovered, Error> {
        let found = self.discover(issuer.trim()).await?;
        let text = |url: &Option<url::Url>| url.as_ref().map(|u| u.to_string());
        Ok(Discovered {
            issuer: found.issuer.clone().unwrap_or_default(),
            authorization_endpoint: found.authorization.to_string(),
            token_endpoint: found.token.to_string(),
            userinfo_endpoint: text(&found.userinfo),
            jwks_uri: text(&found.jwks_uri),
            revocation_endpoint: text(&found.revocation),
            introspection_endpoint: text(&found.introspection),
            scopes_supported: found.advertised.scopes.clone(),
            pkce_s256: found
                .advertised
                .code_challenge_methods
                .iter()
                .any(|m| m == "S256"),
            iss_parameter: found.iss_parameter_supported,
            auth_methods: found.advertised.token_auth_methods.clone(),
            pushed_authorization_request_endpoint: text(&found.pushed_authorization),
            pushed_authorization_required: found.pushed_authorization_required,
        })
    }

    /// Stores an environment's client secret in the keyring.
    pub fn set_client_secret(
        &self,
        provider: &str,
        environment: Option<&str>,
        secret: &Secret<String>,
    ) -> Result<(), Error> {
        let env = lock(&self.providers)
            .get(provider)?
            .environment(environment)?
            .name
            .clone();
        let key = token_items::client_secret_key(&self.installation, provider, &env);
        Ok(self.secrets.put(&key, secret)?)
    }

    /// The providers as the Link dialog offers them: environments and default scopes, with
    /// what each scope allows.
    pub fn provider_options(&self) -> Vec<ProviderOption> {
        self.providers()
            .into_iter()
            .map(|p| ProviderOption {
                id: p.id.to_string(),
                name: p.name.clone(),
                environments: p
                    .environments
                    .iter()
                    .map(|e| EnvironmentOption {
                        name: e.name.clone(),
                        device: crate::model::DeviceOffer::of(e),
                        scopes: e
                            .scopes
                            .iter()
                            .map(|s| ScopeOption {
                                scope: s.clone(),
                                description: scope_catalog::describe(s).map(str::to_owned),
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect()
    }

    /// The presets, as the Providers screen offers them.
    pub fn presets() -> Vec<PresetView> {
        Preset::ALL
            .into_iter()
            .map(|preset| {
                let info = preset.info();
                PresetView {
                    id: preset,
                    name: info.name.into(),
                    help: info.help.into(),
                    console_url: info.console_url.into(),
                    site: info.site.map(|site| SiteField {
                        label: site.label.into(),
                        placeholder: site.placeholder.into(),
                        default: site.default.into(),
                        help: site.help.into(),
                    }),
                    redirects: info
                        .redirects
                        .iter()
                        .map(|o| RedirectOptionView {
                            kind: o.kind,
                            label: o.label.into(),
                            help: o.help.into(),
                            secret: o.secret,
                            needs_url: o.kind == RedirectKind::Bridge,
                        })
                        .collect(),
                    default_scopes: info.default_scopes.iter().map(|s| (*s).into()).collect(),
                    catalogue: info
                        .catalogue
                        .iter()
                        .map(|s| ScopeOption {
                            scope: (*s).into(),
                            description: scope_catalog::describe(s).map(str::to_owned),
                        })
                        .collect(),
                }
            })
            .collect()
    }

    /// Fetches an issuer's discovery document and checks it (issuer match, endpoints), for a
    /// provider not saved yet: plain http on 127.0.0.1 and [::1] is accepted, since only public
    /// documents are fetched.
    pub async fn discover(&self, issuer: &str) -> Result<Endpoints, Error> {
        discovery::discover(&self.http, issuer).await
    }
}

/// An environment whose issuer or token endpoint a change moves, and its valid accounts.
struct Moved {
    notice: RelinkOnSave,
    accounts: Vec<i64>,
}
