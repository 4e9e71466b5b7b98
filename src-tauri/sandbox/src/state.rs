//! The provider's memory: clients, users, pending consent requests, authorization codes, grants
//! and tokens, and every rule about them (RFC 6749, RFC 7636, RFC 7009, RFC 9700).
//!
//! Tokens are stored only as SHA-256 digests, as real providers do, so neither memory dumps nor
//! the optional state file hold a usable token. A grant is one consent: the code it produced
//! and every access and refresh token descending from it. Revoking a grant revokes them all.

use std::collections::HashMap;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::config::{ClientAuth, ClientConfig, Personality, SandboxConfig, TestUser};
use crate::oauth_error::OAuthError;
use crate::random;

/// How long a consent page may be left open before its request expires.
const PENDING_LIFETIME: u64 = 600;
/// A Facebook long-lived token (`fb_exchange_token`) lasts about 60 days.
const FB_LONG_LIVED: u64 = 60 * 86400;

pub type Time = u64;

fn digest(token: &str) -> String {
    B64.encode(Sha256::digest(token.as_bytes()))
}

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
}

#[derive(Debug, Clone)]
struct Code {
    grant_id: u64,
    client_id: String,
    redirect_uri: String,
    code_challenge: String,
    expires_at: Time,
    used: bool,
}

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

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessToken {
    pub grant_id: u64,
    pub scopes: Vec<String>,
    pub issued_at: Time,
    pub expires_at: Time,
    pub revoked: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct RefreshToken {
    grant_id: u64,
    issued_at: Time,
    /// Rotated away: presenting it again is reuse, and revokes the grant.
    rotated: bool,
    revoked: bool,
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

/// What [`Db::introspect`] and the personalities' token-info endpoints report.
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

pub struct Db {
    pub personality: Personality,
    access_lifetime: u64,
    code_lifetime: u64,
    rotate_refresh_tokens: bool,
    pub clients: Vec<ClientConfig>,
    pub users: Vec<TestUser>,
    pending: HashMap<String, Pending>,
    codes: HashMap<String, Code>,
    grants: HashMap<u64, Grant>,
    access_tokens: HashMap<String, AccessToken>,
    refresh_tokens: HashMap<String, RefreshToken>,
    next_grant: u64,
    /// Seconds added to the wall clock (the admin API moves time forward for QA).
    clock_offset: i64,
    /// Users (by `sub`) whose token requests fail with `invalid_grant` (fault injection), with
    /// how many more times (`None`: until cleared).
    pub invalid_grant_users: Vec<(String, Option<u32>)>,
}

impl Db {
    pub fn new(config: &SandboxConfig) -> Self {
        Self {
            personality: config.personality,
            access_lifetime: config.access_token_lifetime.as_secs().max(1),
            code_lifetime: config.code_lifetime.as_secs().max(1),
            rotate_refresh_tokens: config.rotate_refresh_tokens,
            clients: config.clients.clone(),
            users: config.users.clone(),
            pending: HashMap::new(),
            codes: HashMap::new(),
            grants: HashMap::new(),
            access_tokens: HashMap::new(),
            refresh_tokens: HashMap::new(),
            next_grant: 1,
            clock_offset: 0,
            invalid_grant_users: Vec::new(),
        }
    }

    pub fn now(&self) -> Time {
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        wall.saturating_add_signed(self.clock_offset)
    }

    /// Moves the sandbox's clock forward, so tokens expire without waiting.
    pub fn advance_clock(&mut self, seconds: u64) {
        self.clock_offset = self.clock_offset.saturating_add(seconds as i64);
    }

    pub fn client(&self, client_id: &str) -> Option<&ClientConfig> {
        self.clients.iter().find(|c| c.client_id == client_id)
    }

    pub fn user_by_login(&self, login: &str) -> Option<&TestUser> {
        self.users.iter().find(|u| u.login == login)
    }

    pub fn user_by_sub(&self, sub: &str) -> Option<&TestUser> {
        self.users.iter().find(|u| u.sub == sub)
    }

    /// The user with this login, created on the fly when the tester typed a new one.
    pub fn user_or_create(&mut self, login: &str) -> TestUser {
        if let Some(user) = self.user_by_login(login) {
            return user.clone();
        }
        let user = TestUser::from_login(login);
        self.users.push(user.clone());
        user
    }

    /// Checks a client's credentials as the token, revocation and introspection endpoints
    /// receive them. `secret` is `None` when the client sent none.
    pub fn authenticate(&self, client_id: &str, secret: Option<&str>) -> Result<(), OAuthError> {
        let client = self
            .client(client_id)
            .ok_or_else(|| OAuthError::invalid_client(format!("unknown client {client_id:?}")))?;
        match (client.auth, secret, client.client_secret.as_deref()) {
            (ClientAuth::None, None, _) => Ok(()),
            (ClientAuth::None, Some(_), _) => Err(OAuthError::invalid_client(
                "this is a public client: it must not send a client secret",
            )),
            (ClientAuth::Secret, None, _) => Err(OAuthError::invalid_client(
                "client authentication is required",
            )),
            (ClientAuth::Secret, Some(sent), Some(expected))
                if bool::from(sent.as_bytes().ct_eq(expected.as_bytes())) =>
            {
                Ok(())
            }
            (ClientAuth::Secret, Some(_), _) => {
                Err(OAuthError::invalid_client("client authentication failed"))
            }
        }
    }

    /// Opens a consent request; its id goes into the consent page's form.
    pub fn add_pending(&mut self, mut pending: Pending) -> String {
        let now = self.now();
        self.pending.retain(|_, p| p.expires_at > now);
        pending.expires_at = now + PENDING_LIFETIME;
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
        }
        let declined = pending
            .scopes
            .iter()
            .filter(|s| !scopes.contains(s))
            .cloned()
            .collect();
        let offline = match self.personality {
            Personality::Generic => scopes.iter().any(|s| s == "offline_access"),
            Personality::Google => pending.offline,
            Personality::Facebook => false,
            Personality::Github => true,
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
        let record = self.refresh_tokens.get(&key).cloned().ok_or_else(|| {
            OAuthError::invalid_grant(self.expired_or_revoked("unknown refresh token"))
        })?;
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
        self.check_user_fault(&grant)?;
        let scopes = match scope {
            None => grant.scopes.clone(),
            Some(asked) => {
                if let Some(extra) = asked.iter().find(|s| !grant.scopes.contains(s)) {
                    return Err(OAuthError::invalid_scope(format!(
                        "scope {extra:?} was not granted; a refresh can only narrow the scopes"
                    )));
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

    fn expired_or_revoked(&self, standard: &str) -> String {
        match self.personality {
            Personality::Google => "Token has been expired or revoked.".to_owned(),
            _ => standard.to_owned(),
        }
    }

    fn check_user_fault(&mut self, grant: &Grant) -> Result<(), OAuthError> {
        let Some(index) = self
            .invalid_grant_users
            .iter()
            .position(|(sub, _)| sub == &grant.sub)
        else {
            return Ok(());
        };
        if let Some(remaining) = &mut self.invalid_grant_users[index].1 {
            *remaining = remaining.saturating_sub(1);
            if *remaining == 0 {
                self.invalid_grant_users.remove(index);
            }
        }
        Err(OAuthError::invalid_grant(self.expired_or_revoked(
            "the grant is no longer valid for this user (fault injected)",
        )))
    }

    fn live_grant(&mut self, grant_id: u64) -> Result<Grant, OAuthError> {
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

    fn issue(&mut self, grant: &Grant, scopes: Vec<String>, with_refresh: bool) -> Issued {
        let now = self.now();
        let (access_prefix, refresh_prefix) = match self.personality {
            Personality::Generic => ("sbx_at_", "sbx_rt_"),
            Personality::Google => ("ya29.sbx_", "1//sbx_"),
            Personality::Facebook => ("EAAsbx", ""),
            Personality::Github => ("gho_sbx", "ghr_sbx"),
        };
        let access_token = random::token(access_prefix);
        self.access_tokens.insert(
            digest(&access_token),
            AccessToken {
                grant_id: grant.id,
                scopes: scopes.clone(),
                issued_at: now,
                expires_at: now + self.access_lifetime,
                revoked: false,
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
    /// personality ends the whole grant (Google). Unknown tokens are not an error (§2.2).
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
        if is_refresh || self.personality == Personality::Google {
            self.revoke_grant(grant_id, "revoked by the client");
        } else if let Some(a) = self.access_tokens.get_mut(&key) {
            a.revoked = true;
        }
        Ok(())
    }

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
        Ok(TokenInfo {
            grant: grant.clone(),
            scopes: grant.scopes.clone(),
            issued_at: r.issued_at,
            expires_at: None,
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

    pub fn grants(&self) -> Vec<Grant> {
        let mut grants: Vec<Grant> = self.grants.values().cloned().collect();
        grants.sort_by_key(|g| g.id);
        grants
    }

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

    /// Restores what [`Db::save`] wrote; returns the signing key's secret bytes.
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

/// RFC 7636 §4.1: 43 to 128 unreserved characters.
fn valid_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// Whether `requested` is allowed by a registered redirect URI: exact match, except that
/// loopback IP literals over http may use any port (RFC 8252 §7.3).
pub fn redirect_matches(registered: &str, requested: &str) -> bool {
    if registered == requested {
        return true;
    }
    let (Ok(reg), Ok(req)) = (url::Url::parse(registered), url::Url::parse(requested)) else {
        return false;
    };
    let loopback = |u: &url::Url| {
        u.scheme() == "http" && matches!(u.host_str(), Some("127.0.0.1") | Some("[::1]"))
    };
    loopback(&reg)
        && loopback(&req)
        && reg.host_str() == req.host_str()
        && reg.path() == req.path()
        && reg.query() == req.query()
        && req.fragment().is_none()
        && req.username().is_empty()
        && req.password().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirects_match_any_port_and_nothing_else_does() {
        let reg = "http://127.0.0.1/callback";
        assert!(redirect_matches(reg, "http://127.0.0.1:49152/callback"));
        assert!(redirect_matches(reg, reg));
        assert!(!redirect_matches(reg, "http://127.0.0.1:49152/other"));
        assert!(!redirect_matches(reg, "http://localhost:49152/callback"));
        assert!(!redirect_matches(reg, "https://127.0.0.1:49152/callback"));
        assert!(!redirect_matches(reg, "http://127.0.0.1:1/callback#x"));
        let custom = "dev.grantry:/oauth/callback";
        assert!(redirect_matches(custom, custom));
        assert!(!redirect_matches(custom, "dev.grantry:/oauth/callback/"));
        assert!(!redirect_matches(custom, "dev.grantry:/oauth/callback?x=1"));
        assert!(!redirect_matches(
            "https://a.example/cb",
            "https://a.example:444/cb"
        ));
    }

    #[test]
    fn verifier_grammar_follows_rfc_7636() {
        assert!(valid_verifier(&"a".repeat(43)));
        assert!(!valid_verifier(&"a".repeat(42)));
        assert!(!valid_verifier(&"a".repeat(129)));
        assert!(!valid_verifier(&format!("{}+", "a".repeat(43))));
    }
}
