//! `grantry repair`: mend what an interrupted Grantry left behind: an interrupted link's tokens
//! are revoked at the provider and removed (kept for the next repair when it cannot be
//! reached), its keyring probe removed, interrupted revocations finished, accounts whose
//! tokens are missing marked as needing a new link.

use clap::Args;
use grantry_core::{Error, Grantry};

use crate::output::print;

#[derive(Args)]
pub struct RepairArgs {}

pub async fn run(json: bool, grantry: &Grantry, _args: &RepairArgs) -> Result<(), Error> {
    let report = grantry.repair().await?;
    print(json, &report, || {
        format!(
            "Removed {} orphaned keyring items ({} revoked at their provider, {} kept until it \
             can be reached) and {} probe items of interrupted links; finished {} interrupted \
             revocations; {} accounts had no tokens and need re-linking.",
            report.orphaned_secrets_removed,
            report.orphaned_grants_revoked,
            report.orphans_kept,
            report.probes_removed,
            report.revocations_finished,
            report.accounts_without_tokens
        )
    });
    Ok(())
}
