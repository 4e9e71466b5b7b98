//! The admin token: the secret a caller of the admin API (`/_sandbox/…`) sends as
//! `Authorization: Bearer …`, so that a web page the tester visits cannot drive the sandbox.
//! 256 random bits, made at start; with a token file (by default next to the state file) it is
//! kept there and stays the same across restarts, so a tester can read it with `cat`.
//!
//! Invariants: the token file is written with mode 0600 (`src/private_file.rs`). A token file
//! that other users can read is not trusted: the token is replaced with a new one, written
//! privately, because anyone who could read it could have used it.

use std::path::{Path, PathBuf};

use crate::private_file;

/// Where the token is kept when the configuration names no token file but a state file:
/// `sandbox-admin-token` next to `sandbox.json` (the state file's stem, then `-admin-token`).
pub fn default_path(state_file: &Path) -> PathBuf {
    let stem = state_file
        .file_stem()
        .map_or_else(|| "sandbox".into(), |s| s.to_string_lossy().into_owned());
    state_file.with_file_name(format!("{stem}-admin-token"))
}

/// The token kept in `path`, or a new one (written there when a path is given).
pub fn load_or_create(path: Option<&Path>) -> std::io::Result<String> {
    let Some(path) = path else {
        return Ok(crate::random::token("sbx_admin_"));
    };
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let token = text.trim();
            let usable = token.len() >= 22 && token.bytes().all(|b| b.is_ascii_graphic());
            if usable && !private_file::is_shared(path)? {
                return Ok(token.to_owned());
            }
            if usable {
                tracing::warn!(
                    "{} was readable by other users; it now holds a new admin \
                     token, readable by you only",
                    path.display()
                );
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(std::io::Error::new(
                e.kind(),
                format!("cannot read the admin token file {}: {e}", path.display()),
            ));
        }
    }
    let token = crate::random::token("sbx_admin_");
    private_file::write(path, format!("{token}\n").as_bytes()).map_err(|e| {
        std::io::Error::new(
            e.kind(),
            format!("cannot write the admin token file {}: {e}", path.display()),
        )
    })?;
    Ok(token)
}
