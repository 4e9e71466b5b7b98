//! Why a grant broke, worked out and kept (`src/engine/break_cause.rs`): each cause the sandbox
//! can produce, through a real refresh, comes back as the account's cause with its mend and
//! words; linking the account again clears it. Microsoft's AADSTS codes: `presets/microsoft.rs`.

use serde_json::json;

use crate::support::{World, world};

use grantry_core::{AccountStatus, BreakCause, ErrorCode, RefreshPolicy};

/// Refreshes `account`, which must come to need a new link; returns its cause and words.
async fn broken(w: &World, account: i64) -> (Option<BreakCause>, String) {
    assert_eq!(
        w.code(w.grantry.refresh(account).await),
        ErrorCode::NeedsRelink
    );
    let detail = w
        .grantry
        .account_detail(account, RefreshPolicy::default(), 0)
        .expect("detail");
    assert_eq!(detail.account.status, AccountStatus::NeedsRelink);
    (
        detail.break_cause,
        detail.account.status_reason.unwrap_or_default(),
    )
}

/// The token endpoint's next answer: `status` with an OAuth error body.
async fn refuse(w: &World, status: u16, error: &str, description: &str) {
    let body = json!({"error": error, "error_description": description});
    let fault = json!({"endpoint": "token", "kind": "answer", "status": status, "body": body});
    w.fault(&fault.to_string()).await;
}

#[tokio::test]
async fn a_grant_revoked_at_the_provider_says_so_and_a_new_link_clears_it() {
    let w = world().await;
    let alice = w.link("alice").await;
    let grants = w.sandbox_grants().await;
    let grant = grants[0]["id"].as_u64().expect("grant id");
    let revoke = w.admin(reqwest::Method::POST, &format!("/grants/{grant}/revoke"));
    assert!(revoke.send().await.expect("revoke").status().is_success());
    let (cause, words) = broken(&w, alice.id).await;
    assert_eq!(cause, Some(BreakCause::Revoked));
    assert!(
        words.starts_with("Access was taken back at sandbox"),
        "{words}"
    );
    assert!(words.contains("Link the account again"), "{words}");
    assert!(
        words.ends_with("sandbox said: invalid_grant: refresh token revoked"),
        "{words}"
    );
    let report = w.grantry.export().expect("export");
    assert_eq!(
        report["accounts"][0]["break_cause"], "revoked",
        "the report carries it"
    );

    w.link("alice").await;
    let detail = w
        .grantry
        .account_detail(alice.id, RefreshPolicy::default(), 0)
        .expect("detail");
    assert_eq!(detail.break_cause, None, "a new link mends it");
}

#[tokio::test]
async fn a_refresh_token_used_twice_is_reuse_detection() {
    let w = world().await;
    let alice = w.link("alice").await;
    // The refresh rotates the refresh token and the answer is lost: the next one reuses it.
    w.fault(r#"{"endpoint":"token","kind":"drop_response"}"#)
        .await;
    assert!(w.grantry.refresh(alice.id).await.is_err());
    let (cause, words) = broken(&w, alice.id).await;
    assert_eq!(cause, Some(BreakCause::Reused), "{words}");
}

#[tokio::test]
async fn each_refusal_the_sandbox_answers_has_its_cause_and_mend() {
    let w = world().await;
    for (user, (status, error, description), cause) in [
        (
            "bob",
            (400, "invalid_scope", "the scope is no longer allowed"),
            BreakCause::ScopeNotAllowed,
        ),
        (
            "dave",
            (400, "invalid_grant", "the refresh token has expired"),
            BreakCause::Expired,
        ),
        (
            "erin",
            (400, "invalid_grant", "something nobody has seen"),
            BreakCause::Unknown,
        ),
    ] {
        let account = w.link(user).await;
        refuse(&w, status, error, description).await;
        let (found, words) = broken(&w, account.id).await;
        assert_eq!(found, Some(cause), "{words}");
        assert!(
            words.ends_with(&format!("{error}: {description}")),
            "the provider's words: {words}"
        );
    }
}

#[tokio::test]
async fn a_rejected_client_or_a_wrong_clock_leaves_the_grant_and_says_what_mends_it() {
    let w = world().await;
    for (user, (status, error, description), mend) in [
        (
            "alice",
            (401, "invalid_client", "client authentication failed"),
            "Fix the client on the Providers screen",
        ),
        (
            "carol",
            (400, "invalid_grant", "token not yet valid: check the clock"),
            "Set this computer's clock right",
        ),
    ] {
        let account = w.link(user).await;
        refuse(&w, status, error, description).await;
        assert_eq!(
            w.code(w.grantry.refresh(account.id).await),
            ErrorCode::ProviderError
        );
        // Not for a new link: the account stays, its refreshes failing, in these words.
        let kept = w.grantry.account(account.id).expect("kept");
        assert_eq!(kept.status, AccountStatus::Valid);
        let failing = kept.failing_refresh.expect("failing refresh");
        assert!(failing.last_error.contains(mend), "{}", failing.last_error);
        // Mended (the fault was one answer), the next refresh works.
        w.grantry.refresh(account.id).await.expect("refresh");
    }
}
