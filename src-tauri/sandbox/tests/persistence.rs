//! State kept in a file survives a restart: clients, users, grants, tokens and the signing key.

mod support;

use grantry_sandbox::{Personality, SandboxConfig};
use reqwest::StatusCode;
use serde_json::json;
use support::{PUBLIC, Request, start_with};

#[tokio::test]
async fn a_restarted_sandbox_keeps_its_grants_users_and_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = SandboxConfig::new(Personality::Generic);
    config.state_file = Some(dir.path().join("sandbox.json"));

    let h = start_with(config.clone()).await;
    h.admin("/users", json!({"login": "frank"})).await;
    let request = Request::new("/authorize", "openid offline_access");
    let code = h.code(&request, "frank", None).await;
    let (_, tokens) = h.exchange("/token", &request, &code).await;
    let (_, jwks) = h.get_json("/jwks", None).await;
    h.sandbox.stop().await;

    let saved = std::fs::read_to_string(dir.path().join("sandbox.json")).expect("state file");
    for token in ["access_token", "refresh_token", "id_token"] {
        let value = tokens[token].as_str().expect("token");
        assert!(
            !saved.contains(value),
            "{token} must be stored only as a digest"
        );
    }

    let h = start_with(config).await;
    assert_eq!(h.get_json("/jwks", None).await.1, jwks, "same signing key");
    let (_, users) = h.admin_get("/users").await;
    assert!(
        users
            .as_array()
            .expect("users")
            .iter()
            .any(|u| u["login"] == "frank")
    );
    let (status, renewed) = h
        .post_form(
            "/token",
            &[
                ("grant_type", "refresh_token"),
                (
                    "refresh_token",
                    tokens["refresh_token"].as_str().expect("rt"),
                ),
                ("client_id", PUBLIC),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{renewed}");
}

#[tokio::test]
async fn a_corrupt_state_file_is_refused_with_its_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sandbox.json");
    std::fs::write(&path, "{ not json").expect("write");
    let mut config = SandboxConfig::new(Personality::Generic);
    config.state_file = Some(path.clone());
    let error = grantry_sandbox::Sandbox::start(config)
        .await
        .err()
        .expect("refused");
    assert!(error.to_string().contains("sandbox.json"), "{error}");
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "{ not json",
        "left untouched"
    );
}
