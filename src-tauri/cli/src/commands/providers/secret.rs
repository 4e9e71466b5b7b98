//! `grantry providers secret`: store an environment's client secret in the keyring. The
//! secret is read from standard input, so it never shows in the process list or the shell
//! history.

use clap::Args;
use grantry_core::secret::Secret;
use grantry_core::{Error, Grantry};
use serde_json::json;
use tokio::io::AsyncBufReadExt;

use crate::output::print;

#[derive(Args)]
pub struct SecretArgs {
    /// The provider id (`grantry providers` lists them).
    id: String,
    /// The environment (default: the provider's first).
    #[arg(long)]
    env: Option<String>,
}

/// One line of standard input, the secret (without its line ending).
pub async fn read_stdin() -> Result<Secret<String>, Error> {
    let mut line = String::new();
    tokio::io::BufReader::new(tokio::io::stdin())
        .read_line(&mut line)
        .await
        .map_err(|e| {
            Error::InvalidInput(format!("cannot read the secret from standard input: {e}"))
        })?;
    let secret = line.trim_end_matches(['\r', '\n']);
    if secret.is_empty() {
        return Err(Error::InvalidInput("no secret on standard input".into()));
    }
    Ok(Secret::new(secret.to_owned()))
}

pub async fn run(json: bool, grantry: &Grantry, args: &SecretArgs) -> Result<(), Error> {
    let secret = read_stdin().await?;
    let id = &args.id;
    grantry.set_client_secret(id, args.env.as_deref(), &secret)?;
    print(json, &json!({"stored": true}), || {
        format!("Stored the client secret of {id} in the keyring.")
    });
    Ok(())
}
