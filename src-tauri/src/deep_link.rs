//! Deep links: a `dev.grantry:` URL or a URL of a configured provider's own scheme, given to
//! the app as its one argument (`xdg-open` runs the `.desktop` entry's `Exec=… %u`), whether it
//! started the app ([`setup`]) or a second launch, whose arguments the single-instance plugin
//! hands over before it exits ([`from_argv`]). Which argument is a link is the core's to say
//! (`grantry_core::engine::url_in_args`); the URL then goes to the core's one way in
//! (`Grantry::receive_url`), which records it, completes the link a sign-in response answers
//! and tells the window through events.
//!
//! Never through the deep-link plugin: it emits every URL it handles, the answer's code
//! unmasked, as the `deep-link://new-url` event, which any script in the page may listen to
//! (the capability's `core:event:allow-listen` is not scoped by event name). So the app
//! neither uses that plugin nor the single-instance plugin's `deep-link` feature, which calls
//! it on every second launch.
//!
//! On Linux the app also registers itself as the handler of those schemes, in a form Debian
//! 12's `xdg-open` can run (see `grantry_core::scheme_handler`), again whenever providers
//! change.

use tauri::{AppHandle, Manager};

use crate::state::AppState;

pub fn setup(app: &AppHandle) {
    register_schemes(app);
    from_argv(app, std::env::args());
}

/// A launch's arguments (this one's, or a second launch's the single-instance plugin hands
/// over): the URL they carry, if any, goes to the core.
pub fn from_argv(app: &AppHandle, argv: impl IntoIterator<Item = String>) {
    let Ok(grantry) = app.state::<AppState>().grantry() else {
        return;
    };
    if let Some(url) = grantry_core::engine::url_in_args(argv, &grantry.provider_schemes()) {
        receive(app, &url);
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
