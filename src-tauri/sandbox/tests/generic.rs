//! The strict, standards-only personality: every endpoint and error path, driven by a plain
//! HTTP client playing the browser and the app.

mod support;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use grantry_sandbox::Personality;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{CONFIDENTIAL, Harness, PUBLIC, REDIRECT, Request, SECRET, query, start};

const ALL: &str = "openid profile email offline_access calendar.read";

fn request() -> Request {
    Request::new("/authorize", ALL)
}

/// Links alice with every scope; returns the token response.
async fn link(h: &Harness, request: &Request) -> Value {
    let code = h.code(request, "alice", None).await;
    let (status, tokens) = h.exchange("/token", request, &code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    tokens
}

async fn refresh(h: &Harness, refresh_token: &str) -> (StatusCode, Value) {
    h.post_form(
        "/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", PUBLIC),
        ],
    )
    .await
}

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

#[tokio::test]
async fn full_flow_with_id_token_userinfo_and_introspection() {
    let h = start(Personality::Generic).await;
    let request = request();
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
    assert_eq!(tokens["scope"], ALL);
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
    assert_eq!(info["scope"], ALL);
    assert_eq!(info["sub"], "user-alice");
    assert_eq!(info["client_id"], PUBLIC);
}

#[tokio::test]
async fn partial_consent_grants_only_the_ticked_scopes() {
    let h = start(Personality::Generic).await;
    let request = request();
    let code = h.code(&request, "bob", Some(&["openid", "email"])).await;
    let (_, tokens) = h.exchange("/token", &request, &code).await;
    assert_eq!(tokens["scope"], "openid email");
    assert!(
        tokens.get("refresh_token").is_none(),
        "offline_access was unticked"
    );
    let (_, profile) = h
        .get_json("/userinfo", tokens["access_token"].as_str())
        .await;
    assert_eq!(profile["email"], "bob@sandbox.grantry.test");
    assert!(profile.get("name").is_none(), "profile was not granted");
    let grant = &h.grants().await[0];
    assert_eq!(
        grant["declined"],
        json!(["profile", "offline_access", "calendar.read"])
    );
}

#[tokio::test]
async fn a_new_test_user_can_be_typed_on_the_consent_page() {
    let h = start(Personality::Generic).await;
    let request = request();
    let page = h.open(&request).await.expect("page");
    assert!(page.html.contains("Alice Tester") && page.html.contains("See your calendar"));
    let back = h
        .decide(
            &page,
            &[
                ("decision", "allow"),
                ("new_user", "dave"),
                ("scope", "openid"),
            ],
        )
        .await;
    let code = query(&url::Url::parse(&back).expect("url"))["code"].clone();
    let (_, tokens) = h.exchange("/token", &request, &code).await;
    let (_, profile) = h
        .get_json("/userinfo", tokens["access_token"].as_str())
        .await;
    assert_eq!(profile["sub"], "user-dave");
    let bad = h
        .decide_raw(&request, &[("decision", "allow"), ("new_user", "<script>")])
        .await;
    assert_eq!(bad, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn deny_redirects_with_access_denied_state_and_iss() {
    let h = start(Personality::Generic).await;
    let request = request();
    let page = h.open(&request).await.expect("page");
    let back = url::Url::parse(&h.decide(&page, &[("decision", "deny")]).await).expect("url");
    let params = query(&back);
    assert_eq!(params["error"], "access_denied");
    assert_eq!(params["state"], request.state);
    assert_eq!(params["iss"], h.issuer());
    assert!(!params.contains_key("code"));
    // The consent request is single use.
    let again = h
        .decide_raw_page(&page, &[("decision", "allow"), ("user", "alice")])
        .await;
    assert_eq!(again, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_whole_grant() {
    let h = start(Personality::Generic).await;
    let tokens = link(&h, &request()).await;
    let first = tokens["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_owned();
    let (status, second) = refresh(&h, &first).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    let rotated = second["refresh_token"]
        .as_str()
        .expect("a rotated refresh token");
    assert_ne!(rotated, first);
    assert!(second["id_token"].is_string());
    let access = second["access_token"].as_str().expect("access").to_owned();
    assert_eq!(
        h.get_json("/userinfo", Some(&access)).await.0,
        StatusCode::OK
    );

    // The old refresh token comes back: reuse. The grant dies, the newest tokens with it.
    let (status, error) = refresh(&h, &first).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"], "invalid_grant");
    assert_eq!(refresh(&h, rotated).await.1["error"], "invalid_grant");
    assert_eq!(
        h.get_json("/userinfo", Some(&access)).await.0,
        StatusCode::UNAUTHORIZED
    );
    let grant = &h.grants().await[0];
    assert!(
        grant["revoked"]
            .as_str()
            .expect("revoked")
            .contains("used again")
    );
}

#[tokio::test]
async fn refresh_can_narrow_scopes_but_not_widen_them() {
    let h = start(Personality::Generic).await;
    let request = Request::new("/authorize", "openid offline_access email");
    let code = h.code(&request, "alice", None).await;
    let (_, tokens) = h.exchange("/token", &request, &code).await;
    let refresh_token = tokens["refresh_token"].as_str().expect("refresh");
    let form = |scope| {
        [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", PUBLIC),
            ("scope", scope),
        ]
    };
    let (status, wider) = h.post_form("/token", &form("openid files.write")).await;
    assert_eq!(
        (status, wider["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_scope"))
    );
    let (status, narrower) = h.post_form("/token", &form("openid")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(narrower["scope"], "openid");
}

#[tokio::test]
async fn a_replayed_code_is_refused_and_revokes_what_it_issued() {
    let h = start(Personality::Generic).await;
    let request = request();
    let code = h.code(&request, "alice", None).await;
    let (_, tokens) = h.exchange("/token", &request, &code).await;
    let (status, error) = h.exchange("/token", &request, &code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"], "invalid_grant");
    assert_eq!(
        h.get_json("/userinfo", tokens["access_token"].as_str())
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        refresh(&h, tokens["refresh_token"].as_str().expect("rt"))
            .await
            .1["error"],
        "invalid_grant"
    );
}

#[tokio::test]
async fn codes_expire() {
    let h = start(Personality::Generic).await;
    let request = request();
    let code = h.code(&request, "alice", None).await;
    assert_eq!(
        h.admin("/clock", json!({"seconds": 61})).await,
        StatusCode::OK
    );
    let (status, error) = h.exchange("/token", &request, &code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"], "invalid_grant");
    assert!(
        error["error_description"]
            .as_str()
            .expect("text")
            .contains("expired")
    );
}

#[tokio::test]
async fn pkce_is_required_and_checked() {
    let h = start(Personality::Generic).await;
    // Missing or plain challenges are refused at the authorization endpoint, by redirect.
    let mut plain = request();
    plain
        .extra
        .push(("code_challenge_method".into(), "plain".into()));
    let url = plain
        .url(h.issuer())
        .replace("code_challenge_method=S256&", "");
    let response = h.http.get(url).send().await.expect("GET");
    let location =
        url::Url::parse(response.headers()["location"].to_str().expect("loc")).expect("url");
    assert_eq!(query(&location)["error"], "invalid_request");
    let url = request()
        .url(h.issuer())
        .split("&code_challenge=")
        .next()
        .expect("url")
        .to_owned();
    let response = h.http.get(url).send().await.expect("GET");
    let location =
        url::Url::parse(response.headers()["location"].to_str().expect("loc")).expect("url");
    assert_eq!(query(&location)["error"], "invalid_request");

    // At the token endpoint: a wrong verifier is invalid_grant, a missing one invalid_request.
    let request = request();
    let code = h.code(&request, "alice", None).await;
    let mut wrong = request.clone();
    wrong.verifier = format!("{}x", request.verifier);
    assert_eq!(
        h.exchange("/token", &wrong, &code).await.1["error"],
        "invalid_grant"
    );
    let code = h.code(&request, "alice", None).await;
    let (status, error) = h
        .post_form(
            "/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
                ("client_id", PUBLIC),
            ],
        )
        .await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
}

#[tokio::test]
async fn redirect_uris_match_exactly_except_loopback_ports() {
    let h = start(Personality::Generic).await;
    let mut unregistered = request();
    unregistered.redirect_uri = "dev.grantry:/oauth/other".into();
    let (status, page) = h
        .open(&unregistered)
        .await
        .err()
        .expect("an error page, not a redirect");
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("not a registered redirect URI"));

    let mut loopback = request();
    loopback.redirect_uri = "http://127.0.0.1:51234/callback".into();
    let back = h.consent(&loopback, "alice", None).await;
    assert_eq!(back.port(), Some(51234));
    let code = query(&back)["code"].clone();
    // The token request repeats the redirect URI, and it must be the same one.
    let mut other_port = loopback.clone();
    other_port.redirect_uri = "http://127.0.0.1:51235/callback".into();
    assert_eq!(
        h.exchange("/token", &other_port, &code).await.1["error"],
        "invalid_grant"
    );

    let request = request();
    let code = h.code(&request, "alice", None).await;
    let (_, error) = h
        .post_form(
            "/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("client_id", PUBLIC),
                ("code_verifier", &request.verifier),
            ],
        )
        .await;
    assert_eq!(
        error["error"], "invalid_request",
        "redirect_uri is required"
    );
}

#[tokio::test]
async fn bad_authorization_requests_get_rfc_errors() {
    let h = start(Personality::Generic).await;
    let unknown_scope = Request::new("/authorize", "openid admin.everything");
    let (_, location) = h.open(&unknown_scope).await.err().expect("redirect");
    let location = url::Url::parse(&location).expect("url");
    assert_eq!(query(&location)["error"], "invalid_scope");
    assert_eq!(query(&location)["state"], unknown_scope.state);

    let unknown_client = request().client("nobody");
    let (status, page) = h.open(&unknown_client).await.err().expect("error page");
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("Unknown client"));

    let url = request()
        .url(h.issuer())
        .replace("response_type=code", "response_type=token");
    let response = h.http.get(url).send().await.expect("GET");
    let location =
        url::Url::parse(response.headers()["location"].to_str().expect("loc")).expect("url");
    assert_eq!(query(&location)["error"], "unsupported_response_type");
}

#[tokio::test]
async fn confidential_clients_authenticate_with_basic_or_post() {
    let h = start(Personality::Generic).await;
    let request = request().client(CONFIDENTIAL);
    for method in ["basic", "post", "wrong", "both"] {
        let code = h.code(&request, "alice", None).await;
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
            ("code_verifier", request.verifier.as_str()),
        ];
        let mut post = h.http.post(format!("{}/token", h.issuer()));
        match method {
            "basic" => post = post.basic_auth(CONFIDENTIAL, Some(SECRET)),
            "post" => form.extend([("client_id", CONFIDENTIAL), ("client_secret", SECRET)]),
            "wrong" => post = post.basic_auth(CONFIDENTIAL, Some("guess")),
            _ => {
                post = post.basic_auth(CONFIDENTIAL, Some(SECRET));
                form.push(("client_secret", SECRET));
            }
        }
        let response = post.form(&form).send().await.expect("POST");
        let status = response.status();
        let challenge = response.headers().get("www-authenticate").cloned();
        let body: Value = response.json().await.expect("json");
        match method {
            "basic" | "post" => assert_eq!(status, StatusCode::OK, "{method}: {body}"),
            "wrong" => {
                assert_eq!(
                    (status, body["error"].as_str()),
                    (StatusCode::UNAUTHORIZED, Some("invalid_client"))
                );
                assert!(
                    challenge.is_some(),
                    "401 to Basic auth carries WWW-Authenticate"
                );
            }
            _ => assert_eq!(body["error"], "invalid_request", "two methods at once"),
        }
    }
    // A public client must not send a secret; an unknown client is invalid_client.
    let (status, body) = h
        .post_form(
            "/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", "x"),
                ("client_id", PUBLIC),
                ("client_secret", "x"),
            ],
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_client"))
    );
    let (_, body) = h
        .post_form(
            "/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", "x"),
                ("client_id", "nobody"),
            ],
        )
        .await;
    assert_eq!(body["error"], "invalid_client");
}

#[tokio::test]
async fn malformed_token_requests_get_rfc_errors_and_never_a_500() {
    let h = start(Personality::Generic).await;
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("client_id", PUBLIC)], "invalid_request"),
        (
            vec![("grant_type", "password"), ("client_id", PUBLIC)],
            "unsupported_grant_type",
        ),
        (
            vec![("grant_type", "authorization_code"), ("client_id", PUBLIC)],
            "invalid_request",
        ),
        (
            vec![
                ("grant_type", "authorization_code"),
                ("client_id", PUBLIC),
                ("code", "nope"),
                ("redirect_uri", REDIRECT),
                ("code_verifier", "v"),
            ],
            "invalid_grant",
        ),
        (
            vec![
                ("grant_type", "refresh_token"),
                ("client_id", PUBLIC),
                ("refresh_token", "nope"),
            ],
            "invalid_grant",
        ),
        (
            vec![
                ("grant_type", "refresh_token"),
                ("grant_type", "refresh_token"),
                ("client_id", PUBLIC),
            ],
            "invalid_request",
        ),
    ];
    for (form, expected) in cases {
        let (status, body) = h.post_form("/token", &form).await;
        assert_eq!(body["error"], expected, "{form:?}: {body}");
        assert!(status.is_client_error(), "{form:?}: {status}");
        assert!(
            body["error_description"]
                .as_str()
                .is_some_and(|d| !d.is_empty())
        );
    }
    for body in [&b"{\"grant_type\":\"x\"}"[..], b"\xff\xfe\x00garbage", b""] {
        let response = h
            .http
            .post(format!("{}/token", h.issuer()))
            .header("content-type", "application/json")
            .body(body.to_vec())
            .send()
            .await
            .expect("POST");
        assert!(response.status().is_client_error(), "{}", response.status());
        let error: Value = response.json().await.expect("a JSON error");
        assert!(
            ["invalid_request", "invalid_client"].contains(&error["error"].as_str().unwrap_or(""))
        );
    }
    for path in ["/userinfo", "/revoke", "/introspect", "/authorize", "/nope"] {
        let response = h
            .http
            .post(format!("{}{path}", h.issuer()))
            .body("\u{0}")
            .send()
            .await
            .expect("POST");
        assert!(
            response.status().is_client_error(),
            "{path}: {}",
            response.status()
        );
    }
}

#[tokio::test]
async fn revoking_a_refresh_token_ends_the_grant_and_an_access_token_only_itself() {
    let h = start(Personality::Generic).await;
    let tokens = link(&h, &request()).await;
    let access = tokens["access_token"].as_str().expect("at");
    let refresh_token = tokens["refresh_token"].as_str().expect("rt");

    let (status, _) = h
        .post_form(
            "/revoke",
            &[
                ("token", access),
                ("token_type_hint", "access_token"),
                ("client_id", PUBLIC),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        h.get_json("/userinfo", Some(access)).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, renewed) = refresh(&h, refresh_token).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "revoking an access token leaves the grant"
    );

    let newest = renewed["refresh_token"].as_str().expect("rt");
    let new_access = renewed["access_token"].as_str().expect("at");
    assert_eq!(
        h.post_form("/revoke", &[("token", newest), ("client_id", PUBLIC)])
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        h.get_json("/userinfo", Some(new_access)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(refresh(&h, newest).await.1["error"], "invalid_grant");
    assert!(h.grants().await[0]["revoked"].is_string());

    // Unknown tokens are not an error (RFC 7009 §2.2); the client must still authenticate.
    assert_eq!(
        h.post_form("/revoke", &[("token", "unknown"), ("client_id", PUBLIC)])
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        h.post_form("/revoke", &[("token", "unknown")]).await.1["error"],
        "invalid_client"
    );
    assert_eq!(
        h.post_form("/revoke", &[("client_id", PUBLIC)]).await.1["error"],
        "invalid_request"
    );
}

#[tokio::test]
async fn clients_cannot_revoke_or_introspect_each_others_tokens() {
    let h = start(Personality::Generic).await;
    let tokens = link(&h, &request()).await;
    let access = tokens["access_token"].as_str().expect("at");
    let (status, body) = h
        .post_form(
            "/revoke",
            &[
                ("token", access),
                ("client_id", CONFIDENTIAL),
                ("client_secret", SECRET),
            ],
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("unauthorized_client"))
    );
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

#[tokio::test]
async fn userinfo_errors_follow_rfc_6750() {
    let h = start(Personality::Generic).await;
    let response = h
        .http
        .get(format!("{}/userinfo", h.issuer()))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let challenge = response.headers()["www-authenticate"]
        .to_str()
        .expect("header")
        .to_owned();
    assert!(
        challenge.starts_with("Bearer ") && challenge.contains("invalid_token"),
        "{challenge}"
    );

    let request = Request::new("/authorize", "email");
    let code = h.code(&request, "alice", None).await;
    let (_, tokens) = h.exchange("/token", &request, &code).await;
    let (status, body) = h
        .get_json("/userinfo", tokens["access_token"].as_str())
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("insufficient_scope"))
    );

    let tokens = link(&h, &self::request()).await;
    let access = tokens["access_token"].as_str().expect("at");
    let (_, expired) = h.post_form("/_sandbox/expire-tokens", &[]).await;
    assert!(expired["expired"].as_u64() >= Some(1));
    let (status, body) = h.get_json("/userinfo", Some(access)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        body["error_description"]
            .as_str()
            .expect("text")
            .contains("expired")
    );
    let (status, _) = refresh(&h, tokens["refresh_token"].as_str().expect("rt")).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "expiring access tokens leaves refresh tokens working"
    );
}

#[tokio::test]
async fn the_admin_api_adds_users_and_clients_and_revokes_grants() {
    let h = start(Personality::Generic).await;
    assert_eq!(
        h.admin("/users", json!({"login": "erin", "name": "Erin QA"}))
            .await,
        StatusCode::CREATED
    );
    assert_eq!(
        h.admin("/users", json!({"login": "erin"})).await,
        StatusCode::CONFLICT
    );
    assert_eq!(
        h.admin("/users", json!({"login": "Not Valid"})).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        h.admin("/users", json!({"name": "no login"})).await,
        StatusCode::BAD_REQUEST
    );
    let (_, overview) = h.get_json("/_sandbox", None).await;
    assert!(
        overview["users"]
            .as_array()
            .expect("users")
            .iter()
            .any(|u| u["name"] == "Erin QA")
    );
    assert!(
        overview.to_string().find(SECRET).is_none(),
        "the overview never shows secrets"
    );

    let client = json!({"client_id": "qa-app", "name": "QA app", "auth": "none",
                        "redirect_uris": ["com.example.qa:/cb"]});
    assert_eq!(h.admin("/clients", client).await, StatusCode::CREATED);
    let bad =
        json!({"client_id": "x", "name": "x", "auth": "secret", "redirect_uris": ["not a uri"]});
    assert_eq!(h.admin("/clients", bad).await, StatusCode::BAD_REQUEST);
    let mut qa = request().client("qa-app");
    qa.redirect_uri = "com.example.qa:/cb".into();
    let tokens = link(&h, &qa).await;
    let grant_id = h.grants().await[0]["id"].as_u64().expect("id");
    assert_eq!(
        h.admin(&format!("/grants/{grant_id}/revoke"), json!({}))
            .await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        h.get_json("/userinfo", tokens["access_token"].as_str())
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        h.admin("/grants/999/revoke", json!({})).await,
        StatusCode::NOT_FOUND
    );
}
