//! Deep links: every `dev.grantry:` URL, whether it started the app (`get_current()`) or
//! reached the running app later (`on_open_url`, also for URLs a second launch forwards
//! through the single-instance plugin), goes through [`receive`], which hands it to the core
//! and tells the UI. On Linux the app also registers itself as the scheme's handler, in a form
//! Debian 12's `xdg-open` can run (see `grantry_core::scheme_handler`).

use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_deep_link::DeepLinkExt;

use crate::state::AppState;

/// Emitted with the new [`grantry_core::ActivityEntry`] whenever the history grows.
pub const ACTIVITY_CHANGED: &str = "activity://changed";

pub fn setup(app: &AppHandle) {
    #[cfg(target_os = "linux")]
    register_scheme_handler();

    let handle = app.clone();
    app.deep_link().on_open_url(move |event| {
        for url in event.urls() {
            receive(&handle, url.as_str());
        }
    });
    if let Ok(Some(urls)) = app.deep_link().get_current() {
        for url in urls {
            receive(app, url.as_str());
        }
    }
}

/// Emitted when accounts were linked, changed or removed; the UI fetches them again.
pub const ACCOUNTS_CHANGED: &str = "accounts://changed";

/// The one place a URL from the OS enters the app. It is recorded; a sign-in response
/// (`dev.grantry:/oauth/callback?…`) then goes to the core, which completes the link it
/// answers, or refuses it (and records why) when it answers none.
pub fn receive(app: &AppHandle, url: &str) {
    let state = app.state::<AppState>();
    match state.with(|core| core.receive_deep_link(url, grantry_core::now())) {
        Ok(entry) => {
            let _ = app.emit(ACTIVITY_CHANGED, entry);
        }
        Err(error) => eprintln!("grantry: a link arrived but was not recorded: {error}"),
    }
    let is_callback = url::Url::parse(url).is_ok_and(|u| u.path() == "/oauth/callback");
    let Ok(grantry) = state.grantry() else {
        return;
    };
    if !is_callback {
        return;
    }
    let (app, url, changed) = (app.clone(), url.to_owned(), state.accounts_changed.clone());
    tauri::async_runtime::spawn(async move {
        if grantry.finish_link(&url).await.is_ok() {
            changed.notify_one();
            let _ = app.emit(ACCOUNTS_CHANGED, ());
        }
        // Success or refusal, the outcome is in the history: show the newest entry.
        if let Some(entry) = grantry.activity(1).ok().and_then(|mut e| e.pop()) {
            let _ = app.emit(ACTIVITY_CHANGED, entry);
        }
    });
}

#[cfg(target_os = "linux")]
fn register_scheme_handler() {
    use grantry_core::scheme_handler;

    let Some(applications) = scheme_handler::applications_dir() else {
        return;
    };
    let registered = std::env::current_exe()
        .and_then(|exe| scheme_handler::register(&applications, &exe, grantry_core::URL_SCHEME));
    if let Err(error) = registered {
        eprintln!("grantry: could not register as the handler of dev.grantry: links: {error}");
    }
}
