//! The fuzzing corpus (`fuzz/corpus/<target>/`, run by `make fuzz`) replayed on stable: every
//! kept input, crash reproducers included, goes through its harness (`src/fuzz.rs`) again.

use std::path::PathBuf;

fn replay(target: &str, harness: fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a corpus entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} holds no inputs", dir.display());
    for file in files {
        let data = std::fs::read(&file).expect("a corpus file");
        let outcome = std::panic::catch_unwind(|| harness(&data));
        assert!(
            outcome.is_ok(),
            "{target} failed on {} (see the panic above)",
            file.display()
        );
    }
}

#[test]
fn callback_url() {
    replay("callback_url", grantry_core::fuzz::callback_url);
}

#[test]
fn deep_link() {
    replay("deep_link", grantry_core::fuzz::deep_link);
}

#[test]
fn token_response() {
    replay("token_response", grantry_core::fuzz::token_response);
}

#[test]
fn token_exchange_answer() {
    replay(
        "token_exchange_answer",
        grantry_core::fuzz::token_exchange_answer,
    );
}

#[test]
fn par_answer() {
    replay("par_answer", grantry_core::fuzz::par_answer);
}

#[test]
fn discovery() {
    replay("discovery", grantry_core::fuzz::discovery);
}

#[test]
fn providers_file() {
    replay("providers_file", grantry_core::fuzz::providers_file);
}

#[test]
fn device_authorization() {
    replay(
        "device_authorization",
        grantry_core::fuzz::device_authorization,
    );
}

#[test]
fn dpop_answer() {
    replay("dpop_answer", grantry_core::fuzz::dpop_answer);
}
