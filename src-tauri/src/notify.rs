//! Desktop notifications for what the person must act on while the window may be hidden: an
//! account that has come to need re-linking, and a revocation that stays pending.
//!
//! [`Notifying`] wraps the app's event sink: every event still goes to the window unchanged, and
//! an `activity_recorded` entry of kind `refresh_failed` or `revocation_pending` is looked at on
//! a thread of its own (the engine emits while it holds its store, and never waits for this).
//! There the account is read from the core; if its status now says the same thing (the decision
//! and the words are the core's, `core/src/notices.rs`), a notification is shown through the
//! XDG notification service (D-Bus), with the spec's `default` action, which servers invoke
//! when the notification itself is clicked. A click brings the main window up on that account
//! (`main_window::open_account`; made again if it was closed).
//!
//! Without a notification service (no session bus, or no daemon on it, as under Xvfb in the
//! tests) showing fails at once and nothing else happens.

use std::sync::{Arc, Mutex};

use grantry_core::notices::{Notice, Shown, candidate, notice};
use grantry_core::{ActivityEntry, EventSink, GrantryEvent};
use tauri::{AppHandle, Manager};

use crate::state::AppState;

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
        .body(&notice.body_markup())
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

/// Brings the main window up (made again if it was closed) and asks it to open `account`.
#[cfg(all(unix, not(target_os = "macos")))]
fn open_account(app: &AppHandle, account: i64) {
    crate::main_window::open_account(app, account);
}
