//! The commands the UI may call (each granted in src-tauri/capabilities/main.json). Each one
//! takes the state, calls the core and returns its answer or a `{code, message}` error.

use std::sync::Arc;

use grantry_core::{
    AccountDetail, AccountSummary, ActivityEntry, DeviceLinkView, ErrorCode, Grantry, IpcError,
    LinkStatus, ProviderOption, RefreshPolicy, RevocationReceipt, SandboxStatus, ScopeCheck,
    StartedLink,
};
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

use crate::built_in_sandbox::SandboxState;
use crate::state::AppState;

/// The most activity entries one call returns.
const ACTIVITY_PAGE: u32 = 200;

#[tauri::command]
pub fn list_accounts(state: State<'_, AppState>) -> Result<Vec<AccountSummary>, IpcError> {
    state.with(|core| core.accounts())
}

/// The Accounts screen's first list is on screen: logged once per window (the page tells it
/// once, `ui/src/accounts/shown.ts`), so the log (and `make bench`, which waits for this line)
/// tells how long the start took and where it went, and that a window made again painted.
#[tauri::command]
pub fn accounts_shown(accounts: u32, ipc_ms: f64, render_ms: f64) {
    tracing::info!(
        accounts,
        ipc_ms = format_args!("{ipc_ms:.1}"),
        render_ms = format_args!("{render_ms:.1}"),
        "the Accounts list is on screen"
    );
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
/// webview: RFC 8252). The answer comes back by the environment's redirect strategy: through
/// the OS (a deep link), or to a loopback listener this link waits on.
#[tauri::command]
pub async fn start_link(
    app: AppHandle,
    state: State<'_, AppState>,
    provider: String,
    environment: Option<String>,
    scopes: Vec<String>,
) -> Result<StartedLink, IpcError> {
    let grantry = state.grantry()?;
    let link = grantry
        .start_link(&provider, environment.as_deref(), Some(scopes), None)
        .await?;
    opened(&app, grantry, link)
}

/// Starts a link for an account already here and opens it in the browser: with `scopes`, to
/// add them to it (incremental authorization); with none, to link it again. The answer must
/// come from the same account.
#[tauri::command]
pub async fn link_account_again(
    app: AppHandle,
    state: State<'_, AppState>,
    account: i64,
    scopes: Vec<String>,
) -> Result<StartedLink, IpcError> {
    let grantry = state.grantry()?;
    let link = grantry.start_link_for(account, &scopes, None).await?;
    opened(&app, grantry, link)
}

/// Starts a link by device code (RFC 8628): returns the code to show and the provider's page,
/// and waits for the outcome in the background (the core polls the provider); the window hears
/// of it through the link's events. Nothing is opened: the person opens the page, here or on
/// another device.
#[tauri::command]
pub async fn start_device_link(
    state: State<'_, AppState>,
    provider: String,
    environment: Option<String>,
    scopes: Vec<String>,
) -> Result<DeviceLinkView, IpcError> {
    let grantry = state.grantry()?;
    let view = grantry
        .start_device_link(&provider, environment.as_deref(), Some(scopes))
        .await?;
    Ok(waited(grantry, view))
}

/// [`link_account_again`] by device code: the person must allow as the same account.
#[tauri::command]
pub async fn link_account_by_device(
    state: State<'_, AppState>,
    account: i64,
    scopes: Vec<String>,
) -> Result<DeviceLinkView, IpcError> {
    let grantry = state.grantry()?;
    let view = grantry.start_device_link_for(account, &scopes).await?;
    Ok(waited(grantry, view))
}

/// Waits for a device link in the background; its outcome reaches the window as its events.
fn waited(grantry: Arc<Grantry>, view: DeviceLinkView) -> DeviceLinkView {
    let link = view.link.clone();
    tauri::async_runtime::spawn(async move {
        let _outcome = grantry.wait_device_link(&link).await;
    });
    view
}

/// Opens the link in the browser; a loopback answer is awaited in the background, and the
/// window hears of its outcome through the link's events, as with a deep link.
fn opened(
    app: &AppHandle,
    grantry: Arc<Grantry>,
    link: grantry_core::Link,
) -> Result<StartedLink, IpcError> {
    let started = link.started;
    if let Some(loopback) = link.loopback {
        let state = started.state.clone();
        tauri::async_runtime::spawn(async move {
            let wait = Grantry::LINK_LIFETIME;
            // Each outcome is recorded and logged by the core and reaches the window as the
            // link's event; nothing is left to do with it here.
            let _outcome = grantry.answer_on_loopback(loopback, &state, wait).await;
        });
    }
    open_in_browser(app, &started.authorization_url)?;
    Ok(StartedLink {
        authorization_url: started.authorization_url,
        state: started.state,
        expires_at: started.expires_at,
    })
}

/// The account's screen: profile, status, scopes, tokens (never their values) and history.
#[tauri::command]
pub fn account_detail(state: State<'_, AppState>, account: i64) -> Result<AccountDetail, IpcError> {
    state.with(|core| core.account_detail(account, RefreshPolicy::default(), ACTIVITY_PAGE))
}

/// Asks the provider again which scopes the account holds; returns them and what changed.
#[tauri::command]
pub async fn check_scopes(
    state: State<'_, AppState>,
    account: i64,
) -> Result<ScopeCheck, IpcError> {
    Ok(state.grantry()?.check_scopes(account).await?)
}

/// Takes one scope back at the provider (where it allows that alone); returns the scopes and
/// what changed.
#[tauri::command]
pub async fn revoke_scope(
    state: State<'_, AppState>,
    account: i64,
    scope: String,
) -> Result<ScopeCheck, IpcError> {
    Ok(state.grantry()?.revoke_scope(account, &scope).await?)
}

#[tauri::command]
pub async fn refresh_account(
    state: State<'_, AppState>,
    account: i64,
) -> Result<AccountSummary, IpcError> {
    Ok(state.grantry()?.refresh(account).await?)
}

/// Revokes at the provider, checks that it took, then removes the account here; also the
/// retry of a pending or ineffective revocation. When the provider cannot be reached the
/// account stays, "revocation pending"; when its tokens still work, "revocation not
/// effective". The receipt says which, and how it is known.
#[tauri::command]
pub async fn revoke_account(
    state: State<'_, AppState>,
    account: i64,
) -> Result<RevocationReceipt, IpcError> {
    Ok(state.grantry()?.revoke(account).await?)
}

/// Removes the account from this device only; access at the provider stays.
#[tauri::command]
pub fn forget_account(state: State<'_, AppState>, account: i64) -> Result<(), IpcError> {
    state.with(|core| core.forget(account))
}

/// The programs that may take the account's access token without asking (the token service).
#[tauri::command]
pub fn programs_with_access(
    state: State<'_, AppState>,
    account: i64,
) -> Result<Vec<grantry_core::ProgramAccess>, IpcError> {
    state.with(|core| core.programs_with_access(account))
}

/// Takes a program's "Always allow" back: it is asked again next time.
#[tauri::command]
pub fn remove_program_access(
    state: State<'_, AppState>,
    account: i64,
    executable: String,
) -> Result<(), IpcError> {
    state.with(|core| core.remove_program(account, &executable))
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

/// How the link started as `link` stands, for a window that may have missed the event that
/// ended it.
#[tauri::command]
pub fn link_status(state: State<'_, AppState>, link: String) -> Result<LinkStatus, IpcError> {
    Ok(state.grantry()?.link_status(&link))
}

/// Opens `url` in the system browser. The launcher's own error names the command line with
/// the whole authorization URL, so it goes to the log, and the person reads what to do.
pub fn open_in_browser(app: &AppHandle, url: &str) -> Result<(), IpcError> {
    app.opener().open_url(url, None::<&str>).map_err(|error| {
        tracing::warn!("the browser could not be opened: {error}");
        IpcError {
            code: ErrorCode::Internal,
            message: "No web browser could be opened. Copy the sign-in link and open it in \
                      your browser; Grantry keeps waiting for the answer."
                .into(),
        }
    })
}
