//! A small W3C WebDriver client over HTTP, enough to drive the app through tauri-driver:
//! start a session with the app binary, find elements, read text, click, take screenshots.
//! The same sessions drive headless Chromium through chromedriver (`chromium.rs`).

use std::fs::File;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command};
use std::thread::sleep;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::procs;

/// The key under which W3C WebDriver returns an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// How many times a native driver whose port was taken is started again on another one.
const ATTEMPTS: usize = 5;

/// tauri-driver running on loopback, and the native driver (WebKitWebDriver) it started;
/// stopped when dropped.
pub struct Driver {
    child: Child,
    native: u32,
    wire: Wire,
}

impl Driver {
    /// Starts tauri-driver; the apps it launches inherit `env` on top of this environment.
    /// What tauri-driver, the native driver and the app write to stderr goes to `log`
    /// (tauri-driver sends the native driver's stdout, and so the app's, to /dev/null).
    ///
    /// No port is guessed and then bound by another process, which some other program could
    /// take in between: tauri-driver binds port 0 (the kernel picks a free one) and the port
    /// it got is read from /proc (`procs.rs`). Only the native driver's port must be named up
    /// front, since tauri-driver forwards to it; a native driver that could not bind it exits,
    /// and is started again on another port. Either way the driver is used only once /proc
    /// shows that its own processes listen on both ports, so no request reaches a stranger.
    pub fn start(env: &[(&str, String)], log: &Path) -> Self {
        let log = File::create(log).unwrap_or_else(|e| panic!("{}: {e}", log.display()));
        for _ in 0..ATTEMPTS {
            if let Some(driver) = Self::try_start(env, &log) {
                return driver;
            }
        }
        panic!("the native driver found its port taken {ATTEMPTS} times");
    }

    /// One attempt: `None` when the native driver could not listen on its port.
    fn try_start(env: &[(&str, String)], log: &File) -> Option<Self> {
        let native_port = unused_port();
        let mut child = Command::new("tauri-driver")
            // Every line Grantry can log, into its log file and stderr, which the leak sweep
            // reads (`app_sweep.rs`); a test may choose otherwise in `env`.
            .env(
                "RUST_LOG",
                "warn,grantry_core=trace,grantry_app=trace,grantry_sandbox=debug",
            )
            .envs(env.iter().map(|(key, value)| (key, value)))
            .args(["--port", "0", "--native-port", &native_port.to_string()])
            .stdout(log.try_clone().expect("the driver log"))
            .stderr(log.try_clone().expect("the driver log"))
            .spawn()
            .expect("start tauri-driver (make test installs it)");
        let pid = child.id();
        // tauri-driver starts the native driver first, then binds its own port.
        let mut outcome = None;
        wait_until("tauri-driver to listen", Duration::from_secs(20), || {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("tauri-driver exited: {status}");
            }
            let Some(&port) = procs::listening_ports(pid).first() else {
                return false;
            };
            let natives = procs::children(pid);
            if natives.is_empty() {
                // The native driver exited: its port was taken.
                outcome = Some(None);
            } else if let Some(&native) = natives
                .iter()
                .find(|&&n| procs::listening_ports(n).contains(&native_port))
            {
                outcome = Some(Some((port, native)));
            }
            outcome.is_some()
        });
        let Some(Some((port, native))) = outcome else {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        };
        Some(Self {
            child,
            native,
            wire: Wire::new(port),
        })
    }

    /// The processes of the apps the native driver started and that still run.
    pub fn apps(&self) -> Vec<u32> {
        procs::children(self.native)
    }

    /// Starts the app at `application` in a new WebDriver session, once no other instance of
    /// it is left on the session bus: an app starting while one still holds the single-instance
    /// name hands its arguments to it and exits, and the session never opens.
    pub fn session(&self, application: &Path) -> Session<'_> {
        no_app_running();
        let capabilities = json!({
            "capabilities": {"alwaysMatch": {
                "browserName": "wry",
                "tauri:options": {"application": application}
            }}
        });
        self.wire.session(capabilities)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM, on which tauri-driver stops the native driver too (a SIGKILL would leave it
        // running); then SIGKILL if it has not exited after a while.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
            sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The bus name the single-instance plugin gives a running app (its identifier in
/// tauri.conf.json, then `.SingleInstance`).
const SINGLE_INSTANCE: &str = "dev.grantry.desktop.SingleInstance";

/// Waits until no instance of the app holds its single-instance name on the session bus (30 s
/// at most): an app started meanwhile would hand its arguments to that one and exit.
pub fn no_app_running() {
    let start = Instant::now();
    while let Some(owner) = single_instance_owner() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "an instance of the app still holds the session bus after 30 s: {owner}"
        );
        sleep(Duration::from_millis(100));
    }
}

/// The process holding the app's single-instance name on the session bus, with its command
/// line, if one does.
fn single_instance_owner() -> Option<String> {
    let ask = |method: &str| {
        let output = Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                &format!("org.freedesktop.DBus.{method}"),
                &format!("string:{SINGLE_INSTANCE}"),
            ])
            .output()
            .expect("dbus-send");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    if !ask("NameHasOwner").contains("boolean true") {
        return None;
    }
    let pid = ask("GetConnectionUnixProcessID")
        .split_whitespace()
        .last()
        .unwrap_or_default()
        .to_owned();
    let command = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    Some(format!(
        "pid {pid}: {}",
        String::from_utf8_lossy(&command).replace('\0', " ")
    ))
}

/// A loopback port no one listened on a moment ago: only a candidate, which another program
/// may take before it is bound (`Driver::start` says what happens then).
pub(super) fn unused_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free loopback port")
}

/// Where a WebDriver server listens, and the HTTP client that talks to it.
pub(super) struct Wire {
    base: String,
    agent: ureq::Agent,
}

impl Wire {
    /// A WebDriver server on loopback port `port`.
    pub(super) fn new(port: u16) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            // Generous: starting the app on a loaded 2-core machine can take a while.
            .timeout_global(Some(Duration::from_secs(180)))
            .build()
            .into();
        Self {
            base: format!("http://127.0.0.1:{port}"),
            agent,
        }
    }

    fn request(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let response = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            (_, body) => self
                .agent
                .post(&url)
                .send_json(body.unwrap_or_else(|| json!({}))),
        };
        let mut response = response.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let reply: Value = response
            .body_mut()
            .read_json()
            .unwrap_or_else(|e| panic!("{method} {path}: unreadable reply: {e}"));
        reply["value"].clone()
    }

    /// A new session with `capabilities` (the body of W3C WebDriver's New Session).
    pub(super) fn session(&self, capabilities: Value) -> Session<'_> {
        let reply = self.request("POST", "/session", Some(capabilities));
        let id = reply["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {reply}"))
            .to_owned();
        Session { wire: self, id }
    }
}

/// One running app (or browser); it is closed when the session is dropped.
pub struct Session<'a> {
    wire: &'a Wire,
    id: String,
}

impl Session<'_> {
    /// One command of this session: `path` is what follows `/session/{id}`.
    pub(super) fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.wire
            .request(method, &format!("/session/{}{path}", self.id), body)
    }

    /// The handles of the windows the session can reach (W3C WebDriver §11.4).
    pub fn window_handles(&self) -> Vec<String> {
        let handles = self.call("GET", "/window/handles", None);
        handles
            .as_array()
            .map(|all| {
                all.iter()
                    .filter_map(|h| h.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Makes the window `handle` the session's (W3C WebDriver §11.5).
    pub fn switch_to_window(&self, handle: &str) {
        self.call("POST", "/window", Some(json!({"handle": handle})));
    }

    /// The element matching `css`, if there is one now.
    pub fn find(&self, css: &str) -> Option<String> {
        let found = self.call(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        found[ELEMENT_KEY].as_str().map(str::to_owned)
    }

    /// Waits for the element matching `css` to exist and returns its visible text.
    pub fn wait_for_text(&self, css: &str) -> String {
        let mut text = None;
        wait_until(&format!("element {css}"), Duration::from_secs(20), || {
            text = self.find(css).map(|element| self.text(&element));
            text.is_some()
        });
        text.unwrap_or_default()
    }

    /// Waits until the text of the element matching `css` satisfies `ok`, and returns it.
    pub fn wait_for_text_where(&self, css: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let last = self.find(css).map(|e| self.text(&e)).unwrap_or_default();
            if ok(&last) {
                return last;
            }
            if start.elapsed() >= Duration::from_secs(20) {
                panic!(
                    "gave up waiting for the text of {css}; it was: {last:?}; {}",
                    self.last_look()
                );
            }
            sleep(Duration::from_millis(100));
        }
    }

    pub fn text(&self, element: &str) -> String {
        let text = self.call("GET", &format!("/element/{element}/text"), None);
        text.as_str().unwrap_or_default().to_owned()
    }

    /// The attribute `name` of the element matching `css`, if both exist now.
    pub fn attribute(&self, css: &str, name: &str) -> Option<String> {
        let element = self.find(css)?;
        let value = self.call("GET", &format!("/element/{element}/attribute/{name}"), None);
        value.as_str().map(str::to_owned)
    }

    /// Clicks the element matching `css`, waiting for it to exist first: a screen renders what
    /// it loads a moment after it is shown.
    pub fn click(&self, css: &str) {
        let start = Instant::now();
        let element = loop {
            if let Some(element) = self.find(css) {
                break element;
            }
            if start.elapsed() >= Duration::from_secs(20) {
                panic!("nothing to click at {css}; {}", self.last_look());
            }
            sleep(Duration::from_millis(100));
        };
        self.call("POST", &format!("/element/{element}/click"), None);
    }

    /// Sets the window's size; returns what the window says its size is afterwards.
    pub fn resize(&self, width: u32, height: u32) -> Value {
        self.call(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        );
        self.call("GET", "/window/rect", None)
    }

    /// Types `text` into the element matching `css`.
    pub fn type_into(&self, css: &str, text: &str) {
        let element = self
            .find(css)
            .unwrap_or_else(|| panic!("nothing to type into at {css}"));
        self.call(
            "POST",
            &format!("/element/{element}/value"),
            Some(json!({"text": text})),
        );
    }

    /// Runs `script` in the page as an async script (its last argument is the callback) and
    /// returns what it passed to the callback.
    pub fn execute_async(&self, script: &str, args: Value) -> Value {
        self.call(
            "POST",
            "/execute/async",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Loads `url` and waits for it, as W3C WebDriver's Navigate To does.
    pub fn navigate(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    /// The address of the page, as the address bar shows it.
    pub fn url(&self) -> String {
        let url = self.call("GET", "/url", None);
        url.as_str().unwrap_or_default().to_owned()
    }

    /// Runs `script` in the page and returns what it returned.
    pub fn execute(&self, script: &str, args: Value) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// The text of the dialog (`alert`, `confirm`, `prompt`) the page has open, if any.
    pub fn dialog(&self) -> Option<String> {
        self.call("GET", "/alert/text", None)
            .as_str()
            .map(str::to_owned)
    }

    /// Waits until the page has painted twice, so a screenshot shows what the DOM holds.
    fn settle(&self) {
        let script = "const done = arguments[arguments.length - 1];\
                      requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
        self.call(
            "POST",
            "/execute/async",
            Some(json!({"script": script, "args": []})),
        );
    }

    /// What the window showed when a wait gave up: a screenshot in `target/e2e/gave-up.png`,
    /// or why there is none (WebKit's web process crashed, and the session with it).
    fn last_look(&self) -> String {
        use base64::Engine;
        let shot = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e/gave-up.png");
        let answer = self.call("GET", "/screenshot", None);
        let png = answer
            .as_str()
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok());
        match png.map(|png| std::fs::write(&shot, png)) {
            Some(Ok(())) => format!("the window then: {}", shot.display()),
            _ => format!("no screenshot: the driver answered {answer}"),
        }
    }

    /// Saves a PNG screenshot of the window to `path`.
    pub fn screenshot(&self, path: &Path) {
        use base64::Engine;
        self.settle();
        let encoded = self.call("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().expect("screenshot as base64"))
            .expect("valid base64");
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("create folder");
        std::fs::write(path, png).expect("write screenshot");
        // What the picture shows, as text, for the leak sweep (`app_sweep.rs`): the page's
        // text and what its fields hold, but for password fields, which show only dots.
        let shown = self.execute(
            "return [document.body.innerText,\
               ...[...document.querySelectorAll('input:not([type=password]), textarea')]\
                 .map((f) => f.value)]\
               .join('\\n');",
            json!([]),
        );
        std::fs::write(
            path.with_extension("txt"),
            shown.as_str().unwrap_or_default(),
        )
        .expect("write what the screenshot shows");
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let _ = self.call("DELETE", "", None);
    }
}

/// Polls `done` every 100 ms until it holds, or panics naming `what` after `limit`.
pub fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < limit,
            "gave up waiting for {what} after {limit:?}"
        );
        sleep(Duration::from_millis(100));
    }
}
