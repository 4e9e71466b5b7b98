//! Discovery against a fake provider on loopback (`oauth/discovery.rs`): a document that fails
//! its checks never leads to a request for the keys it names, and revocation and introspection
//! endpoints missing from the OpenID document come from the RFC 8414 metadata.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use grantry_core::ErrorCode;
use grantry_core::oauth::Http;
use grantry_core::oauth::discovery::discover;
use serde_json::{Value, json};

/// Documents by path, and every path requested.
#[derive(Clone, Default)]
struct Fake {
    documents: Arc<Mutex<HashMap<String, Value>>>,
    requested: Arc<Mutex<Vec<String>>>,
}

async fn answer(State(fake): State<Fake>, uri: Uri) -> Response {
    let path = uri.path().to_owned();
    fake.requested.lock().expect("lock").push(path.clone());
    match fake.documents.lock().expect("lock").get(&path) {
        Some(document) => axum::Json(document.clone()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

impl Fake {
    /// Serves on 127.0.0.1; returns its `http://127.0.0.1:PORT` base.
    async fn start() -> (Self, String) {
        let fake = Fake::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let router = axum::Router::new()
            .fallback(answer)
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        (fake, base)
    }

    fn serve(&self, path: &str, document: Value) {
        self.documents
            .lock()
            .expect("lock")
            .insert(path.into(), document);
    }

    fn requested(&self) -> Vec<String> {
        self.requested.lock().expect("lock").clone()
    }
}

/// An OpenID document for `issuer` with every endpoint on `base`, without revocation.
fn openid_document(issuer: &str, base: &str) -> Value {
    json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "userinfo_endpoint": format!("{base}/userinfo"),
        "jwks_uri": format!("{base}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    })
}

#[tokio::test]
async fn a_document_that_fails_its_checks_never_leads_to_its_keys() {
    let (fake, base) = Fake::start().await;
    fake.serve("/jwks", json!({ "keys": [] }));
    let mut wrong_issuer = openid_document("https://idp.example", &base);
    wrong_issuer["jwks_uri"] = json!(format!("{base}/jwks"));
    fake.serve("/.well-known/openid-configuration", wrong_issuer);
    let error = discover(&Http::new(), &base)
        .await
        .expect_err("the issuer differs");
    assert_eq!(error.code(), ErrorCode::ProviderError);
    assert!(error.to_string().contains("https://idp.example"), "{error}");

    // The right issuer, but a token endpoint over plain http off loopback.
    let mut plain_http = openid_document(&base, &base);
    plain_http["token_endpoint"] = json!("http://idp.example/token");
    fake.serve("/.well-known/openid-configuration", plain_http);
    let error = discover(&Http::new(), &base)
        .await
        .expect_err("http off loopback");
    assert_eq!(error.code(), ErrorCode::ProviderError);

    assert!(
        !fake.requested().iter().any(|path| path == "/jwks"),
        "{:?}",
        fake.requested()
    );
    // A sound document does lead to them.
    fake.serve(
        "/.well-known/openid-configuration",
        openid_document(&base, &base),
    );
    discover(&Http::new(), &base).await.expect("sound");
    assert!(fake.requested().iter().any(|path| path == "/jwks"));
}

#[tokio::test]
async fn revocation_missing_from_the_openid_document_comes_from_rfc_8414_metadata() {
    let (fake, base) = Fake::start().await;
    let issuer = format!("{base}/o");
    fake.serve("/jwks", json!({ "keys": [] }));
    fake.serve(
        "/o/.well-known/openid-configuration",
        openid_document(&issuer, &base),
    );
    fake.serve(
        "/.well-known/oauth-authorization-server/o",
        json!({
            "issuer": issuer,
            "revocation_endpoint": format!("{base}/o/revoke_token/"),
            "introspection_endpoint": format!("{base}/o/introspect/"),
        }),
    );
    let endpoints = discover(&Http::new(), &issuer).await.expect("discover");
    assert_eq!(
        endpoints.revocation.map(String::from).as_deref(),
        Some(format!("{base}/o/revoke_token/").as_str())
    );
    assert_eq!(
        endpoints.introspection.map(String::from).as_deref(),
        Some(format!("{base}/o/introspect/").as_str())
    );

    // Metadata naming another issuer is not used (RFC 8414 §3.3).
    fake.serve(
        "/.well-known/oauth-authorization-server/o",
        json!({
            "issuer": "https://idp.example/o",
            "revocation_endpoint": format!("{base}/elsewhere"),
        }),
    );
    let endpoints = discover(&Http::new(), &issuer).await.expect("discover");
    assert_eq!(endpoints.revocation, None);
}

#[tokio::test]
async fn a_provider_that_offers_pkce_without_s256_is_refused() {
    let (fake, base) = Fake::start().await;
    fake.serve("/jwks", json!({ "keys": [] }));
    let with = |methods: Value| {
        let mut document = openid_document(&base, &base);
        document["code_challenge_methods_supported"] = methods;
        document
    };
    fake.serve("/.well-known/openid-configuration", with(json!(["plain"])));
    let error = discover(&Http::new(), &base).await.expect_err("plain only");
    assert_eq!(error.code(), ErrorCode::ProviderError);
    assert!(
        error.to_string().contains("only as plain") && error.to_string().contains("S256"),
        "{error}"
    );
    for fine in [json!(["plain", "S256"]), json!(["S256"]), json!([])] {
        fake.serve("/.well-known/openid-configuration", with(fine.clone()));
        if let Err(error) = discover(&Http::new(), &base).await {
            panic!("{fine}: {error}");
        }
    }
    // Not advertised at all: nothing is known, and nothing refused.
    fake.serve(
        "/.well-known/openid-configuration",
        openid_document(&base, &base),
    );
    discover(&Http::new(), &base).await.expect("silent");
}

#[tokio::test]
async fn a_local_issuers_document_may_not_name_localhost_for_plain_http() {
    let (fake, base) = Fake::start().await;
    fake.serve("/jwks", json!({ "keys": [] }));
    let port = base.rsplit(':').next().expect("port");
    for (what, elsewhere) in [
        ("token_endpoint", format!("http://localhost:{port}")),
        ("jwks_uri", format!("http://localhost:{port}")),
        ("token_endpoint", format!("http://127.0.0.2:{port}")),
    ] {
        let mut document = openid_document(&base, &base);
        document[what] = json!(format!("{elsewhere}/{what}"));
        fake.serve("/.well-known/openid-configuration", document);
        let error = discover(&Http::new(), &base)
            .await
            .expect_err("a name on plain http");
        assert_eq!(error.code(), ErrorCode::ProviderError, "{error}");
        assert!(
            error.to_string().contains(what) && error.to_string().contains("127.0.0.1 and [::1]"),
            "{error}"
        );
    }
    let ipv6 = base.replace("127.0.0.1", "[::1]");
    let mut document = openid_document(&base, &base);
    document["userinfo_endpoint"] = json!(format!("{ipv6}/userinfo"));
    fake.serve("/.well-known/openid-configuration", document);
    discover(&Http::new(), &base)
        .await
        .expect("[::1] is the other loopback literal");
}
