//! Repair and linking share one lock on the secrets: repair removes keyring items that no
//! account claims, and a link writes its tokens before the account that claims them, so
//! without the lock a repair in another process could delete a link's fresh tokens.

use crate::support;

use tracing::instrument::WithSubscriber;

use support::{allow, world};

/// Takes the secrets lock the way another Grantry process would.
fn hold_secrets_lock(w: &support::World) -> std::fs::File {
    let dir = w.dir.path().join("data").join("locks");
    std::fs::create_dir_all(&dir).expect("locks folder");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join("secrets.lock"))
        .expect("lock file");
    file.lock().expect("lock");
    file
}

#[tokio::test(flavor = "multi_thread")]
async fn a_link_and_a_repair_never_overlap() {
    let w = world().await;
    let back = w.answer(None, &allow("alice")).await;
    let held = hold_secrets_lock(&w);

    let (link_waits, repair_waits) = (support::Waits::default(), support::Waits::default());
    let mut linking = {
        let grantry = w.grantry.clone();
        let link = async move { grantry.finish_link(&back).await };
        tokio::spawn(link.with_subscriber(link_waits.dispatch()))
    };
    let mut repairing = {
        let grantry = w.grantry.clone();
        let repair = async move { grantry.repair().await };
        tokio::spawn(repair.with_subscriber(repair_waits.dispatch()))
    };
    // Each says it waits for the lock: known from the engine, not guessed from time.
    support::until_waiting(&link_waits, &mut linking, "the link").await;
    support::until_waiting(&repair_waits, &mut repairing, "the repair").await;
    assert!(!linking.is_finished(), "the link waits to write its tokens");
    assert!(
        !repairing.is_finished(),
        "the repair waits to look for orphans"
    );
    assert!(w.secrets.snapshot().is_empty(), "no token written yet");

    drop(held);
    let account = linking.await.expect("task").expect("linked");
    let report = repairing.await.expect("task").expect("repaired");
    assert_eq!(report.orphaned_secrets_removed, 0, "{report:?}");
    assert_eq!(w.secrets.snapshot().len(), 1, "the link's tokens are kept");
    w.grantry.refresh(account.id).await.expect("and they work");
}

/// What an interrupted link leaves: tokens in the keyring, a live grant at the provider, no
/// account. Made here by linking, forgetting the account (which keeps the grant), and putting
/// its keyring item back.
async fn interrupted_link(w: &support::World) {
    let account = w.link("alice").await;
    let items = w.secrets.snapshot();
    w.grantry.forget(account.id).expect("forget");
    for (key, value) in items {
        grantry_core::secret_store::SecretStore::put(
            w.secrets.as_ref(),
            &key,
            &grantry_core::secret::Secret::new(value),
        )
        .expect("put back");
    }
    assert!(w.grantry.accounts().expect("accounts").is_empty());
}

async fn grant_is_live(w: &support::World) -> bool {
    let grants = w.sandbox_grants().await;
    assert_eq!(grants.as_array().map(Vec::len), Some(1), "{grants}");
    grants[0]["revoked"].is_null()
}

#[tokio::test]
async fn an_interrupted_links_grant_is_revoked_at_the_provider() {
    let w = world().await;
    interrupted_link(&w).await;
    assert!(grant_is_live(&w).await);
    let report = w.grantry.repair().await.expect("repair");
    assert_eq!(report.orphaned_secrets_removed, 1, "{report:?}");
    assert_eq!(report.orphaned_grants_revoked, 1, "{report:?}");
    assert!(!grant_is_live(&w).await, "nobody could revoke it later");
    assert!(w.secrets.snapshot().is_empty());
    let history = w.grantry.activity(1).expect("history");
    assert!(
        history[0].detail.contains("revoked at the provider"),
        "{}",
        history[0].detail
    );
}

#[tokio::test]
async fn an_orphan_whose_provider_is_down_is_kept_for_the_next_repair() {
    let w = world().await;
    interrupted_link(&w).await;
    w.fault(r#"{"endpoint":"revoke","kind":"status","status":503}"#)
        .await;
    let report = w.grantry.repair().await.expect("repair");
    assert_eq!(report.orphans_kept, 1, "{report:?}");
    assert_eq!(report.orphaned_secrets_removed, 0, "{report:?}");
    assert_eq!(w.secrets.snapshot().len(), 1, "kept to revoke later");
    assert!(grant_is_live(&w).await);

    w.fault_clear().await;
    let report = w.grantry.repair().await.expect("repair again");
    assert_eq!(report.orphaned_grants_revoked, 1, "{report:?}");
    assert!(!grant_is_live(&w).await);
    assert!(w.secrets.snapshot().is_empty());
}

#[tokio::test]
async fn an_orphan_of_a_provider_no_longer_configured_is_removed_and_said_so() {
    let w = world().await;
    let (bobs, installation) = bob_linked(&w).await;
    let key = grantry_core::secret_store::token_items::key(
        &installation,
        "gone",
        "production",
        "someone",
    );
    let tokens = r#"{"access_token":"orphaned-access-token-1234"}"#;
    grantry_core::secret_store::SecretStore::put(
        w.secrets.as_ref(),
        &key,
        &grantry_core::secret::Secret::new(tokens.to_owned()),
    )
    .expect("put");
    let report = w.grantry.repair().await.expect("repair");
    assert_eq!(report.orphaned_secrets_removed, 1, "{report:?}");
    assert_eq!(report.orphaned_grants_revoked, 0, "{report:?}");
    assert_eq!(w.secrets.snapshot().into_keys().collect::<Vec<_>>(), [bobs]);
    let history = w.grantry.activity(1).expect("history");
    assert!(
        history[0].detail.contains("may still be live"),
        "{}",
        history[0].detail
    );
}

#[tokio::test]
async fn probes_of_processes_gone_are_removed_and_a_live_ones_kept() {
    use grantry_core::secret::Secret;
    use grantry_core::secret_store::{SecretStore, token_items};

    let w = world().await;
    let (bobs, installation) = bob_linked(&w).await;
    let prefix = token_items::probe_prefix(&installation);
    // Above any pid Linux hands out (at most 2^22): that process is gone.
    let gone = format!("{prefix}99999999-0");
    let live = token_items::probe_key(&installation);
    let elsewhere = "probe/another-data-folder/99999999-0".to_owned();
    for key in [&gone, &live, &elsewhere] {
        w.secrets
            .put(key, &Secret::new("probe".to_owned()))
            .expect("put");
    }
    let report = w.grantry.repair().await.expect("repair");
    assert_eq!(report.probes_removed, 1, "{report:?}");
    let mut left: Vec<String> = w.secrets.snapshot().into_keys().collect();
    left.sort();
    let mut expected = vec![bobs, live, elsewhere];
    expected.sort();
    assert_eq!(left, expected, "only this folder's probe of a process gone");
}

/// Links bob, the only account of `w`; returns his keyring item's key and the data folder's
/// installation id it names.
async fn bob_linked(w: &support::World) -> (String, String) {
    w.link("bob").await;
    let bobs = w.secrets.snapshot().into_keys().next().expect("bob's item");
    let installation = bobs
        .split('/')
        .nth(1)
        .expect("account/{installation}/…")
        .to_owned();
    (bobs, installation)
}
