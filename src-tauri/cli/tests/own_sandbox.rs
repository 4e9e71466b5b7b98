//! `grantry` with no sandbox running: a command that involves the built-in sandbox starts one
//! of its own for as long as it runs, on the data folder's sandbox state, and says so; what it
//! granted outlives it, so the next command's sandbox refreshes it. A command that does not
//! involve the sandbox starts none.

use crate::support;

use std::process::Output;

use support::{Env, env};

/// A port on 127.0.0.1 that nothing listens on.
fn free_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("address").port().to_string()
}

/// `grantry ARGS` with the built-in sandbox's port at `port`, where none runs.
fn without_sandbox(env: &Env, port: &str, args: &[&str]) -> Output {
    env.run(
        env.command()
            .env("GRANTRY_SANDBOX_PORT", port)
            .env("GRANTRY_SANDBOX_TOKEN_LOG", env.token_log())
            .args(args),
    )
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn with_no_sandbox_running_a_command_runs_its_own_and_what_it_granted_lasts() {
    let env = env().await;
    let port = free_port();
    let consent = env.consent("alice", "");
    let linked = without_sandbox(&env, &port, &["link", "sandbox", "--browser", &consent]);
    let said = stderr(&linked);
    assert!(linked.status.success(), "{said}");
    let own = format!("runs its own at http://127.0.0.1:{port}");
    assert!(said.contains(&own), "it says which sandbox: {said}");

    let listed = without_sandbox(&env, &port, &["--json", "accounts"]);
    let accounts: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("JSON");
    let id = accounts[0]["id"].to_string();
    assert_eq!(accounts[0]["provider"], "sandbox", "{accounts}");

    // Another process, another sandbox of its own: it knows the grant from the saved state.
    let refreshed = without_sandbox(&env, &port, &["refresh", &id]);
    let said = stderr(&refreshed);
    assert!(refreshed.status.success(), "{said}");
    assert!(said.contains(&own), "{said}");
    let history = without_sandbox(&env, &port, &["--json", "history"]);
    let history: serde_json::Value = serde_json::from_slice(&history.stdout).expect("JSON");
    assert!(
        history
            .as_array()
            .expect("entries")
            .iter()
            .any(|entry| entry["kind"] == "token_refreshed"),
        "{history}"
    );
    // The test's own sandbox, on another port, took no part.
    assert!(
        env.grants().await.as_array().is_none_or(Vec::is_empty),
        "{}",
        env.grants().await
    );

    // With --json the notice stays out of the way; stdout is the JSON alone.
    let quiet = without_sandbox(&env, &port, &["--json", "refresh", &id]);
    assert!(quiet.status.success(), "{}", stderr(&quiet));
    assert!(!stderr(&quiet).contains("Sandbox"), "{}", stderr(&quiet));
    serde_json::from_slice::<serde_json::Value>(&quiet.stdout).expect("JSON alone");

    // Listing providers does not involve the sandbox: none is started, nothing said.
    let providers = without_sandbox(&env, &port, &["providers"]);
    assert!(providers.status.success(), "{}", stderr(&providers));
    assert!(
        !stderr(&providers).contains("Sandbox"),
        "{}",
        stderr(&providers)
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn a_running_sandbox_of_ours_is_used_and_named() {
    let env = env().await;
    let consent = env.consent("bob", "");
    let linked = env.grantry(&["link", "sandbox", "--browser", &consent]);
    let said = stderr(&linked);
    assert!(linked.status.success(), "{said}");
    let port = env.sandbox.addr().port();
    assert!(
        said.contains(&format!("already running at http://127.0.0.1:{port}")),
        "{said}"
    );
    assert_eq!(
        env.grants().await.as_array().map(Vec::len),
        Some(1),
        "the grant is at the running sandbox"
    );
}
