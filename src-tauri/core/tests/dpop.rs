//! DPoP (RFC 9449) against the sandbox: an environment with `dpop = true` links an account
//! with a key of its own, kept in the keyring with its tokens (never in the database), its
//! tokens bound to it (the sandbox's introspection shows the key's thumbprint); refresh and
//! revocation carry proofs of the same key, after a restart too; server nonces are handled;
//! a provider that requires DPoP gets it; a bound token used as a bearer token is refused.

use std::sync::Arc;

use grantry_core::oauth::jws::ProofKey;
use grantry_core::secret::Secret;
use grantry_core::{Grantry, Options};
use grantry_sandbox::{DpopSettings, Personality, SandboxConfig};
use serde_json::Value;

use crate::support::{World, allow, world, world_with};

/// Adds a provider `dpop` that is the built-in sandbox with DPoP turned on.
fn with_dpop(w: &World) {
    let mut provider = w.grantry.providers()[0].clone();
    provider.id = "dpop".to_owned().try_into().expect("id");
    provider.name = "Sandbox with DPoP".into();
    provider.environments[0].dpop = true;
    w.grantry.add_provider(provider).expect("add");
}

async fn link_at(w: &World, provider: &str, user: &str) -> grantry_core::AccountSummary {
    let back = w.answer_at(provider, None, &allow(user)).await;
    w.grantry.finish_link(&back).await.expect("link")
}

/// The keyring item of the only account's tokens, as JSON.
pub fn stored(w: &World) -> Value {
    let items: Vec<(String, String)> = w
        .secrets
        .snapshot()
        .into_iter()
        .filter(|(key, _)| key.starts_with("account/"))
        .collect();
    assert_eq!(items.len(), 1, "{items:?}");
    serde_json::from_str(&items[0].1).expect("json")
}

pub fn thumbprint(item: &Value) -> String {
    let key = item["dpop_key"]
        .as_str()
        .expect("a DPoP key with the tokens");
    ProofKey::from_secret(&Secret::new(key.to_owned()))
        .expect("a P-256 key")
        .thumbprint()
}

/// The sandbox's introspection answer for `token`, asked as the public client.
async fn introspect(w: &World, token: &str) -> Value {
    reqwest::Client::new()
        .post(format!("{}/introspect", w.sandbox.issuer()))
        .form(&[("token", token), ("client_id", "grantry-desktop")])
        .send()
        .await
        .expect("introspect")
        .json()
        .await
        .expect("json")
}

/// The status `/userinfo` answers `token` sent as a bearer token with.
pub async fn as_bearer(w: &World, token: &str) -> u16 {
    reqwest::Client::new()
        .get(format!("{}/userinfo", w.sandbox.issuer()))
        .bearer_auth(token)
        .send()
        .await
        .expect("userinfo")
        .status()
        .as_u16()
}

/// Every file under the test's folders, as text, for secrets that must not be there.
fn files_hold(w: &World, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![w.dir.path().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path)
                && String::from_utf8_lossy(&bytes).contains(needle)
            {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

#[tokio::test]
async fn a_dpop_account_links_refreshes_and_revokes_with_its_key() {
    let w = world().await;
    with_dpop(&w);
    let account = link_at(&w, "dpop", "alice").await;
    let item = stored(&w);
    assert_eq!(item["token_type"], "DPoP");
    let jkt = thumbprint(&item);
    let access = item["access_token"].as_str().expect("access").to_owned();
    let answer = introspect(&w, &access).await;
    assert_eq!(
        answer["cnf"]["jkt"], jkt,
        "bound to the account's key: {answer}"
    );
    assert_eq!(answer["token_type"], "DPoP");
    // Stolen, it is of no use as a bearer token.
    assert_eq!(as_bearer(&w, &access).await, 401);
    // The Inspector's "Ask the provider": the sandbox names the account's key.
    let confirmed = w.grantry.check_binding(account.id).await.expect("ask");
    assert!(confirmed.active);
    assert_eq!(confirmed.jkt.as_deref(), Some(jkt.as_str()));
    assert_eq!(confirmed.matches, Some(true));

    // The key is a secret: in the keyring only, never in the database or any file.
    let key = item["dpop_key"].as_str().expect("key").to_owned();
    assert!(
        files_hold(&w, &key).is_empty(),
        "{:?}",
        files_hold(&w, &key)
    );

    // What a caller is handed says it must send a proof.
    let handed = w
        .grantry
        .hand_out(account.id, 60, "test")
        .await
        .expect("hand out");
    assert_eq!(handed.token_type, "DPoP");

    w.grantry.refresh(account.id).await.expect("refresh");
    let refreshed = stored(&w);
    assert_eq!(refreshed["token_type"], "DPoP");
    assert_eq!(thumbprint(&refreshed), jkt, "the same key after a refresh");
    let new_access = refreshed["access_token"].as_str().expect("access");
    assert_ne!(new_access, access);
    assert_eq!(introspect(&w, new_access).await["cnf"]["jkt"], jkt);

    let receipt = w.grantry.revoke(account.id).await.expect("revoke");
    assert!(receipt.verified, "{receipt:?}");
    assert_eq!(introspect(&w, new_access).await["active"], false);
    let refresh = refreshed["refresh_token"].as_str().expect("refresh");
    assert_eq!(introspect(&w, refresh).await["active"], false);
}

#[tokio::test]
async fn the_refresh_after_a_restart_signs_with_the_key_read_back_from_the_keyring() {
    let w = world().await;
    with_dpop(&w);
    let account = link_at(&w, "dpop", "bob").await;
    let jkt = thumbprint(&stored(&w));
    // Another Grantry on the same folders and keyring, as after a restart; the sandbox takes
    // the refresh token only with a proof of the key it is bound to.
    let again = Grantry::open(Options {
        data_dir: w.dir.path().join("data"),
        config_dir: w.dir.path().join("config"),
        sandbox_port: Some(w.sandbox.addr().port()),
        secrets: w.secrets.clone(),
        events: Arc::new(grantry_core::events::Recorded::default()),
    })
    .expect("open again");
    again
        .refresh(account.id)
        .await
        .expect("refresh after restart");
    let item = stored(&w);
    assert_eq!(thumbprint(&item), jkt);
    let access = item["access_token"].as_str().expect("access");
    assert_eq!(introspect(&w, access).await["cnf"]["jkt"], jkt);
}

#[tokio::test]
async fn nonces_the_sandbox_demands_are_sent_at_every_endpoint() {
    let mut config = SandboxConfig::new(Personality::Generic);
    config.dpop = DpopSettings {
        required: false,
        nonce: true,
    };
    let w = world_with(config).await;
    with_dpop(&w);
    let account = link_at(&w, "dpop", "carol").await;
    assert_eq!(stored(&w)["token_type"], "DPoP");
    w.grantry.refresh(account.id).await.expect("refresh");
    let access = stored(&w)["access_token"].as_str().expect("a").to_owned();
    w.grantry.revoke(account.id).await.expect("revoke");
    assert_eq!(introspect(&w, &access).await["active"], false);
    // Every request after the first to each endpoint carried the nonce: the sandbox answered
    // the first with use_dpop_nonce at most once per server, and the link went through.
    let log = w.grantry.http_log(account.id, 100).expect("http log");
    let refusals = log
        .iter()
        .filter(|e| e.response_body.contains("use_dpop_nonce"))
        .count();
    assert!(
        refusals <= 1,
        "the nonce is remembered: {refusals} refusals"
    );
}

#[tokio::test]
async fn a_provider_that_requires_dpop_gets_it_without_being_asked() {
    let mut config = SandboxConfig::new(Personality::Generic);
    config.dpop = DpopSettings {
        required: true,
        nonce: false,
    };
    let w = world_with(config).await;
    // The built-in sandbox provider, DPoP not turned on: the sandbox refuses the exchange
    // without a proof, and the link goes on with a key of its own.
    let account = w.link("alice").await;
    let item = stored(&w);
    assert_eq!(item["token_type"], "DPoP");
    let jkt = thumbprint(&item);
    w.grantry.refresh(account.id).await.expect("refresh");
    assert_eq!(thumbprint(&stored(&w)), jkt);
}

#[tokio::test]
async fn without_dpop_tokens_stay_bearer_tokens_without_a_key() {
    let w = world().await;
    let account = w.link("alice").await;
    let item = stored(&w);
    assert!(item.get("dpop_key").is_none(), "{item}");
    assert!(
        item.get("token_type").is_none(),
        "Bearer is not written: {item}"
    );
    let handed = w
        .grantry
        .hand_out(account.id, 60, "test")
        .await
        .expect("hand out");
    assert_eq!(handed.token_type, "Bearer");
    let error = w
        .grantry
        .check_binding(account.id)
        .await
        .expect_err("no key");
    assert!(error.to_string().contains("bearer token"), "{error}");
}

#[tokio::test]
async fn the_dpop_switch_of_an_edited_environment_is_the_forms() {
    use grantry_core::providers::draft::{EnvironmentDraft, ProviderDraft};
    let w = world().await;
    with_dpop(&w);
    let views = w.grantry.provider_views().expect("views");
    let view = views.iter().find(|p| p.id == "dpop").expect("listed");
    assert!(view.environments[0].dpop, "the view says DPoP is on");
    let env = &w.grantry.providers()[1].environments[0].clone();
    // The form is filled from the view, so the switch it shows is the file's.
    let draft = |dpop: bool| ProviderDraft {
        id: "dpop".into(),
        name: "Renamed in the window".into(),
        preset: None,
        allow_plain_http_loopback: true,
        refresh_plain_http_in_background: false,
        environments: vec![EnvironmentDraft {
            name: env.name.clone(),
            issuer: env.issuer.clone(),
            client_id: env.client_id.clone(),
            scopes: env.scopes.clone(),
            dpop,
            ..EnvironmentDraft::default()
        }],
    };
    let saved = |w: &World| {
        w.grantry
            .providers()
            .into_iter()
            .find(|p| p.id.as_str() == "dpop")
            .expect("still there")
    };
    w.grantry
        .save_provider(&draft(true), Some("dpop"))
        .await
        .expect("saved");
    assert_eq!(saved(&w).name, "Renamed in the window");
    assert!(saved(&w).environments[0].dpop, "left on, it stays on");
    let view = w
        .grantry
        .save_provider(&draft(false), Some("dpop"))
        .await
        .expect("saved");
    assert!(!view.environments[0].dpop, "switched off in the form");
    assert!(!saved(&w).environments[0].dpop, "and so in providers.toml");
    // Switched on again in the form, the next link is bound.
    w.grantry
        .save_provider(&draft(true), Some("dpop"))
        .await
        .expect("saved");
    let account = link_at(&w, "dpop", "alice").await;
    assert_eq!(stored(&w)["token_type"], "DPoP", "account {}", account.id);
}
