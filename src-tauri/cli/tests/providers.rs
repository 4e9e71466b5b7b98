//! `grantry providers` end to end: a provider added from the sandbox's discovery document is
//! written to providers.toml, links (by its own redirect strategy, loopback here), and can be
//! removed once told what becomes of its accounts; the built-in one cannot.

mod support;

use support::env;

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
