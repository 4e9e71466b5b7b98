//! `grantry providers import client_secret.json`: adds Google with the "Desktop app" client a
//! `client_secret.json` from the Google Cloud console describes (loopback redirect), its secret
//! straight to the keyring.

use std::path::PathBuf;

use clap::Args;
use grantry_core::providers::draft::{EnvironmentDraft, ProviderDraft};
use grantry_core::providers::presets::google;
use grantry_core::providers::{Preset, RedirectKind};
use grantry_core::{Error, Grantry};

use crate::output::print;

#[derive(Args)]
pub struct ImportArgs {
    /// The client_secret.json file.
    file: PathBuf,
    /// The provider id to add it as.
    #[arg(long, default_value = "google")]
    id: String,
    /// The environment's name.
    #[arg(long, default_value = "production")]
    env: String,
}

pub async fn run(json: bool, grantry: &Grantry, args: &ImportArgs) -> Result<(), Error> {
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| Error::InvalidInput(format!("cannot read {}: {e}", args.file.display())))?;
    let (client_id, secret) = google::import_client_secret(&text).map_err(Error::InvalidInput)?;
    let draft = ProviderDraft {
        id: args.id.clone(),
        name: Preset::Google.info().name.to_owned(),
        preset: Some(Preset::Google),
        environments: vec![EnvironmentDraft {
            name: args.env.clone(),
            client_id,
            redirect: RedirectKind::Loopback,
            client_secret: Some(secret),
            ..EnvironmentDraft::default()
        }],
        ..ProviderDraft::default()
    };
    let view = grantry.save_provider(&draft, None).await?;
    print(json, &view, || {
        format!(
            "Added provider {} ({}) with the Desktop app client {}; its secret is in the keyring.",
            view.id, view.name, view.environments[0].client_id
        )
    });
    Ok(())
}
