//! The Facebook personality: Graph paths, app secret required, no refresh tokens, long-lived
//! token exchange, `data_access_expires_at`, `/me`, `/me/permissions` (granted and declined),
//! per-permission and full revoke, `/debug_token`, and `OAuthException` errors with their
//! subcodes, natural (463, 458) or injected (the `graph_error` fault).

use crate::support;

use grantry_sandbox::Personality;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{CONFIDENTIAL, Harness, REDIRECT, Request, SECRET, start};

const DIALOG: &str = "/v25.0/dialog/oauth";
const TOKEN: &str = "/v25.0/oauth/access_token";

/// Links alice through the Graph token endpoint (GET with query parameters, as Facebook takes).
async fn link(h: &Harness, scopes: Option<&[&str]>) -> Value {
    let request = Request::new(DIALOG, "public_profile,email,user_friends").client(CONFIDENTIAL);
    let code = h.code(&request, "alice", scopes).await;
    let url = url::Url::parse_with_params(
        &format!("{}{TOKEN}", h.issuer()),
        [
            ("client_id", CONFIDENTIAL),
            ("client_secret", SECRET),
            ("redirect_uri", REDIRECT),
            ("code", code.as_str()),
            ("code_verifier", request.verifier.as_str()),
        ],
    )
    .expect("url");
    let response = h.http.get(url).send().await.expect("token");
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("json")
}

#[tokio::test]
async fn code_exchange_gives_a_bearer_token_and_no_refresh_token() {
    let h = start(Personality::Facebook).await;
    let back = h
        .consent(
            &Request::new(DIALOG, "email").client(CONFIDENTIAL),
            "alice",
            None,
        )
        .await;
    assert!(
        !support::query(&back).contains_key("iss"),
        "Facebook sends no iss"
    );
    let tokens = link(&h, None).await;
    assert_eq!(tokens["token_type"], "bearer");
    assert!(
        tokens["access_token"]
            .as_str()
            .expect("at")
            .starts_with("EAA")
    );
    assert!(tokens.get("refresh_token").is_none());
    assert!(tokens.get("id_token").is_none());
}

#[tokio::test]
async fn the_app_secret_is_required() {
    let h = start(Personality::Facebook).await;
    let request = Request::new(DIALOG, "email");
    let code = h.code(&request, "alice", None).await;
    let (status, body) = h.exchange(TOKEN, &request, &code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["type"], "OAuthException");
    assert!(body["error"]["fbtrace_id"].is_string());
}

#[tokio::test]
async fn long_lived_exchange_replaces_refresh() {
    let h = start(Personality::Facebook).await;
    let tokens = link(&h, None).await;
    let (status, long) = h
        .post_form(
            TOKEN,
            &[
                ("grant_type", "fb_exchange_token"),
                ("client_id", CONFIDENTIAL),
                ("client_secret", SECRET),
                (
                    "fb_exchange_token",
                    tokens["access_token"].as_str().expect("at"),
                ),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{long}");
    assert_eq!(long["expires_in"], 60 * 86400);
    let (status, body) = h
        .post_form(
            TOKEN,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", "x"),
                ("client_id", CONFIDENTIAL),
                ("client_secret", SECRET),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("message")
            .contains("not supported")
    );
}

#[tokio::test]
async fn me_and_permissions_show_granted_and_declined() {
    let h = start(Personality::Facebook).await;
    let tokens = link(&h, Some(&["public_profile", "email"])).await;
    let access = tokens["access_token"].as_str().expect("at");
    let (status, me) = h
        .get_json(
            &format!("/me?fields=id,name,email,picture&access_token={access}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["id"], "user-alice");
    assert_eq!(me["email"], "alice@sandbox.grantry.test");
    assert!(
        me["picture"]["data"]["url"]
            .as_str()
            .expect("url")
            .ends_with(".svg")
    );
    let (_, permissions) = h.get_json("/me/permissions", Some(access)).await;
    assert_eq!(
        permissions["data"],
        json!([
            {"permission": "public_profile", "status": "granted"},
            {"permission": "email", "status": "granted"},
            {"permission": "user_friends", "status": "declined"},
        ])
    );
    let (status, error) = h
        .get_json(&format!("/me?fields=secrets&access_token={access}"), None)
        .await;
    assert_eq!(
        (status, error["error"]["code"].as_u64()),
        (StatusCode::BAD_REQUEST, Some(100))
    );
}

#[tokio::test]
async fn one_permission_or_the_whole_login_can_be_taken_back() {
    let h = start(Personality::Facebook).await;
    let tokens = link(&h, None).await;
    let access = tokens["access_token"].as_str().expect("at");
    let delete = |path: String| {
        h.http
            .delete(format!("{}{path}", h.issuer()))
            .bearer_auth(access)
            .send()
    };
    let response = delete("/me/permissions/email".into())
        .await
        .expect("DELETE");
    assert_eq!(
        response.json::<Value>().await.expect("json"),
        json!({"success": true})
    );
    let (_, permissions) = h.get_json("/me/permissions", Some(access)).await;
    assert!(
        permissions["data"]
            .as_array()
            .expect("data")
            .contains(&json!({"permission": "email", "status": "declined"}))
    );
    let (_, me) = h
        .get_json(&format!("/me?fields=id,email&access_token={access}"), None)
        .await;
    assert!(me.get("email").is_none(), "email is no longer granted");

    delete("/me/permissions".into()).await.expect("DELETE");
    let (status, error) = h.get_json("/me", Some(access)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"]["code"], 190);
    assert_eq!(error["error"]["error_subcode"], 458);
}

#[tokio::test]
async fn expired_tokens_get_code_190_subcode_463_and_debug_token_tells() {
    let h = start(Personality::Facebook).await;
    let tokens = link(&h, None).await;
    let access = tokens["access_token"].as_str().expect("at");
    let app = format!("{CONFIDENTIAL}|{SECRET}");
    let (_, debug) = h
        .get_json(
            &format!("/debug_token?input_token={access}&access_token={app}"),
            None,
        )
        .await;
    assert_eq!(debug["data"]["is_valid"], true);
    assert_eq!(debug["data"]["user_id"], "user-alice");
    h.admin("/expire-tokens", serde_json::json!({})).await;
    let (_, error) = h.get_json("/me", Some(access)).await;
    assert_eq!(
        (
            error["error"]["code"].as_u64(),
            error["error"]["error_subcode"].as_u64()
        ),
        (Some(190), Some(463))
    );
    let (_, debug) = h
        .get_json(
            &format!("/debug_token?input_token={access}&access_token={app}"),
            None,
        )
        .await;
    assert_eq!(debug["data"]["is_valid"], false);
    let (status, _) = h
        .get_json(
            &format!("/debug_token?input_token={access}&access_token={CONFIDENTIAL}|guess"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// `grant_type=fb_exchange_token` for `token`, as the confidential app.
async fn exchange(h: &Harness, token: &str) -> (StatusCode, Value) {
    h.post_form(
        TOKEN,
        &[
            ("grant_type", "fb_exchange_token"),
            ("client_id", CONFIDENTIAL),
            ("client_secret", SECRET),
            ("fb_exchange_token", token),
        ],
    )
    .await
}

#[tokio::test]
async fn token_responses_say_until_when_data_may_be_read() {
    let h = start(Personality::Facebook).await;
    let tokens = link(&h, None).await;
    let until = tokens["data_access_expires_at"].as_u64().expect("a number");
    let app = format!("{CONFIDENTIAL}|{SECRET}");
    let access = tokens["access_token"].as_str().expect("at");
    let (_, debug) = h
        .get_json(
            &format!("/debug_token?input_token={access}&access_token={app}"),
            None,
        )
        .await;
    assert_eq!(debug["data"]["data_access_expires_at"], until);
    // Ninety days from the consent, which came a moment before the token.
    let issued_at = debug["data"]["issued_at"].as_u64().expect("iat");
    assert!((issued_at + 90 * 86400 - 2..=issued_at + 90 * 86400).contains(&until));
    let (_, long) = exchange(&h, access).await;
    assert_eq!(long["data_access_expires_at"], until, "the same consent");
}

#[tokio::test]
async fn the_exchange_of_an_expired_or_revoked_token_says_which_with_a_subcode() {
    let h = start(Personality::Facebook).await;
    let tokens = link(&h, None).await;
    let access = tokens["access_token"].as_str().expect("at");
    h.admin("/expire-tokens", json!({})).await;
    let (status, error) = exchange(&h, access).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        (&error["error"]["code"], &error["error"]["error_subcode"]),
        (&json!(190), &json!(463))
    );
    let access = link(&h, None).await["access_token"]
        .as_str()
        .expect("at")
        .to_owned();
    let grant = h.grants().await.last().expect("grant")["id"].clone();
    h.admin(&format!("/grants/{grant}/revoke"), json!({})).await;
    let (_, error) = exchange(&h, &access).await;
    assert_eq!(error["error"]["error_subcode"], 458);
    let (_, error) = exchange(&h, "EAAnot-a-token").await;
    assert_eq!(error["error"]["code"], 190);
    assert!(error["error"].get("error_subcode").is_none());
}

#[tokio::test]
async fn the_graph_error_fault_answers_any_subcode_at_its_endpoint() {
    let h = start(Personality::Facebook).await;
    let tokens = link(&h, None).await;
    let access = tokens["access_token"].as_str().expect("at");
    for subcode in [458, 460, 463, 467] {
        let fault = json!({"endpoint": "userinfo", "kind": "graph_error", "subcode": subcode});
        assert_eq!(h.admin("/faults", fault).await, StatusCode::CREATED);
        let (status, error) = h.get_json("/me", Some(access)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(error["error"]["type"], "OAuthException");
        assert_eq!(error["error"]["code"], 190);
        assert_eq!(error["error"]["error_subcode"], subcode);
        assert!(error["error"]["fbtrace_id"].is_string());
    }
    assert_eq!(
        h.get_json("/me", Some(access)).await.0,
        StatusCode::OK,
        "one request each"
    );
    let fault = json!({"endpoint": "token", "kind": "graph_error", "subcode": 460});
    h.admin("/faults", fault).await;
    let (_, error) = exchange(&h, access).await;
    assert_eq!(error["error"]["error_subcode"], 460);
    assert_eq!(exchange(&h, access).await.0, StatusCode::OK);
    let unknown = json!({"kind": "graph_error", "subcode": 999});
    assert_eq!(h.admin("/faults", unknown).await, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn graph_error_is_refused_under_another_personality() {
    let h = start(Personality::Generic).await;
    let fault = json!({"kind": "graph_error", "subcode": 463});
    assert_eq!(h.admin("/faults", fault).await, StatusCode::BAD_REQUEST);
}
