//! When a grant ends on its own, by the rule each provider publishes (Google's six months unused,
//! Facebook's 60 days, …), with where it is documented; `engine/grant_end.rs` applies it.

use super::Preset;

impl Preset {
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
