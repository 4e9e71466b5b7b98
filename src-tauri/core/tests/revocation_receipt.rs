//! The receipt of a revocation (`src/engine/revocation_check.rs`): after the provider accepted,
//! the tokens are tried, and the receipt says whether that proved them dead and how
//! (introspection, a refused refresh, a refused profile request: GitHub's in `revoke.rs`), found them still working
//! (the account is kept, "revocation not effective", for a retry), or could not tell. Each
//! against the sandbox, including its fault that accepts revocations and ignores them.

use crate::revoke::{grant_revoked, linked_at_facebook, manual};
use crate::support::{self, World, world};

use grantry_core::providers::Revocation;
use grantry_core::{
    AccountStatus, AccountSummary, ActivityKind, ErrorCode, RevocationOutcome, RevocationProof,
    RevocationReceipt,
};
use grantry_sandbox::{Personality, SandboxConfig};

const IGNORE: &str = r#"{"endpoint":"revoke","kind":"ignore_revocation"}"#;

/// The receipt holds no token: the exchanges are masked as in the HTTP log.
fn no_secret_in(receipt: &RevocationReceipt, _w: &World) {
    let text = serde_json::to_string(receipt).expect("json");
    for prefix in ["sbx_at_", "sbx_rt_", "EAAsbx", "gho_sbx"] {
        assert!(!text.contains(prefix), "a token in {text}");
    }
}

/// A provider of the test's own at this sandbox, with no introspection endpoint: its
/// revocations are checked by a refresh, then by the profile endpoint.
async fn linked_without_introspection(w: &World, scopes: &[&str]) -> AccountSummary {
    let paths = ["/authorize", "/token", "/userinfo", "/revoke"];
    manual(w, "plain", paths, scopes, Revocation::Rfc7009);
    let back = w.answer_at("plain", None, &support::allow("alice")).await;
    w.grantry.finish_link(&back).await.expect("link")
}

#[tokio::test]
async fn introspection_proves_a_revocation_and_the_receipt_shows_the_exchanges() {
    let w = world().await;
    let account = w.link("alice").await;
    let receipt = w.grantry.revoke(account.id).await.expect("revoke");
    assert!(receipt.verified, "{receipt:?}");
    assert_eq!(receipt.outcome, RevocationOutcome::Verified);
    assert_eq!(receipt.proof, Some(RevocationProof::Introspection));
    let urls: Vec<&str> = receipt.exchanges.iter().map(|e| e.url.as_str()).collect();
    assert!(urls.iter().any(|u| u.ends_with("/revoke")), "{urls:?}");
    assert!(urls.iter().any(|u| u.ends_with("/introspect")), "{urls:?}");
    no_secret_in(&receipt, &w);
    assert_eq!(grant_revoked(&w).await, [true]);
    assert!(w.grantry.accounts().expect("accounts").is_empty());
    let entry = &w.grantry.activity(1).expect("history")[0];
    assert_eq!(entry.kind, ActivityKind::AccountRevoked);
    assert_eq!(entry.id, receipt.activity_id);
    assert!(entry.detail.contains("verified"), "{}", entry.detail);
    assert!(entry.detail.contains("introspection"), "{}", entry.detail);
}

#[tokio::test]
async fn a_provider_that_ignores_revocations_leaves_the_account_not_effective_until_retried() {
    let w = world().await;
    let account = w.link("alice").await;
    w.fault(IGNORE).await;
    let receipt = w.grantry.revoke(account.id).await.expect("accepted");
    assert!(!receipt.verified);
    assert_eq!(receipt.outcome, RevocationOutcome::NotEffective);
    assert_eq!(receipt.proof, None);
    assert!(
        receipt.summary.contains("still calls the token active"),
        "{receipt:?}"
    );
    no_secret_in(&receipt, &w);

    // Kept, tokens and all, and the grant is live at the provider: nothing claims otherwise.
    let kept = w.grantry.account(account.id).expect("kept");
    assert_eq!(kept.status, AccountStatus::RevocationNotEffective);
    assert!(
        !w.secrets.snapshot().is_empty(),
        "tokens kept for the retry"
    );
    assert_eq!(grant_revoked(&w).await, [false]);
    let entry = &w.grantry.activity(1).expect("history")[0];
    assert_eq!(entry.kind, ActivityKind::RevocationNotEffective);
    assert_eq!(entry.account_id, Some(account.id));
    // Nothing refreshes it or hands it out meanwhile.
    assert_eq!(
        w.code(w.grantry.refresh(account.id).await),
        ErrorCode::Revoked
    );
    assert_eq!(
        w.code(w.grantry.hand_out(account.id, 0, "a test").await),
        ErrorCode::Revoked
    );

    // Retried once the provider behaves: verified, and gone.
    let again = w.grantry.revoke(account.id).await.expect("retry");
    assert_eq!(again.outcome, RevocationOutcome::Verified, "{again:?}");
    assert_eq!(grant_revoked(&w).await, [true]);
    assert!(w.grantry.accounts().expect("accounts").is_empty());
}

#[tokio::test]
async fn without_introspection_a_refused_refresh_proves_it_and_a_granted_one_is_kept() {
    let w = world().await;
    let account = linked_without_introspection(&w, &["openid", "offline_access"]).await;
    let linked = w.secrets.snapshot();

    // Ignored: the refresh the check makes still works, and its tokens are live access the
    // person wanted gone, so they are kept for the next try.
    w.fault(IGNORE).await;
    let receipt = w.grantry.revoke(account.id).await.expect("accepted");
    assert_eq!(
        receipt.outcome,
        RevocationOutcome::NotEffective,
        "{receipt:?}"
    );
    assert!(receipt.summary.contains("still renews"), "{receipt:?}");
    no_secret_in(&receipt, &w);
    assert_ne!(w.secrets.snapshot(), linked, "the renewed tokens are kept");
    assert_eq!(grant_revoked(&w).await, [false]);

    let again = w.grantry.revoke(account.id).await.expect("retry");
    assert!(again.verified, "{again:?}");
    assert_eq!(again.proof, Some(RevocationProof::RefreshRefused));
    assert_eq!(grant_revoked(&w).await, [true]);
}

#[tokio::test]
async fn facebook_graphs_refusal_proves_it_and_an_ignored_revocation_is_seen() {
    let w = support::world_with(SandboxConfig::new(Personality::Facebook)).await;
    let account = linked_at_facebook(&w).await;
    w.fault(IGNORE).await;
    let receipt = w.grantry.revoke(account.id).await.expect("revoke");
    assert_eq!(
        receipt.outcome,
        RevocationOutcome::NotEffective,
        "{receipt:?}"
    );
    assert!(receipt.summary.contains("profile endpoint still answers"));
    let receipt = w.grantry.revoke(account.id).await.expect("retry");
    assert_eq!(
        receipt.proof,
        Some(RevocationProof::UserinfoRefused),
        "{receipt:?}"
    );
}

#[tokio::test]
async fn when_no_check_answers_the_receipt_says_it_cannot_be_checked() {
    let w = world().await;
    let account = linked_without_introspection(&w, &["openid"]).await;
    w.fault(r#"{"endpoint":"userinfo","kind":"status","status":503,"count":null}"#)
        .await;
    let receipt = w.grantry.revoke(account.id).await.expect("revoke");
    assert!(!receipt.verified);
    assert_eq!(receipt.outcome, RevocationOutcome::CannotBeChecked);
    assert_eq!(receipt.proof, None);
    assert!(
        receipt.summary.starts_with("accepted by plain"),
        "{receipt:?}"
    );
    assert!(receipt.summary.contains("HTTP 503"), "{receipt:?}");
    // Accepted by the provider, which is all that is known: the account goes, as asked.
    assert!(w.grantry.accounts().expect("accounts").is_empty());
}
