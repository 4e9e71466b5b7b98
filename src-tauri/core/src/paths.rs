//! Where Grantry keeps its data. The app and the command line must agree on one folder, so
//! both ask this module rather than their framework.
//!
//! Order: `GRANTRY_DATA_DIR` (tests and QA use it), then `$XDG_DATA_HOME/dev.grantry.desktop`,
//! then `~/.local/share/dev.grantry.desktop`, the folder Tauri's `app_data_dir()` also names.

use std::path::PathBuf;

/// The app identifier; also the name of the data folder.
pub const APP_IDENTIFIER: &str = "dev.grantry.desktop";

/// The data folder, from the environment as described in the module docs. `None` when neither
/// a data folder variable nor `HOME` is set.
pub fn data_dir() -> Option<PathBuf> {
    data_dir_from(|name| std::env::var_os(name))
}

fn data_dir_from(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<PathBuf> {
    let non_empty = |name: &str| {
        var(name)
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = non_empty("GRANTRY_DATA_DIR") {
        return Some(dir);
    }
    let data_home = non_empty("XDG_DATA_HOME")
        .filter(|dir| dir.is_absolute())
        .or_else(|| non_empty("HOME").map(|home| home.join(".local/share")))?;
    Some(data_home.join(APP_IDENTIFIER))
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
}
