//! `grantry link sandbox --users alice,bob,carol`: many test users linked in one go, with a
//! line of progress each and a summary; a bad list is refused before anything is linked. Then
//! `grantry refresh --all` over them, with its progress and summary.

use crate::support;

use support::env;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn many_test_users_are_linked_in_one_go_with_progress() {
    let env = env().await;
    let output = env.grantry(&["link", "sandbox", "--users", "alice,bob,carol"]);
    let progress = String::from_utf8_lossy(&output.stderr).into_owned();
    let summary = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{progress}");
    for (line, user) in [
        "[1/3] alice: linked",
        "[2/3] bob: linked",
        "[3/3] carol: linked",
    ]
    .iter()
    .zip(["alice", "bob", "carol"])
    {
        assert!(progress.contains(line), "{user}: {progress}");
    }
    assert!(summary.contains("Linked 3 of 3 test users"), "{summary}");
    let (_, accounts) = env.json(&["accounts"]);
    let subjects: Vec<&str> = accounts
        .as_array()
        .expect("accounts")
        .iter()
        .filter_map(|a| a["subject"].as_str())
        .collect();
    assert_eq!(subjects.len(), 3, "{accounts}");
    for user in ["alice", "bob", "carol"] {
        assert!(
            subjects.contains(&format!("user-{user}").as_str()),
            "{accounts}"
        );
    }

    // Refresh all: a line as each ends, then a summary naming the failures.
    env.fault(r#"{"kind":"invalid_grant","user":"bob"}"#).await;
    let output = env.grantry(&[
        "refresh",
        "--all",
        "--concurrency",
        "2",
        "--per-provider",
        "1",
    ]);
    let progress = String::from_utf8_lossy(&output.stderr).into_owned();
    let summary = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(
        output.status.code(),
        Some(10),
        "bob needs re-link: {progress}"
    );
    for step in ["[1/3] account", "[2/3] account", "[3/3] account"] {
        assert!(progress.contains(step), "{step}: {progress}");
    }
    assert_eq!(progress.matches(": refreshed").count(), 2, "{progress}");
    assert_eq!(progress.matches(": failed:").count(), 1, "{progress}");
    assert!(
        summary.contains("Refreshed 2 of 3 accounts. Failed: account "),
        "{summary}"
    );
    env.fault_clear().await;

    // With --json: one entry per user.
    let (code, report) = env.json(&["link", "sandbox", "--users", "dave,erin"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report[0]["user"], "dave", "{report}");
    assert_eq!(
        report[1]["account"]["email"], "erin@sandbox.grantry.test",
        "{report}"
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn a_bad_list_of_users_is_refused_and_links_nothing() {
    let env = env().await;
    for (args, says) in [
        (
            &["link", "sandbox", "--users", "alice,,bob"][..],
            "is not a test user",
        ),
        (
            &["link", "sandbox", "--users", "alice,b$b"][..],
            "is not a test user",
        ),
        (
            &["link", "other", "--users", "alice"][..],
            "built-in sandbox only",
        ),
    ] {
        let output = env.grantry(args);
        let error = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(!output.status.success(), "{args:?}");
        assert!(error.contains(says), "{args:?}: {error}");
    }
    let (_, accounts) = env.json(&["accounts"]);
    assert_eq!(accounts, serde_json::json!([]));
    assert!(env.grants().await.as_array().is_none_or(Vec::is_empty));
}
