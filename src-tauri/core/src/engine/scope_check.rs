//! Re-checking an account's scopes at the provider: the preset's own way (Google's tokeninfo,
//! Facebook's permissions, GitLab's token info) or token introspection (RFC 7662) tells which
//! scopes its access token carries now; the answer is stored with its source, and what changed
//! is returned and recorded in the history. An inactive token is refreshed once first. Where
//! the provider allows it (Facebook), one scope can be taken back alone.

use super::{Grantry, lock};
use crate::clock;
use crate::dialects;
use crate::error::Error;
use crate::model::{AccountScope, ActivityKind, ScopeChange, ScopeCheck};
use crate::oauth::dpop::Dpop;
use crate::oauth::introspection::{self, Introspection};

impl Grantry {
    /// Asks the provider which scopes the account's token carries now, stores the answer and
    /// records what changed.
    pub async fn check_scopes(&self, account_id: i64) -> Result<ScopeCheck, Error> {
        let before = self.scopes(account_id)?;
        // Boxed: a refresh inside a scope check inside the HTTP log makes a future too large for
        // a runtime worker's stack in debug builds (it overflowed, killing the app).
        let after = self
            .logged(
                tracing::info_span!("check_scopes", account = account_id),
                "check_scopes",
                Box::pin(self.check_scopes_now(account_id)),
                |_| Some(account_id),
            )
            .await?;
        let changes = changes(&before, &after);
        let account = self.account(account_id)?;
        let detail = if changes.is_empty() {
            format!(
                "scopes of {} checked at {}: unchanged",
                account.label(),
                account.provider
            )
        } else {
            let listed: Vec<String> = changes
                .iter()
                .map(|c| format!("{} {}", c.scope, c.after.as_str().replace('_', " ")))
                .collect();
            format!(
                "scopes of {} checked at {}: {}",
                account.label(),
                account.provider,
                listed.join(", ")
            )
        };
        self.record(
            ActivityKind::ScopesChecked,
            &detail,
            Some(account_id),
            clock::now(),
        )?;
        self.accounts_changed();
        Ok(ScopeCheck {
            scopes: after,
            changes,
        })
    }

    /// Takes one granted scope back at the provider, leaving the others, where it has a way
    /// (Facebook); then asks again which scopes the account holds, and records both.
    pub async fn revoke_scope(&self, account_id: i64, scope: &str) -> Result<ScopeCheck, Error> {
        let account = self.account(account_id)?;
        let env = self.environment(&account.provider, &account.environment)?;
        let granted = self
            .scopes(account_id)?
            .into_iter()
            .any(|s| s.scope == scope && s.status == crate::model::ScopeStatus::Granted);
        if !granted {
            return Err(Error::InvalidInput(format!(
                "{} holds no granted scope {scope:?}",
                account.label()
            )));
        }
        let Some(preset) = env.preset.filter(|p| p.revokes_one_scope()) else {
            return Err(Error::InvalidInput(format!(
                "{} takes scopes back only all together: revoke the account's access instead",
                account.provider
            )));
        };
        let revoked = async {
            let endpoints = self.endpoints(&account.provider, &env).await?;
            let tokens = self.tokens_of(&account)?;
            let token = &tokens.access_token;
            let asked = dialects::revoke_scope(preset, &self.http, &endpoints, token, scope);
            asked.await.unwrap_or(Ok(()))
        };
        let span = tracing::info_span!("revoke_scope", account = account_id, scope);
        self.logged(span, "revoke_scope", revoked, |_| Some(account_id))
            .await?;
        self.record(
            ActivityKind::ScopeRevoked,
            &format!(
                "{scope} taken back from {} at {}",
                account.label(),
                account.provider
            ),
            Some(account_id),
            clock::now(),
        )?;
        Box::pin(self.check_scopes(account_id)).await
    }

    async fn check_scopes_now(&self, account_id: i64) -> Result<Vec<AccountScope>, Error> {
        let account = self.account(account_id)?;
        let env = self.environment(&account.provider, &account.environment)?;
        let endpoints = self.endpoints(&account.provider, &env).await?;
        if let Some(preset) = env.preset {
            let renewable = account.has_refresh_token || preset.renews_without_refresh_token();
            let mut refreshed = false;
            loop {
                let tokens = self.tokens_of(&account)?;
                let token = &tokens.access_token;
                let answer = dialects::granted_scopes(preset, &self.http, &endpoints, token).await;
                let found = match answer {
                    None => break,
                    Some(Ok(found)) => found,
                    // An answer that is not the scopes is the provider refusing the access
                    // token (tokeninfo's 400, token info's 401, Graph's 190): as with
                    // introspection below, it is renewed once and asked again, and a grant
                    // gone at the provider shows as "needs re-link", in the preset's words.
                    Some(Err(Error::MalformedResponse { .. })) if renewable && !refreshed => {
                        Box::pin(self.refresh(account_id)).await?;
                        refreshed = true;
                        continue;
                    }
                    Some(Err(error)) => return Err(error),
                };
                lock(&self.store).update_scopes(
                    account_id,
                    &found.granted,
                    &found.declined,
                    found.source,
                    clock::now(),
                )?;
                return self.scopes(account_id);
            }
        }
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
                (&tokens.access_token, "access_token"),
                Dpop::of(&tokens)?.as_ref(),
            )
            .await?;
            match answer {
                Introspection::Active { scopes, .. } => {
                    lock(&self.store).update_scopes(
                        account_id,
                        &scopes,
                        &[],
                        "introspection",
                        clock::now(),
                    )?;
                    return self.scopes(account_id);
                }
                Introspection::Inactive if !refreshed && account.has_refresh_token => {
                    Box::pin(self.refresh(account_id)).await?;
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

/// The scopes whose status differs between two answers, in the order of `after`.
fn changes(before: &[AccountScope], after: &[AccountScope]) -> Vec<ScopeChange> {
    after
        .iter()
        .filter_map(|now| {
            let was = before
                .iter()
                .find(|b| b.scope == now.scope)
                .map(|b| b.status);
            (was != Some(now.status)).then(|| ScopeChange {
                scope: now.scope.clone(),
                before: was,
                after: now.status,
            })
        })
        .collect()
}
