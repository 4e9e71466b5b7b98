//! `grantry forget`: remove an account from this device only; its access at the provider
//! stays (`grantry revoke` ends that too).

use clap::Args;
use grantry_core::{Error, Grantry};
use serde_json::json;

use crate::output::print;

#[derive(Args)]
pub struct ForgetArgs {
    /// The account id.
    account: i64,
}

pub fn run(json: bool, grantry: &Grantry, args: &ForgetArgs) -> Result<(), Error> {
    let account = args.account;
    grantry.forget(account)?;
    print(
        json,
        &json!({"account": account, "forgotten": true}),
        || {
            format!(
                "Removed account {account} from this device. Access at the provider was not revoked."
            )
        },
    );
    Ok(())
}
