//! Re-checking an account's scopes at the provider: token introspection (RFC 7662) tells
//! which scopes its access token carries now, and the answer is recorded with its source. An
//! inactive token is refreshed once first.

use super::{Grantry, lock};
use crate::clock;
use crate::error::Error;
use crate::model::AccountScope;
use crate::oauth::introspection::{self, Introspection};

impl Grantry {
    /// Asks the provider which scopes the account's token carries now, and records the answer.
    pub async fn check_scopes(&self, account_id: i64) -> Result<Vec<AccountScope>, Error> {
        self.logged(self.check_scopes_now(account_id), |_| Some(account_id))
            .await
    }

    async fn check_scopes_now(&self, account_id: i64) -> Result<Vec<AccountScope>, Error> {
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
        let mut refreshed = false;
        loop {
            let tokens = self.tokens_of(&account)?;
            let answer = introspection::introspect(
                &self.http,
                &account.provider,
                &env,
                secret.as_ref(),
                &endpoint,
                &tokens.access_token,
            )
            .await?;
            match answer {
                Introspection::Active { scopes } => {
                    lock(&self.store).update_scopes(
                        account_id,
                        &scopes,
                        "introspection",
                        clock::now(),
                    )?;
                    return self.scopes(account_id);
                }
                Introspection::Inactive if !refreshed && account.has_refresh_token => {
                    self.refresh(account_id).await?;
                    refreshed = true;
                }
                Introspection::Inactive => {
                    return Err(Error::NeedsRelink {
                        account: account_id,
                        reason: format!("{} reports its access token inactive", account.provider),
                    });
                }
            }
        }
    }
}
