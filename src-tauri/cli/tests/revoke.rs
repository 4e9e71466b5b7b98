//! `grantry revoke` and `grantry forget` end to end: revoking ends the grant at the sandbox,
//! forgetting does not, and the export left behind holds no token.

use crate::support;

use serde_json::Value;
use support::env;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn revoke_ends_the_grant_at_the_sandbox_forget_does_not() {
    let env = env().await;
    let (_, alice) = env.json(&["link", "sandbox", "--browser", &env.consent("alice", "")]);
    let (_, bob) = env.json(&["link", "sandbox", "--browser", &env.consent("bob", "")]);
    let (code, revoked) = env.json(&["revoke", &alice["id"].to_string()]);
    assert_eq!(code, 0, "{revoked}");
    let (code, _) = env.json(&["forget", &bob["id"].to_string()]);
    assert_eq!(code, 0);
    let grants: Value = env.grants().await;
    let revoked: Vec<(&str, bool)> = grants
        .as_array()
        .expect("grants")
        .iter()
        .map(|g| {
            (
                g["sub"].as_str().unwrap_or_default(),
                g["revoked"].is_string(),
            )
        })
        .collect();
    assert_eq!(revoked, [("user-alice", true), ("user-bob", false)]);
    let (_, accounts) = env.json(&["accounts"]);
    assert_eq!(accounts, serde_json::json!([]));

    // The export and the history hold no token the sandbox issued.
    let export = String::from_utf8_lossy(&env.grantry(&["export"]).stdout).into_owned();
    let report: Value = serde_json::from_str(&export).expect("the export is JSON");
    assert!(report["history"].as_array().is_some_and(|h| h.len() >= 4));
    for needle in ["sbx_at_", "sbx_rt_", "sbx_code_", "eyJ"] {
        assert!(!export.contains(needle), "{needle} in the export");
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn a_refresh_in_another_process_waits_for_a_revocation_and_resurrects_nothing() {
    let env = env().await;
    let (_, alice) = env.json(&["link", "sandbox", "--browser", &env.consent("alice", "")]);
    let id = alice["id"].to_string();
    // One process revokes; its request is stopped at the provider, the account locked.
    let hold = env.hold(grantry_sandbox::Endpoint::Revoke);
    let revoking = env.spawn(&["--json", "revoke", &id]);
    env.until_held(hold).await;
    // Another refreshes the same account meanwhile: it waits for the account's lock.
    let (command, child) = env.spawn(&["--json", "refresh", &id]);
    let mut children = [child];
    support::until_blocked_on(&mut children, &env.account_lock(&id), 1);
    let [mut child] = children;
    assert!(
        child.try_wait().expect("refresh").is_none(),
        "the refresh waits"
    );

    env.release(hold);
    let (code, revoked) = support::json_output(&env.finish(revoking));
    assert_eq!(code, 0, "{revoked}");
    let (code, refreshed) = support::json_output(&env.finish((command, child)));
    assert_eq!(
        (code, refreshed["error"]["code"].as_str()),
        (13, Some("unknown_account")),
        "the refresh found the account gone: {refreshed}"
    );
    let (_, accounts) = env.json(&["accounts"]);
    assert_eq!(accounts, serde_json::json!([]));
    let grants = env.grants().await;
    assert!(grants[0]["revoked"].is_string(), "revoked: {grants}");
    // Tokens written back after the revocation deleted them would be an orphan here.
    let (_, repaired) = env.json(&["repair"]);
    assert_eq!(repaired["orphaned_secrets_removed"], 0, "{repaired}");
    let (_, history) = env.json(&["history"]);
    let refreshes = history
        .as_array()
        .expect("history")
        .iter()
        .filter(|entry| entry["kind"] == "token_refreshed")
        .count();
    assert_eq!(refreshes, 0, "nothing was refreshed: {history}");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn revoke_json_is_a_receipt_and_an_ignored_revocation_exits_15_and_keeps_the_account() {
    let env = env().await;
    let (_, alice) = env.json(&["link", "sandbox", "--browser", &env.consent("alice", "")]);
    let id = alice["id"].to_string();

    // The sandbox says "revoked" and revokes nothing: the check sees it, the account stays.
    env.fault(r#"{"endpoint":"revoke","kind":"ignore_revocation"}"#)
        .await;
    let output = env.grantry(&["--json", "revoke", &id]);
    let (code, receipt) = support::json_output(&output);
    assert_eq!(code, 15, "{receipt}");
    assert_eq!(receipt["outcome"], "not_effective", "{receipt}");
    assert_eq!(receipt["verified"], false);
    assert_eq!(receipt["revoked"], false);
    assert!(receipt["proof"].is_null());
    let (_, accounts) = env.json(&["accounts"]);
    assert_eq!(
        accounts[0]["status"], "revocation_not_effective",
        "{accounts}"
    );
    let human = env.grantry(&["revoke", &id]);
    assert_eq!(
        human.status.code(),
        Some(0),
        "the fault was used up: {human:?}"
    );
    let said = String::from_utf8_lossy(&human.stdout);
    assert!(said.contains("Verified:"), "{said}");
    assert!(said.contains("introspection"), "{said}");

    // Verified, with the exchanges behind it, and no token in them.
    let (_, bob) = env.json(&["link", "sandbox", "--browser", &env.consent("bob", "")]);
    let output = env.grantry(&["--json", "revoke", &bob["id"].to_string()]);
    let (code, receipt) = support::json_output(&output);
    assert_eq!(code, 0, "{receipt}");
    assert_eq!(
        (&receipt["verified"], &receipt["proof"], &receipt["revoked"]),
        (
            &Value::Bool(true),
            &Value::from("introspection"),
            &Value::Bool(true)
        ),
        "{receipt}"
    );
    let urls: Vec<&str> = receipt["exchanges"]
        .as_array()
        .expect("exchanges")
        .iter()
        .filter_map(|e| e["url"].as_str())
        .collect();
    assert!(urls.iter().any(|u| u.ends_with("/revoke")), "{urls:?}");
    assert!(urls.iter().any(|u| u.ends_with("/introspect")), "{urls:?}");
    let text = String::from_utf8_lossy(&output.stdout);
    for needle in ["sbx_at_", "sbx_rt_"] {
        assert!(!text.contains(needle), "{needle} in the receipt");
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn revoke_all_names_the_count_until_yes_then_revokes_each_and_sums_up() {
    let env = env().await;
    for user in ["alice", "bob"] {
        env.json(&["link", "sandbox", "--browser", &env.consent(user, "")]);
    }
    let asked = env.grantry(&["revoke", "--all", "--provider", "sandbox"]);
    assert_eq!(asked.status.code(), Some(3), "{asked:?}");
    let said = String::from_utf8_lossy(&asked.stderr);
    assert!(
        said.contains("this would revoke 2 accounts at sandbox"),
        "{said}"
    );
    assert!(said.contains("alice@sandbox.grantry.test"), "{said}");
    let (_, accounts) = env.json(&["accounts"]);
    assert_eq!(
        accounts.as_array().map(Vec::len),
        Some(2),
        "nothing revoked yet"
    );

    let (code, outcome) = env.json(&["revoke", "--all", "--provider", "sandbox", "--yes"]);
    assert_eq!(code, 0, "{outcome}");
    assert_eq!(
        (&outcome["total"], &outcome["revoked"], &outcome["verified"]),
        (&Value::from(2), &Value::from(2), &Value::from(2)),
        "{outcome}"
    );
    assert_eq!(outcome["accounts"][0]["receipt"]["proof"], "introspection");
    let (_, accounts) = env.json(&["accounts"]);
    assert_eq!(accounts, serde_json::json!([]));
    let unknown = env.grantry(&["revoke", "--all", "--provider", "nope", "--yes"]);
    assert_eq!(unknown.status.code(), Some(3), "{unknown:?}");
}
