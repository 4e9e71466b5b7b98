//! A desktop's system tray for the private test session: `fake_tray.py` (Debian's python3-gi)
//! owns `org.kde.StatusNotifierWatcher` with a host registered, logs every item that registers,
//! and reads or clicks the registered item's menu as a person would.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

use super::webdriver::wait_until;

pub struct FakeTray {
    child: Child,
    log: PathBuf,
    ask: PathBuf,
}

impl FakeTray {
    /// Starts the tray, its files in `dir`, and waits until it owns its name on the bus.
    pub fn start(dir: &Path) -> Self {
        std::fs::create_dir_all(dir).expect("the tray's folder");
        let log = dir.join("items.log");
        let ask = dir.join("ask");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/fake_tray.py");
        let child = Command::new("/usr/bin/python3")
            .arg(script)
            .arg(&log)
            .arg(&ask)
            .spawn()
            .expect("start the fake tray (python3-gi)");
        let tray = FakeTray { child, log, ask };
        wait_until("the tray", Duration::from_secs(10), || {
            super::bus::owned("org.kde.StatusNotifierWatcher")
        });
        tray
    }

    /// Waits until an item has registered with the tray.
    pub fn wait_for_item(&self) {
        wait_until("an item in the tray", Duration::from_secs(30), || {
            std::fs::read_to_string(&self.log).is_ok_and(|log| !log.trim().is_empty())
        });
    }

    fn request(&self, request: &str) -> String {
        let out = self.ask.with_extension("out");
        let _ = std::fs::remove_file(&out);
        std::fs::write(&self.ask, request).expect("ask the tray");
        wait_until(
            &format!("the tray to answer {request:?}"),
            Duration::from_secs(15),
            || out.exists(),
        );
        let answer = std::fs::read_to_string(&out).expect("the tray's answer");
        assert!(!answer.starts_with("error"), "{request}: {answer}");
        answer
    }

    /// The item's menu, one label an entry.
    pub fn menu(&self) -> Vec<String> {
        self.request("menu").lines().map(str::to_owned).collect()
    }

    /// Clicks the menu's entry labelled `label`.
    pub fn click(&self, label: &str) {
        self.request(&format!("click {label}"));
    }
}

impl Drop for FakeTray {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
