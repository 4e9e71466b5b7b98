//! Google's request of its own: `tokeninfo`, which says the scopes an access token carries
//! (people can untick scopes on the consent screen, so the granted ones are asked).

use super::answers::GrantedScopes;
use super::requests::{form_request, on_origin};
use crate::error::Error;
use crate::oauth::discovery::Endpoints;
use crate::oauth::http::Http;
use crate::secret::Secret;

/// `tokeninfo` on the token endpoint's host, the token in a form body rather than the URL: the
/// scopes the token carries.
pub(super) async fn tokeninfo(
    http: &Http,
    endpoints: &Endpoints,
    access_token: &Secret<String>,
) -> Result<GrantedScopes, Error> {
    let url = on_origin(&endpoints.token, "/tokeninfo");
    let json = http
        .json(
            form_request(&url, &[("access_token", access_token.expose())])?,
            "google",
            "its tokeninfo answer",
        )
        .await?;
    let scope = json.get("scope").and_then(|v| v.as_str()).unwrap_or("");
    Ok(GrantedScopes {
        granted: scope.split_whitespace().map(str::to_owned).collect(),
        declined: Vec::new(),
        source: "tokeninfo",
    })
}
