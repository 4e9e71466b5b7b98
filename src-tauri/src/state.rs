//! The app's state: the core opened on the data folder, or the reason it could not be opened,
//! which every command then reports to the UI (for example a database from a newer Grantry).

use grantry_core::{Grantry, IpcError, Options};

pub struct AppState {
    core: Result<Grantry, IpcError>,
}

impl AppState {
    pub fn open() -> Self {
        let core = Options::from_env()
            .and_then(Grantry::open)
            .map_err(IpcError::from);
        if let Err(error) = &core {
            eprintln!("grantry: {}", error.message);
        }
        Self { core }
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
