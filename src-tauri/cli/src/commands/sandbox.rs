//! `grantry sandbox`: run the Grantry Sandbox provider in the foreground (on the port the
//! built-in sandbox provider uses, so Grantry links against it), or play a person on its
//! consent page (`grantry sandbox consent`), which makes linking scriptable end to end:
//! `grantry link sandbox --browser "grantry sandbox consent --user alice"`. For testers of
//! client proofs, it registers a `private_key_jwt` client with its JWKS
//! (`grantry sandbox jwt-client`), makes the running sandbox require pushed authorization
//! requests (`grantry sandbox require-par on`, or `--require-par` when it starts) and DPoP
//! proofs, with nonces or without (`grantry sandbox dpop on --nonce`, or `--dpop-required`
//! and `--dpop-nonce` when it starts).

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use grantry_core::Error;
use grantry_core::paths::{SANDBOX_ADMIN_TOKEN_FILE, SANDBOX_STATE_FILE, sandbox_port};
use grantry_sandbox::robot::{self, Choice};
use grantry_sandbox::{DpopSettings, Personality, Sandbox, SandboxConfig};

use crate::output::print;

#[derive(Args)]
pub struct SandboxArgs {
    #[command(subcommand)]
    action: Option<SandboxAction>,
    /// Port on 127.0.0.1 (default: $GRANTRY_SANDBOX_PORT, else 7461; 0 picks a free one).
    #[arg(long)]
    port: Option<u16>,
    /// Which provider to imitate.
    #[arg(long, value_enum, default_value_t = PersonalityArg::Generic)]
    personality: PersonalityArg,
    /// Keep clients, users, grants and the signing key in this file across restarts.
    #[arg(long)]
    state: Option<std::path::PathBuf>,
    /// Keep the admin API's token in this file (mode 0600) across restarts (default: next to
    /// the state file, as <stem>-admin-token; without either, a new token at every start).
    #[arg(long)]
    admin_token_file: Option<std::path::PathBuf>,
    /// Refuse authorization requests that were not pushed to /par first (RFC 9126; generic
    /// personality only).
    #[arg(long)]
    require_par: bool,
    /// Require a DPoP proof (RFC 9449) from every client at the token endpoint, so every
    /// access token is bound to the client's key (the admin API's `/_sandbox/dpop` changes it).
    #[arg(long)]
    dpop_required: bool,
    /// Demand DPoP nonces (RFC 9449 §8): a proof without the sandbox's nonce is answered
    /// `use_dpop_nonce` with a `DPoP-Nonce` header.
    #[arg(long)]
    dpop_nonce: bool,
}

/// `--personality`: the sandbox's personalities, named as `grantry-sandbox` names them.
#[derive(Clone, Copy, ValueEnum)]
enum PersonalityArg {
    /// A strict, standards-only OAuth 2.1 / OpenID Connect provider.
    Generic,
    /// Google's paths, tokeninfo, offline access, no refresh-token rotation.
    Google,
    /// Facebook's Graph-style endpoints and long-lived token exchange, no refresh tokens.
    Facebook,
    /// GitHub's errors as HTTP 200 bodies and its grant deletion endpoint.
    Github,
    /// The Microsoft identity platform's tenant paths, AADSTS errors and rotating refresh
    /// tokens, no revocation endpoint.
    Microsoft,
    /// GitLab's /oauth paths, token info, /api/v4/user and rotating refresh tokens.
    Gitlab,
}

impl From<PersonalityArg> for Personality {
    fn from(value: PersonalityArg) -> Self {
        match value {
            PersonalityArg::Generic => Self::Generic,
            PersonalityArg::Google => Self::Google,
            PersonalityArg::Facebook => Self::Facebook,
            PersonalityArg::Github => Self::Github,
            PersonalityArg::Microsoft => Self::Microsoft,
            PersonalityArg::Gitlab => Self::Gitlab,
        }
    }
}

#[derive(Subcommand)]
enum SandboxAction {
    /// Answer the sandbox consent page at URL as a test user; print where it redirects.
    Consent {
        /// The test user (an existing login or a new one).
        #[arg(long, default_value = "alice")]
        user: String,
        /// A scope to leave ticked (repeat for more; default: all requested).
        #[arg(long = "scope")]
        scopes: Vec<String>,
        /// Deny instead of allowing.
        #[arg(long)]
        deny: bool,
        /// The authorization URL.
        url: String,
    },
    /// Register (or replace) a private_key_jwt client at the running sandbox, with the public
    /// keys in a JWKS file (such as `grantry providers jwks P > jwks.json` writes).
    JwtClient {
        /// The client id to register.
        client_id: String,
        /// The JWK Set file (`{"keys": [...]}`, public P-256 keys).
        #[arg(long)]
        jwks: PathBuf,
        /// The client's display name on the consent page (default: the client id).
        #[arg(long)]
        name: Option<String>,
        /// A redirect URI it may use (repeat for more; default: Grantry's custom scheme and
        /// loopback redirects).
        #[arg(long = "redirect-uri")]
        redirect_uris: Vec<String>,
    },
    /// Make the running sandbox require pushed authorization requests (RFC 9126), or stop.
    RequirePar {
        /// `on` to require them, `off` to take direct authorization requests again.
        #[arg(value_enum)]
        state: Switch,
    },
    /// Make the running sandbox require a DPoP proof (RFC 9449) from every client, so every
    /// access token is bound to the client's key, or stop.
    Dpop {
        /// `on` to require proofs, `off` to take unbound clients again.
        #[arg(value_enum)]
        state: Switch,
        /// Demand the sandbox's nonces in proofs too (RFC 9449 §8): a proof without one is
        /// answered `use_dpop_nonce` with a `DPoP-Nonce` header. Without it, nonces are not
        /// demanded.
        #[arg(long)]
        nonce: bool,
    },
}

/// A switch's position.
#[derive(Clone, Copy, ValueEnum)]
enum Switch {
    /// Turned on.
    On,
    /// Turned off.
    Off,
}

/// `data_dir` is the data folder, where the sandbox leaves its admin token by default so that
/// the other `grantry` commands on that folder trust it.
pub async fn run(json: bool, args: &SandboxArgs, data_dir: Option<PathBuf>) -> Result<(), Error> {
    match &args.action {
        None => serve(json, args, data_dir).await,
        Some(SandboxAction::JwtClient {
            client_id,
            jwks,
            name,
            redirect_uris,
        }) => {
            let text = std::fs::read(jwks).map_err(|e| {
                Error::InvalidInput(format!("cannot read the JWKS {}: {e}", jwks.display()))
            })?;
            let keys: serde_json::Value = serde_json::from_slice(&text)
                .map_err(|e| Error::InvalidInput(format!("{} is not JSON: {e}", jwks.display())))?;
            let redirect_uris = if redirect_uris.is_empty() {
                vec![
                    "dev.grantry:/oauth/callback".to_owned(),
                    "http://127.0.0.1/callback".to_owned(),
                ]
            } else {
                redirect_uris.clone()
            };
            let body = serde_json::json!({
                "client_id": client_id,
                "name": name.clone().unwrap_or_else(|| client_id.clone()),
                "auth": "private_key_jwt",
                "redirect_uris": redirect_uris,
                "jwks": keys,
            });
            admin_post(args, data_dir, "/clients", &body).await?;
            print(json, &body, || {
                format!("Registered {client_id} (private_key_jwt) at the sandbox.")
            });
            Ok(())
        }
        Some(SandboxAction::RequirePar { state }) => {
            let required = matches!(state, Switch::On);
            let body = serde_json::json!({"require_pushed_authorization_requests": required});
            admin_post(args, data_dir, "/settings", &body).await?;
            print(json, &body, || {
                if required {
                    "The sandbox now requires pushed authorization requests.".to_owned()
                } else {
                    "The sandbox takes direct authorization requests again.".to_owned()
                }
            });
            Ok(())
        }
        Some(SandboxAction::Dpop { state, nonce }) => {
            let settings = DpopSettings {
                required: matches!(state, Switch::On),
                nonce: *nonce,
            };
            let body = serde_json::json!(settings);
            admin_post(args, data_dir, "/dpop", &body).await?;
            print(json, &body, || {
                let proofs = if settings.required {
                    "The sandbox now requires DPoP proofs"
                } else {
                    "The sandbox takes clients without DPoP proofs again"
                };
                let nonces = if settings.nonce {
                    ", and demands its nonces in them."
                } else {
                    "; it demands no nonces."
                };
                format!("{proofs}{nonces}")
            });
            Ok(())
        }
        Some(SandboxAction::Consent {
            user,
            scopes,
            deny,
            url,
        }) => {
            let choice = Choice {
                user: user.clone(),
                scopes: (!scopes.is_empty()).then(|| scopes.clone()),
                allow: !deny,
            };
            let location = robot::consent(url, &choice)
                .await
                .map_err(|e| Error::InvalidInput(e.to_string()))?;
            // A browser follows a redirect to the loopback listener; a custom scheme goes to
            // whoever reads this command's output.
            if location.starts_with("http://127.0.0.1:") || location.starts_with("http://[::1]:") {
                reqwest::get(&location).await.map_err(|e| {
                    Error::InvalidInput(format!("the loopback listener did not answer: {e}"))
                })?;
            }
            print(json, &serde_json::json!({"redirect": location}), || {
                location.clone()
            });
            Ok(())
        }
    }
}

/// POSTs `body` to the running sandbox's admin API at `path`, with the admin token from
/// `--admin-token-file` or the data folder (where the app's and `grantry sandbox`'s own
/// sandbox leave it).
async fn admin_post(
    args: &SandboxArgs,
    data_dir: Option<PathBuf>,
    path: &str,
    body: &serde_json::Value,
) -> Result<(), Error> {
    let token_file = args
        .admin_token_file
        .clone()
        .or_else(|| data_dir.map(|dir| dir.join(SANDBOX_ADMIN_TOKEN_FILE)))
        .ok_or_else(|| Error::InvalidInput("no data folder: give --admin-token-file".into()))?;
    let token = std::fs::read_to_string(&token_file).map_err(|e| {
        Error::InvalidInput(format!(
            "cannot read the sandbox's admin token {}: {e} (is the sandbox running?)",
            token_file.display()
        ))
    })?;
    let port = args.port.unwrap_or_else(sandbox_port);
    let url = format!("http://127.0.0.1:{port}/_sandbox{path}");
    let response = reqwest::Client::new()
        .post(&url)
        .bearer_auth(token.trim())
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .map_err(|e| {
            Error::InvalidInput(format!(
                "the sandbox on 127.0.0.1:{port} did not answer: {e}"
            ))
        })?;
    if response.status().is_success() {
        return Ok(());
    }
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    let answer: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    Err(Error::InvalidInput(format!(
        "the sandbox refused ({status}): {}",
        answer["error_description"]
            .as_str()
            .unwrap_or("no reason given")
    )))
}

async fn serve(json: bool, args: &SandboxArgs, data_dir: Option<PathBuf>) -> Result<(), Error> {
    let mut config = SandboxConfig::new(args.personality.into());
    config.port = args.port.unwrap_or_else(sandbox_port);
    config.state_file = args.state.clone();
    config.token_log = SandboxConfig::token_log_from_env();
    config.require_pushed_authorization_requests = args.require_par;
    config.dpop = DpopSettings {
        required: args.dpop_required,
        nonce: args.dpop_nonce,
    };
    config.admin_token_file = args
        .admin_token_file
        .clone()
        .or_else(|| data_dir.map(|dir| dir.join(SANDBOX_ADMIN_TOKEN_FILE)));
    let sandbox = Sandbox::start(config.clone()).await.map_err(|e| {
        Error::InvalidInput(format!(
            "cannot start the sandbox on 127.0.0.1:{}: {e} (is the Grantry app running its own?)",
            config.port
        ))
    })?;
    print(
        json,
        &serde_json::json!({
            "issuer": sandbox.issuer(),
            "admin_token": sandbox.admin_token(),
            "admin_token_file": sandbox.admin_token_file(),
        }),
        || format!("{}Press Ctrl-C to stop.", sandbox.banner(&config)),
    );
    let _ = tokio::signal::ctrl_c().await;
    sandbox.stop().await;
    Ok(())
}

/// The built-in sandbox, started in this process for one command when none of ours runs on
/// `port` (`main.rs`): on the data folder's sandbox state and admin token, as the app's, so
/// that what it grants outlives the command and the app's sandbox knows it later. `None` when
/// it cannot start (another program holds the port), with the reason logged.
pub async fn start_for_command(data_dir: Option<PathBuf>, port: u16) -> Option<Sandbox> {
    let data_dir = data_dir?;
    let mut config = SandboxConfig::new(Personality::Generic);
    config.port = port;
    config.state_file = Some(data_dir.join(SANDBOX_STATE_FILE));
    config.admin_token_file = Some(data_dir.join(SANDBOX_ADMIN_TOKEN_FILE));
    // For tests only: every code and token it issues, for the leak sweep.
    config.token_log = SandboxConfig::token_log_from_env();
    match Sandbox::start(config).await {
        Ok(sandbox) => Some(sandbox),
        Err(error) => {
            tracing::info!("no sandbox could be started on 127.0.0.1:{port}: {error}");
            None
        }
    }
}
