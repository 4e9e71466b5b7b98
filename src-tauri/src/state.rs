//! The app's state: the core opened on the data folder, or the reason it could not be opened,
//! which every command then reports to the UI (for example a database from a newer Grantry).

use std::sync::Mutex;

use grantry_core::{ErrorCode, Grantry, IpcError};

pub struct AppState {
    core: Result<Mutex<Grantry>, IpcError>,
}

impl AppState {
    pub fn open() -> Self {
        let core = match grantry_core::paths::data_dir() {
            Some(dir) => Grantry::open(&dir).map(Mutex::new).map_err(IpcError::from),
            None => Err(IpcError {
                code: ErrorCode::Storage,
                message: "no data folder: set HOME, XDG_DATA_HOME or GRANTRY_DATA_DIR".into(),
            }),
        };
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
        let core = core.lock().map_err(|_| IpcError {
            code: ErrorCode::Internal,
            message: "an earlier operation crashed; restart Grantry".into(),
        })?;
        work(&core).map_err(IpcError::from)
    }
}
