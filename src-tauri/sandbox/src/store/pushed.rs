//! Pushed authorization requests (RFC 9126): the parameters a client pushed, kept under a
//! `request_uri` until the browser brings it to the authorization endpoint.
//!
//! Invariants: a `request_uri` is unguessable (256 random bits), bound to the client that
//! pushed it, used at most once, and refused after [`PUSHED_LIFETIME`] (RFC 9126 §2.2, §4).
//! At most [`MAX_PUSHED`] wait at once; only authenticated clients can push, and when full the
//! expired go first, then the oldest.

use std::collections::HashMap;

use super::{AuthStore, Time};
use crate::random;

/// How long a `request_uri` can be used: the `expires_in` of the push's answer.
pub const PUSHED_LIFETIME: u64 = 60;

/// The most pushed requests waiting at once.
pub const MAX_PUSHED: usize = 1000;

/// The prefix of every `request_uri` (RFC 9126 §2.2).
pub const REQUEST_URI_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";

/// A pushed request waiting for the browser.
#[derive(Debug, Clone)]
pub struct Pushed {
    pub client_id: String,
    /// The authorization request's parameters, as pushed (the client's credentials left out).
    pub params: Vec<(String, String)>,
    expires_at: Time,
    pushed: u64,
}

/// The requests pushed and not yet used.
#[derive(Debug, Default)]
pub struct PushedRequests {
    waiting: HashMap<String, Pushed>,
    next: u64,
}

/// Why a `request_uri` was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotPushed {
    /// Unknown, used already or expired: the three look alike, as an attacker learns nothing.
    Unknown,
    /// Pushed by another client.
    OtherClient,
}

impl AuthStore {
    /// Keeps a validated authorization request; returns its `request_uri` and lifetime.
    pub fn push_request(
        &mut self,
        client_id: &str,
        params: Vec<(String, String)>,
    ) -> (String, u64) {
        let now = self.now();
        let pushed = &mut self.pushed;
        pushed.waiting.retain(|_, p| p.expires_at > now);
        while pushed.waiting.len() >= MAX_PUSHED {
            let oldest = pushed
                .waiting
                .iter()
                .min_by_key(|(_, p)| p.pushed)
                .map(|(uri, _)| uri.clone());
            let Some(oldest) = oldest else { break };
            pushed.waiting.remove(&oldest);
        }
        let uri = random::token(REQUEST_URI_PREFIX);
        pushed.next += 1;
        pushed.waiting.insert(
            uri.clone(),
            Pushed {
                client_id: client_id.to_owned(),
                params,
                expires_at: now + PUSHED_LIFETIME,
                pushed: pushed.next,
            },
        );
        (uri, PUSHED_LIFETIME)
    }

    /// Takes the request pushed as `request_uri` for `client_id`: gone after this, whatever
    /// the answer, so it is used at most once.
    pub fn take_pushed(&mut self, request_uri: &str, client_id: &str) -> Result<Pushed, NotPushed> {
        let now = self.now();
        let pushed = self
            .pushed
            .waiting
            .remove(request_uri)
            .filter(|p| p.expires_at > now)
            .ok_or(NotPushed::Unknown)?;
        if pushed.client_id != client_id {
            return Err(NotPushed::OtherClient);
        }
        Ok(pushed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SandboxConfig;

    #[test]
    fn a_request_uri_is_single_use_bound_and_expires() {
        let mut store = AuthStore::new(&SandboxConfig::default());
        let params = vec![("scope".to_owned(), "openid".to_owned())];
        let (uri, lifetime) = store.push_request("a", params.clone());
        assert!(uri.starts_with(REQUEST_URI_PREFIX));
        assert_eq!(lifetime, PUSHED_LIFETIME);
        assert_eq!(
            store.take_pushed(&uri, "b").expect_err("refused"),
            NotPushed::OtherClient
        );
        let (uri, _) = store.push_request("a", params.clone());
        assert_eq!(store.take_pushed(&uri, "a").expect("pushed").params, params);
        assert_eq!(
            store.take_pushed(&uri, "a").expect_err("refused"),
            NotPushed::Unknown
        );
        let (uri, _) = store.push_request("a", params);
        store.advance_clock(PUSHED_LIFETIME);
        assert_eq!(
            store.take_pushed(&uri, "a").expect_err("refused"),
            NotPushed::Unknown
        );
    }
}
