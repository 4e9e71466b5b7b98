//! The commands the UI may call (each granted in src-tauri/capabilities/main.json). Each one
//! takes the state, calls the core and returns its answer or a `{code, message}` error.

use grantry_core::{AccountSummary, ActivityEntry, IpcError, SandboxStatus};
use tauri::State;

use crate::sandbox::SandboxState;
use crate::state::AppState;

/// The most activity entries one call returns.
const ACTIVITY_PAGE: u32 = 200;

#[tauri::command]
pub fn list_accounts(state: State<'_, AppState>) -> Result<Vec<AccountSummary>, IpcError> {
    state.with(|core| core.accounts())
}

#[tauri::command]
pub fn list_activity(state: State<'_, AppState>) -> Result<Vec<ActivityEntry>, IpcError> {
    state.with(|core| core.activity(ACTIVITY_PAGE))
}

#[tauri::command]
pub fn sandbox_status(sandbox: State<'_, SandboxState>) -> SandboxStatus {
    sandbox.status()
}
