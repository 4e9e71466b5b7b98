//! What registering the scheme handler asks of the system, as a small trait: the owner and
//! mode of a file ([`Facts`]), where a path's links lead, who this process runs as, and
//! `xdg-mime default` of the handler entry ([`DESKTOP_FILE`]). [`System`] is the real one;
//! tests use `fake::Fake`, so the rules of `register_with` run without a desktop and without
//! giving files away.

use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Name of the handler entry in `$XDG_DATA_HOME/applications/`.
pub const DESKTOP_FILE: &str = "dev.grantry.desktop-url-handler.desktop";

/// What `lstat(2)` says of a file or folder, as far as the check needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Facts {
    /// The owner's user id.
    pub uid: u32,
    /// The permission bits (`st_mode & 0o7777`).
    pub mode: u32,
    /// Whether it is a symbolic link (its own bits and owner then do not matter).
    pub symlink: bool,
}

/// What registering asks of the system (see the module's comment).
pub trait Desktop {
    /// The owner and mode of `path` itself (a symbolic link is not followed).
    fn facts(&self, path: &Path) -> io::Result<Facts>;
    /// `path` with every symbolic link resolved.
    fn resolve(&self, path: &Path) -> io::Result<PathBuf>;
    /// The (effective) user id this process runs as.
    fn user(&self) -> u32;
    /// Makes [`DESKTOP_FILE`] the default handler of `x-scheme-handler/{scheme}`.
    fn set_default(&self, scheme: &str) -> io::Result<()>;
}

/// The real system: `lstat(2)`, `realpath(3)`, `geteuid(2)` and `xdg-mime default`.
pub struct System;

impl Desktop for System {
    fn facts(&self, path: &Path) -> io::Result<Facts> {
        let metadata = std::fs::symlink_metadata(path)?;
        Ok(Facts {
            uid: metadata.uid(),
            mode: metadata.mode() & 0o7777,
            symlink: metadata.file_type().is_symlink(),
        })
    }

    fn resolve(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }

    fn user(&self) -> u32 {
        rustix::process::geteuid().as_raw()
    }

    fn set_default(&self, scheme: &str) -> io::Result<()> {
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
        Ok(())
    }
}

#[cfg(test)]
pub mod fake {
    use std::cell::RefCell;
    use std::collections::{BTreeMap, HashMap};

    use super::*;

    /// A desktop without a desktop: files are root's 0755 folders unless `facts` says
    /// otherwise, except under `real`, which are asked of the real system; the defaults
    /// `xdg-mime` would set are kept in `defaults`, scheme to entry.
    pub struct Fake {
        pub user: u32,
        pub facts: HashMap<PathBuf, Facts>,
        pub real: Option<PathBuf>,
        pub defaults: RefCell<BTreeMap<String, String>>,
    }

    impl Fake {
        pub fn new(user: u32) -> Self {
            Self {
                user,
                facts: HashMap::new(),
                real: None,
                defaults: RefCell::default(),
            }
        }

        /// Real files under `root`, for this process's own user.
        pub fn over(root: &Path) -> Self {
            Self {
                real: Some(root.canonicalize().expect("canonical")),
                ..Self::new(System.user())
            }
        }

        fn is_real(&self, path: &Path) -> bool {
            self.real
                .as_ref()
                .is_some_and(|root| path.starts_with(root))
        }

        pub fn defaults(&self) -> BTreeMap<String, String> {
            self.defaults.borrow().clone()
        }
    }

    impl Desktop for Fake {
        fn facts(&self, path: &Path) -> io::Result<Facts> {
            if let Some(facts) = self.facts.get(path) {
                return Ok(*facts);
            }
            if self.is_real(path) {
                return System.facts(path);
            }
            Ok(Facts {
                uid: 0,
                mode: 0o755,
                symlink: false,
            })
        }

        fn resolve(&self, path: &Path) -> io::Result<PathBuf> {
            if self.is_real(path) {
                return System.resolve(path);
            }
            Ok(path.to_owned())
        }

        fn user(&self) -> u32 {
            self.user
        }

        fn set_default(&self, scheme: &str) -> io::Result<()> {
            self.defaults
                .borrow_mut()
                .insert(scheme.to_owned(), DESKTOP_FILE.to_owned());
            Ok(())
        }
    }
}
