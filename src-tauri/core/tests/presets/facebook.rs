//! Facebook (`src/providers/presets/facebook.rs`) against the facebook personality: a link
//! through the HTTPS bridge page (played here by the test), permissions read from
//! `/me/permissions`, the long-lived token exchange as the refresh, and Graph's error 190
//! subcodes in words.

use grantry_core::providers::{ClientAuth, Preset, RedirectKind, Revocation};
use grantry_core::{AccountSummary, ErrorCode, Received, ScopeStatus};
use grantry_sandbox::Personality;
use grantry_sandbox::robot::Choice;
use serde_json::json;

use super::support::{World, allow};
use super::{add, input, received, register, world_of};

/// The bridge page's address: never fetched, since the test plays the page.
const BRIDGE: &str = "https://me.github.io/grantry-bridge/";
const APP_ID: &str = "1234567890";
const APP_SECRET: &str = "fb-app-secret";

/// Facebook with its app registered at the sandbox, the bridge as its redirect.
async fn facebook(w: &World) {
    register(
        w,
        json!({"client_id": APP_ID, "client_secret": APP_SECRET, "name": "Grantry",
               "auth": "secret", "redirect_uris": [BRIDGE]}),
    )
    .await;
    let mut given = input(APP_ID);
    given.redirect_uri = Some(BRIDGE.into());
    let env = add(w, Preset::Facebook, "facebook", &given, Some(APP_SECRET));
    assert_eq!(env.redirect, RedirectKind::Bridge);
    assert_eq!(env.client_auth, ClientAuth::SecretPost);
    assert_eq!(env.revocation, Revocation::GraphPermissions);
}

/// What the bridge page does (`bridge/` in this repository): hands `code` and `state` on to
/// Grantry's own scheme.
fn bridged(back: &str) -> String {
    let query = back
        .strip_prefix(BRIDGE)
        .and_then(|rest| rest.strip_prefix('?'))
        .unwrap_or_else(|| panic!("not an answer at the bridge: {back}"));
    format!("dev.grantry:/oauth/callback?{query}")
}

async fn link(w: &World, choice: &Choice) -> AccountSummary {
    let (link, back) = super::answer(w, "facebook", choice).await;
    assert_eq!(link.started.redirect_uri, BRIDGE);
    received(w, &bridged(&back)).await
}

#[tokio::test]
async fn a_link_through_the_bridge_reads_declined_permissions_from_me_permissions() {
    let w = world_of(Personality::Facebook).await;
    facebook(&w).await;
    let (started, back) = super::answer(&w, "facebook", &allow("alice")).await;
    let url = &started.started.authorization_url;
    assert!(url.contains("/v25.0/dialog/oauth?"), "{url}");
    assert!(url.contains("redirect_uri=https%3A%2F%2Fme.github.io%2Fgrantry-bridge%2F"));
    received(&w, &bridged(&back)).await;

    let profile_only = Choice {
        scopes: Some(vec!["public_profile".into()]),
        ..allow("bob")
    };
    let bob = link(&w, &profile_only).await;
    assert_eq!(bob.subject, "user-bob");
    assert_eq!(bob.email, None, "email was declined");
    // Graph nests the picture's address: `picture.data.url`.
    let picture = bob.picture_url.as_deref().unwrap_or_default();
    assert!(
        picture.ends_with("/_sandbox/avatar/user-bob.svg"),
        "{picture:?}"
    );
    assert!(!bob.has_refresh_token, "Facebook has no refresh tokens");
    // The token response lists no scopes: they come from /me/permissions right after.
    assert_eq!(
        super::scopes(&w, bob.id),
        [
            ("email".into(), ScopeStatus::Declined, "permissions".into()),
            (
                "public_profile".into(),
                ScopeStatus::Granted,
                "permissions".into()
            ),
        ]
    );
    assert_eq!(bob.scope_count, 1);
}

#[tokio::test]
async fn an_answer_for_a_bridge_link_arriving_at_the_bridge_itself_is_refused() {
    let w = world_of(Personality::Facebook).await;
    facebook(&w).await;
    let (_, back) = super::answer(&w, "facebook", &allow("alice")).await;
    // Through the OS: a web scheme is never Grantry's.
    match w.grantry.receive_url(&back).await.expect("history") {
        Received::Rejected(reason) => assert!(reason.contains("\"https\""), "{reason}"),
        other => panic!("not refused: {other:?}"),
    }
    // Handed in directly (as the loopback listener and the CLI do): a bridge link's answer is
    // taken only where the bridge page hands it on.
    let error = w.grantry.finish_link(&back).await.expect_err("misdirected");
    assert_eq!(
        grantry_core::IpcError::from(&error).code,
        ErrorCode::InvalidCallback
    );
    assert!(
        error.to_string().contains("dev.grantry:/oauth/callback"),
        "{error}"
    );
    assert!(w.grantry.accounts().expect("accounts").is_empty());
    assert!(
        w.secrets
            .snapshot()
            .keys()
            .all(|k| !k.starts_with("account/"))
    );
}

#[tokio::test]
async fn the_long_lived_token_exchange_renews_the_access_token() {
    let w = world_of(Personality::Facebook).await;
    facebook(&w).await;
    let alice = link(&w, &allow("alice")).await;
    let short = alice.access_expires_at.expect("an expiry");
    let before = w.secrets.snapshot();
    let renewed = w.grantry.refresh(alice.id).await.expect("exchange");
    assert_ne!(w.secrets.snapshot(), before, "a new access token is held");
    let long = renewed.access_expires_at.expect("an expiry");
    // About 60 days rather than the hour of the token the link brought.
    assert!(long - short > 59 * 86400, "{short} → {long}");
    assert!(!renewed.has_refresh_token);
    assert_eq!(w.refreshes(), 1);
}

#[tokio::test]
async fn error_190_subcodes_are_said_in_words() {
    let w = world_of(Personality::Facebook).await;
    facebook(&w).await;
    // The password changed: Graph answers 190/460 to whatever token is sent.
    let alice = link(&w, &allow("alice")).await;
    w.fault(r#"{"endpoint":"token","kind":"graph_error","subcode":460}"#)
        .await;
    let reason = super::relink_reason(&w, alice.id).await;
    assert!(
        reason.contains("your Facebook password changed"),
        "{reason}"
    );

    // An expired token cannot be exchanged: 190/463.
    let bob = link(&w, &allow("bob")).await;
    w.expire_tokens().await;
    let reason = super::relink_reason(&w, bob.id).await;
    assert!(reason.contains("the access token expired"), "{reason}");

    // The person removed the app in their settings: 190/458.
    let carol = link(&w, &allow("carol")).await;
    super::revoke_at_sandbox(&w).await;
    let reason = super::relink_reason(&w, carol.id).await;
    assert!(
        reason.contains("you removed the app from your Facebook settings"),
        "{reason}"
    );
}

#[tokio::test]
async fn a_session_ended_at_facebook_shows_when_permissions_are_checked() {
    let w = world_of(Personality::Facebook).await;
    facebook(&w).await;
    let alice = link(&w, &allow("alice")).await;
    // A refusal at /me/permissions alone is got over: the token is renewed and asked again.
    w.fault(r#"{"endpoint":"userinfo","kind":"graph_error","subcode":463}"#)
        .await;
    w.grantry
        .check_scopes(alice.id)
        .await
        .expect("renewed, then checked");
    assert_eq!(w.refreshes(), 1);
    // The password changed: every Graph endpoint answers 190/460 from now on.
    w.fault(r#"{"kind":"graph_error","subcode":460,"count":null}"#)
        .await;
    let error = w
        .grantry
        .check_scopes(alice.id)
        .await
        .expect_err("the session is over");
    assert_eq!(
        grantry_core::IpcError::from(&error).code,
        ErrorCode::NeedsRelink
    );
    assert!(
        error.to_string().contains("your Facebook password changed"),
        "{error}"
    );
    let kept = w.grantry.account(alice.id).expect("kept");
    assert_eq!(kept.status, grantry_core::AccountStatus::NeedsRelink);
}

#[tokio::test]
async fn revoking_deletes_the_permissions() {
    let w = world_of(Personality::Facebook).await;
    facebook(&w).await;
    let alice = link(&w, &allow("alice")).await;
    w.grantry.revoke(alice.id).await.expect("revoke");
    assert_eq!(super::live_grants(&w).await, [false]);
    assert!(w.grantry.accounts().expect("accounts").is_empty());
}

#[tokio::test]
async fn one_permission_is_taken_back_alone_and_the_others_stay() {
    let w = world_of(Personality::Facebook).await;
    facebook(&w).await;
    let alice = link(&w, &allow("alice")).await;
    let detail = w
        .grantry
        .account_detail(alice.id, Default::default(), 10)
        .expect("detail");
    assert!(detail.scopes_revocable, "Facebook lets one permission go");
    let check = w
        .grantry
        .revoke_scope(alice.id, "email")
        .await
        .expect("take back email");
    assert_eq!(check.changes.len(), 1, "{:?}", check.changes);
    assert_eq!(check.changes[0].scope, "email");
    assert_eq!(
        super::scopes(&w, alice.id),
        [
            ("email".into(), ScopeStatus::Declined, "permissions".into()),
            (
                "public_profile".into(),
                ScopeStatus::Granted,
                "permissions".into()
            ),
        ]
    );
    let history = w.grantry.activity(20).expect("history");
    assert!(
        history
            .iter()
            .any(|e| e.kind == grantry_core::ActivityKind::ScopeRevoked
                && e.detail.contains("email")),
        "{history:?}"
    );
    // Only a scope the account holds, and no path tricks: nothing is asked of the provider.
    for bad in ["email", "../permissions", "user_posts"] {
        let refused = w.grantry.revoke_scope(alice.id, bad).await;
        assert_eq!(w.code(refused), ErrorCode::InvalidInput, "{bad}");
    }
}

#[tokio::test]
async fn facebook_accounts_are_renewed_by_the_schedule_and_refresh_all_without_a_refresh_token() {
    let w = world_of(Personality::Facebook).await;
    facebook(&w).await;
    let alice = link(&w, &allow("alice")).await;
    assert!(!alice.has_refresh_token);
    let detail = w
        .grantry
        .account_detail(alice.id, Default::default(), 10)
        .expect("detail");
    assert!(
        detail.tokens.next_refresh_at.is_some(),
        "the schedule renews it through the token exchange"
    );
    let outcomes = w
        .grantry
        .refresh_all(grantry_core::RefreshLimits::DEFAULT)
        .await
        .expect("refresh all");
    assert_eq!(outcomes.len(), 1, "the Facebook account is renewed too");
    let renewed = outcomes[0].1.as_ref().expect("renewed");
    assert!(
        renewed.access_expires_at > alice.access_expires_at,
        "{:?} after {:?}",
        renewed.access_expires_at,
        alice.access_expires_at
    );
}

#[tokio::test]
async fn the_data_access_expiry_in_the_token_response_is_kept_and_survives_the_exchange() {
    let w = world_of(Personality::Facebook).await;
    facebook(&w).await;
    let alice = link(&w, &allow("alice")).await;
    let detail = |id| {
        w.grantry
            .account_detail(id, Default::default(), 10)
            .expect("detail")
    };
    let at_link = detail(alice.id)
        .tokens
        .data_access_expires_at
        .expect("Facebook said when data access lapses");
    let in_days = (at_link - grantry_core::now()) / 86_400;
    assert!((89..=90).contains(&in_days), "{in_days} days");
    // The standard client drops the field; the Facebook dialect keeps it (`oauth/http.rs`).
    w.grantry.refresh(alice.id).await.expect("exchange");
    let after = detail(alice.id)
        .tokens
        .data_access_expires_at
        .expect("kept");
    assert!(after >= at_link, "{after} before {at_link}");
}
