//! Grants: one consent of one user to one client, and everything that ends or narrows one.
//! Revocation by the admin API, by a client (RFC 7009), by the personalities' own endpoints
//! (Google's revoke, Facebook's `DELETE /me/permissions`, GitHub's `DELETE
//! /applications/{client_id}/grant`), and the `invalid_grant` fault injected for one user; and
//! how each personality words a grant that gives nothing more (Google's one sentence,
//! Microsoft's AADSTS codes).
//!
//! Invariants: a revoked grant stays revoked, with the first reason given; revoking it revokes
//! its access and refresh tokens too, and a code it produced can no longer be redeemed
//! (`issued.rs` checks [`AuthStore::live_grant`]). A client can revoke only its own tokens.
//! Grants are never deleted, so the admin API can list what happened.

use serde::{Deserialize, Serialize};

use super::{AuthStore, Time, digest};
use crate::config::Personality;
use crate::oauth_error::OAuthError;

/// Google's words for a refresh token that no longer works, whatever the reason.
const GOOGLE_EXPIRED_OR_REVOKED: &str = "Token has been expired or revoked.";
/// Microsoft's words for a revoked grant; its error renderer (`src/replies/microsoft.rs`) reads
/// the code from the `AADSTS…:` prefix, as with every Microsoft description.
pub const AADSTS50173: &str = "AADSTS50173: The provided grant has expired due to it being \
     revoked, a fresh auth token is needed. The user might have changed or reset their password.";
/// Microsoft's words for a refresh token unused for longer than its lifetime.
pub const AADSTS700082: &str = "AADSTS700082: The refresh token has expired due to inactivity. \
     The token was inactive for 90.00:00:00.";
/// Microsoft's words for a refresh token it never issued.
const AADSTS9002313: &str = "AADSTS9002313: Invalid request. Request is malformed or invalid.";

/// One consent of one user to one client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub id: u64,
    pub client_id: String,
    pub sub: String,
    pub scopes: Vec<String>,
    /// Requested but unticked on the consent page (or removed later, Facebook).
    pub declined: Vec<String>,
    pub nonce: Option<String>,
    /// Whether a refresh token may be issued.
    pub offline: bool,
    pub force_refresh_token: bool,
    pub auth_time: Time,
    pub revoked: Option<String>,
}

impl AuthStore {
    /// Why a revoked grant gives nothing more, in the personality's words.
    pub(super) fn expired_or_revoked(&self, standard: &str) -> String {
        match self.personality {
            Personality::Google => GOOGLE_EXPIRED_OR_REVOKED.to_owned(),
            Personality::Microsoft => AADSTS50173.to_owned(),
            _ => standard.to_owned(),
        }
    }

    /// Why a refresh token the sandbox never issued is refused.
    pub(super) fn unknown_refresh_token(&self) -> String {
        match self.personality {
            Personality::Google => GOOGLE_EXPIRED_OR_REVOKED.to_owned(),
            Personality::Microsoft => AADSTS9002313.to_owned(),
            _ => "unknown refresh token".to_owned(),
        }
    }

    /// Why a refresh token that outlived its lifetime is refused.
    pub(super) fn idle_expired(&self) -> String {
        match self.personality {
            Personality::Microsoft => AADSTS700082.to_owned(),
            _ => "the refresh token has expired".to_owned(),
        }
    }

    /// A refresh asking for `scope`, which the grant does not hold: the standard
    /// `invalid_scope` (a refresh only narrows, RFC 6749 §6), or Microsoft's AADSTS65001 (the
    /// person never consented to it).
    pub(super) fn not_consented(&self, grant: &Grant, scope: &str) -> OAuthError {
        if self.personality != Personality::Microsoft {
            return OAuthError::invalid_scope(format!(
                "scope {scope:?} was not granted; a refresh can only narrow the scopes"
            ));
        }
        let name = self
            .client(&grant.client_id)
            .map_or("", |c| c.name.as_str());
        OAuthError::invalid_grant(format!(
            "AADSTS65001: The user or administrator has not consented to use the application \
             with ID '{}' named '{name}'. Send an interactive authorization request for this \
             user and resource.",
            grant.client_id
        ))
    }

    pub(super) fn check_user_fault(&mut self, grant: &Grant) -> Result<(), OAuthError> {
        let Some(index) = self
            .invalid_grant_users
            .iter()
            .position(|fault| fault.sub == grant.sub)
        else {
            return Ok(());
        };
        if let Some(remaining) = &mut self.invalid_grant_users[index].count {
            *remaining = remaining.saturating_sub(1);
            if *remaining == 0 {
                self.invalid_grant_users.remove(index);
            }
        }
        Err(OAuthError::invalid_grant(self.expired_or_revoked(
            "the grant is no longer valid for this user (fault injected)",
        )))
    }

    pub(super) fn live_grant(&mut self, grant_id: u64) -> Result<Grant, OAuthError> {
        let grant = self
            .grants
            .get(&grant_id)
            .cloned()
            .ok_or_else(|| OAuthError::invalid_grant("unknown grant"))?;
        if grant.revoked.is_some() {
            return Err(OAuthError::invalid_grant(
                self.expired_or_revoked("grant revoked"),
            ));
        }
        self.check_user_fault(&grant)?;
        Ok(grant)
    }
    /// Revokes a grant: its code, access and refresh tokens all stop working.
    pub fn revoke_grant(&mut self, grant_id: u64, reason: &str) {
        if let Some(grant) = self.grants.get_mut(&grant_id) {
            grant.revoked.get_or_insert_with(|| reason.to_owned());
        }
        for token in self
            .access_tokens
            .values_mut()
            .filter(|t| t.grant_id == grant_id)
        {
            token.revoked = true;
        }
        for token in self
            .refresh_tokens
            .values_mut()
            .filter(|t| t.grant_id == grant_id)
        {
            token.revoked = true;
        }
    }

    /// Revokes every grant `sub` gave `client_id` (Google revoke, Facebook `DELETE
    /// /me/permissions`, GitHub `DELETE /applications/{id}/grant`).
    pub fn revoke_user_grants(&mut self, client_id: &str, sub: &str, reason: &str) {
        let ids: Vec<u64> = self
            .grants
            .values()
            .filter(|g| g.client_id == client_id && g.sub == sub)
            .map(|g| g.id)
            .collect();
        for id in ids {
            self.revoke_grant(id, reason);
        }
    }

    /// RFC 7009 for an authenticated client. Revoking a refresh token revokes its grant (and so
    /// its access tokens); revoking an access token revokes that token only, except where the
    /// personality ends the whole grant (Google, GitLab). Unknown tokens are not an error (§2.2).
    pub fn revoke(&mut self, client_id: &str, token: &str) -> Result<(), OAuthError> {
        let key = digest(token);
        let (grant_id, is_refresh) = if let Some(r) = self.refresh_tokens.get(&key) {
            (r.grant_id, true)
        } else if let Some(a) = self.access_tokens.get(&key) {
            (a.grant_id, false)
        } else {
            return Ok(());
        };
        let owner = self.grants.get(&grant_id).map(|g| g.client_id.clone());
        if owner.as_deref() != Some(client_id) {
            // RFC 7009 §2.1: a token of another client is refused.
            return Err(OAuthError::unauthorized_client(
                "the token was issued to another client",
            ));
        }
        // Google ends the grant whichever token was sent; GitLab (Doorkeeper) keeps an access
        // token and its refresh token as one pair, and rotation makes that pair the grant.
        if is_refresh || matches!(self.personality, Personality::Google | Personality::Gitlab) {
            self.revoke_grant(grant_id, "revoked by the client");
        } else if let Some(a) = self.access_tokens.get_mut(&key) {
            a.revoked = true;
            self.revoke_exchanged_from(&key);
        }
        Ok(())
    }

    /// Facebook `DELETE /me/permissions/{perm}`: takes one permission out of a grant.
    pub fn decline_scope(&mut self, grant_id: u64, scope: &str) -> bool {
        let Some(grant) = self.grants.get_mut(&grant_id) else {
            return false;
        };
        let had = grant.scopes.iter().any(|s| s == scope);
        grant.scopes.retain(|s| s != scope);
        if had && !grant.declined.iter().any(|s| s == scope) {
            grant.declined.push(scope.to_owned());
        }
        for token in self
            .access_tokens
            .values_mut()
            .filter(|t| t.grant_id == grant_id)
        {
            token.scopes.retain(|s| s != scope);
        }
        had
    }

    pub fn grants(&self) -> Vec<Grant> {
        let mut grants: Vec<Grant> = self.grants.values().cloned().collect();
        grants.sort_by_key(|g| g.id);
        grants
    }
}
