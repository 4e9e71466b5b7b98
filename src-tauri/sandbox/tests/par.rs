//! Pushed authorization requests (RFC 9126, src/routes/par.rs): a pushed request is checked as
//! the authorization endpoint checks one, its `request_uri` is single use, bound to its client
//! and short-lived, the authorization URL carries nothing else, and the sandbox can require
//! pushed requests.

use crate::support;

use grantry_sandbox::{Personality, SandboxConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{ClientKey, Harness, JWT_CLIENT, PUBLIC, Request, generic_request, start};

/// The authorization request's parameters as a client pushes them.
fn pushed_form(request: &Request) -> Vec<(String, String)> {
    let url = url::Url::parse(&request.url("http://x")).expect("url");
    url.query_pairs().into_owned().collect()
}

async fn push(h: &Harness, form: &[(String, String)]) -> (StatusCode, Value) {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    h.post_form("/par", &form).await
}

/// The authorization URL of a pushed request.
fn by_reference(h: &Harness, client_id: &str, request_uri: &str) -> String {
    let mut url = url::Url::parse(&format!("{}/authorize", h.issuer())).expect("url");
    url.query_pairs_mut()
        .append_pair("client_id", client_id)
        .append_pair("request_uri", request_uri);
    url.to_string()
}

/// GETs an authorization URL as the person's browser; the status and body.
async fn open(h: &Harness, url: &str) -> (StatusCode, String) {
    let response = h
        .http
        .get(url)
        .header("sec-fetch-site", "none")
        .send()
        .await
        .expect("GET");
    (response.status(), response.text().await.expect("body"))
}

/// Consents on the consent page at `url` as alice; the code.
async fn consent(h: &Harness, url: &str, request: &Request) -> String {
    let (status, html) = open(h, url).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let field = |prefix: &str| {
        let at = html.find(prefix).expect(prefix) + prefix.len();
        html[at..at + html[at..].find('"').expect("quote")].to_owned()
    };
    let page = support::ConsentPage {
        action: field("<form method=\"post\" action=\""),
        request: field("name=\"request\" value=\""),
        scopes: Vec::new(),
        html: html.clone(),
    };
    let back = h
        .decide(
            &page,
            &[
                ("decision", "allow"),
                ("user", "alice"),
                ("scope", "openid"),
            ],
        )
        .await;
    let back = url::Url::parse(&back).expect("redirect");
    let query = support::query(&back);
    assert_eq!(
        query.get("state"),
        Some(&request.state),
        "state from the pushed request"
    );
    query["code"].clone()
}

#[tokio::test]
async fn a_pushed_request_is_served_once_by_its_request_uri() {
    let h = start(Personality::Generic).await;
    let (_, discovery) = h.get_json("/.well-known/openid-configuration", None).await;
    assert_eq!(
        discovery["pushed_authorization_request_endpoint"],
        format!("{}/par", h.issuer())
    );
    assert_eq!(discovery["require_pushed_authorization_requests"], false);

    let request = generic_request();
    let (status, pushed) = push(&h, &pushed_form(&request)).await;
    assert_eq!(status, StatusCode::CREATED, "{pushed}");
    assert_eq!(pushed["expires_in"], 60);
    let uri = pushed["request_uri"].as_str().expect("request_uri");
    assert!(
        uri.starts_with("urn:ietf:params:oauth:request_uri:"),
        "{uri}"
    );
    let url = by_reference(&h, PUBLIC, uri);
    let code = consent(&h, &url, &request).await;
    let (status, tokens) = h.exchange("/token", &request, &code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");

    // Single use.
    let (status, page) = open(&h, &url).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("no longer valid"), "{page}");

    // Bound to its client, and nothing else beside client_id and request_uri.
    let (_, pushed) = push(&h, &pushed_form(&request)).await;
    let uri = pushed["request_uri"].as_str().expect("request_uri");
    let (status, page) = open(
        &h,
        &format!("{}&scope=openid", by_reference(&h, PUBLIC, uri)),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains("only client_id and") && page.contains("scope"),
        "{page}"
    );
    let (_, pushed) = push(&h, &pushed_form(&request)).await;
    let uri = pushed["request_uri"].as_str().expect("request_uri");
    let (status, page) = open(&h, &by_reference(&h, support::CONFIDENTIAL, uri)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("not pushed by client"), "{page}");

    // Expired after a minute.
    let (_, pushed) = push(&h, &pushed_form(&request)).await;
    let uri = pushed["request_uri"].as_str().expect("request_uri");
    h.admin("/clock", json!({"seconds": 61})).await;
    let (status, page) = open(&h, &by_reference(&h, PUBLIC, uri)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("no longer valid"), "{page}");
}

#[tokio::test]
async fn a_push_is_checked_as_the_authorization_endpoint_checks_a_request() {
    let h = start(Personality::Generic).await;
    let request = generic_request();
    let without = |name: &str| {
        let mut form = pushed_form(&request);
        form.retain(|(k, _)| k != name);
        form
    };
    let with = |name: &str, value: &str| {
        let mut form = without(name);
        form.push((name.into(), value.into()));
        form
    };
    let cases = [
        (
            without("code_challenge"),
            "invalid_request",
            "code_challenge",
        ),
        (
            with("code_challenge_method", "plain"),
            "invalid_request",
            "S256",
        ),
        (
            with("scope", "openid nonsense"),
            "invalid_scope",
            "nonsense",
        ),
        (
            with("redirect_uri", "https://evil.example/cb"),
            "invalid_request",
            "not a registered",
        ),
        (
            with("response_type", "token"),
            "unsupported_response_type",
            "code",
        ),
        (
            with("request_uri", "urn:x"),
            "invalid_request",
            "request_uri",
        ),
    ];
    for (form, code, words) in cases {
        let (status, error) = push(&h, &form).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
        assert_eq!(error["error"], code, "{error}");
        assert!(
            error["error_description"].to_string().contains(words),
            "{error}"
        );
    }
    // The client authenticates as at the token endpoint.
    let (status, error) = push(&h, &with("client_id", "nobody")).await;
    assert_eq!(
        (status, &error["error"]),
        (StatusCode::UNAUTHORIZED, &json!("invalid_client"))
    );
    let confidential = generic_request().client(support::CONFIDENTIAL);
    let (status, error) = push(&h, &pushed_form(&confidential)).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a confidential client without its secret"
    );
    assert_eq!(error["error"], "invalid_client");
    let mut form = pushed_form(&confidential);
    form.push(("client_secret".into(), support::SECRET.into()));
    assert_eq!(push(&h, &form).await.0, StatusCode::CREATED);
}

#[tokio::test]
async fn a_private_key_jwt_client_pushes_with_an_assertion_when_pushing_is_required() {
    let mut config = SandboxConfig::new(Personality::Generic);
    config.require_pushed_authorization_requests = true;
    let h = support::start_with(config).await;
    let (_, discovery) = h.get_json("/.well-known/openid-configuration", None).await;
    assert_eq!(discovery["require_pushed_authorization_requests"], true);
    let key = ClientKey::new("k1");
    h.register_jwt_client(&key).await;
    let request = generic_request().client(JWT_CLIENT);

    // Not pushed: refused in the browser.
    let (status, page) = open(&h, &request.url(h.issuer())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains("requires pushed authorization requests"),
        "{page}"
    );

    let mut form = pushed_form(&request);
    form.push(("client_assertion_type".into(), support::JWT_BEARER.into()));
    form.push((
        "client_assertion".into(),
        key.assertion(JWT_CLIENT, h.issuer()),
    ));
    let (status, pushed) = push(&h, &form).await;
    assert_eq!(status, StatusCode::CREATED, "{pushed}");
    // The same assertion again is a replay.
    let (status, error) = push(&h, &form).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        error["error_description"]
            .to_string()
            .contains("used already")
    );
    let uri = pushed["request_uri"].as_str().expect("request_uri");
    let code = consent(&h, &by_reference(&h, JWT_CLIENT, uri), &request).await;
    let (status, tokens) = h
        .post_asserted(
            "/token",
            &key.assertion(JWT_CLIENT, h.issuer()),
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", &request.redirect_uri),
                ("code_verifier", &request.verifier),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
}

#[tokio::test]
async fn the_admin_api_turns_the_requirement_on_and_off() {
    let h = start(Personality::Generic).await;
    let set = async |on: bool| {
        h.admin_post(
            "/settings",
            json!({"require_pushed_authorization_requests": on}),
        )
        .await
    };
    assert_eq!(set(true).await.0, StatusCode::OK);
    let (_, overview) = h.admin_get("").await;
    assert_eq!(overview["require_pushed_authorization_requests"], true);
    assert_eq!(
        open(&h, &generic_request().url(h.issuer())).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(set(false).await.0, StatusCode::OK);
    assert_eq!(
        open(&h, &generic_request().url(h.issuer())).await.0,
        StatusCode::OK
    );
    let (status, _) = h
        .admin_post("/settings", json!({"require_par": true}))
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "unknown settings are refused"
    );

    let google = start(Personality::Google).await;
    let (status, error) = google
        .admin_post(
            "/settings",
            json!({"require_pushed_authorization_requests": true}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error["error_description"].to_string().contains("generic"));
}
