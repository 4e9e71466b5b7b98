//! `grantry revoke`: revoke an account's access at its provider (RFC 7009), check that it
//! took, then remove it here; or, with `--pending`, retry every revocation that could not reach
//! its provider. Each revocation the provider accepted ends with a receipt: verified (and how),
//! not effective (the account is kept, exit code 15), or accepted and impossible to check.

use std::process::ExitCode;

use clap::Args;
use grantry_core::{Error, Grantry, IpcError, RevocationOutcome, RevocationReceipt};
use serde_json::json;

use crate::output::{REVOCATION_NOT_EFFECTIVE, first_failure, print};

#[derive(Args)]
pub struct RevokeArgs {
    /// The account id.
    #[arg(required_unless_present = "pending", conflicts_with = "pending")]
    account: Option<i64>,
    /// Retry every revocation that could not reach its provider.
    #[arg(long)]
    pending: bool,
}

pub async fn run(json: bool, grantry: &Grantry, args: &RevokeArgs) -> Result<ExitCode, Error> {
    if !args.pending {
        let id = args
            .account
            .ok_or_else(|| Error::InvalidInput("name an account, or --pending".into()))?;
        let receipt = grantry.revoke(id).await?;
        print(json, &as_json(&receipt), || said(&receipt));
        return Ok(ends(std::slice::from_ref(&receipt)));
    }
    let outcomes = grantry.retry_revocations().await?;
    let report: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|(id, outcome)| match outcome {
            Ok(receipt) => as_json(receipt),
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
                Ok(receipt) => format!("account {id}: {}", said(receipt)),
                Err(error) => format!("account {id}: still pending: {error}"),
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    let receipts: Vec<RevocationReceipt> = outcomes
        .iter()
        .filter_map(|(_, outcome)| outcome.as_ref().ok().cloned())
        .collect();
    first_failure(outcomes)?;
    Ok(ends(&receipts))
}

/// The receipt, with whether the account is gone (`revoked`).
fn as_json(receipt: &RevocationReceipt) -> serde_json::Value {
    let mut value = serde_json::to_value(receipt).unwrap_or_default();
    value["account"] = json!(receipt.account_id);
    value["revoked"] = json!(receipt.outcome != RevocationOutcome::NotEffective);
    value
}

/// The receipt in a sentence.
fn said(receipt: &RevocationReceipt) -> String {
    let RevocationReceipt {
        account_id,
        label,
        summary,
        ..
    } = receipt;
    match receipt.outcome {
        RevocationOutcome::Verified => format!(
            "Revoked account {account_id} ({label}) and removed it here. Verified: {summary}."
        ),
        RevocationOutcome::CannotBeChecked => {
            format!("Revoked account {account_id} ({label}) and removed it here: {summary}.")
        }
        RevocationOutcome::NotEffective => {
            let page = receipt
                .manage_url
                .as_deref()
                .map(|url| format!(", or remove Grantry's access at {url}"))
                .unwrap_or_default();
            format!(
                "The revocation of account {account_id} ({label}) did not take: {summary}. \
                 The account is kept; try again with `grantry revoke {account_id}`{page}."
            )
        }
    }
}

/// Success, unless a revocation did not take.
fn ends(receipts: &[RevocationReceipt]) -> ExitCode {
    if receipts
        .iter()
        .any(|r| r.outcome == RevocationOutcome::NotEffective)
    {
        ExitCode::from(REVOCATION_NOT_EFFECTIVE)
    } else {
        ExitCode::SUCCESS
    }
}
