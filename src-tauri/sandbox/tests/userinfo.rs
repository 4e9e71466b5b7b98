//! The userinfo endpoint's errors (RFC 6750, src/routes/userinfo.rs): no token, too few scopes,
//! an expired token.

use crate::support;

use grantry_sandbox::Personality;
use reqwest::StatusCode;
use support::{Request, generic_request, start};

#[tokio::test]
async fn userinfo_errors_follow_rfc_6750() {
    let h = start(Personality::Generic).await;
    let response = h
        .http
        .get(format!("{}/userinfo", h.issuer()))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let challenge = response.headers()["www-authenticate"]
        .to_str()
        .expect("header")
        .to_owned();
    assert!(
        challenge.starts_with("Bearer ") && challenge.contains("invalid_token"),
        "{challenge}"
    );

    let request = Request::new("/authorize", "email");
    let code = h.code(&request, "alice", None).await;
    let (_, tokens) = h.exchange("/token", &request, &code).await;
    let (status, body) = h
        .get_json("/userinfo", tokens["access_token"].as_str())
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("insufficient_scope"))
    );

    let tokens = h.link(&generic_request(), "alice").await;
    let access = tokens["access_token"].as_str().expect("at");
    let (_, expired) = h.admin_post("/expire-tokens", serde_json::json!({})).await;
    assert!(expired["expired"].as_u64() >= Some(1));
    let (status, body) = h.get_json("/userinfo", Some(access)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        body["error_description"]
            .as_str()
            .expect("text")
            .contains("expired")
    );
    let (status, _) = h
        .refresh(tokens["refresh_token"].as_str().expect("rt"))
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "expiring access tokens leaves refresh tokens working"
    );
}
