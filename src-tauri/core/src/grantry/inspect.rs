//! What QA testers look at: scopes re-checked at the provider, the HTTP exchange log,
//! the JSON export, and the repair of what an interrupted run left behind.

use crate::{
    AccountScope, AccountStatus, ActivityKind, Error, Grantry, Repair, exchange, lock, now, revoke,
    tokens,
};

impl Grantry {
    /// Asks the provider which scopes the account's token carries now (S1), through token
    /// introspection (RFC 7662), and records the answer with its source. An inactive token is
    /// refreshed once first.
    pub async fn check_scopes(&self, account_id: i64) -> Result<Vec<AccountScope>, Error> {
        let (outcome, log) = exchange::recorded(self.check_scopes_unlogged(account_id)).await;
        self.keep_exchanges(Some(account_id), &log);
        outcome
    }

    async fn check_scopes_unlogged(&self, account_id: i64) -> Result<Vec<AccountScope>, Error> {
        let account = self.account(account_id)?;
        let env = self.environment(&account.provider, &account.environment)?;
        let endpoints = self.endpoints(&account.provider, &env).await?;
        let Some(endpoint) = endpoints.introspection.clone() else {
            return Err(Error::InvalidInput(format!(
                "{} offers no way to re-check scopes (no introspection endpoint); the scopes \
                 shown are those of the last token response",
                account.provider
            )));
        };
        let secret = self.client_secret(&account.provider, &env)?;
        let key = self.tokens_key_of(&account);
        let mut refreshed = false;
        loop {
            let tokens =
                tokens::load(self.secrets.as_ref(), &key)?.ok_or_else(|| Error::NeedsRelink {
                    account: account_id,
                    reason: "its tokens are missing from the keyring".into(),
                })?;
            let request = revoke::authenticated_post(
                &env,
                secret.as_ref(),
                &endpoint,
                &[
                    ("token", tokens.access_token.expose()),
                    ("token_type_hint", "access_token"),
                ],
            )?;
            let response = self
                .http
                .send(request)
                .await
                .map_err(|source| Error::Unreachable {
                    provider: account.provider.clone(),
                    source,
                })?;
            let malformed = |reason: String| Error::MalformedResponse {
                provider: account.provider.clone(),
                reason,
            };
            if !response.status().is_success() {
                return Err(malformed(format!(
                    "introspection answered HTTP {}",
                    response.status()
                )));
            }
            let answer: serde_json::Value = serde_json::from_slice(response.body())
                .map_err(|e| malformed(format!("its introspection answer is not JSON: {e}")))?;
            match answer["active"].as_bool() {
                Some(true) => {
                    let scope = answer["scope"].as_str().unwrap_or_default();
                    let granted: Vec<String> = scope
                        .split(' ')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect();
                    lock(&self.store).update_scopes(
                        account_id,
                        &granted,
                        "introspection",
                        now(),
                    )?;
                    return self.scopes(account_id);
                }
                Some(false) if !refreshed && account.has_refresh_token => {
                    self.refresh(account_id).await?;
                    refreshed = true;
                }
                Some(false) => {
                    return Err(Error::NeedsRelink {
                        account: account_id,
                        reason: format!("{} reports its access token inactive", account.provider),
                    });
                }
                None => return Err(malformed("its introspection answer has no `active`".into())),
            }
        }
    }

    /// An account's HTTP exchanges with its provider, newest first, every secret masked.
    pub fn exchanges(&self, account_id: i64, limit: u32) -> Result<Vec<exchange::Exchange>, Error> {
        lock(&self.store).exchanges(account_id, limit)
    }

    pub(crate) fn keep_exchanges(&self, account_id: Option<i64>, log: &[exchange::Exchange]) {
        if !log.is_empty() {
            // The log serves QA; failing to keep it must not fail the operation it describes.
            let _ = lock(&self.store).record_exchanges(account_id, log);
        }
    }

    /// A JSON report for QA: every account with its scopes, and the history. No secret is in
    /// it: it is built from metadata only, never from the keyring.
    pub fn export(&self) -> Result<serde_json::Value, Error> {
        let mut accounts = Vec::new();
        for account in self.accounts()? {
            let scopes = lock(&self.store).scopes(account.id)?;
            let mut entry =
                serde_json::to_value(&account).map_err(|e| Error::InvalidInput(e.to_string()))?;
            entry["scopes"] =
                serde_json::to_value(scopes).map_err(|e| Error::InvalidInput(e.to_string()))?;
            accounts.push(entry);
        }
        Ok(serde_json::json!({
            "generator": concat!("Grantry ", env!("CARGO_PKG_VERSION")),
            "generated_at": now(),
            "accounts": accounts,
            "history": self.activity(10_000)?,
        }))
    }

    /// Repairs what an interrupted Grantry (a crash, a kill) can leave behind: tokens in the
    /// keyring with no account (removed), and accounts whose tokens are missing (marked "needs
    /// re-link", never deleted). Run at start; touches only this data folder's keyring items.
    pub fn repair(&self) -> Result<Repair, Error> {
        let prefix = format!("account/{}/", self.installation);
        let stored: Vec<String> = self
            .secrets
            .keys()?
            .into_iter()
            .filter(|key| key.starts_with(&prefix))
            .collect();
        let accounts = self.accounts()?;
        let expected: Vec<(i64, String, AccountStatus)> = accounts
            .iter()
            .map(|a| (a.id, self.tokens_key_of(a), a.status))
            .collect();
        let mut report = Repair::default();
        for key in &stored {
            if !expected.iter().any(|(_, k, _)| k == key) {
                self.secrets.delete(key)?;
                report.orphaned_secrets_removed += 1;
            }
        }
        let now = now();
        let store = lock(&self.store);
        for (id, key, status) in &expected {
            if stored.contains(key) {
                continue;
            }
            if *status == AccountStatus::RevocationPending {
                // Tokens are deleted only once the provider revoked: finish the removal.
                store.delete_account(*id)?;
                let detail = "revocation completed at the provider; the account was removed \
                              when Grantry started again";
                store.record_activity(now, ActivityKind::AccountRevoked, detail, None)?;
                report.revocations_finished += 1;
            } else if *status != AccountStatus::NeedsRelink {
                let reason = "its tokens are missing from the keyring (Grantry was interrupted, or they were deleted)";
                store.set_status(*id, AccountStatus::NeedsRelink, Some(reason), now)?;
                store.record_activity(now, ActivityKind::RefreshFailed, reason, Some(*id))?;
                report.accounts_without_tokens += 1;
            }
        }
        Ok(report)
    }
}
