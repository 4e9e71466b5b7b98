//! The built-in sandbox provider is offered only for a sandbox this process knows to be its
//! own: a port alone proves nothing, since any program may hold it and would then receive the
//! person's consent and tokens. The sandbox proves it holds the admin token by answering a
//! challenge; the token is never sent, so a program squatting the port learns nothing.

use crate::support;

use std::sync::Arc;

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
