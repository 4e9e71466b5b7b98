//! `private_key_jwt` client authentication against the sandbox (`oauth/client_assertion.rs`,
//! `engine/client_keys.rs`): Grantry makes the environment's key when its JWKS is asked for,
//! keeps it in the keyring, and signs a fresh assertion for the code exchange, every refresh,
//! the introspection of a scope check and the revocation; the sandbox refuses a replayed
//! assertion and one signed by a key it does not know, and Grantry says what to do.

use crate::support::{World, allow, world};

use grantry_core::oauth::client_assertion;
use grantry_core::oauth::jws::ProofKey;
use grantry_core::providers::{ClientAuth, Environment, Provider};
use grantry_core::secret_store::SecretStore;
use grantry_core::{ErrorCode, IpcError};
use grantry_sandbox::{ClientAuth as SandboxAuth, ClientConfig};
use serde_json::Value;

/// The private_key_jwt client the tests register at the sandbox.
pub const CLIENT: &str = "qa-jwt";

/// Adds provider `signed`: the sandbox, as the private_key_jwt client [`CLIENT`].
pub fn add_signed_provider(w: &World) -> Environment {
    let mut provider: Provider = w.grantry.providers()[0].clone();
    provider.id = "signed".to_owned().try_into().expect("id");
    provider.name = "Signed".into();
    let env = &mut provider.environments[0];
    env.client_id = CLIENT.into();
    env.client_auth = ClientAuth::PrivateKeyJwt;
    let env = env.clone();
    w.grantry.add_provider(provider).expect("add");
    env
}

/// Registers [`CLIENT`] at the sandbox with `jwks` as its keys.
pub fn register(w: &World, jwks: Value) {
    w.sandbox
        .admin()
        .add_client(ClientConfig {
            client_id: CLIENT.into(),
            client_secret: None,
            name: "QA private_key_jwt".into(),
            auth: SandboxAuth::PrivateKeyJwt,
            redirect_uris: vec![
                "dev.grantry:/oauth/callback".into(),
                "http://127.0.0.1/callback".into(),
            ],
            expiring_tokens: true,
            jwks: Some(jwks),
            dpop_bound_access_tokens: false,
        })
        .expect("register the client");
}

/// The keyring keys of private_key_jwt keys.
fn client_keys(w: &World) -> Vec<String> {
    let keys = w.secrets.keys().expect("keys");
    keys.into_iter()
        .filter(|k| k.starts_with("client-key/"))
        .collect()
}

#[tokio::test]
async fn an_account_links_refreshes_checks_and_revokes_with_signed_assertions() {
    let w = world().await;
    add_signed_provider(&w);
    register(&w, ProofKey::generate().expect("key").jwks());

    // No key yet: the link says how to make one.
    let back = w.answer_at("signed", None, &allow("alice")).await;
    let error = w.grantry.finish_link(&back).await.expect_err("no key");
    assert_eq!(IpcError::from(&error).code, ErrorCode::InvalidInput);
    assert!(
        error.to_string().contains("grantry providers jwks signed"),
        "{error}"
    );

    let jwks = w.grantry.client_jwks("signed", None).await.expect("jwks");
    assert_eq!(
        jwks.audience,
        w.sandbox.issuer(),
        "the issuer is the audience"
    );
    assert_eq!(jwks.jwks["keys"][0]["kid"], jwks.kid);
    assert!(
        jwks.jwks["keys"][0].get("d").is_none(),
        "never the private part"
    );
    let again = w.grantry.client_jwks("signed", None).await.expect("jwks");
    assert_eq!(again.kid, jwks.kid, "one key per environment, kept");
    assert_eq!(client_keys(&w).len(), 1);
    register(&w, jwks.jwks.clone());

    let back = w.answer_at("signed", None, &allow("alice")).await;
    let account = w.grantry.finish_link(&back).await.expect("link");
    w.grantry.refresh(account.id).await.expect("refresh");
    w.grantry.refresh(account.id).await.expect("refresh again");
    w.grantry
        .check_scopes(account.id)
        .await
        .expect("introspection");
    // The assertions went out masked in the HTTP log, as every credential does.
    let log =
        serde_json::to_string(&w.grantry.http_log(account.id, 100).expect("log")).expect("JSON");
    assert!(log.contains("client_assertion"), "{log}");
    assert!(!log.contains("eyJ"), "an assertion in the HTTP log: {log}");
    w.grantry.revoke(account.id).await.expect("revoke");
    // The first consent's code was never exchanged; the linked one's grant is revoked.
    let grants = w.sandbox_grants().await;
    assert!(grants[1]["revoked"].is_string(), "{grants}");

    // The key goes with the provider.
    w.grantry.remove_provider("signed").expect("remove");
    assert!(client_keys(&w).is_empty());
}

#[tokio::test]
async fn the_same_assertion_twice_is_refused() {
    let w = world().await;
    let env = add_signed_provider(&w);
    let jwks = w.grantry.client_jwks("signed", None).await.expect("jwks");
    register(&w, jwks.jwks);
    let stored = w
        .secrets
        .get(&client_keys(&w)[0])
        .expect("keyring")
        .expect("the key");
    let key = ProofKey::from_secret(&stored).expect("key");
    let assertion = client_assertion::assertion(&env, &key, grantry_core::now()).expect("signed");
    let send = async || {
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", "not-a-refresh-token"),
            ("client_id", CLIENT),
            ("client_assertion_type", client_assertion::JWT_BEARER),
            ("client_assertion", assertion.expose().as_str()),
        ];
        let response = reqwest::Client::new()
            .post(format!("{}/token", w.sandbox.issuer()))
            .form(&form)
            .send()
            .await
            .expect("POST");
        response.json::<Value>().await.expect("JSON")
    };
    // The first use authenticates (and fails on the made-up refresh token), the second not.
    assert_eq!(send().await["error"], "invalid_grant");
    let replayed = send().await;
    assert_eq!(replayed["error"], "invalid_client", "{replayed}");
    assert!(
        replayed["error_description"]
            .to_string()
            .contains("used already")
    );
}

#[tokio::test]
async fn a_key_the_provider_does_not_know_is_refused_with_what_to_do() {
    let w = world().await;
    add_signed_provider(&w);
    w.grantry.client_jwks("signed", None).await.expect("jwks");
    register(&w, ProofKey::generate().expect("key").jwks());
    let back = w.answer_at("signed", None, &allow("alice")).await;
    let error = w.grantry.finish_link(&back).await.expect_err("unknown key");
    assert_eq!(IpcError::from(&error).code, ErrorCode::ProviderError);
    let said = error.to_string();
    assert!(said.contains("invalid_client"), "{said}");
    assert!(said.contains("register the public JWKS"), "{said}");
    assert!(said.contains("grantry providers jwks signed"), "{said}");

    // A client that does not use private_key_jwt has no JWKS to show.
    let error = w
        .grantry
        .client_jwks("sandbox", None)
        .await
        .expect_err("public");
    assert!(error.to_string().contains("private_key_jwt"), "{error}");
}
