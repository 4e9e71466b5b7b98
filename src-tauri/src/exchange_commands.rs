//! The Inspector's token exchange (RFC 8693), each command granted in
//! src-tauri/capabilities/main.json: the exchange itself, answered with what the new token says
//! (never the token, which the core keeps in memory: `core/src/engine/exchange.rs`), then the
//! token on Reveal, put on the clipboard by the app (never through the page) on Copy, or
//! written by the app to a new file the person picks in the app's save dialog on Save.

use grantry_core::{ErrorCode, ExchangeRequest, ExchangeResult, Handover, IpcError};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::clipboard::Clipboard;
use crate::state::AppState;

/// Exchanges one of the account's tokens as the Exchange panel asks; recorded in the history.
#[tauri::command]
pub async fn exchange_token(
    state: State<'_, AppState>,
    account: i64,
    request: ExchangeRequest,
) -> Result<ExchangeResult, IpcError> {
    let exchanged = state.grantry()?.exchange_token(account, &request).await?;
    Ok(exchanged.result)
}

/// The exchanged token, to show: the person pressed Reveal. Recorded in the history.
#[tauri::command]
pub fn reveal_exchanged_token(state: State<'_, AppState>, handle: u32) -> Result<String, IpcError> {
    state.with(|core| {
        core.deliver_exchanged_token(handle, Handover::Window, |token| Ok(token.expose().clone()))
    })
}

/// Puts the exchanged token on the clipboard, from here. Recorded in the history once copied.
#[tauri::command]
pub fn copy_exchanged_token(
    state: State<'_, AppState>,
    clipboard: State<'_, Clipboard>,
    handle: u32,
) -> Result<(), IpcError> {
    state.with(|core| {
        core.deliver_exchanged_token(handle, Handover::Clipboard, |token| {
            clipboard.write(token.expose())
        })
    })
}

/// Asks where to save the exchanged token, then writes it there: a new file, this user's only
/// (an existing one is refused). Returns the file written, or `None` when the person cancelled.
#[tauri::command]
pub async fn save_exchanged_token(
    app: AppHandle,
    state: State<'_, AppState>,
    handle: u32,
) -> Result<Option<String>, IpcError> {
    let grantry = state.grantry()?;
    let dialog = app
        .dialog()
        .file()
        .set_title("Save the exchanged token")
        .set_file_name("exchanged-token.txt");
    // The dialog blocks until answered: off the async threads.
    let chosen = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
        .await
        .map_err(|error| IpcError {
            code: ErrorCode::Internal,
            message: format!("The save dialog failed: {error}"),
        })?;
    let Some(path) = chosen.as_ref().and_then(|file| file.as_path()) else {
        return Ok(None);
    };
    grantry.save_exchanged_token(handle, path)?;
    Ok(Some(path.display().to_string()))
}
