//! Where Grantry keeps its data. The app and the command line must agree on one folder, so
//! both ask this module rather than their framework.
//!
//! Order: `GRANTRY_DATA_DIR` (tests and QA use it), then `$XDG_DATA_HOME/dev.grantry.desktop`,
//! then `~/.local/share/dev.grantry.desktop`, the folder Tauri's `app_data_dir()` also names.
//! The app's logs are state, not data (the XDG Base Directory Specification's
//! `XDG_STATE_HOME`): [`state_dir`].
//!
//! What these folders hold (account emails, the history, the HTTP log, the providers) is this
//! user's only: folders are 0700 and files 0600, made so when created, and tightened when
//! found looser ([`private_dir`], [`private_file`]). A file written elsewhere at the person's
//! choice (an exported report) is made 0600 as well ([`write_private`]).

use std::fs::{DirBuilder, OpenOptions, Permissions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The file in the data folder holding the admin token of the sandbox the app runs, written by
/// that sandbox (readable by this user only): whoever can read it may trust the sandbox that
/// answers to it.
pub const SANDBOX_ADMIN_TOKEN_FILE: &str = "sandbox-admin-token";

/// The file in the data folder holding the built-in sandbox's clients, users, grants and
/// signing key, shared by the sandbox the app runs and the one a `grantry` command starts.
pub const SANDBOX_STATE_FILE: &str = "sandbox.json";

/// The app identifier; also the name of the data folder.
pub const APP_IDENTIFIER: &str = "dev.grantry.desktop";

/// The data folder, from the environment as described in the module docs. `None` when neither
/// a data folder variable nor `HOME` is set.
pub fn data_dir() -> Option<PathBuf> {
    data_dir_from(|name| std::env::var_os(name))
}

/// The config folder (the providers file): `GRANTRY_CONFIG_DIR`, else
/// `$XDG_CONFIG_HOME/dev.grantry.desktop`, else `~/.config/dev.grantry.desktop`.
pub fn config_dir() -> Option<PathBuf> {
    folder(
        |name| std::env::var_os(name),
        ["GRANTRY_CONFIG_DIR", "XDG_CONFIG_HOME", ".config"],
    )
}

/// The state folder (the app's logs): `GRANTRY_STATE_DIR`; else, when `GRANTRY_DATA_DIR`
/// names the data folder, that folder too (a profile of its own, as tests and QA use, keeps
/// everything in one place); else `$XDG_STATE_HOME/dev.grantry.desktop`, else
/// `~/.local/state/dev.grantry.desktop`.
pub fn state_dir() -> Option<PathBuf> {
    state_dir_from(|name| std::env::var_os(name))
}

fn state_dir_from(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<PathBuf> {
    let explicit_data = var("GRANTRY_DATA_DIR").filter(|value| !value.is_empty());
    if var("GRANTRY_STATE_DIR").is_none_or(|value| value.is_empty()) && explicit_data.is_some() {
        return explicit_data.map(PathBuf::from);
    }
    folder(var, ["GRANTRY_STATE_DIR", "XDG_STATE_HOME", ".local/state"])
}

fn data_dir_from(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<PathBuf> {
    folder(var, ["GRANTRY_DATA_DIR", "XDG_DATA_HOME", ".local/share"])
}

/// `explicit`, else `$xdg/dev.grantry.desktop` (absolute only), else `~/under_home/…`.
fn folder(
    var: impl Fn(&str) -> Option<std::ffi::OsString>,
    [explicit, xdg, under_home]: [&str; 3],
) -> Option<PathBuf> {
    let non_empty = |name: &str| {
        var(name)
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = non_empty(explicit) {
        return Some(dir);
    }
    let base = non_empty(xdg)
        .filter(|dir| dir.is_absolute())
        .or_else(|| non_empty("HOME").map(|home| home.join(under_home)))?;
    Some(base.join(APP_IDENTIFIER))
}

/// A base folder of the XDG Base Directory Specification: `$xdg` when it is an absolute path,
/// else `~/under_home` (`XDG_CONFIG_HOME`, `.config`); `None` without either.
pub fn xdg_base(xdg: &str, under_home: &str) -> Option<PathBuf> {
    let non_empty = |name: &str| {
        std::env::var_os(name)
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
    };
    non_empty(xdg)
        .filter(|dir| dir.is_absolute())
        .or_else(|| non_empty("HOME").map(|home| home.join(under_home)))
}

/// The built-in sandbox provider's port when `GRANTRY_SANDBOX_PORT` does not say otherwise.
pub const SANDBOX_DEFAULT_PORT: u16 = 7461;

/// The port of the built-in sandbox provider. Fixed, so that the sandbox's issuer URL stays the
/// same across restarts (issuers are compared exactly).
pub fn sandbox_port() -> u16 {
    std::env::var("GRANTRY_SANDBOX_PORT")
        .ok()
        .and_then(|port| port.parse().ok())
        .unwrap_or(SANDBOX_DEFAULT_PORT)
}

/// The data folder's folder of lock files (`engine/refresh.rs` takes them there).
pub const LOCKS_DIR: &str = "locks";

/// The permission bits that let other users in.
const OTHERS: u32 = 0o077;

/// Makes `path`, if it exists, this user's only: clears its group and other permission bits.
/// Returns whether it had any.
pub fn tighten(path: &Path) -> io::Result<bool> {
    let mode = match std::fs::metadata(path) {
        Ok(metadata) => metadata.permissions().mode(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    if mode & OTHERS == 0 {
        return Ok(false);
    }
    std::fs::set_permissions(path, Permissions::from_mode(mode & 0o700))?;
    Ok(true)
}

/// Creates the folder `dir` as 0700 (its missing parents as usual), or tightens it when it
/// exists; returns whether an existing folder was tightened.
pub fn private_dir(dir: &Path) -> io::Result<bool> {
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    match DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => Ok(false),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => tighten(dir),
        Err(e) => Err(e),
    }
}

/// Creates the file `path`, empty, as 0600, or tightens it when it exists; returns whether an
/// existing file was tightened.
pub fn private_file(path: &Path) -> io::Result<bool> {
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(false),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => tighten(path),
        Err(e) => Err(e),
    }
}

/// Writes `bytes` to `path`, a file the person chose (an exported report), this user's only
/// (0600) whatever the umask, replacing what it held.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    // `mode` applies only to a file this call creates; one written over keeps its own
    // permissions unless told, and is told before it holds anything new.
    file.set_permissions(Permissions::from_mode(0o600))?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<std::ffi::OsString> {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, v)| v.into())
        }
    }

    #[test]
    fn explicit_folder_wins() {
        let dir = data_dir_from(env(&[("GRANTRY_DATA_DIR", "/q/a"), ("HOME", "/home/u")]));
        assert_eq!(dir, Some(PathBuf::from("/q/a")));
    }

    #[test]
    fn the_state_folder_follows_xdg_state_home_or_an_explicit_data_folder() {
        let home = ("HOME", "/home/u");
        let state = |pairs: &[(&str, &str)]| state_dir_from(env(pairs)).expect("a folder");
        assert_eq!(
            state(&[home]),
            PathBuf::from("/home/u/.local/state/dev.grantry.desktop")
        );
        assert_eq!(
            state(&[home, ("XDG_STATE_HOME", "/s")]),
            PathBuf::from("/s/dev.grantry.desktop")
        );
        // A profile of its own keeps its logs with its data...
        let profile = ("GRANTRY_DATA_DIR", "/q/a");
        assert_eq!(
            state(&[home, ("XDG_STATE_HOME", "/s"), profile]),
            PathBuf::from("/q/a")
        );
        // ... unless told otherwise.
        let explicit = ("GRANTRY_STATE_DIR", "/q/s");
        assert_eq!(state(&[home, profile, explicit]), PathBuf::from("/q/s"));
        assert_eq!(state_dir_from(env(&[])), None);
    }

    #[test]
    fn xdg_data_home_then_home() {
        let xdg = data_dir_from(env(&[("XDG_DATA_HOME", "/x"), ("HOME", "/home/u")]));
        assert_eq!(xdg, Some(PathBuf::from("/x/dev.grantry.desktop")));
        // A relative XDG_DATA_HOME is invalid per the spec and must be ignored.
        let relative = data_dir_from(env(&[("XDG_DATA_HOME", "x"), ("HOME", "/home/u")]));
        assert_eq!(
            relative,
            Some(PathBuf::from("/home/u/.local/share/dev.grantry.desktop"))
        );
        assert_eq!(data_dir_from(env(&[])), None);
    }

    #[test]
    fn private_folders_and_files_are_made_and_tightened() {
        let scratch = tempfile::tempdir().expect("temp dir");
        let dir = scratch.path().join("a/b");
        assert!(!private_dir(&dir).expect("create"));
        let mode = |p: &Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        let file = dir.join("f");
        assert!(!private_file(&file).expect("create"));
        assert_eq!(mode(&file), 0o600);
        std::fs::set_permissions(&file, Permissions::from_mode(0o644)).expect("chmod");
        std::fs::set_permissions(&dir, Permissions::from_mode(0o755)).expect("chmod");
        assert!(private_file(&file).expect("tighten"));
        assert!(private_dir(&dir).expect("tighten"));
        assert_eq!((mode(&dir), mode(&file)), (0o700, 0o600));
        assert!(!tighten(&dir.join("missing")).expect("nothing to do"));
    }
}
