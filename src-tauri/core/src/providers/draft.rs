//! A provider as a person fills it in (the Providers screen's form, `grantry providers add`),
//! and the one way from that to a [`Provider`]: every mistake is named with the field it is
//! in (`id`, `environments.0.client_id`, …), so that the form can show it next to that field,
//! and nothing is written while there is one. A preset's endpoints and quirks are filled in
//! from the preset (`presets/`); a custom provider's are taken as given.
//!
//! The client secret travels in the draft only on its way to the keyring: it is never part of
//! a [`Provider`] and never sent back.

use serde::{Deserialize, Serialize};
use url::Url;

use super::config::{ClientAuth, Environment, Provider, ProviderId};
use super::presets::{self, Preset};
use super::redirect::{self, RedirectKind};
use super::urls::{PlainHttp, check_url};
use crate::secret::Secret;

/// One environment of a [`ProviderDraft`].
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EnvironmentDraft {
    pub name: String,
    /// A preset's one setting: Microsoft's tenant, a self-managed GitLab's address.
    pub site: Option<String>,
    pub issuer: Option<String>,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub userinfo_endpoint: Option<String>,
    pub revocation_endpoint: Option<String>,
    /// Custom providers only: RFC 9126's endpoint, when discovery does not name it.
    #[serde(default)]
    pub pushed_authorization_request_endpoint: Option<String>,
    /// Push every authorization request first (RFC 9126), whatever the provider requires.
    #[serde(default)]
    pub pushed_authorization: bool,
    /// Sender-constrained tokens (DPoP, RFC 9449): each account gets a key of its own and every
    /// token request carries a proof (`Environment::dpop`).
    #[serde(default)]
    pub dpop: bool,
    pub client_id: String,
    /// Custom providers only; a preset's redirect choice decides.
    #[serde(default)]
    pub client_auth: ClientAuth,
    #[serde(default)]
    pub redirect: RedirectKind,
    pub redirect_uri: Option<String>,
    #[serde(default)]
    pub scopes: Vec<String>,
    /// A new client secret for the keyring; `None` keeps the stored one.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub client_secret: Option<Secret<String>>,
}

/// A provider as a person fills it in.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProviderDraft {
    pub id: String,
    pub name: String,
    pub preset: Option<Preset>,
    /// Accept plain http on 127.0.0.1 and [::1] (`Provider::allow_plain_http_loopback`).
    #[serde(default)]
    pub allow_plain_http_loopback: bool,
    /// Refresh plain-http accounts in the background too
    /// (`Provider::refresh_plain_http_in_background`).
    #[serde(default)]
    pub refresh_plain_http_in_background: bool,
    pub environments: Vec<EnvironmentDraft>,
}

/// A mistake in a draft, and the field it is in (empty: the draft as a whole).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    fn at(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Builds the provider a draft describes, or says every mistake in it. `has_secret` tells
/// whether an environment already has a client secret in the keyring.
pub fn build(
    draft: &ProviderDraft,
    has_secret: impl Fn(&str) -> bool,
) -> Result<Provider, Vec<FieldError>> {
    let mut errors = Vec::new();
    let id = ProviderId::try_from(draft.id.trim().to_owned())
        .map_err(|message| errors.push(FieldError::at("id", message)))
        .ok();
    if draft.name.trim().is_empty() {
        errors.push(FieldError::at("name", "give the provider a name"));
    }
    if draft.environments.is_empty() {
        errors.push(FieldError::at("environments", "add an environment"));
    }
    if draft.refresh_plain_http_in_background && !draft.allow_plain_http_loopback {
        errors.push(FieldError::at(
            "refresh_plain_http_in_background",
            "background refresh over plain http needs plain http allowed first",
        ));
    }
    let plain_http = PlainHttp::from_opt_ins(
        draft.allow_plain_http_loopback,
        draft.refresh_plain_http_in_background,
    );
    let mut environments = Vec::new();
    for (index, env) in draft.environments.iter().enumerate() {
        let field = |name: &str| format!("environments.{index}.{name}");
        let before = errors.len();
        if env.name.trim().is_empty() {
            errors.push(FieldError::at(field("name"), "give the environment a name"));
        } else if draft.environments[..index]
            .iter()
            .any(|e| e.name.trim() == env.name.trim())
        {
            errors.push(FieldError::at(field("name"), "this name is used twice"));
        }
        if env.client_id.trim().is_empty() {
            errors.push(FieldError::at(field("client_id"), "enter the client id"));
        }
        if errors.len() > before {
            continue;
        }
        let stored = has_secret(env.name.trim());
        let given = env
            .client_secret
            .as_ref()
            .is_some_and(|s| !s.expose().trim().is_empty());
        let built = match draft.preset {
            Some(preset) => from_preset(preset, env, given || stored, plain_http)
                .map_err(|e| vec![FieldError::at(field(e.field), e.message)]),
            None => custom(env, plain_http).map_err(|found| {
                found
                    .into_iter()
                    .map(|(name, message)| FieldError::at(field(name), message))
                    .collect()
            }),
        };
        match built {
            Ok(mut built) => {
                built.pushed_authorization = env.pushed_authorization;
                built.dpop = env.dpop;
                if built.needs_secret() && !given && !stored {
                    errors.push(FieldError::at(
                        field("client_secret"),
                        "this client needs its secret",
                    ));
                }
                environments.push(built);
            }
            Err(found) => errors.extend(found),
        }
    }
    let (Some(id), true) = (id, errors.is_empty()) else {
        return Err(errors);
    };
    let provider = Provider {
        id,
        name: draft.name.trim().to_owned(),
        preset: draft.preset,
        allow_plain_http_loopback: draft.allow_plain_http_loopback,
        refresh_plain_http_in_background: draft.refresh_plain_http_in_background,
        environments,
    };
    // The rules every provider passes, for whatever the checks above did not name.
    provider
        .validate()
        .map_err(|e| vec![FieldError::at("", e.to_string())])?;
    Ok(provider.stamped())
}

fn from_preset(
    preset: Preset,
    env: &EnvironmentDraft,
    with_secret: bool,
    plain_http: PlainHttp,
) -> Result<Environment, presets::PresetError> {
    preset.environment(&presets::Input {
        name: env.name.trim().to_owned(),
        site: env.site.clone(),
        client_id: env.client_id.clone(),
        redirect: Some(env.redirect),
        redirect_uri: env.redirect_uri.clone(),
        scopes: env.scopes.clone(),
        with_secret,
        plain_http,
    })
}

/// A custom provider's environment, as given; each mistake with its field.
fn custom(
    env: &EnvironmentDraft,
    plain_http: PlainHttp,
) -> Result<Environment, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let mut url = |name: &'static str, value: &Option<String>| -> Option<Url> {
        let value = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
        let checked = Url::parse(value)
            .map_err(|e| format!("{value:?} is not a URL: {e}"))
            .and_then(|url| check_url(&url, plain_http).map(|()| url));
        checked.map_err(|message| errors.push((name, message))).ok()
    };
    let issuer = url("issuer", &env.issuer).map(|_| {
        env.issuer
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_owned()
    });
    let authorization_endpoint = url("authorization_endpoint", &env.authorization_endpoint);
    let token_endpoint = url("token_endpoint", &env.token_endpoint);
    let userinfo_endpoint = url("userinfo_endpoint", &env.userinfo_endpoint);
    let revocation_endpoint = url("revocation_endpoint", &env.revocation_endpoint);
    let pushed_authorization_request_endpoint = url(
        "pushed_authorization_request_endpoint",
        &env.pushed_authorization_request_endpoint,
    );
    if issuer.is_none() && errors.is_empty() {
        if authorization_endpoint.is_none() {
            errors.push((
                "authorization_endpoint",
                "enter an issuer, or the authorization and token endpoints".into(),
            ));
        }
        if token_endpoint.is_none() {
            errors.push(("token_endpoint", "enter the token endpoint".into()));
        }
    }
    let redirect_uri = env
        .redirect_uri
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty() && env.redirect.needs_uri())
        .map(str::to_owned);
    if let Err(message) = redirect::check(env.redirect, redirect_uri.as_deref(), plain_http) {
        errors.push(("redirect_uri", message));
    }
    if let Some(scope) = env
        .scopes
        .iter()
        .find(|s| s.trim().is_empty() || s.contains(' '))
    {
        errors.push(("scopes", format!("{scope:?} is not a scope")));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Environment {
        issuer,
        authorization_endpoint,
        token_endpoint,
        userinfo_endpoint,
        revocation_endpoint,
        pushed_authorization_request_endpoint,
        client_auth: env.client_auth,
        redirect: env.redirect,
        redirect_uri,
        scopes: env.scopes.clone(),
        plain_http,
        ..Environment::discovered(
            env.name.trim(),
            "https://unset.invalid",
            env.client_id.trim(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn google() -> ProviderDraft {
        ProviderDraft {
            id: "google".into(),
            name: "Google".into(),
            preset: Some(Preset::Google),
            allow_plain_http_loopback: false,
            refresh_plain_http_in_background: false,
            environments: vec![EnvironmentDraft {
                name: "production".into(),
                client_id: "123-abc.apps.googleusercontent.com".into(),
                redirect: RedirectKind::ProviderScheme,
                ..EnvironmentDraft::default()
            }],
        }
    }

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_preset_draft_becomes_the_presets_provider() {
        let provider = build(&google(), |_| false).expect("valid");
        let env = &provider.environments[0];
        assert_eq!(env.preset, Some(Preset::Google));
        assert_eq!(
            env.redirect_uri.as_deref(),
            Some("com.googleusercontent.apps.123-abc:/oauth2redirect")
        );
        assert_eq!(env.scopes, ["openid", "email", "profile"]);
    }

    #[test]
    fn the_dpop_switch_goes_from_the_draft_to_the_environment() {
        assert!(!build(&google(), |_| false).expect("valid").environments[0].dpop);
        let mut draft = google();
        draft.environments[0].dpop = true;
        assert!(build(&draft, |_| false).expect("valid").environments[0].dpop);
    }

    #[test]
    fn each_mistake_is_named_with_its_field() {
        let mut draft = google();
        draft.id = "Not An Id".into();
        draft.name = " ".into();
        draft.environments[0].client_id = "123".into();
        assert_eq!(
            fields(build(&draft, |_| false).expect_err("bad")),
            ["id", "name", "environments.0.client_id"]
        );
        let mut loopback = google();
        loopback.environments[0].redirect = RedirectKind::Loopback;
        assert_eq!(
            fields(build(&loopback, |_| false).expect_err("no secret")),
            ["environments.0.client_secret"]
        );
        assert!(build(&loopback, |env| env == "production").is_ok());
        let custom = ProviderDraft {
            id: "corp".into(),
            name: "Corp".into(),
            preset: None,
            allow_plain_http_loopback: false,
            refresh_plain_http_in_background: false,
            environments: vec![EnvironmentDraft {
                name: "production".into(),
                issuer: Some("http://idp.example".into()),
                client_id: "c".into(),
                redirect: RedirectKind::Bridge,
                ..EnvironmentDraft::default()
            }],
        };
        assert_eq!(
            fields(build(&custom, |_| false).expect_err("bad")),
            ["environments.0.issuer", "environments.0.redirect_uri"]
        );
    }

    #[test]
    fn plain_http_needs_the_opt_in_and_an_ip_literal() {
        let local = |issuer: &str, allow: bool, in_background: bool| ProviderDraft {
            id: "local".into(),
            name: "Local".into(),
            preset: None,
            allow_plain_http_loopback: allow,
            refresh_plain_http_in_background: in_background,
            environments: vec![EnvironmentDraft {
                name: "dev".into(),
                issuer: Some(issuer.into()),
                client_id: "c".into(),
                ..EnvironmentDraft::default()
            }],
        };
        let refused =
            build(&local("http://127.0.0.1:8080", false, false), |_| false).expect_err("no opt-in");
        assert_eq!(refused[0].field, "environments.0.issuer");
        assert!(
            refused[0]
                .message
                .contains("allow_plain_http_loopback = true"),
            "says how to opt in: {}",
            refused[0].message
        );
        for issuer in ["http://127.0.0.1:8080", "http://[::1]:8080"] {
            let provider = build(&local(issuer, true, false), |_| false).expect("opted in");
            assert_eq!(provider.environments[0].plain_http, PlainHttp::Loopback);
            assert!(!provider.environments[0].refreshed_in_background());
        }
        for issuer in [
            "http://localhost:8080",
            "http://LOCALHOST.:8080",
            "http://a.localhost",
        ] {
            let refused = build(&local(issuer, true, true), |_| false).expect_err(issuer);
            assert_eq!(refused[0].field, "environments.0.issuer");
            assert!(refused[0].message.contains("never on a name"), "{issuer}");
        }
        let background = build(&local("http://127.0.0.1:8080", true, true), |_| false)
            .expect("opted in to both");
        assert!(background.environments[0].refreshed_in_background());
        assert_eq!(
            fields(build(&local("https://idp.example", false, true), |_| false).expect_err("")),
            ["refresh_plain_http_in_background"]
        );
    }
}
