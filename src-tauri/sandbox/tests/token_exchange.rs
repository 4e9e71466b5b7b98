//! Token exchange (RFC 8693) at the strict personality's token endpoint
//! (src/routes/token_exchange.rs, src/store/exchange.rs): each answer of §2.2, the new token's
//! claims, and its end with the grant or the token it came from.

use crate::support;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use grantry_sandbox::Personality;
use reqwest::StatusCode;
use serde_json::Value;
use support::{CONFIDENTIAL, Harness, PUBLIC, SECRET, generic_request, start};

const GRANT: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS: &str = "urn:ietf:params:oauth:token-type:access_token";
const REFRESH: &str = "urn:ietf:params:oauth:token-type:refresh_token";
const ID: &str = "urn:ietf:params:oauth:token-type:id_token";
const API: &str = "https://api.sandbox.grantry.test";

/// Exchanges `subject` (of `kind`) as the public client, with `extra` parameters.
async fn exchange(
    h: &Harness,
    subject: &str,
    kind: &str,
    extra: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut form = vec![
        ("grant_type", GRANT),
        ("subject_token", subject),
        ("subject_token_type", kind),
        ("client_id", PUBLIC),
    ];
    form.extend_from_slice(extra);
    h.post_form("/token", &form).await
}

fn claims(jwt: &str) -> Value {
    let part = jwt.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&B64.decode(part).expect("base64url")).expect("JSON claims")
}

fn error(answer: &(StatusCode, Value)) -> (StatusCode, &str) {
    (answer.0, answer.1["error"].as_str().unwrap_or("no error"))
}

async fn linked(h: &Harness) -> Value {
    h.link(&generic_request(), "alice").await
}

#[tokio::test]
async fn an_access_token_is_exchanged_for_another_audience_and_narrower_scopes() {
    let h = start(Personality::Generic).await;
    let tokens = linked(&h).await;
    let subject = tokens["access_token"].as_str().expect("access");
    let (status, answer) = exchange(
        &h,
        subject,
        ACCESS,
        &[("audience", API), ("scope", "calendar.read")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["issued_token_type"], ACCESS);
    assert_eq!(answer["token_type"], "Bearer");
    assert_eq!(answer["scope"], "calendar.read");
    assert!(answer["expires_in"].as_u64().is_some_and(|s| s > 0));
    assert!(answer.get("refresh_token").is_none());
    let token = answer["access_token"].as_str().expect("a new token");
    assert_ne!(token, subject);
    let said = claims(token);
    assert_eq!(said["aud"], API);
    assert_eq!(said["sub"], "user-alice");
    assert_eq!(said["client_id"], PUBLIC);
    assert_eq!(said["scope"], "calendar.read");
    assert_eq!(said["iss"], h.issuer());
    assert!(said.get("act").is_none());
    // It is a real token of the sandbox's, with only its scopes: userinfo (which wants
    // `openid`) knows it and finds its scope short; introspection tells its audience.
    assert_eq!(h.userinfo_status(Some(token)).await, StatusCode::FORBIDDEN);
    let (_, about) = h
        .post_form("/introspect", &[("token", token), ("client_id", PUBLIC)])
        .await;
    assert_eq!(
        (about["active"].as_bool(), &about["aud"]),
        (Some(true), &Value::from(API))
    );

    // Without a scope, all of the subject's; the JWT type may be asked for instead.
    let (status, answer) = exchange(
        &h,
        subject,
        ACCESS,
        &[(
            "requested_token_type",
            "urn:ietf:params:oauth:token-type:jwt",
        )],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        answer["issued_token_type"],
        "urn:ietf:params:oauth:token-type:jwt"
    );
    assert_eq!(answer["scope"], tokens["scope"]);
    assert_eq!(
        claims(answer["access_token"].as_str().expect("token"))["aud"],
        PUBLIC
    );
}

#[tokio::test]
async fn asking_more_scopes_than_the_subject_token_holds_is_invalid_scope() {
    let h = start(Personality::Generic).await;
    let tokens = linked(&h).await;
    let subject = tokens["access_token"].as_str().expect("access");
    let answer = exchange(
        &h,
        subject,
        ACCESS,
        &[("scope", "calendar.read files.write")],
    )
    .await;
    assert_eq!(error(&answer), (StatusCode::BAD_REQUEST, "invalid_scope"));
    assert!(
        answer.1["error_description"]
            .as_str()
            .is_some_and(|d| d.contains("files.write")),
        "{}",
        answer.1
    );
}

#[tokio::test]
async fn an_audience_or_resource_the_sandbox_does_not_know_is_invalid_target() {
    let h = start(Personality::Generic).await;
    let tokens = linked(&h).await;
    let subject = tokens["access_token"].as_str().expect("access");
    for (name, target) in [
        ("audience", "https://api.example.com"),
        ("audience", "http://api.sandbox.grantry.test"),
        ("audience", "no-such-client"),
        ("resource", "https://api.sandbox.grantry.test/#part"),
        ("resource", "https://sandbox.grantry.test.example.com/"),
    ] {
        let answer = exchange(&h, subject, ACCESS, &[(name, target)]).await;
        assert_eq!(
            error(&answer),
            (StatusCode::BAD_REQUEST, "invalid_target"),
            "{name}={target}"
        );
    }
    // A registered client's id and a resource under the sandbox's host are known, together.
    let (status, answer) = exchange(
        &h,
        subject,
        ACCESS,
        &[
            ("audience", CONFIDENTIAL),
            ("resource", "https://files.sandbox.grantry.test/v1"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let aud = &claims(answer["access_token"].as_str().expect("token"))["aud"];
    assert_eq!(
        aud,
        &serde_json::json!([CONFIDENTIAL, "https://files.sandbox.grantry.test/v1"])
    );
}

#[tokio::test]
async fn a_revoked_expired_unknown_or_mistyped_subject_token_is_invalid_grant() {
    let h = start(Personality::Generic).await;
    let tokens = linked(&h).await;
    let subject = tokens["access_token"].as_str().expect("access");
    let refresh = tokens["refresh_token"].as_str().expect("refresh");
    let unknown = exchange(&h, "sbx_at_unknown", ACCESS, &[]).await;
    assert_eq!(error(&unknown), (StatusCode::BAD_REQUEST, "invalid_grant"));
    // An access token named a refresh token, and the other way round.
    let mistyped = exchange(&h, subject, REFRESH, &[]).await;
    assert_eq!(error(&mistyped), (StatusCode::BAD_REQUEST, "invalid_grant"));
    let mistyped = exchange(&h, refresh, ACCESS, &[]).await;
    assert_eq!(error(&mistyped), (StatusCode::BAD_REQUEST, "invalid_grant"));
    // The refresh token itself may be exchanged while it is live.
    let (status, answer) = exchange(&h, refresh, REFRESH, &[("audience", API)]).await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    // Every access token expires: the subject with them.
    assert_eq!(
        h.admin("/expire-tokens", serde_json::json!({})).await,
        StatusCode::OK
    );
    let expired = exchange(&h, subject, ACCESS, &[]).await;
    assert_eq!(error(&expired), (StatusCode::BAD_REQUEST, "invalid_grant"));
    assert!(
        expired.1["error_description"]
            .as_str()
            .is_some_and(|d| d.contains("expired"))
    );

    // The client revokes the grant: its refresh token is refused as a subject too.
    let (status, _) = h
        .post_form("/revoke", &[("token", refresh), ("client_id", PUBLIC)])
        .await;
    assert_eq!(status, StatusCode::OK);
    let revoked = exchange(&h, refresh, REFRESH, &[]).await;
    assert_eq!(error(&revoked), (StatusCode::BAD_REQUEST, "invalid_grant"));
    assert!(
        revoked.1["error_description"]
            .as_str()
            .is_some_and(|d| d.contains("revoked"))
    );
}

#[tokio::test]
async fn unsupported_token_types_and_malformed_requests_are_invalid_request() {
    let h = start(Personality::Generic).await;
    let tokens = linked(&h).await;
    let subject = tokens["access_token"].as_str().expect("access");
    let saml = "urn:ietf:params:oauth:token-type:saml2";
    for extra in [
        vec![("requested_token_type", REFRESH)],
        vec![("requested_token_type", ID)],
        vec![("requested_token_type", "bearer")],
        vec![("actor_token", subject)],
        vec![("actor_token_type", ACCESS)],
        vec![("actor_token", subject), ("actor_token_type", saml)],
    ] {
        let answer = exchange(&h, subject, ACCESS, &extra).await;
        assert_eq!(
            error(&answer),
            (StatusCode::BAD_REQUEST, "invalid_request"),
            "{extra:?}"
        );
    }
    let answer = exchange(&h, subject, saml, &[]).await;
    assert_eq!(error(&answer), (StatusCode::BAD_REQUEST, "invalid_request"));
    let answer = exchange(&h, subject, "", &[]).await;
    assert_eq!(error(&answer), (StatusCode::BAD_REQUEST, "invalid_request"));
    let answer = exchange(&h, "", ACCESS, &[]).await;
    assert_eq!(error(&answer), (StatusCode::BAD_REQUEST, "invalid_request"));
}

#[tokio::test]
async fn the_client_authenticates_and_may_exchange_only_tokens_it_holds() {
    let h = start(Personality::Generic).await;
    let tokens = linked(&h).await;
    let subject = tokens["access_token"].as_str().expect("access");
    let as_confidential = |secret: &'static str, token: String| {
        let h = &h;
        async move {
            h.post_form(
                "/token",
                &[
                    ("grant_type", GRANT),
                    ("subject_token", &token),
                    ("subject_token_type", ACCESS),
                    ("client_id", CONFIDENTIAL),
                    ("client_secret", secret),
                ],
            )
            .await
        }
    };
    let wrong = as_confidential("wrong", subject.to_owned()).await;
    assert_eq!(error(&wrong), (StatusCode::UNAUTHORIZED, "invalid_client"));
    // Alice's token was issued to the public client, not to this one.
    let not_its = as_confidential(SECRET, subject.to_owned()).await;
    assert_eq!(error(&not_its), (StatusCode::BAD_REQUEST, "invalid_grant"));
    // Exchanged for it, it is its to exchange again (a service passing the user on).
    let (_, for_it) = exchange(&h, subject, ACCESS, &[("audience", CONFIDENTIAL)]).await;
    let passed = for_it["access_token"].as_str().expect("token").to_owned();
    let (status, again) = as_confidential(SECRET, passed).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    let said = claims(again["access_token"].as_str().expect("token"));
    assert_eq!(
        (&said["sub"], &said["client_id"]),
        (&Value::from("user-alice"), &Value::from(CONFIDENTIAL))
    );
}

#[tokio::test]
async fn an_id_token_may_be_the_subject_and_an_actor_is_named_in_act() {
    let h = start(Personality::Generic).await;
    let alice = linked(&h).await;
    let bob = h.link(&generic_request(), "bob").await;
    let id_token = alice["id_token"].as_str().expect("an ID token");
    let (status, answer) = exchange(
        &h,
        id_token,
        ID,
        &[
            ("audience", API),
            ("actor_token", bob["access_token"].as_str().expect("access")),
            ("actor_token_type", ACCESS),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let said = claims(answer["access_token"].as_str().expect("token"));
    assert_eq!(said["sub"], "user-alice");
    assert_eq!(said["act"]["sub"], "user-bob");
    // Exchanged again with another actor, the first stays in the chain (RFC 8693 §4.1).
    let carol = h.link(&generic_request(), "carol").await;
    let first = answer["access_token"].as_str().expect("token").to_owned();
    let (_, again) = exchange(
        &h,
        &first,
        ACCESS,
        &[
            ("actor_token", carol["id_token"].as_str().expect("id")),
            ("actor_token_type", ID),
        ],
    )
    .await;
    let said = claims(again["access_token"].as_str().expect("token"));
    assert_eq!(
        (&said["act"]["sub"], &said["act"]["act"]["sub"]),
        (&Value::from("user-carol"), &Value::from("user-bob"))
    );

    // An ID token not signed by the sandbox is refused.
    let (head, _) = id_token.rsplit_once('.').expect("a JWT");
    let forged = format!("{head}.AAAA");
    let answer = exchange(&h, &forged, ID, &[]).await;
    assert_eq!(error(&answer), (StatusCode::BAD_REQUEST, "invalid_grant"));
}

#[tokio::test]
async fn exchanged_tokens_end_with_their_grant_and_with_the_token_they_came_from() {
    let h = start(Personality::Generic).await;
    let tokens = linked(&h).await;
    let subject = tokens["access_token"].as_str().expect("access");
    let (_, one) = exchange(&h, subject, ACCESS, &[("audience", API)]).await;
    let one = one["access_token"].as_str().expect("token").to_owned();
    let (_, two) = exchange(&h, &one, ACCESS, &[]).await;
    let two = two["access_token"].as_str().expect("token").to_owned();
    assert_eq!(h.userinfo_status(Some(&two)).await, StatusCode::OK);
    // Revoking the subject access token alone ends what was exchanged from it, down the chain.
    let (status, _) = h
        .post_form("/revoke", &[("token", subject), ("client_id", PUBLIC)])
        .await;
    assert_eq!(status, StatusCode::OK);
    for token in [&one, &two] {
        assert_eq!(
            h.userinfo_status(Some(token)).await,
            StatusCode::UNAUTHORIZED
        );
    }

    // Revoking the grant (its refresh token) ends tokens exchanged from any of its tokens.
    let (_, refreshed) = h
        .refresh(tokens["refresh_token"].as_str().expect("rt"))
        .await;
    let fresh = refreshed["access_token"].as_str().expect("access");
    let (_, three) = exchange(&h, fresh, ACCESS, &[("audience", API)]).await;
    let three = three["access_token"].as_str().expect("token").to_owned();
    assert_eq!(h.userinfo_status(Some(&three)).await, StatusCode::OK);
    let (status, _) = h
        .post_form(
            "/revoke",
            &[
                ("token", refreshed["refresh_token"].as_str().expect("rt")),
                ("client_id", PUBLIC),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        h.userinfo_status(Some(&three)).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn discovery_advertises_the_grant_and_other_personalities_refuse_it() {
    let h = start(Personality::Generic).await;
    let (_, doc) = h.get_json("/.well-known/openid-configuration", None).await;
    let grants = doc["grant_types_supported"]
        .as_array()
        .expect("grant types");
    assert!(grants.contains(&Value::from(GRANT)), "{grants:?}");

    let google = start(Personality::Google).await;
    let (_, doc) = google
        .get_json("/.well-known/openid-configuration", None)
        .await;
    assert!(
        !doc["grant_types_supported"]
            .as_array()
            .expect("grants")
            .contains(&Value::from(GRANT))
    );
    let tokens = google
        .link(
            &support::Request::new("/o/oauth2/v2/auth", "openid email"),
            "alice",
        )
        .await;
    let answer = exchange(
        &google,
        tokens["access_token"].as_str().expect("access"),
        ACCESS,
        &[],
    )
    .await;
    assert_eq!(
        error(&answer),
        (StatusCode::BAD_REQUEST, "unsupported_grant_type")
    );
}
