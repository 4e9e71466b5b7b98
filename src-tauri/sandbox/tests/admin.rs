//! The admin API under `/_sandbox/` (src/routes/admin.rs): users, clients and grants.

mod support;

use grantry_sandbox::Personality;
use reqwest::StatusCode;
use serde_json::json;
use support::{SECRET, generic_request, start};

#[tokio::test]
async fn the_admin_api_adds_users_and_clients_and_revokes_grants() {
    let h = start(Personality::Generic).await;
    assert_eq!(
        h.admin("/users", json!({"login": "erin", "name": "Erin QA"}))
            .await,
        StatusCode::CREATED
    );
    assert_eq!(
        h.admin("/users", json!({"login": "erin"})).await,
        StatusCode::CONFLICT
    );
    assert_eq!(
        h.admin("/users", json!({"login": "Not Valid"})).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        h.admin("/users", json!({"name": "no login"})).await,
        StatusCode::BAD_REQUEST
    );
    let (_, overview) = h.admin_get("").await;
    assert!(
        overview["users"]
            .as_array()
            .expect("users")
            .iter()
            .any(|u| u["name"] == "Erin QA")
    );
    assert!(
        overview.to_string().find(SECRET).is_none(),
        "the overview never shows secrets"
    );

    let client = json!({"client_id": "qa-app", "name": "QA app", "auth": "none",
                        "redirect_uris": ["com.example.qa:/cb"]});
    assert_eq!(h.admin("/clients", client).await, StatusCode::CREATED);
    let bad =
        json!({"client_id": "x", "name": "x", "auth": "secret", "redirect_uris": ["not a uri"]});
    assert_eq!(h.admin("/clients", bad).await, StatusCode::BAD_REQUEST);
    let mut qa = generic_request().client("qa-app");
    qa.redirect_uri = "com.example.qa:/cb".into();
    let tokens = h.link(&qa, "alice").await;
    let grant_id = h.grants().await[0]["id"].as_u64().expect("id");
    assert_eq!(
        h.admin(&format!("/grants/{grant_id}/revoke"), json!({}))
            .await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        h.userinfo_status(tokens["access_token"].as_str()).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        h.admin("/grants/999/revoke", json!({})).await,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_admin_api_takes_one_scope_out_of_a_grant() {
    let h = start(Personality::Generic).await;
    let tokens = h.link(&generic_request(), "alice").await;
    let grant_id = h.grants().await[0]["id"].as_u64().expect("id");
    // Like every admin route: a web page, without the admin token and from another origin,
    // cannot take a scope away.
    let foreign = reqwest::Client::new()
        .delete(format!(
            "{}/_sandbox/grants/{grant_id}/scopes/email",
            h.issuer()
        ))
        .header("origin", "http://evil.example")
        .send()
        .await
        .expect("request");
    assert!(foreign.status().is_client_error(), "{}", foreign.status());
    assert!(
        h.grants().await[0]["scopes"]
            .to_string()
            .contains("\"email\"")
    );
    assert_eq!(
        h.admin_delete(&format!("/grants/{grant_id}/scopes/email"))
            .await,
        StatusCode::NO_CONTENT
    );
    let grant = &h.grants().await[0];
    assert!(
        !grant["scopes"].to_string().contains("\"email\""),
        "{grant}"
    );
    assert!(
        grant["declined"].to_string().contains("\"email\""),
        "{grant}"
    );
    let access = tokens["access_token"].as_str().expect("access token");
    let (_, introspected) = h
        .post_form(
            "/introspect",
            &[("token", access), ("client_id", "grantry-desktop")],
        )
        .await;
    let scope = introspected["scope"].as_str().expect("scope");
    assert!(!scope.split(' ').any(|s| s == "email"), "{introspected}");
    assert_eq!(
        h.admin_delete(&format!("/grants/{grant_id}/scopes/email"))
            .await,
        StatusCode::NOT_FOUND,
        "it no longer holds it"
    );
    assert_eq!(
        h.admin_delete("/grants/999/scopes/email").await,
        StatusCode::NOT_FOUND
    );
}
