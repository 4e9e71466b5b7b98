//! The TypeScript types in `ui/src/lib/bindings/` are generated from the Rust types the UI
//! receives. This test fails when they are stale; `make bindings` rewrites them
//! (`GRANTRY_UPDATE_BINDINGS=1 cargo test -p grantry-core --test integration bindings::`).

use std::path::{Path, PathBuf};

use grantry_core::{
    AccountScope, AccountStatus, AccountSummary, ActivityEntry, ActivityKind, EVENT_CHANNEL,
    ErrorCode, GrantryEvent, HttpExchange, IpcError, SandboxStatus, ScopeStatus,
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
    check_file(&format!("{}.ts", T::name(&config())), &generated, stale);
}

thread_local! {
    static CHECKED: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn checked(name: &str) -> bool {
    CHECKED.with(|names| names.borrow().iter().any(|n| n == name))
}

/// Checks (or, with `GRANTRY_UPDATE_BINDINGS`, writes) one file of the bindings folder.
fn check_file(name: &str, generated: &str, stale: &mut Vec<String>) {
    CHECKED.with(|names| names.borrow_mut().push(name.to_owned()));
    let path = bindings_dir().join(name);
    if std::env::var_os("GRANTRY_UPDATE_BINDINGS").is_some() {
        std::fs::create_dir_all(bindings_dir()).expect("create bindings folder");
        std::fs::write(&path, generated).expect("write binding");
        return;
    }
    if std::fs::read_to_string(&path).ok().as_deref() != Some(generated) {
        stale.push(path.display().to_string());
    }
}

#[test]
fn typescript_bindings_are_fresh() {
    let mut stale = Vec::new();
    check::<AccountSummary>(&mut stale);
    check::<AccountStatus>(&mut stale);
    check::<grantry_core::FailingRefresh>(&mut stale);
    check::<AccountScope>(&mut stale);
    check::<ScopeStatus>(&mut stale);
    check::<ActivityEntry>(&mut stale);
    check::<ActivityKind>(&mut stale);
    check::<ErrorCode>(&mut stale);
    check::<grantry_core::settings::Settings>(&mut stale);
    check::<grantry_core::ProgramAccess>(&mut stale);
    check::<grantry_core::TokenRequest>(&mut stale);
    check::<grantry_core::TokenAnswer>(&mut stale);
    check::<grantry_core::settings::SettingsView>(&mut stale);
    check::<IpcError>(&mut stale);
    check::<SandboxStatus>(&mut stale);
    check::<HttpExchange>(&mut stale);
    check::<grantry_core::Inspection>(&mut stale);
    check::<grantry_core::ExchangeRequest>(&mut stale);
    check::<grantry_core::ExchangeResult>(&mut stale);
    check::<grantry_core::SubjectToken>(&mut stale);
    check::<grantry_core::TokenShape>(&mut stale);
    check::<grantry_core::model::DpopBinding>(&mut stale);
    check::<grantry_core::model::ProviderBinding>(&mut stale);
    check::<grantry_core::secret::TokenType>(&mut stale);
    check::<grantry_core::RefreshAllOutcome>(&mut stale);
    check::<grantry_core::RevocationReceipt>(&mut stale);
    check::<grantry_core::RevocationOutcome>(&mut stale);
    check::<grantry_core::RevocationProof>(&mut stale);
    check::<grantry_core::RevokeAllScope>(&mut stale);
    check::<grantry_core::RevokeAllOutcome>(&mut stale);
    check::<grantry_core::RevokeAllAccount>(&mut stale);
    check::<grantry_core::GrantEnd>(&mut stale);
    check::<grantry_core::GrantEndSource>(&mut stale);
    check::<grantry_core::BreakCause>(&mut stale);
    check::<grantry_core::RefreshFailure>(&mut stale);
    check::<GrantryEvent>(&mut stale);
    check::<grantry_core::ProviderOption>(&mut stale);
    check::<grantry_core::EnvironmentOption>(&mut stale);
    check::<grantry_core::ScopeOption>(&mut stale);
    check::<grantry_core::StartedLink>(&mut stale);
    check::<grantry_core::LinkStatus>(&mut stale);
    check::<grantry_core::DeviceLinkView>(&mut stale);
    check::<grantry_core::QrMatrix>(&mut stale);
    check::<grantry_core::DeviceOffer>(&mut stale);
    check::<grantry_core::AccountDetail>(&mut stale);
    check::<grantry_core::TokenInfo>(&mut stale);
    check::<grantry_core::ScopeCheck>(&mut stale);
    check::<grantry_core::ScopeChange>(&mut stale);
    check::<grantry_core::ProviderView>(&mut stale);
    check::<grantry_core::ProviderCheck>(&mut stale);
    check::<grantry_core::RelinkOnSave>(&mut stale);
    check::<grantry_core::EnvironmentView>(&mut stale);
    check::<grantry_core::PresetView>(&mut stale);
    check::<grantry_core::model::SiteField>(&mut stale);
    check::<grantry_core::model::RedirectOptionView>(&mut stale);
    check::<grantry_core::Discovered>(&mut stale);
    check::<grantry_core::ClientJwks>(&mut stale);
    check::<grantry_core::RemoveAccounts>(&mut stale);
    check::<grantry_core::providers::Preset>(&mut stale);
    check::<grantry_core::providers::RedirectKind>(&mut stale);
    // The Sandbox screen's: what the sandbox's admin operations take and return.
    check::<grantry_sandbox::Overview>(&mut stale);
    check::<grantry_sandbox::ClientView>(&mut stale);
    check::<grantry_sandbox::admin::ScopeView>(&mut stale);
    check::<grantry_sandbox::NewUser>(&mut stale);
    check::<grantry_sandbox::ActiveFault>(&mut stale);
    check::<grantry_sandbox::Fault>(&mut stale);
    check::<grantry_sandbox::FaultKind>(&mut stale);
    check::<grantry_sandbox::Endpoint>(&mut stale);
    check::<grantry_sandbox::Personality>(&mut stale);
    check::<grantry_sandbox::TestUser>(&mut stale);
    check::<grantry_sandbox::ClientConfig>(&mut stale);
    check::<grantry_sandbox::ClientAuth>(&mut stale);
    check::<grantry_sandbox::DpopSettings>(&mut stale);
    check::<grantry_core::providers::ClientAuth>(&mut stale);
    check::<grantry_core::providers::presets::SecretNeed>(&mut stale);
    check::<grantry_core::providers::draft::ProviderDraft>(&mut stale);
    check::<grantry_core::providers::draft::EnvironmentDraft>(&mut stale);
    check::<grantry_core::providers::draft::FieldError>(&mut stale);
    // The one channel events travel on, so the window never spells it by hand.
    let channel = format!(
        "// Generated from the Rust side (src-tauri/core/src/events.rs). Do not edit this file \
         manually.\nexport const EVENT_CHANNEL = \"{EVENT_CHANNEL}\";\n"
    );
    check_file("eventChannel.ts", &channel, &mut stale);
    // A file no type generates any more is stale too.
    for entry in std::fs::read_dir(bindings_dir()).expect("bindings folder") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if !checked(&name) {
            stale.push(format!("{name} (generated by no type: delete it)"));
        }
    }
    assert!(
        stale.is_empty(),
        "stale TypeScript bindings, run `make bindings`: {stale:?}"
    );
}
