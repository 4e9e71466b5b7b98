//! Scopes per account: described in plain words, and re-checked at the provider through
//! introspection, with where each answer came from.

use crate::support;

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
    assert!(checked.changes.is_empty(), "{:?}", checked.changes);
    let checked = checked.scopes;
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
        .expect("check after expiry")
        .scopes;
    assert_eq!(
        checked
            .iter()
            .filter(|s| s.status == ScopeStatus::Granted)
            .count(),
        4
    );
}

#[tokio::test]
async fn a_scope_taken_back_at_the_provider_shows_as_not_granted_and_is_recorded() {
    let w = world().await;
    let account = w.link("alice").await;
    let grants = w.sandbox_grants().await;
    let grant = grants[0]["id"].as_u64().expect("grant id");
    let removed = w
        .admin(
            reqwest::Method::DELETE,
            &format!("/grants/{grant}/scopes/email"),
        )
        .send()
        .await
        .expect("remove a scope");
    assert!(removed.status().is_success(), "{}", removed.status());

    let checked = w.grantry.check_scopes(account.id).await.expect("check");
    assert_eq!(
        checked.changes,
        [grantry_core::ScopeChange {
            scope: "email".into(),
            before: Some(ScopeStatus::Granted),
            after: ScopeStatus::NotGranted,
        }]
    );
    let email = checked
        .scopes
        .iter()
        .find(|s| s.scope == "email")
        .expect("listed");
    assert_eq!(email.source, "introspection");
    let summary = w.grantry.account(account.id).expect("account");
    assert_eq!(summary.scope_count, 3);
    let history = w.grantry.activity(1).expect("history");
    assert_eq!(history[0].kind, grantry_core::ActivityKind::ScopesChecked);
    assert_eq!(history[0].account_id, Some(account.id));
    assert!(
        history[0].detail.contains("email not granted"),
        "{}",
        history[0].detail
    );

    let again = w
        .grantry
        .check_scopes(account.id)
        .await
        .expect("check again");
    assert!(again.changes.is_empty(), "nothing changed since");
}

#[tokio::test]
async fn the_detail_of_an_account_says_where_its_tokens_stand() {
    use grantry_core::RefreshPolicy;
    let w = world().await;
    let account = w.link("alice").await;
    let policy = RefreshPolicy::default();
    let detail = w
        .grantry
        .account_detail(account.id, policy, 50)
        .expect("detail");
    assert_eq!(detail.account, account);
    assert_eq!(detail.scopes.len(), 4);
    let tokens = &detail.tokens;
    assert_eq!((tokens.refreshes, tokens.rotations), (0, 0));
    assert_eq!(tokens.last_refresh_at, None);
    let expires = tokens.access_expires_at.expect("expiry");
    assert_eq!(
        tokens.next_refresh_at,
        Some(policy.due_at(tokens.access_issued_at, expires))
    );
    assert_eq!(detail.timeline.len(), 1, "{:?}", detail.timeline);

    w.grantry.refresh(account.id).await.expect("refresh");
    let detail = w
        .grantry
        .account_detail(account.id, policy, 50)
        .expect("detail");
    assert_eq!((detail.tokens.refreshes, detail.tokens.rotations), (1, 1));
    assert!(detail.tokens.last_refresh_at.is_some());
    assert_eq!(
        detail.timeline[0].kind,
        grantry_core::ActivityKind::TokenRefreshed
    );

    // Another account's history is not in this one's timeline.
    w.link("bob").await;
    let detail = w
        .grantry
        .account_detail(account.id, policy, 50)
        .expect("detail");
    assert_eq!(detail.timeline.len(), 2);
    assert!(w.grantry.account_detail(999, policy, 50).is_err());
}
