//! State kept in a file survives a restart: clients, users, grants, tokens and the signing key.

use crate::support;

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

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

#[cfg(unix)]
#[tokio::test]
async fn the_state_and_admin_token_files_are_private_and_the_token_stays() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("sandbox.json");
    let mut config = SandboxConfig::new(Personality::Generic);
    config.state_file = Some(state.clone());

    let h = start_with(config.clone()).await;
    let token_file = dir.path().join("sandbox-admin-token");
    assert_eq!(h.sandbox.admin_token_file(), Some(token_file.as_path()));
    let token = h.sandbox.admin_token().to_owned();
    assert_eq!(
        std::fs::read_to_string(&token_file)
            .expect("token file")
            .trim(),
        token
    );
    assert!(
        h.sandbox
            .banner(&config)
            .contains(&format!("Admin token: {token}"))
    );
    h.admin("/users", json!({"login": "frank"})).await;
    h.sandbox.stop().await;
    assert_eq!(mode(&state), 0o600, "the signing key is the user's only");
    assert_eq!(mode(&token_file), 0o600);

    // A state file left readable by others (earlier versions did) is made private on load.
    std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let h = start_with(config.clone()).await;
    assert_eq!(
        h.sandbox.admin_token(),
        token,
        "the token survives a restart"
    );
    assert_eq!(mode(&state), 0o600);
    h.sandbox.stop().await;

    // A token file others could read is not trusted: a new token, privately.
    std::fs::set_permissions(&token_file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let h = start_with(config).await;
    assert_ne!(h.sandbox.admin_token(), token);
    assert_eq!(mode(&token_file), 0o600);
}

#[tokio::test]
async fn a_rotated_key_survives_a_restart_with_the_old_one_still_published() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = SandboxConfig::new(Personality::Generic);
    config.state_file = Some(dir.path().join("sandbox.json"));
    let h = start_with(config.clone()).await;
    let (status, rotated) = h.admin_post("/rotate-key", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, jwks) = h.get_json("/jwks", None).await;
    h.sandbox.stop().await;
    let h = start_with(config).await;
    let (_, again) = h.get_json("/jwks", None).await;
    assert_eq!(again, jwks);
    assert_eq!(again["keys"][0]["kid"], rotated["kid"]);
    assert_eq!(again["keys"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn a_jwt_clients_keys_and_the_par_requirement_survive_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = SandboxConfig::new(Personality::Generic);
    config.state_file = Some(dir.path().join("sandbox.json"));
    let h = start_with(config.clone()).await;
    let key = support::ClientKey::new("k1");
    h.register_jwt_client(&key).await;
    let (status, _) = h
        .admin_post(
            "/settings",
            json!({"require_pushed_authorization_requests": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    h.sandbox.stop().await;

    let h = start_with(config).await;
    let (_, overview) = h.admin_get("").await;
    assert_eq!(overview["require_pushed_authorization_requests"], true);
    let (_, error) = h
        .post_asserted(
            "/token",
            &key.assertion(support::JWT_CLIENT, h.issuer()),
            &[("grant_type", "refresh_token"), ("refresh_token", "x")],
        )
        .await;
    assert_eq!(error["error"], "invalid_grant", "authenticated: {error}");
}
