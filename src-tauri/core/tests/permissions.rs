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

#[test]
fn an_exported_report_is_private_new_or_written_over() {
    debian_umask();
    let root = tempfile::tempdir().expect("temp dir");
    let grantry = open(root.path());
    let report = serde_json::to_vec(&grantry.export().expect("export")).expect("json");
    // Where the person picked: a folder of their own, shared or not.
    let new = root.path().join("grantry-account-1.json");
    grantry_core::paths::write_private(&new, &report).expect("written");
    assert_eq!(mode(&new), 0o600, "a new report");
    assert_eq!(std::fs::read(&new).expect("read"), report);
    // Saving over an older report (the save dialog asks first) makes it private as well.
    let older = root.path().join("older.json");
    std::fs::write(&older, "an older, longer report with other lines").expect("older");
    assert_eq!(mode(&older), 0o644, "the umask applies to a plain write");
    grantry_core::paths::write_private(&older, &report).expect("written over");
    assert_eq!(mode(&older), 0o600, "a report written over another");
    assert_eq!(std::fs::read(&older).expect("read"), report);
}

#[test]
fn the_log_files_are_private_and_older_ones_tightened() {
    debian_umask();
    let root = tempfile::tempdir().expect("temp dir");
    let logs = root
        .path()
        .join("data")
        .join(grantry_core::logging::LOG_DIR);
    std::fs::create_dir_all(&logs).expect("log folder");
    let older = logs.join("grantry.2000-01-01.log");
    std::fs::write(&older, "a line from an older run\n").expect("older log");
    let dir = grantry_core::logging::to_file(
        &root.path().join("data"),
        tracing::level_filters::LevelFilter::INFO,
    )
    .expect("logging to a file");
    // Lines of this test binary pass at warning level (`logging::filter`).
    tracing::warn!("a line for today's file");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .expect("list")
        .map(|entry| entry.expect("entry").path())
        .collect();
    assert_eq!(files.len(), 2, "the older file and today's: {files:?}");
    for file in &files {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }
    let today = files.iter().find(|f| **f != older).expect("today's file");
    let text = std::fs::read_to_string(today).expect("read");
    assert!(text.contains("a line for today's file"), "{text}");
}
