//! Handing an account's access token to another program: `grantry token`, `header` and `exec`,
//! and the app's token service. What is handed out stays valid for at least as long as the
//! caller asks: it is refreshed first when it would expire sooner, under the account's lock and
//! only if it still needs it once the lock is held, so that any number of callers, in this
//! process and in others, and the refresh schedule, refresh it once between them. An account
//! that needs linking again, or is being revoked, hands out nothing. Each hand-out is in the
//! history, naming the program that took the token, never the token.

use super::{Grantry, lock};
use crate::clock;
use crate::error::Error;
use crate::model::{AccountSummary, ActivityKind, ScopeStatus};
use crate::secret::{Secret, TokenType};

/// The most a caller may ask a token to stay valid: a day. More would only ever refresh.
pub const MAX_MIN_VALID: i64 = 24 * 60 * 60;

/// What a program receives: the access token, what kind it is, when it expires and what it
/// allows; the ID token too, for the callers that ask for it.
#[derive(Debug)]
pub struct HandedOut {
    pub account: AccountSummary,
    pub access_token: Secret<String>,
    /// How the token is presented: `Bearer` (RFC 6750 §2.1: `Authorization: Bearer …`), or
    /// `DPoP` (RFC 9449 §7): bound to the account's key, which never leaves Grantry, so the
    /// token works only with a proof Grantry signs; a program given it alone cannot use it.
    pub token_type: &'static str,
    /// Unix seconds; none when the provider said the token does not expire.
    pub expires_at: Option<i64>,
    /// The scopes the provider granted.
    pub scopes: Vec<String>,
    pub id_token: Option<Secret<String>>,
}

impl Grantry {
    /// The account `query` names: its id, else its email (in any case), else its display name
    /// or provider subject. Naming none fails with [`Error::UnknownAccount`]; naming several,
    /// with a list of them to choose from by id.
    pub fn find_account(&self, query: &str) -> Result<AccountSummary, Error> {
        let query = query.trim();
        if let Ok(id) = query.parse::<i64>() {
            return self.account(id);
        }
        let accounts = self.accounts()?;
        let by = |matches: &dyn Fn(&AccountSummary) -> bool| -> Vec<&AccountSummary> {
            accounts.iter().filter(|a| matches(a)).collect()
        };
        let mut found = by(&|a| {
            a.email
                .as_deref()
                .is_some_and(|email| email.eq_ignore_ascii_case(query))
        });
        if found.is_empty() {
            found = by(&|a| a.display_name.as_deref() == Some(query) || a.subject == query);
        }
        match found.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(Error::UnknownAccount(format!(
                "no account is named {query:?} (by id, email or name); `grantry accounts` \
                 lists them"
            ))),
            several => {
                let listed: Vec<String> = several
                    .iter()
                    .map(|a| format!("{} ({}, {})", a.id, a.label(), a.provider))
                    .collect();
                Err(Error::InvalidInput(format!(
                    "{query:?} names {} accounts: {}; name one by its id",
                    several.len(),
                    listed.join("; ")
                )))
            }
        }
    }

    /// How the account's access token is used (`Bearer`, or `DPoP` when bound to its key),
    /// read from the keyring without handing anything out: for callers that must refuse a
    /// token they cannot pass on usefully (`grantry exec`).
    pub fn token_type(&self, account_id: i64) -> Result<TokenType, Error> {
        let account = self.account(account_id)?;
        Ok(self.tokens_of(&account)?.token_type)
    }

    /// The account's access token for `program` (how the history names who took it), valid
    /// for at least `min_valid` seconds: refreshed first if it would expire sooner. An account
    /// whose token cannot be renewed and would expire sooner fails with
    /// [`Error::NeedsRelink`], without being marked: its token may still serve a caller that
    /// asks for less.
    pub async fn hand_out(
        &self,
        account_id: i64,
        min_valid: i64,
        program: &str,
    ) -> Result<HandedOut, Error> {
        if !(0..=MAX_MIN_VALID).contains(&min_valid) {
            return Err(Error::InvalidInput(format!(
                "a token can be asked to stay valid for 0 to {MAX_MIN_VALID} seconds, not \
                 {min_valid}"
            )));
        }
        let (account, _) = self
            .refresh_unless(account_id, |grantry, account| {
                let Some(expires_at) = account.access_expires_at else {
                    return Ok(true);
                };
                let left = expires_at - clock::now();
                if left > min_valid {
                    return Ok(true);
                }
                let renewable = grantry.renewable(
                    &account.provider,
                    &account.environment,
                    account.has_refresh_token,
                );
                if renewable {
                    return Ok(false);
                }
                let when = if left > 0 {
                    format!("expires in {left} s")
                } else {
                    "has expired".to_owned()
                };
                Err(Error::NeedsRelink {
                    account: account_id,
                    reason: format!(
                        "its access token {when} and the provider gave no refresh token to \
                         renew it"
                    ),
                })
            })
            .await?;
        let tokens = self.tokens_of(&account)?;
        let scopes = lock(&self.store)
            .scopes(account_id)?
            .into_iter()
            .filter(|s| s.status == ScopeStatus::Granted)
            .map(|s| s.scope)
            .collect();
        // A revocation may have begun since the lock was let go: nothing is handed out then.
        let account = self.account(account_id)?;
        if account.status.is_being_revoked() {
            return Err(Error::Revoked(format!(
                "account {account_id} is being revoked; its tokens are not handed out"
            )));
        }
        let now = clock::now();
        let detail = format!("tokens of {} handed to {program}", account.label());
        let entry = self.record_by(
            &lock(&self.store),
            ActivityKind::TokenHandedOut,
            &detail,
            Some(account_id),
            Some(program),
            now,
        );
        // Not recorded, not handed out: the history is the promise that every hand-out is in it.
        entry?;
        Ok(HandedOut {
            account,
            token_type: tokens.token_type.as_str(),
            expires_at: tokens.expires_at,
            access_token: tokens.access_token,
            scopes,
            id_token: tokens.id_token,
        })
    }
}
