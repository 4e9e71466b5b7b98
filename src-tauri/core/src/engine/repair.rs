//! Mending what an interrupted Grantry (a crash, a kill) can leave behind, run at every start
//! of the app and by `grantry repair`: accounts whose tokens are missing are marked "needs
//! re-link", never deleted; a revocation that went through at the provider before the
//! interruption is finished; tokens under the key an older Grantry gave them are moved to their
//! key first. Only this data folder's keyring items are touched.
//!
//! Tokens in the keyring with no account are what a link interrupted between writing its
//! tokens and its account leaves (`engine/link.rs` writes them in that order). The person never
//! saw that account, so nothing in Grantry could ever revoke its grant: repair revokes it at the
//! provider, then removes the tokens. When the provider cannot be reached they are kept, and the
//! next repair tries again; when the provider is no longer configured, or refuses, they are
//! removed and the history says the grant may still be live there.
//!
//! A re-link keeps the refresh token it replaces aside until the provider has revoked it
//! (`engine/link.rs`); one killed before then, or whose provider could not be reached, leaves
//! it behind, and repair revokes it the same way. Should the re-link have been killed before
//! its new tokens were written, the token kept aside is still the account's own: it is then
//! only removed, never revoked.
//!
//! A link writes and deletes a probe item first, to know the keyring takes writes; a link
//! killed in between leaves its probe behind, which is removed once its process is gone.

use super::{Grantry, lock};
use crate::clock;
use crate::error::Error;
use crate::model::{AccountStatus, ActivityKind};
use crate::oauth::revocation::Failure;
use crate::secret_store::token_items;

/// What [`Grantry::repair`] found and mended.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Repair {
    /// Keyring items no account claims (an interrupted link's tokens, a refresh token an
    /// interrupted re-link replaced), removed (revoked at the provider first when it could).
    pub orphaned_secrets_removed: usize,
    /// Of those, the ones whose grant the provider revoked.
    pub orphaned_grants_revoked: usize,
    /// Orphaned items kept because their provider could not be reached: the next repair
    /// revokes and removes them.
    pub orphans_kept: usize,
    pub accounts_without_tokens: usize,
    /// Revocations that went through at the provider before an interruption, now finished.
    pub revocations_finished: usize,
    /// Probe items of links killed between writing and deleting them (`engine/link.rs`).
    pub probes_removed: usize,
}

/// What became of one orphaned keyring item.
enum Orphan {
    Revoked,
    Removed,
    Kept,
}

impl Grantry {
    /// Repairs this data folder after an interruption; see the module docs for what it mends.
    pub async fn repair(&self) -> Result<Repair, Error> {
        let _secrets = self.secrets_lock().await?;
        // Tokens still under an older key would look orphaned below: move them first.
        self.move_token_items()?;
        let keys = self.secrets.keys()?;
        let mut report = Repair::default();
        for key in &keys {
            let writer = token_items::probe_process(&self.installation, key);
            if writer.is_some_and(|pid| !process_runs(pid)) {
                self.secrets.delete(key)?;
                report.probes_removed += 1;
            }
        }
        let prefix = token_items::accounts_prefix(&self.installation);
        let (stored, keys_left): (Vec<String>, Vec<String>) =
            keys.into_iter().partition(|key| key.starts_with(&prefix));
        let expected: Vec<(i64, String, AccountStatus)> = self
            .accounts()?
            .iter()
            .map(|a| (a.id, self.tokens_key(a), a.status))
            .collect();
        let replaced_prefix = token_items::replaced_prefix(&self.installation);
        let replaced = keys_left
            .iter()
            .filter(|key| key.starts_with(&replaced_prefix));
        let orphans = stored
            .iter()
            .filter(|key| !expected.iter().any(|(_, k, _)| k == *key));
        for key in orphans.chain(replaced) {
            let span = tracing::info_span!("repair_orphan");
            match self
                .logged(span, "repair_orphan", self.orphan(key), |_| None)
                .await?
            {
                Orphan::Revoked => {
                    report.orphaned_secrets_removed += 1;
                    report.orphaned_grants_revoked += 1;
                }
                Orphan::Removed => report.orphaned_secrets_removed += 1,
                Orphan::Kept => report.orphans_kept += 1,
            }
        }
        let now = clock::now();
        for (id, key, status) in &expected {
            if stored.contains(key) {
                continue;
            }
            if *status == AccountStatus::RevocationPending {
                // Tokens are deleted only once the provider revoked: finish the removal.
                let store = lock(&self.store);
                store.delete_account(*id)?;
                let detail = "revocation completed at the provider; the account was removed \
                              when Grantry started again";
                self.record_in(&store, ActivityKind::AccountRevoked, detail, None, now)?;
                report.revocations_finished += 1;
            } else if *status != AccountStatus::NeedsRelink {
                let reason = "its tokens are missing from the keyring (Grantry was interrupted, \
                              or they were deleted)";
                let store = lock(&self.store);
                store.set_status(*id, AccountStatus::NeedsRelink, Some(reason), now)?;
                self.record_in(&store, ActivityKind::RefreshFailed, reason, Some(*id), now)?;
                report.accounts_without_tokens += 1;
            }
        }
        if report.orphaned_secrets_removed > 0
            || report.accounts_without_tokens > 0
            || report.revocations_finished > 0
        {
            self.accounts_changed();
        }
        Ok(report)
    }

    /// Revokes an orphaned item's grant at its provider, then removes it; see the module docs.
    async fn orphan(&self, key: &str) -> Result<Orphan, Error> {
        let Some(tokens) = token_items::load(self.secrets.as_ref(), key)? else {
            return Ok(Orphan::Removed);
        };
        let installation = &self.installation;
        let replaced = token_items::parse_replaced_key(installation, key);
        let (provider, environment, subject) = replaced
            .clone()
            .or_else(|| token_items::parse_key(installation, key))
            .unwrap_or_else(|| ("?".into(), "?".into(), "?".into()));
        let what = if replaced.is_some() {
            let account = token_items::key(installation, &provider, &environment, &subject);
            let current = token_items::load(self.secrets.as_ref(), &account)?;
            let refresh = |tokens: &crate::secret::TokenSet| {
                tokens.refresh_token.as_ref().map(|t| t.expose().clone())
            };
            if current.is_some_and(|current| refresh(&current) == refresh(&tokens)) {
                // Kept aside by a re-link killed before its new tokens were written: it is
                // still the account's own, and revoking it would end the account's grant.
                self.secrets.delete(key)?;
                return Ok(Orphan::Removed);
            }
            "the refresh token an interrupted re-link replaced"
        } else {
            "the tokens of an interrupted link"
        };
        let whose = format!("{subject} at {provider} ({environment})");
        let revoked = match self.environment(&provider, &environment) {
            Ok(env) => self.revoke_tokens(&provider, &env, &tokens).await,
            // No longer configured: nowhere to revoke.
            Err(error) => Err(Failure::Refused(error)),
        };
        let (outcome, detail) = match revoked {
            Ok(()) => (
                Orphan::Revoked,
                format!("{what} ({whose}): revoked at the provider, then removed"),
            ),
            Err(Failure::Retry(error)) => {
                let detail =
                    format!("{what} ({whose}): kept until the provider can revoke it: {error}");
                self.record(ActivityKind::RevocationPending, &detail, None, clock::now())?;
                return Ok(Orphan::Kept);
            }
            Err(Failure::Refused(error)) => (
                Orphan::Removed,
                format!(
                    "{what} ({whose}): removed, but not revoked ({error}), so access may \
                     still be live at the provider"
                ),
            ),
        };
        self.secrets.delete(key)?;
        let kind = match outcome {
            Orphan::Revoked => ActivityKind::AccountRevoked,
            _ => ActivityKind::RevocationFailed,
        };
        self.record(kind, &detail, None, clock::now())?;
        Ok(outcome)
    }
}

/// Whether process `pid` runs, from /proc; where there is no /proc, every process counts as
/// running, so that no probe of a live link is ever removed.
fn process_runs(pid: u32) -> bool {
    let proc = std::path::Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}
