//! A desktop's notification service for the private test session: `fake_notifications.py`
//! (Debian's python3-gi) owns `org.freedesktop.Notifications`, logs every notification it is
//! sent and clicks one on request, as a person would.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

use serde_json::Value;

use super::webdriver::wait_until;

pub struct FakeNotifications {
    child: Child,
    log: PathBuf,
    click: PathBuf,
}

impl FakeNotifications {
    /// Starts the service, its files in `dir`, and waits until it owns its name on the bus.
    pub fn start(dir: &Path) -> Self {
        std::fs::create_dir_all(dir).expect("notification folder");
        let log = dir.join("notifications.jsonl");
        let click = dir.join("click");
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/support/fake_notifications.py"
        );
        let child = Command::new("/usr/bin/python3")
            .arg(script)
            .arg(&log)
            .arg(&click)
            .spawn()
            .expect("start the fake notification service (python3-gi)");
        let service = FakeNotifications { child, log, click };
        wait_until("the notification service", Duration::from_secs(10), || {
            super::bus::owned("org.freedesktop.Notifications")
        });
        service
    }

    /// Every notification shown so far, oldest first.
    pub fn shown(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect()
    }

    /// Waits for a notification whose body holds `text`, and returns it.
    pub fn wait_for(&self, text: &str) -> Value {
        let mut found = None;
        wait_until(
            &format!("a notification saying {text:?}"),
            Duration::from_secs(20),
            || {
                found = self
                    .shown()
                    .into_iter()
                    .find(|n| n.to_string().contains(text));
                found.is_some()
            },
        );
        found.unwrap_or_default()
    }

    /// Clicks the notification with this id (the spec's `default` action).
    pub fn click(&self, id: u64) {
        std::fs::write(&self.click, id.to_string()).expect("ask for a click");
    }

    /// Clicks the button of notification `id` whose action key is `action`.
    pub fn click_action(&self, id: u64, action: &str) {
        std::fs::write(&self.click, format!("{id} {action}")).expect("ask for a click");
    }
}

impl Drop for FakeNotifications {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
