//! The test-only token log (`SandboxConfig::token_log`): the admin token, every code and token
//! issued and every PKCE verifier received, one a line, so tests can search the app's files for
//! any of them.

use crate::support;

use grantry_sandbox::{Personality, SandboxConfig};
use support::{generic_request, start_with};

#[tokio::test]
async fn every_secret_issued_or_received_is_logged_rotated_tokens_included() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("tokens.log");
    let mut config = SandboxConfig::new(Personality::Generic);
    config.token_log = Some(log.clone());
    let h = start_with(config).await;
    let request = generic_request();
    let code = h.code(&request, "alice", None).await;
    let (_, first) = h.exchange("/token", &request, &code).await;
    let (_, second) = h
        .refresh(first["refresh_token"].as_str().expect("rt"))
        .await;

    let logged = std::fs::read_to_string(&log).expect("token log");
    let lines: Vec<&str> = logged.lines().collect();
    let mut issued = vec![
        h.sandbox.admin_token(),
        code.as_str(),
        request.verifier.as_str(),
    ];
    for tokens in [&first, &second] {
        for name in ["access_token", "refresh_token", "id_token"] {
            issued.push(tokens[name].as_str().expect(name));
        }
    }
    assert_eq!(lines, issued);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&log).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[tokio::test]
async fn without_the_option_nothing_is_logged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = SandboxConfig::new(Personality::Generic);
    config.state_file = Some(dir.path().join("sandbox.json"));
    let h = start_with(config).await;
    h.link(&generic_request(), "alice").await;
    h.sandbox.stop().await;
    let mut files: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["sandbox-admin-token", "sandbox.json"]);
}
