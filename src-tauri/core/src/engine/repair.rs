//! Mending what an interrupted Grantry (a crash, a kill) can leave behind, run at every start
//! of the app and by `grantry repair`: tokens in the keyring with no account are removed;
//! accounts whose tokens are missing are marked "needs re-link", never deleted; a revocation
//! that went through at the provider before the interruption is finished; tokens under the key
//! an older Grantry gave them are moved to their key first. Only this data folder's keyring
//! items are touched.

use super::{Grantry, lock};
use crate::clock;
use crate::error::Error;
use crate::model::{AccountStatus, ActivityKind};
use crate::secret_store::token_items;

/// What [`Grantry::repair`] found and mended.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Repair {
    pub orphaned_secrets_removed: usize,
    pub accounts_without_tokens: usize,
    /// Revocations that went through at the provider before an interruption, now finished.
    pub revocations_finished: usize,
}

impl Grantry {
    /// Repairs this data folder after an interruption; see the module docs for what it mends.
    pub fn repair(&self) -> Result<Repair, Error> {
        let _secrets = super::lock_file(&self.data_dir.join("locks").join("secrets.lock"))?;
        // Tokens still under an older key would look orphaned below: move them first.
        self.move_token_items()?;
        let prefix = token_items::accounts_prefix(&self.installation);
        let stored: Vec<String> = self
            .secrets
            .keys()?
            .into_iter()
            .filter(|key| key.starts_with(&prefix))
            .collect();
        let expected: Vec<(i64, String, AccountStatus)> = self
            .accounts()?
            .iter()
            .map(|a| (a.id, self.tokens_key(a), a.status))
            .collect();
        let mut report = Repair::default();
        for key in &stored {
            if !expected.iter().any(|(_, k, _)| k == key) {
                self.secrets.delete(key)?;
                report.orphaned_secrets_removed += 1;
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
        if report != Repair::default() {
            self.accounts_changed();
        }
        Ok(report)
    }
}
