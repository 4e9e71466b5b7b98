//! The Inspector's engine side: what an account's tokens say without giving them away, the
//! access token on Reveal or Copy only (each on record), the forced expiry that makes the
//! next use refresh, and the account's report, free of secrets.

use crate::support;

use grantry_core::{ActivityKind, Grantry, RefreshPolicy, TokenShape, TokenUse};
use serde_json::Value;
use support::world;

fn claims(shape: &TokenShape) -> Value {
    match shape {
        TokenShape::Jwt { claims, .. } => serde_json::from_str(claims).expect("claims are JSON"),
        other => panic!("a signed JWT, not {other:?}"),
    }
}

fn kinds(grantry: &Grantry) -> Vec<ActivityKind> {
    grantry
        .activity(100)
        .expect("history")
        .iter()
        .map(|e| e.kind)
        .collect()
}

#[tokio::test]
async fn an_inspection_tells_the_claims_and_never_a_token() {
    let w = world().await;
    let account = w.link("alice").await;
    let inspection = w.grantry.inspect(account.id).expect("inspect");

    let id_token = inspection
        .id_token
        .as_ref()
        .expect("the sandbox sends an ID token");
    let said = claims(id_token);
    assert_eq!(said["sub"], account.subject.as_str());
    assert!(said["nonce"].is_string(), "{said}");
    assert_eq!(said["iss"], w.sandbox.issuer());
    let TokenShape::Jwt { header, .. } = id_token else {
        unreachable!()
    };
    let header: Value = serde_json::from_str(header).expect("header");
    assert!(
        header["alg"].is_string() && header["kid"].is_string(),
        "{header}"
    );

    let response = inspection
        .token_response
        .as_ref()
        .expect("the code exchange");
    assert_eq!(response.operation.as_deref(), Some("link"));
    let body: Value = serde_json::from_str(&response.response_body).expect("json");
    assert_eq!(body["access_token"], "[redacted]");
    assert_eq!(body["id_token"], "[redacted]");

    // Nothing in it is a token, and nothing was recorded: looking is not revealing.
    let shown = serde_json::to_string(&inspection).expect("json");
    for stored in w.secrets.snapshot().values() {
        let tokens: Value = serde_json::from_str(stored).expect("token set");
        for field in ["access_token", "refresh_token", "id_token"] {
            if let Some(token) = tokens[field].as_str() {
                assert!(!shown.contains(token), "{field} is in the inspection");
                let signature = token.rsplit('.').next().expect("part");
                assert!(!shown.contains(signature), "{field}'s signature is in it");
            }
        }
    }
    assert!(!kinds(&w.grantry).contains(&ActivityKind::AccessTokenRevealed));

    // After a refresh, the token response shown is the refresh's.
    w.grantry.refresh(account.id).await.expect("refresh");
    let again = w.grantry.inspect(account.id).expect("inspect");
    let response = again.token_response.expect("the refresh");
    assert_eq!(response.operation.as_deref(), Some("refresh"));
    assert!(response.request_body.contains("grant_type=refresh_token"));
}

#[tokio::test]
async fn the_access_token_leaves_only_when_asked_and_each_time_is_on_record() {
    let w = world().await;
    let account = w.link("alice").await;
    let revealed = w
        .grantry
        .deliver_access_token(account.id, TokenUse::Reveal, |t| Ok(t.expose().clone()))
        .expect("reveal");
    let copied = w
        .grantry
        .deliver_access_token(account.id, TokenUse::Copy, |t| Ok(t.expose().clone()))
        .expect("copy");
    assert_eq!(revealed, copied);
    // A copy that failed is said, and not on record as done.
    let failed = w
        .grantry
        .deliver_access_token(account.id, TokenUse::Copy, |_| {
            Err::<(), _>("no clipboard".to_owned())
        });
    let message = failed.expect_err("it failed").to_string();
    assert!(message.contains("no clipboard"), "{message}");
    let stored: Value =
        serde_json::from_str(w.secrets.snapshot().values().next().expect("tokens")).expect("json");
    assert_eq!(stored["access_token"], revealed.as_str());

    let history = w.grantry.activity(100).expect("history");
    let shown = history
        .iter()
        .find(|e| e.kind == ActivityKind::AccessTokenRevealed)
        .expect("the reveal is on record");
    assert_eq!(shown.account_id, Some(account.id));
    let copies = history
        .iter()
        .filter(|e| e.kind == ActivityKind::AccessTokenCopied)
        .count();
    assert_eq!(copies, 1, "the failed copy is not on record");
    let everything = serde_json::to_string(&history).expect("json");
    assert!(
        !everything.contains(revealed.as_str()),
        "the token is in the history"
    );

    let nobody = w
        .grantry
        .deliver_access_token(9_999, TokenUse::Reveal, |_| Ok(()));
    assert!(nobody.is_err());
    assert!(w.grantry.inspect(9_999).is_err());
}

#[tokio::test]
async fn a_forced_expiry_makes_the_account_due_and_the_next_refresh_happens() {
    let w = world().await;
    let account = w.link("alice").await;
    // Without the default's 30 s between two refreshes of one account, which would hold this
    // one back for as long after its link.
    let policy = RefreshPolicy {
        min_interval: 0,
        ..RefreshPolicy::default()
    };
    let before = w
        .grantry
        .account_detail(account.id, policy, 10)
        .expect("detail");
    let due_before = before.tokens.next_refresh_at.expect("scheduled");
    assert!(due_before > grantry_core::now() + 60, "not due yet");

    w.grantry.expire_access_token(account.id).expect("expire");
    let after = w
        .grantry
        .account_detail(account.id, policy, 10)
        .expect("detail");
    let now = grantry_core::now();
    assert!(after.account.access_expires_at.expect("expiry") <= now);
    assert!(
        after.tokens.next_refresh_at.expect("scheduled") <= now,
        "due now"
    );
    assert!(kinds(&w.grantry).contains(&ActivityKind::AccessTokenExpired));

    // The schedule refreshes it at once.
    let schedule = tokio::spawn(w.grantry.clone().run_refresh_schedule(policy));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while w.refreshes() == 0 {
        assert!(std::time::Instant::now() < deadline, "no refresh came");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    schedule.abort();
    let refreshed = w.grantry.account(account.id).expect("account");
    assert!(refreshed.access_expires_at.expect("expiry") > now + 60);

    assert!(w.grantry.expire_access_token(9_999).is_err());
}

#[tokio::test]
async fn the_report_holds_the_story_and_no_secret() {
    let w = world().await;
    let account = w.link("alice").await;
    w.grantry.refresh(account.id).await.expect("refresh");
    let report = w.grantry.account_report(account.id).expect("report");
    assert_eq!(report["account"]["id"], account.id);
    assert_eq!(
        report["id_token"]["claims"]["sub"],
        account.subject.as_str()
    );
    assert!(report["scopes"].as_array().is_some_and(|s| !s.is_empty()));
    assert!(report["history"].as_array().is_some_and(|h| h.len() >= 2));
    assert!(report["http_log"].as_array().is_some_and(|h| h.len() >= 3));

    let text = report.to_string();
    for stored in w.secrets.snapshot().values() {
        let tokens: Value = serde_json::from_str(stored).expect("token set");
        for field in ["access_token", "refresh_token", "id_token"] {
            if let Some(token) = tokens[field].as_str() {
                assert!(!text.contains(token), "{field} is in the report");
            }
        }
    }
    assert!(
        !text.contains("sbx_code_"),
        "an authorization code is in the report"
    );
}

#[tokio::test]
async fn an_unsigned_id_token_in_the_keyring_is_shown_as_unsigned_never_as_signed() {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use grantry_core::secret::Secret;
    use grantry_core::secret_store::SecretStore;

    let w = world().await;
    let account = w.link("alice").await;
    // A link or a refresh never keeps one (`tests/refreshed_id_token.rs`); one put in the
    // keyring by other means, say an older Grantry, is what the Inspector meets.
    let (key, item) = w.secrets.snapshot().into_iter().next().expect("tokens");
    let mut tokens: Value = serde_json::from_str(&item).expect("json");
    let claims = serde_json::json!({"iss": w.sandbox.issuer(), "sub": "mallory"}).to_string();
    tokens["id_token"] = format!(
        "{}.{}.",
        B64.encode(r#"{"alg":"none"}"#),
        B64.encode(&claims)
    )
    .into();
    w.secrets
        .put(&key, &Secret::new(tokens.to_string()))
        .expect("put");

    let inspection = w.grantry.inspect(account.id).expect("inspect");
    assert_eq!(
        inspection.id_token,
        Some(TokenShape::Unsecured {
            header: r#"{"alg":"none"}"#.into(),
            claims
        }),
        "shown as signed"
    );
    let report = w.grantry.account_report(account.id).expect("report");
    assert_eq!(report["id_token"]["shape"], "unsecured", "{report}");
    assert!(
        report["id_token"]["warning"]
            .as_str()
            .is_some_and(|w| w.contains("not signed")),
        "{report}"
    );
}
