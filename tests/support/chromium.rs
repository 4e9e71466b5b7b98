//! Headless Chromium through chromedriver, for the pages Grantry shows in a person's own
//! browser rather than in its window: the HTTPS bridge (`bridge/`) and the sandbox's consent
//! page. Sessions are the same as the app's (`webdriver.rs`), plus what only chromedriver
//! offers: its logs (the performance log holds the DevTools events of every navigation the
//! page asked for) and DevTools commands (such as a dark colour scheme).
//!
//! Chromium runs in a scratch folder of its own: its profile, HOME and XDG folders, so it
//! touches nothing of the test session's or the user's; a stand-in `xdg-open` first on its
//! PATH, so a `dev.grantry:` link it might hand to the desktop never reaches an app another
//! test runs; and its scratch folder named in the command line of every process Chromium
//! starts, so `stop` can tell that none of them is left behind.

use std::fs::File;
use std::path::Path;
use std::process::{Child, Command};
use std::thread::sleep;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::procs;
use super::webdriver::{Session, Wire, unused_port, wait_until};

/// The environment variable that marks every process of one `Chromium`.
const MARKER: &str = "GRANTRY_TEST_BROWSER";

/// How many times chromedriver, whose port was taken, is started again on another one.
const ATTEMPTS: usize = 5;

/// chromedriver on loopback, and the Chromium of its sessions; see `stop`.
pub struct Chromium {
    child: Child,
    wire: Wire,
    scratch: tempfile::TempDir,
    stopped: bool,
}

impl Chromium {
    /// Starts chromedriver, writing what it prints to `log`.
    ///
    /// chromedriver cannot bind port 0, so as with WebKitWebDriver (`Driver::start`) a free
    /// port is named up front; chromedriver exits when it finds that port taken ("port not
    /// available"), and is started again on another. It is used only once /proc shows that
    /// its own process listens on the port, so no request reaches a stranger.
    pub fn start(log: &Path) -> Self {
        let log = File::create(log).unwrap_or_else(|e| panic!("{}: {e}", log.display()));
        for _ in 0..ATTEMPTS {
            let scratch = tempfile::Builder::new()
                .prefix("grantry-chromium.")
                .tempdir()
                .expect("a scratch folder for Chromium");
            if let Some(chromium) = Self::try_start(scratch, &log) {
                return chromium;
            }
        }
        panic!("chromedriver found its port taken {ATTEMPTS} times");
    }

    /// One attempt: `None` when chromedriver could not listen on its port.
    fn try_start(scratch: tempfile::TempDir, log: &File) -> Option<Self> {
        let root = scratch.path();
        let bin = root.join("bin");
        for folder in ["bin", "home", "config", "cache", "data", "profile"] {
            std::fs::create_dir_all(root.join(folder)).expect("Chromium's scratch folders");
        }
        let opener = bin.join("xdg-open");
        std::fs::write(
            &opener,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\n",
                root.join("xdg-open.log").display()
            ),
        )
        .expect("the stand-in xdg-open");
        std::fs::set_permissions(&opener, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .expect("make it executable");
        let path = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let port = unused_port();
        let mut child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .env(MARKER, root)
            .env("PATH", path)
            .env("HOME", root.join("home"))
            .env("XDG_CONFIG_HOME", root.join("config"))
            .env("XDG_CACHE_HOME", root.join("cache"))
            .env("XDG_DATA_HOME", root.join("data"))
            .stdout(log.try_clone().expect("the driver log"))
            .stderr(log.try_clone().expect("the driver log"))
            .spawn()
            .expect("start chromedriver (make test installs chromium-driver)");
        let pid = child.id();
        let mut listening = false;
        wait_until("chromedriver to listen", Duration::from_secs(20), || {
            if let Ok(Some(_)) = child.try_wait() {
                // It exited: its port was taken.
                return true;
            }
            listening = procs::listening_ports(pid).contains(&port);
            listening
        });
        if !listening {
            let _ = child.wait();
            return None;
        }
        Some(Self {
            child,
            wire: Wire::new(port),
            scratch,
            stopped: false,
        })
    }

    /// A new headless Chromium, its performance log on (`Session::performance_log`).
    pub fn session(&self) -> Session<'_> {
        let profile = self.scratch.path().join("profile");
        self.wire.session(json!({
            "capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {"args": [
                    "--headless=new",
                    // Tests run as root, where Chromium's sandbox cannot start.
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    // Nothing but loopback: without these Chromium looks up its update and
                    // extension servers in DNS. The tests' addresses are all 127.0.0.1.
                    "--disable-component-update",
                    "--disable-background-networking",
                    "--disable-extensions",
                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                    "--no-first-run",
                    "--no-default-browser-check",
                    format!("--user-data-dir={}", profile.display()),
                ],
                // The first tab is blank: Debian's new tab page is the search engine's.
                "prefs": {
                    "session.restore_on_startup": 4,
                    "session.startup_urls": ["about:blank"],
                }},
                "goog:loggingPrefs": {"performance": "ALL", "browser": "ALL"}
            }}
        }))
    }

    /// Stops chromedriver and Chromium, and fails the test if any of their processes is
    /// still running a while later (they are killed first).
    pub fn stop(mut self) {
        let left = self.shut_down();
        assert!(left.is_empty(), "browser processes left behind: {left:?}");
    }

    /// Ends chromedriver (SIGTERM, then SIGKILL), waits for every marked process to exit,
    /// kills those that did not, and returns their command lines.
    fn shut_down(&mut self) -> Vec<String> {
        self.stopped = true;
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
            sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut left = self.processes();
        while !left.is_empty() && Instant::now() < deadline {
            sleep(Duration::from_millis(100));
            left = self.processes();
        }
        left.iter()
            .map(|&pid| {
                let line = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
                let line = String::from_utf8_lossy(&line).replace('\0', " ");
                let _ = Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
                format!("{pid}: {}", line.trim())
            })
            .collect()
    }

    /// The running processes of this browser: those whose command line names its scratch
    /// folder (Chromium's all do, in `--user-data-dir`; its crash handler, in its database
    /// under XDG_CONFIG_HOME) or whose environment holds its marker (chromedriver's). Both are
    /// needed: Chromium writes its process titles over its environment.
    fn processes(&self) -> Vec<u32> {
        let scratch = self.scratch.path().display().to_string();
        let marker = format!("{MARKER}={scratch}");
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        let holds = |bytes: &[u8], text: &str| {
            bytes
                .windows(text.len())
                .any(|window| window == text.as_bytes())
        };
        entries
            .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .filter(|&pid| {
                let read = |file: &str| std::fs::read(format!("/proc/{pid}/{file}"));
                procs::alive(pid)
                    && (read("cmdline").is_ok_and(|line| holds(&line, &scratch))
                        || read("environ").is_ok_and(|environ| {
                            environ
                                .split(|&byte| byte == 0)
                                .any(|entry| entry == marker.as_bytes())
                        }))
            })
            .collect()
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        if !self.stopped {
            self.shut_down();
        }
    }
}

impl Session<'_> {
    /// The DevTools events of the performance log since it was last read (chromedriver hands
    /// out each entry once), as `{"method": …, "params": …}`.
    pub fn performance_log(&self) -> Vec<Value> {
        self.log("performance")
            .iter()
            .filter_map(|entry| {
                let message: Value = serde_json::from_str(entry["message"].as_str()?).ok()?;
                Some(message["message"].clone())
            })
            .collect()
    }

    /// The entries of chromedriver's log `kind` ("browser" is the page's console) since it
    /// was last read.
    pub fn log(&self, kind: &str) -> Vec<Value> {
        let entries = self.call("POST", "/se/log", Some(json!({ "type": kind })));
        entries.as_array().cloned().unwrap_or_default()
    }

    /// Runs the DevTools command `command` with `params` in the page's target; a command
    /// the browser refuses fails the test.
    pub fn devtools(&self, command: &str, params: Value) -> Value {
        let result = self.call(
            "POST",
            "/goog/cdp/execute",
            Some(json!({"cmd": command, "params": params})),
        );
        assert!(
            result.get("error").is_none(),
            "DevTools refused {command}: {result}"
        );
        result
    }
}
