//! What the engine tells whoever shows it (the window) about what happened, as one typed enum.
//! The engine reports through an [`EventSink`]; the app's sink forwards each event on one
//! Tauri channel ([`EVENT_CHANNEL`]), the command line uses [`NoEvents`], and tests use
//! [`Recorded`]. The TypeScript twin of [`GrantryEvent`] is generated into
//! `ui/src/lib/bindings/`, so the window never spells an event by hand.
//!
//! Events carry no secret: they are shown as they are.

use std::sync::Mutex;

use serde::Serialize;

use crate::error::IpcError;
use crate::model::{AccountSummary, ActivityEntry};

/// The one channel every [`GrantryEvent`] travels on to the window.
pub const EVENT_CHANNEL: &str = "grantry://event";

/// Something that happened in the engine or the app, for the window to react to. All events
/// travel on one channel; the window re-fetches rather than mirroring state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", ts(tag = "kind", rename_all = "snake_case"))]
pub enum GrantryEvent {
    /// The activity history grew by this entry.
    ActivityRecorded { entry: ActivityEntry },
    /// Accounts were linked, refreshed, changed or removed.
    AccountsChanged,
    /// The link started as `link` (its `state`) completed with this account.
    LinkCompleted {
        link: String,
        account: AccountSummary,
    },
    /// The link started as `link` failed or its answer was refused; the history says so too.
    LinkFailed { link: String, error: IpcError },
    /// The built-in sandbox provider started, stopped or failed.
    SandboxChanged,
    /// Providers were added, changed or removed.
    ProvidersChanged,
    /// In a "Refresh all", account `account`'s refresh ended (`error` says why it failed):
    /// `done` of `total`.
    RefreshProgress {
        done: u32,
        total: u32,
        account: i64,
        error: Option<IpcError>,
    },
    /// In a "Revoke all", account `account`'s revocation ended (`error` says why it failed):
    /// `done` of `total`.
    RevokeProgress {
        done: u32,
        total: u32,
        account: i64,
        error: Option<IpcError>,
    },
}

/// Where events go. Called while the engine works, so an implementation must return quickly
/// and never block on the engine.
pub trait EventSink: Send + Sync {
    fn emit(&self, event: GrantryEvent);
}

/// A sink for callers that show nothing live (the command line).
pub struct NoEvents;

impl EventSink for NoEvents {
    fn emit(&self, _event: GrantryEvent) {}
}

/// A sink that keeps every event, for tests.
#[derive(Default)]
pub struct Recorded(Mutex<Vec<GrantryEvent>>);

impl Recorded {
    /// Every event so far, oldest first; the record is emptied.
    pub fn take(&self) -> Vec<GrantryEvent> {
        self.0
            .lock()
            .map(|mut events| std::mem::take(&mut *events))
            .unwrap_or_default()
    }
}

impl EventSink for Recorded {
    fn emit(&self, event: GrantryEvent) {
        if let Ok(mut events) = self.0.lock() {
            events.push(event);
        }
    }
}
