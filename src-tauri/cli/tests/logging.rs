//! `grantry`'s log lines: on stderr only, so that `--json` output stays clean; chosen by
//! `RUST_LOG` or `-v`; silent by default. The sweep at the end of each test searches every
//! line written for the codes and tokens the sandbox issued.

use crate::support;

use std::process::Output;

use support::{Env, env};

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `grantry ARGS` with `RUST_LOG` as given (none: unset).
fn run(env: &Env, rust_log: Option<&str>, args: &[&str]) -> Output {
    let mut command = env.command();
    command.env_remove("RUST_LOG").args(args);
    if let Some(filter) = rust_log {
        command.env("RUST_LOG", filter);
    }
    env.run(&mut command)
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn rust_log_debug_logs_to_stderr_and_leaves_json_untouched() {
    let env = env().await;
    let consent = env.consent("alice", "");
    let linked = run(
        &env,
        Some("debug"),
        &["--json", "link", "sandbox", "--browser", &consent],
    );
    assert!(linked.status.success(), "{}", stderr(&linked));
    let account: serde_json::Value =
        serde_json::from_slice(&linked.stdout).expect("stdout is the JSON document alone");
    assert_eq!(account["subject"], "user-alice", "{account}");
    let log = stderr(&linked);
    assert!(
        log.contains("DEBUG") && log.contains("/token: HTTP 200"),
        "each HTTP exchange at debug level: {log}"
    );
    assert!(
        log.contains("INFO") && log.contains("account_linked"),
        "what the history records: {log}"
    );

    // Nothing asked for: no log line, only what the command itself says.
    let quiet = run(&env, None, &["accounts"]);
    assert!(quiet.status.success());
    assert_eq!(stderr(&quiet), "", "silent by default");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn verbose_tells_the_story_of_a_failed_refresh() {
    let env = env().await;
    let (code, account) = env.json(&["link", "sandbox", "--browser", &env.consent("bob", "")]);
    assert_eq!(code, 0, "{account}");
    let id = account["id"].to_string();
    env.fault(r#"{"kind":"invalid_grant","user":"bob"}"#).await;

    let refused = run(&env, None, &["--json", "-v", "refresh", &id]);
    assert_eq!(refused.status.code(), Some(10), "needs re-link");
    let error: serde_json::Value =
        serde_json::from_slice(&refused.stdout).expect("stdout is the JSON error alone");
    assert_eq!(error["error"]["code"], "needs_relink", "{error}");
    let log = stderr(&refused);
    assert!(
        log.contains("/token: HTTP 400"),
        "-v: the refused exchange, at info level: {log}"
    );
    assert!(
        log.contains("WARN") && log.contains("refresh_failed") && log.contains("account="),
        "-v: the failure, and whose: {log}"
    );
    assert!(!log.contains("DEBUG"), "-v stops at info: {log}");

    let more = run(&env, None, &["-vv", "accounts"]);
    assert!(more.status.success(), "{}", stderr(&more));
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn a_rust_log_that_does_not_parse_is_named_and_the_command_still_runs() {
    let env = env().await;
    let output = run(&env, Some("grantry_core=loud"), &["--json", "accounts"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "[]");
    let log = stderr(&output);
    assert!(
        log.contains("RUST_LOG=\"grantry_core=loud\" is not understood"),
        "{log}"
    );
}
