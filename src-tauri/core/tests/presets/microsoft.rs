//! Microsoft (`src/providers/presets/microsoft.rs`) against the microsoft personality: a
//! public client on `dev.grantry:` under the tenant `common`, refresh tokens rotated at every
//! refresh, no way to revoke (the person is sent to the consent page, and nothing changes),
//! and AADSTS errors in words.

use grantry_core::providers::{ClientAuth, Preset, RedirectKind, Revocation};
use grantry_core::{AccountStatus, AccountSummary, ErrorCode, IpcError, RefreshPolicy};
use grantry_sandbox::Personality;
use serde_json::json;

use super::support::{World, allow};
use super::{add, input, received, register, world_of};

const CLIENT_ID: &str = "6731de76-14a6-49ae-97bc-6eba6914391e";

async fn microsoft(w: &World) {
    register(
        w,
        json!({"client_id": CLIENT_ID, "name": "Grantry", "auth": "none",
               "redirect_uris": ["dev.grantry:/oauth/callback"]}),
    )
    .await;
    let mut given = input(CLIENT_ID);
    given.site = Some("common".into());
    let env = add(w, Preset::Microsoft, "microsoft", &given, None);
    assert_eq!(env.redirect, RedirectKind::CustomScheme);
    assert_eq!(env.client_auth, ClientAuth::None);
    assert_eq!(env.revocation, Revocation::Unsupported);
    assert_eq!(
        env.token_endpoint.as_ref().map(|u| u.path()),
        Some("/common/oauth2/v2.0/token")
    );
}

async fn link(w: &World, user: &str) -> AccountSummary {
    let (link, back) = super::answer(w, "microsoft", &allow(user)).await;
    let url = &link.started.authorization_url;
    assert!(url.contains("/common/oauth2/v2.0/authorize?"), "{url}");
    assert!(url.contains("offline_access"), "{url}");
    assert!(back.starts_with("dev.grantry:/oauth/callback?"), "{back}");
    received(w, &back).await
}

#[tokio::test]
async fn a_link_on_dev_grantry_under_common_rotates_its_refresh_token_at_every_refresh() {
    let w = world_of(Personality::Microsoft).await;
    microsoft(&w).await;
    let alice = link(&w, "alice").await;
    assert_eq!(alice.email.as_deref(), Some("alice@sandbox.grantry.test"));
    assert!(alice.has_refresh_token);
    assert_eq!(alice.scope_count, 5);
    let mut held = super::held_refresh_token(&w);
    for refreshes in 1..=2 {
        w.grantry.refresh(alice.id).await.expect("refresh");
        let now = super::held_refresh_token(&w);
        assert_ne!(now, held, "a new refresh token at every refresh");
        held = now;
        let detail = w
            .grantry
            .account_detail(alice.id, RefreshPolicy::default(), 10)
            .expect("detail");
        assert_eq!(detail.tokens.rotations, refreshes);
    }
    // A rotated refresh token used again would have ended the grant: it is alive.
    assert_eq!(super::live_grants(&w).await, [true]);
}

#[tokio::test]
async fn revoking_is_refused_with_the_consent_page_and_changes_nothing() {
    let w = world_of(Personality::Microsoft).await;
    microsoft(&w).await;
    let alice = link(&w, "alice").await;
    let accounts = w.grantry.accounts().expect("accounts");
    let secrets = w.secrets.snapshot();
    let error = w.grantry.revoke(alice.id).await.expect_err("no revocation");
    assert_eq!(IpcError::from(&error).code, ErrorCode::InvalidInput);
    let said = error.to_string();
    assert!(
        said.contains(
            "remove Grantry's access yourself at https://account.live.com/consent/Manage, \
             then forget the account here"
        ),
        "{said}"
    );
    assert_eq!(w.grantry.accounts().expect("accounts"), accounts);
    assert_eq!(w.secrets.snapshot(), secrets);
    assert_eq!(super::live_grants(&w).await, [true]);
    let history = w.grantry.activity(5).expect("history");
    assert_eq!(
        history[0].kind,
        grantry_core::ActivityKind::RevocationFailed,
        "the refusal is in the history: {history:?}"
    );
    let kept = w.grantry.refresh(alice.id).await.expect("still refreshes");
    assert_eq!(kept.status, AccountStatus::Valid);
}

#[tokio::test]
async fn aadsts_errors_are_said_in_words() {
    let w = world_of(Personality::Microsoft).await;
    microsoft(&w).await;
    use grantry_core::BreakCause;
    for (user, code, words, cause) in [
        (
            "alice",
            700082,
            "the sign-in expired after going unused for 90 days",
            BreakCause::Expired,
        ),
        (
            "bob",
            50173,
            "the grant was revoked, or your password changed",
            BreakCause::SecurityChange,
        ),
        (
            "carol",
            65001,
            "Grantry has no consent for these permissions",
            BreakCause::ConsentWithdrawn,
        ),
    ] {
        let account = link(&w, user).await;
        let fault = json!({"endpoint": "token", "kind": "aadsts", "code": code});
        w.fault(&fault.to_string()).await;
        let reason = super::relink_reason(&w, account.id).await;
        assert!(
            reason.contains("Microsoft no longer accepts this sign-in"),
            "{reason}"
        );
        assert!(reason.contains(words), "AADSTS{code}: {reason}");
        let detail = w
            .grantry
            .account_detail(account.id, grantry_core::RefreshPolicy::default(), 0)
            .expect("detail");
        assert_eq!(detail.break_cause, Some(cause), "AADSTS{code}: {reason}");
    }
}

#[tokio::test]
async fn a_refresh_token_unused_for_90_days_is_refused_in_words() {
    let w = world_of(Personality::Microsoft).await;
    microsoft(&w).await;
    let alice = link(&w, "alice").await;
    super::advance_clock(&w, 90 * 86400).await;
    let reason = super::relink_reason(&w, alice.id).await;
    assert!(reason.contains("unused for 90 days"), "{reason}");
}
