//! `grantry refresh` end to end: concurrent processes share one refresh (the sandbox rotates
//! refresh tokens and detects reuse), and a refused grant marks the account, keeping it.

use crate::support;

use support::env;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn ten_refresh_processes_at_once_share_one_refresh() {
    let env = env().await;
    let (_, account) = env.json(&["link", "sandbox", "--browser", &env.consent("alice", "")]);
    let id = account["id"].to_string();
    // The first refresh to reach the provider is held there, the account locked, until the
    // nine others wait for it: the ten really overlap.
    let hold = env.hold(grantry_sandbox::Endpoint::Token);
    let (commands, mut children): (Vec<_>, Vec<_>) = (0..10)
        .map(|_| env.spawn(&["--json", "refresh", &id]))
        .unzip();
    env.until_held(hold).await;
    support::until_blocked_on(&mut children, &env.account_lock(&id), 9);
    env.release(hold);
    for started in commands.into_iter().zip(children) {
        let output = env.finish(started);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stdout)
        );
    }
    let (_, history) = env.json(&["history"]);
    let refreshes = history
        .as_array()
        .expect("history")
        .iter()
        .filter(|entry| entry["kind"] == "token_refreshed")
        .count();
    assert_eq!(refreshes, 1, "one refresh served all ten: {history}");
    // Rotation with reuse detection is on: had two processes sent the same refresh token, the
    // grant would be revoked and this would fail.
    let (code, again) = env.json(&["refresh", &id]);
    assert_eq!(code, 0, "{again}");
    assert_eq!(again["status"], "valid");
    let (code, all) = env.json(&["refresh", "--all"]);
    assert_eq!(code, 0, "{all}");

    env.fault(r#"{"kind":"invalid_grant","user":"alice"}"#)
        .await;
    let (code, error) = env.json(&["refresh", &id]);
    assert_eq!(
        (code, error["error"]["code"].as_str()),
        (10, Some("needs_relink"))
    );
    // The sandbox's injected refusal names no cause Grantry knows: it says so, and how to mend.
    assert_eq!(error["cause"].as_str(), Some("unknown"), "{error}");
    let said = error["error"]["message"].as_str().unwrap_or_default();
    assert!(said.contains("Link the account again"), "{said}");
    let (_, accounts) = env.json(&["accounts"]);
    assert_eq!(accounts[0]["status"], "needs_relink", "the account is kept");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn accounts_say_why_refreshing_keeps_failing_until_it_works() {
    let env = env().await;
    let (_, account) = env.json(&["link", "sandbox", "--browser", &env.consent("alice", "")]);
    let id = account["id"].to_string();
    env.fault(r#"{"endpoint":"token","kind":"status","status":503,"count":null}"#)
        .await;
    for _ in 0..2 {
        let (code, error) = env.json(&["refresh", &id]);
        assert_eq!(code, 5, "{error}");
    }
    // What one process saw failing, another reads: the count, since when, the last error.
    let (_, accounts) = env.json(&["accounts"]);
    let failing = &accounts[0]["failing_refresh"];
    assert_eq!(failing["failures"], 2, "{accounts}");
    assert!(failing["since"].is_i64(), "{accounts}");
    assert!(
        failing["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("HTTP 503")),
        "{accounts}"
    );
    let text = String::from_utf8_lossy(&env.grantry(&["accounts"]).stdout).into_owned();
    assert!(text.contains("valid (refresh failing)"), "{text}");
    let note = format!("Account {id}: refreshing has failed 2 times since ");
    assert!(
        text.lines()
            .any(|line| line.starts_with(&note) && line.ends_with("it answered HTTP 503")),
        "{text}"
    );

    env.fault_clear().await;
    let (code, refreshed) = env.json(&["refresh", &id]);
    assert_eq!(code, 0, "{refreshed}");
    let text = String::from_utf8_lossy(&env.grantry(&["accounts"]).stdout).into_owned();
    assert!(!text.contains("refresh failing"), "{text}");
    let (_, accounts) = env.json(&["accounts"]);
    assert_eq!(accounts[0]["failing_refresh"], serde_json::Value::Null);
}
