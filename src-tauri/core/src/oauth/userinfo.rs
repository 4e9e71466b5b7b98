//! The person's profile from the provider's resource server: the OpenID Connect UserInfo
//! endpoint (Core §5.3), or a plain OAuth 2 provider's own profile endpoint, where the
//! subject is an `id` (a number at GitHub, a string at Facebook Graph) and the picture may be
//! named otherwise.

use url::Url;

use openidconnect::http::HeaderValue;

use super::dpop::Dpop;
use super::http::{Http, get_json, http_json};
use crate::error::Error;

/// Who signed in, as far as the profile tells.
#[derive(Debug, Default)]
pub struct Profile {
    pub subject: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub picture: Option<String>,
}

/// A GET of `url` with a DPoP-bound `token`: `Authorization: DPoP …` (RFC 9449 §7.1); the
/// proof is added when it is sent.
pub(crate) fn dpop_request(url: &Url, token: &str) -> Result<openidconnect::HttpRequest, Error> {
    let mut request = get_json(url, None)?;
    let scheme = HeaderValue::from_str(&format!("DPoP {token}"))
        .map_err(|_| Error::Internal("an access token is not a header value".into()))?;
    request.headers_mut().insert("authorization", scheme);
    Ok(request)
}

/// Fetches the profile with the access token: a bearer token, or with `dpop` a DPoP-bound
/// one (`Authorization: DPoP …` and a proof for it, RFC 9449 §7).
pub async fn fetch(
    http: &Http,
    provider: &str,
    url: &Url,
    token: &str,
    dpop: Option<&Dpop>,
) -> Result<Profile, Error> {
    let json = match dpop {
        None => {
            http.json(get_json(url, Some(token))?, provider, "its profile")
                .await?
        }
        Some(dpop) => {
            let build = || dpop_request(url, token);
            let response = dpop.send_built(http, build, Some(token)).await?;
            http_json(response, provider, "its profile")?
        }
    };
    let text = |key: &str| json.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    let id = json.get("id").and_then(|v| match v {
        serde_json::Value::Number(n) => Some(n.to_string()),
        other => other.as_str().map(str::to_owned),
    });
    Ok(Profile {
        subject: text("sub").or(id),
        name: text("name"),
        email: text("email"),
        // OpenID Connect's `picture` is a URL; Graph nests it (`picture.data.url`), GitHub
        // calls it `avatar_url`.
        picture: text("picture")
            .or_else(|| {
                let nested = json.pointer("/picture/data/url")?.as_str()?;
                Some(nested.to_owned())
            })
            .or_else(|| text("avatar_url")),
    })
}
