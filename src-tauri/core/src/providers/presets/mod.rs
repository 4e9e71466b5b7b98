//! Presets: the providers Grantry knows by name (Google, Facebook, GitHub, Microsoft, GitLab),
//! as plain data, each in a module of its own holding what is particular to it: its endpoints,
//! which redirects its clients accept, its scope catalogue, the authorization parameters it
//! needs, how its token endpoint's answers deviate from RFC 6749 §5 (rewritten into its shape
//! for the standard client, `oauth/http.rs`), its rules for when a grant ends and how its errors
//! read in plain words. Nothing here talks to a provider: the requests of a preset's own (which
//! scopes a token carries, Facebook's exchange) are its dialect, in `dialects/`, above `oauth/`.
//!
//! This file names the presets and answers what they are asked; beside it: what the screens
//! show of a preset (`info.rs`), building an environment from what a person gives
//! (`environment.rs`), when a grant ends by each provider's rule (`grant_rule.rs`), the
//! rewriting of token answers (`token_answer.rs`, with `json.rs`), its name (`id.rs`) and why an
//! authorization request is made (`purpose.rs`).
//!
//! Invariant: this folder and `dialects/mod.rs` are the only places that dispatch on
//! [`Preset`]; the engine and the protocol modules ask the preset of an environment (if any)
//! through them and never name a provider themselves. A provider without a preset is plain
//! OpenID Connect / OAuth 2 and gets the standard behaviour everywhere. Every provider's own
//! data is in its module.

mod environment;
mod facebook;
mod github;
mod gitlab;
pub mod google;
mod grant_rule;
mod id;
mod info;
mod json;
mod microsoft;
mod purpose;
mod token_answer;

use super::config::Environment;
pub use environment::{Input, PresetError};
pub use grant_rule::GrantRule;
pub use id::Preset;
pub use info::{Info, RedirectOption, SecretNeed, Site};
#[cfg(test)]
use json::answer;
pub(crate) use json::json_body;
use json::rewritten;
pub use purpose::Purpose;

impl Preset {
    pub fn info(self) -> &'static Info {
        match self {
            Self::Google => &google::INFO,
            Self::Facebook => &facebook::INFO,
            Self::Github => &github::INFO,
            Self::Microsoft => &microsoft::INFO,
            Self::Gitlab => &gitlab::INFO,
        }
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

impl Environment {
    /// The provider's own page of the apps a person allowed ([`Preset::apps_page`]),
    /// under a self-managed GitLab's own address for one; `None` for custom providers.
    pub fn apps_page(&self) -> Option<String> {
        self.preset?.apps_page(self.issuer.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
