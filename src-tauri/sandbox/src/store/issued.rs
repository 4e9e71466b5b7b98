//! What the sandbox hands out and takes back in: authorization codes, access tokens and refresh
//! tokens. Issuing them (in each personality's token shapes), redeeming a code (RFC 6749
//! §4.1.3 with PKCE, RFC 7636 §4.6), refreshing (RFC 6749 §6) with rotation and reuse detection
//! (RFC 9700 §4.14.2), refresh tokens that run out where the personality's do
//! (`Personality::refresh_token_lifetime` in `src/config.rs`), and Facebook's long-lived token
//! exchange.
//!
//! Invariants: a token or code is returned in the clear exactly once, in [`Issued`] or as the
//! code string, and stored only as its digest. A code is redeemed at most once; a second try
//! revokes its grant. A rotated refresh token presented again revokes its grant. A refresh
//! never widens the granted scopes. Nothing here is issued from a revoked grant.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{AuthStore, Grant, Time, TokenKind, digest};
use crate::config::Personality;
use crate::oauth_error::OAuthError;
use crate::random;

/// A Facebook long-lived token (`fb_exchange_token`) lasts about 60 days.
const FB_LONG_LIVED: u64 = 60 * 86400;

/// An authorization code, kept until it expires so that a replay can be recognised.
#[derive(Debug, Clone)]
pub(super) struct Code {
    pub(super) grant_id: u64,
    pub(super) client_id: String,
    pub(super) redirect_uri: String,
    pub(super) code_challenge: String,
    pub(super) expires_at: Time,
    pub(super) used: bool,
}

/// An access token's record; the token itself is known only by its digest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct AccessToken {
    pub(super) grant_id: u64,
    pub(super) scopes: Vec<String>,
    pub(super) issued_at: Time,
    pub(super) expires_at: Time,
    pub(super) revoked: bool,
    /// Set when it was issued by a token exchange (`exchange.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) exchanged: Option<super::exchange::ExchangeRecord>,
}

/// A refresh token's record, kept after rotation so that reuse can be recognised.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct RefreshToken {
    pub(super) grant_id: u64,
    pub(super) issued_at: Time,
    /// Rotated away: presenting it again is reuse, and revokes the grant.
    pub(super) rotated: bool,
    pub(super) revoked: bool,
}

/// Tokens just issued, in the clear, to send back once and then forget.
#[derive(Debug, Clone)]
pub struct Issued {
    pub grant: Grant,
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_in: u64,
    pub scopes: Vec<String>,
}

impl AuthStore {
    /// `grant_type=authorization_code` for an authenticated client (RFC 6749 §4.1.3,
    /// RFC 7636 §4.6). A code presented twice revokes everything it issued.
    pub fn exchange_code(
        &mut self,
        client_id: &str,
        code: &str,
        redirect_uri: Option<&str>,
        verifier: Option<&str>,
    ) -> Result<Issued, OAuthError> {
        let now = self.now();
        let key = digest(code);
        let record = self
            .codes
            .get_mut(&key)
            .ok_or_else(|| OAuthError::invalid_grant("unknown authorization code"))?;
        if record.used {
            let grant_id = record.grant_id;
            self.revoke_grant(grant_id, "authorization code replayed");
            return Err(OAuthError::invalid_grant(
                "authorization code already used; everything it issued is revoked",
            ));
        }
        record.used = true;
        let record = record.clone();
        if record.expires_at <= now {
            return Err(OAuthError::invalid_grant("authorization code expired"));
        }
        if record.client_id != client_id {
            return Err(OAuthError::invalid_grant(
                "authorization code was issued to another client",
            ));
        }
        let redirect_uri = redirect_uri.ok_or_else(|| {
            OAuthError::invalid_request("redirect_uri is required (RFC 6749 §4.1.3)")
        })?;
        if redirect_uri != record.redirect_uri {
            return Err(OAuthError::invalid_grant(
                "redirect_uri does not match the authorization request",
            ));
        }
        let verifier = verifier
            .ok_or_else(|| OAuthError::invalid_request("code_verifier is required (PKCE)"))?;
        if !valid_verifier(verifier) {
            return Err(OAuthError::invalid_request(
                "code_verifier must be 43 to 128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.1)",
            ));
        }
        let challenge = B64.encode(Sha256::digest(verifier.as_bytes()));
        if !bool::from(challenge.as_bytes().ct_eq(record.code_challenge.as_bytes())) {
            return Err(OAuthError::invalid_grant("PKCE verification failed"));
        }
        let grant = self.live_grant(record.grant_id)?;
        let refresh = grant.offline;
        Ok(self.issue(&grant, grant.scopes.clone(), refresh))
    }

    /// `grant_type=refresh_token` (RFC 6749 §6). With rotation on, the presented token is
    /// retired; presenting a retired one again revokes the whole grant (RFC 9700 §4.14.2).
    pub fn refresh(
        &mut self,
        client_id: &str,
        refresh_token: &str,
        scope: Option<Vec<String>>,
    ) -> Result<Issued, OAuthError> {
        let key = digest(refresh_token);
        let record = self
            .refresh_tokens
            .get(&key)
            .cloned()
            .ok_or_else(|| OAuthError::invalid_grant(self.unknown_refresh_token()))?;
        let grant = self
            .grants
            .get(&record.grant_id)
            .cloned()
            .ok_or_else(|| OAuthError::invalid_grant("unknown grant"))?;
        if grant.client_id != client_id {
            return Err(OAuthError::invalid_grant(
                "refresh token was issued to another client",
            ));
        }
        if record.rotated {
            self.revoke_grant(grant.id, "a rotated refresh token was used again");
            return Err(OAuthError::invalid_grant(self.expired_or_revoked(
                "refresh token already used: reuse detected, the grant is revoked",
            )));
        }
        if record.revoked || grant.revoked.is_some() {
            return Err(OAuthError::invalid_grant(
                self.expired_or_revoked("refresh token revoked"),
            ));
        }
        if self.refresh_expired(&record) {
            return Err(OAuthError::invalid_grant(self.idle_expired()));
        }
        self.check_user_fault(&grant)?;
        let scopes = match scope {
            None => grant.scopes.clone(),
            Some(asked) => {
                if let Some(extra) = asked.iter().find(|s| !grant.scopes.contains(s)) {
                    return Err(self.not_consented(&grant, extra));
                }
                asked
            }
        };
        let mut issued = self.issue(&grant, scopes, self.rotate_refresh_tokens);
        if self.rotate_refresh_tokens {
            if let Some(old) = self.refresh_tokens.get_mut(&key) {
                old.rotated = true;
            }
        } else {
            issued.refresh_token = None;
        }
        Ok(issued)
    }

    /// Facebook's `grant_type=fb_exchange_token`: a valid token for a long-lived one.
    pub fn exchange_long_lived(
        &mut self,
        client_id: &str,
        token: &str,
    ) -> Result<Issued, OAuthError> {
        let info = self
            .token_info(token)
            .filter(|info| info.kind == TokenKind::Access)
            .ok_or_else(|| OAuthError::invalid_grant("the token to exchange is not valid"))?;
        if info.grant.client_id != client_id {
            return Err(OAuthError::invalid_grant(
                "the token belongs to another app",
            ));
        }
        let mut issued = self.issue(&info.grant, info.scopes, false);
        let now = self.now();
        if let Some(record) = self.access_tokens.get_mut(&digest(&issued.access_token)) {
            record.expires_at = now + FB_LONG_LIVED;
        }
        issued.expires_in = FB_LONG_LIVED;
        Ok(issued)
    }

    pub(super) fn issue(
        &mut self,
        grant: &Grant,
        scopes: Vec<String>,
        with_refresh: bool,
    ) -> Issued {
        let now = self.now();
        let (access_prefix, refresh_prefix) = match self.personality {
            Personality::Generic => ("sbx_at_", "sbx_rt_"),
            Personality::Google => ("ya29.sbx_", "1//sbx_"),
            Personality::Facebook => ("EAAsbx", ""),
            Personality::Github => ("gho_sbx", "ghr_sbx"),
            Personality::Microsoft => ("EwB_sbx_", "0.A_sbx_"),
            Personality::Gitlab => ("glsbx_at_", "glsbx_rt_"),
        };
        let access_token = random::token(access_prefix);
        // A GitHub OAuth App's token (no refresh token) never expires.
        let expires_at = match self.personality {
            Personality::Github if !grant.offline => Time::MAX,
            _ => now + self.access_lifetime,
        };
        self.access_tokens.insert(
            digest(&access_token),
            AccessToken {
                grant_id: grant.id,
                scopes: scopes.clone(),
                issued_at: now,
                expires_at,
                revoked: false,
                exchanged: None,
            },
        );
        // Google sends a refresh token when the user has none live for this client yet, or
        // again when the request had prompt=consent.
        let first = !self.refresh_tokens.values().any(|r| {
            !r.revoked
                && self.grants.get(&r.grant_id).is_some_and(|g| {
                    g.client_id == grant.client_id && g.sub == grant.sub && g.revoked.is_none()
                })
        });
        let refresh_due = with_refresh
            && (self.personality != Personality::Google || first || grant.force_refresh_token);
        let refresh_token = refresh_due.then(|| {
            let token = random::token(refresh_prefix);
            self.refresh_tokens.insert(
                digest(&token),
                RefreshToken {
                    grant_id: grant.id,
                    issued_at: now,
                    rotated: false,
                    revoked: false,
                },
            );
            token
        });
        Issued {
            grant: grant.clone(),
            access_token,
            refresh_token,
            expires_in: self.access_lifetime,
            scopes,
        }
    }

    /// Whether a refresh token has outlived the personality's refresh-token lifetime
    /// ([`Personality::refresh_token_lifetime`]); rotation makes that a limit on inactivity.
    pub(super) fn refresh_expired(&self, record: &RefreshToken) -> bool {
        self.personality
            .refresh_token_lifetime()
            .is_some_and(|lifetime| self.now() >= record.issued_at.saturating_add(lifetime))
    }

    /// Makes every access token expire now (the refresh tokens stay valid).
    pub fn expire_access_tokens(&mut self) -> usize {
        let now = self.now();
        let mut count = 0;
        for token in self
            .access_tokens
            .values_mut()
            .filter(|t| t.expires_at > now)
        {
            token.expires_at = now;
            count += 1;
        }
        count
    }
}

/// RFC 7636 §4.1: 43 to 128 unreserved characters.
fn valid_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifier_grammar_follows_rfc_7636() {
        assert!(valid_verifier(&"a".repeat(43)));
        assert!(!valid_verifier(&"a".repeat(42)));
        assert!(!valid_verifier(&"a".repeat(129)));
        assert!(!valid_verifier(&format!("{}+", "a".repeat(43))));
    }
}
