//! HTTPS to providers trusts what the system trusts. A provider whose certificate comes from a
//! company's own CA (as every site does behind a TLS-inspecting proxy) is reached once that CA
//! is in the system's store, and refused while it is not. The store is named here by
//! `SSL_CERT_FILE`, which the system's TLS libraries honour as well; nothing else about the
//! machine is touched.

use std::process::Command;
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::{self, pki_types};

use crate::support::{self, GRANTRY};

/// A provider on `https://127.0.0.1:PORT` that serves its discovery document and (empty) keys,
/// with a certificate for 127.0.0.1 signed by a CA made for this test. Returns the issuer and
/// the CA in PEM.
async fn provider_behind_company_ca() -> (String, String) {
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Example Corp inspecting proxy CA");
    let ca_pem = ca_params.self_signed(&ca_key).expect("CA").pem();
    let ca = Issuer::new(ca_params, ca_key);

    let key = KeyPair::generate().expect("server key");
    let certificate = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .expect("server params")
        .signed_by(&key, &ca)
        .expect("server certificate");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS versions")
    .with_no_client_auth()
    .with_single_cert(
        vec![certificate.der().clone()],
        pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
    )
    .expect("server TLS config");
    let acceptor = TlsAcceptor::from(Arc::new(config));

    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let issuer = format!("https://{}", listener.local_addr().expect("addr"));
    let document = json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
    })
    .to_string();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, document) = (acceptor.clone(), document.clone());
            tokio::spawn(async move {
                // A refused handshake is the point of one of the tests: nothing to answer.
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let (status, body) = if head.starts_with(b"GET /.well-known/openid-configuration ")
                {
                    ("200 OK", document.as_str())
                } else if head.starts_with(b"GET /jwks ") {
                    ("200 OK", r#"{"keys":[]}"#)
                } else {
                    ("404 Not Found", "{}")
                };
                let answer = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (issuer, ca_pem)
}

/// `grantry --json providers discover ISSUER` in scratch folders, with `SSL_CERT_FILE` set to
/// `trust`; returns the exit code and the JSON it printed.
fn discover(dir: &tempfile::TempDir, issuer: &str, trust: &std::path::Path) -> (i32, Value) {
    let output = Command::new(GRANTRY)
        .args(["--json", "providers", "discover", issuer])
        .env("GRANTRY_DATA_DIR", dir.path().join("data"))
        .env("GRANTRY_CONFIG_DIR", dir.path().join("config"))
        .env("SSL_CERT_FILE", trust)
        .env_remove("SSL_CERT_DIR")
        .output()
        .expect("run grantry");
    support::json_output(&output)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_provider_signed_by_a_ca_the_system_trusts_is_reached_and_others_are_refused() {
    let (issuer, ca_pem) = provider_behind_company_ca().await;
    let dir = tempfile::tempdir().expect("temp dir");

    // The system trusts the company CA: the discovery document is read over HTTPS.
    let trusted = dir.path().join("trusted.pem");
    std::fs::write(&trusted, &ca_pem).expect("write CA");
    let (code, found) = discover(&dir, &issuer, &trusted);
    assert_eq!(code, 0, "{found}");
    assert_eq!(found["issuer"].as_str(), Some(issuer.as_str()), "{found}");

    // The system trusts some other CA only: the same provider is refused for its certificate.
    let other_key = KeyPair::generate().expect("key");
    let other = CertificateParams::new(Vec::<String>::new())
        .expect("params")
        .self_signed(&other_key)
        .expect("other CA");
    let untrusted = dir.path().join("untrusted.pem");
    std::fs::write(&untrusted, other.pem()).expect("write other CA");
    let (code, refused) = discover(&dir, &issuer, &untrusted);
    assert_ne!(code, 0, "{refused}");
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("UnknownIssuer"), "{refused}");
}
