//! Linking by device code (RFC 8628) in the real window, against the app's own sandbox: the
//! Link dialog's "Use a device code", the code shown large with its page and a QR code, the
//! sandbox's verification page answered over HTTP as a person would on another device, and
//! the account listed. The waiting panel is checked with axe-core and photographed in light
//! and dark.

use std::path::Path;

use grantry_sandbox::robot::{Choice, approve_device};

use super::steps::look;
use super::{APP, ONE_WINDOW, TestApp, sandbox_issuer, scratch_session, start_app};

#[test]
#[ignore = "needs Xvfb, tauri-driver and a throwaway session: run through `make test`"]
fn a_device_link_from_the_window() {
    let _window = ONE_WINDOW
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let data_home = scratch_session();
    let TestApp {
        mut sweep, driver, ..
    } = start_app(&data_home, "device-link");
    let app = driver.session(Path::new(APP));
    let issuer = sandbox_issuer(&app);

    app.click("[data-testid=link-account]");
    app.wait_for_text("[data-testid=link-dialog]");
    app.click("[data-testid=link-by-device]");
    app.click("[data-testid=link-start]");
    let code = app.wait_for_text_where("[data-testid=device-user-code]", |t| t.len() == 9);
    let page = app.wait_for_text("[data-testid=device-verification-uri]");
    assert_eq!(page, format!("{issuer}/device"));
    let qr = app
        .attribute("[data-testid=device-qr]", "aria-label")
        .unwrap_or_default();
    assert!(qr.contains(&format!("user_code={code}")), "{qr}");
    let left = app.wait_for_text("[data-testid=device-time-left]");
    assert!(left.contains("more"), "{left}");
    look(&app, "device-link");

    // The person enters the code on another device: the sandbox's page, over HTTP.
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let person = Choice {
        user: "alice".into(),
        scopes: None,
        allow: true,
    };
    let outcome = runtime
        .block_on(approve_device(&page, &code, &person))
        .expect("the verification page answered");
    assert_eq!(outcome, "allowed");
    // The app polls every five seconds, as real providers ask.
    let listed = app.wait_for_text_where("main", |t| {
        t.contains("alice@sandbox.grantry.test") && !t.contains("Enter this code")
    });
    assert!(listed.contains("Alice Tester"), "{listed}");

    sweep.running(&driver);
    drop(app);
    sweep.finish(&[]);
}
