//! Every dialog in the real window, over a screen with accounts. Twenty links in a row, each
//! answered at once by the scripted browser (as a remembered consent is), must each close their
//! dialog by themselves: the answer can arrive before the window even knows the link it started.
//! Then each dialog (the Accounts screen's, an account's, the Sandbox screen's, the Providers
//! editor), in each of its states, at the default size and at the smallest (800x600),
//! in both themes: nothing may paint over it (what is drawn at its corners and centre belongs
//! to it), axe-core finds nothing serious, and it is photographed into `target/e2e/`.

use std::path::Path;

use serde_json::{Value, json};

use super::steps::{Admin, open, set_theme};
use super::support::app_sweep::AppSweep;
use super::support::axe;
use super::support::webdriver::{Driver, Session, wait_until};
use super::{
    APP, ONE_WINDOW, open_with, sandbox_issuer, scratch_session, screenshot_dir, scripted_browser,
};

/// What the browser is told when it must not answer, so that a link stays waiting: an option
/// the consent command does not know makes it fail, and the scripted browser gives up.
const NO_ANSWER: &str = "--no-such-option";

/// What is drawn at the open dialog's corners (2 px in) and centre that is not the dialog's
/// own, described; empty when the dialog is on top everywhere.
fn painted_over(app: &Session) -> Vec<Value> {
    let script = "const done = arguments[arguments.length - 1];\
        const dialogs = document.querySelectorAll('[role=dialog][aria-modal=true]');\
        if (dialogs.length !== 1) { done([`${dialogs.length} modal dialogs`]); return; }\
        const dialog = dialogs[0];\
        const r = dialog.getBoundingClientRect();\
        const points = [[r.left + 2, r.top + 2], [r.right - 3, r.top + 2],\
          [r.left + 2, r.bottom - 3], [r.right - 3, r.bottom - 3],\
          [(r.left + r.right) / 2, (r.top + r.bottom) / 2]];\
        done(points.flatMap(([x, y]) => {\
          const found = document.elementFromPoint(x, y);\
          if (found && dialog.contains(found)) return [];\
          const what = found ? found.outerHTML.slice(0, 160) : 'nothing (off the window)';\
          return [`at (${Math.round(x)}, ${Math.round(y)}): ${what}`];\
        }));";
    app.execute_async(script, json!([]))
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Checks the open dialog in both themes: on top of everything, no serious axe violation; and
/// photographs it as `{name}-{theme}-{size}.png`.
fn look_at_dialog(app: &Session, name: &str, size: &str) {
    for theme in ["light", "dark"] {
        set_theme(app, theme);
        let over = painted_over(app);
        assert!(
            over.is_empty(),
            "{name} ({theme}, {size}) is painted over: {over:#?}"
        );
        axe::check(app, &format!("{name} ({theme}, {size})"));
        app.screenshot(&screenshot_dir().join(format!("dialog-{name}-{theme}-{size}.png")));
    }
    set_theme(app, "light");
}

/// Waits until no modal dialog is open.
fn closed(app: &Session, what: &str) {
    wait_until(what, std::time::Duration::from_secs(20), || {
        app.find("[role=dialog][aria-modal=true]").is_none()
    });
}

/// Presses Escape in the open dialog.
fn escape(app: &Session) {
    app.execute_async(
        "const done = arguments[arguments.length - 1];\
         const dialog = document.querySelector('[role=dialog][aria-modal=true]');\
         dialog.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));\
         done(true);",
        json!([]),
    );
}

/// What a link must not change: the accounts as the window lists them (name, email, status,
/// scopes), the app's keyring items (each item's attributes and secret, as `secret-tool` reads
/// them, kept as a digest so that no token reaches the test's output), how many values the
/// sandbox has issued (a token request would add some) and its grants.
fn what_links_must_not_change(app: &Session, admin: &Admin, token_log: &Path) -> Value {
    use sha2::{Digest, Sha256};
    let rows = app.execute_async(
        "const done = arguments[arguments.length - 1];\
         done([...document.querySelectorAll('[data-testid=account-row]')].map((row) => {\
           const copy = row.cloneNode(true);\
           copy.querySelector('[data-testid=expiry]')?.remove();\
           return copy.textContent.trim();\
         }));",
        json!([]),
    );
    let keyring = std::process::Command::new("secret-tool")
        .args([
            "search",
            "--all",
            "--unlock",
            "service",
            "dev.grantry.desktop",
        ])
        .output()
        .expect("secret-tool");
    let listed = String::from_utf8_lossy(&keyring.stdout).into_owned();
    let mut items: Vec<String> = listed
        .split("\n[/")
        .filter(|item| !item.trim().is_empty())
        .map(|item| {
            format!(
                "{:x}",
                Sha256::digest(item.trim_start_matches('[').as_bytes())
            )
        })
        .collect();
    items.sort();
    let issued = std::fs::read_to_string(token_log)
        .expect("the token log")
        .lines()
        .count();
    json!({ "rows": rows, "keyring": items, "issued": issued, "grants": admin.grants() })
}

/// The tour of every dialog, at the window's current size.
fn every_dialog(app: &Session, consent: &Path, size: &str) {
    app.click("[data-testid=nav-accounts]");
    app.wait_for_text("[data-testid=account-row]");

    // The Link dialog, its waiting state, and a link that failed.
    app.click("[data-testid=link-account]");
    app.wait_for_text("[data-testid=link-dialog]");
    look_at_dialog(app, "link", size);
    std::fs::write(consent, NO_ANSWER).expect("consent arguments");
    app.click("[data-testid=link-start]");
    app.wait_for_text("[data-testid=link-waiting]");
    look_at_dialog(app, "link-waiting", size);
    app.click("[data-testid=link-waiting] button:last-child");
    closed(app, "Cancel to close the Link dialog");
    std::fs::write(consent, "--user alice --deny").expect("consent arguments");
    app.click("[data-testid=link-account]");
    app.click("[data-testid=link-start]");
    let refused = app.wait_for_text("[data-testid=link-dialog] [role=alert]");
    assert!(refused.contains("denied"), "{refused}");
    look_at_dialog(app, "link-failed", size);
    escape(app);
    closed(app, "Escape to close the Link dialog");

    // An account's dialogs: Add scopes and its wait, Link again, Revoke and Forget.
    std::fs::write(consent, NO_ANSWER).expect("consent arguments");
    open(app, "alice@sandbox.grantry.test");
    app.click("[data-testid=add-scopes-open]");
    app.wait_for_text("[data-testid=add-scopes]");
    look_at_dialog(app, "add-scopes", size);
    app.type_into("[data-testid=add-scopes] input[type=text]", "calendar.read");
    app.click("[data-testid=add-scopes-start]");
    app.wait_for_text("[data-testid=add-scopes] [data-testid=link-waiting]");
    look_at_dialog(app, "add-scopes-waiting", size);
    escape(app);
    closed(app, "Escape to close Add scopes");
    app.click("[data-testid=relink-open]");
    app.wait_for_text("[data-testid=relink] [data-testid=link-waiting]");
    look_at_dialog(app, "relink-waiting", size);
    escape(app);
    closed(app, "Escape to close Link again");
    for (opener, name) in [("revoke-open", "revoke"), ("forget-open", "forget")] {
        app.click(&format!("[data-testid={opener}]"));
        app.wait_for_text("[role=dialog]");
        look_at_dialog(app, name, size);
        escape(app);
        closed(app, &format!("Escape to close {name}"));
    }
    app.click("[data-testid=back]");

    // The Sandbox screen's: removing a test user, removing a client, each asked first.
    app.click("[data-testid=nav-sandbox]");
    for (remove, name) in [
        ("sandbox-user-remove", "sandbox-remove-user"),
        ("sandbox-client-remove", "sandbox-remove-client"),
    ] {
        app.click(&format!("[data-testid={remove}]"));
        app.wait_for_text("[role=dialog]");
        look_at_dialog(app, name, size);
        escape(app);
        closed(app, &format!("Escape to close {name}"));
    }

    // The Providers screen's editor.
    app.click("[data-testid=nav-providers]");
    app.click("[data-testid=provider-add]");
    app.wait_for_text("[data-testid=provider-editor]");
    look_at_dialog(app, "provider-editor", size);
    escape(app);
    closed(app, "Escape to close the provider editor");
}

#[test]
#[ignore = "needs Xvfb, tauri-driver and a throwaway session: run through `make test`"]
fn twenty_quick_links_close_their_dialogs_and_every_dialog_is_on_top() {
    let _window = ONE_WINDOW
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let data_home = scratch_session();
    let consent = scripted_browser(&data_home);
    let data_dir = data_home.join("dialogs");
    let mut sweep = AppSweep::new(&data_home, &data_dir, &screenshot_dir(), "dialogs");
    let driver = Driver::start(
        &[
            ("GRANTRY_SANDBOX_PORT", "0".to_owned()),
            ("GRANTRY_DATA_DIR", data_dir.display().to_string()),
            sweep.env(),
        ],
        sweep.driver_log(),
    );
    let app = driver.session(Path::new(APP));
    let issuer = sandbox_issuer(&app);

    // Twenty links in a row, each answered as soon as the browser opens: every dialog closes
    // by itself, well before its ten minutes.
    let users = ["alice", "bob", "carol", "dave"];
    for n in 0..20 {
        let user = users[n % users.len()];
        std::fs::write(&consent, format!("--user {user}")).expect("consent arguments");
        app.click("[data-testid=link-account]");
        app.wait_for_text("[data-testid=link-dialog]");
        app.click("[data-testid=link-start]");
        closed(
            &app,
            &format!("link {} of 20 ({user}) to close its dialog", n + 1),
        );
        app.wait_for_text_where("main", |t| {
            t.contains(&format!("{user}@sandbox.grantry.test"))
        });
    }
    let rows = app.execute_async(
        "const done = arguments[arguments.length - 1];\
         done(document.querySelectorAll('[data-testid=account-row]').length);",
        json!([]),
    );
    assert_eq!(rows, json!(users.len()), "one row per user");

    // A forged answer (a state no link of ours has) and a stray link, as a hostile page would
    // open them, change nothing: not the accounts, the keyring, the grants, nor a token asked.
    let admin = Admin::new(issuer, &data_dir);
    let token_log = std::path::PathBuf::from(sweep.env().1);
    let before = what_links_must_not_change(&app, &admin, &token_log);
    assert_eq!(before["rows"].as_array().map(Vec::len), Some(users.len()));
    assert!(
        before["keyring"]
            .as_array()
            .is_some_and(|k| k.len() >= users.len()),
        "{before}"
    );
    open_with(
        &["xdg-open"],
        "dev.grantry:/oauth/callback?code=forged-code-value&state=forged-state-value",
    );
    open_with(&["xdg-open"], "dev.grantry:/stray?state=stray-link-value");
    app.click("[data-testid=nav-activity]");
    app.wait_for_text_where("[data-testid=activity-list]", |t| {
        t.contains("forged-state-value") && t.contains("stray-link-value")
    });
    app.click("[data-testid=nav-accounts]");
    app.wait_for_text("[data-testid=account-row]");
    let after = what_links_must_not_change(&app, &admin, &token_log);
    assert_eq!(after, before, "a forged or stray link changed something");

    every_dialog(&app, &consent, "default");
    let size = app.resize(800, 600);
    assert_eq!(size["width"].as_u64(), Some(800), "{size}");
    every_dialog(&app, &consent, "800x600");

    sweep.running(&driver);
    drop(app);
    sweep.finish(&[]);
}
