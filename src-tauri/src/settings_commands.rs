//! The Settings screen's commands: read the settings (with whether a tray is there to keep
//! Grantry in) and save them, which also writes or removes the autostart entry
//! (`grantry_core::settings`).

use grantry_core::IpcError;
use grantry_core::settings::{Settings, SettingsView, autostart_dir};

fn config_dir() -> Result<std::path::PathBuf, IpcError> {
    grantry_core::paths::config_dir().ok_or_else(|| {
        IpcError::from(grantry_core::Error::InvalidInput(
            "no config folder: set HOME, XDG_CONFIG_HOME or GRANTRY_CONFIG_DIR".into(),
        ))
    })
}

#[tauri::command]
pub fn get_settings() -> Result<SettingsView, IpcError> {
    Ok(SettingsView {
        settings: Settings::load(&config_dir()?),
        tray_available: crate::tray_host::available(),
    })
}

#[tauri::command]
pub fn save_settings(settings: Settings) -> Result<SettingsView, IpcError> {
    let executable = std::env::current_exe().map_err(|error| {
        IpcError::from(grantry_core::Error::Internal(format!(
            "cannot tell which program is running: {error}"
        )))
    })?;
    settings
        .save(&config_dir()?, autostart_dir().as_deref(), &executable)
        .map_err(IpcError::from)?;
    get_settings()
}
