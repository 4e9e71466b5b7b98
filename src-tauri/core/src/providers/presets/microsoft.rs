//! Microsoft identity platform (personal accounts, work and school accounts): its
//! "Mobile and desktop applications" platform takes custom schemes and loopback addresses, for a
//! public client with PKCE and no secret. A refresh token comes only with `offline_access`, and
//! every refresh rotates it. Discovery under the multi-tenant names (`common`, …) advertises an
//! issuer with a `{tenantid}` placeholder, so the endpoints are written out here and the profile
//! comes from Graph's OIDC userinfo. There is no endpoint to revoke a token: revoking removes
//! the account here and sends the person to Microsoft's consent page, and the screens say so.
//! Errors carry `AADSTS` numbers, explained in plain words.

use super::{Info, RedirectOption, SecretNeed, Site};
use crate::providers::config::{Environment, Revocation};
use crate::providers::redirect::RedirectKind;

/// Where a person removes an app's access to their Microsoft account.
pub const MANAGE_CONSENT_URL: &str = "https://account.live.com/consent/Manage";

const LOGIN: &str = "https://login.microsoftonline.com";

pub static INFO: Info = Info {
    name: "Microsoft",
    help: "Microsoft personal, work and school accounts: Outlook, OneDrive, Calendar, profile.",
    console_url: "https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade",
    site: Some(Site {
        label: "Tenant",
        placeholder: "common",
        default: "common",
        help: "common (any account), consumers (personal accounts), organizations (work and \
               school) or your directory's tenant id.",
    }),
    redirects: &[
        RedirectOption {
            kind: RedirectKind::CustomScheme,
            label: "dev.grantry: link (recommended)",
            help: "In the app registration, add the platform \"Mobile and desktop \
                   applications\" with the redirect URI dev.grantry:/oauth/callback, and allow \
                   public client flows. No secret.",
            secret: SecretNeed::None,
        },
        RedirectOption {
            kind: RedirectKind::Loopback,
            label: "Loopback (http://127.0.0.1)",
            help: "Add the redirect URI http://127.0.0.1/callback under \"Mobile and desktop \
                   applications\"; Microsoft ignores the port on loopback, and Grantry opens \
                   one for each sign-in. No secret.",
            secret: SecretNeed::None,
        },
        RedirectOption {
            kind: RedirectKind::Device,
            label: "Device code",
            help: "No redirect URI: Grantry shows a code that you enter at \
                   microsoft.com/devicelogin, from any browser. In the app registration, \
                   allow public client flows. No secret.",
            secret: SecretNeed::None,
        },
    ],
    default_scopes: &["openid", "profile", "email", "offline_access", "User.Read"],
    catalogue: &[
        "openid",
        "profile",
        "email",
        "offline_access",
        "User.Read",
        "Mail.Read",
        "Mail.Send",
        "Calendars.Read",
        "Calendars.ReadWrite",
        "Files.Read",
        "Files.ReadWrite",
    ],
};

pub(super) fn fill(env: &mut Environment, tenant: Option<&str>) -> Result<(), String> {
    let tenant = tenant.unwrap_or("common");
    let valid = (1..=64).contains(&tenant.len())
        && tenant
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    if !valid {
        return Err(format!(
            "tenant {tenant:?}: give common, consumers, organizations, a tenant id or a domain"
        ));
    }
    let url = |text: String| url::Url::parse(&text).map_err(|e| e.to_string());
    env.authorization_endpoint = Some(url(format!("{LOGIN}/{tenant}/oauth2/v2.0/authorize"))?);
    env.token_endpoint = Some(url(format!("{LOGIN}/{tenant}/oauth2/v2.0/token"))?);
    env.userinfo_endpoint = Some(url("https://graph.microsoft.com/oidc/userinfo".into())?);
    env.revocation = Revocation::Unsupported;
    if env.redirect == RedirectKind::Device {
        env.device_authorization_endpoint =
            Some(url(format!("{LOGIN}/{tenant}/oauth2/v2.0/devicecode"))?);
    }
    Ok(())
}

/// The tenant in the authorization endpoint's path.
pub(super) fn tenant_of(env: &Environment) -> Option<String> {
    let path = env.authorization_endpoint.as_ref()?.path().to_owned();
    path.trim_start_matches('/')
        .split('/')
        .next()
        .map(str::to_owned)
}

pub(super) fn explain(error: &str, description: Option<&str>) -> Option<String> {
    let description = description.unwrap_or_default();
    let reason = [
        (
            "AADSTS700082",
            "the sign-in expired after going unused for 90 days",
        ),
        (
            "AADSTS50173",
            "the grant was revoked, or your password changed",
        ),
        (
            "AADSTS65001",
            "Grantry has no consent for these permissions (any more)",
        ),
        (
            "AADSTS700084",
            "the sign-in of this single-page-app client expired",
        ),
        (
            "AADSTS50076",
            "your organisation requires multi-factor authentication again",
        ),
        (
            "AADSTS7000218",
            "the app registration does not allow public client flows",
        ),
    ]
    .into_iter()
    .find(|(code, _)| description.contains(code))
    .map(|(_, reason)| reason);
    match (error, reason) {
        (_, Some(reason)) => Some(format!(
            "Microsoft no longer accepts this sign-in: {reason}. Link the account again."
        )),
        ("invalid_grant", None) => Some(format!(
            "Microsoft no longer accepts this sign-in ({description}). Link the account again."
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tenant_goes_into_the_endpoints_and_comes_back_out() {
        let mut env = Environment::discovered("production", "https://x.invalid", "id");
        fill(&mut env, Some("organizations")).expect("valid");
        assert_eq!(
            env.token_endpoint.as_ref().map(|u| u.as_str()),
            Some("https://login.microsoftonline.com/organizations/oauth2/v2.0/token")
        );
        assert_eq!(tenant_of(&env).as_deref(), Some("organizations"));
        assert!(fill(&mut env, Some("a/b")).is_err());
        assert!(fill(&mut env, Some("")).is_err());
    }

    #[test]
    fn aadsts_codes_are_said_in_words() {
        let said = explain(
            "invalid_grant",
            Some("AADSTS700082: The refresh token has expired due to inactivity."),
        )
        .expect("explained");
        assert!(said.contains("90 days"), "{said}");
        assert!(explain("invalid_client", Some("other")).is_none());
    }
}
