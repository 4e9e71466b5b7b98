//! The commands the UI may call (each granted in src-tauri/capabilities/main.json). Each one
//! takes the state, calls the core and returns its answer or a `{code, message}` error.

use grantry_core::{
    AccountSummary, ActivityEntry, ErrorCode, IpcError, ProviderOption, SandboxStatus, StartedLink,
};
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

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

#[tauri::command]
pub fn list_providers(state: State<'_, AppState>) -> Result<Vec<ProviderOption>, IpcError> {
    state.with(|core| Ok(core.provider_options()))
}

/// Starts a link and opens the provider's consent page in the system browser (never in a
/// webview: RFC 8252). The answer comes back as a `dev.grantry:` deep link.
#[tauri::command]
pub async fn start_link(
    app: AppHandle,
    state: State<'_, AppState>,
    provider: String,
    environment: Option<String>,
    scopes: Vec<String>,
) -> Result<StartedLink, IpcError> {
    let grantry = state.grantry()?;
    let started = grantry
        .start_link(&provider, environment.as_deref(), Some(scopes), None)
        .await?;
    open_in_browser(&app, &started.authorization_url)?;
    Ok(StartedLink {
        authorization_url: started.authorization_url,
        state: started.state,
        expires_at: started.expires_at,
    })
}

/// Opens a link under way in the browser again (only such links: the webview cannot make the
/// app open arbitrary URLs).
#[tauri::command]
pub fn reopen_link(
    app: AppHandle,
    state: State<'_, AppState>,
    link: String,
) -> Result<(), IpcError> {
    let url = state
        .grantry()?
        .pending_url(&link)
        .ok_or_else(|| IpcError {
            code: ErrorCode::InvalidInput,
            message: "this sign-in is no longer waiting; start it again".into(),
        })?;
    open_in_browser(&app, &url)
}

#[tauri::command]
pub fn cancel_link(state: State<'_, AppState>, link: String) -> Result<bool, IpcError> {
    Ok(state.grantry()?.cancel_link(&link))
}

fn open_in_browser(app: &AppHandle, url: &str) -> Result<(), IpcError> {
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|error| IpcError {
            code: ErrorCode::Internal,
            message: format!("no browser could be opened ({error}); copy the link instead"),
        })
}
