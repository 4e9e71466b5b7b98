//! The account screen in the real window, against the app's own sandbox: a declined scope, a
//! scope taken back at the provider and checked again, scopes added to the same account,
//! Refresh now, a revocation left pending then retried, Revoke, Forget, and a restart. Every
//! screen and dialog state is checked with axe-core and photographed into `target/e2e/`.

use std::path::Path;

use super::steps::{Admin, app_log, link, look, open, refresh_tokens_issued};
use super::support::notifications::FakeNotifications;
use super::support::webdriver::Session;
use super::{
    APP, ONE_WINDOW, TestApp, sandbox_issuer, scratch_session, scripted_browser, start_app,
};

/// The scopes table as (scope, status, answer from) rows.
fn scope_rows(app: &Session) -> Vec<(String, String, String)> {
    let script = "const done = arguments[arguments.length - 1];\
                  done([...document.querySelectorAll('[data-testid=scopes] tbody tr')]\
                    .map((tr) => [...tr.cells].map((c) => c.textContent.trim())));";
    let rows = app.execute_async(script, serde_json::json!([]));
    rows.as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    let cell = |i: usize| r[i].as_str().unwrap_or_default().to_owned();
                    (cell(0), cell(2), cell(3))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The status the scopes table gives `scope`.
fn status_of(app: &Session, scope: &str) -> Option<String> {
    let rows = scope_rows(app);
    rows.into_iter()
        .find(|(s, _, _)| s == scope)
        .map(|(_, status, _)| status)
}

#[test]
#[ignore = "needs Xvfb, tauri-driver and a throwaway session: run through `make test`"]
fn the_account_screen_does_the_whole_job() {
    let _window = ONE_WINDOW
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let data_home = scratch_session();
    let consent = scripted_browser(&data_home);
    let notifications = FakeNotifications::start(&data_home.join("notifications"));
    let TestApp {
        mut sweep,
        driver,
        data_dir,
        token_log,
    } = start_app(&data_home, "account-screen");
    let app = driver.session(Path::new(APP));
    let admin = Admin::new(sandbox_issuer(&app), &data_dir);
    // The smallest window the app allows: every screen must be usable at this size.
    let size = app.resize(800, 600);
    assert_eq!(
        (size["width"].as_u64(), size["height"].as_u64()),
        (Some(800), Some(600)),
        "{size}"
    );
    look(&app, "accounts-empty");

    // Alice links and unticks `profile` at the consent page: Declined in the table.
    link(
        &app,
        &consent,
        "--user alice --scope openid --scope email --scope offline_access",
        "alice@sandbox.grantry.test",
    );
    look(&app, "accounts");
    open(&app, "alice@sandbox.grantry.test");
    app.wait_for_text("[data-testid=scopes]");
    assert_eq!(status_of(&app, "profile").as_deref(), Some("Declined"));
    assert_eq!(status_of(&app, "email").as_deref(), Some("Granted"));
    look(&app, "account");

    // Email is taken back at the provider; Check again says so.
    let grant = admin.grants()[0]["id"].as_u64().expect("grant id");
    admin.remove_scope(grant, "email");
    app.click("[data-testid=check-again]");
    app.wait_for_text_where("[data-testid=scopes]", |t| {
        t.contains("email: Granted → Requested but not granted")
    });
    let email = scope_rows(&app).into_iter().find(|(s, _, _)| s == "email");
    assert_eq!(
        email,
        Some((
            "email".into(),
            "Requested but not granted".into(),
            "Introspection".into()
        ))
    );
    look(&app, "account-checked");

    // Add scopes: profile again and calendar.read; the same account gains them.
    std::fs::write(&consent, "--user alice").expect("consent arguments");
    app.click("[data-testid=add-scopes-open]");
    app.wait_for_text("[data-testid=add-scopes]");
    look(&app, "add-scopes");
    app.click("[data-testid=add-scopes] input[value=profile]");
    app.type_into("[data-testid=add-scopes] input[type=text]", "calendar.read");
    app.click("[data-testid=add-scopes-start]");
    app.wait_for_text_where("[data-testid=scopes]", |t| t.contains("calendar.read"));
    assert_eq!(status_of(&app, "profile").as_deref(), Some("Granted"));
    assert_eq!(status_of(&app, "calendar.read").as_deref(), Some("Granted"));
    assert!(
        app.find("[data-testid=add-scopes]").is_none(),
        "the dialog closed"
    );

    // Refresh now: the sandbox issues one new refresh token, the panel counts it.
    let issued = refresh_tokens_issued(&token_log);
    app.click("[data-testid=refresh-now]");
    // The outcome shows at once; the counts come with the account's reload just after.
    app.wait_for_text_where("[data-testid=tokens]", |t| {
        t.contains("Refreshed") && t.contains("1, of which 1")
    });
    assert_eq!(refresh_tokens_issued(&token_log), issued + 1, "one refresh");
    let timeline = app.wait_for_text("[data-testid=timeline]");
    assert!(timeline.contains("Tokens refreshed"), "{timeline}");

    // The provider ends the grant: the account needs re-linking; one click mends it.
    admin.fault(r#"{"kind":"invalid_grant","user":"alice","count":1}"#);
    app.click("[data-testid=refresh-now]");
    let banner = app.wait_for_text("[data-testid=needs-relink]");
    assert!(banner.contains("needs to be linked again"), "{banner}");
    // Why, as far as Grantry can tell (the injected refusal names no known cause), the one
    // action, then the provider's own words.
    assert!(
        banner.contains("for a reason Grantry does not know. Link the account again. sandbox said: invalid_grant"),
        "{banner}"
    );
    look(&app, "needs-relink");
    // The app's log file tells the story: the refused exchange and the failure, whose it was.
    let story = app_log(&data_dir);
    let refused = story
        .lines()
        .find(|line| line.contains("refresh{account=") && line.contains("/token: HTTP 400"))
        .unwrap_or_else(|| panic!("the refused refresh in the log file:\n{story}"));
    let account = refused
        .split("refresh{")
        .nth(1)
        .and_then(|s| s.split('}').next());
    assert!(
        story.lines().any(|line| line.contains(" WARN ")
            && line.contains("refresh_failed")
            && line.contains(account.unwrap_or("?"))),
        "the failure, at warning level, for {account:?}:\n{story}"
    );
    // The desktop was told too; a click on that notification, from another screen, opens it.
    let notice = notifications.wait_for("needs to be linked again");
    assert_eq!(notice["actions"][0], "default", "{notice}");
    app.click("[data-testid=back]");
    app.wait_for_text("[data-testid=account-row]");
    notifications.click(notice["id"].as_u64().expect("id"));
    app.wait_for_text_where("[data-testid=account-screen]", |t| {
        t.contains("alice@sandbox.grantry.test") && t.contains("needs to be linked again")
    });
    app.click("[data-testid=needs-relink] button");
    app.wait_for_text_where("[data-testid=account-screen]", |t| {
        !t.contains("needs to be linked again") && t.contains("Valid")
    });
    assert_eq!(status_of(&app, "calendar.read").as_deref(), Some("Granted"));

    // The provider cannot revoke now: revocation pending, then Retry once it can.
    admin.fault(r#"{"endpoint":"revoke","kind":"status","status":503}"#);
    app.click("[data-testid=revoke-open]");
    app.wait_for_text("[data-testid=confirm]");
    look(&app, "revoke-confirm");
    app.click("[data-testid=confirm]");
    let pending = app.wait_for_text("[data-testid=revocation-pending]");
    assert!(pending.contains("Revocation pending"), "{pending}");
    look(&app, "revocation-pending");
    admin.clear_faults();
    app.click("[data-testid=retry-revocation]");
    app.wait_for_text("[data-testid=accounts-empty]");
    assert!(
        admin.live("alice").iter().all(|live| !live),
        "alice's grants are gone"
    );

    // Forget: gone here, the grant still live at the provider.
    link(&app, &consent, "--user bob", "bob@sandbox.grantry.test");
    open(&app, "bob@sandbox.grantry.test");
    app.click("[data-testid=forget-open]");
    let sentence = app.wait_for_text("[role=dialog]");
    assert!(sentence.contains("this device only"), "{sentence}");
    look(&app, "forget-confirm");
    app.click("[data-testid=confirm]");
    app.wait_for_text("[data-testid=accounts-empty]");
    assert_eq!(
        admin.live("bob"),
        [true],
        "forget leaves the provider alone"
    );

    // Carol stays; after a restart everything is as it was.
    link(&app, &consent, "--user carol", "carol@sandbox.grantry.test");
    open(&app, "carol@sandbox.grantry.test");
    app.wait_for_text("[data-testid=scopes]");
    let before = scope_rows(&app);
    assert_eq!(before.len(), 4, "{before:?}");
    sweep.running(&driver);
    drop(app);
    let app = driver.session(Path::new(APP));
    sandbox_issuer(&app);
    app.click("[data-testid=nav-activity]");
    app.wait_for_text_where("[data-testid=activity-list]", |t| t.contains("carol"));
    look(&app, "activity");
    app.click("[data-testid=nav-accounts]");
    open(&app, "carol@sandbox.grantry.test");
    app.wait_for_text("[data-testid=scopes]");
    let status = |rows: Vec<(String, String, String)>| -> Vec<(String, String)> {
        rows.into_iter()
            .map(|(scope, status, _)| (scope, status))
            .collect()
    };
    assert_eq!(status(scope_rows(&app)), status(before), "as it was");
    app.click("[data-testid=back]");
    let accounts = app.wait_for_text_where("main", |t| t.contains("Carol Tester"));
    assert!(
        !accounts.contains("Alice") && !accounts.contains("Bob"),
        "{accounts}"
    );
    drop(app);
    sweep.finish(&[]);
}
