//! `grantry scopes`: an account's granted and declined scopes and what each allows, as
//! recorded, or asked of the provider again with `--check` (its own way, or token
//! introspection, RFC 7662); `--revoke SCOPE` takes one back where the provider allows it.

use clap::Args;
use grantry_core::{AccountScope, Error, Grantry};

use crate::output::{name_of, print, table};

#[derive(Args)]
pub struct ScopesArgs {
    /// The account id (`grantry accounts` shows it).
    account: i64,
    /// Ask the provider again (token introspection) instead of showing what is recorded.
    #[arg(long)]
    check: bool,
    /// Take this one scope back at the provider, keeping the others (Facebook), then check.
    #[arg(long, value_name = "SCOPE", conflicts_with = "check")]
    revoke: Option<String>,
}

pub async fn run(json: bool, grantry: &Grantry, args: &ScopesArgs) -> Result<(), Error> {
    if args.check || args.revoke.is_some() {
        // With --json: `{"scopes": […], "changes": [{"scope", "before", "after"}]}`.
        let check = match &args.revoke {
            Some(scope) => grantry.revoke_scope(args.account, scope).await?,
            None => grantry.check_scopes(args.account).await?,
        };
        print(json, &check, || {
            let changed: Vec<String> = check
                .changes
                .iter()
                .map(|c| {
                    let before = c.before.as_ref().map_or("not listed".into(), name_of);
                    format!("{}: {before} -> {}", c.scope, name_of(&c.after))
                })
                .collect();
            let summary = if changed.is_empty() {
                "Nothing changed.".to_owned()
            } else {
                format!("Changed:\n  {}", changed.join("\n  "))
            };
            format!("{}\n{summary}", listing(&check.scopes))
        });
        return Ok(());
    }
    let scopes = grantry.scopes(args.account)?;
    print(json, &scopes, || listing(&scopes));
    Ok(())
}

fn listing(scopes: &[AccountScope]) -> String {
    {
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
    }
}
