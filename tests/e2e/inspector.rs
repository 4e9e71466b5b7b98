//! The QA workbench in the real window, against the app's own sandbox: the Inspector shows the
//! ID token's claims; Reveal and Copy give the access token only on request (on the
//! clipboard, and nowhere else: the page once hidden, the data folder, the logs); a token
//! exchange shows the new token's audience and scopes, never the token; Force expire makes the
//! schedule refresh; a 503 fault's retries are in the exchange log; a failed refresh in the
//! history opens its exchanges; Refresh all tells its progress and sums up; and the report,
//! saved through the real save dialog, holds no token. An account linked at a sandbox
//! that requires DPoP shows its token type and the key it is bound to, refreshes and revokes.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use super::steps::{Admin, link, look, open, refresh_tokens_issued};
use super::support::leak_sweep::Sweep;
use super::support::webdriver::{Session, wait_until};
use super::{
    APP, ONE_WINDOW, TestApp, sandbox_issuer, scratch_session, scripted_browser, start_app,
};

/// The text of every element matching `css`, in page order.
fn texts(app: &Session, css: &str) -> Vec<String> {
    let script = "const [css, done] = arguments;\
                  done([...document.querySelectorAll(css)].map((e) => e.textContent.trim()));";
    let found = app.execute_async(script, serde_json::json!([css]));
    found
        .as_array()
        .map(|all| {
            all.iter()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The whole page as HTML, attributes and form values included.
fn page(app: &Session) -> String {
    let script = "const done = arguments[arguments.length - 1];\
                  done(document.documentElement.outerHTML);";
    app.execute_async(script, serde_json::json!([]))
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// What the X clipboard holds, read as a paste would.
fn clipboard() -> String {
    let out = Command::new("xclip")
        .args(["-selection", "clipboard", "-o"])
        .output()
        .expect("run xclip (make test installs it)");
    assert!(out.status.success(), "xclip: {out:?}");
    String::from_utf8(out.stdout).expect("text")
}

/// Answers the save dialog the app shows, as a person would: types `path` into its name
/// field and presses Enter.
fn save_as(path: &Path) {
    let mut dialog = String::new();
    wait_until("the save dialog", Duration::from_secs(20), || {
        let found = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", "Export the account"])
            .output()
            .expect("run xdotool");
        dialog = String::from_utf8_lossy(&found.stdout)
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned();
        !dialog.is_empty()
    });
    let xdotool = |args: &[&str]| {
        let status = Command::new("xdotool")
            .args(args)
            .status()
            .expect("xdotool");
        assert!(status.success(), "xdotool {args:?}");
    };
    xdotool(&["windowfocus", "--sync", &dialog]);
    xdotool(&["key", "--clearmodifiers", "ctrl+a"]);
    xdotool(&["type", "--delay", "5", &path.display().to_string()]);
    xdotool(&["key", "Return"]);
}

#[test]
#[ignore = "needs Xvfb, tauri-driver and a throwaway session: run through `make test`"]
fn the_inspector_and_the_workbench_in_the_real_window() {
    let _window = ONE_WINDOW
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let data_home = scratch_session();
    let consent = scripted_browser(&data_home);
    let TestApp {
        mut sweep,
        driver,
        data_dir,
        token_log,
    } = start_app(&data_home, "inspector");
    let app = driver.session(Path::new(APP));
    let issuer = sandbox_issuer(&app);
    let admin = Admin::new(issuer.clone(), &data_dir);
    app.resize(1000, 760);

    // Alice links; her Inspector shows the ID token's subject and nonce, explained.
    link(&app, &consent, "--user alice", "alice@sandbox.grantry.test");
    open(&app, "alice@sandbox.grantry.test");
    app.click("[data-testid=tab-inspector]");
    let sub = app.wait_for_text("[data-testid=id-token] [data-claim=sub]");
    assert!(
        sub.contains("user-alice") && sub.contains("Subject"),
        "{sub}"
    );
    let nonce = app.wait_for_text("[data-testid=id-token] [data-claim=nonce]");
    assert!(
        nonce.split_whitespace().count() >= 2,
        "a nonce value: {nonce}"
    );
    let iss = app.wait_for_text("[data-testid=id-token] [data-claim=iss]");
    assert!(iss.contains(&issuer), "{iss}");
    let exp = app.wait_for_text("[data-testid=id-token] [data-claim=exp]");
    assert!(exp.contains("(in "), "a local time ahead: {exp}");
    let response = app.wait_for_text("[data-testid=token-response]");
    assert!(
        response.contains("HTTP 200") && response.contains("/token"),
        "{response}"
    );
    look(&app, "inspector");

    // Reveal shows the access token the sandbox issued; Hide takes it off the page.
    app.click("[data-testid=reveal-token]");
    let token = app.wait_for_text("[data-testid=revealed-token]");
    assert!(token.starts_with("sbx_at_"), "{token}");
    let issued = std::fs::read_to_string(&token_log).expect("token log");
    assert!(
        issued.lines().any(|line| line == token),
        "an access token it issued"
    );
    look(&app, "inspector-revealed");
    // The one picture that shows a token, on purpose: the leak sweep leaves its text alone.
    sweep.reveals("inspector-revealed");
    app.click("[data-testid=hide-token]");
    wait_until(
        "the token to leave the page",
        Duration::from_secs(5),
        || !page(&app).contains(&token),
    );
    // Copy puts it on the clipboard without showing it.
    app.click("[data-testid=copy-token]");
    app.wait_for_text_where("[data-testid=copy-token]", |t| t.contains("Copied"));
    assert_eq!(clipboard(), token);
    assert!(!page(&app).contains(&token), "Copy showed the token");
    // Leaving the Inspector with the token revealed takes it off the page too.
    app.click("[data-testid=reveal-token]");
    app.wait_for_text("[data-testid=revealed-token]");
    app.click("[data-testid=tab-overview]");
    app.wait_for_text("[data-testid=tokens]");
    assert!(!page(&app).contains(&token), "the token stayed on the page");
    let timeline = app.wait_for_text_where("[data-testid=timeline]", |t| {
        t.contains("Access token shown") && t.contains("Access token copied")
    });
    assert!(!timeline.contains(&token), "{timeline}");

    // Token exchange (RFC 8693): Alice's access token for the sandbox's API. The new token's
    // audience and scopes are among its claims; the token itself is not on the page.
    app.click("[data-testid=tab-inspector]");
    app.wait_for_text("[data-testid=token-exchange]");
    app.type_into(
        "[data-testid=exchange-audience]",
        "https://api.sandbox.grantry.test",
    );
    app.type_into("[data-testid=exchange-scopes]", "openid email");
    app.click("[data-testid=exchange-submit]");
    let aud = app.wait_for_text("[data-testid=exchange-claims] [data-claim=aud]");
    assert!(aud.contains("https://api.sandbox.grantry.test"), "{aud}");
    let scope = app.wait_for_text("[data-testid=exchange-claims] [data-claim=scope]");
    assert!(scope.contains("openid email"), "{scope}");
    let exchanged = std::fs::read_to_string(&token_log)
        .expect("token log")
        .lines()
        .last()
        .expect("the exchanged token")
        .to_owned();
    assert_eq!(exchanged.split('.').count(), 3, "a JWT: {exchanged}");
    assert!(
        !page(&app).contains(&exchanged),
        "the exchanged token is on the page"
    );
    look(&app, "inspector-exchange");
    app.click("[data-testid=tab-overview]");
    app.wait_for_text_where("[data-testid=timeline]", |t| t.contains("Token exchanged"));

    // Force expire: the access token counts as expired, and the schedule refreshes it (at
    // most 30 s after the last refresh: the schedule's floor).
    let refreshes = refresh_tokens_issued(&token_log);
    app.click("[data-testid=tab-inspector]");
    app.click("[data-testid=force-expire]");
    app.wait_for_text_where("[data-testid=inspector-outcome]", |t| {
        t.contains("now counts as expired")
    });
    wait_until("the schedule to refresh", Duration::from_secs(45), || {
        refresh_tokens_issued(&token_log) > refreshes
    });
    app.click("[data-testid=tab-overview]");
    app.wait_for_text_where("[data-testid=timeline]", |t| {
        t.contains("Access token expired by hand") && t.contains("Tokens refreshed")
    });
    let countdown = app.wait_for_text("[data-testid=countdown]");
    assert!(countdown.contains("expires in"), "{countdown}");

    // Two 503s at the token endpoint: Refresh now retries through them, and the exchange log
    // shows each attempt, newest first.
    admin.fault(r#"{"endpoint":"token","kind":"status","status":503,"count":2}"#);
    app.click("[data-testid=refresh-now]");
    app.wait_for_text_where("[data-testid=tokens]", |t| t.contains("Refreshed"));
    app.click("[data-testid=tab-inspector]");
    app.wait_for_text("[data-testid=exchanges]");
    let statuses = texts(
        &app,
        "[data-testid=exchanges] [data-testid=exchange] .status",
    );
    assert_eq!(
        statuses[..3],
        ["HTTP 200", "HTTP 503", "HTTP 503"],
        "{statuses:?}"
    );
    let script = "const [value, done] = arguments;\
                  const select = document.querySelector('[data-testid=exchange-filter]');\
                  select.value = value;\
                  select.dispatchEvent(new Event('change', { bubbles: true }));\
                  requestAnimationFrame(() => done(true));";
    app.execute_async(script, serde_json::json!(["link"]));
    let operations = texts(&app, "[data-testid=exchanges] .operation");
    assert!(
        !operations.is_empty() && operations.iter().all(|o| o == "link"),
        "{operations:?}"
    );
    app.execute_async(script, serde_json::json!(["all"]));
    admin.clear_faults();
    look(&app, "inspector-exchanges");

    // Export: the report, saved where the person typed in the real save dialog, tells the
    // account's story and holds no token.
    let report_path = data_home.join("alice-report.json");
    app.click("[data-testid=export-report]");
    save_as(&report_path);
    let saved = app.wait_for_text("[data-testid=inspector-outcome]");
    assert!(saved.contains("alice-report.json"), "{saved}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&report_path).expect("the report"))
            .expect("JSON");
    assert_eq!(report["account"]["email"], "alice@sandbox.grantry.test");
    assert_eq!(report["id_token"]["claims"]["sub"], "user-alice");
    assert!(
        report["http_log"]
            .as_array()
            .is_some_and(|log| log.len() >= 5)
    );
    let mut report_sweep = Sweep::from_token_log(&token_log);
    assert!(report_sweep.search_file("the exported report:", &report_path));
    report_sweep.finish();

    // A refresh that fails after every retry: its history entry opens its four exchanges.
    admin.fault(r#"{"endpoint":"token","kind":"status","status":503,"count":4}"#);
    app.click("[data-testid=tab-overview]");
    app.click("[data-testid=refresh-now]");
    app.wait_for_text_where("[data-testid=tokens]", |t| t.contains("The refresh failed"));
    app.click("[data-testid=nav-activity]");
    app.wait_for_text_where("[data-testid=activity-list]", |t| {
        t.contains("Refresh failed")
    });
    app.click("[data-testid=entry-exchanges]");
    app.wait_for_text("[data-testid=entry-exchange-list]");
    let statuses = texts(&app, "[data-testid=entry-exchange-list] .status");
    assert_eq!(statuses, ["HTTP 503"; 4], "{statuses:?}");
    look(&app, "activity-exchanges");

    // Refresh all, with Bob linked too: a summary of two.
    app.click("[data-testid=nav-accounts]");
    link(&app, &consent, "--user bob", "bob@sandbox.grantry.test");
    app.click("[data-testid=refresh-all]");
    let summary = app.wait_for_text_where("[data-testid=refresh-all-summary]", |t| {
        t.contains("Refreshed")
    });
    assert!(summary.contains("Refreshed 2 of 2 accounts."), "{summary}");
    look(&app, "refresh-all");

    // Nowhere else: the sweep searches the data folder (database, logs) and what the app wrote
    // for every value the sandbox issued, the revealed and copied token among them.
    sweep.running(&driver);
    drop(app);
    drop(driver);
    let searched = sweep.finish(&[("the revealed access token", &token)]);
    assert!(searched >= 4, "searched for {searched} values");
}

#[test]
#[ignore = "needs Xvfb, tauri-driver and a throwaway session: run through `make test`"]
fn a_dpop_account_shows_its_binding_in_the_real_window() {
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
    } = start_app(&data_home, "inspector-dpop");
    let app = driver.session(Path::new(APP));
    let admin = Admin::new(sandbox_issuer(&app), &data_dir);
    app.resize(1000, 760);
    // The sandbox requires DPoP of every client and demands nonces: the link goes on with a
    // key of the account's, and every request answers the nonce it is asked for.
    admin.dpop(r#"{"required": true, "nonce": true}"#);

    link(&app, &consent, "--user carol", "carol@sandbox.grantry.test");
    open(&app, "carol@sandbox.grantry.test");
    app.click("[data-testid=tab-inspector]");
    let kind = app.wait_for_text("[data-testid=token-binding] [data-testid=token-type]");
    assert_eq!(kind, "DPoP");
    let jkt = app.wait_for_text("[data-testid=key-thumbprint]");
    assert_eq!(jkt.len(), 43, "an RFC 7638 thumbprint: {jkt}");
    let token_jkt = app.wait_for_text("[data-testid=token-jkt]");
    assert!(
        token_jkt.contains("the provider keeps the binding"),
        "{token_jkt}"
    );
    // The provider, asked (its introspection), names the same key.
    app.click("[data-testid=ask-binding]");
    let said = app.wait_for_text_where("[data-testid=provider-binding]", |t| {
        t.contains("the account's key")
    });
    assert!(said.contains(&jkt), "{said}");
    look(&app, "inspector-dpop");

    // A refresh with a proof of the same key, then a revocation: the grant ends.
    app.click("[data-testid=tab-overview]");
    app.click("[data-testid=refresh-now]");
    app.wait_for_text_where("[data-testid=tokens]", |t| t.contains("Refreshed"));
    app.click("[data-testid=tab-inspector]");
    let again = app.wait_for_text("[data-testid=key-thumbprint]");
    assert_eq!(again, jkt, "the same key after the refresh");
    app.click("[data-testid=tab-overview]");
    app.click("[data-testid=revoke-open]");
    app.wait_for_text("[data-testid=confirm]");
    app.click("[data-testid=confirm]");
    let said = app.wait_for_text_where("main", |t| t.contains("Access revoked"));
    assert!(said.contains("verified"), "{said}");
    assert_eq!(admin.live("carol"), [false], "the grant is revoked");

    sweep.running(&driver);
    drop(app);
    drop(driver);
    sweep.finish(&[]);
}
