//! `grantry http-log` (also `grantry exchanges`): an account's HTTP exchanges with its
//! provider, newest first, with secrets masked by the core before they were recorded.

use clap::Args;
use grantry_core::{Error, Grantry};

use crate::output::{local_time, print};

#[derive(Args)]
pub struct HttpLogArgs {
    /// The account id.
    account: i64,
    /// How many exchanges, at most.
    #[arg(long, default_value_t = 20)]
    limit: u32,
    /// Only the exchanges of this operation: link, refresh, revoke, check_scopes,
    /// revoke_scope.
    #[arg(long)]
    operation: Option<String>,
}

pub fn run(json: bool, grantry: &Grantry, args: &HttpLogArgs) -> Result<(), Error> {
    // An unknown account is an error, not an empty list.
    grantry.account(args.account)?;
    let kept = grantry.http_log(args.account, grantry_core::store::HTTP_LOG_KEPT)?;
    let exchanges: Vec<_> = kept
        .into_iter()
        .filter(|e| args.operation.is_none() || e.operation == args.operation)
        .take(usize::try_from(args.limit).unwrap_or(usize::MAX))
        .collect();
    print(json, &exchanges, || {
        exchanges
            .iter()
            .map(|e| {
                let status = e
                    .status
                    .map_or_else(|| "no answer".to_owned(), |s| s.to_string());
                let operation = e.operation.as_deref().unwrap_or("?");
                let mut text = format!(
                    "{}  [{operation}] {} {} -> {status} ({} ms)",
                    local_time(e.at),
                    e.method,
                    e.url,
                    e.duration_ms
                );
                if !e.request_body.is_empty() {
                    text.push_str(&format!("\n  sent: {}", e.request_body));
                }
                if !e.response_body.is_empty() {
                    text.push_str(&format!("\n  got:  {}", e.response_body));
                }
                if let Some(error) = &e.error {
                    text.push_str(&format!("\n  error: {error}"));
                }
                text
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}
