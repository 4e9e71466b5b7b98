//! Facebook's requests of its own (Graph API): the permissions a token carries
//! (`GET /me/permissions`), taking one back (`DELETE /me/permissions/{permission}`), and the
//! long-lived token exchange (`grant_type=fb_exchange_token`, about 60 days), which is
//! Grantry's "refresh" here, since Facebook issues no refresh tokens. Its error bodies are read
//! through the preset's rewrite into RFC 6749's shape (`providers/presets/facebook.rs`).

use super::answers::{Exchanged, GrantedScopes};
use super::requests::{bearer_get, form_request, on_origin};
use crate::error::Error;
use crate::oauth::discovery::Endpoints;
use crate::oauth::http::Http;
use crate::providers::presets::json_body;
use crate::providers::{Environment, Preset};
use crate::secret::Secret;

/// `GET /me/permissions`: each permission granted or declined.
pub(super) async fn permissions(
    http: &Http,
    endpoints: &Endpoints,
    access_token: &Secret<String>,
) -> Result<GrantedScopes, Error> {
    let base = endpoints.userinfo.as_ref().unwrap_or(&endpoints.token);
    let url = on_origin(base, "/me/permissions");
    let json = http
        .json(
            bearer_get(&url, access_token)?,
            "facebook",
            "its permissions",
        )
        .await?;
    let mut granted = Vec::new();
    let mut declined = Vec::new();
    let entries = json.get("data").and_then(|d| d.as_array());
    for entry in entries.into_iter().flatten() {
        let name = entry.get("permission").and_then(|v| v.as_str());
        let status = entry.get("status").and_then(|v| v.as_str());
        match (name, status) {
            (Some(name), Some("granted")) => granted.push(name.to_owned()),
            (Some(name), Some(_)) => declined.push(name.to_owned()),
            _ => {}
        }
    }
    Ok(GrantedScopes {
        granted,
        declined,
        source: "permissions",
    })
}

/// `DELETE /me/permissions/{permission}`: one permission taken back, the login kept.
pub(super) async fn delete_permission(
    http: &Http,
    endpoints: &Endpoints,
    access_token: &Secret<String>,
    permission: &str,
) -> Result<(), Error> {
    let base = endpoints.userinfo.as_ref().unwrap_or(&endpoints.token);
    let mut url = on_origin(base, "/me/permissions");
    // A path segment of its own, percent-encoded: the scope cannot reach another path.
    url.path_segments_mut()
        .map_err(|()| Error::Internal("the Graph address has no path".into()))?
        .push(permission);
    let request = openidconnect::http::Request::builder()
        .method("DELETE")
        .uri(url.as_str())
        .header("authorization", format!("Bearer {}", access_token.expose()))
        .header("accept", "application/json")
        .body(Vec::new())
        .map_err(|e| Error::Internal(format!("a request could not be built: {e}")))?;
    let response = http
        .send(request)
        .await
        .map_err(|source| Error::Unreachable {
            provider: "facebook".into(),
            source,
        })?;
    if response.status().is_success() {
        return Ok(());
    }
    let fixed = Preset::Facebook.token_response(response);
    let body = json_body(&fixed).unwrap_or_default();
    Err(Error::ProviderRefused {
        provider: "facebook".into(),
        error: body
            .get("error")
            .and_then(|v| v.as_str())
            .unwrap_or("refused")
            .to_owned(),
        description: body
            .get("error_description")
            .and_then(|v| v.as_str())
            .map(str::to_owned),
    })
}

/// The long-lived token exchange (`grant_type=fb_exchange_token`), in a form body so that the
/// app secret and the token stay out of URLs.
pub(super) async fn exchange(
    http: &Http,
    endpoints: &Endpoints,
    env: &Environment,
    secret: Option<&Secret<String>>,
    access_token: &Secret<String>,
    now: i64,
) -> Result<Exchanged, Error> {
    let secret = secret.filter(|_| env.needs_secret()).ok_or_else(|| {
        Error::InvalidInput("Facebook's token exchange needs the app secret".into())
    })?;
    let request = form_request(
        &endpoints.token,
        &[
            ("grant_type", "fb_exchange_token"),
            ("client_id", &env.client_id),
            ("client_secret", secret.expose()),
            ("fb_exchange_token", access_token.expose()),
        ],
    )?;
    let response = http
        .send(request)
        .await
        .map_err(|source| Error::Unreachable {
            provider: "facebook".into(),
            source,
        })?;
    let response = Preset::Facebook.token_response(response);
    let body = json_body(&response).unwrap_or_default();
    if let Some(error) = body.get("error").and_then(|v| v.as_str()) {
        return Err(Error::ProviderRefused {
            provider: "facebook".into(),
            error: error.to_owned(),
            description: body
                .get("error_description")
                .and_then(|v| v.as_str())
                .map(str::to_owned),
        });
    }
    let token = body
        .get("access_token")
        .and_then(|v| v.as_str())
        .filter(|_| response.status().is_success())
        .ok_or_else(|| Error::MalformedResponse {
            provider: "facebook".into(),
            reason: format!(
                "its token exchange answered HTTP {} without an access token",
                response.status()
            ),
        })?;
    let lifetime = body.get("expires_in").and_then(|v| v.as_u64());
    Ok(Exchanged {
        data_access_expires_at: body.get("data_access_expires_at").and_then(|v| v.as_i64()),
        access_token: Secret::new(token.to_owned()),
        expires_at: lifetime.map(|s| {
            crate::oauth::code_exchange::expires_at(now, std::time::Duration::from_secs(s))
        }),
    })
}
