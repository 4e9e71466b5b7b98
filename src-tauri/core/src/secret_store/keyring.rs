//! The OS keyring (the Secret Service on Linux, through the keyring-rs family) as a
//! [`SecretStore`]. Every item is under one service name and labelled "Grantry: {key}", so a
//! person browsing their keyring sees what each one is.

use std::collections::HashMap;
use std::sync::Arc;

use super::{KeyringError, SecretStore};
use crate::secret::Secret;

/// The OS keyring, with every item under one service name. The connection is made on first
/// use (and retried on later uses until it works), so that Grantry starts and lists accounts
/// from their metadata when the keyring is unavailable.
pub struct Keyring {
    store: std::sync::OnceLock<Arc<keyring_core::CredentialStore>>,
    service: String,
}

/// The service name of every Grantry item in the keyring.
pub const SERVICE: &str = "dev.grantry.desktop";

impl Keyring {
    /// The user's Secret Service (the default collection), reached over the D-Bus session bus.
    pub fn secret_service(service: &str) -> Self {
        Self {
            store: std::sync::OnceLock::new(),
            service: service.to_owned(),
        }
    }

    fn store(&self) -> Result<&Arc<keyring_core::CredentialStore>, KeyringError> {
        if let Some(store) = self.store.get() {
            return Ok(store);
        }
        let store: Arc<keyring_core::CredentialStore> =
            zbus_secret_service_keyring_store::Store::new()?;
        Ok(self.store.get_or_init(|| store))
    }

    fn entry(&self, key: &str) -> Result<keyring_core::Entry, KeyringError> {
        let modifiers = HashMap::from([("label", format!("Grantry: {key}"))]);
        let modifiers: HashMap<&str, &str> =
            modifiers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Ok(self.store()?.build(&self.service, key, Some(&modifiers))?)
    }
}

impl SecretStore for Keyring {
    fn put(&self, key: &str, value: &Secret<String>) -> Result<(), KeyringError> {
        Ok(self.entry(key)?.set_password(value.expose())?)
    }

    fn get(&self, key: &str) -> Result<Option<Secret<String>>, KeyringError> {
        match self.entry(key)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    fn delete(&self, key: &str) -> Result<(), KeyringError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }

    fn keys(&self) -> Result<Vec<String>, KeyringError> {
        let spec = HashMap::from([("service", self.service.as_str())]);
        let mut keys = Vec::new();
        for entry in self.store()?.search(&spec)? {
            match entry.get_attributes() {
                Ok(mut attributes) => keys.extend(attributes.remove("username")),
                // A locked keyring is worth reporting.
                Err(error @ keyring_core::Error::NoStorageAccess(_)) => return Err(error.into()),
                // The search itself reached the service, so an item that cannot be read now
                // was deleted by another process in between (the Secret Service then answers
                // NoEntry or an unknown-object error): it is not there to list.
                Err(_) => {}
            }
        }
        Ok(keys)
    }
}
