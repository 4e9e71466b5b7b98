//! Revoking at the provider, forgetting locally, and the export: checked at the sandbox, in
//! the secret store and in the database.

use crate::support;

use grantry_core::{AccountStatus, ActivityKind, ErrorCode};
use serde_json::Value;
use support::{World, world};

pub(crate) async fn grant_revoked(w: &World) -> Vec<bool> {
    w.sandbox_grants()
        .await
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
    assert!(w.secrets.snapshot().is_empty(), "tokens deleted");
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
        !w.secrets.snapshot().is_empty(),
        "tokens kept for the retry"
    );
    assert_eq!(
        grant_revoked(&w).await,
        [false],
        "and not claimed as revoked"
    );

    w.fault_clear().await;
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
    assert!(w.secrets.snapshot().is_empty());
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
        ErrorCode::UnknownAccount
    );
}

#[tokio::test]
async fn the_export_holds_accounts_scopes_and_history_but_no_token() {
    let w = world().await;
    w.link("alice").await;
    let bob = w.link("bob").await;
    w.grantry.refresh(bob.id).await.expect("refresh");
    let report = w.grantry.export().expect("export");
    // Each account says when its grant ends: the sandbox says nothing and has no rule.
    assert_eq!(
        report["accounts"][0]["grant_end"]["source"], "unknown",
        "{report}"
    );
    let export = report.to_string();
    assert!(export.contains("alice@sandbox.grantry.test") && export.contains("offline_access"));
    let secrets = w.secrets.snapshot();
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

/// A provider of the test's own, with manual endpoints at this sandbox.
pub(crate) fn manual(
    w: &World,
    id: &str,
    paths: [&str; 4],
    scopes: &[&str],
    revocation: grantry_core::providers::Revocation,
) {
    use grantry_core::providers::{ClientAuth, Provider};
    use grantry_core::secret::Secret;
    let issuer = w.sandbox.issuer().to_owned();
    let url = |path: &str| Some(format!("{issuer}{path}").parse().expect("url"));
    let mut provider: Provider = w.grantry.providers()[0].clone();
    provider.id = id.to_owned().try_into().expect("id");
    provider.name = id.into();
    let env = &mut provider.environments[0];
    env.issuer = None;
    env.authorization_endpoint = url(paths[0]);
    env.token_endpoint = url(paths[1]);
    env.userinfo_endpoint = url(paths[2]);
    env.revocation_endpoint = url(paths[3]);
    env.client_id = "grantry-confidential".into();
    env.client_auth = ClientAuth::SecretPost;
    env.scopes = scopes.iter().map(|s| (*s).to_owned()).collect();
    env.revocation = revocation;
    w.grantry.add_provider(provider).expect("add");
    w.grantry
        .set_client_secret(id, None, &Secret::new("sandbox-secret".into()))
        .expect("secret");
}

/// Alice linked at a provider of the test's own with Facebook Graph's paths, at a sandbox of
/// Facebook's personality (`w`).
pub(crate) async fn linked_at_facebook(w: &World) -> grantry_core::AccountSummary {
    use grantry_core::providers::Revocation;
    let paths = [
        "/v25.0/dialog/oauth",
        "/v25.0/oauth/access_token",
        "/me?fields=id,name,email",
        "/me/permissions",
    ];
    manual(
        w,
        "facebook",
        paths,
        &["public_profile", "email"],
        Revocation::GraphPermissions,
    );
    let back = w
        .answer_at("facebook", None, &support::allow("alice"))
        .await;
    w.grantry.finish_link(&back).await.expect("link")
}

/// Alice linked at a provider of the test's own with GitHub's paths (an OAuth app: no
/// refresh token), at a sandbox of GitHub's personality (`w`).
pub(crate) async fn linked_at_github(w: &World) -> grantry_core::AccountSummary {
    use grantry_core::providers::Revocation;
    let paths = [
        "/login/oauth/authorize",
        "/login/oauth/access_token",
        "/user",
        "/applications/{client_id}/grant",
    ];
    manual(w, "github", paths, &["read:user"], Revocation::GithubGrant);
    let back = w.answer_at("github", None, &support::allow("alice")).await;
    w.grantry.finish_link(&back).await.expect("link")
}

#[tokio::test]
async fn facebook_style_revocation_deletes_the_permissions() {
    use grantry_sandbox::{Personality, SandboxConfig};
    let w = support::world_with(SandboxConfig::new(Personality::Facebook)).await;
    let account = linked_at_facebook(&w).await;
    assert_eq!(account.subject, "user-alice");
    assert_eq!(account.email.as_deref(), Some("alice@sandbox.grantry.test"));
    w.grantry.revoke(account.id).await.expect("revoke");
    assert_eq!(grant_revoked(&w).await, [true]);
}

#[tokio::test]
async fn github_style_revocation_deletes_the_grant() {
    use grantry_sandbox::{Personality, SandboxConfig};
    let w = support::world_with(SandboxConfig::new(Personality::Github)).await;
    let account = linked_at_github(&w).await;
    assert!(
        account.subject.parse::<u64>().is_ok(),
        "GitHub's numeric id: {}",
        account.subject
    );
    // No refresh token: GitHub's /user refusing the access token proves the revocation.
    let receipt = w.grantry.revoke(account.id).await.expect("revoke");
    assert_eq!(
        receipt.proof,
        Some(grantry_core::RevocationProof::UserinfoRefused),
        "{receipt:?}"
    );
    assert_eq!(grant_revoked(&w).await, [true]);
}

#[tokio::test]
async fn repair_marks_accounts_whose_tokens_vanished_and_keeps_them() {
    let w = world().await;
    let account = w.link("alice").await;
    w.secrets.clear();
    let report = w.grantry.repair().await.expect("repair");
    assert_eq!(report.accounts_without_tokens, 1);
    let kept = w.grantry.account(account.id).expect("kept");
    assert_eq!(kept.status, AccountStatus::NeedsRelink);
    assert!(
        kept.status_reason
            .as_deref()
            .is_some_and(|r| r.contains("missing"))
    );
    assert_eq!(
        w.grantry
            .repair()
            .await
            .expect("again")
            .accounts_without_tokens,
        0,
        "once"
    );
}

#[tokio::test]
async fn a_refused_revocation_leaves_the_account_as_it_was() {
    let w = world().await;
    let account = w.link("alice").await;
    // A provider that cannot revoke: the configured method has no endpoint to call.
    let mut provider: grantry_core::providers::Provider = w.grantry.providers()[0].clone();
    provider.id = "norevoke".to_owned().try_into().expect("id");
    provider.name = "No revocation".into();
    provider.environments[0].issuer = None;
    let issuer = w.sandbox.issuer().to_owned();
    let env = &mut provider.environments[0];
    env.authorization_endpoint = Some(format!("{issuer}/authorize").parse().expect("url"));
    env.token_endpoint = Some(format!("{issuer}/token").parse().expect("url"));
    env.userinfo_endpoint = Some(format!("{issuer}/userinfo").parse().expect("url"));
    w.grantry.add_provider(provider).expect("add");
    let back = w.answer_at("norevoke", None, &support::allow("bob")).await;
    let bob = w.grantry.finish_link(&back).await.expect("link");
    assert_eq!(
        w.code(w.grantry.revoke(bob.id).await),
        ErrorCode::InvalidInput
    );
    assert_eq!(
        w.grantry.account(bob.id).expect("kept").status,
        AccountStatus::Valid
    );
    assert_eq!(
        w.grantry.activity(1).expect("activity")[0].kind,
        ActivityKind::RevocationFailed
    );
    assert_eq!(
        w.grantry.account(account.id).expect("alice").status,
        AccountStatus::Valid
    );
}

#[tokio::test]
async fn a_pending_revocation_is_never_undone_by_a_refresh() {
    let w = world().await;
    let account = w.link("alice").await;
    w.fault(r#"{"endpoint":"revoke","kind":"status","status":503,"count":null}"#)
        .await;
    w.grantry.revoke(account.id).await.expect_err("pending");
    let before = w.secrets.snapshot();
    let outcomes = w
        .grantry
        .refresh_all(grantry_core::RefreshLimits::DEFAULT)
        .await
        .expect("refresh all");
    assert!(outcomes.is_empty(), "refresh --all leaves it alone");
    assert_eq!(
        w.code(w.grantry.refresh(account.id).await),
        ErrorCode::Revoked,
        "a refresh of it is refused"
    );
    assert_eq!(w.secrets.snapshot(), before, "its tokens were not rotated");
    assert_eq!(
        w.grantry.account(account.id).expect("kept").status,
        AccountStatus::RevocationPending
    );
    w.fault_clear().await;
    let retried = w.grantry.retry_revocations().await.expect("retry");
    assert!(retried.iter().all(|(_, outcome)| outcome.is_ok()));
    assert!(w.grantry.accounts().expect("accounts").is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refresh_during_a_revocation_waits_for_it_and_resurrects_nothing() {
    use tracing::instrument::WithSubscriber;

    let w = world().await;
    let account = w.link("alice").await;
    // The revocation is stopped at the provider, with the account in its hands.
    let hold = w.hold(grantry_sandbox::Endpoint::Revoke);
    let revoking = {
        let grantry = w.grantry.clone();
        tokio::spawn(async move { grantry.revoke(account.id).await })
    };
    w.until_held(hold).await;
    // A refresh of the same account arrives meanwhile.
    let waits = support::Waits::default();
    let mut refreshing = {
        let grantry = w.grantry.clone();
        let refresh = async move { grantry.refresh(account.id).await };
        tokio::spawn(refresh.with_subscriber(waits.dispatch()))
    };
    let what = "the refresh during the revocation";
    support::until_waiting(&waits, &mut refreshing, what).await;
    assert!(!refreshing.is_finished(), "the refresh waits");
    assert!(!revoking.is_finished(), "the revocation is still held");
    assert_eq!(w.refreshes(), 0, "nothing was refreshed meanwhile");

    w.release(hold);
    revoking.await.expect("task").expect("revoked");
    let refreshed = refreshing.await.expect("task");
    assert_eq!(
        w.code(refreshed),
        ErrorCode::UnknownAccount,
        "the refresh waited and found the account gone"
    );
    assert_eq!(
        grant_revoked(&w).await,
        [true],
        "the grant is revoked, not renewed"
    );
    assert!(w.grantry.accounts().expect("accounts").is_empty());
    assert!(
        w.secrets.snapshot().is_empty(),
        "no tokens written back after the revocation deleted them"
    );
    assert_eq!(
        w.refreshes(),
        0,
        "nothing was refreshed during the revocation"
    );
}
