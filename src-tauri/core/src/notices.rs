//! Which activity deserves a desktop notification, and what it says: an account that has come
//! to need re-linking, a revocation that stays pending, and a grant that ends within days,
//! once per episode. Decided from the
//! history entry and the account as it stands now; showing it is the app's business
//! (`src-tauri/src/notify.rs`).

use std::collections::HashMap;

use crate::model::{AccountStatus, AccountSummary, ActivityEntry, ActivityKind};

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    NeedsRelink,
    RevocationPending,
    GrantEndingSoon,
}

/// A notification to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub account: i64,
    pub trigger: Trigger,
    pub summary: String,
    pub body: String,
}

impl Notice {
    /// The body as a notification service that renders markup reads it (the Desktop
    /// Notifications Specification allows `<b>`, `<a href>`, `<img>`…): `&`, `<` and `>`
    /// escaped, so that a provider's text in it shows as text, never as a link or an image.
    pub fn body_markup(&self) -> String {
        self.body
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    }
}

/// Whether `entry` may call for a notification, and about which account: decided from the
/// entry alone, so the sink stays cheap for every other event.
pub fn candidate(entry: &ActivityEntry) -> Option<i64> {
    match entry.kind {
        ActivityKind::RefreshFailed
        | ActivityKind::RevocationPending
        | ActivityKind::GrantEndingSoon => entry.account_id,
        _ => None,
    }
}

/// The notification `entry` calls for, given its account as it stands now (and the provider's
/// name): only when the account's status confirms it. A refresh that failed for a passing
/// reason (the provider unreachable) leaves the account valid and shows nothing.
pub fn notice(entry: &ActivityEntry, account: &AccountSummary, provider: &str) -> Option<Notice> {
    if entry.account_id != Some(account.id) {
        return None;
    }
    let label = account.label();
    let reason = account.status_reason.as_deref().unwrap_or(&entry.detail);
    match (entry.kind, account.status) {
        (ActivityKind::RefreshFailed, AccountStatus::NeedsRelink) => Some(Notice {
            account: account.id,
            trigger: Trigger::NeedsRelink,
            summary: format!("Grantry: {label} at {provider} needs to be linked again"),
            body: reason.to_owned(),
        }),
        (ActivityKind::GrantEndingSoon, AccountStatus::Valid) => Some(Notice {
            account: account.id,
            trigger: Trigger::GrantEndingSoon,
            summary: format!("Grantry: {label}'s access at {provider} ends soon"),
            body: entry.detail.clone(),
        }),
        (ActivityKind::RevocationPending, AccountStatus::RevocationPending) => Some(Notice {
            account: account.id,
            trigger: Trigger::RevocationPending,
            summary: format!("Grantry: revocation pending for {label} at {provider}"),
            body: format!(
                "Access has not been taken back at the provider yet; Grantry keeps trying. {reason}"
            ),
        }),
        _ => None,
    }
}

/// What was notified already, per account, so one episode (a revocation retried ten times)
/// shows one notification; linking the account again starts a new episode.
#[derive(Debug, Default)]
pub struct Shown(HashMap<i64, Trigger>);

impl Shown {
    /// Notes `notice`; false when the same was shown for the account already.
    pub fn admit(&mut self, notice: &Notice) -> bool {
        self.0.insert(notice.account, notice.trigger) != Some(notice.trigger)
    }

    /// After an entry that mends or ends an account, its next trouble is news again.
    pub fn settle(&mut self, entry: &ActivityEntry) {
        let settles = matches!(
            entry.kind,
            ActivityKind::AccountLinked
                | ActivityKind::AccountRelinked
                | ActivityKind::TokenRefreshed
                | ActivityKind::AccountRevoked
                | ActivityKind::AccountForgotten
        );
        if let (true, Some(account)) = (settles, entry.account_id) {
            self.0.remove(&account);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: ActivityKind, account_id: Option<i64>) -> ActivityEntry {
        ActivityEntry {
            id: 9,
            at: 1_000,
            kind,
            detail: "refresh failed: connection refused".into(),
            account_id,
            exchanges: 0,
            program: None,
        }
    }

    fn alice(status: AccountStatus, reason: Option<&str>) -> AccountSummary {
        AccountSummary {
            id: 4,
            provider: "sandbox".into(),
            environment: "local".into(),
            subject: "u-alice".into(),
            display_name: Some("Alice".into()),
            email: Some("alice@example.test".into()),
            picture_url: None,
            access_expires_at: None,
            scope_count: 3,
            status,
            status_reason: reason.map(Into::into),
            has_refresh_token: true,
            failing_refresh: None,
        }
    }

    #[test]
    fn a_grant_ending_soon_is_told_while_the_account_is_valid_and_once() {
        let mut said = entry(ActivityKind::GrantEndingSoon, Some(4));
        said.detail = "the grant of alice@example.test ends in about 2 days".into();
        assert_eq!(candidate(&said), Some(4));
        let shown = notice(&said, &alice(AccountStatus::Valid, None), "Sandbox").expect("notice");
        assert_eq!(shown.trigger, Trigger::GrantEndingSoon);
        assert!(shown.summary.contains("ends soon"), "{}", shown.summary);
        assert_eq!(shown.body, said.detail);
        let mut seen = Shown::default();
        assert!(seen.admit(&shown));
        assert!(!seen.admit(&shown), "once");
        assert!(notice(&said, &alice(AccountStatus::NeedsRelink, None), "Sandbox").is_none());
    }

    #[test]
    fn a_providers_markup_in_the_body_is_shown_as_text() {
        let notice = Notice {
            account: 1,
            trigger: Trigger::NeedsRelink,
            summary: "Alice needs to be linked again".into(),
            body: r#"<a href="https://evil.test">Click</a> <img src="x"> & more"#.into(),
        };
        assert_eq!(
            notice.body_markup(),
            "&lt;a href=\"https://evil.test\"&gt;Click&lt;/a&gt; &lt;img src=\"x\"&gt; &amp; more"
        );
    }

    #[test]
    fn only_failed_refreshes_and_pending_revocations_of_an_account_are_candidates() {
        use ActivityKind::*;
        let of = |kind, account| candidate(&entry(kind, account));
        assert_eq!(of(RefreshFailed, Some(4)), Some(4));
        assert_eq!(of(RevocationPending, Some(4)), Some(4));
        assert_eq!(of(RevocationPending, None), None);
        assert_eq!(of(TokenRefreshed, Some(4)), None);
        assert_eq!(of(LinkFailed, Some(4)), None);
    }

    #[test]
    fn a_refresh_failure_that_needs_relinking_names_the_account_and_why() {
        let reason = "Token has been expired or revoked.";
        let account = alice(AccountStatus::NeedsRelink, Some(reason));
        let shown = notice(
            &entry(ActivityKind::RefreshFailed, Some(4)),
            &account,
            "Grantry Sandbox",
        );
        assert_eq!(
            shown,
            Some(Notice {
                account: 4,
                trigger: Trigger::NeedsRelink,
                summary: "Grantry: alice@example.test at Grantry Sandbox needs to be linked again"
                    .into(),
                body: reason.into(),
            })
        );
    }

    #[test]
    fn a_passing_refresh_failure_shows_nothing() {
        let account = alice(AccountStatus::Valid, None);
        let failed = entry(ActivityKind::RefreshFailed, Some(4));
        assert_eq!(notice(&failed, &account, "Sandbox"), None);
    }

    #[test]
    fn a_pending_revocation_says_so() {
        let account = alice(
            AccountStatus::RevocationPending,
            Some("revocation pending: down"),
        );
        let pending = entry(ActivityKind::RevocationPending, Some(4));
        let shown = notice(&pending, &account, "Sandbox").expect("a notice");
        assert_eq!(shown.trigger, Trigger::RevocationPending);
        assert_eq!(
            shown.summary,
            "Grantry: revocation pending for alice@example.test at Sandbox"
        );
        assert!(
            shown.body.contains("revocation pending: down"),
            "{}",
            shown.body
        );
    }

    #[test]
    fn an_entry_of_another_account_shows_nothing() {
        let account = alice(AccountStatus::NeedsRelink, Some("gone"));
        assert_eq!(
            notice(
                &entry(ActivityKind::RefreshFailed, Some(5)),
                &account,
                "Sandbox"
            ),
            None
        );
    }

    #[test]
    fn one_notification_per_episode() {
        let account = alice(AccountStatus::RevocationPending, Some("down"));
        let pending = entry(ActivityKind::RevocationPending, Some(4));
        let shown_notice = notice(&pending, &account, "Sandbox").expect("a notice");
        let mut shown = Shown::default();
        assert!(shown.admit(&shown_notice));
        assert!(
            !shown.admit(&shown_notice),
            "a retry that fails again is not news"
        );
        shown.settle(&entry(ActivityKind::ScopesChecked, Some(4)));
        assert!(!shown.admit(&shown_notice));
        shown.settle(&entry(ActivityKind::AccountRelinked, Some(4)));
        assert!(
            shown.admit(&shown_notice),
            "after a new link the next trouble is news"
        );
    }
}
