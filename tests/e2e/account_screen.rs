//! The account screen in the real window, against the app's own sandbox: a declined scope, a
//! scope taken back at the provider and checked again, scopes added to the same account,
//! Refresh now, a revocation left pending then retried, Revoke, Forget, and a restart. Every
//! screen and dialog state is checked with axe-core and photographed into `target/e2e/`.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use super::support::app_sweep::AppSweep;
use super::support::axe;
use super::support::notifications::FakeNotifications;
use super::support::webdriver::{Driver, Session, wait_until};
use super::{APP, ONE_WINDOW, sandbox_issuer, scratch_session, screenshot_dir, scripted_browser};

/// Every line of the app's log files (`logs/` in the data folder).
fn app_log(data_dir: &Path) -> String {
    let mut files: Vec<_> = std::fs::read_dir(data_dir.join("logs"))
        .expect("the app's log folder")
        .map(|entry| entry.expect("a log file").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no log file in {}", data_dir.display());
    files
        .iter()
        .map(|file| std::fs::read_to_string(file).expect("a log file"))
        .collect()
}

/// The app's sandbox, driven through its admin API with the token the app keeps in the data
/// folder (as a tester would).
struct Admin {
    issuer: String,
    token: String,
}

impl Admin {
    fn new(issuer: String, data_dir: &Path) -> Self {
        let token = std::fs::read_to_string(data_dir.join("sandbox-admin-token"))
            .expect("the app's sandbox admin token");
        Admin {
            issuer,
            token: token.trim().to_owned(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/_sandbox{path}", self.issuer)
    }

    fn bearer(&self) -> String {
        format!("Bearer {}", self.token)
    }

    fn grants(&self) -> Vec<Value> {
        let grants: Value = ureq::get(self.url("/grants"))
            .header("authorization", self.bearer())
            .call()
            .expect("grants")
            .body_mut()
            .read_json()
            .expect("json");
        grants.as_array().cloned().unwrap_or_default()
    }

    /// Whether each grant of `user` (a login) is still live, oldest first.
    fn live(&self, user: &str) -> Vec<bool> {
        let sub = format!("user-{user}");
        self.grants()
            .iter()
            .filter(|g| g["sub"] == sub.as_str())
            .map(|g| g["revoked"].is_null())
            .collect()
    }

    fn remove_scope(&self, grant: u64, scope: &str) {
        ureq::delete(self.url(&format!("/grants/{grant}/scopes/{scope}")))
            .header("authorization", self.bearer())
            .call()
            .expect("remove a scope");
    }

    fn fault(&self, fault: &str) {
        ureq::post(self.url("/faults"))
            .header("authorization", self.bearer())
            .header("content-type", "application/json")
            .send(fault)
            .expect("inject a fault");
    }

    fn clear_faults(&self) {
        ureq::delete(self.url("/faults"))
            .header("authorization", self.bearer())
            .call()
            .expect("clear faults");
    }
}

/// How many refresh tokens the sandbox has issued (its token log, one value a line).
fn refresh_tokens_issued(token_log: &Path) -> usize {
    std::fs::read_to_string(token_log)
        .unwrap_or_default()
        .lines()
        .filter(|line| line.starts_with("sbx_rt_"))
        .count()
}

/// Checks the window with axe-core, in light and dark, and photographs both.
pub(super) fn look(app: &Session, name: &str) {
    for theme in ["light", "dark"] {
        set_theme(app, theme);
        axe::check(app, &format!("{name} ({theme})"));
        app.screenshot(&screenshot_dir().join(format!("{name}-{theme}.png")));
    }
    set_theme(app, "light");
}

fn set_theme(app: &Session, theme: &str) {
    let script = "const [theme, done] = arguments;\
                  const select = document.querySelector('select[title=Theme]');\
                  select.value = theme;\
                  select.dispatchEvent(new Event('change', { bubbles: true }));\
                  requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
    app.execute_async(script, serde_json::json!([theme]));
}

/// Links an account from the Link dialog with the scripted browser answering as `consent`
/// says, and waits for its row.
fn link(app: &Session, consent_file: &Path, consent: &str, shows: &str) {
    std::fs::write(consent_file, consent).expect("consent arguments");
    app.click("[data-testid=link-account]");
    app.wait_for_text("[data-testid=link-dialog]");
    axe::check(app, "the Link dialog");
    app.click("[data-testid=link-start]");
    app.wait_for_text_where("main", |t| {
        t.contains(shows) && !t.contains("Finish in your browser")
    });
}

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

/// Opens the account whose row shows `label`.
fn open(app: &Session, label: &str) {
    let script = "const [label, done] = arguments;\
                  const row = [...document.querySelectorAll('[data-testid=account-row]')]\
                    .find((r) => r.textContent.includes(label));\
                  if (row) row.click();\
                  done(Boolean(row));";
    wait_until(
        &format!("a row showing {label}"),
        Duration::from_secs(20),
        || app.execute_async(script, serde_json::json!([label])) == Value::Bool(true),
    );
    app.wait_for_text_where("[data-testid=account-screen]", |t| t.contains(label));
}

#[test]
#[ignore = "needs Xvfb, tauri-driver and a throwaway session: run through `make test`"]
fn the_account_screen_does_the_whole_job() {
    let _window = ONE_WINDOW
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let data_home = scratch_session();
    let consent = scripted_browser(&data_home);
    let data_dir = data_home.join("account-screen");
    let mut sweep = AppSweep::new(&data_home, &data_dir, &screenshot_dir(), "account-screen");
    let token_log = std::path::PathBuf::from(sweep.env().1);
    let notifications = FakeNotifications::start(&data_home.join("notifications"));
    let env = [
        ("GRANTRY_SANDBOX_PORT", "0".to_owned()),
        ("GRANTRY_DATA_DIR", data_dir.display().to_string()),
        sweep.env(),
    ];
    let driver = Driver::start(&env, sweep.driver_log());
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
    let tokens = app.wait_for_text_where("[data-testid=tokens]", |t| t.contains("Refreshed"));
    assert!(tokens.contains("1, of which 1"), "{tokens}");
    assert_eq!(refresh_tokens_issued(&token_log), issued + 1, "one refresh");
    let timeline = app.wait_for_text("[data-testid=timeline]");
    assert!(timeline.contains("Tokens refreshed"), "{timeline}");

    // The provider ends the grant: the account needs re-linking; one click mends it.
    admin.fault(r#"{"kind":"invalid_grant","user":"alice","count":1}"#);
    app.click("[data-testid=refresh-now]");
    let banner = app.wait_for_text("[data-testid=needs-relink]");
    assert!(banner.contains("needs to be linked again"), "{banner}");
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
