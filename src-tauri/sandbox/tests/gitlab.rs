//! The GitLab personality: `/oauth/…` paths and discovery with revocation and userinfo, a
//! public client with PKCE, rotating refresh tokens, RFC 7009 revocation without a secret,
//! `/oauth/token/info`, `/oauth/userinfo` and `/api/v4/user` with numeric ids, and Doorkeeper's
//! error descriptions.

use crate::support;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use grantry_sandbox::Personality;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{CONFIDENTIAL, Harness, PUBLIC, Request, SECRET, start};

const TOKEN: &str = "/oauth/token";

async fn link(h: &Harness, scope: &str) -> Value {
    let request = Request::new("/oauth/authorize", scope);
    let code = h.code(&request, "alice", None).await;
    let (status, tokens) = h.exchange(TOKEN, &request, &code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    tokens
}

async fn refresh(h: &Harness, refresh_token: &str) -> (StatusCode, Value) {
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
        ("client_id", PUBLIC),
    ];
    h.post_form(TOKEN, &form).await
}

#[tokio::test]
async fn discovery_advertises_gitlabs_paths_and_they_are_served() {
    let h = start(Personality::Gitlab).await;
    let base = h.issuer();
    let (_, doc) = h.get_json("/.well-known/openid-configuration", None).await;
    assert_eq!(doc["issuer"], base);
    assert_eq!(
        doc["authorization_endpoint"],
        format!("{base}/oauth/authorize")
    );
    assert_eq!(doc["token_endpoint"], format!("{base}{TOKEN}"));
    assert_eq!(doc["revocation_endpoint"], format!("{base}/oauth/revoke"));
    assert_eq!(doc["userinfo_endpoint"], format!("{base}/oauth/userinfo"));
    assert_eq!(doc["jwks_uri"], format!("{base}/oauth/discovery/keys"));
    let (status, keys) = h.get_json("/oauth/discovery/keys", None).await;
    assert_eq!(
        (status, &keys["keys"][0]["kty"]),
        (StatusCode::OK, &json!("EC"))
    );
    let scopes = doc["scopes_supported"].as_array().expect("scopes");
    assert!(scopes.contains(&json!("read_user")) && scopes.contains(&json!("write_repository")));
}

#[tokio::test]
async fn one_numeric_id_in_the_id_token_userinfo_token_info_and_the_api() {
    let h = start(Personality::Gitlab).await;
    let tokens = link(&h, "openid profile email read_user").await;
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["scope"], "openid profile email read_user");
    assert!(tokens["created_at"].is_u64());
    let payload = tokens["id_token"]
        .as_str()
        .expect("id token")
        .split('.')
        .nth(1);
    let id: Value = serde_json::from_slice(&B64.decode(payload.expect("payload")).expect("b64"))
        .expect("claims");
    let sub = id["sub"].as_str().expect("sub");
    assert!(
        sub.parse::<u64>().is_ok(),
        "GitLab's subject is the user's id: {sub}"
    );
    assert_eq!(id["preferred_username"], "alice");

    let access = tokens["access_token"].as_str().expect("at");
    let (_, claims) = h.get_json("/oauth/userinfo", Some(access)).await;
    assert_eq!(claims["sub"], sub);
    assert_eq!(claims["nickname"], "alice");
    assert_eq!(claims["email"], "alice@sandbox.grantry.test");
    let (status, user) = h.get_json("/api/v4/user", Some(access)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(user["id"].to_string(), sub);
    assert_eq!(user["username"], "alice");
    assert_eq!(user["name"], "Alice Tester");
    assert!(
        user["avatar_url"]
            .as_str()
            .is_some_and(|u| u.ends_with(".svg"))
    );

    for path in [
        "/oauth/token/info".to_owned(),
        format!("/oauth/token/info?access_token={access}"),
    ] {
        let bearer = (!path.contains('?')).then_some(access);
        let (status, info) = h.get_json(&path, bearer).await;
        assert_eq!(status, StatusCode::OK, "{info}");
        assert_eq!(info["resource_owner_id"].to_string(), sub);
        assert_eq!(
            info["scope"],
            json!(["openid", "profile", "email", "read_user"])
        );
        assert_eq!(info["application"], json!({"uid": PUBLIC}));
        assert!(
            info["expires_in"]
                .as_u64()
                .is_some_and(|s| s <= 3600 && s > 3500)
        );
        assert!(info["created_at"].is_u64());
    }
}

#[tokio::test]
async fn token_info_and_the_api_refuse_tokens_that_do_not_work() {
    let h = start(Personality::Gitlab).await;
    let (status, error) = h.get_json("/oauth/token/info", Some("nope")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        error,
        json!({"error": "invalid_token", "error_description": "The access token is invalid",
               "state": "unauthorized"})
    );
    let (status, error) = h.get_json("/api/v4/user", Some("nope")).await;
    assert_eq!(
        (status, error),
        (
            StatusCode::UNAUTHORIZED,
            json!({"message": "401 Unauthorized"})
        )
    );

    let tokens = link(&h, "openid").await;
    let access = tokens["access_token"].as_str().expect("at");
    let (status, error) = h.get_json("/api/v4/user", Some(access)).await;
    assert_eq!(
        (status, &error["error"]),
        (StatusCode::FORBIDDEN, &json!("insufficient_scope"))
    );
    h.admin("/expire-tokens", json!({})).await;
    let (status, error) = h.get_json("/oauth/token/info", Some(access)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error["error_description"], "The access token expired");
}

#[tokio::test]
async fn refresh_tokens_rotate_and_errors_use_doorkeepers_words() {
    let h = start(Personality::Gitlab).await;
    let tokens = link(&h, "openid read_user").await;
    let first = tokens["refresh_token"]
        .as_str()
        .expect("GitLab always gives one");
    let (status, renewed) = refresh(&h, first).await;
    assert_eq!(status, StatusCode::OK, "{renewed}");
    assert_ne!(renewed["refresh_token"].as_str().expect("rotated"), first);
    let (status, error) = refresh(&h, first).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"], "invalid_grant");
    assert!(
        error["error_description"]
            .as_str()
            .expect("d")
            .starts_with("The provided authorization grant is invalid")
    );
    let (status, error) = h
        .post_form(
            TOKEN,
            &[("grant_type", "refresh_token"), ("client_id", "nobody")],
        )
        .await;
    assert_eq!(
        (status, &error["error"]),
        (StatusCode::UNAUTHORIZED, &json!("invalid_client"))
    );
}

#[tokio::test]
async fn a_public_client_revokes_without_a_secret_and_only_its_own_tokens() {
    let h = start(Personality::Gitlab).await;
    let tokens = link(&h, "openid read_user").await;
    let access = tokens["access_token"].as_str().expect("at");
    let (status, body) = h
        .post_form("/oauth/revoke", &[("token", access), ("client_id", PUBLIC)])
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    let (_, error) = h.get_json("/oauth/token/info", Some(access)).await;
    assert_eq!(error["error_description"], "The access token was revoked");
    let (status, _) = refresh(&h, tokens["refresh_token"].as_str().expect("rt")).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "its refresh token went with it"
    );

    let tokens = link(&h, "openid").await;
    let form = [
        ("token", tokens["refresh_token"].as_str().expect("rt")),
        ("client_id", CONFIDENTIAL),
        ("client_secret", SECRET),
    ];
    let (status, error) = h.post_form("/oauth/revoke", &form).await;
    assert_eq!(
        (status, &error["error"]),
        (StatusCode::FORBIDDEN, &json!("unauthorized_client"))
    );
    let form = [("token", "unknown"), ("client_id", PUBLIC)];
    assert_eq!(h.post_form("/oauth/revoke", &form).await.0, StatusCode::OK);
}
