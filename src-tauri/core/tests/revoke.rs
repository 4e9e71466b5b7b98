//! Revoking at the provider, forgetting locally, and the export: checked at the sandbox, in
//! the secret store and in the database.

mod support;

use grantry_core::{AccountStatus, ActivityKind, ErrorCode};
use serde_json::Value;
use support::{World, world};

async fn grant_revoked(w: &World) -> Vec<bool> {
    let grants: Value = reqwest::get(format!("{}/_sandbox/grants", w.sandbox.issuer()))
        .await
        .expect("grants")
        .json()
        .await
        .expect("json");
    grants
        .as_array()
        .expect("list")
        .iter()
        .map(|g| g["revoked"].is_string())
        .collect()
}

#[tokio::test]
async fn revoke_ends_the_grant_at_the_provider_then_removes_the_account() {
    let w = world().await;
    let account = w.link("alice").await;
    w.grantry.revoke(account.id).await.expect("revoke");
    assert_eq!(
        grant_revoked(&w).await,
        [true],
        "the sandbox no longer honours the grant"
    );
    assert!(w.grantry.accounts().expect("accounts").is_empty());
    assert!(
        w.secrets.0.lock().expect("lock").is_empty(),
        "tokens deleted"
    );
    let history = w.grantry.activity(1).expect("activity");
    assert_eq!(history[0].kind, ActivityKind::AccountRevoked);
}

#[tokio::test]
async fn an_unreachable_provider_leaves_revocation_pending_until_retried() {
    let w = world().await;
    let account = w.link("alice").await;
    w.fault(r#"{"endpoint":"revoke","kind":"status","status":503,"count":null}"#)
        .await;
    assert_eq!(
        w.code(w.grantry.revoke(account.id).await),
        ErrorCode::ProviderError
    );
    let kept = w.grantry.account(account.id).expect("kept");
    assert_eq!(kept.status, AccountStatus::RevocationPending);
    assert!(
        !w.secrets.0.lock().expect("lock").is_empty(),
        "tokens kept for the retry"
    );
    assert_eq!(
        grant_revoked(&w).await,
        [false],
        "and not claimed as revoked"
    );

    reqwest::Client::new()
        .delete(format!("{}/_sandbox/faults", w.sandbox.issuer()))
        .send()
        .await
        .expect("clear faults");
    let retried = w.grantry.retry_revocations().await.expect("retry");
    assert_eq!(retried.len(), 1);
    assert!(retried[0].1.is_ok());
    assert_eq!(grant_revoked(&w).await, [true]);
    assert!(w.grantry.accounts().expect("accounts").is_empty());
}

#[tokio::test]
async fn forget_is_local_only() {
    let w = world().await;
    let account = w.link("alice").await;
    w.grantry.forget(account.id).expect("forget");
    assert!(w.grantry.accounts().expect("accounts").is_empty());
    assert!(w.secrets.0.lock().expect("lock").is_empty());
    assert_eq!(
        grant_revoked(&w).await,
        [false],
        "forget does not touch the provider"
    );
    let history = w.grantry.activity(1).expect("activity");
    assert_eq!(history[0].kind, ActivityKind::AccountForgotten);
    assert!(history[0].detail.contains("not revoked"));
    assert_eq!(
        w.code(w.grantry.forget(account.id)),
        ErrorCode::InvalidInput
    );
}

#[tokio::test]
async fn the_export_holds_accounts_scopes_and_history_but_no_token() {
    let w = world().await;
    w.link("alice").await;
    let bob = w.link("bob").await;
    w.grantry.refresh(bob.id).await.expect("refresh");
    let export = w.grantry.export().expect("export").to_string();
    assert!(export.contains("alice@sandbox.grantry.test") && export.contains("offline_access"));
    let secrets = w.secrets.0.lock().expect("lock").clone();
    assert!(!secrets.is_empty());
    for stored in secrets.values() {
        let tokens: Value = serde_json::from_str(stored).expect("token set");
        for field in ["access_token", "refresh_token", "id_token"] {
            if let Some(token) = tokens[field].as_str() {
                assert!(!export.contains(token), "{field} leaked into the export");
                let database =
                    std::fs::read(w.dir.path().join("data/grantry.sqlite3")).expect("db");
                assert!(
                    !String::from_utf8_lossy(&database).contains(token),
                    "{field} in the database"
                );
            }
        }
    }
}
