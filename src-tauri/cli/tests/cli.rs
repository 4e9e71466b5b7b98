//! The `grantry` command line end to end: a real sandbox on loopback, the real binary, the
//! throwaway Secret Service of `scripts/test-session` (these tests refuse to run without it,
//! so they never touch a user's keyring), and scratch data and config folders.

use std::path::Path;
use std::process::{Command, Output};

use grantry_sandbox::{Personality, Sandbox, SandboxConfig};
use serde_json::Value;

const GRANTRY: &str = env!("CARGO_BIN_EXE_grantry");

struct Env {
    sandbox: Sandbox,
    dir: tempfile::TempDir,
}

/// The sandbox serves from the runtime's worker threads while the test blocks on `grantry`, so
/// these tests use the multi-threaded runtime.
async fn env() -> Env {
    assert_eq!(
        std::env::var("GRANTRY_TEST_SECRET_SERVICE").as_deref(),
        Ok("1"),
        "these tests need the throwaway Secret Service: run them with `make test`"
    );
    let sandbox = Sandbox::start(SandboxConfig::new(Personality::Generic))
        .await
        .expect("sandbox");
    Env {
        sandbox,
        dir: tempfile::tempdir().expect("temp dir"),
    }
}

impl Env {
    fn grantry(&self, args: &[&str]) -> Output {
        Command::new(GRANTRY)
            .args(args)
            .env("GRANTRY_DATA_DIR", self.dir.path().join("data"))
            .env("GRANTRY_CONFIG_DIR", self.dir.path().join("config"))
            .env(
                "GRANTRY_SANDBOX_PORT",
                self.sandbox.addr().port().to_string(),
            )
            .output()
            .expect("run grantry")
    }

    /// Runs grantry with `--json`; returns the exit code and the parsed output.
    fn json(&self, args: &[&str]) -> (i32, Value) {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let output = self.grantry(&all);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let value = serde_json::from_str(&stdout).unwrap_or_else(|_| {
            panic!(
                "not JSON: {stdout}\nstderr: {}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
        (output.status.code().unwrap_or(-1), value)
    }

    fn consent(&self, user: &str, extra: &str) -> String {
        format!("{GRANTRY} sandbox consent --user {user} {extra}")
    }
}

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
    let email = checked
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
    let (code, exchanges) = env.json(&["exchanges", &alice["id"].to_string()]);
    assert_eq!(code, 0);
    assert!(exchanges.as_array().is_some_and(|e| !e.is_empty()));
    assert!(exchanges.to_string().contains("[redacted]"));

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
async fn providers_can_be_added_from_discovery_and_removed() {
    let env = env().await;
    let issuer = env.sandbox.issuer().to_owned();
    let (code, added) = env.json(&[
        "providers",
        "add",
        "qa",
        "--name",
        "QA sandbox",
        "--env",
        "staging",
        "--issuer",
        &issuer,
        "--client-id",
        "grantry-desktop",
        "--redirect",
        "loopback",
        "--scope",
        "openid",
        "--scope",
        "email",
    ]);
    assert_eq!(code, 0, "{added}");
    let file = std::fs::read_to_string(env.dir.path().join("config/providers.toml")).expect("file");
    assert!(
        file.contains("id = \"qa\"") && file.contains("staging"),
        "{file}"
    );
    let (code, linked) = env.json(&["link", "qa", "--browser", &env.consent("carol", "")]);
    assert_eq!(code, 0, "{linked}");
    assert_eq!(
        (linked["provider"].as_str(), linked["environment"].as_str()),
        (Some("qa"), Some("staging"))
    );
    let (code, _) = env.json(&["providers", "remove", "qa"]);
    assert_eq!(code, 0);
    let (code, removed) = env.json(&["providers", "remove", "sandbox"]);
    assert_eq!(
        (code, removed["error"]["code"].as_str()),
        (3, Some("invalid_input"))
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn ten_refresh_processes_at_once_share_one_refresh() {
    let env = env().await;
    let (_, account) = env.json(&["link", "sandbox", "--browser", &env.consent("alice", "")]);
    let id = account["id"].to_string();
    let children: Vec<std::process::Child> = (0..10)
        .map(|_| {
            Command::new(GRANTRY)
                .args(["--json", "refresh", &id])
                .env("GRANTRY_DATA_DIR", env.dir.path().join("data"))
                .env("GRANTRY_CONFIG_DIR", env.dir.path().join("config"))
                .env(
                    "GRANTRY_SANDBOX_PORT",
                    env.sandbox.addr().port().to_string(),
                )
                .stdout(std::process::Stdio::piped())
                .spawn()
                .expect("spawn grantry refresh")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().expect("wait");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stdout)
        );
    }
    // Rotation with reuse detection is on: had two processes sent the same refresh token, the
    // grant would be revoked and this would fail.
    let (code, again) = env.json(&["refresh", &id]);
    assert_eq!(code, 0, "{again}");
    assert_eq!(again["status"], "valid");
    let (code, all) = env.json(&["refresh", "--all"]);
    assert_eq!(code, 0, "{all}");

    let fault = r#"{"kind":"invalid_grant","user":"alice"}"#;
    let status = reqwest::Client::new()
        .post(format!("{}/_sandbox/faults", env.sandbox.issuer()))
        .body(fault)
        .send()
        .await
        .expect("fault")
        .status();
    assert!(status.is_success());
    let (code, error) = env.json(&["refresh", &id]);
    assert_eq!(
        (code, error["error"]["code"].as_str()),
        (10, Some("needs_relink"))
    );
    let (_, accounts) = env.json(&["accounts"]);
    assert_eq!(accounts[0]["status"], "needs_relink", "the account is kept");
}

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
    let grants: Value = reqwest::get(format!("{}/_sandbox/grants", env.sandbox.issuer()))
        .await
        .expect("grants")
        .json()
        .await
        .expect("json");
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
async fn without_a_keyring_linking_stops_early_and_accounts_still_list() {
    let env = env().await;
    let (_, alice) = env.json(&["link", "sandbox", "--browser", &env.consent("alice", "")]);
    assert!(alice["id"].is_number());
    let no_bus = |args: &[&str]| {
        let output = Command::new(GRANTRY)
            .arg("--json")
            .args(args)
            .env("GRANTRY_DATA_DIR", env.dir.path().join("data"))
            .env("GRANTRY_CONFIG_DIR", env.dir.path().join("config"))
            .env(
                "GRANTRY_SANDBOX_PORT",
                env.sandbox.addr().port().to_string(),
            )
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/grantry-test-bus",
            )
            .output()
            .expect("run grantry");
        let value: Value = serde_json::from_slice(&output.stdout).expect("json");
        (output.status.code(), value)
    };
    let (code, error) = no_bus(&["link", "sandbox", "--browser", "false"]);
    assert_eq!(code, Some(8), "{error}");
    assert_eq!(error["error"]["code"], "keyring_unavailable");
    let message = error["error"]["message"].as_str().expect("message");
    assert!(message.contains("keyring is not reachable"), "{message}");
    let (code, accounts) = no_bus(&["accounts"]);
    assert_eq!(code, Some(0), "metadata still lists: {accounts}");
    assert_eq!(accounts[0]["email"], "alice@sandbox.grantry.test");
    let (code, error) = no_bus(&["refresh", &alice["id"].to_string()]);
    assert_eq!(
        (code, error["error"]["code"].as_str()),
        (Some(8), Some("keyring_unavailable"))
    );
    let (_, accounts) = env.json(&["accounts"]);
    assert_eq!(
        accounts[0]["status"], "valid",
        "nothing was changed or deleted"
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn a_kill_at_any_step_leaves_a_state_repair_mends() {
    let env = env().await;
    let crashing = |point: &str, args: &[&str]| {
        let status = Command::new(GRANTRY)
            .args(args)
            .env("GRANTRY_DATA_DIR", env.dir.path().join("data"))
            .env("GRANTRY_CONFIG_DIR", env.dir.path().join("config"))
            .env(
                "GRANTRY_SANDBOX_PORT",
                env.sandbox.addr().port().to_string(),
            )
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

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn a_locked_keyring_is_named_as_such_before_the_browser_opens() {
    let env = env().await;
    // A keyring of its own, so that locking it leaves the other tests' keyring alone.
    let keyring_home = env.dir.path().join("locked-keyring");
    std::fs::create_dir_all(&keyring_home).expect("folder");
    let script = r#"
        printf pw | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
        daemon=$!
        for _ in $(seq 100); do
          dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
            org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
            grep -q 'boolean true' && break
          sleep 0.1
        done
        printf x | secret-tool store --label=first service grantry-test username first
        dbus-send --session --dest=org.freedesktop.secrets --print-reply /org/freedesktop/secrets \
          org.freedesktop.Secret.Service.Lock \
          array:objpath:/org/freedesktop/secrets/collection/login >/dev/null
        timeout 60 "$GRANTRY" --json link sandbox --browser false
        echo "exit=$?"
        kill "$daemon"
    "#;
    // A bus that activates nothing, so no unlock prompter waits for a person; no display either.
    let bus_config = env.dir.path().join("bus.conf");
    std::fs::write(
        &bus_config,
        format!(
            "<busconfig><type>session</type><listen>unix:dir={}</listen><auth>EXTERNAL</auth>\
             <policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/>\
             <allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>",
            env.dir.path().display()
        ),
    )
    .expect("bus config");
    let output = Command::new("dbus-run-session")
        .arg(format!("--config-file={}", bus_config.display()))
        .args(["--", "sh", "-c", script])
        .env_remove("DISPLAY")
        .env("GRANTRY", GRANTRY)
        .env("XDG_DATA_HOME", &keyring_home)
        .env("GRANTRY_DATA_DIR", env.dir.path().join("data"))
        .env("GRANTRY_CONFIG_DIR", env.dir.path().join("config"))
        .env(
            "GRANTRY_SANDBOX_PORT",
            env.sandbox.addr().port().to_string(),
        )
        .output()
        .expect("run a private session");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("exit=8"), "{stdout}");
    assert!(
        stdout.contains("keyring_unavailable") && stdout.contains("locked"),
        "{stdout}"
    );
}
