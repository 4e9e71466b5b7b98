//! DPoP (RFC 9449): proofs at the token endpoint, tokens bound to the key, refresh tokens of
//! public clients bound too, the userinfo resource's DPoP scheme, server nonces, and each way
//! a proof is refused.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::*;

/// A client's DPoP key, signing proofs as a client would.
struct Key(SigningKey);

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs() as i64
}

fn unique() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("random");
    B64.encode(bytes)
}

impl Key {
    fn new() -> Self {
        loop {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).expect("random");
            if let Ok(key) = SigningKey::from_slice(&bytes) {
                return Self(key);
            }
        }
    }

    fn jwk(&self) -> Value {
        let point = self.0.verifying_key().to_sec1_point(false);
        json!({"kty": "EC", "crv": "P-256",
               "x": B64.encode(point.x().expect("x")), "y": B64.encode(point.y().expect("y"))})
    }

    fn thumbprint(&self) -> String {
        let jwk = self.jwk();
        let canonical = format!(
            r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
            jwk["x"].as_str().expect("x"),
            jwk["y"].as_str().expect("y")
        );
        B64.encode(Sha256::digest(canonical.as_bytes()))
    }

    fn sign(&self, header: &Value, claims: &Value) -> String {
        let input = format!(
            "{}.{}",
            B64.encode(header.to_string()),
            B64.encode(claims.to_string())
        );
        let signature: Signature = self.0.sign(input.as_bytes());
        format!("{input}.{}", B64.encode(signature.to_bytes()))
    }

    /// A good proof for `method` at `url`, changed by `tweak` before it is signed.
    fn proof_with(
        &self,
        method: &str,
        url: &str,
        tweak: impl FnOnce(&mut Value, &mut Value),
    ) -> String {
        let mut header = json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": self.jwk()});
        let mut claims = json!({"jti": unique(), "htm": method, "htu": url, "iat": now()});
        tweak(&mut header, &mut claims);
        self.sign(&header, &claims)
    }

    fn proof(&self, method: &str, url: &str) -> String {
        self.proof_with(method, url, |_, _| {})
    }
}

fn ath(token: &str) -> String {
    B64.encode(Sha256::digest(token.as_bytes()))
}

impl Harness {
    /// POSTs `form` to `path` with `dpop` as the DPoP header; the status, the body and the
    /// `DPoP-Nonce` header.
    async fn post_dpop(
        &self,
        path: &str,
        dpop: Option<&str>,
        form: &[(&str, &str)],
    ) -> (StatusCode, Value, Option<String>) {
        let mut request = self
            .http
            .post(format!("{}{path}", self.issuer()))
            .form(form);
        if let Some(proof) = dpop {
            request = request.header("DPoP", proof);
        }
        let response = request.send().await.expect("POST");
        let status = response.status();
        let nonce = response
            .headers()
            .get("dpop-nonce")
            .map(|v| v.to_str().expect("nonce").to_owned());
        let body = response.json().await.unwrap_or(Value::Null);
        (status, body, nonce)
    }

    /// A code for a fresh request, consented by alice.
    async fn fresh_code(&self) -> (Request, String) {
        let request = generic_request();
        let code = self.code(&request, "alice", None).await;
        (request, code)
    }

    async fn exchange_dpop(
        &self,
        request: &Request,
        code: &str,
        proof: Option<&str>,
    ) -> (StatusCode, Value, Option<String>) {
        self.post_dpop(
            "/token",
            proof,
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", &request.redirect_uri),
                ("client_id", &request.client_id),
                ("code_verifier", &request.verifier),
            ],
        )
        .await
    }

    async fn refresh_dpop(&self, refresh: &str, proof: Option<&str>) -> (StatusCode, Value) {
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh),
            ("client_id", PUBLIC),
        ];
        let (status, body, _) = self.post_dpop("/token", proof, &form).await;
        (status, body)
    }

    /// GET /userinfo with `authorization` and `dpop`; the status and `WWW-Authenticate`.
    async fn userinfo_with(
        &self,
        authorization: &str,
        dpop: Option<&str>,
    ) -> (StatusCode, String, Option<String>) {
        let mut request = self
            .http
            .get(format!("{}/userinfo", self.issuer()))
            .header("authorization", authorization);
        if let Some(proof) = dpop {
            request = request.header("DPoP", proof);
        }
        let response = request.send().await.expect("GET");
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().expect("header").to_owned())
        };
        let (challenge, nonce) = (header("www-authenticate"), header("dpop-nonce"));
        (response.status(), challenge.unwrap_or_default(), nonce)
    }
}

fn refused(status: StatusCode, body: &Value, words: &str) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], "invalid_dpop_proof", "{body}");
    let description = body["error_description"].as_str().expect("description");
    assert!(
        description.contains(words),
        "{description:?} should say {words:?}"
    );
}

#[tokio::test]
async fn discovery_advertises_es256_proofs() {
    let h = start(grantry_sandbox::Personality::Generic).await;
    let (_, doc) = h.get_json("/.well-known/openid-configuration", None).await;
    assert_eq!(doc["dpop_signing_alg_values_supported"], json!(["ES256"]));
}

#[tokio::test]
async fn a_proof_binds_the_tokens_and_the_resource_wants_the_dpop_scheme() {
    let h = start(grantry_sandbox::Personality::Generic).await;
    let key = Key::new();
    let token_url = format!("{}/token", h.issuer());
    let (request, code) = h.fresh_code().await;
    let proof = key.proof("POST", &token_url);
    let (status, tokens, _) = h.exchange_dpop(&request, &code, Some(&proof)).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(tokens["token_type"], "DPoP");
    let access = tokens["access_token"].as_str().expect("access");

    // Introspection reports the binding (RFC 9449 §6.2).
    let (_, answer, _) = h
        .post_dpop(
            "/introspect",
            None,
            &[("token", access), ("client_id", PUBLIC)],
        )
        .await;
    assert_eq!(answer["token_type"], "DPoP", "{answer}");
    assert_eq!(answer["cnf"]["jkt"], key.thumbprint(), "{answer}");

    let userinfo = format!("{}/userinfo", h.issuer());
    let with_ath = |claims: &mut Value| claims["ath"] = json!(ath(access));
    let good = key.proof_with("GET", &userinfo, |_, c| with_ath(c));
    let (status, _, _) = h
        .userinfo_with(&format!("DPoP {access}"), Some(&good))
        .await;
    assert_eq!(status, StatusCode::OK);

    // As a bearer token it is refused: whoever stole it has no key.
    let (status, challenge, _) = h.userinfo_with(&format!("Bearer {access}"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        challenge.starts_with("DPoP error=\"invalid_token\""),
        "{challenge}"
    );
    assert!(challenge.contains("DPoP-bound"), "{challenge}");

    // The DPoP scheme without a proof, with one lacking ath, or one of another key.
    let (status, challenge, _) = h.userinfo_with(&format!("DPoP {access}"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        challenge.contains("error=\"invalid_dpop_proof\""),
        "{challenge}"
    );
    let no_ath = key.proof("GET", &userinfo);
    let (status, challenge, _) = h
        .userinfo_with(&format!("DPoP {access}"), Some(&no_ath))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(challenge.contains("no ath"), "{challenge}");
    let thief = Key::new().proof_with("GET", &userinfo, |_, c| with_ath(c));
    let (status, challenge, _) = h
        .userinfo_with(&format!("DPoP {access}"), Some(&thief))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(challenge.contains("another key"), "{challenge}");

    // A token issued without a proof is not bound, and stays a bearer token.
    let (request, code) = h.fresh_code().await;
    let (_, plain, _) = h.exchange_dpop(&request, &code, None).await;
    assert_eq!(plain["token_type"], "Bearer");
    let plain = plain["access_token"].as_str().expect("access");
    assert_eq!(h.userinfo_status(Some(plain)).await, StatusCode::OK);
}

#[tokio::test]
async fn bad_proofs_are_refused_and_spend_no_code() {
    let h = start(grantry_sandbox::Personality::Generic).await;
    let key = Key::new();
    let token_url = format!("{}/token", h.issuer());
    let (request, code) = h.fresh_code().await;
    let cases: Vec<(String, &str)> = vec![
        (
            key.proof("POST", &format!("{}/userinfo", h.issuer())),
            "htu",
        ),
        (key.proof("GET", &token_url), "htm"),
        (
            key.proof_with("POST", &token_url, |_, c| c["iat"] = json!(now() - 600)),
            "stale",
        ),
        (
            key.proof_with("POST", &token_url, |_, c| c["iat"] = json!(now() + 600)),
            "future",
        ),
        (
            key.proof_with("POST", &token_url, |h, _| h["typ"] = json!("JWT")),
            "typ",
        ),
        (
            key.proof_with("POST", &token_url, |h, _| h["jwk"] = Key::new().jwk()),
            "does not verify",
        ),
        (
            key.proof_with("POST", &token_url, |_, c| {
                c.as_object_mut().expect("claims").remove("jti");
            }),
            "jti",
        ),
        ("not.a.proof".to_owned(), "DPoP proof"),
    ];
    for (proof, words) in &cases {
        let (status, body, _) = h.exchange_dpop(&request, &code, Some(proof)).await;
        refused(status, &body, words);
    }
    // The code is still good: a refused proof is checked before anything is redeemed.
    let proof = key.proof("POST", &token_url);
    let (status, tokens, _) = h.exchange_dpop(&request, &code, Some(&proof)).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    // The same proof again is a replay.
    let (request, code) = h.fresh_code().await;
    let (status, body, _) = h.exchange_dpop(&request, &code, Some(&proof)).await;
    refused(status, &body, "used already");
}

#[tokio::test]
async fn a_public_clients_refresh_token_works_only_with_its_key() {
    let h = start(grantry_sandbox::Personality::Generic).await;
    let key = Key::new();
    let token_url = format!("{}/token", h.issuer());
    let (request, code) = h.fresh_code().await;
    let (_, tokens, _) = h
        .exchange_dpop(&request, &code, Some(&key.proof("POST", &token_url)))
        .await;
    let refresh = tokens["refresh_token"].as_str().expect("refresh");
    let (status, body) = h.refresh_dpop(refresh, None).await;
    refused(status, &body, "bound to a DPoP key");
    let other = Key::new().proof("POST", &token_url);
    let (status, body) = h.refresh_dpop(refresh, Some(&other)).await;
    refused(status, &body, "another DPoP key");
    // Neither refusal spent it: with its key it refreshes, and the new ones are bound too.
    let (status, body) = h
        .refresh_dpop(refresh, Some(&key.proof("POST", &token_url)))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "DPoP");
    let rotated = body["refresh_token"].as_str().expect("rotated");
    let (status, body) = h.refresh_dpop(rotated, None).await;
    refused(status, &body, "bound to a DPoP key");
}

#[tokio::test]
async fn a_client_registered_for_dpop_must_send_a_proof() {
    let h = start(grantry_sandbox::Personality::Generic).await;
    let status = h
        .admin(
            "/clients",
            json!({"client_id": PUBLIC, "name": "Grantry", "auth": "none",
                   "redirect_uris": [REDIRECT], "dpop_bound_access_tokens": true}),
        )
        .await;
    assert!(status.is_success(), "{status}");
    let (request, code) = h.fresh_code().await;
    let (status, body, _) = h.exchange_dpop(&request, &code, None).await;
    refused(status, &body, "must send a DPoP proof");
    let proof = Key::new().proof("POST", &format!("{}/token", h.issuer()));
    let (status, body, _) = h.exchange_dpop(&request, &code, Some(&proof)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn the_sandbox_can_require_dpop_of_every_client_and_demand_nonces() {
    let h = start(grantry_sandbox::Personality::Generic).await;
    let (status, settings) = h
        .admin_post("/dpop", json!({"required": true, "nonce": true}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(settings, json!({"required": true, "nonce": true}));
    assert_eq!(h.admin_get("/dpop").await.1, settings);
    let key = Key::new();
    let token_url = format!("{}/token", h.issuer());
    let (request, code) = h.fresh_code().await;
    let (status, body, _) = h.exchange_dpop(&request, &code, None).await;
    refused(status, &body, "must send a DPoP proof");

    // Without a nonce: `use_dpop_nonce`, and the nonce to use in the DPoP-Nonce header.
    let (status, body, nonce) = h
        .exchange_dpop(&request, &code, Some(&key.proof("POST", &token_url)))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "use_dpop_nonce", "{body}");
    let nonce = nonce.expect("a DPoP-Nonce header");
    let wrong = key.proof_with("POST", &token_url, |_, c| c["nonce"] = json!("made-up"));
    let (_, body, _) = h.exchange_dpop(&request, &code, Some(&wrong)).await;
    assert_eq!(body["error"], "use_dpop_nonce", "{body}");
    let with_nonce = key.proof_with("POST", &token_url, |_, c| c["nonce"] = json!(nonce));
    let (status, tokens, _) = h.exchange_dpop(&request, &code, Some(&with_nonce)).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");

    // The resource demands it too, in a 401 challenge (RFC 9449 §9).
    let access = tokens["access_token"].as_str().expect("access");
    let userinfo = format!("{}/userinfo", h.issuer());
    let no_nonce = key.proof_with("GET", &userinfo, |_, c| c["ath"] = json!(ath(access)));
    let (status, challenge, fresh) = h
        .userinfo_with(&format!("DPoP {access}"), Some(&no_nonce))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        challenge.starts_with("DPoP error=\"use_dpop_nonce\""),
        "{challenge}"
    );
    let fresh = fresh.expect("a DPoP-Nonce header");
    let good = key.proof_with("GET", &userinfo, |_, c| {
        c["ath"] = json!(ath(access));
        c["nonce"] = json!(fresh);
    });
    let (status, _, _) = h
        .userinfo_with(&format!("DPoP {access}"), Some(&good))
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn revocation_takes_a_proof_and_ends_the_bound_tokens() {
    let h = start(grantry_sandbox::Personality::Generic).await;
    let key = Key::new();
    let token_url = format!("{}/token", h.issuer());
    let revoke_url = format!("{}/revoke", h.issuer());
    let (request, code) = h.fresh_code().await;
    let (_, tokens, _) = h
        .exchange_dpop(&request, &code, Some(&key.proof("POST", &token_url)))
        .await;
    let refresh = tokens["refresh_token"].as_str().expect("refresh");
    let form = [("token", refresh), ("client_id", PUBLIC)];
    // A bad proof is refused even here, and revokes nothing.
    let stale = key.proof_with("POST", &revoke_url, |_, c| c["iat"] = json!(now() - 600));
    let (status, body, _) = h.post_dpop("/revoke", Some(&stale), &form).await;
    refused(status, &body, "stale");
    let (status, _, _) = h
        .post_dpop("/revoke", Some(&key.proof("POST", &revoke_url)), &form)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = h
        .refresh_dpop(refresh, Some(&key.proof("POST", &token_url)))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant", "{body}");
}

#[tokio::test]
async fn revocation_and_introspection_give_the_nonce_they_ask_for() {
    let h = start(grantry_sandbox::Personality::Generic).await;
    h.admin_post("/dpop", json!({"required": true, "nonce": false}))
        .await;
    let key = Key::new();
    let token_url = format!("{}/token", h.issuer());
    let (request, code) = h.fresh_code().await;
    let (_, tokens, _) = h
        .exchange_dpop(&request, &code, Some(&key.proof("POST", &token_url)))
        .await;
    let refresh = tokens["refresh_token"].as_str().expect("refresh");
    let form = [("token", refresh), ("client_id", PUBLIC)];
    // Nonces demanded from now on: a client that holds none yet learns it from the refusal.
    h.admin_post("/dpop", json!({"required": true, "nonce": true}))
        .await;
    for path in ["/introspect", "/revoke"] {
        let url = format!("{}{path}", h.issuer());
        let (status, body, nonce) = h
            .post_dpop(path, Some(&key.proof("POST", &url)), &form)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(body["error"], "use_dpop_nonce", "{path}: {body}");
        let nonce = nonce.unwrap_or_else(|| panic!("{path}: no DPoP-Nonce header"));
        if path == "/revoke" {
            let with_nonce = key.proof_with("POST", &url, |_, c| c["nonce"] = json!(nonce));
            let (status, body, _) = h.post_dpop(path, Some(&with_nonce), &form).await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
    }
    // Revoked: the refresh token is refused, with a good proof carrying the current nonce.
    let (_, _, nonce) = h
        .post_dpop("/token", Some(&key.proof("POST", &token_url)), &form)
        .await;
    let proof = key.proof_with("POST", &token_url, |_, c| {
        c["nonce"] = json!(nonce.expect("a nonce"))
    });
    let (status, body) = h.refresh_dpop(refresh, Some(&proof)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant", "revoked: {body}");
}

#[tokio::test]
async fn bindings_survive_a_restart_with_a_state_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = grantry_sandbox::SandboxConfig::new(grantry_sandbox::Personality::Generic);
    config.state_file = Some(dir.path().join("sandbox.json"));
    let h = start_with(config.clone()).await;
    let key = Key::new();
    let (request, code) = h.fresh_code().await;
    let proof = key.proof("POST", &format!("{}/token", h.issuer()));
    let (_, tokens, _) = h.exchange_dpop(&request, &code, Some(&proof)).await;
    let access = tokens["access_token"].as_str().expect("access").to_owned();
    let refresh = tokens["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_owned();
    h.sandbox.stop().await;

    let h = start_with(config).await;
    let (status, _, _) = h.userinfo_with(&format!("Bearer {access}"), None).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "still bound after a restart"
    );
    let (status, body) = h.refresh_dpop(&refresh, None).await;
    refused(status, &body, "bound to a DPoP key");
    let proof = key.proof("POST", &format!("{}/token", h.issuer()));
    let (status, body) = h.refresh_dpop(&refresh, Some(&proof)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
