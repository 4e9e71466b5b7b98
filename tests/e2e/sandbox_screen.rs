//! The Sandbox screen in the real window, against the app's own sandbox: a test user added in
//! the window and linked from the screen (no browser) shows up in the Accounts list; a fault
//! turned on in the window is in force at the sandbox and one click clears it; Stop takes the
//! sandbox down and Start brings it back. The admin token never reaches the page. Each state is
//! checked with axe-core and photographed into `target/e2e/` in light and dark.

use std::net::TcpStream;
use std::path::Path;

use serde_json::Value;

use super::steps::look;
use super::support::app_sweep::AppSweep;
use super::support::webdriver::{Driver, Session};
use super::{APP, ONE_WINDOW, TestApp, sandbox_issuer, scratch_session, screenshot_dir, start_app};

/// The faults the sandbox has in force, read from its admin API with the token the app keeps
/// in the data folder (as a tester would), not through the window.
fn faults_at_the_sandbox(issuer: &str, token: &str) -> Vec<Value> {
    let listed: Value = ureq::get(format!("{issuer}/_sandbox/faults"))
        .header("authorization", format!("Bearer {token}"))
        .call()
        .expect("faults")
        .body_mut()
        .read_json()
        .expect("json");
    listed["faults"].as_array().cloned().unwrap_or_default()
}

/// The whole page's markup, as the webview holds it.
fn page_html(app: &Session) -> String {
    let script = "const done = arguments[arguments.length - 1];\
                  done(document.documentElement.outerHTML);";
    app.execute_async(script, serde_json::json!([]))
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
#[ignore = "needs Xvfb, tauri-driver and a throwaway session: run through `make test`"]
fn the_sandbox_screen_steers_the_sandbox() {
    let _window = ONE_WINDOW
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let data_home = scratch_session();
    let TestApp {
        mut sweep,
        driver,
        data_dir,
        ..
    } = start_app(&data_home, "sandbox-screen");
    let app = driver.session(Path::new(APP));
    let issuer = sandbox_issuer(&app);
    let token = std::fs::read_to_string(data_dir.join("sandbox-admin-token"))
        .expect("the app's sandbox admin token")
        .trim()
        .to_owned();
    app.resize(1100, 860);

    app.click("[data-testid=nav-sandbox]");
    let status = app.wait_for_text_where("[data-testid=sandbox-status]", |t| t.contains("Running"));
    assert!(status.contains(&issuer), "{status}");
    assert!(
        status.contains("Generic OpenID Connect provider"),
        "{status}"
    );
    app.wait_for_text_where("[data-testid=sandbox-users]", |t| t.contains("alice"));
    look(&app, "sandbox");

    // A test user added in the window, then linked from the screen: no browser opens.
    app.type_into("[data-testid=sandbox-user-login]", "dora");
    app.type_into("[data-testid=sandbox-user-name]", "Dora QA");
    app.click("[data-testid=sandbox-user-add]");
    app.wait_for_text_where("[data-testid=sandbox-users]", |t| t.contains("Dora QA"));
    app.type_into("[data-testid=sandbox-link-logins]", "dora");
    app.click("[data-testid=sandbox-link-start]");
    let summary = app.wait_for_text_where("[data-testid=sandbox-link-summary]", |t| !t.is_empty());
    assert_eq!(summary, "Linked 1 of 1 test user.");
    let step = app.wait_for_text("[data-testid=sandbox-link-step][data-login=dora]");
    assert!(step.contains("linked, account"), "{step}");
    look(&app, "sandbox-linked");
    app.click("[data-testid=nav-accounts]");
    app.wait_for_text_where("main", |t| {
        t.contains("Dora QA") && t.contains("dora@sandbox.grantry.test")
    });

    // A fault turned on in the window (the form's defaults: HTTP 503 at the token endpoint,
    // once) is in force at the sandbox; its Clear button ends it.
    app.click("[data-testid=nav-sandbox]");
    app.click("[data-testid=sandbox-fault-add]");
    let listed = app.wait_for_text_where("[data-testid=sandbox-fault-list]", |t| {
        t.contains("HTTP 503")
    });
    assert!(
        listed.contains("on the token endpoint, 1 more request"),
        "{listed}"
    );
    let at_sandbox = faults_at_the_sandbox(&issuer, &token);
    assert_eq!(at_sandbox.len(), 1, "{at_sandbox:?}");
    assert_eq!(at_sandbox[0]["status"], 503);
    assert_eq!(at_sandbox[0]["endpoint"], "token");
    look(&app, "sandbox-fault");
    app.click("[data-testid=sandbox-fault-clear]");
    app.wait_for_text("[data-testid=sandbox-no-faults]");
    assert_eq!(faults_at_the_sandbox(&issuer, &token), Vec::<Value>::new());

    // The admin token, and the confidential client's secret, never reached the page.
    let html = page_html(&app);
    assert!(!html.contains(&token), "the admin token is in the page");
    assert!(
        !html.contains("sandbox-secret"),
        "a client secret is in the page"
    );

    // Stop: the port is closed and the sidebar says so; Start brings it back on a new port
    // (the configured port is 0 here).
    app.click("[data-testid=sandbox-stop]");
    app.wait_for_text_where("[data-testid=sandbox-indicator]", |t| {
        t.contains("Sandbox stopped")
    });
    app.wait_for_text_where("[data-testid=sandbox-status]", |t| t.contains("Stopped"));
    let addr = issuer.trim_start_matches("http://");
    assert!(TcpStream::connect(addr).is_err(), "{addr} still answers");
    look(&app, "sandbox-stopped");
    app.click("[data-testid=sandbox-start]");
    let again = sandbox_issuer(&app);
    app.wait_for_text_where("[data-testid=sandbox-status]", |t| t.contains(&again));
    assert!(TcpStream::connect(again.trim_start_matches("http://")).is_ok());

    sweep.running(&driver);
    drop(app);
    sweep.finish(&[]);
}

#[test]
#[ignore = "needs Xvfb, tauri-driver and a throwaway session: run through `make test`"]
fn a_sandbox_that_could_not_start_starts_on_a_port_typed_in_the_screen() {
    let _window = ONE_WINDOW
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let data_home = scratch_session();
    // Someone else holds the configured port.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a port to occupy");
    let port = taken.local_addr().expect("address").port();
    let free = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let wanted = free.local_addr().expect("address").port();
    drop(free);
    let data_dir = data_home.join("sandbox-screen-port");
    let mut sweep = AppSweep::new(&data_home, &data_dir, &screenshot_dir(), "sandbox-port");
    let env = [
        ("GRANTRY_SANDBOX_PORT", port.to_string()),
        ("GRANTRY_DATA_DIR", data_dir.display().to_string()),
        sweep.env(),
    ];
    let driver = Driver::start(&env, sweep.driver_log());
    let app = driver.session(Path::new(APP));
    app.wait_for_text("[data-testid=sandbox-failed]");
    app.click("[data-testid=nav-sandbox]");
    let why = app.wait_for_text("[data-testid=sandbox-why]");
    assert!(why.contains(&format!("127.0.0.1:{port}")), "{why}");
    assert!(
        app.find("[data-testid=sandbox-failed]").is_none(),
        "the screen says it; no banner on top"
    );
    look(&app, "sandbox-failed-screen");

    app.type_into("[data-testid=sandbox-start-port]", "99999");
    app.click("[data-testid=sandbox-start]");
    let refused = app.wait_for_text("[data-testid=sandbox-start-form] [role=alert]");
    assert!(refused.contains("0 to 65535"), "{refused}");
    app.execute(
        "const input = document.querySelector('[data-testid=sandbox-start-port]');\
         input.value = '';\
         input.dispatchEvent(new Event('input', { bubbles: true }));",
        serde_json::json!([]),
    );
    app.type_into("[data-testid=sandbox-start-port]", &wanted.to_string());
    app.click("[data-testid=sandbox-start]");
    let issuer = sandbox_issuer(&app);
    assert_eq!(issuer, format!("http://127.0.0.1:{wanted}"));
    app.wait_for_text_where("[data-testid=sandbox-port]", |t| t == wanted.to_string());

    sweep.running(&driver);
    drop(app);
    sweep.finish(&[]);
    drop(taken);
}
