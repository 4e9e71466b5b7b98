//! Repair and linking share one lock on the secrets: repair removes keyring items that no
//! account claims, and a link writes its tokens before the account that claims them, so
//! without the lock a repair in another process could delete a link's fresh tokens.

mod support;

use std::time::Duration;

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

    let linking = {
        let grantry = w.grantry.clone();
        tokio::spawn(async move { grantry.finish_link(&back).await })
    };
    let repairing = {
        let grantry = w.grantry.clone();
        tokio::task::spawn_blocking(move || grantry.repair())
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
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
