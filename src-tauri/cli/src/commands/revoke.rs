//! `grantry revoke`: revoke an account's access at its provider (RFC 7009), check that it
//! took, then remove it here; with `--pending`, retry every revocation that could not reach
//! its provider; with `--all` (and `--provider`, `--env`), revoke every account, or one
//! provider's or environment's, once `--yes` confirms it. Each revocation the provider
//! accepted ends with a receipt: verified (and how), not effective (the account is kept, exit
//! code 15), or accepted and impossible to check.

use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use grantry_core::{
    Error, Grantry, IpcError, RefreshLimits, RevocationOutcome, RevocationReceipt, RevokeAllScope,
};
use serde_json::json;

use crate::output::{REVOCATION_NOT_EFFECTIVE, first_failure, print, terminal_safe};

#[derive(Args)]
pub struct RevokeArgs {
    /// The account id.
    #[arg(required_unless_present_any = ["pending", "all"], conflicts_with_all = ["pending", "all"])]
    account: Option<i64>,
    /// Retry every unfinished revocation: pending, or accepted and not effective.
    #[arg(long, conflicts_with = "all")]
    pending: bool,
    /// Revoke every account (or, with --provider and --env, those of one provider or
    /// environment). Without --yes it only says how many it would revoke.
    #[arg(long)]
    all: bool,
    /// With --all: only this provider's accounts.
    #[arg(long, requires = "all")]
    provider: Option<String>,
    /// With --all and --provider: only this environment's accounts.
    #[arg(long = "env", requires = "provider")]
    environment: Option<String>,
    /// With --all: go ahead.
    #[arg(long, requires = "all")]
    yes: bool,
}

pub async fn run(json: bool, grantry: &Arc<Grantry>, args: &RevokeArgs) -> Result<ExitCode, Error> {
    if args.all {
        return all(json, grantry, args).await;
    }
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

/// `--all`: says what it would revoke, and revokes it once `--yes` confirms.
async fn all(json: bool, grantry: &Arc<Grantry>, args: &RevokeArgs) -> Result<ExitCode, Error> {
    let scope = RevokeAllScope {
        provider: args.provider.clone(),
        environment: args.environment.clone(),
    };
    let taken = grantry.accounts_to_revoke(&scope)?;
    let which = match (&scope.provider, &scope.environment) {
        (Some(provider), Some(env)) => format!(" at {provider} ({env})"),
        (Some(provider), None) => format!(" at {provider}"),
        _ => String::new(),
    };
    if !args.yes {
        let labels: Vec<&str> = taken.iter().map(|a| a.label()).collect();
        return Err(Error::InvalidInput(format!(
            "this would revoke {} account{}{which} at the provider and remove {} here ({}): \
             add --yes to go ahead",
            taken.len(),
            if taken.len() == 1 { "" } else { "s" },
            if taken.len() == 1 { "it" } else { "them" },
            if labels.is_empty() {
                "none".to_owned()
            } else {
                labels.join(", ")
            },
        )));
    }
    let outcome = grantry
        .revoke_all_telling(&scope, RefreshLimits::DEFAULT, |step| {
            if !json {
                let what = match step.outcome {
                    Ok(receipt) => said(receipt),
                    Err(error) => format!("not revoked: {error}"),
                };
                let line = format!(
                    "[{}/{}] account {}: {what}",
                    step.done, step.total, step.account
                );
                eprintln!("{}", terminal_safe(&line));
            }
        })
        .await?;
    print(json, &outcome, || {
        format!(
            "Revoked {} of {} account{}{which} ({} verified); {} not effective, {} not revoked.",
            outcome.revoked,
            outcome.total,
            if outcome.total == 1 { "" } else { "s" },
            outcome.verified,
            outcome.not_effective,
            outcome.failed,
        )
    });
    if let Some(failed) = outcome.accounts.iter().find_map(|a| a.error.clone()) {
        return Ok(ExitCode::from(crate::output::exit_code(failed.code)));
    }
    let receipts: Vec<RevocationReceipt> = outcome
        .accounts
        .iter()
        .filter_map(|a| a.receipt.clone())
        .collect();
    Ok(ends(&receipts))
}
