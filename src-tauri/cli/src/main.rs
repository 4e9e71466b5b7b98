//! `grantry`: Grantry on the command line, over the same core, data folder, database and
//! keyring as the app. Every command takes `--json`; failures exit with a code per kind
//! (see `output::exit_code`).

mod link;
mod listing;
mod output;
mod sandbox;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use grantry_core::{Error, Grantry, IpcError, Options};

#[derive(Parser)]
#[command(
    name = "grantry",
    version,
    about = "Link OAuth accounts and manage what they may do"
)]
struct Cli {
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// The data folder (default: $GRANTRY_DATA_DIR, else $XDG_DATA_HOME/dev.grantry.desktop).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// The config folder holding providers.toml (default: $GRANTRY_CONFIG_DIR, else
    /// $XDG_CONFIG_HOME/dev.grantry.desktop).
    #[arg(long, global = true, value_name = "DIR")]
    config_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List, add, discover and remove providers.
    Providers {
        #[command(subcommand)]
        action: Option<listing::ProvidersAction>,
    },
    /// Link an account: consent in the browser, then the account is stored.
    Link(link::LinkArgs),
    /// List linked accounts.
    Accounts,
    /// An account's granted and declined scopes, and what each allows.
    Scopes {
        /// The account id (`grantry accounts` shows it).
        account: i64,
        /// Ask the provider again (token introspection) instead of showing what is recorded.
        #[arg(long)]
        check: bool,
    },
    /// Refresh an account's tokens now, or every account's with --all.
    Refresh {
        /// The account id.
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        account: Option<i64>,
        /// Refresh every account that has a refresh token.
        #[arg(long)]
        all: bool,
        /// With --all: how many refreshes at once.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
    },
    /// Revoke an account's access at the provider, then remove it here.
    Revoke {
        /// The account id.
        #[arg(required_unless_present = "pending", conflicts_with = "pending")]
        account: Option<i64>,
        /// Retry every revocation that could not reach its provider.
        #[arg(long)]
        pending: bool,
    },
    /// Remove an account from this device only (access at the provider stays).
    Forget {
        /// The account id.
        account: i64,
    },
    /// A JSON report of every account, its scopes and the history (no secrets).
    Export,
    /// An account's HTTP exchanges with its provider, newest first, secrets masked.
    Exchanges {
        /// The account id.
        account: i64,
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Repair what an interrupted Grantry left behind: orphaned keyring items are removed,
    /// accounts whose tokens are missing are marked "needs re-link".
    Repair,
    /// The activity history, newest first.
    History {
        /// How many entries.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Run the Grantry Sandbox provider in the foreground, or play its consent page.
    Sandbox(sandbox::SandboxArgs),
}

fn open(cli: &Cli) -> Result<Grantry, Error> {
    let mut options = Options::from_env()?;
    if let Some(dir) = &cli.data_dir {
        options.data_dir = dir.clone();
    }
    if let Some(dir) = &cli.config_dir {
        options.config_dir = dir.clone();
    }
    Grantry::open(options)
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    let outcome = match &cli.command {
        Command::Sandbox(args) => sandbox::run(json, args).await,
        command => match open(&cli) {
            Ok(grantry) => {
                let grantry = Arc::new(grantry);
                match command {
                    Command::Providers { action } => {
                        listing::providers(json, &grantry, action.as_ref()).await
                    }
                    Command::Link(args) => link::run(json, &grantry, args).await,
                    Command::Accounts => listing::accounts(json, &grantry),
                    Command::Scopes { account, check } => {
                        listing::scopes(json, &grantry, *account, *check).await
                    }
                    Command::History { limit } => listing::history(json, &grantry, *limit),
                    Command::Revoke { account, pending } => {
                        listing::revoke(json, &grantry, *account, *pending).await
                    }
                    Command::Forget { account } => listing::forget(json, &grantry, *account),
                    Command::Export => listing::export(&grantry),
                    Command::Repair => listing::repair(json, &grantry),
                    Command::Exchanges { account, limit } => {
                        listing::exchanges(json, &grantry, *account, *limit)
                    }
                    Command::Refresh {
                        account,
                        all,
                        concurrency,
                    } => listing::refresh(json, &grantry, *account, *all, *concurrency).await,
                    Command::Sandbox(_) => unreachable!("handled above"),
                }
            }
            Err(error) => Err(error),
        },
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => output::failure(json, &IpcError::from(error)),
    }
}
