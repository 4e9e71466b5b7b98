//! `grantry export`: a JSON report of every account, its scopes and the history, without
//! secrets. It is JSON with or without `--json`.

use clap::Args;
use grantry_core::{Error, Grantry};

use crate::output::print;

#[derive(Args)]
pub struct ExportArgs {}

pub fn run(grantry: &Grantry, _args: &ExportArgs) -> Result<(), Error> {
    let report = grantry.export()?;
    print(true, &report, String::new);
    Ok(())
}
