//! `grantry providers` end to end: a provider added from the sandbox's discovery document is
//! written to providers.toml, links (by its own redirect strategy, loopback here), and can be
//! removed once told what becomes of its accounts; the built-in one cannot. A provider on
//! plain http is added only with `--allow-plain-http-loopback`, and only on 127.0.0.1 or
//! [::1].

use std::io::Write;

use crate::support;

use grantry_sandbox::{ClientAuth, ClientConfig};
use support::env;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn providers_can_be_added_from_discovery_and_removed() {
    let env = env().await;
    let issuer = env.sandbox.issuer().to_owned();
    let add = [
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
    ];
    // The sandbox is on plain http: refused until the provider opts in.
    let (code, refused) = env.json(&add);
    assert_eq!(code, 3, "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("--allow-plain-http-loopback")),
        "{refused}"
    );
    let file = env.dir.path().join("config/providers.toml");
    assert!(!file.exists(), "nothing is written");
    let (code, added) = env.json(&[&add[..], &["--allow-plain-http-loopback"]].concat());
    assert_eq!(code, 0, "{added}");
    assert_eq!(added["allow_plain_http_loopback"], true, "{added}");
    assert_eq!(
        added["environments"][0]["refreshed_in_background"], false,
        "its accounts are refreshed only when asked: {added}"
    );
    let file = std::fs::read_to_string(file).expect("file");
    assert!(
        file.contains("id = \"qa\"")
            && file.contains("staging")
            && file.contains("allow_plain_http_loopback = true"),
        "{file}"
    );
    let (code, linked) = env.json(&["link", "qa", "--browser", &env.consent("carol", "")]);
    assert_eq!(code, 0, "{linked}");
    assert_eq!(
        (linked["provider"].as_str(), linked["environment"].as_str()),
        (Some("qa"), Some("staging"))
    );
    let (code, refused) = env.json(&["providers", "remove", "qa"]);
    assert_eq!(code, 3, "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("--accounts")),
        "{refused}"
    );
    let (code, _) = env.json(&["providers", "remove", "qa", "--accounts", "revoke"]);
    assert_eq!(code, 0);
    let (_, accounts) = env.json(&["accounts"]);
    assert_eq!(accounts.as_array().map(Vec::len), Some(0), "{accounts}");
    let (_, history) = env.json(&["history"]);
    assert!(
        history
            .as_array()
            .is_some_and(|h| h.iter().any(|e| e["kind"] == "account_revoked")),
        "carol was revoked at the provider, not only forgotten: {history}"
    );
    let (code, removed) = env.json(&["providers", "remove", "sandbox"]);
    assert_eq!(
        (code, removed["error"]["code"].as_str()),
        (3, Some("invalid_input"))
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn presets_are_listed_and_added_by_name_with_the_redirect_to_register() {
    let env = env().await;
    let (code, presets) = env.json(&["providers", "presets"]);
    assert_eq!(code, 0, "{presets}");
    let ids: Vec<&str> = presets
        .as_array()
        .expect("presets")
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    assert_eq!(ids, ["google", "facebook", "github", "microsoft", "gitlab"]);

    // A self-managed GitLab (the sandbox stands in for its address, on plain http at
    // 127.0.0.1, so it opts in): the preset fills in the rest, and the listing says which
    // redirect URI to register there.
    let issuer = env.sandbox.issuer().to_owned();
    let (code, added) = env.json(&[
        "providers",
        "add",
        "--preset",
        "gitlab",
        "--site",
        &issuer,
        "--client-id",
        "abc",
        "--allow-plain-http-loopback",
    ]);
    assert_eq!(code, 0, "{added}");
    assert_eq!(added["id"], "gitlab");
    assert_eq!(added["preset"], "gitlab");
    let (_, listed) = env.json(&["providers"]);
    let gitlab = &listed.as_array().expect("providers")[1];
    assert_eq!(gitlab["environments"][0]["issuer"], issuer.as_str());
    assert_eq!(
        gitlab["environments"][0]["redirect_uri"],
        "dev.grantry:/oauth/callback"
    );

    // A preset's mistakes are named with their field; nothing is written.
    let (code, refused) = env.json(&[
        "providers",
        "add",
        "gh",
        "--preset",
        "github",
        "--client-id",
        "abc",
    ]);
    assert_eq!(code, 3, "{refused}");
    let said = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(said.contains("client_secret"), "{said}");
    let (_, listed) = env.json(&["providers"]);
    assert_eq!(listed.as_array().map(Vec::len), Some(2), "{listed}");
}

/// Runs `grantry providers add` for a custom provider at `issuer` with `flags`, where no
/// keyring can be reached; returns its exit code and what it said.
fn add_at(issuer: &str, flags: &[&str]) -> (Option<i32>, String) {
    let args = [
        &[
            "providers",
            "add",
            "local",
            "--name",
            "Local",
            "--client-id",
            "c",
            "--issuer",
        ][..],
        &[issuer],
        flags,
    ]
    .concat();
    let output = crate::arguments::grantry(&args);
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code(), said)
}

#[test]
fn plain_http_is_refused_without_the_flag_and_on_names_even_with_it() {
    let (code, said) = add_at("http://127.0.0.1:1", &[]);
    assert_eq!(code, Some(3), "{said}");
    assert!(
        said.contains("--allow-plain-http-loopback"),
        "says how to opt in: {said}"
    );
    let flag = ["--allow-plain-http-loopback"];
    for name in ["http://localhost:1", "http://[::2]:1", "http://127.0.0.2:1"] {
        let (code, said) = add_at(name, &flag);
        assert_eq!(code, Some(3), "{name}: {said}");
        assert!(said.contains("127.0.0.1 and [::1]"), "{name}: {said}");
    }
    // Opted in, the draft passes; nothing answers on port 1, so discovery fails.
    for literal in ["http://127.0.0.1:1", "http://[::1]:1"] {
        let (code, said) = add_at(literal, &flag);
        assert_eq!(code, Some(3), "{said}");
        assert!(said.contains("discovery did not work"), "{literal}: {said}");
    }
    let (code, said) = add_at(
        "http://127.0.0.1:1",
        &["--refresh-plain-http-in-background"],
    );
    assert_eq!(
        code,
        Some(2),
        "background refresh needs the first opt-in: {said}"
    );
    assert!(said.contains("--allow-plain-http-loopback"), "{said}");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn a_client_secret_typed_on_standard_input_is_kept_in_the_keyring_only() {
    let env = env().await;
    let issuer = env.sandbox.issuer().to_owned();
    let secret = "typed-client-secret-5c1f0e7a9b";
    env.sandbox
        .admin()
        .add_client(ClientConfig {
            client_id: "qa-confidential".into(),
            client_secret: Some(secret.into()),
            name: "QA confidential".into(),
            auth: ClientAuth::Secret,
            redirect_uris: vec!["http://127.0.0.1/callback".into()],
            expiring_tokens: true,
            jwks: None,
            dpop_bound_access_tokens: false,
        })
        .expect("a confidential client at the sandbox");
    env.sweep_for("the client secret typed on standard input", secret);
    let (add, mut child) = env.spawn(&[
        "--json",
        "providers",
        "add",
        "qa",
        "--name",
        "QA confidential",
        "--issuer",
        &issuer,
        "--client-id",
        "qa-confidential",
        "--client-auth",
        "secret_post",
        "--redirect",
        "loopback",
        "--allow-plain-http-loopback",
        "--scope",
        "openid",
        "--scope",
        "offline_access",
        "--secret-stdin",
    ]);
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{secret}\n").as_bytes())
        .expect("type the secret");
    let output = env.finish((add, child));
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // The secret is used: the link's code exchange and a refresh authenticate with it.
    let (code, linked) = env.json(&["link", "qa", "--browser", &env.consent("alice", "")]);
    assert_eq!(code, 0, "{linked}");
    let id = linked["id"].to_string();
    let (code, refreshed) = env.json(&["refresh", &id]);
    assert_eq!(code, 0, "{refreshed}");
    // The sweep (on drop) looks for it in the data and config folders and every output.
}
