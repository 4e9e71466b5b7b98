//! Registers this program as the handler of its URL schemes on freedesktop systems (Linux), so
//! that `xdg-open dev.grantry:/…` and `gio open dev.grantry:/…` start it (or, through the
//! single-instance plugin, hand the URL to the running instance): `dev.grantry`, and the
//! private-use schemes of configured providers (Google's reversed client id), which come and
//! go with them. A scheme no longer ours is taken out of the entry and out of the defaults.
//!
//! Why not the deep-link plugin's `register()`: it writes `Exec="/path" %u`, quoted, which
//! Debian 12's `xdg-open` (xdg-utils 1.1.3) cannot run. We write the entry
//! ourselves, quoting only when the path needs it, escaped per the Desktop Entry spec, and
//! rewrite it only when its content changes.
//!
//! Invariants: the entry is made the default of its schemes again at every start, even when it
//! is unchanged, since another application may have taken a scheme since. An executable that
//! someone other than this user or root could replace is never registered
//! (`scheme_handler/safe_executable.rs`): whoever replaced it would receive every sign-in
//! answer. What is asked of the system (files' owners and modes, `xdg-mime`) goes through
//! [`Desktop`] (`scheme_handler/desktop.rs`), so all of this runs in tests without a desktop.

mod desktop;
mod safe_executable;

use std::io;
use std::path::{Path, PathBuf};

pub use desktop::{DESKTOP_FILE, Desktop, Facts, System};
pub use safe_executable::{Replaceable, UnsafeExecutable, check as check_executable, replaceable};

/// Where the handler entry for the current environment goes.
pub fn applications_dir() -> Option<PathBuf> {
    crate::paths::xdg_base("XDG_DATA_HOME", ".local/share").map(|data| data.join("applications"))
}

/// What [`register`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Registration {
    /// The entry was already there, unchanged, and was made the default of its schemes again.
    Unchanged,
    /// The entry was written and made the default handler of its schemes.
    Written(PathBuf),
}

/// [`register_with`] the real [`System`].
pub fn register(
    applications: &Path,
    mimeapps: Option<&Path>,
    executable: &Path,
    schemes: &[&str],
) -> io::Result<Registration> {
    register_with(&System, applications, mimeapps, executable, schemes)
}

/// Writes the handler entry for `executable` and `schemes` into `applications`, unless an
/// identical entry is already there, and makes it the default of each scheme either way: another
/// application may have taken one since. Schemes an earlier entry listed and `schemes` does not
/// are removed from the defaults in `mimeapps` (the user's `mimeapps.list`).
///
/// Nothing is written and no default set when someone other than this user or root could
/// replace `executable`: the error, of kind [`io::ErrorKind::PermissionDenied`], carries an
/// [`UnsafeExecutable`] that names the file or folder allowing it.
pub fn register_with(
    desktop: &dyn Desktop,
    applications: &Path,
    mimeapps: Option<&Path>,
    executable: &Path,
    schemes: &[&str],
) -> io::Result<Registration> {
    safe_executable::check(desktop, executable).map_err(|error| {
        if error
            .get_ref()
            .is_some_and(|inner| inner.is::<UnsafeExecutable>())
        {
            return error;
        }
        io::Error::new(
            error.kind(),
            format!(
                "{} is not registered as the handler of sign-in links: {error}",
                executable.display()
            ),
        )
    })?;
    let path = applications.join(DESKTOP_FILE);
    let entry = desktop_entry(executable, schemes);
    let existing = std::fs::read_to_string(&path).unwrap_or_default();
    if existing == entry {
        set_defaults(desktop, schemes)?;
        return Ok(Registration::Unchanged);
    }
    let dropped: Vec<String> = listed_schemes(&existing)
        .into_iter()
        .filter(|s| !schemes.contains(&s.as_str()))
        .collect();
    if let Some(mimeapps) = mimeapps {
        forget_defaults(mimeapps, &dropped)?;
    }
    std::fs::create_dir_all(applications)?;
    // Write then rename, so a crash never leaves a half-written entry behind.
    let partial = applications.join(format!(".{DESKTOP_FILE}.partial"));
    std::fs::write(&partial, &entry)?;
    std::fs::rename(&partial, &path)?;
    set_defaults(desktop, schemes)?;
    Ok(Registration::Written(path))
}

/// Makes [`DESKTOP_FILE`] the default handler of each of `schemes`.
fn set_defaults(desktop: &dyn Desktop, schemes: &[&str]) -> io::Result<()> {
    schemes
        .iter()
        .try_for_each(|scheme| desktop.set_default(scheme))
}

/// The `.desktop` entry that opens URLs of `schemes` with `executable`.
pub fn desktop_entry(executable: &Path, schemes: &[&str]) -> String {
    let types: String = schemes
        .iter()
        .map(|s| format!("x-scheme-handler/{s};"))
        .collect();
    format!(
        "[Desktop Entry]\nType=Application\nName=Grantry\n\
         Comment=Handles sign-in links for Grantry\nExec={exec} %u\nTerminal=false\n\
         NoDisplay=true\nMimeType={types}\n",
        exec = exec_argument(&executable.to_string_lossy()),
    )
}

/// The schemes an entry written by [`desktop_entry`] handles.
fn listed_schemes(entry: &str) -> Vec<String> {
    entry
        .lines()
        .find_map(|line| line.strip_prefix("MimeType="))
        .map(|types| {
            types
                .split(';')
                .filter_map(|t| t.strip_prefix("x-scheme-handler/"))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Takes the defaults `x-scheme-handler/{scheme}={DESKTOP_FILE}` of `schemes` out of a
/// `mimeapps.list`, leaving every other line as it was.
fn forget_defaults(mimeapps: &Path, schemes: &[String]) -> io::Result<()> {
    if schemes.is_empty() {
        return Ok(());
    }
    let Ok(text) = std::fs::read_to_string(mimeapps) else {
        return Ok(());
    };
    let ours = |line: &str| {
        schemes.iter().any(|scheme| {
            line.strip_prefix(&format!("x-scheme-handler/{scheme}="))
                .is_some_and(|apps| apps.trim_end_matches(';') == DESKTOP_FILE)
        })
    };
    let kept: String = text
        .lines()
        .filter(|line| !ours(line))
        .map(|line| format!("{line}\n"))
        .collect();
    if kept != text {
        let partial = mimeapps.with_extension("list.partial");
        std::fs::write(&partial, kept)?;
        std::fs::rename(&partial, mimeapps)?;
    }
    Ok(())
}

/// The user's `mimeapps.list`, where `xdg-mime default` writes.
pub fn mimeapps_list() -> Option<PathBuf> {
    crate::paths::xdg_base("XDG_CONFIG_HOME", ".config").map(|config| config.join("mimeapps.list"))
}

/// One argument of an `Exec=` key: bare when it has no reserved character (what xdg-utils
/// 1.1.3 needs), otherwise quoted and escaped per the Desktop Entry spec, whose string-value
/// escaping then doubles every backslash once more.
pub fn exec_argument(arg: &str) -> String {
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
    use std::collections::BTreeMap;

    use super::desktop::fake::Fake;
    use super::*;

    #[test]
    fn plain_paths_stay_unquoted_for_old_xdg_open() {
        let entry = desktop_entry(Path::new("/opt/grantry/bin/grantry-app"), &["dev.grantry"]);
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
    fn an_unchanged_entry_is_made_the_default_again_when_another_handler_took_the_scheme() {
        let dir = tempfile::tempdir().expect("temp dir");
        let entry_path = dir.path().join(DESKTOP_FILE);
        let exe = Path::new("/usr/bin/grantry-app");
        let schemes = ["dev.grantry", "com.googleusercontent.apps.1-a"];
        let entry = desktop_entry(exe, &schemes);
        std::fs::write(&entry_path, &entry).expect("write");
        let desktop = Fake::new(1000);
        desktop
            .defaults
            .borrow_mut()
            .insert("dev.grantry".to_owned(), "another-app.desktop".to_owned());
        assert_eq!(
            register_with(&desktop, dir.path(), None, exe, &schemes).expect("register"),
            Registration::Unchanged
        );
        assert_eq!(
            desktop.defaults(),
            BTreeMap::from(schemes.map(|s| (s.to_owned(), DESKTOP_FILE.to_owned()))),
            "every scheme's default is this entry again"
        );
        assert_eq!(std::fs::read_to_string(&entry_path).expect("read"), entry);
    }

    #[test]
    fn an_installed_copy_owned_by_root_is_registered() {
        let dir = tempfile::tempdir().expect("temp dir");
        let desktop = Fake::new(1000);
        let exe = Path::new("/usr/bin/grantry-app");
        assert_eq!(
            register_with(&desktop, dir.path(), None, exe, &["dev.grantry"]).expect("register"),
            Registration::Written(dir.path().join(DESKTOP_FILE))
        );
        assert_eq!(
            desktop.defaults().get("dev.grantry").map(String::as_str),
            Some(DESKTOP_FILE)
        );
    }

    #[test]
    fn a_removed_providers_scheme_leaves_the_entry_and_the_defaults() {
        let entry = desktop_entry(
            Path::new("/usr/bin/grantry-app"),
            &["dev.grantry", "com.googleusercontent.apps.1-a"],
        );
        assert!(entry.contains(
            "\nMimeType=x-scheme-handler/dev.grantry;x-scheme-handler/com.googleusercontent.apps.1-a;\n"
        ));
        assert_eq!(
            listed_schemes(&entry),
            ["dev.grantry", "com.googleusercontent.apps.1-a"]
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let list = dir.path().join("mimeapps.list");
        let text = format!(
            "[Default Applications]\nx-scheme-handler/dev.grantry={DESKTOP_FILE}\n\
             x-scheme-handler/com.googleusercontent.apps.1-a={DESKTOP_FILE}\n\
             x-scheme-handler/com.googleusercontent.apps.2-b=other.desktop\ntext/html=firefox.desktop\n"
        );
        std::fs::write(&list, text).expect("write");
        let gone = [
            "com.googleusercontent.apps.1-a".to_owned(),
            "com.googleusercontent.apps.2-b".to_owned(),
        ];
        forget_defaults(&list, &gone).expect("forget");
        let left = std::fs::read_to_string(&list).expect("read");
        assert!(!left.contains("apps.1-a"), "{left}");
        assert!(
            left.contains("apps.2-b=other.desktop"),
            "another app's default stays"
        );
        assert!(left.contains(&format!("dev.grantry={DESKTOP_FILE}")));
        assert!(left.contains("text/html=firefox.desktop"));
    }
}
