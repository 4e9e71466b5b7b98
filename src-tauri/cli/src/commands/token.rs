//! `grantry token`, `grantry header` and `grantry exec`: an account's access token for other
//! programs, valid for at least `--min-valid` seconds (refreshed first if it would expire
//! sooner, sharing the one refresh with every other process). The token goes where it was
//! asked for and nowhere else: to standard output for `token` and `header`, into the
//! environment of the command `exec` runs (never printed). Each hand-out is in the history
//! under the command and its process id. `--json` says the token's type: `DPoP` for a token
//! bound to the account's key (RFC 9449), which `header` and `exec` refuse to pass on.

use std::process::ExitCode;

use clap::Args;
use grantry_core::secret::TokenType;
use grantry_core::{Error, Grantry, HandedOut, MAX_MIN_VALID, now};
use serde_json::json;

use crate::output::print;

/// What every command that hands out a token takes.
#[derive(Args)]
pub struct Which {
    /// The account: its id, its email, or its name (ambiguous names list the matches).
    account: String,
    /// Seconds the token must stay valid: refreshed first if it expires sooner (0 to 86400).
    #[arg(long, value_name = "SECONDS", default_value_t = 60,
          value_parser = clap::value_parser!(i64).range(0..=MAX_MIN_VALID))]
    min_valid: i64,
}

impl Which {
    /// The account it names, for deciding whether the command needs the sandbox.
    pub fn account(&self) -> &str {
        &self.account
    }

    pub fn min_valid(&self) -> i64 {
        self.min_valid
    }
}

#[derive(Args)]
pub struct TokenArgs {
    #[command(flatten)]
    which: Which,
    /// Print the account's ID token instead (an OpenID Connect provider's).
    #[arg(long)]
    id_token: bool,
}

#[derive(Args)]
pub struct HeaderArgs {
    #[command(flatten)]
    which: Which,
}

#[derive(Args)]
pub struct ExecArgs {
    #[command(flatten)]
    which: Which,
    /// The environment variable that carries the token.
    #[arg(long = "env", value_name = "NAME", default_value = "GRANTRY_ACCESS_TOKEN",
          value_parser = variable_name)]
    variable: String,
    /// The command to run, and its arguments (after `--`).
    #[arg(last = true, required = true, value_name = "COMMAND")]
    command: Vec<String>,
}

impl TokenArgs {
    pub fn which(&self) -> &Which {
        &self.which
    }
}

impl HeaderArgs {
    pub fn which(&self) -> &Which {
        &self.which
    }
}

impl ExecArgs {
    pub fn which(&self) -> &Which {
        &self.which
    }
}

/// A POSIX environment variable name: a letter or `_`, then letters, digits and `_`.
fn variable_name(text: &str) -> Result<String, String> {
    let mut chars = text.chars();
    let first = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if first && chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "{text:?} is not an environment variable name (letters, digits and _, not first a \
             digit)"
        ))
    }
}

/// The token, handed to `program` (the history's name for who took it).
async fn hand_out(grantry: &Grantry, which: &Which, program: &str) -> Result<HandedOut, Error> {
    let account = grantry.find_account(&which.account)?;
    hand_out_to(grantry, account.id, which, program).await
}

async fn hand_out_to(
    grantry: &Grantry,
    account: i64,
    which: &Which,
    program: &str,
) -> Result<HandedOut, Error> {
    let program = format!("{program} (pid {})", std::process::id());
    grantry.hand_out(account, which.min_valid, &program).await
}

/// Refuses an account whose token is DPoP-bound (RFC 9449) before anything is handed out: it
/// works only with a proof signed by the account's key, which never leaves Grantry, so a
/// header or another program's environment would hold a token no request can use.
fn refuse_dpop(grantry: &Grantry, which: &Which, command: &str) -> Result<i64, Error> {
    let account = grantry.find_account(&which.account)?;
    if grantry.token_type(account.id)? == TokenType::Dpop {
        return Err(Error::InvalidInput(format!(
            "account {} ({}) has a DPoP-bound token: it works only with a proof signed by the \
             account's key, which never leaves Grantry, so `grantry {command}` cannot hand it \
             to another program's request. `grantry token --json` shows it with its \
             token_type; to pass tokens on, turn DPoP off for the environment and link again",
            account.id,
            account.label()
        )));
    }
    Ok(account.id)
}

pub async fn token(json: bool, grantry: &Grantry, args: &TokenArgs) -> Result<(), Error> {
    if args.id_token {
        let handed = hand_out(grantry, &args.which, "grantry token --id-token").await?;
        let id_token = handed.id_token.ok_or_else(|| {
            Error::InvalidInput(format!(
                "account {} has no ID token (its provider is not an OpenID Connect one, or \
                 `openid` was not granted)",
                handed.account.id
            ))
        })?;
        let value = json!({"account": handed.account.id, "id_token": id_token.expose()});
        print(json, &value, || id_token.expose().clone());
        return Ok(());
    }
    let handed = hand_out(grantry, &args.which, "grantry token").await?;
    let value = json!({
        "account": handed.account.id,
        "access_token": handed.access_token.expose(),
        "token_type": handed.token_type,
        "expires_at": handed.expires_at,
        "expires_in": handed.expires_at.map(|at| (at - now()).max(0)),
        "scopes": handed.scopes,
    });
    print(json, &value, || handed.access_token.expose().clone());
    Ok(())
}

pub async fn header(json: bool, grantry: &Grantry, args: &HeaderArgs) -> Result<(), Error> {
    let account = refuse_dpop(grantry, &args.which, "header")?;
    let handed = hand_out_to(grantry, account, &args.which, "grantry header").await?;
    let header = format!(
        "Authorization: {} {}",
        handed.token_type,
        handed.access_token.expose()
    );
    print(
        json,
        &json!({"account": handed.account.id, "header": header}),
        || header.clone(),
    );
    Ok(())
}

/// Runs the command with the token in its environment and ends as it ended: its exit code, or
/// 128 and the signal that ended it, as a shell says it. One that cannot be started ends with
/// 127 (not found) or 126 (not runnable), as in a shell.
pub async fn exec(grantry: &Grantry, args: &ExecArgs) -> Result<ExitCode, Error> {
    let (program, rest) = args
        .command
        .split_first()
        .ok_or_else(|| Error::InvalidInput("name the command to run after --".into()))?;
    let name = std::path::Path::new(program)
        .file_name()
        .map_or_else(|| program.clone(), |n| n.to_string_lossy().into_owned());
    let account = refuse_dpop(grantry, &args.which, "exec")?;
    let taker = format!("grantry exec {name}");
    let handed = hand_out_to(grantry, account, &args.which, &taker).await?;
    let mut command = tokio::process::Command::new(program);
    command
        .args(rest)
        .env(&args.variable, handed.access_token.expose());
    drop(handed);
    let status = match command.status().await {
        Ok(status) => status,
        Err(error) => {
            eprintln!(
                "grantry: cannot run {}: {error}",
                crate::output::terminal_safe(program)
            );
            let code = if error.kind() == std::io::ErrorKind::NotFound {
                127
            } else {
                126
            };
            return Ok(ExitCode::from(code));
        }
    };
    use std::os::unix::process::ExitStatusExt;
    let code = status
        .code()
        .or_else(|| status.signal().map(|signal| 128 + signal))
        .unwrap_or(1);
    Ok(ExitCode::from(u8::try_from(code).unwrap_or(1)))
}
