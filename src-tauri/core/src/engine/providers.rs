//! Providers as the engine offers them: listed, added (from discovery or by hand), removed
//! with their client secrets, given a client secret, and shown to the Link dialog with what
//! each default scope allows.

use super::{Grantry, lock};
use crate::error::Error;
use crate::model::{EnvironmentOption, ProviderOption, ScopeOption};
use crate::oauth::discovery::{self, Endpoints};
use crate::providers::Provider;
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
        Ok(lock(&self.providers).add(provider)?)
    }

    /// Removes a provider from the providers file, and its client secrets from the keyring.
    pub fn remove_provider(&self, id: &str) -> Result<Provider, Error> {
        let removed = lock(&self.providers).remove(id)?;
        for env in &removed.environments {
            let key = token_items::client_secret_key(&self.installation, id, &env.name);
            self.secrets.delete(&key)?;
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

    /// Fetches an issuer's discovery document and checks it (issuer match, endpoints).
    pub async fn discover(&self, issuer: &str) -> Result<Endpoints, Error> {
        discovery::discover(&self.http, issuer).await
    }
}
