//! The device authorization grant (RFC 8628) in each personality that has it: the endpoint's
//! shape, the verification page (and its guards), the polls' answers (pending, slow_down with
//! the interval grown, denied, expired, single use) and the device faults.

use std::time::Duration;

use crate::support::{self, CONFIDENTIAL, Harness, PUBLIC, SECRET};
use grantry_sandbox::robot::{Choice, approve_device};
use grantry_sandbox::{Personality, SandboxConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};

const GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

async fn start(personality: Personality, interval: u64) -> Harness {
    support::start_with(SandboxConfig {
        device_interval: Duration::from_secs(interval),
        ..SandboxConfig::new(personality)
    })
    .await
}

fn alice(allow: bool) -> Choice {
    Choice {
        user: "alice".into(),
        scopes: None,
        allow,
    }
}

async fn poll(h: &Harness, path: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
    h.post_form(path, form).await
}

#[tokio::test]
async fn generic_device_flow_pending_then_tokens_once() {
    let h = start(Personality::Generic, 0).await;
    let (status, doc) = h.get_json("/.well-known/openid-configuration", None).await;
    assert_eq!(status, StatusCode::OK);
    let endpoint = format!("{}/device_authorization", h.issuer());
    assert_eq!(doc["device_authorization_endpoint"], endpoint);
    assert!(
        doc["grant_types_supported"]
            .as_array()
            .expect("list")
            .contains(&json!(GRANT))
    );
    let (status, started) = h
        .post_form(
            "/device_authorization",
            &[
                ("client_id", PUBLIC),
                ("scope", "openid profile email offline_access"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{started}");
    let user_code = started["user_code"].as_str().expect("user_code");
    assert_eq!(user_code.len(), 9, "{user_code}");
    assert_eq!(
        started["verification_uri"],
        format!("{}/device", h.issuer())
    );
    assert_eq!(
        started["verification_uri_complete"],
        format!("{}/device?user_code={user_code}", h.issuer())
    );
    assert_eq!(started["expires_in"], 600);
    assert_eq!(started["interval"], 0);
    let device_code = started["device_code"].as_str().expect("device_code");
    let form = [
        ("grant_type", GRANT),
        ("device_code", device_code),
        ("client_id", PUBLIC),
    ];
    let (status, pending) = poll(&h, "/token", &form).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(pending["error"], "authorization_pending");

    let outcome = approve_device(
        started["verification_uri"].as_str().expect("uri"),
        &user_code.to_lowercase(),
        &alice(true),
    )
    .await
    .expect("the page answered");
    assert_eq!(outcome, "allowed");
    let (status, tokens) = poll(&h, "/token", &form).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert!(tokens["access_token"].is_string());
    assert!(tokens["refresh_token"].is_string(), "offline_access");
    assert!(tokens["id_token"].is_string(), "openid");
    let (status, again) = poll(&h, "/token", &form).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(again["error"], "invalid_grant", "single use: {again}");
    let (_, profile) = h
        .get_json("/userinfo", tokens["access_token"].as_str())
        .await;
    assert_eq!(profile["email"], "alice@sandbox.grantry.test");
}

#[tokio::test]
async fn polling_faster_than_the_interval_slows_down_by_five_seconds() {
    let h = start(Personality::Generic, 2).await;
    let (_, started) = h
        .post_form(
            "/device_authorization",
            &[("client_id", PUBLIC), ("scope", "openid")],
        )
        .await;
    let device_code = started["device_code"].as_str().expect("device_code");
    let form = [
        ("grant_type", GRANT),
        ("device_code", device_code),
        ("client_id", PUBLIC),
    ];
    let (_, first) = poll(&h, "/token", &form).await;
    assert_eq!(first["error"], "authorization_pending");
    let (status, second) = poll(&h, "/token", &form).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(second["error"], "slow_down");
    assert!(
        second["error_description"]
            .as_str()
            .expect("description")
            .contains("7 seconds"),
        "2 + 5: {second}"
    );
}

#[tokio::test]
async fn denial_expiry_and_the_device_faults() {
    let h = start(Personality::Generic, 0).await;
    let open = || async {
        let (_, started) = h
            .post_form(
                "/device_authorization",
                &[("client_id", PUBLIC), ("scope", "openid")],
            )
            .await;
        started
    };
    let form = |code: &str| {
        vec![
            ("grant_type".to_owned(), GRANT.to_owned()),
            ("device_code".to_owned(), code.to_owned()),
            ("client_id".to_owned(), PUBLIC.to_owned()),
        ]
    };
    let poll = |code: String| {
        let h = &h;
        async move {
            let form = form(&code);
            let pairs: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            h.post_form("/token", &pairs).await.1["error"].clone()
        }
    };
    // Denied on the page.
    let started = open().await;
    let code = started["device_code"].as_str().expect("code").to_owned();
    let outcome = approve_device(
        started["verification_uri"].as_str().expect("uri"),
        started["user_code"].as_str().expect("user code"),
        &alice(false),
    )
    .await
    .expect("answered");
    assert_eq!(outcome, "denied");
    assert_eq!(poll(code).await, "access_denied");

    // Expired by the clock.
    let started = open().await;
    let code = started["device_code"].as_str().expect("code").to_owned();
    assert_eq!(
        h.admin("/clock", json!({"seconds": 601})).await,
        StatusCode::OK
    );
    assert_eq!(poll(code.clone()).await, "expired_token");
    let page = approve_device(
        started["verification_uri"].as_str().expect("uri"),
        started["user_code"].as_str().expect("user code"),
        &alice(true),
    )
    .await;
    assert!(page.is_err(), "an expired user code is refused on the page");

    // The faults, each once, and only device polls take them.
    for (kind, error) in [
        ("device_slow_down", "slow_down"),
        ("device_denied", "access_denied"),
        ("device_expired", "expired_token"),
    ] {
        let started = open().await;
        let code = started["device_code"].as_str().expect("code").to_owned();
        let fault = json!({"endpoint": "token", "kind": kind});
        assert_eq!(h.admin("/faults", fault).await, StatusCode::CREATED);
        let (status, _) = h
            .post_form(
                "/token",
                &[("grant_type", "refresh_token"), ("client_id", PUBLIC)],
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "other requests pass");
        assert_eq!(poll(code.clone()).await, error, "{kind}");
        if kind == "device_slow_down" {
            // The interval grew from 0 to 5 seconds: polling again at once is too soon.
            assert_eq!(poll(code).await, "slow_down", "the interval grew");
        }
    }
}

#[tokio::test]
async fn the_verification_page_is_guarded_like_the_consent_page() {
    let h = start(Personality::Generic, 0).await;
    let (_, started) = h
        .post_form(
            "/device_authorization",
            &[("client_id", PUBLIC), ("scope", "openid")],
        )
        .await;
    let user_code = started["user_code"].as_str().expect("user code");
    let page = format!("{}/device?user_code={user_code}", h.issuer());
    let response = h.http.get(&page).send().await.expect("GET");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-frame-options"], "DENY");
    let html = response.text().await.expect("html");
    assert!(html.contains(user_code) && html.contains("name=\"user\""));
    let token = html
        .split("name=\"form_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("form token")
        .to_owned();
    let form = [
        ("user_code", user_code),
        ("form_token", token.as_str()),
        ("decision", "allow"),
        ("user", "alice"),
    ];
    // Another site's post is refused before it reaches the page.
    let foreign = h
        .http
        .post(format!("{}/device", h.issuer()))
        .header("origin", "http://evil.example")
        .form(&form)
        .send()
        .await
        .expect("POST");
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    // A forged form token is refused, and spends the real one.
    let forged = [
        ("user_code", user_code),
        ("form_token", "dev_form_forged"),
        ("decision", "allow"),
        ("user", "alice"),
    ];
    let response = h
        .http
        .post(format!("{}/device", h.issuer()))
        .form(&forged)
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = h
        .http
        .post(format!("{}/device", h.issuer()))
        .form(&form)
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "spent");
    // Another Host (DNS rebinding) is refused.
    let rebound = h
        .http
        .get(&page)
        .header("host", "evil.example")
        .send()
        .await
        .expect("GET");
    assert_eq!(rebound.status(), StatusCode::MISDIRECTED_REQUEST);
    // A wrong code shows the field again, with markup escaped.
    let wrong = h
        .http
        .get(format!("{}/device?user_code=%3Cb%3E", h.issuer()))
        .send()
        .await
        .expect("GET");
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    assert!(!wrong.text().await.expect("html").contains("<b>"));
}

#[tokio::test]
async fn github_shapes_form_encoded_and_errors_as_200() {
    let h = start(Personality::Github, 0).await;
    let response = h
        .http
        .post(format!("{}/login/device/code", h.issuer()))
        .form(&[("client_id", CONFIDENTIAL), ("scope", "read:user")])
        .send()
        .await
        .expect("POST");
    assert_eq!(
        response.headers()["content-type"],
        "application/x-www-form-urlencoded"
    );
    let body = response.text().await.expect("body");
    let fields: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
    assert_eq!(
        fields["verification_uri"],
        format!("{}/login/device", h.issuer())
    );
    assert!(!fields.contains_key("verification_uri_complete"));
    let device_code = fields["device_code"].clone();
    let form = [
        ("grant_type", GRANT),
        ("device_code", device_code.as_str()),
        ("client_id", CONFIDENTIAL),
    ];
    let (status, pending) = poll(&h, "/login/oauth/access_token", &form).await;
    assert_eq!(status, StatusCode::OK, "GitHub says errors with 200");
    assert_eq!(pending["error"], "authorization_pending");
    approve_device(
        &fields["verification_uri"],
        &fields["user_code"],
        &alice(true),
    )
    .await
    .expect("allowed");
    let response = h
        .http
        .post(format!("{}/login/oauth/access_token", h.issuer()))
        .header("accept", "application/json")
        .form(&form)
        .send()
        .await
        .expect("POST");
    let tokens: Value = response.json().await.expect("json");
    assert!(
        tokens["access_token"]
            .as_str()
            .expect("token")
            .starts_with("gho_")
    );
    let (status, unknown) = poll(
        &h,
        "/login/oauth/access_token",
        &[
            ("grant_type", GRANT),
            ("device_code", "nope"),
            ("client_id", CONFIDENTIAL),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(unknown["error"], "incorrect_device_code");
}

#[tokio::test]
async fn microsoft_and_google_shapes() {
    let h = start(Personality::Microsoft, 0).await;
    let (_, doc) = h
        .get_json("/common/v2.0/.well-known/openid-configuration", None)
        .await;
    assert_eq!(
        doc["device_authorization_endpoint"],
        format!("{}/common/oauth2/v2.0/devicecode", h.issuer())
    );
    let (status, started) = h
        .post_form(
            "/common/oauth2/v2.0/devicecode",
            &[("client_id", PUBLIC), ("scope", "openid offline_access")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{started}");
    assert!(
        started["message"]
            .as_str()
            .expect("message")
            .contains("enter the code")
    );
    let device_code = started["device_code"].as_str().expect("code");
    let form = [
        ("grant_type", GRANT),
        ("device_code", device_code),
        ("client_id", PUBLIC),
    ];
    approve_device(
        started["verification_uri"].as_str().expect("uri"),
        started["user_code"].as_str().expect("code"),
        &alice(false),
    )
    .await
    .expect("denied");
    let (status, declined) = poll(&h, "/common/oauth2/v2.0/token", &form).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(declined["error"], "authorization_declined");
    assert!(declined["error_codes"].is_array(), "{declined}");

    let h = start(Personality::Google, 0).await;
    let (status, started) = h
        .post_form(
            "/device/code",
            &[
                ("client_id", CONFIDENTIAL),
                ("client_secret", SECRET),
                ("scope", "openid email"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{started}");
    assert!(started["verification_url"].is_string(), "Google's name");
    assert!(started.get("verification_uri").is_none());
    let device_code = started["device_code"].as_str().expect("code");
    let form = [
        ("grant_type", GRANT),
        ("device_code", device_code),
        ("client_id", CONFIDENTIAL),
        ("client_secret", SECRET),
    ];
    let (status, pending) = poll(&h, "/token", &form).await;
    assert_eq!(status, StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(pending["error"], "authorization_pending");
    approve_device(
        started["verification_url"].as_str().expect("uri"),
        started["user_code"].as_str().expect("code"),
        &alice(true),
    )
    .await
    .expect("allowed");
    let (status, tokens) = poll(&h, "/token", &form).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert!(
        tokens["refresh_token"].is_string(),
        "Google's device grants"
    );
}

#[tokio::test]
async fn personalities_without_the_device_grant_do_not_serve_it() {
    for personality in [Personality::Facebook, Personality::Gitlab] {
        let h = start(personality, 0).await;
        let (status, _) = h
            .post_form("/device_authorization", &[("client_id", PUBLIC)])
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{personality:?}");
    }
}
