//! Google (`src/providers/presets/google.rs`) against the google personality: an iOS client on
//! its reversed client id, a Desktop app client on loopback with its secret, offline access
//! asked at every consent, incremental authorization, `tokeninfo`, and `invalid_grant` in words.

use grantry_core::providers::{ClientAuth, Preset, RedirectKind, Revocation};
use grantry_core::{ErrorCode, Received, ScopeStatus};
use grantry_sandbox::Personality;
use grantry_sandbox::robot::{self, Choice};
use serde_json::json;

use super::support::{World, allow};
use super::{add, input, live_grants, received, register, world_of};

const IOS_CLIENT: &str = "123-abc.apps.googleusercontent.com";
const IOS_SCHEME: &str = "com.googleusercontent.apps.123-abc";
const CALENDAR: &str = "https://www.googleapis.com/auth/calendar.readonly";

/// Google with an iOS client, registered at the sandbox with its one redirect.
async fn ios_client(w: &World) {
    register(
        w,
        json!({"client_id": IOS_CLIENT, "name": "Grantry (iOS client)", "auth": "none",
               "redirect_uris": [format!("{IOS_SCHEME}:/oauth2redirect")]}),
    )
    .await;
    let env = add(w, Preset::Google, "google", &input(IOS_CLIENT), None);
    assert_eq!(env.redirect, RedirectKind::ProviderScheme);
    assert_eq!(env.client_auth, ClientAuth::None);
    assert_eq!(env.revocation, Revocation::Google);
    assert_eq!(w.grantry.provider_schemes(), [IOS_SCHEME]);
}

/// Links `user` through the provider's scheme, delivered as the OS delivers it.
async fn link(w: &World, user: &str) -> grantry_core::AccountSummary {
    let (link, back) = super::answer(w, "google", &allow(user)).await;
    assert!(link.loopback.is_none());
    assert!(
        back.starts_with(&format!("{IOS_SCHEME}:/oauth2redirect?")),
        "{back}"
    );
    received(w, &back).await
}

#[tokio::test]
async fn an_ios_client_links_on_its_reversed_client_id_with_offline_consent() {
    let w = world_of(Personality::Google).await;
    ios_client(&w).await;
    let (link, back) = super::answer(&w, "google", &allow("alice")).await;
    let url = &link.started.authorization_url;
    assert!(url.contains("/o/oauth2/v2/auth?"), "{url}");
    // A refresh token only with offline access, and again only when consent is asked again.
    assert!(
        url.contains("access_type=offline") && url.contains("prompt=consent"),
        "{url}"
    );
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    assert!(!url.contains("include_granted_scopes"), "{url}");
    let alice = received(&w, &back).await;
    assert_eq!(alice.email.as_deref(), Some("alice@sandbox.grantry.test"));
    assert_eq!(alice.subject, "user-alice");
    assert!(alice.has_refresh_token);
    let granted: Vec<String> = super::scopes(&w, alice.id)
        .into_iter()
        .filter(|(_, status, _)| *status == ScopeStatus::Granted)
        .map(|(scope, _, _)| scope)
        .collect();
    assert_eq!(granted, ["email", "openid", "profile"]);
    // Google's refresh tokens do not rotate: the one held works again and again.
    let held = super::held_refresh_token(&w);
    for _ in 0..2 {
        w.grantry.refresh(alice.id).await.expect("refresh");
    }
    assert_eq!(super::held_refresh_token(&w), held);
}

#[tokio::test]
async fn an_answer_on_a_scheme_no_provider_has_is_refused_at_the_door() {
    let w = world_of(Personality::Google).await;
    ios_client(&w).await;
    let (link, back) = super::answer(&w, "google", &allow("alice")).await;
    // A web page can open any URL: an answer on a scheme Grantry was never given is refused
    // before it is read, even with the state of a link under way.
    let forged = back.replacen(IOS_SCHEME, "com.googleusercontent.apps.999-evil", 1);
    match w.grantry.receive_url(&forged).await.expect("history") {
        Received::Rejected(reason) => assert!(reason.contains("scheme"), "{reason}"),
        other => panic!("not refused: {other:?}"),
    }
    assert!(
        w.grantry.pending_url(&link.started.state).is_some(),
        "the link under way is untouched"
    );
    let alice = received(&w, &back).await;
    assert_eq!(w.grantry.accounts().expect("accounts"), [alice]);
}

#[tokio::test]
async fn a_desktop_client_links_on_loopback_with_its_secret_and_revokes() {
    let w = world_of(Personality::Google).await;
    let client = "456-def.apps.googleusercontent.com";
    register(
        &w,
        json!({"client_id": client, "client_secret": "GOCSPX-sandbox",
               "name": "Grantry (Desktop app)", "auth": "secret",
               "redirect_uris": ["http://127.0.0.1/callback"]}),
    )
    .await;
    let mut given = input(client);
    given.redirect = Some(RedirectKind::Loopback);
    given.with_secret = true;
    let env = add(
        &w,
        Preset::Google,
        "google-desktop",
        &given,
        Some("GOCSPX-sandbox"),
    );
    assert_eq!(env.client_auth, ClientAuth::SecretPost);
    assert!(
        w.grantry.provider_schemes().is_empty(),
        "no scheme to register"
    );
    let link = w
        .grantry
        .start_link("google-desktop", None, None, None)
        .await
        .expect("start");
    let redirect = link.started.redirect_uri.clone();
    assert!(redirect.starts_with("http://127.0.0.1:") && redirect.ends_with("/callback"));
    let account = super::link_on_loopback(&w, link, &allow("bob"))
        .await
        .expect("link");
    assert_eq!(account.email.as_deref(), Some("bob@sandbox.grantry.test"));
    assert!(account.has_refresh_token);
    w.grantry.revoke(account.id).await.expect("revoke");
    assert_eq!(live_grants(&w).await, [false]);
    assert!(w.grantry.accounts().expect("accounts").is_empty());
}

#[tokio::test]
async fn adding_a_scope_includes_the_granted_ones_and_keeps_the_refresh_token() {
    let w = world_of(Personality::Google).await;
    ios_client(&w).await;
    let alice = link(&w, "alice").await;
    let held = super::held_refresh_token(&w);
    let started = w
        .grantry
        .start_link_for(alice.id, &[CALENDAR.to_owned()], None)
        .await
        .expect("start")
        .started;
    let url = &started.authorization_url;
    assert!(url.contains("include_granted_scopes=true"), "{url}");
    assert!(!url.contains("prompt=consent"), "{url}");
    let back = robot::consent(url, &allow("alice")).await.expect("consent");
    let updated = received(&w, &back).await;
    assert_eq!(updated.id, alice.id);
    assert!(updated.has_refresh_token, "the refresh token held is kept");
    assert_eq!(super::held_refresh_token(&w), held);
    let calendar = |w: &World| {
        super::scopes(w, alice.id)
            .into_iter()
            .find(|(scope, _, _)| scope == CALENDAR)
            .map(|(_, status, _)| status)
    };
    assert_eq!(calendar(&w), Some(ScopeStatus::Granted));
    // The refresh token held now stands for the grant with the scope added.
    w.grantry.refresh(alice.id).await.expect("refresh");
    assert_eq!(calendar(&w), Some(ScopeStatus::Granted));
}

#[tokio::test]
async fn check_scopes_reads_tokeninfo_and_renews_an_expired_token_first() {
    let w = world_of(Personality::Google).await;
    ios_client(&w).await;
    let partial = Choice {
        scopes: Some(vec!["openid".into(), "email".into()]),
        ..allow("alice")
    };
    let (_, back) = super::answer(&w, "google", &partial).await;
    let alice = received(&w, &back).await;
    let checked = w.grantry.check_scopes(alice.id).await.expect("check");
    assert!(checked.changes.is_empty(), "{:?}", checked.changes);
    let sources = super::scopes(&w, alice.id);
    assert!(
        sources
            .iter()
            .filter(|(_, status, _)| *status == ScopeStatus::Granted)
            .all(|(_, _, source)| source == "tokeninfo"),
        "{sources:?}"
    );
    assert!(sources.contains(&(
        "profile".into(),
        ScopeStatus::Declined,
        "token_response".into()
    )));
    // tokeninfo refuses an expired token: it is renewed once, then asked about.
    w.expire_tokens().await;
    let checked = w
        .grantry
        .check_scopes(alice.id)
        .await
        .expect("check after expiry");
    assert!(checked.changes.is_empty(), "{:?}", checked.changes);
    assert_eq!(w.refreshes(), 1);
}

#[tokio::test]
async fn invalid_grant_after_the_grant_is_revoked_names_the_testing_status_rule() {
    let w = world_of(Personality::Google).await;
    ios_client(&w).await;
    let alice = link(&w, "alice").await;
    super::revoke_at_sandbox(&w).await;
    let reason = super::relink_reason(&w, alice.id).await;
    assert!(
        reason.contains("Google no longer accepts this sign-in"),
        "{reason}"
    );
    assert!(
        reason.contains("\"Testing\"") && reason.contains("7 days"),
        "{reason}"
    );
    assert!(
        reason.contains("Token has been expired or revoked."),
        "{reason}"
    );
}

#[tokio::test]
async fn a_scope_is_not_taken_back_alone_where_the_provider_cannot() {
    let w = world_of(Personality::Google).await;
    ios_client(&w).await;
    let account = link(&w, "alice").await;
    let refused = w.grantry.revoke_scope(account.id, "email").await;
    assert_eq!(w.code(refused), ErrorCode::InvalidInput);
    let detail = w
        .grantry
        .account_detail(account.id, Default::default(), 10)
        .expect("detail");
    assert!(!detail.scopes_revocable && detail.revocable);
}
