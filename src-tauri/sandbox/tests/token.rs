//! The token endpoint of the strict personality (src/routes/token.rs): refresh rotation and
//! reuse detection, scope narrowing, single-use and expiring codes, client authentication, and
//! RFC 6749 §5.2 errors for every malformed request.

use crate::support;

use grantry_sandbox::Personality;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{CONFIDENTIAL, PUBLIC, REDIRECT, Request, SECRET, generic_request, start};

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_whole_grant() {
    let h = start(Personality::Generic).await;
    let tokens = h.link(&generic_request(), "alice").await;
    let first = tokens["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_owned();
    let (status, second) = h.refresh(&first).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    let rotated = second["refresh_token"]
        .as_str()
        .expect("a rotated refresh token");
    assert_ne!(rotated, first);
    assert!(second["id_token"].is_string());
    let access = second["access_token"].as_str().expect("access").to_owned();
    assert_eq!(h.userinfo_status(Some(&access)).await, StatusCode::OK);

    // The old refresh token comes back: reuse. The grant dies, the newest tokens with it.
    let (status, error) = h.refresh(&first).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"], "invalid_grant");
    assert_eq!(h.refresh(rotated).await.1["error"], "invalid_grant");
    assert_eq!(
        h.userinfo_status(Some(&access)).await,
        StatusCode::UNAUTHORIZED
    );
    let grant = &h.grants().await[0];
    assert!(
        grant["revoked"]
            .as_str()
            .expect("revoked")
            .contains("used again")
    );
}

#[tokio::test]
async fn refresh_can_narrow_scopes_but_not_widen_them() {
    let h = start(Personality::Generic).await;
    let request = Request::new("/authorize", "openid offline_access email");
    let code = h.code(&request, "alice", None).await;
    let (_, tokens) = h.exchange("/token", &request, &code).await;
    let refresh_token = tokens["refresh_token"].as_str().expect("refresh");
    let form = |scope| {
        [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", PUBLIC),
            ("scope", scope),
        ]
    };
    let (status, wider) = h.post_form("/token", &form("openid files.write")).await;
    assert_eq!(
        (status, wider["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_scope"))
    );
    let (status, narrower) = h.post_form("/token", &form("openid")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(narrower["scope"], "openid");
}

#[tokio::test]
async fn a_replayed_code_is_refused_and_revokes_what_it_issued() {
    let h = start(Personality::Generic).await;
    let request = generic_request();
    let code = h.code(&request, "alice", None).await;
    let (_, tokens) = h.exchange("/token", &request, &code).await;
    let (status, error) = h.exchange("/token", &request, &code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"], "invalid_grant");
    assert_eq!(
        h.userinfo_status(tokens["access_token"].as_str()).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        h.refresh(tokens["refresh_token"].as_str().expect("rt"))
            .await
            .1["error"],
        "invalid_grant"
    );
}

#[tokio::test]
async fn codes_expire() {
    let h = start(Personality::Generic).await;
    let request = generic_request();
    let code = h.code(&request, "alice", None).await;
    assert_eq!(
        h.admin("/clock", json!({"seconds": 61})).await,
        StatusCode::OK
    );
    let (status, error) = h.exchange("/token", &request, &code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"], "invalid_grant");
    assert!(
        error["error_description"]
            .as_str()
            .expect("text")
            .contains("expired")
    );
}

#[tokio::test]
async fn confidential_clients_authenticate_with_basic_or_post() {
    let h = start(Personality::Generic).await;
    let request = generic_request().client(CONFIDENTIAL);
    for method in ["basic", "post", "wrong", "both"] {
        let code = h.code(&request, "alice", None).await;
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
            ("code_verifier", request.verifier.as_str()),
        ];
        let mut post = h.http.post(format!("{}/token", h.issuer()));
        match method {
            "basic" => post = post.basic_auth(CONFIDENTIAL, Some(SECRET)),
            "post" => form.extend([("client_id", CONFIDENTIAL), ("client_secret", SECRET)]),
            "wrong" => post = post.basic_auth(CONFIDENTIAL, Some("guess")),
            _ => {
                post = post.basic_auth(CONFIDENTIAL, Some(SECRET));
                form.push(("client_secret", SECRET));
            }
        }
        let response = post.form(&form).send().await.expect("POST");
        let status = response.status();
        let challenge = response.headers().get("www-authenticate").cloned();
        let body: Value = response.json().await.expect("json");
        match method {
            "basic" | "post" => assert_eq!(status, StatusCode::OK, "{method}: {body}"),
            "wrong" => {
                assert_eq!(
                    (status, body["error"].as_str()),
                    (StatusCode::UNAUTHORIZED, Some("invalid_client"))
                );
                assert!(
                    challenge.is_some(),
                    "401 to Basic auth carries WWW-Authenticate"
                );
            }
            _ => assert_eq!(body["error"], "invalid_request", "two methods at once"),
        }
    }
    // A public client must not send a secret; an unknown client is invalid_client.
    let (status, body) = h
        .post_form(
            "/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", "x"),
                ("client_id", PUBLIC),
                ("client_secret", "x"),
            ],
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_client"))
    );
    let (_, body) = h
        .post_form(
            "/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", "x"),
                ("client_id", "nobody"),
            ],
        )
        .await;
    assert_eq!(body["error"], "invalid_client");
}

#[tokio::test]
async fn malformed_token_requests_get_rfc_errors_and_never_a_500() {
    let h = start(Personality::Generic).await;
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("client_id", PUBLIC)], "invalid_request"),
        (
            vec![("grant_type", "password"), ("client_id", PUBLIC)],
            "unsupported_grant_type",
        ),
        (
            vec![("grant_type", "authorization_code"), ("client_id", PUBLIC)],
            "invalid_request",
        ),
        (
            vec![
                ("grant_type", "authorization_code"),
                ("client_id", PUBLIC),
                ("code", "nope"),
                ("redirect_uri", REDIRECT),
                ("code_verifier", "v"),
            ],
            "invalid_grant",
        ),
        (
            vec![
                ("grant_type", "refresh_token"),
                ("client_id", PUBLIC),
                ("refresh_token", "nope"),
            ],
            "invalid_grant",
        ),
        (
            vec![
                ("grant_type", "refresh_token"),
                ("grant_type", "refresh_token"),
                ("client_id", PUBLIC),
            ],
            "invalid_request",
        ),
    ];
    for (form, expected) in cases {
        let (status, body) = h.post_form("/token", &form).await;
        assert_eq!(body["error"], expected, "{form:?}: {body}");
        assert!(status.is_client_error(), "{form:?}: {status}");
        assert!(
            body["error_description"]
                .as_str()
                .is_some_and(|d| !d.is_empty())
        );
    }
    for body in [&b"{\"grant_type\":\"x\"}"[..], b"\xff\xfe\x00garbage", b""] {
        let response = h
            .http
            .post(format!("{}/token", h.issuer()))
            .header("content-type", "application/json")
            .body(body.to_vec())
            .send()
            .await
            .expect("POST");
        assert!(response.status().is_client_error(), "{}", response.status());
        let error: Value = response.json().await.expect("a JSON error");
        assert!(
            ["invalid_request", "invalid_client"].contains(&error["error"].as_str().unwrap_or(""))
        );
    }
    for path in ["/userinfo", "/revoke", "/introspect", "/authorize", "/nope"] {
        let response = h
            .http
            .post(format!("{}{path}", h.issuer()))
            .body("\u{0}")
            .send()
            .await
            .expect("POST");
        assert!(
            response.status().is_client_error(),
            "{path}: {}",
            response.status()
        );
    }
}
