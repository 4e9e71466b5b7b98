//! The token service's consent: which programs may take an account's access token without
//! asking the person again ("Always allow"), by the path of their executable. Allowing,
//! refusing and taking back are each in the history, naming the program. This is consent and
//! an audit trail, not a wall: programs of the same user can read the keyring themselves
//! (SECURITY.md says so).

use super::{Grantry, lock};
use crate::clock;
use crate::error::Error;
use crate::model::{ActivityKind, ProgramAccess};

impl Grantry {
    /// Whether `executable` may take `account_id`'s token without asking.
    pub fn program_allowed(&self, account_id: i64, executable: &str) -> Result<bool, Error> {
        lock(&self.store).program_allowed(account_id, executable)
    }

    /// Lets `executable` take `account_id`'s token without asking again.
    pub fn allow_program(&self, account_id: i64, executable: &str) -> Result<(), Error> {
        let account = self.account(account_id)?;
        let now = clock::now();
        let store = lock(&self.store);
        store.allow_program(account_id, executable, now)?;
        let detail = format!(
            "{executable} may take the access token of {} without asking",
            account.label()
        );
        self.record_by(
            &store,
            ActivityKind::ProgramAllowed,
            &detail,
            Some(account_id),
            Some(executable),
            now,
        )?;
        Ok(())
    }

    /// The programs that may take `account_id`'s token without asking.
    pub fn programs_with_access(&self, account_id: i64) -> Result<Vec<ProgramAccess>, Error> {
        self.account(account_id)?;
        lock(&self.store).programs(account_id)
    }

    /// Takes back `executable`'s permission for `account_id`: it is asked again next time.
    pub fn remove_program(&self, account_id: i64, executable: &str) -> Result<(), Error> {
        let account = self.account(account_id)?;
        let now = clock::now();
        let store = lock(&self.store);
        if !store.remove_program(account_id, executable)? {
            return Err(Error::InvalidInput(format!(
                "{executable} has no access to account {account_id}"
            )));
        }
        let detail = format!(
            "{executable} must ask again for the access token of {}",
            account.label()
        );
        self.record_by(
            &store,
            ActivityKind::ProgramRemoved,
            &detail,
            Some(account_id),
            Some(executable),
            now,
        )?;
        Ok(())
    }

    /// Notes that `executable` took `account_id`'s token, for "last used".
    pub fn program_used(&self, account_id: i64, executable: &str) -> Result<(), Error> {
        lock(&self.store).program_used(account_id, executable, clock::now())
    }

    /// Records that `program` asked for `account_id`'s token and got none, and `why`.
    pub fn token_refused(&self, account_id: i64, program: &str, why: &str) -> Result<(), Error> {
        let account = self.account(account_id)?;
        let detail = format!(
            "{program} asked for the access token of {} and got none: {why}",
            account.label()
        );
        self.record_by(
            &lock(&self.store),
            ActivityKind::TokenRefused,
            &detail,
            Some(account_id),
            Some(program),
            clock::now(),
        )?;
        Ok(())
    }
}
