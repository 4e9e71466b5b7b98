//! `grantry refresh`: refresh one account's tokens now, or every account's with `--all`,
//! several at a time overall and per provider. A batch reports each account and fails with
//! its first failure. An account that comes to need a new link says why (`cause` beside the
//! error with `--json`).

use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use grantry_core::{BreakCause, Error, Grantry, IpcError, RefreshAllOutcome, RefreshLimits, now};
use serde_json::json;

use crate::output::{exit_code, first_failure, print, span, terminal_safe};

#[derive(Args)]
pub struct RefreshArgs {
    /// The account id.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    account: Option<i64>,
    /// Refresh every account that has a refresh token.
    #[arg(long)]
    all: bool,
    /// With --all: how many refreshes at once, overall.
    #[arg(long, default_value_t = RefreshLimits::DEFAULT.overall, value_parser = at_least_one)]
    concurrency: usize,
    /// With --all: how many refreshes at once against any one provider environment.
    #[arg(long, default_value_t = RefreshLimits::DEFAULT.per_provider, value_parser = at_least_one)]
    per_provider: usize,
}

/// A limit of 1 to 256: 0 would never refresh anything.
fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n @ 1..=256) => Ok(n),
        _ => Err(format!("{text:?} is not a number from 1 to 256")),
    }
}

/// Why `account` needs a new link, when that was worked out.
fn cause_of(grantry: &Grantry, account: i64) -> Option<BreakCause> {
    grantry
        .account_detail(account, Default::default(), 0)
        .ok()
        .and_then(|detail| detail.break_cause)
}

pub async fn run(
    json: bool,
    grantry: &Arc<Grantry>,
    args: &RefreshArgs,
) -> Result<ExitCode, Error> {
    if !args.all {
        let id = args
            .account
            .ok_or_else(|| Error::InvalidInput("name an account, or --all".into()))?;
        let refreshed = match grantry.refresh(id).await {
            Err(error @ Error::NeedsRelink { .. }) if json => {
                let failed = IpcError::from(&error);
                let cause = cause_of(grantry, id);
                println!("{}", json!({"error": failed, "cause": cause}));
                return Ok(ExitCode::from(exit_code(failed.code)));
            }
            outcome => outcome?,
        };
        print(json, &refreshed, || {
            let expiry = refreshed
                .access_expires_at
                .map(|at| {
                    let left = u64::try_from(at.saturating_sub(now())).unwrap_or(0);
                    format!(", valid for {}", span(left))
                })
                .unwrap_or_default();
            format!("Refreshed account {id}{expiry}.")
        });
        return Ok(ExitCode::SUCCESS);
    }
    let limits = RefreshLimits {
        overall: args.concurrency,
        per_provider: args.per_provider,
    };
    let outcomes = grantry
        .refresh_all_telling(limits, |step| {
            if !json {
                let what = match step.outcome {
                    Ok(_) => "refreshed".to_owned(),
                    Err(error) => format!("failed: {error}"),
                };
                let line = format!(
                    "[{}/{}] account {}: {what}",
                    step.done, step.total, step.account
                );
                eprintln!("{}", terminal_safe(&line));
            }
        })
        .await?;
    let report: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|(id, outcome)| match outcome {
            Ok(account) => {
                json!({"account": id, "ok": true, "access_expires_at": account.access_expires_at})
            }
            Err(error) => {
                let cause = cause_of(grantry, *id);
                json!({"account": id, "ok": false, "error": IpcError::from(error), "cause": cause})
            }
        })
        .collect();
    // Each account's outcome went to stderr as it ended; the summary names the failures.
    let summary = RefreshAllOutcome::of(&outcomes);
    print(json, &report, || {
        let mut text = format!(
            "Refreshed {} of {} accounts.",
            summary.refreshed, summary.total
        );
        if !summary.failures.is_empty() {
            let failed: Vec<String> = summary
                .failures
                .iter()
                .map(|f| f.account.to_string())
                .collect();
            text.push_str(&format!(" Failed: account {}.", failed.join(", ")));
        }
        text
    });
    first_failure(outcomes)?;
    Ok(ExitCode::SUCCESS)
}
