//! `grantry accounts`: the linked accounts, with their status and when their access expires,
//! and, beneath, why refreshing an account keeps failing.

use clap::Args;
use grantry_core::{AccountStatus, AccountSummary, Error, Grantry, now};

use crate::output::{local_time, name_of, print, relative, table};

#[derive(Args)]
pub struct AccountsArgs {}

pub fn run(json: bool, grantry: &Grantry, _args: &AccountsArgs) -> Result<(), Error> {
    let accounts = grantry.accounts()?;
    print(json, &accounts, || {
        if accounts.is_empty() {
            return "No accounts linked yet: `grantry link sandbox` links one at the built-in sandbox.".into();
        }
        let now = now();
        let rows: Vec<Vec<String>> = accounts
            .iter()
            .map(|a| {
                let expiry = match a.access_expires_at {
                    Some(at) if at > now => relative(at, now),
                    Some(at) => format!("expired {}", relative(at, now)),
                    None => "-".into(),
                };
                let status = match failing(a) {
                    Some(_) => format!("{} (refresh failing)", name_of(&a.status)),
                    None => name_of(&a.status),
                };
                vec![
                    a.id.to_string(),
                    format!("{}/{}", a.provider, a.environment),
                    a.display_name.clone().unwrap_or_default(),
                    a.email.clone().unwrap_or_default(),
                    status,
                    expiry,
                    a.scope_count.to_string(),
                ]
            })
            .collect();
        let mut text = table(
            &[
                "ID", "PROVIDER", "NAME", "EMAIL", "STATUS", "EXPIRES", "SCOPES",
            ],
            &rows,
        );
        let notes: Vec<String> = accounts.iter().filter_map(failing).collect();
        if !notes.is_empty() {
            text = format!("{text}\n\n{}", notes.join("\n"));
        }
        text
    });
    Ok(())
}

/// "Account 3: refreshing has failed 2 times since 2026-03-01 14:05:09: <the last error>", for
/// a valid account whose refreshes keep failing (one that needs re-linking says so already).
fn failing(account: &AccountSummary) -> Option<String> {
    let failing = account
        .failing_refresh
        .as_ref()
        .filter(|_| account.status == AccountStatus::Valid)?;
    let times = match failing.failures {
        1 => "once".to_owned(),
        n => format!("{n} times"),
    };
    // The error may quote the provider: a line break in it must not start a line of its own.
    let error = failing.last_error.replace(['\n', '\r', '\t'], " ");
    Some(format!(
        "Account {}: refreshing has failed {times} since {}: {error}",
        account.id,
        local_time(failing.since)
    ))
}
