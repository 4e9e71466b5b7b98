//! Secrets: the [`Secret`] wrapper that cannot be printed or serialised by accident, and the
//! [`SecretStore`] they live in, which is the OS keyring (Secret Service on Linux, through the
//! keyring-rs family) and nothing else: never the database, logs, history or exports.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// A value that must not leak: `Debug` and `Display` print `[redacted]`, there is no
/// `Serialize`, and reading it is an explicit [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The wrapped value. Every call site is a place where a secret leaves its box: keep them
    /// few and obvious.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Why the keyring could not be used, in words a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error(
        "the OS keyring is not reachable: no D-Bus session bus or no Secret Service (such as \
         gnome-keyring) is running ({0})"
    )]
    Unavailable(String),
    #[error("the OS keyring is locked: unlock your login keyring and try again ({0})")]
    Locked(String),
    #[error("the OS keyring refused the request: {0}")]
    Failed(String),
}

impl From<keyring_core::Error> for KeyringError {
    fn from(error: keyring_core::Error) -> Self {
        use keyring_core::Error as E;
        // keyring-core's Display never includes the secret itself.
        let text = error.to_string();
        match error {
            E::NoStorageAccess(_) => KeyringError::Locked(text),
            E::PlatformFailure(_) | E::NoDefaultStore => KeyringError::Unavailable(text),
            _ => KeyringError::Failed(text),
        }
    }
}

/// Where secrets are kept, keyed by a name such as `account/42/refresh_token`.
pub trait SecretStore: Send + Sync {
    fn put(&self, key: &str, value: &Secret<String>) -> Result<(), KeyringError>;
    /// `Ok(None)` when there is no such secret.
    fn get(&self, key: &str) -> Result<Option<Secret<String>>, KeyringError>;
    /// Deleting a secret that is not there is not an error.
    fn delete(&self, key: &str) -> Result<(), KeyringError>;
    /// The keys of every secret in the store, for repair after a crash.
    fn keys(&self) -> Result<Vec<String>, KeyringError>;
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_print_redacted() {
        let secret = Secret::new("ya29.hunter2".to_owned());
        assert_eq!(format!("{secret}"), "[redacted]");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(&secret)), "Some([redacted])");
        assert_eq!(secret.expose(), "ya29.hunter2");
    }
}
