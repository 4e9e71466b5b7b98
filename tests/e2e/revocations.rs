//! Revocation receipts and Revoke all in the real window: a provider that accepts a revocation
//! and ignores it (the sandbox's `ignore_revocation` fault) leaves the account "Revocation not
//! effective" with Retry, its grant still live; Retry, once the provider behaves, takes it;
//! Revoke all names its count, shows each outcome and sums up, and every grant is gone at the
//! provider. Each new state is checked with axe-core and photographed.

use std::path::Path;

use super::steps::{Admin, link, look, open};
use super::{
    APP, ONE_WINDOW, TestApp, sandbox_issuer, scratch_session, scripted_browser, start_app,
};

#[test]
#[ignore = "needs Xvfb, tauri-driver and a throwaway session: run through `make test`"]
fn an_ignored_revocation_is_caught_and_revoke_all_sums_up() {
    let _window = ONE_WINDOW
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let data_home = scratch_session();
    let consent = scripted_browser(&data_home);
    let TestApp {
        mut sweep,
        driver,
        data_dir,
        token_log: _,
    } = start_app(&data_home, "revocations");
    let app = driver.session(Path::new(APP));
    let admin = Admin::new(sandbox_issuer(&app), &data_dir);
    for user in ["alice", "bob", "carol"] {
        link(
            &app,
            &consent,
            &format!("--user {user}"),
            &format!("{user}@sandbox.grantry.test"),
        );
    }

    // Accepted and ignored: the check sees the token still active, the account stays.
    open(&app, "alice@sandbox.grantry.test");
    admin.fault(r#"{"endpoint":"revoke","kind":"ignore_revocation"}"#);
    app.click("[data-testid=revoke-open]");
    app.wait_for_text("[data-testid=confirm]");
    app.click("[data-testid=confirm]");
    let banner = app.wait_for_text("[data-testid=revocation-not-effective]");
    assert!(banner.contains("Revocation not effective"), "{banner}");
    // What the check found, the header says.
    let found = app.wait_for_text("main");
    assert!(found.contains("still calls the token active"), "{found}");
    let chip = app.wait_for_text("[data-testid=status-chip]");
    assert!(chip.contains("Revocation not effective"), "{chip}");
    assert_eq!(admin.live("alice"), [true], "the grant is still live");
    look(&app, "revocation-not-effective");

    // Retry, the fault used up: verified, and gone.
    app.click("[data-testid=retry-revocation]");
    // Back at the list, whose banner carries the receipt.
    let said = app.wait_for_text_where("main", |t| t.contains("Access revoked"));
    assert!(
        said.contains("verified, sandbox's introspection says the token is no longer active"),
        "{said}"
    );
    assert!(!said.contains("Alice Tester"), "{said}");
    assert_eq!(admin.live("alice"), [false]);

    // Revoke all: the count and the accounts first, then each outcome.
    app.click("[data-testid=revoke-all-open]");
    let asked = app.wait_for_text("[data-testid=revoke-all-dialog]");
    assert!(
        asked.contains("2 accounts (bob@sandbox.grantry.test, carol@sandbox.grantry.test)"),
        "{asked}"
    );
    look(&app, "revoke-all");
    app.click("[data-testid=revoke-all-confirm]");
    let summary = app.wait_for_text("[data-testid=revoke-all-summary]");
    assert_eq!(summary, "Revoked 2 of 2 accounts (2 verified).");
    look(&app, "revoke-all-summary");
    app.click("[data-testid=revoke-all-close]");
    app.wait_for_text("[data-testid=accounts-empty]");
    assert_eq!(admin.live("bob"), [false]);
    assert_eq!(admin.live("carol"), [false]);

    sweep.running(&driver);
    drop(app);
    sweep.finish(&[]);
}
