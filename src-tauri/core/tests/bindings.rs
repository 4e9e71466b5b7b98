//! The TypeScript types in `ui/src/lib/bindings/` are generated from the Rust types the UI
//! receives. This test fails when they are stale; `make bindings` rewrites them
//! (`GRANTRY_UPDATE_BINDINGS=1 cargo test -p grantry-core --test bindings`).

use std::path::{Path, PathBuf};

use grantry_core::{
    AccountScope, AccountStatus, AccountSummary, ActivityEntry, ActivityKind, ErrorCode, IpcError,
    SandboxStatus, ScopeStatus,
};
use ts_rs::{Config, TS};

fn bindings_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/bindings")
}

/// i64 ids and Unix times fit a JavaScript number (they stay far below 2^53), and serde_json
/// sends them as numbers, not as bigint.
fn config() -> Config {
    Config::new().with_large_int("number")
}

fn check<T: TS + 'static>(stale: &mut Vec<String>) {
    let generated = T::export_to_string(&config()).expect("generate TypeScript");
    let path = bindings_dir().join(format!("{}.ts", T::name(&config())));
    if std::env::var_os("GRANTRY_UPDATE_BINDINGS").is_some() {
        std::fs::create_dir_all(bindings_dir()).expect("create bindings folder");
        std::fs::write(&path, &generated).expect("write binding");
        return;
    }
    if std::fs::read_to_string(&path).ok().as_deref() != Some(generated.as_str()) {
        stale.push(path.display().to_string());
    }
}

#[test]
fn typescript_bindings_are_fresh() {
    let mut stale = Vec::new();
    check::<AccountSummary>(&mut stale);
    check::<AccountStatus>(&mut stale);
    check::<AccountScope>(&mut stale);
    check::<ScopeStatus>(&mut stale);
    check::<ActivityEntry>(&mut stale);
    check::<ActivityKind>(&mut stale);
    check::<ErrorCode>(&mut stale);
    check::<IpcError>(&mut stale);
    check::<SandboxStatus>(&mut stale);
    check::<grantry_core::exchange::Exchange>(&mut stale);
    check::<grantry_core::ProviderOption>(&mut stale);
    check::<grantry_core::EnvironmentOption>(&mut stale);
    check::<grantry_core::ScopeOption>(&mut stale);
    check::<grantry_core::StartedLink>(&mut stale);
    assert!(
        stale.is_empty(),
        "stale TypeScript bindings, run `make bindings`: {stale:?}"
    );
}
