//! The Inspector's token exchange (RFC 8693), each command granted in
//! src-tauri/capabilities/main.json: the exchange itself, answered with what the new token says
//! (never the token, which the core keeps in memory: `core/src/engine/exchange.rs`), then the
//! token on Reveal, or put on the clipboard by the app (never through the page) on Copy.

use grantry_core::{ExchangeRequest, ExchangeResult, Handover, IpcError};
use tauri::State;

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
