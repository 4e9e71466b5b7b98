//! Pushed authorization requests (RFC 9126, `oauth/pushed_authorization.rs`) against the
//! sandbox: pushed when the provider requires it or the environment asks, the browser sent only
//! `client_id` and `request_uri`; composed with `private_key_jwt` through to refresh and
//! revocation; an invalid request refused by the provider at the push, and a push without a
//! known endpoint refused before anything is sent.

use crate::private_key_jwt::{add_signed_provider, register};
use crate::support::{World, allow, world_with};

use grantry_core::providers::Provider;
use grantry_core::{ErrorCode, IpcError};
use grantry_sandbox::robot;
use grantry_sandbox::{Personality, SandboxConfig};

fn requiring() -> SandboxConfig {
    let mut config = SandboxConfig::new(Personality::Generic);
    config.require_pushed_authorization_requests = true;
    config
}

/// Starts a link at `provider`, checks the browser gets only `client_id` and `request_uri`,
/// and lets the robot consent; returns the redirect.
pub async fn pushed_link(w: &World, provider: &str, client_id: &str) -> String {
    let started = w
        .grantry
        .start_link(provider, None, None, None)
        .await
        .expect("start")
        .started;
    let url = url::Url::parse(&started.authorization_url).expect("URL");
    assert_eq!(
        url.as_str().split('?').next(),
        Some(format!("{}/authorize", w.sandbox.issuer()).as_str())
    );
    let names: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
    assert_eq!(names, ["client_id", "request_uri"], "{url}");
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert_eq!(pairs[0].1, client_id);
    assert!(pairs[1].1.starts_with("urn:ietf:params:oauth:request_uri:"));
    robot::consent(&started.authorization_url, &allow("alice"))
        .await
        .expect("consent")
}

#[tokio::test]
async fn a_provider_that_requires_pushing_gets_the_request_pushed() {
    let w = world_with(requiring()).await;
    let back = pushed_link(&w, "sandbox", "grantry-desktop").await;
    let account = w.grantry.finish_link(&back).await.expect("link");
    w.grantry.refresh(account.id).await.expect("refresh");
}

#[tokio::test]
async fn pushed_with_private_key_jwt_then_refreshed_and_revoked() {
    let w = world_with(requiring()).await;
    add_signed_provider(&w);
    let jwks = w.grantry.client_jwks("signed", None).await.expect("jwks");
    register(&w, jwks.jwks);
    let back = pushed_link(&w, "signed", crate::private_key_jwt::CLIENT).await;
    let account = w.grantry.finish_link(&back).await.expect("link");
    w.grantry.refresh(account.id).await.expect("refresh");
    w.grantry.revoke(account.id).await.expect("revoke");
    assert!(w.sandbox_grants().await[0]["revoked"].is_string());
}

#[tokio::test]
async fn an_environment_may_ask_to_push_and_an_invalid_request_is_refused_at_the_push() {
    let w = world_with(SandboxConfig::new(Personality::Generic)).await;
    let mut provider: Provider = w.grantry.providers()[0].clone();
    provider.id = "pushing".to_owned().try_into().expect("id");
    provider.name = "Pushing".into();
    provider.environments[0].pushed_authorization = true;
    w.grantry.add_provider(provider).expect("add");
    let back = pushed_link(&w, "pushing", "grantry-desktop").await;
    w.grantry.finish_link(&back).await.expect("link");

    let error = w
        .grantry
        .start_link(
            "pushing",
            None,
            Some(vec!["openid".into(), "no.such.scope".into()]),
            None,
        )
        .await
        .expect_err("an unknown scope");
    assert_eq!(IpcError::from(&error).code, ErrorCode::ProviderError);
    let said = error.to_string();
    assert!(
        said.contains("invalid_scope") && said.contains("pushed authorization"),
        "{said}"
    );
}

#[tokio::test]
async fn pushing_without_a_known_endpoint_is_refused_plainly() {
    let w = world_with(SandboxConfig::new(Personality::Generic)).await;
    let issuer = w.sandbox.issuer().to_owned();
    let mut provider: Provider = w.grantry.providers()[0].clone();
    provider.id = "plain".to_owned().try_into().expect("id");
    provider.name = "Plain OAuth".into();
    let env = &mut provider.environments[0];
    env.issuer = None;
    env.authorization_endpoint = Some(format!("{issuer}/authorize").parse().expect("url"));
    env.token_endpoint = Some(format!("{issuer}/token").parse().expect("url"));
    env.pushed_authorization = true;
    w.grantry.add_provider(provider.clone()).expect("add");
    let error = w
        .grantry
        .start_link("plain", None, Some(vec!["profile".into()]), None)
        .await
        .expect_err("no endpoint");
    assert_eq!(IpcError::from(&error).code, ErrorCode::InvalidInput);
    assert!(
        error
            .to_string()
            .contains("pushed_authorization_request_endpoint"),
        "{error}"
    );

    // Named in the environment, it is used.
    w.grantry.remove_provider("plain").expect("remove");
    provider.environments[0].pushed_authorization_request_endpoint =
        Some(format!("{issuer}/par").parse().expect("url"));
    w.grantry.add_provider(provider).expect("add");
    let started = w
        .grantry
        .start_link("plain", None, Some(vec!["profile".into()]), None)
        .await
        .expect("pushed")
        .started;
    assert!(
        started.authorization_url.contains("request_uri="),
        "{}",
        started.authorization_url
    );
}
