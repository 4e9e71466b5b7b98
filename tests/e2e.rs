//! End to end: the real app window under Xvfb, driven through tauri-driver and WebKitWebDriver.
//! It runs only inside `scripts/test-session` (what `make test` uses): Xvfb, a private D-Bus
//! session with a throwaway gnome-keyring, and scratch XDG folders, so the app it starts can
//! neither reach the user's data nor hand off to an instance the user is running.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::webdriver::Driver;

const APP: &str = env!("CARGO_BIN_EXE_grantry-app");

fn scratch_session() -> PathBuf {
    assert_eq!(
        std::env::var("GRANTRY_TEST_SESSION").as_deref(),
        Ok("1"),
        "end-to-end tests need the throwaway desktop session: run them with `make test`"
    );
    PathBuf::from(std::env::var("XDG_DATA_HOME").expect("scratch XDG_DATA_HOME"))
}

fn screenshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e")
}

fn open_with(tool: &[&str], url: &str) {
    let status = Command::new(tool[0])
        .args(&tool[1..])
        .arg(url)
        .status()
        .unwrap_or_else(|e| panic!("run {tool:?}: {e}"));
    assert!(status.success(), "{tool:?} {url} failed: {status}");
}

#[test]
#[ignore = "needs Xvfb, tauri-driver and a throwaway session: run through `make test`"]
fn accounts_screen_and_deep_links_in_the_real_window() {
    let data_home = scratch_session();
    let driver = Driver::start();
    let app = driver.session(Path::new(APP));

    // First start: the Accounts screen, from a real database, in its empty state.
    let heading = app.wait_for_text("#accounts-title");
    assert_eq!(heading, "Accounts");
    let empty = app.wait_for_text("[data-testid=accounts-empty]");
    assert!(empty.contains("No accounts linked yet"), "{empty}");
    let database = data_home.join("dev.grantry.desktop/grantry.sqlite3");
    assert!(database.exists(), "no database at {}", database.display());
    app.screenshot(&screenshot_dir().join("accounts.png"));

    // The handler the app registered must work with Debian 12's xdg-open (unquoted Exec=).
    let entry = data_home.join("applications/dev.grantry.desktop-url-handler.desktop");
    let entry = std::fs::read_to_string(&entry).expect("the registered scheme handler");
    assert!(entry.contains(&format!("\nExec={APP} %u\n")), "{entry}");

    // A callback delivered by xdg-open starts a second instance, which forwards it to this one.
    open_with(
        &["xdg-open"],
        "dev.grantry:/oauth/callback?code=e2e-secret-code&state=from-xdg-open",
    );
    let notice = app.wait_for_text_where("[data-testid=link-notice]", |text| {
        text.contains("state=from-xdg-open")
    });
    assert!(notice.contains("Link received"), "{notice}");
    assert!(notice.contains("dev.grantry:/oauth/callback"), "{notice}");
    assert!(
        !notice.contains("e2e-secret-code"),
        "the code must be masked: {notice}"
    );

    // gio (what GNOME and GLib programs use) reaches the same handler.
    open_with(
        &["gio", "open"],
        "dev.grantry:/oauth/callback?state=from-gio",
    );
    app.wait_for_text_where("[data-testid=link-notice]", |text| {
        text.contains("state=from-gio")
    });

    // Both are in the activity history, newest first.
    app.click("[data-testid=nav-activity]");
    let history = app.wait_for_text_where("[data-testid=activity-list]", |text| {
        text.contains("from-gio") && text.contains("from-xdg-open")
    });
    assert!(
        history.find("from-gio") < history.find("from-xdg-open"),
        "newest first: {history}"
    );
    app.screenshot(&screenshot_dir().join("activity.png"));

    let stored = std::fs::read(&database).expect("read database");
    let wal = std::fs::read(database.with_extension("sqlite3-wal")).unwrap_or_default();
    for bytes in [stored, wal] {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("e2e-secret-code"),
            "an authorization code reached the database"
        );
    }
}
