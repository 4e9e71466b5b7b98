//! `grantry providers jwks`: the public keys (a JWK Set, RFC 7517 §5) of a provider
//! environment that authenticates with `private_key_jwt` (RFC 7523 §2.2), to register at the
//! provider as its client's keys. Grantry makes the environment's P-256 key the first time it
//! is asked, and keeps its private part in the keyring; only the public part is printed.
//! Without `--json` the output is the JWK Set alone, so it can go straight into a file:
//! `grantry providers jwks corp > corp-jwks.json`.

use clap::Args;
use grantry_core::{Error, Grantry};

use crate::output::print;

#[derive(Args)]
pub struct JwksArgs {
    /// The provider id (`grantry providers` lists them).
    provider: String,
    /// The environment (default: the provider's first).
    #[arg(long, visible_alias = "env")]
    environment: Option<String>,
}

pub async fn run(json: bool, grantry: &Grantry, args: &JwksArgs) -> Result<(), Error> {
    let jwks = grantry
        .client_jwks(&args.provider, args.environment.as_deref())
        .await?;
    print(json, &jwks, || {
        serde_json::to_string_pretty(&jwks.jwks).unwrap_or_else(|_| jwks.jwks.to_string())
    });
    Ok(())
}
