//! The engine's events, carried to the window: every [`GrantryEvent`] goes out on the one
//! channel the window listens to ([`EVENT_CHANNEL`]), unchanged. Nothing else is emitted.

use grantry_core::{EVENT_CHANNEL, EventSink, GrantryEvent};
use tauri::{AppHandle, Emitter};

pub struct WindowEvents(pub AppHandle);

impl EventSink for WindowEvents {
    fn emit(&self, event: GrantryEvent) {
        // A window that is not listening (yet, or any more) is no error; an event that cannot
        // be sent is, and is logged.
        if let Err(error) = self.0.emit(EVENT_CHANNEL, event) {
            tracing::warn!("the window could not be told of an event: {error}");
        }
    }
}
