//! What `grantry` accepts on its command line for the options that take one of a few words or
//! a bounded number: a word it does not know, or a number out of range, is refused by the
//! argument parser (exit code 2) saying what it takes, and the known words keep their
//! spellings. Nothing here reaches a keyring or a
//! provider: each run stops at the parser or at the first check after it.

use std::process::Output;

const GRANTRY: &str = env!("CARGO_BIN_EXE_grantry");

/// Runs grantry on scratch folders, with a session bus that does not exist, so that no run can
/// reach a keyring even by mistake.
pub(crate) fn grantry(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().expect("temp dir");
    std::process::Command::new(GRANTRY)
        .args(args)
        .env("GRANTRY_DATA_DIR", dir.path().join("data"))
        .env("GRANTRY_CONFIG_DIR", dir.path().join("config"))
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/grantry-test-bus",
        )
        .output()
        .expect("run grantry")
}

fn refused_naming(args: &[&str], possible: &str) {
    let output = grantry(args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(
        stderr.contains("invalid value 'nope'") && stderr.contains(possible),
        "{args:?}: {stderr}"
    );
}

const ADD: [&str; 7] = ["providers", "add", "x", "--name", "X", "--client-id", "c"];

#[test]
fn an_unknown_word_exits_2_naming_the_possible_values() {
    refused_naming(
        &["sandbox", "--personality", "nope"],
        "[possible values: generic, google, facebook, github, microsoft, gitlab]",
    );
    refused_naming(
        &[&ADD[..], &["--client-auth", "nope"]].concat(),
        "[possible values: none, secret_basic, secret_post, private_key_jwt]",
    );
    refused_naming(
        &[&ADD[..], &["--redirect", "nope"]].concat(),
        "[possible values: custom_scheme, provider_scheme, loopback, bridge, device]",
    );
    refused_naming(
        &["link", "sandbox", "--redirect", "nope"],
        "[possible values: custom_scheme, provider_scheme, loopback, bridge, device]",
    );
}

#[test]
fn refresh_limits_out_of_range_exit_2_saying_what_they_take() {
    for option in ["--concurrency", "--per-provider"] {
        for value in ["0", "257", "many"] {
            let args = ["refresh", "--all", option, value];
            let output = grantry(&args);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(
                stderr.contains(option) && stderr.contains("not a number from 1 to 256"),
                "{args:?}: {stderr}"
            );
        }
    }
}

#[test]
fn the_known_words_keep_their_spellings() {
    // Past the parser, the plain-http issuer is refused (exit 3) before anything is written.
    for (option, word) in [
        ("--client-auth", "none"),
        ("--client-auth", "secret_basic"),
        ("--client-auth", "secret_post"),
        ("--client-auth", "private_key_jwt"),
        ("--client-auth", "private-key-jwt"),
        ("--redirect", "custom_scheme"),
        ("--redirect", "loopback"),
    ] {
        let args = [&ADD[..], &[option, word, "--issuer", "http://example.com"]].concat();
        let output = grantry(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(3), "{args:?}: {stderr}");
        assert!(stderr.contains("https"), "{args:?}: {stderr}");
    }
    // Past the parser, the consent page cannot be reached (exit 3).
    for personality in [
        "generic",
        "google",
        "facebook",
        "github",
        "microsoft",
        "gitlab",
    ] {
        let args = [
            "sandbox",
            "--personality",
            personality,
            "consent",
            "http://127.0.0.1:1/authorize",
        ];
        let output = grantry(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(3), "{args:?}: {stderr}");
    }
}
