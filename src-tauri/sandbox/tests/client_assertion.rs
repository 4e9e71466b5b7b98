//! `private_key_jwt` client authentication (RFC 7523 §2.2, OpenID Connect Core §9;
//! src/client_assertion.rs, src/store/client_auth.rs): a client registered with its public
//! JWKS links, refreshes, introspects and revokes with signed assertions, and every assertion
//! that is stale, replayed, for another audience or signed by another key is refused as
//! `invalid_client`, saying why.

use crate::support;

use grantry_sandbox::Personality;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{ClientKey, Harness, JWT_BEARER, JWT_CLIENT, generic_request, start};

/// Links [`JWT_CLIENT`] and returns its token response; `aud` for the exchange's assertion.
async fn link(h: &Harness, key: &ClientKey) -> Value {
    let request = generic_request().client(JWT_CLIENT);
    let code = h.code(&request, "alice", None).await;
    let token_endpoint = format!("{}/token", h.issuer());
    let (status, tokens) = h
        .post_asserted(
            "/token",
            &key.assertion(JWT_CLIENT, &token_endpoint),
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", &request.redirect_uri),
                ("client_id", JWT_CLIENT),
                ("code_verifier", &request.verifier),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    tokens
}

#[tokio::test]
async fn a_private_key_jwt_client_links_refreshes_introspects_and_revokes() {
    let h = start(Personality::Generic).await;
    let (_, discovery) = h.get_json("/.well-known/openid-configuration", None).await;
    let methods = discovery["token_endpoint_auth_methods_supported"].to_string();
    assert!(methods.contains("private_key_jwt"), "{methods}");
    assert_eq!(
        discovery["token_endpoint_auth_signing_alg_values_supported"],
        json!(["ES256"])
    );
    let key = ClientKey::new("k1");
    h.register_jwt_client(&key).await;
    let tokens = link(&h, &key).await;
    let issuer = h.issuer().to_owned();

    // The issuer is an audience too, and client_id may be left to the assertion's sub.
    let refresh = tokens["refresh_token"].as_str().expect("refresh");
    let (status, refreshed) = h
        .post_asserted(
            "/token",
            &key.assertion(JWT_CLIENT, &issuer),
            &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{refreshed}");
    let access = refreshed["access_token"].as_str().expect("access");
    let (status, info) = h
        .post_asserted(
            "/introspect",
            &key.assertion(JWT_CLIENT, &issuer),
            &[("token", access)],
        )
        .await;
    assert_eq!((status, &info["active"]), (StatusCode::OK, &json!(true)));
    let rotated = refreshed["refresh_token"].as_str().expect("rotated");
    let (status, _) = h
        .post_asserted(
            "/revoke",
            &key.assertion(JWT_CLIENT, &issuer),
            &[("token", rotated)],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        h.userinfo_status(Some(access)).await,
        StatusCode::UNAUTHORIZED
    );
}

/// Posts a refresh with `assertion`; returns the `invalid_client` description, after checking
/// that it is one.
async fn refused(h: &Harness, assertion: &str) -> String {
    let (status, error) = h
        .post_asserted(
            "/token",
            assertion,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", "anything"),
                ("client_id", JWT_CLIENT),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{error}");
    assert_eq!(error["error"], "invalid_client", "{error}");
    error["error_description"]
        .as_str()
        .expect("description")
        .to_owned()
}

#[tokio::test]
async fn stale_replayed_misaddressed_and_foreign_assertions_are_refused() {
    let h = start(Personality::Generic).await;
    let key = ClientKey::new("k1");
    h.register_jwt_client(&key).await;
    let aud = h.issuer().to_owned();
    let good = || ClientKey::claims(JWT_CLIENT, &aud);
    let now = good()["iat"].as_u64().expect("iat");

    // Replay: the first use passes authentication (and fails on the made-up refresh token).
    let once = key.assertion(JWT_CLIENT, &aud);
    let (_, first) = h
        .post_asserted(
            "/token",
            &once,
            &[("grant_type", "refresh_token"), ("refresh_token", "x")],
        )
        .await;
    assert_eq!(first["error"], "invalid_grant", "{first}");
    assert!(refused(&h, &once).await.contains("used already"));

    let with = |name: &str, value: Value| {
        let mut claims = good();
        claims[name] = value;
        key.sign(&claims)
    };
    let without = |name: &str| {
        let mut claims = good();
        claims.as_object_mut().expect("claims").remove(name);
        key.sign(&claims)
    };
    assert!(
        refused(&h, &with("exp", json!(now - 5)))
            .await
            .contains("expired")
    );
    assert!(
        refused(&h, &with("exp", json!(now + 3600)))
            .await
            .contains("at most 300")
    );
    assert!(
        refused(&h, &without("exp"))
            .await
            .contains("exp is required")
    );
    assert!(
        refused(&h, &without("jti"))
            .await
            .contains("jti is required")
    );
    assert!(
        refused(&h, &with("iat", json!(now + 600)))
            .await
            .contains("future")
    );
    assert!(
        refused(&h, &with("nbf", json!(now + 600)))
            .await
            .contains("future")
    );
    assert!(
        refused(&h, &with("iss", json!("someone")))
            .await
            .contains("iss must be")
    );
    let aud_error = refused(&h, &with("aud", json!("https://elsewhere.example"))).await;
    assert!(
        aud_error.contains("aud") && aud_error.contains(&aud),
        "{aud_error}"
    );
    // An array holding the issuer is fine.
    let listed = with("aud", json!(["https://elsewhere.example", aud]));
    let (_, listed) = h
        .post_asserted(
            "/token",
            &listed,
            &[("grant_type", "refresh_token"), ("refresh_token", "x")],
        )
        .await;
    assert_eq!(listed["error"], "invalid_grant", "{listed}");

    // Another key: unknown kid, or no kid and no registered key verifies it.
    let stranger = ClientKey::new("k2");
    let unknown = refused(&h, &stranger.assertion(JWT_CLIENT, &aud)).await;
    assert!(unknown.contains("no key with kid \"k2\""), "{unknown}");
    let no_kid = stranger.sign_with(&json!({"alg": "ES256"}), &good());
    assert!(refused(&h, &no_kid).await.contains("does not verify"));
    let impostor = ClientKey::new("k1");
    assert!(
        refused(&h, &impostor.assertion(JWT_CLIENT, &aud))
            .await
            .contains("does not verify")
    );
    // Other algorithms, and what is not a JWT at all.
    let hs = key.sign_with(&json!({"alg": "HS256", "kid": "k1"}), &good());
    assert!(refused(&h, &hs).await.contains("ES256"));
    assert!(refused(&h, "not-a-jwt").await.contains("not a signed JWT"));
}

#[tokio::test]
async fn a_client_uses_only_the_method_it_is_registered_with() {
    let h = start(Personality::Generic).await;
    let key = ClientKey::new("k1");
    h.register_jwt_client(&key).await;
    let aud = h.issuer().to_owned();
    let refresh = |form: Vec<(&'static str, String)>| {
        let mut full: Vec<(&str, String)> = vec![
            ("grant_type", "refresh_token".into()),
            ("refresh_token", "x".into()),
        ];
        full.extend(form);
        full
    };
    let post = async |form: Vec<(&str, String)>| {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        h.post_form("/token", &form).await
    };
    // The private_key_jwt client without an assertion, or with a secret.
    let (status, error) = post(refresh(vec![("client_id", JWT_CLIENT.into())])).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        error["error_description"]
            .to_string()
            .contains("private_key_jwt")
    );
    // A public client cannot send an assertion.
    let (_, error) = post(refresh(vec![
        ("client_id", support::PUBLIC.into()),
        ("client_assertion_type", JWT_BEARER.into()),
        ("client_assertion", key.assertion(support::PUBLIC, &aud)),
    ]))
    .await;
    assert_eq!(error["error"], "invalid_client");
    assert!(
        error["error_description"]
            .to_string()
            .contains("not registered for private_key_jwt")
    );
    // A wrong assertion type, an assertion without its type, a secret beside an assertion.
    let (_, error) = post(refresh(vec![
        ("client_assertion_type", "urn:example:saml".into()),
        ("client_assertion", key.assertion(JWT_CLIENT, &aud)),
    ]))
    .await;
    assert!(
        error["error_description"]
            .to_string()
            .contains("not supported"),
        "{error}"
    );
    let (_, error) = post(refresh(vec![(
        "client_assertion",
        key.assertion(JWT_CLIENT, &aud),
    )]))
    .await;
    assert_eq!(error["error"], "invalid_client");
    let (status, error) = post(refresh(vec![
        ("client_secret", "x".into()),
        ("client_assertion_type", JWT_BEARER.into()),
        ("client_assertion", key.assertion(JWT_CLIENT, &aud)),
    ]))
    .await;
    assert_eq!(
        (status, &error["error"]),
        (StatusCode::BAD_REQUEST, &json!("invalid_request"))
    );
}

#[tokio::test]
async fn the_admin_api_checks_and_replaces_a_clients_jwks() {
    let h = start(Personality::Generic).await;
    let key = ClientKey::new("k1");
    let client = |auth: &str, jwks: Value| {
        json!({"client_id": JWT_CLIENT, "name": "QA", "auth": auth,
               "redirect_uris": [support::REDIRECT], "jwks": jwks})
    };
    let (status, error) = h
        .admin_post("/clients", client("private_key_jwt", Value::Null))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    let mut private = key.jwk();
    private["d"] = json!("AAAA");
    let (status, error) = h
        .admin_post(
            "/clients",
            client("private_key_jwt", json!({"keys": [private]})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        error["error_description"]
            .to_string()
            .contains("private part"),
        "{error}"
    );
    let (status, _) = h.admin_post("/clients", client("none", key.jwks())).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a jwks only for private_key_jwt"
    );
    h.register_jwt_client(&key).await;
    let (_, overview) = h.admin_get("").await;
    let listed = overview["clients"]
        .as_array()
        .expect("clients")
        .iter()
        .find(|c| c["client_id"] == JWT_CLIENT)
        .expect("listed")
        .clone();
    assert_eq!(listed["auth"], "private_key_jwt");
    assert_eq!(listed["jwks"], key.jwks());

    // A new key replaces the old: the old one's assertions are refused from then on.
    let newer = ClientKey::new("k2");
    let put = |client_id: &str, jwks: Value| {
        h.http
            .put(format!("{}/_sandbox/clients/{client_id}/jwks", h.issuer()))
            .bearer_auth(h.sandbox.admin_token())
            .json(&jwks)
            .send()
    };
    assert_eq!(
        put(JWT_CLIENT, newer.jwks()).await.expect("PUT").status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        put(support::PUBLIC, newer.jwks())
            .await
            .expect("PUT")
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        put("nobody", newer.jwks()).await.expect("PUT").status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        put(JWT_CLIENT, json!({"keys": []}))
            .await
            .expect("PUT")
            .status(),
        StatusCode::BAD_REQUEST
    );
    let aud = h.issuer().to_owned();
    assert!(
        refused(&h, &key.assertion(JWT_CLIENT, &aud))
            .await
            .contains("no key with kid")
    );
    let (_, error) = h
        .post_asserted(
            "/token",
            &newer.assertion(JWT_CLIENT, &aud),
            &[("grant_type", "refresh_token"), ("refresh_token", "x")],
        )
        .await;
    assert_eq!(
        error["error"], "invalid_grant",
        "authenticated with the new key: {error}"
    );
}
