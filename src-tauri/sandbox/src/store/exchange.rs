//! Token exchange (RFC 8693 §2): the rules behind `grant_type=urn:ietf:params:oauth:grant-type:
//! token-exchange` at the strict personality's token endpoint (`src/routes/token_exchange.rs`
//! parses the request, verifies ID tokens and signs the new token).
//!
//! What the sandbox accepts, and why it refuses:
//! - the subject token is one of its active access tokens, refresh tokens or ID tokens (§3);
//!   anything inactive, revoked, rotated or unknown, or a token of another type than the one
//!   named, is `invalid_grant`;
//! - the caller must be the client the subject token was issued to, or the audience an earlier
//!   exchange made it for (so a service can exchange the token it was given): anyone else gets
//!   `invalid_grant`;
//! - the targets it knows ([`known_target`]) are the registered clients' ids and `https` URLs
//!   at `sandbox.grantry.test` or under it; any other `audience` or `resource` is
//!   `invalid_target` (§2.2.2);
//! - the new token's scopes are at most the subject token's; asking more is `invalid_scope`.
//!
//! Invariants: the new token descends from the subject token's grant, so revoking the grant
//! (a revoked refresh token, the admin API, reuse detection) ends it too; revoking the subject
//! access token alone ends every token exchanged from it ([`AuthStore::revoke_exchanged_from`]).
//! It is kept, like every token, only as its digest, and it never lives longer than the subject
//! token. An actor token only names who acts (`act`, §4.1); it grants nothing.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::issued::AccessToken;
use super::{AuthStore, Grant, Time, TokenKind, digest};
use crate::oauth_error::OAuthError;

/// The grant type (RFC 8693 §2.1).
pub const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
/// The token type identifiers of RFC 8693 §3 the sandbox deals in.
pub const ACCESS_TOKEN: &str = "urn:ietf:params:oauth:token-type:access_token";
pub const REFRESH_TOKEN: &str = "urn:ietf:params:oauth:token-type:refresh_token";
pub const ID_TOKEN: &str = "urn:ietf:params:oauth:token-type:id_token";
pub const JWT: &str = "urn:ietf:params:oauth:token-type:jwt";

/// The host under which every `https` URL is a target the sandbox knows.
pub const TARGET_HOST: &str = "sandbox.grantry.test";

/// What an exchanged access token remembers beyond any access token's record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct ExchangeRecord {
    /// Its `aud`: one target as a string, several as an array (RFC 7519 §4.1.3).
    pub(super) audience: Value,
    /// The digest of the access token it was exchanged from, if it was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) from: Option<String>,
    /// Its `act` claim (RFC 8693 §4.1), when someone acts for the subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) act: Option<Value>,
}

/// The subject or actor token as presented, already told apart by its type.
pub enum Presented<'a> {
    /// An access or refresh token: looked up by digest.
    Token { token: &'a str, kind: TokenKind },
    /// An ID token whose signature, issuer and expiry the route verified: its claims.
    IdToken(&'a Value),
}

/// What to ask of an exchange.
pub struct ExchangeRequest<'a> {
    pub client_id: &'a str,
    pub subject: Presented<'a>,
    pub actor: Option<Presented<'a>>,
    /// `audience` and `resource`, in that order, as sent.
    pub targets: Vec<&'a str>,
    pub scope: Option<Vec<String>>,
}

/// An exchange the store has allowed: what the new token says. The route signs it, then hands
/// it back through [`AuthStore::record_exchanged`].
#[derive(Debug, Clone)]
pub struct Allowed {
    pub grant: Grant,
    pub scopes: Vec<String>,
    pub audience: Value,
    pub act: Option<Value>,
    pub issued_at: Time,
    pub expires_at: Time,
    from: Option<String>,
}

/// A subject once looked up: its grant, scopes, end and audience.
struct Subject {
    grant: Grant,
    scopes: Vec<String>,
    expires_at: Option<Time>,
    /// The audience of an exchanged access token, whose holder may exchange it again.
    audience: Option<Value>,
    act: Option<Value>,
    /// Its digest, when it is an access token.
    access_digest: Option<String>,
}

/// Whether the sandbox knows `target` as an audience or resource (RFC 8693 §2.2.2): a
/// registered client's id, or an `https` URL at [`TARGET_HOST`] or under it, without a
/// fragment (RFC 8707 §2).
pub fn known_target(store: &AuthStore, target: &str) -> bool {
    if store.client(target).is_some() {
        return true;
    }
    let Ok(url) = url::Url::parse(target) else {
        return false;
    };
    let host = url.host_str().unwrap_or_default();
    url.scheme() == "https"
        && url.fragment().is_none()
        && (host == TARGET_HOST || host.ends_with(&format!(".{TARGET_HOST}")))
}

impl AuthStore {
    /// Decides an exchange (RFC 8693 §2.1, §2.2): what the new token says, or why not. Changes
    /// nothing: [`AuthStore::record_exchanged`] keeps the token once signed.
    pub fn allow_exchange(&mut self, request: &ExchangeRequest<'_>) -> Result<Allowed, OAuthError> {
        let subject = self.subject(&request.subject, "subject")?;
        let caller = request.client_id;
        let holds = subject.grant.client_id == caller
            || subject
                .audience
                .as_ref()
                .is_some_and(|aud| names(aud, caller));
        if !holds {
            return Err(OAuthError::invalid_grant(
                "the subject token was neither issued to this client nor exchanged for it",
            ));
        }
        self.check_user_fault(&subject.grant)?;
        let actor = match &request.actor {
            Some(actor) => Some(self.subject(actor, "actor")?),
            None => None,
        };
        if let Some(unknown) = request.targets.iter().find(|t| !known_target(self, t)) {
            return Err(OAuthError::invalid_target(format!(
                "the sandbox knows no audience or resource {unknown:?}: name a registered \
                 client id or an https URL at {TARGET_HOST}"
            )));
        }
        let audience = match request.targets.as_slice() {
            [] => json!(caller),
            [one] => json!(one),
            several => json!(several),
        };
        let scopes = match &request.scope {
            None => subject.scopes.clone(),
            Some(asked) => {
                if let Some(extra) = asked.iter().find(|s| !subject.scopes.contains(s)) {
                    return Err(OAuthError::invalid_scope(format!(
                        "scope {extra:?} is not in the subject token; an exchange can only \
                         narrow the scopes"
                    )));
                }
                asked.clone()
            }
        };
        let act = match actor {
            Some(actor) => {
                let mut act = json!({ "sub": actor.grant.sub, "client_id": actor.grant.client_id });
                if let Some(before) = subject.act.clone() {
                    act["act"] = before;
                }
                Some(act)
            }
            None => subject.act.clone(),
        };
        let now = self.now();
        let end = now + self.access_lifetime;
        Ok(Allowed {
            grant: subject.grant,
            scopes,
            audience,
            act,
            issued_at: now,
            expires_at: subject.expires_at.map_or(end, |at| at.min(end)),
            from: subject.access_digest,
        })
    }

    /// Keeps the signed token of an allowed exchange, by its digest, with its grant.
    pub fn record_exchanged(&mut self, token: &str, allowed: &Allowed) {
        self.access_tokens.insert(
            digest(token),
            AccessToken {
                grant_id: allowed.grant.id,
                scopes: allowed.scopes.clone(),
                issued_at: allowed.issued_at,
                expires_at: allowed.expires_at,
                revoked: false,
                exchanged: Some(ExchangeRecord {
                    audience: allowed.audience.clone(),
                    from: allowed.from.clone(),
                    act: allowed.act.clone(),
                }),
            },
        );
    }

    /// Revokes every token exchanged, directly or through others, from the access token whose
    /// digest is `key` (its subject token was revoked alone, RFC 7009).
    pub(super) fn revoke_exchanged_from(&mut self, key: &str) {
        let mut ended = vec![key.to_owned()];
        while let Some(parent) = ended.pop() {
            for (digest, token) in self.access_tokens.iter_mut() {
                let child = token
                    .exchanged
                    .as_ref()
                    .is_some_and(|e| e.from.as_deref() == Some(parent.as_str()));
                if child && !token.revoked {
                    token.revoked = true;
                    ended.push(digest.clone());
                }
            }
        }
    }

    /// The audience of an exchanged access token, when `token` is one (introspection).
    pub fn exchanged_audience(&self, token: &str) -> Option<Value> {
        self.access_tokens
            .get(&digest(token))
            .and_then(|t| t.exchanged.as_ref())
            .map(|e| e.audience.clone())
    }

    fn subject(&self, presented: &Presented<'_>, role: &str) -> Result<Subject, OAuthError> {
        match presented {
            Presented::Token { token, kind } => {
                let info = self.token_status(token).map_err(|inactive| {
                    OAuthError::invalid_grant(format!(
                        "the {role} token is not active ({})",
                        match inactive {
                            super::Inactive::Expired => "expired",
                            super::Inactive::Revoked => "revoked",
                            super::Inactive::Unknown => "unknown to the sandbox",
                        }
                    ))
                })?;
                if info.kind != *kind {
                    let is = match info.kind {
                        TokenKind::Access => "an access token",
                        TokenKind::Refresh => "a refresh token",
                    };
                    return Err(OAuthError::invalid_grant(format!(
                        "the {role} token is {is}, not the type its {role}_token_type names"
                    )));
                }
                let record = self
                    .access_tokens
                    .get(&digest(token))
                    .filter(|_| *kind == TokenKind::Access);
                let exchanged = record.and_then(|r| r.exchanged.as_ref());
                Ok(Subject {
                    grant: info.grant,
                    scopes: info.scopes,
                    expires_at: info.expires_at.filter(|_| *kind == TokenKind::Access),
                    audience: exchanged.map(|e| e.audience.clone()),
                    act: exchanged.and_then(|e| e.act.clone()),
                    access_digest: record.map(|_| digest(token)),
                })
            }
            Presented::IdToken(claims) => {
                let (Some(sub), Some(client_id)) = (claims["sub"].as_str(), claims["aud"].as_str())
                else {
                    return Err(OAuthError::invalid_grant(format!(
                        "the {role} ID token names no subject or audience"
                    )));
                };
                // The newest live grant of that user to that client stands behind it.
                let grant = self
                    .grants
                    .values()
                    .filter(|g| g.client_id == client_id && g.sub == sub && g.revoked.is_none())
                    .max_by_key(|g| g.id)
                    .cloned()
                    .ok_or_else(|| {
                        OAuthError::invalid_grant(format!(
                            "the {role} ID token's grant is revoked or unknown"
                        ))
                    })?;
                Ok(Subject {
                    scopes: grant.scopes.clone(),
                    expires_at: claims["exp"].as_u64(),
                    grant,
                    audience: None,
                    act: None,
                    access_digest: None,
                })
            }
        }
    }
}

/// Whether an `aud` value (a string or an array of them) names `who`.
fn names(aud: &Value, who: &str) -> bool {
    match aud {
        Value::String(one) => one == who,
        Value::Array(many) => many.iter().any(|a| a.as_str() == Some(who)),
        _ => false,
    }
}
