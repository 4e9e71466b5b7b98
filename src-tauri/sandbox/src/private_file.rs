//! Files only the user who runs the sandbox may read: the state file (it holds the private
//! signing key), the admin token file, and the test-only token log.
//!
//! Invariants: on Unix every file written here is created with mode 0600 whatever the umask,
//! and a whole-file write goes to a temporary file beside the target first and is renamed over
//! it, so a reader sees the old file or the new one, never half of one and never a moment of
//! wider permissions. On other systems files get the platform's defaults.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Owner read and write only.
#[cfg(unix)]
const PRIVATE: u32 = 0o600;

fn options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.write(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, PRIVATE);
    options
}

/// The temporary file a write of `path` goes through: `sandbox.json.partial` for
/// `sandbox.json`. Its name is fixed, so an interrupted write leaves one stray file, not many.
pub fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

/// Replaces `path` with `bytes`, mode 0600, through a temporary file and a rename.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // The folder may not exist yet (a data folder nobody has used); it is made this user's
    // only, like the file.
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let partial = partial_path(path);
    let mut file = options().truncate(true).open(&partial)?;
    // `mode` applies only when the file is created; a stray one may have wider permissions.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(PRIVATE))?;
    }
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(partial, path)
}

/// Appends one line to `path`, creating it with mode 0600.
pub fn append_line(path: &Path, line: &str) -> std::io::Result<()> {
    let mut file = options().append(true).open(path)?;
    file.write_all(format!("{line}\n").as_bytes())
}

/// Whether users other than the owner may read or write `path` (never on non-Unix systems,
/// where permissions are not mode bits).
pub fn is_shared(path: &Path) -> std::io::Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Ok(std::fs::metadata(path)?.permissions().mode() & 0o077 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(false)
    }
}

/// Takes group's and others' access away from `path` (mode 0600).
pub fn make_private(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(PRIVATE))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}
