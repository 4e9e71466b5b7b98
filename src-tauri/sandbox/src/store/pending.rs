//! Authorization requests on their way through the consent page: the authorization endpoint
//! opens one, the person's decision closes it, and consent turns it into a grant and a
//! single-use code (RFC 6749 §4.1.2).
//!
//! Invariants: at most [`MAX_PENDING`] requests wait at once, the oldest dropped first, so a
//! page that opens the authorization endpoint in a loop (an `<img>` tag is enough) cannot
//! exhaust the sandbox. A request is answered at most once and expires after [`PENDING_LIFETIME`]; a
//! grant never holds a scope the request did not ask for, except the scopes Google's
//! `include_granted_scopes` joins: the earlier grants' scopes join the new grant, and the new
//! grant's join the earlier ones. This file never issues tokens: `issued.rs` does, when
//! the code is redeemed.

use super::{AuthStore, Code, Grant, MAX_PENDING, Time, digest};
use crate::config::{Personality, TestUser};
use crate::random;

/// How long a consent page may be left open before its request expires.
const PENDING_LIFETIME: u64 = 600;

/// An authorization request waiting on the consent page.
#[derive(Debug, Clone)]
pub struct Pending {
    pub client_id: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: String,
    /// Google: `access_type=offline` (a refresh token) and `prompt=consent` (always a new one).
    pub offline: bool,
    pub force_refresh_token: bool,
    /// Google: `include_granted_scopes=true` adds earlier grants' scopes to this one.
    pub include_granted_scopes: bool,
    pub expires_at: Time,
    /// The order requests were opened in, to drop the oldest first.
    pub opened: u64,
}

impl AuthStore {
    /// Opens a consent request; its id goes into the consent page's form.
    pub fn add_pending(&mut self, mut pending: Pending) -> String {
        let now = self.now();
        self.pending.retain(|_, p| p.expires_at > now);
        while self.pending.len() >= MAX_PENDING {
            let oldest = self
                .pending
                .iter()
                .min_by_key(|(_, p)| p.opened)
                .map(|(id, _)| id.clone());
            let Some(oldest) = oldest else { break };
            self.pending.remove(&oldest);
        }
        pending.expires_at = now + PENDING_LIFETIME;
        pending.opened = self.next_pending;
        self.next_pending += 1;
        let id = random::token("req_");
        self.pending.insert(id.clone(), pending);
        id
    }

    /// Closes a consent request: gone whether the user allowed or denied.
    pub fn take_pending(&mut self, id: &str) -> Option<Pending> {
        let now = self.now();
        self.pending.remove(id).filter(|p| p.expires_at > now)
    }

    /// Records consent to `granted` (a subset of the request) and issues a single-use code.
    pub fn consent(&mut self, pending: &Pending, user: &TestUser, granted: Vec<String>) -> String {
        let now = self.now();
        let mut scopes = granted;
        if pending.include_granted_scopes {
            for grant in self.grants.values() {
                let same = grant.client_id == pending.client_id && grant.sub == user.sub;
                if same && grant.revoked.is_none() {
                    scopes.extend(grant.scopes.iter().cloned());
                }
            }
            let mut seen = Vec::new();
            scopes.retain(|s| {
                !seen.contains(s) && {
                    seen.push(s.clone());
                    true
                }
            });
            // Google holds one authorization per user and client: a refresh token of an earlier
            // grant renews the combined scopes too, so a refresh after an incremental
            // authorization does not narrow them again.
            for grant in self.grants.values_mut() {
                let same = grant.client_id == pending.client_id && grant.sub == user.sub;
                if same && grant.revoked.is_none() {
                    for scope in &scopes {
                        if !grant.scopes.contains(scope) {
                            grant.scopes.push(scope.clone());
                        }
                    }
                    grant.declined.retain(|s| !scopes.contains(s));
                }
            }
        }
        let declined = pending
            .scopes
            .iter()
            .filter(|s| !scopes.contains(s))
            .cloned()
            .collect();
        let offline = match self.personality {
            Personality::Generic | Personality::Microsoft => {
                scopes.iter().any(|s| s == "offline_access")
            }
            Personality::Google => pending.offline,
            Personality::Facebook => false,
            // GitLab gives every token a refresh token.
            Personality::Gitlab => true,
            // A GitHub App's expiring user tokens come with a refresh token; an OAuth App's
            // tokens never expire and come alone (`ClientConfig::expiring_tokens`).
            Personality::Github => self
                .client(&pending.client_id)
                .is_none_or(|c| c.expiring_tokens),
        };
        let id = self.next_grant;
        self.next_grant += 1;
        self.grants.insert(
            id,
            Grant {
                id,
                client_id: pending.client_id.clone(),
                sub: user.sub.clone(),
                scopes,
                declined,
                nonce: pending.nonce.clone(),
                offline,
                force_refresh_token: pending.force_refresh_token,
                auth_time: now,
                revoked: None,
            },
        );
        let code = random::token("sbx_code_");
        self.codes.retain(|_, c| c.expires_at > now);
        self.codes.insert(
            digest(&code),
            Code {
                grant_id: id,
                client_id: pending.client_id.clone(),
                redirect_uri: pending.redirect_uri.clone(),
                code_challenge: pending.code_challenge.clone(),
                expires_at: now + self.code_lifetime,
                used: false,
            },
        );
        code
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SandboxConfig;

    fn request() -> Pending {
        Pending {
            client_id: "grantry-desktop".into(),
            redirect_uri: "dev.grantry:/oauth/callback".into(),
            scopes: vec!["openid".into()],
            state: None,
            nonce: None,
            code_challenge: "x".repeat(43),
            offline: false,
            force_refresh_token: false,
            include_granted_scopes: false,
            expires_at: 0,
            opened: 0,
        }
    }

    #[test]
    fn a_flood_of_requests_drops_the_oldest_and_keeps_the_newest() {
        let mut store = AuthStore::new(&SandboxConfig::default());
        let first = store.add_pending(request());
        let second = store.add_pending(request());
        for _ in 2..MAX_PENDING {
            store.add_pending(request());
        }
        let newest = store.add_pending(request());
        assert_eq!(store.pending.len(), MAX_PENDING);
        assert!(store.take_pending(&first).is_none(), "the oldest is gone");
        assert!(store.take_pending(&second).is_some());
        assert!(store.take_pending(&newest).is_some());
    }
}
