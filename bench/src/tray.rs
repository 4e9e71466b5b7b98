//! Grantry's memory in the system tray, against its open window and the bare window: the
//! stand-in tray of the end-to-end tests (`tests/support/fake_tray.py`) on the bench's session
//! bus keeps Grantry running once its window is closed, the way a close button closes it
//! (`tests/support/close_window.py`), which destroys the webview and its web process.

use std::process::{Child, Command};
use std::time::{Duration, Instant};

use crate::procs::{self, Usage};

#[path = "../../tests/support/bus.rs"]
mod bus;
use crate::window::{Launch, Running};

const SUPPORT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/support");

/// The stand-in tray, running until dropped.
pub struct Tray {
    child: Child,
    _dir: tempfile::TempDir,
}

impl Tray {
    pub fn start() -> Result<Self, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let child = Command::new("/usr/bin/python3")
            .arg(format!("{SUPPORT}/fake_tray.py"))
            .arg(dir.path().join("items.log"))
            .arg(dir.path().join("ask"))
            .spawn()
            .map_err(|e| format!("the stand-in tray (python3-gi) did not start: {e}"))?;
        let tray = Tray { child, _dir: dir };
        let started = Instant::now();
        while !bus::owned("org.kde.StatusNotifierWatcher") {
            if started.elapsed() > Duration::from_secs(10) {
                return Err("the stand-in tray did not take its bus name".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(tray)
    }
}

impl Drop for Tray {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The X window of Grantry's main window, if it is shown.
fn main_window() -> Option<String> {
    let tree = Command::new("xwininfo")
        .args(["-root", "-tree"])
        .output()
        .ok()?;
    String::from_utf8_lossy(&tree.stdout)
        .lines()
        .find(|line| line.contains("\"Grantry\": (\"grantry-app\""))
        .and_then(|line| line.split_whitespace().next().map(str::to_owned))
}

/// How many of `root`'s processes are WebKit's web processes.
fn web_processes(root: u32) -> usize {
    procs::tree(root)
        .into_iter()
        .filter(|&pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|name| name.starts_with("WebKitWebProces"))
        })
        .count()
}

/// Closes the window of `running` as its close button would, waits until its web process is
/// gone, then measures the idle process over `seconds`.
pub fn closed(running: &Running, seconds: u64) -> Result<Usage, String> {
    let window = main_window().ok_or("Grantry's window is not shown")?;
    let status = Command::new("/usr/bin/python3")
        .arg(format!("{SUPPORT}/close_window.py"))
        .arg(&window)
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("close_window.py {window} failed"));
    }
    let started = Instant::now();
    while main_window().is_some() || web_processes(running.pid()) > 0 {
        if started.elapsed() > Duration::from_secs(30) {
            return Err("the window or its web process outlived its closing by 30 s".into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    if !procs::alive(running.pid()) {
        return Err("Grantry quit instead of staying in the tray".into());
    }
    let usage = running.idle(seconds).usage;
    Ok(usage)
}

/// Starts `launch` in the tray (`--in-tray`: no window at all) and measures it idle.
pub fn started_in_tray(launch: &Launch, seconds: u64) -> Result<Usage, String> {
    let running = launch.start()?;
    if main_window().is_some() {
        running.stop();
        return Err("started in the tray, Grantry showed its window".into());
    }
    let usage = running.idle(seconds).usage;
    running.stop();
    Ok(usage)
}

/// `launch`, started in the tray; ready once its sandbox runs, since it paints nothing.
pub fn in_tray(launch: &Launch) -> Launch {
    Launch {
        args: vec!["--in-tray".into()],
        ready: "the built-in sandbox runs at",
        ..launch.clone()
    }
}
