//! Introspection (RFC 7662, src/routes/introspection.rs): a client learns only about its own
//! tokens, and only after authenticating. The active case is covered in flow.rs.

use crate::support;

use grantry_sandbox::Personality;
use serde_json::json;
use support::{CONFIDENTIAL, PUBLIC, SECRET, generic_request, start};

#[tokio::test]
async fn clients_cannot_introspect_each_others_tokens() {
    let h = start(Personality::Generic).await;
    let tokens = h.link(&generic_request(), "alice").await;
    let access = tokens["access_token"].as_str().expect("at");
    let (_, own) = h
        .post_form("/introspect", &[("token", access), ("client_id", PUBLIC)])
        .await;
    assert_eq!(own["active"], true, "its own client sees the token active");
    let (_, info) = h
        .post_form(
            "/introspect",
            &[
                ("token", access),
                ("client_id", CONFIDENTIAL),
                ("client_secret", SECRET),
            ],
        )
        .await;
    assert_eq!(info, json!({"active": false}));
    assert_eq!(
        h.post_form("/introspect", &[("token", access)]).await.1["error"],
        "invalid_client"
    );
}
