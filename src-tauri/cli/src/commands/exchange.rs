//! `grantry exchange`: token exchange (RFC 8693) for testers. One of an account's tokens (its
//! access token unless `--subject` says otherwise) is exchanged at its provider for a token for
//! another audience, resource or scope, and what the new token says is printed (a JWT's header
//! and claims), the token itself hidden.
//!
//! Nothing is stored unless asked: `--reveal` prints the token (alone on standard output, or in
//! the JSON as `token`), `--save FILE` writes it to a new file readable by this user only
//! (never over an existing file); otherwise it is gone when the command ends. The exchange and
//! each of those are in the account's history, never the token (`core/src/engine/exchange.rs`).

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use grantry_core::{Error, ExchangeRequest, Grantry, Handover, SubjectToken, TokenShape, now};

use crate::output::{local_time, print, relative};

#[derive(Args)]
pub struct ExchangeArgs {
    /// The account: its id, its email, or its name (ambiguous names list the matches).
    account: String,
    /// The service the new token is for (`audience`): a logical name or URI the provider knows.
    #[arg(long, value_name = "AUDIENCE")]
    audience: Option<String>,
    /// The resource the new token is for (`resource`, RFC 8707): an absolute URI.
    #[arg(long, value_name = "URI")]
    resource: Option<String>,
    /// A scope to ask for (repeat it, or give several separated by spaces); none asks for the
    /// provider's default, usually all the exchanged token's scopes.
    #[arg(long = "scope", value_name = "SCOPE")]
    scopes: Vec<String>,
    /// The type of token to ask for: access_token, jwt, id_token, refresh_token, or a full
    /// token type URI (RFC 8693 §3). None: the provider's default.
    #[arg(long, value_name = "TYPE")]
    requested_token_type: Option<String>,
    /// Which of the account's tokens to exchange.
    #[arg(long, value_enum, default_value_t = Subject::Access)]
    subject: Subject,
    /// Print the new token: alone on standard output, or as `token` with --json. Recorded in
    /// the history.
    #[arg(long)]
    reveal: bool,
    /// Write the new token to FILE, a new file readable by you only (an existing file is never
    /// written over). Recorded in the history, naming the file.
    #[arg(long, value_name = "FILE")]
    save: Option<PathBuf>,
}

/// `--subject`'s values.
#[derive(Clone, Copy, ValueEnum)]
enum Subject {
    /// The access token.
    Access,
    /// The refresh token.
    Refresh,
    /// The ID token.
    Id,
}

impl ExchangeArgs {
    /// The account it names, for deciding whether the command needs the sandbox.
    pub fn account(&self) -> &str {
        &self.account
    }
}

pub async fn run(json: bool, grantry: &Grantry, args: &ExchangeArgs) -> Result<(), Error> {
    let account = grantry.find_account(&args.account)?;
    let request = ExchangeRequest {
        subject: match args.subject {
            Subject::Access => SubjectToken::Access,
            Subject::Refresh => SubjectToken::Refresh,
            Subject::Id => SubjectToken::Id,
        },
        audience: args.audience.clone(),
        resource: args.resource.clone(),
        scopes: args.scopes.clone(),
        requested_token_type: args.requested_token_type.clone(),
    };
    let exchanged = grantry.exchange_token(account.id, &request).await?;
    let result = &exchanged.result;
    if let Some(path) = &args.save {
        grantry.save_exchanged_token(result.handle, path)?;
    }
    let revealed = if args.reveal {
        Some(
            grantry.deliver_exchanged_token(result.handle, Handover::Printed, |token| {
                Ok(token.expose().clone())
            })?,
        )
    } else {
        None
    };
    let mut value = serde_json::to_value(result)
        .map_err(|error| Error::Internal(format!("the answer cannot be printed: {error}")))?;
    // The handle means nothing once this process ends.
    if let Some(object) = value.as_object_mut() {
        object.remove("handle");
        if let Some(token) = &revealed {
            object.insert("token".into(), token.clone().into());
        }
        if let Some(path) = &args.save {
            object.insert("saved_to".into(), path.display().to_string().into());
        }
    }
    print(json, &value, || match &revealed {
        Some(token) => token.clone(),
        None => described(result, account.label(), args.save.as_ref()),
    });
    Ok(())
}

/// The answer as people read it.
fn described(
    result: &grantry_core::ExchangeResult,
    account: &str,
    saved: Option<&PathBuf>,
) -> String {
    let mut lines = vec![format!(
        "Exchanged the {} of {account}.",
        result.subject.name()
    )];
    let mut line = |name: &str, value: String| lines.push(format!("{name:<13}{value}"));
    line(
        "Issued:",
        format!("{} ({})", result.issued_token_type, result.token_type),
    );
    if let Some(audience) = &result.audience {
        line("Audience:", audience.clone());
    }
    if let Some(resource) = &result.resource {
        line("Resource:", resource.clone());
    }
    line(
        "Scopes:",
        result
            .scopes
            .as_ref()
            .map_or("(not said: those asked for)".into(), |s| s.join(" ")),
    );
    line(
        "Expires:",
        result.expires_at.map_or("(not said)".into(), |at| {
            format!("{} ({})", local_time(at), relative(at, now()))
        }),
    );
    let kept = match saved {
        Some(path) => format!("saved to {}", path.display()),
        None => "not kept: --reveal prints it, --save FILE keeps it".to_owned(),
    };
    match &result.token {
        TokenShape::Jwt { header, claims } | TokenShape::Unsecured { header, claims } => {
            let unsigned = matches!(result.token, TokenShape::Unsecured { .. });
            let kind = if unsigned {
                "an UNSIGNED JWT (alg none): its claims are nobody's word"
            } else {
                "a signed JWT"
            };
            line("Token:", format!("{kind}, hidden; {kept}"));
            line("Header:", header.clone());
            lines.push(format!("Claims:\n{}", indent(&pretty(claims))));
        }
        TokenShape::Opaque { length } => {
            line(
                "Token:",
                format!("opaque, {length} characters, hidden; {kept}"),
            );
        }
    }
    lines.join("\n")
}

/// JSON text pretty-printed, or as it is when it is not JSON.
fn pretty(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| text.to_owned())
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
