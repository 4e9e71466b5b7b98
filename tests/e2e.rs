//! End to end: the real app window under Xvfb, driven through tauri-driver and WebKitWebDriver.
//! It runs only inside `scripts/test-session` (what `make test` uses): Xvfb, a private D-Bus
//! session with a throwaway gnome-keyring, and scratch XDG folders, so the app it starts can
//! neither reach the user's data nor hand off to an instance the user is running.
//! `e2e/bridge.rs` drives the pages a person's own browser shows (the HTTPS bridge, the
//! sandbox's consent page) in headless Chromium through chromedriver, in the same session.

mod support;

#[path = "e2e/account_screen.rs"]
mod account_screen;
#[path = "e2e/bridge.rs"]
mod bridge;
#[path = "e2e/device_link.rs"]
mod device_link;
#[path = "e2e/dialogs.rs"]
mod dialogs;
#[path = "e2e/inspector.rs"]
mod inspector;
#[path = "e2e/package.rs"]
mod package;
#[path = "e2e/providers_screen.rs"]
mod providers_screen;
#[path = "e2e/revocations.rs"]
mod revocations;
#[path = "e2e/sandbox_screen.rs"]
mod sandbox_screen;
#[path = "e2e/steps.rs"]
mod steps;
#[path = "e2e/token_service.rs"]
mod token_service;
#[path = "e2e/tray.rs"]
mod tray;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

use support::app_sweep::AppSweep;
use support::webdriver::{Driver, Session, wait_until};

const APP: &str = env!("CARGO_BIN_EXE_grantry-app");

/// One app window at a time: a second one in the same session would hand over to the first.
static ONE_WINDOW: Mutex<()> = Mutex::new(());

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

/// One test's app: started on its own data folder `name` in the scratch session, its sandbox on
/// a port the kernel picks, with the leak sweep that ends the test and where the sandbox logs
/// what it issues.
struct TestApp {
    sweep: AppSweep,
    driver: Driver,
    data_dir: PathBuf,
    token_log: PathBuf,
}

/// Starts [`TestApp`] `name` (what else the test runs beside it, a tray or a notification
/// service, is started first).
fn start_app(data_home: &Path, name: &str) -> TestApp {
    start_app_with(data_home, name, &[])
}

/// [`start_app`] with `more` in the app's environment.
fn start_app_with(data_home: &Path, name: &str, more: &[(&str, String)]) -> TestApp {
    let data_dir = data_home.join(name);
    let sweep = AppSweep::new(data_home, &data_dir, &screenshot_dir(), name);
    let token_log = PathBuf::from(sweep.env().1);
    let mut env = vec![
        ("GRANTRY_SANDBOX_PORT", "0".to_owned()),
        ("GRANTRY_DATA_DIR", data_dir.display().to_string()),
        sweep.env(),
    ];
    env.extend(more.iter().cloned());
    let driver = Driver::start(&env, sweep.driver_log());
    TestApp {
        sweep,
        driver,
        data_dir,
        token_log,
    }
}

/// The issuer of the sandbox the app started, once the window says it runs. The app's sandbox
/// binds port 0 in these tests (`GRANTRY_SANDBOX_PORT=0`): the kernel picks a free port, so
/// no other program can take it first, and the window tells which in the sidebar's indicator.
fn sandbox_issuer(app: &Session) -> String {
    app.wait_for_text_where("[data-testid=sandbox-indicator]", |text| {
        text.contains("Sandbox running")
    });
    let issuer = app
        .attribute("[data-testid=sandbox-indicator]", "title")
        .unwrap_or_default();
    assert!(issuer.starts_with("http://127.0.0.1:"), "{issuer}");
    issuer
}

fn open_with(tool: &[&str], url: &str) {
    let status = Command::new(tool[0])
        .args(&tool[1..])
        .arg(url)
        .status()
        .unwrap_or_else(|e| panic!("run {tool:?}: {e}"));
    assert!(status.success(), "{tool:?} {url} failed: {status}");
}

/// Makes a scripted "system browser" the scratch session's default for http(s): it answers
/// the sandbox's consent page with the arguments in the returned file (`--user alice`,
/// `--scope …`), then hands a custom-scheme redirect (dev.grantry: or a provider's own) to
/// xdg-open, as Chromium does; a loopback redirect it has already followed, as a browser
/// does. A redirect to an HTTPS bridge page (a `…/grantry-bridge/` address, served by the
/// test) is written to the file `bridge-redirect` beside the arguments, for the test to load in
/// a real browser ([`follow_bridge`]). Whatever browser the machine has installed as its
/// default stays out of it.
fn scripted_browser(data_home: &Path) -> PathBuf {
    let grantry = Path::new(APP).with_file_name("grantry");
    assert!(
        grantry.exists(),
        "build the CLI first (make test does): {}",
        grantry.display()
    );
    let arguments = data_home.join("consent-arguments");
    let browser = data_home.join("scripted-browser");
    std::fs::write(
        &browser,
        format!(
            "#!/bin/sh\nredirect=$('{grantry}' sandbox consent $(cat '{arguments}') \"$1\") || exit 1\n\
             case \"$redirect\" in\n\
             http://127.0.0.1:*/grantry-bridge/*)\n\
               printf '%s\\n' \"$redirect\" > '{bridge}.partial'\n\
               exec mv '{bridge}.partial' '{bridge}';;\n\
             http://*|https://*) exit 0;;\n\
             esac\n\
             exec xdg-open \"$redirect\"\n",
            grantry = grantry.display(),
            arguments = arguments.display(),
            bridge = data_home.join("bridge-redirect").display()
        ),
    )
    .expect("write the browser script");
    std::fs::set_permissions(
        &browser,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("make it executable");
    let entry = data_home.join("applications/grantry-test-browser.desktop");
    std::fs::create_dir_all(entry.parent().expect("folder")).expect("applications folder");
    std::fs::write(
        &entry,
        format!(
            "[Desktop Entry]\nType=Application\nName=Test browser\nExec={} %u\n\
             MimeType=x-scheme-handler/http;x-scheme-handler/https;\n",
            browser.display()
        ),
    )
    .expect("write the browser entry");
    for scheme in ["http", "https"] {
        let mime = format!("x-scheme-handler/{scheme}");
        open_with(
            &["xdg-mime", "default", "grantry-test-browser.desktop"],
            &mime,
        );
    }
    arguments
}

/// The bridge's part of a sign-in, as a person's browser plays it: waits for the scripted
/// browser to reach the bridge page (see [`scripted_browser`]), loads that address in headless
/// Chromium, which runs the page of `bridge/`, and follows the `dev.grantry:` link the page
/// offers as "Open Grantry" the way a desktop browser does, through xdg-open. Returns the
/// address the bridge was loaded at.
fn follow_bridge(data_home: &Path, log: &Path) -> String {
    let inbox = data_home.join("bridge-redirect");
    wait_until(
        "the browser to reach the bridge",
        Duration::from_secs(20),
        || inbox.exists(),
    );
    let redirect = std::fs::read_to_string(&inbox).expect("the bridge address");
    std::fs::remove_file(&inbox).expect("take it");
    let chromium = support::chromium::Chromium::start(log);
    let page = chromium.session();
    page.navigate(redirect.trim());
    let mut link = serde_json::Value::Null;
    wait_until(
        "the bridge to offer Open Grantry",
        Duration::from_secs(20),
        || {
            link = page.execute(
                "const open = document.getElementById('open');\
             return open && open.getAttribute('href');",
                serde_json::json!([]),
            );
            link.is_string()
        },
    );
    drop(page);
    chromium.stop();
    let link = link.as_str().unwrap_or_default();
    assert!(
        link.starts_with("dev.grantry:/oauth/callback?code="),
        "{link}"
    );
    open_with(&["xdg-open"], link);
    redirect.trim().to_owned()
}

/// What an injection into the window would try, and the Content Security Policy of
/// tauri.conf.json refuses: inline event handlers and scripts, a script from elsewhere, a
/// connection anywhere but the app's IPC, a picture over plain http off loopback. Each refusal
/// is seen as the page's own `securitypolicyviolation` event.
fn the_content_policy_holds(app: &Session) {
    let outcome = app.execute_async(
        r#"
        const done = arguments[arguments.length - 1];
        const seen = [];
        document.addEventListener('securitypolicyviolation', (e) => {
            seen.push(e.effectiveDirective + ' ' + (e.blockedURI || 'inline'));
        });
        window.__injected = [];
        const img = document.createElement('img');
        img.setAttribute('onerror', "window.__injected.push('inline handler')");
        img.src = 'data:,';
        document.body.appendChild(img);
        const inline = document.createElement('script');
        inline.textContent = "window.__injected.push('inline script')";
        document.body.appendChild(inline);
        const remote = document.createElement('script');
        remote.src = 'https://scripts.example/x.js';
        document.body.appendChild(remote);
        const plain = document.createElement('img');
        plain.src = 'http://pictures.example/tracker.png';
        document.body.appendChild(plain);
        let fetched = 'not tried';
        fetch('http://127.0.0.1:9/').then(() => { fetched = 'reached'; }, () => { fetched = 'refused'; });
        setTimeout(() => {
            for (const node of [img, inline, remote, plain]) node.remove();
            done({ injected: window.__injected, seen, fetched });
        }, 1000);
        "#,
        serde_json::json!([]),
    );
    assert_eq!(outcome["injected"], serde_json::json!([]), "{outcome}");
    assert_eq!(outcome["fetched"], "refused", "{outcome}");
    let seen = outcome["seen"].to_string();
    for refused in [
        "script-src",
        "scripts.example",
        "img-src http://pictures.example",
        "connect-src http://127.0.0.1:9",
    ] {
        assert!(seen.contains(refused), "{refused} not refused: {outcome}");
    }
}

#[test]
#[ignore = "needs Xvfb, tauri-driver and a throwaway session: run through `make test`"]
fn accounts_screen_and_deep_links_in_the_real_window() {
    let _window = ONE_WINDOW
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let data_home = scratch_session();
    let data_dir = data_home.join("dev.grantry.desktop");
    let mut sweep = AppSweep::new(&data_home, &data_dir, &screenshot_dir(), "deep-links");
    let driver = Driver::start(
        &[("GRANTRY_SANDBOX_PORT", "0".to_owned()), sweep.env()],
        sweep.driver_log(),
    );
    let app = driver.session(Path::new(APP));

    // First start: the Accounts screen, from a real database, in its empty state.
    let heading = app.wait_for_text("#accounts-title");
    assert_eq!(heading, "Accounts");
    let empty = app.wait_for_text("[data-testid=accounts-empty]");
    assert!(empty.contains("No accounts linked yet"), "{empty}");
    let database = data_dir.join("grantry.sqlite3");
    assert!(database.exists(), "no database at {}", database.display());
    app.screenshot(&screenshot_dir().join("accounts.png"));
    the_content_policy_holds(&app);

    // The built-in sandbox provider runs with the app, its state in the data folder.
    let issuer = sandbox_issuer(&app);
    let mut discovery = serde_json::Value::Null;
    wait_until("the sandbox to answer", Duration::from_secs(10), || {
        let url = format!("{issuer}/.well-known/openid-configuration");
        discovery = ureq::get(&url)
            .call()
            .ok()
            .and_then(|mut r| r.body_mut().read_json().ok())
            .unwrap_or_default();
        !discovery.is_null()
    });
    assert_eq!(discovery["issuer"], issuer);
    assert!(data_dir.join("sandbox.json").exists());

    // The handler the app registered must work with Debian 12's xdg-open (unquoted Exec=).
    let entry = data_home.join("applications/dev.grantry.desktop-url-handler.desktop");
    let entry = std::fs::read_to_string(&entry).expect("the registered scheme handler");
    assert!(entry.contains(&format!("\nExec={APP} %u\n")), "{entry}");

    // A script in the page listens for the deep-link plugin's event, which would carry a link
    // as it came, code and all: the app does not use that plugin, so it must never fire.
    let listening = app.execute_async(
        "const done = arguments[arguments.length - 1];\
         window.__heard = [];\
         const internals = window.__TAURI_INTERNALS__;\
         const handler = internals.transformCallback((e) => window.__heard.push(JSON.stringify(e)));\
         internals.invoke('plugin:event|listen',\
           { event: 'deep-link://new-url', target: { kind: 'Any' }, handler })\
           .then(() => done(true), (e) => done(String(e)));",
        serde_json::json!([]),
    );
    assert_eq!(listening, true, "the page's listener");

    // A callback delivered by xdg-open starts a second instance, which forwards it to this one.
    // It answers no sign-in this app started, so it is refused, and both facts are recorded.
    open_with(
        &["xdg-open"],
        "dev.grantry:/oauth/callback?code=e2e-secret-code&state=from-xdg-open",
    );
    let notice = app.wait_for_text_where("[data-testid=activity-notice]", |text| {
        text.contains("Sign-in response refused")
    });
    assert!(notice.contains("answers no sign-in"), "{notice}");
    steps::look(&app, "refused-link-banner");
    let heard = app.execute_async(
        "const done = arguments[arguments.length - 1];\
         done({ heard: window.__heard,\
           code: document.documentElement.outerHTML.includes('e2e-secret-code') });",
        serde_json::json!([]),
    );
    assert_eq!(
        heard,
        serde_json::json!({ "heard": [], "code": false }),
        "the link never reached the page as it came"
    );

    // gio (what GNOME and GLib programs use) reaches the same handler. A link that is well
    // formed is routine: it goes to the history, and the banner keeps the refusal above.
    open_with(&["gio", "open"], "dev.grantry:/hello?state=from-gio");

    // All of it is in the activity history, newest first, the code masked.
    app.click("[data-testid=nav-activity]");
    let history = app.wait_for_text_where("[data-testid=activity-list]", |text| {
        text.contains("from-gio") && text.contains("from-xdg-open")
    });
    assert!(
        history.find("from-gio") < history.find("from-xdg-open"),
        "newest first: {history}"
    );
    assert!(history.contains("code=[redacted]"), "{history}");
    assert!(history.contains("Sign-in response refused"), "{history}");
    assert!(
        !history.contains("e2e-secret-code"),
        "the code must be masked: {history}"
    );
    app.screenshot(&screenshot_dir().join("activity.png"));

    // The code is in no file of the app's, nor in what it printed.
    sweep.running(&driver);
    drop(app);
    sweep.finish(&[("the code sent through xdg-open", "e2e-secret-code")]);
}

#[test]
#[ignore = "needs Xvfb, tauri-driver and a throwaway session: run through `make test`"]
fn a_sandbox_that_cannot_start_is_reported_and_the_app_works_on() {
    let _window = ONE_WINDOW
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let data_home = scratch_session();
    // Someone else holds the sandbox's port.
    let taken = TcpListener::bind("127.0.0.1:0").expect("a port to occupy");
    let port = taken.local_addr().expect("address").port();
    let data_dir = data_home.join("sandbox-port-taken");
    let mut sweep = AppSweep::new(&data_home, &data_dir, &screenshot_dir(), "port-taken");
    let driver = Driver::start(
        &[
            ("GRANTRY_SANDBOX_PORT", port.to_string()),
            ("GRANTRY_DATA_DIR", data_dir.display().to_string()),
            sweep.env(),
        ],
        sweep.driver_log(),
    );
    let app = driver.session(Path::new(APP));
    app.wait_for_text("[data-testid=accounts-empty]");
    let problem = app.wait_for_text("[data-testid=sandbox-failed]");
    assert!(problem.contains("not running"), "{problem}");
    assert!(problem.contains(&format!("127.0.0.1:{port}")), "{problem}");
    let indicator = app.wait_for_text("[data-testid=sandbox-indicator]");
    assert!(indicator.contains("Sandbox stopped"), "{indicator}");
    steps::look(&app, "sandbox-failed-banner");
    app.screenshot(&screenshot_dir().join("sandbox-failed.png"));
    app.click("[data-testid=nav-activity]");
    let history = app.wait_for_text("[data-testid=activity-list]");
    assert!(history.contains("Sandbox not started"), "{history}");
    // With no sandbox, nothing is issued; a forged answer's code is what must not be kept.
    open_with(
        &["xdg-open"],
        "dev.grantry:/oauth/callback?code=port-taken-secret-code&state=port-taken",
    );
    app.wait_for_text_where("[data-testid=activity-list]", |t| t.contains("port-taken"));
    sweep.running(&driver);
    drop(app);
    sweep.finish(&[("the code sent through xdg-open", "port-taken-secret-code")]);
    drop(taken);
}

#[test]
#[ignore = "needs Xvfb, tauri-driver and a throwaway session: run through `make test`"]
fn linking_an_account_from_the_window_through_the_system_browser() {
    let _window = ONE_WINDOW
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let data_home = scratch_session();
    let consent = scripted_browser(&data_home);
    std::fs::write(&consent, "--user alice").expect("consent arguments");
    let data_dir = data_home.join("link-from-window");
    let mut sweep = AppSweep::new(&data_home, &data_dir, &screenshot_dir(), "link");
    let driver = Driver::start(
        &[
            ("GRANTRY_SANDBOX_PORT", "0".to_owned()),
            ("GRANTRY_DATA_DIR", data_dir.display().to_string()),
            sweep.env(),
        ],
        sweep.driver_log(),
    );
    let app = driver.session(Path::new(APP));
    sandbox_issuer(&app);
    app.click("[data-testid=link-account]");
    // The dialog's code, then its provider's scopes, arrive after it opens.
    let dialog = app.wait_for_text_where("[data-testid=link-dialog]", |t| {
        t.contains("See your email address")
    });
    assert!(dialog.contains("Link an account"), "{dialog}");
    let provider = app.execute_async(
        "const done = arguments[arguments.length - 1];\
         const select = document.querySelector('[data-testid=link-provider]');\
         done(select.options[select.selectedIndex].textContent);",
        serde_json::json!([]),
    );
    assert_eq!(provider, "Grantry Sandbox", "the sandbox is offered first");
    app.click("[data-testid=link-start]");
    // The browser consents, the deep link comes back, the account appears.
    let accounts = app.wait_for_text_where(
        "#accounts-title ~ section, section[aria-labelledby=accounts-title]",
        |t| t.contains("Alice Tester"),
    );
    // The email line is cut with an ellipsis when narrow, which WebDriver's visible text
    // leaves out: read the row's text content for it.
    let row = app.execute_async(
        "const done = arguments[arguments.length - 1];\
         done(document.querySelector('[data-testid=account-row]').textContent);",
        serde_json::json!([]),
    );
    assert!(
        row.as_str()
            .unwrap_or_default()
            .contains("alice@sandbox.grantry.test"),
        "{row}"
    );
    assert!(
        accounts.contains("Valid") && accounts.contains("4 scopes"),
        "{accounts}"
    );
    assert!(
        app.find("[data-testid=link-dialog]").is_none(),
        "the dialog closed"
    );
    app.screenshot(&screenshot_dir().join("linked.png"));

    // No code or token the sandbox issued is in the app's files or what it printed; the
    // code, the first tokens and the ID token at least were searched for.
    sweep.running(&driver);
    drop(app);
    let searched = sweep.finish(&[]);
    assert!(searched >= 4, "the app's sandbox logged {searched} values");
}
