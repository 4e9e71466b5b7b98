//! Handing tokens to other programs (`engine/hand_out.rs`): accounts found by id, email or
//! name; a token handed out as it is while it stays valid long enough, refreshed first
//! otherwise, once however many ask at once; nothing handed out
//! for an account that needs linking again or is being revoked; each hand-out in the history,
//! naming the program.

use std::time::Duration;

use grantry_core::{ActivityKind, ErrorCode};
use grantry_sandbox::{Personality, SandboxConfig};

use crate::support::{world, world_with};

#[tokio::test]
async fn accounts_are_found_by_id_email_or_name_and_an_ambiguous_name_lists_the_matches() {
    let w = world().await;
    let alice = w.link("alice").await;
    let bob = w.link("bob").await;
    let find = |query: &str| w.grantry.find_account(query).map(|a| a.id);
    assert_eq!(find(&alice.id.to_string()).expect("by id"), alice.id);
    let email = bob.email.clone().expect("an email");
    assert_eq!(find(&email.to_uppercase()).expect("by email"), bob.id);
    let name = alice.display_name.clone().expect("a name");
    assert_eq!(find(&name).expect("by name"), alice.id);
    assert_eq!(
        w.code(find("nobody@example.com")),
        ErrorCode::UnknownAccount
    );
    assert_eq!(w.code(find("999")), ErrorCode::UnknownAccount);

    // Two people of one name: neither is picked, both are listed.
    w.sandbox
        .admin()
        .add_user(grantry_sandbox::NewUser {
            login: "alice2".into(),
            name: Some(name.clone()),
            email: None,
        })
        .expect("a second Alice");
    let alice2 = w.link("alice2").await;
    let ambiguous = w.grantry.find_account(&name).expect_err("ambiguous");
    assert_eq!(
        grantry_core::IpcError::from(&ambiguous).code,
        ErrorCode::InvalidInput
    );
    let said = ambiguous.to_string();
    assert!(
        said.contains(&format!("{} (", alice.id)) && said.contains(&format!("{} (", alice2.id)),
        "{said}"
    );
}

#[tokio::test]
async fn a_token_valid_long_enough_is_handed_out_as_it_is_and_the_history_names_the_program() {
    let w = world().await;
    let alice = w.link("alice").await;
    let handed = w
        .grantry
        .hand_out(alice.id, 60, "grantry token (pid 1)")
        .await
        .expect("handed out");
    assert_eq!(w.refreshes(), 0, "an hour-long token needs no refresh");
    assert_eq!(handed.token_type, "Bearer");
    assert!(handed.access_token.expose().starts_with("sbx_at_"));
    assert!(
        handed.scopes.contains(&"openid".to_owned()),
        "{:?}",
        handed.scopes
    );
    assert!(handed.id_token.is_some());
    let entry = &w.grantry.activity(1).expect("history")[0];
    assert_eq!(entry.kind, ActivityKind::TokenHandedOut);
    assert_eq!(entry.program.as_deref(), Some("grantry token (pid 1)"));
    assert_eq!(entry.account_id, Some(alice.id));
    assert!(
        !entry.detail.contains(handed.access_token.expose()),
        "{}",
        entry.detail
    );

    // Asking for longer than it has left refreshes it first; a day is the most one may ask.
    let longer = w
        .grantry
        .hand_out(alice.id, 3_700, "grantry token (pid 2)")
        .await
        .expect("handed out");
    assert_eq!(w.refreshes(), 1);
    assert_ne!(longer.access_token.expose(), handed.access_token.expose());
    assert_eq!(
        w.code(w.grantry.hand_out(alice.id, 86_401, "x").await),
        ErrorCode::InvalidInput
    );
    assert_eq!(
        w.code(w.grantry.hand_out(alice.id, -1, "x").await),
        ErrorCode::InvalidInput
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn many_callers_at_once_refresh_an_expiring_token_once() {
    let w = world().await;
    let alice = w.link("alice").await;
    w.grantry.expire_access_token(alice.id).expect("expired");
    // The first refresh to reach the provider is held there until everyone else waits.
    let hold = w.hold(grantry_sandbox::Endpoint::Token);
    let callers: Vec<_> = (0..10)
        .map(|n| {
            let grantry = w.grantry.clone();
            tokio::spawn(async move {
                grantry
                    .hand_out(alice.id, 60, &format!("caller {n}"))
                    .await
                    .map(|h| h.access_token.expose().clone())
            })
        })
        .collect();
    w.until_held(hold).await;
    w.release(hold);
    let mut tokens = Vec::new();
    for caller in callers {
        tokens.push(caller.await.expect("task").expect("handed out"));
    }
    tokens.dedup();
    assert_eq!(tokens.len(), 1, "all ten got the one refreshed token");
    assert_eq!(w.refreshes(), 1, "one refresh served everyone");
}

#[tokio::test]
async fn a_short_token_is_handed_out_while_it_lasts_long_enough_and_refreshed_after() {
    let mut config = SandboxConfig::new(Personality::Generic);
    config.access_token_lifetime = Duration::from_secs(30);
    let w = world_with(config).await;
    let alice = w.link("alice").await;
    assert!(alice.has_refresh_token, "the sandbox gives refresh tokens");
    let handed = w
        .grantry
        .hand_out(alice.id, 10, "a")
        .await
        .expect("30 s left");
    assert!(handed.expires_at.is_some());
    // Asked for more than it has: refreshed.
    w.grantry
        .hand_out(alice.id, 60, "b")
        .await
        .expect("refreshed");
    assert_eq!(w.refreshes(), 1);

    // Without `offline_access` the sandbox gives no refresh token: a token that would expire
    // too soon cannot be renewed, so it is refused, and the account stays as it was.
    let scopes = ["openid", "profile", "email"].map(str::to_owned).to_vec();
    let back = w.answer(Some(scopes), &crate::support::allow("bob")).await;
    let bob = w.grantry.finish_link(&back).await.expect("link");
    assert!(!bob.has_refresh_token);
    let refused = w
        .grantry
        .hand_out(bob.id, 60, "c")
        .await
        .expect_err("too short");
    assert_eq!(
        grantry_core::IpcError::from(&refused).code,
        ErrorCode::NeedsRelink
    );
    assert!(
        refused.to_string().contains("no refresh token"),
        "{refused}"
    );
    w.grantry
        .hand_out(bob.id, 10, "d")
        .await
        .expect("long enough for 10 s");
    assert_eq!(
        w.grantry.account(bob.id).expect("bob").status,
        grantry_core::AccountStatus::Valid
    );
}

#[tokio::test]
async fn nothing_is_handed_out_for_an_account_that_needs_linking_again() {
    let w = world().await;
    let alice = w.link("alice").await;
    w.fault(r#"{"kind":"invalid_grant","user":"alice"}"#).await;
    w.grantry.expire_access_token(alice.id).expect("expired");
    assert_eq!(
        w.code(w.grantry.hand_out(alice.id, 60, "a").await),
        ErrorCode::NeedsRelink
    );
    // Marked now: even a caller content with the expired token gets nothing.
    assert_eq!(
        w.code(w.grantry.hand_out(alice.id, 0, "b").await),
        ErrorCode::NeedsRelink
    );
    let handed_out = w
        .grantry
        .activity(100)
        .expect("history")
        .iter()
        .filter(|e| e.kind == ActivityKind::TokenHandedOut)
        .count();
    assert_eq!(handed_out, 0);
}
