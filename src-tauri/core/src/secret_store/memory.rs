//! A [`SecretStore`] in memory, for tests that exercise everything but the OS keyring (the
//! keyring itself is exercised by the command line's tests, in a throwaway Secret Service).

use std::collections::HashMap;
use std::sync::Mutex;

use super::{KeyringError, SecretStore};
use crate::secret::Secret;

#[derive(Default)]
pub struct MemorySecrets {
    items: Mutex<HashMap<String, String>>,
    writes: std::sync::atomic::AtomicUsize,
    refusing: std::sync::atomic::AtomicBool,
}

impl MemorySecrets {
    fn items(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.items
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// How many items were written so far: each is a Secret Service round trip in the OS
    /// keyring, the slowest part of a refresh.
    pub fn writes(&self) -> usize {
        self.writes.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Every item, for tests that look for leaks or compare before and after. This store
    /// exists for tests only; the OS keyring has no such door.
    pub fn snapshot(&self) -> HashMap<String, String> {
        self.items().clone()
    }

    /// Refuses every write from now on (`true`), as a keyring locked behind Grantry's back
    /// would, or takes them again (`false`).
    pub fn refuse_writes(&self, refuse: bool) {
        self.refusing
            .store(refuse, std::sync::atomic::Ordering::Relaxed);
    }

    /// Forgets every item, as a keyring wiped behind Grantry's back would.
    pub fn clear(&self) {
        self.items().clear();
    }
}

impl SecretStore for MemorySecrets {
    fn put(&self, key: &str, value: &Secret<String>) -> Result<(), KeyringError> {
        if self.refusing.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(KeyringError::Locked(
                "the test keyring refuses writes".into(),
            ));
        }
        self.items().insert(key.into(), value.expose().clone());
        self.writes
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    fn get(&self, key: &str) -> Result<Option<Secret<String>>, KeyringError> {
        Ok(self.items().get(key).cloned().map(Secret::new))
    }

    fn delete(&self, key: &str) -> Result<(), KeyringError> {
        self.items().remove(key);
        Ok(())
    }

    fn keys(&self) -> Result<Vec<String>, KeyringError> {
        Ok(self.items().keys().cloned().collect())
    }
}
