//! Tauri glue, and only glue: builds the app (plugins, state, commands, the tray) and hands
//! every piece of work to `grantry-core`. The single-instance plugin is registered first, so
//! that a second launch (a `dev.grantry:` link opened while the app runs, or Grantry started
//! again while it is in the tray) forwards its arguments, shows the window and exits.

mod built_in_sandbox;
mod clipboard;
mod commands;
mod deep_link;
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
        .invoke_handler(tauri::generate_handler![
            commands::list_accounts,
            commands::accounts_shown,
            commands::list_activity,
            commands::sandbox_status,
            commands::link_account_again,
            commands::account_detail,
            commands::check_scopes,
            commands::revoke_scope,
            commands::refresh_account,
            commands::revoke_account,
            commands::forget_account,
            commands::list_providers,
            provider_commands::list_provider_views,
            provider_commands::list_presets,
            provider_commands::test_discovery,
            provider_commands::check_provider,
            provider_commands::save_provider,
            provider_commands::remove_provider,
            provider_commands::reveal_client_secret,
            provider_commands::open_provider_console,
            provider_commands::open_manage_access,
            provider_commands::open_grant_end_doc,
            commands::start_link,
            commands::reopen_link,
            commands::cancel_link,
            commands::link_status,
            inspector_commands::inspect_account,
            inspector_commands::account_http_log,
            inspector_commands::activity_exchanges,
            inspector_commands::reveal_access_token,
            inspector_commands::copy_access_token,
            inspector_commands::expire_access_token,
            inspector_commands::export_account_report,
            inspector_commands::refresh_all,
            inspector_commands::revoke_all,
            sandbox_commands::start_sandbox,
            sandbox_commands::stop_sandbox,
            sandbox_commands::sandbox_overview,
            sandbox_commands::add_sandbox_user,
            sandbox_commands::remove_sandbox_user,
            sandbox_commands::add_sandbox_client,
            sandbox_commands::remove_sandbox_client,
            sandbox_commands::sandbox_faults,
            sandbox_commands::add_sandbox_fault,
            sandbox_commands::clear_sandbox_fault,
            sandbox_commands::link_test_user,
            settings_commands::get_settings,
            settings_commands::save_settings,
            main_window::take_account_to_open,
            token_service::pending_token_requests,
            token_service::answer_token_request,
            commands::programs_with_access,
            commands::remove_program_access
        ])
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

/// Logs to stderr and to a file a day under the data folder's `logs/`
/// (`grantry_core::logging`); to stderr only when there is no data folder.
fn start_logging() {
    let level = tracing::level_filters::LevelFilter::INFO;
    let version = env!("CARGO_PKG_VERSION");
    match grantry_core::paths::data_dir() {
        Some(data_dir) => match grantry_core::logging::to_file(&data_dir, level) {
            Some(logs) => {
                tracing::info!("Grantry {version} starts; its log is in {}", logs.display())
            }
            None => tracing::info!("Grantry {version} starts"),
        },
        None => {
            grantry_core::logging::to_stderr(level);
            tracing::warn!("Grantry {version} starts with no data folder (no HOME?): no log file");
        }
    }
}
