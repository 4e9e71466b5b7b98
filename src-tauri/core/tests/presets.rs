//! Each preset (`src/providers/presets/`) against the sandbox personality that imitates its
//! provider: the environment is built from a person's input with `Preset::environment`, as the
//! Providers screen builds it, then every URL in it is moved to the sandbox's origin with its
//! path kept (the presets' paths are the real providers', and the personalities serve the same
//! ones). Each preset links through its own redirect, reads its scopes its own way, renews,
//! revokes, and says its provider's errors in words. No test reaches a real provider: the
//! hosts are replaced before the provider is added, and the bridge page is played by the test.
//! One module per preset, in `tests/presets/`; what they share is here.

use crate::support;

#[path = "presets/facebook.rs"]
mod facebook;
#[path = "presets/github.rs"]
mod github;
#[path = "presets/gitlab.rs"]
mod gitlab;
#[path = "presets/google.rs"]
mod google;
#[path = "presets/microsoft.rs"]
mod microsoft;

use std::time::Duration;

use grantry_core::providers::presets::Input;
use grantry_core::providers::{Environment, PlainHttp, Preset, Provider};
use grantry_core::secret::Secret;
use grantry_core::{AccountStatus, AccountSummary, Error, Link, Received, ScopeStatus};
use grantry_sandbox::robot::{self, Choice};
use grantry_sandbox::{Personality, SandboxConfig};
use support::World;
use url::Url;

/// A sandbox with `personality`, and Grantry beside it.
async fn world_of(personality: Personality) -> World {
    support::world_with(SandboxConfig::new(personality)).await
}

/// `url` on the sandbox's origin (scheme, host and port), its path and query kept.
fn moved(url: &Url, sandbox: &Url) -> Url {
    let mut url = url.clone();
    url.set_scheme(sandbox.scheme()).expect("scheme");
    url.set_host(sandbox.host_str()).expect("host");
    url.set_port(sandbox.port()).expect("port");
    url
}

/// The environment a person's input makes, every URL of it moved to the sandbox. The issuer is
/// compared byte for byte with the discovered one (OpenID Connect Discovery §4.3), so only its
/// origin is replaced, and no slash is added.
fn environment(w: &World, preset: Preset, input: &Input) -> Environment {
    let sandbox = Url::parse(w.sandbox.issuer()).expect("issuer");
    let mut env = preset.environment(input).expect("a valid input");
    if let Some(issuer) = &env.issuer {
        let origin = Url::parse(issuer)
            .expect("url")
            .origin()
            .ascii_serialization();
        let path = issuer
            .strip_prefix(&origin)
            .expect("the issuer starts with its origin");
        env.issuer = Some(format!("{}{path}", w.sandbox.issuer()));
    }
    for url in [
        &mut env.authorization_endpoint,
        &mut env.token_endpoint,
        &mut env.userinfo_endpoint,
        &mut env.revocation_endpoint,
        &mut env.introspection_endpoint,
        &mut env.jwks_uri,
    ]
    .into_iter()
    .flatten()
    {
        *url = moved(url, &sandbox);
    }
    env
}

/// Adds the provider `id` of `preset` with one environment built from `input`, and its client
/// secret when one is given.
fn add(w: &World, preset: Preset, id: &str, input: &Input, secret: Option<&str>) -> Environment {
    let env = environment(w, preset, input);
    let provider = Provider {
        id: id.to_owned().try_into().expect("id"),
        name: preset.info().name.into(),
        preset: Some(preset),
        // The preset's endpoints are moved to the sandbox, on plain http; it stands for the
        // provider's own https servers, refreshed in the background as they are.
        allow_plain_http_loopback: true,
        refresh_plain_http_in_background: true,
        environments: vec![env.clone()],
    };
    w.grantry.add_provider(provider).expect("add");
    if let Some(secret) = secret {
        w.grantry
            .set_client_secret(id, None, &Secret::new(secret.to_owned()))
            .expect("secret");
    }
    env
}

/// The input of the Providers screen's form: a name, a client id, the rest as given.
fn input(client_id: &str) -> Input {
    Input {
        name: "production".into(),
        client_id: client_id.into(),
        // A self-managed GitLab's address is the sandbox's, on plain http.
        plain_http: PlainHttp::LoopbackInBackground,
        ..Input::default()
    }
}

/// Registers a client with the sandbox, as the person registers one at the provider
/// (`src/routes/admin.rs` of the sandbox takes the shape of its `ClientConfig`).
async fn register(w: &World, client: serde_json::Value) {
    let response = w
        .admin(reqwest::Method::POST, "/clients")
        .body(client.to_string())
        .send()
        .await
        .expect("register");
    assert_eq!(response.status(), reqwest::StatusCode::CREATED, "{client}");
}

/// Moves the sandbox's clock forward (refresh tokens and codes run out by it).
async fn advance_clock(w: &World, seconds: u64) {
    let body = serde_json::json!({ "seconds": seconds }).to_string();
    let response = w
        .admin(reqwest::Method::POST, "/clock")
        .body(body)
        .send()
        .await
        .expect("clock");
    assert!(response.status().is_success(), "{}", response.status());
}

/// Revokes every grant at the sandbox, as a person removing the app's access there.
async fn revoke_at_sandbox(w: &World) {
    for grant in w.sandbox_grants().await.as_array().expect("grants") {
        let id = grant["id"].as_u64().expect("id");
        let path = format!("/grants/{id}/revoke");
        let response = w
            .admin(reqwest::Method::POST, &path)
            .send()
            .await
            .expect("revoke");
        assert!(response.status().is_success(), "{}", response.status());
    }
}

/// Whether each grant the sandbox holds is still live, oldest first.
async fn live_grants(w: &World) -> Vec<bool> {
    let grants = w.sandbox_grants().await;
    let grants = grants.as_array().expect("grants");
    grants.iter().map(|g| g["revoked"].is_null()).collect()
}

/// Starts a link at `provider` and lets the robot answer; returns the link and where the
/// sandbox sent the browser.
async fn answer(w: &World, provider: &str, choice: &Choice) -> (Link, String) {
    let link = w
        .grantry
        .start_link(provider, None, None, None)
        .await
        .expect("start");
    let back = robot::consent(&link.started.authorization_url, choice)
        .await
        .expect("consent");
    (link, back)
}

/// Hands an answer to Grantry as the OS does (`receive_url`) and expects it linked.
async fn received(w: &World, url: &str) -> AccountSummary {
    match w.grantry.receive_url(url).await.expect("history") {
        Received::Linked(account) => account,
        other => panic!("{url} was not linked: {other:?}"),
    }
}

/// Plays the browser of a loopback link (RFC 8252 §7.3): the robot answers the consent page,
/// the browser follows the redirect to Grantry's listener, and Grantry finishes the link.
async fn link_on_loopback(w: &World, link: Link, choice: &Choice) -> Result<AccountSummary, Error> {
    let loopback = link.loopback.expect("a loopback listener");
    let state = link.started.state.clone();
    let grantry = w.grantry.clone();
    let waiting = tokio::spawn(async move {
        let timeout = Duration::from_secs(20);
        grantry.answer_on_loopback(loopback, &state, timeout).await
    });
    let back = robot::consent(&link.started.authorization_url, choice)
        .await
        .expect("consent");
    assert!(back.starts_with(&link.started.redirect_uri), "{back}");
    let page = reqwest::get(&back).await.expect("the listener answers");
    assert!(page.status().is_success(), "{}", page.status());
    waiting.await.expect("task")
}

/// The refresh token held in the (one) keyring item.
fn held_refresh_token(w: &World) -> Option<String> {
    let items = w.secrets.snapshot();
    let tokens = items
        .iter()
        .find(|(key, _)| key.starts_with("account/"))
        .map(|(_, item)| serde_json::from_str::<serde_json::Value>(item).expect("json"))
        .expect("an account's tokens");
    tokens["refresh_token"].as_str().map(str::to_owned)
}

/// Each scope of an account with its status and where the answer came from.
fn scopes(w: &World, account: i64) -> Vec<(String, ScopeStatus, String)> {
    let mut scopes: Vec<_> = w
        .grantry
        .scopes(account)
        .expect("scopes")
        .into_iter()
        .map(|s| (s.scope, s.status, s.source))
        .collect();
    scopes.sort_by(|a, b| a.0.cmp(&b.0));
    scopes
}

/// Refreshes an account that the provider no longer honours; returns the reason it was marked
/// "needs re-link" with, after checking that it was.
async fn relink_reason(w: &World, account: i64) -> String {
    let error = w
        .grantry
        .refresh(account)
        .await
        .expect_err("the provider refuses");
    assert_eq!(
        grantry_core::IpcError::from(&error).code,
        grantry_core::ErrorCode::NeedsRelink,
        "{error}"
    );
    let kept = w.grantry.account(account).expect("the account is kept");
    assert_eq!(kept.status, AccountStatus::NeedsRelink);
    kept.status_reason.expect("a reason")
}
