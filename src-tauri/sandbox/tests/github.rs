//! The GitHub personality: form-encoded token responses unless JSON is asked for, errors as
//! HTTP 200 bodies, `/user` with `X-OAuth-Scopes`, expiring tokens with single-use refresh
//! tokens (`bad_refresh_token`) that run out after six months, an OAuth App's tokens that never
//! expire (`expiring_tokens: false`), and `DELETE /applications/{client_id}/grant`.

use crate::support;

use grantry_sandbox::Personality;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{CONFIDENTIAL, Harness, REDIRECT, Request, SECRET, start};

const AUTHORIZE: &str = "/login/oauth/authorize";
const TOKEN: &str = "/login/oauth/access_token";

async fn token_request(h: &Harness, form: &[(&str, &str)], json: bool) -> (StatusCode, String) {
    let mut request = h.http.post(format!("{}{TOKEN}", h.issuer())).form(form);
    if json {
        request = request.header("accept", "application/json");
    }
    let response = request.send().await.expect("token");
    (response.status(), response.text().await.expect("body"))
}

async fn link(h: &Harness) -> Value {
    let request = Request::new(AUTHORIZE, "read:user,repo").client(CONFIDENTIAL);
    let code = h.code(&request, "alice", None).await;
    let form = [
        ("client_id", CONFIDENTIAL),
        ("client_secret", SECRET),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("code_verifier", request.verifier.as_str()),
    ];
    let (status, body) = token_request(h, &form, true).await;
    assert_eq!(status, StatusCode::OK);
    serde_json::from_str(&body).expect("json")
}

#[tokio::test]
async fn token_responses_are_form_encoded_unless_json_is_asked_for() {
    let h = start(Personality::Github).await;
    let request = Request::new(AUTHORIZE, "repo").client(CONFIDENTIAL);
    let code = h.code(&request, "alice", None).await;
    let form = [
        ("client_id", CONFIDENTIAL),
        ("client_secret", SECRET),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("code_verifier", request.verifier.as_str()),
    ];
    let (status, body) = token_request(&h, &form, false).await;
    assert_eq!(status, StatusCode::OK);
    let fields: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
    assert!(fields["access_token"].starts_with("gho_"), "{body}");
    assert_eq!(fields["token_type"], "bearer");
    assert_eq!(fields["scope"], "repo");
}

#[tokio::test]
async fn errors_come_back_with_http_200() {
    let h = start(Personality::Github).await;
    let form = [
        ("client_id", CONFIDENTIAL),
        ("client_secret", SECRET),
        ("code", "bogus"),
        ("redirect_uri", REDIRECT),
    ];
    let (status, body) = token_request(&h, &form, true).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "GitHub reports token errors with 200"
    );
    let body: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(body["error"], "bad_verification_code");
    assert!(body["error_uri"].is_string());
    let form = [
        ("client_id", CONFIDENTIAL),
        ("client_secret", "guess"),
        ("code", "bogus"),
    ];
    let (_, body) = token_request(&h, &form, true).await;
    assert_eq!(
        serde_json::from_str::<Value>(&body).expect("json")["error"],
        "incorrect_client_credentials"
    );
}

#[tokio::test]
async fn user_api_and_single_use_refresh_tokens() {
    let h = start(Personality::Github).await;
    let tokens = link(&h).await;
    assert_eq!(tokens["scope"], "read:user,repo");
    let access = tokens["access_token"].as_str().expect("at");
    let response = h
        .http
        .get(format!("{}/user", h.issuer()))
        .header("authorization", format!("token {access}"))
        .send()
        .await
        .expect("GET /user");
    assert_eq!(response.headers()["x-oauth-scopes"], "read:user, repo");
    let user: Value = response.json().await.expect("json");
    assert_eq!(user["login"], "alice");
    assert!(user["id"].is_u64());

    let refresh_token = tokens["refresh_token"]
        .as_str()
        .expect("GitHub App user tokens expire and refresh");
    let form = [
        ("client_id", CONFIDENTIAL),
        ("client_secret", SECRET),
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
    ];
    let (_, first) = token_request(&h, &form, true).await;
    assert!(serde_json::from_str::<Value>(&first).expect("json")["refresh_token"].is_string());
    let (status, again) = token_request(&h, &form, true).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        serde_json::from_str::<Value>(&again).expect("json")["error"],
        "bad_refresh_token"
    );
}

#[tokio::test]
async fn deleting_the_grant_needs_basic_auth_and_ends_access() {
    let h = start(Personality::Github).await;
    let tokens = link(&h).await;
    let access = tokens["access_token"].as_str().expect("at");
    let url = format!("{}/applications/{CONFIDENTIAL}/grant", h.issuer());
    let body = json!({"access_token": access});
    let denied = h
        .http
        .delete(&url)
        .basic_auth(CONFIDENTIAL, Some("guess"))
        .json(&body)
        .send()
        .await
        .expect("DELETE");
    assert_eq!(denied.status(), StatusCode::UNAUTHORIZED);
    let deleted = h
        .http
        .delete(&url)
        .basic_auth(CONFIDENTIAL, Some(SECRET))
        .json(&body)
        .send()
        .await
        .expect("DELETE");
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let (status, error) = h.get_json("/user", Some(access)).await;
    assert_eq!(
        (status, error["message"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("Bad credentials"))
    );
    let again = h
        .http
        .delete(&url)
        .basic_auth(CONFIDENTIAL, Some(SECRET))
        .json(&body)
        .send()
        .await
        .expect("DELETE");
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn expiring_tokens_carry_their_lifetimes_and_refresh_tokens_run_out() {
    let h = start(Personality::Github).await;
    let tokens = link(&h).await;
    assert_eq!(tokens["expires_in"], 3600);
    assert_eq!(tokens["refresh_token_expires_in"], 15_897_600);
    // Six months without a refresh: the refresh token is refused, with HTTP 200 as ever.
    h.admin("/clock", json!({"seconds": 15_897_600})).await;
    let form = [
        ("client_id", CONFIDENTIAL),
        ("client_secret", SECRET),
        ("grant_type", "refresh_token"),
        (
            "refresh_token",
            tokens["refresh_token"].as_str().expect("rt"),
        ),
    ];
    let (status, body) = token_request(&h, &form, true).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        serde_json::from_str::<Value>(&body).expect("json")["error"],
        "bad_refresh_token"
    );
}

#[tokio::test]
async fn an_oauth_app_gets_a_token_that_never_expires_and_no_refresh_token() {
    let h = start(Personality::Github).await;
    let app = json!({"client_id": "oauth-app", "client_secret": "app-secret", "name": "OAuth App",
                     "auth": "secret", "redirect_uris": [REDIRECT], "expiring_tokens": false});
    assert_eq!(h.admin("/clients", app).await, StatusCode::CREATED);
    let (_, overview) = h.admin_get("").await;
    let listed = overview["clients"].as_array().expect("clients");
    assert!(
        listed.contains(&json!({"client_id": "oauth-app", "name": "OAuth App",
        "auth": "secret", "redirect_uris": [REDIRECT], "expiring_tokens": false,
        "removable": true}))
    );
    let request = Request::new(AUTHORIZE, "read:user").client("oauth-app");
    let code = h.code(&request, "alice", None).await;
    let form = [
        ("client_id", "oauth-app"),
        ("client_secret", "app-secret"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("code_verifier", request.verifier.as_str()),
    ];
    let (_, body) = token_request(&h, &form, true).await;
    let tokens: Value = serde_json::from_str(&body).expect("json");
    assert!(tokens["access_token"].is_string(), "{tokens}");
    for absent in ["refresh_token", "expires_in", "refresh_token_expires_in"] {
        assert!(tokens.get(absent).is_none(), "{absent}: {tokens}");
    }
    h.admin("/clock", json!({"seconds": 400 * 86400})).await;
    let access = tokens["access_token"].as_str().expect("at");
    assert_eq!(h.get_json("/user", Some(access)).await.0, StatusCode::OK);
}
