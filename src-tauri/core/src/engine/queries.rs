//! What the screens and the command line ask: accounts, their scopes, the history, the HTTP
//! log, and the JSON export. Metadata only: nothing here touches the keyring, so listings
//! work when it is locked or missing.

use super::{Grantry, RefreshPolicy, lock};
use crate::clock;
use crate::error::Error;
use crate::model::{
    AccountDetail, AccountScope, AccountStatus, AccountSummary, ActivityEntry, HttpExchange,
    TokenInfo,
};
use crate::providers::{Preset, Revocation};

impl Grantry {
    /// Every linked account, grouped by provider, for the Accounts screen.
    pub fn accounts(&self) -> Result<Vec<AccountSummary>, Error> {
        lock(&self.store).accounts()
    }

    pub fn account(&self, id: i64) -> Result<AccountSummary, Error> {
        lock(&self.store).account(id)?.ok_or_else(|| {
            Error::UnknownAccount(format!("no account {id}; `grantry accounts` lists them"))
        })
    }

    /// An account's granted and declined scopes.
    pub fn scopes(&self, account_id: i64) -> Result<Vec<AccountScope>, Error> {
        self.account(account_id)?;
        lock(&self.store).scopes(account_id)
    }

    /// Everything the account's screen shows: its profile and status, scopes, where its tokens
    /// stand (the next refresh as `policy` schedules it) and its history (at most `limit`).
    pub fn account_detail(
        &self,
        id: i64,
        policy: RefreshPolicy,
        limit: u32,
    ) -> Result<AccountDetail, Error> {
        let account = self.account(id)?;
        let env = self
            .environment(&account.provider, &account.environment)
            .ok();
        let revocable = env
            .as_ref()
            .is_none_or(|e| e.revocation != Revocation::Unsupported);
        let scopes_revocable = env
            .as_ref()
            .and_then(|e| e.preset)
            .is_some_and(Preset::revokes_one_scope);
        let manage_access_url = env.as_ref().and_then(|e| e.apps_page());
        let preset = env.as_ref().and_then(|e| e.preset);
        // Asked before the store is locked: it reads the providers.
        let renewable = self.renewable(
            &account.provider,
            &account.environment,
            account.has_refresh_token,
        );
        let in_background = self.refreshed_in_background(&account.provider, &account.environment);
        let store = lock(&self.store);
        let record = store.refresh_record(id)?;
        let scheduled = account.status == AccountStatus::Valid && renewable && in_background;
        let next_refresh_at = account
            .access_expires_at
            .filter(|_| scheduled)
            .map(|expires| policy.due_at(record.issued_at, expires));
        let grant_end = super::grant_end::grant_end(&super::grant_end::Known {
            preset,
            has_refresh_token: account.has_refresh_token,
            access_expires_at: account.access_expires_at,
            record: &record,
        });
        // Only an account that needs a new link has a cause.
        let break_cause = match account.status {
            AccountStatus::NeedsRelink => store.status_cause(id)?,
            _ => None,
        };
        Ok(AccountDetail {
            grant_end,
            break_cause,
            scopes: store.scopes(id)?,
            tokens: TokenInfo {
                access_expires_at: account.access_expires_at,
                access_issued_at: record.issued_at,
                has_refresh_token: account.has_refresh_token,
                last_refresh_at: record.last_refresh_at,
                next_refresh_at,
                refreshes: record.refreshes,
                rotations: record.rotations,
                data_access_expires_at: record.data_access_expires_at,
            },
            timeline: store.activity_of(id, limit)?,
            account,
            revocable,
            manage_access_url,
            scopes_revocable,
        })
    }

    /// The most recent activity first, at most `limit` entries.
    pub fn activity(&self, limit: u32) -> Result<Vec<ActivityEntry>, Error> {
        lock(&self.store).activity(limit)
    }

    /// An account's HTTP exchanges with its provider, newest first, every secret masked.
    pub fn http_log(&self, account_id: i64, limit: u32) -> Result<Vec<HttpExchange>, Error> {
        lock(&self.store).http_log(account_id, limit)
    }

    /// The HTTP exchanges behind history entry `activity_id`: those of the operation that
    /// recorded it, in the order they were made, every secret masked.
    pub fn exchanges_of(&self, activity_id: i64) -> Result<Vec<HttpExchange>, Error> {
        lock(&self.store).exchanges_of(activity_id)
    }

    /// A JSON report for QA: every account with its scopes, and the history. No secret is in
    /// it: it is built from metadata only, never from the keyring.
    pub fn export(&self) -> Result<serde_json::Value, Error> {
        let to_json = |value: serde_json::Result<serde_json::Value>| {
            value.map_err(|e| Error::Internal(format!("the report could not be written: {e}")))
        };
        let mut accounts = Vec::new();
        for account in self.accounts()? {
            let detail = self.account_detail(account.id, RefreshPolicy::default(), 0)?;
            let mut entry = to_json(serde_json::to_value(&detail.account))?;
            entry["scopes"] = to_json(serde_json::to_value(detail.scopes))?;
            entry["grant_end"] = to_json(serde_json::to_value(detail.grant_end))?;
            entry["break_cause"] = to_json(serde_json::to_value(detail.break_cause))?;
            accounts.push(entry);
        }
        Ok(serde_json::json!({
            "generator": concat!("Grantry ", env!("CARGO_PKG_VERSION")),
            "generated_at": clock::now(),
            "accounts": accounts,
            "history": self.activity(10_000)?,
        }))
    }
}
