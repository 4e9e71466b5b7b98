//! Discovery (`/.well-known/openid-configuration`, `/.well-known/oauth-authorization-server`)
//! and the JWKS of the strict personality (src/routes/discovery.rs).

use crate::support;

use grantry_sandbox::Personality;
use reqwest::StatusCode;
use serde_json::json;
use support::start;

#[tokio::test]
async fn discovery_documents_name_every_endpoint() {
    let h = start(Personality::Generic).await;
    let issuer = h.issuer().to_owned();
    assert!(issuer.starts_with("http://127.0.0.1:") && !issuer.ends_with('/'));
    let (status, oidc) = h.get_json("/.well-known/openid-configuration", None).await;
    assert_eq!(status, StatusCode::OK);
    let (_, rfc8414) = h
        .get_json("/.well-known/oauth-authorization-server", None)
        .await;
    assert_eq!(oidc, rfc8414);
    assert_eq!(oidc["issuer"], issuer);
    for (key, path) in [
        ("authorization_endpoint", "/authorize"),
        ("token_endpoint", "/token"),
        ("userinfo_endpoint", "/userinfo"),
        ("revocation_endpoint", "/revoke"),
        ("introspection_endpoint", "/introspect"),
        ("jwks_uri", "/jwks"),
    ] {
        assert_eq!(oidc[key], format!("{issuer}{path}"), "{key}");
    }
    assert_eq!(oidc["authorization_response_iss_parameter_supported"], true);
    assert_eq!(oidc["code_challenge_methods_supported"], json!(["S256"]));
    let (_, jwks) = h.get_json("/jwks", None).await;
    assert_eq!(jwks["keys"][0]["kty"], "EC");
    assert_eq!(jwks["keys"][0]["alg"], "ES256");
    assert!(
        jwks["keys"][0].get("d").is_none(),
        "the private key must never be published"
    );
}
