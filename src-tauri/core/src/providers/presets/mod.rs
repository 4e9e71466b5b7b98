//! Presets: the providers Grantry knows by name (Google, Facebook, GitHub, Microsoft, GitLab),
//! as plain data, each in a module of its own holding what is particular to it: its endpoints,
//! which redirects its clients accept, its scope catalogue, the authorization parameters it
//! needs, how its token endpoint's answers deviate from RFC 6749 §5 (rewritten into its shape
//! for the standard client, `oauth/http.rs`), its rules for when a grant ends and how its errors
//! read in plain words. Nothing here talks to a provider: the requests of a preset's own (which
//! scopes a token carries, Facebook's exchange) are its dialect, in `dialects/`, above `oauth/`.
//!
//! Invariant: this file and `dialects/mod.rs` are the only places that dispatch on [`Preset`];
//! the engine and the protocol modules ask the preset of an environment (if any) through them
//! and never name a provider themselves. A provider without a preset is plain OpenID Connect /
//! OAuth 2 and gets the standard behaviour everywhere. Every provider's own data is in its
//! module.

mod facebook;
mod github;
mod gitlab;
pub mod google;
mod microsoft;

use openidconnect::HttpResponse;
use serde::{Deserialize, Serialize};

use super::config::{ClientAuth, Environment, PlainHttp};
use super::redirect::RedirectKind;

/// A provider Grantry knows by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "PresetId"))]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    Google,
    Facebook,
    Github,
    Microsoft,
    Gitlab,
}

/// Whether a client secret goes with a redirect choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SecretNeed {
    Required,
    Optional,
    None,
}

/// One way a preset's clients can be sent back to Grantry.
#[derive(Debug, Clone, Copy)]
pub struct RedirectOption {
    pub kind: RedirectKind,
    pub label: &'static str,
    pub help: &'static str,
    /// Whether the client type registered for this redirect has a secret.
    pub secret: SecretNeed,
}

/// A preset's one extra setting (Microsoft's tenant, a self-managed GitLab's address).
#[derive(Debug, Clone, Copy)]
pub struct Site {
    pub label: &'static str,
    pub placeholder: &'static str,
    pub default: &'static str,
    pub help: &'static str,
}

/// What the Providers screen and `grantry providers presets` show of a preset.
#[derive(Debug, Clone, Copy)]
pub struct Info {
    pub name: &'static str,
    pub help: &'static str,
    /// Where a client is registered.
    pub console_url: &'static str,
    pub site: Option<Site>,
    /// The accepted redirects, the recommended one first.
    pub redirects: &'static [RedirectOption],
    pub default_scopes: &'static [&'static str],
    /// The scopes offered for choosing, described by `scope_catalog.rs`.
    pub catalogue: &'static [&'static str],
}

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

/// Why an authorization request is made, for presets that ask differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A new account.
    Link,
    /// More scopes for an account already here (incremental authorization).
    AddScopes,
    /// The same account again.
    Relink,
}

impl Preset {
    pub const ALL: [Preset; 5] = [
        Preset::Google,
        Preset::Facebook,
        Preset::Github,
        Preset::Microsoft,
        Preset::Gitlab,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Self::Google => "google",
            Self::Facebook => "facebook",
            Self::Github => "github",
            Self::Microsoft => "microsoft",
            Self::Gitlab => "gitlab",
        }
    }

    pub fn parse(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.id() == id)
    }

    pub fn info(self) -> &'static Info {
        match self {
            Self::Google => &google::INFO,
            Self::Facebook => &facebook::INFO,
            Self::Github => &github::INFO,
            Self::Microsoft => &microsoft::INFO,
            Self::Gitlab => &gitlab::INFO,
        }
    }

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

    /// The preset's one setting as an environment holds it (the tenant, the GitLab address).
    pub fn site_of(self, env: &Environment) -> Option<String> {
        match self {
            Self::Microsoft => microsoft::tenant_of(env),
            Self::Gitlab => env.issuer.clone(),
            _ => None,
        }
    }

    /// Authorization request parameters this preset needs for `purpose`, beyond the
    /// environment's `extra_params`.
    pub fn authorize_params(self, purpose: Purpose) -> Vec<(&'static str, &'static str)> {
        match self {
            Self::Google => google::authorize_params(purpose),
            _ => Vec::new(),
        }
    }

    /// Rewrites a token endpoint answer that deviates from RFC 6749 §5 into its shape, so that
    /// the standard client reads it.
    pub fn token_response(self, response: HttpResponse) -> HttpResponse {
        match self {
            Self::Github => github::token_response(response),
            Self::Facebook => facebook::token_response(response),
            _ => response,
        }
    }

    /// When the provider's access to the person's data lapses, from a token endpoint answer
    /// (Facebook's `data_access_expires_at`, Unix seconds); `None` elsewhere.
    pub fn data_access_expiry(self, response: &HttpResponse) -> Option<i64> {
        match self {
            Self::Facebook => json_body(response)?.get("data_access_expires_at")?.as_i64(),
            _ => None,
        }
    }

    /// The error of a refused grant or link in plain words, with the likely reason, when the
    /// preset knows it.
    pub fn explain(self, error: &str, description: Option<&str>) -> Option<String> {
        match self {
            Self::Google => google::explain(error, description),
            Self::Facebook => facebook::explain(error, description),
            Self::Microsoft => microsoft::explain(error, description),
            Self::Github => github::explain(error),
            Self::Gitlab => None,
        }
    }

    /// Whether one scope can be taken back at the provider, leaving the others (Facebook).
    pub fn revokes_one_scope(self) -> bool {
        self == Self::Facebook
    }

    /// Whether the token response lists no scopes and they must be asked for right after a
    /// link (Facebook).
    pub fn asks_scopes_after_link(self) -> bool {
        self == Self::Facebook
    }

    /// Whether access tokens are renewed without a refresh token (`dialects::exchange`), so
    /// that an account without one can still be refreshed.
    pub fn renews_without_refresh_token(self) -> bool {
        self == Self::Facebook
    }

    /// The rule the provider publishes for when a grant ends on its own (`engine/grant_end.rs`
    /// applies it): `has_refresh_token` tells GitHub's expiring user tokens from an OAuth
    /// app's.
    pub fn grant_rule(self, has_refresh_token: bool) -> GrantRule {
        const DAY: i64 = 86_400;
        match self {
            Self::Google => GrantRule {
                unused_for: Some(183 * DAY),
                words: "Google ends a refresh token unused for six months, and those of apps \
                        still in Testing seven days after consent",
                doc_url: "https://developers.google.com/identity/protocols/oauth2#expiration",
            },
            Self::Facebook => GrantRule {
                unused_for: Some(60 * DAY),
                words: "Facebook's long-lived tokens end about 60 days after they are issued \
                        (Grantry renews them while the account is used), and its access to \
                        the person's data 90 days after they last used the app",
                doc_url: "https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived/",
            },
            Self::Microsoft => GrantRule {
                unused_for: Some(90 * DAY),
                words: "Microsoft ends a refresh token unused for 90 days",
                doc_url: "https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens",
            },
            Self::Github if has_refresh_token => GrantRule {
                unused_for: Some(184 * DAY),
                words: "GitHub's user-to-server refresh tokens end six months after they are \
                        issued (each refresh issues a new one)",
                doc_url: "https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens",
            },
            Self::Github => GrantRule {
                unused_for: Some(365 * DAY),
                words: "GitHub revokes an OAuth app's token unused for a year",
                doc_url: "https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/token-expiration-and-revocation",
            },
            Self::Gitlab => GrantRule {
                unused_for: None,
                words: "GitLab's refresh tokens do not expire: the grant lasts until it is \
                        revoked",
                doc_url: "https://docs.gitlab.com/api/oauth2/",
            },
        }
    }

    /// The provider's own page where a person reviews the apps they allowed and removes one
    /// by hand: the only way at providers without a revocation endpoint (Microsoft), and where
    /// to look when a revocation did not take. GitLab's is under its address: `issuer`, the
    /// environment's, places it for a self-managed GitLab.
    pub fn apps_page(self, issuer: Option<&str>) -> Option<String> {
        let page = match self {
            Self::Google => google::APPS_PAGE,
            Self::Facebook => facebook::APPS_PAGE,
            Self::Github => github::APPS_PAGE,
            Self::Microsoft => microsoft::MANAGE_CONSENT_URL,
            Self::Gitlab => {
                let base = issuer.unwrap_or(gitlab::GITLAB_COM).trim_end_matches('/');
                return Some(format!("{base}{}", gitlab::APPS_PAGE_PATH));
            }
        };
        Some(page.to_owned())
    }
}

/// A provider's published rule for when a grant ends on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GrantRule {
    /// The grant ends this long after its refresh token was last issued or used; `None`:
    /// the rule names no end.
    pub unused_for: Option<i64>,
    pub words: &'static str,
    /// Where the provider documents it.
    pub doc_url: &'static str,
}

/// The JSON body of an answer, when it is a JSON object. Read as the standard client reads a
/// token answer (oauth2's `endpoint_response`): the first JSON value, whatever follows it, so
/// that a dialect never sees another body than the one the tokens are taken from.
pub(crate) fn json_body(
    response: &HttpResponse,
) -> Option<serde_json::Map<String, serde_json::Value>> {
    let mut values = serde_json::Deserializer::from_slice(response.body()).into_iter();
    match values.next() {
        Some(Ok(serde_json::Value::Object(map))) => Some(map),
        _ => None,
    }
}

/// `response` with another status and JSON body, its headers kept.
fn rewritten(
    response: HttpResponse,
    status: u16,
    body: serde_json::Map<String, serde_json::Value>,
) -> HttpResponse {
    let (mut parts, _) = response.into_parts();
    parts.status = openidconnect::http::StatusCode::from_u16(status).unwrap_or(parts.status);
    let body = serde_json::to_vec(&serde_json::Value::Object(body)).unwrap_or_default();
    HttpResponse::from_parts(parts, body)
}

/// A token endpoint's answer with `status` and `body`, for the dialects' tests.
#[cfg(test)]
fn answer(status: u16, body: &str) -> HttpResponse {
    openidconnect::http::Response::builder()
        .status(status)
        .body(body.as_bytes().to_vec())
        .expect("response")
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
    fn every_preset_names_its_own_page_of_allowed_apps_a_self_managed_gitlab_under_its_address() {
        for preset in Preset::ALL {
            let page = preset.apps_page(None).unwrap_or_default();
            assert!(page.starts_with("https://"), "{preset:?}: {page}");
        }
        assert_eq!(
            Preset::Gitlab.apps_page(Some("https://gitlab.example.org/")),
            Some("https://gitlab.example.org/-/user_settings/applications".into())
        );
        assert_eq!(
            Preset::Gitlab.apps_page(None),
            Some("https://gitlab.com/-/user_settings/applications".into())
        );
        assert_eq!(
            Preset::Google.apps_page(Some("https://accounts.google.com")),
            Some("https://myaccount.google.com/connections".into())
        );
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
