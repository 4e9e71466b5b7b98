//! Grantry in the system tray, with a stand-in tray on the test session's bus
//! (`support/tray.rs`): the app's item registers with its menu; closing the window leaves the
//! process running, where the refresh schedule still refreshes and a grant the provider
//! refuses still brings the notification and an entry in the tray's menu; starting Grantry
//! again shows the window, and so does Open Grantry; Quit ends the process. Without WebDriver,
//! a closed window also leaves no WebKit network process, and a window made again paints.
//! Without a tray, closing the window quits, and the first time says why. A window opens
//! where the last one was left.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::steps::{Admin, gdbus, latest_access_token, link, look, open, refresh_tokens_issued};
use super::support::notifications::FakeNotifications;
use super::support::procs;
use super::support::tray::FakeTray;
use super::support::webdriver::{no_app_running, wait_until};
use super::{
    APP, ONE_WINDOW, TestApp, sandbox_issuer, scratch_session, scripted_browser, start_app,
};

/// The X window of the app titled `title`, if it is shown.
fn app_window(title: &str) -> Option<String> {
    let tree = Command::new("xwininfo")
        .args(["-root", "-tree"])
        .output()
        .expect("xwininfo (x11-utils)");
    String::from_utf8_lossy(&tree.stdout)
        .lines()
        .find(|line| line.contains(&format!("\"{title}\": (\"grantry-app\"")))
        .and_then(|line| line.split_whitespace().next().map(str::to_owned))
}

/// The X window of the app's main window (titled Grantry), if it is shown.
fn main_window() -> Option<String> {
    app_window("Grantry")
}

fn window_shown() -> bool {
    main_window().is_some()
}

/// How many of `app`'s children WebKitGTK named `name`: its web processes (one per webview,
/// `WebKitWebProces`) or its network process (`WebKitNetworkPr`).
fn webkit_processes(app: u32, name: &str) -> usize {
    procs::children(app)
        .into_iter()
        .filter(|&pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|comm| comm.trim_end() == name)
        })
        .count()
}

/// Waits for the window to be shown again, and has the session drive it.
fn shown_again(app: &super::support::webdriver::Session) {
    wait_until("the window again", Duration::from_secs(30), window_shown);
    wait_until("the window in the session", Duration::from_secs(30), || {
        app.window_handles().len() == 1
    });
    let handle = app.window_handles().remove(0);
    app.switch_to_window(&handle);
}

/// Closes the main window as its close button would (`support/close_window.py`).
fn close_main_window() {
    close(&main_window().expect("the window is shown"));
}

/// Closes the X window `window` as its close button would.
fn close(window: &str) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/close_window.py");
    let status = Command::new("/usr/bin/python3")
        .arg(script)
        .arg(window)
        .status()
        .expect("run close_window.py");
    assert!(status.success(), "close {window}");
}

#[test]
#[ignore = "needs Xvfb, tauri-driver and a throwaway session: run through `make test`"]
fn a_closed_window_leaves_grantry_in_the_tray_keeping_tokens_fresh() {
    let _window = ONE_WINDOW
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let data_home = scratch_session();
    let consent = scripted_browser(&data_home);
    let tray = FakeTray::start(&data_home.join("tray-host"));
    let notifications = FakeNotifications::start(&data_home.join("tray-notifications"));
    let TestApp {
        mut sweep,
        driver,
        data_dir,
        token_log,
    } = start_app(&data_home, "tray");
    let app = driver.session(Path::new(APP));
    let admin = Admin::new(sandbox_issuer(&app), &data_dir);

    tray.wait_for_item();
    assert_eq!(tray.menu(), ["Open Grantry", "Refresh all", "Quit"]);
    app.click("[data-testid=nav-settings]");
    app.wait_for_text("[data-testid=settings-screen]");
    assert!(
        app.find("[data-testid=no-tray]").is_none(),
        "a tray is there"
    );
    look(&app, "settings");

    // Alice's access token made to count as expired: the schedule refreshes it soon.
    app.click("[data-testid=nav-accounts]");
    link(&app, &consent, "--user alice", "alice@sandbox.grantry.test");
    open(&app, "alice@sandbox.grantry.test");
    app.click("[data-testid=tab-inspector]");
    app.click("[data-testid=force-expire]");
    app.wait_for_text_where("[data-testid=inspector-outcome]", |t| {
        t.contains("now counts as expired")
    });
    let refreshes = refresh_tokens_issued(&token_log);
    sweep.running(&driver);
    let apps = driver.apps();
    assert!(!apps.is_empty(), "the app runs");

    // Closed: the window goes, the process stays, and the schedule still refreshes.
    close_main_window();
    wait_until("the window to close", Duration::from_secs(20), || {
        !window_shown()
    });
    assert!(apps.iter().all(|&pid| procs::alive(pid)), "Grantry went on");
    wait_until("the webview to go", Duration::from_secs(20), || {
        apps.iter()
            .all(|&pid| webkit_processes(pid, "WebKitWebProces") == 0)
    });
    wait_until("a refresh in the tray", Duration::from_secs(45), || {
        refresh_tokens_issued(&token_log) > refreshes
    });

    // A program asks for Alice's token while the window is closed: a notification asks, and
    // its Allow once answers with the token the sandbox issued last.
    let asking = gdbus("GetAccessToken", &["alice@sandbox.grantry.test", "60"])
        .spawn()
        .expect("gdbus");
    let asked = notifications.wait_for("asks for alice@sandbox.grantry.test");
    assert_eq!(
        asked["actions"],
        serde_json::json!([
            "allow_once",
            "Allow once",
            "always_allow",
            "Always allow",
            "deny",
            "Deny",
            "default",
            "Open Grantry"
        ]),
        "{asked}"
    );
    assert!(!window_shown(), "asked without opening the window");
    notifications.click_action(asked["id"].as_u64().expect("id"), "allow_once");
    let answered = asking.wait_with_output().expect("gdbus");
    assert!(answered.status.success(), "{answered:?}");
    let issued = latest_access_token(&token_log);
    assert!(
        String::from_utf8_lossy(&answered.stdout).contains(&format!("'{issued}'")),
        "the token the sandbox issued last"
    );

    // The provider refuses the grant at the next refresh (Refresh all, from the tray): the
    // notification comes, and the tray's menu lists Alice.
    admin.fault(r#"{"kind":"invalid_grant","user":"alice"}"#);
    tray.click("Refresh all");
    notifications.wait_for("needs to be linked again");
    wait_until("Alice in the tray's menu", Duration::from_secs(20), || {
        tray.menu()
            .contains(&"alice@sandbox.grantry.test: link again".to_owned())
    });
    admin.clear_faults();

    // Started again, Grantry shows its window; closed, and opened from the tray, too.
    let again = Command::new(APP)
        .env("GRANTRY_DATA_DIR", &data_dir)
        .env("GRANTRY_SANDBOX_PORT", "0")
        .status()
        .expect("start Grantry again");
    assert!(again.success(), "the second launch hands over and ends");
    shown_again(&app);
    // With its state: Alice's row says what the tray's menu said.
    app.wait_for_text_where("[data-testid=account-row]", |t| {
        t.contains("Alice Tester") && t.contains("Needs re-link")
    });
    close_main_window();
    wait_until("the window to close", Duration::from_secs(20), || {
        !window_shown()
    });
    tray.click("Open Grantry");
    shown_again(&app);
    app.wait_for_text("[data-testid=account-row]");
    tray.click("Quit");
    wait_until("Grantry to quit", Duration::from_secs(30), || {
        apps.iter().all(|&pid| !procs::alive(pid))
    });
    drop(app);
    sweep.finish(&[]);
}

/// Without WebDriver (under which Grantry keeps WebKit's network process, see
/// src-tauri/src/tray_memory.rs): started in the tray, Grantry hands back what its start
/// loaded; the closed window's network process ends too and its memory is handed back; a
/// window made again starts a new one and paints its list.
#[test]
#[ignore = "needs Xvfb and a throwaway session: run through `make test`"]
fn a_closed_window_hands_back_its_memory_and_a_new_one_paints() {
    let _window = ONE_WINDOW
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let data_home = scratch_session();
    let tray = FakeTray::start(&data_home.join("tray-memory-host"));
    let data_dir = data_home.join("tray-memory");
    let log_path = data_home.join("tray-memory.log");
    let launch = || {
        let mut command = Command::new(APP);
        command
            .env("GRANTRY_DATA_DIR", &data_dir)
            .env("GRANTRY_SANDBOX_PORT", "0")
            .env_remove("TAURI_WEBVIEW_AUTOMATION");
        command
    };
    no_app_running();
    let mut grantry = launch()
        .arg("--in-tray")
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log_path).expect("log file"))
        .spawn()
        .expect("start Grantry");
    let pid = grantry.id();
    let log = || std::fs::read_to_string(&log_path).unwrap_or_default();
    let painted = || log().matches("the Accounts list is on screen").count();
    let (web, network) = ("WebKitWebProces", "WebKitNetworkPr");

    // Started in the tray: no window, and what GTK's start loaded is handed back already.
    tray.wait_for_item();
    wait_until(
        "the start's memory handed back",
        Duration::from_secs(30),
        || log().contains("the window's memory is handed back: network process none"),
    );
    assert!(!window_shown(), "started in the tray");

    let shown = launch().status().expect("start Grantry again");
    assert!(shown.success(), "the second launch hands over and ends");
    wait_until("the list on screen", Duration::from_secs(60), || {
        painted() == 1
    });
    assert_eq!(webkit_processes(pid, network), 1, "{}", log());
    close_main_window();
    wait_until(
        "the window, its web and network processes to go",
        Duration::from_secs(30),
        || !window_shown() && webkit_processes(pid, web) + webkit_processes(pid, network) == 0,
    );
    wait_until("the memory handed back", Duration::from_secs(30), || {
        log().contains("the window's memory is handed back: network process ended")
    });
    assert!(procs::alive(pid), "Grantry went on: {}", log());

    let again = launch().status().expect("start Grantry again");
    assert!(again.success(), "the second launch hands over and ends");
    wait_until(
        "the new window to paint its list",
        Duration::from_secs(60),
        || painted() == 2,
    );
    assert_eq!(webkit_processes(pid, network), 1, "a new network process");
    assert_eq!(webkit_processes(pid, web), 1, "a new web process");

    tray.click("Quit");
    wait_until("Grantry to quit", Duration::from_secs(30), || {
        matches!(grantry.try_wait(), Ok(Some(_)))
    });
    let log = log();
    assert!(!log.contains("ERROR") && !log.contains("CRITICAL"), "{log}");
}

/// The window opens where it was left: moved and resized, closed to the tray (which writes
/// where it was), Grantry quit and started again, the new window has the same size and place.
#[test]
#[ignore = "needs Xvfb and a throwaway session: run through `make test`"]
fn the_window_opens_where_it_was_left() {
    let _window = ONE_WINDOW
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let data_home = scratch_session();
    let tray = FakeTray::start(&data_home.join("geometry-host"));
    let data_dir = data_home.join("geometry");
    let log_path = data_home.join("geometry.log");
    no_app_running();
    let start = || {
        Command::new(APP)
            .env("GRANTRY_DATA_DIR", &data_dir)
            .env("GRANTRY_SANDBOX_PORT", "0")
            .env_remove("TAURI_WEBVIEW_AUTOMATION")
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(&log_path).expect("log file"))
            .spawn()
            .expect("start Grantry")
    };
    let log = || std::fs::read_to_string(&log_path).unwrap_or_default();
    let xdotool = |args: &[&str]| {
        let status = Command::new("xdotool")
            .args(args)
            .status()
            .expect("xdotool");
        assert!(status.success(), "xdotool {args:?}");
    };

    let mut grantry = start();
    wait_until("the list on screen", Duration::from_secs(60), || {
        log().contains("the Accounts list is on screen")
    });
    let window = main_window().expect("the window");
    xdotool(&["windowsize", &window, "900", "640"]);
    xdotool(&["windowmove", &window, "40", "30"]);
    wait_until(
        "the window moved and resized",
        Duration::from_secs(10),
        || geometry(&window) == (40, 30, 900, 640),
    );
    close_main_window();
    let kept = data_dir.join("window.json");
    wait_until(
        "where the window was, kept",
        Duration::from_secs(20),
        || std::fs::read_to_string(&kept).is_ok_and(|text| text.contains("900")),
    );
    tray.click("Quit");
    wait_until("Grantry to quit", Duration::from_secs(30), || {
        matches!(grantry.try_wait(), Ok(Some(_)))
    });

    let mut grantry = start();
    wait_until("the window again", Duration::from_secs(60), window_shown);
    let window = main_window().expect("the window");
    wait_until("the window where it was", Duration::from_secs(10), || {
        geometry(&window) == (40, 30, 900, 640)
    });
    tray.click("Quit");
    wait_until("Grantry to quit", Duration::from_secs(30), || {
        matches!(grantry.try_wait(), Ok(Some(_)))
    });
    let log = log();
    assert!(!log.contains("ERROR") && !log.contains("kept"), "{log}");
}

/// Where the X window `window` is and how large: (x, y, width, height), from `xwininfo`.
fn geometry(window: &str) -> (i64, i64, i64, i64) {
    let info = Command::new("xwininfo")
        .args(["-id", window])
        .output()
        .expect("xwininfo (x11-utils)");
    let info = String::from_utf8_lossy(&info.stdout);
    let field = |name: &str| {
        info.lines()
            .find_map(|line| line.trim().strip_prefix(name))
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or(-1)
    };
    (
        field("Absolute upper-left X:"),
        field("Absolute upper-left Y:"),
        field("Width:"),
        field("Height:"),
    )
}

/// No tray on the bus: the Settings screen says so; the first close says why Grantry quits
/// (a dialog), and quits once it is answered; the next close quits without a word.
#[test]
#[ignore = "needs Xvfb, tauri-driver and a throwaway session: run through `make test`"]
fn without_a_tray_the_first_close_says_why_grantry_quits() {
    let _window = ONE_WINDOW
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let data_home = scratch_session();
    let TestApp {
        mut sweep,
        driver,
        data_dir,
        token_log: _,
    } = start_app(&data_home, "no-tray");
    let said = data_dir.join("no-tray-said");
    for first in [true, false] {
        let app = driver.session(Path::new(APP));
        app.click("[data-testid=nav-settings]");
        app.wait_for_text("[data-testid=no-tray]");
        if first {
            // Settings and the Help dialog at the smallest window, in both themes, with axe.
            app.resize(800, 600);
            look(&app, "settings");
            app.click("[data-testid=help-open]");
            let help = app.wait_for_text("[data-testid=help]");
            assert!(help.contains("Ctrl+N"), "{help}");
            look(&app, "help");
            app.click("[data-testid=help] .dialog-actions button");
            wait_until("the Help dialog to close", Duration::from_secs(10), || {
                app.find("[data-testid=help]").is_none()
            });
        }
        let apps = driver.apps();
        assert!(!apps.is_empty(), "the app runs");
        sweep.running(&driver);
        close_main_window();
        if first {
            wait_until("the dialog", Duration::from_secs(20), || {
                app_window("No system tray").is_some()
            });
            look_at_screen("no-tray-dialog");
            assert!(apps.iter().all(|&pid| procs::alive(pid)), "asks first");
            assert!(said.exists(), "said once");
            close(&app_window("No system tray").expect("the dialog"));
        }
        wait_until("Grantry to quit", Duration::from_secs(30), || {
            apps.iter().all(|&pid| !procs::alive(pid))
        });
        assert!(app_window("No system tray").is_none());
        drop(app);
    }
    sweep.finish(&[]);
}

/// A picture of the whole screen in the screenshots folder: the dialog is a GTK window of its
/// own, outside what WebDriver can picture.
fn look_at_screen(name: &str) {
    let shot = super::screenshot_dir().join(format!("{name}.png"));
    let _ = std::fs::create_dir_all(super::screenshot_dir());
    let _ = Command::new("import")
        .args(["-window", "root"])
        .arg(&shot)
        .status();
}
