//! The state file (`--state FILE`, [`crate::SandboxConfig::state_file`]): what survives a
//! restart. Clients, users, grants, the token digests, the clock offset and the signing key.
//!
//! Invariants: the JSON layout of [`Persisted`] is a file format that existing sandbox.json
//! files are in, so its field names and shapes must not change. A save replaces the file
//! atomically (through a `.partial` file beside it). Pending requests, codes and injected
//! faults are deliberately not saved: they are short-lived. A missing file is a fresh start;
//! an unreadable one is an error naming the file, never silently replaced.

use std::collections::HashMap;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::{Deserialize, Serialize};

use super::{AccessToken, AuthStore, Grant, RefreshToken};
use crate::config::{ClientConfig, TestUser};

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
}

impl AuthStore {
    /// Writes the durable parts to `path` (atomically, through a temporary file).
    pub fn save(&self, path: &Path, signing_key: &[u8]) -> std::io::Result<()> {
        let persisted = Persisted {
            signing_key: B64.encode(signing_key),
            clients: self.clients.clone(),
            users: self.users.clone(),
            grants: self.grants.clone(),
            access_tokens: self.access_tokens.clone(),
            refresh_tokens: self.refresh_tokens.clone(),
            next_grant: self.next_grant,
            clock_offset: self.clock_offset,
        };
        let json = serde_json::to_vec_pretty(&persisted).map_err(std::io::Error::other)?;
        let partial = path.with_extension("partial");
        std::fs::write(&partial, json)?;
        std::fs::rename(partial, path)
    }

    /// Restores what [`AuthStore::save`] wrote; returns the signing key's secret bytes.
    pub fn load(&mut self, path: &Path) -> std::io::Result<Option<Vec<u8>>> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let invalid = |e: &dyn std::fmt::Display| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} is not a sandbox state file: {e}", path.display()),
            )
        };
        let persisted: Persisted = serde_json::from_slice(&bytes).map_err(|e| invalid(&e))?;
        let key = B64
            .decode(&persisted.signing_key)
            .map_err(|e| invalid(&e))?;
        self.clients = persisted.clients;
        self.users = persisted.users;
        self.grants = persisted.grants;
        self.access_tokens = persisted.access_tokens;
        self.refresh_tokens = persisted.refresh_tokens;
        self.next_grant = persisted.next_grant;
        self.clock_offset = persisted.clock_offset;
        Ok(Some(key))
    }
}
