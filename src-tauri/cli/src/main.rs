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

use clap::{CommandFactory, Parser, Subcommand};
use grantry_core::providers::SANDBOX_ID;
use grantry_core::{Error, Grantry, IpcError, Options, logging, paths};
use grantry_sandbox::Sandbox;
use tracing::level_filters::LevelFilter;

use commands::{
    accounts, completions, exchange, export, forget, history, http_log, link, man, providers,
    refresh, repair, revoke, sandbox, scopes, token,
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
    /// Print an account's access token, valid for at least --min-valid seconds (refreshed
    /// first if need be).
    Token(token::TokenArgs),
    /// Print `Authorization: Bearer …` with an account's access token.
    Header(token::HeaderArgs),
    /// Exchange an account's token for another audience, resource or scope (RFC 8693).
    ///
    /// Shows what the new token says; the token itself is kept only with --reveal or --save.
    Exchange(exchange::ExchangeArgs),
    /// Run a command with an account's access token in its environment
    /// (GRANTRY_ACCESS_TOKEN), and end with its exit code.
    Exec(token::ExecArgs),
    /// Print a shell completion script for bash, zsh, fish, elvish or PowerShell.
    ///
    /// For example `grantry completions bash >
    /// ~/.local/share/bash-completion/completions/grantry` (the .deb installs bash's, zsh's
    /// and fish's).
    Completions(completions::CompletionsArgs),
    /// Print the manual page, or write one per command with --dir (for packaging).
    #[command(hide = true)]
    Man(man::ManArgs),
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

/// [`open`], for commands that talk to providers. When the command involves the built-in
/// sandbox, it is the one on its port if that proves to be ours (the app's, or a `grantry
/// sandbox` of this data folder), so that no other program holding the port receives a
/// consent or a token; else one this process starts for the command
/// ([`sandbox::start_for_command`]), returned to be stopped when the command ends. Which one
/// it is is said on stderr.
async fn open_with_sandbox(cli: &Cli) -> Result<(Grantry, Option<Sandbox>), Error> {
    let grantry = open(cli)?;
    let port = paths::sandbox_port();
    let needed = match sandbox_use(&cli.command, &grantry) {
        SandboxUse::None => return Ok((grantry, None)),
        SandboxUse::IfRunning => false,
        SandboxUse::Needed => true,
    };
    if grantry.find_sandbox(port).await {
        // A token's output is read by programs: nothing more is said where all is well.
        if needed && cli.command.which_account().is_none() {
            let running = format!("http://127.0.0.1:{port}");
            notice(
                cli,
                &format!("the Grantry Sandbox already running at {running}"),
            );
        }
        return Ok((grantry, None));
    }
    if !needed {
        return Ok((grantry, None));
    }
    let own = sandbox::start_for_command(data_dir(cli), port).await;
    if let Some(started) = &own {
        grantry.adopt_sandbox(Some(started.addr().port()));
        notice(
            cli,
            &format!(
                "no Grantry Sandbox was running, so this command runs its own at {} until it \
                 ends (on this data folder's sandbox state)",
                started.issuer()
            ),
        );
    }
    Ok((grantry, own))
}

/// How a command involves the built-in sandbox.
enum SandboxUse {
    None,
    /// Offered when one of ours runs (the provider list shows it), else left out.
    IfRunning,
    /// Needed: a link made there, an account of its among those the command may touch, or a
    /// repair.
    Needed,
}

fn sandbox_use(command: &Command, grantry: &Grantry) -> SandboxUse {
    let sandbox_accounts = || {
        grantry
            .accounts()
            .is_ok_and(|accounts| accounts.iter().any(|a| a.provider == SANDBOX_ID))
    };
    let needed = match command {
        Command::Providers(_) => return SandboxUse::IfRunning,
        Command::Link(args) => args.names_sandbox() || (args.for_account() && sandbox_accounts()),
        Command::Scopes(_) | Command::Refresh(_) | Command::Revoke(_) => sandbox_accounts(),
        // Only when its token needs a refresh first: a valid one is handed out as it is.
        Command::Token(_) | Command::Header(_) | Command::Exec(_) => command
            .which_account()
            .and_then(|(query, min_valid)| {
                let account = grantry.find_account(query).ok()?;
                let expires_at = account.access_expires_at?;
                Some(
                    account.provider == SANDBOX_ID && expires_at - grantry_core::now() <= min_valid,
                )
            })
            .unwrap_or(false),
        Command::Exchange(args) => grantry
            .find_account(args.account())
            .is_ok_and(|account| account.provider == SANDBOX_ID),
        // An interrupted link's tokens belong to no account yet; the sandbox may hold its grant.
        Command::Repair(_) => true,
        _ => false,
    };
    if needed {
        SandboxUse::Needed
    } else {
        SandboxUse::None
    }
}

impl Command {
    /// The account a command that hands out a token names, and how long the token must
    /// stay valid.
    fn which_account(&self) -> Option<(&str, i64)> {
        let which = match self {
            Command::Token(args) => args.which(),
            Command::Header(args) => args.which(),
            Command::Exec(args) => args.which(),
            _ => return None,
        };
        Some((which.account(), which.min_valid()))
    }
}

/// A line on stderr saying which sandbox a command talks to; none with `--json`.
fn notice(cli: &Cli, text: &str) {
    if !cli.json {
        eprintln!("grantry: {text}");
    }
}

/// Runs the command, and says how the process ends (`exec` ends as its command did). Every
/// command but `sandbox`, `completions` and `man` opens the core first; those need no data
/// folder or keyring, so they run even where those are unusable.
async fn run(cli: &Cli) -> Result<ExitCode, Error> {
    let json = cli.json;
    let done = match &cli.command {
        Command::Completions(args) => Some(completions::run(Cli::command(), args)),
        Command::Man(args) => Some(man::run(Cli::command(), args)),
        Command::Sandbox(args) => Some(sandbox::run(json, args, data_dir(cli)).await),
        Command::Accounts(args) => Some(accounts::run(json, &open(cli)?, args)),
        Command::Forget(args) => Some(forget::run(json, &open(cli)?, args)),
        Command::Export(args) => Some(export::run(&open(cli)?, args)),
        Command::HttpLog(args) => Some(http_log::run(json, &open(cli)?, args)),
        Command::History(args) => Some(history::run(json, &open(cli)?, args)),
        _ => None,
    };
    if let Some(done) = done {
        return done.map(|()| ExitCode::SUCCESS);
    }
    // The rest talk to providers, the built-in sandbox among them when they need it.
    let (grantry, own_sandbox) = open_with_sandbox(cli).await?;
    let grantry = Arc::new(grantry);
    let success = |done: Result<(), Error>| done.map(|()| ExitCode::SUCCESS);
    let outcome = match &cli.command {
        Command::Exec(args) => token::exec(&grantry, args).await,
        Command::Token(args) => success(token::token(json, &grantry, args).await),
        Command::Header(args) => success(token::header(json, &grantry, args).await),
        Command::Providers(args) => success(providers::run(json, &grantry, args).await),
        Command::Link(args) => success(link::run(json, &grantry, args).await),
        Command::Exchange(args) => success(exchange::run(json, &grantry, args).await),
        Command::Scopes(args) => success(scopes::run(json, &grantry, args).await),
        Command::Refresh(args) => refresh::run(json, &grantry, args).await,
        Command::Revoke(args) => revoke::run(json, &grantry, args).await,
        Command::Repair(args) => success(repair::run(json, &grantry, args).await),
        // Run above.
        Command::Completions(_)
        | Command::Man(_)
        | Command::Sandbox(_)
        | Command::Accounts(_)
        | Command::Forget(_)
        | Command::Export(_)
        | Command::HttpLog(_)
        | Command::History(_) => Ok(ExitCode::SUCCESS),
    };
    // What it granted is saved before the process ends.
    if let Some(sandbox) = own_sandbox {
        sandbox.stop().await;
    }
    outcome
}

#[tokio::main]
async fn main() -> ExitCode {
    grantry_core::use_ring_for_tls();
    let cli = Cli::parse();
    logging::to_stderr(match cli.verbose {
        0 => LevelFilter::WARN,
        1 => LevelFilter::INFO,
        2 => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    });
    match run(&cli).await {
        Ok(code) => code,
        Err(error) => output::failure(cli.json, &IpcError::from(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command and every argument of `command` and its commands that says nothing in
    /// `--help`, by path (`grantry providers add --env`); clap's own help and version flags
    /// and help command are left out.
    fn without_help(command: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for arg in command.get_arguments() {
            let builtin = matches!(arg.get_id().as_str(), "help" | "version");
            let said = arg.get_help().or(arg.get_long_help()).is_some();
            if !builtin && !said {
                let name = match arg.get_long() {
                    Some(long) => format!("--{long}"),
                    None => format!("<{}>", arg.get_id()),
                };
                missing.push(format!("{path} {name}"));
            }
        }
        for sub in command.get_subcommands() {
            let sub_path = format!("{path} {}", sub.get_name());
            if sub.get_name() != "help" && sub.get_about().or(sub.get_long_about()).is_none() {
                missing.push(sub_path.clone());
            }
            without_help(sub, &sub_path, missing);
        }
    }

    #[test]
    fn every_command_and_argument_has_help() {
        let mut command = Cli::command();
        command.build();
        let mut missing = Vec::new();
        without_help(&command, "grantry", &mut missing);
        assert!(missing.is_empty(), "no help text:\n{}", missing.join("\n"));
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
