//! The token service on the session bus (`src-tauri/src/token_service.rs`), driven by a real
//! bus client, `gdbus`: listing accounts asks nothing and shows no secret; the first time a
//! program asks for a token the window asks the person, naming the program's executable; Allow
//! once hands out the token the sandbox issued, Deny answers `dev.grantry.Error.Denied`, Always
//! allow stops the asking, also after a restart; the account's screen lists the program and
//! Remove brings the asking back; a request left unanswered ends with
//! `dev.grantry.Error.Timeout`; the history names the program each time.

use std::path::Path;
use std::process::{Child, Output};
use std::time::Duration;

use super::steps::{gdbus, latest_access_token, link, look, open};
use super::support::webdriver::{Session, wait_until};
use super::{
    APP, ONE_WINDOW, TestApp, sandbox_issuer, scratch_session, scripted_browser, start_app_with,
};

const ALICE: &str = "alice@sandbox.grantry.test";

/// Asks for Alice's token, without waiting for the answer.
fn ask() -> Child {
    gdbus("GetAccessToken", &[ALICE, "60"])
        .spawn()
        .expect("gdbus (libglib2.0-bin)")
}

/// Waits for the window to ask about a request from gdbus, and answers with `button`.
fn answer(app: &Session, button: &str) {
    let asked = app.wait_for_text("[data-testid=token-request]");
    assert!(
        asked.contains("/usr/bin/gdbus") && asked.contains(ALICE),
        "{asked}"
    );
    app.click(&format!("[data-testid={button}]"));
    wait_until("the request to close", Duration::from_secs(10), || {
        app.find("[data-testid=token-request]").is_none()
    });
}

fn finished(child: Child) -> Output {
    child.wait_with_output().expect("gdbus")
}

#[test]
#[ignore = "needs Xvfb, tauri-driver and a throwaway session: run through `make test`"]
fn programs_get_tokens_over_the_session_bus_with_consent_and_a_line_in_the_history() {
    let _window = ONE_WINDOW
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let data_home = scratch_session();
    let consent = scripted_browser(&data_home);
    let TestApp {
        mut sweep,
        driver,
        data_dir: _,
        token_log,
    } = start_app_with(
        &data_home,
        "token-service",
        // Long enough to answer under load, short enough to wait for a request left alone.
        &[("GRANTRY_TEST_ANSWER_SECONDS", "15".to_owned())],
    );
    let app = driver.session(Path::new(APP));
    sandbox_issuer(&app);
    link(&app, &consent, "--user alice", ALICE);

    // Listing asks nothing and carries no secret.
    let listed = gdbus("ListAccounts", &[]).output().expect("gdbus");
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert!(
        listed.contains(ALICE) && listed.contains("'valid'"),
        "{listed}"
    );
    assert!(!listed.contains("sbx_"), "{listed}");
    assert!(app.find("[data-testid=token-request]").is_none());

    // Allow once: the token the sandbox issued.
    let asking = ask();
    app.wait_for_text("[data-testid=token-request]");
    look(&app, "token-request");
    answer(&app, "token-once");
    let output = finished(asking);
    let issued = latest_access_token(&token_log);
    assert!(output.status.success(), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stdout).contains(&format!("'{issued}'")),
        "the token the sandbox issued"
    );

    // Deny: an error of its own, and no token.
    let asking = ask();
    answer(&app, "token-deny");
    let output = finished(asking);
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("dev.grantry.Error.Denied"), "{said}");
    assert!(!String::from_utf8_lossy(&output.stdout).contains("sbx_at_"));

    // Always allow: asked once, then no more.
    let asking = ask();
    answer(&app, "token-always");
    assert!(finished(asking).status.success());
    let again = finished(ask());
    assert!(again.status.success(), "{again:?}");
    assert!(
        app.find("[data-testid=token-request]").is_none(),
        "not asked again"
    );
    // GetToken says the token's type too: a bearer token, Alice's account having no DPoP.
    let typed = gdbus("GetToken", &[ALICE, "60"]).output().expect("gdbus");
    assert!(typed.status.success(), "{typed:?}");
    let typed = String::from_utf8_lossy(&typed.stdout).into_owned();
    assert!(typed.contains("'Bearer'"), "the token's type: {typed}");
    assert!(typed.contains("'sbx_at_"), "and the token");

    // It survives a restart: the new instance hands the token out without asking.
    sweep.running(&driver);
    drop(app);
    let app = driver.session(Path::new(APP));
    sandbox_issuer(&app);
    let after_restart = finished(ask());
    assert!(after_restart.status.success(), "{after_restart:?}");
    assert!(
        app.find("[data-testid=token-request]").is_none(),
        "not asked after a restart"
    );

    // The account's screen lists it; Remove brings the asking back.
    open(&app, ALICE);
    let programs = app.wait_for_text_where("[data-testid=programs-with-access]", |t| {
        t.contains("/usr/bin/gdbus")
    });
    assert!(programs.contains("last took it"), "{programs}");
    look(&app, "programs-with-access");
    app.click("[data-testid=program-row] button");
    app.wait_for_text_where("[data-testid=programs-with-access]", |t| {
        !t.contains("/usr/bin/gdbus")
    });
    let asking = ask();
    answer(&app, "token-deny");
    assert!(!finished(asking).status.success());

    // Left unanswered, the request ends by itself: the program is told, the window forgets it.
    let asking = ask();
    app.wait_for_text("[data-testid=token-request]");
    let output = finished(asking);
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("dev.grantry.Error.Timeout"), "{said}");
    wait_until("the request to go", Duration::from_secs(10), || {
        app.find("[data-testid=token-request]").is_none()
    });

    // The history names the program each time.
    app.click("[data-testid=nav-activity]");
    let history = app.wait_for_text_where("main", |t| t.contains("nobody answered in time"));
    for said in [
        "Token handed out",
        "Program always allowed",
        "Program must ask again",
        "/usr/bin/gdbus",
    ] {
        assert!(history.contains(said), "{said}: {history}");
    }

    sweep.running(&driver);
    drop(app);
    sweep.finish(&[]);
}
