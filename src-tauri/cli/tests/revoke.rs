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
