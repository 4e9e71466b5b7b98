//! GitLab, at gitlab.com or a self-managed address: OpenID Connect with discovery at that
//! address, PKCE, RFC 7009 revocation, rotating refresh tokens. Applications marked
//! non-confidential need no secret. `GET /oauth/token/info` tells which scopes a token carries.

use super::{Info, RedirectOption, SecretNeed, Site};
use crate::providers::config::{Environment, Revocation};
use crate::providers::redirect::RedirectKind;
use crate::providers::urls::check_url;

pub const GITLAB_COM: &str = "https://gitlab.com";
/// Where, under a GitLab's address, a person reviews the applications they authorized and
/// revokes one (User settings, "Applications", "Authorized applications").
pub const APPS_PAGE_PATH: &str = "/-/user_settings/applications";

pub static INFO: Info = Info {
    name: "GitLab",
    help: "GitLab accounts at gitlab.com or your own GitLab.",
    console_url: "https://gitlab.com/-/user_settings/applications",
    site: Some(Site {
        label: "GitLab address",
        placeholder: GITLAB_COM,
        default: GITLAB_COM,
        help: "https://gitlab.com, or the address of your self-managed GitLab.",
    }),
    redirects: &[
        RedirectOption {
            kind: RedirectKind::CustomScheme,
            label: "dev.grantry: link (recommended)",
            help: "In User settings › Applications, add an application with the redirect URI \
                   dev.grantry:/oauth/callback and untick Confidential. No secret.",
            secret: SecretNeed::Optional,
        },
        RedirectOption {
            kind: RedirectKind::Loopback,
            label: "Loopback (http://127.0.0.1)",
            help: "Add the redirect URI http://127.0.0.1/callback; untick Confidential, or \
                   enter the application's secret.",
            secret: SecretNeed::Optional,
        },
    ],
    default_scopes: &["openid", "profile", "email", "read_user"],
    catalogue: &[
        "openid",
        "profile",
        "email",
        "read_user",
        "read_api",
        "api",
        "read_repository",
        "write_repository",
    ],
};

pub(super) fn fill(env: &mut Environment, site: Option<&str>) -> Result<(), String> {
    let site = site.unwrap_or(GITLAB_COM).trim_end_matches('/');
    let url = url::Url::parse(site).map_err(|e| format!("GitLab address {site:?}: {e}"))?;
    check_url(&url, env.plain_http).map_err(|reason| format!("GitLab address: {reason}"))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("GitLab address {site:?}: no query or fragment"));
    }
    env.issuer = Some(site.to_owned());
    env.revocation = Revocation::Rfc7009;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_becomes_the_issuer() {
        let mut env = Environment::discovered("production", "https://x.invalid", "id");
        fill(&mut env, Some("https://git.example.org/")).expect("valid");
        assert_eq!(env.issuer.as_deref(), Some("https://git.example.org"));
        assert!(fill(&mut env, Some("http://git.example.org")).is_err());
        assert!(fill(&mut env, Some("gitlab")).is_err());
    }
}
