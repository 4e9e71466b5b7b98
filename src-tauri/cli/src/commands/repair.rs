//! `grantry repair`: mend what an interrupted Grantry left behind: orphaned keyring items are
//! removed, interrupted revocations finished, accounts whose tokens are missing marked as
//! needing a new link.

use clap::Args;
use grantry_core::{Error, Grantry};

use crate::output::print;

#[derive(Args)]
pub struct RepairArgs {}

pub fn run(json: bool, grantry: &Grantry, _args: &RepairArgs) -> Result<(), Error> {
    let report = grantry.repair()?;
    print(json, &report, || {
        format!(
            "Removed {} orphaned keyring items; finished {} interrupted revocations; {} accounts \
             had no tokens and need re-linking.",
            report.orphaned_secrets_removed,
            report.revocations_finished,
            report.accounts_without_tokens
        )
    });
    Ok(())
}
