//! The OS keyring, for real: store, read and delete a secret through the keyring-rs family
//! against a Secret Service. It runs only inside `scripts/test-session` (what `make test` uses),
//! which starts a throwaway gnome-keyring in a private D-Bus session with scratch folders, so
//! it can never touch the user's own keyring.

use grantry_core::secret::Secret;
use grantry_core::secret_store::{Keyring, SecretStore};

fn throwaway_keyring() -> Keyring {
    assert_eq!(
        std::env::var("GRANTRY_TEST_SECRET_SERVICE").as_deref(),
        Ok("1"),
        "this test needs the throwaway Secret Service: run it with `make test` \
         (scripts/test-session), never against your own keyring"
    );
    Keyring::secret_service("dev.grantry.test")
}

#[test]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
fn secret_round_trip_through_the_os_keyring() {
    let keyring = throwaway_keyring();
    let key = format!("round-trip/{}", std::process::id());
    let value = Secret::new("1//0refresh-token-for-test".to_owned());

    assert!(keyring.get(&key).expect("read before").is_none());
    keyring.put(&key, &value).expect("store");
    assert_eq!(keyring.get(&key).expect("read").as_ref(), Some(&value));

    let replaced = Secret::new("rotated".to_owned());
    keyring.put(&key, &replaced).expect("overwrite");
    assert_eq!(
        keyring.get(&key).expect("read again").as_ref(),
        Some(&replaced)
    );

    keyring.delete(&key).expect("delete");
    assert!(keyring.get(&key).expect("read after delete").is_none());
    keyring
        .delete(&key)
        .expect("deleting twice is not an error");
}
