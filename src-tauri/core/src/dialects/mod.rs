//! Dialects: what Grantry asks of a preset's provider beyond OAuth 2 and OpenID Connect, in
//! requests of the preset's own: which scopes a token carries (Google's `tokeninfo`, Facebook
//! Graph's `/me/permissions`, GitLab's `/oauth/token/info`), taking one scope back (Graph's
//! `DELETE /me/permissions/{permission}`), and renewing an access token without a refresh token
//! (Facebook's long-lived token exchange). They sit above the protocol (`oauth/`), whose client
//! they use, and below the engine, which asks them through the functions here.
//!
//! What a preset is, as plain data (its endpoints, redirects, scopes, rules, the plain words for
//! its errors, how its token answers read), is in `providers/presets/`, below `oauth/`. Only
//! this file and that one dispatch on [`Preset`]: a provider without a preset gets the standard
//! behaviour everywhere (RFC 7662 introspection for the scopes, RFC 6749 §6 refresh).

mod answers;
mod facebook;
mod gitlab;
mod google;
mod requests;

use crate::error::Error;
use crate::oauth::discovery::Endpoints;
use crate::oauth::http::Http;
use crate::providers::{Environment, Preset};
use crate::secret::Secret;
pub use answers::{Exchanged, GrantedScopes};

/// Asks the provider which scopes `access_token` carries, where the preset has its own way
/// (`None`: use the standard one, token introspection).
pub async fn granted_scopes(
    preset: Preset,
    http: &Http,
    endpoints: &Endpoints,
    access_token: &Secret<String>,
) -> Option<Result<GrantedScopes, Error>> {
    Some(match preset {
        Preset::Google => google::tokeninfo(http, endpoints, access_token).await,
        Preset::Facebook => facebook::permissions(http, endpoints, access_token).await,
        Preset::Gitlab => gitlab::token_info(http, endpoints, access_token).await,
        Preset::Github | Preset::Microsoft => return None,
    })
}

/// Takes one scope back at the provider, where the preset has a way (`None` otherwise).
pub async fn revoke_scope(
    preset: Preset,
    http: &Http,
    endpoints: &Endpoints,
    access_token: &Secret<String>,
    scope: &str,
) -> Option<Result<(), Error>> {
    match preset {
        Preset::Facebook => {
            Some(facebook::delete_permission(http, endpoints, access_token, scope).await)
        }
        _ => None,
    }
}

/// Renews an access token for a provider that issues no refresh tokens, where it has its
/// own way (Facebook's long-lived token exchange); `None` for the others.
pub async fn exchange(
    preset: Preset,
    http: &Http,
    endpoints: &Endpoints,
    env: &Environment,
    secret: Option<&Secret<String>>,
    access_token: &Secret<String>,
    now: i64,
) -> Option<Result<Exchanged, Error>> {
    match preset {
        Preset::Facebook => {
            Some(facebook::exchange(http, endpoints, env, secret, access_token, now).await)
        }
        _ => None,
    }
}
