//! The per-account HTTP exchange log: what was sent to the provider and what came back, with
//! every secret masked.

mod support;

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
