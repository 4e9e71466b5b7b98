//! `grantry` killed at injected points (`GRANTRY_CRASH_AT`) in linking, refreshing and
//! revoking: each leaves a state that the next command or `grantry repair` mends.

use crate::support;

use std::os::unix::process::ExitStatusExt;

use support::env;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn a_kill_at_any_step_leaves_a_state_repair_mends() {
    let env = env().await;
    let crashing = |point: &str, args: &[&str]| {
        let status = env
            .run(env.command().args(args).env("GRANTRY_CRASH_AT", point))
            .status;
        // The crash point aborts, as a kill would: the process dies by a signal (SIGABRT).
        assert_eq!(
            status.signal(),
            Some(6),
            "{point}: the process was meant to die"
        );
    };
    // Killed between writing and deleting the keyring probe: repair removes the probe, once.
    crashing(
        "link:after-probe",
        &["link", "sandbox", "--browser", &env.consent("alice", "")],
    );
    let (_, repaired) = env.json(&["repair"]);
    assert_eq!(repaired["probes_removed"], 1, "{repaired}");
    let (_, repaired) = env.json(&["repair"]);
    assert_eq!(repaired["probes_removed"], 0, "{repaired}");

    // Killed after the tokens reached the keyring, before the account was written.
    crashing(
        "link:after-secrets",
        &["link", "sandbox", "--browser", &env.consent("alice", "")],
    );
    let (_, accounts) = env.json(&["accounts"]);
    assert_eq!(accounts, serde_json::json!([]));
    let (code, repaired) = env.json(&["repair"]);
    assert_eq!(code, 0, "{repaired}");
    assert_eq!(repaired["orphaned_secrets_removed"], 1);
    // Nobody saw that account, so nothing could revoke it later: repair revoked its grant.
    assert_eq!(repaired["orphaned_grants_revoked"], 1, "{repaired}");
    let grants = env.grants().await;
    assert!(!grants[0]["revoked"].is_null(), "{grants}");

    // Killed after a rotated refresh token was saved, before the database knew: the saved
    // token is the live one, so the next refresh works (the old one would revoke the grant).
    let (_, bob) = env.json(&["link", "sandbox", "--browser", &env.consent("bob", "")]);
    let bob_id = bob["id"].to_string();
    crashing("refresh:after-secrets", &["refresh", &bob_id]);
    let (code, refreshed) = env.json(&["refresh", &bob_id]);
    assert_eq!(code, 0, "{refreshed}");

    // Killed in the dangerous window: the provider rotated the refresh token, the keyring
    // still holds the old one. The next refresh replays it, the provider (with reuse
    // detection) ends the grant, and the account says it needs re-linking, and why.
    let (_, carol) = env.json(&["link", "sandbox", "--browser", &env.consent("carol", "")]);
    let carol_id = carol["id"].to_string();
    crashing("refresh:before-secrets", &["refresh", &carol_id]);
    let (code, refused) = env.json(&["refresh", &carol_id]);
    assert_eq!(code, 10, "needs re-link: {refused}");
    let (_, accounts) = env.json(&["accounts"]);
    let carol = accounts
        .as_array()
        .and_then(|list| list.iter().find(|a| a["id"] == carol["id"]))
        .expect("carol is kept")
        .clone();
    assert_eq!(carol["status"], "needs_relink", "{carol}");
    assert!(
        carol["status_reason"]
            .as_str()
            .is_some_and(|r| r.contains("invalid_grant")),
        "{carol}"
    );
    let (code, _) = env.json(&["forget", &carol_id]);
    assert_eq!(code, 0);

    // Killed after revoking and deleting the tokens, before the account was removed: the
    // revocation went through, so repair finishes the removal.
    crashing("revoke:after-secrets", &["revoke", &bob_id]);
    let (_, repaired) = env.json(&["repair"]);
    assert_eq!(repaired["revocations_finished"], 1, "{repaired}");
    let (_, accounts) = env.json(&["accounts"]);
    assert_eq!(accounts, serde_json::json!([]));
    let (_, again) = env.json(&["repair"]);
    assert_eq!(
        again,
        serde_json::json!({
            "orphaned_secrets_removed": 0,
            "orphaned_grants_revoked": 0,
            "orphans_kept": 0,
            "accounts_without_tokens": 0,
            "revocations_finished": 0,
            "probes_removed": 0
        })
    );
}
