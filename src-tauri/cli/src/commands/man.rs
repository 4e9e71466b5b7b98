//! `grantry man` (hidden, for packaging): the manual page `grantry.1` in roff on standard
//! output, or with `--dir` written there together with one page per command
//! (`grantry-link.1`, `grantry-providers-add.1`…), from the same argument definitions as
//! `--help`. `make release` gzips them for the .deb.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use grantry_core::Error;

#[derive(Args)]
pub struct ManArgs {
    /// Write grantry.1 and one page per command into this folder instead of printing
    /// grantry.1.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

pub fn run(cli: clap::Command, args: &ManArgs) -> Result<(), Error> {
    let failed = |e: std::io::Error| Error::InvalidInput(format!("cannot write the man page: {e}"));
    match &args.dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(failed)?;
            clap_mangen::generate_to(cli, dir).map_err(failed)
        }
        None => {
            let mut page = Vec::new();
            // As the pages of --dir: `help` is `--help`, which each page describes.
            clap_mangen::Man::new(cli.disable_help_subcommand(true))
                .render(&mut page)
                .map_err(failed)?;
            std::io::stdout().write_all(&page).map_err(failed)
        }
    }
}
