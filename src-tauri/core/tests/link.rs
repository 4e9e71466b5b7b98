//! Linking accounts against the real sandbox provider on loopback: the whole flow, partial
//! consent, re-linking, and every way a sign-in response can be wrong. Secrets go to an
//! in-memory store here; the keyring itself is exercised by the CLI tests.

use crate::support;

use grantry_core::{ActivityKind, ErrorCode, GrantryEvent, IpcError, LinkStatus, ScopeStatus};
use grantry_sandbox::Endpoint;
use grantry_sandbox::robot::Choice;
use support::{allow, world};

#[tokio::test]
async fn link_two_accounts_one_with_partial_consent() {
    let w = world().await;
    let back = w.answer(None, &allow("alice")).await;
    assert!(back.starts_with("dev.grantry:/oauth/callback?"), "{back}");
    let alice = w.grantry.finish_link(&back).await.expect("link alice");
    assert_eq!(alice.subject, "user-alice");
    assert_eq!(alice.email.as_deref(), Some("alice@sandbox.grantry.test"));
    assert_eq!(alice.display_name.as_deref(), Some("Alice Tester"));
    assert!(
        alice
            .picture_url
            .as_deref()
            .is_some_and(|p| p.ends_with(".svg"))
    );
    assert_eq!(alice.scope_count, 4);
    assert!(alice.has_refresh_token);
    assert!(alice.access_expires_at.is_some());

    let partial = Choice {
        user: "bob".into(),
        scopes: Some(vec!["openid".into(), "email".into()]),
        allow: true,
    };
    let bob = w
        .grantry
        .finish_link(&w.answer(None, &partial).await)
        .await
        .expect("link bob");
    assert_eq!(bob.scope_count, 2);
    assert!(!bob.has_refresh_token, "offline_access was declined");
    let scopes = w.grantry.scopes(bob.id).expect("scopes");
    let declined: Vec<&str> = scopes
        .iter()
        .filter(|s| s.status == ScopeStatus::Declined)
        .map(|s| s.scope.as_str())
        .collect();
    assert_eq!(declined, ["offline_access", "profile"]);
    assert!(scopes.iter().all(|s| s.source == "token_response"));

    let accounts = w.grantry.accounts().expect("accounts");
    assert_eq!(accounts.len(), 2);
    // Tokens are in the secret store, under the account's stable key, and nowhere else.
    let stored = w.secrets.snapshot();
    assert!(
        stored
            .keys()
            .any(|k| k.starts_with("account/") && k.ends_with("/sandbox/local/user-alice"))
    );
    let history = w.grantry.activity(10).expect("activity");
    assert_eq!(history[0].kind, ActivityKind::AccountLinked);
    assert_eq!(history[0].account_id, Some(bob.id));
}

#[tokio::test]
async fn relinking_the_same_user_updates_the_account() {
    let w = world().await;
    let first = w
        .grantry
        .finish_link(&w.answer(None, &allow("alice")).await)
        .await
        .expect("link");
    let narrower = Some(vec!["openid".into(), "email".into()]);
    let again = w
        .grantry
        .finish_link(&w.answer(narrower, &allow("alice")).await)
        .await
        .expect("relink");
    assert_eq!(again.id, first.id);
    assert_eq!(again.scope_count, 2);
    assert_eq!(w.grantry.accounts().expect("accounts").len(), 1);
    assert_eq!(
        w.grantry.activity(1).expect("activity")[0].kind,
        ActivityKind::AccountRelinked
    );
}

#[tokio::test]
async fn replayed_forged_and_misdirected_callbacks_change_nothing() {
    let w = world().await;
    let back = w.answer(None, &allow("alice")).await;
    w.grantry.finish_link(&back).await.expect("first use");
    let accounts = w.grantry.accounts().expect("accounts");
    let secrets = w.secrets.snapshot();
    let grants = w.sandbox_grants().await;
    let token_requests = || w.sandbox.admin().arrivals(Endpoint::Token).len();
    let asked = token_requests();
    // Replayed: the pending link was used up.
    assert_eq!(
        w.code(w.grantry.finish_link(&back).await),
        ErrorCode::InvalidCallback
    );
    // Forged: a state Grantry never issued.
    let forged = "dev.grantry:/oauth/callback?code=x&state=forged-state-value";
    assert_eq!(
        w.code(w.grantry.finish_link(forged).await),
        ErrorCode::InvalidCallback
    );
    // Wrong issuer (mix-up): the right state, but another provider's iss.
    let back = w.answer(None, &allow("bob")).await;
    let mixed = back.replace("iss=http", "iss=https");
    assert_eq!(
        w.code(w.grantry.finish_link(&mixed).await),
        ErrorCode::InvalidCallback
    );
    // Misdirected: the answer arrives somewhere the request was not sent.
    let back = w.answer(None, &allow("bob")).await;
    let elsewhere = back.replace("/oauth/callback", "/oauth/other");
    assert_eq!(
        w.code(w.grantry.finish_link(&elsewhere).await),
        ErrorCode::InvalidCallback
    );
    // Garbage.
    assert_eq!(
        w.code(w.grantry.finish_link("\u{0}not a url").await),
        ErrorCode::InvalidCallback
    );

    assert_eq!(
        w.grantry.accounts().expect("accounts"),
        accounts,
        "only the honest link, unchanged"
    );
    assert_eq!(w.secrets.snapshot(), secrets, "no token was written");
    assert_eq!(
        token_requests(),
        asked,
        "no answer reached the token endpoint"
    );
    // Had the replayed code been sent to the sandbox again, it would have revoked alice's
    // grant (a replayed code ends what it issued): her grant is as it was.
    let after = w.sandbox_grants().await;
    assert_eq!(after[0], grants[0], "alice's grant is untouched");
    assert!(
        after.as_array().expect("grants")[1..]
            .iter()
            .all(|grant| grant["revoked"].is_null()),
        "no code of bob's was used either: {after}"
    );
    let rejected = w
        .grantry
        .activity(20)
        .expect("activity")
        .into_iter()
        .filter(|e| e.kind == ActivityKind::CallbackRejected)
        .count();
    assert_eq!(rejected, 5, "every refused callback is recorded");
}

#[tokio::test]
async fn denied_consent_is_reported_and_recorded() {
    let w = world().await;
    let denied = Choice {
        allow: false,
        ..allow("alice")
    };
    let back = w.answer(None, &denied).await;
    let error = w.grantry.finish_link(&back).await.expect_err("denied");
    assert_eq!(IpcError::from(&error).code, ErrorCode::ConsentDenied);
    assert!(error.to_string().contains("denied"), "{error}");
    assert!(w.grantry.accounts().expect("accounts").is_empty());
    assert_eq!(
        w.grantry.activity(1).expect("activity")[0].kind,
        ActivityKind::LinkFailed
    );
}

#[tokio::test]
async fn discovery_issuer_must_match_exactly() {
    let w = world().await;
    let issuer = w.sandbox.issuer().to_owned();
    let endpoints = w.grantry.discover(&issuer).await.expect("discovery");
    assert_eq!(endpoints.issuer.as_deref(), Some(issuer.as_str()));
    assert!(endpoints.revocation.is_some() && endpoints.introspection.is_some());
    assert!(endpoints.iss_parameter_supported);
    let error = w
        .grantry
        .discover(&format!("{issuer}/"))
        .await
        .expect_err("trailing slash");
    assert_eq!(IpcError::from(&error).code, ErrorCode::ProviderError);
    assert!(error.to_string().contains("must match exactly"), "{error}");
    let error = w
        .grantry
        .discover("http://192.0.2.1/")
        .await
        .expect_err("not loopback");
    assert_eq!(IpcError::from(&error).code, ErrorCode::InvalidInput);
    let error = w
        .grantry
        .discover("http://127.0.0.1:9/")
        .await
        .expect_err("nobody there");
    assert_eq!(IpcError::from(&error).code, ErrorCode::ProviderUnreachable);
}

#[tokio::test]
async fn provider_faults_during_the_exchange_are_clear_errors() {
    let w = world().await;
    for (fault, expected) in [
        (
            r#"{"endpoint":"token","kind":"malformed_json"}"#,
            ErrorCode::ProviderError,
        ),
        (
            r#"{"endpoint":"token","kind":"html_error"}"#,
            ErrorCode::ProviderError,
        ),
        (
            r#"{"endpoint":"userinfo","kind":"status","status":503}"#,
            ErrorCode::ProviderError,
        ),
    ] {
        let back = w.answer(None, &allow("carol")).await;
        w.fault(fault).await;
        let error = w.grantry.finish_link(&back).await.expect_err(fault);
        assert_eq!(IpcError::from(&error).code, expected, "{fault}: {error}");
    }
    assert!(w.grantry.accounts().expect("accounts").is_empty());
}

#[tokio::test]
async fn a_wrong_client_secret_is_invalid_client() {
    use grantry_core::providers::{ClientAuth, Provider};
    use grantry_core::secret::Secret;
    let w = world().await;
    let mut provider: Provider = w.grantry.providers()[0].clone();
    provider.id = "confidential".to_owned().try_into().expect("id");
    provider.name = "Confidential".into();
    provider.environments[0].client_id = "grantry-confidential".into();
    provider.environments[0].client_auth = ClientAuth::SecretBasic;
    w.grantry.add_provider(provider).expect("add");
    let back = w.answer_at("confidential", None, &allow("alice")).await;
    let missing = w
        .grantry
        .finish_link(&back)
        .await
        .expect_err("no secret stored");
    assert_eq!(IpcError::from(&missing).code, ErrorCode::InvalidInput);
    assert!(
        missing.to_string().contains("grantry providers secret"),
        "{missing}"
    );

    w.grantry
        .set_client_secret("confidential", None, &Secret::new("guess".into()))
        .expect("store");
    let back = w.answer_at("confidential", None, &allow("alice")).await;
    let error = w
        .grantry
        .finish_link(&back)
        .await
        .expect_err("wrong secret");
    assert_eq!(IpcError::from(&error).code, ErrorCode::ProviderError);
    assert!(error.to_string().contains("invalid_client"), "{error}");

    w.grantry
        .set_client_secret("confidential", None, &Secret::new("sandbox-secret".into()))
        .expect("store");
    let back = w.answer_at("confidential", None, &allow("alice")).await;
    let linked = w.grantry.finish_link(&back).await.expect("right secret");
    assert_eq!(linked.provider, "confidential");
}

#[tokio::test]
async fn non_standard_paths_are_found_through_discovery() {
    use grantry_core::providers::Provider;
    use grantry_sandbox::{Personality, SandboxConfig};
    // The Google personality serves Google's own paths (/o/oauth2/v2/auth, /v1/userinfo, …)
    // and does not rotate refresh tokens.
    let w = support::world_with(SandboxConfig::new(Personality::Google)).await;
    let mut google: Provider = w.grantry.providers()[0].clone();
    google.id = "google-sandbox".to_owned().try_into().expect("id");
    google.name = "Google (sandbox)".into();
    let env = &mut google.environments[0];
    env.scopes = ["openid", "email", "profile"].map(str::to_owned).to_vec();
    env.extra_params
        .insert("access_type".into(), "offline".into());
    w.grantry.add_provider(google).expect("add");
    let started = w
        .grantry
        .start_link("google-sandbox", None, None, None)
        .await
        .expect("start")
        .started;
    assert!(
        started.authorization_url.contains("/o/oauth2/v2/auth?"),
        "{}",
        started.authorization_url
    );
    assert!(started.authorization_url.contains("access_type=offline"));
    let back = grantry_sandbox::robot::consent(&started.authorization_url, &allow("alice"))
        .await
        .expect("consent");
    let account = w.grantry.finish_link(&back).await.expect("link");
    assert_eq!(account.email.as_deref(), Some("alice@sandbox.grantry.test"));
    assert!(account.has_refresh_token);
    for _ in 0..2 {
        let refreshed = w
            .grantry
            .refresh(account.id)
            .await
            .expect("a non-rotating refresh token works twice");
        assert!(refreshed.has_refresh_token, "the old refresh token is kept");
    }
}

#[tokio::test]
async fn a_provider_with_manual_endpoints_links_without_discovery() {
    use grantry_core::providers::Provider;
    let w = world().await;
    let issuer = w.sandbox.issuer().to_owned();
    let mut manual: Provider = w.grantry.providers()[0].clone();
    manual.id = "manual".to_owned().try_into().expect("id");
    manual.name = "Manual endpoints".into();
    let env = &mut manual.environments[0];
    env.issuer = None;
    env.authorization_endpoint = Some(format!("{issuer}/authorize").parse().expect("url"));
    env.token_endpoint = Some(format!("{issuer}/token").parse().expect("url"));
    env.userinfo_endpoint = Some(format!("{issuer}/userinfo").parse().expect("url"));
    env.revocation_endpoint = Some(format!("{issuer}/revoke").parse().expect("url"));
    env.scopes = ["openid", "email", "offline_access"]
        .map(str::to_owned)
        .to_vec();
    w.grantry.add_provider(manual).expect("add");
    let back = w.answer_at("manual", None, &allow("bob")).await;
    // No issuer configured: the sandbox's iss is not checked, and no ID token is trusted.
    let account = w.grantry.finish_link(&back).await.expect("link");
    assert_eq!(
        account.subject, "user-bob",
        "the subject comes from the profile endpoint"
    );
    assert_eq!(account.email.as_deref(), Some("bob@sandbox.grantry.test"));
    w.grantry.refresh(account.id).await.expect("refresh");
    w.grantry.revoke(account.id).await.expect("revoke");
}

#[tokio::test]
async fn a_relink_without_a_new_refresh_token_keeps_the_one_held() {
    use grantry_core::providers::Provider;
    use grantry_sandbox::{Personality, SandboxConfig};
    // Google issues a refresh token at the first offline consent only (unless
    // `prompt=consent`): linking the same account again brings none.
    let w = support::world_with(SandboxConfig::new(Personality::Google)).await;
    let mut google: Provider = w.grantry.providers()[0].clone();
    google.id = "google-sandbox".to_owned().try_into().expect("id");
    let env = &mut google.environments[0];
    env.scopes = ["openid", "email"].map(str::to_owned).to_vec();
    env.extra_params
        .insert("access_type".into(), "offline".into());
    w.grantry.add_provider(google).expect("add");
    let link = async || {
        let back = w.answer_at("google-sandbox", None, &allow("alice")).await;
        w.grantry.finish_link(&back).await.expect("link")
    };
    let first = link().await;
    assert!(first.has_refresh_token);
    let held = w.secrets.snapshot();
    let again = link().await;
    assert_eq!(again.id, first.id);
    assert!(again.has_refresh_token, "the refresh token held is kept");
    let refresh_token = |items: &std::collections::HashMap<String, String>| {
        let item = items.values().next().expect("one item").clone();
        serde_json::from_str::<serde_json::Value>(&item).expect("json")["refresh_token"].clone()
    };
    assert_eq!(refresh_token(&w.secrets.snapshot()), refresh_token(&held));
    w.grantry
        .refresh(again.id)
        .await
        .expect("and it still refreshes");
}

/// A provider whose sandbox speaks Google's dialect, configured as Google is (`revocation =
/// "google"`), asking for a new refresh token at every consent.
async fn google_with_consent(w: &support::World) {
    use grantry_core::providers::{Provider, Revocation};
    let mut google: Provider = w.grantry.providers()[0].clone();
    google.id = "google-sandbox".to_owned().try_into().expect("id");
    let env = &mut google.environments[0];
    env.scopes = ["openid", "email"].map(str::to_owned).to_vec();
    env.extra_params
        .insert("access_type".into(), "offline".into());
    env.extra_params.insert("prompt".into(), "consent".into());
    env.revocation = Revocation::Google;
    w.grantry.add_provider(google).expect("add");
}

/// The refresh token in the (one) keyring item.
fn held_refresh_token(w: &support::World) -> String {
    let items = w.secrets.snapshot();
    assert_eq!(items.len(), 1, "one account, one item");
    let item = items.values().next().expect("one item");
    let tokens: serde_json::Value = serde_json::from_str(item).expect("json");
    tokens["refresh_token"]
        .as_str()
        .expect("a refresh token")
        .to_owned()
}

/// Whether each grant the sandbox holds is still live, oldest first.
async fn live_grants(w: &support::World) -> Vec<bool> {
    let grants = w.sandbox_grants().await;
    let grants = grants.as_array().expect("grants");
    grants.iter().map(|g| g["revoked"].is_null()).collect()
}

/// What the history says of the latest re-link.
fn relinked_detail(w: &support::World) -> String {
    let history = w.grantry.activity(10).expect("activity");
    let relinked = history
        .iter()
        .find(|e| e.kind == ActivityKind::AccountRelinked)
        .expect("a re-link recorded");
    relinked.detail.clone()
}

#[tokio::test]
async fn a_relink_revokes_the_refresh_token_it_replaces() {
    // RFC 7009 §2.1: revoking a refresh token ends its own grant. Linking the same account
    // again brings a new grant; the old one must not stay live at the provider.
    let w = world().await;
    let first = w.link("alice").await;
    let replaced = held_refresh_token(&w);
    let again = w.link("alice").await;
    assert_eq!(again.id, first.id, "the same account");
    assert_ne!(
        held_refresh_token(&w),
        replaced,
        "the new refresh token is kept"
    );
    assert_eq!(
        live_grants(&w).await,
        [false, true],
        "the old grant is gone"
    );
    w.grantry
        .refresh(again.id)
        .await
        .expect("the new one works");
    let relinked = relinked_detail(&w);
    assert!(
        relinked.contains("the refresh token it replaced was revoked"),
        "{relinked}"
    );
}

#[tokio::test]
async fn a_replaced_refresh_token_that_cannot_be_revoked_does_not_undo_the_relink() {
    let w = world().await;
    let first = w.link("alice").await;
    w.fault(r#"{"endpoint":"revoke","kind":"status","status":503}"#)
        .await;
    let again = w.link("alice").await;
    w.fault_clear().await;
    assert_eq!(again.id, first.id);
    assert_eq!(live_grants(&w).await, [true, true]);
    w.grantry
        .refresh(again.id)
        .await
        .expect("the new token works");
    let relinked = relinked_detail(&w);
    assert!(relinked.contains("could not be revoked yet"), "{relinked}");
    // The replaced token was kept aside for the next repair, which revokes it.
    let report = w.grantry.repair().await.expect("repair");
    assert_eq!(report.orphaned_grants_revoked, 1, "{report:?}");
    assert_eq!(
        live_grants(&w).await,
        [false, true],
        "the old grant is gone"
    );
    assert_eq!(
        w.secrets.snapshot().len(),
        1,
        "only the account's tokens are left"
    );
    w.grantry
        .refresh(again.id)
        .await
        .expect("the new token still works");
}

#[tokio::test]
async fn a_replaced_token_kept_aside_that_is_still_the_accounts_is_removed_not_revoked() {
    use grantry_core::secret::Secret;
    use grantry_core::secret_store::{SecretStore, token_items};
    // A re-link killed after keeping the replaced token aside, before writing the new tokens:
    // the token kept aside is the account's own.
    let w = world().await;
    let account = w.link("alice").await;
    let (key, tokens) = w.secrets.snapshot().into_iter().next().expect("its tokens");
    let installation = key
        .strip_prefix("account/")
        .and_then(|rest| rest.split('/').next())
        .expect("an account's key");
    let (provider, environment, subject) =
        token_items::parse_key(installation, &key).expect("an account's key");
    let aside = token_items::replaced_key(installation, &provider, &environment, &subject);
    w.secrets
        .put(&aside, &Secret::new(tokens))
        .expect("kept aside");
    let report = w.grantry.repair().await.expect("repair");
    assert_eq!(
        (
            report.orphaned_secrets_removed,
            report.orphaned_grants_revoked
        ),
        (1, 0),
        "{report:?}"
    );
    assert_eq!(live_grants(&w).await, [true], "the account's grant is live");
    w.grantry
        .refresh(account.id)
        .await
        .expect("and its tokens work");
}

#[tokio::test]
async fn at_google_a_replaced_refresh_token_is_left_alone() {
    use grantry_sandbox::{Personality, SandboxConfig};
    // Google's revoke ends every grant the user gave the client, the new one included.
    let w = support::world_with(SandboxConfig::new(Personality::Google)).await;
    google_with_consent(&w).await;
    let link = async || {
        let back = w.answer_at("google-sandbox", None, &allow("alice")).await;
        w.grantry.finish_link(&back).await.expect("link")
    };
    let first = link().await;
    let replaced = held_refresh_token(&w);
    let again = link().await;
    assert_eq!(again.id, first.id);
    assert_ne!(
        held_refresh_token(&w),
        replaced,
        "prompt=consent brings a new one"
    );
    assert_eq!(live_grants(&w).await, [true, true]);
    w.grantry
        .refresh(again.id)
        .await
        .expect("the new one works");
}

/// Lets the robot answer a link started for an existing account.
async fn answer_for(
    w: &support::World,
    account: i64,
    extra: &[&str],
    choice: &grantry_sandbox::robot::Choice,
) -> String {
    let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
    let started = w
        .grantry
        .start_link_for(account, &extra, None)
        .await
        .expect("start")
        .started;
    grantry_sandbox::robot::consent(&started.authorization_url, choice)
        .await
        .expect("consent")
}

fn scope_status(w: &support::World, account: i64, scope: &str) -> Option<ScopeStatus> {
    let scopes = w.grantry.scopes(account).expect("scopes");
    scopes.iter().find(|s| s.scope == scope).map(|s| s.status)
}

#[tokio::test]
async fn adding_scopes_updates_the_same_account_and_shows_what_was_declined() {
    let w = world().await;
    let asked = ["openid", "email", "offline_access"]
        .map(str::to_owned)
        .to_vec();
    let back = w.answer(Some(asked), &allow("alice")).await;
    let alice = w.grantry.finish_link(&back).await.expect("link");
    assert_eq!(alice.scope_count, 3);
    assert_eq!(scope_status(&w, alice.id, "profile"), None);

    // Ask for profile and calendar.read; the person ticks profile only.
    let keep = ["openid", "email", "offline_access", "profile"].map(str::to_owned);
    let choice = Choice {
        user: "alice".into(),
        scopes: Some(keep.to_vec()),
        allow: true,
    };
    let back = answer_for(&w, alice.id, &["profile", "calendar.read"], &choice).await;
    let updated = w.grantry.finish_link(&back).await.expect("scopes added");
    assert_eq!(updated.id, alice.id, "the same account, not a second one");
    assert_eq!(w.grantry.accounts().expect("accounts").len(), 1);
    assert_eq!(updated.scope_count, 4);
    assert_eq!(
        scope_status(&w, alice.id, "profile"),
        Some(ScopeStatus::Granted)
    );
    assert_eq!(
        scope_status(&w, alice.id, "calendar.read"),
        Some(ScopeStatus::Declined)
    );
    w.grantry.refresh(alice.id).await.expect("and it refreshes");
}

#[tokio::test]
async fn a_link_for_one_account_answered_by_another_changes_nothing() {
    let w = world().await;
    let alice = w.link("alice").await;
    let accounts = w.grantry.accounts().expect("accounts");
    let secrets = w.secrets.snapshot();
    let back = answer_for(&w, alice.id, &["calendar.read"], &allow("bob")).await;
    let error = w
        .grantry
        .finish_link(&back)
        .await
        .expect_err("bob is not alice");
    assert_eq!(IpcError::from(&error).code, ErrorCode::WrongAccount);
    assert!(
        error.to_string().contains("alice@sandbox.grantry.test"),
        "{error}"
    );
    assert!(
        error.to_string().contains("bob@sandbox.grantry.test"),
        "{error}"
    );
    assert_eq!(w.grantry.accounts().expect("accounts"), accounts);
    assert_eq!(w.secrets.snapshot(), secrets);
    // Bob's grant, which nobody here holds, was revoked; alice's lives on.
    assert_eq!(live_grants(&w).await, [true, false]);
    w.grantry
        .refresh(alice.id)
        .await
        .expect("alice still refreshes");
}

#[tokio::test]
async fn relinking_an_account_that_needs_it_lands_on_the_same_account() {
    let w = world().await;
    let alice = w.link("alice").await;
    w.fault(r#"{"kind":"invalid_grant","user":"alice","count":1}"#)
        .await;
    let _ = w.grantry.refresh(alice.id).await;
    let marked = w.grantry.account(alice.id).expect("kept");
    assert_eq!(marked.status, grantry_core::AccountStatus::NeedsRelink);

    let back = answer_for(&w, alice.id, &[], &allow("alice")).await;
    let relinked = w.grantry.finish_link(&back).await.expect("relinked");
    assert_eq!(relinked.id, alice.id);
    assert_eq!(relinked.status, grantry_core::AccountStatus::Valid);
    assert_eq!(relinked.status_reason, None);
    assert_eq!(relinked.scope_count, alice.scope_count);
    w.grantry.refresh(alice.id).await.expect("refreshes again");
}

#[tokio::test]
async fn scopes_with_spaces_are_refused_before_anything_starts() {
    let w = world().await;
    let alice = w.link("alice").await;
    let bad = ["two words".to_owned()];
    assert_eq!(
        w.code(w.grantry.start_link_for(alice.id, &bad, None).await),
        ErrorCode::InvalidInput
    );
    assert_eq!(
        w.code(w.grantry.start_link_for(999, &[], None).await),
        ErrorCode::UnknownAccount
    );
}

/// The `state` of a consent answer, as the window knows its link by.
fn state_of(answer: &str) -> String {
    url::Url::parse(answer)
        .expect("an answer URL")
        .query_pairs()
        .find(|(key, _)| key == "state")
        .map(|(_, value)| value.into_owned())
        .expect("a state")
}

#[tokio::test]
async fn how_a_link_stands_can_be_asked_after_its_event_was_missed() {
    let w = world().await;
    // Waiting: started, not answered.
    let back = w.answer(None, &allow("alice")).await;
    let link = state_of(&back);
    assert_eq!(w.grantry.link_status(&link), LinkStatus::Waiting);
    // Linked: the answer came and nobody was listening; the window asks afterwards.
    let alice = w.grantry.finish_link(&back).await.expect("link alice");
    assert_eq!(
        w.grantry.link_status(&link),
        LinkStatus::Linked {
            account: Box::new(alice)
        }
    );
    // A replay of the same answer is refused, and does not turn the link into a failure.
    assert!(w.grantry.finish_link(&back).await.is_err());
    assert!(matches!(
        w.grantry.link_status(&link),
        LinkStatus::Linked { .. }
    ));
    // Failed: consent denied.
    let denied = w
        .answer(
            None,
            &Choice {
                allow: false,
                ..allow("bob")
            },
        )
        .await;
    let _ = w.grantry.finish_link(&denied).await;
    match w.grantry.link_status(&state_of(&denied)) {
        LinkStatus::Failed { error } => assert_eq!(error.code, ErrorCode::ConsentDenied),
        other => panic!("expected a failure: {other:?}"),
    }
    // Unknown: a made-up state, and a cancelled link.
    assert_eq!(w.grantry.link_status("made-up"), LinkStatus::Unknown);
    let cancelled = state_of(&w.answer(None, &allow("carol")).await);
    assert!(w.grantry.cancel_link(&cancelled));
    assert_eq!(w.grantry.link_status(&cancelled), LinkStatus::Unknown);
}

#[tokio::test]
async fn forged_answers_cannot_crowd_out_how_a_real_link_ended() {
    let w = world().await;
    let back = w.answer(None, &allow("alice")).await;
    let link = state_of(&back);
    w.grantry.finish_link(&back).await.expect("link alice");
    w.events.take();
    for n in 0..500 {
        let forged = format!("dev.grantry:/oauth/callback?code=x&state=forged-{n}");
        assert!(w.grantry.finish_link(&forged).await.is_err());
    }
    assert!(matches!(
        w.grantry.link_status(&link),
        LinkStatus::Linked { .. }
    ));
    // Answers to no link of ours are recorded in the history, but no link is told it failed.
    let told: Vec<_> = w
        .events
        .take()
        .into_iter()
        .filter(|e| matches!(e, GrantryEvent::LinkFailed { .. }))
        .collect();
    assert!(told.is_empty(), "{told:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_relink_waits_for_a_refresh_under_way_and_its_tokens_are_the_ones_kept() {
    use tracing::instrument::WithSubscriber;

    let w = world().await;
    let alice = w.link("alice").await;
    // A refresh of alice is stopped at the provider, with the account in its hands.
    let hold = w.hold(Endpoint::Token);
    let refreshing = {
        let grantry = w.grantry.clone();
        tokio::spawn(async move { grantry.refresh(alice.id).await })
    };
    w.until_held(hold).await;
    // Meanwhile she links again: a new grant, its code exchanged (the hold took one request).
    let back = w.answer(None, &allow("alice")).await;
    let waits = support::Waits::default();
    let mut relinking = {
        let grantry = w.grantry.clone();
        let relink = async move { grantry.finish_link(&back).await };
        tokio::spawn(relink.with_subscriber(waits.dispatch()))
    };
    support::until_waiting(&waits, &mut relinking, "the re-link during the refresh").await;
    assert!(
        !relinking.is_finished(),
        "the re-link waits for the refresh"
    );
    w.release(hold);
    refreshing.await.expect("task").expect("refreshed");
    relinking.await.expect("task").expect("linked again");

    // What is kept is the re-link's: its refresh token belongs to the newest grant, which is
    // live; the refreshed one's grant was revoked as the token it replaced.
    let grants = w.sandbox_grants().await;
    let grants = grants.as_array().expect("grants");
    assert_eq!(grants.len(), 2, "{grants:?}");
    assert!(
        grants[1]["revoked"].is_null(),
        "the new grant is live: {grants:?}"
    );
    assert!(
        !grants[0]["revoked"].is_null(),
        "the old one was revoked: {grants:?}"
    );
    let refreshed = w.grantry.refresh(alice.id).await;
    assert!(
        refreshed.is_ok(),
        "the kept refresh token works: {refreshed:?}"
    );
}
