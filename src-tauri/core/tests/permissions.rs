//! What Grantry keeps on disk (emails, the history, the HTTP log, the providers) is readable by
//! its user only, whatever the umask (`paths.rs`, `Grantry::open`): folders 0700, files 0600,
//! and anything found looser is tightened when Grantry opens.
//!
//! A test binary of its own (not in tests/integration.rs): it sets the process's umask, which
//! would reach the files every test running beside it creates.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;

use grantry_core::events::NoEvents;
use grantry_core::secret_store::MemorySecrets;
use grantry_core::{ActivityKind, Grantry, Options};
use rustix::fs::Mode;

/// The umask of a default Debian user, under which files come out 0644 unless made otherwise.
fn debian_umask() {
    rustix::process::umask(Mode::from_raw_mode(0o022));
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).expect("stat").permissions().mode() & 0o777
}

fn open(root: &Path) -> Grantry {
    Grantry::open(Options {
        data_dir: root.join("data"),
        config_dir: root.join("config"),
        sandbox_port: Some(7461),
        secrets: Arc::new(MemorySecrets::default()),
        events: Arc::new(NoEvents),
    })
    .expect("open")
}

fn assert_private(root: &Path) {
    let data = root.join("data");
    assert_eq!(mode(&data), 0o700, "data folder");
    assert_eq!(mode(&data.join("locks")), 0o700, "lock folder");
    let mut files = 0;
    for entry in std::fs::read_dir(&data).expect("list") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            assert_eq!(mode(&path), 0o600, "{}", path.display());
            files += 1;
        }
    }
    assert!(files >= 1, "the database is there");
}

#[test]
fn a_new_data_folder_is_private_under_a_permissive_umask() {
    debian_umask();
    let root = tempfile::tempdir().expect("temp dir");
    let grantry = open(root.path());
    // Something written, so that SQLite's -wal and -shm files exist too.
    grantry
        .record(ActivityKind::AccountForgotten, "a test entry", None, 0)
        .expect("record");
    assert!(root.path().join("data/grantry.sqlite3-wal").exists());
    assert_private(root.path());
}

#[test]
fn looser_files_from_before_are_tightened_when_grantry_opens() {
    debian_umask();
    let root = tempfile::tempdir().expect("temp dir");
    drop(open(root.path()));
    let data = root.path().join("data");
    let config = root.path().join("config");
    std::fs::create_dir(&config).expect("config folder");
    std::fs::write(config.join("providers.toml"), "").expect("providers file");
    std::fs::write(data.join("locks/account-1.lock"), "").expect("lock file");
    for (path, loose) in [
        (data.clone(), 0o755),
        (data.join("locks"), 0o755),
        (data.join("grantry.sqlite3"), 0o644),
        (data.join("locks/account-1.lock"), 0o644),
        (config.clone(), 0o755),
        (config.join("providers.toml"), 0o644),
    ] {
        std::fs::set_permissions(&path, PermissionsExt::from_mode(loose)).expect("loosen");
    }
    drop(open(root.path()));
    assert_private(root.path());
    assert_eq!(mode(&data.join("locks/account-1.lock")), 0o600);
    assert_eq!(mode(&config), 0o700);
    assert_eq!(mode(&config.join("providers.toml")), 0o600);
}

#[test]
fn the_providers_file_is_written_private() {
    debian_umask();
    let root = tempfile::tempdir().expect("temp dir");
    let grantry = open(root.path());
    let mut provider = grantry.providers()[0].clone();
    provider.id = "mine".to_owned().try_into().expect("id");
    grantry.add_provider(provider).expect("add");
    let config = root.path().join("config");
    assert_eq!(mode(&config), 0o700);
    assert_eq!(mode(&config.join("providers.toml")), 0o600);
}
