//! What a command line is expected to come with: completion scripts for the usual shells and a
//! manual page, made from the same definitions as the parser. Nothing here reaches a keyring,
//! a data folder or a provider.

use std::process::Command;

use super::arguments::grantry;

/// Every command a person can type (the hidden `man` is for packaging only).
const COMMANDS: [&str; 16] = [
    "providers",
    "link",
    "accounts",
    "scopes",
    "refresh",
    "revoke",
    "forget",
    "export",
    "http-log",
    "repair",
    "history",
    "sandbox",
    "token",
    "header",
    "exec",
    "completions",
];

fn stdout_of(args: &[&str]) -> String {
    let output = grantry(args);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

#[test]
fn each_shell_gets_a_script_naming_every_command() {
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout_of(&["completions", shell]);
        assert!(!script.trim().is_empty(), "{shell}: an empty script");
        for command in COMMANDS {
            assert!(
                script.contains(command),
                "{shell}: no {command} in\n{script}"
            );
        }
        assert!(
            script.contains("min-valid") && script.contains("data-dir"),
            "{shell}: options are missing"
        );
        assert!(
            !script.contains("Print the manual page"),
            "{shell}: the hidden man command is offered"
        );
    }
}

#[test]
fn the_bash_script_registers_its_completion() {
    let script = stdout_of(&["completions", "bash"]);
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("grantry");
    std::fs::write(&file, script).expect("write the script");
    // Without bash there is nothing to source it in; the script itself was checked above.
    let Ok(output) = Command::new("bash")
        .arg("--norc")
        .arg("-c")
        .arg("source \"$1\" && complete -p grantry")
        .arg("bash")
        .arg(&file)
        .output()
    else {
        eprintln!("no bash here: the script was not sourced");
        return;
    };
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(said.contains("-F _grantry grantry"), "{said}");
}

#[test]
fn a_shell_it_does_not_know_is_refused() {
    let output = grantry(&["completions", "tcsh"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn the_manual_page_describes_every_command_and_one_page_each_is_written() {
    // Roff writes a hyphen as `\-`.
    let page = stdout_of(&["man"]).replace("\\-", "-");
    assert!(page.contains(".TH grantry 1"), "{page}");
    for command in COMMANDS {
        assert!(page.contains(command), "no {command} in\n{page}");
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("man1");
    stdout_of(&["man", "--dir", &folder.to_string_lossy()]);
    for name in ["grantry.1", "grantry-link.1", "grantry-providers-add.1"] {
        let written = std::fs::read_to_string(folder.join(name)).unwrap_or_default();
        assert!(written.contains(".TH grantry"), "{name}: {written}");
    }
    // Hidden from the listing, for packaging only.
    let help = stdout_of(&["--help"]);
    assert!(!help.contains("\n  man "), "{help}");
}

/// What `grantry` writes to a terminal (a pseudo-terminal `script` opens) with `NO_COLOR` as
/// given: a discovery that cannot reach its issuer, with -v for the log line saying so, and
/// a mistyped option, for clap's error.
fn on_a_terminal(no_color: &str) -> Option<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let line = format!(
        "'{}' -v providers discover http://127.0.0.1:1/; '{}' --no-such-option",
        super::support::GRANTRY,
        super::support::GRANTRY
    );
    let output = Command::new("script")
        .args(["-qc", &line, "/dev/null"])
        .env("NO_COLOR", no_color)
        .env_remove("RUST_LOG")
        .env("GRANTRY_DATA_DIR", dir.path().join("data"))
        .env("GRANTRY_CONFIG_DIR", dir.path().join("config"))
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/grantry-test-bus",
        )
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn no_color_keeps_the_terminal_plain() {
    // Without `script` (util-linux) there is no terminal to write to.
    let Some(coloured) = on_a_terminal("") else {
        eprintln!("no script here: nothing checked");
        return;
    };
    assert!(
        coloured.contains("127.0.0.1:1") && coloured.contains("--no-such-option"),
        "{coloured}"
    );
    // On a terminal, the log line and the error are in colour...
    assert!(coloured.contains('\u{1b}'), "{coloured:?}");
    // ...and with NO_COLOR set, neither is.
    let plain = on_a_terminal("1").expect("script ran once already");
    assert!(
        plain.contains("127.0.0.1:1") && plain.contains("--no-such-option"),
        "{plain}"
    );
    assert!(!plain.contains('\u{1b}'), "{plain:?}");
}
