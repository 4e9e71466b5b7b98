//! The app's state: the core opened on the data folder, or the reason it could not be opened,
//! which every command then reports to the UI (for example a database from a newer Grantry).

use std::sync::Arc;

use grantry_core::{Grantry, IpcError, Options};
use tauri::AppHandle;

use crate::notify::Notifying;
use crate::window_events::WindowEvents;

pub struct AppState {
    core: Result<Arc<Grantry>, IpcError>,
}

impl AppState {
    /// Opens the core on the data folder, reporting its events to the window.
    pub fn open(app: &AppHandle) -> Self {
        let core = Options::from_env()
            .and_then(|mut options| {
                // Every event goes to the window; some also become a desktop notification.
                let window = WindowEvents(app.clone());
                options.events = Arc::new(Notifying::new(window, app.clone()));
                Grantry::open(options)
            })
            .map(Arc::new)
            .map_err(IpcError::from);
        if let Err(error) = &core {
            tracing::error!("Grantry cannot open its data: {}", error.message);
        }
        Self { core }
    }

    /// The open core, or why there is none.
    pub fn grantry(&self) -> Result<Arc<Grantry>, IpcError> {
        self.core.clone()
    }

    /// Runs `work` on the open core, turning every failure into the UI's `{code, message}`.
    pub fn with<T>(
        &self,
        work: impl FnOnce(&Grantry) -> Result<T, grantry_core::Error>,
    ) -> Result<T, IpcError> {
        let core = self.core.as_ref().map_err(Clone::clone)?;
        work(core).map_err(IpcError::from)
    }
}
