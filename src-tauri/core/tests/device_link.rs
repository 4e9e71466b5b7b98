//! Linking by device code (RFC 8628) against the sandbox: the whole flow with the account
//! stored as a code link stores it, `slow_down` honoured with the interval grown, denial,
//! expiry, cancelling (even in the middle of a poll the provider holds), a slow and a
//! dropped poll, a re-link by device code from another account, and the device code kept out
//! of the HTTP log. The sandbox polls every second here, so the tests stay short.

use std::time::Duration;

use crate::support::{self, World};

use grantry_core::{ActivityKind, ErrorCode, GrantryEvent, IpcError, LinkStatus};
use grantry_sandbox::robot::{Choice, approve_device};
use grantry_sandbox::{Endpoint, Personality, SandboxConfig};

async fn world() -> World {
    support::world_with(SandboxConfig {
        device_interval: Duration::from_secs(1),
        ..SandboxConfig::new(Personality::Generic)
    })
    .await
}

fn choice(user: &str, allow: bool) -> Choice {
    Choice {
        user: user.into(),
        scopes: None,
        allow,
    }
}

/// Starts a device link at the built-in sandbox and waits for it in the background.
async fn start(
    w: &World,
) -> (
    grantry_core::DeviceLinkView,
    tokio::task::JoinHandle<Result<grantry_core::AccountSummary, grantry_core::Error>>,
) {
    let view = w
        .grantry
        .start_device_link("sandbox", None, None)
        .await
        .expect("start");
    let grantry = w.grantry.clone();
    let link = view.link.clone();
    let waiting = tokio::spawn(async move { grantry.wait_device_link(&link).await });
    (view, waiting)
}

async fn answer(view: &grantry_core::DeviceLinkView, user: &str, allow: bool) -> String {
    approve_device(
        &view.verification_uri,
        &view.user_code,
        &choice(user, allow),
    )
    .await
    .expect("the verification page answered")
}

fn code(outcome: Result<grantry_core::AccountSummary, grantry_core::Error>) -> ErrorCode {
    IpcError::from(outcome.expect_err("must fail")).code
}

#[tokio::test]
async fn a_device_link_stores_the_account_as_a_code_link_does() {
    let w = world().await;
    let (view, waiting) = start(&w).await;
    assert_eq!(view.user_code.len(), 9);
    assert_eq!(
        view.verification_uri,
        format!("{}/device", w.sandbox.issuer())
    );
    let complete = view.verification_uri_complete.clone().expect("complete");
    assert!(complete.ends_with(&format!("user_code={}", view.user_code)));
    assert!(view.qr.as_ref().is_some_and(|qr| qr.size >= 21));
    assert_eq!(view.interval, 1);
    assert!(view.expires_at > grantry_core::now() + 500);
    assert_eq!(w.grantry.link_status(&view.link), LinkStatus::Waiting);
    assert_eq!(w.grantry.pending_url(&view.link), Some(complete));

    assert_eq!(answer(&view, "alice", true).await, "allowed");
    let alice = waiting.await.expect("task").expect("linked");
    assert_eq!(alice.subject, "user-alice");
    assert_eq!(alice.email.as_deref(), Some("alice@sandbox.grantry.test"));
    assert_eq!(alice.scope_count, 4);
    assert!(alice.has_refresh_token);
    let history = w.grantry.activity(10).expect("activity");
    assert_eq!(history[0].kind, ActivityKind::AccountLinked);
    assert!(w.events.take().iter().any(|e| matches!(
        e,
        GrantryEvent::LinkCompleted { link, .. } if *link == view.link
    )));
    assert!(matches!(
        w.grantry.link_status(&view.link),
        LinkStatus::Linked { .. }
    ));
    // The device code went to the provider, and the HTTP log has it masked.
    let log = w.grantry.http_log(alice.id, 50).expect("log");
    let polls: Vec<_> = log
        .iter()
        .filter(|e| e.request_body.contains("device_code"))
        .collect();
    assert!(!polls.is_empty(), "{log:?}");
    assert!(
        polls
            .iter()
            .all(|e| e.request_body.contains("device_code=%5Bredacted%5D")
                || e.request_body.contains("device_code=[redacted]")),
        "{polls:?}"
    );
    // The account refreshes like any other.
    w.expire_tokens().await;
    w.grantry.refresh(alice.id).await.expect("refresh");
}

#[tokio::test]
async fn slow_down_makes_it_wait_five_seconds_more() {
    let w = world().await;
    w.fault(r#"{"endpoint":"token","kind":"device_slow_down"}"#)
        .await;
    let (view, waiting) = start(&w).await;
    answer(&view, "alice", true).await;
    waiting.await.expect("task").expect("linked");
    let polls = w.sandbox.admin().arrivals(Endpoint::Token);
    assert_eq!(polls.len(), 2, "slowed down once, then the tokens");
    let gap = polls[1] - polls[0];
    assert!(
        gap >= Duration::from_secs(6),
        "1 s + 5 s after slow_down: {gap:?}"
    );
}

#[tokio::test]
async fn denial_expiry_and_provider_refusals_end_the_link_with_clear_errors() {
    let w = world().await;
    let (view, waiting) = start(&w).await;
    answer(&view, "alice", false).await;
    let outcome = waiting.await.expect("task");
    assert_eq!(code(outcome), ErrorCode::ConsentDenied);
    assert!(matches!(
        w.grantry.link_status(&view.link),
        LinkStatus::Failed { .. }
    ));

    w.fault(r#"{"endpoint":"token","kind":"device_expired"}"#)
        .await;
    let (_, waiting) = start(&w).await;
    let outcome = waiting.await.expect("task");
    let error = IpcError::from(outcome.expect_err("expired"));
    assert_eq!(error.code, ErrorCode::Expired);
    assert!(error.message.contains("expired"), "{error}");

    // A provider whose device endpoint refuses: a clear error at start, nothing waits.
    w.fault(r#"{"endpoint":"device_authorization","kind":"answer","status":400,"body":{"error":"unauthorized_client","error_description":"device flow is off"}}"#)
        .await;
    let refused = w.grantry.start_device_link("sandbox", None, None).await;
    let error = IpcError::from(refused.expect_err("refused"));
    assert_eq!(error.code, ErrorCode::ProviderError);
    assert!(error.message.contains("device flow is off"), "{error}");
    let failures = w
        .grantry
        .activity(10)
        .expect("activity")
        .into_iter()
        .filter(|e| e.kind == ActivityKind::LinkFailed)
        .count();
    assert_eq!(failures, 2, "the denial and the expiry are in the history");
}

#[tokio::test]
async fn cancelling_ends_it_at_once_even_during_a_held_poll() {
    let w = world().await;
    let hold = w.hold(Endpoint::Token);
    let (view, waiting) = start(&w).await;
    w.until_held(hold).await;
    assert!(w.grantry.cancel_link(&view.link));
    let outcome = tokio::time::timeout(Duration::from_secs(5), waiting)
        .await
        .expect("cancelled at once")
        .expect("task");
    assert_eq!(code(outcome), ErrorCode::Cancelled);
    assert!(!w.grantry.cancel_link(&view.link), "gone");
    w.release(hold);
    assert!(w.grantry.accounts().expect("accounts").is_empty());
}

#[tokio::test]
async fn a_slow_poll_and_a_dropped_one_are_waited_out() {
    let w = world().await;
    w.fault(r#"{"endpoint":"token","kind":"latency","ms":1500}"#)
        .await;
    w.fault(r#"{"endpoint":"token","kind":"drop_connection"}"#)
        .await;
    let (view, waiting) = start(&w).await;
    answer(&view, "bob", true).await;
    let bob = tokio::time::timeout(Duration::from_secs(30), waiting)
        .await
        .expect("in time")
        .expect("task")
        .expect("linked despite a slow and a dropped poll");
    assert_eq!(bob.subject, "user-bob");
}

#[tokio::test]
async fn a_relink_by_device_code_must_come_from_the_same_account() {
    let w = world().await;
    let (view, waiting) = start(&w).await;
    answer(&view, "alice", true).await;
    let alice = waiting.await.expect("task").expect("linked");

    let view = w
        .grantry
        .start_device_link_for(alice.id, &[])
        .await
        .expect("start");
    let grantry = w.grantry.clone();
    let link = view.link.clone();
    let waiting = tokio::spawn(async move { grantry.wait_device_link(&link).await });
    answer(&view, "bob", true).await;
    assert_eq!(code(waiting.await.expect("task")), ErrorCode::WrongAccount);

    let view = w
        .grantry
        .start_device_link_for(alice.id, &[])
        .await
        .expect("start");
    let grantry = w.grantry.clone();
    let link = view.link.clone();
    let waiting = tokio::spawn(async move { grantry.wait_device_link(&link).await });
    answer(&view, "alice", true).await;
    let again = waiting.await.expect("task").expect("linked again");
    assert_eq!(again.id, alice.id);
    assert_eq!(w.grantry.accounts().expect("accounts").len(), 1);
}

#[tokio::test]
async fn a_code_link_refuses_the_device_strategy() {
    let w = world().await;
    let refused = w
        .grantry
        .start_link(
            "sandbox",
            None,
            None,
            Some(grantry_core::providers::RedirectKind::Device),
        )
        .await;
    let error = IpcError::from(refused.expect_err("refused"));
    assert_eq!(error.code, ErrorCode::InvalidInput);
    assert!(error.message.contains("device"), "{error}");
}

/// A device link where the sandbox requires DPoP and demands nonces: the environment has not
/// turned DPoP on, so the first poll is refused for want of a proof; the link goes on with a
/// key of its own, takes the nonce, and the account's tokens are bound to the key, through a
/// refresh and the revocation.
#[tokio::test]
async fn a_device_link_binds_its_tokens_when_the_provider_requires_dpop() {
    let w = support::world_with(SandboxConfig {
        device_interval: Duration::from_secs(1),
        dpop: grantry_sandbox::DpopSettings {
            required: true,
            nonce: true,
        },
        ..SandboxConfig::new(Personality::Generic)
    })
    .await;
    let (view, waiting) = start(&w).await;
    assert_eq!(answer(&view, "alice", true).await, "allowed");
    let account = waiting.await.expect("join").expect("linked");
    let item = crate::dpop::stored(&w);
    assert_eq!(item["token_type"], "DPoP");
    let jkt = crate::dpop::thumbprint(&item);
    let access = item["access_token"].as_str().expect("access").to_owned();
    assert_eq!(crate::dpop::as_bearer(&w, &access).await, 401, "bound");

    w.grantry.refresh(account.id).await.expect("refresh");
    assert_eq!(crate::dpop::thumbprint(&crate::dpop::stored(&w)), jkt);
    let receipt = w.grantry.revoke(account.id).await.expect("revoke");
    assert!(receipt.verified, "{receipt:?}");
}
