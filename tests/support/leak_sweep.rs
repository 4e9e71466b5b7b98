//! The leak sweep: every code and token the sandbox issued during a test, read back from its
//! test-only token log (`SandboxConfig::token_log`, src-tauri/sandbox/src/config.rs), searched
//! for in whatever the test hands over: files, folders, command output. A value found fails
//! the test, naming where it was found and showing only the first characters of the value.
//!
//! One file shared by the end-to-end tests of the window (tests/support/mod.rs) and of the
//! command line (src-tauri/cli/tests/support/mod.rs, which includes it by path).

use std::path::{Path, PathBuf};

/// Values shorter than this are not searched for: a short value (a test's `code=x`) matches
/// by chance in any database page. Everything the sandbox issues is far longer.
const MIN_LEN: usize = 8;

/// How many characters of a value a failure shows: enough to tell which one, too few to use.
const SHOWN: usize = 10;

/// One issued value and what is searched for: the whole value, and a piece of it that only it
/// has, so that a copy cut short (a body kept only up to some length) is caught too.
struct Needle {
    what: String,
    pieces: Vec<String>,
}

impl Needle {
    fn new(what: String, value: &str) -> Self {
        let mut pieces = vec![value.to_owned()];
        let parts: Vec<&str> = value.split('.').collect();
        let distinct = match parts.as_slice() {
            // A JWT (RFC 7519): its header is the same in every token, its signature is not.
            [_, _, signature] => *signature,
            // An opaque token: its start, past the shared prefix (`sbx_at_`, …).
            _ => value.get(..value.len().min(24)).unwrap_or(value),
        };
        if distinct.len() >= MIN_LEN && distinct != value {
            pieces.push(distinct.to_owned());
        }
        Self { what, pieces }
    }
}

/// The file where the sandbox keeps its admin token (in the data folder, so that Grantry can
/// prove it is its own sandbox): the one place the token belongs, left out of every search.
pub const ADMIN_TOKEN_FILE: &str = "sandbox-admin-token";

#[derive(Default)]
pub struct Sweep {
    needles: Vec<Needle>,
    places: Vec<String>,
    found: Vec<String>,
}

impl Sweep {
    /// The values in the token log at `token_log`, one a line: every code and token the
    /// sandbox issued, every PKCE verifier it received, and its admin token. The log must
    /// exist and hold something: a sweep with nothing to look for would pass whatever leaked.
    pub fn from_token_log(token_log: &Path) -> Self {
        let mut sweep = Self::default();
        sweep.add_token_log(token_log);
        sweep
    }

    /// Also looks for the values of the token log at `token_log` ([`Sweep::from_token_log`]).
    pub fn add_token_log(&mut self, token_log: &Path) {
        let logged = std::fs::read_to_string(token_log)
            .unwrap_or_else(|e| panic!("leak sweep: cannot read {}: {e}", token_log.display()));
        assert!(
            !logged.trim().is_empty(),
            "leak sweep: the token log {} is empty",
            token_log.display()
        );
        for (line, value) in logged.lines().enumerate() {
            self.add(&format!("token log line {}", line + 1), value);
        }
    }

    /// Also searches for `value`, described as `what` (a test's own secret, say).
    pub fn add(&mut self, what: &str, value: &str) {
        let value = value.trim();
        if value.len() < MIN_LEN {
            return;
        }
        let shown: String = value.chars().take(SHOWN).collect();
        let what = format!("{what} (`{shown}…`, {} characters)", value.len());
        self.needles.push(Needle::new(what, value));
    }

    /// How many values are searched for.
    pub fn values(&self) -> usize {
        self.needles.len()
    }

    /// Searches `bytes`, read from `place`.
    pub fn search(&mut self, place: &str, bytes: &[u8]) {
        self.places.push(place.to_owned());
        // Every value issued is ASCII, so it survives the lossy reading of binary files (a
        // database page) intact; `str::contains` is much faster than comparing byte windows.
        let text = String::from_utf8_lossy(bytes);
        for needle in &self.needles {
            if needle
                .pieces
                .iter()
                .any(|piece| text.contains(piece.as_str()))
            {
                self.found.push(format!("{} in {place}", needle.what));
            }
        }
    }

    /// Searches the file at `path` if it exists; says whether it did.
    pub fn search_file(&mut self, label: &str, path: &Path) -> bool {
        match std::fs::read(path) {
            Ok(bytes) => {
                self.search(&format!("{label} {}", path.display()), &bytes);
                true
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => panic!("leak sweep: cannot read {}: {e}", path.display()),
        }
    }

    /// Searches every file under `dir`, in every folder below it, but the admin token's.
    pub fn search_dir(&mut self, label: &str, dir: &Path) {
        let files = files_under(dir)
            .into_iter()
            .filter(|path| !path.ends_with(ADMIN_TOKEN_FILE));
        for path in files {
            // A file may go between listing and reading (SQLite's -wal at close).
            self.search_file(label, &path);
        }
    }

    /// Fails, naming every value found and where, if any was; or if there was nothing to look
    /// for, or nowhere it was looked.
    pub fn finish(self) {
        assert!(!self.needles.is_empty(), "leak sweep: no value to look for");
        assert!(!self.places.is_empty(), "leak sweep: nowhere was searched");
        assert!(
            self.found.is_empty(),
            "leak sweep: {} issued value(s) found where none may be:\n  {}\n(searched {} \
             places for {} values)",
            self.found.len(),
            self.found.join("\n  "),
            self.places.len(),
            self.needles.len()
        );
    }
}

/// Every regular file under `dir`, in every folder below it; none if `dir` does not exist.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.expect("leak sweep: a folder entry").path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else if path.is_file() {
            files.push(path);
        }
    }
    files
}
