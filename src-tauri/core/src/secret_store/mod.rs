//! Where secrets are kept: the [`SecretStore`] trait, the OS keyring behind it in the app and
//! the command line ([`Keyring`]), an in-memory store beside it for tests ([`MemorySecrets`]),
//! and the keyring items holding an account's tokens ([`token_items`]). Secrets go here and
//! nowhere else: never the database, logs, history or exports.

mod keyring;
mod memory;
pub mod token_items;

pub use keyring::{Keyring, SERVICE};
pub use memory::MemorySecrets;

pub use crate::error::KeyringError;
use crate::secret::Secret;

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

/// Where secrets are kept, keyed by a name such as `client/{installation}/{provider}/{env}`.
pub trait SecretStore: Send + Sync {
    fn put(&self, key: &str, value: &Secret<String>) -> Result<(), KeyringError>;
    /// `Ok(None)` when there is no such secret.
    fn get(&self, key: &str) -> Result<Option<Secret<String>>, KeyringError>;
    /// Deleting a secret that is not there is not an error.
    fn delete(&self, key: &str) -> Result<(), KeyringError>;
    /// The keys of every secret in the store, for repair after a crash.
    fn keys(&self) -> Result<Vec<String>, KeyringError>;
}
