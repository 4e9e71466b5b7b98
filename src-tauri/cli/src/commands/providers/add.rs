//! `grantry providers add`: add a provider with one environment to `providers.toml`. With
//! `--issuer`, the issuer's discovery document is fetched first, so a mistyped issuer is
//! refused before anything is written.

use clap::{Args, ValueEnum};
use grantry_core::providers::{ClientAuth, Environment, Provider};
use grantry_core::{Error, Grantry};

use crate::output::print;
use crate::redirect::RedirectArg;

#[derive(Args)]
pub struct AddArgs {
    /// Short id: a-z, 0-9 and '-'.
    id: String,
    #[arg(long)]
    name: String,
    #[arg(long, default_value = "production")]
    env: String,
    /// Issuer URL for OpenID Connect discovery (checked now).
    #[arg(long)]
    issuer: Option<String>,
    #[arg(long)]
    authorization_endpoint: Option<String>,
    #[arg(long)]
    token_endpoint: Option<String>,
    #[arg(long)]
    userinfo_endpoint: Option<String>,
    #[arg(long)]
    client_id: String,
    /// How the client authenticates at the token endpoint.
    #[arg(long, value_enum, default_value_t = ClientAuthArg::None)]
    client_auth: ClientAuthArg,
    /// Where the provider sends the browser back to.
    #[arg(long, value_enum, default_value_t = RedirectArg::CustomScheme)]
    redirect: RedirectArg,
    /// A default scope (repeat for more).
    #[arg(long = "scope")]
    scopes: Vec<String>,
}

/// `--client-auth`, spelled as in `providers.toml`.
#[derive(Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
enum ClientAuthArg {
    /// A public client: PKCE only, no secret.
    None,
    /// client_secret_basic: the secret (from the keyring) in an Authorization header.
    SecretBasic,
    /// client_secret_post: the secret (from the keyring) in the form body.
    SecretPost,
}

impl From<ClientAuthArg> for ClientAuth {
    fn from(value: ClientAuthArg) -> Self {
        match value {
            ClientAuthArg::None => Self::None,
            ClientAuthArg::SecretBasic => Self::SecretBasic,
            ClientAuthArg::SecretPost => Self::SecretPost,
        }
    }
}

fn parse_url(what: &str, value: &Option<String>) -> Result<Option<url::Url>, Error> {
    value
        .as_deref()
        .map(|v| url::Url::parse(v).map_err(|e| Error::InvalidInput(format!("{what} {v:?}: {e}"))))
        .transpose()
}

fn provider_from(args: &AddArgs) -> Result<Provider, Error> {
    let id = args.id.clone().try_into().map_err(Error::InvalidInput)?;
    let provider = Provider {
        id,
        name: args.name.clone(),
        environments: vec![Environment {
            name: args.env.clone(),
            issuer: args.issuer.clone(),
            authorization_endpoint: parse_url(
                "--authorization-endpoint",
                &args.authorization_endpoint,
            )?,
            token_endpoint: parse_url("--token-endpoint", &args.token_endpoint)?,
            userinfo_endpoint: parse_url("--userinfo-endpoint", &args.userinfo_endpoint)?,
            revocation_endpoint: None,
            introspection_endpoint: None,
            jwks_uri: None,
            client_id: args.client_id.clone(),
            client_auth: args.client_auth.into(),
            redirect: args.redirect.into(),
            scopes: args.scopes.clone(),
            extra_params: Default::default(),
            revocation: Default::default(),
        }],
    };
    provider.validate()?;
    Ok(provider)
}

pub async fn run(json: bool, grantry: &Grantry, args: &AddArgs) -> Result<(), Error> {
    let provider = provider_from(args)?;
    if let Some(issuer) = &args.issuer {
        grantry.discover(issuer).await?;
    }
    grantry.add_provider(provider.clone())?;
    print(json, &provider, || {
        format!("Added provider {} ({}).", provider.id, provider.name)
    });
    Ok(())
}
