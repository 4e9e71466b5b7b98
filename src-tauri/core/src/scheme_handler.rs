//! Registers this program as the handler of a URL scheme on freedesktop systems (Linux), so
//! that `xdg-open dev.grantry:/…` and `gio open dev.grantry:/…` start it (or, through the
//! single-instance plugin, hand the URL to the running instance).
//!
//! Why not the deep-link plugin's `register()`: it writes `Exec="/path" %u`, quoted, which
//! Debian 12's `xdg-open` (xdg-utils 1.1.3) cannot run. We write the entry
//! ourselves, quoting only when the path needs it, escaped per the Desktop Entry spec, and
//! rewrite it only when its content changes.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Name of the handler entry in `$XDG_DATA_HOME/applications/`.
pub const DESKTOP_FILE: &str = "dev.grantry.desktop-url-handler.desktop";

/// Where the handler entry for the current environment goes.
pub fn applications_dir() -> Option<PathBuf> {
    let non_empty = |name| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    non_empty("XDG_DATA_HOME")
        .filter(|dir| dir.is_absolute())
        .or_else(|| non_empty("HOME").map(|home| home.join(".local/share")))
        .map(|data| data.join("applications"))
}

/// What [`register`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Registration {
    /// The entry was already there, unchanged.
    Unchanged,
    /// The entry was written and made the default handler of the scheme.
    Written(PathBuf),
}

/// Writes the handler entry for `executable` and `scheme` into `applications`, and makes it
/// the default with `xdg-mime`, unless an identical entry is already there.
pub fn register(applications: &Path, executable: &Path, scheme: &str) -> io::Result<Registration> {
    let path = applications.join(DESKTOP_FILE);
    let entry = desktop_entry(executable, scheme);
    if std::fs::read_to_string(&path).is_ok_and(|existing| existing == entry) {
        return Ok(Registration::Unchanged);
    }
    std::fs::create_dir_all(applications)?;
    // Write then rename, so a crash never leaves a half-written entry behind.
    let partial = applications.join(format!(".{DESKTOP_FILE}.partial"));
    std::fs::write(&partial, &entry)?;
    std::fs::rename(&partial, &path)?;
    let status = Command::new("xdg-mime")
        .args([
            "default",
            DESKTOP_FILE,
            &format!("x-scheme-handler/{scheme}"),
        ])
        .status()?;
    if !status.success() {
        return Err(io::Error::other(format!(
            "xdg-mime default failed: {status}"
        )));
    }
    Ok(Registration::Written(path))
}

/// The `.desktop` entry that opens `scheme:` URLs with `executable`.
pub fn desktop_entry(executable: &Path, scheme: &str) -> String {
    format!(
        "[Desktop Entry]\nType=Application\nName=Grantry\n\
         Comment=Handles {scheme}: links for Grantry\nExec={exec} %u\nTerminal=false\n\
         NoDisplay=true\nMimeType=x-scheme-handler/{scheme};\n",
        exec = exec_argument(&executable.to_string_lossy()),
    )
}

/// One argument of an `Exec=` key: bare when it has no reserved character (what xdg-utils
/// 1.1.3 needs), otherwise quoted and escaped per the Desktop Entry spec, whose string-value
/// escaping then doubles every backslash once more.
fn exec_argument(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+,:=@".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        return arg.to_owned();
    }
    let mut quoted = String::from("\"");
    for c in arg.chars() {
        match c {
            '"' | '`' | '$' => {
                quoted.push_str("\\\\");
                quoted.push(c);
            }
            '\\' => quoted.push_str("\\\\\\\\"),
            '%' => quoted.push_str("%%"),
            '\n' => quoted.push_str("\\n"),
            _ => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_stay_unquoted_for_old_xdg_open() {
        let entry = desktop_entry(Path::new("/opt/grantry/bin/grantry-app"), "dev.grantry");
        assert!(
            entry.contains("\nExec=/opt/grantry/bin/grantry-app %u\n"),
            "{entry}"
        );
        assert!(entry.contains("\nMimeType=x-scheme-handler/dev.grantry;\n"));
    }

    #[test]
    fn awkward_paths_are_quoted_and_escaped() {
        assert_eq!(exec_argument("/home/a b/app"), "\"/home/a b/app\"");
        assert_eq!(
            exec_argument("/x/$HOME`\"/100%"),
            "\"/x/\\\\$HOME\\\\`\\\\\"/100%%\""
        );
        assert_eq!(exec_argument("/x\\y"), "\"/x\\\\\\\\y\"");
    }

    #[test]
    fn unchanged_entry_is_not_rewritten() {
        let dir = tempfile::tempdir().expect("temp dir");
        let entry_path = dir.path().join(DESKTOP_FILE);
        let exe = Path::new("/usr/bin/grantry-app");
        std::fs::write(&entry_path, desktop_entry(exe, "dev.grantry")).expect("write");
        assert_eq!(
            register(dir.path(), exe, "dev.grantry").expect("register"),
            Registration::Unchanged
        );
    }
}
