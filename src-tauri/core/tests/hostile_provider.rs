//! A provider that answers what no provider should: a token response too large to read, a
//! redirect elsewhere, a lifetime that is negative or not a number (an absurdly large one is
//! clamped: `src/oauth/code_exchange.rs`), an ID token with another nonce, audience or issuer,
//! expired, badly signed, forged (`alg: none`, HS256 keyed with the public key) or missing.
//! Each is played by the sandbox's
//! faults (`src-tauri/sandbox/src/faults.rs`); the client (`src/oauth/http.rs`) refuses the
//! answer with a clear error, follows no redirect, and stores nothing.

use crate::support;

use grantry_core::{ErrorCode, IpcError};
use support::{allow, stranger, world};

#[tokio::test]
async fn a_token_answer_over_the_size_limit_is_refused_while_it_is_read() {
    let w = world().await;
    let back = w.answer(None, &allow("alice")).await;
    w.fault(r#"{"endpoint":"token","kind":"oversized","bytes":3000000}"#)
        .await;
    let error = w.grantry.finish_link(&back).await.expect_err("too large");
    assert!(
        error.to_string().contains("larger than 1048576 bytes"),
        "{error}"
    );
    assert_eq!(
        IpcError::from(&error).code,
        ErrorCode::ResponseTooLarge,
        "the provider was reached: {error}"
    );
    assert!(w.grantry.accounts().expect("accounts").is_empty());

    // Just under the limit is read (and refused for what it is: no token type).
    let back = w.answer(None, &allow("alice")).await;
    w.fault(r#"{"endpoint":"token","kind":"oversized","bytes":1000000}"#)
        .await;
    let error = w.grantry.finish_link(&back).await.expect_err("not a token");
    assert!(!error.to_string().contains("larger than"), "{error}");
}

#[tokio::test]
async fn a_redirect_from_the_token_endpoint_is_not_followed() {
    let w = world().await;
    let (port, heard) = stranger("{}").await;
    let elsewhere = format!("http://127.0.0.1:{port}/elsewhere");
    for status in [301, 302, 307, 308] {
        let back = w.answer(None, &allow("alice")).await;
        w.fault(&format!(
            r#"{{"endpoint":"token","kind":"redirect","status":{status},"location":"{elsewhere}"}}"#
        ))
        .await;
        let error = w.grantry.finish_link(&back).await.expect_err("redirected");
        assert_eq!(
            IpcError::from(&error).code,
            ErrorCode::ProviderError,
            "{status}: {error}"
        );
    }
    let heard = heard.lock().expect("heard");
    assert!(
        heard.is_empty(),
        "the code went elsewhere: {}",
        String::from_utf8_lossy(&heard)
    );
    assert!(w.grantry.accounts().expect("accounts").is_empty());
}

#[tokio::test]
async fn lifetimes_that_are_negative_or_not_whole_numbers_are_refused() {
    let w = world().await;
    for expires_in in [r#"-5"#, r#""3600""#, r#"1.5"#, r#"{"seconds":1}"#] {
        let back = w.answer(None, &allow("alice")).await;
        w.fault(&format!(
            r#"{{"endpoint":"token","kind":"answer","status":200,"body":{{"access_token":"at","token_type":"Bearer","expires_in":{expires_in}}}}}"#
        ))
        .await;
        let error = w.grantry.finish_link(&back).await.expect_err(expires_in);
        assert_eq!(
            IpcError::from(&error).code,
            ErrorCode::ProviderError,
            "{expires_in}: {error}"
        );
        assert!(w.grantry.accounts().expect("accounts").is_empty());
    }
}

#[tokio::test]
async fn an_id_token_that_does_not_verify_links_nothing() {
    let w = world().await;
    for (fault, why) in [
        (r#""kind":"id_token_nonce","nonce":"replayed""#, "nonce"),
        (
            r#""kind":"id_token_audience","aud":"another-client""#,
            "audience",
        ),
        (r#""kind":"id_token_expired""#, "expired"),
        (r#""kind":"id_token_bad_signature""#, "signature"),
    ] {
        let back = w.answer(None, &allow("alice")).await;
        w.fault(&format!(r#"{{"endpoint":"token",{fault}}}"#)).await;
        let error = w.grantry.finish_link(&back).await.expect_err(why);
        assert_eq!(
            IpcError::from(&error).code,
            ErrorCode::ProviderError,
            "{why}: {error}"
        );
        assert!(
            error.to_string().to_lowercase().contains(why),
            "refused for another reason than {why}: {error}"
        );
        assert!(
            w.grantry.accounts().expect("accounts").is_empty(),
            "{why}: an account was stored"
        );
    }
    // The same provider, unspoiled: the link goes through.
    w.link("alice").await;
}

#[tokio::test]
async fn a_forged_id_token_links_nothing() {
    let w = world().await;
    for (fault, why) in [
        // An Unsecured JWT: nobody signed it (RFC 7519 §6).
        (r#""kind":"id_token_alg_none""#, "no signature"),
        // HS256 keyed with the provider's public key (RFC 8725 §2.1): the key is public.
        (r#""kind":"id_token_hmac""#, "hs256"),
        // Signed with the provider's key, but naming another issuer.
        (
            r#""kind":"id_token_issuer","iss":"https://evil.example""#,
            "issuer",
        ),
    ] {
        let back = w.answer(None, &allow("alice")).await;
        w.fault(&format!(r#"{{"endpoint":"token",{fault}}}"#)).await;
        let error = w.grantry.finish_link(&back).await.expect_err(why);
        assert_eq!(
            IpcError::from(&error).code,
            ErrorCode::ProviderError,
            "{why}: {error}"
        );
        assert!(
            error.to_string().to_lowercase().contains(why),
            "refused for another reason than {why}: {error}"
        );
        assert!(
            w.grantry.accounts().expect("accounts").is_empty(),
            "{why}: an account was stored"
        );
        assert!(w.secrets.snapshot().is_empty(), "{why}: tokens were kept");
    }
    w.link("alice").await;
}

#[tokio::test]
async fn an_openid_provider_answering_without_an_id_token_links_nothing_whatever_the_scopes() {
    let w = world().await;
    // The caller did not list `openid`; the request carried it anyway, as every request to a
    // provider with an issuer does, and the provider left the ID token out.
    for scopes in [Some(vec!["email".to_owned()]), None] {
        let back = w.answer(scopes.clone(), &allow("alice")).await;
        w.fault(r#"{"endpoint":"token","kind":"id_token_missing"}"#)
            .await;
        let error = w.grantry.finish_link(&back).await.expect_err("no ID token");
        assert_eq!(
            IpcError::from(&error).code,
            ErrorCode::ProviderError,
            "{scopes:?}: {error}"
        );
        assert!(error.to_string().contains("no ID token"), "{error}");
        assert!(w.grantry.accounts().expect("accounts").is_empty());
        assert!(
            w.secrets.snapshot().is_empty(),
            "{scopes:?}: tokens were kept"
        );
    }
    // The same scopes, with the ID token: linked.
    let back = w
        .answer(Some(vec!["email".to_owned()]), &allow("alice"))
        .await;
    w.grantry.finish_link(&back).await.expect("link");
}
