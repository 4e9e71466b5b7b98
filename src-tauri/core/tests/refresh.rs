//! Refreshing tokens against the sandbox, whose refresh tokens rotate with reuse detection: a
//! second use of a rotated token would revoke the grant, so any race shows up as a dead account.

use crate::support;

use grantry_core::{AccountStatus, ActivityKind, ErrorCode, GrantryEvent, IpcError, RefreshLimits};
use support::world;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_refreshes_share_one_and_the_account_survives() {
    let w = world().await;
    let account = w.link("alice").await;
    let before = w.secrets.snapshot();
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let grantry = w.grantry.clone();
        tasks.push(tokio::spawn(
            async move { grantry.refresh(account.id).await },
        ));
    }
    for task in tasks {
        task.await
            .expect("task")
            .expect("every caller gets the shared refresh");
    }
    assert_ne!(w.secrets.snapshot(), before, "the tokens were replaced");
    // The grant is alive: a rotated refresh token was never replayed.
    let after = w.grantry.refresh(account.id).await.expect("refresh again");
    assert_eq!(after.status, AccountStatus::Valid);
    let refreshed = w
        .grantry
        .activity(100)
        .expect("activity")
        .iter()
        .filter(|e| e.kind == ActivityKind::TokenRefreshed)
        .count();
    assert!(
        refreshed <= 3,
        "single flight: {refreshed} refreshes for 51 calls"
    );
}

#[tokio::test]
async fn invalid_grant_means_needs_relink_and_the_account_stays() {
    let w = world().await;
    let account = w.link("alice").await;
    w.fault(r#"{"kind":"invalid_grant","user":"alice"}"#).await;
    let error = w
        .grantry
        .refresh(account.id)
        .await
        .expect_err("invalid_grant");
    assert_eq!(IpcError::from(&error).code, ErrorCode::NeedsRelink);
    let kept = w.grantry.account(account.id).expect("the account is kept");
    assert_eq!(kept.status, AccountStatus::NeedsRelink);
    assert!(
        kept.status_reason
            .as_deref()
            .is_some_and(|r| r.contains("invalid_grant")),
        "{kept:?}"
    );
    // Linking again puts it right.
    let relinked = w.link("alice").await;
    assert_eq!(
        (relinked.id, relinked.status),
        (account.id, AccountStatus::Valid)
    );
}

#[tokio::test]
async fn transient_faults_are_retried_and_retry_after_is_honoured() {
    use grantry_sandbox::Endpoint;
    use std::time::Duration;

    let w = world().await;
    let account = w.link("alice").await;
    // The time between one refresh's requests, as the sandbox saw them arrive.
    let gaps = |since: usize| -> Vec<Duration> {
        let arrivals = w.sandbox.admin().arrivals(Endpoint::Token);
        arrivals[since..].windows(2).map(|w| w[1] - w[0]).collect()
    };
    let seen = w.sandbox.admin().arrivals(Endpoint::Token).len();
    w.fault(r#"{"endpoint":"token","kind":"status","status":503,"count":2}"#)
        .await;
    w.grantry
        .refresh(account.id)
        .await
        .expect("retried past two 503s");
    let backoff = gaps(seen);
    assert_eq!(backoff.len(), 2, "two retries: {backoff:?}");
    // Lower bounds only (`oauth/refresh_token.rs`: 250 ms, then 500 ms, plus jitter).
    assert!(
        backoff[0] >= Duration::from_millis(250) && backoff[1] >= Duration::from_millis(500),
        "the backoff doubles: {backoff:?}"
    );

    let seen = w.sandbox.admin().arrivals(Endpoint::Token).len();
    w.fault(r#"{"endpoint":"token","kind":"status","status":429,"retry_after":1}"#)
        .await;
    w.grantry
        .refresh(account.id)
        .await
        .expect("retried after Retry-After");
    let waited = gaps(seen);
    assert_eq!(waited.len(), 1, "one retry: {waited:?}");
    // The backoff alone would have retried within half a second.
    assert!(
        waited[0] >= Duration::from_secs(1),
        "the retry waited the second Retry-After asked for: {waited:?}"
    );
    // A fault that does not go away ends in a clear error; the account is untouched.
    w.fault(r#"{"endpoint":"token","kind":"status","status":500,"count":null}"#)
        .await;
    assert_eq!(
        w.code(w.grantry.refresh(account.id).await),
        ErrorCode::ProviderError
    );
    assert_eq!(
        w.grantry.account(account.id).expect("kept").status,
        AccountStatus::Valid
    );
}

#[tokio::test]
async fn refreshes_that_keep_failing_are_counted_with_their_error_until_one_works() {
    let w = world().await;
    let account = w.link("alice").await;
    assert_eq!(account.failing_refresh, None, "a new link has not failed");
    // The provider answers 503 until told otherwise: each refresh tries a few times, then fails.
    w.fault(r#"{"endpoint":"token","kind":"status","status":503,"count":null}"#)
        .await;
    let started = grantry_core::now();
    assert_eq!(
        w.code(w.grantry.refresh(account.id).await),
        ErrorCode::ProviderError
    );
    let first = w.grantry.account(account.id).expect("kept");
    let first = first.failing_refresh.expect("the failure is kept");
    assert_eq!(first.failures, 1);
    assert!(
        (started..=grantry_core::now()).contains(&first.since),
        "{first:?}"
    );
    w.events.take();
    assert_eq!(
        w.code(w.grantry.refresh(account.id).await),
        ErrorCode::ProviderError
    );
    assert!(
        w.events.take().contains(&GrantryEvent::AccountsChanged),
        "the window hears of the failure, to show it"
    );
    // Every process reads the same: the listing, as `grantry accounts` and the window get it.
    let listed = w.grantry.accounts().expect("accounts");
    let failing = listed[0].failing_refresh.clone().expect("still failing");
    assert_eq!(failing.failures, 2, "{failing:?}");
    assert_eq!(failing.since, first.since, "since the first failure");
    assert!(failing.last_error.contains("HTTP 503"), "{failing:?}");
    assert_eq!(listed[0].status, AccountStatus::Valid, "not a re-link");
    // The provider is back: the next refresh works and the failures are gone.
    w.fault_clear().await;
    let refreshed = w.grantry.refresh(account.id).await.expect("refresh");
    assert_eq!(refreshed.failing_refresh, None);
}

#[tokio::test]
async fn invalid_grant_is_no_transient_failure_and_a_relink_clears_the_count() {
    let w = world().await;
    let account = w.link("alice").await;
    // One failure that may pass (the connection cut once the request was out)...
    w.fault(r#"{"endpoint":"token","kind":"drop_connection","count":1}"#)
        .await;
    w.grantry.refresh(account.id).await.expect_err("cut off");
    // ...then the provider refuses the grant: that is a re-link, not one more failure.
    w.fault(r#"{"kind":"invalid_grant","user":"alice"}"#).await;
    assert_eq!(
        w.code(w.grantry.refresh(account.id).await),
        ErrorCode::NeedsRelink
    );
    let kept = w.grantry.account(account.id).expect("kept");
    assert_eq!(kept.status, AccountStatus::NeedsRelink);
    assert_eq!(
        kept.failing_refresh.map(|f| f.failures),
        Some(1),
        "invalid_grant is not counted as a failure that may pass"
    );
    // Refused again without a request: still not counted.
    w.grantry
        .refresh(account.id)
        .await
        .expect_err("needs re-link");
    let again = w.grantry.account(account.id).expect("kept");
    assert_eq!(again.failing_refresh.map(|f| f.failures), Some(1));
    let relinked = w.link("alice").await;
    assert_eq!(
        (relinked.status, relinked.failing_refresh),
        (AccountStatus::Valid, None),
        "a new link starts afresh"
    );
}

#[tokio::test]
async fn a_refresh_cut_off_after_sending_is_not_sent_again() {
    let w = world().await;
    let account = w.link("alice").await;
    let before = w.secrets.snapshot();
    // The connection breaks once the request is out: the provider may have rotated the
    // refresh token, so sending the same one again could look like a replay.
    w.fault(r#"{"endpoint":"token","kind":"drop_connection","count":1}"#)
        .await;
    assert_eq!(
        w.code(w.grantry.refresh(account.id).await),
        ErrorCode::ProviderUnreachable,
        "not retried with the same refresh token"
    );
    assert_eq!(w.secrets.snapshot(), before, "nothing was saved");
    let kept = w.grantry.account(account.id).expect("kept");
    assert_eq!(kept.status, AccountStatus::Valid);
    let history = w.grantry.activity(1).expect("activity");
    assert!(
        history[0].detail.contains("may have"),
        "the history says the token may have been used: {}",
        history[0].detail
    );
    // This sandbox cut the connection before acting on it, so the next refresh works.
    w.grantry.refresh(account.id).await.expect("refresh");
}

#[tokio::test]
async fn refresh_all_refreshes_every_account_with_a_refresh_token() {
    let w = world().await;
    for user in ["alice", "bob", "carol"] {
        w.link(user).await;
    }
    let outcomes = w
        .grantry
        .refresh_all(RefreshLimits {
            overall: 2,
            per_provider: 2,
        })
        .await
        .expect("refresh all");
    assert_eq!(outcomes.len(), 3);
    assert!(outcomes.iter().all(|(_, outcome)| outcome.is_ok()));
}

/// Refresh all keeps to both of its limits, timed against a token endpoint that answers a second
/// late: each wave of refreshes takes a second, whatever its size.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn refresh_all_keeps_to_its_limits_per_provider_and_overall() {
    use std::time::{Duration, Instant};

    let second = Duration::from_secs(1);
    let two_at_one_provider = RefreshLimits {
        overall: 4,
        per_provider: 2,
    };
    let timed = |w: &support::World, limits| {
        let grantry = w.grantry.clone();
        async move {
            let clock = Instant::now();
            let outcomes = grantry.refresh_all(limits).await.expect("refresh all");
            assert_eq!(outcomes.len(), 4);
            assert!(outcomes.iter().all(|(_, outcome)| outcome.is_ok()));
            clock.elapsed()
        }
    };

    // Four accounts at one provider, two at a time: two waves.
    let w = world().await;
    for user in ["alice", "bob", "carol", "dave"] {
        w.link(user).await;
    }
    w.fault(r#"{"endpoint":"token","kind":"latency","ms":1000,"count":100}"#)
        .await;
    let took = timed(&w, two_at_one_provider).await;
    assert!(took >= 2 * second, "two waves, took {took:?}");

    // Two accounts at each of two providers: they go side by side, one wave.
    let w = world().await;
    let mut twin = w.grantry.providers()[0].clone();
    twin.id = "twin".to_owned().try_into().expect("id");
    twin.name = "Twin".into();
    w.grantry.add_provider(twin).expect("add");
    for user in ["alice", "bob"] {
        w.link(user).await;
        let back = w.answer_at("twin", None, &support::allow(user)).await;
        w.grantry
            .finish_link(&back)
            .await
            .expect("link at the twin");
    }
    w.fault(r#"{"endpoint":"token","kind":"latency","ms":1000,"count":100}"#)
        .await;
    let took = timed(&w, two_at_one_provider).await;
    assert!(
        (second..2 * second).contains(&took),
        "one wave, took {took:?}"
    );
    // The overall limit holds across providers: two at a time in all, two waves.
    let took = timed(
        &w,
        RefreshLimits {
            overall: 2,
            per_provider: 2,
        },
    )
    .await;
    assert!(took >= 2 * second, "two waves, took {took:?}");
}

fn sandbox_issuing(lifetime: u64) -> grantry_sandbox::SandboxConfig {
    let mut config = grantry_sandbox::SandboxConfig::new(grantry_sandbox::Personality::Generic);
    config.access_token_lifetime = std::time::Duration::from_secs(lifetime);
    config
}

#[tokio::test(flavor = "multi_thread")]
async fn the_schedule_refreshes_before_expiry_once_per_lifetime() {
    use grantry_core::RefreshPolicy;
    use std::time::Duration;

    let w = support::world_with(sandbox_issuing(3)).await;
    let account = w.link("alice").await;
    let expires = account.access_expires_at.expect("expiry");
    // Two seconds before expiry at most half the lifetime (1 s), at most every second.
    let policy = RefreshPolicy {
        lead: 2,
        min_interval: 1,
    };
    let schedule = tokio::spawn(w.grantry.clone().run_refresh_schedule(policy));
    let mut refreshed = false;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = w.grantry.account(account.id).expect("account");
        if now.access_expires_at.is_some_and(|at| at > expires) {
            refreshed = true;
            break;
        }
    }
    assert!(
        refreshed,
        "the schedule refreshed the token before it expired"
    );
    // Over the next five seconds, 3-second tokens due 2 s after issue: about two refreshes,
    // never a tight loop.
    let before = w.refreshes();
    tokio::time::sleep(Duration::from_secs(5)).await;
    schedule.abort();
    let during = w.refreshes() - before;
    assert!(
        (1..=4).contains(&during),
        "{during} refreshes in 5 s of 3-second tokens"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_background_refresh_is_kept_on_the_account() {
    use grantry_core::RefreshPolicy;
    use std::time::Duration;

    let w = support::world_with(sandbox_issuing(3)).await;
    let account = w.link("alice").await;
    w.fault(r#"{"endpoint":"token","kind":"status","status":503,"count":null}"#)
        .await;
    let policy = RefreshPolicy {
        lead: 2,
        min_interval: 1,
    };
    let schedule = tokio::spawn(w.grantry.clone().run_refresh_schedule(policy));
    let mut failing = None;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        failing = w
            .grantry
            .account(account.id)
            .expect("account")
            .failing_refresh;
        if failing.is_some() {
            break;
        }
    }
    schedule.abort();
    // Unattended, the failure would otherwise only reach the log.
    let failing = failing.expect("the schedule's failure is kept on the account");
    assert!(failing.last_error.contains("HTTP 503"), "{failing:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn tokens_shorter_than_the_lead_do_not_make_the_schedule_spin() {
    use grantry_core::RefreshPolicy;
    use std::time::Duration;

    // The app's own policy (two minutes' lead) against a provider issuing 5-second tokens.
    let w = support::world_with(sandbox_issuing(5)).await;
    w.link("alice").await;
    let schedule = tokio::spawn(
        w.grantry
            .clone()
            .run_refresh_schedule(RefreshPolicy::default()),
    );
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    schedule.abort();
    assert_eq!(
        w.refreshes(),
        0,
        "a 5-second token is refreshed 30 s after issue at the soonest, not at once and again"
    );
}

#[tokio::test]
async fn the_next_refresh_follows_each_tokens_lifetime() {
    use grantry_core::RefreshPolicy;
    use std::collections::HashMap;

    let policy = RefreshPolicy::default();
    for (lifetime, due_after) in [(5, 30), (30, 30), (240, 120), (3_600, 3_480)] {
        let w = support::world_with(sandbox_issuing(lifetime)).await;
        let linked_at = grantry_core::now();
        let account = w.link("alice").await;
        let (id, due) = w
            .grantry
            .next_refresh(policy, &HashMap::new())
            .expect("schedule")
            .expect("one account to refresh");
        assert_eq!(id, account.id);
        let after = due - linked_at;
        assert!(
            (due_after - 1..=due_after + 1).contains(&after),
            "{lifetime}-second tokens: due {after} s after the link, expected {due_after}"
        );
    }
}
