//! `grantry` killed at injected points (`GRANTRY_CRASH_AT`) in linking, refreshing and
//! revoking, one test a point: each leaves a state that the next command, `grantry repair` or
//! `grantry revoke --pending` mends, with nothing lost and no grant left live at the provider
//! that no account here shows.

use crate::support;

use std::os::unix::process::ExitStatusExt;

use serde_json::{Value, json};
use support::{Env, env};

/// Runs `grantry args` with the crash point `point`, which must kill it.
fn crashing(env: &Env, point: &str, args: &[&str]) {
    let status = env
        .run(env.command().args(args).env("GRANTRY_CRASH_AT", point))
        .status;
    // The crash point aborts, as a kill would: the process dies by a signal (SIGABRT).
    assert_eq!(
        status.signal(),
        Some(6),
        "{point}: the process was meant to die"
    );
}

/// Links `user` at the sandbox; returns the account's id, as `grantry` takes it.
fn linked(env: &Env, user: &str) -> String {
    let (code, account) = env.json(&["link", "sandbox", "--browser", &env.consent(user, "")]);
    assert_eq!(code, 0, "{account}");
    account["id"].to_string()
}

/// Whether each grant the sandbox holds is still live, oldest first.
async fn live(env: &Env) -> Vec<bool> {
    let grants = env.grants().await;
    let grants = grants.as_array().expect("grants");
    grants.iter().map(|g| g["revoked"].is_null()).collect()
}

/// `grantry repair`'s report when there is nothing to mend.
fn nothing_to_mend() -> Value {
    json!({
        "orphaned_secrets_removed": 0,
        "orphaned_grants_revoked": 0,
        "orphans_kept": 0,
        "accounts_without_tokens": 0,
        "revocations_finished": 0,
        "probes_removed": 0
    })
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn a_link_killed_between_writing_and_deleting_its_probe_leaves_it_to_repair() {
    let env = env().await;
    crashing(
        &env,
        "link:after-probe",
        &["link", "sandbox", "--browser", &env.consent("alice", "")],
    );
    let (_, repaired) = env.json(&["repair"]);
    assert_eq!(repaired["probes_removed"], 1, "{repaired}");
    let (_, repaired) = env.json(&["repair"]);
    assert_eq!(repaired, nothing_to_mend(), "once");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn a_link_killed_between_its_tokens_and_its_account_has_its_grant_revoked_by_repair() {
    let env = env().await;
    crashing(
        &env,
        "link:after-secrets",
        &["link", "sandbox", "--browser", &env.consent("alice", "")],
    );
    let (_, accounts) = env.json(&["accounts"]);
    assert_eq!(accounts, json!([]));
    assert_eq!(live(&env).await, [true], "the grant was made");
    let (code, repaired) = env.json(&["repair"]);
    assert_eq!(code, 0, "{repaired}");
    assert_eq!(repaired["orphaned_secrets_removed"], 1);
    // Nobody saw that account, so nothing could revoke it later: repair revoked its grant.
    assert_eq!(repaired["orphaned_grants_revoked"], 1, "{repaired}");
    assert_eq!(live(&env).await, [false]);
    let (_, repaired) = env.json(&["repair"]);
    assert_eq!(repaired, nothing_to_mend(), "once");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn a_refresh_killed_after_saving_the_rotated_token_works_next_time() {
    let env = env().await;
    let bob = linked(&env, "bob");
    // The saved token is the live one, so the next refresh works (the old one would revoke
    // the grant).
    crashing(&env, "refresh:after-secrets", &["refresh", &bob]);
    let (code, refreshed) = env.json(&["refresh", &bob]);
    assert_eq!(code, 0, "{refreshed}");
    assert_eq!(refreshed["status"], "valid");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn a_refresh_killed_before_saving_the_rotated_token_says_the_account_needs_relinking() {
    let env = env().await;
    let carol = linked(&env, "carol");
    // The dangerous window: the provider rotated the refresh token, the keyring still holds
    // the old one. The next refresh replays it, the provider (with reuse detection) ends the
    // grant, and the account says it needs re-linking, and why.
    crashing(&env, "refresh:before-secrets", &["refresh", &carol]);
    let (code, refused) = env.json(&["refresh", &carol]);
    assert_eq!(code, 10, "needs re-link: {refused}");
    let (_, accounts) = env.json(&["accounts"]);
    assert_eq!(accounts[0]["status"], "needs_relink", "kept: {accounts}");
    assert!(
        accounts[0]["status_reason"]
            .as_str()
            .is_some_and(|r| r.contains("invalid_grant")),
        "{accounts}"
    );
    assert_eq!(live(&env).await, [false], "no grant is left live");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn a_revocation_killed_after_deleting_the_tokens_is_finished_by_repair() {
    let env = env().await;
    let bob = linked(&env, "bob");
    crashing(&env, "revoke:after-secrets", &["revoke", &bob]);
    assert_eq!(live(&env).await, [false], "the provider revoked");
    let (_, repaired) = env.json(&["repair"]);
    assert_eq!(repaired["revocations_finished"], 1, "{repaired}");
    let (_, accounts) = env.json(&["accounts"]);
    assert_eq!(accounts, json!([]));
    let (_, again) = env.json(&["repair"]);
    assert_eq!(again, nothing_to_mend());
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn a_revocation_killed_before_asking_the_provider_stays_pending_until_retried() {
    let env = env().await;
    let alice = linked(&env, "alice");
    crashing(&env, "revoke:after-pending", &["revoke", &alice]);
    assert_eq!(live(&env).await, [true], "the provider was never asked");
    // Repair must not take the account for a finished revocation: its tokens are there, and
    // removing it would leave the grant live with no account showing it.
    let (code, repaired) = env.json(&["repair"]);
    assert_eq!((code, &repaired), (0, &nothing_to_mend()));
    let (_, accounts) = env.json(&["accounts"]);
    assert_eq!(
        (accounts[0]["id"].to_string(), &accounts[0]["status"]),
        (alice.clone(), &json!("revocation_pending")),
        "shown as pending: {accounts}"
    );
    let (code, refused) = env.json(&["refresh", &alice]);
    assert_eq!(code, 14, "a refresh does not undo it: {refused}");

    let (code, retried) = env.json(&["revoke", "--pending"]);
    assert_eq!(code, 0, "{retried}");
    assert_eq!(retried[0]["revoked"], true, "{retried}");
    assert_eq!(live(&env).await, [false], "revoked at the provider");
    let (_, accounts) = env.json(&["accounts"]);
    assert_eq!(accounts, json!([]));
    let (_, repaired) = env.json(&["repair"]);
    assert_eq!(repaired, nothing_to_mend(), "no token left behind");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn a_relink_killed_while_revoking_the_token_it_replaced_leaves_no_old_grant_live() {
    let env = env().await;
    let alice = linked(&env, "alice");
    crashing(
        &env,
        "link:revoking-replaced",
        &["link", "sandbox", "--browser", &env.consent("alice", "")],
    );
    // The re-link itself was saved: the account holds the new grant's tokens.
    let (_, accounts) = env.json(&["accounts"]);
    assert_eq!(accounts[0]["id"].to_string(), alice, "{accounts}");
    assert_eq!(accounts[0]["status"], "valid", "{accounts}");
    assert_eq!(
        live(&env).await,
        [true, true],
        "the old grant was not revoked yet"
    );
    // The replaced refresh token is in no account now: repair revokes its grant.
    let (code, repaired) = env.json(&["repair"]);
    assert_eq!(code, 0, "{repaired}");
    assert_eq!(repaired["orphaned_grants_revoked"], 1, "{repaired}");
    assert_eq!(
        live(&env).await,
        [false, true],
        "the old grant is revoked, the new one kept"
    );
    let (code, refreshed) = env.json(&["refresh", &alice]);
    assert_eq!(code, 0, "the account's own tokens work: {refreshed}");
    let (_, repaired) = env.json(&["repair"]);
    assert_eq!(repaired, nothing_to_mend(), "once");
}
