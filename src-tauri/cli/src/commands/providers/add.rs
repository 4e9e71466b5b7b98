//! `grantry providers add`: add a provider with one environment to `providers.toml`, from a
//! preset (`--preset google`, its endpoints and quirks filled in) or by hand. It goes through
//! the same draft as the window's Providers screen (the core's `providers/draft.rs`), so the
//! same mistakes are refused with the same words. With `--issuer`, the issuer's discovery
//! document is fetched on saving, so a mistyped issuer is refused before anything is written. A
//! client secret is read from standard input (`--secret-stdin`), never from the command line.
//! Plain http (on 127.0.0.1 or [::1] only) needs `--allow-plain-http-loopback`, and background
//! refresh of such accounts `--refresh-plain-http-in-background` besides. With
//! `--client-auth private_key_jwt` no secret is asked for: Grantry's key signs, and
//! `grantry providers jwks` prints its public keys to register. `--pushed-authorization` and
//! `--dpop` turn on pushed authorization requests (RFC 9126) and DPoP (RFC 9449).

use clap::{Args, ValueEnum};
use grantry_core::providers::draft::{EnvironmentDraft, ProviderDraft};
use grantry_core::providers::{ClientAuth, Preset, RedirectKind};
use grantry_core::secret::Secret;
use grantry_core::{Error, Grantry};

use crate::output::print;
use crate::redirect::RedirectArg;

#[derive(Args)]
pub struct AddArgs {
    /// Short id: a-z, 0-9 and '-' (default: the preset's name, such as `google`).
    #[arg(required_unless_present = "preset")]
    id: Option<String>,
    /// One of google, facebook, github, microsoft, gitlab: its endpoints, redirects and quirks.
    #[arg(long, value_parser = parse_preset)]
    preset: Option<Preset>,
    /// The display name (default: the preset's).
    #[arg(long, required_unless_present = "preset")]
    name: Option<String>,
    /// The environment's name.
    #[arg(long, default_value = "production")]
    env: String,
    /// A preset's one setting: Microsoft's tenant, or a self-managed GitLab's address.
    #[arg(long)]
    site: Option<String>,
    /// Issuer URL for OpenID Connect discovery (checked now).
    #[arg(long, conflicts_with = "preset")]
    issuer: Option<String>,
    /// The authorization endpoint's URL (without --issuer).
    #[arg(long, conflicts_with = "preset")]
    authorization_endpoint: Option<String>,
    /// The token endpoint's URL (without --issuer).
    #[arg(long, conflicts_with = "preset")]
    token_endpoint: Option<String>,
    /// The userinfo endpoint's URL, for the account's name and email (optional).
    #[arg(long, conflicts_with = "preset")]
    userinfo_endpoint: Option<String>,
    /// The revocation endpoint's URL, RFC 7009 (optional).
    #[arg(long, conflicts_with = "preset")]
    revocation_endpoint: Option<String>,
    /// The pushed authorization request endpoint's URL, RFC 9126 (when discovery does not
    /// name it).
    #[arg(long, conflicts_with = "preset")]
    pushed_authorization_request_endpoint: Option<String>,
    /// Push every authorization request to the provider first (RFC 9126), so the browser
    /// carries only client_id and request_uri; done anyway when the provider requires it.
    #[arg(long)]
    pushed_authorization: bool,
    /// Sender-constrained tokens (DPoP, RFC 9449): each account gets a P-256 key of its own in
    /// the keyring, and every token, refresh, revocation and userinfo request carries a proof
    /// signed with it; done anyway when the provider refuses a link without one.
    #[arg(long)]
    dpop: bool,
    /// The client id registered at the provider.
    #[arg(long)]
    client_id: String,
    /// How the client authenticates at the token endpoint (custom providers; a preset's
    /// redirect decides).
    #[arg(long, value_enum, default_value_t = ClientAuthArg::None)]
    client_auth: ClientAuthArg,
    /// Where the provider sends the browser back to (default: the preset's recommended one,
    /// or custom_scheme).
    #[arg(long, value_enum)]
    redirect: Option<RedirectArg>,
    /// The redirect URI of the provider_scheme and bridge redirects (the bridge page's
    /// address; Google's scheme is made from its client id).
    #[arg(long)]
    redirect_uri: Option<String>,
    /// A default scope (repeat for more).
    #[arg(long = "scope")]
    scopes: Vec<String>,
    /// Read the client secret from standard input and store it in the keyring.
    #[arg(long)]
    secret_stdin: bool,
    /// Accept plain http on 127.0.0.1 and [::1] (never `localhost`) for this provider: its
    /// client secret and tokens then travel unencrypted to whatever program holds the port.
    #[arg(long)]
    allow_plain_http_loopback: bool,
    /// Refresh its plain-http accounts in the background too; without it they are refreshed
    /// only when asked (`grantry refresh`), while someone sees who answers.
    #[arg(long, requires = "allow_plain_http_loopback")]
    refresh_plain_http_in_background: bool,
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
    /// private_key_jwt: an assertion signed with a key Grantry makes; register the JWKS that
    /// `grantry providers jwks` prints.
    #[value(alias = "private-key-jwt")]
    PrivateKeyJwt,
}

impl From<ClientAuthArg> for ClientAuth {
    fn from(value: ClientAuthArg) -> Self {
        match value {
            ClientAuthArg::None => Self::None,
            ClientAuthArg::SecretBasic => Self::SecretBasic,
            ClientAuthArg::SecretPost => Self::SecretPost,
            ClientAuthArg::PrivateKeyJwt => Self::PrivateKeyJwt,
        }
    }
}

fn parse_preset(value: &str) -> Result<Preset, String> {
    Preset::parse(value).ok_or_else(|| {
        let known: Vec<&str> = Preset::ALL.iter().map(|p| p.id()).collect();
        format!("no preset {value:?}; choose one of {}", known.join(", "))
    })
}

fn draft_from(args: &AddArgs, secret: Option<Secret<String>>) -> ProviderDraft {
    let preset = args.preset;
    let redirect = args
        .redirect
        .map(RedirectKind::from)
        .or_else(|| preset.map(|p| p.info().redirects[0].kind))
        .unwrap_or_default();
    ProviderDraft {
        id: args
            .id
            .clone()
            .or_else(|| preset.map(|p| p.id().to_owned()))
            .unwrap_or_default(),
        name: args
            .name
            .clone()
            .or_else(|| preset.map(|p| p.info().name.to_owned()))
            .unwrap_or_default(),
        preset,
        allow_plain_http_loopback: args.allow_plain_http_loopback,
        refresh_plain_http_in_background: args.refresh_plain_http_in_background,
        environments: vec![EnvironmentDraft {
            name: args.env.clone(),
            site: args.site.clone(),
            issuer: args.issuer.clone(),
            authorization_endpoint: args.authorization_endpoint.clone(),
            token_endpoint: args.token_endpoint.clone(),
            userinfo_endpoint: args.userinfo_endpoint.clone(),
            revocation_endpoint: args.revocation_endpoint.clone(),
            pushed_authorization_request_endpoint: args
                .pushed_authorization_request_endpoint
                .clone(),
            pushed_authorization: args.pushed_authorization,
            dpop: args.dpop,
            client_id: args.client_id.clone(),
            client_auth: args.client_auth.into(),
            redirect,
            redirect_uri: args.redirect_uri.clone(),
            scopes: args.scopes.clone(),
            client_secret: secret,
        }],
    }
}

pub async fn run(json: bool, grantry: &Grantry, args: &AddArgs) -> Result<(), Error> {
    let secret = if args.secret_stdin {
        Some(super::secret::read_stdin().await?)
    } else {
        None
    };
    let draft = draft_from(args, secret);
    let view = grantry.save_provider(&draft, None).await?;
    print(json, &view, || {
        let env = &view.environments[0];
        if env.redirect == grantry_core::providers::RedirectKind::Device {
            return format!(
                "Added provider {} ({}). It links by device code: no redirect URI to register.",
                view.id, view.name
            );
        }
        let jwks = if env.client_auth == ClientAuth::PrivateKeyJwt {
            format!(
                "\nIt authenticates with private_key_jwt: register the JWKS that `grantry \
                 providers jwks {} --environment {}` prints as the client's keys.",
                view.id, env.name
            )
        } else {
            String::new()
        };
        format!(
            "Added provider {} ({}). Register this redirect URI at the provider: {}{jwks}",
            view.id, view.name, env.redirect_uri
        )
    });
    Ok(())
}
