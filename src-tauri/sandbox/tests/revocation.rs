//! Revocation (RFC 7009, src/routes/revocation.rs): what revoking each kind of token ends, and
//! that a client can revoke only its own tokens.

use crate::support;

use grantry_sandbox::Personality;
use reqwest::StatusCode;
use support::{CONFIDENTIAL, PUBLIC, SECRET, generic_request, start};

#[tokio::test]
async fn revoking_a_refresh_token_ends_the_grant_and_an_access_token_only_itself() {
    let h = start(Personality::Generic).await;
    let tokens = h.link(&generic_request(), "alice").await;
    let access = tokens["access_token"].as_str().expect("at");
    let refresh_token = tokens["refresh_token"].as_str().expect("rt");

    let (status, _) = h
        .post_form(
            "/revoke",
            &[
                ("token", access),
                ("token_type_hint", "access_token"),
                ("client_id", PUBLIC),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        h.userinfo_status(Some(access)).await,
        StatusCode::UNAUTHORIZED
    );
    let (status, renewed) = h.refresh(refresh_token).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "revoking an access token leaves the grant"
    );

    let newest = renewed["refresh_token"].as_str().expect("rt");
    let new_access = renewed["access_token"].as_str().expect("at");
    assert_eq!(
        h.post_form("/revoke", &[("token", newest), ("client_id", PUBLIC)])
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        h.userinfo_status(Some(new_access)).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(h.refresh(newest).await.1["error"], "invalid_grant");
    assert!(h.grants().await[0]["revoked"].is_string());

    // Unknown tokens are not an error (RFC 7009 §2.2); the client must still authenticate.
    assert_eq!(
        h.post_form("/revoke", &[("token", "unknown"), ("client_id", PUBLIC)])
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        h.post_form("/revoke", &[("token", "unknown")]).await.1["error"],
        "invalid_client"
    );
    assert_eq!(
        h.post_form("/revoke", &[("client_id", PUBLIC)]).await.1["error"],
        "invalid_request"
    );
}

#[tokio::test]
async fn clients_cannot_revoke_each_others_tokens() {
    let h = start(Personality::Generic).await;
    let tokens = h.link(&generic_request(), "alice").await;
    let access = tokens["access_token"].as_str().expect("at");
    let (status, body) = h
        .post_form(
            "/revoke",
            &[
                ("token", access),
                ("client_id", CONFIDENTIAL),
                ("client_secret", SECRET),
            ],
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("unauthorized_client"))
    );
}
