//! `grantry accounts`: the linked accounts, with their status and when their access expires.

use clap::Args;
use grantry_core::{Error, Grantry, now};

use crate::output::{name_of, print, table};

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
                    Some(at) if at > now => format!("in {} min", (at - now) / 60),
                    Some(_) => "expired".into(),
                    None => "-".into(),
                };
                vec![
                    a.id.to_string(),
                    format!("{}/{}", a.provider, a.environment),
                    a.display_name.clone().unwrap_or_default(),
                    a.email.clone().unwrap_or_default(),
                    name_of(&a.status),
                    expiry,
                    a.scope_count.to_string(),
                ]
            })
            .collect();
        table(
            &[
                "ID", "PROVIDER", "NAME", "EMAIL", "STATUS", "EXPIRES", "SCOPES",
            ],
            &rows,
        )
    });
    Ok(())
}
