//! `grantry revoke`: revoke an account's access at its provider (RFC 7009), then remove it
//! here; or, with `--pending`, retry every revocation that could not reach its provider.

use clap::Args;
use grantry_core::{Error, Grantry, IpcError};
use serde_json::json;

use crate::output::{first_failure, print};

#[derive(Args)]
pub struct RevokeArgs {
    /// The account id.
    #[arg(required_unless_present = "pending", conflicts_with = "pending")]
    account: Option<i64>,
    /// Retry every revocation that could not reach its provider.
    #[arg(long)]
    pending: bool,
}

pub async fn run(json: bool, grantry: &Grantry, args: &RevokeArgs) -> Result<(), Error> {
    if !args.pending {
        let id = args
            .account
            .ok_or_else(|| Error::InvalidInput("name an account, or --pending".into()))?;
        grantry.revoke(id).await?;
        print(json, &json!({"account": id, "revoked": true}), || {
            format!("Revoked account {id} at its provider and removed it here.")
        });
        return Ok(());
    }
    let outcomes = grantry.retry_revocations().await?;
    let report: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|(id, outcome)| match outcome {
            Ok(()) => json!({"account": id, "revoked": true}),
            Err(error) => json!({"account": id, "revoked": false, "error": IpcError::from(error)}),
        })
        .collect();
    print(json, &report, || {
        if outcomes.is_empty() {
            return "No revocation is pending.".into();
        }
        outcomes
            .iter()
            .map(|(id, outcome)| match outcome {
                Ok(()) => format!("account {id}: revoked"),
                Err(error) => format!("account {id}: still pending: {error}"),
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    first_failure(outcomes)
}
