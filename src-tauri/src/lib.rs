//! Tauri glue, and only glue: builds the app (plugins, state, commands, the tray) and hands
//! every piece of work to `grantry-core`. The single-instance plugin is registered first, so
//! that a second launch (a `dev.grantry:` link opened while the app runs, or Grantry started
//! again while it is in the tray) forwards its arguments, shows the window and exits.

mod built_in_sandbox;
mod clipboard;
mod commands;
mod deep_link;
mod exchange_commands;
mod inspector_commands;
mod main_window;
mod notify;
mod provider_commands;
mod sandbox_commands;
mod settings_commands;
mod state;
mod token_service;
mod tray;
mod tray_host;
mod tray_memory;
mod window_events;

use tauri::Manager;

use crate::state::AppState;

/// Registers the commands listed in `src-tauri/ipc_commands.rs`, the one list of them.
macro_rules! ipc_commands {
    ($($module:ident::$command:ident),* $(,)?) => {
        tauri::generate_handler![$($module::$command),*]
    };
}

pub fn run() {
    grantry_core::use_ring_for_tls();
    start_logging();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            // A link in the second launch's arguments goes to the core; the window comes
            // forward either way. (Not through the deep-link plugin: `deep_link.rs` says why.)
            deep_link::from_argv(app, argv);
            main_window::show(app);
        }))
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(main_window::geometry())
        .setup(|app| {
            let state = AppState::open(app.handle());
            let grantry = state.grantry().ok();
            app.manage(state);
            app.manage(clipboard::Clipboard::default());
            app.manage(main_window::MainWindow::default());
            let requests = std::sync::Arc::new(token_service::TokenRequests::default());
            app.manage(requests.clone());
            if let Some(grantry) = &grantry {
                token_service::start(app.handle(), grantry.clone(), requests);
            }
            if let Err(error) = tray::start(app.handle(), grantry.clone()) {
                tracing::warn!("Grantry could not put itself in the tray: {error}");
            }
            // Started at login, it stays in the tray, if there is one to stay in.
            let in_tray = std::env::args().any(|a| a == grantry_core::settings::IN_TRAY_ARG);
            if !in_tray || !tray_host::available() {
                main_window::show(app.handle());
            } else {
                tray_memory::no_window(app.handle());
            }
            deep_link::setup(app.handle());
            let sandbox_started = built_in_sandbox::start(app.handle());
            if let Some(grantry) = grantry {
                // Mend what an interrupted run left, off the start-up path (it talks to the
                // keyring and to providers), once the built-in sandbox is up: an interrupted
                // link's grant there is revoked too.
                let repairing = grantry.clone();
                tauri::async_runtime::spawn(async move {
                    let _ = sandbox_started.await;
                    if let Err(error) = repairing.repair().await {
                        tracing::warn!("start-up repair: {error}");
                    }
                });
                // One timer for the account due next; woken when accounts change.
                let policy = grantry_core::RefreshPolicy::default();
                tauri::async_runtime::spawn(grantry.clone().run_refresh_schedule(policy));
                // And a look every hour for grants that end within days, told once each.
                tauri::async_runtime::spawn(grantry.watch_grant_ends());
            }
            Ok(())
        })
        .invoke_handler(include!("../ipc_commands.rs"))
        .on_window_event(main_window::on_window_event)
        .build(tauri::generate_context!());
    match result {
        Ok(app) => app.run(main_window::on_run_event),
        Err(error) => {
            tracing::error!("the app could not start: {error}");
            std::process::exit(1);
        }
    }
}

/// Logs to stderr and to a file a day under the state folder's `logs/`
/// (`grantry_core::logging`), moving there once the files earlier versions kept in the data
/// folder; to stderr only when there is no state folder.
fn start_logging() {
    let level = tracing::level_filters::LevelFilter::INFO;
    let version = env!("CARGO_PKG_VERSION");
    let Some(state_dir) = grantry_core::paths::state_dir() else {
        grantry_core::logging::to_stderr(level);
        tracing::warn!("Grantry {version} starts with no state folder (no HOME?): no log file");
        return;
    };
    let moved = grantry_core::paths::data_dir()
        .map(|data_dir| grantry_core::logging::move_old_logs(&data_dir, &state_dir));
    match grantry_core::logging::to_file(&state_dir, level) {
        Some(logs) => tracing::info!("Grantry {version} starts; its log is in {}", logs.display()),
        None => tracing::info!("Grantry {version} starts"),
    }
    match moved {
        Some(Ok(0)) | None => {}
        Some(Ok(files)) => tracing::info!("{files} log files moved here from the data folder"),
        Some(Err(error)) => tracing::warn!("the old log files could not be moved: {error}"),
    }
}

#[cfg(test)]
#[path = "../capability_check.rs"]
mod capability_check;
