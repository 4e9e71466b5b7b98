//! Providers as the engine offers them: listed, added (from discovery or by hand), removed
//! with their client secrets, given a client secret, and shown to the Link dialog with what
//! each default scope allows; and the built-in sandbox, offered only once it is known to be
//! this data folder's own.

use super::{Grantry, lock};
use crate::error::Error;
use crate::model::{EnvironmentOption, ProviderOption, ScopeOption};
use crate::oauth::discovery::{self, Endpoints};
use crate::oauth::http;
use crate::paths;
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

    /// The built-in sandbox provider is the one this process runs on `port`.
    pub fn adopt_sandbox(&self, port: u16) {
        lock(&self.providers).set_sandbox(Some(port));
        // Endpoints found at another port must not be used for this one.
        lock(&self.endpoints).retain(|(provider, _), _| provider != SANDBOX_ID);
    }

    /// Adopts the sandbox running on `port` if it proves to be ours: it answers its admin API
    /// to the token kept in this data folder ([`paths::SANDBOX_ADMIN_TOKEN_FILE`], readable by
    /// this user only). Any other program holding the port gets no request but that one, and
    /// never a user's consent or tokens. Returns whether it was adopted.
    pub async fn find_sandbox(&self, port: u16) -> bool {
        let path = self.data_dir.join(paths::SANDBOX_ADMIN_TOKEN_FILE);
        let Ok(token) = std::fs::read_to_string(&path) else {
            return false;
        };
        let Ok(url) = url::Url::parse(&format!("http://127.0.0.1:{port}/_sandbox")) else {
            return false;
        };
        let Ok(request) = http::get_json(&url, Some(token.trim())) else {
            return false;
        };
        let ours = self
            .http
            .send_unlogged(request)
            .await
            .is_ok_and(|response| response.status().is_success());
        if ours {
            self.adopt_sandbox(port);
        }
        ours
    }

    /// Fetches an issuer's discovery document and checks it (issuer match, endpoints).
    pub async fn discover(&self, issuer: &str) -> Result<Endpoints, Error> {
        discovery::discover(&self.http, issuer).await
    }
}
