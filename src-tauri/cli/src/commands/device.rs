//! `grantry link P --device`: a link by device code (RFC 8628). The code, the page to enter
//! it at (and the page with it filled in, when the provider gives one) and a QR code of that
//! page go to standard error for the person, with the time left (a countdown on a terminal,
//! the expiry time otherwise); the command waits while the core polls the provider
//! (`grantry_core`'s `engine/device_link.rs`). Ctrl+C cancels the link. The linked account
//! is printed as `grantry link` prints it, so `--json` output stays one document.
//!
//! Invariant: the device code itself never reaches this file; only what the person needs does.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use grantry_core::providers::RedirectKind;
use grantry_core::{AccountSummary, DeviceLinkView, Error, Grantry};

use crate::output::{local_time, terminal_safe};

/// What to link: a new account at `provider`, or `account` again (with `scopes` added).
pub struct Request<'a> {
    pub provider: &'a str,
    pub environment: Option<&'a str>,
    pub account: Option<i64>,
    pub scopes: &'a [String],
}

/// Whether the environment a `grantry link` names links by device code (its redirect).
pub fn environment_wants_device(
    grantry: &Grantry,
    args: &super::link::LinkArgs,
) -> Result<bool, Error> {
    let (provider, environment) = match args.account_and_env() {
        (Some(account), _) => {
            let account = grantry.account(account)?;
            (account.provider, Some(account.environment))
        }
        (None, env) => (
            args.provider_id().unwrap_or_default().to_owned(),
            env.map(str::to_owned),
        ),
    };
    let providers = grantry.providers();
    let Some(provider) = providers.iter().find(|p| p.id.as_str() == provider) else {
        // The link itself says the provider is unknown.
        return Ok(false);
    };
    Ok(provider
        .environment(environment.as_deref())
        .is_ok_and(|env| env.redirect == RedirectKind::Device))
}

/// Starts the device link, shows it, and waits for its end (or Ctrl+C, which cancels it).
pub async fn link(grantry: &Grantry, request: &Request<'_>) -> Result<AccountSummary, Error> {
    let view = match request.account {
        Some(account) => {
            grantry
                .start_device_link_for(account, request.scopes)
                .await?
        }
        None => {
            let scopes = (!request.scopes.is_empty()).then(|| request.scopes.to_vec());
            grantry
                .start_device_link(request.provider, request.environment, scopes)
                .await?
        }
    };
    // Ctrl+C is taken from now on, before the code is shown: it cancels the link instead of
    // ending the process with the link left polling.
    let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        .map_err(|e| {
        grantry.cancel_link(&view.link);
        Error::Internal(format!("cannot take Ctrl+C: {e}"))
    })?;
    let terminal = std::io::stderr().is_terminal();
    eprint!("{}", terminal_safe(&instructions(&view, terminal)));
    let waiting = grantry.wait_device_link(&view.link);
    tokio::pin!(waiting);
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            // The wait is polled first, so it has claimed the link before a Ctrl+C that came
            // at once cancels it: the wait then ends as cancelled, not as "no link waiting".
            biased;
            outcome = &mut waiting => {
                if terminal {
                    eprintln!();
                }
                return outcome;
            }
            _ = interrupt.recv() => {
                grantry.cancel_link(&view.link);
                // The wait ends with the cancellation, at once.
                if terminal {
                    eprintln!();
                }
                return waiting.await;
            }
            _ = tick.tick(), if terminal => {
                let left = view.expires_at - grantry_core::now();
                eprint!("\rWaiting for the code to be entered… {} left ", countdown(left));
                let _ = std::io::stderr().flush();
            }
        }
    }
}

/// `9:05`, or `expired`.
fn countdown(left: i64) -> String {
    if left <= 0 {
        return "0:00".to_owned();
    }
    format!("{}:{:02}", left / 60, left % 60)
}

/// What the person reads: the code, the page, the page with the code, the QR code (on a
/// terminal) and until when the code works.
fn instructions(view: &DeviceLinkView, terminal: bool) -> String {
    let mut text = format!(
        "To link your account at {provider}, enter this code:\n\n    {code}\n\nat {uri}\n",
        provider = view.provider,
        code = view.user_code,
        uri = view.verification_uri,
    );
    if let Some(complete) = &view.verification_uri_complete {
        text.push_str(&format!("or open {complete} (the code filled in)\n"));
    }
    if terminal && let Some(qr) = &view.qr {
        text.push('\n');
        text.push_str(&qr.to_text());
    }
    text.push_str(&format!(
        "\nCode: {}\nThe code works until {}. Ctrl+C cancels.\n",
        view.user_code,
        local_time(view.expires_at)
    ));
    text
}
