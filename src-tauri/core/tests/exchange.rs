//! Token exchange (RFC 8693) against the sandbox (src/engine/exchange.rs): the answer decoded,
//! the provider's refusals explained, nothing stored unless asked (keyring, database, data
//! folder), the token handed out only on request and on record, and ended with the account.

use crate::support;

use grantry_core::{
    ActivityKind, ErrorCode, ExchangeRequest, Grantry, Handover, SubjectToken, TokenShape, TokenUse,
};
use serde_json::Value;
use support::{World, world};

const API: &str = "https://api.sandbox.grantry.test";

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

fn for_api(scopes: &[&str]) -> ExchangeRequest {
    ExchangeRequest {
        audience: Some(API.into()),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

/// Every byte under the test's folder (database, its WAL, logs, anything else written).
fn every_file(w: &World) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    fn walk(dir: &std::path::Path, found: &mut Vec<(std::path::PathBuf, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, found);
            } else if let Ok(bytes) = std::fs::read(&path) {
                found.push((path, bytes));
            }
        }
    }
    let mut found = Vec::new();
    walk(w.dir.path(), &mut found);
    found
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[tokio::test]
async fn an_access_token_is_exchanged_and_shown_decoded_with_nothing_stored() {
    let w = world().await;
    let account = w.link("alice").await;
    let keyring_before = w.secrets.snapshot();
    let exchanged = w
        .grantry
        .exchange_token(account.id, &for_api(&["openid", "email"]))
        .await
        .expect("exchange");
    let result = &exchanged.result;
    assert_eq!(
        result.issued_token_type,
        "urn:ietf:params:oauth:token-type:access_token"
    );
    assert_eq!(result.token_type, "Bearer");
    assert_eq!(
        result.scopes.as_deref(),
        Some(&["openid".to_owned(), "email".to_owned()][..])
    );
    assert!(result.expires_at.is_some_and(|at| at > grantry_core::now()));
    let said = claims(&result.token);
    assert_eq!(said["aud"], API);
    assert_eq!(said["sub"], account.subject.as_str());
    assert_eq!(said["scope"], "openid email");

    // What may be shown holds no token; the token itself is the provider's, and works there.
    let token = exchanged.token.expose().clone();
    let shown = serde_json::to_string(result).expect("json");
    let signature = token.rsplit('.').next().expect("a JWT");
    assert!(!shown.contains(&token) && !shown.contains(signature));
    let userinfo = reqwest::Client::new()
        .get(format!("{}/userinfo", w.sandbox.issuer()))
        .bearer_auth(&token)
        .send()
        .await
        .expect("userinfo");
    assert_eq!(userinfo.status(), 200);

    // Nothing stored: the keyring is as it was, and no file under the data folder (the
    // database and its WAL included) holds the token or its signature.
    assert_eq!(w.secrets.snapshot(), keyring_before);
    for (path, bytes) in every_file(&w) {
        assert!(
            !holds(&bytes, &token) && !holds(&bytes, signature),
            "{} holds the exchanged token",
            path.display()
        );
    }

    // The history tells it, without the token; the HTTP log has the request, masked.
    let history = w.grantry.activity(100).expect("history");
    let entry = history
        .iter()
        .find(|e| e.kind == ActivityKind::TokenExchanged)
        .expect("the exchange is on record");
    assert_eq!(entry.account_id, Some(account.id));
    assert!(entry.detail.contains(API), "{}", entry.detail);
    let log = w.grantry.http_log(account.id, 50).expect("log");
    let sent = log
        .iter()
        .find(|e| e.operation.as_deref() == Some("exchange"))
        .expect("the exchange's request");
    assert!(
        sent.request_body.contains("subject_token=[redacted]")
            || sent.request_body.contains("subject_token=%5Bredacted%5D"),
        "{}",
        sent.request_body
    );
    assert!(
        sent.request_body.contains("token-exchange"),
        "{}",
        sent.request_body
    );
    let everything = format!(
        "{}{}",
        serde_json::to_string(&history).expect("json"),
        serde_json::to_string(&log).expect("json")
    );
    let stored: Value =
        serde_json::from_str(keyring_before.values().next().expect("tokens")).expect("json");
    for secret in [&token, stored["access_token"].as_str().expect("subject")] {
        assert!(
            !everything.contains(secret),
            "a token is in the history or HTTP log"
        );
    }
}

#[tokio::test]
async fn the_exchanged_token_leaves_only_when_asked_and_each_time_is_on_record() {
    let w = world().await;
    let account = w.link("alice").await;
    let exchanged = w
        .grantry
        .exchange_token(account.id, &for_api(&[]))
        .await
        .expect("exchange");
    let handle = exchanged.result.handle;
    let shown = w
        .grantry
        .deliver_exchanged_token(handle, Handover::Window, |t| Ok(t.expose().clone()))
        .expect("reveal");
    assert_eq!(&shown, exchanged.token.expose());
    assert!(kinds(&w.grantry).contains(&ActivityKind::AccessTokenRevealed));

    // Saved only to a new file, this user's only; never over an existing one.
    let path = w.dir.path().join("exchanged.jwt");
    w.grantry
        .save_exchanged_token(handle, &path)
        .expect("saved");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), shown);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let again = w.grantry.save_exchanged_token(handle, &path);
    assert_eq!(w.code(again), ErrorCode::InvalidInput);
    assert!(kinds(&w.grantry).contains(&ActivityKind::ExchangedTokenSaved));

    // A handle never given is refused; so is one once its account is forgotten.
    let unknown = w
        .grantry
        .deliver_exchanged_token(handle + 100, Handover::Printed, |_| Ok(()));
    assert_eq!(w.code(unknown), ErrorCode::InvalidInput);
    w.grantry.forget(account.id).expect("forget");
    let gone = w
        .grantry
        .deliver_exchanged_token(handle, Handover::Clipboard, |_| Ok(()));
    assert!(gone.is_err());
    let gone = w
        .grantry
        .deliver_exchanged_token(handle, Handover::Clipboard, |_| Ok(()));
    assert_eq!(
        w.code(gone),
        ErrorCode::InvalidInput,
        "no longer held at all"
    );
}

#[tokio::test]
async fn asking_more_scopes_than_the_account_holds_is_refused_and_explained() {
    let w = world().await;
    let account = w.link("alice").await;
    let refused = w
        .grantry
        .exchange_token(account.id, &for_api(&["email", "files.write"]))
        .await;
    let error = refused.expect_err("refused");
    let text = error.to_string();
    assert!(text.contains("invalid_scope"), "{text}");
    assert!(text.contains("only narrow"), "{text}");
    assert!(
        text.contains("files.write"),
        "the provider's words too: {text}"
    );
    let failed = w
        .grantry
        .activity(100)
        .expect("history")
        .into_iter()
        .find(|e| e.kind == ActivityKind::TokenExchangeFailed)
        .expect("the failure is on record");
    assert!(failed.detail.contains("invalid_scope"), "{}", failed.detail);
}

#[tokio::test]
async fn an_unknown_audience_is_refused_and_explained() {
    let w = world().await;
    let account = w.link("alice").await;
    let refused = w
        .grantry
        .exchange_token(
            account.id,
            &ExchangeRequest {
                audience: Some("https://api.example.com".into()),
                ..Default::default()
            },
        )
        .await;
    let text = refused.expect_err("refused").to_string();
    assert!(text.contains("invalid_target"), "{text}");
    assert!(text.contains("does not know the audience"), "{text}");
}

#[tokio::test]
async fn a_revoked_subject_token_is_refused_and_revoking_the_account_ends_exchanged_tokens() {
    let w = world().await;
    let account = w.link("alice").await;
    let exchanged = w
        .grantry
        .exchange_token(account.id, &for_api(&["openid"]))
        .await
        .expect("exchange");
    let token = exchanged.token.expose().clone();
    let userinfo = |token: String| {
        let issuer = w.sandbox.issuer().to_owned();
        async move {
            reqwest::Client::new()
                .get(format!("{issuer}/userinfo"))
                .bearer_auth(token)
                .send()
                .await
                .expect("userinfo")
                .status()
                .as_u16()
        }
    };
    assert_eq!(userinfo(token.clone()).await, 200);

    // The access token alone revoked at the provider: exchanging it is refused, plainly.
    let subject = w
        .grantry
        .deliver_access_token(account.id, TokenUse::Copy, |t| Ok(t.expose().clone()))
        .expect("the access token");
    let revoked = reqwest::Client::new()
        .post(format!("{}/revoke", w.sandbox.issuer()))
        .form(&[
            ("token", subject.as_str()),
            ("client_id", "grantry-desktop"),
        ])
        .send()
        .await
        .expect("revoke");
    assert_eq!(revoked.status(), 200);
    let text = w
        .grantry
        .exchange_token(account.id, &for_api(&[]))
        .await
        .expect_err("refused")
        .to_string();
    assert!(
        text.contains("invalid_grant") && text.contains("not active"),
        "{text}"
    );
    // …and what was exchanged from it ended with it.
    assert_eq!(userinfo(token).await, 401);

    // A fresh token, exchanged again, then the account revoked: the exchanged one ends too.
    w.grantry.refresh(account.id).await.expect("refresh");
    let again = w
        .grantry
        .exchange_token(account.id, &for_api(&["openid"]))
        .await
        .expect("exchange");
    let token = again.token.expose().clone();
    assert_eq!(userinfo(token.clone()).await, 200);
    w.grantry.revoke(account.id).await.expect("revoke");
    assert_eq!(userinfo(token).await, 401);
    let handed = w
        .grantry
        .deliver_exchanged_token(again.result.handle, Handover::Window, |_| Ok(()));
    assert!(
        handed.is_err(),
        "a revoked account's exchanged token is not handed out"
    );
}

#[tokio::test]
async fn the_id_and_refresh_tokens_can_be_the_subject_and_bad_input_sends_nothing() {
    let w = world().await;
    let account = w.link("alice").await;
    for subject in [SubjectToken::Id, SubjectToken::Refresh] {
        let exchanged = w
            .grantry
            .exchange_token(
                account.id,
                &ExchangeRequest {
                    subject,
                    audience: Some("grantry-confidential".into()),
                    requested_token_type: Some("jwt".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap_or_else(|e| panic!("{subject:?}: {e}"));
        assert_eq!(
            claims(&exchanged.result.token)["aud"],
            "grantry-confidential"
        );
        assert_eq!(
            exchanged.result.issued_token_type,
            "urn:ietf:params:oauth:token-type:jwt"
        );
    }
    let before = w.grantry.http_log(account.id, 100).expect("log").len();
    for bad in [
        ExchangeRequest {
            resource: Some("not a uri".into()),
            ..Default::default()
        },
        ExchangeRequest {
            resource: Some("https://api.sandbox.grantry.test/#x".into()),
            ..Default::default()
        },
        ExchangeRequest {
            requested_token_type: Some("bearer".into()),
            ..Default::default()
        },
        ExchangeRequest {
            scopes: vec!["a\"b".into()],
            ..Default::default()
        },
    ] {
        let refused = w.grantry.exchange_token(account.id, &bad).await;
        assert_eq!(w.code(refused), ErrorCode::InvalidInput, "{bad:?}");
    }
    let after = w.grantry.http_log(account.id, 100).expect("log").len();
    assert_eq!(before, after, "nothing was sent");
}
