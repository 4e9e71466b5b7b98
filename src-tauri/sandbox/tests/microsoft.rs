//! The Microsoft personality: paths under a tenant, the multi-tenant discovery issuer with its
//! literal `{tenantid}`, ID tokens from the sandbox's own tenant with `tid`, a public client
//! with PKCE, refresh tokens only with `offline_access` and rotated, no revocation endpoint,
//! and AADSTS errors (revoked grant 50173, 90 days unused 700082, no consent 65001), natural
//! or injected with the `aadsts` fault.

use crate::support;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use grantry_sandbox::Personality;
use grantry_sandbox::config::MICROSOFT_TENANT_ID as TENANT;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{Harness, PUBLIC, Request, start};

const SCOPES: &str = "openid profile email offline_access User.Read Mail.Read";

fn request(tenant: &str, scope: &str) -> Request {
    Request::new(&format!("/{tenant}/oauth2/v2.0/authorize"), scope)
}

/// Consents as alice and exchanges the code at the tenant's token endpoint.
async fn link(h: &Harness, tenant: &str, scope: &str) -> Value {
    let request = request(tenant, scope);
    let code = h.code(&request, "alice", None).await;
    let path = format!("/{tenant}/oauth2/v2.0/token");
    let (status, tokens) = h.exchange(&path, &request, &code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    tokens
}

async fn refresh(h: &Harness, refresh_token: &str, scope: Option<&str>) -> (StatusCode, Value) {
    let mut form = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
        ("client_id", PUBLIC),
    ];
    form.extend(scope.map(|s| ("scope", s)));
    h.post_form("/common/oauth2/v2.0/token", &form).await
}

fn claims(id_token: &Value) -> Value {
    let payload = id_token.as_str().expect("id token").split('.').nth(1);
    serde_json::from_slice(&B64.decode(payload.expect("payload")).expect("b64")).expect("json")
}

/// Checks Microsoft's error shape and returns the AADSTS code.
fn aadsts(error: &Value) -> u64 {
    for field in ["timestamp", "trace_id", "correlation_id"] {
        assert!(error[field].is_string(), "{field}: {error}");
    }
    let code = error["error_codes"][0].as_u64().expect("error_codes");
    let description = error["error_description"].as_str().expect("description");
    assert!(
        description.starts_with(&format!("AADSTS{code}: ")),
        "{description}"
    );
    code
}

#[tokio::test]
async fn discovery_under_a_multi_tenant_path_advertises_the_tenantid_placeholder() {
    let h = start(Personality::Microsoft).await;
    let base = h.issuer();
    let (status, doc) = h
        .get_json("/common/v2.0/.well-known/openid-configuration", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["issuer"], format!("{base}/{{tenantid}}/v2.0"));
    assert_eq!(
        doc["authorization_endpoint"],
        format!("{base}/common/oauth2/v2.0/authorize")
    );
    assert_eq!(
        doc["token_endpoint"],
        format!("{base}/common/oauth2/v2.0/token")
    );
    assert_eq!(
        doc["jwks_uri"],
        format!("{base}/common/discovery/v2.0/keys")
    );
    assert_eq!(doc["userinfo_endpoint"], format!("{base}/oidc/userinfo"));
    assert!(doc.get("revocation_endpoint").is_none());
    for tenant in ["organizations", "consumers"] {
        let path = format!("/{tenant}/v2.0/.well-known/openid-configuration");
        let (_, doc) = h.get_json(&path, None).await;
        assert_eq!(doc["issuer"], format!("{base}/{{tenantid}}/v2.0"));
    }
    let path = format!("/{TENANT}/v2.0/.well-known/openid-configuration");
    let (_, doc) = h.get_json(&path, None).await;
    assert_eq!(doc["issuer"], format!("{base}/{TENANT}/v2.0"));
    assert_eq!(
        doc["token_endpoint"],
        format!("{base}/{TENANT}/oauth2/v2.0/token")
    );
    let (_, keys) = h.get_json("/common/discovery/v2.0/keys", None).await;
    assert_eq!(
        keys["keys"][0]["issuer"],
        format!("{base}/{{tenantid}}/v2.0")
    );
    assert_eq!(keys["keys"][0]["kty"], "EC");
}

#[tokio::test]
async fn an_unknown_tenant_is_refused_microsofts_way() {
    let h = start(Personality::Microsoft).await;
    let (status, error) = h
        .get_json("/contoso/v2.0/.well-known/openid-configuration", None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"], "invalid_tenant");
    assert_eq!(aadsts(&error), 90002);
    let (status, error) = h
        .post_form(
            "/contoso/oauth2/v2.0/token",
            &[("grant_type", "refresh_token")],
        )
        .await;
    assert_eq!((status, aadsts(&error)), (StatusCode::BAD_REQUEST, 90002));
    let (status, page) = h
        .open(&request("contoso", "openid"))
        .await
        .err()
        .expect("refused");
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains("AADSTS90002"),
        "shown in the browser, not redirected"
    );
    assert_eq!(
        h.get_json("/contoso/discovery/v2.0/keys", None).await.0,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn id_tokens_come_from_the_sandbox_tenant_whatever_the_path() {
    let h = start(Personality::Microsoft).await;
    for tenant in ["common", TENANT] {
        let tokens = link(&h, tenant, SCOPES).await;
        assert_eq!(tokens["token_type"], "Bearer");
        assert_eq!(tokens["scope"], SCOPES);
        assert_eq!(tokens["ext_expires_in"], tokens["expires_in"]);
        let id = claims(&tokens["id_token"]);
        assert_eq!(id["iss"], format!("{}/{TENANT}/v2.0", h.issuer()));
        assert_eq!(id["tid"], TENANT);
        assert_eq!(id["ver"], "2.0");
        assert_eq!(id["aud"], PUBLIC);
        assert_eq!(id["preferred_username"], "alice@sandbox.grantry.test");
        assert!(id["oid"].as_str().is_some_and(|oid| oid.len() == 36));
        assert!(id.get("azp").is_none());
        let access = tokens["access_token"].as_str().expect("at");
        let (status, me) = h.get_json("/oidc/userinfo", Some(access)).await;
        assert_eq!((status, &me["sub"]), (StatusCode::OK, &id["sub"]));
    }
    assert_eq!(
        h.post_form("/revoke", &[("token", "x")]).await.0,
        StatusCode::NOT_FOUND,
        "Microsoft has no revocation endpoint"
    );
}

#[tokio::test]
async fn refresh_tokens_need_offline_access_and_rotate() {
    let h = start(Personality::Microsoft).await;
    let online = link(&h, "common", "openid User.Read").await;
    assert!(online.get("refresh_token").is_none(), "{online}");
    let tokens = link(&h, "common", SCOPES).await;
    let first = tokens["refresh_token"]
        .as_str()
        .expect("public client, no secret");
    let (status, renewed) = refresh(&h, first, None).await;
    assert_eq!(status, StatusCode::OK, "{renewed}");
    let second = renewed["refresh_token"]
        .as_str()
        .expect("a new refresh token");
    assert_ne!(first, second);
    let (status, error) = refresh(&h, first, None).await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    aadsts(&error);
}

#[tokio::test]
async fn a_revoked_grant_answers_aadsts50173() {
    let h = start(Personality::Microsoft).await;
    let tokens = link(&h, "common", SCOPES).await;
    let grant = h.grants().await[0]["id"].clone();
    h.admin(&format!("/grants/{grant}/revoke"), json!({})).await;
    let (status, error) = refresh(&h, tokens["refresh_token"].as_str().expect("rt"), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"], "invalid_grant");
    assert_eq!(aadsts(&error), 50173);
}

#[tokio::test]
async fn ninety_days_unused_answers_aadsts700082_and_new_scopes_aadsts65001() {
    let h = start(Personality::Microsoft).await;
    let tokens = link(&h, "common", SCOPES).await;
    let refresh_token = tokens["refresh_token"].as_str().expect("rt");
    let (status, error) = refresh(&h, refresh_token, Some("openid Files.Read")).await;
    assert_eq!((status, aadsts(&error)), (StatusCode::BAD_REQUEST, 65001));
    assert_eq!(error["suberror"], "consent_required");
    assert!(
        error["error_description"]
            .as_str()
            .expect("d")
            .contains(PUBLIC)
    );
    // 89 days unused is fine, and the new refresh token starts its own 90 days.
    h.admin("/clock", json!({"seconds": 89 * 86400})).await;
    let (status, renewed) = refresh(&h, refresh_token, Some("openid User.Read")).await;
    assert_eq!(status, StatusCode::OK, "{renewed}");
    assert_eq!(renewed["scope"], "openid User.Read");
    h.admin("/clock", json!({"seconds": 90 * 86400})).await;
    let renewed = renewed["refresh_token"].as_str().expect("rt");
    let (status, error) = refresh(&h, renewed, None).await;
    assert_eq!((status, aadsts(&error)), (StatusCode::BAD_REQUEST, 700082));
}

#[tokio::test]
async fn the_aadsts_fault_answers_its_code_once_at_the_token_endpoint() {
    let h = start(Personality::Microsoft).await;
    let tokens = link(&h, "common", SCOPES).await;
    let refresh_token = tokens["refresh_token"].as_str().expect("rt");
    for code in [700082, 65001, 50173] {
        let fault = json!({"endpoint": "token", "kind": "aadsts", "code": code});
        assert_eq!(h.admin("/faults", fault).await, StatusCode::CREATED);
        let (status, error) = refresh(&h, refresh_token, None).await;
        assert_eq!(
            (status, error["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_grant"))
        );
        assert_eq!(aadsts(&error), code);
    }
    let (status, _) = refresh(&h, refresh_token, None).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the faults left the refresh token as it was"
    );
    let unknown = json!({"kind": "aadsts", "code": 12345});
    assert_eq!(h.admin("/faults", unknown).await, StatusCode::BAD_REQUEST);
    let other = start(Personality::Google).await;
    let fault = json!({"kind": "aadsts", "code": 700082});
    assert_eq!(other.admin("/faults", fault).await, StatusCode::BAD_REQUEST);
}
