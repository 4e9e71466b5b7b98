//! The Providers screen's commands (each granted in src-tauri/capabilities/main.json): list
//! providers and presets, test an issuer's discovery, check and save a draft (its client secret
//! goes straight to the keyring), remove a provider with its accounts, reveal a client secret
//! on the person's request, show and export a private_key_jwt environment's public JWKS (the
//! private key stays in the keyring). After a change the app's scheme registrations follow the
//! providers (`deep_link.rs`).

use grantry_core::providers::Preset;
use grantry_core::providers::draft::ProviderDraft;
use grantry_core::{
    ClientJwks, Discovered, ErrorCode, Grantry, IpcError, PresetView, ProviderCheck, ProviderView,
    RemoveAccounts,
};
use tauri::AppHandle;
use tauri::State;
use tauri_plugin_dialog::DialogExt;

use crate::commands::open_in_browser;
use crate::deep_link;
use crate::state::AppState;

#[tauri::command]
pub fn list_provider_views(state: State<'_, AppState>) -> Result<Vec<ProviderView>, IpcError> {
    state.with(|core| core.provider_views())
}

#[tauri::command]
pub fn list_presets() -> Vec<PresetView> {
    Grantry::presets()
}

#[tauri::command]
pub async fn test_discovery(
    state: State<'_, AppState>,
    issuer: String,
) -> Result<Discovered, IpcError> {
    Ok(state.grantry()?.test_discovery(&issuer).await?)
}

/// Every mistake in the form, each with its field (none when it can be saved), and the
/// environments whose accounts saving it would mark for a new link.
#[tauri::command]
pub fn check_provider(
    state: State<'_, AppState>,
    draft: ProviderDraft,
    editing: Option<String>,
) -> Result<ProviderCheck, IpcError> {
    state.with(|core| core.check_provider(&draft, editing.as_deref()))
}

/// Saves a provider; an issuer it names must answer with a valid discovery document first.
#[tauri::command]
pub async fn save_provider(
    app: AppHandle,
    state: State<'_, AppState>,
    draft: ProviderDraft,
    editing: Option<String>,
) -> Result<ProviderView, IpcError> {
    let saved = state
        .grantry()?
        .save_provider(&draft, editing.as_deref())
        .await?;
    deep_link::register_schemes(&app);
    Ok(saved)
}

#[tauri::command]
pub async fn remove_provider(
    app: AppHandle,
    state: State<'_, AppState>,
    provider: String,
    accounts: RemoveAccounts,
) -> Result<(), IpcError> {
    let grantry = state.grantry()?;
    grantry
        .remove_provider_with_accounts(&provider, accounts)
        .await?;
    deep_link::register_schemes(&app);
    Ok(())
}

/// Opens a preset's developer console (where its client is registered) in the system browser;
/// the URL is the preset's, never the webview's.
#[tauri::command]
pub fn open_provider_console(app: AppHandle, preset: Preset) -> Result<(), IpcError> {
    open_in_browser(&app, preset.info().console_url)
}

/// Opens the provider's own page of the apps the person allowed, where they remove Grantry's
/// access by hand (the only way at providers that cannot revoke, such as Microsoft).
#[tauri::command]
pub fn open_manage_access(
    app: AppHandle,
    state: State<'_, AppState>,
    account: i64,
) -> Result<(), IpcError> {
    let missing = "this account's provider has no page of allowed apps";
    open_account_page(&app, &state, account, missing, |detail| {
        detail.manage_access_url
    })
}

/// Opens where the provider documents when an account's grant ends (the rule its preset
/// keeps).
#[tauri::command]
pub fn open_grant_end_doc(
    app: AppHandle,
    state: State<'_, AppState>,
    account: i64,
) -> Result<(), IpcError> {
    let missing = "no page documents when this account's grant ends";
    open_account_page(&app, &state, account, missing, |detail| {
        detail.grant_end.doc_url
    })
}

/// Opens the page `page` picks from the account's detail in the system browser: the URL is
/// the core's, never the webview's; `missing` says why there is none.
fn open_account_page(
    app: &AppHandle,
    state: &State<'_, AppState>,
    account: i64,
    missing: &str,
    page: impl FnOnce(grantry_core::AccountDetail) -> Option<String>,
) -> Result<(), IpcError> {
    let detail = state.with(|core| core.account_detail(account, Default::default(), 1))?;
    let url = page(detail).ok_or_else(|| IpcError {
        code: ErrorCode::InvalidInput,
        message: missing.into(),
    })?;
    open_in_browser(app, &url)
}

/// The one way a client secret reaches the webview: the person asked to see it.
#[tauri::command]
pub fn reveal_client_secret(
    state: State<'_, AppState>,
    provider: String,
    environment: String,
) -> Result<Option<String>, IpcError> {
    state.with(|core| {
        let secret = core.reveal_client_secret(&provider, &environment)?;
        Ok(secret.map(|s| s.expose().clone()))
    })
}

/// The public JWKS of a private_key_jwt environment, its key made now if it has none.
#[tauri::command]
pub async fn client_jwks(
    state: State<'_, AppState>,
    provider: String,
    environment: String,
) -> Result<ClientJwks, IpcError> {
    Ok(state
        .grantry()?
        .client_jwks(&provider, Some(&environment))
        .await?)
}

/// Asks where to save the environment's public JWKS and writes it there; the path, or `None`
/// when the person cancelled.
#[tauri::command]
pub async fn export_client_jwks(
    app: AppHandle,
    state: State<'_, AppState>,
    provider: String,
    environment: String,
) -> Result<Option<String>, IpcError> {
    let jwks = state
        .grantry()?
        .client_jwks(&provider, Some(&environment))
        .await?;
    let text = serde_json::to_string_pretty(&jwks.jwks).map_err(|error| IpcError {
        code: ErrorCode::Internal,
        message: error.to_string(),
    })?;
    let dialog = app
        .dialog()
        .file()
        .set_title("Export the public JWKS")
        .set_file_name(format!("{provider}-{environment}-jwks.json"))
        .add_filter("JSON", &["json"]);
    // The dialog blocks until answered: off the async threads.
    let chosen = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
        .await
        .map_err(|error| IpcError {
            code: ErrorCode::Internal,
            message: error.to_string(),
        })?;
    let Some(path) = chosen.as_ref().and_then(|file| file.as_path()) else {
        return Ok(None);
    };
    // Public keys only; written like every export, for this user.
    grantry_core::paths::write_private(path, text.as_bytes()).map_err(|error| IpcError {
        code: ErrorCode::Internal,
        message: format!(
            "The JWKS could not be written to {}: {error}",
            path.display()
        ),
    })?;
    Ok(Some(path.display().to_string()))
}
