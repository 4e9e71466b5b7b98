//! `grantry scopes`: an account's granted and declined scopes and what each allows, as
//! recorded, or asked of the provider again with `--check` (token introspection, RFC 7662).

use clap::Args;
use grantry_core::{Error, Grantry};

use crate::output::{name_of, print, table};

#[derive(Args)]
pub struct ScopesArgs {
    /// The account id (`grantry accounts` shows it).
    account: i64,
    /// Ask the provider again (token introspection) instead of showing what is recorded.
    #[arg(long)]
    check: bool,
}

pub async fn run(json: bool, grantry: &Grantry, args: &ScopesArgs) -> Result<(), Error> {
    let scopes = if args.check {
        grantry.check_scopes(args.account).await?
    } else {
        grantry.scopes(args.account)?
    };
    print(json, &scopes, || {
        let rows: Vec<Vec<String>> = scopes
            .iter()
            .map(|s| {
                vec![
                    s.scope.clone(),
                    name_of(&s.status),
                    s.source.clone(),
                    s.description.clone().unwrap_or_default(),
                ]
            })
            .collect();
        table(&["SCOPE", "STATUS", "SOURCE", "ALLOWS"], &rows)
    });
    Ok(())
}
