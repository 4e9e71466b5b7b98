//! `grantry history`: the activity history, newest first. People see each entry's local date
//! and time; `--json` keeps the Unix seconds the core records.

use clap::Args;
use grantry_core::{Error, Grantry};

use crate::output::{local_time, name_of, print, table};

#[derive(Args)]
pub struct HistoryArgs {
    /// How many entries.
    #[arg(long, default_value_t = 50)]
    limit: u32,
}

pub fn run(json: bool, grantry: &Grantry, args: &HistoryArgs) -> Result<(), Error> {
    let entries = grantry.activity(args.limit)?;
    print(json, &entries, || {
        let rows: Vec<Vec<String>> = entries
            .iter()
            .map(|e| {
                vec![
                    local_time(e.at),
                    name_of(&e.kind),
                    e.account_id.map(|id| id.to_string()).unwrap_or_default(),
                    e.detail.clone(),
                ]
            })
            .collect();
        table(&["AT", "WHAT", "ACCOUNT", "DETAIL"], &rows)
    });
    Ok(())
}
