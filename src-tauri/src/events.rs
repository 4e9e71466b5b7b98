//! The engine's events, carried to the window: every [`GrantryEvent`] goes out on the one
//! channel the window listens to ([`EVENT_CHANNEL`]), unchanged. Nothing else is emitted.

use grantry_core::{EVENT_CHANNEL, EventSink, GrantryEvent};
use tauri::{AppHandle, Emitter};

pub struct WindowEvents(pub AppHandle);

impl EventSink for WindowEvents {
    fn emit(&self, event: GrantryEvent) {
        // The window may not be listening yet (or any more): there is nobody to tell then.
        let _ = self.0.emit(EVENT_CHANNEL, event);
    }
}
