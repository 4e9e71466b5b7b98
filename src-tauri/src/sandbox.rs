//! The built-in Grantry Sandbox provider, started with the app so that a fresh install has a
//! provider to link without any credentials. It listens on 127.0.0.1 at a fixed port
//! (`GRANTRY_SANDBOX_PORT` overrides it) and keeps its state in the data folder. If it cannot
//! start, the UI says why (and the activity history keeps it); the rest of the app works on.

use std::sync::Mutex;

use grantry_core::{ActivityKind, EventSink, GrantryEvent, SandboxStatus};
use grantry_sandbox::{Sandbox, SandboxConfig};
use tauri::{AppHandle, Manager};

use crate::events::WindowEvents;
use crate::state::AppState;

/// The running sandbox (stopped when the app exits and this is dropped) and its status.
pub struct SandboxState {
    status: Mutex<SandboxStatus>,
    running: Mutex<Option<Sandbox>>,
}

impl SandboxState {
    pub fn status(&self) -> SandboxStatus {
        self.status
            .lock()
            .map_or(SandboxStatus::Starting, |status| status.clone())
    }

    fn set(&self, status: SandboxStatus) {
        if let Ok(mut slot) = self.status.lock() {
            *slot = status;
        }
    }
}

/// Starts the sandbox in the background; the handle resolves once it runs or failed to.
pub fn start(app: &AppHandle) -> tauri::async_runtime::JoinHandle<()> {
    app.manage(SandboxState {
        status: Mutex::new(SandboxStatus::Starting),
        running: Mutex::new(None),
    });
    let data_dir = grantry_core::paths::data_dir();
    let config = SandboxConfig {
        port: grantry_core::paths::sandbox_port(),
        state_file: data_dir
            .as_ref()
            .map(|dir| dir.join(grantry_core::paths::SANDBOX_STATE_FILE)),
        // Where `grantry` commands on this data folder find it, to trust this sandbox.
        admin_token_file: data_dir
            .map(|dir| dir.join(grantry_core::paths::SANDBOX_ADMIN_TOKEN_FILE)),
        // For tests only (the leak sweep of tests/e2e.rs): every code and token this sandbox
        // issues, appended to the file `GRANTRY_SANDBOX_TOKEN_LOG` names in debug builds.
        token_log: SandboxConfig::token_log_from_env(),
        ..SandboxConfig::default()
    };
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<SandboxState>();
        match Sandbox::start(config.clone()).await {
            Ok(sandbox) => {
                tracing::info!("the built-in sandbox runs at {}", sandbox.issuer());
                // Only now is the built-in provider offered: this process owns the port.
                if let Ok(grantry) = app.state::<AppState>().grantry() {
                    grantry.adopt_sandbox(sandbox.addr().port());
                }
                state.set(SandboxStatus::Running {
                    issuer: sandbox.issuer().to_owned(),
                });
                if let Ok(mut running) = state.running.lock() {
                    *running = Some(sandbox);
                }
            }
            Err(error) => {
                let message = format!(
                    "The Grantry Sandbox could not start on 127.0.0.1:{}: {error}",
                    config.port
                );
                record_failure(&app, &message);
                state.set(SandboxStatus::Failed { message });
            }
        }
        WindowEvents(app.clone()).emit(GrantryEvent::SandboxChanged);
    })
}

fn record_failure(app: &AppHandle, message: &str) {
    let now = grantry_core::now();
    // Recording tells the window too (an activity event), and the core logs what it records.
    let recorded = app
        .state::<AppState>()
        .with(|core| core.record(ActivityKind::SandboxUnavailable, message, None, now));
    if let Err(error) = recorded {
        tracing::warn!("{message} (not in the history: {})", error.message);
    }
}
