//! The main window's life. It is made at start, unless Grantry starts in the tray
//! (`--in-tray`, how the autostart entry starts it), and made again whenever something opens it
//! (the tray's menu, a notification, a second launch). Closing it destroys it, webview and all,
//! so that Grantry in the tray holds no web process; the process itself goes on when the
//! settings keep it in the tray and a tray is there (`tray.rs`, `tray_host.rs`), and hands back
//! what the window left behind (`tray_memory.rs`); otherwise it quits, as it always did. Where
//! the setting is on but no tray exists, the first close says so before quitting; later ones
//! quit without a word. Its size, position and whether it is maximized are kept across starts
//! ([`geometry`]); whether it is shown is not (the tray and `--in-tray` decide that).

use std::sync::Mutex;

use grantry_core::settings::Settings;
use tauri::{
    AppHandle, Emitter, Manager, RunEvent, WebviewWindow, WebviewWindowBuilder, WindowEvent,
};
use tauri_plugin_dialog::{DialogExt, MessageDialogKind};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

use crate::{tray_host, tray_memory};

/// The window's label, as `tauri.conf.json` and the capabilities name it.
pub const LABEL: &str = "main";

/// The Tauri event that asks the window to open an account; its payload is the account's id.
pub const OPEN_ACCOUNT_EVENT: &str = "open_account";

/// The file in the data folder that says the person was told there is no tray.
const NO_TRAY_SAID: &str = "no-tray-said";

/// What is kept of the window across starts.
const KEPT: StateFlags = StateFlags::SIZE
    .union(StateFlags::POSITION)
    .union(StateFlags::MAXIMIZED);

/// The file in the state folder (`grantry_core::paths::state_dir`) that keeps the window's
/// size and position.
pub const GEOMETRY_FILE: &str = "window.json";

/// The plugin that puts each new window where the last one was left, and keeps where that is
/// in [`GEOMETRY_FILE`] (written when the window closes and when Grantry quits). A position
/// off every screen (a monitor since unplugged) is not restored.
pub fn geometry() -> tauri::plugin::TauriPlugin<tauri::Wry> {
    let builder = tauri_plugin_window_state::Builder::new().with_state_flags(KEPT);
    // The plugin joins its file name to the config folder; an absolute path replaces that.
    match grantry_core::paths::state_dir()
        .and_then(|dir| dir.join(GEOMETRY_FILE).to_str().map(str::to_owned))
    {
        Some(path) => builder.with_filename(path),
        None => builder,
    }
    .build()
}

/// What the window needs across its lives: the account to open once a new one has loaded.
#[derive(Default)]
pub struct MainWindow {
    account_to_open: Mutex<Option<i64>>,
}

/// Shows the main window: brought forward if it is open, made again if it was closed.
pub fn show(app: &AppHandle) -> Option<WebviewWindow> {
    if let Some(window) = app.get_webview_window(LABEL) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
        return Some(window);
    }
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == LABEL)?
        .clone();
    let made = WebviewWindowBuilder::from_config(app, &config).and_then(|builder| builder.build());
    match made {
        Ok(window) => {
            tracing::info!("the window is open");
            Some(window)
        }
        Err(error) => {
            tracing::error!("the window could not be made: {error}");
            None
        }
    }
}

/// Shows the main window on `account`'s screen: told at once if the window is open, else
/// kept until the new window asks ([`take_account_to_open`]).
pub fn open_account(app: &AppHandle, account: i64) {
    if app.get_webview_window(LABEL).is_some() {
        show(app);
        let _ = app.emit(OPEN_ACCOUNT_EVENT, account);
        return;
    }
    if let Some(state) = app.try_state::<MainWindow>()
        && let Ok(mut pending) = state.account_to_open.lock()
    {
        *pending = Some(account);
    }
    show(app);
}

/// The account a new window should open, once: the one a notification or the tray's menu
/// asked for while the window was closed.
#[tauri::command]
pub fn take_account_to_open(state: tauri::State<'_, MainWindow>) -> Option<i64> {
    state.account_to_open.lock().ok().and_then(|mut a| a.take())
}

/// Whether closing the window leaves Grantry running: the setting, and a tray to run in.
fn keeps_running() -> bool {
    let settings = grantry_core::paths::config_dir()
        .map(|dir| Settings::load(&dir))
        .unwrap_or_default();
    settings.keep_running_in_tray && tray_host::available()
}

/// The window is being closed: where the settings would keep Grantry in a tray that is not
/// there, the first time says so, then quits. Once closed for the tray, what it leaves behind
/// is handed back (`tray_memory.rs`).
pub fn on_window_event(window: &tauri::Window, event: &WindowEvent) {
    if window.label() != LABEL {
        return;
    }
    if matches!(event, WindowEvent::Destroyed) {
        // Written now: a Grantry in the tray may be ended with the session, not quit.
        if let Err(error) = window.app_handle().save_window_state(KEPT) {
            tracing::warn!("where the window was could not be kept: {error}");
        }
        if keeps_running() {
            tray_memory::no_window(window.app_handle());
        }
    }
    let WindowEvent::CloseRequested { api, .. } = event else {
        return;
    };
    tracing::info!("the window is asked to close");
    if keeps_running() {
        return;
    }
    let wanted = grantry_core::paths::config_dir()
        .map(|dir| Settings::load(&dir))
        .unwrap_or_default()
        .keep_running_in_tray;
    let said = grantry_core::paths::data_dir().map(|dir| dir.join(NO_TRAY_SAID));
    if !wanted || said.as_ref().is_none_or(|path| path.exists()) {
        return;
    }
    api.prevent_close();
    if let Some(path) = &said {
        let _ = grantry_core::paths::write_private(path, b"");
    }
    let app = window.app_handle().clone();
    window
        .dialog()
        .message(
            "Grantry would keep running in the system tray, but this desktop shows no tray, \
             so it quits now. Tokens are refreshed again when you start it.",
        )
        .title("No system tray")
        .kind(MessageDialogKind::Info)
        .show(move |_| app.exit(0));
}

/// The last window closed: Grantry stays in the tray when it should; an explicit exit (the
/// tray's Quit, a signal) always goes through.
pub fn on_run_event(_app: &AppHandle, event: RunEvent) {
    match event {
        RunEvent::ExitRequested {
            api, code: None, ..
        } if keeps_running() => {
            tracing::info!("the window closed; Grantry keeps running in the tray");
            api.prevent_exit();
        }
        RunEvent::Exit => tracing::info!("Grantry exits"),
        _ => {}
    }
}
