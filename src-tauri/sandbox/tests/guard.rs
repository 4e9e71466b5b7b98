//! Web pages cannot drive the sandbox (src/guard.rs): a foreign Host (DNS rebinding) is refused
//! everywhere, the admin API wants its token and JSON, the consent form and the admin API
//! refuse other origins, and the consent page cannot be framed.

use crate::support;

use grantry_sandbox::Personality;
use reqwest::StatusCode;
use serde_json::json;
use support::{generic_request, start};

#[tokio::test]
async fn a_page_s_text_plain_post_cannot_create_a_user() {
    let h = start(Personality::Generic).await;
    let body = r#"{"login":"mallory"}"#;
    // What a cross-origin <form enctype="text/plain"> or fetch(no-cors) sends.
    let reply = h
        .raw(&format!(
            "POST /_sandbox/users HTTP/1.1\r\nHost: {{addr}}\r\nOrigin: http://evil.example\r\n\
             Content-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ))
        .await;
    assert!(reply.starts_with("HTTP/1.1 4"), "{reply}");
    let (_, users) = h.admin_get("/users").await;
    assert!(!users.to_string().contains("mallory"), "{users}");
}

#[tokio::test]
async fn the_admin_api_wants_its_token_and_json_from_its_own_origin() {
    let h = start(Personality::Generic).await;
    let url = |path: &str| format!("{}/_sandbox{path}", h.issuer());
    for path in ["", "/users", "/grants", "/faults"] {
        let status = h.http.get(url(path)).send().await.expect("GET").status();
        assert_eq!(status, StatusCode::UNAUTHORIZED, "GET /_sandbox{path}");
    }
    let wrong = h
        .http
        .post(url("/users"))
        .bearer_auth("sbx_admin_guessed")
        .json(&json!({"login": "mallory"}))
        .send()
        .await
        .expect("POST");
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(wrong.headers().contains_key("www-authenticate"));
    let token = h.sandbox.admin_token();
    assert!(token.len() >= 32, "at least 128 random bits: {token}");
    let text_plain = h
        .http
        .post(url("/users"))
        .bearer_auth(token)
        .header("content-type", "text/plain")
        .body(r#"{"login":"mallory"}"#)
        .send()
        .await
        .expect("POST");
    assert_eq!(text_plain.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let foreign = h
        .http
        .post(url("/users"))
        .bearer_auth(token)
        .header("origin", "http://evil.example")
        .json(&json!({"login": "mallory"}))
        .send()
        .await
        .expect("POST");
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        h.admin("/users", json!({"login": "erin"})).await,
        StatusCode::CREATED,
        "with the token and JSON it works"
    );
    // Profile pictures load in an <img>: no token.
    let avatar = h.http.get(url("/avatar/user-alice.svg")).send().await;
    assert_eq!(avatar.expect("GET").status(), StatusCode::OK);
}

#[tokio::test]
async fn a_foreign_host_is_refused_on_every_route() {
    let h = start(Personality::Generic).await;
    let request = generic_request();
    let authorize = request.url(h.issuer());
    let path_and_query = &authorize[h.issuer().len()..];
    for path in [
        "/.well-known/openid-configuration",
        "/jwks",
        path_and_query,
        "/_sandbox/avatar/user-alice.svg",
        "/nowhere",
    ] {
        let rebound = h
            .raw(&format!(
                "GET {path} HTTP/1.1\r\nHost: evil.example:{}\r\nConnection: close\r\n\r\n",
                h.sandbox.addr().port()
            ))
            .await;
        assert!(rebound.starts_with("HTTP/1.1 421"), "{path}: {rebound}");
    }
    let own = h
        .raw(&format!(
            "GET /jwks HTTP/1.1\r\nHost: localhost:{}\r\nConnection: close\r\n\r\n",
            h.sandbox.addr().port()
        ))
        .await;
    assert!(own.starts_with("HTTP/1.1 200"), "{own}");
    let token = h
        .raw(
            "POST /token HTTP/1.1\r\nHost: evil.example\r\nContent-Length: 0\r\n\
             Connection: close\r\n\r\n",
        )
        .await;
    assert!(token.starts_with("HTTP/1.1 421"), "{token}");
}

#[tokio::test]
async fn the_consent_form_is_answered_only_from_the_sandbox_s_own_pages() {
    let h = start(Personality::Generic).await;
    let request = generic_request();
    let page = h.open(&request).await.expect("consent page");
    for origin in ["http://evil.example", "null"] {
        let status = h
            .http
            .post(format!("{}{}", h.issuer(), page.action))
            .header("origin", origin)
            .form(&[
                ("request", page.request.as_str()),
                ("decision", "allow"),
                ("user", "alice"),
            ])
            .send()
            .await
            .expect("POST")
            .status();
        assert_eq!(status, StatusCode::FORBIDDEN, "{origin}");
    }
    // The same request still works from the page itself: the refused posts consumed nothing.
    let back = h
        .decide(&page, &[("decision", "allow"), ("user", "alice")])
        .await;
    assert!(back.contains("code="), "{back}");
    assert!(h.grants().await.len() == 1);
}

#[tokio::test]
async fn no_site_can_frame_the_consent_page() {
    let h = start(Personality::Generic).await;
    let response = h
        .http
        .get(generic_request().url(h.issuer()))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers();
    assert_eq!(headers["content-security-policy"], "frame-ancestors 'none'");
    assert_eq!(headers["x-frame-options"], "DENY");
}
