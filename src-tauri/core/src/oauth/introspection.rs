//! Token introspection (RFC 7662): asks the provider whether an access token is active and
//! which scopes it carries now, with the client's authentication (and a DPoP proof of the
//! account's key, for a bound token).

use url::Url;

use super::client::form_post;
use super::dpop::Dpop;
use super::http::{Http, http_json};
use crate::error::Error;
use crate::providers::Environment;
use crate::secret::Secret;

/// The provider's answer about a token.
#[derive(Debug, PartialEq, Eq)]
pub enum Introspection {
    /// The token is active with these scopes (RFC 7662 §2.2 `scope`, space-separated), bound
    /// to the key of thumbprint `jkt` when the answer says so (`cnf.jkt`, RFC 9449 §6.2).
    Active {
        scopes: Vec<String>,
        jkt: Option<String>,
    },
    /// The token is expired, revoked or unknown to the provider.
    Inactive,
}

/// Introspects `token` at `endpoint`; `hint` says what it is (`access_token` or
/// `refresh_token`, RFC 7662 §2.1).
pub async fn introspect(
    http: &Http,
    provider: &str,
    env: &Environment,
    secret: Option<&Secret<String>>,
    endpoint: &Url,
    (token, hint): (&Secret<String>, &str),
    dpop: Option<&Dpop>,
) -> Result<Introspection, Error> {
    let build = || {
        form_post(
            env,
            secret,
            endpoint,
            &[("token", token.expose()), ("token_type_hint", hint)],
        )
    };
    let what = "its introspection answer";
    let answer = match dpop {
        Some(dpop) => http_json(dpop.send_built(http, build, None).await?, provider, what)?,
        None => http.json(build()?, provider, what).await?,
    };
    match answer["active"].as_bool() {
        Some(true) => Ok(Introspection::Active {
            scopes: answer["scope"]
                .as_str()
                .unwrap_or_default()
                .split(' ')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            jkt: answer["cnf"]["jkt"].as_str().map(str::to_owned),
        }),
        Some(false) => Ok(Introspection::Inactive),
        None => Err(Error::MalformedResponse {
            provider: provider.to_owned(),
            reason: "its introspection answer has no `active`".into(),
        }),
    }
}
