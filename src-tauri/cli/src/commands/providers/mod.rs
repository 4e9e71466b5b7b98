//! `grantry providers`: list the providers and their environments (the default), add one (from
//! a preset or by hand), import Google's `client_secret.json`, discover an issuer's endpoints,
//! remove one, store a client secret, or print a private_key_jwt environment's JWKS. Adding, importing, discovering and storing a secret
//! have a module each; listing and removing are short enough to live here.

mod add;
mod discover;
mod import;
mod jwks;
mod secret;

use clap::{Args, Subcommand, ValueEnum};
use grantry_core::providers::presets::SecretNeed;
use grantry_core::{Error, Grantry, RemoveAccounts};

use crate::output::{print, table};

#[derive(Args)]
pub struct ProvidersArgs {
    #[command(subcommand)]
    action: Option<ProvidersAction>,
}

#[derive(Subcommand)]
enum ProvidersAction {
    /// List providers and their environments (the default), with the redirect URI to
    /// register at each.
    List,
    /// List the presets: their redirects, what each needs, and where to register a client.
    Presets,
    /// Add a provider with one environment, from a preset (--preset google) or by hand.
    Add(Box<add::AddArgs>),
    /// Add Google from the client_secret.json of a "Desktop app" client.
    Import(import::ImportArgs),
    /// Fetch an issuer's discovery document and show its endpoints.
    Discover(discover::DiscoverArgs),
    /// Remove a provider (and its client secrets from the keyring).
    Remove {
        /// The provider id.
        id: String,
        /// What to do with the accounts linked at it: `revoke` them at the provider first, or
        /// `forget` them here only. Needed when there are any.
        #[arg(long, value_enum)]
        accounts: Option<AccountsArg>,
    },
    /// Store an environment's client secret in the keyring, read from standard input.
    Secret(secret::SecretArgs),
    /// Print the public JWKS of a private_key_jwt environment, to register at the provider
    /// (its key is made now if it has none).
    Jwks(jwks::JwksArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum AccountsArg {
    /// Revoke them at the provider, then remove them here.
    Revoke,
    /// Remove them here only; their access at the provider stays.
    Forget,
}

pub async fn run(json: bool, grantry: &Grantry, args: &ProvidersArgs) -> Result<(), Error> {
    match args.action.as_ref().unwrap_or(&ProvidersAction::List) {
        ProvidersAction::List => list(json, grantry),
        ProvidersAction::Presets => presets(json),
        ProvidersAction::Add(args) => add::run(json, grantry, args).await,
        ProvidersAction::Import(args) => import::run(json, grantry, args).await,
        ProvidersAction::Discover(args) => discover::run(json, grantry, args).await,
        ProvidersAction::Remove { id, accounts } => {
            let linked = grantry
                .accounts()?
                .iter()
                .filter(|a| a.provider == *id)
                .count();
            let removed = match accounts {
                Some(choice) => {
                    let choice = match choice {
                        AccountsArg::Revoke => RemoveAccounts::Revoke,
                        AccountsArg::Forget => RemoveAccounts::Forget,
                    };
                    grantry.remove_provider_with_accounts(id, choice).await?
                }
                None if linked > 0 => {
                    return Err(Error::InvalidInput(format!(
                        "{linked} accounts are linked at {id}: add --accounts revoke (revoke \
                         them at the provider first) or --accounts forget (remove them here only)"
                    )));
                }
                None => grantry.remove_provider(id)?,
            };
            print(json, &removed, || format!("Removed provider {id}."));
            Ok(())
        }
        ProvidersAction::Secret(args) => secret::run(json, grantry, args).await,
        ProvidersAction::Jwks(args) => jwks::run(json, grantry, args).await,
    }
}

/// One row per environment: a provider with two environments has two rows. With `--json`,
/// the providers as the window's Providers screen shows them (no secret, only whether one is
/// stored).
fn list(json: bool, grantry: &Grantry) -> Result<(), Error> {
    let providers = grantry.provider_views()?;
    print(json, &providers, || {
        let rows: Vec<Vec<String>> = providers
            .iter()
            .flat_map(|p| {
                p.environments.iter().map(move |e| {
                    let endpoint = e.issuer.clone().or(e.authorization_endpoint.clone());
                    vec![
                        p.id.clone(),
                        p.name.clone(),
                        e.name.clone(),
                        endpoint.unwrap_or_default(),
                        e.client_id.clone(),
                        if e.redirect == grantry_core::providers::RedirectKind::Device {
                            "(device code)".to_owned()
                        } else {
                            e.redirect_uri.clone()
                        },
                    ]
                })
            })
            .collect();
        table(
            &[
                "ID",
                "NAME",
                "ENVIRONMENT",
                "ISSUER / ENDPOINT",
                "CLIENT",
                "REDIRECT URI TO REGISTER",
            ],
            &rows,
        )
    });
    Ok(())
}

/// One row per redirect a preset accepts, the recommended one first.
fn presets(json: bool) -> Result<(), Error> {
    let presets = Grantry::presets();
    print(json, &presets, || {
        let rows: Vec<Vec<String>> = presets
            .iter()
            .flat_map(|p| {
                p.redirects.iter().map(move |r| {
                    let secret = match r.secret {
                        SecretNeed::Required => "required",
                        SecretNeed::Optional => "optional",
                        SecretNeed::None => "none",
                    };
                    vec![
                        p.id.id().to_owned(),
                        r.label.clone(),
                        secret.to_owned(),
                        p.console_url.clone(),
                    ]
                })
            })
            .collect();
        table(
            &["PRESET", "REDIRECT", "SECRET", "REGISTER A CLIENT AT"],
            &rows,
        )
    });
    Ok(())
}
