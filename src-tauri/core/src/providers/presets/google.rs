//! Google: OpenID Connect with discovery at `https://accounts.google.com`. Its "iOS" clients
//! take only their reversed client id as redirect scheme
//! (`com.googleusercontent.apps.<id>:/oauth2redirect`, PKCE, no secret), its "Desktop app"
//! clients only loopback (with a secret that is not secret but required). A refresh token
//! comes only with `access_type=offline`, and again only with `prompt=consent`;
//! `include_granted_scopes=true` makes an added scope join the earlier grant. People can untick
//! scopes, so the granted ones are read from the token response and from `tokeninfo`.
//! Revoking any token ends the whole grant (`Revocation::Google`).

use super::{Info, Purpose, RedirectOption, SecretNeed};
use crate::providers::config::{Environment, Revocation};
use crate::providers::redirect::RedirectKind;
use crate::secret::Secret;

pub const ISSUER: &str = "https://accounts.google.com";
/// Where a person reviews the apps that have access to their Google Account and removes one
/// (Google Account Help, "Manage connections between your Google Account and third parties").
pub const APPS_PAGE: &str = "https://myaccount.google.com/connections";
/// What every Google OAuth client id ends with.
const CLIENT_ID_SUFFIX: &str = ".apps.googleusercontent.com";

pub static INFO: Info = Info {
    name: "Google",
    help: "Google accounts: Gmail, Drive, Calendar, Contacts and your profile.",
    console_url: "https://console.cloud.google.com/apis/credentials",
    site: None,
    redirects: &[
        RedirectOption {
            kind: RedirectKind::ProviderScheme,
            label: "iOS client (recommended)",
            help: "Create an OAuth client of type iOS (any bundle id). Google sends you back \
                   to com.googleusercontent.apps.<your id>:/oauth2redirect, which Grantry \
                   registers with your desktop. No client secret.",
            secret: SecretNeed::None,
        },
        RedirectOption {
            kind: RedirectKind::Loopback,
            label: "Desktop app client",
            help: "Create an OAuth client of type Desktop app. Google sends you back to \
                   http://127.0.0.1 on a port Grantry opens for each sign-in. Its client \
                   secret is required, though Google does not treat it as secret.",
            secret: SecretNeed::Required,
        },
        RedirectOption {
            kind: RedirectKind::Device,
            label: "TVs and Limited Input devices client",
            help: "Create an OAuth client of type \"TVs and Limited Input devices\". No \
                   redirect: Grantry shows a code that you enter at google.com/device, from \
                   any browser. Its client secret is required. Google allows only some \
                   scopes to these clients (openid, email, profile, Drive's drive.file, \
                   YouTube).",
            secret: SecretNeed::Required,
        },
    ],
    default_scopes: &["openid", "email", "profile"],
    catalogue: &[
        "openid",
        "email",
        "profile",
        "https://www.googleapis.com/auth/calendar.readonly",
        "https://www.googleapis.com/auth/calendar",
        "https://www.googleapis.com/auth/drive.file",
        "https://www.googleapis.com/auth/drive.readonly",
        "https://www.googleapis.com/auth/drive",
        "https://www.googleapis.com/auth/gmail.readonly",
        "https://www.googleapis.com/auth/gmail.send",
        "https://www.googleapis.com/auth/contacts.readonly",
    ],
};

pub(super) fn fill(env: &mut Environment) -> Result<(), String> {
    env.issuer = Some(ISSUER.to_owned());
    env.revocation = Revocation::Google;
    env.extra_params
        .insert("access_type".into(), "offline".into());
    if env.redirect == RedirectKind::ProviderScheme {
        env.redirect_uri = Some(reversed_client_id(&env.client_id)?);
    }
    Ok(())
}

/// `123-abc.apps.googleusercontent.com` → `com.googleusercontent.apps.123-abc:/oauth2redirect`.
pub fn reversed_client_id(client_id: &str) -> Result<String, String> {
    let id = client_id
        .strip_suffix(CLIENT_ID_SUFFIX)
        .filter(|id| {
            !id.is_empty()
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .ok_or_else(|| {
            format!(
                "client_id {client_id:?} is not a Google client id (they end in \
                 {CLIENT_ID_SUFFIX})"
            )
        })?;
    Ok(format!("com.googleusercontent.apps.{id}:/oauth2redirect"))
}

/// The client id and secret in a `client_secret.json` downloaded from the Google Cloud console
/// for a "Desktop app" client (`{"installed": {"client_id": …, "client_secret": …}}`).
pub fn import_client_secret(text: &str) -> Result<(String, Secret<String>), String> {
    let json: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| format!("this is not a client_secret.json file: {e}"))?;
    let Some(installed) = json.get("installed") else {
        let kind = json
            .as_object()
            .and_then(|o| o.keys().next().cloned())
            .unwrap_or_default();
        return Err(format!(
            "this file is for a {kind:?} client; Grantry needs a \"Desktop app\" client (its \
             file starts with \"installed\"), or an iOS client added by its client id"
        ));
    };
    let field = |name: &str| {
        installed
            .get(name)
            .and_then(|v| v.as_str())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("the file has no {name}"))
    };
    let client_id = field("client_id")?;
    reversed_client_id(client_id)?;
    Ok((
        client_id.to_owned(),
        Secret::new(field("client_secret")?.to_owned()),
    ))
}

pub(super) fn authorize_params(purpose: Purpose) -> Vec<(&'static str, &'static str)> {
    match purpose {
        // Google sends a refresh token only at the first consent, unless asked again.
        Purpose::Link | Purpose::Relink => vec![("prompt", "consent")],
        // The added scopes join the grant the account holds, which keeps its refresh token.
        Purpose::AddScopes => vec![("include_granted_scopes", "true")],
    }
}

pub(super) fn explain(error: &str, description: Option<&str>) -> Option<String> {
    (error == "invalid_grant").then(|| {
        format!(
            "Google no longer accepts this sign-in ({}). Likely reasons: you removed Grantry's \
             access in your Google Account; the client is in \"Testing\" publishing status, \
             whose refresh tokens expire 7 days after consent; it went unused for 6 months; \
             your password changed (Gmail scopes); or too many sign-ins of this client were \
             made. Link the account again.",
            description.unwrap_or("invalid_grant")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_redirect_scheme_is_the_reversed_client_id() {
        assert_eq!(
            reversed_client_id("123-abc.apps.googleusercontent.com").expect("valid"),
            "com.googleusercontent.apps.123-abc:/oauth2redirect"
        );
        for bad in [
            "",
            ".apps.googleusercontent.com",
            "123",
            "a b.apps.googleusercontent.com",
        ] {
            assert!(reversed_client_id(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_desktop_client_secret_json_is_imported_and_others_refused() {
        let desktop = r#"{"installed":{"client_id":"1-a.apps.googleusercontent.com","project_id":"p","auth_uri":"https://accounts.google.com/o/oauth2/auth","token_uri":"https://oauth2.googleapis.com/token","client_secret":"GOCSPX-x","redirect_uris":["http://localhost"]}}"#;
        let (id, secret) = import_client_secret(desktop).expect("desktop");
        assert_eq!(id, "1-a.apps.googleusercontent.com");
        assert_eq!(secret.expose(), "GOCSPX-x");
        let web = r#"{"web":{"client_id":"1-a.apps.googleusercontent.com"}}"#;
        assert!(
            import_client_secret(web)
                .expect_err("web")
                .contains("\"web\"")
        );
        assert!(import_client_secret("{").is_err());
        let no_secret = r#"{"installed":{"client_id":"1-a.apps.googleusercontent.com"}}"#;
        assert!(
            import_client_secret(no_secret)
                .expect_err("secret")
                .contains("client_secret")
        );
    }

    #[test]
    fn invalid_grant_names_the_testing_status_rule() {
        let said = explain("invalid_grant", Some("Token has been expired or revoked."))
            .expect("explained");
        assert!(
            said.contains("7 days") && said.contains("expired or revoked"),
            "{said}"
        );
        assert_eq!(explain("invalid_client", None), None);
    }
}
