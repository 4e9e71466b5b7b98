//! `private_key_jwt` and pushed authorization requests end to end through `grantry`: a
//! provider added with `--client-auth private-key-jwt`, its JWKS printed by
//! `grantry providers jwks` and registered at the sandbox through its admin API
//! (`grantry sandbox jwt-client`), which is made to require PAR (`grantry sandbox
//! require-par on`), then a link
//! pushed first (the sandbox requires it), a refresh and a revocation, each authenticated by a
//! fresh assertion.

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
