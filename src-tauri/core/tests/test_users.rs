//! `grantry_core::test_users::link_test_user`, the step the CLI's `link --users` and the app's
//! Sandbox screen take for each test user, and the built-in provider following the sandbox as
//! the app stops and starts it (`Grantry::adopt_sandbox`).

use crate::support;

use grantry_core::ErrorCode;
use grantry_core::test_users::link_test_user;
use grantry_sandbox::robot;
use support::{allow, world};

async fn robot_consent(url: String, user: &str) -> Result<String, String> {
    robot::consent(&url, &allow(user))
        .await
        .map_err(|e| e.to_string())
}

#[tokio::test]
async fn a_test_user_is_linked_without_a_browser() {
    let w = world().await;
    let account = link_test_user(&w.grantry, "dora", None, None, |url| {
        robot_consent(url, "dora")
    })
    .await
    .expect("linked");
    assert_eq!(account.email.as_deref(), Some("dora@sandbox.grantry.test"));
    assert_eq!(account.provider, "sandbox");
    assert_eq!(w.grantry.accounts().expect("accounts").len(), 1);
}

#[tokio::test]
async fn a_bad_login_or_a_failed_consent_links_nothing() {
    let w = world().await;
    let bad = link_test_user(&w.grantry, "not a login", None, None, |_| async {
        panic!("no consent page is opened for a bad login")
    })
    .await;
    assert_eq!(w.code(bad), ErrorCode::InvalidInput);
    let refused = link_test_user(&w.grantry, "erin", None, None, |_| async {
        Err("the page was gone".to_owned())
    })
    .await
    .expect_err("no answer, no account");
    assert!(
        refused
            .to_string()
            .contains("the consent page: the page was gone"),
        "{refused}"
    );
    assert!(w.grantry.accounts().expect("accounts").is_empty());
}

#[tokio::test]
async fn the_built_in_provider_follows_the_sandbox_stopped_and_started() {
    let w = world().await;
    let offered = || {
        w.grantry
            .providers()
            .iter()
            .any(|p| p.id.as_str() == "sandbox")
    };
    assert!(offered());
    w.grantry.adopt_sandbox(None);
    assert!(!offered(), "stopped: no longer offered");
    let stopped = link_test_user(&w.grantry, "dora", None, None, |url| {
        robot_consent(url, "dora")
    })
    .await
    .expect_err("no sandbox to link at");
    assert!(stopped.to_string().contains("not running"), "{stopped}");
    w.grantry.adopt_sandbox(Some(w.sandbox.addr().port()));
    assert!(offered(), "started again: offered again");
    link_test_user(&w.grantry, "dora", None, None, |url| {
        robot_consent(url, "dora")
    })
    .await
    .expect("linked once it runs again");
}
