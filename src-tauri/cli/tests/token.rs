//! `grantry token`, `header` and `exec` end to end: ten processes and the app's refresh
//! schedule at once refresh an expired token once and all hand out the one the sandbox issued;
//! `exec` hands the token to its command and ends as it ended; an account that needs linking
//! again, is being revoked, is unknown or ambiguous, or whose provider cannot be reached gets
//! its own exit code and nothing on standard output; the history names each program.

use std::sync::Arc;

use grantry_core::{Grantry, Options, RefreshPolicy};
use serde_json::Value;

use crate::support::{self, Env, env};

/// Links `user` at the sandbox; returns the account's id, as `grantry` takes it.
fn linked(env: &Env, user: &str) -> String {
    let (code, account) = env.json(&["link", "sandbox", "--browser", &env.consent(user, "")]);
    assert_eq!(code, 0, "{account}");
    account["id"].to_string()
}

/// The app's engine on the test's folders and keyring, as the running app would hold it.
fn app(env: &Env) -> Arc<Grantry> {
    let mut options = Options::from_env().expect("options");
    options.data_dir = env.data_dir();
    options.config_dir = env.config_dir();
    options.sandbox_port = Some(env.sandbox.addr().port());
    Arc::new(Grantry::open(options).expect("the app's engine"))
}

fn history(env: &Env, kind: &str) -> Vec<Value> {
    let (_, history) = env.json(&["history"]);
    history
        .as_array()
        .expect("history")
        .iter()
        .filter(|entry| entry["kind"] == kind)
        .cloned()
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn ten_token_processes_and_the_apps_schedule_refresh_an_expired_token_once() {
    let env = env().await;
    let id = linked(&env, "alice");
    let app = app(&env);
    app.expire_access_token(id.parse().expect("an id"))
        .expect("expired");
    // The first refresh to reach the provider is held there until nine others wait for the
    // account's lock; the app's schedule, which has the expired token due at once, runs too.
    let hold = env.hold(grantry_sandbox::Endpoint::Token);
    let (commands, mut children): (Vec<_>, Vec<_>) =
        (0..10).map(|_| env.spawn(&["token", &id])).unzip();
    let schedule = tokio::spawn(app.clone().run_refresh_schedule(RefreshPolicy::default()));
    env.until_held(hold).await;
    support::until_blocked_on(&mut children, &env.account_lock(&id), 9);
    env.release(hold);
    let mut printed = Vec::new();
    for started in commands.into_iter().zip(children) {
        let output = env.finish_handing(started);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        printed.push(String::from_utf8(output.stdout).expect("utf-8"));
    }
    schedule.abort();
    let issued = env.latest_access_token();
    for token in &printed {
        assert_eq!(
            token,
            &format!("{issued}\n"),
            "the token the sandbox issued last"
        );
    }
    assert_eq!(
        history(&env, "token_refreshed").len(),
        1,
        "one refresh served all ten and the schedule"
    );
    let handed = history(&env, "token_handed_out");
    assert_eq!(handed.len(), 10);
    assert!(
        handed.iter().all(|entry| entry["program"]
            .as_str()
            .is_some_and(|p| p.starts_with("grantry token (pid "))),
        "{handed:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn token_header_and_exec_hand_out_the_token_where_asked_and_nowhere_else() {
    let env = env().await;
    let id = linked(&env, "alice");
    let issued = env.latest_access_token();

    // By id, by email; --json says what the token is. Nothing else is said where all is well
    // (the tests log everything to stderr otherwise: RUST_LOG).
    let mut quiet = env.command();
    quiet
        .args(["token", &id])
        .env_remove("RUST_LOG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = quiet.spawn().expect("grantry");
    let output = env.finish_handing((quiet, child));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!("{issued}\n")
    );
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    let output = env.handing(&["token", "ALICE@sandbox.grantry.test"]);
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!("{issued}\n")
    );
    let (code, json) = support::json_output(&env.handing(&["--json", "token", &id]));
    assert_eq!(code, 0);
    assert_eq!(json["access_token"], issued.as_str());
    assert_eq!(json["token_type"], "Bearer");
    assert!(
        json["expires_in"].as_i64().is_some_and(|s| s > 3_000),
        "{json}"
    );
    assert!(
        json["scopes"].as_array().is_some_and(|s| s.len() == 4),
        "{json}"
    );
    let output = env.handing(&["token", "--id-token", &id]);
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("eyJ"));

    let output = env.handing(&["header", &id]);
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!("Authorization: Bearer {issued}\n")
    );

    // The command gets the token in its environment and ends as it ended; nothing is printed.
    // (What it should get comes in the environment too: a command line is no place for it.)
    let check = r#"test "$MY_TOKEN" = "$EXPECTED" && exit 42"#;
    let output = env.run(
        env.command()
            .args(["exec", &id, "--env", "MY_TOKEN", "--", "sh", "-c", check])
            .env("EXPECTED", &issued),
    );
    assert_eq!(output.status.code(), Some(42), "{output:?}");
    assert!(output.stdout.is_empty(), "nothing printed");
    let output = env.grantry(&["exec", &id, "--", "sh", "-c", "kill -TERM $$"]);
    assert_eq!(
        output.status.code(),
        Some(128 + 15),
        "a signal, as a shell says it"
    );
    let output = env.grantry(&["exec", &id, "--", "/no/such/program"]);
    assert_eq!(output.status.code(), Some(127));
    let output = env.grantry(&["exec", &id, "--env", "1BAD", "--", "true"]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "a bad name is refused before anything"
    );

    let programs: Vec<String> = history(&env, "token_handed_out")
        .iter()
        .map(|entry| entry["program"].as_str().expect("a program").to_owned())
        .collect();
    for program in [
        "grantry token (pid",
        "grantry header (pid",
        "grantry exec sh (pid",
    ] {
        assert!(
            programs.iter().any(|p| p.starts_with(program)),
            "{program}: {programs:?}"
        );
    }
    assert_eq!(
        history(&env, "token_refreshed").len(),
        0,
        "an hour-long token lasts"
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn accounts_that_cannot_hand_out_a_token_exit_with_their_code_and_print_nothing() {
    let env = env().await;
    let alice = linked(&env, "alice");
    let bob = linked(&env, "bob");
    let refused = |args: &[&str], code: i32, kind: &str| {
        let output = env.handing(args);
        assert_eq!(output.status.code(), Some(code), "{args:?}: {output:?}");
        assert!(output.stdout.is_empty(), "{args:?} printed something");
        let (json_code, json) = support::json_output(&env.handing(&[&["--json"], args].concat()));
        assert_eq!(
            (json_code, json["error"]["code"].as_str()),
            (code, Some(kind))
        );
    };
    refused(&["token", "nobody@example.com"], 13, "unknown_account");
    refused(&["token", "999"], 13, "unknown_account");
    // Every sandbox user's email is at the same domain; a name shared by two is ambiguous.
    env.sandbox
        .admin()
        .add_user(grantry_sandbox::NewUser {
            login: "bob2".into(),
            name: Some("Bob Tester".into()),
            email: None,
        })
        .expect("a second Bob");
    linked(&env, "bob2");
    refused(&["token", "Bob Tester"], 3, "invalid_input");

    // Unreachable: a token asked to last a day needs a refresh, and the connection breaks.
    env.fault(r#"{"endpoint":"token","kind":"drop_connection","count":null}"#)
        .await;
    refused(
        &["header", &bob, "--min-valid", "86400"],
        4,
        "provider_unreachable",
    );
    env.fault_clear().await;

    // The provider refuses the grant: needs re-link, from then on whatever is asked.
    env.fault(r#"{"kind":"invalid_grant","user":"alice"}"#)
        .await;
    refused(
        &["token", &alice, "--min-valid", "86400"],
        10,
        "needs_relink",
    );
    refused(&["token", &alice, "--min-valid", "0"], 10, "needs_relink");
    env.fault_clear().await;

    // Being revoked: a revocation killed after it was recorded and before the provider heard.
    let status = env
        .run(
            env.command()
                .args(["revoke", &bob])
                .env("GRANTRY_CRASH_AT", "revoke:after-pending"),
        )
        .status;
    assert!(!status.success());
    refused(&["exec", &bob, "--", "true"], 14, "revoked");
    assert_eq!(history(&env, "token_handed_out").len(), 0);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn a_dpop_token_says_its_type_and_is_not_passed_on_by_header_or_exec() {
    let env = env().await;
    // The sandbox wants DPoP of every client: the link goes on with a key of the account's.
    env.sandbox.admin().set_dpop(grantry_sandbox::DpopSettings {
        required: true,
        nonce: false,
    });
    let id = linked(&env, "alice");
    let (code, token) = support::json_output(&env.handing(&["--json", "token", &id]));
    assert_eq!(code, 0, "{token}");
    assert_eq!(token["token_type"], "DPoP", "{token}");
    for args in [
        vec!["exec", id.as_str(), "--", "true"],
        vec!["header", id.as_str()],
    ] {
        let output = env.handing(&args);
        assert_eq!(output.status.code(), Some(3), "{args:?}: {output:?}");
        assert!(output.stdout.is_empty(), "{args:?} printed something");
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(said.contains("DPoP-bound"), "{args:?}: {said}");
        assert!(said.contains("never leaves Grantry"), "{args:?}: {said}");
    }
    // Only `token` handed it out.
    let handed = history(&env, "token_handed_out");
    assert_eq!(handed.len(), 1, "{handed:?}");
    // The key is in the keyring with the tokens, and the sweep finds it nowhere else.
    use grantry_core::secret_store::{Keyring, SERVICE, SecretStore};
    let keyring = Keyring::secret_service(SERVICE);
    let key = keyring
        .keys()
        .expect("keys")
        .iter()
        .filter(|key| key.starts_with("account/"))
        .filter_map(|key| keyring.get(key).ok().flatten())
        .find_map(|item| {
            let item: Value = serde_json::from_str(item.expose()).ok()?;
            Some(item["dpop_key"].as_str()?.to_owned())
        })
        .expect("a DPoP key in the keyring");
    env.sweep_for("the account's DPoP key", &key);
}
