//! `private_key_jwt` and pushed authorization requests end to end through `grantry`: a
//! provider added with `--client-auth private-key-jwt`, its JWKS printed by
//! `grantry providers jwks` and registered at the sandbox through its admin API
//! (`grantry sandbox jwt-client`), which is made to require PAR (`grantry sandbox
//! require-par on`), then a link
//! pushed first (the sandbox requires it), a refresh and a revocation, each authenticated by a
//! fresh assertion. Then every proof at once: the sandbox requiring PAR and DPoP with nonces
//! (`grantry sandbox dpop on --nonce`), a provider added with `--dpop` too, its tokens bound to
//! the account's key, refreshed and revoked; the leak sweep looks for both private keys.

use crate::support;

use support::env;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn a_private_key_jwt_client_links_through_par_refreshes_and_revokes() {
    let env = env().await;
    // The running sandbox's admin API, through `grantry sandbox`.
    let (code, said) = env.json(&["sandbox", "require-par", "on"]);
    assert_eq!(code, 0, "{said}");
    assert!(
        env.sandbox
            .admin()
            .overview()
            .require_pushed_authorization_requests
    );
    let issuer = env.sandbox.issuer().to_owned();
    let (code, added) = env.json(&[
        "providers",
        "add",
        "signed",
        "--name",
        "Signed",
        "--issuer",
        &issuer,
        "--client-id",
        "qa-jwt",
        "--client-auth",
        "private-key-jwt",
        "--pushed-authorization",
        "--redirect",
        "loopback",
        "--scope",
        "openid",
        "--scope",
        "offline_access",
        "--allow-plain-http-loopback",
        "--refresh-plain-http-in-background",
    ]);
    assert_eq!(code, 0, "{added}");
    assert_eq!(added["environments"][0]["client_auth"], "private_key_jwt");
    assert_eq!(added["environments"][0]["pushed_authorization"], true);

    // Without --json: the JWK Set alone, ready to register; the key is made now and kept.
    let output = env.grantry(&["providers", "jwks", "signed"]);
    assert!(output.status.success(), "{output:?}");
    let jwks: serde_json::Value = serde_json::from_slice(&output.stdout).expect("a JWK Set");
    assert!(
        jwks["keys"][0].get("d").is_none(),
        "no private part: {jwks}"
    );
    let (_, again) = env.json(&["providers", "jwks", "signed", "--environment", "production"]);
    assert_eq!(again["jwks"], jwks, "the same key at every ask");
    assert_eq!(again["audience"], issuer.as_str());
    let file = env.dir.path().join("jwks.json");
    std::fs::write(&file, &output.stdout).expect("write the JWKS");
    let file = file.to_string_lossy().into_owned();
    let (code, said) = env.json(&["sandbox", "jwt-client", "qa-jwt", "--jwks", &file]);
    assert_eq!(code, 0, "{said}");
    let overview = env.sandbox.admin().overview();
    let client = overview.clients.iter().find(|c| c.client_id == "qa-jwt");
    assert_eq!(client.and_then(|c| c.jwks.clone()), Some(jwks.clone()));

    let (code, alice) = env.json(&["link", "signed", "--browser", &env.consent("alice", "")]);
    assert_eq!(code, 0, "{alice}");
    let id = alice["id"].to_string();
    let (code, refreshed) = env.json(&["refresh", &id]);
    assert_eq!(code, 0, "{refreshed}");
    let (code, revoked) = env.json(&["revoke", &id]);
    assert_eq!(code, 0, "{revoked}");
    let grants = env.grants().await;
    assert!(grants[0]["revoked"].is_string(), "{grants}");

    // A public client cannot have a JWKS.
    let (code, refused) = env.json(&["providers", "jwks", "sandbox"]);
    assert_ne!(code, 0);
    assert!(refused.to_string().contains("private_key_jwt"), "{refused}");
}

/// The private key kept in this data folder's keyring item whose name starts with `prefix`
/// and holds `suffix`, as `pick` reads it from the item. The session's keyring is shared by
/// every test of `make test` (the window's included), so items are told apart by the data
/// folder's installation id, the second part of their names.
fn keyring_secret(
    env: &support::Env,
    prefix: &str,
    suffix: &str,
    pick: impl Fn(&str) -> Option<String>,
) -> String {
    use grantry_core::secret_store::{Keyring, SERVICE, SecretStore};
    let database = env.data_dir().join("grantry.sqlite3");
    let installation: String = rusqlite::Connection::open(database)
        .expect("the database")
        .query_row(
            "SELECT value FROM meta WHERE key = 'installation'",
            [],
            |row| row.get(0),
        )
        .expect("the installation id");
    let prefix = format!("{prefix}{installation}/");
    let keyring = Keyring::secret_service(SERVICE);
    let found: Vec<String> = keyring
        .keys()
        .expect("keys")
        .iter()
        .filter(|key| key.starts_with(&prefix) && key.contains(suffix))
        .filter_map(|key| keyring.get(key).ok().flatten())
        .filter_map(|item| pick(item.expose()))
        .collect();
    assert_eq!(found.len(), 1, "one {prefix}…{suffix} item with a key");
    found[0].clone()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn every_proof_at_once_links_refreshes_and_revokes_through_grantry() {
    let env = env().await;
    let (code, said) = env.json(&["sandbox", "require-par", "on"]);
    assert_eq!(code, 0, "{said}");
    let output = env.grantry(&["sandbox", "dpop", "on", "--nonce"]);
    assert!(output.status.success(), "{output:?}");
    let words = String::from_utf8_lossy(&output.stdout);
    assert!(words.contains("requires DPoP proofs"), "{words}");
    assert!(words.contains("demands its nonces"), "{words}");
    let settings = env.sandbox.admin().dpop();
    assert!(settings.required && settings.nonce, "{settings:?}");
    let overview = env.sandbox.admin().overview();
    assert!(overview.require_pushed_authorization_requests);
    assert_eq!(overview.dpop, settings);

    let issuer = env.sandbox.issuer().to_owned();
    let (code, added) = env.json(&[
        "providers",
        "add",
        "proofs",
        "--name",
        "Every proof",
        "--issuer",
        &issuer,
        "--client-id",
        "qa-proofs",
        "--client-auth",
        "private-key-jwt",
        "--pushed-authorization",
        "--dpop",
        "--redirect",
        "loopback",
        "--scope",
        "openid",
        "--scope",
        "offline_access",
        "--allow-plain-http-loopback",
        "--refresh-plain-http-in-background",
    ]);
    assert_eq!(code, 0, "{added}");
    let environment = &added["environments"][0];
    assert_eq!(environment["client_auth"], "private_key_jwt");
    assert_eq!(environment["pushed_authorization"], true);
    assert_eq!(environment["dpop"], true, "{added}");
    let toml =
        std::fs::read_to_string(env.config_dir().join("providers.toml")).expect("providers.toml");
    assert!(toml.contains("dpop = true"), "{toml}");

    // Its JWKS, registered at the sandbox as the client's keys.
    let output = env.grantry(&["providers", "jwks", "proofs"]);
    assert!(output.status.success(), "{output:?}");
    let file = env.dir.path().join("proofs-jwks.json");
    std::fs::write(&file, &output.stdout).expect("write the JWKS");
    let file = file.to_string_lossy().into_owned();
    let (code, said) = env.json(&["sandbox", "jwt-client", "qa-proofs", "--jwks", &file]);
    assert_eq!(code, 0, "{said}");

    let (code, alice) = env.json(&["link", "proofs", "--browser", &env.consent("alice", "")]);
    assert_eq!(code, 0, "{alice}");
    let id = alice["id"].to_string();
    let (code, token) = support::json_output(&env.handing(&["--json", "token", &id]));
    assert_eq!(code, 0, "{token}");
    assert_eq!(token["token_type"], "DPoP", "{token}");
    // Bound: the sandbox refuses it as a bearer token.
    let access = token["access_token"].as_str().expect("an access token");
    let bare = reqwest::Client::new()
        .get(format!("{issuer}/userinfo"))
        .bearer_auth(access)
        .send()
        .await
        .expect("userinfo");
    assert_eq!(bare.status(), reqwest::StatusCode::UNAUTHORIZED, "{bare:?}");

    let (code, refreshed) = env.json(&["refresh", &id]);
    assert_eq!(code, 0, "{refreshed}");
    let (code, token) = support::json_output(&env.handing(&["--json", "token", &id]));
    assert_eq!(code, 0, "{token}");
    assert_eq!(
        token["token_type"], "DPoP",
        "refreshed, still bound: {token}"
    );
    assert_ne!(token["access_token"].as_str(), Some(access), "a new token");
    // The account's DPoP key, in its keyring item with its tokens (until the revocation).
    let dpop_key = keyring_secret(&env, "account/", "/proofs/production/", |item| {
        let item: serde_json::Value = serde_json::from_str(item).ok()?;
        Some(item["dpop_key"].as_str()?.to_owned())
    });
    env.sweep_for("the account's DPoP key", &dpop_key);
    let (code, revoked) = env.json(&["revoke", &id]);
    assert_eq!(code, 0, "{revoked}");
    let grants = env.grants().await;
    let grants: Vec<&serde_json::Value> = grants
        .as_array()
        .expect("a list")
        .iter()
        .filter(|g| g["client_id"] == "qa-proofs")
        .collect();
    assert_eq!(grants.len(), 1, "{grants:?}");
    assert!(grants[0]["revoked"].is_string(), "{grants:?}");

    // The environment's private_key_jwt key is in the keyring, and the sweep (at the end of
    // `env`) finds it, nor the account's DPoP key, nowhere else.
    let client_key = keyring_secret(&env, "client-key/", "/proofs/production", |item| {
        Some(item.to_owned())
    });
    env.sweep_for("the environment's private_key_jwt key", &client_key);

    let output = env.grantry(&["sandbox", "dpop", "off"]);
    assert!(output.status.success(), "{output:?}");
    let words = String::from_utf8_lossy(&output.stdout);
    assert!(words.contains("without DPoP proofs again"), "{words}");
    assert_eq!(env.sandbox.admin().dpop(), Default::default());
}
