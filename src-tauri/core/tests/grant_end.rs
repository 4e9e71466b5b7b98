//! When a grant ends: what the provider says in a token answer is kept and shown, and a grant
//! known to end within days is told of once (a history entry the app turns into a
//! notification), once the end held from one look to the next, and not at every look.

use crate::support::world;

use grantry_core::{ActivityKind, GrantEndSource, RefreshPolicy, now};

#[tokio::test]
async fn a_grant_ending_within_days_is_told_once_per_end() {
    let w = world().await;
    let alice = w.link("alice").await;
    assert!(
        w.grantry.tell_of_grant_ends().expect("look").is_empty(),
        "the sandbox says no end"
    );
    // A refresh answer that says the new refresh token lasts two days.
    w.fault(
        r#"{"endpoint":"token","kind":"answer","status":200,"body":{"access_token":"short-access",
            "token_type":"Bearer","expires_in":3600,"refresh_token":"short-refresh",
            "refresh_token_expires_in":172800}}"#,
    )
    .await;
    w.grantry.refresh(alice.id).await.expect("refresh");
    let end = w
        .grantry
        .account_detail(alice.id, RefreshPolicy::default(), 0)
        .expect("detail")
        .grant_end;
    assert_eq!(end.source, GrantEndSource::Provider, "{end:?}");
    assert!(
        end.at.is_some_and(|at| (now() + 172_800 - at).abs() < 60),
        "{end:?}"
    );

    assert!(
        w.grantry.tell_of_grant_ends().expect("look").is_empty(),
        "an end seen once may be moved on by the next refresh"
    );
    assert_eq!(w.grantry.tell_of_grant_ends().expect("look"), [alice.id]);
    let told = &w.grantry.activity(1).expect("history")[0];
    assert_eq!(told.kind, ActivityKind::GrantEndingSoon);
    assert_eq!(told.account_id, Some(alice.id));
    assert!(
        told.detail.contains("ends in about 2 days"),
        "{}",
        told.detail
    );
    assert!(
        w.grantry.tell_of_grant_ends().expect("look").is_empty(),
        "told once per end"
    );
}
