//! `grantry providers discover`: fetch an issuer's OpenID Connect discovery document and show
//! the endpoints it names; the core refuses one whose issuer does not match exactly.

use clap::Args;
use grantry_core::{Error, Grantry};
use serde_json::json;

use crate::output::print;

#[derive(Args)]
pub struct DiscoverArgs {
    /// The issuer URL, exactly as the provider names itself.
    issuer: String,
}

pub async fn run(json: bool, grantry: &Grantry, args: &DiscoverArgs) -> Result<(), Error> {
    let endpoints = grantry.discover(&args.issuer).await?;
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
    Ok(())
}
