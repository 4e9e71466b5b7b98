//! Fault injection through the admin API: each fault, scoped to an endpoint and a number of
//! requests, and the provider back to normal afterwards.

use crate::support;

use std::time::{Duration, Instant};

use grantry_sandbox::Personality;
use reqwest::StatusCode;
use serde_json::json;
use support::{Harness, PUBLIC, Request, start};

/// Links `user` with a refresh token.
async fn linked(h: &Harness, user: &str) -> serde_json::Value {
    h.link(
        &Request::new("/authorize", "openid email offline_access"),
        user,
    )
    .await
}

async fn refresh(h: &Harness, tokens: &serde_json::Value) -> reqwest::Result<reqwest::Response> {
    let refresh_token = tokens["refresh_token"].as_str().expect("refresh token");
    h.http
        .post(format!("{}/token", h.issuer()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", PUBLIC),
        ])
        .send()
        .await
}

#[tokio::test]
async fn status_faults_hit_their_endpoint_for_their_count() {
    let h = start(Personality::Generic).await;
    let fault = json!({"endpoint": "discovery", "kind": "status", "status": 503, "count": 2});
    assert_eq!(h.admin("/faults", fault).await, StatusCode::CREATED);
    let (_, listed) = h.admin_get("/faults").await;
    assert_eq!(listed["faults"][0]["count"], 2);
    assert_eq!(
        h.get_json("/jwks", None).await.0,
        StatusCode::OK,
        "other endpoints unaffected"
    );
    for _ in 0..2 {
        assert_eq!(
            h.get_json("/.well-known/openid-configuration", None)
                .await
                .0,
            StatusCode::SERVICE_UNAVAILABLE
        );
    }
    assert_eq!(
        h.get_json("/.well-known/openid-configuration", None)
            .await
            .0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn rate_limits_carry_retry_after() {
    let h = start(Personality::Generic).await;
    let tokens = linked(&h, "alice").await;
    let fault = json!({"endpoint": "token", "kind": "status", "status": 429, "retry_after": 7});
    h.admin("/faults", fault).await;
    let limited = refresh(&h, &tokens).await.expect("response");
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.headers()["retry-after"], "7");
    // The faulted request never reached the token endpoint: the refresh token is still fresh.
    assert_eq!(
        refresh(&h, &tokens).await.expect("response").status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn malformed_json_and_html_error_pages() {
    let h = start(Personality::Generic).await;
    let tokens = linked(&h, "alice").await;
    h.admin(
        "/faults",
        json!({"endpoint": "token", "kind": "malformed_json"}),
    )
    .await;
    let response = refresh(&h, &tokens).await.expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    let text = response.text().await.expect("body");
    assert!(
        serde_json::from_str::<serde_json::Value>(&text).is_err(),
        "{text}"
    );

    h.admin(
        "/faults",
        json!({"endpoint": "userinfo", "kind": "html_error"}),
    )
    .await;
    let response = h
        .http
        .get(format!("{}/userinfo", h.issuer()))
        .bearer_auth(tokens["access_token"].as_str().expect("at"))
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/html")
    );
    assert!(response.text().await.expect("body").contains("<html>"));
}

#[tokio::test]
async fn a_dropped_connection_is_an_error_for_the_client() {
    let h = start(Personality::Generic).await;
    h.admin(
        "/faults",
        json!({"endpoint": "jwks", "kind": "drop_connection"}),
    )
    .await;
    let outcome = match h.http.get(format!("{}/jwks", h.issuer())).send().await {
        Ok(response) => response.bytes().await.map(|_| ()),
        Err(error) => Err(error),
    };
    assert!(outcome.is_err(), "the client must see the connection cut");
    assert_eq!(
        h.get_json("/jwks", None).await.0,
        StatusCode::OK,
        "one request only"
    );
}

#[tokio::test]
async fn latency_delays_the_answer_without_changing_it() {
    let h = start(Personality::Generic).await;
    h.admin(
        "/faults",
        json!({"endpoint": "any", "kind": "latency", "ms": 300}),
    )
    .await;
    let started = Instant::now();
    let (status, _) = h.get_json("/jwks", None).await;
    assert_eq!(status, StatusCode::OK);
    // A lower bound only: the sandbox slept at least this long before answering.
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn invalid_grant_for_one_user_only() {
    let h = start(Personality::Generic).await;
    let alice = linked(&h, "alice").await;
    let bob = linked(&h, "bob").await;
    let fault = json!({"kind": "invalid_grant", "user": "alice", "count": null});
    assert_eq!(h.admin("/faults", fault).await, StatusCode::CREATED);
    for _ in 0..2 {
        let response = refresh(&h, &alice).await.expect("response");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["error"], "invalid_grant");
    }
    assert_eq!(
        refresh(&h, &bob).await.expect("response").status(),
        StatusCode::OK
    );
    assert_eq!(
        h.admin(
            "/faults",
            json!({"kind": "invalid_grant", "user": "nobody"})
        )
        .await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(h.admin_delete("/faults").await, StatusCode::NO_CONTENT);
    assert_eq!(
        refresh(&h, &alice).await.expect("response").status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn bad_fault_definitions_are_refused() {
    let h = start(Personality::Generic).await;
    for fault in [
        json!({"kind": "meteor"}),
        json!({"kind": "status", "status": 99}),
        json!({"endpoint": "everywhere", "kind": "html_error"}),
        json!({"kind": "latency"}),
    ] {
        assert_eq!(
            h.admin("/faults", fault.clone()).await,
            StatusCode::BAD_REQUEST,
            "{fault}"
        );
    }
    let (_, listed) = h.admin_get("/faults").await;
    assert_eq!(listed["faults"], json!([]));
}

/// The sandbox's clock, as `/_sandbox/clock` answers after moving it forward by `seconds`.
async fn move_clock(h: &Harness, seconds: u64) -> u64 {
    let (status, body) = h.admin_post("/clock", json!({"seconds": seconds})).await;
    assert_eq!(status, StatusCode::OK);
    body["now"].as_u64().expect("now")
}

/// What `/userinfo` answers `access` with when the sandbox's clock reads `at`: the clock is
/// moved there and read again after the request. Its clock follows the wall clock from where
/// it was moved, so a second may tick between any two steps; then it is not at `at` all along,
/// and the answer proves nothing (`None`).
async fn userinfo_at(h: &Harness, access: &str, at: u64) -> Option<StatusCode> {
    let now = move_clock(h, 0).await;
    let before = move_clock(h, at.checked_sub(now)?).await;
    let status = h.userinfo_status(Some(access)).await;
    let after = move_clock(h, 0).await;
    (before == at && after == at).then_some(status)
}

#[tokio::test]
async fn expiring_every_token_now_and_moving_the_clock() {
    let h = start(Personality::Generic).await;
    // An access token works up to the second before its `exp` and not at `exp` (the
    // sandbox's clock, moved by the admin API). A tick at the wrong moment spoils an attempt,
    // never the verdict: the attempt is made again with a new token.
    let mut proven = false;
    for _ in 0..5 {
        let tokens = linked(&h, "alice").await;
        let access = tokens["access_token"].as_str().expect("at").to_owned();
        let (_, info) = h
            .post_form("/introspect", &[("token", &access), ("client_id", PUBLIC)])
            .await;
        let exp = info["exp"].as_u64().expect("exp");
        let iat = info["iat"].as_u64().expect("iat");
        assert_eq!(
            (tokens["expires_in"].as_u64(), exp - iat),
            (Some(3600), 3600)
        );
        let Some(before_exp) = userinfo_at(&h, &access, exp - 1).await else {
            continue;
        };
        assert_eq!(before_exp, StatusCode::OK, "valid one second before exp");
        let Some(at_exp) = userinfo_at(&h, &access, exp).await else {
            continue;
        };
        assert_eq!(at_exp, StatusCode::UNAUTHORIZED, "expired at exp");
        proven = true;
        break;
    }
    assert!(
        proven,
        "the wall clock ticked during five attempts in a row"
    );
    assert_eq!(
        h.admin("/clock", json!({"seconds": -5})).await,
        StatusCode::BAD_REQUEST
    );
}

/// The claims of an ID token (not verified: `flow.rs` checks signatures).
fn id_token_claims(tokens: &serde_json::Value) -> serde_json::Value {
    use base64::Engine;
    let token = tokens["id_token"].as_str().expect("id token");
    let payload = token.split('.').nth(1).expect("payload");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("b64");
    serde_json::from_slice(&bytes).expect("claims")
}

#[tokio::test]
async fn an_id_token_can_be_made_to_name_another_subject_once() {
    let h = start(Personality::Generic).await;
    let tokens = linked(&h, "alice").await;
    let alice = id_token_claims(&tokens)["sub"].clone();
    let fault = json!({"endpoint": "token", "kind": "id_token_subject", "sub": "mallory"});
    assert_eq!(h.admin("/faults", fault).await, StatusCode::CREATED);
    let (status, refreshed) = h
        .refresh(tokens["refresh_token"].as_str().expect("rt"))
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the refresh itself works: {refreshed}"
    );
    assert_eq!(id_token_claims(&refreshed)["sub"], "mallory");
    // The grant is still alice's, and the next ID token says so again.
    let (_, again) = h
        .refresh(refreshed["refresh_token"].as_str().expect("rt"))
        .await;
    assert_eq!(id_token_claims(&again)["sub"], alice);
}

/// A GET of `path` at the sandbox, run on its own task, so that the test can act while it is
/// held.
fn get_later(h: &Harness, path: &str) -> tokio::task::JoinHandle<reqwest::Result<StatusCode>> {
    let (http, url) = (h.http.clone(), format!("{}{path}", h.issuer()));
    tokio::spawn(async move { Ok(http.get(url).send().await?.status()) })
}

/// Waits until the hold `id` holds `n` requests; a minute without is a failure, not a hang.
async fn until_held(h: &Harness, id: u64, n: usize) -> Result<(), grantry_sandbox::AdminError> {
    let held = h.sandbox.admin().until_held(id, n);
    tokio::time::timeout(Duration::from_secs(60), held)
        .await
        .expect("the requests never arrived at the hold")
}

#[tokio::test]
async fn hold_keeps_a_request_until_released_and_lists_it_as_held() {
    let h = start(Personality::Generic).await;
    let (status, added) = h
        .admin_post("/faults", json!({"endpoint": "jwks", "kind": "hold"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let id = added["id"].as_u64().expect("id");
    let held = get_later(&h, "/jwks");
    // Waits for the request to arrive, not for time.
    until_held(&h, id, 1).await.expect("held");
    let (_, listed) = h.admin_get("/faults").await;
    let fault = &listed["faults"][0];
    assert_eq!(
        (&fault["kind"], &fault["held"], &fault["count"]),
        (&json!("hold"), &json!(1), &json!(0)),
        "listed while it holds a request, its count used up: {listed}"
    );
    assert!(!held.is_finished(), "the request waits");
    let (status, _) = h.get_json("/.well-known/openid-configuration", None).await;
    assert_eq!(status, StatusCode::OK, "other endpoints answer meanwhile");

    assert_eq!(
        h.admin_delete(&format!("/faults/{id}")).await,
        StatusCode::NO_CONTENT,
        "clearing it releases it"
    );
    let status = held.await.expect("task").expect("answer");
    assert_eq!(status, StatusCode::OK, "the endpoint ran untouched");
    let (_, listed) = h.admin_get("/faults").await;
    assert_eq!(listed["faults"], json!([]));
    let (status, _) = h.get_json("/jwks", None).await;
    assert_eq!(status, StatusCode::OK, "its one request was held, no more");
    assert!(
        until_held(&h, id, 1).await.is_err(),
        "no such hold any more"
    );
}

#[tokio::test]
async fn a_held_request_does_not_keep_the_sandbox_from_stopping() {
    let h = start(Personality::Generic).await;
    let (_, added) = h
        .admin_post(
            "/faults",
            json!({"endpoint": "any", "kind": "hold", "count": null}),
        )
        .await;
    let id = added["id"].as_u64().expect("id");
    let held = [get_later(&h, "/jwks"), get_later(&h, "/userinfo")];
    until_held(&h, id, 2).await.expect("both held");
    tokio::time::timeout(Duration::from_secs(60), h.sandbox.stop())
        .await
        .expect("the sandbox stopped though requests were held");
    for request in held {
        // Released as the sandbox stopped: answered, or cut as the server went away.
        let _ = request.await.expect("the task ended");
    }
}

#[tokio::test]
async fn the_sandbox_tells_when_each_request_arrived() {
    let h = start(Personality::Generic).await;
    let before = Instant::now();
    h.get_json("/jwks", None).await;
    h.get_json("/.well-known/openid-configuration", None).await;
    h.get_json("/jwks", None).await;
    let admin = h.sandbox.admin();
    let jwks = admin.arrivals(grantry_sandbox::Endpoint::Jwks);
    assert_eq!(jwks.len(), 2);
    assert!(before <= jwks[0] && jwks[0] <= jwks[1] && jwks[1] <= Instant::now());
    assert_eq!(admin.arrivals(grantry_sandbox::Endpoint::Any).len(), 3);
}
