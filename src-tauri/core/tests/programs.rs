//! The token service's consent (`engine/programs.rs`): a program allowed for one account is
//! allowed for that account only, until the person takes it back; every step is in the
//! history naming the program; an account's programs go with the account.

use grantry_core::{ActivityKind, ErrorCode};

use crate::support::world;

#[tokio::test]
async fn always_allow_is_per_account_and_program_until_taken_back() {
    let w = world().await;
    let alice = w.link("alice").await;
    let bob = w.link("bob").await;
    let mail = "/usr/bin/thunderbird";
    assert!(!w.grantry.program_allowed(alice.id, mail).expect("asked"));
    w.grantry.allow_program(alice.id, mail).expect("allowed");
    assert!(w.grantry.program_allowed(alice.id, mail).expect("asked"));
    assert!(
        !w.grantry.program_allowed(bob.id, mail).expect("asked"),
        "Alice's only"
    );
    assert!(
        !w.grantry
            .program_allowed(alice.id, "/usr/bin/evil")
            .expect("asked")
    );

    let listed = w.grantry.programs_with_access(alice.id).expect("listed");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].executable, mail);
    assert_eq!(listed[0].last_used, None);
    w.grantry.program_used(alice.id, mail).expect("used");
    let listed = w.grantry.programs_with_access(alice.id).expect("listed");
    assert!(listed[0].last_used.is_some());

    w.grantry.remove_program(alice.id, mail).expect("removed");
    assert!(!w.grantry.program_allowed(alice.id, mail).expect("asked"));
    assert_eq!(
        w.code(w.grantry.remove_program(alice.id, mail)),
        ErrorCode::InvalidInput,
        "nothing left to remove"
    );
    w.grantry
        .token_refused(alice.id, "/usr/bin/evil (pid 7)", "the person said no")
        .expect("recorded");

    let history = w.grantry.activity(10).expect("history");
    let kinds: Vec<(ActivityKind, Option<&str>)> = history
        .iter()
        .take(3)
        .map(|e| (e.kind, e.program.as_deref()))
        .collect();
    assert_eq!(
        kinds,
        [
            (ActivityKind::TokenRefused, Some("/usr/bin/evil (pid 7)")),
            (ActivityKind::ProgramRemoved, Some(mail)),
            (ActivityKind::ProgramAllowed, Some(mail)),
        ]
    );

    // Forgotten, the account takes its programs with it.
    w.grantry.allow_program(bob.id, mail).expect("allowed");
    w.grantry.forget(bob.id).expect("forgotten");
    assert_eq!(
        w.code(w.grantry.programs_with_access(bob.id)),
        ErrorCode::UnknownAccount
    );
    let bob_again = w.link("bob").await;
    assert!(
        !w.grantry
            .program_allowed(bob_again.id, mail)
            .expect("asked")
    );
}
