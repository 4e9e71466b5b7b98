//! The commands of an account's Inspector (each granted in src-tauri/capabilities/main.json):
//! what its tokens say, its HTTP exchanges, the access token itself on Reveal or Copy only,
//! copied to the clipboard by the app (never through the page), a forced expiry, and the JSON report saved where the person picks in a save dialog (the
//! app writes it: the webview neither chooses paths nor touches files). Also "Refresh all",
//! which reports each account's outcome to the window as it comes.

use grantry_core::{
    ErrorCode, EventSink, GrantryEvent, HttpExchange, Inspection, IpcError, ProviderBinding,
    RefreshAllOutcome, RefreshLimits, RevokeAllOutcome, RevokeAllScope, TokenUse,
};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::clipboard::Clipboard;
use crate::state::AppState;
use crate::window_events::WindowEvents;

#[tauri::command]
pub fn inspect_account(state: State<'_, AppState>, account: i64) -> Result<Inspection, IpcError> {
    state.with(|core| core.inspect(account))
}

/// Which key the provider says the account's DPoP token is bound to (its introspection).
#[tauri::command]
pub async fn check_dpop_binding(
    state: State<'_, AppState>,
    account: i64,
) -> Result<ProviderBinding, IpcError> {
    Ok(state.grantry()?.check_binding(account).await?)
}

/// The account's HTTP exchanges, newest first, every secret masked.
#[tauri::command]
pub fn account_http_log(
    state: State<'_, AppState>,
    account: i64,
) -> Result<Vec<HttpExchange>, IpcError> {
    state.with(|core| core.http_log(account, grantry_core::store::HTTP_LOG_KEPT))
}

/// The exchanges behind one history entry (those of the operation that recorded it).
#[tauri::command]
pub fn activity_exchanges(
    state: State<'_, AppState>,
    entry: i64,
) -> Result<Vec<HttpExchange>, IpcError> {
    state.with(|core| core.exchanges_of(entry))
}

/// The access token, to show: the person pressed Reveal. Recorded in the history.
#[tauri::command]
pub fn reveal_access_token(state: State<'_, AppState>, account: i64) -> Result<String, IpcError> {
    state.with(|core| {
        core.deliver_access_token(account, TokenUse::Reveal, |token| {
            Ok(token.expose().clone())
        })
    })
}

/// Puts the access token on the clipboard, from here: the person pressed Copy, and the token
/// never passes through the webview. Recorded in the history once copied.
#[tauri::command]
pub fn copy_access_token(
    state: State<'_, AppState>,
    clipboard: State<'_, Clipboard>,
    account: i64,
) -> Result<(), IpcError> {
    state.with(|core| {
        core.deliver_access_token(account, TokenUse::Copy, |token| {
            clipboard.write(token.expose())
        })
    })
}

#[tauri::command]
pub fn expire_access_token(state: State<'_, AppState>, account: i64) -> Result<(), IpcError> {
    state.with(|core| core.expire_access_token(account))
}

/// Asks where to save the account's report, then writes it there. Returns the file written,
/// or `None` when the person cancelled.
#[tauri::command]
pub async fn export_account_report(
    app: AppHandle,
    state: State<'_, AppState>,
    account: i64,
) -> Result<Option<String>, IpcError> {
    let grantry = state.grantry()?;
    // Built first: an account that is gone is said before a dialog opens for nothing.
    let report = grantry.account_report(account)?;
    let text = serde_json::to_string_pretty(&report).map_err(|error| internal(&error))?;
    let dialog = app
        .dialog()
        .file()
        .set_title("Export the account's report")
        .set_file_name(format!("grantry-account-{account}.json"))
        .add_filter("JSON", &["json"]);
    // The dialog blocks until answered: off the async threads.
    let chosen = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
        .await
        .map_err(|error| internal(&error))?;
    let Some(path) = chosen.as_ref().and_then(|file| file.as_path()) else {
        return Ok(None);
    };
    // This user's only, whatever the umask: the report names the account and its history.
    grantry_core::paths::write_private(path, text.as_bytes()).map_err(|error| IpcError {
        code: ErrorCode::Internal,
        message: format!(
            "The report could not be written to {}: {error}",
            path.display()
        ),
    })?;
    tracing::info!(account, "report exported to {}", path.display());
    Ok(Some(path.display().to_string()))
}

/// Refreshes every account that can be, telling the window of each as it ends; as many at once
/// as [`RefreshLimits::DEFAULT`] allows, overall and per provider.
#[tauri::command]
pub async fn refresh_all(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<RefreshAllOutcome, IpcError> {
    let grantry = state.grantry()?;
    let window = WindowEvents(app);
    let outcomes = grantry
        .refresh_all_telling(RefreshLimits::DEFAULT, |step| {
            window.emit(GrantryEvent::RefreshProgress {
                done: u32::try_from(step.done).unwrap_or(u32::MAX),
                total: u32::try_from(step.total).unwrap_or(u32::MAX),
                account: step.account,
                error: step.outcome.as_ref().err().map(IpcError::from),
            });
        })
        .await?;
    Ok(RefreshAllOutcome::of(&outcomes))
}

/// Revokes every account `scope` takes (every one, a provider's, an environment's), telling
/// the window of each as it ends; as many at once as a "Refresh all".
#[tauri::command]
pub async fn revoke_all(
    app: AppHandle,
    state: State<'_, AppState>,
    scope: RevokeAllScope,
) -> Result<RevokeAllOutcome, IpcError> {
    let grantry = state.grantry()?;
    let window = WindowEvents(app);
    Ok(grantry
        .revoke_all_telling(&scope, RefreshLimits::DEFAULT, |step| {
            window.emit(GrantryEvent::RevokeProgress {
                done: u32::try_from(step.done).unwrap_or(u32::MAX),
                total: u32::try_from(step.total).unwrap_or(u32::MAX),
                account: step.account,
                error: step.outcome.as_ref().err().map(IpcError::from),
            });
        })
        .await?)
}

fn internal(error: &dyn std::fmt::Display) -> IpcError {
    IpcError {
        code: ErrorCode::Internal,
        message: format!("The report could not be exported: {error}"),
    }
}
