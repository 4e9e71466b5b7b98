//! Deep links: every `dev.grantry:` URL, whether it started the app (`get_current()`) or
//! reached the running app later (`on_open_url`, also for URLs a second launch forwards
//! through the single-instance plugin), goes to the core's one way in
//! (`Grantry::receive_url`), which records it, completes the link a sign-in response answers
//! and tells the window through events. On Linux the app also registers itself as the
//! scheme's handler, in a form Debian 12's `xdg-open` can run (see
//! `grantry_core::scheme_handler`).

use tauri::{AppHandle, Manager};
use tauri_plugin_deep_link::DeepLinkExt;

use crate::state::AppState;

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

fn receive(app: &AppHandle, url: &str) {
    let grantry = match app.state::<AppState>().grantry() {
        Ok(grantry) => grantry,
        Err(error) => {
            eprintln!(
                "grantry: a link arrived but Grantry is not open: {}",
                error.message
            );
            return;
        }
    };
    let url = url.to_owned();
    tauri::async_runtime::spawn(async move {
        if let Err(error) = grantry.receive_url(&url).await {
            eprintln!("grantry: a link arrived but was not recorded: {error}");
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
