//! Automatic refresh: one timer for the account due next, no polling loop. The schedule
//! sleeps until the next access token is about to expire (or until it is told that accounts
//! changed), refreshes that account, and looks again. Accounts that need re-linking are left
//! alone; an account whose refresh failed is retried a minute later, not in a tight loop.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use super::Grantry;
use crate::clock::now;
use crate::error::Error;
use crate::model::AccountStatus;

/// After a failed automatic refresh, wait this long before trying that account again.
const RETRY_AFTER_FAILURE: i64 = 60;

impl Grantry {
    /// The account whose token should be refreshed next, and when (Unix seconds): `lead`
    /// seconds before its access token expires. Accounts without a refresh token, or needing
    /// attention, are not scheduled.
    pub fn next_refresh(
        &self,
        lead: i64,
        skip_until: &HashMap<i64, i64>,
    ) -> Result<Option<(i64, i64)>, Error> {
        let next = self
            .accounts()?
            .into_iter()
            .filter(|a| a.has_refresh_token && a.status == AccountStatus::Valid)
            .filter_map(|a| {
                let due = a.access_expires_at? - lead;
                let due = due.max(skip_until.get(&a.id).copied().unwrap_or(i64::MIN));
                Some((a.id, due))
            })
            .min_by_key(|(_, due)| *due);
        Ok(next)
    }

    /// Runs the schedule until the task is dropped. Whenever accounts are linked, refreshed or
    /// removed through this `Grantry`, the timer is set again.
    pub async fn run_refresh_schedule(self: Arc<Self>, lead: Duration) {
        let lead = i64::try_from(lead.as_secs()).unwrap_or(i64::MAX / 2);
        let mut skip_until: HashMap<i64, i64> = HashMap::new();
        loop {
            let next = self.next_refresh(lead, &skip_until).unwrap_or(None);
            let Some((account, due)) = next else {
                self.changed.notified().await;
                continue;
            };
            let wait = Duration::from_secs(u64::try_from(due - now()).unwrap_or(0));
            tokio::select! {
                () = tokio::time::sleep(wait) => {
                    if self.refresh(account).await.is_err() {
                        skip_until.insert(account, now() + RETRY_AFTER_FAILURE);
                    } else {
                        skip_until.remove(&account);
                    }
                }
                () = self.changed.notified() => {}
            }
        }
    }
}
