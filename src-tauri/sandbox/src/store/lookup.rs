//! Looking up a presented token: whether it is active, and if so for which grant, scopes and
//! lifetime. Introspection (RFC 7662), userinfo and the personalities' profile and token-info
//! endpoints all ask here, so they agree on what an expired or revoked token is.
//!
//! Invariants: a lookup never changes the store. A refresh token is never accepted as a bearer
//! token. A token whose grant is revoked is reported revoked, whatever its own record says.

use super::{AuthStore, Grant, Time, digest};

/// What introspection and the personalities' token-info endpoints report of an active token.
#[derive(Debug, Clone)]
pub struct TokenInfo {
    pub grant: Grant,
    pub scopes: Vec<String>,
    pub issued_at: Time,
    pub expires_at: Option<Time>,
    pub kind: TokenKind,
}

/// Why a presented token is not active.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inactive {
    Expired,
    Revoked,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Access,
    Refresh,
}

impl AuthStore {
    /// What an active token allows, or why it is not active.
    pub fn token_status(&self, token: &str) -> Result<TokenInfo, Inactive> {
        let now = self.now();
        let key = digest(token);
        if let Some(a) = self.access_tokens.get(&key) {
            let Some(grant) = self.grants.get(&a.grant_id) else {
                return Err(Inactive::Unknown);
            };
            if a.revoked || grant.revoked.is_some() {
                return Err(Inactive::Revoked);
            }
            if a.expires_at <= now {
                return Err(Inactive::Expired);
            }
            return Ok(TokenInfo {
                grant: grant.clone(),
                scopes: a.scopes.clone(),
                issued_at: a.issued_at,
                expires_at: Some(a.expires_at),
                kind: TokenKind::Access,
            });
        }
        let Some(r) = self.refresh_tokens.get(&key) else {
            return Err(Inactive::Unknown);
        };
        let Some(grant) = self.grants.get(&r.grant_id) else {
            return Err(Inactive::Unknown);
        };
        if r.revoked || r.rotated || grant.revoked.is_some() {
            return Err(Inactive::Revoked);
        }
        if self.refresh_expired(r) {
            return Err(Inactive::Expired);
        }
        Ok(TokenInfo {
            grant: grant.clone(),
            scopes: grant.scopes.clone(),
            issued_at: r.issued_at,
            expires_at: self
                .personality
                .refresh_token_lifetime()
                .map(|lifetime| r.issued_at.saturating_add(lifetime)),
            kind: TokenKind::Refresh,
        })
    }

    /// What a token is, if it is active now.
    pub fn token_info(&self, token: &str) -> Option<TokenInfo> {
        self.token_status(token).ok()
    }

    /// The grant behind a bearer token presented to a resource endpoint.
    pub fn bearer(&self, token: &str) -> Result<TokenInfo, Inactive> {
        match self.token_status(token)? {
            info if info.kind == TokenKind::Access => Ok(info),
            _ => Err(Inactive::Unknown),
        }
    }
}
