//! GitHub (`src/providers/presets/github.rs`) against the github personality: loopback links
//! with the client secret, comma-separated scopes, errors inside HTTP 200 answers (at the code
//! exchange and at refresh), and the grant deleted on revocation.

use grantry_core::providers::{ClientAuth, Preset, RedirectKind, Revocation};
use grantry_core::{AccountSummary, Error, ErrorCode, IpcError, ScopeStatus};
use grantry_sandbox::Personality;
use grantry_sandbox::robot::Choice;
use serde_json::json;

use super::support::{World, allow};
use super::{add, input, register, world_of};

const CLIENT_ID: &str = "Iv1.0123456789abcdef";
const SECRET: &str = "gh-client-secret";

/// GitHub with an app whose user tokens expire (and so come with refresh tokens).
async fn github(w: &World, secret: &str) {
    register(
        w,
        json!({"client_id": CLIENT_ID, "client_secret": SECRET, "name": "Grantry",
               "auth": "secret", "redirect_uris": ["http://127.0.0.1/callback"]}),
    )
    .await;
    let env = add(w, Preset::Github, "github", &input(CLIENT_ID), Some(secret));
    assert_eq!(env.redirect, RedirectKind::Loopback);
    assert_eq!(env.client_auth, ClientAuth::SecretPost);
    assert_eq!(env.revocation, Revocation::GithubGrant);
}

async fn link(w: &World, choice: &Choice) -> Result<AccountSummary, Error> {
    let link = w
        .grantry
        .start_link("github", None, None, None)
        .await
        .expect("start");
    assert!(
        link.started
            .authorization_url
            .contains("/login/oauth/authorize?")
    );
    super::link_on_loopback(w, link, choice).await
}

#[tokio::test]
async fn a_loopback_link_reads_comma_separated_scopes_and_revocation_deletes_the_grant() {
    let w = world_of(Personality::Github).await;
    github(&w, SECRET).await;
    let alice = link(&w, &allow("alice")).await.expect("link");
    assert!(alice.subject.parse::<u64>().is_ok(), "{}", alice.subject);
    assert_eq!(alice.email.as_deref(), Some("alice@sandbox.grantry.test"));
    let avatar = alice.picture_url.as_deref().unwrap_or_default();
    assert!(
        avatar.ends_with("/_sandbox/avatar/user-alice.svg"),
        "{avatar:?}"
    );
    assert!(alice.has_refresh_token);
    // GitHub answers `scope=read:user,user:email`: two scopes, not one with a comma.
    assert_eq!(
        super::scopes(&w, alice.id),
        [
            (
                "read:user".into(),
                ScopeStatus::Granted,
                "token_response".into()
            ),
            (
                "user:email".into(),
                ScopeStatus::Granted,
                "token_response".into()
            ),
        ]
    );
    let read_only = Choice {
        scopes: Some(vec!["read:user".into()]),
        ..allow("bob")
    };
    let bob = link(&w, &read_only).await.expect("link");
    assert_eq!(
        super::scopes(&w, bob.id),
        [
            (
                "read:user".into(),
                ScopeStatus::Granted,
                "token_response".into()
            ),
            (
                "user:email".into(),
                ScopeStatus::Declined,
                "token_response".into()
            ),
        ]
    );
    // GitHub says when the refresh token ends (`refresh_token_expires_in`, six months): that
    // is when the grant ends, said by the provider, and a refresh moves it on.
    let ends = |id| {
        w.grantry
            .account_detail(id, grantry_core::RefreshPolicy::default(), 10)
            .expect("detail")
            .grant_end
    };
    let linked = ends(alice.id);
    assert_eq!(
        linked.source,
        grantry_core::GrantEndSource::Provider,
        "{linked:?}"
    );
    let six_months = grantry_core::now() + 15_897_600;
    assert!(
        linked.at.is_some_and(|at| (six_months - at).abs() < 60),
        "{linked:?}"
    );
    assert!(
        linked
            .doc_url
            .is_some_and(|u| u.contains("docs.github.com"))
    );
    w.grantry.refresh(alice.id).await.expect("refresh");
    assert!(ends(alice.id).at >= linked.at);
    w.grantry.revoke(alice.id).await.expect("revoke");
    assert_eq!(super::live_grants(&w).await, [false, true], "alice's only");
}

#[tokio::test]
async fn bad_refresh_token_in_an_http_200_needs_a_relink() {
    let w = world_of(Personality::Github).await;
    github(&w, SECRET).await;
    let alice = link(&w, &allow("alice")).await.expect("link");
    w.grantry.refresh(alice.id).await.expect("refresh");
    // A refresh token lasts the refresh_token_expires_in it came with (184 days).
    super::advance_clock(&w, 15_897_600).await;
    let reason = super::relink_reason(&w, alice.id).await;
    assert!(
        reason.contains("GitHub no longer accepts this sign-in"),
        "{reason}"
    );
}

#[tokio::test]
async fn errors_in_http_200_at_the_code_exchange_are_refused_with_the_real_error() {
    let w = world_of(Personality::Github).await;
    github(&w, "not-the-secret").await;
    let error = link(&w, &allow("alice")).await.expect_err("wrong secret");
    assert_eq!(IpcError::from(&error).code, ErrorCode::ProviderError);
    assert!(
        error.to_string().contains("incorrect_client_credentials"),
        "{error}"
    );

    w.grantry
        .set_client_secret(
            "github",
            None,
            &grantry_core::secret::Secret::new(SECRET.into()),
        )
        .expect("secret");
    let started = w
        .grantry
        .start_link("github", None, None, None)
        .await
        .expect("start");
    // The code runs out (GitHub's last ten minutes, the sandbox's one) before it is used.
    let state = started.started.state.clone();
    let loopback = started.loopback.expect("listener");
    let back = grantry_sandbox::robot::consent(&started.started.authorization_url, &allow("alice"))
        .await
        .expect("consent");
    super::advance_clock(&w, 120).await;
    let grantry = w.grantry.clone();
    let waiting = tokio::spawn(async move {
        let timeout = std::time::Duration::from_secs(20);
        grantry.answer_on_loopback(loopback, &state, timeout).await
    });
    reqwest::get(&back).await.expect("the listener answers");
    let error = waiting.await.expect("task").expect_err("expired code");
    assert!(
        error.to_string().contains("bad_verification_code"),
        "{error}"
    );
    assert!(w.grantry.accounts().expect("accounts").is_empty());
}
