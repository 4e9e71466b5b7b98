//! Faults at the connection: a token response that never arrives after the refresh token was
//! rotated (`drop_response`), and connections reset before any request (`refuse_connections`).

use crate::support;

use grantry_sandbox::Personality;
use reqwest::StatusCode;
use serde_json::json;
use support::{generic_request, start};

#[tokio::test]
async fn a_dropped_response_still_rotates_the_refresh_token() {
    let h = start(Personality::Generic).await;
    let tokens = h.link(&generic_request(), "alice").await;
    let refresh_token = tokens["refresh_token"].as_str().expect("rt");
    let fault = json!({"endpoint": "token", "kind": "drop_response"});
    assert_eq!(h.admin("/faults", fault).await, StatusCode::CREATED);
    let lost = h
        .http
        .post(format!("{}/token", h.issuer()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", support::PUBLIC),
        ])
        .send()
        .await;
    let body = match lost {
        Ok(response) => response.text().await.err(),
        Err(error) => Some(error),
    };
    assert!(body.is_some(), "the client must not get the new tokens");
    // The sandbox did rotate: the old token is now a reuse, which ends the grant.
    let (status, again) = h.refresh(refresh_token).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{again}");
    assert_eq!(again["error"], "invalid_grant");
}

#[tokio::test]
async fn refused_connections_fail_before_any_request_then_recover() {
    let h = start(Personality::Generic).await;
    let fault = json!({"kind": "refuse_connections", "count": 2});
    assert_eq!(h.admin("/faults", fault).await, StatusCode::CREATED);
    let url = format!("{}/.well-known/openid-configuration", h.issuer());
    // Each request on a new connection, as the fault counts connections.
    let fresh = || reqwest::Client::builder().pool_max_idle_per_host(0).build();
    for _ in 0..2 {
        let refused = fresh().expect("client").get(&url).send().await;
        assert!(refused.is_err(), "{refused:?}");
    }
    let back = fresh()
        .expect("client")
        .get(&url)
        .send()
        .await
        .expect("GET");
    assert_eq!(back.status(), StatusCode::OK);

    let forever = json!({"kind": "refuse_connections", "count": null});
    h.admin("/faults", forever).await;
    let (_, listed) = h.admin_get("/faults").await;
    assert_eq!(listed["faults"][0]["kind"], "refuse_connections");
    assert!(fresh().expect("client").get(&url).send().await.is_err());
    // The test's own pooled connection still reaches the admin API to clear it.
    assert_eq!(h.admin_delete("/faults").await, StatusCode::NO_CONTENT);
    assert!(fresh().expect("client").get(&url).send().await.is_ok());
}
