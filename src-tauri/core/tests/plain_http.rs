//! Plain http to a provider (`providers/urls.rs`): only on 127.0.0.1 and [::1], only for a
//! provider that opts in, its accounts refreshed in the background only when it opts in to
//! that too (`engine/schedule.rs`); and a change of an environment's issuer or token endpoint
//! marks its accounts for a new link rather than sending their refresh tokens to the new
//! address (`engine/providers.rs`). The built-in sandbox needs no opt-in.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use grantry_core::providers::Providers;
use grantry_core::providers::draft::{EnvironmentDraft, ProviderDraft};
use grantry_core::{AccountStatus, ErrorCode, IpcError, RefreshLimits, RefreshPolicy};

use crate::support::{self, World, allow};

/// A custom provider `local` at the sandbox's issuer (or `issuer`), with the given opt-ins.
fn local(issuer: &str, allow: bool, in_background: bool) -> ProviderDraft {
    ProviderDraft {
        id: "local".into(),
        name: "Local".into(),
        preset: None,
        allow_plain_http_loopback: allow,
        refresh_plain_http_in_background: in_background,
        environments: vec![EnvironmentDraft {
            name: "dev".into(),
            issuer: Some(issuer.into()),
            client_id: "grantry-desktop".into(),
            scopes: ["openid", "profile", "email", "offline_access"]
                .map(str::to_owned)
                .to_vec(),
            ..EnvironmentDraft::default()
        }],
    }
}

/// Links `user` at the provider `local`.
async fn link_at_local(w: &World, user: &str) -> i64 {
    let back = w.answer_at("local", None, &allow(user)).await;
    w.grantry.finish_link(&back).await.expect("link").id
}

#[tokio::test]
async fn plain_http_needs_an_ip_literal_and_the_providers_opt_in() {
    let w = support::world().await;
    let issuer = w.sandbox.issuer().to_owned();
    assert!(issuer.starts_with("http://127.0.0.1:"), "{issuer}");
    let file = w.dir.path().join("config/providers.toml");

    let error = w
        .grantry
        .save_provider(&local(&issuer, false, false), None)
        .await
        .expect_err("no opt-in");
    assert_eq!(IpcError::from(&error).code, ErrorCode::InvalidInput);
    assert!(
        error
            .to_string()
            .contains("allow_plain_http_loopback = true"),
        "says how to opt in: {error}"
    );
    let named = issuer.replace("127.0.0.1", "localhost");
    let error = w
        .grantry
        .save_provider(&local(&named, true, false), None)
        .await
        .expect_err("a name, though opted in");
    assert!(error.to_string().contains("never on a name"), "{error}");
    assert!(!file.exists(), "nothing is written");
    assert_eq!(w.grantry.providers().len(), 1, "the sandbox alone");

    let view = w
        .grantry
        .save_provider(&local(&issuer, true, false), None)
        .await
        .expect("opted in");
    assert!(view.allow_plain_http_loopback && !view.refresh_plain_http_in_background);
    let env = &view.environments[0];
    assert!(env.plain_http && !env.refreshed_in_background, "{env:?}");
    assert!(
        std::fs::read_to_string(&file)
            .expect("file")
            .contains("allow_plain_http_loopback = true")
    );
    // The built-in sandbox is on plain http without anyone opting in, refreshed in the
    // background as before.
    let sandbox = &w.grantry.provider_views().expect("views")[0];
    assert!(sandbox.builtin && sandbox.environments[0].refreshed_in_background);
    w.link("alice").await;
}

#[test]
fn the_providers_file_says_how_to_opt_in() {
    let provider = |issuer: &str, opt_ins: &str| {
        format!(
            "[[provider]]\nid = \"local\"\nname = \"Local\"\n{opt_ins}\n\
             [[provider.environment]]\nname = \"dev\"\nissuer = \"{issuer}\"\nclient_id = \"c\"\n"
        )
    };
    let load = |text: String| {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("providers.toml");
        std::fs::write(&path, text).expect("write");
        Providers::load(&path, None).map(|_| ())
    };
    let allow = "allow_plain_http_loopback = true";
    let refused = [
        (
            provider("http://127.0.0.1:8080", ""),
            "allow_plain_http_loopback = true",
        ),
        (
            provider("http://[::1]:8080", ""),
            "allow_plain_http_loopback = true",
        ),
        (provider("http://localhost:8080", allow), "never on a name"),
        (
            provider("http://127.0.0.2:8080", allow),
            "127.0.0.1 and [::1]",
        ),
        (provider("http://idp.example", allow), "must use https"),
        (
            provider(
                "https://idp.example",
                "refresh_plain_http_in_background = true",
            ),
            "needs allow_plain_http_loopback",
        ),
    ];
    for (text, expected) in refused {
        let error = load(text.clone()).expect_err(&text).to_string();
        assert!(error.contains(expected), "{expected:?} not in {error:?}");
    }
    load(provider("http://127.0.0.1:8080", allow)).expect("127.0.0.1, opted in");
    load(provider("http://[::1]:8080", allow)).expect("[::1], opted in");
}

#[tokio::test]
async fn plain_http_accounts_are_refreshed_in_the_background_only_when_opted_in() {
    let w = support::world().await;
    let issuer = w.sandbox.issuer().to_owned();
    w.grantry
        .save_provider(&local(&issuer, true, false), None)
        .await
        .expect("opted in to plain http");
    let alice = link_at_local(&w, "alice").await;
    let bob = w.link("bob").await.id;
    let policy = RefreshPolicy::default();
    // With bob's turn put off for ever, the schedule would pick alice if it took her at all.
    let bob_later = HashMap::from([(bob, i64::MAX)]);
    let next = w
        .grantry
        .next_refresh(policy, &bob_later)
        .expect("schedule");
    assert_eq!(
        next,
        Some((bob, i64::MAX)),
        "alice is never refreshed unattended"
    );
    let detail = w.grantry.account_detail(alice, policy, 10).expect("detail");
    assert_eq!(detail.tokens.next_refresh_at, None, "and says so");
    w.grantry
        .refresh(alice)
        .await
        .expect("refreshed when the person asks");

    w.grantry
        .save_provider(&local(&issuer, true, true), Some("local"))
        .await
        .expect("opted in to background refresh");
    let next = w
        .grantry
        .next_refresh(policy, &bob_later)
        .expect("schedule");
    assert_eq!(next.map(|(id, _)| id), Some(alice));
    let view = &w.grantry.provider_views().expect("views")[1];
    assert!(view.environments[0].refreshed_in_background);
}

#[tokio::test]
async fn moving_the_token_endpoint_marks_its_accounts_for_a_new_link() {
    let w = support::world().await;
    let issuer = w.sandbox.issuer().to_owned();
    w.grantry
        .save_provider(&local(&issuer, true, false), None)
        .await
        .expect("add");
    let alice = link_at_local(&w, "alice").await;

    // A new name moves nothing.
    let mut renamed = local(&issuer, true, false);
    renamed.name = "Local IdP".into();
    let check = w
        .grantry
        .check_provider(&renamed, Some("local"))
        .expect("check");
    assert!(
        check.errors.is_empty() && check.relink.is_empty(),
        "{check:?}"
    );
    w.grantry
        .save_provider(&renamed, Some("local"))
        .await
        .expect("rename");
    assert_eq!(
        w.grantry.account(alice).expect("alice").status,
        AccountStatus::Valid
    );
    // Moving the issuer is told before saving.
    let mut issuer_moved = renamed.clone();
    issuer_moved.environments[0].issuer = Some(issuer.replace("127.0.0.1", "[::1]"));
    let check = w
        .grantry
        .check_provider(&issuer_moved, Some("local"))
        .expect("check");
    assert_eq!(check.relink.len(), 1, "{check:?}");
    assert!(
        check.relink[0].change.contains("the issuer changes"),
        "{check:?}"
    );

    // Another server on this machine, counting who reaches it.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let elsewhere = format!("http://{}/token", listener.local_addr().expect("addr"));
    let reached = Arc::new(AtomicUsize::new(0));
    let counted = reached.clone();
    tokio::spawn(async move {
        while let Ok((_socket, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
        }
    });
    let mut moved = renamed.clone();
    moved.environments[0].token_endpoint = Some(elsewhere.clone());
    let check = w
        .grantry
        .check_provider(&moved, Some("local"))
        .expect("check");
    assert!(check.errors.is_empty(), "{check:?}");
    assert_eq!(check.relink.len(), 1, "{check:?}");
    assert_eq!(
        (
            check.relink[0].environment.as_str(),
            check.relink[0].accounts
        ),
        ("dev", 1)
    );
    assert!(
        check.relink[0].change.contains(&format!("to {elsewhere}")),
        "{check:?}"
    );
    assert_eq!(
        w.grantry.account(alice).expect("alice").status,
        AccountStatus::Valid,
        "checking changes nothing"
    );

    w.grantry
        .save_provider(&moved, Some("local"))
        .await
        .expect("save");
    let account = w.grantry.account(alice).expect("alice");
    assert_eq!(account.status, AccountStatus::NeedsRelink);
    assert!(
        account
            .status_reason
            .as_deref()
            .is_some_and(|r| r.contains("link it again")),
        "{account:?}"
    );
    let error = w
        .grantry
        .refresh(alice)
        .await
        .expect_err("needs a new link");
    assert_eq!(IpcError::from(&error).code, ErrorCode::NeedsRelink);
    assert_eq!(
        w.grantry
            .refresh_all(RefreshLimits::DEFAULT)
            .await
            .expect("all")
            .len(),
        0,
        "nor refreshed with the others"
    );
    assert_eq!(
        reached.load(Ordering::SeqCst),
        0,
        "the new address got nothing"
    );
}

#[tokio::test]
async fn linking_again_after_a_move_sends_the_old_refresh_token_nowhere() {
    let w = support::world().await;
    let issuer = w.sandbox.issuer().to_owned();
    w.grantry
        .save_provider(&local(&issuer, true, false), None)
        .await
        .expect("add");
    let alice = link_at_local(&w, "alice").await;
    // Written out, the token endpoint is another setting, though the same server answers.
    let mut moved = local(&issuer, true, false);
    moved.environments[0].token_endpoint = Some(format!("{issuer}/token"));
    w.grantry
        .save_provider(&moved, Some("local"))
        .await
        .expect("save");
    assert_eq!(
        w.grantry.account(alice).expect("alice").status,
        AccountStatus::NeedsRelink
    );
    let again = link_at_local(&w, "alice").await;
    assert_eq!(again, alice, "the same account");
    assert_eq!(
        w.grantry.account(alice).expect("alice").status,
        AccountStatus::Valid
    );
    // The old refresh token was dropped with the move: not offered to the moved provider for
    // revocation either.
    let grants = w.sandbox_grants().await;
    let live: Vec<bool> = grants
        .as_array()
        .expect("grants")
        .iter()
        .map(|g| g["revoked"].is_null())
        .collect();
    assert_eq!(live, [true, true], "{grants}");
    let relinked = w
        .grantry
        .activity(10)
        .expect("activity")
        .into_iter()
        .find(|e| e.kind == grantry_core::ActivityKind::AccountRelinked)
        .expect("a re-link recorded");
    assert!(!relinked.detail.contains("revoked"), "{}", relinked.detail);
}
