//! GitLab (`src/providers/presets/gitlab.rs`) against the gitlab personality, given as a
//! self-managed GitLab at the sandbox's address: discovery there, a public client on
//! `dev.grantry:`, scopes read from `/oauth/token/info`, rotating refresh tokens, and RFC 7009
//! revocation without a secret.

use grantry_core::providers::{ClientAuth, Preset, RedirectKind, Revocation};
use grantry_core::{AccountSummary, RefreshPolicy, ScopeStatus};
use grantry_sandbox::Personality;
use serde_json::json;

use super::support::{World, allow};
use super::{add, input, received, register, world_of};

const CLIENT_ID: &str = "4f3c1b0e9d8a7f6e5d4c3b2a1f0e9d8c";

async fn gitlab(w: &World) {
    register(
        w,
        json!({"client_id": CLIENT_ID, "name": "Grantry", "auth": "none",
               "redirect_uris": ["dev.grantry:/oauth/callback"]}),
    )
    .await;
    let mut given = input(CLIENT_ID);
    given.site = Some(w.sandbox.issuer().to_owned());
    let env = add(w, Preset::Gitlab, "gitlab", &given, None);
    assert_eq!(env.issuer.as_deref(), Some(w.sandbox.issuer()));
    assert_eq!(env.redirect, RedirectKind::CustomScheme);
    assert_eq!(env.client_auth, ClientAuth::None);
    assert_eq!(env.revocation, Revocation::Rfc7009);
}

async fn link(w: &World, user: &str) -> AccountSummary {
    let (link, back) = super::answer(w, "gitlab", &allow(user)).await;
    let url = &link.started.authorization_url;
    assert!(url.contains("/oauth/authorize?"), "{url}");
    received(w, &back).await
}

#[tokio::test]
async fn a_link_at_its_address_reads_its_scopes_from_token_info() {
    let w = world_of(Personality::Gitlab).await;
    gitlab(&w).await;
    let alice = link(&w, "alice").await;
    assert!(alice.subject.parse::<u64>().is_ok(), "{}", alice.subject);
    assert_eq!(alice.email.as_deref(), Some("alice@sandbox.grantry.test"));
    assert!(alice.has_refresh_token);
    let checked = w.grantry.check_scopes(alice.id).await.expect("check");
    assert!(checked.changes.is_empty(), "{:?}", checked.changes);
    let scopes = super::scopes(&w, alice.id);
    assert_eq!(scopes.len(), 4, "{scopes:?}");
    assert!(
        scopes
            .iter()
            .all(|(_, status, source)| *status == ScopeStatus::Granted && source == "token_info"),
        "{scopes:?}"
    );
    // The person takes read_user back at GitLab: the next check says so.
    let grant = w.sandbox_grants().await[0]["id"].as_u64().expect("grant");
    let path = format!("/grants/{grant}/scopes/read_user");
    let removed = w
        .admin(reqwest::Method::DELETE, &path)
        .send()
        .await
        .expect("remove");
    assert!(removed.status().is_success(), "{}", removed.status());
    let checked = w.grantry.check_scopes(alice.id).await.expect("check");
    assert_eq!(
        checked.changes,
        [grantry_core::ScopeChange {
            scope: "read_user".into(),
            before: Some(ScopeStatus::Granted),
            after: ScopeStatus::NotGranted,
        }]
    );
}

#[tokio::test]
async fn refresh_rotates_and_revocation_is_rfc_7009_without_a_secret() {
    let w = world_of(Personality::Gitlab).await;
    gitlab(&w).await;
    let alice = link(&w, "alice").await;
    let held = super::held_refresh_token(&w);
    w.grantry.refresh(alice.id).await.expect("refresh");
    assert_ne!(super::held_refresh_token(&w), held, "rotated");
    let detail = w
        .grantry
        .account_detail(alice.id, RefreshPolicy::default(), 10)
        .expect("detail");
    assert_eq!((detail.tokens.refreshes, detail.tokens.rotations), (1, 1));
    w.grantry
        .refresh(alice.id)
        .await
        .expect("the new one works");
    w.grantry.revoke(alice.id).await.expect("revoke");
    assert_eq!(super::live_grants(&w).await, [false]);
    assert!(w.grantry.accounts().expect("accounts").is_empty());
    assert!(
        w.secrets
            .snapshot()
            .keys()
            .all(|k| !k.starts_with("account/"))
    );
}
