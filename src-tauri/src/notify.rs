//! Desktop notifications for what the person must act on while the window may be hidden: an
//! account that has come to need re-linking, and a revocation that stays pending.
//!
//! [`Notifying`] wraps the app's event sink: every event still goes to the window unchanged, and
//! an `activity_recorded` entry of kind `refresh_failed` or `revocation_pending` is looked at on
//! a thread of its own (the engine emits while it holds its store, and never waits for this).
//! There the account is read from the core; if its status now says the same thing, a
//! notification is shown through the XDG notification service (D-Bus), with the spec's
//! `default` action, which servers invoke when the notification itself is clicked. A click
//! brings the main window up and emits the Tauri event [`OPEN_ACCOUNT_EVENT`] with the
//! account's id as its payload (a number), for the window to open that account.
//!
//! Without a notification service (no session bus, or no daemon on it, as under Xvfb in the
//! tests) showing fails at once and nothing else happens.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use grantry_core::{AccountStatus, AccountSummary, ActivityEntry, ActivityKind};
use grantry_core::{EventSink, GrantryEvent};
use tauri::{AppHandle, Emitter, Manager};

use crate::state::AppState;

/// The Tauri event a click on a notification sends to the window; its payload is the
/// account's id.
pub const OPEN_ACCOUNT_EVENT: &str = "open_account";

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    NeedsRelink,
    RevocationPending,
}

/// A notification to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub account: i64,
    pub trigger: Trigger,
    pub summary: String,
    pub body: String,
}

/// Whether `entry` may call for a notification, and about which account: decided from the
/// entry alone, so the sink stays cheap for every other event.
pub fn candidate(entry: &ActivityEntry) -> Option<i64> {
    match entry.kind {
        ActivityKind::RefreshFailed | ActivityKind::RevocationPending => entry.account_id,
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

/// An [`EventSink`] that passes every event on to `inner` and shows desktop notifications.
pub struct Notifying<S> {
    inner: S,
    app: AppHandle,
    shown: Arc<Mutex<Shown>>,
}

impl<S> Notifying<S> {
    pub fn new(inner: S, app: AppHandle) -> Self {
        Self {
            inner,
            app,
            shown: Arc::default(),
        }
    }
}

impl<S: EventSink> EventSink for Notifying<S> {
    fn emit(&self, event: GrantryEvent) {
        if let GrantryEvent::ActivityRecorded { entry } = &event {
            if let Ok(mut shown) = self.shown.lock() {
                shown.settle(entry);
            }
            if candidate(entry).is_some() {
                let (entry, app, shown) = (entry.clone(), self.app.clone(), self.shown.clone());
                // The engine holds its store while it emits: read the account elsewhere.
                std::thread::spawn(move || consider(&app, &entry, &shown));
            }
        }
        self.inner.emit(event);
    }
}

fn consider(app: &AppHandle, entry: &ActivityEntry, shown: &Mutex<Shown>) {
    let Some(account_id) = candidate(entry) else {
        return;
    };
    let Some(grantry) = app.try_state::<AppState>().and_then(|s| s.grantry().ok()) else {
        return;
    };
    let Ok(account) = grantry.account(account_id) else {
        return; // gone meanwhile
    };
    let provider = grantry
        .provider_options()
        .into_iter()
        .find(|p| p.id == account.provider)
        .map_or_else(|| account.provider.clone(), |p| p.name);
    let Some(notice) = notice(entry, &account, &provider) else {
        return;
    };
    if shown.lock().is_ok_and(|mut shown| shown.admit(&notice)) {
        show(app, &notice);
    }
}

/// Shows `notice` and, on this thread, waits for it to be clicked or closed.
#[cfg(all(unix, not(target_os = "macos")))]
fn show(app: &AppHandle, notice: &Notice) {
    let shown = notify_rust::Notification::new()
        .appname("Grantry")
        .summary(&notice.summary)
        .body(&notice.body)
        // The spec's `default` action: what a click on the notification itself invokes.
        .action("default", "Open account")
        .show();
    // No session bus or no notification service: there is nobody to tell.
    let Ok(handle) = shown else {
        return;
    };
    handle.wait_for_action(|action| {
        if action == "default" {
            open_account(app, notice.account);
        }
    });
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn show(_app: &AppHandle, _notice: &Notice) {}

/// Brings the main window up and asks it to open `account`.
#[cfg(all(unix, not(target_os = "macos")))]
fn open_account(app: &AppHandle, account: i64) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    let _ = app.emit(OPEN_ACCOUNT_EVENT, account);
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
        }
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
