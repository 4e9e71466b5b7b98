//! Scopes per account: described in plain words, and re-checked at the provider through
//! introspection, with where each answer came from.

mod support;

use grantry_core::ScopeStatus;
use support::world;

#[tokio::test]
async fn scopes_are_described_and_rechecked_through_introspection() {
    let w = world().await;
    let account = w.link("alice").await;
    let scopes = w.grantry.scopes(account.id).expect("scopes");
    let email = scopes.iter().find(|s| s.scope == "email").expect("email");
    assert_eq!(email.description.as_deref(), Some("See your email address"));
    assert_eq!(email.source, "token_response");

    let checked = w.grantry.check_scopes(account.id).await.expect("check");
    assert!(
        checked
            .iter()
            .all(|s| s.source == "introspection" && s.status == ScopeStatus::Granted)
    );
    assert_eq!(checked.len(), 4);

    // An expired access token is refreshed once, then checked.
    w.expire_tokens().await;
    let checked = w
        .grantry
        .check_scopes(account.id)
        .await
        .expect("check after expiry");
    assert_eq!(
        checked
            .iter()
            .filter(|s| s.status == ScopeStatus::Granted)
            .count(),
        4
    );
}
