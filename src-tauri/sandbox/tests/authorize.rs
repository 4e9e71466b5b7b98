//! The authorization endpoint and its consent page (src/routes/authorize.rs): partial consent,
//! typed-in test users, denial, PKCE, exact redirect URI matching and RFC 6749 §4.1.2.1 errors.

use crate::support;

use grantry_sandbox::Personality;
use reqwest::StatusCode;
use serde_json::json;
use support::{PUBLIC, REDIRECT, Request, generic_request, query, start};

#[tokio::test]
async fn partial_consent_grants_only_the_ticked_scopes() {
    let h = start(Personality::Generic).await;
    let request = generic_request();
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
    let request = generic_request();
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
    let request = generic_request();
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
async fn pkce_is_required_and_checked() {
    let h = start(Personality::Generic).await;
    // Missing or plain challenges are refused at the authorization endpoint, by redirect.
    let mut plain = generic_request();
    plain
        .extra
        .push(("code_challenge_method".into(), "plain".into()));
    let url = plain
        .url(h.issuer())
        .replace("code_challenge_method=S256&", "");
    assert_eq!(h.redirect_query(url).await["error"], "invalid_request");
    let url = generic_request()
        .url(h.issuer())
        .split("&code_challenge=")
        .next()
        .expect("url")
        .to_owned();
    assert_eq!(h.redirect_query(url).await["error"], "invalid_request");

    // At the token endpoint: a wrong verifier is invalid_grant, a missing one invalid_request.
    let request = generic_request();
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
    let mut unregistered = generic_request();
    unregistered.redirect_uri = "dev.grantry:/oauth/other".into();
    let (status, page) = h
        .open(&unregistered)
        .await
        .err()
        .expect("an error page, not a redirect");
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("not a registered redirect URI"));

    let mut loopback = generic_request();
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

    let request = generic_request();
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

    let unknown_client = generic_request().client("nobody");
    let (status, page) = h.open(&unknown_client).await.err().expect("error page");
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("Unknown client"));

    let url = generic_request()
        .url(h.issuer())
        .replace("response_type=code", "response_type=token");
    assert_eq!(
        h.redirect_query(url).await["error"],
        "unsupported_response_type"
    );
}
