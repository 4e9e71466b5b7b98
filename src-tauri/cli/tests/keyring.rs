//! `grantry` without a usable keyring: a missing Secret Service and a locked keyring are named
//! as such before the browser opens, and what needs no secret still works.

use crate::support;

use std::process::Command;

use serde_json::Value;
use support::{GRANTRY, env};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn without_a_keyring_linking_stops_early_and_accounts_still_list() {
    let env = env().await;
    let (_, alice) = env.json(&["link", "sandbox", "--browser", &env.consent("alice", "")]);
    assert!(alice["id"].is_number());
    let no_bus = |args: &[&str]| {
        let output = env.run(env.command().arg("--json").args(args).env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/grantry-test-bus",
        ));
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
    let output = env.run(
        Command::new("dbus-run-session")
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
            ),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("exit=8"), "{stdout}");
    assert!(
        stdout.contains("keyring_unavailable") && stdout.contains("locked"),
        "{stdout}"
    );
}
