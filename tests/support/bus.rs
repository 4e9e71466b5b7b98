//! The test session's bus, asked through `dbus-send` (no bus library in the tests, and the
//! same tool a person would use).

use std::process::Command;

/// Whether some connection owns `name` on the session bus now.
pub fn owned(name: &str) -> bool {
    Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            &format!("string:{name}"),
        ])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
}
