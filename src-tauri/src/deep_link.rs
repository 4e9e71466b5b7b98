//! Deep links: every `dev.grantry:` URL, whether it started the app (`get_current()`) or
//! reached the running app later (`on_open_url`, also for URLs a second launch forwards
//! through the single-instance plugin), and every URL of a configured provider's own scheme
//! (which the plugin, knowing only the schemes in tauri.conf.json, leaves to [`from_argv`]),
//! goes to the core's one way in (`Grantry::receive_url`), which records it, completes the link
//! a sign-in response answers and tells the window through events. On Linux the app also
//! registers itself as the handler of those schemes, in a form Debian 12's `xdg-open` can run
//! (see `grantry_core::scheme_handler`), again whenever providers change.

use tauri::{AppHandle, Manager};
use tauri_plugin_deep_link::DeepLinkExt;

use crate::state::AppState;

pub fn setup(app: &AppHandle) {
    register_schemes(app);

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
    from_argv(app, std::env::args());
}

/// A launch's arguments (this one's, or a second launch's the single-instance plugin hands
/// over): a lone URL of a provider's own scheme is an answer. `dev.grantry:` URLs are the
/// deep-link plugin's to deliver, so they are not taken twice.
pub fn from_argv(app: &AppHandle, argv: impl IntoIterator<Item = String>) {
    let args: Vec<String> = argv.into_iter().skip(1).collect();
    let [url] = args.as_slice() else {
        return;
    };
    let Some((scheme, _)) = url.split_once(':') else {
        return;
    };
    let Ok(grantry) = app.state::<AppState>().grantry() else {
        return;
    };
    if grantry.provider_schemes().iter().any(|s| s == scheme) {
        receive(app, url);
    }
}

fn receive(app: &AppHandle, url: &str) {
    let grantry = match app.state::<AppState>().grantry() {
        Ok(grantry) => grantry,
        Err(error) => {
            tracing::warn!("a link arrived but Grantry is not open: {}", error.message);
            return;
        }
    };
    let url = url.to_owned();
    tauri::async_runtime::spawn(async move {
        if let Err(error) = grantry.receive_url(&url).await {
            tracing::error!("a link arrived but was not recorded: {error}");
        }
    });
}

/// Registers the app as the handler of `dev.grantry:` and of the configured providers' own
/// schemes; a scheme no longer configured is unregistered.
pub fn register_schemes(app: &AppHandle) {
    #[cfg(target_os = "linux")]
    {
        use grantry_core::scheme_handler;

        let Some(applications) = scheme_handler::applications_dir() else {
            return;
        };
        let provider_schemes = app
            .state::<AppState>()
            .grantry()
            .map(|g| g.provider_schemes())
            .unwrap_or_default();
        let mut schemes = vec![grantry_core::URL_SCHEME];
        schemes.extend(provider_schemes.iter().map(String::as_str));
        let mimeapps = scheme_handler::mimeapps_list();
        let registered = std::env::current_exe().and_then(|exe| {
            scheme_handler::register(&applications, mimeapps.as_deref(), &exe, &schemes)
        });
        if let Err(error) = registered {
            tracing::warn!("could not register as the handler of sign-in links: {error}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}
