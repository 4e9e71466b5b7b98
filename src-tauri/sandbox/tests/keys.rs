//! Rotating the signing key (`POST /_sandbox/rotate-key`, src/keys.rs): new ID tokens carry the
//! new key id, and the JWKS publishes the new key and, until the next rotation, the old one.

use crate::support;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use grantry_sandbox::Personality;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{generic_request, start};

fn kid(id_token: &Value) -> String {
    let header = id_token.as_str().expect("id token").split('.').next();
    let header: Value =
        serde_json::from_slice(&B64.decode(header.expect("header")).expect("b64")).expect("json");
    header["kid"].as_str().expect("kid").to_owned()
}

async fn published(h: &support::Harness) -> Vec<String> {
    let (_, jwks) = h.get_json("/jwks", None).await;
    jwks["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| k["kid"].as_str().expect("kid").to_owned())
        .collect()
}

#[tokio::test]
async fn a_rotated_key_signs_new_id_tokens_and_the_old_one_stays_published_once() {
    let h = start(Personality::Generic).await;
    let before = h.link(&generic_request(), "alice").await;
    let old = kid(&before["id_token"]);
    assert_eq!(published(&h).await, vec![old.clone()]);

    let (status, rotated) = h.admin_post("/rotate-key", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let new = rotated["kid"].as_str().expect("kid").to_owned();
    assert_ne!(new, old);
    assert_eq!(published(&h).await, [new.clone(), old.clone()]);
    let after = h.link(&generic_request(), "bob").await;
    assert_eq!(kid(&after["id_token"]), new);
    let (_, refreshed) = h
        .refresh(after["refresh_token"].as_str().expect("rt"))
        .await;
    assert_eq!(kid(&refreshed["id_token"]), new);

    h.admin_post("/rotate-key", json!({})).await;
    let keys = published(&h).await;
    assert_eq!(keys.len(), 2);
    assert_eq!(
        keys[1], new,
        "the oldest key is gone after the next rotation"
    );
    assert!(!keys.contains(&old));
}
