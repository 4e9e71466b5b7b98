//! Token exchange (RFC 8693) for testers: one of an account's tokens (its access token by
//! default, or its refresh or ID token) exchanged at the provider's token endpoint for a token
//! for another audience, resource or scope, and the answer shown decoded
//! (`oauth/token_shape.rs`), as the Inspector shows the account's own tokens.
//!
//! Nothing is stored unless asked: the new token is kept in this process's memory only, under a
//! handle, until it expires, [`MAX_HELD`] newer ones push it out, or the process ends; it leaves
//! only on the person's Reveal, Copy or `grantry exchange --reveal`, or to a file they name
//! (the Inspector's Save…, `--save`; written 0600 and never over an existing file). It never reaches the database, the
//! keyring, the logs or the HTTP log (masked by `redact.rs`); the exchange, and each time the
//! token left, are in the account's history, without it.
//!
//! Invariants: an account being revoked, or gone, exchanges nothing and hands out no token it
//! exchanged; an exchange's HTTP exchanges are kept in the account's HTTP log under the
//! operation `exchange`. The subject access token is refreshed first when it has expired and
//! can be, as for any other use.

use std::collections::BTreeMap;
use std::path::Path;

use super::{Grantry, lock};
use crate::clock;
use crate::error::Error;
use crate::model::{ActivityKind, ExchangeRequest, ExchangeResult, SubjectToken};
use crate::oauth::{token_exchange, token_shape};
use crate::secret::Secret;

/// How many exchanged tokens are kept in memory at most; the oldest goes first.
pub const MAX_HELD: usize = 16;
/// How long a token whose provider gave no lifetime is kept, in seconds.
const HELD_WITHOUT_EXPIRY: i64 = 3600;

/// Where an exchanged token went, as the history tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handover {
    /// Shown in the window (Reveal).
    Window,
    /// Put on the clipboard (Copy).
    Clipboard,
    /// Printed by `grantry exchange --reveal`.
    Printed,
}

/// A token just exchanged: what may be shown of it, and the token itself, which must not be.
#[derive(Debug)]
pub struct Exchanged {
    pub result: ExchangeResult,
    pub token: Secret<String>,
}

/// The exchanged tokens this process holds, by handle.
#[derive(Default)]
pub(super) struct Held {
    next: u32,
    tokens: BTreeMap<u32, HeldToken>,
}

struct HeldToken {
    account_id: i64,
    token: Secret<String>,
    /// When it is dropped from memory.
    until: i64,
    /// What it is, for the history: "the token exchanged for https://api…".
    what: String,
}

impl Held {
    fn keep(&mut self, token: HeldToken) -> u32 {
        self.next = self.next.wrapping_add(1).max(1);
        self.tokens.insert(self.next, token);
        while self.tokens.len() > MAX_HELD {
            self.tokens.pop_first();
        }
        self.next
    }

    fn forget_expired(&mut self, now: i64) {
        self.tokens.retain(|_, held| held.until > now);
    }
}

impl Grantry {
    /// Exchanges one of the account's tokens as `request` asks; the answer decoded, and the
    /// token kept in memory under [`ExchangeResult::handle`].
    pub async fn exchange_token(
        &self,
        account_id: i64,
        request: &ExchangeRequest,
    ) -> Result<Exchanged, Error> {
        let request = checked(request)?;
        let outcome = self
            .logged(
                tracing::info_span!("exchange", account = account_id),
                "exchange",
                Box::pin(self.exchange_now(account_id, &request)),
                |_| Some(account_id),
            )
            .await;
        let account = self.account(account_id)?;
        let target = target(&request);
        let now = clock::now();
        let exchanged = match outcome {
            Ok(exchanged) => exchanged,
            Err(error) => {
                let detail = format!(
                    "the {} of {} could not be exchanged{target}: {error}",
                    request.subject.name(),
                    account.label()
                );
                self.record_failure(
                    ActivityKind::TokenExchangeFailed,
                    &detail,
                    Some(account_id),
                    now,
                );
                return Err(error);
            }
        };
        let lifetime = exchanged
            .result
            .expires_at
            .map(|at| format!(", valid for {} s", at - now))
            .unwrap_or_default();
        let detail = format!(
            "the {} of {} was exchanged at {}{target} for {}{lifetime}; it is kept in memory \
             only",
            request.subject.name(),
            account.label(),
            account.provider,
            exchanged.result.issued_token_type,
        );
        self.record(ActivityKind::TokenExchanged, &detail, Some(account_id), now)?;
        Ok(exchanged)
    }

    async fn exchange_now(
        &self,
        account_id: i64,
        request: &ExchangeRequest,
    ) -> Result<Exchanged, Error> {
        let account = self.account(account_id)?;
        if account.status.is_being_revoked() {
            return Err(Error::Revoked(format!(
                "{} is being revoked; its tokens are not exchanged",
                account.label()
            )));
        }
        let env = self.environment(&account.provider, &account.environment)?;
        // An expired access token is renewed first, when it can be, as for any other use.
        let account = if request.subject == SubjectToken::Access {
            let now = clock::now();
            self.refresh_unless(account_id, |grantry, account| {
                let expired = account.access_expires_at.is_some_and(|at| at <= now + 5);
                let renewable = grantry.renewable(
                    &account.provider,
                    &account.environment,
                    account.has_refresh_token,
                );
                Ok(!(expired && renewable))
            })
            .await?
            .0
        } else {
            account
        };
        let tokens = self.tokens_of(&account)?;
        let subject = match request.subject {
            SubjectToken::Access => Some(&tokens.access_token),
            SubjectToken::Refresh => tokens.refresh_token.as_ref(),
            SubjectToken::Id => tokens.id_token.as_ref(),
        }
        .ok_or_else(|| {
            Error::InvalidInput(format!(
                "{} has no {} to exchange",
                account.label(),
                request.subject.name()
            ))
        })?;
        let endpoints = self.endpoints(&account.provider, &env).await?;
        let secret = self.client_secret(&account.provider, &env)?;
        let requested = request
            .requested_token_type
            .as_deref()
            .map(token_exchange::token_type_uri)
            .transpose()?;
        let issued = token_exchange::exchange(
            &self.http,
            &account.provider,
            &env,
            secret.as_ref(),
            &endpoints.token,
            &token_exchange::Request {
                subject_token: subject,
                subject_token_type: request.subject.type_uri(),
                audience: request.audience.as_deref(),
                resource: request.resource.as_deref(),
                scopes: &request.scopes,
                requested_token_type: requested.as_deref(),
            },
        )
        .await?;
        let now = clock::now();
        let expires_at = issued.expires_in.map(|s| now.saturating_add(s));
        let held = HeldToken {
            account_id,
            token: issued.token.clone(),
            until: expires_at.unwrap_or(now + HELD_WITHOUT_EXPIRY),
            what: format!("the token exchanged{}", target(request)),
        };
        let handle = {
            let mut store = lock(&self.exchanged);
            store.forget_expired(now);
            store.keep(held)
        };
        Ok(Exchanged {
            result: ExchangeResult {
                handle,
                account_id,
                subject: request.subject,
                audience: request.audience.clone(),
                resource: request.resource.clone(),
                issued_token_type: issued.issued_token_type,
                token_type: issued.token_type,
                expires_at,
                scopes: issued.scopes,
                token: token_shape::shape(issued.token.expose()),
            },
            token: issued.token,
        })
    }

    /// Hands a token this process exchanged to `deliver` (the window, the clipboard, the
    /// terminal) for the person who asked, and records that in the account's history. A token
    /// no longer held (expired, pushed out, from another run) or of an account being revoked
    /// or gone is not handed out.
    pub fn deliver_exchanged_token<T>(
        &self,
        handle: u32,
        to: Handover,
        deliver: impl FnOnce(&Secret<String>) -> Result<T, String>,
    ) -> Result<T, Error> {
        let (account_id, token, what) = self.held(handle)?;
        let (kind, done) = match to {
            Handover::Window => (ActivityKind::AccessTokenRevealed, "shown in the window"),
            Handover::Clipboard => (ActivityKind::AccessTokenCopied, "copied to the clipboard"),
            Handover::Printed => (
                ActivityKind::AccessTokenRevealed,
                "printed by grantry exchange",
            ),
        };
        let delivered = deliver(&token)
            .map_err(|reason| Error::Internal(format!("{what} could not be {done}: {reason}")))?;
        let account = self.account(account_id)?;
        let detail = format!("{what} from {} was {done}", account.label());
        self.record(kind, &detail, Some(account_id), clock::now())?;
        Ok(delivered)
    }

    /// Writes a token this process exchanged to a new file at `path`, this user's only (0600);
    /// an existing file is never written over. Recorded in the account's history, naming the
    /// file.
    pub fn save_exchanged_token(&self, handle: u32, path: &Path) -> Result<(), Error> {
        let (account_id, token, what) = self.held(handle)?;
        write_new_private(path, token.expose().as_bytes()).map_err(|error| {
            Error::InvalidInput(format!(
                "{what} could not be saved to {}: {error}",
                path.display()
            ))
        })?;
        let account = self.account(account_id)?;
        let detail = format!(
            "{what} from {} was saved to {}",
            account.label(),
            path.display()
        );
        self.record(
            ActivityKind::ExchangedTokenSaved,
            &detail,
            Some(account_id),
            clock::now(),
        )?;
        Ok(())
    }

    /// The held token under `handle`, if it is still held and its account may hand it out.
    fn held(&self, handle: u32) -> Result<(i64, Secret<String>, String), Error> {
        let (account_id, token, what) = {
            let mut held = lock(&self.exchanged);
            held.forget_expired(clock::now());
            let found = held.tokens.get(&handle).ok_or_else(|| {
                Error::InvalidInput(
                    "that exchanged token is no longer held (it expired, newer ones replaced it, \
                     or Grantry restarted): exchange again"
                        .into(),
                )
            })?;
            (found.account_id, found.token.clone(), found.what.clone())
        };
        let gone = |account: Result<_, Error>| match account {
            Ok(account) => Ok(account),
            Err(error) => {
                lock(&self.exchanged).tokens.remove(&handle);
                Err(error)
            }
        };
        let account = gone(self.account(account_id))?;
        if account.status.is_being_revoked() {
            lock(&self.exchanged).tokens.remove(&handle);
            return Err(Error::Revoked(format!(
                "{} is being revoked; tokens exchanged from it are not handed out",
                account.label()
            )));
        }
        Ok((account_id, token, what))
    }
}

/// `request` with its text trimmed and empty fields dropped; a bad audience, resource or scope
/// is refused before anything is sent.
fn checked(request: &ExchangeRequest) -> Result<ExchangeRequest, Error> {
    let field = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let resource = field(&request.resource);
    if let Some(resource) = &resource {
        let parsed = url::Url::parse(resource).map_err(|_| {
            Error::InvalidInput(format!(
                "the resource {resource:?} must be an absolute URI (RFC 8707 §2)"
            ))
        })?;
        if parsed.fragment().is_some() {
            return Err(Error::InvalidInput(format!(
                "the resource {resource:?} must not have a fragment (RFC 8707 §2)"
            )));
        }
    }
    let audience = field(&request.audience);
    let mut scopes: Vec<String> = Vec::new();
    for scope in request.scopes.iter().flat_map(|s| s.split_whitespace()) {
        if scope.contains(['"', '\\']) || !scope.is_ascii() {
            return Err(Error::InvalidInput(format!(
                "{scope:?} is not a scope (RFC 6749 §3.3)"
            )));
        }
        if !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_owned());
        }
    }
    let requested_token_type = field(&request.requested_token_type);
    if let Some(name) = &requested_token_type {
        token_exchange::token_type_uri(name)?;
    }
    Ok(ExchangeRequest {
        subject: request.subject,
        audience,
        resource,
        scopes,
        requested_token_type,
    })
}

/// " for AUDIENCE and RESOURCE" as asked, or nothing.
fn target(request: &ExchangeRequest) -> String {
    let named: Vec<&str> = [&request.audience, &request.resource]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    if named.is_empty() {
        String::new()
    } else {
        format!(" for {}", named.join(" and "))
    }
}

/// Writes `bytes` to a file that must not exist yet, created this user's only (0600).
fn write_new_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}
