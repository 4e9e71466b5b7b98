//! `grantry link sandbox --device` end to end: the code and the page printed, the sandbox's
//! verification page answered over HTTP as a person would, the account printed as JSON; a
//! denial's exit code; Ctrl+C cancelling the wait.

use crate::support;

use std::io::{BufRead, BufReader};
use std::process::Child;

use grantry_sandbox::robot::{Choice, approve_device};
use support::{env, json_output};

/// Reads the child's standard error until the code line; returns the page and the code, and
/// everything read.
fn code_and_page(child: &mut Child) -> (String, String, String) {
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let (mut page, mut seen) = (None, String::new());
    for line in lines.by_ref() {
        let line = line.expect("a line");
        seen.push_str(&line);
        seen.push('\n');
        if let Some(uri) = line.strip_prefix("at ") {
            page = Some(uri.trim().to_owned());
        }
        if let Some(code) = line.strip_prefix("Code: ") {
            // The rest is drained in the background, so the child never blocks on it.
            std::thread::spawn(move || lines.for_each(drop));
            return (
                page.expect("the page came first"),
                code.trim().to_owned(),
                seen,
            );
        }
    }
    panic!("no code was printed: {seen}");
}

fn person(user: &str, allow: bool) -> Choice {
    Choice {
        user: user.into(),
        scopes: None,
        allow,
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn link_by_device_code_and_a_denial() {
    let env = env().await;
    let mut running = env.spawn(&["--json", "link", "sandbox", "--device"]);
    let (page, code, seen) = code_and_page(&mut running.1);
    assert!(page.ends_with("/device"), "{seen}");
    assert!(
        seen.contains("user_code="),
        "the page with the code: {seen}"
    );
    assert!(!seen.contains("sbx_dc_"), "never the device code: {seen}");
    let outcome = approve_device(&page, &code, &person("alice", true))
        .await
        .expect("answered");
    assert_eq!(outcome, "allowed");
    let (code, alice) = json_output(&env.finish(running));
    assert_eq!(code, 0, "{alice}");
    assert_eq!(alice["email"], "alice@sandbox.grantry.test");
    assert_eq!(alice["scope_count"], 4);

    let mut running = env.spawn(&["--json", "link", "sandbox", "--device"]);
    let (page, code, _) = code_and_page(&mut running.1);
    approve_device(&page, &code, &person("bob", false))
        .await
        .expect("answered");
    let (code, denied) = json_output(&env.finish(running));
    assert_eq!(code, 6, "consent denied: {denied}");
    assert_eq!(denied["error"]["code"], "consent_denied");
    let (_, accounts) = env.json(&["accounts"]);
    assert_eq!(accounts.as_array().map(Vec::len), Some(1));
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn ctrl_c_cancels_a_device_link() {
    let env = env().await;
    let mut running = env.spawn(&["--json", "link", "sandbox", "--device"]);
    let (_, _, _) = code_and_page(&mut running.1);
    let pid = running.1.id().to_string();
    let status = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill");
    assert!(status.success());
    let (code, cancelled) = json_output(&env.finish(running));
    assert_eq!(code, 130, "{cancelled}");
    assert_eq!(cancelled["error"]["code"], "cancelled");
}
