//! `grantry` killed at injected points (`GRANTRY_CRASH_AT`) in linking, refreshing and
//! revoking: each leaves a state that the next command or `grantry repair` mends.

mod support;

use support::env;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn a_kill_at_any_step_leaves_a_state_repair_mends() {
    let env = env().await;
    let crashing = |point: &str, args: &[&str]| {
        let status = env
            .command()
            .args(args)
            .env("GRANTRY_CRASH_AT", point)
            .output()
            .expect("run grantry")
            .status;
        assert!(!status.success(), "{point}: the process was meant to die");
    };
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

    // Killed after a rotated refresh token was saved, before the database knew: the saved
    // token is the live one, so the next refresh works (the old one would revoke the grant).
    let (_, bob) = env.json(&["link", "sandbox", "--browser", &env.consent("bob", "")]);
    let bob_id = bob["id"].to_string();
    crashing("refresh:after-secrets", &["refresh", &bob_id]);
    let (code, refreshed) = env.json(&["refresh", &bob_id]);
    assert_eq!(code, 0, "{refreshed}");

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
            "accounts_without_tokens": 0,
            "revocations_finished": 0
        })
    );
}
