//! The built-in sandbox provider is offered only for a sandbox this process knows to be its
//! own: a port alone proves nothing, since any program may hold it and would then receive the
//! person's consent and tokens. The sandbox proves it holds the admin token by answering a
//! challenge; the token is never sent, so a program squatting the port learns nothing.

use crate::support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use grantry_core::events::NoEvents;
use grantry_core::paths::SANDBOX_ADMIN_TOKEN_FILE;
use grantry_core::secret_store::MemorySecrets;
use grantry_core::{ErrorCode, Grantry, IpcError, Options};
use support::{stranger, world};

fn open_without_sandbox(dir: &std::path::Path) -> Grantry {
    Grantry::open(Options {
        data_dir: dir.join("data"),
        config_dir: dir.join("config"),
        sandbox_port: None,
        secrets: Arc::new(MemorySecrets::default()),
        events: Arc::new(NoEvents),
    })
    .expect("open")
}

#[tokio::test]
async fn a_sandbox_that_cannot_prove_it_is_ours_is_not_offered() {
    let w = world().await;
    let port = w.sandbox.addr().port();
    let dir = tempfile::tempdir().expect("temp dir");
    let grantry = open_without_sandbox(dir.path());
    assert!(
        grantry
            .providers()
            .iter()
            .all(|p| p.id.as_str() != "sandbox")
    );
    let error = grantry
        .start_link("sandbox", None, None, None)
        .await
        .expect_err("no sandbox to link at");
    assert_eq!(IpcError::from(&error).code, ErrorCode::InvalidInput);
    assert!(error.to_string().contains("not running"), "{error}");

    // No token in the data folder: whoever holds the port is not trusted.
    assert!(!grantry.find_sandbox(port).await);
    // A token that the program on the port does not answer to: not ours either.
    std::fs::write(
        dir.path().join("data").join(SANDBOX_ADMIN_TOKEN_FILE),
        "a-guess",
    )
    .expect("write");
    assert!(!grantry.find_sandbox(port).await);
    assert!(
        grantry
            .providers()
            .iter()
            .all(|p| p.id.as_str() != "sandbox")
    );

    // Its own token: adopted, and linking works.
    let token = w.sandbox.admin_token();
    std::fs::write(
        dir.path().join("data").join(SANDBOX_ADMIN_TOKEN_FILE),
        token,
    )
    .expect("write");
    assert!(grantry.find_sandbox(port).await);
    let started = grantry
        .start_link("sandbox", None, None, None)
        .await
        .expect("start")
        .started;
    assert!(started.authorization_url.starts_with(w.sandbox.issuer()));
}

#[tokio::test]
async fn a_program_squatting_the_port_learns_nothing_of_the_admin_token_and_is_not_offered() {
    let dir = tempfile::tempdir().expect("temp dir");
    let grantry = open_without_sandbox(dir.path());
    let token = "sbx_admin_kept-in-the-data-folder-0123456789";
    std::fs::write(
        dir.path().join("data").join(SANDBOX_ADMIN_TOKEN_FILE),
        token,
    )
    .expect("write");

    for answer in [
        r#"{"ok":true}"#,
        r#"{"proof":"8BLDl4kVPKK6aXWf-4O1KIxc6YItqDuRRzShGcBsKH8"}"#,
        r#"{"proof":""}"#,
        "not json",
    ] {
        let (port, heard) = stranger(answer).await;
        assert!(!grantry.find_sandbox(port).await, "{answer}");
        let heard = String::from_utf8_lossy(&heard.lock().expect("heard")).into_owned();
        assert!(heard.contains("GET /_sandbox/proof?challenge="), "{heard}");
        assert!(!heard.contains(token), "the token was sent: {heard}");
        assert!(
            !heard.to_ascii_lowercase().contains("authorization"),
            "{heard}"
        );
    }
    assert!(
        grantry
            .providers()
            .iter()
            .all(|p| p.id.as_str() != "sandbox")
    );
}

/// A program on a loopback port that relays every request to `target` (as a proxy would,
/// naming `target` as the `Host`) and hands back its answer; counts the answers it relayed.
async fn relay(target: u16) -> (u16, Arc<AtomicUsize>) {
    use axum::http::{StatusCode, Uri};
    use axum::response::IntoResponse;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("address").port();
    let relayed = Arc::new(AtomicUsize::new(0));
    let count = relayed.clone();
    let forward = move |uri: Uri| {
        let count = count.clone();
        async move {
            let path = uri.path_and_query().map_or("/", |p| p.as_str());
            let url = format!("http://127.0.0.1:{target}{path}");
            let Ok(answer) = reqwest::get(&url).await else {
                return StatusCode::BAD_GATEWAY.into_response();
            };
            let status = StatusCode::from_u16(answer.status().as_u16()).expect("status");
            let body = answer.bytes().await.unwrap_or_default();
            if status.is_success() {
                count.fetch_add(1, Ordering::SeqCst);
            }
            (
                status,
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                body,
            )
                .into_response()
        }
    };
    let router = axum::Router::new().fallback(forward);
    tokio::spawn(async move { axum::serve(listener, router).await });
    (port, relayed)
}

#[tokio::test]
async fn a_program_relaying_the_challenge_to_our_sandbox_on_another_port_is_not_offered() {
    let w = world().await;
    let port = w.sandbox.addr().port();
    let dir = tempfile::tempdir().expect("temp dir");
    let grantry = open_without_sandbox(dir.path());
    std::fs::write(
        dir.path().join("data").join(SANDBOX_ADMIN_TOKEN_FILE),
        w.sandbox.admin_token(),
    )
    .expect("write");

    // The relay passes our sandbox's own answer off as its own: it answers for the issuer at
    // our sandbox's port, not the relay's, so the relay is not adopted.
    let (relay_port, relayed) = relay(port).await;
    assert!(!grantry.find_sandbox(relay_port).await);
    assert_eq!(
        relayed.load(Ordering::SeqCst),
        1,
        "the relay got our sandbox's answer to the challenge"
    );
    assert!(
        grantry
            .providers()
            .iter()
            .all(|p| p.id.as_str() != "sandbox"),
        "the relay would see codes, PKCE verifiers and refresh tokens"
    );

    // Our sandbox itself, asked directly: adopted at its own issuer.
    assert!(grantry.find_sandbox(port).await);
    let started = grantry
        .start_link("sandbox", None, None, None)
        .await
        .expect("start")
        .started;
    assert!(started.authorization_url.starts_with(w.sandbox.issuer()));
}
