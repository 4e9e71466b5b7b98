//! The whole authorization code flow of the strict personality, end to end: consent, code
//! exchange, an ID token checked against the JWKS, userinfo, the avatar and introspection.

use crate::support;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use grantry_sandbox::Personality;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use reqwest::StatusCode;
use serde_json::Value;
use support::{GENERIC_SCOPES, PUBLIC, generic_request, query, start};

fn verify_id_token(token: &str, jwks: &Value) -> Value {
    let parts: Vec<&str> = token.split('.').collect();
    let header: Value = serde_json::from_slice(&B64.decode(parts[0]).expect("b64")).expect("json");
    assert_eq!(header["alg"], "ES256");
    let key = jwks["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .find(|k| k["kid"] == header["kid"])
        .expect("the token's kid is in the JWKS");
    let mut point = vec![4u8];
    point.extend(B64.decode(key["x"].as_str().expect("x")).expect("b64"));
    point.extend(B64.decode(key["y"].as_str().expect("y")).expect("b64"));
    let verifying = VerifyingKey::from_sec1_bytes(&point).expect("P-256 key");
    let signature = Signature::from_slice(&B64.decode(parts[2]).expect("b64")).expect("signature");
    verifying
        .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature)
        .expect("the ID token signature verifies with the JWKS");
    serde_json::from_slice(&B64.decode(parts[1]).expect("b64")).expect("claims")
}

#[tokio::test]
async fn full_flow_with_id_token_userinfo_and_introspection() {
    let h = start(Personality::Generic).await;
    let request = generic_request();
    let back = h.consent(&request, "alice", None).await;
    assert_eq!(back.scheme(), "dev.grantry");
    assert_eq!(back.path(), "/oauth/callback");
    let params = query(&back);
    assert_eq!(params["state"], request.state);
    assert_eq!(
        params["iss"],
        h.issuer(),
        "RFC 9207 iss in the authorization response"
    );

    let (status, tokens) = h.exchange("/token", &request, &params["code"]).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 3600);
    assert_eq!(tokens["scope"], GENERIC_SCOPES);
    assert!(
        tokens["refresh_token"].is_string(),
        "offline_access gives a refresh token"
    );

    let (_, jwks) = h.get_json("/jwks", None).await;
    let claims = verify_id_token(tokens["id_token"].as_str().expect("id_token"), &jwks);
    assert_eq!(claims["iss"], h.issuer());
    assert_eq!(claims["aud"], PUBLIC);
    assert_eq!(claims["sub"], "user-alice");
    assert_eq!(claims["nonce"], request.nonce);
    assert_eq!(claims["email"], "alice@sandbox.grantry.test");
    assert_eq!(claims["name"], "Alice Tester");
    assert!(
        claims["picture"]
            .as_str()
            .expect("picture")
            .ends_with("/_sandbox/avatar/user-alice.svg")
    );
    assert!(claims["exp"].as_u64() > claims["iat"].as_u64());

    let access = tokens["access_token"].as_str().expect("access token");
    let (status, profile) = h.get_json("/userinfo", Some(access)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(profile["sub"], "user-alice");
    assert_eq!(profile["email"], "alice@sandbox.grantry.test");
    let (status, avatar) = h.get_json("/_sandbox/avatar/user-alice.svg", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(avatar.as_str().expect("svg").starts_with("<svg"));

    let (status, info) = h
        .post_form("/introspect", &[("token", access), ("client_id", PUBLIC)])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(info["active"], true);
    assert_eq!(info["scope"], GENERIC_SCOPES);
    assert_eq!(info["sub"], "user-alice");
    assert_eq!(info["client_id"], PUBLIC);
}
