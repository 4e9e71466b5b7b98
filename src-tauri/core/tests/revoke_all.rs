//! "Revoke all": every account, one provider's or one environment's, as many at once as the
//! limits of a "Refresh all" allow; one that fails stops no other, and is left "revocation
//! pending" for Retry.

use crate::revoke::{grant_revoked, manual};
use crate::support::{self, world};

use grantry_core::providers::Revocation;
use grantry_core::{AccountStatus, ErrorCode, RefreshLimits, RevokeAllScope};

fn scope(provider: Option<&str>, environment: Option<&str>) -> RevokeAllScope {
    RevokeAllScope {
        provider: provider.map(str::to_owned),
        environment: environment.map(str::to_owned),
    }
}

#[tokio::test]
async fn revoke_all_of_one_provider_leaves_the_others_and_tells_each_step() {
    let w = world().await;
    for user in ["alice", "bob"] {
        w.link(user).await;
    }
    manual(
        &w,
        "plain",
        ["/authorize", "/token", "/userinfo", "/revoke"],
        &["openid", "offline_access"],
        Revocation::Rfc7009,
    );
    let back = w.answer_at("plain", None, &support::allow("carol")).await;
    let carol = w.grantry.finish_link(&back).await.expect("link");

    let grantry = w.grantry.clone();
    let taken = grantry
        .accounts_to_revoke(&scope(Some("sandbox"), Some("local")))
        .expect("scope");
    assert_eq!(taken.len(), 2);
    let steps = std::sync::Mutex::new(Vec::new());
    let outcome = grantry
        .revoke_all_telling(
            &scope(Some("sandbox"), None),
            RefreshLimits::DEFAULT,
            |step| {
                steps.lock().expect("steps").push((step.done, step.total));
            },
        )
        .await
        .expect("revoke all");
    assert_eq!(
        (
            outcome.total,
            outcome.revoked,
            outcome.verified,
            outcome.failed
        ),
        (2, 2, 2, 0)
    );
    assert_eq!(*steps.lock().expect("steps"), [(1, 2), (2, 2)]);
    let left: Vec<i64> = w
        .grantry
        .accounts()
        .expect("accounts")
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(left, [carol.id], "the other provider's account stays");
}

#[tokio::test]
async fn one_failing_revocation_stops_no_other_and_is_left_pending_for_retry() {
    let w = world().await;
    for user in ["alice", "bob", "carol"] {
        w.link(user).await;
    }
    // The next revocation the provider receives fails; the others go through.
    w.fault(r#"{"endpoint":"revoke","kind":"status","status":503,"count":1}"#)
        .await;
    let grantry = w.grantry.clone();
    let limits = RefreshLimits {
        overall: 1,
        per_provider: 1,
    };
    let outcome = grantry
        .revoke_all_telling(&RevokeAllScope::default(), limits, |_| {})
        .await
        .expect("revoke all");
    assert_eq!(
        (outcome.total, outcome.revoked, outcome.failed),
        (3, 2, 1),
        "{outcome:?}"
    );
    let failed = outcome
        .accounts
        .iter()
        .find(|a| a.error.is_some())
        .expect("one failed");
    assert_eq!(
        failed.error.as_ref().map(|e| e.code),
        Some(ErrorCode::ProviderError)
    );
    let left = w.grantry.accounts().expect("accounts");
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].id, failed.account);
    assert_eq!(left[0].status, AccountStatus::RevocationPending);
    assert_eq!(
        grant_revoked(&w)
            .await
            .iter()
            .filter(|revoked| **revoked)
            .count(),
        2
    );

    let retried = w.grantry.retry_revocations().await.expect("retry");
    assert!(retried[0].1.is_ok(), "{retried:?}");
    assert!(w.grantry.accounts().expect("accounts").is_empty());
}

#[tokio::test]
async fn revoke_all_of_a_provider_or_environment_that_does_not_exist_is_refused() {
    let w = world().await;
    w.link("alice").await;
    for wrong in [
        scope(Some("nope"), None),
        scope(Some("sandbox"), Some("nope")),
        scope(None, Some("local")),
    ] {
        assert_eq!(
            w.code(w.grantry.accounts_to_revoke(&wrong)),
            ErrorCode::InvalidInput,
            "{wrong:?}"
        );
    }
    assert_eq!(
        w.grantry.accounts().expect("accounts").len(),
        1,
        "nothing revoked"
    );
}
