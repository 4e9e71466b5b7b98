//! The keyring keys of accounts' tokens (`secret_store/token_items.rs`): environment names and
//! subjects are free text, so two accounts whose parts differ only in where a `/` falls must
//! still get items of their own; and tokens an older Grantry kept under the unencoded key are
//! moved to the new one when Grantry opens.

use crate::support;

use std::sync::Arc;

use grantry_core::secret_store::SecretStore;
use grantry_core::{Grantry, Options};
use grantry_sandbox::{Personality, SandboxConfig, TestUser};
use support::{World, allow, world_with};

fn user(sub: &str, login: &str) -> TestUser {
    TestUser {
        sub: sub.into(),
        ..TestUser::from_login(login)
    }
}

/// A sandbox whose users have subjects with a `/`, and a provider "p" with environments "a"
/// and "a/b" both pointing at it.
async fn slashed_world() -> World {
    let mut config = SandboxConfig::new(Personality::Generic);
    config.users.push(user("b/c", "bc"));
    config.users.push(user("c", "c"));
    let w = world_with(config).await;
    let mut provider = w.grantry.providers()[0].clone();
    provider.id = "p".to_owned().try_into().expect("id");
    provider.name = "P".into();
    let env = provider.environments[0].clone();
    provider.environments = vec![env.clone(), env];
    provider.environments[0].name = "a".into();
    provider.environments[1].name = "a/b".into();
    w.grantry.add_provider(provider).expect("add");
    w
}

async fn link_at(w: &World, environment: &str, login: &str) -> i64 {
    let started = w
        .grantry
        .start_link("p", Some(environment), None, None)
        .await
        .expect("start")
        .started;
    let back = grantry_sandbox::robot::consent(&started.authorization_url, &allow(login))
        .await
        .expect("consent");
    w.grantry.finish_link(&back).await.expect("link").id
}

#[tokio::test]
async fn accounts_whose_parts_differ_only_by_a_slash_keep_their_own_tokens() {
    let w = slashed_world().await;
    let first = link_at(&w, "a", "bc").await; // a + b/c
    let second = link_at(&w, "a/b", "c").await; // a/b + c
    assert_ne!(first, second);
    // Removing the second must leave the first's tokens where they were.
    w.grantry.revoke(second).await.expect("revoke");
    let report = w.grantry.repair().await.expect("repair");
    assert_eq!(report.accounts_without_tokens, 0, "{report:?}");
    let refreshed = w.grantry.refresh(first).await.expect("refresh");
    assert_eq!(refreshed.subject, "b/c");
}

#[tokio::test]
async fn tokens_under_an_older_key_are_moved_when_grantry_opens() {
    let w = slashed_world().await;
    let id = link_at(&w, "a/b", "c").await;
    let keys = w.secrets.keys().expect("keys");
    let new = keys
        .iter()
        .find(|k| k.starts_with("account/"))
        .expect("the account's item")
        .clone();
    assert!(new.ends_with("/p/a%2Fb/c"), "{new}");
    // As an older Grantry kept it: the parts joined as they are.
    let old = new.replace("a%2Fb", "a/b");
    let tokens = w.secrets.get(&new).expect("read").expect("tokens");
    w.secrets.put(&old, &tokens).expect("write");
    w.secrets.delete(&new).expect("delete");

    let reopened = Grantry::open(Options {
        data_dir: w.dir.path().join("data"),
        config_dir: w.dir.path().join("config"),
        sandbox_port: Some(w.sandbox.addr().port()),
        secrets: w.secrets.clone(),
        events: Arc::new(grantry_core::events::NoEvents),
    })
    .expect("open again");
    let keys = w.secrets.keys().expect("keys");
    assert!(keys.contains(&new) && !keys.contains(&old), "{keys:?}");
    assert_eq!(
        reopened
            .repair()
            .await
            .expect("repair")
            .accounts_without_tokens,
        0
    );
    reopened
        .refresh(id)
        .await
        .expect("refresh with the moved tokens");
}
