//! What reaches stderr, which the system journal keeps when the desktop starts the app: the
//! lines of a whole link, a deep link answering it, a forged one and a browser that would not
//! open, through the app's stderr layer (`src/logging.rs`), hold no email and none of the
//! link's one-time values (`redact::personal`).

use std::sync::{Arc, Mutex};

use tracing::level_filters::LevelFilter;
use tracing_subscriber::Layer;
use tracing_subscriber::layer::SubscriberExt;

use crate::support;

use grantry_core::logging;
use support::{allow, world};

/// Keeps every byte written to it.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("captured").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

fn query(url: &str, name: &str) -> String {
    url::Url::parse(url)
        .expect("url")
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("no {name} in {url}"))
}

#[tokio::test]
async fn stderr_holds_no_email_state_or_authorization_url_secrets() {
    let captured = Captured::default();
    let (targets, _) = logging::filter(LevelFilter::INFO);
    let subscriber = tracing_subscriber::registry()
        .with(logging::stderr_layer_to(captured.clone()).with_filter(targets));
    // For the whole binary: a subscriber for this thread only can miss lines, its callsites'
    // interest being cached by tests running beside it. The other tests' lines join in, and
    // must hold no secret either.
    tracing::subscriber::set_global_default(subscriber).expect("the binary's one subscriber");

    let w = world().await;
    let started = w
        .grantry
        .start_link("sandbox", None, None, None)
        .await
        .expect("start")
        .started;
    let authorize = started.authorization_url.clone();
    // The app's line when the browser cannot be opened: the launcher names the whole URL.
    tracing::warn!(
        target: "grantry_app",
        "the browser could not be opened: Launcher \"xdg-open\" [\"{authorize}\"] failed"
    );
    let back = grantry_sandbox::robot::consent(&authorize, &allow("alice"))
        .await
        .expect("consent");
    let linked = w.grantry.receive_url(&back).await.expect("recorded");
    assert!(
        matches!(linked, grantry_core::Received::Linked(_)),
        "{linked:?}"
    );
    let forged = "dev.grantry:/oauth/callback?code=c&state=forged-st4te&login_hint=x%40y.example";
    w.grantry.receive_url(forged).await.expect("recorded");

    let written = String::from_utf8(captured.0.lock().expect("captured").clone()).expect("utf-8");
    assert!(
        written.contains("deep_link_received") && written.contains("account_linked"),
        "the story is told: {written}"
    );
    let secrets = [
        ("email", "alice@sandbox.grantry.test".to_owned()),
        ("state", started.state.clone()),
        ("nonce", query(&authorize, "nonce")),
        ("challenge", query(&authorize, "code_challenge")),
        ("forged state", "forged-st4te".to_owned()),
        ("hint", "x%40y.example".to_owned()),
    ];
    for (what, value) in secrets {
        assert!(
            !written.contains(&value),
            "{what} {value:?} on stderr: {written}"
        );
    }
    // The history (and the log file, this user's only) keeps naming the account.
    assert!(
        w.grantry
            .activity(10)
            .expect("activity")
            .iter()
            .any(|e| e.detail.contains("alice@sandbox.grantry.test")),
        "the history still names the account"
    );
}
