//! DPoP (RFC 9449) as the store keeps it: which tokens are bound to which key (§5, §6: the
//! key's RFC 7638 thumbprint, `jkt`), the server nonces a proof must carry when the sandbox
//! demands them (§8), and the sandbox-wide switches ([`DpopSettings`]). The proofs themselves
//! are checked in `src/dpop.rs`; this file never sees one.
//!
//! Invariants: a binding is keyed by the token's digest, like the tokens themselves, and is
//! never removed, so a bound token can never be used unbound; a nonce is accepted while it is
//! the current one or the one before it, each living [`NONCE_LIFETIME`] on the store's clock.

use std::collections::HashMap;

use super::{AuthStore, Time, digest};
use crate::config::DpopSettings;
use crate::random;

/// How long a nonce the sandbox gives is the current one, in seconds; the one before it is
/// still accepted for as long again.
pub const NONCE_LIFETIME: u64 = 300;

/// The DPoP part of the store.
#[derive(Debug, Default)]
pub struct Dpop {
    pub(super) settings: DpopSettings,
    /// Token digest to the thumbprint of the key it is bound to.
    pub(super) bindings: HashMap<String, String>,
    /// The current nonce and when it was made, and the one it replaced.
    nonce: Option<(String, Time)>,
    previous_nonce: Option<String>,
}

impl Dpop {
    pub fn new(settings: DpopSettings) -> Self {
        Self {
            settings,
            ..Self::default()
        }
    }
}

impl AuthStore {
    pub fn dpop_settings(&self) -> DpopSettings {
        self.dpop.settings
    }

    pub fn set_dpop_settings(&mut self, settings: DpopSettings) {
        self.dpop.settings = settings;
    }

    /// Whether `client_id` must send a proof at the token endpoint: registered so
    /// (`dpop_bound_access_tokens`, RFC 9449 §5.2), or every client must.
    pub fn dpop_required(&self, client_id: &str) -> bool {
        self.dpop.settings.required
            || self
                .client(client_id)
                .is_some_and(|c| c.dpop_bound_access_tokens)
    }

    /// Binds `token` (an access or refresh token just issued) to the key `jkt`.
    pub fn bind(&mut self, token: &str, jkt: &str) {
        self.dpop.bindings.insert(digest(token), jkt.to_owned());
    }

    /// The thumbprint of the key `token` is bound to, if it is bound.
    pub fn binding(&self, token: &str) -> Option<&str> {
        self.dpop.bindings.get(&digest(token)).map(String::as_str)
    }

    /// The nonce to give clients now, made anew once the current one is
    /// [`NONCE_LIFETIME`] old.
    pub fn dpop_nonce(&mut self) -> String {
        let now = self.now();
        match &self.dpop.nonce {
            Some((nonce, made)) if now < made.saturating_add(NONCE_LIFETIME) => nonce.clone(),
            _ => {
                let fresh = random::token("");
                let replaced = self.dpop.nonce.replace((fresh.clone(), now));
                self.dpop.previous_nonce = replaced.map(|(nonce, _)| nonce);
                fresh
            }
        }
    }

    /// Whether `nonce` is one the sandbox gave and still takes.
    pub fn dpop_nonce_fresh(&mut self, nonce: &str) -> bool {
        let current = self.dpop_nonce();
        nonce == current || self.dpop.previous_nonce.as_deref() == Some(nonce)
    }
}
