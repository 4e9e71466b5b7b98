//! Whether a system tray is there: asked of the session bus, where a tray (a panel showing
//! StatusNotifierItems) runs a StatusNotifierWatcher that says a host is registered. Without
//! one, Grantry's item would show nowhere, so closing the window quits (`main_window.rs`) and
//! starting in the tray shows the window instead.

/// Whether a system tray is there to show Grantry's item.
pub fn available() -> bool {
    let asked = || -> zbus::Result<bool> {
        let bus = zbus::blocking::Connection::session()?;
        let watcher = zbus::blocking::Proxy::new(
            &bus,
            "org.kde.StatusNotifierWatcher",
            "/StatusNotifierWatcher",
            "org.kde.StatusNotifierWatcher",
        )?;
        watcher.get_property::<bool>("IsStatusNotifierHostRegistered")
    };
    asked().unwrap_or(false)
}
