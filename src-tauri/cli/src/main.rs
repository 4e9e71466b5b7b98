//! `grantry`: Grantry on the command line, over the same core, data folder, database and
//! keyring as the app. This file holds only what every command shares: the global options,
//! the list of commands, opening the core and handing each command to its module under
//! `commands/`. Every command takes `--json`; failures exit with a code per kind (see
//! `output::exit_code`).

mod commands;
mod output;
mod redirect;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use grantry_core::{Error, Grantry, IpcError, Options, logging, paths};
use tracing::level_filters::LevelFilter;

use commands::{
    accounts, export, forget, history, http_log, link, providers, refresh, repair, revoke, sandbox,
    scopes,
};

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
    /// Log what happens to stderr: -v what the history records and failed HTTP exchanges,
    /// -vv every HTTP exchange, -vvv their masked bodies. RUST_LOG, when set, decides instead.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
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
    Providers(providers::ProvidersArgs),
    /// Link an account: consent in the browser, then the account is stored.
    Link(link::LinkArgs),
    /// List linked accounts.
    Accounts(accounts::AccountsArgs),
    /// An account's granted and declined scopes, and what each allows.
    Scopes(scopes::ScopesArgs),
    /// Refresh an account's tokens now, or every account's with --all.
    Refresh(refresh::RefreshArgs),
    /// Revoke an account's access at the provider, then remove it here.
    Revoke(revoke::RevokeArgs),
    /// Remove an account from this device only (access at the provider stays).
    Forget(forget::ForgetArgs),
    /// A JSON report of every account, its scopes and the history (no secrets).
    Export(export::ExportArgs),
    /// An account's HTTP log: its exchanges with its provider, newest first, secrets masked.
    #[command(name = "http-log", visible_alias = "exchanges")]
    HttpLog(http_log::HttpLogArgs),
    /// Repair what an interrupted Grantry left behind: an interrupted link's tokens are revoked
    /// at the provider and removed, accounts whose tokens are missing marked "needs re-link".
    Repair(repair::RepairArgs),
    /// The activity history, newest first.
    History(history::HistoryArgs),
    /// Run the Grantry Sandbox provider in the foreground, or play its consent page.
    Sandbox(sandbox::SandboxArgs),
}

/// The data folder: `--data-dir`, else the environment's (`paths.rs`).
fn data_dir(cli: &Cli) -> Option<PathBuf> {
    cli.data_dir.clone().or_else(paths::data_dir)
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

/// [`open`], for commands that talk to providers: the built-in sandbox is among them only when
/// the one on its port proves to be ours (the app's, or a `grantry sandbox` of this data
/// folder), so that no other program holding the port receives a consent or a token.
async fn open_with_sandbox(cli: &Cli) -> Result<Grantry, Error> {
    let grantry = open(cli)?;
    grantry.find_sandbox(paths::sandbox_port()).await;
    Ok(grantry)
}

/// Runs the command. Every command but `sandbox` opens the core first; the sandbox needs no
/// data folder or keyring, so it runs even where those are unusable.
async fn run(cli: &Cli) -> Result<(), Error> {
    let json = cli.json;
    let grantry = || open(cli);
    let talking = || open_with_sandbox(cli);
    match &cli.command {
        Command::Sandbox(args) => sandbox::run(json, args, data_dir(cli)).await,
        Command::Providers(args) => providers::run(json, &talking().await?, args).await,
        Command::Link(args) => link::run(json, &talking().await?, args).await,
        Command::Accounts(args) => accounts::run(json, &grantry()?, args),
        Command::Scopes(args) => scopes::run(json, &talking().await?, args).await,
        Command::Refresh(args) => refresh::run(json, &Arc::new(talking().await?), args).await,
        Command::Revoke(args) => revoke::run(json, &talking().await?, args).await,
        Command::Forget(args) => forget::run(json, &grantry()?, args),
        Command::Export(args) => export::run(&grantry()?, args),
        Command::HttpLog(args) => http_log::run(json, &grantry()?, args),
        Command::Repair(args) => repair::run(json, &talking().await?, args).await,
        Command::History(args) => history::run(json, &grantry()?, args),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    logging::to_stderr(match cli.verbose {
        0 => LevelFilter::WARN,
        1 => LevelFilter::INFO,
        2 => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    });
    match run(&cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => output::failure(cli.json, &IpcError::from(error)),
    }
}
