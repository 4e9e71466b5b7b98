//! Whether the executable about to be registered as the handler of sign-in links could be
//! replaced by someone other than this user or root. Whoever can replace it receives every
//! `dev.grantry:` answer (codes, and through them tokens), so such an executable is never
//! registered: not when the file, or any folder above it, is writable by its group or by every
//! user, nor when either belongs to another user. A sticky folder of root's or this user's
//! (`/tmp`) is the exception: in it, only an entry's owner can rename or remove that entry, and
//! the entry the path goes through is itself checked (one made there first by another user
//! belongs to that user, and is refused). An installed copy
//! (`/usr/bin/grantry-app` from the `.deb`) is root's in root's folders and passes.
//!
//! Symbolic links count as what they point at: the folders holding the link are checked, and
//! so is the resolved path, file and folders; a link's own permission bits mean nothing.

use std::io;
use std::path::{Path, PathBuf};

use super::desktop::{Desktop, Facts};

/// Why someone other than this user or root could replace the executable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Replaceable {
    #[error("is writable by every user")]
    WorldWritable,
    #[error("is writable by its group")]
    GroupWritable,
    #[error("belongs to another user (uid {0})")]
    OtherOwner(u32),
}

/// The refusal to register an executable another user could replace, naming the file or
/// folder that allows it.
#[derive(Debug, thiserror::Error)]
#[error(
    "{executable} is not registered as the handler of sign-in links: {culprit} {why}, so \
     someone else could replace the program and receive every sign-in answer; run Grantry \
     from a place only you or root can write to, such as its installed /usr/bin/grantry-app"
)]
pub struct UnsafeExecutable {
    pub executable: PathBuf,
    /// The executable itself or one of the folders above it.
    pub culprit: PathBuf,
    pub why: Replaceable,
}

/// Why a file or folder with these `facts`, on the way to the executable, lets someone other
/// than `user` or root replace it; `None` if it does not.
pub fn replaceable(facts: Facts, user: u32) -> Option<Replaceable> {
    if facts.symlink {
        return None;
    }
    let owned = facts.uid == user || facts.uid == 0;
    if facts.mode & 0o1000 != 0 && owned {
        // Sticky (`/tmp`): others may add entries, never replace one that is not theirs; the
        // entry the path goes through is checked on its own.
        None
    } else if facts.mode & 0o002 != 0 {
        Some(Replaceable::WorldWritable)
    } else if facts.mode & 0o020 != 0 {
        Some(Replaceable::GroupWritable)
    } else if facts.uid != user && facts.uid != 0 {
        Some(Replaceable::OtherOwner(facts.uid))
    } else {
        None
    }
}

/// Checks `executable`, the folders above it, and the same for the path it resolves to;
/// an [`io::ErrorKind::PermissionDenied`] error carrying [`UnsafeExecutable`] if someone other
/// than this user or root could replace it, or an error saying what could not be checked
/// (which the caller prefixes with what it was checking for).
pub fn check(desktop: &dyn Desktop, executable: &Path) -> io::Result<()> {
    let cannot_check = |path: &Path, error: io::Error| {
        io::Error::new(
            error.kind(),
            format!("cannot check who may replace {}: {error}", path.display()),
        )
    };
    let resolved = desktop
        .resolve(executable)
        .map_err(|e| cannot_check(executable, e))?;
    let mut paths: Vec<&Path> = Vec::new();
    for path in executable.ancestors().chain(resolved.ancestors()) {
        if !path.as_os_str().is_empty() && !paths.contains(&path) {
            paths.push(path);
        }
    }
    let user = desktop.user();
    for path in paths {
        let facts = desktop.facts(path).map_err(|e| cannot_check(path, e))?;
        if let Some(why) = replaceable(facts, user) {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                UnsafeExecutable {
                    executable: executable.to_owned(),
                    culprit: path.to_owned(),
                    why,
                },
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;
    use crate::scheme_handler::desktop::fake::Fake;
    use crate::scheme_handler::{DESKTOP_FILE, Registration, desktop_entry, register_with};

    const ME: u32 = 1000;

    fn facts(uid: u32, mode: u32) -> Facts {
        Facts {
            uid,
            mode,
            symlink: false,
        }
    }

    #[test]
    fn only_this_user_or_root_may_be_able_to_replace_it() {
        assert_eq!(replaceable(facts(0, 0o755), ME), None, "an installed copy");
        assert_eq!(
            replaceable(facts(ME, 0o700), ME),
            None,
            "the user's own build"
        );
        assert_eq!(
            replaceable(facts(1001, 0o755), ME),
            Some(Replaceable::OtherOwner(1001)),
            "its owner could replace it"
        );
        assert_eq!(
            replaceable(facts(ME, 0o775), ME),
            Some(Replaceable::GroupWritable)
        );
        assert_eq!(
            replaceable(facts(0, 0o1777), ME),
            None,
            "a sticky /tmp of root's: only an entry's owner can replace it"
        );
        assert_eq!(
            replaceable(facts(1001, 0o1777), ME),
            Some(Replaceable::WorldWritable),
            "a sticky folder of another user's: its owner can replace anything in it"
        );
        assert_eq!(
            replaceable(facts(0, 0o777), ME),
            Some(Replaceable::WorldWritable),
            "without the sticky bit, anyone can replace what is in it"
        );
        assert_eq!(
            replaceable(
                Facts {
                    uid: 1001,
                    mode: 0o777,
                    symlink: true
                },
                ME
            ),
            None,
            "a link counts as what it points at, checked on its own"
        );
    }

    fn chmod(path: &Path, mode: u32) {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }

    /// A private scratch folder (0700 whatever the umask) holding a program (0755) at
    /// `bin/grantry-app`, `bin` made `folder_mode`.
    fn program_in(folder_mode: u32) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("temp dir");
        chmod(dir.path(), 0o700);
        let folder = dir.path().canonicalize().expect("canonical").join("bin");
        std::fs::create_dir(&folder).expect("mkdir");
        chmod(&folder, folder_mode);
        let exe = folder.join("grantry-app");
        std::fs::write(&exe, "#!/bin/sh\n").expect("write");
        chmod(&exe, 0o755);
        (dir, exe)
    }

    /// Registers `exe` through `desktop` into a fresh folder and returns why it was refused,
    /// checking that nothing was registered: no entry written, no default set.
    fn refused(desktop: &Fake, exe: &Path) -> UnsafeExecutable {
        let applications = tempfile::tempdir().expect("temp dir");
        let error = register_with(desktop, applications.path(), None, exe, &["dev.grantry"])
            .expect_err("someone else could replace the program: not registered");
        assert_eq!(error.kind(), io::ErrorKind::PermissionDenied, "{error}");
        assert!(
            error.to_string().contains("receive every sign-in answer"),
            "the log says why: {error}"
        );
        assert!(!applications.path().join(DESKTOP_FILE).exists());
        assert!(desktop.defaults().is_empty(), "no default was set");
        let why = error.into_inner().expect("a reason");
        *why.downcast::<UnsafeExecutable>()
            .expect("UnsafeExecutable")
    }

    #[test]
    fn a_program_in_a_private_folder_is_registered() {
        // The same layout as the refusals below, with nothing another user could write.
        let (dir, exe) = program_in(0o755);
        let desktop = Fake::over(dir.path());
        let applications = dir.path().join("applications");
        assert_eq!(
            register_with(&desktop, &applications, None, &exe, &["dev.grantry"]).expect("register"),
            Registration::Written(applications.join(DESKTOP_FILE))
        );
    }

    #[test]
    fn a_program_in_a_folder_everyone_can_write_is_not_registered() {
        let (dir, exe) = program_in(0o777);
        let why = refused(&Fake::over(dir.path()), &exe);
        assert_eq!(why.culprit, exe.parent().expect("folder"));
        assert_eq!(why.why, Replaceable::WorldWritable);
    }

    #[test]
    fn a_program_its_group_can_write_is_not_registered() {
        let (dir, exe) = program_in(0o755);
        chmod(&exe, 0o775);
        let desktop = Fake::over(dir.path());
        // Even when its entry is already there: the default is not set again either.
        let applications = tempfile::tempdir().expect("temp dir");
        let entry = applications.path().join(DESKTOP_FILE);
        std::fs::write(&entry, desktop_entry(&exe, &["dev.grantry"])).expect("write");
        let error = register_with(&desktop, applications.path(), None, &exe, &["dev.grantry"])
            .expect_err("refused");
        assert_eq!(error.kind(), io::ErrorKind::PermissionDenied, "{error}");
        assert!(desktop.defaults().is_empty(), "no default was set");

        let why = refused(&desktop, &exe);
        assert_eq!(why.culprit, exe);
        assert_eq!(why.why, Replaceable::GroupWritable);
        assert!(
            error.to_string().contains("is writable by its group"),
            "{error}"
        );
    }

    #[test]
    fn a_program_another_user_owns_is_not_registered() {
        // Giving a real file away needs root, so the owner is the fake's say.
        let exe = Path::new("/home/mallory/grantry-app");
        let mut desktop = Fake::new(1000);
        let mallorys = Facts {
            uid: 4242,
            mode: 0o755,
            symlink: false,
        };
        desktop.facts.insert(exe.to_owned(), mallorys);
        let why = refused(&desktop, exe);
        assert_eq!(
            (why.culprit.as_path(), why.why),
            (exe, Replaceable::OtherOwner(4242))
        );

        // A folder of another user's above the program is as bad: they may swap its content.
        let mut desktop = Fake::new(1000);
        desktop
            .facts
            .insert(PathBuf::from("/home/mallory"), mallorys);
        let why = refused(&desktop, exe);
        assert_eq!(why.culprit, Path::new("/home/mallory"));
    }

    #[test]
    fn a_link_to_a_program_in_a_folder_everyone_can_write_is_not_registered() {
        let (dir, target) = program_in(0o777);
        let private = dir
            .path()
            .canonicalize()
            .expect("canonical")
            .join("private");
        std::fs::create_dir(&private).expect("mkdir");
        chmod(&private, 0o755);
        let link = private.join("grantry-app");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        let why = refused(&Fake::over(dir.path()), &link);
        assert_eq!(why.culprit, target.parent().expect("folder"));
    }
}
