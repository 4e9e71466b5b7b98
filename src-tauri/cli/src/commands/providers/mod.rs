//! `grantry providers`: list the providers and their environments (the default), add one,
//! discover an issuer's endpoints, remove one, or store a client secret. Adding, discovering
//! and storing a secret have a module each; listing and removing are short enough to live here.

mod add;
mod discover;
mod secret;

use clap::{Args, Subcommand};
use grantry_core::{Error, Grantry};

use crate::output::{print, table};

#[derive(Args)]
pub struct ProvidersArgs {
    #[command(subcommand)]
    action: Option<ProvidersAction>,
}

#[derive(Subcommand)]
enum ProvidersAction {
    /// List providers and their environments (the default).
    List,
    /// Add a provider with one environment.
    Add(Box<add::AddArgs>),
    /// Fetch an issuer's discovery document and show its endpoints.
    Discover(discover::DiscoverArgs),
    /// Remove a provider (and its client secrets from the keyring).
    Remove { id: String },
    /// Store an environment's client secret in the keyring, read from standard input.
    Secret(secret::SecretArgs),
}

pub async fn run(json: bool, grantry: &Grantry, args: &ProvidersArgs) -> Result<(), Error> {
    match args.action.as_ref().unwrap_or(&ProvidersAction::List) {
        ProvidersAction::List => list(json, grantry),
        ProvidersAction::Add(args) => add::run(json, grantry, args).await,
        ProvidersAction::Discover(args) => discover::run(json, grantry, args).await,
        ProvidersAction::Remove { id } => {
            let removed = grantry.remove_provider(id)?;
            print(json, &removed, || format!("Removed provider {id}."));
            Ok(())
        }
        ProvidersAction::Secret(args) => secret::run(json, grantry, args).await,
    }
}

/// One row per environment: a provider with two environments has two rows.
fn list(json: bool, grantry: &Grantry) -> Result<(), Error> {
    let providers = grantry.providers();
    print(json, &providers, || {
        let rows: Vec<Vec<String>> = providers
            .iter()
            .flat_map(|p| {
                p.environments.iter().map(move |e| {
                    let endpoint = e
                        .issuer
                        .clone()
                        .or(e.authorization_endpoint.as_ref().map(|u| u.to_string()));
                    vec![
                        p.id.to_string(),
                        p.name.clone(),
                        e.name.clone(),
                        endpoint.unwrap_or_default(),
                        e.client_id.clone(),
                    ]
                })
            })
            .collect();
        table(
            &["ID", "NAME", "ENVIRONMENT", "ISSUER / ENDPOINT", "CLIENT"],
            &rows,
        )
    });
    Ok(())
}
