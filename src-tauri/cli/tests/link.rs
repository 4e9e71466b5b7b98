//! `grantry link` end to end against the sandbox: both redirects, partial consent, linking
//! again, the scopes and exchanges of what was linked, and how a failed link is reported.

use crate::support;

use std::path::Path;

use support::env;

fn file_contains(path: &Path, needle: &str) -> bool {
    std::fs::read(path)
        .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn link_two_accounts_list_them_and_their_scopes() {
    let env = env().await;
    let (code, providers) = env.json(&["providers"]);
    assert_eq!(code, 0);
    assert_eq!(providers[0]["id"], "sandbox");

    // Loopback redirect (the default), a scripted browser playing alice.
    let (code, alice) = env.json(&["link", "sandbox", "--browser", &env.consent("alice", "")]);
    assert_eq!(code, 0, "{alice}");
    assert_eq!(alice["email"], "alice@sandbox.grantry.test");
    assert_eq!(alice["scope_count"], 4);

    // Custom-scheme redirect read from the browser command's output; bob unticks two scopes.
    let partial = env.consent("bob", "--scope openid --scope email");
    let (code, bob) = env.json(&[
        "link",
        "sandbox",
        "--redirect",
        "custom",
        "--browser",
        &partial,
    ]);
    assert_eq!(code, 0, "{bob}");
    assert_eq!(bob["scope_count"], 2);

    let (_, accounts) = env.json(&["accounts"]);
    assert_eq!(accounts.as_array().map(Vec::len), Some(2));
    let bob_id = bob["id"].to_string();
    let (_, scopes) = env.json(&["scopes", &bob_id]);
    let declined: Vec<&str> = scopes
        .as_array()
        .expect("scopes")
        .iter()
        .filter(|s| s["status"] == "declined")
        .filter_map(|s| s["scope"].as_str())
        .collect();
    assert_eq!(declined, ["offline_access", "profile"]);
    let (code, checked) = env.json(&["scopes", &bob_id, "--check"]);
    assert_eq!(code, 0, "{checked}");
    let email = checked["scopes"]
        .as_array()
        .expect("scopes")
        .iter()
        .find(|s| s["scope"] == "email")
        .cloned();
    let email = email.expect("email is granted");
    assert_eq!(
        (email["source"].as_str(), email["description"].as_str()),
        (Some("introspection"), Some("See your email address"))
    );

    // Linking alice again updates her account.
    let (_, again) = env.json(&["link", "sandbox", "--browser", &env.consent("alice", "")]);
    assert_eq!(again["id"], alice["id"]);
    let (_, history) = env.json(&["history"]);
    assert_eq!(history[0]["kind"], "account_relinked");

    // The exchange log, masked.
    let (code, exchanges) = env.json(&["http-log", &alice["id"].to_string()]);
    assert_eq!(code, 0);
    assert!(exchanges.as_array().is_some_and(|e| !e.is_empty()));
    assert!(exchanges.to_string().contains("[redacted]"));
    let (code, refreshes) = env.json(&[
        "http-log",
        &alice["id"].to_string(),
        "--operation",
        "refresh",
    ]);
    assert_eq!(code, 0);
    assert_eq!(refreshes, serde_json::json!([]), "nothing refreshed yet");
    let (_, linked) = env.json(&["http-log", &alice["id"].to_string(), "--operation", "link"]);
    assert_eq!(
        linked.as_array().map(Vec::len),
        exchanges.as_array().map(Vec::len)
    );

    // Human output too.
    let text = String::from_utf8_lossy(&env.grantry(&["accounts"]).stdout).into_owned();
    assert!(
        text.contains("alice@sandbox.grantry.test") && text.contains("sandbox/local"),
        "{text}"
    );

    // No token the sandbox issued is in the database or the history.
    let database = env.dir.path().join("data/grantry.sqlite3");
    for needle in ["sbx_at_", "sbx_rt_", "eyJ"] {
        assert!(
            !file_contains(&database, needle),
            "{needle} found in the database"
        );
        assert!(
            !file_contains(&database.with_extension("sqlite3-wal"), needle),
            "{needle} in the WAL"
        );
        assert!(
            !history.to_string().contains(needle),
            "{needle} in the history"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn failures_have_clear_messages_and_exit_codes() {
    let env = env().await;
    let (code, denied) = env.json(&[
        "link",
        "sandbox",
        "--browser",
        &env.consent("alice", "--deny"),
    ]);
    assert_eq!(code, 6, "{denied}");
    assert_eq!(denied["error"]["code"], "consent_denied");

    let (code, unknown) = env.json(&["link", "nope"]);
    assert_eq!(
        (code, unknown["error"]["code"].as_str()),
        (3, Some("invalid_input"))
    );

    let (code, forged) = env.json(&[
        "link",
        "sandbox",
        "--redirect",
        "custom",
        "--browser",
        "echo 'dev.grantry:/oauth/callback?code=x&state=forged' #",
    ]);
    assert_eq!(
        (code, forged["error"]["code"].as_str()),
        (7, Some("invalid_callback"))
    );

    let (code, mismatch) = env.json(&[
        "providers",
        "discover",
        &format!("{}/", env.sandbox.issuer()),
    ]);
    assert_eq!(
        (code, mismatch["error"]["code"].as_str()),
        (5, Some("provider_error"))
    );
    assert!(
        mismatch["error"]["message"]
            .as_str()
            .expect("message")
            .contains("must match exactly")
    );

    let (code, bad) = env.json(&[
        "providers",
        "add",
        "x",
        "--name",
        "X",
        "--client-id",
        "c",
        "--issuer",
        "http://example.com",
    ]);
    assert_eq!(
        (code, bad["error"]["code"].as_str()),
        (3, Some("invalid_input"))
    );
    assert!(
        bad["error"]["message"]
            .as_str()
            .expect("message")
            .contains("https")
    );

    let (_, accounts) = env.json(&["accounts"]);
    assert_eq!(accounts, serde_json::json!([]), "nothing was stored");
    let (_, history) = env.json(&["history"]);
    let kinds: Vec<&str> = history
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"link_failed") && kinds.contains(&"callback_rejected"),
        "{kinds:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn scopes_are_added_to_the_same_account_and_checked_again() {
    let env = env().await;
    let (_, alice) = env.json(&["link", "sandbox", "--browser", &env.consent("alice", "")]);
    let id = alice["id"].to_string();
    let (code, more) = env.json(&[
        "link",
        "--account",
        &id,
        "--scope",
        "calendar.read",
        "--browser",
        &env.consent("alice", ""),
    ]);
    assert_eq!(code, 0, "{more}");
    assert_eq!(more["id"], alice["id"], "the same account");
    assert_eq!(more["scope_count"], 5);

    // Signing in as someone else for alice's account changes nothing: exit 11.
    let (code, wrong) = env.json(&[
        "link",
        "--account",
        &id,
        "--browser",
        &env.consent("bob", ""),
    ]);
    assert_eq!(code, 11, "{wrong}");
    assert_eq!(wrong["error"]["code"], "wrong_account");
    let (_, accounts) = env.json(&["accounts"]);
    assert_eq!(accounts.as_array().map(Vec::len), Some(1));

    let (code, checked) = env.json(&["scopes", &id, "--check"]);
    assert_eq!(code, 0, "{checked}");
    assert_eq!(checked["changes"], serde_json::json!([]));
    assert_eq!(checked["scopes"].as_array().map(Vec::len), Some(5));

    // --account and a provider together make no sense: a usage error, exit 2.
    let output = env.grantry(&["link", "sandbox", "--account", &id]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot be used with"));
}

/// QA runs many `grantry link`s at once. Each checks first that the keyring takes writes, with
/// an item of its own: sharing one, a process could delete the item another had just written,
/// and the Secret Service refuses to write or delete an item that vanished.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn links_started_side_by_side_all_succeed() {
    let env = env().await;
    let users: Vec<String> = (1..=6).map(|n| format!("parallel{n}")).collect();
    let outcomes: Vec<(i32, serde_json::Value)> = std::thread::scope(|scope| {
        let started: Vec<_> = users
            .iter()
            .map(|user| {
                let browser = env.consent(user, "");
                let env = &env;
                scope.spawn(move || env.json(&["link", "sandbox", "--browser", &browser]))
            })
            .collect();
        started
            .into_iter()
            .map(|link| link.join().expect("a link thread"))
            .collect()
    });
    for (code, linked) in &outcomes {
        assert_eq!(*code, 0, "{linked}");
    }
    let (_, accounts) = env.json(&["accounts"]);
    assert_eq!(
        accounts.as_array().map(Vec::len),
        Some(users.len()),
        "{accounts}"
    );
}
