//! Automatic refresh: one timer for the account due next, no polling loop. The schedule
//! sleeps until the next access token is due (or until accounts change), refreshes that
//! account, and looks again. Accounts that need re-linking, or whose revocation is under way,
//! are left alone. So are accounts of a provider reached over plain http, unless it opted in
//! to background refresh (`providers/config.rs`): unattended, nobody would notice that another
//! local user took the provider's port while it was down, and the refresh would hand them the
//! refresh token and client secret. An account whose refresh failed is retried a minute later;
//! each failure is counted on the account (`engine/refresh.rs`), so that the window and
//! `grantry accounts` say why its token may lapse.
//!
//! When a token is due ([`RefreshPolicy::due_at`]) depends on its lifetime, so that no
//! lifetime makes the schedule spin: `lead` seconds before expiry, but never more than half
//! the lifetime before, and never sooner than `min_interval` after the token was issued. A 5-second
//! token is refreshed every 30 seconds, a 30-second one every 15 (after 15 s, at the earliest
//! 30 s after issue), a one-hour one two minutes before it expires.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use super::{Grantry, lock};
use crate::clock::now;
use crate::error::Error;

/// After a failed automatic refresh, wait this long before trying that account again.
const RETRY_AFTER_FAILURE: i64 = 60;

/// When tokens are refreshed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshPolicy {
    /// How long before expiry a token is refreshed, at most half its lifetime.
    pub lead: i64,
    /// The shortest time between two automatic refreshes of one account, whatever the
    /// lifetime.
    pub min_interval: i64,
}

impl Default for RefreshPolicy {
    /// Two minutes before expiry; at most every 30 seconds.
    fn default() -> Self {
        Self {
            lead: 120,
            min_interval: 30,
        }
    }
}

impl RefreshPolicy {
    /// When a token issued at `issued` that expires at `expires` should be refreshed (Unix
    /// seconds).
    pub fn due_at(&self, issued: i64, expires: i64) -> i64 {
        let lifetime = expires.saturating_sub(issued).max(0);
        let before = self.lead.clamp(0, lifetime / 2);
        expires
            .saturating_sub(before)
            .max(issued.saturating_add(self.min_interval))
    }
}

impl Grantry {
    /// The account whose token should be refreshed next, and when (Unix seconds). Accounts
    /// without a refresh token, or needing attention, are not scheduled.
    pub fn next_refresh(
        &self,
        policy: RefreshPolicy,
        skip_until: &HashMap<i64, i64>,
    ) -> Result<Option<(i64, i64)>, Error> {
        let lifetimes = lock(&self.store).token_lifetimes()?;
        let next = lifetimes
            .into_iter()
            .filter(|t| self.renewable(&t.provider, &t.environment, t.has_refresh_token))
            .filter(|t| self.refreshed_in_background(&t.provider, &t.environment))
            .map(|token| {
                let due = policy.due_at(token.issued_at, token.expires_at);
                let skip = skip_until.get(&token.account_id).copied();
                (token.account_id, due.max(skip.unwrap_or(i64::MIN)))
            })
            .min_by_key(|(_, due)| *due);
        Ok(next)
    }

    /// Whether the schedule may refresh an account of this environment unattended (see
    /// [`crate::providers::Environment::refreshed_in_background`]). An environment no longer
    /// known has no endpoints to send anything to; its refresh fails, as it always did.
    pub(super) fn refreshed_in_background(&self, provider: &str, environment: &str) -> bool {
        self.environment(provider, environment)
            .ok()
            .is_none_or(|env| env.refreshed_in_background())
    }

    /// Refreshes `account` if it is still due once its lock is held: a `grantry token`, the
    /// window or another process may have refreshed it since the schedule looked.
    async fn refresh_if_due(&self, account: i64, policy: RefreshPolicy) -> Result<(), Error> {
        self.refresh_unless(account, |grantry, _| {
            let due = lock(&grantry.store)
                .token_lifetimes()?
                .into_iter()
                .find(|t| t.account_id == account)
                .map(|t| policy.due_at(t.issued_at, t.expires_at));
            Ok(due.is_none_or(|due| due > now()))
        })
        .await
        .map(|_| ())
    }

    /// Runs the schedule until the task is dropped. Whenever accounts are linked, refreshed or
    /// removed through this `Grantry`, the timer is set again.
    pub async fn run_refresh_schedule(self: Arc<Self>, policy: RefreshPolicy) {
        let mut skip_until: HashMap<i64, i64> = HashMap::new();
        loop {
            let next = match self.next_refresh(policy, &skip_until) {
                Ok(next) => next,
                Err(error) => {
                    // The database could not be read: look again later rather than never.
                    tracing::error!(
                        "the refresh schedule cannot read the accounts; trying again in \
                         {RETRY_AFTER_FAILURE} s: {error}"
                    );
                    let retry = Duration::from_secs(RETRY_AFTER_FAILURE.unsigned_abs());
                    tokio::select! {
                        () = tokio::time::sleep(retry) => {}
                        () = self.changed.notified() => {}
                    }
                    continue;
                }
            };
            let Some((account, due)) = next else {
                tracing::debug!("no account to refresh; waiting for a change");
                self.changed.notified().await;
                continue;
            };
            let wait = Duration::from_secs(u64::try_from(due - now()).unwrap_or(0));
            tracing::debug!(account, "next automatic refresh in {} s", wait.as_secs());
            tokio::select! {
                () = tokio::time::sleep(wait) => {
                    match self.refresh_if_due(account, policy).await {
                        Ok(_) => {
                            skip_until.remove(&account);
                        }
                        Err(error) => {
                            tracing::warn!(
                                account,
                                "automatic refresh failed; trying again in \
                                 {RETRY_AFTER_FAILURE} s at the earliest: {error}"
                            );
                            skip_until.insert(account, now() + RETRY_AFTER_FAILURE);
                        }
                    }
                }
                () = self.changed.notified() => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn due_at(issued: i64, expires: i64, lead: i64) -> i64 {
        RefreshPolicy {
            lead,
            ..RefreshPolicy::default()
        }
        .due_at(issued, expires)
    }

    const LEAD: i64 = 120;
    const MIN_INTERVAL: i64 = 30;

    #[test]
    fn an_hour_long_token_is_refreshed_the_lead_before_it_expires() {
        assert_eq!(due_at(1_000, 4_600, LEAD), 4_600 - LEAD);
    }

    #[test]
    fn a_token_shorter_than_the_lead_is_refreshed_at_half_its_life_or_later() {
        // 30 s: half its life is 15 s, but never sooner than 30 s after issue.
        assert_eq!(due_at(1_000, 1_030, LEAD), 1_030);
        // 5 s: every 30 s, though it is expired meanwhile; never a tight loop.
        assert_eq!(due_at(1_000, 1_005, LEAD), 1_030);
        // 4 minutes: half its life, 2 minutes before expiry.
        assert_eq!(due_at(1_000, 1_240, LEAD), 1_120);
    }

    #[test]
    fn absurd_lifetimes_neither_overflow_nor_spin() {
        assert_eq!(due_at(1_000, i64::MAX, LEAD), i64::MAX - LEAD);
        assert_eq!(due_at(1_000, 900, LEAD), 1_030, "already expired at issue");
        assert_eq!(due_at(i64::MAX - 5, i64::MAX, LEAD), i64::MAX);
        assert_eq!(due_at(1_000, 2_000, i64::MAX), 1_500);
    }

    #[test]
    fn after_a_refresh_the_next_is_at_least_a_minimum_interval_away() {
        for lifetime in [0, 1, 5, 29, 30, 31, 59, 60, 61, 239, 3_600, 86_400, 1 << 40] {
            let issued = 1_000_000;
            let due = due_at(issued, issued + lifetime, LEAD);
            assert!(
                due >= issued + MIN_INTERVAL,
                "lifetime {lifetime}: due {due}"
            );
            assert!(
                due >= issued + (lifetime - LEAD).min(lifetime / 2).max(0),
                "lifetime {lifetime}: refreshed earlier than it needs"
            );
        }
    }
}
