//! The built-in Grantry Sandbox provider, started with the app so that a fresh install has a
//! provider to link without any credentials. It listens on 127.0.0.1 at a fixed port
//! (`GRANTRY_SANDBOX_PORT` overrides it) and keeps its state in the data folder. If it cannot
//! start, the UI says why (and the activity history keeps it); the rest of the app works on.
//! The Sandbox screen stops it and starts it again (`sandbox_commands.rs`).
//!
//! Invariants: the built-in provider is offered exactly while this process runs the sandbox:
//! adopted once it listens, dropped before it stops (`Grantry::adopt_sandbox`). Starting and
//! stopping take turns (one lock), and each ends by telling the window (`sandbox_changed`).

use std::sync::Mutex;

use grantry_core::{ActivityKind, ErrorCode, EventSink, GrantryEvent, IpcError, SandboxStatus};
use grantry_sandbox::{Admin, Sandbox, SandboxConfig};
use tauri::{AppHandle, Manager};

use crate::state::AppState;
use crate::window_events::WindowEvents;

/// The running sandbox (stopped when the app exits and this is dropped), its status, and the
/// configuration it starts with.
pub struct SandboxState {
    status: Mutex<SandboxStatus>,
    running: tauri::async_runtime::Mutex<Option<Sandbox>>,
    config: SandboxConfig,
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

    /// The running sandbox's admin operations, or why there are none.
    pub async fn admin(&self) -> Result<Admin, IpcError> {
        self.running
            .lock()
            .await
            .as_ref()
            .map(Sandbox::admin)
            .ok_or_else(|| IpcError {
                code: ErrorCode::InvalidInput,
                message: "The Grantry Sandbox is not running: start it first.".into(),
            })
    }
}

/// Starts the sandbox in the background; the handle resolves once it runs or failed to.
pub fn start(app: &AppHandle) -> tauri::async_runtime::JoinHandle<()> {
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
    app.manage(SandboxState {
        status: Mutex::new(SandboxStatus::Starting),
        running: tauri::async_runtime::Mutex::new(None),
        config,
    });
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        launch(&app, None).await;
    })
}

/// Starts the sandbox on `port` (`None`: the configured one) unless it runs; adopts it as the
/// built-in provider, and tells the window. Returns the new status.
pub async fn launch(app: &AppHandle, port: Option<u16>) -> SandboxStatus {
    let state = app.state::<SandboxState>();
    let mut running = state.running.lock().await;
    if running.is_some() {
        return state.status();
    }
    let config = SandboxConfig {
        port: port.unwrap_or(state.config.port),
        ..state.config.clone()
    };
    state.set(SandboxStatus::Starting);
    match Sandbox::start(config.clone()).await {
        Ok(sandbox) => {
            tracing::info!("the built-in sandbox runs at {}", sandbox.issuer());
            // Only now is the built-in provider offered: this process owns the port.
            if let Ok(grantry) = app.state::<AppState>().grantry() {
                grantry.adopt_sandbox(Some(sandbox.addr().port()));
            }
            state.set(SandboxStatus::Running {
                issuer: sandbox.issuer().to_owned(),
            });
            *running = Some(sandbox);
        }
        Err(error) => {
            let message = format!(
                "The Grantry Sandbox could not start on 127.0.0.1:{}: {error}",
                config.port
            );
            record_failure(app, &message);
            state.set(SandboxStatus::Failed { message });
        }
    }
    drop(running);
    changed(app);
    state.status()
}

/// Stops the sandbox if it runs: the built-in provider is no longer offered from then on, and
/// its state file is written a last time. Returns the new status.
pub async fn stop(app: &AppHandle) -> SandboxStatus {
    let state = app.state::<SandboxState>();
    let mut running = state.running.lock().await;
    let Some(sandbox) = running.take() else {
        return state.status();
    };
    if let Ok(grantry) = app.state::<AppState>().grantry() {
        grantry.adopt_sandbox(None);
    }
    sandbox.stop().await;
    tracing::info!("the built-in sandbox was stopped");
    state.set(SandboxStatus::Stopped {
        port: state.config.port,
    });
    drop(running);
    changed(app);
    state.status()
}

/// The sandbox started, stopped or failed: so did the built-in provider.
fn changed(app: &AppHandle) {
    let events = WindowEvents(app.clone());
    events.emit(GrantryEvent::SandboxChanged);
    events.emit(GrantryEvent::ProvidersChanged);
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
