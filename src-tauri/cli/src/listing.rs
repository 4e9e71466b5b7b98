//! Commands that show or edit what Grantry knows: providers, accounts, scopes, history.

use clap::{Args, Subcommand};
use grantry_core::provider::{ClientAuth, Environment, Provider, RedirectKind};
use grantry_core::secret::Secret;
use grantry_core::{Error, Grantry};
use serde_json::json;
use tokio::io::AsyncBufReadExt;

use crate::output::{print, table};

#[derive(Subcommand)]
pub enum ProvidersAction {
    /// List providers and their environments (the default).
    List,
    /// Add a provider with one environment.
    Add(Box<AddArgs>),
    /// Fetch an issuer's discovery document and show its endpoints.
    Discover {
        /// The issuer URL, exactly as the provider names itself.
        issuer: String,
    },
    /// Remove a provider (and its client secrets from the keyring).
    Remove { id: String },
    /// Store an environment's client secret in the keyring, read from standard input.
    Secret {
        id: String,
        #[arg(long)]
        env: Option<String>,
    },
}

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
    /// none (public client, PKCE only), secret_basic or secret_post.
    #[arg(long, default_value = "none")]
    client_auth: String,
    /// custom_scheme (dev.grantry:/oauth/callback) or loopback.
    #[arg(long, default_value = "custom_scheme")]
    redirect: String,
    /// A default scope (repeat for more).
    #[arg(long = "scope")]
    scopes: Vec<String>,
}

fn parse_url(what: &str, value: &Option<String>) -> Result<Option<url::Url>, Error> {
    value
        .as_deref()
        .map(|v| url::Url::parse(v).map_err(|e| Error::InvalidInput(format!("{what} {v:?}: {e}"))))
        .transpose()
}

fn provider_from(args: &AddArgs) -> Result<Provider, Error> {
    let quoted = |v: &str| serde_json::Value::String(v.to_owned());
    let client_auth: ClientAuth =
        serde_json::from_value(quoted(&args.client_auth)).map_err(|_| {
            Error::InvalidInput("--client-auth: use none, secret_basic or secret_post".into())
        })?;
    let redirect: RedirectKind = serde_json::from_value(quoted(&args.redirect))
        .map_err(|_| Error::InvalidInput("--redirect: use custom_scheme or loopback".into()))?;
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
            client_auth,
            redirect,
            scopes: args.scopes.clone(),
            extra_params: Default::default(),
            revocation: Default::default(),
        }],
    };
    provider.validate()?;
    Ok(provider)
}

pub async fn providers(
    json: bool,
    grantry: &Grantry,
    action: Option<&ProvidersAction>,
) -> Result<(), Error> {
    match action.unwrap_or(&ProvidersAction::List) {
        ProvidersAction::List => {
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
        }
        ProvidersAction::Add(args) => {
            let provider = provider_from(args)?;
            if let Some(issuer) = &args.issuer {
                grantry.discover(issuer).await?;
            }
            grantry.add_provider(provider.clone())?;
            print(json, &provider, || {
                format!("Added provider {} ({}).", provider.id, provider.name)
            });
        }
        ProvidersAction::Discover { issuer } => {
            let endpoints = grantry.discover(issuer).await?;
            let text = |u: &Option<url::Url>| u.as_ref().map(|u| u.to_string());
            let found = json!({
                "issuer": endpoints.issuer,
                "authorization_endpoint": endpoints.authorization.to_string(),
                "token_endpoint": endpoints.token.to_string(),
                "userinfo_endpoint": text(&endpoints.userinfo),
                "revocation_endpoint": text(&endpoints.revocation),
                "introspection_endpoint": text(&endpoints.introspection),
                "jwks_uri": text(&endpoints.jwks_uri),
                "authorization_response_iss_parameter_supported": endpoints.iss_parameter_supported,
            });
            print(json, &found, || {
                found
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| {
                        format!(
                            "{k}: {}",
                            v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        ProvidersAction::Remove { id } => {
            let removed = grantry.remove_provider(id)?;
            print(json, &removed, || format!("Removed provider {id}."));
        }
        ProvidersAction::Secret { id, env } => {
            let mut line = String::new();
            tokio::io::BufReader::new(tokio::io::stdin())
                .read_line(&mut line)
                .await
                .map_err(|e| {
                    Error::InvalidInput(format!("cannot read the secret from standard input: {e}"))
                })?;
            let secret = line.trim_end_matches(['\r', '\n']);
            if secret.is_empty() {
                return Err(Error::InvalidInput("no secret on standard input".into()));
            }
            grantry.set_client_secret(id, env.as_deref(), &Secret::new(secret.to_owned()))?;
            print(json, &json!({"stored": true}), || {
                format!("Stored the client secret of {id} in the keyring.")
            });
        }
    }
    Ok(())
}

pub fn accounts(json: bool, grantry: &Grantry) -> Result<(), Error> {
    let accounts = grantry.accounts()?;
    print(json, &accounts, || {
        if accounts.is_empty() {
            return "No accounts linked yet: `grantry link sandbox` links one at the built-in sandbox.".into();
        }
        let now = grantry_core::now();
        let rows: Vec<Vec<String>> = accounts
            .iter()
            .map(|a| {
                let expiry = match a.access_expires_at {
                    Some(at) if at > now => format!("in {} min", (at - now) / 60),
                    Some(_) => "expired".into(),
                    None => "-".into(),
                };
                vec![
                    a.id.to_string(),
                    format!("{}/{}", a.provider, a.environment),
                    a.display_name.clone().unwrap_or_default(),
                    a.email.clone().unwrap_or_default(),
                    serde_json::to_value(a.status)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                    expiry,
                    a.scope_count.to_string(),
                ]
            })
            .collect();
        table(
            &[
                "ID", "PROVIDER", "NAME", "EMAIL", "STATUS", "EXPIRES", "SCOPES",
            ],
            &rows,
        )
    });
    Ok(())
}

pub async fn scopes(json: bool, grantry: &Grantry, account: i64, check: bool) -> Result<(), Error> {
    let scopes = if check {
        grantry.check_scopes(account).await?
    } else {
        grantry.scopes(account)?
    };
    print(json, &scopes, || {
        let rows: Vec<Vec<String>> = scopes
            .iter()
            .map(|s| {
                let status = serde_json::to_value(s.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                let description = s.description.clone().unwrap_or_default();
                vec![s.scope.clone(), status, s.source.clone(), description]
            })
            .collect();
        table(&["SCOPE", "STATUS", "SOURCE", "ALLOWS"], &rows)
    });
    Ok(())
}

pub fn history(json: bool, grantry: &Grantry, limit: u32) -> Result<(), Error> {
    let entries = grantry.activity(limit)?;
    print(json, &entries, || {
        let rows: Vec<Vec<String>> = entries
            .iter()
            .map(|e| {
                let kind = serde_json::to_value(e.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                vec![
                    e.at.to_string(),
                    kind,
                    e.account_id.map(|id| id.to_string()).unwrap_or_default(),
                    e.detail.clone(),
                ]
            })
            .collect();
        table(&["AT", "WHAT", "ACCOUNT", "DETAIL"], &rows)
    });
    Ok(())
}

pub async fn refresh(
    json: bool,
    grantry: &std::sync::Arc<Grantry>,
    account: Option<i64>,
    all: bool,
    concurrency: usize,
) -> Result<(), Error> {
    if !all {
        let id = account.ok_or_else(|| Error::InvalidInput("name an account, or --all".into()))?;
        let refreshed = grantry.refresh(id).await?;
        print(json, &refreshed, || {
            let expiry = refreshed
                .access_expires_at
                .map(|at| format!(", valid for {} min", (at - grantry_core::now()) / 60))
                .unwrap_or_default();
            format!("Refreshed account {id}{expiry}.")
        });
        return Ok(());
    }
    let outcomes = grantry.refresh_all(concurrency).await?;
    let report: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|(id, outcome)| match outcome {
            Ok(account) => {
                json!({"account": id, "ok": true, "access_expires_at": account.access_expires_at})
            }
            Err(error) => {
                json!({"account": id, "ok": false, "error": grantry_core::IpcError::from(error)})
            }
        })
        .collect();
    let failed = outcomes.iter().filter(|(_, o)| o.is_err()).count();
    print(json, &report, || {
        let mut lines: Vec<String> = outcomes
            .iter()
            .filter_map(|(id, outcome)| {
                outcome.as_ref().err().map(|e| format!("account {id}: {e}"))
            })
            .collect();
        lines.push(format!(
            "Refreshed {} of {} accounts.",
            outcomes.len() - failed,
            outcomes.len()
        ));
        lines.join("\n")
    });
    match outcomes.into_iter().find_map(|(_, outcome)| outcome.err()) {
        Some(first_failure) => Err(first_failure),
        None => Ok(()),
    }
}

pub async fn revoke(
    json: bool,
    grantry: &Grantry,
    account: Option<i64>,
    pending: bool,
) -> Result<(), Error> {
    if !pending {
        let id =
            account.ok_or_else(|| Error::InvalidInput("name an account, or --pending".into()))?;
        grantry.revoke(id).await?;
        print(json, &json!({"account": id, "revoked": true}), || {
            format!("Revoked account {id} at its provider and removed it here.")
        });
        return Ok(());
    }
    let outcomes = grantry.retry_revocations().await?;
    let report: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|(id, outcome)| match outcome {
            Ok(()) => json!({"account": id, "revoked": true}),
            Err(error) => json!({"account": id, "revoked": false, "error": grantry_core::IpcError::from(error)}),
        })
        .collect();
    print(json, &report, || {
        if outcomes.is_empty() {
            return "No revocation is pending.".into();
        }
        outcomes
            .iter()
            .map(|(id, outcome)| match outcome {
                Ok(()) => format!("account {id}: revoked"),
                Err(error) => format!("account {id}: still pending: {error}"),
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    match outcomes.into_iter().find_map(|(_, outcome)| outcome.err()) {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

pub fn forget(json: bool, grantry: &Grantry, account: i64) -> Result<(), Error> {
    grantry.forget(account)?;
    print(
        json,
        &json!({"account": account, "forgotten": true}),
        || {
            format!(
                "Removed account {account} from this device. Access at the provider was not revoked."
            )
        },
    );
    Ok(())
}

pub fn export(grantry: &Grantry) -> Result<(), Error> {
    let report = grantry.export()?;
    // The export is JSON whatever the flags say.
    print(true, &report, String::new);
    Ok(())
}

pub fn exchanges(json: bool, grantry: &Grantry, account: i64, limit: u32) -> Result<(), Error> {
    grantry.account(account)?;
    let exchanges = grantry.exchanges(account, limit)?;
    print(json, &exchanges, || {
        exchanges
            .iter()
            .map(|e| {
                let status = e
                    .status
                    .map_or_else(|| "no answer".to_owned(), |s| s.to_string());
                let mut text = format!("{} {} -> {status} ({} ms)", e.method, e.url, e.duration_ms);
                if !e.request_body.is_empty() {
                    text.push_str(&format!("\n  sent: {}", e.request_body));
                }
                if !e.response_body.is_empty() {
                    text.push_str(&format!("\n  got:  {}", e.response_body));
                }
                if let Some(error) = &e.error {
                    text.push_str(&format!("\n  error: {error}"));
                }
                text
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

pub fn repair(json: bool, grantry: &Grantry) -> Result<(), Error> {
    let report = grantry.repair()?;
    print(json, &report, || {
        format!(
            "Removed {} orphaned keyring items; finished {} interrupted revocations; {} accounts \
             had no tokens and need re-linking.",
            report.orphaned_secrets_removed,
            report.revocations_finished,
            report.accounts_without_tokens
        )
    });
    Ok(())
}
