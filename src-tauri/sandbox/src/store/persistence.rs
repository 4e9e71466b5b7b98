//! The state file (`--state FILE`, [`crate::SandboxConfig::state_file`]): what survives a
//! restart. Clients, users, grants, the token digests, the clock offset and the signing key.
//!
//! Invariants: the JSON layout of [`Persisted`] is a file format that existing sandbox.json
//! files are in, so its field names and shapes must not change (fields are only ever added,
//! optional). The file holds the private signing key, so it is written with mode 0600, through
//! a `.partial` file beside it (`src/private_file.rs`). Pending requests, codes and injected
//! faults are deliberately not saved: they are short-lived. A missing file is a fresh start;
//! an unreadable one is an error naming the file, never silently replaced.
//!
//! A state file that other users can read (as every earlier version of the sandbox left it,
//! with the usual umask) is made private when it is loaded, with a warning, rather than
//! refused: refusing would stop the built-in sandbox of every existing install until someone
//! ran `chmod 600`, and the next save would have replaced the file privately anyway.

use std::collections::HashMap;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::{Deserialize, Serialize};

use super::{AccessToken, AuthStore, Grant, RefreshToken};
use crate::config::{ClientConfig, TestUser};
use crate::private_file;

/// The parts of the state that survive a restart when a state file is configured.
#[derive(Serialize, Deserialize)]
struct Persisted {
    signing_key: String,
    clients: Vec<ClientConfig>,
    users: Vec<TestUser>,
    grants: HashMap<u64, Grant>,
    access_tokens: HashMap<String, AccessToken>,
    refresh_tokens: HashMap<String, RefreshToken>,
    next_grant: u64,
    clock_offset: i64,
    /// The key the last rotation replaced, still published in the JWKS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    previous_signing_key: Option<String>,
    /// Whether authorization requests must be pushed (RFC 9126 §5), as the admin API last set
    /// it; absent (false) in older files. Either this or the configuration turns it on.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    require_pushed_authorization_requests: bool,
    /// Token digests bound to a DPoP key's thumbprint (`binding.rs`).
    #[serde(default, skip_serializing_if = "HashMap::is_empty")]
    dpop_bindings: HashMap<String, String>,
}

/// The signing keys' secret bytes as the state file keeps them.
pub struct SavedKeys {
    pub current: Vec<u8>,
    pub previous: Option<Vec<u8>>,
}

impl AuthStore {
    /// The durable parts as the state file's bytes; [`crate::private_file::write`] stores
    /// them. Cheap enough to make under the store's lock; the disk write happens after it.
    pub fn snapshot(&self, keys: &SavedKeys) -> std::io::Result<Vec<u8>> {
        let persisted = Persisted {
            signing_key: B64.encode(&keys.current),
            previous_signing_key: keys.previous.as_ref().map(|k| B64.encode(k)),
            clients: self.clients.clone(),
            users: self.users.clone(),
            grants: self.grants.clone(),
            access_tokens: self.access_tokens.clone(),
            refresh_tokens: self.refresh_tokens.clone(),
            next_grant: self.next_grant,
            clock_offset: self.clock_offset,
            require_pushed_authorization_requests: self.require_par,
            dpop_bindings: self.dpop.bindings.clone(),
        };
        serde_json::to_vec_pretty(&persisted).map_err(std::io::Error::other)
    }

    /// Restores what [`AuthStore::snapshot`] wrote; returns the signing keys' secret bytes.
    pub fn load(&mut self, path: &Path) -> std::io::Result<Option<SavedKeys>> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        if private_file::is_shared(path)? {
            private_file::make_private(path).map_err(|e| {
                std::io::Error::new(
                    e.kind(),
                    format!(
                        "{} holds the sandbox's private signing key and other users can read                          it; cannot make it private ({e}): run `chmod 600 {}`",
                        path.display(),
                        path.display()
                    ),
                )
            })?;
            tracing::warn!(
                "{} holds the private signing key and was readable by other users; it is now \
                 readable by you only (mode 0600)",
                path.display()
            );
        }
        let invalid = |e: &dyn std::fmt::Display| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} is not a sandbox state file: {e}", path.display()),
            )
        };
        let persisted: Persisted = serde_json::from_slice(&bytes).map_err(|e| invalid(&e))?;
        let current = B64
            .decode(&persisted.signing_key)
            .map_err(|e| invalid(&e))?;
        let previous = match &persisted.previous_signing_key {
            Some(key) => Some(B64.decode(key).map_err(|e| invalid(&e))?),
            None => None,
        };
        self.clients = persisted
            .clients
            .into_iter()
            .map(super::directory::reloaded)
            .collect();
        self.users = persisted.users;
        self.grants = persisted.grants;
        self.access_tokens = persisted.access_tokens;
        self.refresh_tokens = persisted.refresh_tokens;
        self.next_grant = persisted.next_grant;
        self.clock_offset = persisted.clock_offset;
        self.require_par |= persisted.require_pushed_authorization_requests;
        self.dpop.bindings = persisted.dpop_bindings;
        Ok(Some(SavedKeys { current, previous }))
    }
}
