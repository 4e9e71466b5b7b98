//! A preset's environment built from what a person gives (the Providers form, `grantry providers
//! add --preset`): the preset's endpoints, redirect, client authentication, parameters and
//! revocation, or the reason a choice is refused, with the input it was in.

use super::{Preset, SecretNeed, facebook, github, gitlab, google, microsoft};
use crate::providers::config::{ClientAuth, Environment};
use crate::providers::redirect::RedirectKind;
use crate::providers::urls::PlainHttp;

/// What a person gives to set up one environment of a preset.
#[derive(Debug, Clone, Default)]
pub struct Input {
    pub name: String,
    pub site: Option<String>,
    pub client_id: String,
    /// The redirect; `None` takes the preset's recommended one.
    pub redirect: Option<RedirectKind>,
    /// The bridge page's address, for the bridge redirect.
    pub redirect_uri: Option<String>,
    /// The scopes; empty takes the preset's defaults.
    pub scopes: Vec<String>,
    /// Whether a client secret is given (or already stored) for a redirect where it is optional.
    pub with_secret: bool,
    /// What the provider's opt-ins allow over plain http (a self-managed GitLab on loopback).
    pub plain_http: PlainHttp,
}

/// Why a preset refused what a person gave, and which of their inputs it was (`site`,
/// `client_id`, `redirect`, `redirect_uri`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PresetError {
    pub field: &'static str,
    pub message: String,
}

impl Preset {
    /// Builds an environment from what a person gives: the preset's endpoints, redirect,
    /// client authentication, parameters and revocation. A choice the preset does not accept
    /// is refused with the reason.
    pub fn environment(self, input: &Input) -> Result<Environment, PresetError> {
        let info = self.info();
        let at = |field: &'static str| move |message: String| PresetError { field, message };
        let option = match input.redirect {
            None => info.redirects[0],
            Some(kind) => *info
                .redirects
                .iter()
                .find(|o| o.kind == kind)
                .ok_or_else(|| {
                    let accepted: Vec<&str> = info.redirects.iter().map(|o| o.label).collect();
                    at("redirect")(format!(
                        "{} does not accept {}; choose {}",
                        info.name,
                        kind.words(),
                        accepted.join(" or ")
                    ))
                })?,
        };
        let client_id = input.client_id.trim();
        if client_id.is_empty() {
            return Err(at("client_id")("client_id is empty".into()));
        }
        let mut env = Environment::discovered(&input.name, "https://unset.invalid", client_id);
        env.issuer = None;
        env.plain_http = input.plain_http;
        env.redirect = option.kind;
        env.redirect_uri = input
            .redirect_uri
            .clone()
            .filter(|_| option.kind.needs_uri());
        env.client_auth = match (option.secret, input.with_secret) {
            (SecretNeed::Required, _) | (SecretNeed::Optional, true) => ClientAuth::SecretPost,
            _ => ClientAuth::None,
        };
        env.scopes = if input.scopes.is_empty() {
            info.default_scopes
                .iter()
                .map(|s| (*s).to_owned())
                .collect()
        } else {
            input.scopes.clone()
        };
        let site = input
            .site
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        match self {
            Self::Google => google::fill(&mut env).map_err(at("client_id"))?,
            Self::Facebook => facebook::fill(&mut env).map_err(at("redirect_uri"))?,
            Self::Github => github::fill(&mut env),
            Self::Microsoft => microsoft::fill(&mut env, site).map_err(at("site"))?,
            Self::Gitlab => gitlab::fill(&mut env, site).map_err(at("site"))?,
        }
        env.preset = Some(self);
        Ok(env)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(client_id: &str) -> Input {
        Input {
            name: "production".into(),
            client_id: client_id.into(),
            ..Input::default()
        }
    }

    #[test]
    fn every_preset_builds_a_valid_provider_with_its_recommended_redirect() {
        for preset in Preset::ALL {
            let mut given = input("123-abc.apps.googleusercontent.com");
            given.redirect_uri = Some("https://me.github.io/grantry-bridge/".into());
            let env = preset
                .environment(&given)
                .unwrap_or_else(|e| panic!("{preset:?}: {e}"));
            assert_eq!(env.redirect, preset.info().redirects[0].kind, "{preset:?}");
            let provider = crate::providers::Provider {
                id: crate::providers::ProviderId(preset.id().into()),
                name: preset.info().name.into(),
                preset: Some(preset),
                allow_plain_http_loopback: false,
                refresh_plain_http_in_background: false,
                environments: vec![env],
            };
            provider
                .validate()
                .unwrap_or_else(|e| panic!("{preset:?}: {e}"));
            assert_eq!(Preset::parse(preset.id()), Some(preset));
            for scope in preset.info().default_scopes {
                assert!(preset.info().catalogue.contains(scope), "{scope}");
            }
        }
    }

    #[test]
    fn github_microsoft_and_google_offer_the_device_grant_and_the_others_do_not() {
        let device = |preset: Preset| {
            let mut given = input("123-abc.apps.googleusercontent.com");
            given.redirect = Some(RedirectKind::Device);
            given.with_secret = true;
            preset.environment(&given)
        };
        let github = device(Preset::Github).expect("GitHub");
        assert_eq!(
            github
                .device_authorization_endpoint
                .as_ref()
                .map(|u| u.as_str()),
            Some("https://github.com/login/device/code")
        );
        assert_eq!(
            github.client_auth,
            ClientAuth::None,
            "no secret for devices"
        );
        let microsoft = device(Preset::Microsoft).expect("Microsoft");
        assert_eq!(
            microsoft
                .device_authorization_endpoint
                .as_ref()
                .map(|u| u.as_str()),
            Some("https://login.microsoftonline.com/common/oauth2/v2.0/devicecode")
        );
        let google = device(Preset::Google).expect("Google");
        assert_eq!(google.client_auth, ClientAuth::SecretPost, "its secret");
        assert!(google.issuer.is_some(), "its endpoint comes from discovery");
        for preset in [Preset::Facebook, Preset::Gitlab] {
            assert!(device(preset).is_err(), "{preset:?}");
        }
        for preset in [Preset::Github, Preset::Microsoft, Preset::Google] {
            let help = preset
                .info()
                .redirects
                .iter()
                .find(|o| o.kind == RedirectKind::Device)
                .map(|o| o.help)
                .unwrap_or_default();
            assert!(help.contains("code"), "{preset:?}: {help}");
        }
    }

    #[test]
    fn a_redirect_the_preset_does_not_accept_is_refused() {
        let mut given = input("id");
        given.redirect = Some(RedirectKind::CustomScheme);
        let error = Preset::Github.environment(&given).expect_err("refused");
        assert!(error.message.contains("GitHub does not accept"), "{error}");
        assert_eq!(error.field, "redirect");
        let error = Preset::Gitlab.environment(&input("  ")).expect_err("empty");
        assert_eq!(error.field, "client_id");
        let mut bad_site = input("id");
        bad_site.site = Some("gitlab.example".into());
        assert_eq!(
            Preset::Gitlab
                .environment(&bad_site)
                .expect_err("site")
                .field,
            "site"
        );
    }
}
