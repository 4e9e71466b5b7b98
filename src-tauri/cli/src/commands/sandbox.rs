//! `grantry sandbox`: run the Grantry Sandbox provider in the foreground (on the port the
//! built-in sandbox provider uses, so Grantry links against it), or play a person on its
//! consent page (`grantry sandbox consent`), which makes linking scriptable end to end:
//! `grantry link sandbox --browser "grantry sandbox consent --user alice"`.

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
}

/// `data_dir` is the data folder, where the sandbox leaves its admin token by default so that
/// the other `grantry` commands on that folder trust it.
pub async fn run(json: bool, args: &SandboxArgs, data_dir: Option<PathBuf>) -> Result<(), Error> {
    match &args.action {
        None => serve(json, args, data_dir).await,
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

async fn serve(json: bool, args: &SandboxArgs, data_dir: Option<PathBuf>) -> Result<(), Error> {
    let mut config = SandboxConfig::new(args.personality.into());
    config.port = args.port.unwrap_or_else(sandbox_port);
    config.state_file = args.state.clone();
    config.token_log = SandboxConfig::token_log_from_env();
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
