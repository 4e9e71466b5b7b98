//! GitLab's request of its own: `GET /oauth/token/info` at the GitLab address, which says the
//! scopes an access token carries.

use super::answers::GrantedScopes;
use super::requests::bearer_get;
use crate::error::Error;
use crate::oauth::discovery::Endpoints;
use crate::oauth::http::Http;
use crate::secret::Secret;

/// `GET /oauth/token/info` at the GitLab address: the scopes the token carries.
pub(super) async fn token_info(
    http: &Http,
    endpoints: &Endpoints,
    access_token: &Secret<String>,
) -> Result<GrantedScopes, Error> {
    let mut url = endpoints.token.clone();
    // The token endpoint is `{address}/oauth/token`; its info sits beside it.
    url.set_path(&format!(
        "{}/info",
        endpoints.token.path().trim_end_matches('/')
    ));
    let json = http
        .json(bearer_get(&url, access_token)?, "gitlab", "its token info")
        .await?;
    let granted = match json.get("scope") {
        Some(serde_json::Value::Array(scopes)) => scopes
            .iter()
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect(),
        Some(serde_json::Value::String(scopes)) => {
            scopes.split_whitespace().map(str::to_owned).collect()
        }
        _ => Vec::new(),
    };
    Ok(GrantedScopes {
        granted,
        declined: Vec::new(),
        source: "token_info",
    })
}
