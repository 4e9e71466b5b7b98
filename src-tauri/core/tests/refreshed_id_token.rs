//! The ID token that comes with a refresh (`engine/refresh.rs`, `oauth/id_token.rs`): checked
//! before the tokens are written (once) when the keys held verify it, else after the rotated
//! refresh token is saved, and the account's only once it verifies; signed
//! with a key the provider rotated in since the keys were fetched, it makes Grantry fetch them
//! once and keep them; forged or spoiled, it fails the refresh and the account keeps the ID and
//! access tokens it had; naming another subject, it marks the account "needs re-link".

use crate::support;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use grantry_core::{AccountStatus, ActivityKind, ErrorCode, TokenShape};
use serde_json::Value;
use support::{World, world};

/// The one account's tokens as the keyring holds them.
fn stored(w: &World) -> Value {
    let items: Vec<Value> = w
        .secrets
        .snapshot()
        .values()
        .filter_map(|item| serde_json::from_str(item).ok())
        .collect();
    assert_eq!(items.len(), 1, "one account's tokens");
    items[0].clone()
}

/// The key id in a compact JWS's header (RFC 7515 §4.1.4).
fn kid(token: &Value) -> String {
    let header = token
        .as_str()
        .expect("token")
        .split('.')
        .next()
        .expect("header");
    let header: Value = serde_json::from_slice(&B64.decode(header).expect("b64")).expect("json");
    header["kid"].as_str().expect("kid").to_owned()
}

/// How many times the account's HTTP log shows the sandbox's keys fetched.
fn key_fetches(w: &World, account: i64) -> usize {
    let log = w.grantry.http_log(account, 1_000).expect("http log");
    log.iter().filter(|e| e.url.ends_with("/jwks")).count()
}

#[tokio::test]
async fn a_refresh_after_a_key_rotation_fetches_the_new_keys_once() {
    let w = world().await;
    let account = w.link("alice").await;
    let linked_kid = kid(&stored(&w)["id_token"]);
    let new_kid = rotate_key(&w).await;
    assert_ne!(new_kid, linked_kid);

    // The keys fetched at discovery lack the new key: the ID token verifies only with the
    // keys fetched again, so the rotated refresh token is written first, then the rest.
    let writes = w.secrets.writes();
    let refreshed = w.grantry.refresh(account.id).await.expect("refresh");
    assert_eq!(w.secrets.writes() - writes, 2, "kept first, then the rest");
    assert_eq!(refreshed.status, AccountStatus::Valid);
    assert_eq!(
        kid(&stored(&w)["id_token"]),
        new_kid,
        "signed by the new key"
    );
    assert_eq!(key_fetches(&w, account.id), 1, "fetched again once");

    // Kept: the next token signed with the new key needs no fetch, and the tokens it came
    // with are written once, after it verified.
    let writes = w.secrets.writes();
    w.grantry.refresh(account.id).await.expect("refresh again");
    assert_eq!(key_fetches(&w, account.id), 1, "two refreshes, one fetch");
    assert_eq!(w.secrets.writes() - writes, 1, "one keyring write");
    assert_eq!(w.refreshes(), 2);
}

#[tokio::test]
async fn a_rotated_refresh_token_the_keyring_refuses_marks_the_account_for_a_relink() {
    let w = world().await;
    let account = w.link("alice").await;
    // The ID token verifies with the keys held, so the tokens are written once: that one
    // write failing loses the rotated refresh token, as the first write failing did.
    w.secrets.refuse_writes(true);
    let error = w.grantry.refresh(account.id).await;
    assert_eq!(
        w.code(error),
        ErrorCode::KeyringUnavailable,
        "the keyring's failure"
    );
    let kept = w.grantry.account(account.id).expect("the account is kept");
    assert_eq!(kept.status, AccountStatus::NeedsRelink);
    let reason = kept.status_reason.expect("a reason");
    assert!(
        reason.contains("rotated refresh token could not be saved"),
        "{reason}"
    );
}

/// Rotates the sandbox's signing key; returns the new key id.
async fn rotate_key(w: &World) -> String {
    let response = w
        .admin(reqwest::Method::POST, "/rotate-key")
        .send()
        .await
        .expect("rotate");
    let rotated: Value = response.json().await.expect("json");
    rotated["kid"].as_str().expect("kid").to_owned()
}

#[tokio::test]
async fn keys_that_cannot_be_fetched_fail_the_refresh_but_the_rotated_refresh_token_is_kept() {
    let w = world().await;
    let account = w.link("alice").await;
    let before = stored(&w);
    rotate_key(&w).await;
    w.fault(r#"{"endpoint":"jwks","kind":"status","status":503}"#)
        .await;
    assert_eq!(
        w.code(w.grantry.refresh(account.id).await),
        ErrorCode::ProviderError
    );
    let after = stored(&w);
    assert_ne!(
        after["refresh_token"], before["refresh_token"],
        "the rotated refresh token was kept"
    );
    // The ID token could not be checked: neither it nor the access token it came with is the
    // account's.
    assert_eq!(after["id_token"], before["id_token"]);
    assert_eq!(after["access_token"], before["access_token"]);
    let history = w.grantry.activity(1).expect("activity");
    assert!(
        history[0]
            .detail
            .contains("only the rotated refresh token was kept"),
        "{history:?}"
    );
    // The keys can be fetched again: the next refresh, with the kept refresh token, works.
    let refreshed = w.grantry.refresh(account.id).await.expect("refresh");
    assert_eq!(refreshed.status, AccountStatus::Valid);
}

#[tokio::test]
async fn a_refreshed_id_token_naming_another_subject_needs_a_relink_after_the_tokens_are_saved() {
    let w = world().await;
    let account = w.link("alice").await;
    let before = stored(&w)["refresh_token"].clone();
    w.fault(r#"{"endpoint":"token","kind":"id_token_subject","sub":"mallory"}"#)
        .await;

    let error = w.grantry.refresh(account.id).await;
    assert_eq!(w.code(error), ErrorCode::NeedsRelink);
    let kept = w.grantry.account(account.id).expect("the account is kept");
    assert_eq!(kept.status, AccountStatus::NeedsRelink);
    let reason = kept.status_reason.expect("a reason");
    assert!(reason.contains("another subject (mallory)"), "{reason}");
    let history = w.grantry.activity(1).expect("activity");
    assert_eq!(history[0].kind, ActivityKind::RefreshFailed);
    assert_eq!(history[0].account_id, Some(account.id));
    assert!(history[0].detail.contains("another subject"), "{history:?}");
    // A later refresh, whose ID token would name the right subject, does not clear the mark.
    assert_eq!(
        w.code(w.grantry.refresh(account.id).await),
        ErrorCode::NeedsRelink
    );
    let still = w.grantry.account(account.id).expect("account");
    assert_eq!(still.status, AccountStatus::NeedsRelink);
    assert_eq!(w.refreshes(), 0, "nothing was refreshed");

    // The provider rotated the refresh token before the ID token was read: the new one is in
    // the keyring, and it is the one the provider holds (a rotated-away one would be refused,
    // and would revoke the grant).
    let saved = stored(&w)["refresh_token"].clone();
    assert_ne!(saved, before, "the rotated refresh token was saved");
    let answer = reqwest::Client::new()
        .post(format!("{}/token", w.sandbox.issuer()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", saved.as_str().expect("refresh token")),
            ("client_id", "grantry-desktop"),
        ])
        .send()
        .await
        .expect("token request");
    assert!(answer.status().is_success(), "{}", answer.status());
}

#[tokio::test]
async fn a_refreshed_id_token_that_does_not_verify_fails_the_refresh_and_never_becomes_the_accounts()
 {
    let w = world().await;
    let account = w.link("alice").await;
    let linked = stored(&w);
    for (fault, why) in [
        (r#""kind":"id_token_alg_none""#, "alg none"),
        (
            r#""kind":"id_token_hmac""#,
            "HS256 keyed with the public key",
        ),
        (
            r#""kind":"id_token_issuer","iss":"https://evil.example""#,
            "another issuer",
        ),
        (r#""kind":"id_token_bad_signature""#, "a bad signature"),
        (
            r#""kind":"id_token_audience","aud":"another-client""#,
            "another audience",
        ),
        (r#""kind":"id_token_expired""#, "expired"),
    ] {
        let before = stored(&w);
        w.fault(&format!(r#"{{"endpoint":"token",{fault}}}"#)).await;
        let error = w.grantry.refresh(account.id).await;
        assert_eq!(w.code(error), ErrorCode::ProviderError, "{why}");

        // The provider rotated the refresh token: the new one is kept, for the next refresh.
        // The ID token and the access token that came with the bad one are not.
        let after = stored(&w);
        assert_ne!(after["refresh_token"], before["refresh_token"], "{why}");
        assert_eq!(
            after["id_token"], linked["id_token"],
            "{why}: ID token replaced"
        );
        assert_eq!(after["access_token"], before["access_token"], "{why}");

        // The Inspector and the report show the ID token the link verified.
        let inspection = w.grantry.inspect(account.id).expect("inspect");
        let Some(TokenShape::Jwt { header, claims }) = inspection.id_token else {
            panic!("{why}: not the signed ID token: {:?}", inspection.id_token)
        };
        let header: Value = serde_json::from_str(&header).expect("header");
        assert_eq!(header["alg"], "ES256", "{why}");
        let claims: Value = serde_json::from_str(&claims).expect("claims");
        assert_eq!(claims["iss"], w.sandbox.issuer(), "{why}");
        let report = w.grantry.account_report(account.id).expect("report");
        assert_eq!(report["id_token"]["shape"], "jwt", "{why}");
        assert_eq!(report["id_token"]["claims"]["iss"], w.sandbox.issuer());

        // The history says the refresh failed, and why; the account stays usable.
        let history = w.grantry.activity(1).expect("activity");
        assert_eq!(history[0].kind, ActivityKind::RefreshFailed, "{why}");
        assert!(
            history[0].detail.contains("were not kept"),
            "{why}: {history:?}"
        );
        let kept = w.grantry.account(account.id).expect("account");
        assert_eq!(kept.status, AccountStatus::Valid, "{why}");
    }
    assert_eq!(w.refreshes(), 0, "no refresh counted as done");

    // The rotated refresh token kept works, and what came with it, its ID token verified, is
    // the account's now: a new access token (an ID token issued within the same second as the
    // link's can be the very same bytes: its claims and deterministic signature are).
    let before = stored(&w);
    w.grantry.refresh(account.id).await.expect("refresh");
    let after = stored(&w);
    assert_ne!(after["access_token"], before["access_token"]);
    assert_ne!(after["access_token"], linked["access_token"]);
    assert!(after["id_token"].is_string(), "{after}");
    assert_eq!(w.refreshes(), 1);
}
