//! The one way in for URLs from the OS (`Grantry::receive_url`): what is recorded, what
//! completes a link, what is refused, and what the window is told through events.

use crate::support;

use grantry_core::{ActivityKind, ErrorCode, GrantryEvent, LINK_BURST, Received};
use support::{allow, world};

fn kinds(events: &[GrantryEvent]) -> Vec<&'static str> {
    events
        .iter()
        .map(|event| match event {
            GrantryEvent::ActivityRecorded { .. } => "activity",
            GrantryEvent::AccountsChanged => "accounts",
            GrantryEvent::LinkCompleted { .. } => "link_completed",
            GrantryEvent::LinkFailed { .. } => "link_failed",
            GrantryEvent::SandboxChanged => "sandbox",
            GrantryEvent::ProvidersChanged => "providers",
            GrantryEvent::RefreshProgress { .. } => "refresh_progress",
            GrantryEvent::RevokeProgress { .. } => "revoke_progress",
        })
        .collect()
}

#[tokio::test]
async fn a_sign_in_response_from_the_os_completes_its_link_and_tells_the_window() {
    let w = world().await;
    let back = w.answer(None, &allow("alice")).await;
    assert!(back.starts_with("dev.grantry:/oauth/callback?"), "{back}");
    let state = url::Url::parse(&back)
        .expect("url")
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("state");
    w.events.take();

    let received = w.grantry.receive_url(&back).await.expect("recorded");
    let Received::Linked(account) = received else {
        panic!("expected a link, got {received:?}");
    };
    assert_eq!(account.email.as_deref(), Some("alice@sandbox.grantry.test"));
    let events = w.events.take();
    assert_eq!(
        kinds(&events),
        ["activity", "activity", "accounts", "link_completed"],
        "{events:#?}"
    );
    let GrantryEvent::ActivityRecorded { entry } = &events[0] else {
        unreachable!()
    };
    assert_eq!(entry.kind, ActivityKind::DeepLinkReceived);
    assert!(
        entry.detail.contains("code=[redacted]"),
        "the code is never recorded: {}",
        entry.detail
    );
    assert!(
        matches!(&events[3], GrantryEvent::LinkCompleted { link, account: a } if *link == state && a.id == account.id)
    );

    // The same answer again is a replay: refused and recorded. The window is not told of a
    // failure: that link ended, linked, and no link of ours waits for this answer.
    let again = w.grantry.receive_url(&back).await.expect("recorded");
    let Received::LinkFailed(error) = again else {
        panic!("a replay must fail, got {again:?}");
    };
    assert_eq!(error.code(), ErrorCode::InvalidCallback);
    let events = w.events.take();
    assert_eq!(kinds(&events), ["activity", "activity"]);
    assert_eq!(w.grantry.accounts().expect("accounts").len(), 1);
}

#[tokio::test]
async fn links_that_are_not_sign_in_responses_are_recorded_or_refused() {
    let w = world().await;
    let noted = w
        .grantry
        .receive_url("dev.grantry:/somewhere?access_token=secret1&x=1")
        .await
        .expect("recorded");
    assert!(matches!(noted, Received::Noted), "{noted:?}");
    let refused = w
        .grantry
        .receive_url("https://evil.example/oauth/callback?code=1&state=2")
        .await
        .expect("recorded");
    assert!(
        matches!(&refused, Received::Rejected(reason) if reason.contains("scheme")),
        "{refused:?}"
    );
    let huge = format!("dev.grantry:/oauth/callback?state={}", "a".repeat(5000));
    let refused = w.grantry.receive_url(&huge).await.expect("recorded");
    assert!(matches!(refused, Received::Rejected(_)), "{refused:?}");
    let history = w.grantry.activity(10).expect("activity");
    let kinds: Vec<ActivityKind> = history.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            ActivityKind::DeepLinkRejected,
            ActivityKind::DeepLinkRejected,
            ActivityKind::DeepLinkReceived
        ]
    );
    assert!(history.iter().all(|e| !e.detail.contains("secret1")));
    assert!(
        !kinds.contains(&ActivityKind::CallbackRejected),
        "nothing was taken for a sign-in response"
    );
    let events = w.events.take();
    assert!(
        events
            .iter()
            .all(|e| matches!(e, GrantryEvent::ActivityRecorded { .. })),
        "only the history changed: {events:#?}"
    );
}

#[tokio::test]
async fn a_forged_answer_to_no_link_tells_no_link_of_ours() {
    let w = world().await;
    let started = w
        .grantry
        .start_link("sandbox", None, None, None)
        .await
        .expect("start")
        .started;
    w.events.take();
    let forged = "dev.grantry:/oauth/callback?code=c&state=not-a-state-of-ours";
    let received = w.grantry.receive_url(forged).await.expect("recorded");
    assert!(matches!(received, Received::LinkFailed(_)), "{received:?}");
    let events = w.events.take();
    assert!(
        events.iter().all(|e| match e {
            GrantryEvent::LinkFailed { link, .. } => *link != started.state,
            GrantryEvent::LinkCompleted { .. } | GrantryEvent::AccountsChanged => false,
            _ => true,
        }),
        "the link under way is not told it failed: {events:#?}"
    );
    assert!(
        w.grantry.pending_url(&started.state).is_some(),
        "the link under way still waits"
    );
}

#[tokio::test]
async fn a_flood_of_links_writes_a_bounded_history_and_the_awaited_answer_still_links() {
    let w = world().await;
    // A link under way, its answer not yet delivered, while a page opens links in a loop:
    // answers naming no link, links of ours that are no answer, and other schemes.
    let back = w.answer(None, &allow("alice")).await;
    let now = grantry_core::now();
    for n in 0..1_000 {
        let link = match n % 3 {
            0 => format!("dev.grantry:/oauth/callback?code=c&state=forged-{n}"),
            1 => format!("dev.grantry:/elsewhere?n={n}"),
            _ => format!("https://evil.example/{n}"),
        };
        w.grantry
            .receive_url_at(&link, now)
            .await
            .expect("taken in");
    }
    let burst = usize::try_from(LINK_BURST).expect("small");
    let rows = w.grantry.activity(10_000).expect("activity").len();
    assert!(
        rows <= 2 * burst,
        "{rows} rows: at most two for each of the {burst} links recorded"
    );

    let received = w
        .grantry
        .receive_url_at(&back, now)
        .await
        .expect("taken in");
    assert!(matches!(received, Received::Linked(_)), "{received:?}");
    assert_eq!(w.grantry.accounts().expect("accounts").len(), 1);

    // A second later a link is recorded again, after one row counting those held back.
    let later = w
        .grantry
        .receive_url_at("dev.grantry:/elsewhere?later", now + 1)
        .await
        .expect("taken in");
    assert!(matches!(later, Received::Noted), "{later:?}");
    let history = w.grantry.activity(3).expect("activity");
    assert_eq!(history[0].kind, ActivityKind::DeepLinkReceived);
    assert_eq!(history[1].kind, ActivityKind::DeepLinkRejected);
    assert!(
        history[1]
            .detail
            .starts_with(&format!("{} links", 1_000 - burst)),
        "{}",
        history[1].detail
    );
}
