//! Authorization requests on their way through the consent page: the authorization endpoint
//! opens one, the person's decision closes it, and consent turns it into a grant and a
//! single-use code (RFC 6749 §4.1.2).
//!
//! Invariants: a request is answered at most once and expires after [`PENDING_LIFETIME`]; a
//! grant never holds a scope the request did not ask for, except the scopes Google's
//! `include_granted_scopes` joins: the earlier grants' scopes join the new grant, and the new
//! grant's join the earlier ones. This file never issues tokens: `issued.rs` does, when
//! the code is redeemed.
//!
//! Floods. Any web page can make the browser GET the authorization endpoint (an `<img>` in a
//! loop is enough), and each GET opens a request. So that this cannot exhaust the sandbox, at
//! most [`MAX_PENDING`] requests wait per [`Opener`], and opening one more drops the oldest
//! of the same opener. Neither the client nor the user agent tells a flood from the person:
//! the page names Grantry's own public client and runs in the person's own browser. What does
//! is the browser's `Sec-Fetch-Site` (W3C Fetch Metadata Request Headers), which no page can
//! set: a consent page the person opened (from the app, a bookmark, the address bar) comes with
//! `none`, a page's requests with `cross-site` or `same-site`. A flood from pages therefore
//! drops only requests other pages opened, never one the person has open. Clients that send
//! no Fetch Metadata (programs, old browsers) share the pages' side: they are not the threat
//! this guards against, and they keep working as before.

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
    /// Who opened the consent page, which decides what a flood may drop.
    pub opener: Opener,
}

/// Who opened a consent page, by the browser's `Sec-Fetch-Site` (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opener {
    /// `none` (the person: from another app, a bookmark, the address bar) or `same-origin`
    /// (the sandbox's own pages).
    Person,
    /// Another site, or a client that sends no Fetch Metadata.
    Elsewhere,
}

impl Opener {
    /// The opener a request's `Sec-Fetch-Site` header tells.
    pub fn from_fetch_site(value: Option<&str>) -> Self {
        match value {
            Some("none" | "same-origin") => Opener::Person,
            _ => Opener::Elsewhere,
        }
    }
}

impl AuthStore {
    /// Opens a consent request; its id goes into the consent page's form.
    pub fn add_pending(&mut self, mut pending: Pending) -> String {
        let now = self.now();
        self.pending.retain(|_, p| p.expires_at > now);
        // Only requests of the same opener make room: pages cannot push out the person's.
        let opener = pending.opener;
        let same = |p: &Pending| p.opener == opener;
        while self.pending.values().filter(|p| same(p)).count() >= MAX_PENDING {
            let oldest = self
                .pending
                .iter()
                .filter(|(_, p)| same(p))
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
        let id = self.record_grant(pending, user, granted);
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

    /// Records consent to `granted` (a subset of the request) as a new grant; returns its id.
    /// The code grant (above) and the device grant (`device.rs`) both consent through it.
    pub(super) fn record_grant(
        &mut self,
        pending: &Pending,
        user: &TestUser,
        granted: Vec<String>,
    ) -> u64 {
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
        id
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
            opener: Opener::Elsewhere,
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

    #[test]
    fn a_flood_from_pages_never_drops_a_request_the_person_opened() {
        let mut store = AuthStore::new(&SandboxConfig::default());
        let person = store.add_pending(Pending {
            opener: Opener::Person,
            ..request()
        });
        for _ in 0..2 * MAX_PENDING {
            store.add_pending(request());
        }
        assert_eq!(store.pending.len(), MAX_PENDING + 1);
        assert!(
            store.take_pending(&person).is_some(),
            "the person's is kept"
        );
    }

    #[test]
    fn only_none_and_same_origin_tell_the_person() {
        for (value, opener) in [
            (Some("none"), Opener::Person),
            (Some("same-origin"), Opener::Person),
            (Some("same-site"), Opener::Elsewhere),
            (Some("cross-site"), Opener::Elsewhere),
            (Some("None"), Opener::Elsewhere),
            (None, Opener::Elsewhere),
        ] {
            assert_eq!(Opener::from_fetch_site(value), opener, "{value:?}");
        }
    }
}
