//! The keys of `private_key_jwt` environments (RFC 7523 §2.2): one P-256 key per provider
//! environment, made by Grantry when its public JWKS is first asked for, its private part kept
//! in the keyring under `client-key/{installation}/{provider}/{environment}`
//! (`secret_store/token_items.rs`), beside where a client secret would be. The public JWKS is
//! what the person registers at the provider; `oauth/client_assertion.rs` signs with the key.
//!
//! Invariants: the private key exists only in the keyring and, while a request is signed, in
//! memory; nothing here returns it but to the protocol layer. A key is made under the secrets
//! lock (`engine/mod.rs`), so two processes asking at once keep one key, not two. It is
//! removed with its provider or environment, or when the environment stops using
//! `private_key_jwt`, and moves with a renamed provider.

use super::Grantry;
use super::lock;
use crate::error::Error;
use crate::model::ClientJwks;
use crate::oauth::client_assertion;
use crate::oauth::jws::ProofKey;
use crate::providers::Environment;
use crate::secret::Secret;
use crate::secret_store::token_items;

impl Grantry {
    /// The public JWKS of a `private_key_jwt` environment (the first one when `environment`
    /// is `None`), making its key now if it has none.
    pub async fn client_jwks(
        &self,
        provider: &str,
        environment: Option<&str>,
    ) -> Result<ClientJwks, Error> {
        let env = lock(&self.providers)
            .get(provider)?
            .environment(environment)?
            .clone();
        if !env.signs_assertions() {
            return Err(Error::InvalidInput(format!(
                "{provider} ({}) does not authenticate with private_key_jwt; set client_auth = \
                 \"private_key_jwt\" first",
                env.name
            )));
        }
        let key_name = token_items::client_key_key(&self.installation, provider, &env.name);
        let key = {
            let _held = self.secrets_lock().await?;
            match self.secrets.get(&key_name)? {
                Some(secret) => ProofKey::from_secret(&secret)?,
                None => {
                    let key = ProofKey::generate()?;
                    self.secrets.put(&key_name, &key.secret())?;
                    tracing::info!(
                        provider,
                        environment = env.name,
                        kid = key.thumbprint(),
                        "made a private_key_jwt key; its private part is in the keyring"
                    );
                    key
                }
            }
        };
        Ok(ClientJwks {
            provider: provider.to_owned(),
            environment: env.name.clone(),
            kid: key.thumbprint(),
            jwks: key.jwks(),
            audience: client_assertion::audience(&env)?,
        })
    }

    /// The private key a `private_key_jwt` environment signs its assertions with, from the
    /// keyring, or what to do when it has none yet.
    pub(super) fn client_key(
        &self,
        provider: &str,
        env: &Environment,
    ) -> Result<Secret<String>, Error> {
        let key_name = token_items::client_key_key(&self.installation, provider, &env.name);
        self.secrets.get(&key_name)?.ok_or_else(|| {
            Error::InvalidInput(format!(
                "{provider} ({}) authenticates with private_key_jwt, but Grantry has no key for \
                 it yet: run `grantry providers jwks {provider} --environment {}` (or open it \
                 on the Providers screen), which makes one, and register the JWKS it shows at \
                 the provider",
                env.name, env.name
            ))
        })
    }

    /// Removes an environment's key, if it has one.
    pub(super) fn forget_client_key(&self, provider: &str, environment: &str) -> Result<(), Error> {
        let key_name = token_items::client_key_key(&self.installation, provider, environment);
        Ok(self.secrets.delete(&key_name)?)
    }

    /// After a provider is saved: an environment that no longer uses `private_key_jwt` loses
    /// its key; a renamed provider's key moves to its new name.
    pub(super) fn keep_client_key(
        &self,
        editing: Option<&str>,
        id: &str,
        env: &Environment,
    ) -> Result<(), Error> {
        if let Some(old) = editing.filter(|old| *old != id) {
            let old_name = token_items::client_key_key(&self.installation, old, &env.name);
            if env.signs_assertions()
                && let Some(key) = self.secrets.get(&old_name)?
            {
                let new_name = token_items::client_key_key(&self.installation, id, &env.name);
                self.secrets.put(&new_name, &key)?;
            }
            self.secrets.delete(&old_name)?;
        }
        if !env.signs_assertions() {
            self.forget_client_key(id, &env.name)?;
        }
        Ok(())
    }
}
