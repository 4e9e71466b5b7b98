//! `grantry-sandbox`: runs the sandbox provider in the foreground until Ctrl-C, for QA testers
//! and for trying Grantry against a provider without any credentials. Built only with the
//! `cli` feature (on by default; see Cargo.toml), so that the library never pulls in clap.
//!
//! It only parses arguments (and, for tests, `GRANTRY_SANDBOX_TOKEN_LOG`) into a
//! [`SandboxConfig`] and prints the banner, admin token included: every rule lives in the
//! library, so the binary must never behave differently from a sandbox started by a test.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use grantry_sandbox::{Personality, Sandbox, SandboxConfig};

/// Grantry Sandbox: a strict OAuth 2.1 / OpenID Connect provider on 127.0.0.1.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Which provider to imitate: generic, google, facebook, github, microsoft or gitlab.
    #[arg(long, default_value = "generic", value_parser = parse_personality)]
    personality: Personality,
    /// Keep clients, users, grants and the signing key in this file across restarts.
    #[arg(long)]
    state: Option<PathBuf>,
    /// Keep the admin API's token in this file (mode 0600) across restarts (default: next to
    /// the state file, as <stem>-admin-token; without either, a new token at every start).
    #[arg(long)]
    admin_token_file: Option<PathBuf>,
    /// Access-token lifetime in seconds.
    #[arg(long, default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..))]
    access_token_lifetime: u64,
    /// Refuse authorization requests that were not pushed to /par first (RFC 9126; the generic
    /// personality only).
    #[arg(long)]
    require_par: bool,
    /// Require a DPoP proof (RFC 9449) from every client at the token endpoint.
    #[arg(long)]
    dpop_required: bool,
    /// Demand DPoP nonces (RFC 9449 §8) in every proof.
    #[arg(long)]
    dpop_nonce: bool,
}

fn parse_personality(name: &str) -> Result<Personality, String> {
    Personality::parse(name)
        .ok_or_else(|| "use generic, google, facebook, github, microsoft or gitlab".to_owned())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    // The library's warnings (a state file it could not save, say) go to stderr.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .init();
    let mut config = SandboxConfig::new(args.personality);
    config.port = args.port;
    config.state_file = args.state;
    config.admin_token_file = args.admin_token_file;
    // For tests only: every issued code and token, appended to this file (debug builds only).
    config.token_log = SandboxConfig::token_log_from_env();
    config.access_token_lifetime = Duration::from_secs(args.access_token_lifetime);
    if args.require_par && args.personality != Personality::Generic {
        eprintln!("grantry-sandbox: --require-par needs the generic personality");
        return ExitCode::FAILURE;
    }
    config.require_pushed_authorization_requests = args.require_par;
    config.dpop = grantry_sandbox::DpopSettings {
        required: args.dpop_required,
        nonce: args.dpop_nonce,
    };
    let sandbox = match Sandbox::start(config.clone()).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("grantry-sandbox: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    print!("{}", sandbox.banner(&config));
    println!("Press Ctrl-C to stop.");
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("grantry-sandbox: {error}");
    }
    sandbox.stop().await;
    ExitCode::SUCCESS
}
