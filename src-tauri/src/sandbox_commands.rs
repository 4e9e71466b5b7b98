//! The Sandbox screen's commands (each granted in src-tauri/capabilities/main.json): stop and
//! start the built-in sandbox, see what it is, add and remove its test users and clients,
//! make it require PAR and DPoP (with nonces or not), inject, list and clear faults, and link a
//! test user without a browser.
//!
//! Invariants: the sandbox is driven in-process through its admin operations
//! (`grantry_sandbox::Admin`, the same code as its HTTP admin API), so the admin token never
//! reaches the window; nothing returned holds a client secret or a token. A refused input
//! changes nothing and comes back as an `invalid_input` error saying why.

use grantry_core::{AccountSummary, ErrorCode, IpcError, SandboxStatus, test_users};
use grantry_sandbox::config::{ClientConfig, TestUser};
use grantry_sandbox::robot;
use grantry_sandbox::{ActiveFault, AdminError, DpopSettings, Fault, NewUser, Overview};
use tauri::{AppHandle, State};

use crate::built_in_sandbox::{self, SandboxState};
use crate::state::AppState;

fn refused(error: AdminError) -> IpcError {
    IpcError {
        code: ErrorCode::InvalidInput,
        message: error.to_string(),
    }
}

/// Starts the sandbox on `port`, or on its configured port.
#[tauri::command]
pub async fn start_sandbox(app: AppHandle, port: Option<u16>) -> SandboxStatus {
    built_in_sandbox::launch(&app, port).await
}

/// Stops the sandbox; the built-in provider is no longer offered for linking.
#[tauri::command]
pub async fn stop_sandbox(app: AppHandle) -> SandboxStatus {
    built_in_sandbox::stop(&app).await
}

/// Its issuer, personality, clients (never their secrets), test users and scopes.
#[tauri::command]
pub async fn sandbox_overview(sandbox: State<'_, SandboxState>) -> Result<Overview, IpcError> {
    Ok(sandbox.admin().await?.overview())
}

#[tauri::command]
pub async fn add_sandbox_user(
    sandbox: State<'_, SandboxState>,
    user: NewUser,
) -> Result<TestUser, IpcError> {
    sandbox.admin().await?.add_user(user).map_err(refused)
}

/// Removes a test user; every grant the user gave is revoked at the sandbox.
#[tauri::command]
pub async fn remove_sandbox_user(
    sandbox: State<'_, SandboxState>,
    login: String,
) -> Result<(), IpcError> {
    sandbox
        .admin()
        .await?
        .remove_user(&login)
        .map(drop)
        .map_err(refused)
}

/// Adds a client (or replaces the one with its id); its secret, if any, is never sent back.
#[tauri::command]
pub async fn add_sandbox_client(
    sandbox: State<'_, SandboxState>,
    client: ClientConfig,
) -> Result<(), IpcError> {
    sandbox.admin().await?.add_client(client).map_err(refused)
}

/// Makes the sandbox require pushed authorization requests (RFC 9126), or stop requiring them.
#[tauri::command]
pub async fn set_sandbox_require_par(
    sandbox: State<'_, SandboxState>,
    required: bool,
) -> Result<(), IpcError> {
    sandbox
        .admin()
        .await?
        .set_require_par(required)
        .map_err(refused)
}

/// Sets the sandbox's DPoP switches (RFC 9449): proofs required of every client, nonces
/// demanded in them. Answers the switches now in force.
#[tauri::command]
pub async fn set_sandbox_dpop(
    sandbox: State<'_, SandboxState>,
    required: bool,
    nonce: bool,
) -> Result<DpopSettings, IpcError> {
    Ok(sandbox
        .admin()
        .await?
        .set_dpop(DpopSettings { required, nonce }))
}

/// Removes a client; every grant made to it is revoked at the sandbox.
#[tauri::command]
pub async fn remove_sandbox_client(
    sandbox: State<'_, SandboxState>,
    client_id: String,
) -> Result<(), IpcError> {
    sandbox
        .admin()
        .await?
        .remove_client(&client_id)
        .map(drop)
        .map_err(refused)
}

#[tauri::command]
pub async fn sandbox_faults(
    sandbox: State<'_, SandboxState>,
) -> Result<Vec<ActiveFault>, IpcError> {
    Ok(sandbox.admin().await?.faults())
}

/// Injects a fault; returns the faults now in force.
#[tauri::command]
pub async fn add_sandbox_fault(
    sandbox: State<'_, SandboxState>,
    fault: Fault,
) -> Result<Vec<ActiveFault>, IpcError> {
    let admin = sandbox.admin().await?;
    admin.add_fault(fault).map_err(refused)?;
    Ok(admin.faults())
}

/// Clears one fault (`None`: all of them); returns the faults still in force.
#[tauri::command]
pub async fn clear_sandbox_fault(
    sandbox: State<'_, SandboxState>,
    id: Option<u64>,
) -> Result<Vec<ActiveFault>, IpcError> {
    let admin = sandbox.admin().await?;
    match id {
        Some(id) => admin.remove_fault(id).map_err(refused)?,
        None => admin.clear_faults(),
    }
    Ok(admin.faults())
}

/// Links test user `login` at the sandbox, its consent page answered in-process by the
/// sandbox's consent robot (`grantry_core::test_users`, as `grantry link --users` does). The
/// window links several by calling this for each, showing each outcome as it comes.
#[tauri::command]
pub async fn link_test_user(
    state: State<'_, AppState>,
    login: String,
) -> Result<AccountSummary, IpcError> {
    let grantry = state.grantry()?;
    let choice = robot::Choice {
        user: login.clone(),
        scopes: None,
        allow: true,
    };
    let linked = test_users::link_test_user(&grantry, &login, None, None, |url| async move {
        robot::consent(&url, &choice)
            .await
            .map_err(|e| e.to_string())
    })
    .await?;
    Ok(linked)
}
