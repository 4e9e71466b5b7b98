//! The per-account HTTP exchange log: what was sent to the provider and what came back, with
//! every secret masked.

use crate::support;

use serde_json::Value;
use support::world;

#[tokio::test]
async fn link_and_refresh_exchanges_are_logged_with_secrets_masked() {
    let w = world().await;
    let account = w.link("alice").await;
    w.grantry.refresh(account.id).await.expect("refresh");
    let exchanges = w.grantry.http_log(account.id, 50).expect("exchanges");
    let token_calls: Vec<_> = exchanges
        .iter()
        .filter(|e| e.url.ends_with("/token"))
        .collect();
    assert_eq!(token_calls.len(), 2, "the code exchange and the refresh");
    assert!(
        token_calls
            .iter()
            .all(|e| e.method == "POST" && e.status == Some(200))
    );
    assert!(
        exchanges
            .iter()
            .any(|e| e.url.ends_with("/userinfo") && e.status == Some(200))
    );
    let refresh = token_calls[0];
    assert!(refresh.request_body.contains("grant_type=refresh_token"));
    assert!(
        refresh.request_body.contains("refresh_token=[redacted]"),
        "{}",
        refresh.request_body
    );
    let response: Value = serde_json::from_str(&refresh.response_body).expect("json");
    assert_eq!(response["access_token"], "[redacted]");
    assert_eq!(response["token_type"], "Bearer");

    let everything = serde_json::to_string(&exchanges).expect("json");
    let secrets = w.secrets.snapshot();
    for stored in secrets.values() {
        let tokens: Value = serde_json::from_str(stored).expect("token set");
        for field in ["access_token", "refresh_token", "id_token"] {
            if let Some(token) = tokens[field].as_str() {
                assert!(
                    !everything.contains(token),
                    "{field} is in the exchange log"
                );
            }
        }
    }
    assert!(
        !everything.contains("sbx_code_"),
        "the authorization code is masked"
    );
}

/// A failed refresh's history entry leads to the exchanges behind it, retries included: the
/// provider answered 503 twice, then refused the grant.
#[tokio::test]
async fn a_failure_in_the_history_leads_to_its_exchanges() {
    let w = world().await;
    let account = w.link("alice").await;
    w.fault(r#"{"endpoint":"token","kind":"status","status":503,"count":2}"#)
        .await;
    w.fault(r#"{"kind":"invalid_grant","user":"alice","count":1}"#)
        .await;
    w.grantry.refresh(account.id).await.expect_err("refused");

    let history = w.grantry.activity(50).expect("history");
    let failed = history
        .iter()
        .find(|e| e.kind == grantry_core::ActivityKind::RefreshFailed)
        .expect("the failure is in the history");
    assert_eq!(failed.exchanges, 3, "{failed:?}");
    let exchanges = w.grantry.exchanges_of(failed.id).expect("exchanges");
    let statuses: Vec<_> = exchanges.iter().map(|e| e.status).collect();
    assert_eq!(
        statuses,
        [Some(503), Some(503), Some(400)],
        "in the order made"
    );
    assert!(
        exchanges
            .iter()
            .all(|e| e.operation.as_deref() == Some("refresh") && e.url.ends_with("/token"))
    );
    assert!(exchanges[2].response_body.contains("invalid_grant"));

    // The link's entry leads to the link's exchanges, not the refresh's.
    let linked = history
        .iter()
        .find(|e| e.kind == grantry_core::ActivityKind::AccountLinked)
        .expect("linked");
    let of_link = w.grantry.exchanges_of(linked.id).expect("exchanges");
    assert!(!of_link.is_empty());
    assert!(
        of_link
            .iter()
            .all(|e| e.operation.as_deref() == Some("link"))
    );
    assert_eq!(linked.exchanges as usize, of_link.len());

    // An entry no provider-facing operation recorded has none.
    let note = w
        .grantry
        .record(grantry_core::ActivityKind::DeepLinkReceived, "x", None, 1)
        .expect("recorded");
    assert_eq!(note.exchanges, 0);
    assert!(w.grantry.exchanges_of(note.id).expect("none").is_empty());
    assert!(w.grantry.exchanges_of(i64::MAX).expect("none").is_empty());
}
