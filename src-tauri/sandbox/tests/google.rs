//! The Google personality: Google's paths and scope names, `access_type=offline`,
//! `prompt=consent`, `include_granted_scopes`, non-rotating refresh tokens, tokeninfo, and
//! revoke with `?token=` ending the whole grant.

use crate::support;

use grantry_sandbox::Personality;
use reqwest::StatusCode;
use support::{Request, start};

const CALENDAR: &str = "https://www.googleapis.com/auth/calendar.readonly";
const DRIVE: &str = "https://www.googleapis.com/auth/drive.file";

fn request(scope: &str) -> Request {
    Request::new("/o/oauth2/v2/auth", scope)
}

#[tokio::test]
async fn discovery_has_googles_paths_and_no_iss_advertisement() {
    let h = start(Personality::Google).await;
    let (_, doc) = h.get_json("/.well-known/openid-configuration", None).await;
    let issuer = h.issuer();
    assert_eq!(
        doc["authorization_endpoint"],
        format!("{issuer}/o/oauth2/v2/auth")
    );
    assert_eq!(doc["userinfo_endpoint"], format!("{issuer}/v1/userinfo"));
    assert_eq!(doc["jwks_uri"], format!("{issuer}/oauth2/v3/certs"));
    assert!(
        doc.get("authorization_response_iss_parameter_supported")
            .is_none()
    );
    assert!(doc.get("introspection_endpoint").is_none());
    // Google still sends iss in the authorization response.
    let back = h.consent(&request("openid email"), "alice", None).await;
    assert_eq!(support::query(&back)["iss"], issuer);
}

#[tokio::test]
async fn refresh_tokens_need_offline_access_and_do_not_rotate() {
    let h = start(Personality::Google).await;
    let online = h.link(&request("openid email"), "alice").await;
    assert!(
        online.get("refresh_token").is_none(),
        "no access_type=offline, no refresh token"
    );
    assert!(
        online["access_token"]
            .as_str()
            .expect("at")
            .starts_with("ya29.")
    );

    let offline = request("openid email").with("access_type", "offline");
    let tokens = h.link(&offline, "alice").await;
    let refresh_token = tokens["refresh_token"].as_str().expect("refresh token");
    assert!(refresh_token.starts_with("1//"));
    for _ in 0..2 {
        let (status, renewed) = h.refresh(refresh_token).await;
        assert_eq!(status, StatusCode::OK, "Google refresh tokens are reusable");
        assert!(renewed.get("refresh_token").is_none());
    }
}

#[tokio::test]
async fn prompt_consent_issues_a_new_refresh_token_on_re_consent() {
    let h = start(Personality::Google).await;
    let offline = request("openid").with("access_type", "offline");
    assert!(h.link(&offline, "alice").await["refresh_token"].is_string());
    // Alice already gave this client offline access: no new refresh token this time...
    assert!(
        h.link(&offline, "alice")
            .await
            .get("refresh_token")
            .is_none()
    );
    // ...unless the app asks for consent again.
    let forced = request("openid")
        .with("access_type", "offline")
        .with("prompt", "consent");
    assert!(h.link(&forced, "alice").await["refresh_token"].is_string());
}

#[tokio::test]
async fn include_granted_scopes_adds_earlier_scopes() {
    let h = start(Personality::Google).await;
    h.link(&request(&format!("openid {CALENDAR}")), "alice")
        .await;
    let more = request(&format!("openid {DRIVE}")).with("include_granted_scopes", "true");
    let tokens = h.link(&more, "alice").await;
    let scope = tokens["scope"].as_str().expect("scope");
    assert!(scope.contains(CALENDAR) && scope.contains(DRIVE), "{scope}");
}

#[tokio::test]
async fn tokeninfo_and_revoke_with_token_in_the_query() {
    let h = start(Personality::Google).await;
    let email = "https://www.googleapis.com/auth/userinfo.email";
    let tokens = h
        .link(
            &request(&format!("openid {email}")).with("access_type", "offline"),
            "alice",
        )
        .await;
    let access = tokens["access_token"].as_str().expect("at");
    let (status, info) = h
        .get_json(&format!("/tokeninfo?access_token={access}"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(info["scope"], format!("openid {email}"));
    assert_eq!(info["email"], "alice@sandbox.grantry.test");
    assert_eq!(info["access_type"], "offline");
    assert!(
        info["expires_in"].is_string(),
        "Google sends numbers as strings here"
    );

    let response = h
        .http
        .post(format!("{}/revoke?token={access}", h.issuer()))
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .expect("revoke");
    assert_eq!(response.status(), StatusCode::OK);
    // Revoking the access token ended the whole grant, refresh token included.
    let (status, error) = h
        .refresh(tokens["refresh_token"].as_str().expect("rt"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"], "invalid_grant");
    assert_eq!(
        error["error_description"],
        "Token has been expired or revoked."
    );
    let (status, info) = h
        .get_json(&format!("/tokeninfo?access_token={access}"), None)
        .await;
    assert_eq!(
        (status, info["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_token"))
    );
    let response = h
        .http
        .post(format!("{}/revoke?token=nope", h.issuer()))
        .send()
        .await
        .expect("revoke");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn google_scope_names_are_checked() {
    let h = start(Personality::Google).await;
    let (_, location) = h
        .open(&request("openid calendar.read"))
        .await
        .err()
        .expect("redirect");
    assert!(location.contains("error=invalid_scope"), "{location}");
}
