//! The app's settings, from its Settings screen: whether Grantry keeps running in the system
//! tray when its window is closed (on unless turned off), and whether it starts at login, in
//! the tray (an XDG autostart entry, `$XDG_CONFIG_HOME/autostart/`, per the Desktop Application
//! Autostart Specification). Kept as `settings.json` in the config folder, private to the user.
//!
//! Invariants: a missing file means the defaults; an unreadable one means the defaults too, and
//! is said (it is rewritten only when the person changes a setting). The autostart entry exists
//! exactly when `start_at_login` is on; it runs this executable only if no other user could
//! replace it (`scheme_handler/safe_executable.rs`), since it would run at every login.

use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::scheme_handler::{self, Desktop};

/// The settings file in the config folder.
pub const SETTINGS_FILE: &str = "settings.json";

/// The autostart entry's name.
pub const AUTOSTART_FILE: &str = "dev.grantry.desktop.desktop";

/// The argument that starts the app in the tray, its window closed.
pub const IN_TRAY_ARG: &str = "--in-tray";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Settings {
    /// Closing the window leaves Grantry running in the tray (where there is one).
    pub keep_running_in_tray: bool,
    /// Grantry starts at login, in the tray.
    pub start_at_login: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            keep_running_in_tray: true,
            start_at_login: false,
        }
    }
}

impl Settings {
    /// The settings kept in `config_dir`, or the defaults.
    pub fn load(config_dir: &Path) -> Self {
        let path = config_dir.join(SETTINGS_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|error| {
                tracing::warn!(
                    "{} is not valid ({error}); the default settings apply",
                    path.display()
                );
                Self::default()
            }),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Self::default(),
            Err(error) => {
                tracing::warn!(
                    "cannot read {} ({error}); the default settings apply",
                    path.display()
                );
                Self::default()
            }
        }
    }

    /// Keeps these settings in `config_dir`, and makes the autostart entry in `autostart_dir`
    /// say the same (written for `executable`, or removed). The entry is written first: a
    /// setting saved as on whose entry could not be written would be a lie.
    pub fn save(
        &self,
        config_dir: &Path,
        autostart_dir: Option<&Path>,
        executable: &Path,
    ) -> Result<(), Error> {
        self.save_with(
            &scheme_handler::System,
            config_dir,
            autostart_dir,
            executable,
        )
    }

    /// [`Settings::save`], asking `desktop` about the executable's files.
    pub fn save_with(
        &self,
        desktop: &dyn Desktop,
        config_dir: &Path,
        autostart_dir: Option<&Path>,
        executable: &Path,
    ) -> Result<(), Error> {
        let failed =
            |what: String| move |error: io::Error| Error::InvalidInput(format!("{what}: {error}"));
        match (self.start_at_login, autostart_dir) {
            (true, None) => {
                return Err(Error::InvalidInput(
                    "cannot start at login: no autostart folder (set HOME or XDG_CONFIG_HOME)"
                        .into(),
                ));
            }
            (true, Some(dir)) => {
                scheme_handler::check_executable(desktop, executable).map_err(refused)?;
                std::fs::create_dir_all(dir)
                    .map_err(failed(format!("cannot create {}", dir.display())))?;
                let path = dir.join(AUTOSTART_FILE);
                std::fs::write(&path, autostart_entry(executable))
                    .map_err(failed(format!("cannot write {}", path.display())))?;
            }
            (false, Some(dir)) => {
                let path = dir.join(AUTOSTART_FILE);
                match std::fs::remove_file(&path) {
                    Ok(()) => {}
                    Err(error) if error.kind() == io::ErrorKind::NotFound => {}
                    Err(error) => {
                        return Err(failed(format!("cannot remove {}", path.display()))(error));
                    }
                }
            }
            (false, None) => {}
        }
        let path = config_dir.join(SETTINGS_FILE);
        let json = serde_json::to_vec_pretty(self).map_err(|e| Error::Internal(e.to_string()))?;
        crate::paths::private_dir(config_dir)
            .map_err(failed(format!("cannot create {}", config_dir.display())))?;
        crate::paths::write_private(&path, &json)
            .map_err(failed(format!("cannot write {}", path.display())))
    }
}

/// Why `executable` cannot start at login: the check of who could replace it failed.
fn refused(error: io::Error) -> Error {
    let replaceable = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<scheme_handler::UnsafeExecutable>());
    Error::InvalidInput(match replaceable {
        Some(found) => format!(
            "cannot start at login: {} {}, so someone else could replace the program that \
             would then run at every login; run Grantry from a place only you or root can \
             write to, such as its installed /usr/bin/grantry-app",
            found.culprit.display(),
            found.why
        ),
        None => format!("cannot start at login: {error}"),
    })
}

/// What the Settings screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SettingsView {
    pub settings: Settings,
    /// Whether a system tray is there to keep Grantry in: without one, closing the window
    /// quits whatever the setting says.
    pub tray_available: bool,
}

/// Where autostart entries go: `$XDG_CONFIG_HOME/autostart`, else `~/.config/autostart`.
pub fn autostart_dir() -> Option<PathBuf> {
    crate::paths::xdg_base("XDG_CONFIG_HOME", ".config").map(|config| config.join("autostart"))
}

/// The autostart entry that starts `executable` in the tray.
pub fn autostart_entry(executable: &Path) -> String {
    format!(
        "[Desktop Entry]\nType=Application\nName=Grantry\n\
         Comment=Keeps your linked accounts' tokens fresh, in the tray\n\
         Exec={exec} {IN_TRAY_ARG}\nIcon=grantry-app\nTerminal=false\nNoDisplay=true\n\
         X-GNOME-Autostart-enabled=true\n",
        exec = scheme_handler::exec_argument(&executable.to_string_lossy()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_or_broken_settings_are_the_defaults() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert_eq!(Settings::load(dir.path()), Settings::default());
        assert!(Settings::default().keep_running_in_tray);
        assert!(!Settings::default().start_at_login);
        std::fs::write(dir.path().join(SETTINGS_FILE), "{not json").expect("write");
        assert_eq!(Settings::load(dir.path()), Settings::default());
        // A file from before a setting existed keeps its default.
        std::fs::write(
            dir.path().join(SETTINGS_FILE),
            r#"{"start_at_login": true}"#,
        )
        .expect("write");
        let loaded = Settings::load(dir.path());
        assert!(loaded.start_at_login && loaded.keep_running_in_tray);
    }

    #[test]
    fn the_autostart_entry_exists_exactly_while_start_at_login_is_on() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (config, autostart) = (dir.path().join("config"), dir.path().join("autostart"));
        // In a folder of this user's only, as an installed copy would be in root's.
        let executable = dir.path().join("grantry-app");
        std::fs::write(&executable, "").expect("exe");
        let executable = executable.as_path();
        let on = Settings {
            keep_running_in_tray: true,
            start_at_login: true,
        };
        on.save(&config, Some(&autostart), executable)
            .expect("saved");
        let entry = std::fs::read_to_string(autostart.join(AUTOSTART_FILE)).expect("entry");
        let exec = format!("Exec={} --in-tray\n", executable.display());
        assert!(entry.contains(&exec), "{entry}");
        assert_eq!(Settings::load(&config), on);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(config.join(SETTINGS_FILE))
            .expect("settings")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "private to the user");

        let off = Settings {
            start_at_login: false,
            ..on
        };
        off.save(&config, Some(&autostart), executable)
            .expect("saved");
        assert!(!autostart.join(AUTOSTART_FILE).exists());
        assert_eq!(Settings::load(&config), off);
        // Turning off what is off is fine.
        off.save(&config, Some(&autostart), executable)
            .expect("saved again");
    }

    #[test]
    fn an_executable_others_could_replace_never_starts_at_login() {
        let dir = tempfile::tempdir().expect("temp dir");
        let shared = dir.path().join("shared");
        std::fs::create_dir(&shared).expect("dir");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).expect("chmod");
        let executable = shared.join("grantry-app");
        std::fs::write(&executable, "").expect("exe");
        let on = Settings {
            keep_running_in_tray: true,
            start_at_login: true,
        };
        let config = dir.path().join("config");
        let autostart = dir.path().join("autostart");
        let refused = on
            .save(&config, Some(&autostart), &executable)
            .expect_err("refused");
        assert!(
            refused.to_string().contains("cannot start at login"),
            "{refused}"
        );
        assert!(!autostart.join(AUTOSTART_FILE).exists());
        assert_eq!(
            Settings::load(&config),
            Settings::default(),
            "nothing saved"
        );
    }
}
